// Fuzzing Import CSV (src/export/importCsv.ts) with fixed seeds: random texts, texts made of CSV's own
// characters after a valid header, and valid exports with characters changed: FUZZ_RUNS (10,000) bad
// files in all. The import either reads the file or throws its own CsvImportError, whose message starts
// "line N" (1 ≤ N ≤ the file's lines) and names a column of the header or none, on one line of at most
// 1,000 characters; never a TypeError, never its own safety net ("could not read the file"), no case
// over CASE_LIMIT_MS. And ROUND_TRIPS random sets of runs, names full of CSV's and spreadsheets'
// special characters (quotes, commas, line breaks, =, +, -, @, tab, '), go export -> import -> the same
// runs, and re-export to the same bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BackendName, EvalRecord, ModelName, RunRecord, RunState, TrainConfig } from '../../src/engine/types';
import { BACKEND_ORDER } from '../../src/engine/types';
import { DATASET_NAMES } from '../../src/data/datasets';
import { formatNumber } from '../../src/export/csv';
import { CsvImportError, importTidyCsv } from '../../src/export/importCsv';
import { optionsText, TIDY_COLUMNS, tidyCsv } from '../../src/export/tidyCsv';
import { OPTIMIZER_NAMES } from '../../src/optim/catalog';
import { applyTextEdits, expectOwnError, FUZZ_RUNS, slowest, textEditArb, timedSync } from './fuzzHelpers';

const ROUND_TRIPS = FUZZ_RUNS;
const RANDOM = Math.round(FUZZ_RUNS * 0.3);
const ALPHABET = Math.round(FUZZ_RUNS * 0.3);
const MUTATED = FUZZ_RUNS - RANDOM - ALPHABET;

const MODELS: readonly ModelName[] = ['logreg', 'ffnn100', 'mlp', 'mlp3', 'mlp128tanh', 'lenet5', 'vgg16bn', 'resnet18'];
const STATES: readonly RunState[] = ['loading', 'training', 'paused', 'done', 'diverged', 'stopped', 'error', 'interrupted'];

// ---------- generators of runs ----------

/** Characters that CSV, spreadsheets (formula injection) and the importer treat specially. */
const NAME_UNITS = ['=', '+', '-', '@', '\t', '\r', '\n', '\r\n', '"', ',', "'", ';', ' ', 'a', 'Z', '1', '.', 'é', '🙂', '\uFEFF', 'nan', 'inf', 'e'];
const nameArb = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom(...NAME_UNITS), minLength: 1, maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }) },
);
/** Any float64 the writer must carry, NaN and ±∞ included. */
const metricArb = fc.oneof({ weight: 5, arbitrary: fc.double() }, { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, -1e-3, -0.5, 5e-324) });
const finiteArb = fc.double({ noNaN: true, noDefaultInfinity: true });
const epochArb = fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0, max: 1e6, noNaN: true }));

const configArb: fc.Arbitrary<TrainConfig> = fc.record({
  dataset: fc.constantFrom(...DATASET_NAMES),
  model: fc.constantFrom(...MODELS),
  optimizer: fc.constantFrom(...OPTIMIZER_NAMES),
  alpha0: finiteArb,
  beta: finiteArb,
  momentum: finiteArb,
  weightDecay: finiteArb,
  batchSize: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  epochs: fc.constant(1),
  iterations: fc.constant(null),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  evalEvery: fc.option(fc.integer({ min: 1, max: 1e6 })),
  options: fc.option(fc.record({ beta: finiteArb, lrMin: fc.option(finiteArb), nesterov: fc.boolean() }, { requiredKeys: [] }), { nil: undefined }),
  width: fc.option(fc.constantFrom(1, 0.5, 0.25, 0.125), { nil: undefined }),
}).map((c) => {
  const out = { ...c } as TrainConfig;
  if (out.options === undefined) delete out.options;
  if (out.width === undefined) delete out.width;
  return out;
});

