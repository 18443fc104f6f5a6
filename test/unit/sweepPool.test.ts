// src/sweep/pool.ts: order, concurrency limit, failures and cancel, with fake jobs resolved by hand.
import { describe, expect, it } from 'vitest';
import { defaultConcurrency, runPool, type PoolJob, type PoolOutcome } from '../../src/sweep/pool';

/** A job whose outcome the test decides; records its cancel. */
function fakeJob<R>() {
  let resolve!: (v: R) => void;
  let reject!: (e: unknown) => void;
  const result = new Promise<R>((res, rej) => ((resolve = res), (reject = rej)));
  const job = { result, cancelled: false, cancel() { job.cancelled = true; } };
  return { job: job as PoolJob<R> & { cancelled: boolean }, resolve, reject };
}

/** Lets promise callbacks (the pool's .then) run. */
const flush = () => new Promise<void>((r) => setTimeout(r, 0));

function harness(n: number, concurrency: number) {
  const jobs: ReturnType<typeof fakeJob<string>>[] = [];
  const startedOrder: number[] = [];
  const settled: [number, PoolOutcome<string>][] = [];
  let running = 0;
  let maxRunning = 0;
  const tasks = Array.from({ length: n }, (_, i) => `t${i}`);
  const handle = runPool(
    tasks,
    concurrency,
    (task, i) => {
      expect(task).toBe(`t${i}`);
      startedOrder.push(i);
      running++;
      maxRunning = Math.max(maxRunning, running);
      const j = fakeJob<string>();
      jobs[i] = j;
      return j.job;
    },
    (i, o) => {
      running--;
      settled.push([i, o]);
    },
  );
  return { handle, jobs, startedOrder, settled, maxRunning: () => maxRunning };
}

describe('runPool', () => {
  it('starts tasks in order, never more than the limit, the next one as soon as any settles', async () => {
    const h = harness(5, 2);
    expect(h.startedOrder).toEqual([0, 1]);
    h.jobs[1].resolve('b'); // the second finishes first: task 2 takes its place
    await flush();
    expect(h.startedOrder).toEqual([0, 1, 2]);
    expect(h.settled).toEqual([[1, { ok: true, value: 'b' }]]);
    h.jobs[0].resolve('a');
    await flush();
    expect(h.startedOrder).toEqual([0, 1, 2, 3]);
    h.jobs[2].resolve('c');
    h.jobs[3].resolve('d');
    await flush();
    expect(h.startedOrder).toEqual([0, 1, 2, 3, 4]);
    let done = false;
    void h.handle.done.then(() => (done = true));
    await flush();
    expect(done).toBe(false); // task 4 still runs
    h.jobs[4].resolve('e');
    await h.handle.done;
    expect(h.settled.map(([i]) => i)).toEqual([1, 0, 2, 3, 4]);
    expect(h.maxRunning()).toBe(2);
    expect(h.handle.started()).toBe(5);
  });

  it('reports a failed job and a start that throws as failures, and goes on', async () => {
    const settled: [number, boolean][] = [];
    const boom = new Error('no worker');
    const ok = fakeJob<number>();
    const bad = fakeJob<number>();
    const handle = runPool(
      [0, 1, 2],
      1,
      (t) => {
        if (t === 1) throw boom;
        return t === 0 ? bad.job : ok.job;
      },
      (i, o) => settled.push([i, o.ok]),
    );
    bad.reject(new Error('crashed'));
    await flush();
    await flush();
    ok.resolve(7);
    await handle.done;
    expect(settled).toEqual([[0, false], [1, false], [2, true]]);
  });

  it('cancel: cancels the running jobs, starts nothing more, reports nothing more, and ends', async () => {
    const h = harness(6, 3);
    h.jobs[0].resolve('a');
    await flush();
    expect(h.startedOrder).toEqual([0, 1, 2, 3]);
    h.handle.cancel();
    await h.handle.done;
    expect([1, 2, 3].map((i) => h.jobs[i].job.cancelled)).toEqual([true, true, true]);
    expect(h.jobs[0].job.cancelled).toBe(false); // already settled: nothing to cancel
    h.jobs[1].resolve('late');
    await flush();
    expect(h.startedOrder).toEqual([0, 1, 2, 3]);
    expect(h.settled.map(([i]) => i)).toEqual([0]);
  });

  it('ends at once with no tasks, and refuses a concurrency below 1', async () => {
    const handle = runPool([], 2, () => { throw new Error('never'); }, () => undefined);
    await handle.done;
    expect(handle.started()).toBe(0);
    expect(() => runPool([1], 0, () => fakeJob<number>().job, () => undefined)).toThrow(RangeError);
  });
});

describe('defaultConcurrency', () => {
  it('leaves one core to the page, at most 4, at least 1', () => {
    // cores − 1 clamped to [1, 4]: 8 → 4, 5 → 4, 3 → 2, 2 → 1, 1 → 1; unknown counts as 2 → 1.
    expect([8, 5, 3, 2, 1].map(defaultConcurrency)).toEqual([4, 4, 2, 1, 1]);
    expect(defaultConcurrency(undefined)).toBe(1);
    expect(defaultConcurrency(0)).toBe(1);
  });
});
