// The α₀ sensitivity view's data: a log-spaced α₀ grid, the short runs that cover it, and per
// optimizer one point per α₀ (final loss, final test loss, or iterations to a loss threshold),
// aggregated over seeds. The claim under test: hypergradient methods care much less about α₀.
// Pure functions (no React, no DOM, no tfjs).
import type { EvalRecord, RunState, TrainConfig } from '../engine/types';
import { OPTIMIZERS } from '../optim/catalog';
import { decadeOf } from './axes';

// ---------- the grid ----------

/** Significant digits of the in-between grid values: 10^(1/3) is written 2.15, not 2.154434690031884. */
const GRID_DIGITS = 3;
/** More points per decade than this would need more digits to stay distinct; no chart needs them. */
export const MAX_PER_DECADE = 100;

/**
 * α₀ values log-spaced with `perDecade` points per decade, every one in [min, max], ascending:
 * m·10^d for the mantissas m = 10^(j/perDecade), j = 0 … perDecade − 1. Each value is the double
 * nearest its decimal: powers of ten are exactly 1e-4, 1e-3, … (never 0.0009999999999999998), and the
 * others are rounded to 3 significant digits (3.16e-3), so configs, labels and file names stay short.
 * The ends are compared with a relative slack of 1e-9, so alphaGrid(10 ** -4, …) still starts at 1e-4.
 */
export function alphaGrid(min: number, max: number, perDecade: number): number[] {
  if (!(min > 0 && Number.isFinite(min) && max >= min && Number.isFinite(max))) {
    throw new RangeError(`alphaGrid: need 0 < min ≤ max, finite; got ${min}, ${max}`);
  }
  if (!Number.isInteger(perDecade) || perDecade < 1 || perDecade > MAX_PER_DECADE) {
    throw new RangeError(`alphaGrid: perDecade must be a whole number in 1..${MAX_PER_DECADE}, got ${perDecade}`);
  }
  const lo = min * (1 - 1e-9);
  const hi = max * (1 + 1e-9);
  const out: number[] = [];
  // decadeOf is exact (toExponential), unlike Math.floor(Math.log10(x)) near powers of ten. One decade
  // more on top: max = 0.0009999999999999998 must still reach 1e-3 through the slack.
  for (let d = decadeOf(min); d <= decadeOf(max) + 1; d++) {
    for (let j = 0; j < perDecade; j++) {
      const m = j === 0 ? '1' : (10 ** (j / perDecade)).toPrecision(GRID_DIGITS);
      const v = Number(`${m}e${d}`);
      if (v >= lo && v <= hi) out.push(v);
    }
  }
  return out;
}

// ---------- the runs of the grid ----------

export interface SweepConfigOptions {
  /** β per β group, as the page assigns it (runner.ts buildSpecs); without it every run gets base.beta. */
  betas?: { sgd: number; adam: number };
  /** Iteration budget of each (short) run; overrides base's budget. Without it base's budget is kept. */
  iterations?: number;
}

/**
 * The TrainConfigs of the grid, α₀-major: every optimizer and seed at the first α₀, then the next α₀,
 * …; within one α₀ seed-major, so the first seed of every optimizer finishes before any second seed.
 * Run in this order, whole α₀ columns complete early and the chart fills column by column instead of
 * showing every optimizer half-done. α₀ values keep the order given (alphaGrid: ascending).
 */
export function sweepRunConfigs(
  base: TrainConfig,
  alphas: readonly number[],
  optimizers: readonly string[],
  seeds: readonly number[],
  opts: SweepConfigOptions = {},
): TrainConfig[] {
  const out: TrainConfig[] = [];
  for (const alpha0 of alphas) {
    for (const seed of seeds) {
      for (const optimizer of optimizers) {
        const c: TrainConfig = { ...base, optimizer, alpha0, seed, beta: betaFor(optimizer, base.beta, opts.betas) };
        if (opts.iterations !== undefined) c.iterations = opts.iterations;
        out.push(c);
      }
    }
  }
  return out;
}

/** The β an optimizer's group gets (as buildSpecs: the β group, else Adam family → 'adam', else 'sgd'). */
function betaFor(optimizer: string, fallback: number, betas: SweepConfigOptions['betas']): number {
  if (!betas) return fallback;
  const info = OPTIMIZERS.find((o) => o.name === optimizer);
  if (!info) return fallback;
  const group = info.betaGroup ?? (info.family === 'adam' ? 'adam' : 'sgd');
  return betas[group];
}

// ---------- one value per run ----------

/**
 * - 'final-loss': mean minibatch loss over the last K iterations, K = min(100, iterations logged) — the
 *   command line's train_loss for iteration budgets (src/cli/experiment.ts summarize; for EPOCH budgets
 *   the CLI averages the last epoch instead, which the sweep's short iteration-budget runs never use).
 * - 'final-val-loss': the test-set loss of the last evaluation.
 * - 'iterations-to-threshold': the first iteration whose minibatch loss is < threshold; null if never.
 */
export type SweepMetric =
  | { kind: 'final-loss' }
  | { kind: 'final-val-loss' }
  | { kind: 'iterations-to-threshold'; threshold: number };

export const FINAL_LOSS_WINDOW = 100;

/** What the metric needs of a run; RunRecord fits. */
export interface SweepRun {
  runId: string;
  config: TrainConfig;
  state: RunState;
  train: { iteration: ArrayLike<number>; loss: ArrayLike<number> };
  evals: readonly EvalRecord[];
}

