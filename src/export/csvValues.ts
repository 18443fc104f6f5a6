// Reading a tidy CSV's cells (importCsv.ts): numbers as the writer spells them (String(x), nan, inf,
// -inf) and the options cell (tidyCsv's optionsText) back into Hyper settings. Pure: no DOM, no tfjs.
import { HYPER_DEFAULTS, type Hyper } from '../optim/hyper';
import { parseSchedule } from '../optim/schedules';
import { quote } from './csvRows';

const has = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A finite decimal (what String(x) writes), or null. No '', '0x10', ' 1'. */
export function finite(text: string): number | null {
  return NUMBER_RE.test(text) ? Number(text) : null;
}

/** A metric value: finite, or `nan` / `inf` / `-inf` as formatNumber (and pandas) write them. */
export function metricValue(text: string): number | null {
  switch (text.toLowerCase()) {
    case 'nan':
      return NaN;
    case 'inf':
    case '+inf':
    case 'infinity':
      return Infinity;
    case '-inf':
    case '-infinity':
      return -Infinity;
    default:
      return finite(text);
  }
}

// ---------- the options cell ----------

/**
 * The inverse of tidyCsv's `optionsText`: `key=value;…` (the schedule's own `;` sit inside
 * parentheses) → the options. Keys are Hyper fields; values are typed by HYPER_DEFAULTS: numbers
 * (`nan`/`inf` accepted as written), text (`stack`) as written, `true`/`false`, `none` for a null safeguard, the schedule in
 * describeSchedule's form. Throws Error with a message naming the bad entry.
 */
export function parseOptionsText(cell: string): Partial<Hyper> {
  const out: Record<string, unknown> = {};
  if (cell.trim() === '') return out as Partial<Hyper>;
  for (const item of splitTopLevel(cell)) {
    const eq = item.indexOf('=');
    if (eq < 0) throw new Error(`${quote(item)} is not key=value`);
    const key = item.slice(0, eq).trim();
    const raw = item.slice(eq + 1).trim();
    if (!has(HYPER_DEFAULTS, key)) throw new Error(`unknown option ${quote(key)}`);
    if (has(out, key)) throw new Error(`option ${quote(key)} is given twice`);
    const k = key as keyof Hyper;
    const def = HYPER_DEFAULTS[k];
    if (k === 'schedule') {
      try {
        out[k] = parseSchedule(raw);
      } catch (err) {
        throw new Error(`schedule: ${err instanceof Error ? err.message : String(err)}`);
      }
    } else if (typeof def === 'string') {
      // Text settings (Stack's `stack`, in its canonical form): as written; the engine validates them.
      out[k] = raw;
    } else if (typeof def === 'boolean') {
      if (raw !== 'true' && raw !== 'false') throw new Error(`option ${quote(key)} must be true or false, not ${quote(raw)}`);
      out[k] = raw === 'true';
    } else {
      // A number; the safeguards (default null) may also be `none`.
      if (def === null && raw === 'none') {
        out[k] = null;
        continue;
      }
      const v = metricValue(raw);
      if (v === null) throw new Error(`option ${quote(key)} must be a number, not ${quote(raw)}`);
      out[k] = v;
    }
  }
  return out as Partial<Hyper>;
}

/** Splits on ';' outside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ';' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
