// Per-optimizer settings (issue 3, Deliver 7): what the person typed or ticked in each selected
// optimizer's "Settings" section, and its pure validation into `TrainConfig.options`. No React, no DOM.
//
// Model of the form:
// - The store keeps only what the person changed, per optimizer (`OptionTexts`: a sparse record
//   keyed by Hyper field, or `schedule.<field>` for the schedule). Everything else shows, and runs
//   with, the optimizer's own default: HYPER_DEFAULTS overlaid with the catalog's `defaults`.
// - Three fields are *linked* to page-wide fields: α₀ (`alpha0`) shows the page's α₀, μ (`momentum`)
//   the page's "Momentum μ" and β (`beta`) the page's β of the optimizer's group, because the engine
//   runs with those page-wide values (TrainConfig.alpha0 / momentum / beta). A per-optimizer value
//   overrides them for that optimizer only once the person has changed it here (so a comparison can
//   run each optimizer at its own default α₀, as the classic comparison preset does).
// - Weight decay stays page-wide only.
import type { Hyper } from '../optim/hyper';
import { HYPER_DEFAULTS } from '../optim/hyper';
import { formatStack, parseStack } from '../optim/stackSpec';
import { controllerRefProblem } from '../rl/shippedControllers';
import { optimizerInfo, takesPageMomentum, type OptimizerInfo } from '../optim/catalog';
import {
  CONSTANT,
  SCHEDULE_KINDS,
  validateSchedule,
  type ScheduleKind,
  type ScheduleSpec,
} from '../optim/schedules';
import {
  ALPHA0_RANGE,
  BETA_RANGE,
  MESSAGES,
  formatForPeople,
  formatRange,
  parseNumber,
  validateAll,
  type FieldTexts,
  type Validation,
} from './validate';

/** What the person changed for one optimizer: Hyper keys and `schedule.<field>` keys. */
export type OptionTexts = Record<string, string | boolean>;
/** Per optimizer name. */
export type PerOptimizerTexts = Record<string, OptionTexts>;

/** Hyper fields with their own control (the schedule has its own group of controls). */
export type OptionKey = Exclude<keyof Hyper, 'weightDecay' | 'schedule'>;
export type OptionGroup = 'model' | 'lr' | 'quirk' | 'safeguard';

export interface OptionMeta {
  group: OptionGroup;
  kind: 'number' | 'boolean' | 'text';
  /** Short visible label (the accessible name is "<optimizer>: <label>"). */
  label: string;
  /** One-line hint shown under the control (also its accessible description). */
  hint?: string;
}

const REF_DEFAULT_OFF = 'Default (off) is the reference behaviour.';

