import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BackendName, EvalRecord, ModelName, RunRecord, RunState, TrainConfig } from '../../src/engine/types';
import { CsvImportError, importTidyCsv, parseOptionsText } from '../../src/export/importCsv';
import { optionsText, tidyCsv } from '../../src/export/tidyCsv';
import { DATASET_NAMES } from '../../src/data/datasets';
import { OPTIMIZER_NAMES } from '../../src/optim/catalog';
import type { Hyper } from '../../src/optim/hyper';

// Oracle for every round trip: the real writer (tidyCsv.ts). What the file cannot carry is
// replaced as importCsv.ts documents (time NaN, budget from the last epoch, no firstBatchLoss,
// options only where they differ from the optimizer's defaults).

function config(over: Partial<TrainConfig> = {}): TrainConfig {
  return {
    dataset: 'mnist', model: 'logreg', optimizer: 'SGD-HD', alpha0: 0.001, beta: 0.001, momentum: 0.9,
    weightDecay: 1e-4, batchSize: 128, epochs: 1, iterations: null, seed: 1, evalEvery: null, ...over,
  };
}

/** What importing the writer's output of `run` must give back. */
function expectedImport(run: RunRecord): RunRecord {
  const evals: EvalRecord[] = [...run.evals]
    .sort((a, b) => a.iteration - b.iteration)
    .map((e) => ({ iteration: e.iteration, epoch: e.epoch, time: e.iteration === 0 ? 0 : NaN, valLoss: e.valLoss, valAccuracy: e.valAccuracy }));
  const lastEpoch = Math.max(0, ...run.train.epoch, ...run.evals.map((e) => e.epoch));
  const c: TrainConfig = { ...run.config, epochs: Math.max(1, lastEpoch), iterations: null };
  delete c.options;
  delete c.width;
  const out: RunRecord = {
    runId: run.runId,
    config: c,
    backend: run.backend,
    state: run.state,
    train: { ...run.train, time: run.train.time.map(() => NaN) },
    evals,
  };
  if (run.state === 'diverged') {
    const k = run.train.loss.findIndex((v) => !Number.isFinite(v));
    if (k >= 0) out.divergedAt = run.train.iteration[k];
  }
  return out;
}

/** Compare an imported run with the original: everything but options exactly, options through the writer. */
function expectSameRun(got: RunRecord, original: RunRecord): void {
  const { options, ...rest } = got.config;
  expect({ ...got, config: rest }).toEqual(expectedImport(original));
  // The writer leaves default-valued options out, so compare what it writes for both.
  expect(optionsText(got.config)).toBe(optionsText(original.config));
  if (options !== undefined) expect(Object.keys(options).length).toBeGreaterThan(0);
}

