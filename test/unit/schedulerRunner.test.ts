// The page's runner (src/store/runner.ts) on the shared scheduler, with fake workers (Node has no
// Worker): at most 12 runs train at once and the rest queue; a worker that crashes, runs out of memory
// or loses its GPU device ends only its own run (state 'error', the reason, its points kept) and the
// next queued run starts; Stop cancels the queue.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DatasetBuffers, MetricBatch } from '../../src/engine/types';
import type { FromWorker, ToWorker } from '../../src/worker/protocol';

const DATA: DatasetBuffers = {
  name: 'mnist', trainImages: new Uint8Array(8), trainLabels: new Uint8Array(2), testImages: new Uint8Array(4), testLabels: new Uint8Array(1),
  shape: [2, 2, 1], imageSize: 4, numClasses: 10, mean: [0], std: [1],
};

vi.mock('../../src/store/dataset', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/store/dataset')>()),
  ensureDataset: async () => DATA,
}));

class FakeWorker {
  static all: FakeWorker[] = [];
  onmessage: ((ev: MessageEvent<FromWorker>) => void) | null = null;
  onerror: ((ev: ErrorEvent) => void) | null = null;
  onmessageerror: ((ev: MessageEvent) => void) | null = null;
  runId = '';
  received: ToWorker['type'][] = [];
  edits: unknown[] = [];
  terminated = false;
  constructor() {
    FakeWorker.all.push(this);
  }
  postMessage(msg: ToWorker): void {
    this.received.push(msg.type);
    if (msg.type === 'start') this.runId = msg.run.runId;
    if (msg.type === 'edit') this.edits.push(msg.changes);
  }
  terminate(): void {
    this.terminated = true;
  }
  send(m: FromWorker): void {
    this.onmessage?.({ data: m } as MessageEvent<FromWorker>);
  }
  /** Streams iterations 1..n. */
  points(n: number): void {
    const its = Array.from({ length: n }, (_, i) => i + 1);
    const batch: MetricBatch = { runId: this.runId, train: { iteration: its, epoch: its.map(() => 1), loss: its.map(() => 1), lr: its.map(() => 0.1), time: its.map(() => 0) }, evals: [] };
    this.send({ type: 'metrics', batch });
    this.send({ type: 'status', runId: this.runId, state: 'training', iteration: n, total: 20, tensors: 7 });
  }
}

const tick = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setTimeout(r, 0));
};
const alive = () => FakeWorker.all.filter((w) => !w.terminated);

beforeAll(() => vi.stubGlobal('Worker', FakeWorker));
afterAll(() => vi.unstubAllGlobals());

