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
  /**
   * The held-out validation images, normalised on the device, in chunks of the reference's validation
   * batch (its loader uses the training batch size); cut once per run (valChunks), not per observation.
   */
  val: DeviceEvalSet[];
  /** The previous observation's logits, one tensor per chunk, or null at the first. */
  prevLogits: Tensor2D[] | null;
  /** Mean minibatch loss of the steps since the last observation. */
  trainLoss: number;
  lr: number;
}

/** The validation set cut into chunks of `chunk` images (the caller disposes them). */
export function valChunks(val: DeviceEvalSet, chunk: number): DeviceEvalSet[] {
  const n = val.y.shape[0];
  const out: DeviceEvalSet[] = [];
  for (let start = 0; start < n; start += chunk) {
    const size = Math.min(chunk, n - start);
    out.push({ x: tf.slice(val.x, start, size), y: tf.slice(val.y, start, size) });
  }
  return out;
}

/** Unbiased variance of all elements (torch's Tensor.var()). */
function variance(x: Tensor): Tensor {
  const n = x.size;
  const d = tf.sub(x, tf.mean(x));
  return tf.div(tf.sum(tf.mul(d, d)), Math.max(1, n - 1));
}

/** The 7 features, and this observation's logits per chunk (kept by the caller for the next one; none left when it throws). */
export async function controllerFeatures(inp: FeatureInputs): Promise<{ features: number[]; logits: Tensor2D[] }> {
  const chunks = inp.val.length;
  const logits: Tensor2D[] = [];
  try {
    const sums = tf.tidy(() => {
      let loss: Tensor = tf.scalar(0);
      let predVar: Tensor = tf.scalar(0);
      let changeVar: Tensor = tf.scalar(0);
      inp.val.forEach(({ x, y }, k) => {
        const out = inp.net.forward(inp.model.params, inp.model.buffers, x, { training: false }).logits;
        logits.push(tf.keep(out));
        loss = tf.add(loss, crossEntropy(out, y, inp.numClasses));
        predVar = tf.add(predVar, variance(out));
        changeVar = tf.add(changeVar, variance(inp.prevLogits === null ? out : tf.sub(out, inp.prevLogits[k])));
      });
      // torch's parameters()[-2]: the output layer's weight (its layout does not change mean or variance).
      const w = inp.model.params[inp.model.params.length - 2];
      return tf.stack([tf.div(loss, chunks), tf.div(predVar, chunks), tf.div(changeVar, chunks), tf.mean(w), variance(w)]);
    });
    try {
      const v = await sums.data();
      return { features: [inp.trainLoss, v[0], v[1], v[2], v[3], v[4], inp.lr], logits };
    } finally {
      sums.dispose();
    }
  } catch (e) {
    tf.dispose(logits); // kept for the caller, who gets none when this throws
    throw e;
  }
}
