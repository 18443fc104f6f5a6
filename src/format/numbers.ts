// Numbers as people write them in a paper's table or a chart label: significant digits, thousands
// separators, e-notation for the very small and the very large. Pure; shared by the command line's
// summaries (src/cli/summary.ts) and the page's seed bands (src/series/seedBands.ts).

/** Thousands separated by commas: 12345 → "12,345", -1234.5 → "-1,234.5". */
export function groupThousands(s: string): string {
  const neg = s.startsWith('-');
  const body = neg ? s.slice(1) : s;
  const [int, frac] = body.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (neg ? '-' : '') + grouped + (frac !== undefined ? '.' + frac : '');
}

/** Decimals that `formatNumber` writes for x in fixed notation (null when it writes x in e-notation). */
export function fixedDecimals(x: number, sig = 3): number | null {
  if (x === 0) return 0;
  const a = Math.abs(x);
  if (a < 1e-3 || a >= 1e6) return null;
  // The exponent after rounding to `sig` digits (0.09996 → 0.100).
  const e = Math.floor(Math.log10(Number(a.toPrecision(sig))));
  return Math.max(0, sig - 1 - e);
}

/**
 * A number with `sig` significant digits, as written in a paper's table: fixed notation from 0.001 to
 * below a million ("0.273", "12.3", "4,500"), else e-notation without "+" or padding ("1e-7", "1.5e-4",
 * "2.35e6"); integers at or above 10^sig are written whole. null/undefined → "—"; NaN → "NaN"; ±∞ → "∞".
 */
export function formatNumber(x: number | null | undefined, sig = 3): string {
  if (x === null || x === undefined) return '—';
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  const d = fixedDecimals(x, sig);
  if (d === null) {
    const [m, e] = x.toExponential(sig - 1).split('e');
    const mant = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
    return `${mant}e${e.replace('+', '')}`;
  }
  return groupThousands(x.toFixed(d));
}

/** An integer (iteration counts): rounded, thousands separated. */
export function formatInteger(x: number | null | undefined): string {
  if (x === null || x === undefined) return '—';
  if (!Number.isFinite(x)) return formatNumber(x);
  return groupThousands(Math.round(x).toFixed(0));
}

/**
 * A learning rate or β, at most `sig` significant digits and no trailing zeros: e-notation below 0.01
 * ("1e-3", "1.5e-4"), else fixed ("0.1", "0.0134" → "0.0134", "2").
 */
export function formatRate(x: number | null | undefined, sig = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x) || x === 0) return formatNumber(x, sig);
  if (Math.abs(x) < 0.01) {
    const [m, e] = x.toExponential(sig - 1).split('e');
    const mant = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
    return `${mant}e${e.replace('+', '')}`;
  }
  const f = formatNumber(x, sig);
  return f.includes('.') && !f.includes('e') ? f.replace(/0+$/, '').replace(/\.$/, '') : f;
}