export const OPTION_META: Record<OptionKey, OptionMeta> = {
  // Model optimizer
  alpha0: { group: 'model', kind: 'number', label: 'α₀', hint: 'the page-wide α₀ until changed here' },
  momentum: { group: 'model', kind: 'number', label: 'μ (momentum)', hint: 'the page-wide Momentum μ until changed here' },
  dampening: { group: 'model', kind: 'number', label: 'Dampening', hint: '0 ≤ dampening ≤ 1' },
  nesterov: { group: 'model', kind: 'boolean', label: 'Nesterov momentum' },
  beta1: { group: 'model', kind: 'number', label: 'β₁', hint: '0 ≤ β₁ < 1' },
  beta2: { group: 'model', kind: 'number', label: 'β₂', hint: '0 ≤ β₂ < 1' },
  eps: { group: 'model', kind: 'number', label: 'ε', hint: '≥ 0' },
  lrDecay: { group: 'model', kind: 'number', label: 'lr decay', hint: 'Adagrad: α / (1 + (t−1)·decay), ≥ 0' },
  initialAccumulator: { group: 'model', kind: 'number', label: 'Initial accumulator', hint: '≥ 0' },
  rho: { group: 'model', kind: 'number', label: 'ρ', hint: 'Adadelta decay, 0 ≤ ρ ≤ 1' },
  rmsAlpha: { group: 'model', kind: 'number', label: 'α (RMSProp smoothing)', hint: '0 ≤ α ≤ 1' },
  centered: { group: 'model', kind: 'boolean', label: 'Centred', hint: 'divide by the centred second moment (variance estimate)' },
  // ESGD-M (crowsonkb/esgd) and L-BFGS (torch.optim.LBFGS)
  lrWarmup: { group: 'model', kind: 'number', label: 'lr warm-up', hint: 'ESGD-M: step size lr·(1 − lr_warmup^k) after k Hessian steps, 0 ≤ value < 1 (0 = none)' },
  updateDEvery: { group: 'model', kind: 'number', label: 'Hessian every', hint: 'estimate the Hessian diagonal every this many steps, whole number ≥ 1' },
  dWarmup: { group: 'model', kind: 'number', label: 'Hessian warm-up', hint: 'and on each of the first this many steps, whole number ≥ 1' },
  maxIter: { group: 'model', kind: 'number', label: 'Max iterations', hint: 'inner L-BFGS iterations per step, whole number ≥ 1' },
  maxEval: { group: 'model', kind: 'number', label: 'Max evaluations', hint: 'loss/gradient evaluations per step; empty = ⌊max iterations·5/4⌋' },
  toleranceGrad: { group: 'model', kind: 'number', label: 'Gradient tolerance', hint: 'stop the step when max|g| ≤ this, ≥ 0' },
  toleranceChange: { group: 'model', kind: 'number', label: 'Change tolerance', hint: 'stop when the loss or step changes less, ≥ 0' },
  historySize: { group: 'model', kind: 'number', label: 'History size', hint: 'curvature pairs kept, whole number ≥ 1' },
  strongWolfe: { group: 'model', kind: 'boolean', label: 'Strong-Wolfe line search', hint: "line_search_fn='strong_wolfe'; unticked, fixed steps of α₀" },
  // Learning-rate-free optimizers (α₀ is their lr scale)
  d0: { group: 'model', kind: 'number', label: 'd₀', hint: 'initial estimate of the distance to the solution, > 0' },
  growthRate: { group: 'model', kind: 'number', label: 'Growth rate', hint: 'd grows by at most this factor per step, ≥ 1; empty = no limit' },
  dCoef: { group: 'model', kind: 'number', label: 'd coefficient', hint: 'multiplies the d estimate, > 0' },
  beta3: { group: 'model', kind: 'number', label: 'β₃', hint: '0 ≤ β₃ < 1; empty = √β₂' },
  decouple: { group: 'model', kind: 'boolean', label: 'Decoupled weight decay', hint: 'AdamW-style: θ shrinks by lr·wd each step instead of wd·θ in the gradient' },
  useBiasCorrection: { group: 'model', kind: 'boolean', label: 'Bias correction', hint: "Adam's bias correction in the step size" },
  safeguardWarmup: { group: 'model', kind: 'boolean', label: 'Safeguard warm-up', hint: 'leave lr out of the d estimate while it warms up' },
  cocobAlpha: { group: 'model', kind: 'number', label: 'α (COCOB)', hint: 'bounds the early betting fraction, > 0' },
  repsRel: { group: 'model', kind: 'number', label: 'r_ε (relative)', hint: 'first movement r_ε·(1 + |θ₀|), > 0' },
  averageGamma: { group: 'model', kind: 'number', label: 'Averaging γ', hint: 'polynomial-decay averaging of the iterates (evaluation uses the average), ≥ 0' },
  warmupSteps: { group: 'model', kind: 'number', label: 'Warm-up steps', hint: 'linear warm-up of lr, whole number ≥ 0' },
  sfR: { group: 'model', kind: 'number', label: 'r', hint: 'weighting power of the averaging, ≥ 0 (0 = uniform)' },
  weightLrPower: { group: 'model', kind: 'number', label: 'Weight lr power', hint: 'averaging weight lr^power, ≥ 0' },
  // Stacked hyperoptimizers
  stack: {
    group: 'model',
    kind: 'text',
    label: 'Stack',
    hint: 'levels bottom to top, "/" between them: the model optimizer, then the optimizer of its hyperparameters, … e.g. Adam / SGD(1e-5) or Adamα / SGD(κ=1e-3) / SGD(1e-4)',
  },
  // Learned schedule (src/rl/)
  controller: {
    group: 'model',
    kind: 'text',
    label: 'Controller',
    hint: 'the trained controller that rescales α every 10 steps: a shipped one, or one loaded from a file trained by `npm run controller -- train`',
  },
  // Learning-rate optimizer
  beta: { group: 'lr', kind: 'number', label: 'β (hypergradient)', hint: 'the page-wide β of this family until changed here' },
  lrMomentum: { group: 'lr', kind: 'number', label: 'μ_h', hint: 'momentum on α, 0 ≤ μ_h < 1' },
  lrDampening: { group: 'lr', kind: 'number', label: 'dampening_h', hint: 'dampening on α, 0 ≤ dampening_h ≤ 1' },
  lrNesterov: { group: 'lr', kind: 'boolean', label: 'Nesterov on α (off = heavy-ball)' },
  lrBeta1: { group: 'lr', kind: 'number', label: 'β₁ (lr)', hint: 'β₁ of Adam on α, 0 ≤ β₁ < 1' },
  lrBeta2: { group: 'lr', kind: 'number', label: 'β₂ (lr)', hint: 'β₂ of Adam on α, 0 ≤ β₂ < 1' },
  lrEps: { group: 'lr', kind: 'number', label: 'ε (lr)', hint: 'ε of Adam on α, ≥ 0' },
  multiplicativeHypergradient: {
    group: 'lr',
    kind: 'boolean',
    label: 'Multiplicative rule: α ← α·(1 − β·cos)',
    hint: 'Baydin et al. (ICLR 2018): α changes by β times the cosine of g_t and u_{t−1} (relative step; try β ≈ 0.01)',
  },
  hdAdagrad: {
    group: 'lr',
    kind: 'boolean',
    label: 'AdaGrad on the hyper-step: β/√(Σh²)',
    hint: 'Chu, Gao, Ye & Udell (ICML 2025; udellgroup/osgm-best-hypergrad): step β/(√Σh² + 1e-12) on α',
  },
  hdNullSteps: {
    group: 'lr',
    kind: 'boolean',
    label: 'Null steps: keep θ unless the step lowers the loss',
    hint: 'Chu, Gao, Ye & Udell (ICML 2025): a step that does not lower the minibatch loss is not taken (one more loss evaluation per step)',
  },
  // Reference quirks (spec §4): reference behaviour by default
  globalHypergradient: {
    group: 'quirk',
    kind: 'boolean',
    label: "One global hypergradient (paper) instead of the reference's per-tensor in-loop update",
    hint: `The reference updates α inside its loop over parameter tensors, once per tensor in parameter order; ticked, one hypergradient over all parameters per step, as in the paper. ${REF_DEFAULT_OFF}`,
  },
  correctedLrBiasCorrection: {
    group: 'quirk',
    kind: 'boolean',
    label: 'Corrected bias correction (t−1) of Adam on α',
    hint: `The reference's Adam on α bias-corrects with exponent t, one step ahead of its moments; ticked, it uses t−1. ${REF_DEFAULT_OFF}`,
  },
  legacyAdamEps: {
    group: 'quirk',
    kind: 'boolean',
    label: 'Legacy ε placement (reference)',
    hint: "The reference's Adam adds ε after the bias correction, √bc₂/bc₁·m/(√v+ε); unticked, torch ≥ 1.3's placement. Default (ticked) is the reference behaviour.",
  },
  // Safeguards (off = empty)
  lrMin: { group: 'safeguard', kind: 'number', label: 'α min', hint: 'clip α from below; empty = off' },
  lrMax: { group: 'safeguard', kind: 'number', label: 'α max', hint: 'clip α from above; empty = off' },
};

