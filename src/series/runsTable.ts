// The runs table's numbers: one row per run (or per seed group: mean ± std across its seeds), with
// each variant's and HD run's difference to its baseline. Pure: no DOM, no tfjs; the page feeds it the
// series buffers' views, the export's sidecar the same rows.
import type { EvalRecord, TrainConfig } from '../engine/types';
import { formatInteger, formatNumber, formatRate } from '../format/numbers';
import { pairWithBaselines } from './baselineDiff';
import { shownName } from './optimizerNames';
import { groupBySeed } from './seedBands';
import { debiasedEma } from './smoothing';

/** What the table reads of one run. */
export interface TableRunInput {
  runId: string;
  label: string;
  config: TrainConfig;
  state: string;
  backend: string | null;
  iteration: ArrayLike<number>;
  loss: ArrayLike<number>;
  lr: ArrayLike<number>;
  /** Seconds since training started, per iteration. */
  time: ArrayLike<number>;
  evals: readonly EvalRecord[];
}

/** One run's numbers; null where the run has none yet (no evaluation, no step). */
export interface RunSummary {
  iterations: number;
  /** Last training loss, smoothed as the chart draws it (debiased EMA over the whole series). */
  finalTrainLoss: number | null;
  bestValLoss: number | null;
  finalValLoss: number | null;
  finalValAccuracy: number | null;
  alphaFinal: number | null;
  alphaMin: number | null;
  alphaMax: number | null;
  /** First iteration whose minibatch loss fell below the threshold (as the α₀ sweep and `train --stop-below`). */
  itersToThreshold: number | null;
  stepsPerSecond: number | null;
}

export function summarizeRun(run: TableRunInput, smoothing: number, threshold: number | null): RunSummary {
  const n = run.iteration.length;
  const last = n - 1;
  let alphaMin: number | null = null;
  let alphaMax: number | null = null;
  let itersToThreshold: number | null = null;
  for (let i = 0; i < n; i++) {
    const a = run.lr[i];
    if (Number.isFinite(a)) {
      alphaMin = alphaMin === null ? a : Math.min(alphaMin, a);
      alphaMax = alphaMax === null ? a : Math.max(alphaMax, a);
    }
    // NaN < threshold is false: a diverged step never counts as reaching it.
    if (itersToThreshold === null && threshold !== null && run.loss[i] < threshold) itersToThreshold = run.iteration[i];
  }
  let finalTrainLoss: number | null = null;
  if (n > 0) finalTrainLoss = smoothing > 0 ? debiasedEma(run.loss, smoothing)[last] : run.loss[last];
  const finite = (v: number | null) => (v !== null && Number.isFinite(v) ? v : null);
  const evals = run.evals;
  const lastEval = evals.length > 0 ? evals[evals.length - 1] : null;
  let bestValLoss: number | null = null;
  for (const e of evals) if (Number.isFinite(e.valLoss) && (bestValLoss === null || e.valLoss < bestValLoss)) bestValLoss = e.valLoss;
  const seconds = n > 0 ? run.time[last] : 0;
  return {
    iterations: n > 0 ? run.iteration[last] : 0,
    finalTrainLoss: finite(finalTrainLoss),
    bestValLoss,
    finalValLoss: finite(lastEval?.valLoss ?? null),
    finalValAccuracy: finite(lastEval?.valAccuracy ?? null),
    alphaFinal: n > 0 ? finite(run.lr[last]) : null,
    alphaMin,
    alphaMax,
    itersToThreshold,
    stepsPerSecond: n > 0 && seconds > 0 ? run.iteration[last] / seconds : null,
  };
}

/**
 * A run against its baseline at the latest evaluation both have (same settings, so the same evaluation
 * iterations): validation loss and accuracy differences (run − baseline). Null when they share none.
 */
export interface BaselineDelta {
  iteration: number;
  valLoss: number;
  valAccuracy: number;
}

export function deltaAtLatestCommonEval(run: readonly EvalRecord[], baseline: readonly EvalRecord[]): BaselineDelta | null {
  const byIteration = new Map(baseline.map((e) => [e.iteration, e]));
  for (let i = run.length - 1; i >= 0; i--) {
    const b = byIteration.get(run[i].iteration);
    if (b) return { iteration: run[i].iteration, valLoss: run[i].valLoss - b.valLoss, valAccuracy: run[i].valAccuracy - b.valAccuracy };
  }
  return null;
}

/** A number of a row: one run's value, or the mean and sample std over a seed group's runs that have one. */
export interface Stat {
  mean: number;
  /** Sample standard deviation (n − 1); null for one value. */
  std: number | null;
  n: number;
}

