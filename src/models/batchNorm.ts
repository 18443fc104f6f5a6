// Batch normalisation over N, H, W per channel (torch.nn.BatchNorm2d semantics, momentum 0.1, eps 1e-5),
// and dropout with seeded masks.
//
// Training normalises with the batch mean and the biased batch variance; the running statistics move
// towards the batch mean and the UNBIASED variance (m/(m−1), m = N·H·W): new = 0.9·old + 0.1·batch.
// Evaluation uses the running statistics. The training op has an explicit gradient (the standard
// batch-norm backward); per-channel means use channelMean (conv.ts), fast on wasm.
import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor1D, Tensor2D, Tensor4D } from '@tensorflow/tfjs';
import { batchNormGradKernel, batchNormTrainKernel, hasBatchNormKernels } from '../kernels/ownKernels';
import { channelMean } from './conv';
import type { ForwardMode, ForwardResult } from './network';

export const BN_EPS = 1e-5;
export const BN_MOMENTUM = 0.1;

export interface BatchNormTrainResult {
  y: Tensor4D;
  /** New running mean and variance, tf.keep-ed (they outlive the caller's tidy scope), no gradient path. */
  runningMean: Tensor1D;
  runningVar: Tensor1D;
}

/** Training-mode batch norm of x [n, h, w, c] with weight γ [c], bias β [c] and the running statistics. */
export function batchNormTrain(x: Tensor4D, gamma: Tensor1D, beta: Tensor1D, runningMean: Tensor, runningVar: Tensor): BatchNormTrainResult {
  const c = x.shape[3];
  const m = x.size / c;
  if (m < 2) throw new Error(`batch norm in training mode needs more than one value per channel, got ${m}`);
  let newMean: Tensor1D | null = null;
  let newVar: Tensor1D | null = null;
  const running = (mean: Tensor1D, variance: Tensor1D) => {
    newMean = tf.keep(tf.add<Tensor1D>(tf.mul(runningMean, 1 - BN_MOMENTUM), tf.mul(mean, BN_MOMENTUM)));
    newVar = tf.keep(tf.add<Tensor1D>(tf.mul(runningVar, 1 - BN_MOMENTUM), tf.mul(variance, (BN_MOMENTUM * m) / (m - 1))));
  };
  if (hasBatchNormKernels()) {
    // wasm: the same math in two kernels (src/kernels/ownKernels.ts), per-channel sums accumulated in float64.
    const fused = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
      const [xs, g, b, save] = args as [Tensor4D, Tensor1D, Tensor1D, tf.GradSaveFunc];
      const [y, xhat, mean, variance, rstd] = batchNormTrainKernel(xs, g, b, BN_EPS);
      running(mean, variance);
      save([xhat, rstd, g]);
      return {
        value: y,
        gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => batchNormGradKernel(dy as Tensor, saved[0], saved[2], saved[1]),
      };
    });
    const y = fused(x, gamma, beta) as Tensor4D;
    return { y, runningMean: newMean as unknown as Tensor1D, runningVar: newVar as unknown as Tensor1D };
  }
  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const [xs, g, b, save] = args as [Tensor4D, Tensor1D, Tensor1D, tf.GradSaveFunc];
    // Everything here runs inside the op's own tidy and is not on the gradient tape.
    const mean = channelMean(xs);
    const centred = tf.sub(xs, mean);
    const variance = channelMean(tf.square(centred) as Tensor4D); // biased
    const rstd = tf.rsqrt(tf.add(variance, BN_EPS));
    const xhat = tf.mul(centred, rstd);
    running(mean, variance);
    save([xhat, rstd, g]);
    return {
      value: tf.add(tf.mul(xhat, g), b),
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
        const d = dy as Tensor4D;
        const [xh, rs, gg] = saved as [Tensor4D, Tensor1D, Tensor1D];
        const meanDy = channelMean(d); // Σdy / m
        const meanDyXhat = channelMean(tf.mul(d, xh)); // Σdy·x̂ / m
        // dx = γ·rstd · (dy − Σdy/m − x̂·Σ(dy·x̂)/m)
        const k = tf.mul(gg, rs);
        const dx = tf.sub(tf.mul(d, k), tf.add(tf.mul(xh, tf.mul(meanDyXhat, k)), tf.mul(meanDy, k)));
        return [dx, tf.mul(meanDyXhat, m), tf.mul(meanDy, m)];
      },
    };
  });
  const y = op(x, gamma, beta) as Tensor4D;
  return { y, runningMean: newMean as unknown as Tensor1D, runningVar: newVar as unknown as Tensor1D };
}

/** Evaluation-mode batch norm: (x − running mean)/√(running var + eps)·γ + β. */
export function batchNormEval(x: Tensor4D, gamma: Tensor, beta: Tensor, runningMean: Tensor, runningVar: Tensor): Tensor4D {
  return tf.tidy(() => {
    const scale = tf.mul(gamma, tf.rsqrt(tf.add(runningVar, BN_EPS)));
    const shift = tf.sub(beta, tf.mul(runningMean, scale));
    return tf.add(tf.mul(x, scale), shift);
  });
}

/** Dropout mask for `count` units: 0 with probability p, else 1/(1−p) (inverted dropout, as torch). */
export function dropoutMask(count: number, p: number, rand: () => number): Float32Array {
  const keep = 1 / (1 - p);
  const mask = new Float32Array(count);
  for (let i = 0; i < count; i++) mask[i] = rand() < p ? 0 : keep;
  return mask;
}

/** Training-mode dropout of x [n, d] with a mask drawn from `rand`. */
export function dropout(x: Tensor2D, p: number, rand: () => number): Tensor2D {
  return tf.tidy(() => tf.mul(x, tf.tensor2d(dropoutMask(x.size, p, rand), x.shape)));
}

/**
 * Batch norm `i` of a network (its running statistics buffers[2i], buffers[2i + 1]) in `mode`: evaluation
 * uses them; training uses the batch's and puts the new running ones in next[2i], next[2i + 1].
 */
export function batchNormLayer(z: Tensor4D, gamma: Tensor1D, beta: Tensor1D, buffers: readonly Tensor[], i: number, mode: ForwardMode, next: Tensor[]): Tensor4D {
  if (!mode.training) return batchNormEval(z, gamma, beta, buffers[2 * i], buffers[2 * i + 1]);
  const bn = batchNormTrain(z, gamma, beta, buffers[2 * i], buffers[2 * i + 1]);
  next[2 * i] = bn.runningMean;
  next[2 * i + 1] = bn.runningVar;
  return bn.y;
}

/**
 * A batch-norm network's forward: `body` computes the logits inside one tf.tidy, its batch norms putting
 * the new running statistics (tf.keep-ed) into `next` (batchNormLayer); training returns them as the new
 * buffers, evaluation null. When `body` throws, the statistics it already made are disposed.
 */
export function forwardWithRunningStats(mode: ForwardMode, body: (next: Tensor[]) => Tensor2D): ForwardResult {
  const next: Tensor[] = [];
  try {
    const logits = tf.tidy(() => body(next));
    return { logits, buffers: mode.training ? next : null };
  } catch (e) {
    tf.dispose(next.filter((t) => t));
    throw e;
  }
}
