// The Stack builder's pure model (src/config/stackBuilder.ts) and a Stack run's label (runSpecs.ts).
import { describe, expect, it } from 'vitest';
import { parseStack, type StackSpec } from '../../src/optim/stackSpec';
import {
  addLevel,
  effectiveTuned,
  formatStack,
  levelTitle,
  readExtra,
  readStack,
  readStepSize,
  removeLevel,
  setExtra,
  setOptimizer,
  setStepSize,
  setTuned,
  stackNumberText,
  stepSymbol,
  tunableOf,
} from '../../src/config/stackBuilder';
import { buildSpecs, runLabel } from '../../src/store/runSpecs';
import { validateOptimizerOptions } from '../../src/config/optimizerOptions';
import { configTexts } from '../../src/share/urlConfig';
import { D } from './pageConfigArbs';

const spec = (t: string): StackSpec => parseStack(t);
const text = (s: StackSpec): string => formatStack(s);

describe('stack builder: reading and naming', () => {
  it('reads a spec or gives the parser\'s message', () => {
    expect(readStack('Adam / SGD(1e-5)').spec?.levels.map((l) => l.optimizer)).toEqual(['Adam', 'SGD']);
    const bad = readStack('Adam / Foo');
    expect(bad.spec).toBeNull();
    expect(bad.error).toMatch(/level 2: unknown optimizer "Foo"/);
  });

  it('names the rows and their step sizes as the paper does', () => {
    expect([0, 1, 2].map(levelTitle)).toEqual(['Level 1 (model)', 'Level 2', 'Level 3']);
    expect([0, 1].map(stepSymbol)).toEqual(['α', 'κ']);
    expect([null, 1e-5, 0.001, 0.01, 0.9].map(stackNumberText)).toEqual(['', '1e-5', '0.001', '0.01', '0.9']);
  });

  it('reads the row inputs', () => {
    expect(readStepSize('')).toEqual({ value: null });
    expect(readStepSize(' 1e-4 ')).toEqual({ value: 1e-4 });
    expect(readStepSize('1e-')).toEqual({ error: 'must be a number' });
    expect(readStepSize('-1')).toEqual({ error: 'must be ≥ 0' });
    expect(readExtra('mu', '0')).toEqual({ value: 0 });
    expect(readExtra('beta1', '1')).toEqual({ error: 'must be > 0 and < 1' });
    expect(readExtra('gamma', '0.5')).toEqual({ value: 0.5 });
  });
});

