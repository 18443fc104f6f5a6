// src/series/baselineDiff.ts: variant − baseline by iteration, and pairing runs with their catalog baseline.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TrainConfig } from '../../src/engine/types';
import { diffByIteration, isBaselineOf, lossSeries, pairWithBaselines } from '../../src/series/baselineDiff';

const s = (iteration: number[], values: ArrayLike<number>) => ({ iteration, values });
const arr = (x: ArrayLike<number>) => Array.from(x);

describe('diffByIteration', () => {
  it('subtracts the baseline at the same iteration, dropping iterations only one run has', () => {
    // variant 1..4: 1.0, 0.8, 0.5, 0.25; baseline 1..5: 1.0, 0.9, 0.75, 0.5, 0.4
    // → 0, 0.8 − 0.9 = −0.1 (−0.09999999999999998 in doubles), −0.25, −0.25; baseline's t = 5 dropped
    const d = diffByIteration(s([1, 2, 3, 4], [1, 0.8, 0.5, 0.25]), s([1, 2, 3, 4, 5], [1, 0.9, 0.75, 0.5, 0.4]));
    expect(arr(d.iteration)).toEqual([1, 2, 3, 4]);
    expect(d.diff[0]).toBe(0);
    expect(d.diff[1]).toBeCloseTo(-0.1, 15);
    expect([d.diff[2], d.diff[3]]).toEqual([-0.25, -0.25]);
    expect([d.variantOnly, d.baselineOnly]).toEqual([0, 1]);
  });

  it('aligns by iteration value when the logs have gaps', () => {
    // variant at 1, 3, 5; baseline at 1, 2, 3, 4 → common 1, 3; variant's 5 and baseline's 2, 4 dropped
    const d = diffByIteration(s([1, 3, 5], [10, 30, 50]), s([1, 2, 3, 4], [1, 2, 3, 4]));
    expect(arr(d.iteration)).toEqual([1, 3]);
    expect(arr(d.diff)).toEqual([9, 27]);
    expect([d.variantOnly, d.baselineOnly]).toEqual([1, 2]);
  });

  it('follows IEEE subtraction for diverged values: +Inf, −Inf, NaN', () => {
    // Inf − 1 = +Inf (variant blew up); 1 − Inf = −Inf (baseline did); NaN − 1 = NaN; Inf − Inf = NaN
    const d = diffByIteration(s([1, 2, 3, 4], [Infinity, 1, NaN, Infinity]), s([1, 2, 3, 4], [1, Infinity, 1, Infinity]));
    expect(d.diff[0]).toBe(Infinity);
    expect(d.diff[1]).toBe(-Infinity);
    expect(d.diff[2]).toBeNaN();
    expect(d.diff[3]).toBeNaN();
  });

  it('refuses unsorted or NaN iterations', () => {
    expect(() => diffByIteration(s([2, 1], [0, 0]), s([1], [0]))).toThrow(RangeError);
    expect(() => diffByIteration(s([1], [0]), s([NaN], [0]))).toThrow(RangeError);
  });

  it('takes smoothed columns: lossSeries smooths each run with the debiased EMA first', () => {
    // loss 1, 2, 3 with w = 0.5 → 1, 5/3, 17/7 (hand-derived in smoothing.test.ts); baseline constant 1
    // is smoothed to 1, 1, 1 exactly → differences 0, 2/3, 10/7.
    const v = { train: { iteration: [1, 2, 3], loss: [1, 2, 3] } };
    const b = { train: { iteration: [1, 2, 3], loss: [1, 1, 1] } };
    const d = diffByIteration(lossSeries(v, 0.5), lossSeries(b, 0.5));
    expect(d.diff[0]).toBe(0);
    expect(d.diff[1]).toBeCloseTo(2 / 3, 14);
    expect(d.diff[2]).toBeCloseTo(10 / 7, 14);
    expect(lossSeries(v).values).toBe(v.train.loss); // weight 0: the column itself, no copy
  });

  it('equals the elementwise difference when both logs are 1..n (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ noNaN: true, min: -1e3, max: 1e3 }), fc.double({ noNaN: true, min: -1e3, max: 1e3 })), { maxLength: 30 }), (rows) => {
        const it = rows.map((_, i) => i + 1);
        const d = diffByIteration(s(it, rows.map((r) => r[0])), s(it, rows.map((r) => r[1])));
        expect(arr(d.iteration)).toEqual(it);
        expect(arr(d.diff)).toEqual(rows.map((r) => r[0] - r[1]));
      }),
      { numRuns: 100 },
    );
  });
});

