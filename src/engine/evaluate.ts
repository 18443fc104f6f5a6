// Evaluation on a held-out set: mean cross-entropy (summed CE / N, as the reference's ValidLossEpoch)
// and accuracy, in evaluation mode (batch norm on running statistics, no dropout), computed in chunks
// on the device and read back once.
import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor1D, Tensor4D } from '@tensorflow/tfjs';
import { crossEntropy } from '../models/mlp';
import type { ModelTensors, Network } from '../models/network';
import type { DatasetBuffers } from './types';
import { epochPermutation } from '../data/batching';
import { toDeviceBatch } from './inputs';

/** Test images per forward pass: bounded so a conv net's activations stay small on any device. */
function chunkSize(data: DatasetBuffers): number {
  return data.imageSize <= 1024 ? 1000 : 250;
}

/** Images and labels to evaluate on: the test set, or a subset of it (validationSubset). */
export interface EvalSet {
  images: Uint8Array;
  labels: Uint8Array;
}

/**
 * A fixed subset of `n` test images, drawn by a seeded permutation (the same for every run given the
 * same seed) and kept in test-set order.
 */
export function validationSubset(data: DatasetBuffers, n: number, seed: number): EvalSet {
  const picked = epochPermutation(data.testLabels.length, seed, 1).slice(0, n).sort();
  const images = new Uint8Array(n * data.imageSize);
  const labels = new Uint8Array(n);
  picked.forEach((src, k) => {
    images.set(data.testImages.subarray(src * data.imageSize, (src + 1) * data.imageSize), k * data.imageSize);
    labels[k] = data.testLabels[src];
  });
  return { images, labels };
}

export async function evaluate(
  net: Network,
  model: ModelTensors,
  data: DatasetBuffers,
  set: EvalSet = { images: data.testImages, labels: data.testLabels },
): Promise<{ loss: number; accuracy: number }> {
  // Uploaded and normalised chunk by chunk: the full test set never sits on the device at once.
  return evaluateChunks(net, model, data, set.labels.length, (start, size) =>
    toDeviceBatch(data, set.images.subarray(start * data.imageSize, (start + size) * data.imageSize), set.labels.subarray(start, start + size)),
  );
}

/**
 * Mean cross-entropy and accuracy over `n` images, a chunk at a time: `chunkAt(start, size)` gives a
 * chunk's device tensors (called inside a tidy); the sums stay on the device and are read back once.
 */
async function evaluateChunks(
  net: Network,
  model: ModelTensors,
  data: DatasetBuffers,
  n: number,
  chunkAt: (start: number, size: number) => { x: Tensor4D; y: Tensor1D },
): Promise<{ loss: number; accuracy: number }> {
  const chunk = chunkSize(data);
  let lossSum: Scalar = tf.scalar(0);
  let correct: Scalar = tf.scalar(0);
  for (let start = 0; start < n; start += chunk) {
    const size = Math.min(chunk, n - start);
    const [nextLoss, nextCorrect] = tf.tidy(() => {
      const { x, y } = chunkAt(start, size);
      const { logits } = net.forward(model.params, model.buffers, x, { training: false });
      const batchLoss = tf.mul(crossEntropy(logits, y, data.numClasses), size);
      const hits = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), 'float32'));
      return [tf.add(lossSum, batchLoss), tf.add(correct, hits)] as Scalar[];
    });
    tf.dispose([lossSum, correct]);
    lossSum = nextLoss;
    correct = nextCorrect;
  }
  const both = tf.stack([lossSum, correct]);
  const [l, c] = await both.data();
  tf.dispose([both, lossSum, correct]);
  return { loss: l / n, accuracy: c / n };
}

/** A validation set already normalised on the device (kept for a run: a small subset evaluated often). */
export interface DeviceEvalSet {
  x: Tensor4D;
  y: Tensor1D;
}

export function toDeviceEvalSet(data: DatasetBuffers, set: EvalSet): DeviceEvalSet {
  return toDeviceBatch(data, set.images, set.labels);
}

/**
 * As `evaluate`, on a set already on the device: no upload and normalisation per call, which is most of
 * the cost of evaluating a few hundred images (measured: bench/eval-cost.ts).
 */
export async function evaluateDevice(net: Network, model: ModelTensors, data: DatasetBuffers, set: DeviceEvalSet): Promise<{ loss: number; accuracy: number }> {
  const n = set.y.shape[0];
  return evaluateChunks(net, model, data, n, (start, size) =>
    size === n ? set : { x: tf.slice(set.x, start, size), y: tf.slice(set.y, start, size) },
  );
}

/** Evaluation-mode loss of one batch at the given parameters (no update): row 0 of the reference CSV. */
export async function batchLoss(net: Network, model: ModelTensors, data: DatasetBuffers, pixels: Uint8Array, labels: Uint8Array): Promise<number> {
  const loss = tf.tidy(() => {
    const { x, y } = toDeviceBatch(data, pixels, labels);
    return crossEntropy(net.forward(model.params, model.buffers, x, { training: false }).logits, y, data.numClasses);
  });
  const v = (await loss.data())[0];
  loss.dispose();
  return v;
}
