// src/sched/scheduler.ts, the one queue behind the page's runs and the α₀ sweep: limit, order, cancel of
// queued and running jobs, failure isolation — with fake jobs settled by hand.
import { describe, expect, it } from 'vitest';
import { createScheduler, type Job, type JobOutcome } from '../../src/sched/scheduler';

function fakeJob<R>() {
  let resolve!: (v: R) => void;
  let reject!: (e: unknown) => void;
  const result = new Promise<R>((res, rej) => ((resolve = res), (reject = rej)));
  const job = { result, cancelled: 0, cancel() { job.cancelled++; } };
  return { job: job as Job<R> & { cancelled: number }, resolve, reject };
}

const flush = () => new Promise<void>((r) => setTimeout(r, 0));

function harness(concurrency: number, opts: { throwFor?: string } = {}) {
  const jobs = new Map<string, ReturnType<typeof fakeJob<string>>>();
  const startedOrder: string[] = [];
  const settled: [string, JobOutcome<string>['status']][] = [];
  let idle = 0;
  let maxRunning = 0;
  const s = createScheduler<number, string>({
    concurrency,
    start: (_task, id) => {
      startedOrder.push(id);
      if (id === opts.throwFor) throw new Error('no worker');
      const j = fakeJob<string>();
      jobs.set(id, j);
      maxRunning = Math.max(maxRunning, s.running().length + 1);
      return j.job;
    },
    onSettled: (id, o) => settled.push([id, o.status]),
    onIdle: () => idle++,
  });
  return { s, jobs, startedOrder, settled, idle: () => idle, maxRunning: () => maxRunning };
}

