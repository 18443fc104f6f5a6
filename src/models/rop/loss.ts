// R-op of the mean softmax cross-entropy (crossEntropy in mlp.ts) with respect to the logits z [n, C].
// With p = softmax(z) per row: g_z = (p − onehot)/n, and its derivative along ż is the softmax Jacobian
// (diag p − ppᵀ)/n applied to ż, row by row: ġ_z = (p⊙ż − p·(pᵀż))/n. No logSoftmax gradient is needed.
import * as tf from '@tensorflow/tfjs';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { CoDual, Dual } from './chain';

export function crossEntropyR(labels: Tensor1D, numClasses: number): (z: Dual) => CoDual {
  return (z) => {
    const logits = z.value as Tensor2D;
    const n = logits.shape[0];
    const p = tf.softmax(logits);
    const grad = tf.div(tf.sub(p, tf.oneHot(labels, numClasses)), n);
    if (!z.tangent) return { grad, dgrad: tf.zerosLike(grad) };
    const pz = tf.mul(p, z.tangent);
    const dgrad = tf.div(tf.sub(pz, tf.mul(p, tf.sum(pz, 1, true))), n);
    return { grad, dgrad };
  };
}
