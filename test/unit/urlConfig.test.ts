import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configTexts, decodeConfig, encodeConfig, numberText, type PageConfig } from '../../src/share/urlConfig';
import { SCHEDULE_KIND_KEY, validateForm, validateOptimizerOptions } from '../../src/config/optimizerOptions';
import { configArb, D, formOk } from './pageConfigArbs';

describe('numberText', () => {
  it('writes numbers as people write them, reading back exactly', () => {
    // Whole numbers plainly; otherwise the shorter of String(v) and m·e·x.
    expect(numberText(128)).toBe('128');
    expect(numberText(2 ** 31 - 1)).toBe('2147483647');
    expect(numberText(0.001)).toBe('1e-3'); // '0.001' is longer
    expect(numberText(1e-7)).toBe('1e-7');
    expect(numberText(0.00015)).toBe('1.5e-4'); // vs '0.00015'
    expect(numberText(0.9)).toBe('0.9'); // vs '9e-1'
    expect(numberText(0.125)).toBe('0.125'); // vs '1.25e-1'
    expect(numberText(1234.5)).toBe('1234.5'); // vs '1.2345e3'
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
      expect(Object.is(Number(numberText(v)), v === 0 ? 0 : v) || (Object.is(v, -0) && numberText(v) === '0')).toBe(true);
    }), { numRuns: 1000 });
  });
});

describe('encodeConfig', () => {
  it('writes every field, compact and readable', () => {
    const c: PageConfig = {
      ...D, optimizers: ['SGD-HD', 'Adam-HD'], model: 'mlp', iterations: 500,
      perOptimizer: { 'SGD-HD': { lrMin: '0', beta: '0.0000002' }, SGD: { [SCHEDULE_KIND_KEY]: 'step', 'schedule.stepSize': '100' } },
    };
    expect(encodeConfig(c)).toBe(
      '?v=1&opt=SGD-HD,Adam-HD&data=mnist&model=mlp&width=0.125&a0=1e-3&bsgd=1e-3&badam=1e-7&mu=0.9&wd=1e-4' +
        '&bs=128&ep=1&it=500&seed=1&eval=&seeds=1&smooth=0&x=iteration&logy=0&lr=symlog&y0=0&fam=all&diff=0&each=0' +
        // catalogue order (SGD before SGD-HD), settings in the form's order, numbers canonical
        '&SGD.schedule.kind=step&SGD.schedule.stepSize=100&SGD-HD.beta=2e-7&SGD-HD.lrMin=0',
    );
  });
});

describe('decodeConfig(encodeConfig(c)) = c', () => {
  it('for the store defaults', () => {
    expect(decodeConfig(encodeConfig(D), D)).toEqual({ config: D, problems: [] });
  });

  it('for random valid configurations (property), against any defaults', () => {
    fc.assert(
      fc.property(configArb, configArb, (c, defaults) => {
        expect(formOk(c)).toBe(true); // the generator makes only valid ones
        expect(decodeConfig(encodeConfig(c), defaults)).toEqual({ config: c, problems: [] });
      }),
      { numRuns: 300 },
    );
  });

  it('reads a link without "?", with "#", without v, or shortened (missing fields keep the defaults)', () => {
    expect(decodeConfig('', D)).toEqual({ config: D, problems: [] });
    expect(decodeConfig('?', D)).toEqual({ config: D, problems: [] });
    const short = decodeConfig('opt=Adam,Adam-HD&a0=1e-2', D);
    expect(short.problems).toEqual([]);
    expect(short.config).toEqual({ ...D, optimizers: ['Adam', 'Adam-HD'], alpha0: 0.01 });
    expect(decodeConfig('#v=1&seeds=3', D).config.seeds).toBe(3);
    // '+' is a plus, not a space.
    expect(decodeConfig('?a0=1e+0', D).config.alpha0).toBe(1);
  });

  it('configTexts gives the store texts that validate to the same numbers', () => {
    fc.assert(fc.property(configArb, (c) => {
      const v = validateForm(configTexts(c), c.optimizers, {});
      expect(v.values).toEqual({
        alpha0: c.alpha0, betaSgd: c.betaSgd, betaAdam: c.betaAdam, momentum: c.momentum, weightDecay: c.weightDecay,
        batchSize: c.batchSize, epochs: c.epochs, iterations: c.iterations, seed: c.seed, evalEvery: c.evalEvery, seeds: c.seeds,
      });
    }), { numRuns: 200 });
  });
});

