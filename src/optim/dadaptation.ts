// D-Adaptation SGD and D-Adaptation Adam, as facebookresearch/dadaptation's dadaptation/dadapt_sgd.py
// (DAdaptSGD) and dadaptation/dadapt_adam.py (DAdaptAdam) of its 3.x releases (the numerator_weighted /
// "IP" estimate, use_bias_correction, layer_scale = 1), for one parameter group on one device (no FSDP).
// hp.alpha0 is the reference's `lr` (default 1), d₀ is d0, growthRate null = growth_rate = inf.
//
// Every scalar the reference keeps as a Python float (d, numerator_weighted, g0_norm) is a device scalar
// here, so a step never reads data back. What the reference decides with a Python `if` on such a value is
// a tf.where:
//  - "if sk_sq == 0 / sk_l1 == 0: return loss" (every gradient entry zero): parameters, d and the running
//    numerator stay; the moment buffers and s are the ones the reference had already updated in place.
//    Only the reference's group counter k still advances here (it is a JS number, used for bias correction);
//    the reference leaves it.
//  - DAdaptSGD's g0_norm (the norm of the first gradient, without weight decay: the reference's k == 0 loop
//    calls the out-of-place grad.add, a no-op) is taken while the stored one is 0 (on the first step; the
//    reference divides by zero when the first gradient is 0, this keeps the step a no-op instead).
// lr ≤ 0 (the reference rejects it at construction and would raise or return at a step) is a no-op step.
import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { tidyTree } from './dispose';
import { sumAll, dot, keepIf } from './tensorOps';
import type { OptState, Optimizer } from './types';

export interface DadaptSgdState extends OptState {
  /** The D estimate d (group['d']). */
  d: Scalar;
  /** Σ dlr_i·⟨g_i, s_i⟩ (group['numerator_weighted']). */
  numeratorWeighted: Scalar;
  /** ‖g₀‖ (group['g0_norm']); 0 before the first step. */
  g0Norm: Scalar;
  /** s = Σ dlr_i·g_i, per tensor. */
  s: Tensor[];
  /** The initial parameters x₀, per tensor. */
  x0: Tensor[];
}

export interface DadaptAdamState extends OptState {
  d: Scalar;
  /** The √β₂-weighted running numerator (group['numerator_weighted']). */
  numeratorWeighted: Scalar;
  /** The reference's group['k']: steps taken (bias correction uses k + 1). */
  k: number;
  expAvg: Tensor[];
  expAvgSq: Tensor[];
  /** s ← √β₂·s + dlr·(1 − √β₂)·g, per tensor. */
  s: Tensor[];
}

/** max(d, min(d̂, d·growth_rate)), growth_rate null = ∞. */
function grow(d: Scalar, dHat: Scalar, growthRate: number | null): Scalar {
  return tf.maximum(d, growthRate == null ? dHat : tf.minimum(dHat, tf.mul(d, growthRate)));
}

export function dadaptSgd(): Optimizer<DadaptSgdState> {
  return {
    name: 'D-Adapt SGD',
    init(params, hp) {
      return {
        t: 0,
        lr: tf.scalar(0),
        hp,
        d: tf.scalar(hp.d0),
        numeratorWeighted: tf.scalar(0),
        g0Norm: tf.scalar(0),
        s: params.map((p) => tf.zerosLike(p)),
        x0: params.map((p) => tf.clone(p)),
      };
    },
    step(params, grads, state) {
      const { hp } = state;
      const t = state.t + 1;
      const lr = hp.alpha0;
      if (!(lr > 0)) return { params: [...params], state: { ...state, t, lr: tf.scalar(0) } };
      return tidyTree(() => {
        const decay = hp.weightDecay;
        const ck = 1 - hp.momentum;
        // k == 0: g0_norm = √Σ‖g‖² of the raw gradients (the reference's grad.add there is not in place).
        const g0Norm = tf.where(tf.greater(state.g0Norm, 0), state.g0Norm, tf.sqrt(sumAll(grads.map((g) => tf.sum(tf.square(g)))))) as Scalar;
        // dlr = d·lr/g0_norm, with the d of before this step.
        const dlr = tf.where(tf.greater(g0Norm, 0), tf.div(tf.mul(state.d, lr), g0Norm), tf.zerosLike(g0Norm)) as Scalar;
        // grad.add_(p, alpha=decay): coupled weight decay, in place, so the step below sees it too.
        const gs = decay !== 0 ? grads.map((g, i) => tf.add(g, tf.mul(params[i], decay))) : grads;
        // numerator_weighted += dlr·⟨g, s⟩ with s before this step's update; then s += dlr·g.
        const numeratorWeighted = tf.add(state.numeratorWeighted, tf.mul(dlr, sumAll(gs.map((g, i) => dot(g, state.s[i]))))) as Scalar;
        const s = gs.map((g, i) => tf.add(state.s[i], tf.mul(g, dlr)));
        const skSq = sumAll(s.map((x) => tf.sum(tf.square(x))));
        // d̂ = 2·numerator_weighted/‖s‖; d = max(d, min(d̂, d·growth_rate)).
        const dHat = tf.div(tf.mul(numeratorWeighted, 2), tf.sqrt(skSq)) as Scalar;
        const skip = tf.equal(skSq, 0);
        const d = keepIf(skip, state.d, grow(state.d, dHat, hp.growthRate)) as Scalar;
        // z = x₀ − s; x ← (1 − ck)·x + ck·z, ck = 1 − momentum.
        const next = params.map((p, i) => {
          const z = tf.sub(state.x0[i], s[i]);
          return keepIf(skip, p, tf.add(tf.mul(p, 1 - ck), tf.mul(z, ck)));
        });
        return {
          params: next,
          state: {
            ...state,
            t,
            lr: dlr,
            d,
            numeratorWeighted: keepIf(skip, state.numeratorWeighted, numeratorWeighted) as Scalar,
            g0Norm,
            s,
          },
        };
      });
    },
  };
}

