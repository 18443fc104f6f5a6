// src/sweep/runAccumulator.ts: what the sweep keeps of a streamed run gives runValue the same value as
// the whole run would (the oracle: runValue over the full, unreduced series).
import { describe, expect, it } from 'vitest';
import type { EvalRecord, TrainConfig } from '../../src/engine/types';
import { runValue, type SweepMetric, type SweepRun } from '../../src/series/alphaSweep';
import { RunAccumulator } from '../../src/sweep/runAccumulator';

const CONFIG: TrainConfig = {
  dataset: 'mnist', model: 'logreg', optimizer: 'SGD', alpha0: 1e-2, beta: 1e-3, momentum: 0.9, weightDecay: 0,
  batchSize: 128, epochs: 1, iterations: 250, seed: 3, evalEvery: 250,
};

function batch(from: number, losses: number[], evals: EvalRecord[] = []) {
  const iteration = losses.map((_, k) => from + k);
  return { train: { iteration, loss: losses, epoch: iteration.map(() => 1), lr: iteration.map(() => 0.01), time: iteration.map(() => 0) }, evals };
}

const ev = (iteration: number, valLoss: number): EvalRecord => ({ iteration, epoch: 1, time: 0, valLoss, valAccuracy: 0.5 });

describe('RunAccumulator', () => {
  it('keeps the last `window` losses in iteration order across batches', () => {
    const acc = new RunAccumulator(null, 3);
    acc.add(batch(1, [5, 4]));
    acc.add(batch(3, [3, 2, 1.5]));
    const r = acc.toSweepRun('r', CONFIG, 'done', { kind: 'final-loss' });
    // iterations 1..5 with losses 5, 4, 3, 2, 1.5: the last three are 3, 4, 5.
    expect(r.train.iteration).toEqual([3, 4, 5]);
    expect(r.train.loss).toEqual([3, 2, 1.5]);
    expect(acc.count).toBe(5);
  });

  it('final loss over 100 of 250 streamed losses equals runValue over the whole run', () => {
    const losses = Array.from({ length: 250 }, (_, i) => 2 / (1 + i / 10));
    const acc = new RunAccumulator(null);
    for (let from = 0; from < 250; from += 37) acc.add(batch(from + 1, losses.slice(from, from + 37)));
    const metric: SweepMetric = { kind: 'final-loss' };
    const full: SweepRun = { runId: 'r', config: CONFIG, state: 'done', train: { iteration: losses.map((_, i) => i + 1), loss: losses }, evals: [] };
    const kept = acc.toSweepRun('r', CONFIG, 'done', metric);
    expect(kept.train.loss).toHaveLength(100);
    expect(runValue(kept, metric)).toEqual(runValue(full, metric));
  });

  it('keeps the first crossing below the threshold only, and not a NaN', () => {
    const acc = new RunAccumulator(1);
    acc.add(batch(1, [3, NaN, 2]));
    acc.add(batch(4, [0.9, 0.5, 1.2, 0.1]));
    const metric: SweepMetric = { kind: 'iterations-to-threshold', threshold: 1 };
    const r = acc.toSweepRun('r', CONFIG, 'done', metric);
    // Losses below 1 at iterations 4 (0.9), 5, 7: the first is 4; NaN at 2 never counts.
    expect(r.train).toEqual({ iteration: [4], loss: [0.9] });
    expect(runValue(r, metric).value).toBe(4);
  });

  it('a run that never crosses has no value; one that crossed then diverged keeps it and is marked', () => {
    const metric: SweepMetric = { kind: 'iterations-to-threshold', threshold: 0.5 };
    const never = new RunAccumulator(0.5);
    never.add(batch(1, [2, 1, 0.7]));
    expect(runValue(never.toSweepRun('a', CONFIG, 'done', metric), metric)).toEqual({ runId: 'a', seed: 3, value: null, diverged: false });
    const blew = new RunAccumulator(0.5);
    blew.add(batch(1, [2, 0.4, Infinity]));
    expect(runValue(blew.toSweepRun('b', CONFIG, 'diverged', metric), metric)).toEqual({ runId: 'b', seed: 3, value: 2, diverged: true });
  });

  it('keeps the last evaluation for the final validation loss', () => {
    const acc = new RunAccumulator(null);
    acc.add(batch(1, [], [ev(0, 2.3)]));
    acc.add(batch(1, [2, 1]));
    acc.add(batch(3, [], [ev(2, 0.8)]));
    const metric: SweepMetric = { kind: 'final-val-loss' };
    const r = acc.toSweepRun('r', CONFIG, 'done', metric);
    expect(r.evals).toEqual([ev(2, 0.8)]);
    expect(r.train.loss).toEqual([]);
    expect(runValue(r, metric).value).toBe(0.8);
  });

  it('refuses a window below 1', () => {
    expect(() => new RunAccumulator(null, 0)).toThrow(RangeError);
  });
});
