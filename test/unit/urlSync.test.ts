// src/store/urlSync.ts: the stores' state → the configuration the address carries, and the address.
import { describe, expect, it } from 'vitest';
import { decodeConfig, encodeConfig, VIEW_DEFAULTS, type PageConfig } from '../../src/share/urlConfig';
import { DEFAULT_TEXTS, DEFAULTS } from '../../src/store/configStore';
import { addressFor, pageConfigOf } from '../../src/store/urlSync';

const D: PageConfig = { ...DEFAULTS, optimizers: DEFAULTS.optimizers.slice(), perOptimizer: {}, ...VIEW_DEFAULTS };
const form = { optimizers: DEFAULTS.optimizers, texts: DEFAULT_TEXTS, model: DEFAULTS.model, dataset: DEFAULTS.dataset, width: DEFAULTS.width, perOptimizer: {} };

describe('pageConfigOf', () => {
  it('the default form is the default configuration', () => {
    expect(pageConfigOf(form, VIEW_DEFAULTS)).toEqual(D);
  });

  it('a field being typed (not valid yet) keeps the value the address had; valid ones are taken', () => {
    const last: PageConfig = { ...D, alpha0: 0.05, seeds: 4 };
    const c = pageConfigOf({ ...form, texts: { ...DEFAULT_TEXTS, alpha0: '1e-', seeds: '3' } }, VIEW_DEFAULTS, last);
    expect(c.alpha0).toBe(0.05);
    expect(c.seeds).toBe(3);
    // No optimizer ticked (an error on the form): the address keeps the last selection.
    expect(pageConfigOf({ ...form, optimizers: [] }, VIEW_DEFAULTS, { ...D, optimizers: ['Adam'] }).optimizers).toEqual(['Adam']);
  });

  it('per-optimizer settings with an error are left out, the others kept; the result decodes without problems', () => {
    const per = { 'SGD-HD': { lrMin: '0', beta: 'x' }, SGD: { 'schedule.kind': 'step', 'schedule.gamma': '5' }, Adam: { alpha0: '0.02' } };
    const c = pageConfigOf({ ...form, perOptimizer: per }, { ...VIEW_DEFAULTS, smoothing: 0.6, xAxis: 'epoch' });
    // SGD's step schedule with γ = 5 is invalid: γ is dropped, the kind (valid alone) stays.
    expect(c.perOptimizer).toEqual({ 'SGD-HD': { lrMin: '0' }, SGD: { 'schedule.kind': 'step' }, Adam: { alpha0: '0.02' } });
    expect([c.smoothing, c.xAxis]).toEqual([0.6, 'epoch']);
    expect(decodeConfig(encodeConfig(c), D)).toEqual({ config: c, problems: [] });
  });
});

describe('addressFor', () => {
  it('the link query, plus ?backend= and the hash; nothing else of the old address', () => {
    const at = { pathname: '/play/', search: '?backend=wasm&a0=1&utm=x', hash: '#charts' };
    expect(addressFor(D, at)).toBe(`/play/${encodeConfig(D)}&backend=wasm#charts`);
    expect(addressFor(D, { pathname: '/', search: '', hash: '' })).toBe(`/${encodeConfig(D)}`);
  });
});
