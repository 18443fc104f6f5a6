// Geometry of the α₀ sensitivity chart, as a pure function of the sweep's points and the chart's size:
// a log x axis over α₀ with ticks at decades (written 1e-4, 1e-3, …), a y axis (log for losses when
// every value is > 0, linear for iteration counts), one polyline per optimizer through the cells that
// have a value, min–max whiskers where seeds disagree, and a band above the plot where runs without a
// value sit as markers — diverged (×) or no value (○: threshold not reached) — instead of vanishing.
// The component (src/ui/sweep/SweepChart.tsx) only draws what this returns. No React, no DOM.
import type { SweepMetric, SweepResult } from '../series/alphaSweep';
import { decadeOf, linearTicks } from '../series/axes';
import { formatForPeople } from '../config/validate';
import { alphaLabel, METRIC_SHORT } from './sweepForm';

export interface Tick {
  value: number;
  label: string;
  /** Pixel position along the axis (x for the x axis, y for the y axis). */
  px: number;
}

/** The data area: x0..x1 left to right, y0 (top) .. y1 (bottom). */
export interface PlotBox {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export type MarkerKind = 'diverged' | 'no-value';

export interface LaidPoint {
  alpha0: number;
  cx: number;
  cy: number;
  value: number;
  /** Min–max over seeds (pixel y of max, of min), when they differ. */
  whisker: { top: number; bottom: number } | null;
  /** Tooltip text. */
  text: string;
}

export interface LaidMarker {
  alpha0: number;
  cx: number;
  cy: number;
  kind: MarkerKind;
  text: string;
}

export interface LaidSeries {
  optimizer: string;
  /** SVG path through consecutive cells with a value ('' when none); broken where a cell has none. */
  path: string;
  points: LaidPoint[];
  markers: LaidMarker[];
}

export interface SweepChartLayout {
  plot: PlotBox;
  xTicks: Tick[];
  yTicks: Tick[];
  yLog: boolean;
  yTitle: string;
  /** Rows of the band above the plot, one per marker kind present. */
  bands: { kind: MarkerKind; label: string; y: number }[];
  series: LaidSeries[];
  pointCount: number;
  markerCount: number;
}

export const MARGIN = { left: 72, right: 14, top: 6, bottom: 38 } as const;
export const BAND_ROW = 16;
/** Markers of different optimizers at one α₀ are spread this far apart so none hides another. */
export const MARKER_SPREAD = 5;
const MAX_TICKS = 9;

/** A decade as written on the α₀ axis: 1e-4, 1e-3, 1e-2, 1e-1, then 1, 10, 100, then 1e3, 1e4, … */
export function decadeLabel(k: number): string {
  return alphaLabel(Number(`1e${k}`));
}

/** 10^k as the double nearest the decimal `1ek`. */
const pow10 = (k: number) => Number(`1e${k}`);

/** The x domain in log10 units: the grid's ends, a quarter decade of room each side (half for one α₀). */
export function xDomain(alphas: readonly number[]): [number, number] {
  if (alphas.length === 0) return [-4.25, -0.75];
  const lo = Math.log10(Math.min(...alphas));
  const hi = Math.log10(Math.max(...alphas));
  const pad = hi === lo ? 0.5 : 0.25;
  return [lo - pad, hi + pad];
}

/** Every s-th integer in [a, b], s the smallest step keeping at most `max` of them, multiples of s. */
function everyNth(a: number, b: number, max: number): number[] {
  for (let s = 1; ; s++) {
    const out: number[] = [];
    for (let k = Math.ceil(a / s) * s; k <= b; k += s) out.push(k);
    if (out.length <= max) return out;
  }
}

/** Decade ticks of a log x domain; inside a single decade, the grid's own α₀ values instead. */
export function xTicksOf(domain: [number, number], alphas: readonly number[]): { value: number; label: string }[] {
  const ks = everyNth(Math.ceil(domain[0] - 1e-9), Math.floor(domain[1] + 1e-9), MAX_TICKS);
  if (ks.length > 0) return ks.map((k) => ({ value: pow10(k), label: decadeLabel(k) }));
  return alphas.map((a) => ({ value: a, label: alphaLabel(a) }));
}

/**
 * A log y domain (log10 units) from whole decades around the values: [floor(log10 min), ceil(log10 max)],
 * one decade at least. Ticks at decades, plus 2 and 5 × 10^k when it spans a single decade.
 */
export function logYAxis(min: number, max: number): { domain: [number, number]; ticks: number[] } {
  const klo = decadeOf(min);
  const top = decadeOf(max);
  let khi = pow10(top) === max ? top : top + 1;
  if (khi <= klo) khi = klo + 1;
  const domain: [number, number] = [klo, khi];
  if (khi - klo === 1) return { domain, ticks: [1, 2, 5].map((m) => Number(`${m}e${klo}`)).concat(pow10(khi)) };
  return { domain, ticks: everyNth(klo, khi, MAX_TICKS).map(pow10) };
}

/** A linear y axis from 0 to the first nice tick ≥ max (iteration counts). */
export function linearYAxis(max: number): { domain: [number, number]; ticks: number[] } {
  if (!(max > 0)) return { domain: [0, 1], ticks: linearTicks(0, 1, 5) };
  const ticks = linearTicks(0, max, 5);
  let top = ticks[ticks.length - 1];
  if (top < max) {
    top = Number((top + (ticks[1] - ticks[0])).toPrecision(12));
    ticks.push(top);
  }
  return { domain: [0, top], ticks };
}

const fmt = formatForPeople;

export function layoutSweepChart(
  result: SweepResult,
  metric: SweepMetric,
  alphas: readonly number[],
  size: { width: number; height: number },
): SweepChartLayout {
  // ---- y values: every mean, min and max there is
  const ys: number[] = [];
  for (const s of result.series) for (const p of s.points) if (p.mean !== null) ys.push(p.mean, p.min!, p.max!);
  const yMin = ys.length > 0 ? Math.min(...ys) : NaN;
  const yMax = ys.length > 0 ? Math.max(...ys) : NaN;
  const yLog = metric.kind !== 'iterations-to-threshold' && ys.length > 0 && yMin > 0;
  const yAxis = yLog ? logYAxis(yMin, yMax) : linearYAxis(yMax);

  // ---- which marker kinds are present: one band row each
  const kindsPresent = new Set<MarkerKind>();
  for (const s of result.series) {
    for (const p of s.points) {
      if (p.diverged > 0) kindsPresent.add('diverged');
      if (p.values.some((v) => v.value === null && !v.diverged)) kindsPresent.add('no-value');
    }
  }
  const kinds = (['diverged', 'no-value'] as const).filter((k) => kindsPresent.has(k));
  const bands = kinds.map((kind, i) => ({
    kind,
    label: kind === 'diverged' ? 'diverged' : metric.kind === 'iterations-to-threshold' ? 'not reached' : 'no value',
    y: MARGIN.top + BAND_ROW * i + BAND_ROW / 2,
  }));
  const plot: PlotBox = {
    x0: MARGIN.left,
    x1: Math.max(MARGIN.left + 1, size.width - MARGIN.right),
    y0: MARGIN.top + BAND_ROW * kinds.length + (kinds.length > 0 ? 6 : 0),
    y1: Math.max(MARGIN.top + 1, size.height - MARGIN.bottom),
  };
  plot.y1 = Math.max(plot.y1, plot.y0 + 1);

  const xd = xDomain(alphas);
  const px = (a: number) => plot.x0 + ((Math.log10(a) - xd[0]) / (xd[1] - xd[0])) * (plot.x1 - plot.x0);
  const [ylo, yhi] = yAxis.domain;
  const py = (v: number) => {
    const t = yLog ? (Math.log10(v) - ylo) / (yhi - ylo) : (v - ylo) / (yhi - ylo);
    return plot.y1 - t * (plot.y1 - plot.y0);
  };
  const bandY = (k: MarkerKind) => bands.find((b) => b.kind === k)!.y;

  const short = METRIC_SHORT[metric.kind];
  const noValueWords = metric.kind === 'iterations-to-threshold' ? `did not reach ${fmt(metric.threshold)}` : 'no value';
  let pointCount = 0;
  let markerCount = 0;
  const n = result.series.length;
  const series: LaidSeries[] = result.series.map((s, si) => {
    const points: LaidPoint[] = [];
    const markers: LaidMarker[] = [];
    let path = '';
    let open = false;
    const spread = (si - (n - 1) / 2) * MARKER_SPREAD;
    for (const p of s.points) {
      if (p.runs === 0 || p.mean === null) {
        open = false;
      } else {
        const cx = px(p.alpha0);
        const cy = py(p.mean);
        path += `${open ? 'L' : 'M'}${cx.toFixed(1)},${cy.toFixed(1)}`;
        open = true;
        const spreadText = p.count > 1 ? ` (mean of ${p.count} seeds, ${fmt(p.min!)} to ${fmt(p.max!)})` : '';
        const divText = p.diverged > 0 ? `; ${p.diverged} of ${p.runs} diverged` : '';
        points.push({
          alpha0: p.alpha0,
          cx,
          cy,
          value: p.mean,
          whisker: p.count > 1 && p.max! > p.min! ? { top: py(p.max!), bottom: py(p.min!) } : null,
          text: `${s.optimizer}, α₀ = ${alphaLabel(p.alpha0)}: ${short} ${fmt(p.mean)}${spreadText}${divText}`,
        });
      }
      if (p.runs === 0) continue;
      const cx = px(p.alpha0) + spread;
      if (p.diverged > 0) {
        markers.push({ alpha0: p.alpha0, cx, cy: bandY('diverged'), kind: 'diverged', text: `${s.optimizer}, α₀ = ${alphaLabel(p.alpha0)}: diverged (${p.diverged} of ${p.runs} runs)` });
      }
      const none = p.values.filter((v) => v.value === null && !v.diverged).length;
      if (none > 0) {
        markers.push({ alpha0: p.alpha0, cx, cy: bandY('no-value'), kind: 'no-value', text: `${s.optimizer}, α₀ = ${alphaLabel(p.alpha0)}: ${noValueWords} (${none} of ${p.runs} runs)` });
      }
    }
    pointCount += points.length;
    markerCount += markers.length;
    return { optimizer: s.optimizer, path, points, markers };
  });

  const xTicks = xTicksOf(xd, alphas).map((t) => ({ ...t, px: px(t.value) }));
  // Large values as powers (1e3, 1e21), as on the α₀ axis; small ones as people write losses (0.2, 1e-5).
  const yTicks = yAxis.ticks.map((v) => ({ value: v, label: yLog && v >= 1000 ? alphaLabel(v) : fmt(v), px: py(v) }));
  const yTitle = metric.kind === 'iterations-to-threshold' ? `iterations to loss < ${fmt(metric.threshold)}` : short;
  return { plot, xTicks, yTicks, yLog, yTitle, bands, series, pointCount, markerCount };
}
