// The page's whole configuration <-> a URL query string, so a comparison can be shared as a link.
// Pure: no React, no DOM, no store (the caller reads the store and passes the defaults).
//
// Format (version 1), e.g.
//
//   ?v=1&opt=SGD,SGD-HD&data=mnist&model=ffnn100&width=1&a0=1e-3&bsgd=1e-3&badam=1e-7&mu=0.9&wd=1e-4
//    &bs=128&ep=1&it=&seed=1&eval=&seeds=1&smooth=0&x=iteration&logy=0&lr=symlog&y0=0&fam=all&diff=0&each=0
//    &SGD-HD.lrMin=0&SGD-HD.beta=2e-7
//
// - One short parameter per page field (see PARAMS); the selected optimizers as one comma list in
//   catalogue order; each per-optimizer setting the person changed as `<optimizer>.<key>=<value>`,
//   with the store's own keys (a Hyper field, `schedule.kind`, `schedule.<field>`).
// - Numbers as people write them: whole numbers plainly (128, 2147483647), others in the shorter of
//   JavaScript's shortest round-trip form and mantissa·e·exponent (1e-3, 0.9, 1.5e-4), so every
//   value reads back as exactly the same double.
// - Empty means "not set", as in the form: `it=` (budget in epochs), `eval=` (every epoch).
// - Every field is written, defaults included: a link must mean the same experiment on every
//   machine and in later versions, and the page's defaults differ between machines already (the
//   default model depends on whether a GPU was found). Per-optimizer settings are sparse in the
//   store (only what was changed), and so in the link.
// - Reading is forgiving: a missing parameter takes the default silently (a hand-shortened link
//   works), a link without `v` is read as version 1. Every value that cannot be used (unknown
//   version, unknown optimizer, malformed or out-of-range number, unknown parameter) costs only
//   that field, which falls back to its default, and adds one sentence to `problems`. An unknown
//   version ignores the whole link: its fields may mean something else.
// - `+` is a literal plus (RFC 3986), not a space: `a0=1e+3` reads as 1000.
import type { DatasetName, ModelName } from '../engine/types';
import { isDatasetName } from '../data/datasets';
import { isModelName, WIDTHS } from '../models/catalog';
import { OPTIMIZER_NAMES, optimizerInfo, type Family } from '../optim/catalog';
import { CONSTANT, SCHEDULE_KINDS, validateSchedule } from '../optim/schedules';
import { isXAxis, LR_SCALES, X_AXES, type LrScale, type XAxis } from '../series/axes';
import { MAX_SMOOTHING } from '../series/smoothing';
import {
  OPTION_META,
  SCHEDULE_FIELD_META,
  SCHEDULE_KIND_KEY,
  hasSchedule,
  optionKeysOf,
  scheduleFieldsOf,
  scheduleKey,
  validateOptimizerOptions,
  type OptionKey,
  type OptionTexts,
  type PerOptimizerTexts,
  type ScheduleField,
} from '../config/optimizerOptions';
import { MAX_SEED, NUMERIC_FIELDS, parseNumber, validateField, type FieldTexts, type NumericField, type ParsedNumbers } from '../config/validate';

export const URL_VERSION = 1;

/** The page's configuration as a link carries it: the form's fields parsed, plus the view settings. */
export interface PageConfig extends ParsedNumbers {
  /** Catalogue order (the store keeps it so colours are stable). */
  optimizers: string[];
  dataset: DatasetName;
  model: ModelName;
  /** The store's per-optimizer texts (only what the person changed). */
  perOptimizer: PerOptimizerTexts;
  /** VGG-16-BN width multiplier (other models ignore it). */
  width: number;
  /** Chart smoothing weight, 0 = raw (series/smoothing.ts). */
  smoothing: number;
  xAxis: XAxis;
  /** The rest of the chart view (src/store/viewStore.ts); zoom is not kept (it is in the data's units). */
  logY: boolean;
  lrScale: LrScale;
  fromZero: boolean;
  family: Family | 'all';
  diffFromBaseline: boolean;
  showSeeds: boolean;
}

