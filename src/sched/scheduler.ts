// One job scheduler for everything that trains in workers: the page's runs (src/store/runner.ts, at
// most 12 at once) and the α₀ sweep's pool (src/sweep/pool.ts, min(4, cores − 1)). Pure: no DOM, no
// workers, no tfjs — a job is whatever `start` returns (a promise of its outcome and a way to abandon
// it), so order, limit, cancel and failure isolation are tested with fakes (test/unit/scheduler.test.ts).
//
// Jobs start in the order they were added, never more than `concurrency` unsettled at a time; when one
// settles (or is cancelled) the next queued job starts. A job that fails — its promise rejects, or
// `start` itself throws — is reported as failed and the others go on.

/** One started job: its outcome, and a way to abandon it (e.g. terminate its worker). */
export interface Job<R> {
  result: Promise<R>;
  cancel(): void;
}

/** How a job ended. 'cancelled' covers a queued job removed before it started and a running job abandoned. */
export type JobOutcome<R> =
  | { status: 'done'; value: R }
  | { status: 'failed'; error: unknown }
  | { status: 'cancelled' };

export interface SchedulerOptions<T, R> {
  /** Most jobs unsettled at once (a whole number ≥ 1). */
  concurrency: number;
  /** Starts a task; may throw (then the job counts as failed). */
  start: (task: T, id: string) => Job<R>;
  /** Called once per job with its outcome, in the order they settle. */
  onSettled?: (id: string, outcome: JobOutcome<R>, task: T) => void;
  /** Called whenever nothing is running or queued any more. */
  onIdle?: () => void;
}

export interface Scheduler<T> {
  /** Queues a task under a unique id (refused with an Error when the id is in use); starts it if a slot is free. */
  add(id: string, task: T): void;
  /** Cancels one job, queued or running. False when the id is unknown or already settled. */
  cancel(id: string): boolean;
  /** Cancels every queued job (running ones go on). Returns their ids, in queue order. */
  cancelQueued(): string[];
  /** Cancels everything, queued and running. */
  cancelAll(): void;
  /** Ids of the running jobs, in start order. */
  running(): string[];
  /** Ids of the queued jobs, in queue order. */
  queued(): string[];
  /** Is this id queued or running? */
  has(id: string): boolean;
  /** Jobs started so far (running or settled). */
  started(): number;
  readonly concurrency: number;
}

export function createScheduler<T, R>(opts: SchedulerOptions<T, R>): Scheduler<T> {
  const { concurrency } = opts;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`scheduler: concurrency must be a whole number ≥ 1, got ${concurrency}`);
  const queue: { id: string; task: T }[] = [];
  const active = new Map<string, { task: T; job: Job<R> }>();
  let startedCount = 0;
  let filling = false;

  const report = (id: string, outcome: JobOutcome<R>, task: T) => {
    try {
      opts.onSettled?.(id, outcome, task);
    } catch (err) {
      // A reporting callback that throws must not stall the queue; surface it asynchronously.
      setTimeout(() => {
        throw err;
      }, 0);
    }
  };

  const settle = (id: string, job: Job<R>, outcome: JobOutcome<R>) => {
    const entry = active.get(id);
    // Cancelled meanwhile (or an id reused by a later job): this outcome is no longer wanted.
    if (!entry || entry.job !== job) return;
    active.delete(id);
    report(id, outcome, entry.task);
    fill();
  };

  function fill(): void {
    if (filling) return; // a job that settles synchronously inside start(): the running loop goes on
    filling = true;
    try {
      while (active.size < concurrency && queue.length > 0) {
        const { id, task } = queue.shift()!;
        startedCount++;
        let job: Job<R>;
        try {
          job = opts.start(task, id);
        } catch (error) {
          job = { result: Promise.reject(error), cancel: () => undefined };
        }
        active.set(id, { task, job });
        job.result.then(
          (value) => settle(id, job, { status: 'done', value }),
          (error: unknown) => settle(id, job, { status: 'failed', error }),
        );
      }
    } finally {
      filling = false;
    }
    if (active.size === 0 && queue.length === 0) opts.onIdle?.();
  }

  const scheduler: Scheduler<T> = {
    concurrency,
    add(id, task) {
      if (active.has(id) || queue.some((q) => q.id === id)) throw new Error(`scheduler: job ${id} is already queued or running`);
      queue.push({ id, task });
      fill();
    },
    cancel(id) {
      const q = queue.findIndex((e) => e.id === id);
      if (q >= 0) {
        const [e] = queue.splice(q, 1);
        report(id, { status: 'cancelled' }, e.task);
        if (active.size === 0 && queue.length === 0) opts.onIdle?.();
        return true;
      }
      const entry = active.get(id);
      if (!entry) return false;
      active.delete(id);
      try {
        entry.job.cancel();
      } finally {
        report(id, { status: 'cancelled' }, entry.task);
        fill();
      }
      return true;
    },
    cancelQueued() {
      const removed = queue.splice(0, queue.length);
      for (const e of removed) report(e.id, { status: 'cancelled' }, e.task);
      if (removed.length > 0 && active.size === 0) opts.onIdle?.();
      return removed.map((e) => e.id);
    },
    cancelAll() {
      // Queued first, so cancelling a running job does not start one of them.
      scheduler.cancelQueued();
      for (const id of [...active.keys()]) scheduler.cancel(id);
    },
    running: () => [...active.keys()],
    queued: () => queue.map((e) => e.id),
    has: (id) => active.has(id) || queue.some((e) => e.id === id),
    started: () => startedCount,
  };
  return scheduler;
}