const runArb = (runId: string): fc.Arbitrary<RunRecord> =>
  fc.record({
    config: configArb,
    backend: fc.constantFrom<BackendName | null>(null, ...BACKEND_ORDER),
    state: fc.constantFrom(...STATES),
    trainIts: fc.uniqueArray(fc.integer({ min: 1, max: 1e6 }), { maxLength: 6 }),
    evalIts: fc.uniqueArray(fc.integer({ min: 0, max: 1e6 }), { maxLength: 3 }),
    values: fc.array(metricArb, { minLength: 12, maxLength: 12 }),
    epochs: fc.array(epochArb, { minLength: 9, maxLength: 9 }),
    // Second-order runs: gradient evaluations per iteration (cumulated), ESGD-M's preconditioner quantiles
    // at a few iterations (with or without a training point), layer names as hostile as run ids.
    second: fc.boolean(),
    steps: fc.array(fc.nat(30), { minLength: 6, maxLength: 6 }),
    curvature: fc.uniqueArray(
      fc.record({
        iteration: fc.integer({ min: 0, max: 1e6 }),
        layers: fc.uniqueArray(nameArb, { minLength: 1, maxLength: 3 }),
        q: fc.array(metricArb, { minLength: 9, maxLength: 9 }),
      }),
      { maxLength: 3, selector: (c) => c.iteration },
    ),
  }).map(({ config, backend, state, trainIts, evalIts, values, epochs, second, steps, curvature }) => {
    const its = [...trainIts].sort((a, b) => a - b);
    // The writer has no row for a run without metrics: every run gets at least one evaluation.
    const evs = evalIts.length === 0 && its.length === 0 ? [0] : evalIts;
    const run: RunRecord = {
      runId, config, backend, state,
      train: { iteration: its, epoch: its.map((_, i) => epochs[i]), loss: its.map((_, i) => values[i]), lr: its.map((_, i) => values[i + 6]), time: its.map(() => 1) },
      evals: evs.map((it, k): EvalRecord => ({ iteration: it, epoch: epochs[6 + k], time: 2, valLoss: values[k], valAccuracy: values[11 - k] })),
    };
    if (second) {
      let total = 0;
      run.train.gradEvals = its.map((_, i) => (total += steps[i]));
      if (curvature.length > 0) {
        run.curvature = curvature.map((c) => ({
          iteration: c.iteration,
          layers: c.layers.map((layer, l) => ({ layer, q10: c.q[3 * l], q50: c.q[3 * l + 1], q90: c.q[3 * l + 2] })),
        }));
      }
    }
    return run;
  });

const runsArb: fc.Arbitrary<RunRecord[]> = fc
  .uniqueArray(nameArb, { minLength: 0, maxLength: 3 })
  .chain((names) => (names.length === 0 ? fc.constant([]) : fc.tuple(...names.map(runArb))));

/** What importing the writer's output of `run` gives back (importCsv.ts's header says what is lost). */
function expectedImport(run: RunRecord): RunRecord {
  const evals = [...run.evals]
    .sort((a, b) => a.iteration - b.iteration)
    .map((e) => ({ iteration: e.iteration, epoch: e.epoch, time: e.iteration === 0 ? 0 : NaN, valLoss: e.valLoss, valAccuracy: e.valAccuracy }));
  let lastEpoch = 0;
  for (const e of [...run.train.epoch, ...run.evals.map((v) => v.epoch)]) lastEpoch = Math.max(lastEpoch, e);
  const config: TrainConfig = { ...run.config, epochs: Math.max(1, Math.ceil(lastEpoch)), iterations: null };
  delete config.options;
  const out: RunRecord = { runId: run.runId, config, backend: run.backend, state: run.state, train: { ...run.train, time: run.train.time.map(() => NaN) }, evals };
  // A second-order run with no training point has no grad_evals row to tell it by.
  if (run.train.iteration.length === 0) delete out.train.gradEvals;
  if (run.curvature && run.curvature.length > 0) out.curvature = [...run.curvature].sort((a, b) => a.iteration - b.iteration);
  if (run.state === 'diverged') {
    const k = run.train.loss.findIndex((v) => !Number.isFinite(v));
    if (k >= 0) out.divergedAt = run.train.iteration[k];
  }
  return out;
}

// ---------- malformed files ----------

function checkBad(text: string): void {
  timedSync(() => {
    try {
      importTidyCsv(text);
    } catch (e) {
      expectOwnError(e, CsvImportError, 'line ');
      const err = e as CsvImportError;
      expect(err.problem).not.toMatch(/^could not read the file/); // the safety net: a bug of the reader's own
      expect(Number.isInteger(err.line)).toBe(true);
      expect(err.line).toBeGreaterThanOrEqual(1);
      expect(err.line).toBeLessThanOrEqual(text.split(/\r\n|\r|\n/).length + 1);
    }
  });
}

const EDIT_TEXTS = [',', '"', '""', '\n', '\r', '\r\n', "'", '=', '-', 'nan', 'inf', '\uFEFF', ',,', 'x', '1e999', '-1', '0.5', 'event:alpha0', 'train_loss', 'lr', '(', ';', '=', 'grad_evals', 'precond_q10:', 'q50', 'q90'];
const editArb = textEditArb(
  20,
  fc.oneof(fc.constantFrom(...EDIT_TEXTS), fc.string({ maxLength: 6 })),
  fc.oneof(fc.constantFrom(...EDIT_TEXTS), fc.string({ unit: 'binary', minLength: 1, maxLength: 2 })),
);

