// The link format of urlConfig.ts (see the top of that file): its version, the configuration a link
// carries, the parameter of each field, and numbers as the link writes them. Shared by the encoder
// (urlConfig.ts) and the decoder (urlDecode.ts). Pure.
import type { DatasetName, ModelName } from '../engine/types';
import { OPTIMIZER_NAMES, optimizerInfo, type Family } from '../optim/catalog';
import type { LrScale, XAxis } from '../series/axes';
import { OPTION_META, type OptionKey, type PerOptimizerTexts, type ScheduleField } from '../config/optimizerOptions';
import { formatStack, parseStack } from '../optim/stackSpec';
import { NUMERIC_FIELDS, parseNumber, type FieldTexts, type NumericField, type ParsedNumbers } from '../config/validate';

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
export const PARAMS: Record<NumericField, { param: string; label: string }> = {
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
export const FAMILIES: readonly (Family | 'all')[] = ['all', ...new Set(OPTIMIZER_NAMES.map((n) => optimizerInfo(n).family))];
/**
 * Parameters of the page that are not part of the configuration: read elsewhere (`backend`:
 * src/store/backendParam.ts), never a problem here, and kept in the address when it is rewritten.
 */
export const PASS_THROUGH_PARAMS: readonly string[] = ['backend'];
export const KNOWN_PARAMS = new Set<string>([...OTHER_PARAMS, ...PASS_THROUGH_PARAMS, ...NUMERIC_FIELDS.map((f) => PARAMS[f].param)]);
export const SCHEDULE_FIELDS: readonly ScheduleField[] = ['stepSize', 'gamma', 'decay', 'tMax', 'minFactor', 'warmup'];

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

/**
 * A per-optimizer text in canonical form: numbers as numberText, the stack (`key` 'stack') in the
 * paper's notation as formatStack prints it (when it parses), a controller's ref (`key` 'controller')
 * trimmed, anything else unchanged.
 */
export function canonicalOption(value: string | boolean, key?: string): string | boolean {
  if (typeof value === 'boolean') return value;
  if (key === 'controller') return value.trim();
  if (key !== undefined && isTextOption(key)) {
    try {
      return formatStack(parseStack(value));
    } catch {
      return value;
    }
  }
  const v = parseNumber(value);
  return v === null ? value : numberText(v);
}

/** A per-optimizer setting written as free text (OPTION_META kind 'text': the Stack's stack), not a number. */
export function isTextOption(key: string): boolean {
  return Object.prototype.hasOwnProperty.call(OPTION_META, key) && OPTION_META[key as OptionKey].kind === 'text';
}
