import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CONSTANT,
  SCHEDULE_KINDS,
  describeSchedule,
  parseSchedule,
  scheduleFactor,
  validateSchedule,
  type ScheduleKind,
  type ScheduleSpec,
} from '../../src/optim/schedules';

const spec = (over: Partial<ScheduleSpec>): ScheduleSpec => ({ ...CONSTANT, ...over });
const factors = (s: ScheduleSpec, ts: number[]) => ts.map((t) => scheduleFactor(s, t));

describe('CONSTANT', () => {
  it('is a valid constant schedule without warm-up', () => {
    expect(CONSTANT.kind).toBe('constant');
    expect(CONSTANT.warmup).toBe(0);
    expect(validateSchedule(CONSTANT)).toBeNull();
    expect(describeSchedule(CONSTANT)).toBe('constant');
  });
  it('gives factor 1 at every iteration', () => {
    expect(factors(CONSTANT, [1, 2, 100, 1e6])).toEqual([1, 1, 1, 1]);
  });
  it('defaults are valid for every kind', () => {
    for (const kind of SCHEDULE_KINDS) expect(validateSchedule(spec({ kind }))).toBeNull();
  });
});

describe('scheduleFactor: hand-derived values', () => {
  it('step, size 100, gamma 0.5 (torch StepLR on the 1-based iteration)', () => {
    const s = spec({ kind: 'step', stepSize: 100, gamma: 0.5 });
    // floor((t-1)/100): t=1..100 → 0 → 0.5^0 = 1; t=101..200 → 1 → 0.5; t=201 → 2 → 0.25.
    expect(factors(s, [1, 2, 50, 99, 100])).toEqual([1, 1, 1, 1, 1]);
    expect(scheduleFactor(s, 101)).toBe(0.5);
    expect(scheduleFactor(s, 200)).toBe(0.5);
    expect(scheduleFactor(s, 201)).toBe(0.25);
    // t=1001: floor(1000/100) = 10 → 0.5^10 = 1/1024.
    expect(scheduleFactor(s, 1001)).toBe(1 / 1024);
  });

  it('step, size 1: decays at every step (0.5^(t-1))', () => {
    const s = spec({ kind: 'step', stepSize: 1, gamma: 0.5 });
    expect(factors(s, [1, 2, 3, 4])).toEqual([1, 0.5, 0.25, 0.125]);
  });

  it('exponential, gamma 0.9: gamma^(t-1)', () => {
    const s = spec({ kind: 'exponential', gamma: 0.9 });
    expect(scheduleFactor(s, 1)).toBe(1); // 0.9^0
    expect(scheduleFactor(s, 2)).toBeCloseTo(0.9, 15); // 0.9^1
    expect(scheduleFactor(s, 3)).toBeCloseTo(0.81, 15); // 0.9^2
    expect(scheduleFactor(s, 4)).toBeCloseTo(0.729, 15); // 0.9^3
  });

  it('exponential with gamma 1 is constant', () => {
    expect(factors(spec({ kind: 'exponential', gamma: 1 }), [1, 10, 1000])).toEqual([1, 1, 1]);
  });

  it('inverse, decay 0.1: 1/(1 + 0.1(t-1))', () => {
    const s = spec({ kind: 'inverse', decay: 0.1 });
    expect(scheduleFactor(s, 1)).toBe(1); // 1/(1+0)
    expect(scheduleFactor(s, 11)).toBeCloseTo(0.5, 15); // 1/(1+1)
    expect(scheduleFactor(s, 31)).toBeCloseTo(0.25, 15); // 1/(1+3)
    expect(scheduleFactor(s, 91)).toBeCloseTo(0.1, 15); // 1/(1+9)
  });

  it('inverse with decay 0 is constant', () => {
    expect(factors(spec({ kind: 'inverse', decay: 0 }), [1, 2, 1e9])).toEqual([1, 1, 1]);
  });

  it('cosine, tMax 100, minFactor 0', () => {
    const s = spec({ kind: 'cosine', tMax: 100, minFactor: 0 });
    expect(scheduleFactor(s, 1)).toBe(1); // (1+cos 0)/2 = 1
    expect(scheduleFactor(s, 26)).toBeCloseTo((1 + Math.SQRT1_2) / 2, 14); // (1+cos(π/4))/2 ≈ 0.8536
    expect(scheduleFactor(s, 51)).toBeCloseTo(0.5, 14); // (1+cos(π/2))/2 = 0.5
    expect(scheduleFactor(s, 76)).toBeCloseTo((1 - Math.SQRT1_2) / 2, 14); // (1+cos(3π/4))/2 ≈ 0.1464
    expect(scheduleFactor(s, 101)).toBe(0); // (1+cos π)/2 = 0
    // held at the minimum after tMax (no restarts)
    expect(factors(s, [102, 150, 201, 10_000])).toEqual([0, 0, 0, 0]);
  });

  it('cosine, tMax 100, minFactor 0.2: 0.2 + 0.8·(1+cos)/2', () => {
    const s = spec({ kind: 'cosine', tMax: 100, minFactor: 0.2 });
    expect(scheduleFactor(s, 1)).toBe(1); // 0.2 + 0.8·1
    expect(scheduleFactor(s, 51)).toBeCloseTo(0.6, 14); // 0.2 + 0.8·0.5
    expect(scheduleFactor(s, 101)).toBeCloseTo(0.2, 15); // 0.2 + 0.8·0
    expect(scheduleFactor(s, 500)).toBeCloseTo(0.2, 15);
  });

  it('cosine, tMax 1: 1 at t=1, minFactor from t=2 on', () => {
    const s = spec({ kind: 'cosine', tMax: 1, minFactor: 0.1 });
    expect(scheduleFactor(s, 1)).toBe(1);
    expect(scheduleFactor(s, 2)).toBeCloseTo(0.1, 15);
    expect(scheduleFactor(s, 3)).toBeCloseTo(0.1, 15);
  });

  it('warm-up 10 alone (constant): t/10 up to t=10, then 1', () => {
    const s = spec({ kind: 'constant', warmup: 10 });
    expect(scheduleFactor(s, 1)).toBeCloseTo(0.1, 15); // 1/10
    expect(scheduleFactor(s, 5)).toBe(0.5); // 5/10
    expect(scheduleFactor(s, 10)).toBe(1); // 10/10
    expect(factors(s, [11, 100])).toEqual([1, 1]);
  });

  it('warm-up 1 is the same as none', () => {
    const s = spec({ kind: 'exponential', gamma: 0.5, warmup: 1 });
    // t=1: 1/1 = 1; t=2: decay clock s=1 → 1; t=3: s=2 → 0.5. (Without warm-up t=2 would be 0.5.)
    expect(factors(s, [1, 2, 3])).toEqual([1, 1, 0.5]);
  });

  it('warm-up then decay: the decay clock starts after the warm-up (t\' = t - warmup)', () => {
    // step size 100, gamma 0.5, warm-up 10: t=1 → 0.1, t=10 → 1, t=11..110 → s=1..100 → 1,
    // t=111 → s=101 → 0.5, t=211 → s=201 → 0.25.
    const st = spec({ kind: 'step', stepSize: 100, gamma: 0.5, warmup: 10 });
    expect(scheduleFactor(st, 1)).toBeCloseTo(0.1, 15);
    expect(scheduleFactor(st, 5)).toBe(0.5);
    expect(factors(st, [10, 11, 110])).toEqual([1, 1, 1]);
    expect(scheduleFactor(st, 111)).toBe(0.5);
    expect(scheduleFactor(st, 211)).toBe(0.25);

    // exponential gamma 0.9, warm-up 10: t=11 → s=1 → 1, t=12 → 0.9, t=13 → 0.81.
    const ex = spec({ kind: 'exponential', gamma: 0.9, warmup: 10 });
    expect(scheduleFactor(ex, 10)).toBe(1);
    expect(scheduleFactor(ex, 11)).toBe(1);
    expect(scheduleFactor(ex, 12)).toBeCloseTo(0.9, 15);
    expect(scheduleFactor(ex, 13)).toBeCloseTo(0.81, 15);

    // inverse decay 0.1, warm-up 10: t=21 → s=11 → 0.5.
    expect(scheduleFactor(spec({ kind: 'inverse', decay: 0.1, warmup: 10 }), 21)).toBeCloseTo(0.5, 15);

    // cosine tMax 100, min 0, warm-up 10: t=61 → s=51 → 0.5; t=111 → s=101 → 0.
    const co = spec({ kind: 'cosine', tMax: 100, minFactor: 0, warmup: 10 });
    expect(scheduleFactor(co, 11)).toBe(1);
    expect(scheduleFactor(co, 61)).toBeCloseTo(0.5, 14);
    expect(scheduleFactor(co, 111)).toBe(0);
  });

  it('is the warm-up-free schedule shifted right by the warm-up', () => {
    const base = spec({ kind: 'cosine', tMax: 37, minFactor: 0.05 });
    const warm = { ...base, warmup: 13 };
    for (let s = 1; s <= 60; s++) expect(scheduleFactor(warm, s + 13)).toBe(scheduleFactor(base, s));
  });

  it('refuses an iteration that is not a whole number ≥ 1', () => {
    for (const t of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => scheduleFactor(CONSTANT, t)).toThrow(RangeError);
    }
    expect(() => scheduleFactor(CONSTANT, 0)).toThrow(/whole number ≥ 1/);
  });

  it('refuses an invalid spec', () => {
    expect(() => scheduleFactor(spec({ kind: 'step', gamma: 0 }), 1)).toThrow(/invalid schedule: gamma/);
  });
});

