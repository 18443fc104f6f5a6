// Per-layer quantiles of a preconditioner's per-parameter scales (ESGD-M's √d): what rates it chooses.
import type { Tensor } from '@tensorflow/tfjs';
import type { LayerQuantiles } from './types';

/** The layer of a torch parameter name: 'features.0.weight' → 'features.0'. */
export function layerOf(paramName: string): string {
  const dot = paramName.lastIndexOf('.');
  return dot < 0 ? paramName : paramName.slice(0, dot);
}

/** Quantile q ∈ [0, 1] of sorted values with linear interpolation between order statistics (numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** 10/50/90 % quantiles per layer, layers in the order their first parameter appears. */
export function layerQuantiles(values: readonly ArrayLike<number>[], names: readonly string[]): LayerQuantiles[] {
  const groups = new Map<string, ArrayLike<number>[]>();
  values.forEach((v, i) => {
    const layer = layerOf(names[i]);
    groups.set(layer, [...(groups.get(layer) ?? []), v]);
  });
  return [...groups].map(([layer, parts]) => {
    const all = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) for (let i = 0; i < p.length; i++) all[o++] = p[i];
    all.sort();
    return { layer, q10: quantileSorted(all, 0.1), q50: quantileSorted(all, 0.5), q90: quantileSorted(all, 0.9) };
  });
}

/** Reads the scales back and summarises them; disposes `scales`. */
export async function readLayerQuantiles(scales: Tensor[], names: readonly string[]): Promise<LayerQuantiles[]> {
  try {
    const values = await Promise.all(scales.map((t) => t.data() as Promise<Float32Array>));
    return layerQuantiles(values, names);
  } finally {
    for (const t of scales) t.dispose();
  }
}
