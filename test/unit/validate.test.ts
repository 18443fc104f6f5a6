import { describe, expect, it } from 'vitest';
import {
  ALPHA0_RANGE,
  BETA_RANGE,
  MESSAGES,
  formatForPeople,
  logToSlider,
  parseNumber,
  sliderToLog,
  validateAll,
  validateField,
  type FieldTexts,
} from '../../src/config/validate';
import { DEFAULT_TEXTS, DEFAULTS } from '../../src/store/configStore';

const err = (r: ReturnType<typeof validateField>) => (r.ok ? null : r.message);
const val = (r: ReturnType<typeof validateField>) => (r.ok ? r.value : undefined);

describe('parseNumber', () => {
  it('accepts decimal and scientific notation', () => {
    expect(parseNumber('0.001')).toBe(0.001);
    // -0 reads as 0 (a -0 came back from a link as 0: fuzz-urlConfig's counterexample "?smooth=-0").
    expect(Object.is(parseNumber('-0'), 0)).toBe(true);
    expect(Object.is(parseNumber(' -0.0e5 '), 0)).toBe(true);
    expect(parseNumber(' 1e-3 ')).toBe(0.001);
    expect(parseNumber('1E-7')).toBe(1e-7);
    expect(parseNumber('-2')).toBe(-2);
    expect(parseNumber('.5')).toBe(0.5);
    expect(parseNumber('128')).toBe(128);
  });
  it('refuses empty, words, hex, Infinity and trailing junk', () => {
    for (const t of ['', '   ', 'abc', '0x10', 'Infinity', 'NaN', '1e', '1,5', '12px', '1e-3e2', '--1']) {
      expect(parseNumber(t), t).toBeNull();
    }
  });
});

describe('validateField', () => {
  it('α₀: a number in the log slider range', () => {
    expect(val(validateField('alpha0', '1e-3'))).toBe(1e-3);
    expect(err(validateField('alpha0', ''))).toBe(MESSAGES.notNumber);
    expect(err(validateField('alpha0', 'fast'))).toBe(MESSAGES.notNumber);
    expect(err(validateField('alpha0', '-0.1'))).toBe(MESSAGES.positive);
    expect(err(validateField('alpha0', '0'))).toBe(MESSAGES.positive);
    expect(err(validateField('alpha0', '2'))).toBe('must be between 1e-6 and 1');
    expect(err(validateField('alpha0', '1e-7'))).toBe('must be between 1e-6 and 1');
    expect(val(validateField('alpha0', String(ALPHA0_RANGE.max)))).toBe(1);
    expect(val(validateField('alpha0', String(ALPHA0_RANGE.min)))).toBe(1e-6);
  });
  it('β: both families share the range 1e-10 .. 0.1', () => {
    expect(val(validateField('betaSgd', '0.001'))).toBe(1e-3);
    expect(val(validateField('betaAdam', '1e-7'))).toBe(1e-7);
    expect(err(validateField('betaAdam', '1e-11'))).toBe('must be between 1e-10 and 0.1');
    expect(err(validateField('betaSgd', '0.5'))).toBe('must be between 1e-10 and 0.1');
    expect(err(validateField('betaSgd', '-1e-3'))).toBe(MESSAGES.positive);
    expect(val(validateField('betaSgd', String(BETA_RANGE.min)))).toBe(1e-10);
  });
  it('integers ≥ 1: batch size, epochs', () => {
    expect(val(validateField('batchSize', '128'))).toBe(128);
    expect(err(validateField('batchSize', '0'))).toBe(MESSAGES.integer1);
    expect(err(validateField('batchSize', '-5'))).toBe(MESSAGES.integer1);
    expect(err(validateField('batchSize', '12.5'))).toBe(MESSAGES.integer1);
    expect(err(validateField('batchSize', ''))).toBe(MESSAGES.notNumber);
    expect(err(validateField('batchSize', '100000'))).toBe('must be at most 60000');
    expect(val(validateField('epochs', '3'))).toBe(3);
    expect(err(validateField('epochs', 'x'))).toBe(MESSAGES.notNumber);
  });
  it('optional integers: iterations and eval interval, empty = null', () => {
    expect(val(validateField('iterations', ''))).toBeNull();
    expect(val(validateField('iterations', '  '))).toBeNull();
    expect(val(validateField('iterations', '50'))).toBe(50);
    expect(err(validateField('iterations', '0'))).toBe(MESSAGES.integer1);
    expect(err(validateField('iterations', 'abc'))).toBe(MESSAGES.notNumber);
    expect(val(validateField('evalEvery', ''))).toBeNull();
    expect(err(validateField('evalEvery', '2.5'))).toBe(MESSAGES.integer1);
  });
  it('seeds: whole number 1..10, one message for every miss', () => {
    expect(val(validateField('seeds', '1'))).toBe(1);
    expect(val(validateField('seeds', '10'))).toBe(10);
    for (const bad of ['0', '11', '2.5', '', 'two', '-1']) {
      expect(err(validateField('seeds', bad)), bad).toBe('must be a whole number from 1 to 10');
    }
  });
  it('seed: integer ≥ 0', () => {
    expect(val(validateField('seed', '0'))).toBe(0);
    expect(err(validateField('seed', '-1'))).toBe(MESSAGES.integer0);
    expect(err(validateField('seed', '1.5'))).toBe(MESSAGES.integer0);
  });
  it('momentum in (0, 1) (Nesterov needs μ > 0) and weight decay ≥ 0', () => {
    expect(val(validateField('momentum', '0.9'))).toBe(0.9);
    expect(err(validateField('momentum', '0'))).toBe(MESSAGES.momentum);
    expect(err(validateField('momentum', '1'))).toBe(MESSAGES.momentum);
    expect(err(validateField('momentum', '-0.1'))).toBe(MESSAGES.momentum);
    expect(val(validateField('weightDecay', '0'))).toBe(0);
    expect(val(validateField('weightDecay', '1e-4'))).toBe(1e-4);
    expect(err(validateField('weightDecay', '-1e-4'))).toBe(MESSAGES.nonNegative);
  });
});

