// src/series/seedBands.ts: per-iteration statistics over seeds, and grouping runs by all but the seed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EvalRecord, TrainConfig } from '../../src/engine/types';
import { bandByIteration, evalBands, groupBySeed, seedGroupKey, trainBands } from '../../src/series/seedBands';

const s = (iteration: number[], values: number[]) => ({ iteration, values });
const arr = (x: ArrayLike<number>) => Array.from(x);

describe('bandByIteration', () => {
  it('matches hand-computed statistics; a diverged seed drops out and is counted', () => {
    // A: 1, 2, 3, 4    B: 3, 4, 5, 6    C: 2, NaN (diverged at t = 2, log ends)
    // t=1: {1, 3, 2}: mean 2, min 1, max 3, Σ(x−2)² = 1 + 1 + 0 = 2, std √(2/2) = 1, count 3
    // t=2: {2, 4}:    mean 3, Σ(x−3)² = 2, std √(2/1) = √2, count 2, diverged 1
    // t=3: {3, 5}:    mean 4, std √2; t=4: {4, 6}: mean 5, std √2; C stays counted as diverged
    const b = bandByIteration([s([1, 2, 3, 4], [1, 2, 3, 4]), s([1, 2, 3, 4], [3, 4, 5, 6]), s([1, 2], [2, NaN])]);
    expect(arr(b.iteration)).toEqual([1, 2, 3, 4]);
    expect(arr(b.mean)).toEqual([2, 3, 4, 5]);
    expect(arr(b.min)).toEqual([1, 2, 3, 4]);
    expect(arr(b.max)).toEqual([3, 4, 5, 6]);
    expect(b.std[0]).toBeCloseTo(1, 15);
    for (const i of [1, 2, 3]) expect(b.std[i]).toBeCloseTo(Math.SQRT2, 15);
    expect(arr(b.count)).toEqual([3, 2, 2, 2]);
    expect(arr(b.diverged)).toEqual([0, 1, 1, 1]);
    expect(b.seeds).toBe(3);
  });

  it('aligns by iteration value, not by index; std is NaN below two seeds', () => {
    // A logs 1, 2, 3 and B logs 2, 3, 4 → union 1..4; t=1 only A, t=4 only B.
    // t=2: {20, 40}: mean 30, std √((100 + 100)/1) = √200
    const b = bandByIteration([s([1, 2, 3], [10, 20, 30]), s([2, 3, 4], [40, 50, 60])]);
    expect(arr(b.iteration)).toEqual([1, 2, 3, 4]);
    expect(arr(b.mean)).toEqual([10, 30, 40, 60]);
    expect(arr(b.count)).toEqual([1, 2, 2, 1]);
    expect(b.std[0]).toBeNaN();
    expect(b.std[1]).toBeCloseTo(Math.sqrt(200), 12);
    expect(b.std[3]).toBeNaN();
  });

  it('keeps ±Inf out of min/max and gives NaN gaps where no seed is finite', () => {
    // t=1: {+Inf, 1} → only 1 counts; t=2: {NaN, −Inf} → nothing finite: NaN everywhere, count 0
    const b = bandByIteration([s([1, 2], [Infinity, NaN]), s([1, 2], [1, -Infinity])]);
    expect([b.mean[0], b.min[0], b.max[0], b.count[0], b.diverged[0]]).toEqual([1, 1, 1, 1, 1]);
    expect(b.mean[1]).toBeNaN();
    expect(b.min[1]).toBeNaN();
    expect(b.max[1]).toBeNaN();
    expect(b.std[1]).toBeNaN();
    expect([b.count[1], b.diverged[1]]).toEqual([0, 2]);
  });

  it('keeps equal seeds exactly equal (0.1 + 0.1 + 0.1 would give 0.30000000000000004 / 3)', () => {
    const b = bandByIteration([s([1], [0.1]), s([1], [0.1]), s([1], [0.1])]);
    expect(b.mean[0]).toBe(0.1);
    expect(b.std[0]).toBe(0);
  });

  it('handles no seeds, empty seeds, and typed arrays', () => {
    expect(bandByIteration([]).iteration.length).toBe(0);
    expect(bandByIteration([s([], [])]).seeds).toBe(1);
    const b = bandByIteration([{ iteration: Float64Array.of(1, 2), values: Float32Array.of(0.5, 0.25) }]);
    expect(arr(b.mean)).toEqual([0.5, 0.25]);
  });

  it('refuses unsorted, repeated or NaN iterations', () => {
    expect(() => bandByIteration([s([2, 1], [0, 0])])).toThrow(RangeError);
    expect(() => bandByIteration([s([1, 1], [0, 0])])).toThrow(RangeError);
    expect(() => bandByIteration([s([NaN], [0]), s([1], [0])])).toThrow(RangeError);
    expect(() => bandByIteration([s([1, NaN], [0, 0])])).toThrow(RangeError);
  });

  it('agrees with a naive per-iteration oracle; mean within [min, max] (property)', () => {
    const value = fc.oneof(
      { weight: 8, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
      { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity) },
    );
    const seed = fc
      .uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 25 })
      .chain((its) => fc.array(value, { minLength: its.length, maxLength: its.length }).map((vs) => s([...its].sort((a, b) => a - b), vs)));
    fc.assert(
      fc.property(fc.array(seed, { maxLength: 5 }), (seeds) => {
        const b = bandByIteration(seeds);
        const union = [...new Set(seeds.flatMap((x) => x.iteration))].sort((a, c) => a - c);
        expect(arr(b.iteration)).toEqual(union);
        union.forEach((t, i) => {
          const at = seeds.map((x) => x.values[x.iteration.indexOf(t)]).filter((v) => v !== undefined);
          const fin = at.filter(Number.isFinite);
          const diverged = seeds.filter((x) => x.iteration.some((u, j) => u <= t && !Number.isFinite(x.values[j]))).length;
          expect(b.count[i]).toBe(fin.length);
          expect(b.diverged[i]).toBe(diverged);
          if (fin.length === 0) return expect(b.mean[i]).toBeNaN();
          expect(b.min[i]).toBe(Math.min(...fin));
          expect(b.max[i]).toBe(Math.max(...fin));
          expect(b.mean[i]).toBeGreaterThanOrEqual(b.min[i]);
          expect(b.mean[i]).toBeLessThanOrEqual(b.max[i]);
          const m = fin.reduce((p, q) => p + q, 0) / fin.length;
          expect(Math.abs(b.mean[i] - m)).toBeLessThanOrEqual(1e-9 * (1 + Math.max(...fin.map(Math.abs))));
          if (fin.length < 2) expect(b.std[i]).toBeNaN();
          else expect(b.std[i]).toBeGreaterThanOrEqual(0);
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe('trainBands and evalBands', () => {
  it('band loss and lr of RunRecord-like runs, and evaluations by their iterations', () => {
    const ev = (iteration: number, valLoss: number, valAccuracy: number): EvalRecord => ({ iteration, epoch: 0, time: 0, valLoss, valAccuracy });
    const runs = [
      { train: { iteration: [1, 2], loss: [2, 1], lr: [0.1, 0.2] }, evals: [ev(0, 2.3, 0.1), ev(2, 0.5, 0.8)] },
      { train: { iteration: [1, 2], loss: [4, 3], lr: [0.3, 0.4] }, evals: [ev(0, 2.1, 0.12), ev(2, 0.7, 0.9)] },
    ];
    const t = trainBands(runs);
    expect(arr(t.loss.mean)).toEqual([3, 2]); // (2+4)/2, (1+3)/2
    expect(arr(t.lr.min)).toEqual([0.1, 0.2]);
    expect(arr(t.lr.max)).toEqual([0.3, 0.4]);
    const e = evalBands(runs);
    expect(arr(e.valLoss.iteration)).toEqual([0, 2]);
    expect(e.valLoss.mean[0]).toBeCloseTo(2.2, 14); // (2.3 + 2.1)/2
    expect(e.valAccuracy.mean[1]).toBeCloseTo(0.85, 14); // (0.8 + 0.9)/2
  });
});

describe('groupBySeed', () => {
  const base: TrainConfig = {
    dataset: 'mnist', model: 'logreg', optimizer: 'SGD-HD', alpha0: 1e-3, beta: 1e-3, momentum: 0.9, weightDecay: 1e-4,
    batchSize: 128, epochs: 1, iterations: null, seed: 1, evalEvery: null,
  };
  const run = (id: string, c: Partial<TrainConfig>) => ({ runId: id, config: { ...base, ...c } });

  it('groups configs equal but for the seed, whatever their key order; seeds ascending', () => {
    const a = run('a', { seed: 2, options: { lrMin: 0, lrMax: 1 } });
    // Same options written in the other order, and the top-level keys in another order too.
    const { seed: _unused, ...rest } = base;
    const b = { runId: 'b', config: { options: { lrMax: 1, lrMin: 0 }, seed: 1, ...rest } as TrainConfig };
    const c = run('c', { seed: 3, beta: 1e-4, options: { lrMin: 0, lrMax: 1 } });
    const groups = groupBySeed([a, b, c]);
    expect(groups.map((g) => g.runs.map((r) => r.runId))).toEqual([['b', 'a'], ['c']]);
    expect(groups[0].seeds).toEqual([1, 2]);
    expect(groups[0].key).toBe(seedGroupKey(b.config));
    // Only β differs between the groups, so only β joins optimizer and α₀ in the labels.
    expect(groups.map((g) => g.label)).toEqual(['SGD-HD · α₀ 1e-3 · β 1e-3 · seeds 1, 2', 'SGD-HD · α₀ 1e-3 · β 1e-4 · seed 3']);
  });

  it('treats absent, empty and undefined-valued options alike, and compares nested options deeply', () => {
    const k = seedGroupKey(base);
    expect(seedGroupKey({ ...base, options: {} })).toBe(k);
    expect(seedGroupKey({ ...base, options: { lrMin: undefined } })).toBe(k);
    expect(seedGroupKey({ ...base, seed: 99 })).toBe(k);
    const s1 = { ...base, options: { schedule: { kind: 'step', stepSize: 10, gamma: 0.5 } } } as unknown as TrainConfig;
    const s2 = { ...base, options: { schedule: { gamma: 0.5, kind: 'step', stepSize: 10 } } } as unknown as TrainConfig;
    const s3 = { ...base, options: { schedule: { gamma: 0.1, kind: 'step', stepSize: 10 } } } as unknown as TrainConfig;
    expect(seedGroupKey(s1)).toBe(seedGroupKey(s2));
    expect(seedGroupKey(s1)).not.toBe(seedGroupKey(s3));
    expect(seedGroupKey({ ...base, alpha0: 1e-2 })).not.toBe(k);
  });

  it('names an option present in one group only, and keeps groups in first-run order', () => {
    const groups = groupBySeed([run('x', { optimizer: 'SGD' }), run('y', { options: { lrMin: 0 } }), run('z', {})]);
    expect(groups.map((g) => g.label)).toEqual([
      'SGD · α₀ 1e-3 · lrMin default · seed 1',
      'SGD-HD · α₀ 1e-3 · lrMin 0 · seed 1',
      'SGD-HD · α₀ 1e-3 · lrMin default · seed 1',
    ]);
  });

  it('gives keys and labels that do not depend on the order of the runs (property)', () => {
    const runs = [1, 2, 3].flatMap((seed) => [run(`a${seed}`, { seed }), run(`b${seed}`, { seed, alpha0: 1e-2 }), run(`c${seed}`, { seed, optimizer: 'SGD' })]);
    const canon = (gs: ReturnType<typeof groupBySeed>) =>
      gs.map((g) => ({ key: g.key, label: g.label, seeds: g.seeds })).sort((p, q) => p.key.localeCompare(q.key));
    const expected = canon(groupBySeed(runs));
    expect(expected).toHaveLength(3);
    fc.assert(fc.property(fc.shuffledSubarray(runs, { minLength: runs.length }), (shuffled) => {
      expect(canon(groupBySeed(shuffled))).toEqual(expected);
    }), { numRuns: 50 });
  });
});
