import { describe, expect, it } from 'vitest';
import { symlog, symlogThreshold } from '../../src/series/axes';
import { forward, inverse, logTicks, planYAxis } from '../../src/ui/chart/yScale';

describe('log y axis', () => {
  // 0.05 is in decade −2, 2.3 in decade 0 and above 1e0 → decades −2 … 1.
  it('spans whole decades with a tick per decade', () => {
    const p = planYAxis('log', { min: 0.05, max: 2.3, minPositive: 0.05 }, { fromZero: false, c: 1 });
    expect(p?.domain).toEqual([-2, 1]);
    expect(p?.ticks).toEqual([-2, -1, 0, 1]);
  });
  // 0.2 … 1: decade −1, and 1 = 1e0 exactly ends it → [−1, 0], one decade: 0.1, 0.2, 0.5, 1.
  it('a single decade gets 2 and 5 too', () => {
    const p = planYAxis('log', { min: 0.2, max: 1, minPositive: 0.2 }, { fromZero: false, c: 1 });
    expect(p?.domain).toEqual([-1, 0]);
    expect(p?.ticks?.map(inverse('log', 1))).toEqual([0.1, 0.2, 0.5, 1]);
  });
  // 17 decades, at most 8 ticks: every ceil(17 / 8) = 3rd decade from the first: −12, −9, −6, −3, 0, 3.
  it('thins many decades: 1e-12 … 1e4 to every 3rd decade', () => {
    expect(logTicks(-12, 4)).toEqual([1e-12, 1e-9, 1e-6, 1e-3, 1, 1e3]);
  });
  it('values ≤ 0 cannot be placed: a gap, and no axis for all-negative data', () => {
    expect(forward('log', 1)(0)).toBeNaN();
    expect(forward('log', 1)(-1)).toBeNaN();
    expect(planYAxis('log', { min: -2, max: -1, minPositive: Infinity }, { fromZero: false, c: 1 })).toBeNull();
  });
  it('tick labels come back as the decimals people write', () => {
    expect(inverse('log', 1)(-3)).toBe(0.001);
  });
});

describe('symmetric-log y axis (learning rate)', () => {
  // α from −0.003 to 0.01: C = 10^floor(log10 0.003) = 1e-3.
  // symlog(−0.003) = −log10(1 + 3) = −0.602, symlog(0.01) = log10(11) = 1.041 → quarter units [−0.75, 1.25].
  // Back in values: [−0.00462, 0.01678] → ticks −1e-3, 0, 1e-3, 1e-2 (−1e-2 is outside),
  // at symlog positions −log10 2, 0, log10 2, log10 11.
  it('uses symlogTicks over the domain, placed by symlog', () => {
    const values = [-0.003, 0.01];
    const c = symlogThreshold(values);
    expect(c).toBe(1e-3);
    const p = planYAxis('symlog', { min: -0.003, max: 0.01, minPositive: 0.01 }, { fromZero: false, c });
    expect(p?.domain).toEqual([-0.75, 1.25]);
    const want = [-Math.log10(2), 0, Math.log10(2), Math.log10(11)];
    expect(p?.ticks?.length).toBe(4);
    p?.ticks?.forEach((t, i) => expect(t).toBeCloseTo(want[i], 12));
    expect(p?.ticks?.map((t) => Number(inverse('symlog', c)(t).toPrecision(12)))).toEqual([-1e-3, 0, 1e-3, 1e-2]);
  });
  it('y from zero pulls a positive-only α down to 0', () => {
    // α in [1e-3, 1e-2], c = 1e-3: without zero the bottom is symlog(1e-3) = log10 2 = 0.301 → 0.25;
    // with it the bottom is symlog(0) = 0.
    expect(planYAxis('symlog', { min: 1e-3, max: 1e-2, minPositive: 1e-3 }, { fromZero: false, c: 1e-3 })?.domain[0]).toBe(0.25);
    expect(planYAxis('symlog', { min: 1e-3, max: 1e-2, minPositive: 1e-3 }, { fromZero: true, c: 1e-3 })?.domain[0]).toBe(0);
    expect(forward('symlog', 1e-3)(1e-2)).toBe(symlog(1e-2, 1e-3));
  });
});

describe('linear y axis', () => {
  it('is niceDomain: loss 0.1 … 2.34 from zero → [0, 3], recharts places the ticks', () => {
    expect(planYAxis('linear', { min: 0.1, max: 2.34, minPositive: 0.1 }, { fromZero: true, c: 1 })).toEqual({ kind: 'linear', c: 1, domain: [0, 3] });
  });
});
