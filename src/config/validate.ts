// Pure validation of the configuration form: each field's text -> a number (or null for the
// optional ones) or a message shown next to the field. No React, no DOM.

export type NumericField =
  | 'alpha0'
  | 'betaSgd'
  | 'betaAdam'
  | 'momentum'
  | 'weightDecay'
  | 'batchSize'
  | 'epochs'
  | 'iterations'
  | 'seed'
  | 'evalEvery'
  | 'seeds';

export const NUMERIC_FIELDS: readonly NumericField[] = [
  'alpha0',
  'betaSgd',
  'betaAdam',
  'momentum',
  'weightDecay',
  'batchSize',
  'epochs',
  'iterations',
  'seed',
  'evalEvery',
  'seeds',
];

export type FieldResult = { ok: true; value: number | null } | { ok: false; message: string };

/** Range of a log-scale slider (and of its typed input). */
export interface LogRange {
  min: number;
  max: number;
}

export const ALPHA0_RANGE: LogRange = { min: 1e-6, max: 1 };
export const BETA_RANGE: LogRange = { min: 1e-10, max: 1e-1 };
export const MAX_BATCH_SIZE = 60000;
export const MAX_SEED = 2 ** 31 - 1;
/** Seeds per optimizer (seed, seed + 1, …): 10 × a few optimizers is already dozens of workers. */
export const MAX_SEEDS = 10;

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Strict decimal/scientific parse: '1e-3', '0.5', '-2'. Empty, 'abc', '0x10', 'Infinity' -> null. */
export function parseNumber(text: string): number | null {
  const t = text.trim();
  if (!NUMBER_RE.test(t)) return null;
  const v = Number(t);
  // "-0" (or "-0.0e5") is 0: a -0 would survive into the configuration and come back from a link
  // as 0, so the same settings would compare unequal (found by fuzz-urlConfig.test.ts).
  return Number.isFinite(v) ? (v === 0 ? 0 : v) : null;
}

export const MESSAGES = {
  notNumber: 'must be a number',
  positive: 'must be > 0',
  nonNegative: 'must be ≥ 0',
  integer1: 'must be an integer ≥ 1',
  integer0: 'must be an integer ≥ 0',
  // Nesterov momentum (SGDN, SGDN-HD) needs μ > 0, as torch.optim.SGD does.
  momentum: 'must be > 0 and < 1',
} as const;

export function formatRange(r: LogRange): string {
  return `must be between ${formatForPeople(r.min)} and ${formatForPeople(r.max)}`;
}

function logRange(text: string, r: LogRange): FieldResult {
  const v = parseNumber(text);
  if (v === null) return { ok: false, message: MESSAGES.notNumber };
  if (!(v > 0)) return { ok: false, message: MESSAGES.positive };
  if (v < r.min || v > r.max) return { ok: false, message: formatRange(r) };
  return { ok: true, value: v };
}

function integer(text: string, min: 0 | 1, max: number, optional: boolean): FieldResult {
  if (optional && text.trim() === '') return { ok: true, value: null };
  const v = parseNumber(text);
  if (v === null) return { ok: false, message: MESSAGES.notNumber };
  if (!Number.isInteger(v) || v < min) {
    return { ok: false, message: min === 1 ? MESSAGES.integer1 : MESSAGES.integer0 };
  }
  if (v > max) return { ok: false, message: `must be at most ${max}` };
  return { ok: true, value: v };
}

