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
});

// (The page's series buffers: kept here with the other page-state tests.)
