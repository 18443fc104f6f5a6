// src/series/alphaSweep.ts: the α₀ grid, the grid's run configs, and the points of the sensitivity chart.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EvalRecord, RunState, TrainConfig } from '../../src/engine/types';
import { alphaGrid, runValue, sweepPoints, sweepRunConfigs, type SweepRun } from '../../src/series/alphaSweep';

describe('alphaGrid', () => {
  it('is exact at decades', () => {
    const g = alphaGrid(1e-4, 1e-1, 1);
    expect(g).toEqual([1e-4, 1e-3, 1e-2, 1e-1]);
    // toEqual would accept nearly-equal numbers' printouts; check the bits one by one.
    for (const [i, d] of [-4, -3, -2, -1].entries()) expect(Object.is(g[i], Number(`1e${d}`))).toBe(true);
    expect(g[1]).not.toBe(0.0009999999999999998);
  });

  it('puts 10^(j/n) in between, rounded to 3 significant digits', () => {
    // 10^(1/2) = 3.1623 → 3.16;  10^(1/3) = 2.1544 → 2.15,  10^(2/3) = 4.6416 → 4.64
    expect(alphaGrid(1e-3, 1e-2, 2)).toEqual([1e-3, 3.16e-3, 1e-2]);
    expect(alphaGrid(1e-3, 1e-2, 3)).toEqual([1e-3, 2.15e-3, 4.64e-3, 1e-2]);
    // Ends off the lattice: only the points inside [2e-3, 5e-2].
    expect(alphaGrid(2e-3, 5e-2, 3)).toEqual([2.15e-3, 4.64e-3, 1e-2, 2.15e-2, 4.64e-2]);
    expect(alphaGrid(2e-3, 5e-3, 1)).toEqual([]);
    expect(alphaGrid(1, 1, 4)).toEqual([1]);
  });

  it('keeps an end that is a decade up to rounding (10 ** -k, 0.001·(1 ± 1e-12))', () => {
    expect(alphaGrid(10 ** -4, 10 ** -2, 1)).toEqual([1e-4, 1e-3, 1e-2]);
    expect(alphaGrid(1e-4, 0.001 * (1 - 1e-12), 1)).toEqual([1e-4, 1e-3]);
    expect(alphaGrid(0.001 * (1 + 1e-12), 1e-2, 1)).toEqual([1e-3, 1e-2]);
  });

  it('refuses bad arguments', () => {
    const bad: [number, number, number][] = [[0, 1, 1], [-1, 1, 1], [1, 0.1, 1], [1e-3, Infinity, 1], [1e-3, 1, 0], [1e-3, 1, 1.5], [1e-3, 1, 101]];
    for (const [lo, hi, p] of bad) {
      expect(() => alphaGrid(lo, hi, p)).toThrow(RangeError);
    }
  });

  it('is strictly increasing, inside [min, max], log-spaced, and exact at every decade inside (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -9, max: 1 }), fc.double({ min: 0, max: 4, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 100 }), (e, span, frac, p) => {
        const min = 10 ** (e + frac);
        const max = min * 10 ** span;
        const g = alphaGrid(min, max, p);
        for (let i = 1; i < g.length; i++) {
          expect(g[i]).toBeGreaterThan(g[i - 1]);
          // Neighbours are 10^(1/p) apart, up to the 3-digit rounding (≤ 0.5% each side).
          expect(Math.abs(Math.log10(g[i] / g[i - 1]) - 1 / p)).toBeLessThan(0.0045);
        }
        for (const v of g) {
          expect(v).toBeGreaterThanOrEqual(min * (1 - 1e-9));
          expect(v).toBeLessThanOrEqual(max * (1 + 1e-9));
        }
        for (let d = Math.ceil(e + frac); Number(`1e${d}`) <= max; d++) expect(g).toContain(Number(`1e${d}`));
      }),
      { numRuns: 300 },
    );
  });
});

const base: TrainConfig = {
  dataset: 'mnist', model: 'logreg', optimizer: 'SGD', alpha0: 1e-3, beta: 1e-3, momentum: 0.9, weightDecay: 1e-4,
  batchSize: 128, epochs: 1, iterations: null, seed: 1, evalEvery: null,
};

