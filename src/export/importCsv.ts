// Reads a tidy CSV written by tidyCsv.ts (the page's "Export CSV", or `train --out`'s
// {optimizer}.tidy.csv) back into RunRecords, so exported runs can be loaded into the comparison
// view. Pure: no DOM, no tfjs.
//
// What comes back exactly: every run (in order of first appearance), its training series
// (iteration, epoch, loss, lr, NaN/±Inf included; a second-order run's grad_evals as train.gradEvals),
// its evaluations (iteration, epoch, val loss, accuracy), ESGD-M's preconditioner quantiles
// (precond_qNN:LAYER rows → `curvature`, layers in the order of the file), backend, state and every
// config column the file has; a Stack run's `hp:mu`, `hp:beta1`, `hp:beta2`, `hp:gamma` rows as
// train.hp (a column for each name the run has rows of; a training point without that row reads NaN);
// a learned schedule's `ctrl:*` rows as `controller` (one decision per iteration with rows: all of
// CTRL_METRICS are needed).
// `hp:alpha` repeats `lr` (tidyCsv.ts): it is not stored again but checked, row by row, to be the same
// number as the `lr` row of its iteration (nan matches nan); a file where they differ is refused, since
// one of them was edited and the reader cannot tell which.
//
// What the file does not hold (see `TidyImport.absent`), and what is put there instead:
// - `time` of training points: NaN (evaluations: 0 at iteration 0, where the trainer stamps 0; else NaN);
// - the budget: `epochs` = the last epoch seen (at least 1), `iterations` = null;
// - `width` (files written before the column existed): left out (= 1);
// - `firstBatchLoss` of the evaluation before training: left out;
// - options equal to the optimizer's defaults: the writer leaves them out, so `config.options`
//   holds only the non-default ones (the same run: the engine fills in the defaults);
// - a curvature record without layers has no rows (left out), and neither has `gradEvals` of a
//   second-order run without training points;
// - `divergedAt` is rebuilt for a 'diverged' run as the first iteration with a non-finite loss,
//   which is how the trainer sets it.
// A later writer may add `time`, `epochs` or `iterations` columns: they are read when present.
//
// Any problem is a CsvImportError naming the 1-based line of the file and, where one is to blame,
// the column; nothing else is thrown.
//
// The pieces: csvRows.ts reads RFC 4180 rows (and defines CsvImportError), csvValues.ts reads cells
// (numbers, the options cell); this file turns rows into runs.
import type { BackendName, ControllerRecord, CurvatureRecord, DatasetName, EvalRecord, ModelName, RunEvent, RunRecord, RunState, TrainConfig } from '../engine/types';
import { BACKEND_ORDER, HP_NAMES, type HpName } from '../engine/types';
import { isDatasetName } from '../data/datasets';
import { isModelName } from '../models/catalog';
import { OPTIMIZER_NAMES } from '../optim/catalog';
import { HYPER_DEFAULTS, type Hyper } from '../optim/hyper';
import { CsvImportError, forEachRow, quote } from './csvRows';
import { finite, metricValue, parseOptionsText } from './csvValues';
import { CTRL_METRICS, PRECOND_QUANTILES, TIDY_COLUMNS, type CtrlMetric, type PrecondQuantile, type TidyMetric } from './tidyCsv';

export { CsvImportError, parseOptionsText };

/** Run information a tidy CSV may lack; listed in `absent` when the file has no column for it. */
export type AbsentField = 'time' | 'epochs' | 'iterations' | 'width' | 'firstBatchLoss';

export interface TidyImport {
  runs: RunRecord[];
  /** What the file could not say (filled in as described at the top of importCsv.ts). */
  absent: AbsentField[];
}

// Columns read when present: time, epochs and iterations are not written by tidyCsv.ts today; width
// is, but files written before it lack it.
const OPTIONAL_COLUMNS = ['time', 'epochs', 'iterations', 'width'] as const;

const STATES: Record<RunState, true> = {
  loading: true, training: true, paused: true, done: true, diverged: true, stopped: true, error: true, interrupted: true,
};
const METRICS: Record<TidyMetric, true> = {
  train_loss: true, lr: true, grad_evals: true, val_loss: true, val_accuracy: true,
  'hp:alpha': true, 'hp:mu': true, 'hp:beta1': true, 'hp:beta2': true, 'hp:gamma': true,
  'ctrl:train_loss': true, 'ctrl:val_loss': true, 'ctrl:pred_var': true, 'ctrl:pred_change_var': true, 'ctrl:out_w_mean': true,
  'ctrl:out_w_var': true, 'ctrl:lr': true, 'ctrl:factor': true, 'ctrl:next_lr': true,
};
/** `precond_q10:LAYER` → ['q10', LAYER]. */
const PRECOND_RE = /^precond_(q10|q50|q90):(.*)$/s;
const has = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

