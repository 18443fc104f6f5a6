// The y axis of a chart as a plan: a transform (linear, log10, or symmetric log), the recharts domain
// and tick positions in transformed units, and the inverse for tick labels and the tooltip. The charts
// hand recharts a LINEAR axis over transformed values, so the series layer, the crosshair and the
// export all draw with one linear scale whatever the person picked. Pure.
import { decadeOf, symlog, symlogInverse, symlogTicks } from '../../series/axes';
import { niceDomain } from '../niceDomain';

export type YScaleKind = 'linear' | 'log' | 'symlog';

export interface YAxisPlan {
  kind: YScaleKind;
  /** symlog's linear threshold (1 for the other kinds, unused). */
  c: number;
  /** [lo, hi] in transformed units. */
  domain: [number, number];
  /** Tick positions in transformed units; undefined lets recharts place linear ticks. */
  ticks?: number[];
}

/** Value → transformed position; log maps values ≤ 0 to NaN (drawn as a gap, never as a fake number). */
export function forward(kind: YScaleKind, c: number): (v: number) => number {
  if (kind === 'log') return (v) => (v > 0 ? Math.log10(v) : NaN);
  if (kind === 'symlog') return (v) => symlog(v, c);
  return (v) => v;
}

export function inverse(kind: YScaleKind, c: number): (t: number) => number {
  // Number(`1e${t}`) gives the double nearest 10^t for whole decades (10 ** -3 is 0.0010000000000000002).
  if (kind === 'log') return (t) => (Number.isInteger(t) ? Number(`1e${t}`) : 10 ** t);
  if (kind === 'symlog') return (t) => symlogInverse(t, c);
  return (t) => t;
}

/**
 * Log-axis ticks over decades [k0, k1] (k0 < k1): every power of ten, thinned to every s-th decade
 * when there are more than `maxTicks`; a single decade also gets 2 and 5 (e.g. 0.1, 0.2, 0.5, 1).
 * Returned as values (not exponents).
 */
export function logTicks(k0: number, k1: number, maxTicks = 8): number[] {
  const out: number[] = [];
  const step = Math.max(1, Math.ceil((k1 - k0 + 1) / maxTicks));
  for (let k = k0; k <= k1; k += step) out.push(Number(`1e${k}`));
  if (k1 - k0 === 1) return [Number(`1e${k0}`), Number(`2e${k0}`), Number(`5e${k0}`), Number(`1e${k1}`)];
  return out;
}

/** Rounds outward to quarter units, so the symlog domain changes only when data crosses a quarter decade. */
function quarterOut(lo: number, hi: number): [number, number] {
  const a = Math.floor(lo * 4 + 1e-9) / 4;
  let b = Math.ceil(hi * 4 - 1e-9) / 4;
  if (b <= a) b = a + 0.25;
  return [a, b];
}

/**
 * The axis for data in [min, max]; `minPositive` is the smallest value > 0 (what a log axis can show).
 * `fromZero` pulls linear and symlog axes to include 0 (a log axis cannot). null: nothing to draw yet.
 */
export function planYAxis(
  kind: YScaleKind,
  data: { min: number; max: number; minPositive: number },
  opts: { fromZero: boolean; c: number },
): YAxisPlan | null {
  const { min, max, minPositive } = data;
  if (kind === 'log') {
    if (!Number.isFinite(minPositive) || !(max > 0)) return null;
    const k0 = decadeOf(minPositive);
    let k1 = decadeOf(max);
    // A top exactly on a power of ten is that decade's end; anything above needs the next one.
    if (Number(`1e${k1}`) < max) k1++;
    if (k1 === k0) k1 = k0 + 1;
    const ticks = logTicks(k0, k1);
    return { kind, c: 1, domain: [k0, k1], ticks: ticks.map((t) => Math.log10(t)) };
  }
  if (kind === 'symlog') {
    if (!Number.isFinite(min) || !Number.isFinite(max)) return null;
    const lo = opts.fromZero ? Math.min(0, min) : min;
    const hi = opts.fromZero ? Math.max(0, max) : max;
    const domain = quarterOut(symlog(lo, opts.c), symlog(hi, opts.c));
    const inv = inverse('symlog', opts.c);
    const ticks = symlogTicks(inv(domain[0]), inv(domain[1]), opts.c, 7).map((t) => symlog(t, opts.c));
    return { kind, c: opts.c, domain, ticks };
  }
  const d = niceDomain(min, max, opts.fromZero);
  return d ? { kind, c: 1, domain: d } : null;
}
