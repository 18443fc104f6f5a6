// src/store/sweepRunner.ts with fake workers (Node has no Worker): runs go out in the grid's order a
// few at a time, each run's result is assembled from its streamed batches, Cancel terminates the
// workers, and a data failure ends the sweep with a message.
import { afterEach, describe, expect, it } from 'vitest';
import type { DatasetBuffers, RunSpec } from '../../src/engine/types';
import { runValue, sweepPoints } from '../../src/series/alphaSweep';
import { cancelSweep, startSweep, useSweepStore, type WorkerLike } from '../../src/store/sweepRunner';
import { sweepBaseFrom } from '../../src/sweep/sweepBase';
import type { SweepSpec } from '../../src/sweep/sweepForm';
import { DEFAULT_TEXTS } from '../../src/store/configStore';
import type { FromWorker, ToWorker } from '../../src/worker/protocol';

const DATA: DatasetBuffers = {
  name: 'mnist', trainImages: new Uint8Array(8), trainLabels: new Uint8Array(2), testImages: new Uint8Array(4), testLabels: new Uint8Array(1),
  shape: [2, 2, 1], imageSize: 4, numClasses: 10, mean: [0], std: [1],
};

/**
 * A worker that trains nothing: on 'start' it streams the losses 10·α₀·(1 + 1/t) for t = 1..iterations in
 * two batches, then 'done' — or, for α₀ ≥ 1, a NaN at iteration 2 and 'diverged'. With `hang`, it never ends.
 */
class FakeWorker implements WorkerLike {
  static alive = 0;
  static maxAlive = 0;
  static created: FakeWorker[] = [];
  onmessage: ((ev: MessageEvent<FromWorker>) => void) | null = null;
  onerror: ((ev: ErrorEvent) => void) | null = null;
  spec: RunSpec | null = null;
  transferred = 0;
  terminated = false;
  constructor(private readonly hang = false) {
    FakeWorker.alive++;
    FakeWorker.maxAlive = Math.max(FakeWorker.maxAlive, FakeWorker.alive);
    FakeWorker.created.push(this);
  }
  postMessage(msg: ToWorker, transfer: Transferable[]): void {
    if (msg.type !== 'start') return;
    this.spec = msg.run;
    this.transferred = transfer.length;
    if (this.hang) return;
    const { runId, config } = msg.run;
    const n = config.iterations!;
    const losses = Array.from({ length: n }, (_, i) => 10 * config.alpha0 * (1 + 1 / (i + 1)));
    const send = (m: FromWorker) => setTimeout(() => !this.terminated && this.onmessage?.({ data: m } as MessageEvent<FromWorker>), 0);
    send({ type: 'backend', runId, backend: 'cpu' });
    const cols = (from: number, ls: number[]) => ({ iteration: ls.map((_, k) => from + k), epoch: ls.map(() => 1), loss: ls, lr: ls.map(() => 0), time: ls.map(() => 0) });
    if (config.alpha0 >= 1) {
      send({ type: 'metrics', batch: { runId, train: cols(1, [1, NaN]), evals: [] } });
      send({ type: 'status', runId, state: 'diverged', iteration: 2, total: n });
      return;
    }
    const half = Math.floor(n / 2);
    send({ type: 'metrics', batch: { runId, train: cols(1, losses.slice(0, half)), evals: [] } });
    send({ type: 'metrics', batch: { runId, train: cols(half + 1, losses.slice(half)), evals: [{ iteration: n, epoch: 1, time: 0, valLoss: config.alpha0, valAccuracy: 0.5 }] } });
    send({ type: 'status', runId, state: 'done', iteration: n, total: n });
  }
  terminate(): void {
    if (!this.terminated) FakeWorker.alive--;
    this.terminated = true;
  }
}

const base = sweepBaseFrom({ dataset: 'mnist', model: 'logreg', width: 1, texts: { ...DEFAULT_TEXTS }, perOptimizer: {} }, ['SGD', 'SGD-HD'], null).base!;
const SPEC: SweepSpec = { optimizers: ['SGD', 'SGD-HD'], alphas: [1e-2, 1e-1, 1e3], seedCount: 1, iterations: 4, metric: { kind: 'final-loss' } };
let t = 0;
const deps = (hang = false) => ({
  loadData: async () => DATA,
  createWorker: () => new FakeWorker(hang),
  concurrency: 2,
  backend: 'cpu' as const,
  now: () => (t += 1000),
});

