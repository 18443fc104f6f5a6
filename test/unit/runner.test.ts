import { describe, expect, it } from 'vitest';
import { parseBackendParam } from '../../src/store/backendParam';
import { buildSpecs, runLabel } from '../../src/store/runSpecs';
import { seedsHint } from '../../src/ui/SeedsField';

describe('runner helpers', () => {
  it('reads ?backend= and falls back to auto with a message', () => {
    expect(parseBackendParam('')).toEqual({ backend: 'auto' });
    expect(parseBackendParam('?backend=wasm')).toEqual({ backend: 'wasm' });
    expect(parseBackendParam('?x=1&backend=WebGL')).toEqual({ backend: 'webgl' });
    const bad = parseBackendParam('?backend=cuda');
    expect(bad.backend).toBe('auto');
    expect(bad.warning).toMatch(/cuda/);
  });
  it('builds one spec per optimizer with the β of its group', () => {
    const base = {
      dataset: 'mnist' as const,
      model: 'ffnn100' as const,
      alpha0: 1e-3,
      momentum: 0.9,
      weightDecay: 1e-4,
      batchSize: 128,
      epochs: 1,
      iterations: null,
      seed: 1,
      evalEvery: null,
    };
    const specs = buildSpecs(['SGD', 'SGDN-HD', 'Adam', 'Adam-HD'], base, { sgd: 1e-3, adam: 1e-7 }, 'r1');
    expect(specs.map((s) => [s.runId, s.config.optimizer, s.config.beta])).toEqual([
      ['r1-SGD', 'SGD', 1e-3],
      ['r1-SGDN-HD', 'SGDN-HD', 1e-3],
      ['r1-Adam', 'Adam', 1e-7],
      ['r1-Adam-HD', 'Adam-HD', 1e-7],
    ]);
    expect(new Set(specs.map((s) => s.runId)).size).toBe(4);
    expect(specs.every((s) => s.config.seed === 1 && s.config.alpha0 === 1e-3)).toBe(true);
  });
  it('puts each optimizer\'s parsed settings into config.options (tunable keys only); a changed μ / β replaces the page-wide one', () => {
    const base = {
      dataset: 'mnist' as const, model: 'ffnn100' as const, alpha0: 1e-3, momentum: 0.9, weightDecay: 1e-4,
      batchSize: 128, epochs: 1, iterations: 20, seed: 1, evalEvery: null,
    };
    const per = {
      'SGDop-Adamlop': { options: { lrMin: 0, lrMax: null, correctedLrBiasCorrection: true, lrBeta1: 0.9, momentum: 0.5, rho: 0.5 } },
      'SGDM': { options: { momentum: 0.5, dampening: 0.1 }, momentum: 0.5 },
      'Adam-HD': { options: { beta: 1e-8, legacyAdamEps: false }, beta: 1e-8 },
      'SGD': { options: {} },
    };
    const specs = buildSpecs(['SGD', 'SGDM', 'SGDop-Adamlop', 'Adam-HD', 'Adam'], base, { sgd: 1e-3, adam: 1e-7 }, 'r2', per);
    const byName = Object.fromEntries(specs.map((s) => [s.config.optimizer, s.config]));
    // Keys outside the optimizer's tunable list (momentum, rho for SGDop-Adamlop) are dropped.
    expect(byName['SGDop-Adamlop'].options).toEqual({ lrMin: 0, lrMax: null, correctedLrBiasCorrection: true, lrBeta1: 0.9 });
    expect(byName['SGDop-Adamlop'].momentum).toBe(0.9);
    expect(byName['SGDop-Adamlop'].beta).toBe(1e-3);
    expect(byName['SGDM']).toMatchObject({ momentum: 0.5, options: { momentum: 0.5, dampening: 0.1 } });
    expect(byName['Adam-HD']).toMatchObject({ beta: 1e-8, momentum: 0.9, options: { beta: 1e-8, legacyAdamEps: false } });
    // Nothing set: no options at all.
    expect(byName['SGD'].options).toBeUndefined();
    expect(byName['Adam'].options).toBeUndefined();
    expect(byName['Adam'].beta).toBe(1e-7);
  });
  it('seeds: every optimizer runs with seed, seed + 1, …, everything else equal; ids and labels say the seed only when N > 1', () => {
    const base = {
      dataset: 'mnist' as const, model: 'ffnn100' as const, alpha0: 1e-3, momentum: 0.9, weightDecay: 1e-4,
      batchSize: 128, epochs: 1, iterations: 20, seed: 5, evalEvery: null,
    };
    const specs = buildSpecs(['SGD', 'Adam-HD'], base, { sgd: 1e-3, adam: 1e-7 }, 'r3', {}, 3);
    // Seed-major (as the command line's expandPreset): seeds 5, 6, 7 = 5 … 5 + 3 − 1.
    expect(specs.map((s) => [s.runId, s.config.optimizer, s.config.seed])).toEqual([
      ['r3-SGD-s5', 'SGD', 5], ['r3-Adam-HD-s5', 'Adam-HD', 5],
      ['r3-SGD-s6', 'SGD', 6], ['r3-Adam-HD-s6', 'Adam-HD', 6],
      ['r3-SGD-s7', 'SGD', 7], ['r3-Adam-HD-s7', 'Adam-HD', 7],
    ]);
    // Apart from the seed, the runs of one optimizer are identical.
    const sgd = specs.filter((s) => s.config.optimizer === 'SGD').map((s) => ({ ...s.config, seed: 0 }));
    expect(sgd[1]).toEqual(sgd[0]);
    expect(sgd[2]).toEqual(sgd[0]);
    // N = 1: the same ids as before seeds existed.
    expect(buildSpecs(['SGD'], base, { sgd: 1e-3, adam: 1e-7 }, 'r4', {}, 1).map((s) => s.runId)).toEqual(['r4-SGD']);
    expect(() => buildSpecs(['SGD'], base, { sgd: 1e-3, adam: 1e-7 }, 'r5', {}, 0)).toThrow(RangeError);

    expect(runLabel(specs[3].config, 3, 1)).toBe('Adam-HD · seed 6');
    expect(runLabel(specs[3].config, 3, 2)).toBe('Adam-HD · seed 6 (run 2)');
    expect(runLabel(specs[0].config, 1, 1)).toBe('SGD');
    expect(runLabel(specs[0].config, 1, 4)).toBe('SGD (run 4)');
  });

  it('a per-optimizer α₀ replaces the page-wide α₀ of that optimizer\'s runs (and only of those)', () => {
    const base = {
      dataset: 'mnist' as const, model: 'ffnn100' as const, alpha0: 1e-3, momentum: 0.9, weightDecay: 1e-4,
      batchSize: 128, epochs: 1, iterations: 20, seed: 1, evalEvery: null,
    };
    const per = { Adadelta: { options: { alpha0: 1, rho: 0.9 }, alpha0: 1 } };
    const specs = buildSpecs(['Adam', 'Adadelta'], base, { sgd: 1e-3, adam: 1e-7 }, 'r6', per, 2);
    expect(specs.map((s) => [s.config.optimizer, s.config.alpha0])).toEqual([['Adam', 1e-3], ['Adadelta', 1], ['Adam', 1e-3], ['Adadelta', 1]]);
    // α₀ is a TrainConfig field, not an option (it is not in the catalog's tunable list).
    expect(specs[1].config.options).toEqual({ rho: 0.9 });
  });

  it('the Seeds hint counts the runs and warns beyond 12 at once', () => {
    expect(seedsHint(2, '1', '1')).toBe('2 optimizers × one seed = 2 runs');
    expect(seedsHint(1, '3', '4')).toBe('1 optimizer × seeds 4…6 = 3 runs');
    // 8 × 2 = 16 > 12
    expect(seedsHint(8, '2', '1')).toMatch(/^8 optimizers × seeds 1…2 = 16 runs\. More than 12: 12 train at a time/);
    expect(seedsHint(6, '2', '1')).toBe('6 optimizers × seeds 1…2 = 12 runs');
    expect(seedsHint(2, 'x', '1')).toMatch(/^runs per optimizer, 1 to 10/);
  });
});

// (The page's series buffers: kept here with the other page-state tests.)