describe('sweepRunConfigs', () => {
  it('runs whole α₀ columns first, seed-major within a column', () => {
    const cs = sweepRunConfigs(base, [1e-3, 1e-2], ['SGD', 'Adam-HD'], [1, 2]);
    expect(cs.map((c) => [c.alpha0, c.seed, c.optimizer])).toEqual([
      [1e-3, 1, 'SGD'], [1e-3, 1, 'Adam-HD'], [1e-3, 2, 'SGD'], [1e-3, 2, 'Adam-HD'],
      [1e-2, 1, 'SGD'], [1e-2, 1, 'Adam-HD'], [1e-2, 2, 'SGD'], [1e-2, 2, 'Adam-HD'],
    ]);
    expect(cs.every((c) => c.beta === 1e-3 && c.iterations === null && c.weightDecay === 1e-4)).toBe(true);
  });

  it('gives each β group its β and a short iteration budget when asked; the base is not changed', () => {
    const cs = sweepRunConfigs(base, [1e-3], ['SGD', 'SGDN-HD', 'Adam', 'Adamop-Adamlop'], [7], { betas: { sgd: 1e-3, adam: 1e-7 }, iterations: 500 });
    // Adam (classic) has no β group: like the page, the Adam family records the Adam-type β.
    expect(cs.map((c) => c.beta)).toEqual([1e-3, 1e-3, 1e-7, 1e-7]);
    expect(cs.every((c) => c.iterations === 500 && c.seed === 7)).toBe(true);
    expect(base.iterations).toBeNull();
    expect(base.seed).toBe(1);
  });
});

const ev = (iteration: number, valLoss: number): EvalRecord => ({ iteration, epoch: 1, time: 0, valLoss, valAccuracy: 0.9 });
function mk(optimizer: string, alpha0: number, seed: number, loss: number[], state: RunState = 'done', evals: EvalRecord[] = []): SweepRun {
  return {
    runId: `${optimizer}-${alpha0}-${seed}`,
    config: { ...base, optimizer, alpha0, seed },
    state,
    train: { iteration: loss.map((_, i) => i + 1), loss },
    evals,
  };
}

describe('runValue', () => {
  it('final-loss: mean of the last min(100, n) minibatch losses', () => {
    // loss_t = t for t = 1..150: the last 100 are 51..150, mean (51 + 150)/2 = 100.5
    const long = Array.from({ length: 150 }, (_, i) => i + 1);
    expect(runValue(mk('SGD', 1e-3, 1, long), { kind: 'final-loss' })).toMatchObject({ value: 100.5, diverged: false });
    // n = 3 < 100: all three, (3 + 2 + 1)/3 = 2
    expect(runValue(mk('SGD', 1e-3, 1, [3, 2, 1]), { kind: 'final-loss' }).value).toBe(2);
    expect(runValue(mk('SGD', 1e-3, 1, []), { kind: 'final-loss' })).toMatchObject({ value: null, diverged: false });
  });

  it('final-loss: diverged runs have no value and are marked', () => {
    expect(runValue(mk('SGD', 1, 1, [2, 5, NaN], 'diverged'), { kind: 'final-loss' })).toMatchObject({ value: null, diverged: true });
    // A non-finite loss inside the window marks the run even if its state says done.
    expect(runValue(mk('SGD', 1, 1, [2, Infinity, 1]), { kind: 'final-loss' })).toMatchObject({ value: null, diverged: true });
  });

  it('final-val-loss: the last evaluation; none for a diverged run', () => {
    expect(runValue(mk('SGD', 1e-3, 1, [1], 'done', [ev(0, 2.3), ev(1, 0.4)]), { kind: 'final-val-loss' }).value).toBe(0.4);
    expect(runValue(mk('SGD', 1e-3, 1, [1, NaN], 'diverged', [ev(0, 2.3), ev(1, 0.4)]), { kind: 'final-val-loss' })).toMatchObject({ value: null, diverged: true });
    expect(runValue(mk('SGD', 1e-3, 1, [1]), { kind: 'final-val-loss' })).toMatchObject({ value: null, diverged: false });
  });

  it('iterations-to-threshold: first iteration strictly below; a diverged run keeps a crossing made before', () => {
    const m = { kind: 'iterations-to-threshold', threshold: 0.5 } as const;
    // 0.9, 0.6, 0.5 (not < 0.5), 0.45 → iteration 4
    expect(runValue(mk('SGD', 1e-3, 1, [0.9, 0.6, 0.5, 0.45, 0.3]), m)).toMatchObject({ value: 4, diverged: false });
    expect(runValue(mk('SGD', 1e-3, 1, [0.9, 0.6]), m)).toMatchObject({ value: null, diverged: false });
    expect(runValue(mk('SGD', 1, 1, [0.9, 0.4, NaN], 'diverged'), m)).toMatchObject({ value: 2, diverged: true });
    expect(runValue(mk('SGD', 1, 1, [0.9, NaN], 'diverged'), m)).toMatchObject({ value: null, diverged: true });
  });
});

