// Generators of valid page configurations (the form's rules), shared by urlConfig.test.ts and
// fuzz-urlConfig.test.ts, and the page's defaults as the store has them.
import fc from 'fast-check';
import type { ModelName } from '../../src/engine/types';
import { DATASET_NAMES } from '../../src/data/datasets';
import { OPTIMIZER_NAMES, optimizerInfo } from '../../src/optim/catalog';
import { SCHEDULE_KINDS } from '../../src/optim/schedules';
import { STACK_CLASSES, formatStack, type StackLevel, type StackOptimizer } from '../../src/optim/stackSpec';
import { X_AXES } from '../../src/series/axes';
import { configTexts, numberText, VIEW_DEFAULTS, type PageConfig } from '../../src/share/urlConfig';
import { WIDTHS } from '../../src/models/catalog';
import { DEFAULTS } from '../../src/store/configStore';
import {
  OPTION_META,
  SCHEDULE_KIND_KEY,
  hasSchedule,
  optionKeysOf,
  validateForm,
  type OptionKey,
  type OptionTexts,
  type PerOptimizerTexts,
} from '../../src/config/optimizerOptions';
import { ALPHA0_RANGE, BETA_RANGE } from '../../src/config/validate';

// The page's defaults as the store has them, plus the view fields. (Typed as PageConfig: a field
// the store's DEFAULTS lacks is a type error here; toEqual below catches one it has in excess.)
export const D: PageConfig = { ...DEFAULTS, optimizers: DEFAULTS.optimizers.slice(), perOptimizer: {}, ...VIEW_DEFAULTS };

// ---------- generators of valid configurations ----------

const num = (min: number, max: number) => fc.double({ min, max, noNaN: true }).map((v) => (Object.is(v, -0) ? 0 : v));
const text = (a: fc.Arbitrary<number>) => a.map(numberText);

/** One level of a stack: any class, α given or not, its extras, a non-empty tuned list it can print. */
const stackLevelArb: fc.Arbitrary<StackLevel> = fc.constantFrom<StackOptimizer>('SGD', 'Adam', 'RMSProp', 'AdaGrad').chain((optimizer) =>
  fc
    .record({
      alpha: fc.option(num(0, 1)),
      mu: fc.oneof(fc.constant(0), num(0, 0.99)),
      beta1: num(0.01, 0.99),
      beta2: num(0.01, 0.999),
      gamma: num(0.01, 0.99),
      tuned: fc.subarray([...STACK_CLASSES[optimizer].tunable], { minLength: 1 }),
    })
    .map(({ alpha, mu, beta1, beta2, gamma, tuned }) => {
      const level: StackLevel = { optimizer, alpha, tuned };
      if (optimizer === 'SGD') {
        level.mu = mu;
        // μ is tuned only with momentum (parseStack's rule).
        if (mu === 0) level.tuned = tuned.includes('alpha') ? ['alpha', 'mu'] : ['alpha'];
      }
      if (optimizer === 'Adam') Object.assign(level, { beta1, beta2, eps: 1e-8 });
      if (optimizer === 'RMSProp') level.gamma = gamma;
      return level;
    }),
);

/** A stack in canonical form (formatStack of 1 to 4 levels). */
export const stackArb: fc.Arbitrary<string> = fc.array(stackLevelArb, { minLength: 1, maxLength: 4 }).map((levels) => formatStack({ levels }));

