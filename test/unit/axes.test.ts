import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EvalRecord, TrainColumns } from '../../src/engine/types';
import {
  decadeOf,
  epochsAfter,
  evalX,
  examplesAfter,
  gradEvalsAt,
  isXAxis,
  iterationsX,
  linearTicks,
  symlog,
  symlogInverse,
  symlogThreshold,
  symlogTicks,
  trainX,
  X_AXES,
  X_AXIS_LABELS,
} from '../../src/series/axes';

describe('symlog', () => {
  it('matches log10(1 + |x|/C) with the sign of x, by hand', () => {
    expect(symlog(0, 1e-5)).toBe(0);
    // 1 + 9e-5/1e-5 = 10 → 1 decade; 1 + 99/1 = 100 → 2 decades, negative side mirrored.
    expect(symlog(9e-5, 1e-5)).toBeCloseTo(1, 14);
    expect(symlog(-99, 1)).toBeCloseTo(-2, 14);
    // At the threshold: log10(2) = 0.30102999566398...
    expect(symlog(1e-3, 1e-3)).toBeCloseTo(0.30102999566398, 13);
    // Near 0 it is linear with slope 1/(C·ln 10): x = 1e-12, C = 1 → 1e-12 / ln 10, up to the
    // relative second-order term x/2C = 5e-13 (log1p keeps it; log10(1 + 1e-12) would lose ~1e-4).
    expect((symlog(1e-12, 1) * 2.302585092994046) / 1e-12).toBeCloseTo(1, 11);
  });

  it('inverts exactly enough: symlogInverse(symlog(x)) ≈ x (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.constantFrom(1e-9, 1e-5, 1e-3, 1, 100),
        (x, c) => {
          const back = symlogInverse(symlog(x, c), c);
          expect(Math.abs(back - x)).toBeLessThanOrEqual(1e-12 * Math.max(Math.abs(x), c));
        },
      ),
      { numRuns: 500 },
    );
    // By hand: symlogInverse(2, 1) = 1·(10² − 1) = 99; symlogInverse(−1, 1e-5) = −1e-5·9 = −9e-5.
    expect(symlogInverse(2, 1)).toBeCloseTo(99, 12);
    expect(symlogInverse(-1, 1e-5)).toBeCloseTo(-9e-5, 18);
  });

  it('decadeOf is floor(log10|x|) exactly at powers of ten', () => {
    expect([1e-3, 9.99e-4, 1, 10, -0.05, 123].map(decadeOf)).toEqual([-3, -4, 0, 1, -2, 2]);
  });
});

describe('symlogThreshold', () => {
  it('is the decade of the smallest non-zero |x|', () => {
    // min |x| over non-zero finite values = 3.4e-5 → decade −5; max 2e-3 → decade −3 (within 6).
    expect(symlogThreshold([1.2e-3, -3.4e-5, 0, NaN, Infinity, 2e-3])).toBe(1e-5);
  });

  it('stays within maxDecades of the largest |x| (one value near a zero crossing)', () => {
    // min 1e-12 (decade −12), max 2e-3 (decade −3): C = 10^max(−12, −3 − 6) = 1e-9.
    expect(symlogThreshold([2e-3, 1e-12, -5e-4])).toBe(1e-9);
    expect(symlogThreshold([2e-3, 1e-12], 2)).toBe(1e-5);
  });

  it('is 1 without a finite non-zero value', () => {
    expect(symlogThreshold([])).toBe(1);
    expect(symlogThreshold([0, -0, NaN, -Infinity])).toBe(1);
  });
});