export const GROUP_LEGENDS: Record<OptionGroup | 'schedule', string> = {
  model: 'Model optimizer',
  lr: 'Learning-rate optimizer',
  quirk: 'Reference quirks',
  safeguard: 'Safeguards',
  schedule: 'Schedule',
};

/** Label of the safeguard checkbox that sets α min to 0. */
export const FORBID_NEGATIVE_LABEL = 'Forbid negative α';

// ---------- schedule ----------

export type ScheduleField = Exclude<keyof ScheduleSpec, 'kind'>;
export const SCHEDULE_KIND_KEY = 'schedule.kind';
export const scheduleKey = (f: ScheduleField): string => `schedule.${f}`;

export const SCHEDULE_KIND_LABELS: Record<ScheduleKind, string> = {
  constant: 'constant',
  step: 'step decay (× γ every k iterations)',
  exponential: 'exponential decay (× γ per iteration)',
  inverse: '1/t decay',
  cosine: 'cosine annealing',
};

export const SCHEDULE_FIELD_META: Record<ScheduleField, { label: string; hint: string }> = {
  stepSize: { label: 'Step size k', hint: 'iterations between decays, whole number ≥ 1' },
  gamma: { label: 'γ', hint: 'decay factor, 0 < γ ≤ 1' },
  decay: { label: 'Decay', hint: 'α₀ / (1 + decay·(t−1)), ≥ 0' },
  tMax: { label: 'T_max', hint: 'iterations to anneal over, whole number ≥ 1' },
  minFactor: { label: 'Min factor', hint: 'final α / α₀, in [0, 1]' },
  warmup: { label: 'Warm-up', hint: 'linear warm-up iterations before the decay, 0 = none' },
};

