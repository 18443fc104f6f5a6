// The first layers (denseInput, conv2dInput) compute no input gradient, so their input is not an op input:
// it must still be alive when the gradient runs even when it was made inside the loss function (the MLP's
// flattening reshape is a real copy on webgl). Regression: webgl runs failed with "reading 'backend'".
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Tensor1D, Tensor2D, Tensor4D } from '@tensorflow/tfjs';
import { useNodeBackend } from '../../src/engine/nodeBackends';
import { denseInput } from '../../src/models/dense';
import { conv2dInput } from '../../src/models/conv';

beforeAll(async () => {
  await useNodeBackend('cpu');
});

describe('first layers keep their input for the gradient', () => {
  it('denseInput: x made inside the loss (a copy) — dL/dW = xᵀ·1 for L = sum(x·W + b)', () => {
    const x0 = tf.tensor2d([[1, 2], [3, 4]]);
    const w = tf.zeros([2, 3]) as Tensor2D;
    const b = tf.zeros([3]) as Tensor1D;
    const grads = tf.grads((wv: tf.Tensor, bv: tf.Tensor) => tf.sum(denseInput(tf.mul(x0, 1) as Tensor2D, wv as Tensor2D, bv as Tensor1D)))([w, b]);
    // Hand-derived: dL/dW[i][j] = Σ_n x[n][i] = [4, 6] per column; dL/db = batch size 2.
    expect(grads[0].arraySync()).toEqual([[4, 4, 4], [6, 6, 6]]);
    expect(grads[1].arraySync()).toEqual([2, 2, 2]);
    tf.dispose([x0, w, b, ...grads]);
  });

  it('conv2dInput: x made inside the loss — a 1×1 filter’s gradient is the sum of the input', () => {
    const x0 = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const w = tf.zeros([1, 1, 1, 1]) as Tensor4D;
    const b = tf.zeros([1]) as Tensor1D;
    const grads = tf.grads((wv: tf.Tensor, bv: tf.Tensor) => tf.sum(conv2dInput(tf.mul(x0, 1) as Tensor4D, wv as Tensor4D, bv as Tensor1D, 0)))([w, b]);
    // L = Σ (w·x + b) over 4 pixels: dL/dw = 1 + 2 + 3 + 4 = 10, dL/db = 4.
    expect(Array.from(grads[0].dataSync())).toEqual([10]);
    expect(Array.from(grads[1].dataSync())).toEqual([4]);
    tf.dispose([x0, w, b, ...grads]);
  });
});
