/**
 * Learning-rate schedules for the fixed-rate optimizers (issue 3, item 4).
 *
 * Pure, dependency-free functions of the iteration: the learning rate of the step being taken is
 *
 *     α_t = α₀ · scheduleFactor(spec, t),   t = 1, 2, 3, … (1-based: t is the step being taken)
 *
 * Kinds (the formulas of torch's schedulers, counted in iterations, not epochs):
 *
 * | kind          | factor of the decay clock s = 1, 2, …                          | torch analogue              |
 * |---------------|----------------------------------------------------------------|-----------------------------|
 * | `constant`    | 1                                                              | —                           |
 * | `step`        | gamma^floor((s−1)/stepSize)                                    | StepLR                      |
 * | `exponential` | gamma^(s−1)                                                    | ExponentialLR               |
 * | `inverse`     | 1 / (1 + decay·(s−1))                                          | (1/t decay)                 |
 * | `cosine`      | minFactor + (1−minFactor)·(1+cos(π·min(s−1,tMax)/tMax))/2       | CosineAnnealingLR, no restart, held at minFactor after tMax |
 *
 * Linear warm-up (`warmup` = W iterations, 0 = none) combines with every kind. Decision: warm-up
 * first, then decay — the decay clock starts after the warm-up:
 *
 *     factor(t) = t / W               for t ≤ W        (so t = W gives exactly 1)
 *     factor(t) = decay(s = t − W)    for t > W        (so t = W + 1 gives decay(1) = 1)
 *
 * i.e. the decayed schedule is the W = 0 schedule shifted right by W iterations.
 *
 * Decisions on the values (see {@link validateSchedule}):
 * - gamma must lie in (0, 1]: these are *decay* schedules, so every factor lies in [0, 1] and α never
 *   exceeds α₀ (torch would accept gamma > 1; growth is not offered here). gamma = 1 means no decay.
 * - stepSize, tMax and warmup are whole numbers of iterations (stepSize, tMax ≥ 1; warmup ≥ 0);
 *   decay is finite and ≥ 0; minFactor lies in [0, 1]; every value must be a finite number.
 * - Only the fields the kind uses (plus warmup) are validated and written by
 *   {@link describeSchedule}; the others are ignored, and {@link parseSchedule} fills them from
 *   {@link CONSTANT}.
 */

export type ScheduleKind = 'constant' | 'step' | 'exponential' | 'inverse' | 'cosine';

export const SCHEDULE_KINDS: readonly ScheduleKind[] = Object.freeze([
  'constant',
  'step',
  'exponential',
  'inverse',
  'cosine',
] as const);

export interface ScheduleSpec {
  kind: ScheduleKind;
  /** step: multiply by gamma every `stepSize` iterations (torch StepLR: factor = gamma^floor((t−1)/stepSize)). Whole number ≥ 1. */
  stepSize: number;
  /** step and exponential: the decay factor, in (0, 1]. exponential: factor = gamma^(t−1) (torch ExponentialLR). */
  gamma: number;
  /** inverse (1/t decay): factor = 1 / (1 + decay·(t−1)). Finite, ≥ 0. */
  decay: number;
  /** cosine: annealing over tMax iterations (whole number ≥ 1) to minFactor·α₀, then held there. */
  tMax: number;
  /** cosine: the final factor, in [0, 1]. */
  minFactor: number;
  /**
   * Linear warm-up over the first `warmup` iterations (whole number ≥ 0; 0 = none), combinable with
   * every kind: factor t / warmup for t ≤ warmup; afterwards the decay schedule runs on
   * t' = t − warmup (warm-up, then decay).
   */
  warmup: number;
}

/** No schedule: a constant learning rate, no warm-up. The other fields are defaults for the page. */
export const CONSTANT: ScheduleSpec = Object.freeze({
  kind: 'constant',
  stepSize: 1000,
  gamma: 0.5,
  decay: 0.001,
  tMax: 10000,
  minFactor: 0,
  warmup: 0,
});

/** The fields of the spec each kind reads (warmup aside), in the order describeSchedule writes them. */
const KIND_FIELDS: Record<ScheduleKind, readonly (keyof ScheduleSpec)[]> = {
  constant: [],
  step: ['stepSize', 'gamma'],
  exponential: ['gamma'],
  inverse: ['decay'],
  cosine: ['tMax', 'minFactor'],
};