/** A valid text for one per-optimizer key (the rules of optimizerOptions.ts). */
function optionValue(name: string, key: string): fc.Arbitrary<string | boolean> {
  const info = optimizerInfo(name);
  if (key in OPTION_META && OPTION_META[key as OptionKey].kind === 'boolean') return fc.boolean();
  switch (key) {
    case 'stack': // the paper's notation, canonical (formatStack), as the form stores a link's stack
      return stackArb;
    case 'controller': // a shipped controller's id, or a loaded one's file:<16 hex> (this browser need not have it)
      return fc.oneof(
        fc.constant('mnist-mlp3-discrete'),
        fc.array(fc.constantFrom(...'0123456789abcdef'), { minLength: 16, maxLength: 16 }).map((h) => `file:${h.join('')}`),
      );
    case 'momentum':
      return text(info.defaults.nesterov ? num(0.01, 0.99) : num(0, 0.99));
    case 'beta':
      return text(num(BETA_RANGE.min, BETA_RANGE.max));
    case 'alpha0':
      return text(num(ALPHA0_RANGE.min, ALPHA0_RANGE.max));
    case 'beta1': case 'beta2': case 'lrBeta1': case 'lrBeta2': case 'lrMomentum':
      return text(num(0, 0.99));
    case 'dampening': case 'lrDampening': case 'rho': case 'rmsAlpha':
      return text(num(0, 1));
    case 'lrMin':
      return fc.oneof(fc.constant(''), text(num(-1, 0)));
    case 'lrMax':
      return fc.oneof(fc.constant(''), text(num(0.5, 2)));
    case SCHEDULE_KIND_KEY:
      return fc.constantFrom(...SCHEDULE_KINDS);
    case 'schedule.stepSize': return text(fc.integer({ min: 1, max: 10000 }));
    case 'schedule.gamma': return text(num(1e-6, 1));
    case 'schedule.tMax': return text(fc.integer({ min: 1, max: 100000 }));
    case 'schedule.minFactor': return text(num(0, 1));
    case 'schedule.warmup': return text(fc.integer({ min: 0, max: 1000 }));
    // ESGD-M and L-BFGS
    case 'lrWarmup':
      return text(num(0, 0.99));
    case 'updateDEvery': case 'dWarmup': case 'maxIter': case 'historySize':
      return text(fc.integer({ min: 1, max: 1000 }));
    case 'maxEval': // empty: torch's default ⌊maxIter·5/4⌋ (null)
      return fc.oneof(fc.constant(''), text(fc.integer({ min: 1, max: 1000 })));
    // Learning-rate free
    case 'd0': case 'dCoef': case 'cocobAlpha': case 'repsRel':
      return text(num(1e-9, 100));
    case 'growthRate': // empty: no limit (null)
      return fc.oneof(fc.constant(''), text(num(1, 100)));
    case 'beta3': // empty: √β₂ (null)
      return fc.oneof(fc.constant(''), text(num(0, 0.99)));
    case 'warmupSteps':
      return text(fc.integer({ min: 0, max: 1000 }));
    default: // eps, lrEps, lrDecay, initialAccumulator, schedule.decay, averageGamma, sfR, weightLrPower: ≥ 0
      return text(num(0, 10));
  }
}

function settingsOf(name: string): fc.Arbitrary<OptionTexts> {
  const info = optimizerInfo(name);
  const keys: string[] = [...optionKeysOf(info)];
  if (hasSchedule(info)) keys.push(SCHEDULE_KIND_KEY, 'schedule.stepSize', 'schedule.gamma', 'schedule.decay', 'schedule.tMax', 'schedule.minFactor', 'schedule.warmup');
  return fc.record(Object.fromEntries(keys.map((k) => [k, optionValue(name, k)])), { requiredKeys: [] }) as fc.Arbitrary<OptionTexts>;
}

export const perOptimizerArb: fc.Arbitrary<PerOptimizerTexts> = fc
  .subarray([...OPTIMIZER_NAMES], { maxLength: 4 })
  .chain((names) => fc.tuple(...names.map(settingsOf)).map((all) => {
    const out: PerOptimizerTexts = {};
    names.forEach((n, i) => {
      if (Object.keys(all[i]).length > 0) out[n] = all[i];
    });
    return out;
  }));

export const configArb: fc.Arbitrary<PageConfig> = fc.record({
  optimizers: fc.subarray([...OPTIMIZER_NAMES], { minLength: 1 }),
  alpha0: num(1e-6, 1),
  betaSgd: num(BETA_RANGE.min, BETA_RANGE.max),
  betaAdam: num(BETA_RANGE.min, BETA_RANGE.max),
  momentum: num(1e-9, 0.999999),
  weightDecay: num(0, 1),
  batchSize: fc.integer({ min: 1, max: 60000 }),
  epochs: fc.integer({ min: 1, max: 1000 }),
  iterations: fc.option(fc.integer({ min: 1, max: 10_000_000 })),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 10 }), // seed + seeds − 1 ≤ 2^31 − 1 (a form rule)
  evalEvery: fc.option(fc.integer({ min: 1, max: 10_000_000 })),
  dataset: fc.constantFrom(...DATASET_NAMES),
  model: fc.constantFrom<ModelName>('logreg', 'ffnn100', 'mlp', 'mlp3', 'mlp128tanh', 'lenet5', 'vgg16bn', 'resnet18'),
  perOptimizer: perOptimizerArb,
  width: fc.constantFrom(...WIDTHS),
  seeds: fc.integer({ min: 1, max: 10 }),
  smoothing: num(0, 0.999),
  xAxis: fc.constantFrom(...X_AXES),
  logY: fc.boolean(),
  lrScale: fc.constantFrom<'symlog' | 'linear'>('symlog', 'linear'),
  fromZero: fc.boolean(),
  family: fc.constantFrom<PageConfig['family']>('all', 'sgd', 'sgdm', 'sgdn', 'adam', 'adagrad', 'adadelta', 'adamax', 'rmsprop', 'esgd', 'lbfgs', 'lrfree', 'stack'),
  diffFromBaseline: fc.boolean(),
  showSeeds: fc.boolean(),
});

/** Is a configuration one the page accepts? (The form's own validation.) */
export function formOk(c: PageConfig): boolean {
  return validateForm(configTexts(c), Object.keys(c.perOptimizer).concat(c.optimizers).filter((n, i, a) => a.indexOf(n) === i), c.perOptimizer).ok;
}