describe('decodeConfig: problems', () => {
  /** Decodes `search`; expects exactly one problem matching `re`; returns the config. */
  function one(search: string, re: RegExp): PageConfig {
    const { config, problems } = decodeConfig(search, D);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(re);
    // One human sentence: capital letter first, one full stop at the end.
    expect(problems[0]).toMatch(/^[A-Zα-ωΑ-Ω"].*\.$/u);
    return config;
  }

  it('an unknown version ignores the whole link', () => {
    for (const v of ['0', '99', '2', 'abc', '']) {
      const c = one(`?v=${v}&opt=Adam&a0=0.5`, /version .* does not know/);
      expect(c).toEqual(D);
    }
    // The same link at v=1 is read.
    expect(decodeConfig('?v=1&opt=Adam&a0=0.5', D).config.alpha0).toBe(0.5);
  });

  it('unknown optimizer names are left out one by one; none left → the default selection', () => {
    expect(one('?opt=SGD,Foo,Adam-HD', /unknown optimizer "Foo"/).optimizers).toEqual(['SGD', 'Adam-HD']);
    // Catalogue order, duplicates dropped, spaces trimmed (no problem for those).
    expect(decodeConfig('?opt=Adam-HD, SGD,SGD', D)).toEqual({ config: { ...D, optimizers: ['SGD', 'Adam-HD'] }, problems: [] });
    const { config, problems } = decodeConfig('?opt=Foo,Bar', D);
    expect(config.optimizers).toEqual(D.optimizers);
    expect(problems).toHaveLength(3); // Foo, Bar, and "no known optimizer"
    expect(one('?opt=', /no known optimizer; using the default selection \(SGD, SGD-HD\)/).optimizers).toEqual(D.optimizers);
  });

  it('a malformed or out-of-range number costs only its field', () => {
    // [link, field, message] — messages are the form's own (validate.ts).
    const cases: [string, keyof PageConfig, RegExp][] = [
      ['a0=abc', 'alpha0', /^α₀ "abc" must be a number; using the default 1e-3\.$/],
      ['a0=5', 'alpha0', /^α₀ "5" must be between 1e-6 and 1; using the default 1e-3\.$/],
      ['bsgd=1', 'betaSgd', /β of the SGD family "1" must be between 1e-10 and 0\.1/],
      ['badam=0', 'betaAdam', /must be > 0/],
      ['mu=1', 'momentum', /Momentum μ "1" must be > 0 and < 1/],
      ['wd=-1e-4', 'weightDecay', /must be ≥ 0/],
      ['bs=12.5', 'batchSize', /Batch size "12\.5" must be an integer ≥ 1/],
      ['bs=0x10', 'batchSize', /must be a number/],
      ['ep=0', 'epochs', /must be an integer ≥ 1/],
      ['it=-3', 'iterations', /Iterations "-3" must be an integer ≥ 1; using the default \(not set\)/],
      ['seed=Infinity', 'seed', /must be a number/],
      ['eval=1e99', 'evalEvery', /must be at most 10000000/],
      ['width=0.3', 'width', /^Width "0\.3" must be one of 1, 0\.5, 0\.25, 0\.125; using the default 0\.125\.$/],
      ['seeds=11', 'seeds', /Seeds "11" must be a whole number from 1 to 10/],
      ['seeds=2.5', 'seeds', /whole number/],
      ['seed=2147483647&seeds=2', 'seeds', /^Seeds 2 from seed 2147483647 pass the largest seed 2147483647; using 1 seed\.$/],
      ['smooth=1', 'smoothing', /Smoothing "1" must be a number from 0 to 0\.999/],
      ['x=wallclock', 'xAxis', /X axis "wallclock" must be one of iteration, epoch, examples, time/],
      ['data=imagenet', 'dataset', /Dataset "imagenet" is unknown; using the default mnist/],
      ['model=resnet', 'model', /Model "resnet" is unknown; using the default ffnn100/],
    ];
    for (const [bad, field, re] of cases) {
      // The bad field plus good ones: those are applied, the bad one keeps the default.
      const usesSeed = field === 'seed' || bad.includes('seed=');
      const good = usesSeed ? 'wd=0.5' : 'seed=42';
      const c = one(`?v=1&${bad}&${good}&opt=Adam`, re);
      expect(c[field]).toEqual(D[field]);
      expect(c.optimizers).toEqual(['Adam']);
      if (usesSeed) expect(c.weightDecay).toBe(0.5);
      else expect(c.seed).toBe(42);
    }
  });

  it('the page\'s own non-configuration parameters (backend) are no problem', () => {
    expect(decodeConfig('?backend=wasm&a0=1e-2', D)).toEqual({ config: { ...D, alpha0: 0.01 }, problems: [] });
  });

  it('unknown parameters, repeated parameters and broken percent-encoding', () => {
    expect(one('?a0=1e-2&utm_source=feed', /parameter "utm_source" is not a setting/).alpha0).toBe(0.01);
    expect(one('?a0=1e-2&a0=1e-4', /gives "a0" more than once; the last value counts/).alpha0).toBe(1e-4);
    expect(one('?a0=%E0%A4%A&seed=3', /not valid percent-encoding/).seed).toBe(3);
    // Percent-encoded values are decoded.
    expect(decodeConfig('?opt=SGD%2CAdam', D).config.optimizers).toEqual(['SGD', 'Adam']);
  });

  it('per-optimizer settings: each bad one falls back to its default alone', () => {
    const per = (search: string, re: RegExp) => one(search, re).perOptimizer;
    expect(per('?Foo.beta=1e-3&SGD-HD.lrMin=0', /settings for an unknown optimizer "Foo"/)).toEqual({ 'SGD-HD': { lrMin: '0' } });
    expect(per('?SGD.beta=1e-3&SGD.schedule.kind=cosine', /^SGD has no setting "beta"; it was ignored\.$/)).toEqual({ SGD: { 'schedule.kind': 'cosine' } });
    expect(per('?Adam-HD.legacyAdamEps=yes&Adam-HD.beta1=0.8', /Adam-HD Legacy ε placement \(reference\) "yes" must be true or false/)).toEqual({ 'Adam-HD': { beta1: '0.8' } });
    expect(per('?SGD.schedule.kind=warp', /SGD schedule "warp" must be one of constant, step/)).toEqual({});
    expect(per('?SGD.schedule.gamma=2&SGD.schedule.kind=step', /SGD schedule γ "2": gamma must be a number in \(0, 1\]/)).toEqual({ SGD: { 'schedule.kind': 'step' } });
    expect(per('?SGD-HD.beta=5', /^SGD-HD β \(hypergradient\) "5" must be between 1e-10 and 0\.1; using its default\.$/)).toEqual({});
    expect(per('?SGDM.dampening=2&SGDM.momentum=0.5', /SGDM Dampening "2" must be between 0 and 1/)).toEqual({ SGDM: { momentum: '0.5' } });
    expect(per('?SGDN.momentum=0', /must be > 0 and < 1 \(Nesterov\)/)).toEqual({});
    // A cross-field rule: α min above α max drops α min.
    expect(per('?SGD-HD.lrMin=1&SGD-HD.lrMax=0.5', /SGD-HD α min "1" must be ≤ α max/)).toEqual({ 'SGD-HD': { lrMax: '0.5' } });
    // Numbers are kept in canonical form.
    expect(decodeConfig('?Adam-HD.eps=0.00000001&Adam-HD.globalHypergradient=true', D).config.perOptimizer).toEqual({
      'Adam-HD': { eps: '1e-8', globalHypergradient: true },
    });
  });

  it('never throws, and always gives a configuration the page accepts (fuzz)', () => {
    const keys = ['v', 'opt', 'data', 'model', 'width', 'a0', 'bsgd', 'badam', 'mu', 'wd', 'bs', 'ep', 'it', 'eval', 'seed', 'seeds', 'smooth', 'x',
      'SGD-HD.beta', 'SGD-HD.lrMin', 'SGD-HD.lrMax', 'SGD.schedule.kind', 'SGD.schedule.gamma', 'Adam-HD.legacyAdamEps', 'Foo.bar', '__proto__', 'constructor.x', 'SGD.__proto__'];
    const value = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.constantFrom('1', '0', '1e-3', '-1', 'NaN', 'true', '%', '%zz', 'SGD,Adam-HD', 'step', '1e400', '', '+1', ' 0.5 '),
    );
    const link = fc.array(fc.tuple(fc.constantFrom(...keys), value), { maxLength: 12 }).map((pairs) =>
      '?' + pairs.map(([k, v]) => `${k}=${v}`).join('&'),
    );
    const check = (search: string) => {
      const { config, problems } = decodeConfig(search, D);
      expect(Array.isArray(problems)).toBe(true);
      for (const p of problems) expect(p).not.toMatch(/could not be read/); // no exception of its own
      expect(formOk(config)).toBe(true);
    };
    fc.assert(fc.property(link, check), { numRuns: 1000 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), check), { numRuns: 1000 });
  });

  it('the chart view travels too: flags as 0/1, lr axis, runs shown; a bad value is named and defaulted', () => {
    const { config, problems } = decodeConfig('?v=1&logy=1&lr=linear&y0=1&fam=sgdn&diff=1&each=1', D);
    expect(problems).toEqual([]);
    expect(config).toMatchObject({ logY: true, lrScale: 'linear', fromZero: true, family: 'sgdn', diffFromBaseline: true, showSeeds: true });
    const bad = decodeConfig('?v=1&logy=yes&lr=log&fam=resnet', D);
    expect(bad.config).toMatchObject({ logY: false, lrScale: 'symlog', family: 'all' });
    expect(bad.problems).toEqual([
      'Log y "yes" must be 0 or 1; using the default 0.',
      'Learning-rate axis "log" must be one of symlog, linear; using the default symlog.',
      expect.stringMatching(/^Runs shown "resnet" must be one of all, sgd, .*; using the default all\.$/),
    ]);
  });
});

