// Chart axes for the comparison view, as pure functions of the data (no React, no DOM, no tfjs):
// (a) a symmetric-log scale for the learning-rate chart, where α spans decades AND may cross zero
//     (an HD optimizer can drive α negative), which neither a linear nor a log axis can show;
// (b) the x value of every point of a run for 'iteration' | 'epoch' | 'examples' | 'time' | 'gradEvals'.
import { itersPerEpoch } from '../data/batching';
import type { EvalRecord } from '../engine/types';

// ---------- (a) symmetric log ----------
//
//     symlog(x) = sign(x) · log10(1 + |x| / C)
//
// Linear for |x| ≪ C (slope 1 / (C·ln 10)), logarithmic for |x| ≫ C (one unit per decade), odd,
// and defined at 0. C, the linear threshold, sets where "small" ends.

/** sign(x)·log10(1 + |x|/c); log1p keeps digits for |x| ≪ c. NaN stays NaN, ±Inf stays ±Inf. */
export function symlog(x: number, c: number): number {
  return (Math.sign(x) * Math.log1p(Math.abs(x) / c)) / Math.LN10;
}

/** The inverse of {@link symlog}: sign(y)·c·(10^|y| − 1). */
export function symlogInverse(y: number, c: number): number {
  return Math.sign(y) * c * Math.expm1(Math.abs(y) * Math.LN10);
}

/** floor(log10|x|) exactly (Math.log10 can be off by one ulp across a power of ten), x finite ≠ 0. */
export function decadeOf(x: number): number {
  return Number(Math.abs(x).toExponential().split('e')[1]);
}

/** 10^k as the double nearest the decimal `1ek` (10 ** k is not always that for k < 0). */
function pow10(k: number): number {
  return Number(`1e${k}`);
}

/**
 * The linear threshold C for values seen on an axis: the decade of the smallest non-zero |x|,
 * C = 10^floor(log10 min|x|), so every non-zero value lies on the logarithmic part (|x| ≥ C) and
 * only 0 (and the crossing through it) sits in the linear part.
 *
 * One value very near 0 (α passing through zero on its way negative) would otherwise stretch the
 * axis over many empty decades, so C is kept within `maxDecades` decades of the largest |x|:
 * C = 10^max(floor(log10 min|x|), floor(log10 max|x|) − maxDecades). Non-finite values are ignored;
 * with no finite non-zero value C = 1.
 */
export function symlogThreshold(values: ArrayLike<number>, maxDecades = 6): number {
  let lo = Infinity;
  let hi = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (!Number.isFinite(a) || a === 0) continue;
    if (a < lo) lo = a;
    if (a > hi) hi = a;
  }
  if (hi === 0) return 1;
  return pow10(Math.max(decadeOf(lo), decadeOf(hi) - maxDecades));
}

/** m·10^k as the double nearest the decimal `m e k` (exact decimal tick labels, no 3.0000000000000004). */
function decimal(m: number, k: number): number {
  return Number(`${m}e${k}`);
}

/**
 * "Nice" tick values for a symlog axis over [lo, hi] with threshold c, ascending:
 * 0 when the range contains it, and ±10^k for every power of ten ≥ c inside the range (below c the
 * axis is linear and such ticks would crowd around 0). Too many: every s-th decade, counted from the
 * first power ≥ c so both signs keep the same decades. Too few (a range inside one decade, as a
 * constant α): the 1-2-5 multiples of each decade, then 1…9, then plain linear 1-2-5 ticks.
 */
