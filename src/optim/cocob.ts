// COCOB-Backprop (Orabona & Tommasi 2017, "Training deep networks without learning rates through coin
// betting"), exactly as parameterfree/cocob.py of bremen79/parameterfree at commit 05ecc43 (the authors'
// PyTorch code). Per coordinate, with g the gradient (plus weight_decay·θ, L2 folded into the gradient):
//   L ← max(L, |g|)                       maximum observed scale, initialised to eps (not 0)
//   S ← S − g                             sum of the negative gradients
//   G ← G + |g|                           sum of the absolute gradients
//   R ← max(R − g·(θ − θ₀), 0)            reward (wealth), reset to 0 when lost
//   θ ← θ₀ + (R + L)·S / (max(G + L, α·L)·L)
// θ₀ is the starting point (an FTRL-style algorithm). α (cocobAlpha, 100) and weightDecay are read at each
// step; eps only at init (it is L's initial value, as the reference reads it once when its state is created).
// The first step moves every coordinate with a non-zero gradient by exactly sign(−g)/α (when α ≥ 2).
import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { tidyTree } from './dispose';
import type { Hyper } from './hyper';
import type { OptState, Optimizer } from './types';

export interface CocobState extends OptState {
  /** θ₀, the starting point (the reference's x0). */
  x0: Tensor[];
  /** S, the sum of the negative gradients (sum_negative_gradients). */
  sumNegGrad: Tensor[];
  /** G, the sum of the absolute gradients (grad_norm_sum). */
  gradNormSum: Tensor[];
  /** L, the maximum observed |g|, from eps. */
  maxScale: Tensor[];
  /** R, the reward (wealth), ≥ 0. */
  reward: Tensor[];
}

/** The reference constructor's checks (same conditions, same messages); null when fine. */
export function cocobConfigError(hp: Hyper): string | null {
  if (!(hp.eps >= 0)) return `Invalid epsilon value: ${hp.eps}`;
  if (!(hp.cocobAlpha >= 0)) return `Invalid alpha value: ${hp.cocobAlpha}`;
  if (!(hp.weightDecay >= 0)) return `Invalid weight_decay value: ${hp.weightDecay}`;
  return null;
}

/** Guards state.lr's division when every gradient is 0 (then θ does not move either, and lr is 0). */
const TINY = 1e-30;

export function cocob(): Optimizer<CocobState> {
  return {
    name: 'COCOB',
    init(params, hp) {
      const bad = cocobConfigError(hp);
      if (bad) throw new Error(`COCOB: ${bad}`);
      return {
        t: 0,
        lr: tf.scalar(0),
        hp,
        x0: params.map((p) => tf.clone(p)),
        sumNegGrad: params.map((p) => tf.zerosLike(p)),
        gradNormSum: params.map((p) => tf.zerosLike(p)),
        maxScale: params.map((p) => tf.fill(p.shape, hp.eps, 'float32')),
        reward: params.map((p) => tf.zerosLike(p)),
      };
    },
    step(params, grads, state) {
      const { hp } = state;
      const bad = cocobConfigError(hp);
      if (bad) throw new Error(`COCOB: ${bad}`);
      return tidyTree(() => {
        const alpha = hp.cocobAlpha;
        const sumNegGrad: Tensor[] = [];
        const gradNormSum: Tensor[] = [];
        const maxScale: Tensor[] = [];
        const reward: Tensor[] = [];
        const moveSq: Tensor[] = [];
        const gradSq: Tensor[] = [];
        const next = params.map((p, i) => {
          const g = hp.weightDecay !== 0 ? tf.add(grads[i], tf.mul(p, hp.weightDecay)) : grads[i];
          const absG = tf.abs(g);
          const L = tf.maximum(state.maxScale[i], absG);
          const S = tf.sub(state.sumNegGrad[i], g);
          const G = tf.add(state.gradNormSum[i], absG);
          const R = tf.maximum(tf.sub(state.reward[i], tf.mul(g, tf.sub(p, state.x0[i]))), 0);
          const den = tf.mul(tf.maximum(tf.add(G, L), tf.mul(L, alpha)), L);
          const q = tf.add(tf.div(tf.mul(tf.add(R, L), S), den), state.x0[i]);
          sumNegGrad.push(S);
          gradNormSum.push(G);
          maxScale.push(L);
          reward.push(R);
          moveSq.push(tf.sum(tf.square(tf.sub(q, p))));
          gradSq.push(tf.sum(tf.square(g)));
          return q;
        });
        // state.lr: COCOB's steps are per coordinate, so this reports one number, the effective SGD step
        // size ‖θ_{t+1} − θ_t‖₂ / ‖g_t‖₂ over all parameters (g with weight decay): the η for which an SGD
        // step η·g would have moved as far. Applied to SGD or DoG, the same measure gives back their η
        // exactly, so the charts compare like with like. Chosen over a per-coordinate mean of
        // |Δθ|/(|g| + tiny) because coordinates whose gradient is exactly 0 (dead units, blank input
        // pixels) do not move and would drag that mean towards 0 regardless of how far COCOB steps.
        const lr = tf.div(tf.sqrt(tf.addN(moveSq)), tf.maximum(tf.sqrt(tf.addN(gradSq)), TINY)) as Scalar;
        return {
          params: next,
          state: { ...state, t: state.t + 1, lr, sumNegGrad, gradNormSum, maxScale, reward },
        };
      });
    },
  };
}
