import { describe, expect, it } from 'vitest';
import { parseBackendParam } from '../../src/store/backendParam';
import { buildSpecs } from '../../src/store/runner';

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
});

// (The page's series buffers: kept here with the other page-state tests.)
