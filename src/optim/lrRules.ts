// Learning-rate optimizers over the scalar hypergradient h = ∂f/∂α (spec §1a-1c, §2a-2c).
// All rules leave α unchanged at t = 1, where there is no previous update direction yet.
import * as tf from '@tensorflow/tfjs';
import type { Scalar } from '@tensorflow/tfjs';
import type { LrRule } from './types';
import { refined, refinedSgdLr, type SgdLrState } from './hdRefinements';

/**
 * Plain SGD on α: α ← α − β·h (the reference writes α += β·(g·u_prev), the same thing). With
 * hp.multiplicativeHypergradient / hp.hdAdagrad, the refinements of src/optim/hdRefinements.ts (h is
 * then the normalised hypergradient, which `hypergradient()` passes when it sees `refinable`).
 */
export function sgdLr(): LrRule<SgdLrState> & { readonly refinable: true } {
  return {
    refinable: true,
    init: () => ({}),
    apply: (h, lr, state, t, hp) => {
      if (t > 1 && refined(hp)) return refinedSgdLr(h, lr, state, hp);
      return { lr: t > 1 ? (tf.sub(lr, tf.mul(h, hp.beta)) as Scalar) : lr, state };
    },
  };
}

/**
 * SGD with Nesterov (lrNesterov) or heavy-ball momentum on α (op_*_lop_Sgdn): the buffer starts at
 * t = 2 (quirk 4.5), so the first Nesterov step is (1 + μ_h)·β·g·u.
 */
export function momentumLr(): LrRule<{ b: Scalar | null }> {
  return {
    init: () => ({ b: null }),
    apply(h, lr, { b }, t, { beta, lrMomentum, lrDampening, lrNesterov }) {
      if (t === 1) return { lr, state: { b } };
      if (lrMomentum === 0) return { lr: tf.sub(lr, tf.mul(h, beta)) as Scalar, state: { b } };
      const b2 = (b === null ? tf.mul(h, 1 - lrDampening) : tf.add(tf.mul(b, lrMomentum), tf.mul(h, 1 - lrDampening))) as Scalar;
      const filtered = lrNesterov ? tf.add(h, tf.mul(b2, lrMomentum)) : b2;
      return { lr: tf.sub(lr, tf.mul(filtered, beta)) as Scalar, state: { b: b2 } };
    },
  };
}

/**
 * Adam on α (op_*_lop_Adam). The reference bias-corrects with exponent t although the lr-Adam has
 * taken only t − 1 updates (quirk 4.3); `correctedLrBiasCorrection` uses t − 1.
 */
export function adamLr(): LrRule<{ m: Scalar | null; v: Scalar | null }> {
  return {
    init: () => ({ m: null, v: null }),
    apply(h, lr, state, t, { beta, lrBeta1, lrBeta2, lrEps, correctedLrBiasCorrection }) {
      if (t === 1) return { lr, state };
      const m = (state.m ? tf.add(tf.mul(state.m, lrBeta1), tf.mul(h, 1 - lrBeta1)) : tf.mul(h, 1 - lrBeta1)) as Scalar;
      const v = (state.v ? tf.add(tf.mul(state.v, lrBeta2), tf.mul(tf.square(h), 1 - lrBeta2)) : tf.mul(tf.square(h), 1 - lrBeta2)) as Scalar;
      const k = correctedLrBiasCorrection ? t - 1 : t;
      const scale = (beta * Math.sqrt(1 - lrBeta2 ** k)) / (1 - lrBeta1 ** k);
      return { lr: tf.sub(lr, tf.mul(tf.div(m, tf.add(tf.sqrt(v), lrEps)), scale)) as Scalar, state: { m, v } };
    },
  };
}
