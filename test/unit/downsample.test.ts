import { describe, expect, it } from 'vitest';
import { downsampleForWidth, lttb, MAX_CHART_POINTS } from '../../src/series/downsample';

const X8 = [0, 1, 2, 3, 4, 5, 6, 7];

/** Indices of the output points in the input (x is 0..n-1 in these tests). */
const picked = (r: { x: Float64Array }) => Array.from(r.x);

describe('lttb, worked by hand', () => {
  // n = 8, threshold 4: first (0) and last (7) are kept; the 6 inner points form 2 buckets of 3:
  // bucket 0 = {1,2,3}, bucket 1 = {4,5,6}. Area below is twice the triangle area (ranking only).
  //   y = [0, 1, 5, 2, 3, -4, 2, 0]
  // Bucket 0: A = (0,0); C = mean of points 4..6 = (5, (3-4+2)/3) = (5, 1/3).
  //   2·area(B) = |(Ax-Cx)(By-Ay) - (Ax-Bx)(Cy-Ay)| = |-5·By + Bx/3|
  //   B=(1,1): |-5 + 1/3| = 4.67;  B=(2,5): |-25 + 2/3| = 24.33;  B=(3,2): |-10 + 1| = 9   -> index 2
  // Bucket 1: A = (2,5); C = last point (7,0).
  //   2·area(B) = |(-5)(By-5) - (2-Bx)(-5)| = 5·|7 - Bx - By|
  //   B=(4,3): 0;  B=(5,-4): 30;  B=(6,2): 5   -> index 5
  // Result: indices [0, 2, 5, 7].
  it('picks the hand-derived points', () => {
    const r = lttb(X8, [0, 1, 5, 2, 3, -4, 2, 0], 4);
    expect(picked(r)).toEqual([0, 2, 5, 7]);
    expect(Array.from(r.y)).toEqual([0, 5, -4, 0]);
  });

  // Same series with y[3] = NaN and y[6] = Inf: non-finite points are skipped, not propagated.
  // Bucket 0: C = mean of the finite points 4,5 = (4.5, -0.5); A = (0,0).
  //   2·area = |-4.5·By - 0.5·Bx|: B=(1,1): 5; B=(2,5): 23.5; B=3 skipped   -> index 2
  // Bucket 1: A = (2,5), C = (7,0) as before: B=4: 0; B=5: 30; B=6 skipped  -> index 5
  it('ignores NaN/Inf inside a bucket instead of letting them poison the areas', () => {
    const r = lttb(X8, [0, 1, 5, NaN, 3, -4, Infinity, 0], 4);
    expect(picked(r)).toEqual([0, 2, 5, 7]);
  });

  // A run that diverged at index 3: y = [0, 1, 2, NaN × 5].
  // Bucket 0: the next bucket {4,5,6} has no finite y, so C = (5, Ay) = (5, 0); A = (0,0).
  //   2·area = |(-5)(By)| : B=1: 5; B=2: 10; B=3 skipped   -> index 2
  // Bucket 1: {4,5,6} all NaN -> keep its first point, 4, so the chart shows the divergence.
  // Last point 7 is kept even though it is NaN.
  it('keeps one point of an all-non-finite bucket, and the last point whatever it is', () => {
    const r = lttb(X8, [0, 1, 2, NaN, NaN, NaN, NaN, NaN], 4);
    expect(picked(r)).toEqual([0, 2, 4, 7]);
    expect(Number.isNaN(r.y[2]) && Number.isNaN(r.y[3])).toBe(true);
  });

  // Leading NaN: no finite anchor yet, so in bucket 0 A = C and every area is 0: the first finite
  // point, 1, wins and becomes the anchor A = (1,1). Bucket 1, C = (7,0):
  //   2·area = |(1-7)(By-1) - (1-Bx)(0-1)| = |7 - Bx - 6·By|: B=(4,3): 15; B=(5,-4): 26; B=(6,2): 11 -> 5
  it('copes with a non-finite first point', () => {
    const r = lttb(X8, [NaN, 1, 5, 2, 3, -4, 2, 0], 4);
    expect(picked(r)).toEqual([0, 1, 5, 7]);
  });
});

describe('lttb, edge cases', () => {
  it('returns the input unchanged (as Float64Array) when it is not longer than the threshold', () => {
    const r = lttb([1, 2, 3], [4, 5, 6], 3);
    expect(r.x).toBeInstanceOf(Float64Array);
    expect(Array.from(r.x)).toEqual([1, 2, 3]);
    expect(Array.from(r.y)).toEqual([4, 5, 6]);
    expect(lttb([], [], 10).x.length).toBe(0);
  });
  it('keeps only first and last below 3 points', () => {
    expect(picked(lttb(X8, X8, 2))).toEqual([0, 7]);
    expect(picked(lttb(X8, X8, 0))).toEqual([0, 7]);
  });
});

describe('lttb, properties', () => {
  // A noisy decaying loss curve with a diverged tail.
  const n = 20_000;
  const xs = Float64Array.from({ length: n }, (_, i) => i + 1);
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const ys = Float64Array.from({ length: n }, (_, i) => (i > 19_000 ? NaN : 2 / Math.sqrt(i + 1) + 0.3 * rand()));

  it.each([3, 4, 17, 500, 1500, 19_999])('threshold %i: length, endpoints, increasing x, subset', (t) => {
    const r = lttb(xs, ys, t);
    expect(r.x.length).toBe(t);
    expect(r.y.length).toBe(t);
    expect(r.x[0]).toBe(xs[0]);
    expect(r.x[t - 1]).toBe(xs[n - 1]);
    for (let k = 1; k < t; k++) expect(r.x[k]).toBeGreaterThan(r.x[k - 1]);
    for (let k = 0; k < t; k++) {
      const i = r.x[k] - 1; // xs[i] = i + 1
      expect(Object.is(r.y[k], ys[i])).toBe(true);
    }
  });

  it('downsamples 20,000 points fast', () => {
    lttb(xs, ys, 1500); // warm-up (JIT)
    const t0 = performance.now();
    const r = lttb(xs, ys, 1500);
    const ms = performance.now() - t0;
    console.log(`lttb: 20,000 -> ${r.x.length} points in ${ms.toFixed(2)} ms`);
    expect(ms).toBeLessThan(500); // loose on purpose; the target is well under 50 ms
  });
});

describe('downsampleForWidth', () => {
  it('asks for ~2 points per pixel, capped, never more than there are', () => {
    expect(downsampleForWidth(20_000, 600)).toBe(1200);
    expect(downsampleForWidth(20_000, 2000)).toBe(MAX_CHART_POINTS);
    expect(downsampleForWidth(300, 600)).toBe(300);
    expect(downsampleForWidth(20_000, 1)).toBe(3);
    expect(downsampleForWidth(20_000, 0)).toBe(MAX_CHART_POINTS); // unmeasured width
    expect(downsampleForWidth(20_000, NaN)).toBe(MAX_CHART_POINTS);
  });
});
