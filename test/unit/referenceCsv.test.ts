import { describe, expect, it } from 'vitest';
import type { EvalRecord, RunRecord, TrainConfig } from '../../src/engine/types';
import { referenceCsv, referenceCsvFilename, referenceCsvPath } from '../../src/export/referenceCsv';

const HEADER = 'Epoch,Iteration,Time,Loss,LossEpoch,ValidLossEpoch,Alpha,AlphaEpoch,Beta';

function config(over: Partial<TrainConfig> = {}): TrainConfig {
  return {
    dataset: 'mnist', model: 'logreg', optimizer: 'SGD-HD', alpha0: 1, beta: 1e-6, momentum: 0.9,
    weightDecay: 1e-4, batchSize: 128, epochs: 3, iterations: null, seed: 1, evalEvery: null, ...over,
  };
}

// A tiny run: 5 iterations, 2 iterations per epoch, so epochs 1 and 2 are complete and epoch 3
// has one of its two batches. Dyadic numbers keep every mean exact, so the expected text is exact.
//   it  epoch time loss  alpha(after step)
//    1    1   0.5  2.0    0.5
//    2    1   1.0  1.5    0.25     epoch 1 end: LossEpoch (2.0+1.5)/2 = 1.75, AlphaEpoch (0.5+0.25)/2 = 0.375
//    3    2   1.5  1.25   0.125
//    4    2   2.0  1.0    0.0625   epoch 2 end: LossEpoch (1.25+1.0)/2 = 1.125, AlphaEpoch (0.125+0.0625)/2 = 0.09375
//    5    3   2.5  0.75   0.03125  partial epoch 3: no epoch values
// Evaluations: it 0 (valLoss 2.25, first batch 2.5), it 2 (1.625), it 4 (1.0625), it 5 (0.875, the
// end-of-run evaluation, which has no epoch-end row to go in).
function tinyRun(over: Partial<RunRecord> = {}): RunRecord {
  const evals: EvalRecord[] = [
    { iteration: 0, epoch: 0, time: 0, valLoss: 2.25, valAccuracy: 0.1, firstBatchLoss: 2.5 },
    { iteration: 2, epoch: 1, time: 1, valLoss: 1.625, valAccuracy: 0.5 },
    { iteration: 4, epoch: 2, time: 2, valLoss: 1.0625, valAccuracy: 0.7 },
    { iteration: 5, epoch: 3, time: 2.5, valLoss: 0.875, valAccuracy: 0.8 },
  ];
  return {
    runId: 'r1', config: config(), backend: 'cpu', state: 'stopped', evals,
    train: {
      iteration: [1, 2, 3, 4, 5], epoch: [1, 1, 2, 2, 3], time: [0.5, 1, 1.5, 2, 2.5],
      loss: [2.0, 1.5, 1.25, 1.0, 0.75], lr: [0.5, 0.25, 0.125, 0.0625, 0.03125],
    },
    ...over,
  };
}