export function dadaptAdam(): Optimizer<DadaptAdamState> {
  return {
    name: 'D-Adapt Adam',
    init(params, hp) {
      return {
        t: 0,
        lr: tf.scalar(0),
        hp,
        d: tf.scalar(hp.d0),
        numeratorWeighted: tf.scalar(0),
        k: 0,
        expAvg: params.map((p) => tf.zerosLike(p)),
        expAvgSq: params.map((p) => tf.zerosLike(p)),
        s: params.map((p) => tf.zerosLike(p)),
      };
    },
    step(params, grads, state) {
      const { hp } = state;
      const t = state.t + 1;
      const lr = hp.alpha0;
      if (!(lr > 0)) return { params: [...params], state: { ...state, t, lr: tf.scalar(0) } };
      const { beta1, beta2, eps } = hp;
      const k = state.k;
      const decay = hp.weightDecay;
      const sqrtBeta2 = Math.sqrt(beta2);
      // Computed in double, as the reference's Python floats.
      const biasCorrection = hp.useBiasCorrection ? Math.sqrt(1 - beta2 ** (k + 1)) / (1 - beta1 ** (k + 1)) : 1;
      return tidyTree(() => {
        // dlr = d·lr·bias_correction, with the d of before this step; it also scales the decoupled decay.
        const dlr = tf.mul(state.d, lr * biasCorrection) as Scalar;
        const gs = decay !== 0 && !hp.decouple ? grads.map((g, i) => tf.add(g, tf.mul(params[i], decay))) : grads;
        const acc: Scalar[] = [];
        const expAvg: Tensor[] = [];
        const expAvgSq: Tensor[] = [];
        const s: Tensor[] = [];
        const l1: Scalar[] = [];
        gs.forEach((g, i) => {
          // ⟨g, s/(√v + ε)⟩ with s and v of before this step.
          const denomOld = tf.add(tf.sqrt(state.expAvgSq[i]), eps);
          acc.push(dot(g, tf.div(state.s[i], denomOld)));
          expAvg.push(tf.add(tf.mul(state.expAvg[i], beta1), tf.mul(g, tf.mul(dlr, 1 - beta1))));
          expAvgSq.push(tf.add(tf.mul(state.expAvgSq[i], beta2), tf.mul(tf.mul(g, g), 1 - beta2)));
          const si = tf.add(tf.mul(state.s[i], sqrtBeta2), tf.mul(g, tf.mul(dlr, 1 - sqrtBeta2)));
          s.push(si);
          l1.push(tf.sum(tf.abs(si)));
        });
        const numeratorAcum = tf.mul(dlr, sumAll(acc));
        const numeratorWeighted = tf.add(tf.mul(state.numeratorWeighted, sqrtBeta2), tf.mul(numeratorAcum, 1 - sqrtBeta2)) as Scalar;
        const skL1 = sumAll(l1);
        const skip = tf.equal(skL1, 0);
        // d̂ = numerator_weighted/((1 − √β₂)·‖s‖₁); d = max(d, min(d̂, d·growth_rate)).
        const dHat = tf.div(numeratorWeighted, tf.mul(skL1, 1 - sqrtBeta2)) as Scalar;
        const d = keepIf(skip, state.d, grow(state.d, dHat, hp.growthRate)) as Scalar;
        const next = params.map((p, i) => {
          const denom = tf.add(tf.sqrt(expAvgSq[i]), eps);
          // p.add_(p, alpha=−decay·dlr), then p.addcdiv_(exp_avg, denom, value=−1).
          const decayed = decay !== 0 && hp.decouple ? tf.add(p, tf.mul(p, tf.mul(dlr, -decay))) : p;
          return keepIf(skip, p, tf.sub(decayed, tf.div(expAvg[i], denom)));
        });
        return {
          params: next,
          state: {
            ...state,
            t,
            k: k + 1,
            lr: dlr,
            d,
            numeratorWeighted: keepIf(skip, state.numeratorWeighted, numeratorWeighted) as Scalar,
            expAvg,
            expAvgSq,
            s,
          },
        };
      });
    },
  };
}