describe('validateSchedule', () => {
  const bad: [string, Partial<ScheduleSpec>, RegExp][] = [
    ['gamma 0', { kind: 'step', gamma: 0 }, /gamma must be a number in \(0, 1\]/],
    ['gamma negative', { kind: 'exponential', gamma: -0.5 }, /gamma/],
    ['gamma > 1 (growth is not offered)', { kind: 'exponential', gamma: 1.01 }, /gamma must be a number in \(0, 1\] \(got 1\.01\)/],
    ['gamma NaN', { kind: 'step', gamma: Number.NaN }, /gamma/],
    ['step size 0', { kind: 'step', stepSize: 0 }, /step size must be a whole number of iterations ≥ 1 \(got 0\)/],
    ['step size fractional', { kind: 'step', stepSize: 2.5 }, /step size/],
    ['step size infinite', { kind: 'step', stepSize: Number.POSITIVE_INFINITY }, /step size/],
    ['decay negative', { kind: 'inverse', decay: -0.1 }, /decay must be a finite number ≥ 0 \(got -0\.1\)/],
    ['decay infinite', { kind: 'inverse', decay: Number.POSITIVE_INFINITY }, /decay/],
    ['tMax 0', { kind: 'cosine', tMax: 0 }, /tMax must be a whole number of iterations ≥ 1/],
    ['tMax fractional', { kind: 'cosine', tMax: 10.5 }, /tMax/],
    ['minFactor negative', { kind: 'cosine', minFactor: -0.01 }, /minFactor must be a number in \[0, 1\]/],
    ['minFactor > 1', { kind: 'cosine', minFactor: 1.5 }, /minFactor/],
    ['warm-up negative', { kind: 'constant', warmup: -1 }, /warm-up must be a whole number of iterations ≥ 0 \(got -1\)/],
    ['warm-up fractional', { kind: 'step', warmup: 2.5 }, /warm-up/],
    ['warm-up NaN', { kind: 'cosine', warmup: Number.NaN }, /warm-up/],
  ];
  it.each(bad)('%s', (_name, over, message) => {
    expect(validateSchedule(spec(over))).toMatch(message);
  });

  it('rejects an unknown kind (e.g. from a stored JSON config)', () => {
    expect(validateSchedule(spec({ kind: 'linear' as ScheduleKind }))).toMatch(/unknown schedule kind "linear"/);
  });

  it('accepts the edges of every range', () => {
    expect(validateSchedule(spec({ kind: 'step', stepSize: 1, gamma: 1 }))).toBeNull();
    expect(validateSchedule(spec({ kind: 'exponential', gamma: Number.MIN_VALUE }))).toBeNull();
    expect(validateSchedule(spec({ kind: 'inverse', decay: 0 }))).toBeNull();
    expect(validateSchedule(spec({ kind: 'cosine', tMax: 1, minFactor: 0 }))).toBeNull();
    expect(validateSchedule(spec({ kind: 'cosine', tMax: 1, minFactor: 1 }))).toBeNull();
    expect(validateSchedule(spec({ kind: 'constant', warmup: 0 }))).toBeNull();
  });

  it('checks only the fields the kind uses (plus warm-up)', () => {
    // gamma / stepSize are ignored by constant, inverse and cosine; tMax by step …
    expect(validateSchedule(spec({ kind: 'constant', gamma: 0, stepSize: 0, tMax: 0 }))).toBeNull();
    expect(validateSchedule(spec({ kind: 'inverse', gamma: -1, minFactor: 7 }))).toBeNull();
    expect(validateSchedule(spec({ kind: 'exponential', stepSize: 0.5 }))).toBeNull();
    expect(validateSchedule(spec({ kind: 'step', tMax: -3, decay: -1 }))).toBeNull();
    // … but warm-up always counts
    expect(validateSchedule(spec({ kind: 'constant', warmup: -1 }))).not.toBeNull();
  });
});

