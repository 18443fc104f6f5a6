// Fully connected ReLU networks (LogReg is the one-layer case) as pure functions of a flat list of
// parameter tensors [W1, b1, W2, b2, ...], in PyTorch's model.parameters() order (the Adam-HD
// reference updates α per tensor in that order, so it matters). W_L is stored [in, out].
import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { dense, denseInput } from './dense';

/** Logits for a batch x [n, layers[0]]: ReLU after every layer except the last. */
export function forward(params: readonly Tensor[], x: Tensor2D): Tensor2D {
  let h = x;
  const nLayers = params.length / 2;
  for (let l = 0; l < nLayers; l++) {
    const layer = l === 0 ? denseInput : dense;
    const z = layer(h, params[2 * l] as Tensor2D, params[2 * l + 1] as Tensor1D);
    h = l < nLayers - 1 ? tf.relu(z) : z;
  }
  return h;
}

/** Mean cross-entropy over the batch (F.cross_entropy): mean_i(logsumexp(z_i) − z_i[y_i]). */
export function crossEntropy(logits: Tensor2D, labels: Tensor1D, numClasses: number): Scalar {
  const oneHot = tf.oneHot(labels, numClasses);
  return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1))) as Scalar;
}

/**
 * PyTorch's default nn.Linear initialisation, U(±1/√fan_in) for weights and biases, drawn from `rand`
 * (uniform [0,1)) in torch's order: W row-major [out][in], then b, layer by layer. Returns torch-layout
 * flat values per tensor; `toTensors` turns them into this project's layout.
 */
export function initTorchLayout(layers: readonly number[], rand: () => number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let l = 1; l < layers.length; l++) {
    const nIn = layers[l - 1], nOut = layers[l];
    const bound = 1 / Math.sqrt(nIn);
    const w = new Float32Array(nOut * nIn);
    for (let i = 0; i < w.length; i++) w[i] = (2 * rand() - 1) * bound;
    const b = new Float32Array(nOut);
    for (let i = 0; i < b.length; i++) b[i] = (2 * rand() - 1) * bound;
    out.push(w, b);
  }
  return out;
}

/** Torch-layout flat values ([out][in] weights) → tensors [W1 [in,out], b1, ...]. */
export function toTensors(layers: readonly number[], torchValues: readonly ArrayLike<number>[]): Tensor[] {
  return tf.tidy(() => {
    const ts: Tensor[] = [];
    for (let l = 1; l < layers.length; l++) {
      const nIn = layers[l - 1], nOut = layers[l];
      ts.push(tf.transpose(tf.tensor2d(Float32Array.from(torchValues[2 * l - 2]), [nOut, nIn])));
      ts.push(tf.tensor1d(Float32Array.from(torchValues[2 * l - 1])));
    }
    return ts;
  });
}

/** Tensors in this project's layout → one flat torch-layout vector (for comparison with references). */
export async function toTorchFlat(params: readonly Tensor[]): Promise<Float64Array> {
  const parts: Float32Array[] = [];
  for (let i = 0; i < params.length; i++) {
    const t = i % 2 === 0 ? tf.transpose(params[i]) : params[i];
    parts.push((await t.data()) as Float32Array);
    if (t !== params[i]) t.dispose();
  }
  const flat = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    flat.set(p, o);
    o += p.length;
  }
  return flat;
}