/** Defaults of the fields the view store holds (src/store/viewStore.ts), not the configuration store. */
export const VIEW_DEFAULTS: Pick<PageConfig, 'smoothing' | 'xAxis' | 'logY' | 'lrScale' | 'fromZero' | 'family' | 'diffFromBaseline' | 'showSeeds'> = {
  smoothing: 0,
  xAxis: 'iteration',
  logY: false,
  lrScale: 'symlog',
  fromZero: false,
  family: 'all',
  diffFromBaseline: false,
  showSeeds: false,
};


/** Parameter name and the label used in problem sentences, per numeric form field. */
const PARAMS: Record<NumericField, { param: string; label: string }> = {
  alpha0: { param: 'a0', label: 'α₀' },
  betaSgd: { param: 'bsgd', label: 'β of the SGD family' },
  betaAdam: { param: 'badam', label: 'β of the Adam family' },
  momentum: { param: 'mu', label: 'Momentum μ' },
  weightDecay: { param: 'wd', label: 'Weight decay' },
  batchSize: { param: 'bs', label: 'Batch size' },
  epochs: { param: 'ep', label: 'Epochs' },
  iterations: { param: 'it', label: 'Iterations' },
  seed: { param: 'seed', label: 'Seed' },
  evalEvery: { param: 'eval', label: 'Evaluate every' },
  seeds: { param: 'seeds', label: 'Seeds' },
};

const OTHER_PARAMS = ['v', 'opt', 'data', 'model', 'width', 'smooth', 'x', 'logy', 'lr', 'y0', 'fam', 'diff', 'each'] as const;
const FAMILIES: readonly (Family | 'all')[] = ['all', ...new Set(OPTIMIZER_NAMES.map((n) => optimizerInfo(n).family))];
/**
 * Parameters of the page that are not part of the configuration: read elsewhere (`backend`:
 * src/store/backendParam.ts), never a problem here, and kept in the address when it is rewritten.
 */
export const PASS_THROUGH_PARAMS: readonly string[] = ['backend'];
const KNOWN_PARAMS = new Set<string>([...OTHER_PARAMS, ...PASS_THROUGH_PARAMS, ...NUMERIC_FIELDS.map((f) => PARAMS[f].param)]);
const SCHEDULE_FIELDS: readonly ScheduleField[] = ['stepSize', 'gamma', 'decay', 'tMax', 'minFactor', 'warmup'];

// ---------- numbers ----------

/** A number as people write it, reading back as exactly the same double (see the top of the file). */
export function numberText(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e21) return String(v);
  const plain = String(v);
  // toExponential() without digits is the shortest round-trip mantissa: 1.5e-4, 1e+3 → 1e3.
  const [m, e] = v.toExponential().split('e');
  const sci = `${m}e${Number(e)}`;
  return sci.length < plain.length ? sci : plain;
}

/** The form's texts for a configuration (what the store's `texts` should hold after a link). */
export function configTexts(c: PageConfig): FieldTexts {
  const out = {} as FieldTexts;
  for (const f of NUMERIC_FIELDS) {
    const v = c[f];
    out[f] = v === null ? '' : numberText(v);
  }
  return out;
}

/** A per-optimizer text in canonical form: numbers as numberText, anything else unchanged. */
function canonicalOption(value: string | boolean): string | boolean {
  if (typeof value === 'boolean') return value;
  const v = parseNumber(value);
  return v === null ? value : numberText(v);
}

// ---------- encode ----------

/** encodeURIComponent, but ',' and ':' stay readable (both are allowed in a query, RFC 3986). */
function enc(s: string): string {
  return encodeURIComponent(s).replace(/%2C/g, ',').replace(/%3A/g, ':');
}