describe('sweepPoints', () => {
  const grid = { alphas: [1e-3, 1e-2], optimizers: ['SGD', 'SGD-HD'] };
  const runs = [
    mk('SGD', 1e-3, 2, [4]),
    mk('SGD', 1e-3, 1, [2]),
    mk('SGD', 1e-2, 1, [1, NaN], 'diverged'),
    mk('SGD', 1e-2, 2, [3]),
    mk('SGD-HD', 1e-2 * (1 + 1e-12), 1, [0.5]), // α₀ that went through text: still the 1e-2 cell
    mk('SGD-HD', 1e-2, 2, [0.7], 'training'),
    mk('Adam', 1e-3, 1, [1]), // not on the grid
    mk('SGD', 5e-3, 1, [1]), // not on the grid
  ];

  it('aggregates seeds per (optimizer, α₀) and keeps diverged runs as such', () => {
    const r = sweepPoints(grid, runs, { kind: 'final-loss' });
    const [sgd, hd] = r.series;
    expect(sgd.optimizer).toBe('SGD');
    // SGD at 1e-3: seeds 1, 2 with final loss 2 and 4 → mean 3, min 2, max 4
    expect(sgd.points[0]).toMatchObject({ alpha0: 1e-3, mean: 3, min: 2, max: 4, count: 2, runs: 2, diverged: 0 });
    expect(sgd.points[0].values.map((v) => v.seed)).toEqual([1, 2]);
    // SGD at 1e-2: seed 1 diverged (no value), seed 2 final loss 3 → the point is seed 2 alone, 1 diverged
    expect(sgd.points[1]).toMatchObject({ mean: 3, min: 3, max: 3, count: 1, runs: 2, diverged: 1 });
    // SGD-HD at 1e-3: nothing finished yet
    expect(hd.points[0]).toMatchObject({ mean: null, min: null, max: null, count: 0, runs: 0, diverged: 0 });
    expect(hd.points[1]).toMatchObject({ alpha0: 1e-2, mean: 0.5, count: 1, runs: 1 });
    expect(r.unfinished.map((x) => x.runId)).toEqual(['SGD-HD-0.01-2']);
    expect(r.unmatched.map((x) => x.config.optimizer + ' ' + x.config.alpha0)).toEqual(['Adam 0.001', 'SGD 0.005']);
  });

  it('iterations-to-threshold: mean over the seeds that reached it', () => {
    const r = sweepPoints(grid, [mk('SGD', 1e-3, 1, [0.9, 0.2]), mk('SGD', 1e-3, 2, [0.9, 0.8, 0.7, 0.1]), mk('SGD', 1e-3, 3, [0.9])], {
      kind: 'iterations-to-threshold',
      threshold: 0.3,
    });
    // seeds reach 0.3 at iterations 2 and 4, seed 3 never: mean 3 over count 2 of 3 runs
    expect(r.series[0].points[0]).toMatchObject({ mean: 3, min: 2, max: 4, count: 2, runs: 3 });
    expect(() => sweepPoints(grid, [], { kind: 'iterations-to-threshold', threshold: NaN })).toThrow(RangeError);
  });

  it('a point lies within its own [min, max] (property)', () => {
    fc.assert(
      // + 0: a final loss is a sum, so −0 comes back as +0 (Object.is tells them apart; no loss is −0).
      fc.property(fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }).map((x) => x + 0), { minLength: 1, maxLength: 8 }), (finals) => {
        const p = sweepPoints(grid, finals.map((f, i) => mk('SGD', 1e-3, i, [f])), { kind: 'final-loss' }).series[0].points[0];
        expect(p.min).toBe(Math.min(...finals));
        expect(p.max).toBe(Math.max(...finals));
        expect(p.mean!).toBeGreaterThanOrEqual(p.min!);
        expect(p.mean!).toBeLessThanOrEqual(p.max!);
      }),
      { numRuns: 200 },
    );
  });
});
