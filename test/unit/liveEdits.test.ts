// Which hyperparameters a mid-run edit sends to a running run.
import { describe, expect, it } from 'vitest';
import type { TrainConfig } from '../../src/engine/types';
import { editsBetween, startOnlyDifferences } from '../../src/store/liveEdits';

const run: TrainConfig = {
  dataset: 'mnist', model: 'ffnn100', optimizer: 'SGD-HD', alpha0: 1e-3, beta: 1e-3, momentum: 0.9, weightDecay: 1e-4,
  batchSize: 128, epochs: 1, iterations: null, seed: 1, evalEvery: null,
};

describe('editsBetween', () => {
  it('nothing changed → null', () => {
    expect(editsBetween(run, { ...run })).toBeNull();
  });

  it('α₀, β and weight decay of SGD-HD', () => {
    expect(editsBetween(run, { ...run, alpha0: 1e-2, beta: 1e-4 })).toEqual({ alpha0: 1e-2, beta: 1e-4 });
    expect(editsBetween(run, { ...run, weightDecay: 0 })).toEqual({ weightDecay: 0 });
  });

  it('the page μ reaches only optimizers that take it (SGD-HD does not use μ; SGDN-HD does)', () => {
    expect(editsBetween(run, { ...run, momentum: 0.5 })).toBeNull();
    const sgdn = { ...run, optimizer: 'SGDN-HD' };
    expect(editsBetween(sgdn, { ...sgdn, momentum: 0.5 })).toEqual({ momentum: 0.5 });
  });

  it('per-optimizer options: a changed or newly set key is sent; β of a plain optimizer is not', () => {
    const v = { ...run, optimizer: 'SGDop-Adamlop' };
    expect(editsBetween(v, { ...v, options: { lrMin: 0 } })).toEqual({ lrMin: 0 });
    expect(editsBetween({ ...v, options: { lrMin: 0 } }, { ...v, options: { lrMin: -1 } })).toEqual({ lrMin: -1 });
    const sgd = { ...run, optimizer: 'SGD' };
    expect(editsBetween(sgd, { ...sgd, beta: 0.5 })).toBeNull();
  });

  it('refuses to compare two optimizers', () => {
    expect(() => editsBetween(run, { ...run, optimizer: 'Adam' })).toThrow(/SGD-HD vs Adam/);
  });
});

describe('startOnlyDifferences', () => {
  it('names the settings that need a new Start', () => {
    expect(startOnlyDifferences(run, { ...run, batchSize: 64, model: 'mlp', alpha0: 5 })).toEqual(['model', 'batch size']);
    expect(startOnlyDifferences(run, run)).toEqual([]);
  });
});

describe("Adam + learned schedule's controller", () => {
  const learned: TrainConfig = { ...run, optimizer: 'Adam-Learned', beta: 1e-7 };
  it('is not sent mid-run (the worker resolved it at Start); a changed one needs a new Start', () => {
    const other = { ...learned, alpha0: 2e-3, options: { controller: 'file:0123456789abcdef' } };
    expect(editsBetween(learned, other)).toEqual({ alpha0: 2e-3 });
    expect(startOnlyDifferences(learned, other)).toEqual(['controller']);
    // The default named explicitly is no change.
    expect(startOnlyDifferences(learned, { ...learned, options: { controller: 'mnist-mlp3-discrete' } })).toEqual([]);
    expect(editsBetween(learned, { ...learned, options: { controller: 'mnist-mlp3-discrete' } })).toBeNull();
  });
});