describe('symlogTicks', () => {
  it('gives 0 and ±10^k (k ≥ decade of C) inside the range', () => {
    // C = 1e-5, range [−2e-5, 3e-3]: positive 1e-5, 1e-4, 1e-3 (1e-2 > 3e-3); negative −1e-5 only
    // (−1e-4 < −2e-5).
    expect(symlogTicks(-2e-5, 3e-3, 1e-5)).toEqual([-1e-5, 0, 1e-5, 1e-4, 1e-3]);
    // Reversed ends are accepted.
    expect(symlogTicks(3e-3, -2e-5, 1e-5)).toEqual([-1e-5, 0, 1e-5, 1e-4, 1e-3]);
    // A C that is not a power of ten starts at the next one: C = 3e-5 → 1e-4 first.
    expect(symlogTicks(0, 1e-3, 3e-5)).toEqual([0, 1e-4, 1e-3]);
  });

  it('thins to every s-th decade, the same decades on both sides', () => {
    // C = 1e-9, range [−1, 1]: decades −9..0 = 10 per side + 0 = 21 ticks > 9.
    // s = 2: −9, −7, −5, −3, −1 → 11 ticks, still > 9; s = 3: −9, −6, −3, 0 → 4 + 1 + 4 = 9.
    expect(symlogTicks(-1, 1, 1e-9)).toEqual([-1, -1e-3, -1e-6, -1e-9, 0, 1e-9, 1e-6, 1e-3, 1]);
  });

  it('falls back to 1-2-5 multiples, then linear ticks, inside one decade', () => {
    // [1e-3, 8e-3], C = 1e-3: only 1e-3 is a power of ten → 1e-3, 2e-3, 5e-3.
    expect(symlogTicks(1e-3, 8e-3, 1e-3)).toEqual([1e-3, 2e-3, 5e-3]);
    // [1e-3, 1.2e-3]: no second 1..9 multiple → linear: raw step 2e-4 / 4 = 5e-5 → 1e-3 + n·5e-5.
    expect(symlogTicks(1e-3, 1.2e-3, 1e-3)).toEqual([1e-3, 1.05e-3, 1.1e-3, 1.15e-3, 1.2e-3]);
    // A single value (a constant α): that value.
    expect(symlogTicks(1e-3, 1e-3, 1e-3)).toEqual([1e-3]);
    expect(symlogTicks(NaN, 1, 1)).toEqual([]);
  });

  it('linearTicks uses 1-2-5 steps with exact decimal values', () => {
    // range 0.3, 5 ticks → raw 0.075 → step 0.1 → 0, 0.1, 0.2, 0.3 (not 0.30000000000000004).
    expect(linearTicks(0, 0.3)).toEqual([0, 0.1, 0.2, 0.3]);
    // range [−7, 13], raw 5 → step 5 → −5, 0, 5, 10.
    expect(linearTicks(-7, 13)).toEqual([-5, 0, 5, 10]);
  });
});

describe('x axes', () => {
  // nTrain = 1000, batch 300 → 4 batches per epoch: 300, 300, 300 and a short 100.
  const g = { nTrain: 1000, batchSize: 300 };
  const train: TrainColumns = {
    iteration: [1, 2, 3, 4, 5, 8],
    epoch: [1, 1, 1, 1, 2, 2],
    loss: [1, 1, 1, 1, 1, 1],
    lr: [1, 1, 1, 1, 1, 1],
    time: [0.5, 1, 1.5, 2, 2.5, 4],
  };
  const evals: EvalRecord[] = [
    { iteration: 0, epoch: 0, time: 0, valLoss: 2, valAccuracy: 0.1 },
    { iteration: 4, epoch: 1, time: 2.1, valLoss: 1, valAccuracy: 0.5 },
  ];

  it('iteration is the iteration', () => {
    expect(Array.from(trainX(train, 'iteration', g))).toEqual([1, 2, 3, 4, 5, 8]);
    expect(Array.from(evalX(evals, 'iteration', g))).toEqual([0, 4]);
  });

  it('epoch is t / itersPerEpoch', () => {
    // t / 4
    expect(Array.from(trainX(train, 'epoch', g))).toEqual([0.25, 0.5, 0.75, 1, 1.25, 2]);
    expect(Array.from(evalX(evals, 'epoch', g))).toEqual([0, 1]);
    expect(epochsAfter(469, { nTrain: 60000, batchSize: 128 })).toBe(1);
  });

  it('examples counts the short last batch exactly', () => {
    // t=1..3: 300·t; t=4: the epoch's 1000; t=5: 1000 + 300; t=8: two epochs = 2000.
    expect(Array.from(trainX(train, 'examples', g))).toEqual([300, 600, 900, 1000, 1300, 2000]);
    expect(Array.from(evalX(evals, 'examples', g))).toEqual([0, 1000]);
    // MNIST, batch 128: 469 batches, the last of 60000 − 468·128 = 96.
    const mnist = { nTrain: 60000, batchSize: 128 };
    expect(examplesAfter(468, mnist)).toBe(59904);
    expect(examplesAfter(469, mnist)).toBe(60000);
    expect(examplesAfter(470, mnist)).toBe(60128);
  });

  it('time is the time column', () => {
    expect(Array.from(trainX(train, 'time', g))).toEqual([0.5, 1, 1.5, 2, 2.5, 4]);
    expect(Array.from(evalX(evals, 'time', g))).toEqual([0, 2.1]);
  });

  it('refuses an impossible geometry', () => {
    expect(() => trainX(train, 'epoch', { nTrain: 0, batchSize: 1 })).toThrow(RangeError);
  });
});

