// From a run's full-resolution columns to what a chart draws, in the only honest order:
//   1. smooth (debiased EMA) over EVERY point, so the average never depends on the chart's width;
//   2. cut to the visible x range (zoom), with one neighbour each side so lines run to the plot edge;
//   3. downsample (LTTB) to the point budget, so a zoomed-in range shows its own detail.
// The raw series goes through 2–3 as well (drawn faint behind the smoothed line). Seed bands are
// downsampled by bucket envelopes (min of mins, max of maxes): a band must still contain every value.
// Pure functions over typed arrays: no React, no DOM.
import { lttb } from './downsample';
import { debiasedEma } from './smoothing';

export interface XY {
  x: Float64Array;
  y: Float64Array;
}

/** First index i with xs[i] >= v in an ascending array (xs.length when none). */
export function lowerBound(xs: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Index range [from, to) of the points to draw for the x range [x0, x1] of an ascending xs: the points
 * inside plus the nearest one outside on each side (clipped away by the plot, but they make the line
 * reach the edge instead of stopping short). null range = everything.
 */
export function rangeIndices(xs: ArrayLike<number>, range: readonly [number, number] | null): [number, number] {
  const n = xs.length;
  if (!range) return [0, n];
  const from = Math.max(0, lowerBound(xs, range[0]) - 1);
  // First index with xs > x1, then one more to keep that neighbour.
  let end = lowerBound(xs, range[1]);
  while (end < n && xs[end] <= range[1]) end++;
  return [from, Math.min(n, end + 1)];
}

function slice(a: ArrayLike<number>, from: number, to: number): Float64Array {
  if (a instanceof Float64Array) return a.subarray(from, to);
  return Float64Array.from({ length: to - from }, (_, i) => a[from + i]);
}

export interface Pipelined {
  /** The smoothed series at full resolution (the tooltip reads its values here). */
  full: XY;
  /** The smoothed series, cut to the range and downsampled (the line). */
  line: XY;
  /** The raw series, cut and downsampled; null when not smoothed (it would be the line itself). */
  raw: XY | null;
}

/**
 * Cut already smoothed (and optionally raw) full-resolution series to `range` and LTTB each to at most
 * `threshold` points. xs must be ascending.
 */
export function cutAndDownsample(
  x: Float64Array,
  smooth: Float64Array,
  raw: Float64Array | null,
  threshold: number,
  range: readonly [number, number] | null,
): Pipelined {
  const [from, to] = rangeIndices(x, range);
  const cx = x.subarray(from, to);
  return {
    full: { x, y: smooth },
    line: lttb(cx, smooth.subarray(from, to), threshold),
    raw: raw ? lttb(cx, raw.subarray(from, to), threshold) : null,
  };
}

/**
 * Smooth with weight `smoothing` (0 = none), then cut to `range` and LTTB each of the smoothed and raw
 * series to at most `threshold` points. xs must be ascending.
 */
export function smoothThenDownsample(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  smoothing: number,
  threshold: number,
  range: readonly [number, number] | null = null,
): Pipelined {
  const n = Math.min(xs.length, ys.length);
  const x = slice(xs, 0, n);
  const raw = slice(ys, 0, n);
  if (!(smoothing > 0)) return cutAndDownsample(x, raw, null, threshold, range);
  return cutAndDownsample(x, debiasedEma(raw, smoothing), raw, threshold, range);
}

export interface Envelope {
  x: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
}

/**
 * A band [lo, hi] reduced to about `threshold` points: the points are split into equal buckets and each
 * bucket becomes two points (its first and last x) at the bucket's min lo and max hi, so the reduced band
 * contains every original value (a plain LTTB of each edge could cut a spike off). Non-finite values are
 * skipped; a bucket with none gives NaN (a gap). Short inputs come back unchanged.
 */
export function envelope(xs: ArrayLike<number>, lo: ArrayLike<number>, hi: ArrayLike<number>, threshold: number): Envelope {
  const n = Math.min(xs.length, lo.length, hi.length);
  if (n <= threshold) return { x: slice(xs, 0, n), lo: slice(lo, 0, n), hi: slice(hi, 0, n) };
  const buckets = Math.max(1, Math.floor(threshold / 2));
  const x = new Float64Array(2 * buckets);
  const l = new Float64Array(2 * buckets);
  const h = new Float64Array(2 * buckets);
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * n) / buckets);
    const to = Math.floor(((b + 1) * n) / buckets);
    let mn = Infinity;
    let mx = -Infinity;
    for (let i = from; i < to; i++) {
      if (Number.isFinite(lo[i]) && lo[i] < mn) mn = lo[i];
      if (Number.isFinite(hi[i]) && hi[i] > mx) mx = hi[i];
    }
    const ok = mn <= mx;
    x[2 * b] = xs[from];
    x[2 * b + 1] = xs[to - 1];
    l[2 * b] = l[2 * b + 1] = ok ? mn : NaN;
    h[2 * b] = h[2 * b + 1] = ok ? mx : NaN;
  }
  return { x, lo: l, hi: h };
}
