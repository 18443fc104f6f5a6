// Host uint8 pixels → normalised device tensors, per batch: ((x/255) − mean) / std, as torchvision's
// ToTensor + Normalize in the reference experiments. Only the uint8 values cross to the device.
import * as tf from '@tensorflow/tfjs';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { DatasetBuffers } from './types';

export function toDeviceBatch(data: Pick<DatasetBuffers, 'imageSize' | 'mean' | 'std'>, pixels: Uint8Array, labels: Uint8Array): { x: Tensor2D; y: Tensor1D } {
  const n = labels.length;
  return tf.tidy(() => {
    const raw = tf.tensor2d(pixels, [n, data.imageSize], 'int32');
    const x = tf.div(tf.sub(tf.div(tf.cast(raw, 'float32'), 255), data.mean), data.std) as Tensor2D;
    return { x, y: tf.tensor1d(labels, 'int32') };
  });
}