/** Names of the fields in the text form (describeSchedule / parseSchedule). */
const TEXT_NAME: Partial<Record<keyof ScheduleSpec, string>> = {
  stepSize: 'size',
  gamma: 'gamma',
  decay: 'decay',
  tMax: 'tmax',
  minFactor: 'min',
};

function isKind(kind: unknown): kind is ScheduleKind {
  return typeof kind === 'string' && (SCHEDULE_KINDS as readonly string[]).includes(kind);
}

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

function fieldProblem(field: keyof ScheduleSpec, v: unknown): string | null {
  switch (field) {
    case 'stepSize':
      return isNum(v) && Number.isInteger(v) && v >= 1
        ? null
        : `step size must be a whole number of iterations ≥ 1 (got ${String(v)})`;
    case 'gamma':
      return isNum(v) && v > 0 && v <= 1
        ? null
        : `gamma must be a number in (0, 1] (got ${String(v)})`;
    case 'decay':
      return isNum(v) && v >= 0 ? null : `decay must be a finite number ≥ 0 (got ${String(v)})`;
    case 'tMax':
      return isNum(v) && Number.isInteger(v) && v >= 1
        ? null
        : `tMax must be a whole number of iterations ≥ 1 (got ${String(v)})`;
    case 'minFactor':
      return isNum(v) && v >= 0 && v <= 1
        ? null
        : `minFactor must be a number in [0, 1] (got ${String(v)})`;
    case 'warmup':
      return isNum(v) && Number.isInteger(v) && v >= 0
        ? null
        : `warm-up must be a whole number of iterations ≥ 0 (got ${String(v)})`;
    default:
      return null;
  }
}

/**
 * A message for the first bad value of the spec, or null when it is valid. Only the fields the
 * kind uses are checked, plus warmup.
 */
export function validateSchedule(spec: ScheduleSpec): string | null {
  if (spec === null || typeof spec !== 'object') return 'schedule must be an object';
  if (!isKind(spec.kind)) {
    return `unknown schedule kind ${JSON.stringify(spec.kind)} (expected one of ${SCHEDULE_KINDS.join(', ')})`;
  }
  for (const field of [...KIND_FIELDS[spec.kind], 'warmup' as const]) {
    const problem = fieldProblem(field, spec[field]);
    if (problem !== null) return problem;
  }
  return null;
}

/** The kind's factor on its own decay clock s = 1, 2, … (no warm-up). */
function decayFactor(spec: ScheduleSpec, s: number): number {
  switch (spec.kind) {
    case 'constant':
      return 1;
    case 'step':
      return spec.gamma ** Math.floor((s - 1) / spec.stepSize);
    case 'exponential':
      return spec.gamma ** (s - 1);
    case 'inverse':
      return 1 / (1 + spec.decay * (s - 1));
    case 'cosine': {
      const m = spec.minFactor;
      const f = m + ((1 - m) * (1 + Math.cos((Math.PI * Math.min(s - 1, spec.tMax)) / spec.tMax))) / 2;
      // Rounding can put m + (1 − m)·1 an ulp outside [m, 1]; keep the documented range exactly.
      return Math.min(1, Math.max(m, f));
    }
  }
}

/**
 * The factor α_t / α₀ of iteration t (1-based: the step being taken). Throws RangeError when t is
 * not a whole number ≥ 1 or the spec is invalid (see validateSchedule). Every result is finite and
 * lies in [0, 1].
 */
export function scheduleFactor(spec: ScheduleSpec, t: number): number {
  if (!Number.isInteger(t) || t < 1) {
    throw new RangeError(`schedule iteration must be a whole number ≥ 1 (got ${String(t)})`);
  }
  const problem = validateSchedule(spec);
  if (problem !== null) throw new RangeError(`invalid schedule: ${problem}`);
  const w = spec.warmup;
  if (t <= w) return t / w;
  return decayFactor(spec, t - w);
}

/**
 * A compact text form, safe inside a CSV field (no commas, quotes or spaces):
 * `constant`, `step(size=100;gamma=0.5)`, `exponential(gamma=0.999)`, `inverse(decay=0.1)`,
 * `cosine(tmax=1000;min=0)`, each optionally followed by `+warmup(50)`. Numbers are written as
 * JavaScript's shortest round-trip form (`1e-7`, `0.5`), so parseSchedule gives back the same values.
 */