/** The schedule fields a kind uses, warm-up last (warm-up combines with every kind). */
export function scheduleFieldsOf(kind: ScheduleKind): ScheduleField[] {
  const used: Record<ScheduleKind, ScheduleField[]> = {
    constant: [],
    step: ['stepSize', 'gamma'],
    exponential: ['gamma'],
    inverse: ['decay'],
    cosine: ['tMax', 'minFactor'],
  };
  return [...used[kind], 'warmup'];
}

// ---------- defaults and displayed values ----------

/** The optimizer's own defaults: HYPER_DEFAULTS overlaid with the catalog's `defaults`. */
export function optimizerDefaults(name: string): Hyper {
  return { ...HYPER_DEFAULTS, ...optimizerInfo(name).defaults };
}

/** The controls an optimizer's section shows: α₀ (every optimizer has one), then catalog `tunable` order. */
export function optionKeysOf(info: OptimizerInfo): OptionKey[] {
  return ['alpha0', ...info.tunable.filter((k): k is OptionKey => k in OPTION_META && k !== 'alpha0')];
}

export function hasSchedule(info: OptimizerInfo): boolean {
  return info.tunable.includes('schedule');
}

/**
 * Fields that show (and run with) a page-wide field until changed per optimizer. Not α₀ of the second-order
 * optimizers: their lr scales a curvature-normalised step (ESGD-M) or a quasi-Newton step (L-BFGS), where
 * 1 is the natural value and the page's 1e-3 would barely move (measured: ESGD-M at α₀ 0.01 reached 15 %
 * accuracy in 30 iterations on MNIST, Adam-HD 86 %). They run at their own default (1) until changed here.
 */
export function isLinked(key: string, info: OptimizerInfo): key is 'alpha0' | 'momentum' | 'beta' {
  if (key === 'alpha0') return info.group !== 'second-order' && info.group !== 'lr-free';
  return key === 'beta' || (key === 'momentum' && takesPageMomentum(info));
}

/** α₀'s hint for optimizers that keep their own α₀ (not linked to the page's). */
export const OWN_ALPHA0_HINT = "this optimizer's own lr scale, not the page-wide α₀: it sets its step size itself (by curvature or by estimating distances)";