afterEach(() => {
  FakeWorker.alive = 0;
  FakeWorker.maxAlive = 0;
  FakeWorker.created = [];
  useSweepStore.setState({ phase: 'idle', plan: null, entries: [], message: null, startedAt: null, endedAt: null });
});

describe('startSweep', () => {
  it('runs the grid two at a time and keeps each run\'s value', async () => {
    await startSweep(SPEC, base, deps());
    const s = useSweepStore.getState();
    expect(s.phase).toBe('done');
    expect(s.entries).toHaveLength(6);
    expect(FakeWorker.maxAlive).toBe(2);
    expect(FakeWorker.alive).toBe(0); // every worker terminated at its end
    // Started in sweepRunConfigs' order (α₀-major), each with the dataset's 4 buffers transferred.
    expect(FakeWorker.created.map((w) => `${w.spec!.config.optimizer}@${w.spec!.config.alpha0}`)).toEqual([
      'SGD@0.01', 'SGD-HD@0.01', 'SGD@0.1', 'SGD-HD@0.1', 'SGD@1000', 'SGD-HD@1000',
    ]);
    expect(FakeWorker.created.every((w) => w.transferred === 4)).toBe(true);
    expect(FakeWorker.created[0].spec!.config).toMatchObject({ iterations: 4, evalEvery: 4, model: 'logreg' });
    expect(s.entries.every((e) => e.backend === 'cpu')).toBe(true);

    const byKey = new Map(s.entries.map((e) => [`${e.config.optimizer}@${e.config.alpha0}`, e]));
    // Final loss = mean of the 4 losses 10·α₀·(1 + 1/t), t = 1..4: 10·α₀·(4 + 25/12)/4 = 10·α₀·1.5208333…
    // α₀ = 0.01 → 0.152083…; α₀ = 0.1 → 1.520833…
    expect(runValue(byKey.get('SGD@0.01')!.run, SPEC.metric).value).toBeCloseTo(0.1520833333, 9);
    expect(runValue(byKey.get('SGD-HD@0.1')!.run, SPEC.metric).value).toBeCloseTo(1.520833333, 8);
    expect(byKey.get('SGD@1000')!.state).toBe('diverged');

    const result = sweepPoints({ alphas: SPEC.alphas, optimizers: SPEC.optimizers }, s.entries.map((e) => e.run), SPEC.metric);
    expect(result.series[0].points.map((p) => [p.count, p.diverged])).toEqual([[1, 0], [1, 0], [0, 1]]);
    expect(result.unfinished).toEqual([]);
  });

  it('Cancel terminates the running workers and starts no more', async () => {
    const done = startSweep(SPEC, base, deps(true));
    await new Promise((r) => setTimeout(r, 10));
    expect(useSweepStore.getState().phase).toBe('running');
    expect(FakeWorker.alive).toBe(2);
    cancelSweep();
    await done;
    expect(FakeWorker.alive).toBe(0);
    expect(FakeWorker.created).toHaveLength(2);
    expect(useSweepStore.getState()).toMatchObject({ phase: 'cancelled', entries: [] });
  });

  it('a worker that fails becomes an error entry with the reason; the other runs go on', async () => {
    let n = 0;
    const failing = () => {
      n++;
      if (n === 2) throw new Error('too many workers');
      const w = new FakeWorker();
      if (n === 3) queueMicrotask(() => w.onerror?.({ message: 'out of memory', preventDefault: () => undefined } as ErrorEvent));
      return w;
    };
    await startSweep(SPEC, base, { ...deps(), createWorker: failing });
    const s = useSweepStore.getState();
    expect(s.phase).toBe('done');
    expect(s.entries).toHaveLength(6);
    const errors = s.entries.filter((e) => e.state === 'error').map((e) => [e.index, e.message]);
    // Runs 1 and 2 (0-based) got the 2nd and 3rd workers.
    expect(errors.sort()).toEqual([[1, 'could not start a worker: too many workers'], [2, 'out of memory']]);
    expect(FakeWorker.alive).toBe(0);
  });

  it('a dataset that cannot load ends the sweep with the reason', async () => {
    await startSweep(SPEC, base, { ...deps(), loadData: async () => { throw new Error('manifest.json: 404'); } });
    expect(useSweepStore.getState()).toMatchObject({ phase: 'failed', message: 'data: manifest.json: 404' });
    expect(FakeWorker.created).toHaveLength(0);
  });
});
