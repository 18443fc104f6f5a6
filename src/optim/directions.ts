// Model-optimizer update directions u, per parameter tensor (θ ← θ − α·u), with torch 1.13 semantics
// (spec §1, §3). Hyperparameters are read from `hp` at every step.
import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import { adamConstants, fusedAdam, hasFusedAdam } from '../kernels/ownKernels';
import type { Direction } from './types';

/** SGD, heavy-ball or Nesterov momentum (torch.optim.SGD). */
export function sgdDirection(): Direction<{ buf: Tensor | null }> {
  return {
    init: () => ({ buf: null }),
    apply(g, { buf }, _t, { momentum, dampening, nesterov }) {
      if (nesterov && (momentum <= 0 || dampening !== 0)) {
        throw new Error('Nesterov momentum requires momentum > 0 and dampening = 0 (as torch.optim.SGD)');
      }
      if (momentum === 0) return { u: g, state: { buf } };
      // First use copies g: dampening is ignored on the first step, as in torch.
      const next = buf === null ? g.clone() : tf.add(tf.mul(buf, momentum), tf.mul(g, 1 - dampening));
      const u = nesterov ? tf.add(g, tf.mul(next, momentum)) : next;
      return { u, state: { buf: next } };
    },
  };
}

/**
 * Adam. `legacy` picks the ε placement: the HD classes' √bc2/bc1 · m/(√v + ε) (quirk 4.6), or
 * torch.optim.Adam's (since 1.3) m / (√v/√bc2 + ε) / bc1. Which one an optimizer uses is decided by
 * `epsOf(hp)` so a page option can switch it.
 */
export function adamDirection(legacy: (hp: { legacyAdamEps: boolean }) => boolean): Direction<{ m: Tensor; v: Tensor }> {
  return {
    init: (p) => ({ m: tf.zerosLike(p), v: tf.zerosLike(p) }),
    apply(g, { m, v }, t, hp) {
      const { beta1, beta2, eps } = hp;
      const attrs = { beta1, beta2, eps, t, legacy: legacy(hp) };
      if (hasFusedAdam()) {
        // One kernel, bitwise equal to the ops below (src/kernels/ownKernels.ts).
        const [m2, v2, u] = fusedAdam(g, m, v, attrs);
        return { u, state: { m: m2, v: v2 } };
      }
      // The same scalars the kernel is given: 1 − β, the bias corrections and their combination.
      const { omb1, omb2, bc1, sbc2, scale } = adamConstants(attrs);
      const m2 = tf.add(tf.mul(m, beta1), tf.mul(g, omb1));
      const v2 = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), omb2));
      const u = attrs.legacy
        ? tf.mul(tf.div(m2, tf.add(tf.sqrt(v2), eps)), scale)
        : tf.div(tf.div(m2, tf.add(tf.div(tf.sqrt(v2), sbc2), eps)), bc1);
      return { u, state: { m: m2, v: v2 } };
    },
  };
}

/** Adagrad: S += g²; u = g / (√S + ε), scaled by 1/(1 + (t−1)·lr_decay) (torch's clr). */
export function adagradDirection(): Direction<{ sum: Tensor }> {
  return {
    init: (p, hp) => ({ sum: tf.fill(p.shape, hp.initialAccumulator) }),
    apply(g, { sum }, t, { eps, lrDecay }) {
      const s2 = tf.add(sum, tf.square(g));
      const u = tf.mul(tf.div(g, tf.add(tf.sqrt(s2), eps)), 1 / (1 + (t - 1) * lrDecay));
      return { u, state: { sum: s2 } };
    },
  };
}

/** Adadelta: E = ρE + (1−ρ)g²; δ = √(D+ε)/√(E+ε)·g; D = ρD + (1−ρ)δ²; u = δ. */
export function adadeltaDirection(): Direction<{ sq: Tensor; acc: Tensor }> {
  return {
    init: (p) => ({ sq: tf.zerosLike(p), acc: tf.zerosLike(p) }),
    apply(g, { sq, acc }, _t, { rho, eps }) {
      const sq2 = tf.add(tf.mul(sq, rho), tf.mul(tf.square(g), 1 - rho));
      const delta = tf.mul(tf.div(tf.sqrt(tf.add(acc, eps)), tf.sqrt(tf.add(sq2, eps))), g);
      const acc2 = tf.add(tf.mul(acc, rho), tf.mul(tf.square(delta), 1 - rho));
      return { u: delta, state: { sq: sq2, acc: acc2 } };
    },
  };
}

/** Adamax: m = β1 m + (1−β1) g; n = max(β2 n, |g| + ε); u = m / n / (1 − β1^t). */
export function adamaxDirection(): Direction<{ m: Tensor; n: Tensor }> {
  return {
    init: (p) => ({ m: tf.zerosLike(p), n: tf.zerosLike(p) }),
    apply(g, { m, n }, t, { beta1, beta2, eps }) {
      const m2 = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
      const n2 = tf.maximum(tf.mul(n, beta2), tf.add(tf.abs(g), eps));
      return { u: tf.div(tf.div(m2, n2), 1 - beta1 ** t), state: { m: m2, n: n2 } };
    },
  };
}

/**
 * RMSprop: E = αE + (1−α)g²; denominator √E + ε, or centred √(E − ḡ²) + ε with ḡ = αḡ + (1−α)g;
 * with momentum μ > 0, b = μb + g/denominator and u = b, else u = g/denominator.
 */
export function rmspropDirection(): Direction<{ sq: Tensor; avg: Tensor | null; buf: Tensor | null }> {
  return {
    init: (p) => ({ sq: tf.zerosLike(p), avg: null, buf: null }),
    apply(g, s, _t, { rmsAlpha, eps, centered, momentum }) {
      const sq = tf.add(tf.mul(s.sq, rmsAlpha), tf.mul(tf.square(g), 1 - rmsAlpha));
      let avg: Tensor | null = null;
      let denom: Tensor;
      if (centered) {
        avg = tf.add(tf.mul(s.avg ?? tf.zerosLike(g), rmsAlpha), tf.mul(g, 1 - rmsAlpha));
        denom = tf.add(tf.sqrt(tf.sub(sq, tf.square(avg))), eps);
      } else {
        denom = tf.add(tf.sqrt(sq), eps);
      }
      const step = tf.div(g, denom);
      if (momentum > 0) {
        const buf = s.buf === null ? step : tf.add(tf.mul(s.buf, momentum), step);
        return { u: buf, state: { sq, avg, buf } };
      }
      return { u: step, state: { sq, avg, buf: null } };
    },
  };
}
