// Largest-Triangle-Three-Buckets downsampling (S. Steinarsson, "Downsampling Time Series for
// Visual Representation", 2013), so a chart draws ~1,500 points instead of 20,000+ per series
// while keeping the peaks and dips a plain stride would drop.
//
// Algorithm: keep the first and last points; split the rest into (threshold - 2) equal buckets;
// walk the buckets left to right and from each keep the point that forms the largest triangle with
// the point kept from the previous bucket (A) and the average of the next bucket (C).
//
// Non-finite y (NaN/±Inf, e.g. a diverged run) — what we decided:
// - Non-finite points never enter an area or an average, so one NaN cannot turn every area into
//   NaN (NaN > max is false, which would silently pick the first point of every later bucket).
// - C averages only the finite points of the next bucket; if there are none, C takes A's y, so
//   the areas still rank the candidates by how far they lie from A's level.
// - A is the last *finite* point kept so far; while there is none, A = C, every area is 0 and the
//   first finite point of the bucket wins.
// - A bucket with no finite point at all keeps its first point (non-finite): the chart then shows
//   the gap or the divergence instead of hiding it. First and last points are kept whatever they are.
// x is assumed finite and increasing (iterations).

export interface Series {
  x: Float64Array;
  y: Float64Array;
}

export function lttb(xs: ArrayLike<number>, ys: ArrayLike<number>, threshold: number): Series {
  const n = Math.min(xs.length, ys.length);
  if (n <= threshold || n <= 2) {
    return { x: Float64Array.from({ length: n }, (_, i) => xs[i]), y: Float64Array.from({ length: n }, (_, i) => ys[i]) };
  }
  // Below 3 points there are no buckets: first and last are the most faithful summary.
  const m = threshold >= 3 ? Math.floor(threshold) : 2;
  const x = new Float64Array(m);
  const y = new Float64Array(m);
  x[0] = xs[0];
  y[0] = ys[0];
  let out = 1;
  let anchor = Number.isFinite(ys[0]) ? 0 : -1; // index of A, or -1 while no finite point was kept

  const buckets = m - 2;
  // Bucket b covers indices [start(b), start(b + 1)); integer arithmetic, so no float drift at edges.
  const start = (b: number) => Math.floor((b * (n - 2)) / buckets) + 1;

  for (let b = 0; b < buckets; b++) {
    const lo = start(b);
    const hi = start(b + 1);
    // C: average of the next bucket (the last point alone for the last bucket).
    const nextLo = hi;
    const nextHi = b + 1 < buckets ? start(b + 2) : n;
    let sx = 0;
    let sy = 0;
    let finite = 0;
    let sxAll = 0;
    for (let j = nextLo; j < nextHi; j++) {
      sxAll += xs[j];
      if (Number.isFinite(ys[j])) {
        sx += xs[j];
        sy += ys[j];
        finite++;
      }
    }
    let cx: number;
    let cy: number;
    if (finite > 0) {
      cx = sx / finite;
      cy = sy / finite;
    } else {
      cx = sxAll / (nextHi - nextLo);
      cy = anchor >= 0 ? ys[anchor] : 0;
    }
    const ax = anchor >= 0 ? xs[anchor] : cx;
    const ay = anchor >= 0 ? ys[anchor] : cy;

    let best = -1;
    let bestArea = -1;
    for (let j = lo; j < hi; j++) {
      const yj = ys[j];
      if (!Number.isFinite(yj)) continue;
      // Twice the triangle area; the factor 1/2 does not change which point wins.
      const area = Math.abs((ax - cx) * (yj - ay) - (ax - xs[j]) * (cy - ay));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    if (best >= 0) anchor = best;
    else best = lo; // the whole bucket is non-finite: keep one of it to show the gap
    x[out] = xs[best];
    y[out] = ys[best];
    out++;
  }
  x[out] = xs[n - 1];
  y[out] = ys[n - 1];
  return { x, y };
}

/** Points worth drawing for a chart `pixelWidth` CSS pixels wide: ~2 per pixel, at most 1500. */
export const MAX_CHART_POINTS = 1500;

export function downsampleForWidth(n: number, pixelWidth: number): number {
  // An unmeasured (0/NaN) width, e.g. a hidden tab, gets the cap rather than nothing.
  const wanted = Number.isFinite(pixelWidth) && pixelWidth > 0 ? Math.round(2 * pixelWidth) : MAX_CHART_POINTS;
  const threshold = Math.max(3, Math.min(MAX_CHART_POINTS, wanted));
  return Math.max(0, Math.min(n, threshold));
}