export interface RunValue {
  runId: string;
  seed: number;
  /** null: no value (diverged before the end, threshold never reached, nothing logged). */
  value: number | null;
  /** The run diverged (state 'diverged', or a non-finite value where the metric looked). */
  diverged: boolean;
}

/**
 * The metric of one finished run. A diverged run has no final loss (its last loss is NaN/Inf) and
 * no final evaluation (as the CLI: none rather than an earlier one), but it may have crossed the
 * threshold before blowing up: then it keeps that iteration and is still marked diverged.
 */
export function runValue(run: SweepRun, metric: SweepMetric): RunValue {
  const base = { runId: run.runId, seed: run.config.seed };
  const stateDiverged = run.state === 'diverged';
  const { iteration, loss } = run.train;
  const n = Math.min(iteration.length, loss.length);
  switch (metric.kind) {
    case 'final-loss': {
      if (stateDiverged || n === 0) return { ...base, value: null, diverged: stateDiverged };
      const k = Math.min(FINAL_LOSS_WINDOW, n);
      let s = 0;
      for (let i = n - k; i < n; i++) s += loss[i];
      const v = s / k;
      return Number.isFinite(v) ? { ...base, value: v, diverged: false } : { ...base, value: null, diverged: true };
    }
    case 'final-val-loss': {
      const last = run.evals[run.evals.length - 1];
      if (stateDiverged || last === undefined) return { ...base, value: null, diverged: stateDiverged };
      return Number.isFinite(last.valLoss) ? { ...base, value: last.valLoss, diverged: false } : { ...base, value: null, diverged: true };
    }
    case 'iterations-to-threshold': {
      // NaN < threshold is false: a non-finite loss never counts as reaching it.
      let value: number | null = null;
      for (let i = 0; i < n; i++) {
        if (loss[i] < metric.threshold) {
          value = iteration[i];
          break;
        }
      }
      return { ...base, value, diverged: stateDiverged };
    }
  }
}

// ---------- points of the chart ----------

export interface SweepPoint {
  alpha0: number;
  /** Over the runs with a value; null when none has one. */
  mean: number | null;
  min: number | null;
  max: number | null;
  /** Runs with a value (seeds aggregated). */
  count: number;
  /** Finished runs at this α₀ (count + no value). */
  runs: number;
  /** Of those, diverged: drawn as such, not dropped. */
  diverged: number;
  /** Each run's value, by ascending seed. */
  values: RunValue[];
}

export interface SweepSeries {
  optimizer: string;
  /** One per grid α₀, in grid order (also α₀ values no run has finished yet: runs = 0). */
  points: SweepPoint[];
}

export interface SweepResult {
  series: SweepSeries[];
  /** Finished runs whose optimizer or α₀ is not on the grid. */
  unmatched: SweepRun[];
  /** Runs not (yet) finished: any state but 'done' and 'diverged' ('stopped' ran a shorter budget). */
  unfinished: SweepRun[];
}

/** α₀ equality up to 1e-9 relative, so values that went through a URL or a CSV still match the grid. */
function sameAlpha(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

/**
 * Per optimizer of the grid, one point per α₀ of the grid, from the finished runs among `runs` (pass
 * the runs of one sweep: runs are matched by optimizer and α₀ only). Runs of several seeds at one cell
 * are aggregated: mean, min and max of the runs that have a value.
 */
export function sweepPoints(
  grid: { alphas: readonly number[]; optimizers: readonly string[] },
  runs: readonly SweepRun[],
  metric: SweepMetric,
): SweepResult {
  if (metric.kind === 'iterations-to-threshold' && !Number.isFinite(metric.threshold)) {
    throw new RangeError(`iterations-to-threshold needs a finite threshold, got ${metric.threshold}`);
  }
  const cells = grid.optimizers.map(() => grid.alphas.map(() => [] as RunValue[]));
  const unmatched: SweepRun[] = [];
  const unfinished: SweepRun[] = [];
  for (const r of runs) {
    if (r.state !== 'done' && r.state !== 'diverged') {
      unfinished.push(r);
      continue;
    }
    const o = grid.optimizers.indexOf(r.config.optimizer);
    const a = grid.alphas.findIndex((x) => sameAlpha(x, r.config.alpha0));
    if (o < 0 || a < 0) unmatched.push(r);
    else cells[o][a].push(runValue(r, metric));
  }
  const series = grid.optimizers.map((optimizer, o) => ({
    optimizer,
    points: grid.alphas.map((alpha0, a) => point(alpha0, cells[o][a])),
  }));
  return { series, unmatched, unfinished };
}

function point(alpha0: number, values: RunValue[]): SweepPoint {
  const sorted = [...values].sort((x, y) => x.seed - y.seed);
  const xs = sorted.map((v) => v.value).filter((v): v is number => v !== null);
  let sum = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of xs) {
    sum += x;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  const has = xs.length > 0;
  return {
    alpha0,
    // Clamped: three equal values can sum/3 to one ulp above them; a point must lie within its range.
    mean: has ? Math.min(hi, Math.max(lo, sum / xs.length)) : null,
    min: has ? lo : null,
    max: has ? hi : null,
    count: xs.length,
    runs: sorted.length,
    diverged: sorted.filter((v) => v.diverged).length,
    values: sorted,
  };
}
