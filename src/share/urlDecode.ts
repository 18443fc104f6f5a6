// Reading a link (urlConfig.ts's format) back into the page's configuration: forgiving, every value
// that cannot be used costs only its field and adds one sentence to `problems`. Pure; never throws.
import { isDatasetName } from '../data/datasets';
import { isModelName, WIDTHS } from '../models/catalog';
import { OPTIMIZER_NAMES, optimizerInfo, type Family } from '../optim/catalog';
import { CONSTANT, SCHEDULE_KINDS, validateSchedule } from '../optim/schedules';
import { formatStack, parseStack } from '../optim/stackSpec';
import { isXAxis, LR_SCALES, X_AXES, type LrScale } from '../series/axes';
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
  type PerOptimizerTexts,
  type ScheduleField,
} from '../config/optimizerOptions';
import { MAX_SEED, NUMERIC_FIELDS, parseNumber, validateField, type NumericField } from '../config/validate';
import {
  canonicalOption,
  configTexts,
  FAMILIES,
  isTextOption,
  KNOWN_PARAMS,
  numberText,
  PARAMS,
  SCHEDULE_FIELDS,
  URL_VERSION,
  type PageConfig,
} from './urlFormat';

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
  if (key === 'controller') {
    // A shipped controller's id or a loaded one's file:<16 hex> (validateOptimizerOptions checks it). A
    // loaded one this browser lacks stays: its run then says to load the file.
    return value.trim();
  }
  if (isTextOption(key)) {
    // The stack: read as the form reads it (parseStack), kept in the paper's notation (formatStack).
    try {
      return formatStack(parseStack(value));
    } catch (e) {
      problems.push(`${name} ${label.toLowerCase()} ${quoted(value)} cannot be read: ${e instanceof Error ? e.message : String(e)}; using its default.`);
      return null;
    }
  }
  if (OPTION_META[key as OptionKey].kind === 'boolean') {
    if (value === 'true' || value === 'false') return value === 'true';
    problems.push(`${name} ${label} ${quoted(value)} must be true or false; using its default.`);
    return null;
  }
  // A number (or '' for the safeguards): validateOptimizerOptions checks it with its rule.
  return canonicalOption(value);
}
