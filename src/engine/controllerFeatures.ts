// The observation of a learned learning-rate schedule (Xu et al. 2019), measured as the reference
// environment does (nicklashansen/adaptive-learning-rate-schedule, environment.py step()):
//   0 training loss        mean minibatch loss of the last 10 steps
//   1 validation loss      mean over validation batches of each batch's mean cross-entropy
//   2 prediction variance  mean over batches of the unbiased variance of all of the batch's logits
//   3 change variance      the same of (logits − the previous observation's logits of that batch); the
//                          first observation compares with 0
//   4, 5                   mean and unbiased variance of the output layer's weight matrix
//   6                      the learning rate of those 10 steps
// Deliberate differences, both so the features mean what they say: the validation batches are the same
// images in the same order at every observation (the reference's DataLoader reshuffles them, so its
// "change" compares different images), and the network is in evaluation mode (the reference leaves it in
// training mode, so a batch-norm net would use batch statistics and move its running ones).
import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs';
import { crossEntropy } from '../models/mlp';
import type { ModelTensors, Network } from '../models/network';
import type { DeviceEvalSet } from './evaluate';

export interface FeatureInputs {
  net: Network;
  model: ModelTensors;
  numClasses: number;
  /** The held-out validation images, normalised on the device. */
  val: DeviceEvalSet;
  /** Validation images per forward pass: the reference's loader uses the training batch size. */
  chunk: number;
  /** The previous observation's logits ([nVal, classes]), or null at the first. */
  prevLogits: Tensor2D | null;
  /** Mean minibatch loss of the steps since the last observation. */
  trainLoss: number;
  lr: number;
}

/** Unbiased variance of all elements (torch's Tensor.var()). */
function variance(x: Tensor): Tensor {
  return tf.tidy(() => {
    const n = x.size;
    const d = tf.sub(x, tf.mean(x));
    return tf.div(tf.sum(tf.mul(d, d)), Math.max(1, n - 1));
  });
}

/** The 7 features, and this observation's logits (kept by the caller for the next one). */
export async function controllerFeatures(inp: FeatureInputs): Promise<{ features: number[]; logits: Tensor2D }> {
  const n = inp.val.y.shape[0];
  const chunks = Math.ceil(n / inp.chunk);
  const parts: Tensor2D[] = [];
  const sums = tf.tidy(() => {
    let loss: Tensor = tf.scalar(0);
    let predVar: Tensor = tf.scalar(0);
    let changeVar: Tensor = tf.scalar(0);
    for (let k = 0; k < chunks; k++) {
      const start = k * inp.chunk;
      const size = Math.min(inp.chunk, n - start);
      const x = size === n ? inp.val.x : tf.slice(inp.val.x, start, size);
      const y = size === n ? inp.val.y : tf.slice(inp.val.y, start, size);
      const logits = inp.net.forward(inp.model.params, inp.model.buffers, x, { training: false }).logits;
      parts.push(tf.keep(logits));
      loss = tf.add(loss, crossEntropy(logits, y, inp.numClasses));
      predVar = tf.add(predVar, variance(logits));
      const prev = inp.prevLogits === null ? null : tf.slice(inp.prevLogits, start, size);
      changeVar = tf.add(changeVar, variance(prev === null ? logits : tf.sub(logits, prev)));
    }
    // torch's parameters()[-2]: the output layer's weight (its layout does not change mean or variance).
    const w = inp.model.params[inp.model.params.length - 2];
    return tf.stack([tf.div(loss, chunks), tf.div(predVar, chunks), tf.div(changeVar, chunks), tf.mean(w), variance(w)]);
  });
  const logits = (parts.length === 1 ? parts[0] : tf.concat(parts, 0)) as Tensor2D;
  if (parts.length > 1) tf.dispose(parts);
  const v = await sums.data();
  sums.dispose();
  return { features: [inp.trainLoss, v[0], v[1], v[2], v[3], v[4], inp.lr], logits };
}