export function describeSchedule(spec: ScheduleSpec): string {
  const problem = validateSchedule(spec);
  if (problem !== null) throw new RangeError(`invalid schedule: ${problem}`);
  const fields = KIND_FIELDS[spec.kind];
  let text: string = spec.kind;
  if (fields.length > 0) {
    text += `(${fields.map((f) => `${TEXT_NAME[f]}=${String(spec[f])}`).join(';')})`;
  }
  if (spec.warmup > 0) text += `+warmup(${String(spec.warmup)})`;
  return text;
}

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const PART_RE = /^([A-Za-z]+)(?:\((.*)\))?$/s;

/**
 * The inverse of describeSchedule: text → spec (fields the kind does not use come from CONSTANT).
 * Surrounding white space and white space around tokens is accepted; parameters may come in any
 * order but each exactly once. Throws Error with a message naming the problem for malformed text
 * or invalid values.
 */
export function parseSchedule(text: string): ScheduleSpec {
  const fail = (why: string): never => {
    throw new Error(`invalid schedule ${JSON.stringify(text)}: ${why}`);
  };
  if (typeof text !== 'string') fail('expected a string');
  const trimmed = text.trim();
  if (trimmed === '') fail('empty text');

  // Split on a '+' outside parentheses only: numbers such as 1e+21 carry a '+' of their own.
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < trimmed.length; i++) {
    const c = trimmed[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '+' && depth === 0) {
      parts.push(trimmed.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(trimmed.slice(start).trim());
  if (parts.length > 2) fail('at most one "+warmup(N)" may follow the kind');

  const parsePart = (part: string): { name: string; args: string | undefined } => {
    const m = PART_RE.exec(part);
    if (m === null) return fail(`cannot read ${JSON.stringify(part)} (expected name or name(key=value;…))`);
    return { name: m[1], args: m[2] };
  };
  const parseNumber = (raw: string, what: string): number => {
    const s = raw.trim();
    if (!NUMBER_RE.test(s)) fail(`${what} is not a number: ${JSON.stringify(raw)}`);
    return Number(s);
  };

  const head = parsePart(parts[0]);
  if (!isKind(head.name)) {
    fail(`unknown kind ${JSON.stringify(head.name)} (expected one of ${SCHEDULE_KINDS.join(', ')})`);
  }
  const kind = head.name as ScheduleKind;
  const spec: ScheduleSpec = { ...CONSTANT, kind };
  const fields = KIND_FIELDS[kind];

  if (fields.length === 0) {
    if (head.args !== undefined) fail(`"${kind}" takes no parameters`);
  } else {
    const expected = fields.map((f) => TEXT_NAME[f]).join(', ');
    if (head.args === undefined) fail(`"${kind}" needs parameters (${expected})`);
    const seen = new Set<keyof ScheduleSpec>();
    for (const item of (head.args as string).split(';')) {
      const eq = item.indexOf('=');
      if (eq < 0) fail(`"${item.trim()}" is not key=value`);
      const key = item.slice(0, eq).trim();
      const field = fields.find((f) => TEXT_NAME[f] === key);
      if (field === undefined) fail(`unknown parameter "${key}" for ${kind} (expected ${expected})`);
      const f = field as keyof ScheduleSpec;
      if (seen.has(f)) fail(`parameter "${key}" given twice`);
      seen.add(f);
      (spec as unknown as Record<string, number>)[f] = parseNumber(item.slice(eq + 1), key);
    }
    const missing = fields.filter((f) => !seen.has(f)).map((f) => TEXT_NAME[f]);
    if (missing.length > 0) fail(`missing parameter ${missing.join(', ')} for ${kind}`);
  }

  if (parts.length === 2) {
    const tail = parsePart(parts[1]);
    if (tail.name !== 'warmup') fail(`expected "warmup(N)" after "+", got ${JSON.stringify(parts[1])}`);
    if (tail.args === undefined) fail('"warmup" needs a number of iterations: warmup(N)');
    spec.warmup = parseNumber(tail.args as string, 'warmup');
  }

  const problem = validateSchedule(spec);
  if (problem !== null) fail(problem);
  return spec;
}
