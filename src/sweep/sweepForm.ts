// The sweep form: what the person typed (texts, so refused input stays visible) and its validation
// into a sweep spec — which optimizers, which α₀ grid, how long each run, which metric, how many seeds.
// Pure: no React, no DOM, no tfjs.
import { OPTIMIZER_NAMES, optimizerInfo } from '../optim/catalog';
import { alphaGrid, MAX_PER_DECADE, type SweepMetric } from '../series/alphaSweep';
import { formatForPeople, parseNumber } from '../config/validate';

export type SweepMetricKind = SweepMetric['kind'];

/**
 * An α₀ as written everywhere in the sweep view (axis, tooltips, table, messages): a power of ten and
 * a mantissa, as on a log axis — 1e-4, 3.16e-4, 1e-1, then 1, 3.16, 10, 100, then 1e3, 1e6.
 */
export function alphaLabel(a: number): string {
  return Number.isFinite(a) && a > 0 ? formatForPeople(a, 1, 1000) : String(a);
}

export interface SweepFormTexts {
  optimizers: string[];
  from: string;
  to: string;
  perDecade: string;
  iterations: string;
  metric: SweepMetricKind;
  threshold: string;
  seeds: string;
}

export type SweepField = 'optimizers' | 'from' | 'to' | 'perDecade' | 'iterations' | 'threshold' | 'seeds' | 'grid';

/** With and without hypergradients, side by side; 1e-4 … 1e-1 at 2 per decade; 200 iterations. */
export const SWEEP_FORM_DEFAULTS: SweepFormTexts = {
  optimizers: ['SGD', 'SGD-HD', 'Adam', 'Adam-HD'],
  from: '1e-4',
  to: '1e-1',
  perDecade: '2',
  iterations: '200',
  metric: 'final-loss',
  threshold: '0.5',
  seeds: '1',
};

/**
 * α₀ the sweep accepts: wider than the page's slider on purpose, since a sensitivity sweep is where
 * one looks for where training diverges (LogReg on MNIST with plain SGD only does at about 1e6).
 */
export const SWEEP_ALPHA_RANGE = { min: 1e-8, max: 1e6 } as const;
export const MAX_SWEEP_SEEDS = 10;
export const MAX_SWEEP_ITERATIONS = 100_000;
/** Every run starts a worker and copies the dataset: beyond this a sweep is a job for the command line. */
export const MAX_SWEEP_RUNS = 400;

export const METRIC_LABELS: Record<SweepMetricKind, string> = {
  'final-loss': 'Final loss (mean of the last 100 minibatch losses)',
  'final-val-loss': 'Final validation loss (test set, after the last iteration)',
  'iterations-to-threshold': 'Iterations to reach a loss threshold',
};

/** The metric as a short noun, for axis titles, tooltips and file names. */
export const METRIC_SHORT: Record<SweepMetricKind, string> = {
  'final-loss': 'final loss',
  'final-val-loss': 'final validation loss',
  'iterations-to-threshold': 'iterations to threshold',
};

export interface SweepSpec {
  optimizers: string[];
  alphas: number[];
  seedCount: number;
  iterations: number;
  metric: SweepMetric;
}

export interface SweepFormValidation {
  errors: Partial<Record<SweepField, string>>;
  /** Present when there are no errors. */
  spec: SweepSpec | null;
  /** The grid the valid range fields give (also while other fields are invalid), else []. */
  alphas: number[];
  /** optimizers × α₀ × seeds, where all three are known, else 0. */
  runCount: number;
}

function alphaField(text: string): { value: number } | { error: string } {
  const v = parseNumber(text);
  if (v === null) return { error: 'must be a number, e.g. 1e-3' };
  if (!(v > 0)) return { error: 'must be > 0' };
  if (v < SWEEP_ALPHA_RANGE.min || v > SWEEP_ALPHA_RANGE.max) {
    return { error: `must be between ${alphaLabel(SWEEP_ALPHA_RANGE.min)} and ${alphaLabel(SWEEP_ALPHA_RANGE.max)}` };
  }
  return { value: v };
}