describe('second-order optimizers in a link (ESGD-M, L-BFGS)', () => {
  it('their settings round-trip, a boolean as true/false and an empty max evaluations as null', () => {
    const c: PageConfig = {
      ...D, optimizers: ['ESGD-M', 'L-BFGS'], xAxis: 'gradEvals', family: 'lbfgs',
      perOptimizer: {
        'ESGD-M': { lrWarmup: '0.9', updateDEvery: '5', dWarmup: '3', beta2: '1', eps: '1e-4' },
        'L-BFGS': { maxIter: '10', maxEval: '', toleranceGrad: '1e-5', toleranceChange: '0', historySize: '7', strongWolfe: true },
      },
    };
    const link = encodeConfig(c);
    expect(link).toContain('&x=gradEvals&');
    expect(link).toContain('&L-BFGS.maxEval=&');
    expect(link).toContain('&L-BFGS.strongWolfe=true');
    expect(decodeConfig(link, D)).toEqual({ config: c, problems: [] });
    // What a run then gets: the TrainConfig options.
    const page = configTexts(c);
    expect(validateOptimizerOptions('L-BFGS', c.perOptimizer['L-BFGS'], page).parsed?.options).toMatchObject({
      maxIter: 10, maxEval: null, toleranceGrad: 1e-5, toleranceChange: 0, historySize: 7, strongWolfe: true,
    });
    expect(validateOptimizerOptions('ESGD-M', c.perOptimizer['ESGD-M'], page).parsed?.options).toMatchObject({
      lrWarmup: 0.9, updateDEvery: 5, dWarmup: 3, beta2: 1, eps: 1e-4,
    });
    // strongWolfe false and a numeric max evaluations travel too.
    const c2: PageConfig = { ...c, perOptimizer: { 'L-BFGS': { maxEval: '25', strongWolfe: false } } };
    expect(decodeConfig(encodeConfig(c2), D)).toEqual({ config: c2, problems: [] });
  });

  it('a bad value of theirs costs only that setting', () => {
    const { config, problems } = decodeConfig('?v=1&opt=L-BFGS&L-BFGS.historySize=0&L-BFGS.strongWolfe=yes&L-BFGS.maxIter=4', D);
    expect(config.perOptimizer).toEqual({ 'L-BFGS': { maxIter: '4' } });
    expect(problems).toEqual([
      'L-BFGS Strong-Wolfe line search "yes" must be true or false; using its default.',
      'L-BFGS History size "0" must be a whole number ≥ 1; using its default.',
    ]);
  });
});

