import { describe, expect, it } from 'vitest';
import { nearestIndex, stepX, zoomRange } from '../../src/series/crosshair';

describe('crosshair lookup', () => {
  const xs = [0, 10, 20];
  it('nearest sample, ties to the left, clamped at the ends', () => {
    expect(nearestIndex(xs, 4)).toBe(0);
    expect(nearestIndex(xs, 5)).toBe(0); // 5 − 0 = 10 − 5: the left one
    expect(nearestIndex(xs, 6)).toBe(1);
    expect(nearestIndex(xs, -5)).toBe(0);
    expect(nearestIndex(xs, 99)).toBe(2);
    expect(nearestIndex([], 1)).toBe(-1);
    expect(nearestIndex(xs, NaN)).toBe(-1);
  });
  it('keyboard steps walk the samples from the nearest one', () => {
    const g = [0, 10, 20, 30];
    expect(stepX(g, 12, 1)).toBe(20); // nearest to 12 is 10 (index 1), one step right → 20
    expect(stepX(g, 12, -1)).toBe(0);
    expect(stepX(g, 12, 10)).toBe(30); // clamped
    expect(stepX(g, null, -1)).toBe(30); // first Left: the last point
    expect(stepX(g, null, 1)).toBe(0); // first Right: the first point
    expect(stepX([], 3, 1)).toBeNull();
  });
});

describe('zoom range', () => {
  it('orders the ends and clamps them to the domain', () => {
    expect(zoomRange(60, 20, [0, 100])).toEqual([20, 60]);
    expect(zoomRange(-10, 50, [0, 100])).toEqual([0, 50]);
  });
  it('a click (narrower than 1e-3 of the domain) or a non-number is no zoom', () => {
    expect(zoomRange(50, 50.05, [0, 100])).toBeNull(); // 0.05 < 0.1
    expect(zoomRange(50, 50.2, [0, 100])).toEqual([50, 50.2]);
    expect(zoomRange(NaN, 3, [0, 100])).toBeNull();
    expect(zoomRange(200, 300, [0, 100])).toBeNull(); // outside: empty after clamping
  });
});
