// Small CSV helpers shared by the exporters. Pure functions: no DOM, no tfjs.
//
// Conventions (checked against the reference experiments, whose train.py writes rows with
// Python's csv.writer, i.e. str(float) for every number):
// - Non-finite numbers are written `nan`, `inf`, `-inf`, as Python writes them; pandas.read_csv and
//   numpy.genfromtxt parse all three back to floats.
// - Rows end with '\n' and the file ends with a newline. (Python's csv.writer ends rows with '\r\n';
//   every CSV reader accepts both, and '\n' keeps diffs of exported files clean.)
// - Fields are quoted per RFC 4180 only when they must be (Python's QUOTE_MINIMAL does the same).
// - CSV (formula) injection, OWASP's rule: a text field that starts with '=', '+', '-', '@', a tab or
//   a CR is written with a leading "'", so a spreadsheet shows it as text instead of running it as a
//   formula; numbers (`-0.5`, `-1e-3`, `-inf`) are left as they are. So that Import CSV can undo it
//   exactly (restoreFormula), a text field that already starts with "'" followed by one of those
//   characters or another "'" gets one more "'" too. Every CSV the app writes goes through
//   escapeField, so this is the one place that does it.

const NEEDS_QUOTES = /[",\r\n]/;
/** What a spreadsheet reads as the start of a formula (OWASP, CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A field as neutraliseFormula writes it: "'" then a formula start or another "'". */
const NEUTRALISED = /^'[=+\-@\t\r']/;
/** A number as this file writes it (and as people write them): not a formula, left alone. */
const NUMBER = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity)$|^nan$/i;

/** OWASP's CSV-injection rule: "'" before a text field that a spreadsheet would run as a formula (see above). */
export function neutraliseFormula(field: string): string {
  if (field.charCodeAt(0) === 39) return NEUTRALISED.test(field) ? `'${field}` : field;
  return FORMULA_START.test(field) && !NUMBER.test(field) ? `'${field}` : field;
}

/** The inverse of neutraliseFormula, for Import CSV: a leading "'" before a formula start or "'" is dropped. */
export function restoreFormula(field: string): string {
  return field.charCodeAt(0) === 39 && NEUTRALISED.test(field) ? field.slice(1) : field;
}

/**
 * A text field for a CSV line: neutralised against formula injection (neutraliseFormula), then
 * quoted per RFC 4180 when it contains a comma, a double quote, CR or LF (inner quotes doubled).
 */
export function escapeField(field: string): string {
  const f = neutraliseFormula(field);
  return NEEDS_QUOTES.test(f) ? `"${f.replace(/"/g, '""')}"` : f;
}

/** Non-finite values in Python's spelling; null for finite numbers. */
function nonFinite(x: number): string | null {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return null;
}

/**
 * A number for export: the shortest string that round-trips to the same float64 (JS `String` is
 * exactly that for finite numbers, but for -0, which it writes "0": written "-0" here, as Python and
 * pandas write it), `nan` / `inf` / `-inf` otherwise.
 */
export function formatNumber(x: number): string {
  return nonFinite(x) ?? (x === 0 && 1 / x < 0 ? '-0' : String(x));
}

/**
 * A float exactly as Python 3's `repr`/`str` writes it, so that reference-layout CSVs match the
 * original files character for character: the same shortest round-trip digits as JS, but
 * exponent notation when the decimal exponent is < -4 or >= 16 with at least two exponent digits
 * (`1e-05`, `1.5e+16`), and integral values keep a `.0` (`2.0`, `-0.0`).
 */
export function formatPythonFloat(x: number): string {
  const special = nonFinite(x);
  if (special !== null) return special;
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  // toExponential() with no argument gives the shortest round-trip digits, e.g. "-1.2345e-7".
  const [mantissa, expText] = Math.abs(x).toExponential().split('e');
  const exp = Number(expText);
  const sign = x < 0 ? '-' : '';
  if (exp < -4 || exp >= 16) {
    const expAbs = String(Math.abs(exp)).padStart(2, '0');
    return `${sign}${mantissa}e${exp < 0 ? '-' : '+'}${expAbs}`;
  }
  const digits = mantissa.replace('.', '');
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const fracPart = digits.slice(exp + 1);
  return `${sign}${intPart}.${fracPart === '' ? '0' : fracPart}`;
}

/** One CSV line from already-formatted fields (each is escaped). */
export function csvLine(fields: readonly string[]): string {
  return fields.map(escapeField).join(',');
}

/** A whole file: lines joined with '\n' and a trailing newline. */
export function joinLines(lines: readonly string[]): string {
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

/** MIME type for a CSV download. */
export const CSV_MIME = 'text/csv;charset=utf-8';

/**
 * A file-name-safe version of a free-form label: anything but letters, digits, '.', '_' and '-'
 * becomes '_' (covers '/', '\\', ':', spaces and friends on every OS).
 */
export function safeFilePart(label: string): string {
  const cleaned = label.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  return cleaned === '' ? '_' : cleaned;
}
