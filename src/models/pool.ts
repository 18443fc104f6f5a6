// ReLU followed by 2×2 max-pooling (stride 2) as one op with an explicit gradient.
// relu(maxPool(z)) = maxPool(relu(z)) (max commutes with a monotone function), so the ReLU runs on the
// pooled quarter-size tensor. Backward: the gradient goes to the window's maximum where the pooled
// value is positive: dz = [z = max of its window]·[max > 0]·dy. Why not autodiff of tf.maxPool: the
// wasm backend's MaxPoolGrad (tfjs 4.22) is ~8x slower than these four elementwise passes, and gives
// no gradient in windows whose maximum is negative (harmless after a ReLU, but wrong in general).
// Exact ties at a positive maximum (measure zero for real-valued activations) send the gradient to
// every tied position; torch sends it to one.
import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs';
import { hasReluMaxPool2Grad, reluMaxPool2Grad } from '../kernels/ownKernels';

export function reluMaxPool2(z: Tensor4D): Tensor4D {
  const [n, h, w, c] = z.shape;
  if (h % 2 !== 0 || w % 2 !== 0) return tf.tidy(() => tf.maxPool(tf.relu(z), 2, 2, 'valid'));
  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const [zs, save] = args as [Tensor4D, tf.GradSaveFunc];
    const pooled = tf.maxPool(zs, 2, 2, 'valid');
    save([zs, pooled]);
    return {
      value: tf.relu(pooled),
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
        const [zz, pp] = saved as [Tensor4D, Tensor4D];
        // On wasm one kernel does the four passes below, bitwise equal (src/kernels/ownKernels.ts).
        if (hasReluMaxPool2Grad()) return reluMaxPool2Grad(zz, pp, dy as Tensor);
        const p6 = tf.reshape(pp, [n, h / 2, 1, w / 2, 1, c]);
        const dp6 = tf.reshape(tf.mul(dy as Tensor, tf.step(pp)), [n, h / 2, 1, w / 2, 1, c]);
        const notMax = tf.step(tf.sub(p6, tf.reshape(zz, [n, h / 2, 2, w / 2, 2, c]))); // 1 below the window's max, 0 at it
        return tf.reshape(tf.sub(dp6, tf.mul(dp6, notMax)), [n, h, w, c]);
      },
    };
  });
  return op(z) as Tensor4D;
}
