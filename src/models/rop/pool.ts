// R-op of reluMaxPool2 (pool.ts): y = relu(maxPool2×2(z)). Piecewise linear: on each window it passes
// the maximum through where that maximum is positive. The selection is fixed by the forward values, so
// tangents and cotangents use the same selection, with pool.ts's tie rule: every position equal to the
// window's maximum is selected (its gradient sends dy to each of them; the tangent is the sum over the
// selected positions, the transpose of that map, so the H·v is that of the gradient path exactly).
import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs';
import type { RLayer } from './chain';

export const reluMaxPool2R: RLayer = (x) => {
  let z = x.value as Tensor4D;
  let dz = x.tangent as Tensor4D | null;
  const [n, h0, w0, c] = z.shape;
  // Odd sizes (not in the catalog's models): 'valid' pooling ignores the last row/column, so crop them
  // and give them zero cotangent. pool.ts uses tf.maxPool's gradient there, which breaks ties (measure
  // zero for real-valued activations) to one position.
  const h = h0 - (h0 % 2), w = w0 - (w0 % 2);
  const cropped = h !== h0 || w !== w0;
  if (cropped) {
    z = tf.slice(z, [0, 0, 0, 0], [n, h, w, c]);
    if (dz) dz = tf.slice(dz, [0, 0, 0, 0], [n, h, w, c]);
  }
  const pooled = tf.maxPool(z, 2, 2, 'valid');
  const positive = tf.step(pooled); // [max > 0]: the ReLU after the pool
  const win = [n, h / 2, 2, w / 2, 2, c];
  const one = [n, h / 2, 1, w / 2, 1, c];
  // 1 where z equals its window's maximum, 0 below it (pool.ts: 1 − step(max − z)).
  const sel = tf.sub(1, tf.step(tf.sub(tf.reshape(pooled, one), tf.reshape(z, win))));
  const gather = (t: Tensor) => tf.mul(tf.reshape(tf.sum(tf.mul(sel, tf.reshape(t, win)), [2, 4]), pooled.shape), positive);
  const scatter = (t: Tensor) => {
    const full = tf.reshape(tf.mul(sel, tf.reshape(tf.mul(t, positive), one)), [n, h, w, c]);
    return cropped ? tf.pad(full, [[0, 0], [0, h0 - h], [0, w0 - w], [0, 0]]) : full;
  };
  return {
    out: { value: tf.relu(pooled), tangent: dz ? gather(dz) : null },
    back: ({ grad, dgrad }) => ({ input: { grad: scatter(grad), dgrad: scatter(dgrad) }, hv: [] }),
  };
};
