// Debiased exponential moving average for the charts' "smoothing" slider, as TensorBoard's
// debiased smoothing (and Adam's bias correction):
//
//     s_0 = 0,   s_k = w·s_{k−1} + (1−w)·x_k,   reported  m_k = s_k / (1 − w^k)
//
// where k counts the finite points seen so far. Without the division the curve would start at
// (1−w)·x_1, far below the data for w near 1; with it the first point is x_1 itself.
//
// Computed in the equivalent incremental form (substitute s_k = m_k·(1 − w^k) above):
//
//     m_k = m_{k−1} + g_k·(x_k − m_{k−1}),   g_k = (1 − w) / (1 − w^k)
//
// because it keeps a constant series exactly constant (x − m = 0 at every step, and g_1 = 1 so
// the first point is copied), while s_k / (1 − w^k) can miss c by an ulp. Each m_k is a convex
// combination of m_{k−1} and x_k (0 < g_k ≤ 1), so it never leaves [min, max] of the finite inputs
// seen so far; the result is clamped between m_{k−1} and x_k to keep that true under rounding too.
//
// Non-finite inputs (NaN, ±Inf: a gap or a diverged run) are copied to the output and skipped:
// they neither count in k nor poison later values. Smooth BEFORE downsampling (lttb): the average
// must see every point, not the ones a chart of some width happens to keep.

/** Largest weight the page offers: at 0.999 a point still moves the curve by 1/1000. */
export const MAX_SMOOTHING = 0.999;

/**
 * Debiased EMA of `values` with weight `weight` in [0, 1) (0 = the input unchanged). Returns a new
 * array of the same length. Throws RangeError for a weight outside [0, 1) (1 would freeze the curve
 * at its first point and divide 0 by 0).
 */
export function debiasedEma(values: ArrayLike<number>, weight: number): Float64Array {
  if (!(weight >= 0 && weight < 1)) {
    throw new RangeError(`smoothing weight must be in [0, 1), got ${String(weight)}`);
  }
  const n = values.length;
  const out = new Float64Array(n);
  let m = 0;
  let wk = 1; // w^k for the k finite points seen so far
  let first = true;
  for (let i = 0; i < n; i++) {
    const x = values[i];
    if (!Number.isFinite(x)) {
      out[i] = x;
      continue;
    }
    wk *= weight;
    if (first || weight === 0) {
      // g = 1 exactly (k = 1, or w = 0): copy, since m + (x − m) may round away from x.
      m = x;
      first = false;
    } else {
      const g = (1 - weight) / (1 - wk);
      const next = m + g * (x - m);
      m = m <= x ? Math.min(x, Math.max(m, next)) : Math.min(m, Math.max(x, next));
    }
    out[i] = m;
  }
  return out;
}
