// A small job pool over a fixed list of tasks: runs them in their given order with at most `concurrency`
// running at a time, and reports each one as it settles. The queue is the shared scheduler
// (src/sched/scheduler.ts, the one the page's runs use too); it knows nothing of workers (the sweep
// runner's jobs are workers; the tests' are fakes).

import { createScheduler, type Job } from '../sched/scheduler';

/** One started task: its outcome, and a way to abandon it (e.g. terminate its worker). */
export type PoolJob<R> = Job<R>;

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
 * task that failed (reported, never thrown), so one bad task cannot stall the rest. The queue itself is
 * the shared scheduler (src/sched/scheduler.ts), the one the page's runs use too.
 */
export function runPool<T, R>(
  tasks: readonly T[],
  concurrency: number,
  start: (task: T, index: number) => PoolJob<R>,
  onSettled: (index: number, outcome: PoolOutcome<R>) => void,
): PoolHandle {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`runPool: concurrency must be a whole number ≥ 1, got ${concurrency}`);
  let cancelled = false;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const sched = createScheduler<number, R>({
    concurrency,
    start: (index) => start(tasks[index], index),
    onSettled: (_id, outcome, index) => {
      // After cancel() nothing more is reported (abandoned jobs are not awaited).
      if (cancelled || outcome.status === 'cancelled') return;
      onSettled(index, outcome.status === 'done' ? { ok: true, value: outcome.value } : { ok: false, error: outcome.error });
    },
    onIdle: () => {
      if (!cancelled) finish();
    },
  });
  tasks.forEach((_, i) => sched.add(String(i), i));
  if (tasks.length === 0) finish();
  return {
    done,
    cancel() {
      if (cancelled) return;
      cancelled = true;
      sched.cancelAll();
      finish();
    },
    started: () => sched.started(),
  };
}