function expectImportError(text: string, line: number, column: string | null, message?: RegExp): CsvImportError {
  let caught: unknown;
  try {
    importTidyCsv(text);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(CsvImportError);
  const e = caught as CsvImportError;
  expect({ line: e.line, column: e.column }).toEqual({ line, column });
  if (message) expect(e.message).toMatch(message);
  expect(e.message.startsWith(`line ${line}`)).toBe(true);
  return e;
}

// A diverged run, an evaluation at iteration 0 with firstBatchLoss, options and a schedule.
const diverged: RunRecord = {
  runId: 'r1-SGD-HD', config: config({ evalEvery: 2, options: { lrMin: 0, beta: 2e-7, lrMax: null } }), backend: 'wasm', state: 'diverged', divergedAt: 3,
  train: { iteration: [1, 2, 3], epoch: [1, 1, 1], loss: [2.3, 1e12, NaN], lr: [0.0011, -0.5, -Infinity], time: [0.1, 0.2, 0.3] },
  evals: [
    { iteration: 0, epoch: 0, time: 0, valLoss: 2.302585092994046, valAccuracy: 0.0982, firstBatchLoss: 2.31 },
    { iteration: 2, epoch: 1, time: 0.25, valLoss: 7.5, valAccuracy: 0.1 },
  ],
};
const scheduled: RunRecord = {
  runId: 'r1-SGDN, "quoted"\nid', backend: null, state: 'done',
  config: config({ optimizer: 'SGDN', dataset: 'fashion-mnist', model: 'mlp', iterations: 4, options: {
    momentum: 0.9, nesterov: true, schedule: { kind: 'step', stepSize: 2, gamma: 0.5, decay: 0.001, tMax: 10000, minFactor: 0, warmup: 1 },
  } }),
  train: { iteration: [1, 2, 3, 4], epoch: [1, 1, 2, 2], loss: [2, 1.5, 1.25, 1], lr: [0.001, 0.001, 0.0005, 0.0005], time: [1, 2, 3, 4] },
  evals: [{ iteration: 4, epoch: 2, time: 4.5, valLoss: 1.1, valAccuracy: 0.6 }, { iteration: 0, epoch: 0, time: 0, valLoss: 2.3, valAccuracy: 0.1, firstBatchLoss: 2.4 }],
};

describe('importTidyCsv: round trip through the real writer', () => {
  it('gives back the series of several runs (NaN/Inf, evals at iteration 0, options, schedule)', () => {
    const text = tidyCsv([diverged, scheduled]);
    const { runs, absent } = importTidyCsv(text);
    expect(runs.map((r) => r.runId)).toEqual([diverged.runId, scheduled.runId]);
    expectSameRun(runs[0], diverged);
    expectSameRun(runs[1], scheduled);
    // By hand: the non-default options come back typed.
    expect(runs[0].config.options).toEqual({ beta: 2e-7, lrMin: 0 });
    expect(runs[1].config.options).toEqual({ schedule: { kind: 'step', stepSize: 2, gamma: 0.5, decay: 0.001, tMax: 10000, minFactor: 0, warmup: 1 } });
    // The first non-finite loss is iteration 3, as the trainer reports it.
    expect(runs[0].divergedAt).toBe(3);
    // Exporting the import again writes the same file: nothing the file holds was lost.
    expect(tidyCsv(runs)).toBe(text);
    expect(absent).toEqual(['time', 'epochs', 'iterations', 'firstBatchLoss']);
  });

  it('reads a header-only file as no runs', () => {
    expect(importTidyCsv(tidyCsv([])).runs).toEqual([]);
  });

  it('accepts CRLF line ends, a BOM and blank lines (a spreadsheet re-save)', () => {
    const text = '\uFEFF' + tidyCsv([diverged]).replace(/\n/g, '\r\n') + '\r\n\r\n';
    expectSameRun(importTidyCsv(text).runs[0], diverged);
  });

  it('reads time, epochs, iterations and width columns when a file has them', () => {
    // Hand-written: the same layout plus the four optional columns at the end.
    const header = 'run_id,optimizer,dataset,model,alpha0,beta,batch_size,seed,iteration,epoch,metric,value,momentum,weight_decay,eval_every,backend,state,options,time,epochs,iterations,width';
    const suffix = '0.9,0.0001,,cpu,done,';
    const p = 'a,SGD,cifar10,vgg16bn,0.01,0.001,128,3';
    const text = [
      header,
      `${p},0,0,val_loss,2.3,${suffix},0,3,500,0.25`,
      `${p},0,0,val_accuracy,0.1,${suffix},0,3,500,0.25`,
      `${p},1,1,train_loss,2.2,${suffix},0.5,3,500,0.25`,
      `${p},1,1,lr,0.01,${suffix},0.5,3,500,0.25`,
    ].join('\n');
    const { runs, absent } = importTidyCsv(text);
    expect(absent).toEqual(['firstBatchLoss']);
    expect(runs[0].config).toMatchObject({ dataset: 'cifar10', model: 'vgg16bn', epochs: 3, iterations: 500, width: 0.25, seed: 3 });
    expect(runs[0].train).toEqual({ iteration: [1], epoch: [1], loss: [2.2], lr: [0.01], time: [0.5] });
    expect(runs[0].evals).toEqual([{ iteration: 0, epoch: 0, time: 0, valLoss: 2.3, valAccuracy: 0.1 }]);
  });

  it('round-trips generated runs (property)', () => {
    const finiteOrNot = fc.oneof(
      { weight: 6, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? 0 : v)) },
      { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity) },
    );
    const positive = fc.double({ min: 1e-12, max: 10, noNaN: true });
    const optionsArb: fc.Arbitrary<Partial<Hyper>> = fc.record(
      {
        beta: positive, lrMin: fc.option(fc.double({ min: -1, max: 1, noNaN: true }).map((v) => (Object.is(v, -0) ? 0 : v))),
        nesterov: fc.boolean(), centered: fc.boolean(), beta1: fc.constantFrom(0.9, 0.5), eps: positive,
        schedule: fc.constantFrom(
          { kind: 'constant' as const, stepSize: 1000, gamma: 0.5, decay: 0.001, tMax: 10000, minFactor: 0, warmup: 0 },
          { kind: 'cosine' as const, stepSize: 1000, gamma: 0.5, decay: 0.001, tMax: 77, minFactor: 0.25, warmup: 5 },
        ),
      },
      { requiredKeys: [] },
    );
    const runArb = fc.record({
      runId: fc.string({ minLength: 1, maxLength: 12 }),
      optimizer: fc.constantFrom(...OPTIMIZER_NAMES),
      dataset: fc.constantFrom(...DATASET_NAMES),
      model: fc.constantFrom<ModelName>('logreg', 'ffnn100', 'mlp', 'mlp3', 'mlp128tanh', 'lenet5', 'vgg16bn', 'resnet18'),
      alpha0: positive, beta: positive, momentum: fc.double({ min: 0, max: 0.999, noNaN: true }), weightDecay: fc.double({ min: 0, max: 1, noNaN: true }),
      batchSize: fc.integer({ min: 1, max: 60000 }), seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      evalEvery: fc.option(fc.integer({ min: 1, max: 1000 })),
      options: fc.option(optionsArb, { nil: undefined }),
      backend: fc.constantFrom<BackendName | null>(null, 'webgpu', 'webgl', 'wasm', 'cpu'),
      state: fc.constantFrom<RunState>('loading', 'training', 'paused', 'done', 'diverged', 'stopped', 'error'),
      steps: fc.array(fc.record({ gap: fc.integer({ min: 1, max: 3 }), newEpoch: fc.boolean(), loss: finiteOrNot, lr: finiteOrNot }), { maxLength: 15 }),
      evalAt: fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 4 }),
      evalValues: fc.array(finiteOrNot, { minLength: 10, maxLength: 10 }),
      withEval0: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.uniqueArray(runArb, { selector: (r) => r.runId, maxLength: 3 }), (specs) => {
        const runs: RunRecord[] = specs.map((s) => {
          const train = { iteration: [] as number[], epoch: [] as number[], loss: [] as number[], lr: [] as number[], time: [] as number[] };
          let t = 0;
          let epoch = 1;
          for (const st of s.steps) {
            t += st.gap;
            if (st.newEpoch && t > 1) epoch++;
            train.iteration.push(t);
            train.epoch.push(epoch);
            train.loss.push(st.loss);
            train.lr.push(st.lr);
            train.time.push(t / 10);
          }
          const evals: EvalRecord[] = s.evalAt.map((it, k) => ({ iteration: it, epoch: 1 + (it % 3), time: it, valLoss: s.evalValues[2 * k], valAccuracy: s.evalValues[2 * k + 1] }));
          // The writer has no row for a run without metrics, so every generated run gets one.
          if (s.withEval0 || (train.iteration.length === 0 && evals.length === 0)) evals.unshift({ iteration: 0, epoch: 0, time: 0, valLoss: s.evalValues[8], valAccuracy: s.evalValues[9], firstBatchLoss: 1 });
          return {
            runId: s.runId, backend: s.backend, state: s.state, train, evals,
            config: config({
              optimizer: s.optimizer, dataset: s.dataset, model: s.model, alpha0: s.alpha0, beta: s.beta, momentum: s.momentum,
              weightDecay: s.weightDecay, batchSize: s.batchSize, seed: s.seed, evalEvery: s.evalEvery, options: s.options,
            }),
          };
        });
        const text = tidyCsv(runs);
        const got = importTidyCsv(text).runs;
        expect(got.length).toBe(runs.length);
        got.forEach((g, i) => expectSameRun(g, runs[i]));
        expect(tidyCsv(got)).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it('imports 6 runs × 20,000 iterations quickly', () => {
    const n = 20_000;
    const it = Array.from({ length: n }, (_, i) => i + 1);
    const runs: RunRecord[] = Array.from({ length: 6 }, (_, r) => ({
      runId: `run${r}`, config: config(), backend: 'wasm', state: 'done',
      train: { iteration: it, epoch: it.map((i) => Math.ceil(i / 469)), time: it.map((i) => i / 100), loss: it.map((i) => 2 / Math.sqrt(i)), lr: it.map((i) => 0.001 + i * 1e-9) },
      evals: Array.from({ length: 43 }, (_, k) => ({ iteration: k * 469, epoch: k, time: k, valLoss: 1 / (k + 1), valAccuracy: 0.9 })),
    }));
    const text = tidyCsv(runs);
    const t0 = performance.now();
    const got = importTidyCsv(text).runs;
    const ms = performance.now() - t0;
    console.log(`importTidyCsv: ${(text.length / 1e6).toFixed(1)} MB in ${ms.toFixed(0)} ms`);
    expect(got[5].train.loss).toEqual(runs[5].train.loss);
    expect(ms).toBeLessThan(10_000); // generous: only catches quadratic behaviour
  });
});

describe('importTidyCsv: malformed input', () => {
  const good = tidyCsv([diverged]);
  const lines = good.split('\n');
  /** The good file with line `n` (1-based) passed through `edit`. */
  const withLine = (n: number, edit: (l: string) => string) => lines.map((l, i) => (i === n - 1 ? edit(l) : l)).join('\n');
  /** Replace the cell of `column` on line n. Only for lines without quoted fields. */
  const withCell = (n: number, column: string, value: string) =>
    withLine(n, (l) => {
      const cells = l.split(',');
      cells[lines[0].split(',').indexOf(column)] = value;
      return cells.join(',');
    });

  it('an empty file', () => {
    expectImportError('', 1, null, /empty/);
    expectImportError('\n\r\n  \n', 1, null, /empty/);
    expectImportError('\uFEFF', 1, null, /empty/);
  });

  it('not CSV, or not a tidy CSV: the header names what is missing', () => {
    expectImportError('{"runs": [1, 2, 3]}\n', 1, null, /not a tidy CSV.*first line is not the header/);
    expectImportError('id;name\n1;a\n', 1, null, /not a tidy CSV.*lacks "run_id"/);
    expectImportError(good.replace(',metric,', ',measure,'), 1, null, /lacks "metric"/);
    expectImportError(good.replace('iteration,epoch', 'iteration,iteration'), 1, 'iteration', /twice/);
  });

  it('a non-numeric cell', () => {
    expectImportError(withCell(3, 'value', 'abc'), 3, 'value', /"abc" is not a number/);
    expectImportError(withCell(4, 'iteration', '1.5'), 4, 'iteration', /whole number/);
    expectImportError(withCell(4, 'epoch', ''), 4, 'epoch');
  });

  it('a config that changes within one run names both lines', () => {
    expectImportError(withCell(5, 'alpha0', '0.002'), 5, 'alpha0', /"0\.002" here but "0\.001" on line 2/);
    expectImportError(withCell(6, 'state', 'done'), 6, 'state');
  });

  it('an unknown optimizer, dataset, model, backend, state or option (at the run’s first line)', () => {
    const all = (column: string, value: string) => lines.map((l, i) => (i === 0 || l === '' ? l : withCell(i + 1, column, value).split('\n')[i])).join('\n');
    expectImportError(all('optimizer', 'SGD-XYZ'), 2, 'optimizer', /unknown optimizer "SGD-XYZ"/);
    expectImportError(all('dataset', 'imagenet'), 2, 'dataset', /unknown dataset/);
    expectImportError(all('model', 'resnet'), 2, 'model', /unknown model/);
    expectImportError(all('backend', 'tpu'), 2, 'backend', /unknown backend/);
    expectImportError(all('state', 'exploded'), 2, 'state', /unknown run state/);
    expectImportError(all('options', 'bogus=1'), 2, 'options', /unknown option "bogus"/);
    expectImportError(all('options', 'nesterov=yes'), 2, 'options', /true or false/);
    expectImportError(all('batch_size', '0'), 2, 'batch_size', /whole number ≥ 1/);
  });

  it('an unknown metric, a wrong number of fields, a duplicate or a missing half of a pair', () => {
    expectImportError(withCell(4, 'metric', 'train_acc'), 4, 'metric', /unknown metric "train_acc"/);
    expectImportError(withLine(3, (l) => l + ',extra'), 3, null, /20 fields, but the header has 19/);
    expectImportError(withLine(7, () => lines[6] + '\n' + lines[6]), 8, 'metric', /lr of iteration 2 .* appears twice/);
    // Drop line 5 (lr of iteration 2): its train_loss on line 4 has no partner.
    expectImportError(lines.filter((_, i) => i !== 4).join('\n'), 4, 'metric', /has train_loss but no lr/);
    expectImportError(withCell(5, 'epoch', '2'), 5, 'epoch', /differs from epoch 1 on line 4/);
  });

  it('broken quoting', () => {
    expectImportError(good + '"unclosed,SGD\n', lines.length, 'run_id', /never closed/);
    expectImportError(withCell(3, 'run_id', 'a"b'), 3, 'run_id', /quote inside/);
    expectImportError(withCell(3, 'run_id', '"ab"c'), 3, 'run_id', /after a closing quote/);
  });

  it('counts lines inside quoted fields', () => {
    // scheduled's run id holds a line break: each of its rows spans two lines, so the k-th data row
    // (k = 1, 2, …) starts on line 2k; the 3rd starts on line 6.
    const text = tidyCsv([scheduled]).split('\n');
    // text[5] is the first half of the 3rd data row ("…\n" splits it); break its value cell.
    text[6] = text[6].replace(',train_loss,2,', ',train_loss,x,');
    expectImportError(text.join('\n'), 6, 'value', /"x" is not a number/);
  });

  it('never throws anything but CsvImportError (fuzz: arbitrary text and mutated files)', () => {
    const check = (text: string) => {
      try {
        importTidyCsv(text);
      } catch (err) {
        if (!(err instanceof CsvImportError)) throw err;
        expect(err.line).toBeGreaterThanOrEqual(1);
        // Not the safety net for exceptions of the reader's own making.
        expect(err.problem).not.toMatch(/^could not read the file/);
      }
    };
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), check), { numRuns: 500 });
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(',', '"', '\n', '\r', 'a', '1', ';', '=', '(', ')') }), (s) => check(lines[0] + '\n' + s)),
      { numRuns: 500 },
    );
    const twoRuns = tidyCsv([diverged, scheduled]);
    fc.assert(
      fc.property(fc.nat(twoRuns.length - 1), fc.nat(40), fc.string({ maxLength: 4 }), (at, del, ins) => {
        check(twoRuns.slice(0, at) + ins + twoRuns.slice(at + (del % 5)));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('CSV (formula) injection: neutralised on export, undone on import', () => {
  const names = ['=HYPERLINK("x")', '+1+1', '-cmd', '@SUM(A1)', '\t=1', "'=already quoted", "''"];
  const run = (runId: string): RunRecord => ({
    runId, config: config({ alpha0: 0.5, weightDecay: 0 }), backend: 'wasm', state: 'done',
    train: { iteration: [1], epoch: [1], loss: [-0.5], lr: [-1e-3], time: [0.1] }, evals: [],
  });

  it('writes each name with a leading \' and the numbers as they are (hand-written line)', () => {
    const line = tidyCsv([run('=HYPERLINK("x")')]).split('\n')[1];
    expect(line).toBe('"\'=HYPERLINK(""x"")",SGD-HD,mnist,logreg,0.5,0.001,128,1,1,1,train_loss,-0.5,0.9,0,,wasm,done,,');
    expect(tidyCsv([run('-cmd')]).split('\n')[2]).toBe("'-cmd,SGD-HD,mnist,logreg,0.5,0.001,128,1,1,1,lr,-0.001,0.9,0,,wasm,done,,");
  });

  it('round-trips every such name to the same run id, numbers unchanged', () => {
    const runs = names.map(run);
    const back = importTidyCsv(tidyCsv(runs)).runs;
    expect(back.map((r) => r.runId)).toEqual(names);
    for (const r of back) {
      expect(r.train.loss).toEqual([-0.5]);
      expect(r.train.lr).toEqual([-1e-3]);
    }
  });

  it('reads a spreadsheet-saved file (CRLF, BOM, the prefix inside quotes) the same way', () => {
    const text = '\uFEFF' + tidyCsv([run('@SUM(A1)'), run('=1+1')]).replace(/\n/g, '\r\n').replace("'@SUM(A1)", '"\'@SUM(A1)"');
    expect(importTidyCsv(text).runs.map((r) => r.runId)).toEqual(['@SUM(A1)', '=1+1']);
  });
});

describe('parseOptionsText', () => {
  it('reads what optionsText writes, schedule included', () => {
    // Hand-written cell in the writer's format.
    expect(parseOptionsText('beta=2e-7;correctedLrBiasCorrection=true;lrMin=0;lrMax=none;schedule=inverse(decay=0.1)+warmup(3)')).toEqual({
      beta: 2e-7, correctedLrBiasCorrection: true, lrMin: 0, lrMax: null,
      schedule: { kind: 'inverse', stepSize: 1000, gamma: 0.5, decay: 0.1, tMax: 10000, minFactor: 0, warmup: 3 },
    });
    expect(parseOptionsText('')).toEqual({});
  });

  it('refuses malformed entries', () => {
    expect(() => parseOptionsText('beta')).toThrow(/not key=value/);
    expect(() => parseOptionsText('beta=1;beta=2')).toThrow(/twice/);
    expect(() => parseOptionsText('beta=fast')).toThrow(/must be a number/);
    expect(() => parseOptionsText('schedule=invalid')).toThrow(/schedule/);
    expect(() => parseOptionsText('__proto__=1')).toThrow(/unknown option/);
  });
});

describe('the page-only state "interrupted"', () => {
  it('round-trips through the writer like any state', () => {
    const run: RunRecord = {
      runId: 'r1-SGD-HD', config: config(), backend: 'wasm',
      // A run cut off by a reload (store/runsStore.ts RunMetaState); RunState does not list it.
      state: 'interrupted' as RunState,
      train: { iteration: [1, 2], epoch: [0.01, 0.02], loss: [2.3, 2.2], lr: [1e-3, 1.1e-3], time: [0.1, 0.2] },
      evals: [{ iteration: 0, epoch: 0, time: 0, valLoss: 2.31, valAccuracy: 0.1 }],
    };
    expect(importTidyCsv(tidyCsv([run])).runs).toEqual([expectedImport(run)]);
    expect(importTidyCsv(tidyCsv([run])).runs[0].state).toBe('interrupted');
  });
});

describe('importTidyCsv: second-order runs (grad_evals, precond_qNN:LAYER)', () => {
  const esgd: RunRecord = {
    runId: 'esgd', config: config({ optimizer: 'ESGD-M', alpha0: 1, options: { updateDEvery: 5, lrWarmup: 0 } }), backend: 'cpu', state: 'done',
    train: { iteration: [1, 2, 3, 4], epoch: [1, 1, 1, 2], time: [NaN, NaN, NaN, NaN], loss: [2.5, 2, 1.5, NaN], lr: [0.01, 0.02, 0.03, 0.04], gradEvals: [2, 4, 5, 7] },
    evals: [{ iteration: 0, epoch: 0, time: 0, valLoss: 2.3, valAccuracy: 0.1 }, { iteration: 4, epoch: 2, time: NaN, valLoss: 1.9, valAccuracy: 0.42 }],
    curvature: [
      { iteration: 1, layers: [{ layer: 'features.0', q10: 0.1, q50: 0.2, q90: 0.3 }, { layer: 'classifier.6', q10: 1, q50: 2, q90: Infinity }] },
      { iteration: 4, layers: [{ layer: 'features.0', q10: 0.4, q50: NaN, q90: 0.6 }, { layer: 'classifier.6', q10: 4, q50: 5, q90: 6 }] },
      // A snapshot at an iteration with no training point, and a layer name that needs quoting.
      { iteration: 6, layers: [{ layer: 'odd,"name"', q10: 7, q50: 8, q90: 9 }] },
    ],
  };
  const lbfgs: RunRecord = {
    runId: 'lbfgs', config: config({ optimizer: 'L-BFGS', alpha0: 1, options: { maxEval: null, strongWolfe: true, historySize: 10 } }), backend: 'wasm', state: 'stopped',
    train: { iteration: [1, 2], epoch: [1, 1], time: [NaN, NaN], loss: [2, 1], lr: [1, 0.5], gradEvals: [21, 25] },
    evals: [{ iteration: 0, epoch: 0, time: 0, valLoss: 2.3, valAccuracy: 0.1 }],
  };

  it('round trip: the same RunRecords (gradEvals, curvature, new options) and the same bytes again', () => {
    const text = tidyCsv([esgd, lbfgs, diverged]);
    const back = importTidyCsv(text).runs;
    expect(back[0].train).toEqual(esgd.train);
    expect(back[0].curvature).toEqual(esgd.curvature);
    expect(back[0].config.options).toEqual({ updateDEvery: 5, lrWarmup: 0 });
    expect(back[1].train).toEqual(lbfgs.train);
    expect(back[1].curvature).toBeUndefined();
    // maxEval null is L-BFGS's default: not written, so not read back (the engine fills it in).
    expect(back[1].config.options).toEqual({ strongWolfe: true, historySize: 10 });
    expect(back[2].train.gradEvals).toBeUndefined();
    expect(back[2].curvature).toBeUndefined();
    const { epochs: _e, ...c0 } = back[0].config;
    void _e;
    const { epochs: _f, ...c1 } = esgd.config;
    void _f;
    expect(c0).toEqual(c1);
    expect(tidyCsv(back)).toBe(text);
  });

  // Lines of the ESGD-M file: 1 header, 2-3 val at 0, 4-6 train of 1, 7-12 precond of 1, 13-15 train of 2 …
  const text = tidyCsv([esgd]);
  const lines = text.split('\n');
  const find = (pred: (l: string) => boolean) => lines.findIndex(pred) + 1;
  const setValue = (n: number, value: string) =>
    lines.map((l, i) => (i === n - 1 ? l.split(',').map((c, k) => (k === 11 ? value : c)).join(',') : l)).join('\n');
  const drop = (n: number) => lines.filter((_, i) => i !== n - 1).join('\n');

  it('grad_evals must be a whole number ≥ 0, counting up, on every training point or none', () => {
    const g2 = find((l) => l.includes(',2,1,grad_evals,'));
    expectImportError(setValue(g2, '4.5'), g2, 'value', /grad_evals "4\.5" is not a count of gradient evaluations/);
    expectImportError(setValue(g2, '-1'), g2, 'value', /whole number ≥ 0/);
    expectImportError(setValue(g2, 'nan'), g2, 'value', /grad_evals "nan"/);
    expectImportError(setValue(g2, '1'), g2, 'value', /grad_evals 1 of iteration 2 of run "esgd" is less than 2 at iteration 1/);
    const t2 = find((l) => l.includes(',2,1,train_loss,'));
    expectImportError(drop(g2), t2, 'metric', /iteration 2 of run "esgd" has no grad_evals row, but iteration 1 has one/);
    expectImportError(lines.slice(0, g2).join('\n') + '\n' + lines[g2 - 1], g2 + 1, 'metric', /grad_evals of iteration 2 .* appears twice/);
    // A grad_evals row alone (no train_loss, no lr at that iteration).
    const extra = lines[g2 - 1].replace(',2,1,grad_evals,4,', ',5,2,grad_evals,9,');
    expectImportError(text + extra + '\n', lines.length, 'metric', /iteration 5 of run "esgd" has grad_evals but no train_loss row/);
  });

  it('precond rows: every layer needs its three quantiles once, a layer name, a number', () => {
    const q50 = find((l) => l.includes(',1,1,precond_q50:features.0,'));
    expectImportError(drop(q50), q50 - 1, 'metric', /iteration 1 of run "esgd" has "precond_q10:features.0" but no "precond_q50:features.0" row/);
    expectImportError(setValue(q50, 'big'), q50, 'value', /"big" is not a number/);
    const dup = lines.slice(0, q50).join('\n') + '\n' + lines[q50 - 1];
    expectImportError(dup, q50 + 1, 'metric', /"precond_q50:features.0" of iteration 1 of run "esgd" appears twice/);
    expectImportError(text.replace('precond_q90:classifier.6', 'precond_q90:'), q50 + 4, 'metric', /"precond_q90:" names no layer/);
    expectImportError(text.replace('precond_q90:classifier.6', 'precond_q95:classifier.6'), q50 + 4, 'metric', /unknown metric "precond_q95:classifier.6" \(expected .*precond_q10\/q50\/q90:LAYER/);
  });
});
