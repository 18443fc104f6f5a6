import { describe, expect, it } from 'vitest';
import { niceDomain, niceStep } from '../../src/ui/niceDomain';

describe('nice axis ranges', () => {
  it('steps are 1, 2, 2.5 or 5 times a power of ten', () => {
    expect(niceStep(0.3)).toBe(0.5);
    expect(niceStep(0.6)).toBe(1);
    expect(niceStep(2.2)).toBe(2.5);
    expect(niceStep(1)).toBe(1);
    expect(niceStep(0.00013)).toBeCloseTo(0.0002, 15);
  });
  it('loss from zero: 2.34 over 4 ticks → step 0.6 → 1, so [0, 3]', () => {
    expect(niceDomain(0.1, 2.34, true)).toEqual([0, 3]);
  });
  it('α without zero: [1e-3, 5.1e-2] → step (0.05/4 = 0.0125 → 0.02) → [0, 0.06]', () => {
    expect(niceDomain(1e-3, 5.1e-2, false)).toEqual([0, 0.06]);
  });
  it('negative α stays visible: [-0.3, 0.5] → step 0.2 → [-0.4, 0.6]', () => {
    expect(niceDomain(-0.3, 0.5, false)).toEqual([-0.4, 0.6]);
  });
  it('a constant series gets a 1 % pad: 1e-3 → step 5e-6 → [9.9e-4, 1.01e-3]', () => {
    expect(niceDomain(1e-3, 1e-3, false)).toEqual([0.00099, 0.00101]);
  });
  it('nothing finite, nothing to draw', () => {
    expect(niceDomain(Infinity, -Infinity, true)).toBeNull();
  });
});
