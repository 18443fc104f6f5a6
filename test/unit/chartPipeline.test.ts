import { describe, expect, it } from 'vitest';
import { envelope, lowerBound, rangeIndices, smoothThenDownsample } from '../../src/series/chartPipeline';

describe('index lookup on ascending x', () => {
  it('lowerBound: first index with x >= v', () => {
    const xs = [0, 10, 10, 20];
    expect(lowerBound(xs, -1)).toBe(0);
    expect(lowerBound(xs, 10)).toBe(1); // the first of the two 10s
    expect(lowerBound(xs, 11)).toBe(3);
    expect(lowerBound(xs, 21)).toBe(4);
  });
  // x = 0..9, zoom [3.5, 6]: inside are 4, 5, 6; plus one neighbour each side (3 and 7) → [3, 8).
  it('a zoom range keeps the points inside plus one neighbour each side', () => {
    const xs = Array.from({ length: 10 }, (_, i) => i);
    expect(rangeIndices(xs, [3.5, 6])).toEqual([3, 8]);
    expect(rangeIndices(xs, [0, 9])).toEqual([0, 10]); // no neighbours outside the ends
    expect(rangeIndices(xs, null)).toEqual([0, 10]);
  });
});

describe('smoothing, then downsampling', () => {
  // y = [0, 10, 0, 10, 0], w = 0.5. Debiased EMA m_k = s_k / (1 − 0.5^k), s_k = 0.5 s_{k−1} + 0.5 y_k:
  //   s = 0, 5, 2.5, 6.25, 3.125 → m = 0, 5/0.75 = 20/3, 2.5/0.875 = 20/7, 6.25/0.9375 = 20/3, 3.125/0.96875 = 100/31.
  // LTTB to 3 points: first, one of bucket {1, 2, 3}, last. A = (0, 0), C = (4, 100/31):
  //   2·area(B) = |−4·By + Bx·100/31|: B1 = |−26.67 + 3.23| = 23.4, B2 = |−11.43 + 6.45| = 5.0,
  //   B3 = |−26.67 + 9.68| = 17.0 → index 1.
  // Raw, same buckets: C = (4, 0), 2·area = 4·By: 10 at index 1 (and 3; the first wins) → index 1.
  const xs = [0, 1, 2, 3, 4];
  const ys = [0, 10, 0, 10, 0];
  const r = smoothThenDownsample(xs, ys, 0.5, 3);

  it('smooths every point at full resolution', () => {
    const want = [0, 20 / 3, 20 / 7, 20 / 3, 100 / 31];
    want.forEach((v, i) => expect(r.full.y[i]).toBeCloseTo(v, 12));
  });
  it('the downsampled line keeps the first and last points, with smoothed values', () => {
    expect(Array.from(r.line.x)).toEqual([0, 1, 4]);
    expect(r.line.y[0]).toBe(0);
    expect(r.line.y[1]).toBeCloseTo(20 / 3, 12);
    expect(r.line.y[2]).toBeCloseTo(100 / 31, 12);
  });
  it('the raw line is downsampled from the raw values', () => {
    expect(Array.from(r.raw!.x)).toEqual([0, 1, 4]);
    expect(Array.from(r.raw!.y)).toEqual([0, 10, 0]);
  });
  it('no smoothing: the line is the data and there is no separate raw line', () => {
    const plain = smoothThenDownsample(xs, ys, 0, 10);
    expect(Array.from(plain.line.y)).toEqual(ys);
    expect(plain.raw).toBeNull();
  });
  // Zoomed to [1.5, 2.5]: the EMA still sees every point (m at x = 2 stays 20/7, not y_2 = 0 restarted),
  // and the cut keeps x = 1, 2, 3 (2 inside, 1 and 3 as neighbours).
  it('zoom cuts after smoothing, so the average never restarts at the zoom edge', () => {
    const z = smoothThenDownsample(xs, ys, 0.5, 10, [1.5, 2.5]);
    expect(Array.from(z.line.x)).toEqual([1, 2, 3]);
    expect(z.line.y[1]).toBeCloseTo(20 / 7, 12);
  });
});

describe('band envelope', () => {
  // 6 points, threshold 4 → 2 buckets of 3: [0, 3) and [3, 6).
  //   lo = [1, 2, 0 | 5, 3, 4] → min 0 | 3;  hi = lo + 1 = [2, 3, 1 | 6, 4, 5] → max 3 | 6.
  // Each bucket becomes its first and last x: x = [0, 2, 3, 5].
  it('keeps min of lows and max of highs per bucket', () => {
    const lo = [1, 2, 0, 5, 3, 4];
    const e = envelope([0, 1, 2, 3, 4, 5], lo, lo.map((v) => v + 1), 4);
    expect(Array.from(e.x)).toEqual([0, 2, 3, 5]);
    expect(Array.from(e.lo)).toEqual([0, 0, 3, 3]);
    expect(Array.from(e.hi)).toEqual([3, 3, 6, 6]);
  });
  it('skips non-finite values; a bucket with none is a gap', () => {
    const e = envelope([0, 1, 2, 3], [NaN, NaN, 1, NaN], [NaN, NaN, 2, Infinity], 4);
    // n = 4 ≤ threshold: unchanged
    expect(e.lo.length).toBe(4);
    const g = envelope([0, 1, 2, 3, 4, 5], [NaN, NaN, NaN, 1, 2, 3], [NaN, NaN, NaN, 2, 3, 4], 4);
    expect(Array.from(g.lo)).toEqual([NaN, NaN, 1, 1]);
    expect(Array.from(g.hi)).toEqual([NaN, NaN, 4, 4]);
  });
});
