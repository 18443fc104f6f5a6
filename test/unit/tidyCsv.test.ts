import { describe, expect, it } from 'vitest';
import type { RunRecord, TrainConfig } from '../../src/engine/types';
import { TIDY_COLUMNS, tidyCsv, tidyCsvFilename } from '../../src/export/tidyCsv';

const HEADER_PREFIX = 'run_id,optimizer,dataset,model,alpha0,beta,batch_size,seed,iteration,epoch,metric,value';

function config(over: Partial<TrainConfig> = {}): TrainConfig {
  return {
    dataset: 'mnist', model: 'logreg', optimizer: 'SGD-HD', alpha0: 0.001, beta: 0.001, momentum: 0.9,
    weightDecay: 1e-4, batchSize: 128, epochs: 1, iterations: null, seed: 1, evalEvery: null, ...over,
  };
}

// 3 iterations, evaluations before training (it 0) and at it 2.
function tinyRun(over: Partial<RunRecord> = {}): RunRecord {
  return {
    runId: 'a', config: config(), backend: 'wasm', state: 'done',
    train: { iteration: [1, 2, 3], epoch: [1, 1, 2], time: [0.1, 0.2, 0.3], loss: [2.5, 2, NaN], lr: [0.0011, 0.0012, Infinity] },
    evals: [
      { iteration: 2, epoch: 1, time: 0.2, valLoss: 1.9, valAccuracy: 0.42 },
      { iteration: 0, epoch: 0, time: 0, valLoss: 2.3, valAccuracy: 0.1, firstBatchLoss: 2.4 },
    ],
    ...over,
  };
}

describe('tidyCsv', () => {
  it('starts with the fixed columns, then the extra config columns', () => {
    const header = tidyCsv([]).split('\n')[0];
    expect(header.startsWith(HEADER_PREFIX + ',')).toBe(true);
    expect(header).toBe(TIDY_COLUMNS.join(','));
    expect(tidyCsv([])).toBe(header + '\n');
  });

  it('writes one row per iteration × metric, by iteration, train metrics before val metrics', () => {
    // Config suffix: momentum 0.9, weight_decay 0.0001, eval_every empty (null), backend wasm, state
    // done, options empty (no options set).
    const p = 'a,SGD-HD,mnist,logreg,0.001,0.001,128,1';
    const s = '0.9,0.0001,,wasm,done,,';
    expect(tidyCsv([tinyRun()]).split('\n').slice(1)).toEqual([
      `${p},0,0,val_loss,2.3,${s}`, // the evaluation before training (sorted to the front)
      `${p},0,0,val_accuracy,0.1,${s}`,
      `${p},1,1,train_loss,2.5,${s}`,
      `${p},1,1,lr,0.0011,${s}`,
      `${p},2,1,train_loss,2,${s}`,
      `${p},2,1,lr,0.0012,${s}`,
      `${p},2,1,val_loss,1.9,${s}`,
      `${p},2,1,val_accuracy,0.42,${s}`,
      `${p},3,2,train_loss,nan,${s}`, // non-finite values as pandas/Python spell them
      `${p},3,2,lr,inf,${s}`,
      '', // trailing newline
    ]);
  });

  it('keeps runs in order, escapes text fields and leaves null cells empty', () => {
    const b = tinyRun({ runId: 'b,"2"', backend: null, state: 'stopped', config: config({ evalEvery: 50, optimizer: 'Adam-HD' }) });
    const lines = tidyCsv([tinyRun(), b]).split('\n');
    expect(lines.length).toBe(1 + 10 + 10 + 1);
    expect(lines[11]).toBe('"b,""2""",Adam-HD,mnist,logreg,0.001,0.001,128,1,0,0,val_loss,2.3,0.9,0.0001,50,,stopped,,');
  });

  it('ends with an options column: the non-default options as key=value;…, schedule as describeSchedule writes it', () => {
    expect(TIDY_COLUMNS.slice(-2)).toEqual(['options', 'width']);
    const opts = config({
      optimizer: 'SGDop-Adamlop',
      options: {
        // Defaults of SGDop-Adamlop: left out of the cell.
        lrBeta1: 0.9, lrBeta2: 0.999, lrEps: 1e-8, lrMax: null,
        // Changed: written, in the order of HYPER_DEFAULTS' fields.
        lrMin: 0, correctedLrBiasCorrection: true, beta: 2e-7,
      },
    });
    const line = tidyCsv([tinyRun({ config: opts })]).split('\n')[1];
    expect(line).toBe('a,SGDop-Adamlop,mnist,logreg,0.001,0.001,128,1,0,0,val_loss,2.3,0.9,0.0001,,wasm,done,beta=2e-7;correctedLrBiasCorrection=true;lrMin=0,');

    // SGDN's own default momentum is 0.9 and nesterov true: neither is written; a schedule is
    // (its ';', '(' and '+' need no CSV quoting).
    const sched = config({
      optimizer: 'SGDN',
      options: { momentum: 0.9, nesterov: true, schedule: { kind: 'step', stepSize: 100, gamma: 0.5, decay: 0.001, tMax: 10000, minFactor: 0, warmup: 10 } },
    });
    expect(tidyCsv([tinyRun({ config: sched })]).split('\n')[1]).toBe(
      'a,SGDN,mnist,logreg,0.001,0.001,128,1,0,0,val_loss,2.3,0.9,0.0001,,wasm,done,schedule=step(size=100;gamma=0.5)+warmup(10),',
    );
    // Default-valued options only: an empty cell.
    const plain = config({ optimizer: 'Adam-HD', options: { legacyAdamEps: true, globalHypergradient: false, lrMin: null } });
    expect(tidyCsv([tinyRun({ config: plain })]).split('\n')[1].endsWith(',done,,')).toBe(true);
  });

  it('ends with the width multiplier of a VGG run (empty for models without one)', () => {
    const vgg = tinyRun({ config: { ...config(), dataset: 'cifar10', model: 'vgg16bn', width: 0.125 } });
    expect(tidyCsv([vgg]).split('\n')[1].endsWith(',done,,0.125')).toBe(true);
  });

  it('writes evaluations after the last training iteration too', () => {
    const run = tinyRun();
    run.evals.push({ iteration: 7, epoch: 3, time: 1, valLoss: 1.5, valAccuracy: 0.5 });
    const lines = tidyCsv([run]).trimEnd().split('\n');
    expect(lines.at(-2)).toContain(',7,3,val_loss,1.5,');
    expect(lines.at(-1)).toContain(',7,3,val_accuracy,0.5,');
  });

  it('handles 6 runs × 20,000 iterations quickly', () => {
    const n = 20_000;
    const it = Array.from({ length: n }, (_, i) => i + 1);
    const runs: RunRecord[] = Array.from({ length: 6 }, (_, r) => ({
      runId: `run${r}`, config: config(), backend: 'wasm', state: 'done',
      train: { iteration: it, epoch: it.map((i) => Math.ceil(i / 469)), time: it.map((i) => i / 100), loss: it.map((i) => 2 / Math.sqrt(i)), lr: it.map((i) => 0.001 + i * 1e-9) },
      evals: Array.from({ length: 43 }, (_, k) => ({ iteration: k * 469, epoch: k, time: k, valLoss: 1 / (k + 1), valAccuracy: 0.9 })),
    }));
    const t0 = performance.now();
    const text = tidyCsv(runs);
    const ms = performance.now() - t0;
    console.log(`tidyCsv: 6 × 20,000 iterations -> ${(text.length / 1e6).toFixed(1)} MB in ${ms.toFixed(0)} ms`);
    let lines = 0;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
    expect(lines).toBe(1 + 6 * (2 * n + 2 * 43));
    expect(ms).toBeLessThan(10_000); // generous: only catches quadratic behaviour
  });
});