describe('validateAll', () => {
  it('the defaults are the reference settings and valid', () => {
    const v = validateAll(DEFAULT_TEXTS, DEFAULTS.optimizers);
    expect(v.ok).toBe(true);
    expect(v.values).toEqual({
      alpha0: 1e-3,
      betaSgd: 1e-3,
      betaAdam: 1e-7,
      momentum: 0.9,
      weightDecay: 1e-4,
      batchSize: 128,
      epochs: 1,
      iterations: null,
      seed: 1,
      evalEvery: null,
      seeds: 1,
    });
    expect(DEFAULTS.optimizers).toEqual(['SGD', 'SGD-HD']);
    expect(DEFAULTS.model).toBe('ffnn100');
  });
  it('Seeds count up from Seed: the last seed must stay a valid seed', () => {
    // 2147483646 + 2 − 1 = 2^31 − 1 = MAX_SEED: fine; one more is not.
    expect(validateAll({ ...DEFAULT_TEXTS, seed: '2147483646', seeds: '2' }, ['SGD']).ok).toBe(true);
    expect(validateAll({ ...DEFAULT_TEXTS, seed: '2147483647', seeds: '2' }, ['SGD']).errors).toEqual({ seeds: 'the last seed, Seed + 1, must be at most 2147483647' });
  });
  it('collects every error and gives no values', () => {
    const texts: FieldTexts = { ...DEFAULT_TEXTS, alpha0: '', batchSize: '-1' };
    const v = validateAll(texts, []);
    expect(v.ok).toBe(false);
    expect(v.values).toBeNull();
    expect(v.errors).toEqual({
      alpha0: MESSAGES.notNumber,
      batchSize: MESSAGES.integer1,
      optimizers: 'select at least one optimizer',
    });
  });
});

describe('log sliders and number formatting', () => {
  it('non-finite numbers read as themselves (a diverged run)', () => {
    expect(formatForPeople(NaN)).toBe('NaN');
    expect(formatForPeople(-Infinity)).toBe('-Infinity');
  });
  it('formats compactly', () => {
    expect(formatForPeople(1e-3)).toBe('0.001');
    expect(formatForPeople(1e-7)).toBe('1e-7');
    expect(formatForPeople(1e-4)).toBe('1e-4');
    expect(formatForPeople(0.00025)).toBe('2.5e-4');
    expect(formatForPeople(0.9)).toBe('0.9');
    expect(formatForPeople(1)).toBe('1');
    expect(formatForPeople(0)).toBe('0');
  });
  it('slider positions round-trip for decade values', () => {
    const steps = 60;
    for (const v of [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1]) {
      const p = logToSlider(v, ALPHA0_RANGE, steps);
      expect(sliderToLog(p, ALPHA0_RANGE, steps)).toBeCloseTo(v, 12);
    }
    expect(logToSlider(1e-3, ALPHA0_RANGE, steps)).toBe(30);
    expect(logToSlider(1e-7, BETA_RANGE, 90)).toBe(30);
    // Out-of-range values clamp to the ends.
    expect(logToSlider(10, ALPHA0_RANGE, steps)).toBe(steps);
    expect(logToSlider(1e-9, ALPHA0_RANGE, steps)).toBe(0);
  });
});
