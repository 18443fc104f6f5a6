// Functional steps create new tensors; these helpers free the ones a step replaced, and nothing else.
import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';

/** Every tensor reachable from a plain object / array tree. */
export function collectTensors(tree: unknown, out: Set<Tensor> = new Set()): Set<Tensor> {
  if (tree == null || typeof tree !== 'object') return out;
  if (isTensor(tree)) {
    out.add(tree);
    return out;
  }
  for (const v of Array.isArray(tree) ? tree : Object.values(tree)) collectTensors(v, out);
  return out;
}

/** Dispose the tensors of `before` that do not appear in `after` (a step may pass some through). */
export function disposeReplaced(before: unknown, after: unknown): void {
  const keep = collectTensors(after);
  for (const t of collectTensors(before)) if (!keep.has(t)) t.dispose();
}

function isTensor(x: object): x is Tensor {
  return typeof (x as Tensor).dataId === 'object' && typeof (x as Tensor).dispose === 'function' && 'shape' in x;
}

/** tf.tidy for functions returning plain trees of tensors and numbers (its typing only admits TensorContainer). */
export function tidyTree<T>(fn: () => T): T {
  return tf.tidy(fn as () => tf.TensorContainer) as T;
}