describe('tidyCsvFilename', () => {
  it('stamps local date and time without characters that file systems reject', () => {
    expect(tidyCsvFilename(new Date(2024, 4, 7, 9, 3, 5))).toBe('hypergradient-runs-2024-05-07_09-03-05.csv');
  });
});

describe('tidyCsv: mid-run edits', () => {
  it('writes one event:KEY row per changed value before the train rows of the first iteration using it, and import reads them back', async () => {
    const { importTidyCsv } = await import('../../src/export/importCsv');
    const run = tinyRun({
      config: { ...config(), optimizer: 'SGD-HD' },
      events: [{ iteration: 2, time: 0.15, changes: { alpha0: 0.01, lrMin: null, globalHypergradient: true } }],
    });
    const lines = tidyCsv([run]).split('\n');
    const metrics = lines.slice(1).filter(Boolean).map((l) => l.split(',').slice(8, 12).join(','));
    // Iteration 1's train rows, then the three event rows at iteration 2 (epoch of iteration 2 = 1), then its train rows.
    expect(metrics.slice(0, 7)).toEqual([
      '0,0,val_loss,2.3', '0,0,val_accuracy,0.1',
      '1,1,train_loss,2.5', '1,1,lr,0.0011',
      '2,1,event:alpha0,0.01', '2,1,event:lrMin,nan', '2,1,event:globalHypergradient,1',
    ]);
    expect(metrics[7]).toBe('2,1,train_loss,2');
    const back = importTidyCsv(tidyCsv([run])).runs[0];
    // The CSV has no time column: the event's time comes back as NaN; values as they were.
    expect(back.events).toEqual([{ iteration: 2, time: NaN, changes: { alpha0: 0.01, lrMin: null, globalHypergradient: true } }]);
  });

  it('an event row naming no hyperparameter is refused with its line', async () => {
    const { importTidyCsv, CsvImportError } = await import('../../src/export/importCsv');
    const text = tidyCsv([tinyRun({ events: [{ iteration: 2, time: 0, changes: { alpha0: 0.5 } }] })]).replace('event:alpha0', 'event:speed');
    expect(() => importTidyCsv(text)).toThrow(CsvImportError);
    expect(() => importTidyCsv(text)).toThrow(/"event:speed" names no hyperparameter/);
  });
});

