// A dense layer z = x·W + b whose gradient transposes explicitly.
// Why: tfjs-backend-wasm's matMul is ~12x slower with the transposeA/transposeB flags that autodiff's
// matMul gradient uses; transposing first and multiplying untransposed trained the 784-1000-1000-10 MLP
// 5.3x faster on wasm with the same math (DESIGN.md). W is stored [in, out] so the forward pass is
// untransposed too.
import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';

const denseOp = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, b, save] = args as [Tensor, Tensor, Tensor, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.add(tf.matMul(x as Tensor2D, w as Tensor2D), b),
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
      const g = dy as Tensor2D;
      const [xs, ws] = saved as [Tensor2D, Tensor2D];
      return [tf.matMul(g, tf.transpose(ws)), tf.matMul(tf.transpose(xs), g), tf.sum(g, 0)];
    },
  };
});

export function dense(x: Tensor2D, w: Tensor2D, b: Tensor1D): Tensor2D {
  return denseOp(x, w, b) as Tensor2D;
}
