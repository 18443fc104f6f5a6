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
import { OPTIMIZER_NAMES } from '../optim/catalog';
import { OPTION_META, SCHEDULE_KIND_KEY, scheduleKey, type OptionTexts } from '../config/optimizerOptions';
import { NUMERIC_FIELDS } from '../config/validate';
import { canonicalOption, configTexts, numberText, PARAMS, SCHEDULE_FIELDS, URL_VERSION, type PageConfig } from './urlFormat';

// The format (version, PageConfig, parameters, numbers) is in urlFormat.ts, the reader in urlDecode.ts.
export { configTexts, numberText, PASS_THROUGH_PARAMS, URL_VERSION, VIEW_DEFAULTS, type PageConfig } from './urlFormat';
export { decodeConfig, type DecodedConfig } from './urlDecode';

// ---------- encode ----------

/** encodeURIComponent, but ',', ':' and '/' stay readable (all allowed in a query, RFC 3986; '/' separates a stack's levels). */
function enc(s: string): string {
  return encodeURIComponent(s).replace(/%2C/g, ',').replace(/%3A/g, ':').replace(/%2F/g, '/');
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
      const v = canonicalOption(own[key], key);
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
