// src/sweep/sweepCsv.ts: one row per run, every seed, in optimizer (as ticked) / α₀ / seed order.
import { describe, expect, it } from 'vitest';
import { sweepCsv, sweepFileName, type SweepCsvRow } from '../../src/sweep/sweepCsv';

describe('sweepCsv', () => {
  it('writes the header and the rows sorted, empty values for runs without one', () => {
    const rows: SweepCsvRow[] = [
      { optimizer: 'SGD-HD', alpha0: 1e-3, seed: 1, value: 0.25, state: 'done' },
      { optimizer: 'SGD', alpha0: 1e6, seed: 2, value: null, state: 'diverged' },
      { optimizer: 'SGD', alpha0: 1e6, seed: 1, value: null, state: 'diverged' },
      { optimizer: 'SGD', alpha0: 3.16e-4, seed: 1, value: 1.5, state: 'done' },
      { optimizer: 'SGD-HD', alpha0: 1e-4, seed: 1, value: null, state: 'error' },
    ];
    expect(sweepCsv(rows, ['SGD', 'SGD-HD'], 'final-loss')).toBe(
      [
        'optimizer,alpha0,seed,metric,value,state',
        'SGD,0.000316,1,final_loss,1.5,done',
        'SGD,1000000,1,final_loss,,diverged',
        'SGD,1000000,2,final_loss,,diverged',
        'SGD-HD,0.0001,1,final_loss,,error',
        'SGD-HD,0.001,1,final_loss,0.25,done',
        '',
      ].join('\n'),
    );
  });

  it('names the file after the metric, dataset and model', () => {
    expect(sweepFileName('iterations-to-threshold', 'fashion-mnist', 'ffnn100')).toBe('sweep-iterations_to_threshold-fashion-mnist-ffnn100.csv');
  });
});
