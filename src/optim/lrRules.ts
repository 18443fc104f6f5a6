// Learning-rate optimizers over the scalar hypergradient h = ∂f/∂α (spec §1a-1c, §2a-2c).
// All rules leave α unchanged at t = 1, where there is no previous update direction yet.
import * as tf from '@tensorflow/tfjs';
import type { Scalar } from '@tensorflow/tfjs';
import type { LrRule } from './types';

/** Plain SGD on α: α ← α − β·h (the reference writes α += β·(g·u_prev), the same thing). */
export function sgdLr(beta: number): LrRule<Record<string, never>> {
  return {
    init: () => ({}),
    apply: (h, lr, state, t) => ({ lr: t > 1 ? tf.sub(lr, tf.mul(h, beta)) : lr, state }),
  };
}

export interface MomentumLrOptions {
  beta: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
}

/** SGD with (Nesterov) momentum on α (op_*_lop_Sgdn): the buffer starts at t = 2 (quirk 4.5). */
export function momentumLr({ beta, momentum, dampening, nesterov }: MomentumLrOptions): LrRule<{ b: Scalar | null }> {
  return {
    init: () => ({ b: null }),
    apply(h, lr, { b }, t) {
      if (t === 1) return { lr, state: { b } };
      if (momentum === 0) return { lr: tf.sub(lr, tf.mul(h, beta)), state: { b } };
      const prev = b ?? tf.scalar(0);
      const b2 = tf.add(tf.mul(prev, momentum), tf.mul(h, 1 - dampening)) as Scalar;
      if (b === null) prev.dispose();
      const filtered = nesterov ? tf.add(h, tf.mul(b2, momentum)) : b2;
      return { lr: tf.sub(lr, tf.mul(filtered, beta)), state: { b: b2 } };
    },
  };
}

export interface AdamLrOptions {
  beta: number;
  beta1: number;
  beta2: number;
  eps: number;
  /**
   * The reference classes bias-correct with exponent t although the lr-Adam has taken only t−1
   * updates (quirk 4.3). true = reference behaviour.
   */
  referenceBiasCorrection: boolean;
}

/** Adam on α (op_*_lop_Adam). */
export function adamLr({ beta, beta1, beta2, eps, referenceBiasCorrection }: AdamLrOptions): LrRule<{ m: Scalar | null; v: Scalar | null }> {
  return {
    init: () => ({ m: null, v: null }),
    apply(h, lr, state, t) {
      if (t === 1) return { lr, state };
      const m = (state.m ? tf.add(tf.mul(state.m, beta1), tf.mul(h, 1 - beta1)) : tf.mul(h, 1 - beta1)) as Scalar;
      const v = (state.v ? tf.add(tf.mul(state.v, beta2), tf.mul(tf.square(h), 1 - beta2)) : tf.mul(tf.square(h), 1 - beta2)) as Scalar;
      const k = referenceBiasCorrection ? t : t - 1;
      const scale = (beta * Math.sqrt(1 - beta2 ** k)) / (1 - beta1 ** k);
      const lr2 = tf.sub(lr, tf.mul(tf.div(m, tf.add(tf.sqrt(v), eps)), scale)) as Scalar;
      return { lr: lr2, state: { m, v } };
    },
  };
}
