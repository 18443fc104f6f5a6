// R-op of the elementwise y = tanh(x) (the gdtuo MLP, mlpTanh.ts). With s = 1 − y²:
//   forward:  ẏ = s⊙ẋ
//   backward: g_x = s⊙g_y  ⇒  ġ_x = s⊙ġ_y + ṡ⊙g_y = s⊙ġ_y − 2·y⊙ẏ⊙g_y   (ṡ = −2y⊙ẏ)
// The gradient path (tf.tanh's gradient) computes g_x = (1 − y²)⊙g_y from the same y, so this differentiates
// the gradient the optimiser actually uses. No parameters.
import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import type { RLayer } from './chain';

export const tanhR: RLayer = (x) => {
  const y = tf.tanh(x.value);
  const s = tf.sub(1, tf.square(y));
  const dy: Tensor | null = x.tangent ? tf.mul(s, x.tangent) : null;
  return {
    out: { value: y, tangent: dy },
    back({ grad, dgrad }) {
      const g = tf.mul(s, grad);
      const dg = dy ? tf.sub(tf.mul(s, dgrad), tf.mul(tf.mul(tf.mul(y, dy), grad), 2)) : tf.mul(s, dgrad);
      return { input: { grad: g, dgrad: dg }, hv: [] };
    },
  };
};
