// A Stack run on the command line: hyperparameter columns merged across batches (appendHp) and the
// summary's final_hp (src/cli/experiment.ts).
import { describe, expect, it } from 'vitest';
import { appendHp, summarize } from '../../src/cli/experiment';
import { finalHpOf } from '../../src/cli/sweepSummary';
import type { RunRecord, TrainColumns, TrainConfig } from '../../src/engine/types';

const config: TrainConfig = {
  dataset: 'mnist', model: 'logreg', optimizer: 'Stack', alpha0: 0.1, beta: 1e-3, momentum: 0.9, weightDecay: 0,
  batchSize: 128, epochs: 1, iterations: null, seed: 1, evalEvery: null, options: { stack: 'Adam / SGD(1e-5)' },
};

function record(train: TrainColumns): RunRecord {
  return { runId: 'r', config, backend: 'cpu', state: 'done', train, evals: [] };
}

describe('hyperparameter columns on the command line', () => {
  it('appendHp keeps every column as long as iteration (NaN where a batch had none)', () => {
    const t: TrainColumns = { iteration: [], epoch: [], loss: [], lr: [], time: [] };
    const batches: [number, TrainColumns['hp']][] = [[2, undefined], [1, { beta1: [0.9] }], [2, { beta1: [0.8, 0.7], beta2: [0.99, 0.98] }], [1, { beta2: [0.97] }]];
    for (const [n, hp] of batches) {
      const before = t.iteration.length;
      for (let i = 0; i < n; i++) t.iteration.push(before + i + 1);
      appendHp(t, before, hp, n);
    }
    expect(t.hp).toEqual({ beta1: [NaN, NaN, 0.9, 0.8, 0.7, NaN], beta2: [NaN, NaN, NaN, 0.99, 0.98, 0.97] });
    const plain: TrainColumns = { iteration: [1], epoch: [0], loss: [1], lr: [1], time: [0] };
    appendHp(plain, 0, undefined, 1);
    expect(plain.hp).toBeUndefined();
  });

  it('final_hp: α and each streamed hyperparameter after the last iteration, only for runs with hp', () => {
    const base = { iteration: [1, 2], epoch: [1, 1], loss: [2, 1], lr: [0.1, 0.2], time: [0, 0] };
    const s = summarize(record({ ...base, hp: { beta1: [0.9, 0.85], beta2: [0.99, NaN] } }), null, 1);
    expect(s.final_hp).toEqual({ alpha: 0.2, beta1: 0.85, beta2: null });
    expect(Object.keys(s.final_hp!)).toEqual(['alpha', 'beta1', 'beta2']);
    expect(summarize(record(base), null, 1)).not.toHaveProperty('final_hp');
  });

  it('the sweep keeps a stored summary\'s final_hp in its summary.json row (numbers or null; nothing for other runs)', () => {
    expect(finalHpOf({ final_hp: { alpha: 0.01, mu: 0.9, other: 3 } })).toEqual({ alpha: 0.01, mu: 0.9 });
    expect(finalHpOf({ final_hp: { alpha: 'x', gamma: null } })).toEqual({ alpha: null, gamma: null });
    expect(finalHpOf({})).toBeUndefined();
    expect(finalHpOf({ final_hp: [1] })).toBeUndefined();
    expect(finalHpOf({ final_hp: { mu: 0.9 } })).toBeUndefined();
  });
});
