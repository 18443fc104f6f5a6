// Host uint8 pixels → normalised device tensors, per batch: ((x/255) − mean[c]) / std[c], as torchvision's
// ToTensor + Normalize in the reference experiments. Only the uint8 values cross to the device.
import * as tf from '@tensorflow/tfjs';
import type { Tensor1D, Tensor4D } from '@tensorflow/tfjs';
import type { DatasetBuffers } from './types';

export function toDeviceBatch(data: Pick<DatasetBuffers, 'shape' | 'mean' | 'std'>, pixels: Uint8Array, labels: Uint8Array): { x: Tensor4D; y: Tensor1D } {
  const n = labels.length;
  const [h, w, c] = data.shape;
  return tf.tidy(() => {
    const raw = tf.tensor4d(pixels, [n, h, w, c], 'int32');
    // Channels last: a [c] vector broadcasts over the last axis.
    const mean = c === 1 ? data.mean[0] : tf.tensor1d(data.mean as number[]);
    const std = c === 1 ? data.std[0] : tf.tensor1d(data.std as number[]);
    const x = tf.div(tf.sub(tf.div(tf.cast(raw, 'float32'), 255), mean), std) as Tensor4D;
    return { x, y: tf.tensor1d(labels, 'int32') };
  });
}