/** The query string (with its leading '?') for a configuration. Field order is fixed. */
export function encodeConfig(c: PageConfig): string {
  const parts: string[] = [`v=${URL_VERSION}`, `opt=${c.optimizers.map(enc).join(',')}`, `data=${enc(c.dataset)}`, `model=${enc(c.model)}`, `width=${numberText(c.width)}`];
  const texts = configTexts(c);
  for (const f of NUMERIC_FIELDS) parts.push(`${PARAMS[f].param}=${enc(texts[f])}`);
  parts.push(`smooth=${numberText(c.smoothing)}`, `x=${enc(c.xAxis)}`, `logy=${+c.logY}`, `lr=${c.lrScale}`, `y0=${+c.fromZero}`);
  parts.push(`fam=${c.family}`, `diff=${+c.diffFromBaseline}`, `each=${+c.showSeeds}`);
  for (const name of OPTIMIZER_NAMES) {
    const own = c.perOptimizer[name];
    if (!own) continue;
    for (const key of orderedKeys(own)) {
      const v = canonicalOption(own[key]);
      parts.push(`${enc(name)}.${enc(key)}=${enc(String(v))}`);
    }
  }
  return '?' + parts.join('&');
}

/** Option keys in the order of the settings form: OPTION_META, then the schedule, then the rest. */
function orderedKeys(texts: OptionTexts): string[] {
  const order = [...Object.keys(OPTION_META), SCHEDULE_KIND_KEY, ...SCHEDULE_FIELDS.map(scheduleKey)];
  const known = order.filter((k) => Object.prototype.hasOwnProperty.call(texts, k));
  return [...known, ...Object.keys(texts).filter((k) => !order.includes(k))];
}

// ---------- decode ----------

export interface DecodedConfig {
  config: PageConfig;
  /** One sentence per value of the link that could not be used (its field keeps the default). */
  problems: string[];
}

function cloneConfig(c: PageConfig): PageConfig {
  const per: PerOptimizerTexts = {};
  for (const [name, texts] of Object.entries(c.perOptimizer)) per[name] = { ...texts };
  return { ...c, optimizers: c.optimizers.slice(), perOptimizer: per };
}

const quoted = (s: string) => JSON.stringify(s.length > 60 ? s.slice(0, 57) + '...' : s);

/**
 * The configuration a link describes, on top of `defaults`. Never throws: whatever cannot be used
 * is reported in `problems` and leaves that field at its default.
 */
export function decodeConfig(search: string, defaults: PageConfig): DecodedConfig {
  const problems: string[] = [];
  try {
    return { config: decodeInto(String(search), defaults, problems), problems };
  } catch (err) {
    // Unreachable by design; a link must never break the page, so fall back to the defaults.
    problems.push(`The link could not be read (${err instanceof Error ? err.message : String(err)}); using the defaults.`);
    return { config: cloneConfig(defaults), problems };
  }
}