export function symlogTicks(lo: number, hi: number, c: number, maxTicks = 9): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(c > 0) || !Number.isFinite(c)) return [];
  if (lo > hi) [lo, hi] = [hi, lo];
  if (lo === hi) return [lo];
  const k0 = decimal(1, decadeOf(c)) < c ? decadeOf(c) + 1 : decadeOf(c); // first power of ten ≥ c
  const top = Math.max(Math.abs(lo), Math.abs(hi));
  const k1 = decadeOf(top);
  const inRange = (v: number) => v >= lo && v <= hi;

  const withMantissas = (mantissas: readonly number[], step: number): number[] => {
    const pos: number[] = [];
    for (let k = k0; k <= k1; k += step) for (const m of mantissas) pos.push(decimal(m, k));
    const ticks = pos.filter(inRange);
    const neg = pos.map((v) => -v).filter(inRange);
    return [...neg.reverse(), ...(inRange(0) ? [0] : []), ...ticks];
  };

  let ticks = withMantissas([1], 1);
  for (let step = 2; ticks.length > maxTicks && step <= k1 - k0 + 1; step++) ticks = withMantissas([1], step);
  if (ticks.length >= 2) return ticks;
  ticks = withMantissas([1, 2, 5], 1);
  if (ticks.length >= 2 && ticks.length <= maxTicks) return ticks;
  ticks = withMantissas([1, 2, 3, 4, 5, 6, 7, 8, 9], 1);
  if (ticks.length >= 2 && ticks.length <= maxTicks) return ticks;
  return linearTicks(lo, hi, Math.min(maxTicks, 5));
}

/** Ticks n·step in [lo, hi] with step = 1, 2 or 5 × 10^k, about `count` of them (lo < hi). */
export function linearTicks(lo: number, hi: number, count = 5): number[] {
  const raw = (hi - lo) / Math.max(1, count - 1);
  const k = decadeOf(raw);
  const m = [1, 2, 5, 10].find((f) => decimal(f, k) >= raw) ?? 10;
  const step = decimal(m, k);
  // A tick on an end of the range must not be lost to lo/step = 19.999999999999996.
  const slack = step * 1e-9;
  const out: number[] = [];
  // Integer multiples n·m written as decimals, so each tick is the double nearest its label.
  for (let n = Math.ceil((lo - slack) / step); decimal(n * m, k) <= hi + slack; n++) {
    out.push(decimal(n * m, k));
  }
  return out;
}

// ---------- (b) x axes ----------

/** The learning-rate chart's axis: symmetric log (α spans decades and may cross 0) or linear. */
export type LrScale = 'symlog' | 'linear';
export const LR_SCALES: readonly LrScale[] = ['symlog', 'linear'];

/**
 * 'gradEvals': cumulative gradient evaluations (a Hessian-vector product and each L-BFGS closure call
 * count as one), which puts second-order runs on a cost axis next to first-order ones (one per
 * iteration: there x = iteration).
 */
export type XAxis = 'iteration' | 'epoch' | 'examples' | 'time' | 'gradEvals';
export const X_AXES: readonly XAxis[] = ['iteration', 'epoch', 'examples', 'time', 'gradEvals'];
export const X_AXIS_LABELS: Record<XAxis, string> = {
  iteration: 'Iteration',
  epoch: 'Epoch',
  examples: 'Training examples seen',
  time: 'Time (s)',
  gradEvals: 'Gradient evaluations',
};

export function isXAxis(v: unknown): v is XAxis {
  return typeof v === 'string' && (X_AXES as readonly string[]).includes(v);
}

/** What the x conversion needs to know about a run: its batch size and training-set size. */
export interface RunGeometry {
  batchSize: number;
  nTrain: number;
}

/**
 * Training examples used by iterations 1..t. An epoch is ceil(nTrain / batchSize) batches whose
 * last one is short (batching.ts keeps it), so after e whole epochs and r more batches:
 * e·nTrain + r·batchSize. MNIST, batch 128 (469 per epoch): t = 468 → 59,904; t = 469 → 60,000.
 */
export function examplesAfter(t: number, g: RunGeometry): number {
  return examplesWith(t, itersPerEpoch(g.nTrain, g.batchSize), g);
}

function examplesWith(t: number, per: number, g: RunGeometry): number {
  const e = Math.floor(t / per);
  return e * g.nTrain + (t - e * per) * g.batchSize;
}

/** Fractional epochs after iteration t: t / itersPerEpoch (1 exactly at the end of epoch 1). */
export function epochsAfter(t: number, g: RunGeometry): number {
  return t / itersPerEpoch(g.nTrain, g.batchSize);
}

/** A run's training columns as the x conversion reads them (typed views or plain arrays). */
export interface XColumns {
  iteration: ArrayLike<number>;
  /** Read by the 'time' axis (training points only). */
  time?: ArrayLike<number>;
  /** Second-order runs: cumulative gradient evaluations per point; absent = one per iteration. */
  gradEvals?: ArrayLike<number>;
}