describe('tidyCsv: second-order runs (grad_evals, preconditioner quantiles)', () => {
  const esgd = (): RunRecord => ({
    runId: 'e', config: config({ optimizer: 'ESGD-M', alpha0: 1 }), backend: 'cpu', state: 'done',
    train: { iteration: [1, 2, 3], epoch: [1, 1, 2], time: [0.1, 0.2, 0.3], loss: [2.5, 2, 1.5], lr: [0.01, 0.02, 0.03], gradEvals: [2, 4, 5] },
    evals: [{ iteration: 0, epoch: 0, time: 0, valLoss: 2.3, valAccuracy: 0.1 }, { iteration: 2, epoch: 1, time: 0.2, valLoss: 1.9, valAccuracy: 0.42 }],
    curvature: [
      { iteration: 1, layers: [{ layer: 'layers.0', q10: 0.1, q50: 0.2, q90: 0.3 }, { layer: 'layers.2', q10: 1, q50: 2, q90: NaN }] },
      { iteration: 2, layers: [{ layer: 'layers.0', q10: 0.4, q50: 0.5, q90: 0.6 }, { layer: 'layers.2', q10: 4, q50: 5, q90: 6 }] },
    ],
  });
  const metrics = (text: string) => text.split('\n').slice(1).filter(Boolean).map((l) => l.split(',').slice(8, 12).join(','));

  it('writes grad_evals after lr and the quantiles of each layer after the train rows of their iteration, columns unchanged', () => {
    const text = tidyCsv([esgd()]);
    expect(text.split('\n')[0]).toBe(TIDY_COLUMNS.join(','));
    expect(metrics(text)).toEqual([
      '0,0,val_loss,2.3', '0,0,val_accuracy,0.1',
      '1,1,train_loss,2.5', '1,1,lr,0.01', '1,1,grad_evals,2',
      '1,1,precond_q10:layers.0,0.1', '1,1,precond_q50:layers.0,0.2', '1,1,precond_q90:layers.0,0.3',
      '1,1,precond_q10:layers.2,1', '1,1,precond_q50:layers.2,2', '1,1,precond_q90:layers.2,nan',
      '2,1,train_loss,2', '2,1,lr,0.02', '2,1,grad_evals,4',
      '2,1,precond_q10:layers.0,0.4', '2,1,precond_q50:layers.0,0.5', '2,1,precond_q90:layers.0,0.6',
      '2,1,precond_q10:layers.2,4', '2,1,precond_q50:layers.2,5', '2,1,precond_q90:layers.2,6',
      '2,1,val_loss,1.9', '2,1,val_accuracy,0.42',
      '3,2,train_loss,1.5', '3,2,lr,0.03', '3,2,grad_evals,5',
    ]);
    // Every row keeps the run's columns after `value`.
    for (const l of text.split('\n').slice(1).filter(Boolean)) expect(l.split(',').length).toBe(TIDY_COLUMNS.length);
  });

  it('an L-BFGS run has grad_evals only; a first-order run neither', () => {
    const lbfgs: RunRecord = { ...esgd(), config: config({ optimizer: 'L-BFGS', alpha0: 1 }), curvature: undefined };
    const m = metrics(tidyCsv([lbfgs]));
    expect(m.filter((r) => r.includes('grad_evals'))).toEqual(['1,1,grad_evals,2', '2,1,grad_evals,4', '3,2,grad_evals,5']);
    expect(m.some((r) => r.includes('precond'))).toBe(false);
    expect(tidyCsv([tinyRun()])).not.toMatch(/grad_evals|precond/);
  });

  it('a snapshot at an iteration without a training point keeps iteration order, with the epoch before it; odd layer names are quoted', () => {
    const run = esgd();
    run.curvature = [
      { iteration: 0, layers: [{ layer: 'a,"b"', q10: 1, q50: 2, q90: 3 }] },
      { iteration: 9, layers: [{ layer: 'features.3', q10: 1, q50: 2, q90: 3 }] },
    ];
    run.evals.push({ iteration: 10, epoch: 3, time: 1, valLoss: 1, valAccuracy: 0.5 });
    const lines = tidyCsv([run]).trimEnd().split('\n');
    expect(lines[1]).toContain(',0,0,"precond_q10:a,""b""",1,');
    expect(lines[4]).toContain(',0,0,val_loss,');
    expect(lines.slice(-5).map((l) => l.split(',').slice(8, 12).join(','))).toEqual([
      '9,2,precond_q10:features.3,1', '9,2,precond_q50:features.3,2', '9,2,precond_q90:features.3,3',
      '10,3,val_loss,1', '10,3,val_accuracy,0.5',
    ]);
  });
});
