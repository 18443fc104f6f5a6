// What the Curvature panel draws, as pure functions (no React, no DOM): ESGD-M's preconditioner snapshots
// (per Hessian step, per layer: the 10/50/90 % quantiles of √d over the layer's parameters) regrouped per
// layer as columns, the y axis of one layer's small chart (log when every value is > 0, else symmetric
// log: a √d of exactly 0, a parameter no Hessian-vector product has reached, must still be drawn), and a
// sentence per layer for screen readers.
import type { CurvatureRecord } from '../engine/types';
import { symlogThreshold } from '../series/axes';
import { formatForPeople } from '../config/validate';
import { planYAxis, type YAxisPlan } from './chart/yScale';

/** One layer's quantiles over the Hessian steps, in iteration order. */
export interface LayerCurvature {
  layer: string;
  iteration: Float64Array;
  q10: Float64Array;
  q50: Float64Array;
  q90: Float64Array;
}

/** The snapshots regrouped per layer, layers in the order they first appear (the model's order). */
export function curvatureByLayer(records: readonly CurvatureRecord[]): LayerCurvature[] {
  const acc = new Map<string, { it: number[]; q10: number[]; q50: number[]; q90: number[] }>();
  for (const r of records) {
    for (const l of r.layers) {
      let a = acc.get(l.layer);
      if (!a) {
        a = { it: [], q10: [], q50: [], q90: [] };
        acc.set(l.layer, a);
      }
      a.it.push(r.iteration);
      a.q10.push(l.q10);
      a.q50.push(l.q50);
      a.q90.push(l.q90);
    }
  }
  return [...acc].map(([layer, a]) => ({
    layer,
    iteration: Float64Array.from(a.it),
    q10: Float64Array.from(a.q10),
    q50: Float64Array.from(a.q50),
    q90: Float64Array.from(a.q90),
  }));
}

/**
 * Indices to draw: all of them up to `max`, else an even stride that keeps the first and the last
 * (a long run has one snapshot per few iterations; a small chart shows a few hundred at most).
 */
export function thinIndices(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  const step = (n - 1) / (max - 1);
  for (let k = 0; k < max; k++) out.push(Math.round(k * step));
  return [...new Set(out)];
}

/** The y axis of one layer's chart: log over the 10–90 % band, symmetric log when some value is ≤ 0. */
export function curvatureYAxis(l: Pick<LayerCurvature, 'q10' | 'q50' | 'q90'>): YAxisPlan | null {
  let min = Infinity, max = -Infinity, minPositive = Infinity;
  const all: number[] = [];
  for (const col of [l.q10, l.q50, l.q90]) {
    for (const v of col) {
      if (!Number.isFinite(v)) continue;
      all.push(v);
      if (v < min) min = v;
      if (v > max) max = v;
      if (v > 0 && v < minPositive) minPositive = v;
    }
  }
  if (all.length === 0) return null;
  if (min > 0) return planYAxis('log', { min, max, minPositive }, { fromZero: false, c: 1 });
  return planYAxis('symlog', { min, max, minPositive }, { fromZero: true, c: symlogThreshold(all) });
}

/** A sentence for screen readers: how many Hessian steps and the latest quantiles. */
export function layerSummary(l: LayerCurvature, steps = l.iteration.length): string {
  const n = steps;
  const i = l.iteration.length - 1;
  if (i < 0) return `Layer ${l.layer}: no Hessian step yet.`;
  const f = formatForPeople;
  return (
    `Layer ${l.layer}: ${n} Hessian step${n === 1 ? '' : 's'}; at iteration ${l.iteration[i]} the median √d is ${f(l.q50[i])}, ` +
    `10 % of the parameters below ${f(l.q10[i])}, 10 % above ${f(l.q90[i])}.`
  );
}
