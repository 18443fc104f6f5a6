// VGG-16-BN for CIFAR-10 as in the reference (spec §6): configuration D, each conv 3×3 with padding 1
// followed by BatchNorm and ReLU, 2×2 max-pools, then Dropout(0.5), Linear(512, 512), ReLU,
// Dropout(0.5), Linear(512, 512), ReLU, Linear(512, classes). A width multiplier w scales every conv
// channel count and the two 512 classifier widths to max(1, round(c·w)).
//
// Initialisation (one createRng stream, torch's module order): per conv, weights N(0, 2/(9·C_out))
// by Box–Muller in torch's [C_out][C_in][3][3] layout, zero bias; BatchNorm weight 1, bias 0, running
// mean 0, running var 1; then the Linears, torch's default U(±1/√fan_in) for weight and bias.
// Parameters in torch's parameters() order: per conv [conv.weight, conv.bias, bn.weight, bn.bias],
// then [W, b] per Linear. Buffers per BN: [running_mean, running_var] (no num_batches_tracked).
// Layouts: conv W [3, 3, C_in, C_out] (tfjs), Linear W [in, out]. The last feature map is 1×1, so the
// flatten order is torch's.
import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor1D, Tensor2D, Tensor4D } from '@tensorflow/tfjs';
import { createRng } from '../data/batching';
import { vggPlan, type ConvSpec } from './catalog';
import { batchNormLayer, dropout, dropoutMask, forwardWithRunningStats } from './batchNorm';
import { conv2d, conv2dInput } from './conv';
import { dense } from './dense';
import { reluMaxPool2 } from './pool';
import { convWeightTensor, linearWeightTensor, normalSource, normalValues, uniformValues, vectorTensor } from './init';
import { checkInput } from './lenet';
import { checkTangents } from './mlpHvp';
import type { Network } from './network';
import { batchNormEvalR, batchNormTrainR } from './rop/batchNorm';
import { hvpChain, type RLayer } from './rop/chain';
import { conv2dR, flattenCHWR } from './rop/conv';
import { denseR, dropoutR, reluR } from './rop/dense';
import { crossEntropyR } from './rop/loss';
import { reluMaxPool2R } from './rop/pool';

export const DROPOUT_P = 0.5;