export function stat(values: readonly (number | null)[]): Stat | null {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x));
  if (v.length === 0) return null;
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  if (v.length === 1) return { mean, std: null, n: 1 };
  const ss = v.reduce((s, x) => s + (x - mean) ** 2, 0);
  return { mean, std: Math.sqrt(ss / (v.length - 1)), n: v.length };
}

export const NUMERIC_COLUMNS = [
  'iterations',
  'finalTrainLoss',
  'bestValLoss',
  'finalValLoss',
  'finalValAccuracy',
  'alphaFinal',
  'alphaMin',
  'alphaMax',
  'itersToThreshold',
  'stepsPerSecond',
  'deltaValLoss',
  'deltaValAccuracy',
] as const;
export type NumericColumn = (typeof NUMERIC_COLUMNS)[number];

export function isNumericColumn(key: string): key is NumericColumn {
  return (NUMERIC_COLUMNS as readonly string[]).includes(key);
}

export interface TableRow {
  /** The run id, or the seed group's key. */
  key: string;
  label: string;
  optimizer: string;
  dataset: string;
  model: string;
  /** Distinct states of the row's runs, e.g. "done" or "done, training". */
  state: string;
  backend: string;
  seeds: number[];
  runIds: string[];
  /** The baseline's label when the row's runs have one among the runs (Δ columns then filled). */
  baseline: string | null;
  /** Iteration(s) the Δ is taken at (the latest evaluation run and baseline share). */
  deltaAt: number[];
  values: Record<NumericColumn, Stat | null>;
}

export interface TableOptions {
  /** Smoothing weight of the charts (0 = raw). */
  smoothing: number;
  /** Loss threshold for iterations-to-threshold (null = column empty). */
  threshold: number | null;
  /** Group runs that differ only by seed into one row (the charts' default), else one row per run. */
  groupSeeds: boolean;
}

const distinct = (xs: readonly string[]) => [...new Set(xs)].join(', ');

/** The table's rows, in run order (groups in the order of their first run). */
export function buildRunsTable(runs: readonly TableRunInput[], opts: TableOptions): TableRow[] {
  const summaries = new Map(runs.map((r) => [r.runId, summarizeRun(r, opts.smoothing, opts.threshold)]));
  const { pairs } = pairWithBaselines(runs);
  const baselineOf = new Map(pairs.map((p) => [p.run.runId, p.baseline]));
  const deltas = new Map<string, BaselineDelta | null>();
  for (const p of pairs) deltas.set(p.run.runId, deltaAtLatestCommonEval(p.run.evals, p.baseline.evals));

  const groups = opts.groupSeeds
    ? groupBySeed(runs).map((g) => ({ key: g.key, label: g.runs.length > 1 ? g.label : g.runs[0].label, runs: g.runs }))
    : runs.map((r) => ({ key: r.runId, label: r.label, runs: [r] }));

  return groups.map((g) => {
    const sums = g.runs.map((r) => summaries.get(r.runId)!);
    const values = {} as Record<NumericColumn, Stat | null>;
    for (const c of NUMERIC_COLUMNS) {
      if (c === 'deltaValLoss' || c === 'deltaValAccuracy') continue;
      values[c] = stat(sums.map((s) => s[c]));
    }
    const ds = g.runs.map((r) => deltas.get(r.runId) ?? null);
    values.deltaValLoss = stat(ds.map((d) => d?.valLoss ?? null));
    values.deltaValAccuracy = stat(ds.map((d) => d?.valAccuracy ?? null));
    const baselines = g.runs.map((r) => baselineOf.get(r.runId)).filter((b): b is TableRunInput => b !== undefined);
    const first = g.runs[0];
    return {
      key: g.key,
      label: g.label,
      optimizer: first.config.optimizer,
      dataset: first.config.dataset,
      model: first.config.model,
      state: distinct(g.runs.map((r) => r.state)),
      backend: distinct(g.runs.map((r) => r.backend ?? '—')),
      seeds: g.runs.map((r) => r.config.seed),
      runIds: g.runs.map((r) => r.runId),
      baseline: baselines.length > 0 ? distinct(baselines.map((b) => b.config.optimizer)) : null,
      deltaAt: [...new Set(ds.filter((d): d is BaselineDelta => d !== null).map((d) => d.iteration))],
      values,
    };
  });
}

/** Compare two rows by a column: missing values last, whatever the direction. */
export function compareRows(a: TableRow, b: TableRow, column: ColumnKey, descending: boolean): number {
  const dir = descending ? -1 : 1;
  if (isNumericColumn(column)) {
    const x = a.values[column]?.mean ?? null;
    const y = b.values[column]?.mean ?? null;
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    return (x - y) * dir;
  }
  const text = (r: TableRow) => (column === 'data' ? `${r.dataset}/${r.model}` : String(r[column as 'label' | 'optimizer' | 'state' | 'backend']));
  return text(a).localeCompare(text(b)) * dir;
}

