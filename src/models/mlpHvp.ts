// Exact H·v of the mean cross-entropy of the fully connected models of mlp.ts (ReLU after every layer
// but the last), by forward-over-reverse R-ops (rop/). Used by mlpNetwork and the golden replays.
import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { hvpChain, type RLayer } from './rop/chain';
import { denseR, reluR } from './rop/dense';
import { crossEntropyR } from './rop/loss';

/** params [W1 [in,out], b1, W2, b2, ...], x [n, in], v shaped as params. Returns H·v (caller owns it). */
export function mlpHvp(params: readonly Tensor[], x: Tensor2D, labels: Tensor1D, numClasses: number, v: readonly Tensor[]): Tensor[] {
  if (params.length % 2 !== 0 || params.length === 0) throw new Error(`mlpHvp: expected [W1, b1, ...], got ${params.length} tensors`);
  checkTangents(params, v);
  return tf.tidy(() => {
    const nLayers = params.length / 2;
    const layers: RLayer[] = [];
    for (let l = 0; l < nLayers; l++) {
      layers.push(denseR(params[2 * l] as Tensor2D, params[2 * l + 1] as Tensor1D, v[2 * l] as Tensor2D, v[2 * l + 1] as Tensor1D));
      if (l < nLayers - 1) layers.push(reluR);
    }
    return hvpChain(layers, x, crossEntropyR(labels, numClasses));
  });
}

/** v must hold one tensor per parameter tensor, of the same shape. */
export function checkTangents(params: readonly Tensor[], v: readonly Tensor[]): void {
  if (v.length !== params.length) throw new Error(`hvp: v has ${v.length} tensors, the model has ${params.length}`);
  params.forEach((p, i) => {
    if (p.shape.join() !== v[i].shape.join()) throw new Error(`hvp: v[${i}] has shape [${v[i].shape}], the parameter [${p.shape}]`);
  });
}
