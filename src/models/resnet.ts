// ResNet-18 in its CIFAR form (He et al. 2016, "Deep Residual Learning"; the CIFAR variant of
// kuangliu/pytorch-cifar models/resnet.py: ResNet(BasicBlock, [2, 2, 2, 2])):
//   conv 3×3 (stride 1, pad 1, no bias) → BN → ReLU
//   4 stages × 2 BasicBlocks, planes 64, 128, 256, 512 (× width), the first block of stages 2–4 stride 2:
//     conv 3×3 (stride) → BN → ReLU → conv 3×3 → BN, + shortcut, ReLU; the shortcut is the identity, or
//     conv 1×1 (stride, no bias) → BN where the stride is not 1 or the channels change
//   global average pool (kuangliu's avg_pool2d(4) on the 4×4 map of a 32×32 image; 28×28 also ends 4×4)
//   → Linear(512 × width, classes).
// A width multiplier w scales every channel count to max(1, round(c·w)) (as VGG-16-BN). Batch norm as
// batchNorm.ts (torch semantics, momentum 0.1, eps 1e-5).
//
// Initialisation: torch's defaults (kuangliu's file sets none), drawn from one createRng stream in module
// construction order: each conv U(±1/√fan_in), fan_in = C_in·k² (kaiming_uniform with a = √5), in torch's
// [C_out][C_in][k][k] layout; BN weight 1, bias 0, running mean 0, running var 1; the Linear's weight and
// bias U(±1/√fan_in).
// Parameters in torch's parameters() order: conv1.weight, bn1.weight, bn1.bias, then per block
// conv1.weight, bn1.weight, bn1.bias, conv2.weight, bn2.weight, bn2.bias [, shortcut.0.weight,
// shortcut.1.weight, shortcut.1.bias], then linear.weight, linear.bias. Buffers per BN in the same order:
// [running_mean, running_var] (no num_batches_tracked, as VGG-16-BN). Layouts: conv W [k, k, C_in, C_out]
// (tfjs), Linear W [in, out].
import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor1D, Tensor2D, Tensor4D } from '@tensorflow/tfjs';
import { createRng } from '../data/batching';
import { resnetConvs, resnetPlan, type ConvBnSpec } from './catalog';
import { batchNormLayer, forwardWithRunningStats } from './batchNorm';
import { conv2dStrided } from './conv';
import { dense } from './dense';
import { convWeightTensor, linearWeightTensor, uniformValues, vectorTensor } from './init';
import { checkInput } from './lenet';
import { checkTangents } from './mlpHvp';
import type { Network } from './network';
import { batchNormEvalR, batchNormTrainR } from './rop/batchNorm';
import { hvpChain, type RLayer } from './rop/chain';
import { conv2dStridedR } from './rop/conv';
import { denseR, reluR } from './rop/dense';
import { crossEntropyR } from './rop/loss';
import { globalAvgPoolR, residualR } from './rop/residual';

