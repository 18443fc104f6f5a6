// The fully connected models (LogReg, FFNN, MLP) as a Network: exactly the initial weights and forward
// pass of mlp.ts (the golden replays and published results depend on them). Images are flattened in
// their stored (h, w, c) order; no buffers.
import * as tf from '@tensorflow/tfjs';
import type { Tensor2D, Tensor4D } from '@tensorflow/tfjs';
import { createRng } from '../data/batching';
import { forward, initTorchLayout, toTensors } from './mlp';
import { mlpHvp } from './mlpHvp';
import type { Network } from './network';

/** `layers` = [h·w·c, ...hidden, numClasses]. */
export function mlpNetwork(layers: readonly number[]): Network {
  const sizes = [...layers];
  const check = (x: Tensor4D) => {
    if (x.size / x.shape[0] !== sizes[0]) {
      throw new Error(`input has ${x.size / x.shape[0]} values per example, the model expects ${sizes[0]}`);
    }
  };
  return {
    init: (seed) => ({ params: toTensors(sizes, initTorchLayout(sizes, createRng(seed))), buffers: [] }),
    forward: (params, _buffers, x, mode) => {
      check(x);
      const logits = tf.tidy(() => forward(params, tf.reshape(x, [x.shape[0], sizes[0]]) as Tensor2D));
      return { logits, buffers: mode.training ? [] : null };
    },
    // No dropout or batch norm: the mode does not matter.
    hvp: (params, _buffers, x, labels, numClasses, _mode, v) => {
      check(x);
      return tf.tidy(() => mlpHvp(params, tf.reshape(x, [x.shape[0], sizes[0]]) as Tensor2D, labels, numClasses, v));
    },
    // torch: self.layers = nn.ModuleList(nn.Linear(...) per layer) (test/golden's param_layout).
    paramNames: () => sizes.slice(1).flatMap((_, l) => [`layers.${l}.weight`, `layers.${l}.bias`]),
  };
}