function decodeInto(search: string, defaults: PageConfig, problems: string[]): PageConfig {
  const config = cloneConfig(defaults);
  const params = readParams(search, problems);

  const version = params.get('v');
  if (version !== undefined && parseNumber(version) !== URL_VERSION) {
    problems.push(
      `This link was made for version ${quoted(version)} of the page's link format, which this page does not know (it reads version ${URL_VERSION}); its settings were ignored.`,
    );
    return config;
  }

  for (const [key] of params) {
    if (!KNOWN_PARAMS.has(key) && !key.includes('.')) problems.push(`The link's parameter ${quoted(key)} is not a setting of this page; it was ignored.`);
  }

  const opt = params.get('opt');
  if (opt !== undefined) {
    const names = opt.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const unknown = names.filter((n) => !OPTIMIZER_NAMES.includes(n));
    for (const n of unknown) problems.push(`The link names an unknown optimizer ${quoted(n)}; it was left out.`);
    const chosen = OPTIMIZER_NAMES.filter((n) => names.includes(n));
    if (chosen.length > 0) config.optimizers = chosen;
    else problems.push(`The link selects no known optimizer; using the default selection (${defaults.optimizers.join(', ')}).`);
  }

  const data = params.get('data');
  if (data !== undefined) {
    if (isDatasetName(data)) config.dataset = data;
    else problems.push(`Dataset ${quoted(data)} is unknown; using the default ${defaults.dataset}.`);
  }
  const model = params.get('model');
  if (model !== undefined) {
    if (isModelName(model)) config.model = model;
    else problems.push(`Model ${quoted(model)} is unknown; using the default ${defaults.model}.`);
  }

  for (const f of NUMERIC_FIELDS) {
    const raw = params.get(PARAMS[f].param);
    if (raw === undefined) continue;
    const r = validateField(f, raw);
    if (r.ok) (config as unknown as Record<NumericField, number | null>)[f] = r.value;
    else {
      const d = defaults[f];
      problems.push(`${PARAMS[f].label} ${quoted(raw)} ${r.message}; using the default ${d === null ? '(not set)' : numberText(d)}.`);
    }
  }

  // Seeds count up from the seed (the form's cross-field rule, validate.ts validateAll).
  if (config.seed + config.seeds - 1 > MAX_SEED) {
    problems.push(`Seeds ${config.seeds} from seed ${config.seed} pass the largest seed ${MAX_SEED}; using 1 seed.`);
    config.seeds = 1;
  }

  const view = (param: string, label: string, read: (raw: string) => boolean, rule: string, def: string) => {
    const raw = params.get(param);
    if (raw !== undefined && !read(raw)) problems.push(`${label} ${quoted(raw)} must be ${rule}; using the default ${def}.`);
  };
  view('width', 'Width', (raw) => {
    const v = parseNumber(raw);
    if (v === null || !WIDTHS.includes(v)) return false;
    config.width = v;
    return true;
  }, `one of ${WIDTHS.join(', ')}`, numberText(defaults.width));
  view('smooth', 'Smoothing', (raw) => {
    const v = parseNumber(raw);
    if (v === null || v < 0 || v > MAX_SMOOTHING) return false;
    config.smoothing = v;
    return true;
  }, `a number from 0 to ${MAX_SMOOTHING}`, numberText(defaults.smoothing));
  view('x', 'X axis', (raw) => {
    if (!isXAxis(raw)) return false;
    config.xAxis = raw;
    return true;
  }, `one of ${X_AXES.join(', ')}`, defaults.xAxis);
  const flag = (param: string, label: string, set: (v: boolean) => void, def: boolean) =>
    view(param, label, (raw) => (raw === '0' || raw === '1' ? (set(raw === '1'), true) : false), '0 or 1', def ? '1' : '0');
  flag('logy', 'Log y', (v) => (config.logY = v), defaults.logY);
  flag('y0', 'Y from zero', (v) => (config.fromZero = v), defaults.fromZero);
  flag('diff', 'Difference from baseline', (v) => (config.diffFromBaseline = v), defaults.diffFromBaseline);
  flag('each', 'Show each seed', (v) => (config.showSeeds = v), defaults.showSeeds);
  view('lr', 'Learning-rate axis', (raw) => {
    if (!(LR_SCALES as readonly string[]).includes(raw)) return false;
    config.lrScale = raw as LrScale;
    return true;
  }, `one of ${LR_SCALES.join(', ')}`, defaults.lrScale);
  view('fam', 'Runs shown', (raw) => {
    if (!(FAMILIES as readonly string[]).includes(raw)) return false;
    config.family = raw as Family | 'all';
    return true;
  }, `one of ${FAMILIES.join(', ')}`, defaults.family);

  readOptimizerSettings(params, config, problems);
  return config;
}

/**
 * key → value of a query string, the last of repeated keys winning (with a problem). Keys and
 * values are percent-decoded; a pair that cannot be decoded is dropped with a problem.
 */
function readParams(search: string, problems: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const s = search.startsWith('?') || search.startsWith('#') ? search.slice(1) : search;
  for (const pair of s.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq)).trim();
      value = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1)).trim();
    } catch {
      problems.push(`The link's part ${quoted(pair)} is not valid percent-encoding; it was ignored.`);
      continue;
    }
    if (out.has(key)) problems.push(`The link gives ${quoted(key)} more than once; the last value counts.`);
    out.set(key, value);
  }
  return out;
}