describe('fuzz counterexamples (regressions)', () => {
  const base: RunRecord = {
    runId: 'r', backend: null, state: 'done',
    config: { dataset: 'mnist', model: 'logreg', optimizer: 'SGD', alpha0: 0, beta: -0, momentum: 0, weightDecay: 0, batchSize: 1, epochs: 1, iterations: null, seed: 0, evalEvery: null },
    train: { iteration: [1], epoch: [1], loss: [-0], lr: [0], time: [1] }, evals: [],
  };

  it('-0 survives export -> import (it was written "0"): config beta -0, loss -0', () => {
    expect(formatNumber(-0)).toBe('-0');
    expect(tidyCsv([base]).split('\n')[1]).toBe('r,SGD,mnist,logreg,0,-0,1,0,1,1,train_loss,-0,0,0,,,done,,');
    const back = importTidyCsv(tidyCsv([base])).runs[0];
    expect(Object.is(back.config.beta, -0)).toBe(true);
    expect(Object.is(back.train.loss[0], -0)).toBe(true);
    expect(Object.is(back.train.lr[0], 0)).toBe(true);
  });

  it('a message quotes the file\'s text on one line and cut short (run id "1\\n"; a 100,000-character optimizer)', () => {
    const header = TIDY_COLUMNS.join(',');
    const row = (id: string, optimizer: string, metric: string) => `${id},${optimizer},mnist,logreg,0,0,1,0,1000,1,${metric},0,0,0,1,,loading,,1`;
    let err: unknown;
    try {
      importTidyCsv(`${header}\n${row('"1\n"', 'SGD', 'val_loss')}\n`);
    } catch (e) {
      err = e;
    }
    expectOwnError(err, CsvImportError);
    expect((err as Error).message).toBe('line 2, column "metric": iteration 1000 of run "1\\n" has val_loss but no val_accuracy row');
    try {
      importTidyCsv(`${header}\n${row('r', 'x'.repeat(100_000), 'val_loss')}\n`);
    } catch (e) {
      err = e;
    }
    expectOwnError(err, CsvImportError);
    expect((err as Error).message).toMatch(/^line 2, column "optimizer": unknown optimizer "x{57}\.\.\." \(known: /);
  });
});

describe('fuzz: Import CSV', () => {
  it(`export -> import gives back ${ROUND_TRIPS} random sets of runs, and the same bytes again`, () => {
    slowest.ms = 0;
    fc.assert(
      fc.property(runsArb, (runs) =>
        timedSync(() => {
          const text = tidyCsv(runs);
          const got = importTidyCsv(text).runs;
          expect(got.map((r) => r.runId)).toEqual(runs.map((r) => r.runId));
          got.forEach((g, i) => {
            const { options, ...rest } = g.config;
            expect({ ...g, config: rest }).toEqual(expectedImport(runs[i]));
            // Options equal to the optimizer's defaults are left out by the writer: compare what it writes.
            expect(optionsText(g.config)).toBe(optionsText(runs[i].config));
            if (options !== undefined) expect(Object.keys(options).length).toBeGreaterThan(0);
          });
          expect(tidyCsv(got)).toBe(text);
        }),
      ),
      { numRuns: ROUND_TRIPS, seed: 0xc5f_0001 },
    );
    console.log(`round trip: slowest case ${slowest.ms.toFixed(1)} ms`);
  });

  it(`${RANDOM} random texts: read, or refused with CsvImportError naming the line`, () => {
    slowest.ms = 0;
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), checkBad), { numRuns: RANDOM, seed: 0xc5f_0002 });
    console.log(`random texts: slowest case ${slowest.ms.toFixed(1)} ms`);
  });

  it(`${ALPHABET} texts of CSV's own characters after a valid header`, () => {
    slowest.ms = 0;
    const header = TIDY_COLUMNS.join(',') + '\n';
    const unit = fc.constantFrom(',', '"', '\n', '\r', "'", '=', '-', 'a', '1', '0', '.', 'e', ';', '(', ')', 'nan', 'SGD', 'mnist', 'logreg', 'done', 'train_loss', 'lr', 'val_loss', 'event:alpha0', 'grad_evals', 'precond_q50:x');
    fc.assert(fc.property(fc.string({ unit, maxLength: 120 }), (s) => checkBad(header + s)), { numRuns: ALPHABET, seed: 0xc5f_0003 });
    console.log(`CSV alphabet: slowest case ${slowest.ms.toFixed(1)} ms`);
  });

  it(`${MUTATED} valid exports with characters changed`, () => {
    slowest.ms = 0;
    fc.assert(
      fc.property(runsArb, fc.array(editArb, { minLength: 1, maxLength: 4 }), fc.boolean(), (runs, edits, crlf) => {
        const text = tidyCsv(runs);
        checkBad(applyTextEdits(crlf ? text.replace(/\n/g, '\r\n') : text, edits));
      }),
      { numRuns: MUTATED, seed: 0xc5f_0004 },
    );
    console.log(`mutated exports: slowest case ${slowest.ms.toFixed(1)} ms`);
  });

  it('checkBad itself accepts the import\'s own error and rethrows anything else', () => {
    expect(() => checkBad('run_id\n1')).not.toThrow();
    expect(() => expectOwnError(new TypeError('x'), CsvImportError)).toThrow(TypeError);
  });
});
