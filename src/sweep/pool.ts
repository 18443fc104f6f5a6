// A small job pool: runs tasks in their given order with at most `concurrency` running at a time, and
// reports each one as it settles. It knows nothing of workers (the sweep runner's jobs are workers;
// the tests' are fakes), so the scheduling — order, limit, cancel — is testable on its own.

/** One started task: its outcome, and a way to abandon it (e.g. terminate its worker). */
export interface PoolJob<R> {
  result: Promise<R>;
  cancel(): void;
}

export type PoolOutcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

export interface PoolHandle {
  /** Resolves when every task has settled, or at once after cancel() (abandoned jobs are not awaited). */
  done: Promise<void>;
  /** Start nothing more, cancel the running jobs; their outcomes are no longer reported. */
  cancel(): void;
  /** Tasks started so far (running or settled). */
  started(): number;
}

/** How many sweep runs may train at once: one core stays with the page, at most 4, at least 1. */
export function defaultConcurrency(hardwareConcurrency: number | undefined): number {
  const cores = Number.isFinite(hardwareConcurrency) && hardwareConcurrency! > 0 ? Math.floor(hardwareConcurrency!) : 2;
  return Math.max(1, Math.min(4, cores - 1));
}

/**
 * Starts tasks[0], tasks[1], … in order, keeping at most `concurrency` unsettled; when one settles,
 * `onSettled(index, outcome)` is called and the next task starts. A `start` that throws counts as a
 * task that failed (reported, never thrown), so one bad task cannot stall the rest.
 */
export function runPool<T, R>(
  tasks: readonly T[],
  concurrency: number,
  start: (task: T, index: number) => PoolJob<R>,
  onSettled: (index: number, outcome: PoolOutcome<R>) => void,
): PoolHandle {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`runPool: concurrency must be a whole number ≥ 1, got ${concurrency}`);
  let next = 0;
  let running = 0;
  let cancelled = false;
  const jobs = new Map<number, PoolJob<R>>();
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));

  const settle = (index: number, outcome: PoolOutcome<R>) => {
    if (cancelled || !jobs.has(index)) return;
    jobs.delete(index);
    running--;
    onSettled(index, outcome);
    fill();
  };

  function fill(): void {
    while (!cancelled && running < concurrency && next < tasks.length) {
      const index = next++;
      running++;
      let job: PoolJob<R>;
      try {
        job = start(tasks[index], index);
      } catch (error) {
        job = { result: Promise.reject(error), cancel: () => undefined };
      }
      jobs.set(index, job);
      job.result.then(
        (value) => settle(index, { ok: true, value }),
        (error: unknown) => settle(index, { ok: false, error }),
      );
    }
    if (!cancelled && running === 0 && next >= tasks.length) finish();
  }

  fill();
  return {
    done,
    cancel() {
      if (cancelled) return;
      cancelled = true;
      for (const job of jobs.values()) job.cancel();
      jobs.clear();
      finish();
    },
    started: () => next,
  };
}