// ---------- runs ----------

// Config columns: the same text on every row of a run.
const CONFIG_COLUMNS = [
  'optimizer', 'dataset', 'model', 'alpha0', 'beta', 'batch_size', 'seed',
  'momentum', 'weight_decay', 'eval_every', 'backend', 'state', 'options',
  'epochs', 'iterations', 'width',
] as const;

// Every column the reader looks at.
const READ_COLUMNS = ['run_id', 'iteration', 'epoch', 'metric', 'value', 'time', ...CONFIG_COLUMNS] as const;
type ColumnName = (typeof READ_COLUMNS)[number];

function failAt(line: number, column: string, problem: string): never {
  throw new CsvImportError(line, column, problem);
}

interface Point {
  epoch: number;
  a: number | undefined; // train_loss / val_loss
  b: number | undefined; // lr / val_accuracy
  g: number | undefined; // grad_evals (train points of second-order runs)
  gLine: number; // its line
  hp: Partial<Record<HpName, number>> | undefined; // hp:NAME rows (train points of Stack runs)
  alpha: number | undefined; // hp:alpha (checked against lr)
  alphaLine: number; // its line
  time: number | undefined;
  line: number;
}

/** One layer's quantiles at one iteration, as read (each from its own row). */
interface LayerAcc {
  q: Partial<Record<PrecondQuantile, number>>;
  line: number;
}

interface RunAcc {
  runId: string;
  line: number;
  config: string[]; // raw cells of CONFIG_COLUMNS (undefined columns: '')
  train: Map<number, Point>;
  evals: Map<number, Point>;
  /** Mid-run edits (`event:KEY` rows) by iteration. */
  events: Map<number, { changes: Record<string, number>; line: number }>;
  /** Preconditioner quantiles (`precond_qNN:LAYER` rows) by iteration, then layer (first-seen order). */
  curvature: Map<number, Map<string, LayerAcc>>;
  /** A learned schedule's decisions (`ctrl:*` rows) by iteration. */
  controller: Map<number, { v: Partial<Record<CtrlMetric, number>>; line: number }>;
}

/** Parses a tidy CSV into runs. Throws CsvImportError (only) for anything it cannot read. */
export function importTidyCsv(text: string): TidyImport {
  let line = 1;
  try {
    return importRows(text, (l) => (line = l));
  } catch (err) {
    if (err instanceof CsvImportError) throw err;
    // A bug, not the file: still the promised error type, with where it happened.
    throw new CsvImportError(line, null, `could not read the file (${err instanceof Error ? err.message : String(err)})`);
  }
}