describe('runner on the shared scheduler, with faults', () => {
  it('20 runs: 12 train, 8 queue; crash, out of memory and device loss end only their run and let the next start; Stop empties the queue', async () => {
    const { useConfigStore, DEFAULT_TEXTS } = await import('../../src/store/configStore');
    const { useRunsStore } = await import('../../src/store/runsStore');
    const { seriesBuffers } = await import('../../src/series/buffers');
    const runner = await import('../../src/store/runner');
    useConfigStore.setState({ optimizers: ['SGD', 'SGD-HD', 'Adam', 'Adam-HD'], texts: { ...DEFAULT_TEXTS, iterations: '20', seeds: '5' } });
    await runner.startRuns();
    await tick(20);
    const runs = () => useRunsStore.getState().runs;
    const ids = useRunsStore.getState().current;
    expect(ids).toHaveLength(20);
    expect(FakeWorker.all).toHaveLength((await import('../../src/store/runSpecs')).MAX_CONCURRENT_RUNS);
    expect(FakeWorker.all.map((w) => w.runId)).toEqual(ids.slice(0, 12)); // queue order = start order
    expect(ids.slice(12).map((id) => runs()[id].state)).toEqual(Array(8).fill('loading'));

    const [crash, oom, lost, ok] = FakeWorker.all;
    for (const w of [crash, oom, lost, ok]) w.points(5);
    // An uncaught error in the worker: worker crashed.
    crash.onerror!({ message: 'Uncaught Error: boom', preventDefault: () => undefined } as ErrorEvent);
    // An allocation failure: out of memory.
    oom.onerror!({ message: 'Uncaught RangeError: WebAssembly.Memory.grow(): Maximum memory size exceeded', preventDefault: () => undefined } as ErrorEvent);
    // The worker saw device.lost resolve and reported it.
    lost.send({ type: 'status', runId: lost.runId, state: 'error', iteration: 5, total: 20, message: 'GPU device lost: unknown (reset)' });
    await tick(20);
    expect(runs()[crash.runId]).toMatchObject({ state: 'error', message: 'worker crashed: Error: boom', iteration: 5 });
    expect(runs()[oom.runId]).toMatchObject({ state: 'error', message: 'out of memory: RangeError: WebAssembly.Memory.grow(): Maximum memory size exceeded' });
    expect(runs()[lost.runId]).toMatchObject({ state: 'error', message: 'GPU device lost: unknown (reset)' });
    expect([crash, oom, lost].every((w) => w.terminated)).toBe(true);
    // Their points stay.
    for (const w of [crash, oom, lost]) expect(seriesBuffers.length(w.runId)).toBe(5);
    // One alert per fault, naming the run.
    expect(useRunsStore.getState().errors.filter((e) => /worker crashed|out of memory|GPU device lost/.test(e))).toHaveLength(3);
    // Three slots freed: the next three queued runs started, in order; still 12 at once.
    expect(FakeWorker.all.map((w) => w.runId).slice(12)).toEqual(ids.slice(12, 15));
    expect(alive()).toHaveLength(12);
    // The others go on.
    expect(ok.terminated).toBe(false);
    expect(runner.workerTensorCounts()[ok.runId]).toBe(7);
    ok.send({ type: 'status', runId: ok.runId, state: 'done', iteration: 20, total: 20 });
    await tick(20);
    expect(runs()[ok.runId].state).toBe('done');
    expect(FakeWorker.all).toHaveLength(16);
    expect(alive()).toHaveLength(12);

    // A late error event of a worker already finished does not change its run.
    ok.onerror!({ message: 'Uncaught Error: late', preventDefault: () => undefined } as ErrorEvent);
    expect(runs()[ok.runId].state).toBe('done');

    // The crash hook exists only with ?faults=1 (Node has no page address: off).
    expect(runner.crashRun(FakeWorker.all[5].runId, 'throw')).toBe(false);
    expect(FakeWorker.all[5].received).not.toContain('__crash');

    // Stop: the 4 runs still queued never start and show as stopped; the running ones are told to stop.
    runner.stopAll();
    expect(ids.slice(16).map((id) => runs()[id].state)).toEqual(['stopped', 'stopped', 'stopped', 'stopped']);
    for (const w of alive()) expect(w.received).toContain('stop');
    for (const w of alive()) w.send({ type: 'status', runId: w.runId, state: 'stopped', iteration: 5, total: 20 });
    await tick(20);
    expect(FakeWorker.all).toHaveLength(16);
    expect(alive()).toHaveLength(0);
  });

  it('Apply to running runs reaches the queued runs too: they take the edit right after their start', async () => {
    const { useConfigStore, DEFAULT_TEXTS } = await import('../../src/store/configStore');
    const { useRunsStore } = await import('../../src/store/runsStore');
    const runner = await import('../../src/store/runner');
    const first = FakeWorker.all.length;
    useConfigStore.setState({ optimizers: ['SGD', 'SGD-HD'], texts: { ...DEFAULT_TEXTS, iterations: '20', seeds: '7', alpha0: '0.001' } });
    await runner.startRuns();
    await tick(20);
    const ids = useRunsStore.getState().current;
    expect(ids).toHaveLength(14);
    const started = FakeWorker.all.slice(first);
    expect(started).toHaveLength(12);
    for (const w of started) w.points(3);
    useConfigStore.setState({ texts: { ...useConfigStore.getState().texts, alpha0: '0.002' } });
    const plan = runner.planLiveEdits()!;
    expect(plan.edits).toHaveLength(14);
    expect(plan.edits.filter((e) => e.queued).map((e) => e.runId)).toEqual(ids.slice(12));
    expect(runner.applyLiveEdits(plan)).toEqual({ sent: 12, queued: 2, ended: 0 });
    for (const w of started) expect(w.edits).toEqual([{ alpha0: 0.002 }]);
    // Nothing more to apply: the queued runs count their pending edit as taken.
    expect(runner.planLiveEdits()!.edits.filter((e) => e.runId === ids[12])).toEqual([]);
    // A slot frees: the next run starts, and its first messages are start, then the edit.
    started[0].send({ type: 'status', runId: started[0].runId, state: 'done', iteration: 20, total: 20 });
    await tick(20);
    const next = FakeWorker.all[first + 12];
    expect(next.runId).toBe(ids[12]);
    expect(next.received.slice(0, 2)).toEqual(['start', 'edit']);
    expect(next.edits).toEqual([{ alpha0: 0.002 }]);
    runner.stopAll();
    for (const w of alive()) w.send({ type: 'status', runId: w.runId, state: 'stopped', iteration: 3, total: 20 });
    await tick(20);
  });
});
