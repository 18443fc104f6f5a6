// Fuzzing the link codec (src/share/urlConfig.ts): random query strings, links made of the page's own
// parameters with hostile values, and valid links with characters changed; FUZZ_RUNS cases each, fixed
// seeds. Bad input must only ever cost fields: decodeConfig never throws, its safety net (a problem
// saying the link "could not be read") never fires, every problem is one sentence, the configuration it
// gives is one the form accepts, and it encodes to a link that reads back as itself with no problem.
// Valid configurations round-trip: decodeConfig(encodeConfig(c)) = c. No case over CASE_LIMIT_MS.
//
// Cases: FUZZ_RUNS (10,000) bad links in all, split over the three kinds (a valid configuration costs
// ~1 ms to generate, one decode ~0.6 ms: this file stays under 20 s on two cores), and ROUND_TRIPS
// (10,000) valid configurations on top (urlConfig.test.ts round-trips 300 more against random defaults).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OPTIMIZER_NAMES } from '../../src/optim/catalog';
import { decodeConfig, encodeConfig, type PageConfig } from '../../src/share/urlConfig';
import { applyTextEdits, FUZZ_RUNS, slowest, textEditArb, timedSync } from './fuzzHelpers';

const ROUND_TRIPS = FUZZ_RUNS;
const RANDOM = Math.round(FUZZ_RUNS * 0.4);
const HOSTILE = Math.round(FUZZ_RUNS * 0.3);
const MUTATED = FUZZ_RUNS - RANDOM - HOSTILE;
import { configArb, D, formOk } from './pageConfigArbs';

/** The checks every decoded link must pass; returns the configuration. */
function checkDecoded(search: string, defaults: PageConfig = D): PageConfig {
  const { config, problems } = decodeConfig(search, defaults);
  expect(Array.isArray(problems)).toBe(true);
  for (const p of problems) {
    expect(typeof p).toBe('string');
    expect(p).not.toMatch(/could not be read/); // the catch-all: an exception of the decoder's own
    expect(p).not.toMatch(/\n/);
    expect(p.length).toBeLessThan(1_000);
  }
  expect(formOk(config)).toBe(true);
  // Whatever came out is a configuration the page can put back into a link, exactly.
  expect(decodeConfig(encodeConfig(config), defaults)).toEqual({ config, problems: [] });
  return config;
}

const PARAM_KEYS = [
  'v', 'opt', 'data', 'model', 'width', 'a0', 'bsgd', 'badam', 'mu', 'wd', 'bs', 'ep', 'it', 'eval', 'seed', 'seeds',
  'smooth', 'x', 'logy', 'lr', 'y0', 'fam', 'diff', 'each', 'backend',
  ...OPTIMIZER_NAMES.slice(0, 6).flatMap((n) => [`${n}.beta`, `${n}.lrMin`, `${n}.lrMax`, `${n}.alpha0`, `${n}.schedule.kind`, `${n}.schedule.gamma`, `${n}.schedule.stepSize`, `${n}.nesterov`]),
  'Adam-HD.legacyAdamEps', 'Adam.beta1', 'Foo.bar', '__proto__', 'constructor', 'constructor.x', 'SGD.__proto__', 'SGD.', '.x', 'hasOwnProperty', 'toString',
];
const HOSTILE_VALUES = [
  '1', '0', '-0', '1e-3', '-1', 'NaN', 'Infinity', '-Infinity', 'true', 'false', '%', '%zz', '%E0%A4%A', '%00', 'SGD,Adam-HD', ',,,', 'step',
  'cosine', '1e400', '1e-400', '', '+1', ' 0.5 ', '0x10', '1_000', '2147483648', '9007199254740993', 'symlog', 'linear', 'all', 'sgdn',
  'mnist', 'cifar10', 'vgg16bn', '0.125', '__proto__', '\u0000', '\uD800', '🙂', 'a'.repeat(500),
];
const keyArb = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...PARAM_KEYS) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) });
const valueArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_VALUES) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 16 }) },
  { weight: 1, arbitrary: fc.double().map(String) },
  { weight: 1, arbitrary: fc.integer().map(String) },
);
const encodeMaybe = (s: string, raw: boolean): string => {
  if (raw) return s;
  try {
    return encodeURIComponent(s);
  } catch {
    return s; // a lone surrogate: sent raw
  }
};
/** A link of the page's parameters (or others), values hostile, percent-encoded or raw. */
const linkArb = fc
  .array(fc.tuple(keyArb, valueArb, fc.boolean(), fc.constantFrom('=', '', '==')), { maxLength: 16 })
  .chain((pairs) => fc.constantFrom('?', '', '#', '??').map((lead) => lead + pairs.map(([k, v, raw, eq]) => `${encodeMaybe(k, raw)}${eq}${encodeMaybe(v, raw)}`).join('&')));

const editArb = textEditArb(
  12,
  fc.oneof(fc.constantFrom('&', '=', '%', '.', ',', '+', '?', '#', '%2', '&v=2', '&opt=', '=1e999', '-'), fc.string({ maxLength: 6 })),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 2 }),
);

describe('fuzz counterexamples (regressions)', () => {
  it('"-0" reads as 0, so the link it gives reads back the same ("?smooth=-0")', () => {
    for (const link of ['?smooth=-0', '?wd=-0', '?mu=-0.0', '?SGD.schedule.minFactor=-0']) {
      expect(Object.is(checkDecoded(link).smoothing, 0)).toBe(true);
    }
    expect(Object.is(checkDecoded('?wd=-0').weightDecay, 0)).toBe(true);
  });
});

describe('fuzz: the link codec', () => {
  it(`round-trips ${ROUND_TRIPS} valid configurations`, () => {
    slowest.ms = 0;
    fc.assert(
      fc.property(configArb, (c) =>
        timedSync(() => {
          expect(decodeConfig(encodeConfig(c), D)).toEqual({ config: c, problems: [] });
        }),
      ),
      { numRuns: ROUND_TRIPS, seed: 0x5eed_0001 },
    );
    console.log(`round trip: slowest case ${slowest.ms.toFixed(1)} ms`);
  });

  it(`reads ${RANDOM} random query strings without throwing`, () => {
    slowest.ms = 0;
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: fc.constantFrom('&', '=', '%', '.', ',', '+', 'a', '1', 'e', '-', '?'), maxLength: 80 })), (s) =>
        timedSync(() => void checkDecoded(s)),
      ),
      { numRuns: RANDOM, seed: 0x5eed_0002 },
    );
    console.log(`random strings: slowest case ${slowest.ms.toFixed(1)} ms`);
  });

  it(`reads ${HOSTILE} links of the page's parameters with hostile values`, () => {
    slowest.ms = 0;
    fc.assert(fc.property(linkArb, (s) => timedSync(() => void checkDecoded(s))), { numRuns: HOSTILE, seed: 0x5eed_0003 });
    console.log(`hostile links: slowest case ${slowest.ms.toFixed(1)} ms`);
  });

  it(`reads ${MUTATED} valid links with characters changed`, () => {
    slowest.ms = 0;
    fc.assert(
      fc.property(configArb, fc.array(editArb, { minLength: 1, maxLength: 4 }), (c, edits) =>
        timedSync(() => void checkDecoded(applyTextEdits(encodeConfig(c), edits))),
      ),
      { numRuns: MUTATED, seed: 0x5eed_0004 },
    );
    console.log(`mutated links: slowest case ${slowest.ms.toFixed(1)} ms`);
  });
});