// ---------- the table as text (the page's cells, Copy table, the export's sidecar) ----------

export type ColumnKey = NumericColumn | 'label' | 'optimizer' | 'data' | 'state' | 'backend';

export interface ColumnDef {
  key: ColumnKey;
  header: string;
}

/** The columns, in the page's order. */
export const TABLE_COLUMNS: readonly ColumnDef[] = [
  { key: 'label', header: 'Run' },
  { key: 'optimizer', header: 'Optimizer' },
  { key: 'data', header: 'Data / model' },
  { key: 'state', header: 'State' },
  { key: 'iterations', header: 'Iterations' },
  { key: 'finalTrainLoss', header: 'Train loss (final)' },
  { key: 'bestValLoss', header: 'Val loss (best)' },
  { key: 'finalValLoss', header: 'Val loss (final)' },
  { key: 'finalValAccuracy', header: 'Val accuracy (final)' },
  { key: 'deltaValLoss', header: 'Δ val loss vs baseline' },
  { key: 'deltaValAccuracy', header: 'Δ val accuracy vs baseline' },
  { key: 'alphaFinal', header: 'α final' },
  { key: 'alphaMin', header: 'α min' },
  { key: 'alphaMax', header: 'α max' },
  { key: 'itersToThreshold', header: 'Iterations to threshold' },
  { key: 'stepsPerSecond', header: 'Steps/s' },
  { key: 'backend', header: 'Backend' },
];

/** Is a Δ good for the run (lower loss, higher accuracy)? null when there is none or it is 0. */
export function deltaVerdict(column: 'deltaValLoss' | 'deltaValAccuracy', s: Stat | null): 'better' | 'worse' | null {
  if (!s || s.mean === 0) return null;
  const lower = s.mean < 0;
  return column === 'deltaValLoss' ? (lower ? 'better' : 'worse') : lower ? 'worse' : 'better';
}

const MINUS = '−';
const signed = (text: string) => (text.startsWith('-') ? MINUS + text.slice(1) : text === '0' ? text : `+${text}`);

function statText(s: Stat | null, one: (x: number) => string): string {
  if (!s) return '—';
  return s.std === null ? one(s.mean) : `${one(s.mean)} ± ${one(s.std)}`;
}

/** A cell as the page writes it (Δ with its sign and verdict, accuracy in percent, seeds as mean ± std). */
export function cellText(row: TableRow, key: ColumnKey): string {
  switch (key) {
    case 'label':
      return row.label;
    case 'optimizer':
      return shownName(row.optimizer);
    case 'data':
      return `${row.dataset} / ${row.model}`;
    case 'state':
      return row.state;
    case 'backend':
      return row.backend;
    case 'iterations':
    case 'itersToThreshold':
      return statText(row.values[key], (x) => formatInteger(x));
    case 'finalValAccuracy':
      return statText(row.values[key], (x) => `${(100 * x).toFixed(2)} %`);
    case 'deltaValLoss':
    case 'deltaValAccuracy': {
      const s = row.values[key];
      if (!s) return row.baseline === null ? '—' : 'no common evaluation yet';
      const verdict = deltaVerdict(key, s);
      const one = key === 'deltaValLoss' ? (x: number) => formatNumber(x) : (x: number) => `${(100 * x).toFixed(2)} pts`;
      const mean = signed(one(s.mean));
      const text = s.std === null ? mean : `${mean} ± ${one(s.std)}`;
      return `${text}${verdict ? ` (${verdict})` : ''} vs ${row.baseline}`;
    }
    case 'alphaFinal':
    case 'alphaMin':
    case 'alphaMax':
      return statText(row.values[key], (x) => formatRate(x));
    case 'stepsPerSecond':
      return statText(row.values[key], (x) => formatNumber(x));
    default:
      return statText(row.values[key], (x) => formatNumber(x, 4));
  }
}

/** The table as tab-separated text (headers first), cells as the page shows them. */
export function tableToTsv(rows: readonly TableRow[], columns: readonly ColumnDef[] = TABLE_COLUMNS): string {
  const clean = (s: string) => s.replace(/[\t\r\n]+/g, ' ');
  return [columns.map((c) => c.header), ...rows.map((r) => columns.map((c) => cellText(r, c.key)))].map((cells) => cells.map(clean).join('\t')).join('\n') + '\n';
}
