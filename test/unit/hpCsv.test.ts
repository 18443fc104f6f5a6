// A Stack run's tuned hyperparameters in the tidy CSV: hp:alpha (= lr) and hp:mu / hp:beta1 /
// hp:beta2 / hp:gamma rows on every training point, read back into train.hp; hp:alpha checked
// against lr.
import { describe, expect, it } from 'vitest';
import type { RunRecord, TrainConfig } from '../../src/engine/types';
import { CsvImportError, importTidyCsv } from '../../src/export/importCsv';
import { tidyCsv } from '../../src/export/tidyCsv';

function config(over: Partial<TrainConfig> = {}): TrainConfig {
  return {
    dataset: 'mnist', model: 'logreg', optimizer: 'Stack', alpha0: 0.001, beta: 0.001, momentum: 0.9,
    weightDecay: 1e-4, batchSize: 128, epochs: 1, iterations: null, seed: 1, evalEvery: null, ...over,
  };
}

const adam: RunRecord = {
  runId: 'stack-adam', config: config({ options: { stack: 'Adam / SGD(1e-4)' } }), backend: 'cpu', state: 'done',
  train: {
    iteration: [1, 2, 3], epoch: [1, 1, 1], time: [NaN, NaN, NaN], loss: [2, 1.5, 1], lr: [0.001, 0.0011, 0.0012],
    hp: { beta1: [0.9, 0.89, NaN], beta2: [0.999, 0.998, 0.997] },
  },
  evals: [{ iteration: 0, epoch: 0, time: 0, valLoss: 2.3, valAccuracy: 0.1 }],
};
const sgd: RunRecord = {
  runId: 'stack-sgd', config: config({ options: { stack: 'SGD / SGD(1e-4)' } }), backend: 'cpu', state: 'done',
  train: { iteration: [1, 2], epoch: [1, 1], time: [NaN, NaN], loss: [2, 1], lr: [0.01, 0.02], hp: { mu: [0, 0.05] } },
  evals: [],
};
const plain: RunRecord = {
  runId: 'plain', config: config({ optimizer: 'SGD-HD' }), backend: 'cpu', state: 'done',
  train: { iteration: [1, 2], epoch: [1, 1], time: [NaN, NaN], loss: [2, 1], lr: [0.01, 0.02] },
  evals: [],
};

function importError(text: string): CsvImportError {
  try {
    importTidyCsv(text);
  } catch (err) {
    if (err instanceof CsvImportError) return err;
    throw err;
  }
  throw new Error('no error');
}

describe('tidy CSV: hp:NAME rows of Stack runs', () => {
  const text = tidyCsv([adam, sgd, plain]);
  const lines = text.split('\n');
  const metrics = (runId: string, it: number) => lines.filter((l) => l.startsWith(`${runId},`) && l.split(',')[8] === String(it)).map((l) => l.split(',')[10]);

  it('writes hp:alpha (= lr) then the run\'s columns after lr on every training point; none for other runs', () => {
    expect(metrics('stack-adam', 1)).toEqual(['train_loss', 'lr', 'hp:alpha', 'hp:beta1', 'hp:beta2']);
    expect(metrics('stack-sgd', 2)).toEqual(['train_loss', 'lr', 'hp:alpha', 'hp:mu']);
    expect(metrics('plain', 1)).toEqual(['train_loss', 'lr']);
    const alpha = lines.find((l) => l.startsWith('stack-adam,') && l.includes(',2,1,hp:alpha,'))!;
    expect(alpha.split(',')[11]).toBe('0.0011');
    const b1 = lines.find((l) => l.startsWith('stack-adam,') && l.includes(',3,1,hp:beta1,'))!;
    expect(b1.split(',')[11]).toBe('nan');
  });

  it('round trip: train.hp back exactly (NaN included), no hp for other runs, same bytes again', () => {
    const back = importTidyCsv(text).runs;
    expect(back[0].train).toEqual(adam.train);
    expect(back[1].train).toEqual(sgd.train);
    expect(back[2].train.hp).toBeUndefined();
    expect(tidyCsv(back)).toBe(text);
  });

  it('a training point without an hp:NAME row reads NaN there', () => {
    const dropped = lines.filter((l) => !(l.startsWith('stack-sgd,') && l.includes(',1,1,hp:mu,'))).join('\n');
    expect(importTidyCsv(dropped).runs[1].train.hp).toEqual({ mu: [NaN, 0.05] });
  });

  it('hp:alpha must repeat lr; appearing twice, an unknown hp name, or an hp row alone are errors', () => {
    const n = lines.findIndex((l) => l.startsWith('stack-sgd,') && l.includes(',2,1,hp:alpha,'));
    const edited = lines.map((l, i) => (i === n ? l.replace(',hp:alpha,0.02,', ',hp:alpha,0.03,') : l)).join('\n');
    const e = importError(edited);
    expect([e.line, e.column]).toEqual([n + 1, 'value']);
    expect(e.message).toMatch(/hp:alpha 0\.03 of iteration 2 of run "stack-sgd" differs from its lr 0\.02/);
    // Without hp:alpha rows at all: still read (it carries nothing lr does not).
    const noAlpha = lines.filter((l) => !l.includes(',hp:alpha,')).join('\n');
    expect(importTidyCsv(noAlpha).runs[1].train).toEqual(sgd.train);
    const twice = [...lines.slice(0, n + 1), lines[n], ...lines.slice(n + 1)].join('\n');
    expect(importError(twice).message).toMatch(/hp:alpha of iteration 2 of run "stack-sgd" appears twice/);
    expect(importError(text.replace(',hp:mu,', ',hp:nu,')).message).toMatch(/unknown metric "hp:nu"/);
    const alone = lines[n].replace(',2,1,hp:alpha,0.02,', ',7,1,hp:mu,0.5,');
    expect(importError(text + alone + '\n').message).toMatch(/iteration 7 of run "stack-sgd" has hp:… but no train_loss row/);
  });
});
