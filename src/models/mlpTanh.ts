// The MNIST model of "Gradient Descent: The Ultimate Optimizer" (Chandra et al., NeurIPS 2022; the
// kach/gradient-descent-the-ultimate-optimizer README):
//   layer1 = nn.Linear(784, 128); layer2 = nn.Linear(128, 10)
//   forward: tanh(layer1(x)) → layer2 → tanh → log_softmax      (tanh on the output layer too)
// Our "logits" are the output tanh values; the engine's cross-entropy applies the log_softmax, so the
// loss is nll_loss(log_softmax(tanh(layer2(tanh(layer1(x)))))) as in the reference.
//
// Initialisation: kaiming_uniform_(weight, a=√5) is U(±gain·√(3/fan_in)) with gain = √(2/(1+5)), i.e.
// U(±1/√fan_in) — torch's default nn.Linear init, biases U(±1/√fan_in) too: exactly initTorchLayout
// (mlp.ts), drawn in torch's order layer1.weight, layer1.bias, layer2.weight, layer2.bias.
//
// Inputs: the reference feeds torchvision ToTensor() pixels in [0, 1], not normalised. The engine hands
// every model normalised batches ((x/255 − mean[c]) / std[c], src/engine/inputs.ts). Given the
// dataset's normalisation (`input`, from buildNetwork), this model undoes it first: x·std[c] + mean[c]
// (constants, no parameters, no gradient), so it sees [0, 1] pixels whatever the dataset's constants
// (with the CLI's --no-normalize the constants are 0 and 1 and this is the identity). Without `input`
// the model takes its inputs as they come (normalised ones, unlike the reference).
import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor1D, Tensor2D, Tensor4D } from '@tensorflow/tfjs';
import { createRng } from '../data/batching';
import { dense, denseInput } from './dense';
import { initTorchLayout, toTensors } from './mlp';
import { checkTangents } from './mlpHvp';
import type { Network } from './network';
import { hvpChain } from './rop/chain';
import { denseR } from './rop/dense';
import { crossEntropyR } from './rop/loss';
import { tanhR } from './rop/tanh';

/** A dataset's per-channel normalisation (DatasetBuffers.mean / std): the engine's inputs are (x − mean)/std. */
export interface InputScale {
  mean: readonly number[];
  std: readonly number[];
}

/** torch names of the reference's modules, in params order. */
export const MLP_TANH_PARAM_NAMES = ['layer1.weight', 'layer1.bias', 'layer2.weight', 'layer2.bias'];

/**
 * `layers` = [h·w·c, hidden, numClasses] (catalog: [784, 128, 10] on MNIST), `channels` = c (the
 * flattened input is channels last, so value i belongs to channel i mod c).
 */
export function mlpTanhNetwork(layers: readonly number[], channels: number, input?: InputScale): Network {
  if (layers.length !== 3) throw new Error(`mlpTanhNetwork: expected [inputs, hidden, classes], got [${layers.join(', ')}]`);
  const sizes = [...layers];
  const d = sizes[0];
  if (!Number.isInteger(channels) || channels < 1 || d % channels !== 0) throw new Error(`mlpTanhNetwork: ${channels} channels do not divide ${d} inputs`);
  if (input) {
    const ok = (a: readonly number[], positive: boolean) =>
      a.length === channels && a.every((x) => Number.isFinite(x) && (!positive || x > 0));
    if (!ok(input.mean, false) || !ok(input.std, true)) {
      throw new Error(`mlpTanhNetwork: the input normalisation needs one finite mean and one std > 0 per channel (${channels})`);
    }
  }
  // Per-value std and mean rows for more than one channel (built once, on the host).
  const rows = input && channels > 1
    ? { std: Float32Array.from({ length: d }, (_, i) => input.std[i % channels]), mean: Float32Array.from({ length: d }, (_, i) => input.mean[i % channels]) }
    : null;

  /** [n, h, w, c] → [n, d], un-normalised back to the [0, 1] pixels when `input` is known. Call inside tidy. */
  const flat = (x: Tensor4D): Tensor2D => {
    if (x.size / x.shape[0] !== d) throw new Error(`input has ${x.size / x.shape[0]} values per example, the model expects ${d}`);
    const f = tf.reshape(x, [x.shape[0], d]) as Tensor2D;
    if (!input) return f;
    if (rows) return tf.add(tf.mul(f, tf.tensor1d(rows.std)), tf.tensor1d(rows.mean)) as Tensor2D;
    return tf.add(tf.mul(f, input.std[0]), input.mean[0]) as Tensor2D;
  };

  return {
    init: (seed) => ({ params: toTensors(sizes, initTorchLayout(sizes, createRng(seed))), buffers: [] }),
    forward: (params, _buffers, x, mode) => {
      const logits = tf.tidy(() => {
        const [w1, b1, w2, b2] = params as [Tensor2D, Tensor1D, Tensor2D, Tensor1D];
        const h = tf.tanh(denseInput(flat(x), w1, b1));
        return tf.tanh(dense(h, w2, b2));
      });
      return { logits, buffers: mode.training ? [] : null };
    },
    // No dropout or batch norm: the mode does not matter.
    hvp: (params, _buffers, x, labels, numClasses, _mode, v) => {
      if (params.length !== 4) throw new Error(`mlpTanhNetwork: expected 4 parameter tensors, got ${params.length}`);
      checkTangents(params, v);
      return tf.tidy(() => {
        const [w1, b1, w2, b2] = params as [Tensor2D, Tensor1D, Tensor2D, Tensor1D];
        const [v1, c1, v2, c2] = v as [Tensor2D, Tensor1D, Tensor2D, Tensor1D];
        const chain = [denseR(w1, b1, v1, c1), tanhR, denseR(w2, b2, v2, c2), tanhR];
        return hvpChain(chain, flat(x), crossEntropyR(labels, numClasses)) as Tensor[];
      });
    },
    paramNames: () => [...MLP_TANH_PARAM_NAMES],
  };
}