function importRows(text: string, at: (line: number) => void): TidyImport {
  if (typeof text !== 'string' || text.replace(/^\uFEFF/, '').trim() === '') {
    throw new CsvImportError(1, null, 'the file is empty');
  }
  let header: string[] | null = null;
  const runs = new Map<string, RunAcc>();
  let sawFirstRow = false;

  // Column positions, once the header is read (-1: the file has no such column).
  let col: Record<ColumnName, number> = {} as Record<ColumnName, number>;
  let configCols: number[] = [];

  function onRow(fields: string[], ln: number): void {
    at(ln);
    sawFirstRow = true;
    if (header === null) {
      const names = readHeader(fields, ln);
      header = names;
      col = Object.fromEntries(READ_COLUMNS.map((c) => [c, names.indexOf(c)])) as Record<ColumnName, number>;
      configCols = CONFIG_COLUMNS.map((c) => col[c]);
      return;
    }
    if (fields.length !== header.length) {
      throw new CsvImportError(ln, null, `${fields.length} fields, but the header has ${header.length}`);
    }
    // No closures per row: this runs for every one of ~10⁶ rows.
    const runId = fields[col.run_id];
    if (runId === '') failAt(ln, 'run_id', 'empty run id');
    let run = runs.get(runId);
    if (run === undefined) {
      run = {
        runId, line: ln, config: configCols.map((c) => (c < 0 ? '' : fields[c])),
        train: new Map(), evals: new Map(), events: new Map(), curvature: new Map(), controller: new Map(),
      };
      runs.set(runId, run);
    } else {
      for (let k = 0; k < configCols.length; k++) {
        const v = configCols[k] < 0 ? '' : fields[configCols[k]];
        if (v !== run.config[k]) {
          failAt(ln, CONFIG_COLUMNS[k], `run ${quote(runId)} has ${quote(v)} here but ${quote(run.config[k])} on line ${run.line}`);
        }
      }
    }

    const itText = fields[col.iteration];
    const iteration = finite(itText);
    if (iteration === null || !Number.isInteger(iteration) || iteration < 0) {
      failAt(ln, 'iteration', `${quote(itText)} is not an iteration (a whole number ≥ 0)`);
    }
    const epText = fields[col.epoch];
    const epoch = finite(epText);
    if (epoch === null || epoch < 0) failAt(ln, 'epoch', `${quote(epText)} is not an epoch (a number ≥ 0)`);
    const metric = fields[col.metric];
    const eventKey = metric.startsWith('event:') ? metric.slice(6) : null;
    const precond = metric.startsWith('precond_') ? PRECOND_RE.exec(metric) : null;
    if (eventKey === null && precond === null && !has(METRICS, metric)) {
      failAt(ln, 'metric', `unknown metric ${quote(metric)} (expected ${Object.keys(METRICS).join(', ')}, precond_q10/q50/q90:LAYER or event:KEY)`);
    }
    if (precond !== null && precond[2] === '') failAt(ln, 'metric', `${quote(metric)} names no layer`);
    if (eventKey !== null && !Object.hasOwn(HYPER_DEFAULTS, eventKey)) failAt(ln, 'metric', `${quote(metric)} names no hyperparameter`);
    const valText = fields[col.value];
    const value = metricValue(valText);
    if (value === null) failAt(ln, 'value', `${quote(valText)} is not a number`);
    let time: number | undefined;
    if (col.time >= 0) {
      const t = metricValue(fields[col.time]);
      if (t === null) failAt(ln, 'time', `${quote(fields[col.time])} is not a number`);
      time = t as number;
    }

    const it = iteration as number;
    if (metric === 'grad_evals' && !(Number.isInteger(value) && (value as number) >= 0)) {
      failAt(ln, 'value', `grad_evals ${quote(valText)} is not a count of gradient evaluations (a whole number ≥ 0)`);
    }
    if (precond !== null) {
      const q = precond[1] as PrecondQuantile;
      const layer = precond[2];
      let byLayer = run.curvature.get(it);
      if (byLayer === undefined) run.curvature.set(it, (byLayer = new Map()));
      let acc = byLayer.get(layer);
      if (acc === undefined) byLayer.set(layer, (acc = { q: {}, line: ln }));
      if (acc.q[q] !== undefined) failAt(ln, 'metric', `${quote(metric)} of iteration ${it} of run ${quote(runId)} appears twice`);
      acc.q[q] = value as number;
      return;
    }
    if (metric.startsWith('ctrl:')) {
      let dec = run.controller.get(it);
      if (dec === undefined) run.controller.set(it, (dec = { v: {}, line: ln }));
      const m = metric as CtrlMetric;
      if (dec.v[m] !== undefined) failAt(ln, 'metric', `${metric} of iteration ${it} of run ${quote(runId)} appears twice`);
      dec.v[m] = value as number;
      return;
    }
    if (eventKey !== null) {
      let ev = run.events.get(it);
      if (ev === undefined) run.events.set(it, (ev = { changes: {}, line: ln }));
      if (Object.hasOwn(ev.changes, eventKey)) failAt(ln, 'metric', `${metric} of iteration ${it} of run ${quote(runId)} appears twice`);
      ev.changes[eventKey] = value as number;
      return;
    }
    const hpName = metric.startsWith('hp:') ? metric.slice(3) : null;
    const isTrain = metric === 'train_loss' || metric === 'lr' || metric === 'grad_evals' || hpName !== null;
    const points = isTrain ? run.train : run.evals;
    let p = points.get(it);
    if (p === undefined) {
      p = { epoch: epoch as number, a: undefined, b: undefined, g: undefined, gLine: ln, hp: undefined, alpha: undefined, alphaLine: ln, time, line: ln };
      points.set(it, p);
    } else {
      if (p.epoch !== epoch) failAt(ln, 'epoch', `epoch ${epText} differs from epoch ${p.epoch} on line ${p.line} (iteration ${it} of run ${quote(runId)})`);
      if (time !== undefined && !Object.is(time, p.time)) failAt(ln, 'time', `time differs from line ${p.line} (iteration ${it} of run ${quote(runId)})`);
    }
    if (metric === 'grad_evals') {
      if (p.g !== undefined) failAt(ln, 'metric', `${metric} of iteration ${it} of run ${quote(runId)} appears twice`);
      p.g = value as number;
      p.gLine = ln;
      return;
    }
    if (hpName === 'alpha') {
      if (p.alpha !== undefined) failAt(ln, 'metric', `${metric} of iteration ${it} of run ${quote(runId)} appears twice`);
      p.alpha = value as number;
      p.alphaLine = ln;
      return;
    }
    if (hpName !== null) {
      const h = hpName as HpName; // a known name: checked against METRICS above
      p.hp ??= {};
      if (p.hp[h] !== undefined) failAt(ln, 'metric', `${metric} of iteration ${it} of run ${quote(runId)} appears twice`);
      p.hp[h] = value as number;
      return;
    }
    const first = metric === 'train_loss' || metric === 'val_loss';
    if ((first ? p.a : p.b) !== undefined) failAt(ln, 'metric', `${metric} of iteration ${it} of run ${quote(runId)} appears twice`);
    if (first) p.a = value as number;
    else p.b = value as number;
  }

  const columnName = (i: number) => (header !== null && i < header.length ? header[i] : null);
  try {
    forEachRow(text, onRow, columnName);
  } catch (err) {
    // A first line that is not even CSV: say what the file is not, not which quote is wrong.
    if (err instanceof CsvImportError && !sawFirstRow) {
      throw new CsvImportError(err.line, null, `not a tidy CSV of this page: its first line is not the header (${err.problem})`);
    }
    throw err;
  }

  if (header === null) throw new CsvImportError(1, null, 'the file is empty');
  const h: string[] = header;
  const absent: AbsentField[] = OPTIONAL_COLUMNS.filter((c) => !h.includes(c));
  absent.push('firstBatchLoss');
  return { runs: [...runs.values()].map(buildRun), absent };
}