export function validateField(field: NumericField, text: string): FieldResult {
  switch (field) {
    case 'alpha0':
      return logRange(text, ALPHA0_RANGE);
    case 'betaSgd':
    case 'betaAdam':
      return logRange(text, BETA_RANGE);
    case 'momentum': {
      const v = parseNumber(text);
      if (v === null) return { ok: false, message: MESSAGES.notNumber };
      if (v <= 0 || v >= 1) return { ok: false, message: MESSAGES.momentum };
      return { ok: true, value: v };
    }
    case 'weightDecay': {
      const v = parseNumber(text);
      if (v === null) return { ok: false, message: MESSAGES.notNumber };
      if (v < 0) return { ok: false, message: MESSAGES.nonNegative };
      return { ok: true, value: v };
    }
    case 'batchSize':
      return integer(text, 1, MAX_BATCH_SIZE, false);
    case 'epochs':
      return integer(text, 1, 1000, false);
    case 'iterations':
      return integer(text, 1, 10_000_000, true);
    case 'seed':
      return integer(text, 0, MAX_SEED, false);
    case 'evalEvery':
      return integer(text, 1, 10_000_000, true);
    case 'seeds': {
      // One message for every way to miss (the range is small enough to say outright).
      const v = parseNumber(text);
      if (v === null || !Number.isInteger(v) || v < 1 || v > MAX_SEEDS) return { ok: false, message: `must be a whole number from 1 to ${MAX_SEEDS}` };
      return { ok: true, value: v };
    }
  }
}

export type FieldTexts = Record<NumericField, string>;

export interface ParsedNumbers {
  alpha0: number;
  betaSgd: number;
  betaAdam: number;
  momentum: number;
  weightDecay: number;
  batchSize: number;
  epochs: number;
  iterations: number | null;
  seed: number;
  evalEvery: number | null;
  /** Runs per optimizer, with seeds seed … seed + seeds − 1. */
  seeds: number;
}

export interface Validation {
  ok: boolean;
  errors: Partial<Record<NumericField | 'optimizers', string>>;
  /** Present only when ok. */
  values: ParsedNumbers | null;
}

/** Validates every field, plus "at least one optimizer". */
export function validateAll(texts: FieldTexts, selectedOptimizers: readonly string[]): Validation {
  const errors: Validation['errors'] = {};
  const values: Partial<Record<NumericField, number | null>> = {};
  for (const f of NUMERIC_FIELDS) {
    const r = validateField(f, texts[f]);
    if (r.ok) values[f] = r.value;
    else errors[f] = r.message;
  }
  // Seeds count up from Seed: the last one must still be a valid seed.
  const seed = values.seed;
  const seeds = values.seeds;
  if (typeof seed === 'number' && typeof seeds === 'number' && seed + seeds - 1 > MAX_SEED) {
    errors.seeds = `the last seed, Seed + ${seeds - 1}, must be at most ${MAX_SEED}`;
  }
  if (selectedOptimizers.length === 0) errors.optimizers = 'select at least one optimizer';
  const ok = Object.keys(errors).length === 0;
  return { ok, errors, values: ok ? (values as unknown as ParsedNumbers) : null };
}

/**
 * Compact text for a number in a field: 0.001 -> '0.001', 1e-7 -> '1e-7', 0.000123 -> '1.23e-4'.
 * Magnitudes in [plainFrom, plainTo) are written plainly, others as mantissa e exponent (a log axis
 * passes a narrower range so its labels read 1e-3, 1e-2, …).
 */
export function formatForPeople(v: number, plainFrom = 1e-3, plainTo = 1e5): string {
  if (v === 0 || !Number.isFinite(v)) return String(v); // 'NaN', 'Infinity': a diverged run's last loss

  const a = Math.abs(v);
  if (a >= plainFrom && a < plainTo) return String(Number(v.toPrecision(3)));
  const [m, e] = v.toExponential(2).split('e');
  const mant = String(Number(m));
  return `${mant}e${Number(e)}`;
}

/** Log-slider position (0..steps) <-> value. */
export function logToSlider(v: number, r: LogRange, steps: number): number {
  const lo = Math.log10(r.min);
  const hi = Math.log10(r.max);
  const clamped = Math.min(r.max, Math.max(r.min, v));
  return Math.round(((Math.log10(clamped) - lo) / (hi - lo)) * steps);
}

export function sliderToLog(pos: number, r: LogRange, steps: number): number {
  const lo = Math.log10(r.min);
  const hi = Math.log10(r.max);
  const raw = 10 ** (lo + ((hi - lo) * pos) / steps);
  // Round to 2 significant digits so the typed input shows a tidy value.
  return Number(raw.toPrecision(2));
}