describe('createScheduler', () => {
  it('never runs more than the limit; starts in the order added; the next starts as any job settles', async () => {
    const h = harness(3);
    for (let i = 0; i < 8; i++) h.s.add(`j${i}`, i);
    expect(h.s.running()).toEqual(['j0', 'j1', 'j2']);
    expect(h.s.queued()).toEqual(['j3', 'j4', 'j5', 'j6', 'j7']);
    h.jobs.get('j1')!.resolve('x');
    await flush();
    expect(h.startedOrder).toEqual(['j0', 'j1', 'j2', 'j3']);
    expect(h.s.running()).toEqual(['j0', 'j2', 'j3']);
    for (const id of ['j0', 'j2', 'j3']) h.jobs.get(id)!.resolve(id);
    await flush();
    expect(h.startedOrder).toEqual(['j0', 'j1', 'j2', 'j3', 'j4', 'j5', 'j6']);
    for (const id of ['j4', 'j5', 'j6']) h.jobs.get(id)!.resolve(id);
    await flush();
    h.jobs.get('j7')!.resolve('j7');
    await flush();
    expect(h.maxRunning()).toBe(3);
    expect(h.settled.map(([id]) => id)).toEqual(['j1', 'j0', 'j2', 'j3', 'j4', 'j5', 'j6', 'j7']);
    expect(h.settled.every(([, st]) => st === 'done')).toBe(true);
    expect(h.s.started()).toBe(8);
    expect(h.idle()).toBe(1);
  });

  it('a failing job (rejects, or start throws) is reported as failed and the others go on', async () => {
    const h = harness(2, { throwFor: 'j1' });
    for (let i = 0; i < 4; i++) h.s.add(`j${i}`, i);
    await flush();
    // j1's start threw: it failed, and j2 took its slot at once.
    expect(h.settled).toEqual([['j1', 'failed']]);
    expect(h.s.running()).toEqual(['j0', 'j2']);
    h.jobs.get('j0')!.reject(new Error('worker crashed'));
    await flush();
    expect(h.s.running()).toEqual(['j2', 'j3']);
    h.jobs.get('j2')!.resolve('ok');
    h.jobs.get('j3')!.resolve('ok');
    await flush();
    expect(h.settled).toEqual([['j1', 'failed'], ['j0', 'failed'], ['j2', 'done'], ['j3', 'done']]);
    expect(h.idle()).toBe(1);
  });

  it('cancel of a queued job: it never starts, is reported cancelled, the queue keeps its order', async () => {
    const h = harness(1);
    for (let i = 0; i < 4; i++) h.s.add(`j${i}`, i);
    expect(h.s.cancel('j2')).toBe(true);
    expect(h.s.queued()).toEqual(['j1', 'j3']);
    expect(h.settled).toEqual([['j2', 'cancelled']]);
    h.jobs.get('j0')!.resolve('a');
    await flush();
    h.jobs.get('j1')!.resolve('b');
    await flush();
    expect(h.startedOrder).toEqual(['j0', 'j1', 'j3']);
    expect(h.s.cancel('j2')).toBe(false); // already gone
    expect(h.s.cancel('nope')).toBe(false);
  });

  it('cancel of a running job: its cancel() runs, its slot goes to the next job, its late outcome is ignored', async () => {
    const h = harness(2);
    for (let i = 0; i < 3; i++) h.s.add(`j${i}`, i);
    expect(h.s.cancel('j0')).toBe(true);
    expect(h.jobs.get('j0')!.job.cancelled).toBe(1);
    expect(h.s.running()).toEqual(['j1', 'j2']);
    h.jobs.get('j0')!.resolve('late');
    await flush();
    expect(h.settled).toEqual([['j0', 'cancelled']]);
  });

  it('cancelQueued leaves running jobs alone; cancelAll cancels everything without starting the queue', async () => {
    const h = harness(2);
    for (let i = 0; i < 5; i++) h.s.add(`j${i}`, i);
    expect(h.s.cancelQueued()).toEqual(['j2', 'j3', 'j4']);
    expect(h.s.running()).toEqual(['j0', 'j1']);
    h.s.add('j5', 5);
    h.s.add('j6', 6);
    h.s.cancelAll();
    expect(h.startedOrder).toEqual(['j0', 'j1']);
    expect(h.jobs.get('j0')!.job.cancelled).toBe(1);
    expect(h.jobs.get('j1')!.job.cancelled).toBe(1);
    expect(h.s.running()).toEqual([]);
    expect(h.s.queued()).toEqual([]);
    expect(h.settled.map(([id, st]) => `${id}:${st}`)).toEqual(['j2:cancelled', 'j3:cancelled', 'j4:cancelled', 'j5:cancelled', 'j6:cancelled', 'j0:cancelled', 'j1:cancelled']);
  });

  it('refuses a duplicate id and a concurrency below 1; an id can be reused once its job settled', async () => {
    const h = harness(1);
    h.s.add('a', 1);
    h.s.add('b', 2);
    expect(() => h.s.add('a', 3)).toThrow(/already/);
    expect(() => h.s.add('b', 3)).toThrow(/already/);
    h.jobs.get('a')!.resolve('done');
    await flush();
    h.jobs.get('b')!.resolve('done');
    await flush();
    h.s.add('a', 4);
    expect(h.s.has('a')).toBe(true);
    expect(() => createScheduler({ concurrency: 0, start: () => fakeJob<number>().job })).toThrow(RangeError);
    expect(() => createScheduler({ concurrency: 1.5, start: () => fakeJob<number>().job })).toThrow(RangeError);
  });

  it('an onSettled that throws does not stall the queue', async () => {
    const started: string[] = [];
    const jobs: ReturnType<typeof fakeJob<number>>[] = [];
    const errors: unknown[] = [];
    const onErr = (e: unknown) => errors.push(e);
    process.on('uncaughtException', onErr);
    try {
      const s = createScheduler<number, number>({
        concurrency: 1,
        start: (_t, id) => {
          started.push(id);
          const j = fakeJob<number>();
          jobs.push(j);
          return j.job;
        },
        onSettled: () => {
          throw new Error('listener bug');
        },
      });
      s.add('a', 1);
      s.add('b', 2);
      jobs[0].resolve(1);
      await flush();
      await flush();
      expect(started).toEqual(['a', 'b']);
    } finally {
      process.off('uncaughtException', onErr);
    }
  });
});