export function vgg16bn(shape: readonly [number, number, number], numClasses: number, width = 1): Network {
  const plan = vggPlan(shape, numClasses, width);
  const convs = plan.features.filter((f): f is ConvSpec => f.kind === 'conv');
  const dims = plan.dense; // [C_last, hidden, hidden, classes]

  const checkTensors = (params: readonly Tensor[], buffers: readonly Tensor[]) => {
    if (params.length !== 4 * convs.length + 2 * (dims.length - 1) || buffers.length !== 2 * convs.length) {
      throw new Error(`VGG-16-BN expects ${4 * convs.length + 2 * (dims.length - 1)} parameter and ${2 * convs.length} buffer tensors, got ${params.length} and ${buffers.length}`);
    }
  };

  return {
    init(seed) {
      const rand = createRng(seed);
      const normal = normalSource(rand);
      const params: Tensor[] = [];
      const buffers: Tensor[] = [];
      for (const c of convs) {
        const n = c.outChannels * c.inChannels * c.kernel * c.kernel;
        const std = Math.sqrt(2 / (c.kernel * c.kernel * c.outChannels));
        params.push(convWeightTensor(normalValues(n, std, normal), c.outChannels, c.inChannels, c.kernel));
        params.push(tf.zeros([c.outChannels]), tf.ones([c.outChannels]), tf.zeros([c.outChannels]));
        buffers.push(tf.zeros([c.outChannels]), tf.ones([c.outChannels]));
      }
      for (let l = 1; l < dims.length; l++) {
        const bound = 1 / Math.sqrt(dims[l - 1]);
        params.push(linearWeightTensor(uniformValues(dims[l] * dims[l - 1], bound, rand), dims[l], dims[l - 1]));
        params.push(vectorTensor(uniformValues(dims[l], bound, rand)));
      }
      return { params, buffers };
    },

    forward(params, buffers, x, mode) {
      checkInput(x, shape);
      checkTensors(params, buffers);
      return forwardWithRunningStats(mode, (next) => {
        let h = x;
        let i = 0;
        const fs = plan.features;
        for (let j = 0; j < fs.length; j++) {
          const f = fs[j];
          if (f.kind === 'pool') {
            h = tf.maxPool(h, 2, 2, 'valid'); // not reached: every pool follows a conv (fused below)
            continue;
          }
          const [w, b, g, beta] = params.slice(4 * i, 4 * i + 4) as [Tensor4D, Tensor1D, Tensor1D, Tensor1D];
          const z = i === 0 ? conv2dInput(h, w, b, f.pad) : conv2d(h, w, b, f.pad);
          const y = batchNormLayer(z, g, beta, buffers, i, mode, next);
          if (fs[j + 1]?.kind === 'pool') {
            h = reluMaxPool2(y);
            j++;
          } else {
            h = tf.relu(y);
          }
          i++;
        }
        let v = tf.reshape(h, [x.shape[0], dims[0]]) as Tensor2D;
        const rand = mode.training ? createRng(mode.seed) : null;
        const first = 4 * convs.length;
        for (let l = 0; l < dims.length - 1; l++) {
          if (rand && l < dims.length - 2) v = dropout(v, DROPOUT_P, rand);
          const z = dense(v, params[first + 2 * l] as Tensor2D, params[first + 2 * l + 1] as Tensor1D);
          v = l < dims.length - 2 ? tf.relu(z) : z;
        }
        return v;
      });
    },

    // The layers of forward as R-ops (rop/), the dropout masks drawn from the same stream in the same order.
    hvp(params, buffers, x, labels, numClasses, mode, v) {
      checkInput(x, shape);
      checkTensors(params, buffers);
      checkTangents(params, v);
      return tf.tidy(() => {
        const layers: RLayer[] = [];
        const fs = plan.features;
        let i = 0;
        for (let j = 0; j < fs.length; j++) {
          const f = fs[j];
          if (f.kind === 'pool') throw new Error('VGG-16-BN: a pool that follows no conv'); // forward's unreached branch
          const [w, b, g, beta] = params.slice(4 * i, 4 * i + 4) as [Tensor4D, Tensor1D, Tensor1D, Tensor1D];
          const [dw, db, dg, dbeta] = v.slice(4 * i, 4 * i + 4) as [Tensor4D, Tensor1D, Tensor1D, Tensor1D];
          layers.push(conv2dR(w, b, dw, db, f.pad));
          layers.push(mode.training ? batchNormTrainR(g, beta, dg, dbeta) : batchNormEvalR(g, beta, dg, dbeta, buffers[2 * i], buffers[2 * i + 1]));
          if (fs[j + 1]?.kind === 'pool') {
            layers.push(reluMaxPool2R);
            j++;
          } else {
            layers.push(reluR);
          }
          i++;
        }
        layers.push(flattenCHWR); // the last map is 1×1: forward's plain reshape
        const rand = mode.training ? createRng(mode.seed) : null;
        const n = x.shape[0];
        const first = 4 * convs.length;
        for (let l = 0; l < dims.length - 1; l++) {
          if (rand && l < dims.length - 2) layers.push(dropoutR(tf.tensor2d(dropoutMask(n * dims[l], DROPOUT_P, rand), [n, dims[l]])));
          const k = first + 2 * l;
          layers.push(denseR(params[k] as Tensor2D, params[k + 1] as Tensor1D, v[k] as Tensor2D, v[k + 1] as Tensor1D));
          if (l < dims.length - 2) layers.push(reluR);
        }
        return hvpChain(layers, x, crossEntropyR(labels, numClasses));
      });
    },

    // torchvision's vgg16_bn: features = Sequential(conv, bn, ReLU per conv, MaxPool per pool), classifier =
    // Sequential(Dropout, Linear, ReLU, Dropout, Linear, ReLU, Linear).
    paramNames() {
      const names: string[] = [];
      let idx = 0;
      for (const f of plan.features) {
        if (f.kind === 'pool') {
          idx++;
          continue;
        }
        names.push(`features.${idx}.weight`, `features.${idx}.bias`, `features.${idx + 1}.weight`, `features.${idx + 1}.bias`);
        idx += 3;
      }
      [1, 4, 6].forEach((k) => names.push(`classifier.${k}.weight`, `classifier.${k}.bias`));
      return names;
    },
  };
}