/** Index of the last element ≤ t in ascending `a`, or -1. */
function lastAtOrBefore(a: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * Gradient evaluations after each iteration t of `iterations` (any order), for a run with training
 * columns `train`:
 * - a run without a gradEvals column (first order): t;
 * - t ≤ 0 (the evaluation before training): 0;
 * - t a recorded iteration: its gradEvals (exact);
 * - t between recorded iterations: the gradEvals of the last recorded iteration before it;
 * - t after the last recorded iteration (a budget, an evaluation streamed before its train points):
 *   extrapolated at the run's mean rate so far, gradEvals_last · t / iteration_last;
 * - no recorded iteration at all: t.
 */
export function gradEvalsAt(iterations: ArrayLike<number>, train: Pick<XColumns, 'iteration' | 'gradEvals'>): Float64Array {
  const n = iterations.length;
  const out = new Float64Array(n);
  const ge = train.gradEvals;
  const its = train.iteration;
  const m = Math.min(its.length, ge?.length ?? 0);
  for (let i = 0; i < n; i++) {
    const t = iterations[i];
    if (!ge || m === 0) out[i] = t;
    else if (t <= 0) out[i] = 0;
    else if (t > its[m - 1]) out[i] = its[m - 1] > 0 ? (ge[m - 1] * t) / its[m - 1] : t;
    else {
      const k = lastAtOrBefore(its, t);
      out[i] = k < 0 ? 0 : ge[Math.min(k, m - 1)];
    }
  }
  return out;
}

function fromIterations(iterations: ArrayLike<number>, axis: Exclude<XAxis, 'time' | 'gradEvals'>, g: RunGeometry): Float64Array {
  const n = iterations.length;
  const out = new Float64Array(n);
  if (axis === 'iteration') {
    for (let i = 0; i < n; i++) out[i] = iterations[i];
    return out;
  }
  // Validates the geometry once (RangeError for a non-positive or fractional size).
  const per = itersPerEpoch(g.nTrain, g.batchSize);
  for (let i = 0; i < n; i++) out[i] = axis === 'epoch' ? iterations[i] / per : examplesWith(iterations[i], per, g);
  return out;
}

/**
 * x of every training point (iterations are 1-based; `time` is the run's own clock, seconds;
 * 'gradEvals': the run's gradEvals column, or the iteration for a run without one).
 */
export function trainX(train: XColumns, axis: XAxis, g: RunGeometry): Float64Array {
  if (axis === 'time') return Float64Array.from(train.time ?? []);
  if (axis === 'gradEvals') {
    const ge = train.gradEvals;
    return Float64Array.from(ge && ge.length === train.iteration.length ? ge : train.iteration);
  }
  return fromIterations(train.iteration, axis, g);
}

/**
 * x of every evaluation (iteration 0, before training, is x = 0 on every axis but time). The
 * 'gradEvals' axis needs the run's training columns (`train`: iteration and gradEvals) to place an
 * evaluation at iteration t at the gradient evaluations after iteration t (gradEvalsAt); without
 * `train` it is the iteration (a first-order run).
 */
export function evalX(evals: readonly EvalRecord[], axis: XAxis, g: RunGeometry, train?: Pick<XColumns, 'iteration' | 'gradEvals'>): Float64Array {
  return iterationsX(
    evals.map((e) => e.iteration),
    axis,
    g,
    train,
    axis === 'time' ? evals.map((e) => e.time) : undefined,
  );
}

/**
 * x of arbitrary iterations of a run (mid-run edits, a budget, a seed band's iterations, curvature
 * records) on any axis but time, where `times` gives each one's time if known (else NaN). The
 * 'gradEvals' axis reads the run's training columns `train` (gradEvalsAt); without them, or for a
 * first-order run, x = iteration.
 */
export function iterationsX(
  iterations: ArrayLike<number>,
  axis: XAxis,
  g: RunGeometry,
  train?: Pick<XColumns, 'iteration' | 'gradEvals'>,
  times?: ArrayLike<number>,
): Float64Array {
  if (axis === 'time') return Float64Array.from({ length: iterations.length }, (_, i) => (times ? times[i] : NaN));
  if (axis === 'gradEvals') return train ? gradEvalsAt(iterations, train) : Float64Array.from(iterations);
  return fromIterations(iterations, axis, g);
}
