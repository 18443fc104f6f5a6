// Model-optimizer update directions u, per parameter tensor (θ ← θ − α·u), with torch 1.13 semantics.
import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import type { Direction } from './types';

export interface SgdOptions {
  momentum: number;
  dampening: number;
  nesterov: boolean;
}

/** SGD, heavy-ball or Nesterov momentum (torch.optim.SGD; spec §1, §3). */
export function sgdDirection({ momentum, dampening, nesterov }: SgdOptions): Direction<{ buf: Tensor | null }> {
  if (nesterov && (momentum <= 0 || dampening !== 0)) {
    throw new Error('Nesterov momentum requires momentum > 0 and dampening = 0 (as torch.optim.SGD)');
  }
  return {
    init: () => ({ buf: null }),
    apply(g, { buf }) {
      if (momentum === 0) return { u: g, state: { buf } };
      // First use copies g: dampening is ignored on the first step, as in torch.
      const next = buf === null ? g.clone() : tf.add(tf.mul(buf, momentum), tf.mul(g, 1 - dampening));
      const u = nesterov ? tf.add(g, tf.mul(next, momentum)) : next;
      return { u, state: { buf: next } };
    },
  };
}

export interface AdamOptions {
  beta1: number;
  beta2: number;
  eps: number;
  /**
   * 'torch': torch.optim.Adam since 1.3, u = m / (√v/√bc2 + ε) / bc1.
   * 'legacy': the HD classes' form, u = √bc2/bc1 · m / (√v + ε) (spec §2, quirk 4.6).
   */
  epsPlacement: 'torch' | 'legacy';
}

export function adamDirection({ beta1, beta2, eps, epsPlacement }: AdamOptions): Direction<{ m: Tensor; v: Tensor }> {
  return {
    init: (p) => ({ m: tf.zerosLike(p), v: tf.zerosLike(p) }),
    apply(g, { m, v }, t) {
      const m2 = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
      const v2 = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
      const bc1 = 1 - beta1 ** t;
      const bc2 = 1 - beta2 ** t;
      const u =
        epsPlacement === 'torch'
          ? tf.div(tf.div(m2, tf.add(tf.div(tf.sqrt(v2), Math.sqrt(bc2)), eps)), bc1)
          : tf.mul(tf.div(m2, tf.add(tf.sqrt(v2), eps)), Math.sqrt(bc2) / bc1);
      return { u, state: { m: m2, v: v2 } };
    },
  };
}