/** The page-wide text a linked field mirrors. */
function linkedText(info: OptimizerInfo, key: 'alpha0' | 'momentum' | 'beta', page: FieldTexts): string {
  if (key === 'alpha0') return page.alpha0;
  if (key === 'momentum') return page.momentum;
  const group = info.betaGroup ?? (info.family === 'adam' ? 'adam' : 'sgd');
  return group === 'adam' ? page.betaAdam : page.betaSgd;
}

/** A default for a field: the compact form ('1e-6') when it reads back exactly, else JS's own. */
function numberText(v: number | null): string {
  if (v === null) return '';
  const compact = formatForPeople(v);
  return Number(compact) === v ? compact : String(v);
}

/** What a control shows: the person's text, else the page-wide value (linked), else the default. */
export function displayedText(name: string, key: OptionKey, texts: OptionTexts | undefined, page: FieldTexts): string {
  const own = texts?.[key];
  if (typeof own === 'string') return own;
  const info = optimizerInfo(name);
  if (isLinked(key, info)) return linkedText(info, key, page);
  const d = optimizerDefaults(name)[key];
  return typeof d === 'number' || d === null ? numberText(d) : String(d);
}

export function displayedChecked(name: string, key: OptionKey, texts: OptionTexts | undefined): boolean {
  const own = texts?.[key];
  if (typeof own === 'boolean') return own;
  return Boolean(optimizerDefaults(name)[key]);
}

export function displayedScheduleKind(name: string, texts: OptionTexts | undefined): ScheduleKind {
  const own = texts?.[SCHEDULE_KIND_KEY];
  if (typeof own === 'string' && (SCHEDULE_KINDS as readonly string[]).includes(own)) return own as ScheduleKind;
  return optimizerDefaults(name).schedule.kind;
}

export function displayedScheduleText(name: string, field: ScheduleField, texts: OptionTexts | undefined): string {
  const own = texts?.[scheduleKey(field)];
  if (typeof own === 'string') return own;
  return numberText(optimizerDefaults(name).schedule[field]);
}

/** "Forbid negative α" is ticked exactly when α min reads 0. */
export function forbidsNegative(name: string, texts: OptionTexts | undefined, page: FieldTexts): boolean {
  return parseNumber(displayedText(name, 'lrMin', texts, page)) === 0;
}

// ---------- validation ----------

export const OPTION_MESSAGES = {
  unitOpen: 'must be ≥ 0 and < 1',
  unitClosed: 'must be between 0 and 1',
  nesterovMomentum: 'must be > 0 and < 1 (Nesterov)',
  minAboveMax: 'must be ≤ α max',
  wholePositive: 'must be a whole number ≥ 1',
  wholeNonNegative: 'must be a whole number ≥ 0',
  positive: 'must be > 0',
  atLeastOne: 'must be ≥ 1',
} as const;

export type NumberRule = (v: number) => string | null;

/** Settings where empty means off / the optimizer's own rule (safeguards, max_eval, growth limit, β₃ = √β₂). */
export const EMPTY_ALLOWED: ReadonlySet<OptionKey> = new Set<OptionKey>(['lrMin', 'lrMax', 'maxEval', 'growthRate', 'beta3']);

const unitOpen: NumberRule = (v) => (v >= 0 && v < 1 ? null : OPTION_MESSAGES.unitOpen);
const unitClosed: NumberRule = (v) => (v >= 0 && v <= 1 ? null : OPTION_MESSAGES.unitClosed);
const nonNegative: NumberRule = (v) => (v >= 0 ? null : MESSAGES.nonNegative);
const anyNumber: NumberRule = () => null;
const wholePositive: NumberRule = (v) => (Number.isInteger(v) && v >= 1 ? null : OPTION_MESSAGES.wholePositive);

