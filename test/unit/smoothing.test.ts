import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { debiasedEma, MAX_SMOOTHING } from '../../src/series/smoothing';

// Oracle: TensorBoard's debiased EMA written out by hand,
//   s_k = w·s_{k−1} + (1−w)·x_k (s_0 = 0),  reported s_k / (1 − w^k).

describe('debiasedEma', () => {
  it('matches hand-computed values for w = 0.5', () => {
    // x = 1, 2, 3, 4; w = 0.5
    // k=1: s = 0.5·1                 = 0.5     ; /(1 − 0.5)    = 0.5/0.5       = 1
    // k=2: s = 0.5·0.5   + 0.5·2     = 1.25    ; /(1 − 0.25)   = 1.25/0.75     = 5/3
    // k=3: s = 0.5·1.25  + 0.5·3     = 2.125   ; /(1 − 0.125)  = 2.125/0.875   = 17/7
    // k=4: s = 0.5·2.125 + 0.5·4     = 3.0625  ; /(1 − 0.0625) = 3.0625/0.9375 = 49/15
    const out = debiasedEma([1, 2, 3, 4], 0.5);
    expect(out[0]).toBe(1);
    expect(out[1]).toBeCloseTo(5 / 3, 14);
    expect(out[2]).toBeCloseTo(17 / 7, 14);
    expect(out[3]).toBeCloseTo(49 / 15, 14);
  });

  it('matches hand-computed values for w = 0.9', () => {
    // x = 1, 2, 3, 4; w = 0.9
    // k=1: s = 0.1·1                 = 0.1     ; /(1 − 0.9)    = 1
    // k=2: s = 0.9·0.1   + 0.1·2     = 0.29    ; /(1 − 0.81)   = 0.29/0.19     = 29/19
    // k=3: s = 0.9·0.29  + 0.1·3     = 0.561   ; /(1 − 0.729)  = 0.561/0.271   = 561/271
    // k=4: s = 0.9·0.561 + 0.1·4     = 0.9049  ; /(1 − 0.6561) = 0.9049/0.3439 = 9049/3439
    const out = debiasedEma(Float64Array.from([1, 2, 3, 4]), 0.9);
    expect(out[0]).toBe(1);
    expect(out[1]).toBeCloseTo(29 / 19, 13);
    expect(out[2]).toBeCloseTo(561 / 271, 13);
    expect(out[3]).toBeCloseTo(9049 / 3439, 13);
  });

  it('returns the input unchanged for w = 0', () => {
    const x = [0.1, 1e300, -1e-300, 7, 0.30000000000000004];
    expect(Array.from(debiasedEma(x, 0))).toEqual(x);
  });

  it('keeps a constant series exactly constant from the first point (debiasing)', () => {
    // Without debiasing the first point would be (1 − w)·c = 0.0001·c for w = 0.9999.
    for (const w of [0.3, 0.9, MAX_SMOOTHING, 0.9999]) {
      for (const c of [0.1, 2.302585092994046, -3e-7, 1e10]) {
        const out = debiasedEma(new Array(50).fill(c), w);
        expect(out.every((v) => v === c)).toBe(true);
      }
    }
  });

  it('passes NaN/Inf through as gaps without poisoning later values', () => {
    // x = 1, NaN, 3, Inf, 4; w = 0.5. The gaps are copied and skipped (k counts finite points only),
    // so the finite points are smoothed as the series 1, 3, 4:
    // k=1: s = 0.5                 ; /0.5    = 1
    // k=2: s = 0.25 + 1.5   = 1.75 ; /0.75   = 7/3
    // k=3: s = 0.875 + 2    = 2.875; /0.875  = 23/7
    const out = debiasedEma([1, NaN, 3, Infinity, 4], 0.5);
    expect(out[0]).toBe(1);
    expect(out[1]).toBeNaN();
    expect(out[2]).toBeCloseTo(7 / 3, 14);
    expect(out[3]).toBe(Infinity);
    expect(out[4]).toBeCloseTo(23 / 7, 14);
    // A leading gap: the first finite point is copied (k starts at it).
    const lead = debiasedEma([NaN, -Infinity, 5, 5], 0.9);
    expect(lead[0]).toBeNaN();
    expect(lead[1]).toBe(-Infinity);
    expect([lead[2], lead[3]]).toEqual([5, 5]);
  });

  it('handles an empty series', () => {
    expect(debiasedEma([], 0.6).length).toBe(0);
  });

  it('refuses weights outside [0, 1)', () => {
    for (const w of [-0.1, 1, 1.5, NaN]) expect(() => debiasedEma([1], w)).toThrow(RangeError);
  });

  it('stays within [min, max] of the finite inputs seen so far (property)', () => {
    const value = fc.oneof(
      { weight: 8, arbitrary: fc.double({ min: -1e12, max: 1e12, noNaN: true }) },
      { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity) },
    );
    fc.assert(
      fc.property(fc.array(value, { maxLength: 60 }), fc.double({ min: 0, max: 0.9999, noNaN: true }), (xs, w) => {
        const out = debiasedEma(xs, w);
        let lo = Infinity;
        let hi = -Infinity;
        for (let i = 0; i < xs.length; i++) {
          const x = xs[i];
          if (!Number.isFinite(x)) {
            expect(Object.is(out[i], x)).toBe(true);
            continue;
          }
          lo = Math.min(lo, x);
          hi = Math.max(hi, x);
          expect(out[i]).toBeGreaterThanOrEqual(lo);
          expect(out[i]).toBeLessThanOrEqual(hi);
        }
      }),
      { numRuns: 500 },
    );
  });
});