describe('pairWithBaselines', () => {
  const base: TrainConfig = {
    dataset: 'mnist', model: 'logreg', optimizer: 'SGD', alpha0: 1e-3, beta: 1e-3, momentum: 0.9, weightDecay: 1e-4,
    batchSize: 128, epochs: 1, iterations: null, seed: 1, evalEvery: null,
  };
  const run = (runId: string, c: Partial<TrainConfig>) => ({ runId, config: { ...base, ...c } });
  const ids = (rs: readonly { runId: string }[]) => rs.map((r) => r.runId);

  it('pairs variants with their HD optimizer and HD optimizers with their plain one, same seed and α₀', () => {
    const runs = [
      run('sgd', { optimizer: 'SGD' }),
      run('hd', { optimizer: 'SGD-HD' }),
      run('hd-seed2', { optimizer: 'SGD-HD', seed: 2 }), // no SGD at seed 2
      run('nlop', { optimizer: 'SGDop-SGDNlop', options: { lrMomentum: 0.5 } }), // μ_h: SGD-HD has none
      run('alop', { optimizer: 'SGDop-Adamlop' }),
      run('nlop-alpha', { optimizer: 'SGDop-SGDNlop', alpha0: 1e-2 }), // no SGD-HD at α₀ 1e-2
      run('adamhd', { optimizer: 'Adam-HD', beta: 1e-7 }), // no Adam at all
      run('mystery', { optimizer: 'NotInCatalog' }),
    ];
    const p = pairWithBaselines(runs);
    expect(p.pairs.map((x) => [x.run.runId, x.baseline.runId])).toEqual([
      ['hd', 'sgd'],
      ['nlop', 'hd'],
      ['alop', 'hd'],
    ]);
    expect(ids(p.missingBaseline)).toEqual(['hd-seed2', 'nlop-alpha', 'adamhd']);
    expect(ids(p.noBaseline)).toEqual(['sgd', 'mystery']);
  });

  it('compares only what both optimizers read, with defaults filled in', () => {
    const hd = { ...base, optimizer: 'SGD-HD' };
    // Plain SGD reads neither β nor μ: an SGD run recorded with other values is still SGD-HD's baseline.
    expect(isBaselineOf(hd, { ...base, beta: 1e-7, momentum: 0 })).toBe(true);
    // …but it does read α₀ and weight decay, and the seed and the budget are the experiment.
    expect(isBaselineOf(hd, { ...base, alpha0: 1e-2 })).toBe(false);
    expect(isBaselineOf(hd, { ...base, weightDecay: 0 })).toBe(false);
    expect(isBaselineOf(hd, { ...base, seed: 2 })).toBe(false);
    expect(isBaselineOf(hd, { ...base, iterations: 500 })).toBe(false);
    // Direction matters: SGD is not read against SGD-HD.
    expect(isBaselineOf(base, hd)).toBe(false);

    const v = { ...base, optimizer: 'SGDop-SGDNlop' };
    // β and the safeguards are read by both → must agree; an explicit value equal to the default agrees.
    expect(isBaselineOf(v, { ...hd, beta: 1e-4 })).toBe(false);
    expect(isBaselineOf({ ...v, options: { lrMin: 0 } }, hd)).toBe(false);
    expect(isBaselineOf({ ...v, options: { lrMin: null, beta: 1e-3 } }, hd)).toBe(true);
    expect(isBaselineOf({ ...v, options: { lrNesterov: false } }, hd)).toBe(true);

    // SGDN-HD and SGDN both read μ (the page-wide one): 0.9 vs 0.5 are different experiments.
    const n = { ...base, optimizer: 'SGDN-HD' };
    expect(isBaselineOf(n, { ...base, optimizer: 'SGDN' })).toBe(true);
    expect(isBaselineOf(n, { ...base, optimizer: 'SGDN', momentum: 0.5 })).toBe(false);
  });

  it('takes the first matching baseline run when several match', () => {
    const p = pairWithBaselines([run('hd', { optimizer: 'SGD-HD' }), run('sgd1', {}), run('sgd2', {})]);
    expect(p.pairs.map((x) => x.baseline.runId)).toEqual(['sgd1']);
  });
});