describe('referenceCsv', () => {
  it('writes row 0 like train.py (0,0,0,loss,loss,valid,α0,α0,β) and epoch means on epoch ends', () => {
    // Python writes floats with repr: 2.0 not 2, 1e-06 not 0.000001; row 0's Time is the int 0.
    expect(referenceCsv(tinyRun(), 2)).toBe(
      [
        HEADER,
        '0,0,0,2.5,2.5,2.25,1.0,1.0,1e-06',
        '1,1,0.5,2.0,nan,nan,0.5,nan,1e-06',
        '1,2,1.0,1.5,1.75,1.625,0.25,0.375,1e-06',
        '2,3,1.5,1.25,nan,nan,0.125,nan,1e-06',
        '2,4,2.0,1.0,1.125,1.0625,0.0625,0.09375,1e-06',
        '3,5,2.5,0.75,nan,nan,0.03125,nan,1e-06',
      ].join('\n') + '\n',
    );
  });

  it('writes nan for ValidLossEpoch when no evaluation happened at the epoch end', () => {
    const run = tinyRun();
    run.evals = run.evals.filter((e) => e.iteration !== 2);
    const lines = referenceCsv(run, 2).split('\n');
    expect(lines[3]).toBe('1,2,1.0,1.5,1.75,nan,0.25,0.375,1e-06');
  });

  it('writes row 0 with nan when there is no evaluation before training', () => {
    const run = tinyRun({ evals: [] });
    expect(referenceCsv(run, 2).split('\n')[1]).toBe('0,0,0,nan,nan,nan,1.0,1.0,1e-06');
  });

  it('keeps a diverged run up to the diverging iteration, and the NaN poisons no earlier epoch', () => {
    // Diverged at iteration 3 (loss NaN); a stray iteration 4 record must be dropped.
    const run = tinyRun({ state: 'diverged', divergedAt: 3 });
    run.train.loss[2] = NaN;
    run.train.lr[2] = Infinity;
    expect(referenceCsv(run, 2)).toBe(
      [
        HEADER,
        '0,0,0,2.5,2.5,2.25,1.0,1.0,1e-06',
        '1,1,0.5,2.0,nan,nan,0.5,nan,1e-06',
        '1,2,1.0,1.5,1.75,1.625,0.25,0.375,1e-06',
        '2,3,1.5,nan,nan,nan,inf,nan,1e-06',
      ].join('\n') + '\n',
    );
  });

  it('uses itersPerEpoch for epoch numbering, e.g. 469 MNIST batches', () => {
    const n = 470;
    const it = Array.from({ length: n }, (_, i) => i + 1);
    const run = tinyRun({
      train: { iteration: it, epoch: it.map(() => 0), time: it.map((i) => i), loss: it.map(() => 0.5), lr: it.map(() => 0.001) },
      evals: [{ iteration: 469, epoch: 1, time: 1, valLoss: 0.25, valAccuracy: 0.9 }],
      config: config({ alpha0: 0.001, beta: 0.001 }),
    });
    const lines = referenceCsv(run, 469).split('\n');
    expect(lines.length).toBe(1 + 1 + n + 1); // header, row 0, n rows, '' after the trailing newline
    expect(lines[1]).toBe('0,0,0,nan,nan,nan,0.001,0.001,0.001');
    // Mean of 469 copies of 0.001 in float64 is not exactly 0.001; whatever it is, it is written in full.
    const meanAlpha = Array.from({ length: 469 }, () => 0.001).reduce((a, b) => a + b) / 469;
    expect(lines[1 + 469]).toBe(`1,469,469.0,0.5,0.5,0.25,0.001,${meanAlpha},0.001`);
    expect(lines[1 + 470]).toBe('2,470,470.0,0.5,nan,nan,0.001,nan,0.001');
  });

  it('rejects a non-positive or fractional itersPerEpoch', () => {
    expect(() => referenceCsv(tinyRun(), 0)).toThrow();
    expect(() => referenceCsv(tinyRun(), 2.5)).toThrow();
  });
});

describe('reference file names', () => {
  it('names the file after the optimizer, safely', () => {
    expect(referenceCsvFilename(tinyRun())).toBe('SGD-HD.csv');
    expect(referenceCsvFilename(tinyRun({ config: config({ optimizer: 'my/opt: v2' }) }))).toBe('my_opt__v2.csv');
  });
  it('builds the originals\' {model}/{α0:+.0e}_{β:+.0e}/{method}.csv path', () => {
    expect(referenceCsvPath({ config: config({ model: 'mlp', alpha0: 0.001, beta: 1e-7, optimizer: 'Adam-HD' }) }))
      .toBe('mlp/+1e-03_+1e-07/Adam-HD.csv');
    expect(referenceCsvPath({ config: config({ alpha0: 0.05, beta: 1e-3 }) })).toBe('logreg/+5e-02_+1e-03/SGD-HD.csv');
    // The originals' results/vgg/+1e-03_+1e-08/adam_hd.csv folder (gbaydin/hypergradient-descent).
    expect(referenceCsvPath({ config: config({ model: 'vgg16bn', dataset: 'cifar10', alpha0: 1e-3, beta: 1e-8, optimizer: 'Adam-HD' }) })).toBe('vgg/+1e-03_+1e-08/Adam-HD.csv');
  });
});
