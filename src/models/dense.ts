// Dense layers z = x·W + b whose gradients transpose explicitly.
// Why: tfjs-backend-wasm's matMul is ~12x slower with the transposeA/transposeB flags that autodiff's
// matMul gradient uses; transposing first and multiplying untransposed trained the 784-1000-1000-10 MLP
// 5.3x faster on wasm with the same math (DESIGN.md). W is stored [in, out] so the forward pass is
// untransposed too.
import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';

const hiddenOp = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, b, save] = args as [Tensor2D, Tensor2D, Tensor1D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.add(tf.matMul(x, w), b),
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
      const g = dy as Tensor2D;
      const [xs, ws] = saved as [Tensor2D, Tensor2D];
      return [tf.matMul(g, tf.transpose(ws)), tf.matMul(tf.transpose(xs), g), tf.sum(g, 0)];
    },
  };
});

/** A layer whose input needs a gradient (every layer after the first). */
export function dense(x: Tensor2D, w: Tensor2D, b: Tensor1D): Tensor2D {
  return hiddenOp(x, w, b) as Tensor2D;
}

/**
 * The first layer: its input is data, so no gradient is computed for it (that product, batch × in × out,
 * is as large as the weight gradient; skipping it made the FFNN step ~1.6x faster on wasm).
 */
export function denseInput(x: Tensor2D, w: Tensor2D, b: Tensor1D): Tensor2D {
  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const [ws, bs, save] = args as [Tensor2D, Tensor1D, tf.GradSaveFunc];
    // Saved (not just captured): an x made inside the loss function (e.g. the flattening reshape, a real
    // copy on webgl) is freed when the forward pass ends, before the gradient runs.
    save([x]);
    return {
      value: tf.add(tf.matMul(x, ws), bs),
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
        const g = dy as Tensor2D;
        return [tf.matMul(tf.transpose(saved[0]), g), tf.sum(g, 0)];
      },
    };
  });
  return op(w, b) as Tensor2D;
}
