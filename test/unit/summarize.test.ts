// A run's summary (src/cli/experiment.ts) from hand-made records.
import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/cli/experiment';
import type { RunRecord, TrainConfig } from '../../src/engine/types';

const config: TrainConfig = {
  dataset: 'mnist', model: 'logreg', optimizer: 'SGD-HD', alpha0: 0.1, beta: 1e-3, momentum: 0.9, weightDecay: 0,
  batchSize: 128, epochs: 2, iterations: null, seed: 1, evalEvery: null,
};

function record(n: number, state: RunRecord['state'], evalsAt: number[]): RunRecord {
  const it = Array.from({ length: n }, (_, i) => i + 1);
  return {
    runId: 'r', config, backend: 'cpu', state,
    train: { iteration: it, epoch: it.map((i) => (i <= n / 2 ? 1 : 2)), loss: it.map((i) => 1 / i), lr: it.map((i) => (i % 7) - 3), time: it.map(() => 0) },
    evals: evalsAt.map((i) => ({ iteration: i, epoch: 0, time: 0, valLoss: 0.5, valAccuracy: 0.9 })),
  };
}

describe('run summary', () => {
  it('train loss is the mean over the last epoch; α range and the threshold crossing', () => {
    // 4 iterations, 2 per epoch: last epoch losses 1/3 and 1/4 → mean 7/24; α = i mod 7 − 3 → −2, −1, 0, 1.
    const s = summarize(record(4, 'done', [0, 2, 4]), 0.4, 1.5);
    expect(s.train_loss).toBeCloseTo(7 / 24, 12);
    expect([s.lr_min, s.lr_max, s.lr_final]).toEqual([-2, 1, 1]);
    expect(s.iterations_to_threshold).toBe(3); // 1/3 is the first loss below 0.4
    expect(s.state).toBe('threshold');
    expect([s.val_loss, s.val_accuracy]).toEqual([0.5, 0.9]);
  });

  it('a diverged run reports no validation numbers (its last evaluation is from before it diverged)', () => {
    const s = summarize(record(4, 'diverged', [0]), null, 1);
    expect([s.val_loss, s.val_accuracy, s.state]).toEqual([null, null, 'diverged']);
  });

  it('long runs (200,000 iterations) do not overflow the α range computation', () => {
    const s = summarize(record(200_000, 'done', [200_000]), null, 1);
    expect([s.lr_min, s.lr_max]).toEqual([-3, 3]);
  });
});