describe('describeSchedule', () => {
  it('writes each kind compactly, CSV-safe', () => {
    expect(describeSchedule(CONSTANT)).toBe('constant');
    expect(describeSchedule(spec({ kind: 'step', stepSize: 100, gamma: 0.5, warmup: 50 }))).toBe(
      'step(size=100;gamma=0.5)+warmup(50)',
    );
    expect(describeSchedule(spec({ kind: 'exponential', gamma: 0.999 }))).toBe('exponential(gamma=0.999)');
    expect(describeSchedule(spec({ kind: 'inverse', decay: 1e-7 }))).toBe('inverse(decay=1e-7)');
    expect(describeSchedule(spec({ kind: 'cosine', tMax: 1000, minFactor: 0 }))).toBe('cosine(tmax=1000;min=0)');
    expect(describeSchedule(spec({ kind: 'constant', warmup: 20 }))).toBe('constant+warmup(20)');
  });

  it('refuses an invalid spec', () => {
    expect(() => describeSchedule(spec({ kind: 'cosine', minFactor: 2 }))).toThrow(/minFactor/);
  });
});

describe('parseSchedule', () => {
  it('reads the examples', () => {
    expect(parseSchedule('constant')).toEqual(CONSTANT);
    expect(parseSchedule('step(size=100;gamma=0.5)+warmup(50)')).toEqual(
      spec({ kind: 'step', stepSize: 100, gamma: 0.5, warmup: 50 }),
    );
    expect(parseSchedule('cosine(tmax=1000;min=0.1)')).toEqual(spec({ kind: 'cosine', tMax: 1000, minFactor: 0.1 }));
  });

  it('accepts white space, any parameter order, exponents, an explicit warmup(0)', () => {
    expect(parseSchedule('  step( gamma = 0.5 ; size = 1e2 ) + warmup( 5 ) ')).toEqual(
      spec({ kind: 'step', stepSize: 100, gamma: 0.5, warmup: 5 }),
    );
    expect(parseSchedule('inverse(decay=1e+3)')).toEqual(spec({ kind: 'inverse', decay: 1000 }));
    expect(parseSchedule('constant+warmup(0)')).toEqual(CONSTANT);
  });

  const malformed: [string, RegExp][] = [
    ['', /empty text/],
    ['   ', /empty text/],
    ['linear', /unknown kind "linear"/],
    ['Step(size=1;gamma=0.5)', /unknown kind "Step"/],
    ['constant(x=1)', /"constant" takes no parameters/],
    ['constant()', /"constant" takes no parameters/],
    ['step', /"step" needs parameters \(size, gamma\)/],
    ['step(size=100)', /missing parameter gamma for step/],
    ['cosine()', /is not key=value/],
    ['step(size=100;gamma)', /"gamma" is not key=value/],
    ['step(size=100;gamma=0.5;size=200)', /parameter "size" given twice/],
    ['exponential(gamma=0.9;size=3)', /unknown parameter "size" for exponential \(expected gamma\)/],
    ['exponential(gamma=abc)', /gamma is not a number: "abc"/],
    ['exponential(gamma=)', /gamma is not a number/],
    ['exponential(gamma=0x1)', /gamma is not a number/],
    ['exponential(gamma=Infinity)', /gamma is not a number/],
    ['exponential(gamma=0.9', /cannot read/],
    ['step(size=100,gamma=0.5)', /not a number|is not key=value|unknown parameter/],
    ['constant+warmup(5)+warmup(5)', /at most one "\+warmup\(N\)"/],
    ['constant+cosine(tmax=1;min=0)', /expected "warmup\(N\)" after "\+"/],
    ['constant+warmup', /"warmup" needs a number of iterations/],
    ['constant+warmup(ten)', /warmup is not a number/],
    ['constant+', /cannot read ""/],
    // well-formed but invalid values: the validation message
    ['exponential(gamma=1.5)', /gamma must be a number in \(0, 1\]/],
    ['step(size=0.5;gamma=0.5)', /step size must be a whole number/],
    ['cosine(tmax=0;min=0)', /tMax must be/],
    ['constant+warmup(-3)', /warm-up must be/],
  ];
  it.each(malformed)('refuses %j', (text, message) => {
    expect(() => parseSchedule(text)).toThrow(Error);
    expect(() => parseSchedule(text)).toThrow(message);
    // the message quotes the text it refused
    expect(() => parseSchedule(text)).toThrow(`invalid schedule ${JSON.stringify(text)}: `);
  });
});

