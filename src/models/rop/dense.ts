// R-ops of the dense layer z = x·W + b (W stored [in, out], dense.ts) and of the elementwise layers that
// surround it in the models (ReLU, dropout). Transposes are explicit, as in dense.ts (tfjs-backend-wasm's
// matMul is much slower with its transpose flags).
import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { Dual, RLayer, RStep } from './chain';

/** w, b: the parameters; dw, db: their tangents (the matching pieces of v). */
export function denseR(w: Tensor2D, b: Tensor1D, dw: Tensor2D, db: Tensor1D): RLayer {
  return (x) => {
    const xv = x.value as Tensor2D;
    const dx = x.tangent as Tensor2D | null;
    // Product rule: ż = ẋ·W + x·Ẇ + ḃ (ẋ = 0 for data).
    let dz: Tensor = tf.add(tf.matMul(xv, dw), db);
    if (dx) dz = tf.add(dz, tf.matMul(dx, w));
    return {
      out: { value: tf.add(tf.matMul(xv, w), b), tangent: dz },
      back({ grad: g, dgrad: dg }, needInput) {
        // g_W = xᵀ·g  ⇒  ġ_W = xᵀ·ġ + ẋᵀ·g;   g_b = Σ_rows g  ⇒  ġ_b = Σ_rows ġ.
        let dgw: Tensor = tf.matMul(tf.transpose(xv), dg as Tensor2D);
        if (dx) dgw = tf.add(dgw, tf.matMul(tf.transpose(dx), g as Tensor2D));
        const hv = [dgw, tf.sum(dg, 0)];
        if (!needInput) return { input: null, hv };
        // g_x = g·Wᵀ  ⇒  ġ_x = ġ·Wᵀ + g·Ẇᵀ.
        const wT = tf.transpose(w);
        const input = {
          grad: tf.matMul(g as Tensor2D, wT),
          dgrad: tf.add(tf.matMul(dg as Tensor2D, wT), tf.matMul(g as Tensor2D, tf.transpose(dw))),
        };
        return { input, hv };
      },
    };
  };
}

/**
 * A fixed elementwise factor: y = x⊙m. Linear, so the tangent and both cotangents are multiplied by m.
 * ReLU is this with m = [x > 0] (tf.relu's gradient mask, tf.step: 0 at the kink); dropout with its mask.
 */
function maskR(x: Dual, m: Tensor, value: Tensor): RStep {
  return {
    out: { value, tangent: x.tangent ? tf.mul(x.tangent, m) : null },
    back: ({ grad, dgrad }) => ({ input: { grad: tf.mul(grad, m), dgrad: tf.mul(dgrad, m) }, hv: [] }),
  };
}

/** ReLU: the mask of the forward value is piecewise constant, so its derivative along v is 0. */
export const reluR: RLayer = (x) => maskR(x, tf.step(x.value), tf.relu(x.value));

/** Dropout with a given mask (0 or 1/(1−p), drawn by the caller from the same seed as the forward pass). */
export function dropoutR(mask: Tensor): RLayer {
  return (x) => maskR(x, mask, tf.mul(x.value, mask));
}