describe('stack builder: edits rewrite the spec', () => {
  it('step sizes, optimizers, extras', () => {
    expect(text(setStepSize(spec('Adam / SGD(1e-5)'), 1, 1e-4))).toBe('Adam / SGD(1e-4)');
    expect(text(setStepSize(spec('Adam(0.01) / SGD(1e-5)'), 0, null))).toBe('Adam / SGD(1e-5)');
    // Another class keeps the step size, takes the class's defaults otherwise.
    expect(text(setOptimizer(spec('Adam(0.01, β₁=0.8) / SGD(1e-5)'), 0, 'RMSProp'))).toBe('RMSProp(0.01) / SGD(1e-5)');
    expect(text(setOptimizer(spec('Adamα / SGD(1e-5)'), 0, 'SGD'))).toBe('SGD / SGD(1e-5)');
    expect(text(setExtra(spec('SGD(0.01) / Adam(1e-4)'), 0, 'mu', 0.9))).toBe('SGD(0.01, μ=0.9) / Adam(1e-4)');
    expect(text(setExtra(spec('Adam / SGD(1e-5)'), 0, 'beta2', 0.99))).toBe('Adam(β₂=0.99) / SGD(1e-5)');
  });

  it('tuned hyperparameters: a suffix only when not all are tuned; never none; SGD\'s μ only with momentum', () => {
    let s = setTuned(spec('Adam / SGD(1e-5)'), 0, 'beta1', false);
    expect(text(s)).toBe('Adamαβ₂ / SGD(1e-5)');
    s = setTuned(s, 0, 'beta2', false);
    expect(text(s)).toBe('Adamα / SGD(1e-5)');
    expect(setTuned(s, 0, 'alpha', false)).toBe(s); // the last one stays
    expect(text(setTuned(s, 0, 'beta1', true))).toBe('Adamαβ₁ / SGD(1e-5)');
    expect(text(setTuned(setTuned(s, 0, 'beta1', true), 0, 'beta2', true))).toBe('Adam / SGD(1e-5)');
    // SGD at μ = 0: μ is not tunable, α cannot be switched off.
    const sgd = spec('SGD(0.01) / SGD(1e-4)');
    expect(tunableOf(sgd.levels[0])).toEqual(['alpha']);
    expect(effectiveTuned(sgd.levels[0])).toEqual(['alpha']);
    expect(setTuned(sgd, 0, 'alpha', false)).toBe(sgd);
    const m = setExtra(sgd, 0, 'mu', 0.9);
    expect(tunableOf(m.levels[0])).toEqual(['alpha', 'mu']);
    expect(text(setTuned(m, 0, 'alpha', false))).toBe('SGDμ(0.01, μ=0.9) / SGD(1e-4)');
    // Back to μ = 0: the μ-only tuning cannot stand, the level goes back to tuning α.
    const back = setExtra(setTuned(m, 0, 'alpha', false), 0, 'mu', 0);
    expect(text(back)).toBe('SGD(0.01) / SGD(1e-4)');
    expect(() => parseStack(text(back))).not.toThrow();
  });

  it('adds and removes levels at the top', () => {
    expect(text(addLevel(spec('Adam')))).toBe('Adam / SGD(1e-5)');
    expect(text(addLevel(spec('Adam / SGD(1e-4)')))).toBe('Adam / SGD(1e-4) / SGD(1e-5)');
    expect(text(addLevel(spec('Adam / SGD(0.003)')))).toBe('Adam / SGD(0.003) / SGD(3e-4)');
    expect(text(addLevel(spec('Adam / SGD')))).toBe('Adam / SGD / SGD(1e-5)');
    // The new top level's tuned list is reset: nothing above tunes it.
    expect(text(removeLevel(spec('Adamα / SGD(1e-5)')))).toBe('Adam');
    expect(text(removeLevel(spec('Adam / SGDα(1e-4, μ=0.5) / SGD(1e-5)')))).toBe('Adam / SGD(1e-4, μ=0.5)');
    const one = spec('Adam');
    expect(removeLevel(one)).toBe(one);
  });

  it('every edit gives a spec that parses back to itself', () => {
    const starts = ['Adam / SGD(1e-5)', 'Adamα / SGD(κ=1e-3) / SGD(1e-4)', 'SGD(0.01, μ=0.9) / Adam(1e-4)', 'RMSPropγ / AdaGrad(0.1) / RMSProp'];
    for (const t of starts) {
      const s = spec(t);
      const edits: StackSpec[] = [addLevel(s), removeLevel(s)];
      s.levels.forEach((l, i) => {
        for (const o of ['SGD', 'Adam', 'RMSProp', 'AdaGrad'] as const) edits.push(setOptimizer(s, i, o));
        for (const h of ['alpha', 'mu', 'beta1', 'beta2', 'gamma'] as const) for (const on of [true, false]) edits.push(setTuned(s, i, h, on));
        if (l.optimizer === 'SGD') edits.push(setExtra(s, i, 'mu', 0), setExtra(s, i, 'mu', 0.5));
        edits.push(setStepSize(s, i, null), setStepSize(s, i, 0.02));
      });
      for (const e of edits) expect(text(parseStack(text(e)))).toBe(text(e));
    }
  });
});

describe('a Stack run is labelled with its stack', () => {
  it('Stack: <the stack>, the default stack when none is given; other optimizers by name', () => {
    const base = {
      dataset: 'mnist' as const, model: 'ffnn100' as const, alpha0: 1e-3, momentum: 0.9, weightDecay: 1e-4,
      batchSize: 128, epochs: 1, iterations: 20, seed: 1, evalEvery: null,
    };
    const own = validateOptimizerOptions('Stack', { stack: 'adam / sgd(0.0001)' }, configTexts(D)).parsed!;
    const specs = buildSpecs(['Adam', 'Stack'], base, { sgd: 1e-3, adam: 1e-7 }, 'r1', { Stack: own }, 2);
    expect(specs[1].config.options?.stack).toBe('Adam / SGD(1e-4)');
    expect(runLabel(specs[1].config, 1, 1)).toBe('Stack: Adam / SGD(1e-4)');
    expect(runLabel(specs[3].config, 2, 3)).toBe('Stack: Adam / SGD(1e-4) · seed 2 (run 3)');
    expect(runLabel(specs[0].config, 1, 1)).toBe('Adam');
    expect(runLabel({ ...specs[1].config, options: undefined }, 1, 1)).toBe('Stack: Adam / SGD(1e-5)');
  });
});