export function resnet18(shape: readonly [number, number, number], numClasses: number, width = 1): Network {
  const plan = resnetPlan(shape, numClasses, width);
  const units = resnetConvs(plan); // params 3 per unit [W, γ, β], buffers 2 per unit
  const index = new Map<ConvBnSpec, number>(units.map((u, i) => [u, i]));
  const [features, classes] = plan.dense;
  const nParams = 3 * units.length + 2;

  const checkTensors = (params: readonly Tensor[], buffers: readonly Tensor[]) => {
    if (params.length !== nParams || buffers.length !== 2 * units.length) {
      throw new Error(`ResNet-18 expects ${nParams} parameter and ${2 * units.length} buffer tensors, got ${params.length} and ${buffers.length}`);
    }
  };

  return {
    init(seed) {
      const rand = createRng(seed);
      const params: Tensor[] = [];
      const buffers: Tensor[] = [];
      for (const u of units) {
        const fanIn = u.inChannels * u.kernel * u.kernel;
        params.push(convWeightTensor(uniformValues(u.outChannels * fanIn, 1 / Math.sqrt(fanIn), rand), u.outChannels, u.inChannels, u.kernel));
        params.push(tf.ones([u.outChannels]), tf.zeros([u.outChannels]));
        buffers.push(tf.zeros([u.outChannels]), tf.ones([u.outChannels]));
      }
      const bound = 1 / Math.sqrt(features);
      params.push(linearWeightTensor(uniformValues(classes * features, bound, rand), classes, features));
      params.push(vectorTensor(uniformValues(classes, bound, rand)));
      return { params, buffers };
    },

    forward(params, buffers, x, mode) {
      checkInput(x, shape);
      checkTensors(params, buffers);
      return forwardWithRunningStats(mode, (next) => {
        const unit = (u: ConvBnSpec, h: Tensor4D, data = false): Tensor4D => {
          const i = index.get(u) as number;
          const [w, g, b] = params.slice(3 * i, 3 * i + 3) as [Tensor4D, Tensor1D, Tensor1D];
          return batchNormLayer(conv2dStrided(h, w, u.stride, u.pad, data), g, b, buffers, i, mode, next);
        };
        let h = tf.relu(unit(plan.stem, x, true));
        for (const blk of plan.blocks) {
          const main = unit(blk.conv2, tf.relu(unit(blk.conv1, h)));
          h = tf.relu(tf.add(main, blk.shortcut ? unit(blk.shortcut, h) : h)) as Tensor4D;
        }
        const pooled = tf.mean(h, [1, 2]) as Tensor2D;
        return dense(pooled, params[nParams - 2] as Tensor2D, params[nParams - 1] as Tensor1D);
      });
    },

    // forward's layers as R-ops; each block one residualR (main chain + shortcut chain), then its ReLU.
    hvp(params, buffers, x, labels, numClasses, mode, v) {
      checkInput(x, shape);
      checkTensors(params, buffers);
      checkTangents(params, v);
      return tf.tidy(() => {
        const unit = (u: ConvBnSpec): RLayer[] => {
          const i = index.get(u) as number;
          const [w, g, b] = params.slice(3 * i, 3 * i + 3) as [Tensor4D, Tensor1D, Tensor1D];
          const [dw, dg, db] = v.slice(3 * i, 3 * i + 3) as [Tensor4D, Tensor1D, Tensor1D];
          return [
            conv2dStridedR(w, dw, u.stride, u.pad),
            mode.training ? batchNormTrainR(g, b, dg, db) : batchNormEvalR(g, b, dg, db, buffers[2 * i], buffers[2 * i + 1]),
          ];
        };
        const layers: RLayer[] = [...unit(plan.stem), reluR];
        for (const blk of plan.blocks) {
          layers.push(residualR([...unit(blk.conv1), reluR, ...unit(blk.conv2)], blk.shortcut ? unit(blk.shortcut) : []), reluR);
        }
        const k = nParams - 2;
        layers.push(globalAvgPoolR, denseR(params[k] as Tensor2D, params[k + 1] as Tensor1D, v[k] as Tensor2D, v[k + 1] as Tensor1D));
        return hvpChain(layers, x, crossEntropyR(labels, numClasses));
      });
    },

    paramNames() {
      const names = ['conv1.weight', 'bn1.weight', 'bn1.bias'];
      plan.blocks.forEach((blk, j) => {
        const p = `layer${Math.floor(j / 2) + 1}.${j % 2}.`;
        for (const s of ['conv1.weight', 'bn1.weight', 'bn1.bias', 'conv2.weight', 'bn2.weight', 'bn2.bias']) names.push(p + s);
        if (blk.shortcut) names.push(`${p}shortcut.0.weight`, `${p}shortcut.1.weight`, `${p}shortcut.1.bias`);
      });
      names.push('linear.weight', 'linear.bias');
      return names;
    },
  };
}
