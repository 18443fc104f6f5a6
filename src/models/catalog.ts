// Model metadata without tfjs: names, layer sizes, parameter counts (the page shows them).
import type { ModelName } from '../engine/types';

export interface ModelInfo {
  name: ModelName;
  label: string;
  /** Dense layer sizes, input first. */
  layers: readonly number[];
}

export const MODELS: readonly ModelInfo[] = [
  { name: 'ffnn100', label: 'FFNN 784-100-10 (fast)', layers: [784, 100, 10] },
  { name: 'logreg', label: 'Logistic regression 784-10', layers: [784, 10] },
  { name: 'mlp', label: 'MLP 784-1000-1000-10 (reference)', layers: [784, 1000, 1000, 10] },
];

export function modelInfo(name: ModelName): ModelInfo {
  const m = MODELS.find((x) => x.name === name);
  if (!m) throw new Error(`Unknown model "${name}"`);
  return m;
}

export function parameterCount(layers: readonly number[]): number {
  let n = 0;
  for (let i = 1; i < layers.length; i++) n += layers[i - 1] * layers[i] + layers[i];
  return n;
}
