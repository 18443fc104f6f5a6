import { describe, expect, it } from 'vitest';
import { OPTIMIZERS, optimizerInfo, takesPageMomentum } from '../../src/optim/catalog';
import { HYPER_DEFAULTS } from '../../src/optim/hyper';
import { CONSTANT } from '../../src/optim/schedules';
import { DEFAULT_TEXTS, selectValidation, useConfigStore } from '../../src/store/configStore';
import {
  MESSAGES,
  formatRange,
  BETA_RANGE,
  type FieldTexts,
} from '../../src/config/validate';
import {
  OPTION_MESSAGES,
  displayedChecked,
  displayedScheduleKind,
  displayedScheduleText,
  displayedText,
  forbidsNegative,
  isLinked,
  missingBaselines,
  optimizerDefaults,
  optionKeysOf,
  validateForm,
  validateOptimizerOptions,
  type OptionTexts,
} from '../../src/config/optimizerOptions';

const page: FieldTexts = { ...DEFAULT_TEXTS };
const v = (name: string, texts?: OptionTexts, p: FieldTexts = page) => validateOptimizerOptions(name, texts, p);

describe('per-optimizer settings: displayed values', () => {
  it('pre-fills every tunable key with the optimizer default (HYPER_DEFAULTS + catalog defaults)', () => {
    expect(displayedText('Adagrad', 'eps', undefined, page)).toBe('1e-10');
    expect(displayedText('Adadelta', 'eps', undefined, page)).toBe('1e-6');
    expect(displayedText('Adam', 'beta2', undefined, page)).toBe('0.999');
    expect(displayedText('SGDop-Adamlop', 'lrEps', undefined, page)).toBe('1e-8');
    expect(displayedText('SGD-HD', 'lrMin', undefined, page)).toBe('');
    expect(displayedChecked('Adam-HD', 'legacyAdamEps', undefined)).toBe(true);
    expect(displayedChecked('Adam-HD', 'globalHypergradient', undefined)).toBe(false);
    expect(displayedChecked('SGDop-SGDNlop', 'lrNesterov', undefined)).toBe(true);
    expect(displayedScheduleKind('SGD', undefined)).toBe('constant');
    expect(displayedScheduleText('SGD', 'warmup', undefined)).toBe('0');
    // What the person typed wins.
    expect(displayedText('Adam', 'beta2', { beta2: '0.99x' }, page)).toBe('0.99x');
  });

  it('μ and β mirror the page-wide fields until changed', () => {
    const p = { ...page, momentum: '0.5', betaSgd: '2e-3', betaAdam: '3e-8' };
    expect(displayedText('SGDN', 'momentum', undefined, p)).toBe('0.5');
    expect(displayedText('SGD-HD', 'beta', undefined, p)).toBe('2e-3');
    expect(displayedText('Adam-HD', 'beta', undefined, p)).toBe('3e-8');
    expect(displayedText('SGDN', 'momentum', { momentum: '0.8' }, p)).toBe('0.8');
    // RMSProp does not take the page's μ (the engine ignores it): its own default, torch's 0, shows.
    expect(displayedText('RMSProp', 'momentum', undefined, p)).toBe('0');
  });

  it('"Forbid negative α" reads α min = 0', () => {
    expect(forbidsNegative('SGD-HD', undefined, page)).toBe(false);
    expect(forbidsNegative('SGD-HD', { lrMin: '0' }, page)).toBe(true);
    expect(forbidsNegative('SGD-HD', { lrMin: '1e-5' }, page)).toBe(false);
  });
});