/** The label of a per-optimizer key in sentences. */
function optionLabel(key: string): string {
  if (key === SCHEDULE_KIND_KEY) return 'schedule';
  if (key.startsWith('schedule.')) return `schedule ${SCHEDULE_FIELD_META[key.slice(9) as ScheduleField].label}`;
  return OPTION_META[key as OptionKey].label;
}

/** `<optimizer>.<key>=<value>` parameters → config.perOptimizer, each bad one dropped with a problem. */
function readOptimizerSettings(params: Map<string, string>, config: PageConfig, problems: string[]): void {
  const per: PerOptimizerTexts = {};
  const unknownNames = new Set<string>();
  for (const [param, value] of params) {
    const dot = param.indexOf('.');
    if (dot < 0) continue;
    const name = param.slice(0, dot);
    const key = param.slice(dot + 1);
    if (!OPTIMIZER_NAMES.includes(name)) {
      if (!unknownNames.has(name)) problems.push(`The link has settings for an unknown optimizer ${quoted(name)}; they were ignored.`);
      unknownNames.add(name);
      continue;
    }
    const info = optimizerInfo(name);
    const scheduleKeys = hasSchedule(info) ? [SCHEDULE_KIND_KEY, ...SCHEDULE_FIELDS.map(scheduleKey)] : [];
    if (!(optionKeysOf(info) as string[]).includes(key) && !scheduleKeys.includes(key)) {
      problems.push(`${name} has no setting ${quoted(key)}; it was ignored.`);
      continue;
    }
    const text = readOptionValue(name, key, value, problems);
    if (text === null) continue;
    per[name] = { ...per[name], [key]: text };
  }

  // Cross-field rules (α min ≤ α max, the schedule as a whole) and the rules of each field, as the
  // form checks them; each failing key falls back to its default. Dropping keys only moves towards
  // the defaults, which are valid, so this ends.
  const page = configTexts(config);
  for (const name of Object.keys(per)) {
    for (let round = 0; round < 4; round++) {
      const errors = validateOptimizerOptions(name, per[name], page).errors;
      const keys = Object.keys(errors);
      if (keys.length === 0) break;
      for (const key of keys) {
        const shown = per[name][key];
        problems.push(
          `${name} ${optionLabel(key)}${typeof shown === 'string' ? ` ${quoted(shown)}` : ''} ${errors[key]}; using its default.`,
        );
        if (key === SCHEDULE_KIND_KEY) {
          for (const k of Object.keys(per[name])) if (k.startsWith('schedule.')) delete per[name][k];
        } else delete per[name][key];
      }
    }
    if (Object.keys(per[name]).length === 0) delete per[name];
  }
  config.perOptimizer = per;
}

/** One value in the store's form (boolean, or text), or null with a problem. */
function readOptionValue(name: string, key: string, value: string, problems: string[]): string | boolean | null {
  const label = optionLabel(key);
  if (key === SCHEDULE_KIND_KEY) {
    if ((SCHEDULE_KINDS as readonly string[]).includes(value)) return value;
    problems.push(`${name} schedule ${quoted(value)} must be one of ${SCHEDULE_KINDS.join(', ')}; using its default.`);
    return null;
  }
  if (key.startsWith('schedule.')) {
    // Each field on its own, against a kind that uses it (the form only checks the fields of the
    // chosen kind; a link should not carry a bad value for a kind chosen later).
    const field = key.slice(9) as ScheduleField;
    const v = parseNumber(value);
    const kind = SCHEDULE_KINDS.find((k) => scheduleFieldsOf(k).includes(field)) ?? 'constant';
    const problem = v === null ? 'must be a number' : validateSchedule({ ...CONSTANT, kind, [field]: v });
    if (problem === null) return numberText(v as number);
    problems.push(`${name} ${label} ${quoted(value)}: ${problem}; using its default.`);
    return null;
  }
  if (OPTION_META[key as OptionKey].kind === 'boolean') {
    if (value === 'true' || value === 'false') return value === 'true';
    problems.push(`${name} ${label} ${quoted(value)} must be true or false; using its default.`);
    return null;
  }
  // A number (or '' for the safeguards): validateOptimizerOptions checks it with its rule.
  return canonicalOption(value);
}