/** The range rule of a numeric setting for this optimizer (the page form's; the command line's flags too). */
export function optionRule(key: OptionKey, info: OptimizerInfo): NumberRule {
  switch (key) {
    case 'momentum':
      // torch: Nesterov momentum needs μ > 0.
      return info.defaults.nesterov
        ? (v) => (v > 0 && v < 1 ? null : OPTION_MESSAGES.nesterovMomentum)
        : unitOpen;
    case 'beta2':
      // ESGD-M allows β₂ = 1 (its constructor: 0 ≤ betas[1] ≤ 1); torch's Adam does not.
      return info.family === 'esgd' ? unitClosed : unitOpen;
    case 'updateDEvery':
    case 'dWarmup':
    case 'maxIter':
    case 'maxEval':
    case 'historySize':
      return wholePositive;
    case 'toleranceGrad':
    case 'toleranceChange':
    case 'averageGamma':
    case 'sfR':
    case 'weightLrPower':
      return nonNegative;
    case 'd0':
    case 'dCoef':
    case 'cocobAlpha':
    case 'repsRel':
      return (v) => (v > 0 ? null : OPTION_MESSAGES.positive);
    case 'growthRate':
      return (v) => (v >= 1 ? null : OPTION_MESSAGES.atLeastOne);
    case 'warmupSteps':
      return (v) => (Number.isInteger(v) && v >= 0 ? null : OPTION_MESSAGES.wholeNonNegative);
    case 'beta3':
    case 'lrWarmup':
    case 'beta1':
    case 'lrBeta1':
    case 'lrBeta2':
    case 'lrMomentum':
      return unitOpen;
    case 'dampening':
    case 'lrDampening':
    case 'rho':
    case 'rmsAlpha':
      return unitClosed;
    case 'eps':
    case 'lrEps':
    case 'lrDecay':
    case 'initialAccumulator':
      return nonNegative;
    case 'beta':
      return (v) => (v > 0 && v >= BETA_RANGE.min && v <= BETA_RANGE.max ? null : formatRange(BETA_RANGE));
    case 'alpha0':
      return (v) => (v >= ALPHA0_RANGE.min && v <= ALPHA0_RANGE.max ? null : formatRange(ALPHA0_RANGE));
    default:
      return anyNumber;
  }
}

export interface ParsedOptimizerOptions {
  /** Keys of the optimizer's controls (optionKeysOf); α₀, μ and β only when changed here. */
  options: Partial<Hyper>;
  /** A changed α₀ / μ / β: replaces the page-wide TrainConfig.alpha0 / momentum / beta for this optimizer. */
  alpha0?: number;
  momentum?: number;
  beta?: number;
}

export interface OptimizerOptionsResult {
  /** Messages per control key (Hyper key or `schedule.<field>`). */
  errors: Record<string, string>;
  /** Present when there are no errors. */
  parsed: ParsedOptimizerOptions | null;
}