describe('x axis: gradient evaluations (second-order runs)', () => {
  const g = { nTrain: 1000, batchSize: 300 };
  // L-BFGS-like: a varying number of closure calls per iteration; iterations 6 and 7 not recorded.
  const second: TrainColumns = {
    iteration: [1, 2, 3, 4, 5, 8],
    epoch: [1, 1, 1, 1, 2, 2],
    loss: [1, 1, 1, 1, 1, 1],
    lr: [1, 1, 1, 1, 1, 1],
    time: [0.5, 1, 1.5, 2, 2.5, 4],
    gradEvals: [3, 5, 9, 10, 14, 24],
  };
  const { gradEvals: _omit, ...first } = second;
  void _omit;
  const evals: EvalRecord[] = [
    { iteration: 0, epoch: 0, time: 0, valLoss: 2, valAccuracy: 0.1 },
    { iteration: 4, epoch: 1, time: 2.1, valLoss: 1, valAccuracy: 0.5 },
    { iteration: 8, epoch: 2, time: 4.1, valLoss: 1, valAccuracy: 0.5 },
  ];

  it("is a choice of the x axis, labelled 'Gradient evaluations'", () => {
    expect(X_AXES).toContain('gradEvals');
    expect(X_AXIS_LABELS.gradEvals).toBe('Gradient evaluations');
    expect(isXAxis('gradEvals')).toBe(true);
  });

  it('puts training points at their gradEvals; a first-order run at its iterations', () => {
    expect(Array.from(trainX(second, 'gradEvals', g))).toEqual([3, 5, 9, 10, 14, 24]);
    expect(Array.from(trainX(first, 'gradEvals', g))).toEqual([1, 2, 3, 4, 5, 8]);
    // Typed views (SeriesView) work as well.
    expect(Array.from(trainX({ iteration: Float64Array.from([1, 2]), gradEvals: Float64Array.from([2, 4]) }, 'gradEvals', g))).toEqual([2, 4]);
  });

  it('puts an evaluation at iteration t at the gradEvals of iteration t (0 at t = 0); first order: t', () => {
    expect(Array.from(evalX(evals, 'gradEvals', g, second))).toEqual([0, 10, 24]);
    expect(Array.from(evalX(evals, 'gradEvals', g, first))).toEqual([0, 4, 8]);
    expect(Array.from(evalX(evals, 'gradEvals', g))).toEqual([0, 4, 8]);
    // The other axes ignore the train columns.
    expect(Array.from(evalX(evals, 'iteration', g, second))).toEqual([0, 4, 8]);
    expect(Array.from(evalX(evals, 'time', g, second))).toEqual([0, 2.1, 4.1]);
  });

  it('gradEvalsAt: exact at recorded iterations, the last value before a gap, extrapolated past the end', () => {
    // 6 and 7 are not recorded: the value after iteration 5 (14). Past 8: 24/8 per iteration.
    expect(Array.from(gradEvalsAt([0, 1, 5, 6, 7, 8, 10, 16], second))).toEqual([0, 3, 14, 14, 14, 24, 30, 48]);
    expect(Array.from(gradEvalsAt([0, 3, 100], first))).toEqual([0, 3, 100]);
    // No training point yet: one per iteration.
    expect(Array.from(gradEvalsAt([5], { iteration: [], gradEvals: [] }))).toEqual([5]);
  });

  it('iterationsX: arbitrary iterations (edits, a budget, bands) on every axis', () => {
    expect(Array.from(iterationsX([4, 16], 'gradEvals', g, second))).toEqual([10, 48]);
    expect(Array.from(iterationsX([4, 16], 'gradEvals', g))).toEqual([4, 16]);
    expect(Array.from(iterationsX([4, 8], 'epoch', g, second))).toEqual([1, 2]);
    expect(Array.from(iterationsX([4, 8], 'time', g, second, [2, 4]))).toEqual([2, 4]);
    expect(iterationsX([4], 'time', g).every(Number.isNaN)).toBe(true);
  });
});