describe('the Stack optimizer in a link (its stack as text)', () => {
  it('round-trips the stack as the paper writes it, "/" readable', () => {
    const c: PageConfig = { ...D, optimizers: ['Adam', 'Stack'], perOptimizer: { Stack: { stack: 'Adamα / SGD(κ=1e-3) / SGD(1e-4)' } } };
    const link = encodeConfig(c);
    expect(link).toContain('&Stack.stack=Adam%CE%B1%20/%20SGD(0.001)%20/%20SGD(1e-4)');
    // Canonical form (formatStack): κ= is the step size, so it is written positionally.
    const back = { ...c, perOptimizer: { Stack: { stack: 'Adamα / SGD(0.001) / SGD(1e-4)' } } };
    expect(decodeConfig(link, D)).toEqual({ config: back, problems: [] });
    expect(decodeConfig(encodeConfig(back), D)).toEqual({ config: back, problems: [] });
    // What a run then gets.
    expect(validateOptimizerOptions('Stack', back.perOptimizer.Stack, configTexts(back)).parsed?.options.stack).toBe('Adamα / SGD(0.001) / SGD(1e-4)');
  });

  it('reads a hand-written stack into canonical form', () => {
    const { config, problems } = decodeConfig('?opt=Stack&Stack.stack=sgd(0.01,%20mu%3D0.9)/adam(0.0001)', D);
    expect(problems).toEqual([]);
    expect(config.perOptimizer).toEqual({ Stack: { stack: 'SGD(0.01, μ=0.9) / Adam(1e-4)' } });
  });

  it('a malformed stack is named with the parser\'s message and falls back to the default', () => {
    const bad = (search: string) => decodeConfig(search, D);
    const unknown = bad('?opt=Stack&Stack.stack=Adam%20/%20Foo(1e-3)&Stack.alpha0=0.01');
    expect(unknown.config.perOptimizer).toEqual({ Stack: { alpha0: '0.01' } });
    expect(unknown.problems).toEqual([
      'Stack stack "Adam / Foo(1e-3)" cannot be read: level 2: unknown optimizer "Foo" (known: SGD, Adam, RMSProp, AdaGrad); using its default.',
    ]);
    expect(bad('?Stack.stack=Adam%20/%20SGD(1e-3').problems).toEqual([
      'Stack stack "Adam / SGD(1e-3" cannot be read: Unbalanced parentheses in "Adam / SGD(1e-3"; using its default.',
    ]);
    expect(bad('?Stack.stack=').problems).toEqual([expect.stringMatching(/^Stack stack "" cannot be read: Empty stack spec/)]);
    expect(bad('?Stack.stack=SGD%CE%BC(0.01)%20/%20SGD').config.perOptimizer).toEqual({});
    for (const search of ['?Stack.stack=Adam%20/%20Foo', '?Stack.stack=1e-3', '?Stack.stack=SGD(-1)']) {
      const r = bad(search);
      expect(r.config.perOptimizer).toEqual({});
      expect(r.problems).toHaveLength(1);
      expect(formOk({ ...r.config, optimizers: ['Stack'] })).toBe(true);
    }
  });
});
