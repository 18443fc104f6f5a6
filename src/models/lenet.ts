// LeNet-5, modern variant: ReLU and 2×2 max-pooling instead of LeCun's scaled tanh and trainable
// subsampling, and a plain Linear(84, classes) output instead of the RBF layer:
//   conv 5×5 → 6, ReLU, max-pool 2×2 → conv 5×5 → 16, ReLU, max-pool 2×2 → flatten 16·5·5 = 400
//   → Linear 120, ReLU → Linear 84, ReLU → Linear classes.
// On 28×28 inputs the first conv pads by 2 (LeCun's 32×32 input), on 32×32 it does not pad.
// Parameters in torch's parameters() order [conv1.W, conv1.b, conv2.W, conv2.b, fc1.W, fc1.b, ...],
// initialised as PyTorch's defaults, U(±1/√fan_in) for weights and biases (fan_in = C_in·k·k for a
// conv), drawn from one createRng stream in that order, each tensor's values in torch's layout.
// Layouts: conv W [k, k, C_in, C_out] (tfjs), Linear W [in, out] (as mlp.ts). The feature map is
// flattened in torch's (C, H, W) order, so every tensor maps one-to-one onto torch's LeNet.
import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor1D, Tensor2D, Tensor4D } from '@tensorflow/tfjs';
import { createRng } from '../data/batching';
import { lenetPlan, type ConvSpec } from './catalog';
import { conv2d, conv2dInput } from './conv';
import { dense } from './dense';
import { reluMaxPool2 } from './pool';
import { convWeightTensor, linearWeightTensor, uniformValues, vectorTensor } from './init';
import { checkTangents } from './mlpHvp';
import type { Network } from './network';
import { hvpChain, type RLayer } from './rop/chain';
import { conv2dR, flattenCHWR } from './rop/conv';
import { denseR, reluR } from './rop/dense';
import { crossEntropyR } from './rop/loss';
import { reluMaxPool2R } from './rop/pool';

export function lenet5(shape: readonly [number, number, number], numClasses: number): Network {
  const plan = lenetPlan(shape, numClasses);
  const convs = plan.features.filter((f): f is ConvSpec => f.kind === 'conv');
  const dims = plan.dense; // [400, 120, 84, classes]

  return {
    init(seed) {
      const rand = createRng(seed);
      const params: Tensor[] = [];
      for (const c of convs) {
        const bound = 1 / Math.sqrt(c.inChannels * c.kernel * c.kernel);
        params.push(convWeightTensor(uniformValues(c.outChannels * c.inChannels * c.kernel * c.kernel, bound, rand), c.outChannels, c.inChannels, c.kernel));
        params.push(vectorTensor(uniformValues(c.outChannels, bound, rand)));
      }
      for (let l = 1; l < dims.length; l++) {
        const bound = 1 / Math.sqrt(dims[l - 1]);
        params.push(linearWeightTensor(uniformValues(dims[l] * dims[l - 1], bound, rand), dims[l], dims[l - 1]));
        params.push(vectorTensor(uniformValues(dims[l], bound, rand)));
      }
      return { params, buffers: [] };
    },

    forward(params, _buffers, x, mode) {
      checkInput(x, shape);
      const logits = tf.tidy(() => {
        let h = x;
        convs.forEach((c, i) => {
          const w = params[2 * i] as Tensor4D, b = params[2 * i + 1] as Tensor1D;
          const z = i === 0 ? conv2dInput(h, w, b, c.pad) : conv2d(h, w, b, c.pad);
          h = reluMaxPool2(z);
        });
        // NHWC → NCHW before flattening: torch's feature order.
        let f = tf.reshape(tf.transpose(h, [0, 3, 1, 2]), [x.shape[0], dims[0]]) as Tensor2D;
        const first = 2 * convs.length;
        for (let l = 0; l < dims.length - 1; l++) {
          const z = dense(f, params[first + 2 * l] as Tensor2D, params[first + 2 * l + 1] as Tensor1D);
          f = l < dims.length - 2 ? tf.relu(z) : z;
        }
        return f;
      });
      return { logits, buffers: mode.training ? [] : null };
    },

    // The same layers as forward, as R-ops (rop/); no dropout or batch norm, so the mode does not matter.
    hvp(params, _buffers, x, labels, numClasses, _mode, v) {
      checkInput(x, shape);
      checkTangents(params, v);
      return tf.tidy(() => {
        const layers: RLayer[] = [];
        convs.forEach((c, i) => {
          layers.push(conv2dR(params[2 * i] as Tensor4D, params[2 * i + 1] as Tensor1D, v[2 * i] as Tensor4D, v[2 * i + 1] as Tensor1D, c.pad), reluMaxPool2R);
        });
        layers.push(flattenCHWR);
        const first = 2 * convs.length;
        for (let l = 0; l < dims.length - 1; l++) {
          const j = first + 2 * l;
          layers.push(denseR(params[j] as Tensor2D, params[j + 1] as Tensor1D, v[j] as Tensor2D, v[j + 1] as Tensor1D));
          if (l < dims.length - 2) layers.push(reluR);
        }
        return hvpChain(layers, x, crossEntropyR(labels, numClasses));
      });
    },

    // torch's LeNet module names: conv1, conv2, fc1, fc2, fc3.
    paramNames: () => [
      ...convs.flatMap((_, i) => [`conv${i + 1}.weight`, `conv${i + 1}.bias`]),
      ...dims.slice(1).flatMap((_, l) => [`fc${l + 1}.weight`, `fc${l + 1}.bias`]),
    ],
  };
}

export function checkInput(x: Tensor4D, shape: readonly [number, number, number]): void {
  if (x.rank !== 4 || x.shape[1] !== shape[0] || x.shape[2] !== shape[1] || x.shape[3] !== shape[2]) {
    throw new Error(`input batch has shape [${x.shape.join(', ')}], the model expects [n, ${shape.join(', ')}]`);
  }
}