function wholeNumber(text: string, min: number, max: number): { value: number } | { error: string } {
  const v = parseNumber(text);
  if (v === null) return { error: 'must be a number' };
  if (!Number.isInteger(v) || v < min || v > max) return { error: `must be a whole number from ${min} to ${max}` };
  return { value: v };
}

/** The optimizer a name is finally read against: SGDop-Adamlop → SGD-HD → SGD. */
function rootOf(name: string): string {
  let n = name;
  for (let guard = 0; guard < 8; guard++) {
    const b = optimizerInfo(n).baseline;
    if (b === null) return n;
    n = b;
  }
  return n;
}

/**
 * Known names in pairs: each plain optimizer followed by its HD optimizer and variants (catalog order
 * within), so lines, legend, table and CSV read "with and without hypergradients" side by side:
 * SGD, SGD-HD, Adam, Adam-HD — not SGD, Adam, SGD-HD, Adam-HD. Unknown names are dropped.
 */
export function pairedOrder(names: readonly string[]): string[] {
  const idx = (n: string) => OPTIMIZER_NAMES.indexOf(n);
  return OPTIMIZER_NAMES.filter((n) => names.includes(n)).sort((a, b) => idx(rootOf(a)) - idx(rootOf(b)) || idx(a) - idx(b));
}

export function validateSweepForm(t: SweepFormTexts): SweepFormValidation {
  const errors: SweepFormValidation['errors'] = {};
  const optimizers = pairedOrder(t.optimizers);
  if (optimizers.length === 0) errors.optimizers = 'tick at least one optimizer';

  const from = alphaField(t.from);
  const to = alphaField(t.to);
  const perDecade = wholeNumber(t.perDecade, 1, MAX_PER_DECADE);
  if ('error' in from) errors.from = from.error;
  if ('error' in to) errors.to = to.error;
  else if ('value' in from && to.value < from.value) errors.to = 'must be ≥ From';
  if ('error' in perDecade) errors.perDecade = perDecade.error;

  let alphas: number[] = [];
  if (!errors.from && !errors.to && 'value' in from && 'value' in to && 'value' in perDecade) {
    alphas = alphaGrid(from.value, to.value, perDecade.value);
    if (alphas.length === 0) errors.grid = `no grid value lies between ${t.from.trim()} and ${t.to.trim()} at ${perDecade.value} per decade: widen the range or add points`;
  }

  const iterations = wholeNumber(t.iterations, 1, MAX_SWEEP_ITERATIONS);
  if ('error' in iterations) errors.iterations = iterations.error;
  const seeds = wholeNumber(t.seeds, 1, MAX_SWEEP_SEEDS);
  if ('error' in seeds) errors.seeds = seeds.error;

  let threshold: number | null = null;
  if (t.metric === 'iterations-to-threshold') {
    const v = parseNumber(t.threshold);
    if (v === null) errors.threshold = 'must be a number';
    else if (!(v > 0)) errors.threshold = 'must be > 0';
    else threshold = v;
  }

  const runCount = 'value' in seeds ? optimizers.length * alphas.length * seeds.value : 0;
  if (runCount > MAX_SWEEP_RUNS && !errors.grid) {
    errors.grid = `${runCount} runs is more than ${MAX_SWEEP_RUNS}: narrow the range, use fewer points per decade, optimizers or seeds`;
  }

  const ok = Object.keys(errors).length === 0;
  if (!ok || !('value' in iterations) || !('value' in seeds)) return { errors, spec: null, alphas, runCount };
  const metric: SweepMetric =
    t.metric === 'iterations-to-threshold' ? { kind: t.metric, threshold: threshold! } : { kind: t.metric };
  return { errors, spec: { optimizers, alphas, seedCount: seeds.value, iterations: iterations.value, metric }, alphas, runCount };
}