// ---- properties ----------------------------------------------------------------------------

const whole = (min: number, max: number) => fc.integer({ min, max });
const unit01 = fc.double({ min: 0, max: 1, noNaN: true });
const gammaArb = fc.oneof(
  fc.double({ min: Number.MIN_VALUE, max: 1, noNaN: true }),
  fc.constantFrom(1, 0.5, 0.9, 0.999, 1e-300),
);
const validSpec: fc.Arbitrary<ScheduleSpec> = fc.record({
  kind: fc.constantFrom(...SCHEDULE_KINDS),
  stepSize: whole(1, 1e9),
  gamma: gammaArb,
  decay: fc.oneof(fc.double({ min: 0, max: 1e300, noNaN: true }), fc.constantFrom(0, 1e-7, 0.1)),
  tMax: whole(1, 1e9),
  minFactor: unit01,
  warmup: fc.oneof(whole(0, 1e9), fc.constant(0)),
});
const iteration = fc.oneof(whole(1, 1000), whole(1, Number.MAX_SAFE_INTEGER));

describe('properties', () => {
  it('generated specs are valid', () => {
    fc.assert(fc.property(validSpec, (s) => validateSchedule(s) === null));
  });

  it('every valid spec gives a finite factor in [0, 1] at every iteration', () => {
    fc.assert(
      fc.property(validSpec, iteration, (s, t) => {
        const f = scheduleFactor(s, t);
        return Number.isFinite(f) && f >= 0 && f <= 1;
      }),
      { numRuns: 2000 },
    );
  });

  it('factors never increase after the warm-up, and rise linearly during it', () => {
    fc.assert(
      fc.property(validSpec, whole(1, 1e6), (s, t) => {
        const a = scheduleFactor(s, t);
        const b = scheduleFactor(s, t + 1);
        return t < s.warmup ? b > a : b <= a;
      }),
      { numRuns: 2000 },
    );
  });

  it('cosine stays within [minFactor, 1]', () => {
    fc.assert(
      fc.property(validSpec, iteration, (s, t) => {
        const c = { ...s, kind: 'cosine' as const, warmup: 0 };
        const f = scheduleFactor(c, t);
        return f >= c.minFactor && f <= 1;
      }),
    );
  });

  it('describe → parse round-trips every kind (the fields the kind does not use come from CONSTANT)', () => {
    const used: Record<ScheduleKind, (keyof ScheduleSpec)[]> = {
      constant: [],
      step: ['stepSize', 'gamma'],
      exponential: ['gamma'],
      inverse: ['decay'],
      cosine: ['tMax', 'minFactor'],
    };
    fc.assert(
      fc.property(validSpec, (s) => {
        const text = describeSchedule(s);
        expect(text).not.toMatch(/[,"\s\n\r]/); // CSV-safe without quoting
        const back = parseSchedule(text);
        const expected: ScheduleSpec = { ...CONSTANT, kind: s.kind, warmup: s.warmup };
        for (const f of used[s.kind]) (expected as unknown as Record<string, unknown>)[f] = s[f];
        expect(back).toEqual(expected);
        expect(describeSchedule(back)).toBe(text);
        // same factors as the original
        for (const t of [1, 2, s.warmup + 1, s.warmup + 2, s.warmup + 1000]) {
          expect(scheduleFactor(back, t)).toBe(scheduleFactor(s, t));
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('round-trips each kind explicitly', () => {
    const examples: ScheduleSpec[] = [
      CONSTANT,
      spec({ kind: 'constant', warmup: 7 }),
      spec({ kind: 'step', stepSize: 469, gamma: 0.1 }),
      spec({ kind: 'step', stepSize: 100, gamma: 0.5, warmup: 50 }),
      spec({ kind: 'exponential', gamma: 0.99999 }),
      spec({ kind: 'exponential', gamma: 1 / 3, warmup: 1 }),
      spec({ kind: 'inverse', decay: 1e-7 }),
      spec({ kind: 'inverse', decay: 0.1, warmup: 1000 }),
      spec({ kind: 'cosine', tMax: 4690, minFactor: 0 }),
      spec({ kind: 'cosine', tMax: 1, minFactor: 0.123456789, warmup: 3 }),
    ];
    for (const s of examples) expect(parseSchedule(describeSchedule(s))).toEqual(s);
  });

  it('parseSchedule throws only Error with a message, whatever the text', () => {
    const texts = fc.oneof(
      fc.string(),
      fc
        .array(fc.constantFrom('step', 'cosine', 'constant', '(', ')', '=', ';', '+', 'warmup', 'size', 'gamma', 'tmax', 'min', '0.5', '1', '-', 'e', ' '))
        .map((xs) => xs.join('')),
    );
    fc.assert(
      fc.property(texts, (text) => {
        try {
          const s = parseSchedule(text);
          return validateSchedule(s) === null;
        } catch (e) {
          return e instanceof Error && e.message.startsWith('invalid schedule ');
        }
      }),
      { numRuns: 2000 },
    );
  });
});