/** Validates one optimizer's settings (its defaults where the person changed nothing). */
export function validateOptimizerOptions(name: string, texts: OptionTexts | undefined, page: FieldTexts): OptimizerOptionsResult {
  const info = optimizerInfo(name);
  const errors: Record<string, string> = {};
  const options: Record<string, unknown> = {};
  const parsed: ParsedOptimizerOptions = { options: options as Partial<Hyper> };

  for (const key of optionKeysOf(info)) {
    const meta = OPTION_META[key];
    if (meta.kind === 'boolean') {
      options[key] = displayedChecked(name, key, texts);
      continue;
    }
    if (key === 'controller') {
      const ref = displayedText(name, key, texts, page).trim();
      const problem = controllerRefProblem(ref);
      if (problem) errors[key] = problem;
      else options[key] = ref;
      continue;
    }
    if (meta.kind === 'text') {
      // The stack spec: stored in the paper's notation, so a run's label and its CSV read the same.
      try {
        options[key] = formatStack(parseStack(displayedText(name, key, texts, page)));
      } catch (e) {
        errors[key] = (e as Error).message;
      }
      continue;
    }
    // A linked field the person has not changed: the page-wide field (validated there) applies.
    if (isLinked(key, info) && typeof texts?.[key] !== 'string') continue;
    const text = displayedText(name, key, texts, page);
    if (EMPTY_ALLOWED.has(key) && text.trim() === '') {
      options[key] = null;
      continue;
    }
    const v = parseNumber(text);
    if (v === null) {
      errors[key] = MESSAGES.notNumber;
      continue;
    }
    const problem = optionRule(key, info)(v);
    if (problem !== null) {
      errors[key] = problem;
      continue;
    }
    options[key] = v;
    // A changed linked μ replaces the page-wide one for this run (RMSProp's own μ is just an option).
    if (key === 'momentum' && isLinked(key, info)) parsed.momentum = v;
    if (key === 'beta') parsed.beta = v;
    if (key === 'alpha0') parsed.alpha0 = v;
  }

  const lo = options.lrMin;
  const hi = options.lrMax;
  if (typeof lo === 'number' && typeof hi === 'number' && lo > hi) errors.lrMin = OPTION_MESSAGES.minAboveMax;

  if (hasSchedule(info)) {
    const kind = displayedScheduleKind(name, texts);
    // Fields the kind does not use keep CONSTANT's values (describeSchedule ignores them).
    const spec: ScheduleSpec = { ...CONSTANT, kind };
    for (const field of scheduleFieldsOf(kind)) {
      const key = scheduleKey(field);
      const v = parseNumber(displayedScheduleText(name, field, texts));
      if (v === null) {
        errors[key] = MESSAGES.notNumber;
        continue;
      }
      // Only this field differs from CONSTANT's valid values, so any problem is this field's.
      const problem = validateSchedule({ ...CONSTANT, kind, [field]: v });
      if (problem !== null) errors[key] = problem;
      else spec[field] = v;
    }
    if (!Object.keys(errors).some((k) => k.startsWith('schedule.'))) {
      const problem = validateSchedule(spec);
      if (problem !== null) errors[SCHEDULE_KIND_KEY] = problem;
      else options.schedule = spec;
    }
  }

  const ok = Object.keys(errors).length === 0;
  return { errors, parsed: ok ? parsed : null };
}

/** True when the person changed anything in this optimizer's section. */
export function hasChanges(texts: OptionTexts | undefined): boolean {
  return texts !== undefined && Object.keys(texts).length > 0;
}

// ---------- the whole form ----------

export interface FormValidation extends Validation {
  /** Per selected optimizer: messages per control key (absent when it has none). */
  optionErrors: Record<string, Record<string, string>>;
  /** Per selected optimizer, present only when ok. */
  perOptimizer: Record<string, ParsedOptimizerOptions> | null;
}

/** The page-wide fields (validate.ts) plus every selected optimizer's settings. */
export function validateForm(page: FieldTexts, selected: readonly string[], perOptimizer: PerOptimizerTexts): FormValidation {
  const base = validateAll(page, selected);
  const optionErrors: Record<string, Record<string, string>> = {};
  const parsed: Record<string, ParsedOptimizerOptions> = {};
  for (const name of selected) {
    const r = validateOptimizerOptions(name, perOptimizer[name], page);
    if (r.parsed) parsed[name] = r.parsed;
    else optionErrors[name] = r.errors;
  }
  const ok = base.ok && Object.keys(optionErrors).length === 0;
  return { ...base, ok, values: ok ? base.values : null, optionErrors, perOptimizer: ok ? parsed : null };
}

/** Baselines missing from the selection: one gentle hint per selected optimizer whose baseline is not ticked. */
export function missingBaselines(selected: readonly string[]): { name: string; baseline: string }[] {
  const out: { name: string; baseline: string }[] = [];
  for (const name of selected) {
    const baseline = optimizerInfo(name).baseline;
    if (baseline !== null && !selected.includes(baseline)) out.push({ name, baseline });
  }
  return out;
}