function readHeader(fields: string[], line: number): string[] {
  const names = fields.map((f) => f.trim());
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new CsvImportError(line, n, 'this column appears twice in the header');
    seen.add(n);
  }
  // Optional columns (width came later) may be missing from files written before them.
  const missing = TIDY_COLUMNS.filter((c) => !seen.has(c) && !(OPTIONAL_COLUMNS as readonly string[]).includes(c));
  if (missing.length > 0) {
    throw new CsvImportError(
      line,
      null,
      `not a tidy CSV of this page: the header lacks ${missing.map(quote).join(', ')} (expected ${TIDY_COLUMNS.join(',')})`,
    );
  }
  return names;
}

function buildRun(run: RunAcc): RunRecord {
  const raw = (name: (typeof CONFIG_COLUMNS)[number]) => run.config[CONFIG_COLUMNS.indexOf(name)];
  const fail = (name: string, problem: string): never => {
    throw new CsvImportError(run.line, name, problem);
  };
  const num = (name: (typeof CONFIG_COLUMNS)[number]): number => {
    const v = finite(raw(name));
    return v === null ? fail(name, `${quote(raw(name))} is not a number`) : v;
  };
  const int = (name: (typeof CONFIG_COLUMNS)[number], min: number): number => {
    const v = num(name);
    return Number.isInteger(v) && v >= min ? v : fail(name, `${quote(raw(name))} is not a whole number ≥ ${min}`);
  };
  const optionalInt = (name: (typeof CONFIG_COLUMNS)[number]): number | null => (raw(name) === '' ? null : int(name, 1));

  const optimizer = raw('optimizer');
  if (!OPTIMIZER_NAMES.includes(optimizer)) fail('optimizer', `unknown optimizer ${quote(optimizer)} (known: ${OPTIMIZER_NAMES.join(', ')})`);
  const dataset = raw('dataset');
  if (!isDatasetName(dataset)) fail('dataset', `unknown dataset ${quote(dataset)}`);
  const model = raw('model');
  if (!isModelName(model)) fail('model', `unknown model ${quote(model)}`);
  const backend = raw('backend');
  if (backend !== '' && !(BACKEND_ORDER as readonly string[]).includes(backend)) fail('backend', `unknown backend ${quote(backend)}`);
  const state = raw('state');
  if (!has(STATES, state)) fail('state', `unknown run state ${quote(state)}`);
  let options: Partial<Hyper> = {};
  try {
    options = parseOptionsText(raw('options'));
  } catch (err) {
    fail('options', err instanceof Error ? err.message : String(err));
  }

  const trainIts = [...run.train.keys()].sort((a, b) => a - b);
  const evalIts = [...run.evals.keys()].sort((a, b) => a - b);
  for (const [points, a, b] of [[run.train, 'train_loss', 'lr'], [run.evals, 'val_loss', 'val_accuracy']] as const) {
    for (const [it, p] of points) {
      if (p.a === undefined) throw new CsvImportError(p.line, 'metric', `iteration ${it} of run ${quote(run.runId)} has ${p.b !== undefined ? b : p.g !== undefined ? 'grad_evals' : 'hp:…'} but no ${a} row`);
      if (p.b === undefined) throw new CsvImportError(p.line, 'metric', `iteration ${it} of run ${quote(run.runId)} has ${a} but no ${b} row`);
    }
  }
  // grad_evals: on every training point of a second-order run or on none, counting up.
  let withCount: number | undefined;
  for (const it of trainIts) if (withCount === undefined && (run.train.get(it) as Point).g !== undefined) withCount = it;
  if (withCount !== undefined) {
    let prev: { it: number; g: number } | null = null;
    for (const it of trainIts) {
      const p = run.train.get(it) as Point;
      if (p.g === undefined) {
        throw new CsvImportError(p.line, 'metric', `iteration ${it} of run ${quote(run.runId)} has no grad_evals row, but iteration ${withCount} has one (a second-order run has one per iteration)`);
      }
      if (prev !== null && p.g < prev.g) {
        throw new CsvImportError(p.gLine, 'value', `grad_evals ${p.g} of iteration ${it} of run ${quote(run.runId)} is less than ${prev.g} at iteration ${prev.it} (it counts up)`);
      }
      prev = { it, g: p.g };
    }
  }

  // hp:alpha repeats lr: the same number (nan matches nan) wherever it is given.
  for (const it of trainIts) {
    const p = run.train.get(it) as Point;
    if (p.alpha !== undefined && !Object.is(p.alpha, p.b)) {
      throw new CsvImportError(p.alphaLine, 'value', `hp:alpha ${p.alpha} of iteration ${it} of run ${quote(run.runId)} differs from its lr ${p.b} (hp:alpha repeats lr)`);
    }
  }

  let lastEpoch = 0; // a loop, not Math.max(...spread): runs can have 10⁵+ points
  for (const p of run.train.values()) lastEpoch = Math.max(lastEpoch, p.epoch);
  for (const p of run.evals.values()) lastEpoch = Math.max(lastEpoch, p.epoch);
  const config: TrainConfig = {
    dataset: dataset as DatasetName,
    model: model as ModelName, // checked by isModelName above
    optimizer,
    alpha0: num('alpha0'),
    beta: num('beta'),
    momentum: num('momentum'),
    weightDecay: num('weight_decay'),
    batchSize: int('batch_size', 1),
    epochs: raw('epochs') === '' ? Math.max(1, Math.ceil(lastEpoch)) : int('epochs', 1),
    iterations: optionalInt('iterations'),
    seed: int('seed', 0),
    evalEvery: optionalInt('eval_every'),
  };
  if (Object.keys(options).length > 0) config.options = options;
  if (raw('width') !== '') {
    const w = num('width');
    if (!(w > 0 && w <= 1)) fail('width', `width ${w} must be in (0, 1]`);
    config.width = w;
  }

  const train: RunRecord['train'] = { iteration: trainIts, epoch: [], loss: [], lr: [], time: [] };
  const gradEvals: number[] = [];
  for (const it of trainIts) {
    const p = run.train.get(it) as Point;
    train.epoch.push(p.epoch);
    train.loss.push(p.a as number);
    train.lr.push(p.b as number);
    train.time.push(p.time ?? NaN);
    if (p.g !== undefined) gradEvals.push(p.g);
  }
  if (withCount !== undefined) train.gradEvals = gradEvals;
  // A Stack run's hyperparameters: a column per name any training point has (NaN where a point has none).
  for (const h of HP_NAMES) {
    if (!trainIts.some((it) => (run.train.get(it) as Point).hp?.[h] !== undefined)) continue;
    (train.hp ??= {})[h] = trainIts.map((it) => (run.train.get(it) as Point).hp?.[h] ?? NaN);
  }
  const evals: EvalRecord[] = evalIts.map((it) => {
    const p = run.evals.get(it) as Point;
    // The trainer stamps the evaluation before training with time 0.
    return { iteration: it, epoch: p.epoch, time: p.time ?? (it === 0 ? 0 : NaN), valLoss: p.a as number, valAccuracy: p.b as number };
  });

  const record: RunRecord = {
    runId: run.runId,
    config,
    backend: backend === '' ? null : (backend as BackendName),
    state: state as RunState,
    train,
    evals,
  };
  const events = eventsOf(run);
  if (events.length > 0) record.events = events;
  const curvature = curvatureOf(run);
  if (curvature.length > 0) record.curvature = curvature;
  const controller = controllerOf(run);
  if (controller.length > 0) record.controller = controller;
  if (state === 'diverged') {
    const k = train.loss.findIndex((v) => !Number.isFinite(v));
    if (k >= 0) record.divergedAt = train.iteration[k];
  }
  return record;
}