describe('per-optimizer settings: validation', () => {
  it('every optimizer is valid with its defaults, and only its tunable keys are set', () => {
    for (const o of OPTIMIZERS) {
      const r = v(o.name);
      expect(r.errors, o.name).toEqual({});
      const keys = Object.keys(r.parsed!.options);
      // α₀ is parsed as an option only where it is the optimizer's own (second order, not linked to the page).
      for (const k of keys) if (k !== 'alpha0' || isLinked('alpha0', o)) expect(o.tunable as readonly string[], `${o.name}.${k}`).toContain(k);
      // μ and β stay page-wide while unchanged (μ only where the page's μ applies; RMSProp's is its own).
      if (takesPageMomentum(o)) expect(keys).not.toContain('momentum');
      expect(keys).not.toContain('beta');
      expect(r.parsed!.momentum).toBeUndefined();
      expect(r.parsed!.beta).toBeUndefined();
      // The parsed defaults are the optimizer's defaults.
      const d = optimizerDefaults(o.name);
      for (const k of keys) expect((r.parsed!.options as Record<string, unknown>)[k], `${o.name}.${k}`).toEqual((d as unknown as Record<string, unknown>)[k]);
    }
  });

  it('parses typed numbers and ticked boxes', () => {
    const r = v('SGDop-Adamlop', { lrBeta1: '0.8', correctedLrBiasCorrection: true, lrMin: '0', lrMax: ' 0.5 ' });
    expect(r.parsed!.options).toEqual({
      lrBeta1: 0.8, lrBeta2: 0.999, lrEps: 1e-8, correctedLrBiasCorrection: true, lrMin: 0, lrMax: 0.5,
    });
  });

  it('a changed μ or β overrides the page-wide value for that optimizer only', () => {
    const r = v('SGDN-HD', { momentum: '0.7', beta: '1e-4' });
    expect(r.parsed).toMatchObject({ momentum: 0.7, beta: 1e-4, options: { momentum: 0.7, beta: 1e-4 } });
    // An invalid page-wide μ is reported on the page field, not here.
    expect(v('SGDN-HD', undefined, { ...page, momentum: 'abc' }).errors).toEqual({});
  });

  it('refuses bad values with a message per field', () => {
    expect(v('Adam', { beta1: 'x', beta2: '1', eps: '-1' }).errors).toEqual({
      beta1: MESSAGES.notNumber, beta2: OPTION_MESSAGES.unitOpen, eps: MESSAGES.nonNegative,
    });
    expect(v('SGDM', { dampening: '1.5' }).errors).toEqual({ dampening: OPTION_MESSAGES.unitClosed });
    expect(v('SGDM', { momentum: '0' }).errors).toEqual({}); // heavy-ball: μ = 0 is plain SGD
    expect(v('SGDN', { momentum: '0' }).errors).toEqual({ momentum: OPTION_MESSAGES.nesterovMomentum });
    expect(v('SGD-HD', { beta: '0.5' }).errors).toEqual({ beta: formatRange(BETA_RANGE) });
    expect(v('RMSProp', { rmsAlpha: '2' }).errors).toEqual({ rmsAlpha: OPTION_MESSAGES.unitClosed });
    expect(v('SGD-HD', { lrMin: '0.1', lrMax: '0.01' }).errors).toEqual({ lrMin: OPTION_MESSAGES.minAboveMax });
    // The HD refinements' switches are parsed too (off unless ticked).
    expect(v('SGD-HD', { lrMin: '-1', lrMax: '' }).parsed!.options).toEqual({ lrMin: -1, lrMax: null, multiplicativeHypergradient: false, hdAdagrad: false, hdNullSteps: false });
    expect(v('SGD-HD', { lrMin: 'none' }).errors).toEqual({ lrMin: MESSAGES.notNumber });
  });

  it('validates the schedule fields the kind uses (validateSchedule) and builds the spec', () => {
    const step = v('SGD', { 'schedule.kind': 'step', 'schedule.stepSize': '100', 'schedule.gamma': '0.5', 'schedule.warmup': '10' });
    expect(step.parsed!.options.schedule).toEqual({ ...CONSTANT, kind: 'step', stepSize: 100, gamma: 0.5, warmup: 10 });
    const bad = v('SGD', { 'schedule.kind': 'step', 'schedule.stepSize': '1.5', 'schedule.gamma': '2', 'schedule.warmup': 'a' });
    expect(Object.keys(bad.errors).sort()).toEqual(['schedule.gamma', 'schedule.stepSize', 'schedule.warmup']);
    expect(bad.errors['schedule.gamma']).toMatch(/gamma must be a number in \(0, 1\]/);
    expect(bad.errors['schedule.stepSize']).toMatch(/step size must be a whole number/);
    expect(bad.errors['schedule.warmup']).toBe(MESSAGES.notNumber);
    // Fields the kind does not use are ignored, even when invalid.
    const cos = v('Adam', { 'schedule.kind': 'cosine', 'schedule.gamma': 'junk', 'schedule.tMax': '500', 'schedule.minFactor': '0.1' });
    expect(cos.errors).toEqual({});
    expect(cos.parsed!.options.schedule).toEqual({ ...CONSTANT, kind: 'cosine', tMax: 500, minFactor: 0.1 });
  });

  it('the form: Start is refused while any selected optimizer has an invalid setting', () => {
    const bad = { Adam: { beta1: '2' } };
    const r = validateForm(page, ['SGD', 'Adam'], bad);
    expect(r.ok).toBe(false);
    expect(r.values).toBeNull();
    expect(r.optionErrors).toEqual({ Adam: { beta1: OPTION_MESSAGES.unitOpen } });
    // Settings of an optimizer that is not selected do not count.
    const ok = validateForm(page, ['SGD'], bad);
    expect(ok.ok).toBe(true);
    expect(Object.keys(ok.perOptimizer!)).toEqual(['SGD']);
    // Page-wide errors still count.
    expect(validateForm({ ...page, seed: '-1' }, ['SGD'], {}).ok).toBe(false);
  });

  it('the store keeps only changed settings and resets them', () => {
    const s = useConfigStore.getState();
    s.setOption('SGD-HD', 'lrMin', '0');
    expect(useConfigStore.getState().perOptimizer['SGD-HD']).toEqual({ lrMin: '0' });
    expect(selectValidation(useConfigStore.getState()).perOptimizer?.['SGD-HD']?.options.lrMin).toBe(0);
    s.setOption('SGD-HD', 'lrMax', '-1');
    expect(selectValidation(useConfigStore.getState()).ok).toBe(false);
    s.resetOptions('SGD-HD');
    expect(useConfigStore.getState().perOptimizer['SGD-HD']).toBeUndefined();
    expect(selectValidation(useConfigStore.getState()).ok).toBe(true);
  });
});

describe('baselines', () => {
  it('every variant and HD optimizer names its baseline; missing ones give a hint', () => {
    // Second-order optimizers are their own baselines' peers (no HD counterpart to read them against).
    for (const o of OPTIMIZERS.filter((x) => x.group === 'hypergradient' || x.group === 'variant')) expect(o.baseline, o.name).not.toBeNull();
    expect(optimizerInfo('SGDop-Adamlop').baseline).toBe('SGD-HD');
    expect(missingBaselines(['SGDop-Adamlop'])).toEqual([{ name: 'SGDop-Adamlop', baseline: 'SGD-HD' }]);
    expect(missingBaselines(['SGD-HD', 'SGDop-Adamlop'])).toEqual([{ name: 'SGD-HD', baseline: 'SGD' }]);
    expect(missingBaselines(['SGD', 'SGD-HD', 'SGDop-Adamlop'])).toEqual([]);
  });

  it('every tunable key of every optimizer has a control (α₀ and weight decay are page-wide)', () => {
    for (const o of OPTIMIZERS) {
      const shown = new Set<string>([...optionKeysOf(o), 'schedule', 'alpha0', 'weightDecay']);
      for (const k of o.tunable) expect(shown.has(k), `${o.name}.${k}`).toBe(true);
    }
    expect(Object.keys(HYPER_DEFAULTS).length).toBeGreaterThan(0);
  });
});

describe('second-order optimizers keep their own α₀', () => {
  it("ESGD-M and L-BFGS show and run with their default α₀ 1, whatever the page's α₀, until changed here", () => {
    for (const name of ['ESGD-M', 'L-BFGS']) {
      expect(displayedText(name, 'alpha0', undefined, { ...page, alpha0: '0.003' })).toBe('1');
      expect(v(name, undefined, { ...page, alpha0: '0.003' }).parsed?.alpha0).toBe(1);
      expect(v(name, { alpha0: '0.5' }).parsed?.alpha0).toBe(0.5);
    }
    // The first-order ones still follow the page.
    expect(v('Adam', undefined, { ...page, alpha0: '0.003' }).parsed?.alpha0).toBeUndefined();
  });

  it("validates their settings with the original's conditions", () => {
    expect(v('ESGD-M', { beta2: '1' }).errors).toEqual({});
    expect(v('ESGD-M', { beta2: '1.1' }).errors.beta2).toBe('must be between 0 and 1');
    expect(v('ESGD-M', { lrWarmup: '1' }).errors.lrWarmup).toBe('must be ≥ 0 and < 1');
    expect(v('ESGD-M', { updateDEvery: '2.5' }).errors.updateDEvery).toBe('must be a whole number ≥ 1');
    expect(v('L-BFGS', { maxEval: '' }).parsed?.options.maxEval).toBeNull();
    expect(v('L-BFGS', { maxEval: '0' }).errors.maxEval).toBe('must be a whole number ≥ 1');
    expect(v('L-BFGS', { strongWolfe: true }).parsed?.options.strongWolfe).toBe(true);
  });
});