/** The run's preconditioner snapshots back from their precond rows: every layer needs all three quantiles. */
function curvatureOf(run: RunAcc): CurvatureRecord[] {
  const out: CurvatureRecord[] = [];
  for (const it of [...run.curvature.keys()].sort((a, b) => a - b)) {
    const layers: CurvatureRecord['layers'] = [];
    for (const [layer, acc] of run.curvature.get(it) as Map<string, LayerAcc>) {
      const missing = PRECOND_QUANTILES.find((q) => acc.q[q] === undefined);
      if (missing !== undefined) {
        const present = PRECOND_QUANTILES.find((q) => acc.q[q] !== undefined) as PrecondQuantile;
        throw new CsvImportError(
          acc.line,
          'metric',
          `iteration ${it} of run ${quote(run.runId)} has ${quote(`precond_${present}:${layer}`)} but no ${quote(`precond_${missing}:${layer}`)} row`,
        );
      }
      layers.push({ layer, q10: acc.q.q10 as number, q50: acc.q.q50 as number, q90: acc.q.q90 as number });
    }
    out.push({ iteration: it, layers });
  }
  return out;
}

/** A learned schedule's decisions back from their ctrl: rows: every decision needs all of CTRL_METRICS. */
function controllerOf(run: RunAcc): ControllerRecord[] {
  const out: ControllerRecord[] = [];
  for (const it of [...run.controller.keys()].sort((a, b) => a - b)) {
    const dec = run.controller.get(it) as { v: Partial<Record<CtrlMetric, number>>; line: number };
    const missing = CTRL_METRICS.find((m) => dec.v[m] === undefined);
    if (missing !== undefined) {
      throw new CsvImportError(dec.line, 'metric', `iteration ${it} of run ${quote(run.runId)} has ctrl: rows but no ${quote(missing)} row`);
    }
    const v = CTRL_METRICS.map((m) => dec.v[m] as number);
    const n = v.length;
    out.push({ iteration: it, features: v.slice(0, n - 2), factor: v[n - 2], lr: v[n - 1] });
  }
  return out;
}

/**
 * The run's mid-run edits back from their `event:KEY` rows (tidyCsv.ts eventValue): switches from 1 / 0,
 * nan as "no bound" for α min / max; a schedule (written as nan) cannot be read back and is left out.
 * The file has no time for them: NaN.
 */
function eventsOf(run: RunAcc): RunEvent[] {
  const out: RunEvent[] = [];
  for (const it of [...run.events.keys()].sort((a, b) => a - b)) {
    const changes: Record<string, unknown> = {};
    for (const [key, v] of Object.entries((run.events.get(it) as { changes: Record<string, number> }).changes)) {
      const d = HYPER_DEFAULTS[key as keyof Hyper];
      if (typeof d === 'boolean') changes[key] = v !== 0;
      else if (key === 'lrMin' || key === 'lrMax') changes[key] = Number.isNaN(v) ? null : v;
      else if (typeof d === 'number') changes[key] = v;
    }
    if (Object.keys(changes).length > 0) out.push({ iteration: it, time: NaN, changes: changes as Partial<Hyper> });
  }
  return out;
}
