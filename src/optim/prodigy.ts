// Prodigy, as konstmish/prodigy's prodigyopt/prodigy.py (commit a1b4f0e), for one parameter group on one
// device (no FSDP, slice_p = 1). hp.alpha0 is its `lr` (default 1), betas are beta1/beta2, beta3 null = √β₂,
// d0, dCoef, growthRate null = growth_rate = inf, decouple (default True there), useBiasCorrection,
// safeguardWarmup, eps, weightDecay.
//
// d, d_max and d_numerator are device scalars, so a step never reads data back; the reference's
// "if d_denom == 0: return loss" (every gradient entry zero) is a tf.where that keeps the parameters, d,
// d_max and d_numerator, with the moment buffers and s as the reference had already updated them in place;
// only the JS counter k (bias correction) still advances there. "if d == d0" compares the float32 d with
// float32(d0). lr ≤ 0 (rejected by the reference's constructor) is a no-op step.
import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { tidyTree } from './dispose';
import { sumAll, keepIf } from './tensorOps';
import type { OptState, Optimizer } from './types';

export interface ProdigyState extends OptState {
  /** The D estimate d (group['d']). */
  d: Scalar;
  /** max of the d̂ so far and d₀ (group['d_max']). */
  dMax: Scalar;
  /** The β₃-weighted numerator Σ (d/d₀)·dlr·⟨g, x₀ − x⟩ (group['d_numerator']). */
  dNumerator: Scalar;
  /** The reference's group['k']: steps taken (bias correction uses k + 1). */
  k: number;
  /** The initial parameters x₀ (state['p0']), per tensor. */
  p0: Tensor[];
  /** Unused while β₁ = 0 (the reference then has none). */
  expAvg: Tensor[];
  expAvgSq: Tensor[];
  /** s ← β₃·s + (d/d₀)·dlr·g (safeguard warm-up: (d/d₀)·d·g), per tensor. */
  s: Tensor[];
}


export function prodigy(): Optimizer<ProdigyState> {
  return {
    name: 'Prodigy',
    init(params, hp) {
      return {
        t: 0,
        lr: tf.scalar(0),
        hp,
        d: tf.scalar(hp.d0),
        dMax: tf.scalar(hp.d0),
        dNumerator: tf.scalar(0),
        k: 0,
        p0: params.map((p) => tf.clone(p)),
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
      const { beta1, beta2, eps, d0, dCoef } = hp;
      const k = state.k;
      const beta3 = hp.beta3 ?? Math.sqrt(beta2);
      const decay = hp.weightDecay;
      // In double, as the reference's Python floats.
      const biasCorrection = hp.useBiasCorrection ? (1 - beta2 ** (k + 1)) ** 0.5 / (1 - beta1 ** (k + 1)) : 1;
      return tidyTree(() => {
        const dOld = state.d;
        // dlr = d·lr·bias_correction with the d of before this step: it scales this step's update and decay.
        const dlr = tf.mul(dOld, lr * biasCorrection) as Scalar;
        const dOverD0 = tf.div(dOld, d0);
        const gs = decay !== 0 && !hp.decouple ? grads.map((g, i) => tf.add(g, tf.mul(params[i], decay))) : grads;
        const dots: Scalar[] = [];
        const expAvg: Tensor[] = [];
        const expAvgSq: Tensor[] = [];
        const s: Tensor[] = [];
        const l1: Scalar[] = [];
        const sCoef = tf.mul(dOverD0, hp.safeguardWarmup ? dOld : dlr);
        gs.forEach((g, i) => {
          // ⟨g, p₀ − p⟩ at the parameters before this step.
          dots.push(tf.sum(tf.mul(g, tf.sub(state.p0[i], params[i]))));
          expAvg.push(beta1 > 0 ? tf.add(tf.mul(state.expAvg[i], beta1), tf.mul(g, tf.mul(dOld, 1 - beta1))) : state.expAvg[i]);
          // addcmul_(g, g, value=d·d·(1 − β₂))
          expAvgSq.push(tf.add(tf.mul(state.expAvgSq[i], beta2), tf.mul(tf.mul(g, g), tf.mul(tf.mul(dOld, dOld), 1 - beta2))));
          const si = tf.add(tf.mul(state.s[i], beta3), tf.mul(g, sCoef));
          s.push(si);
          l1.push(tf.sum(tf.abs(si)));
        });
        // d_numerator·β₃ + (d/d₀)·dlr·Σ⟨g, p₀ − p⟩
        const deltaNumerator = tf.mul(tf.mul(dOverD0, dlr), sumAll(dots));
        const dNumerator = tf.add(tf.mul(state.dNumerator, beta3), deltaNumerator) as Scalar;
        const dDenom = sumAll(l1);
        const skip = tf.equal(dDenom, 0);
        // d̂ = d_coef·d_numerator/d_denom; if d == d₀: d = max(d, d̂); d_max = max(d_max, d̂);
        // d = min(d_max, d·growth_rate).
        const dHat = tf.div(tf.mul(dNumerator, dCoef), dDenom) as Scalar;
        const d1 = tf.where(tf.equal(dOld, d0), tf.maximum(dOld, dHat), dOld);
        const dMaxNew = tf.maximum(state.dMax, dHat);
        const dNew = hp.growthRate == null ? dMaxNew : tf.minimum(dMaxNew, tf.mul(d1, hp.growthRate));
        const next = params.map((p, i) => {
          // denom = √v + d·ε with the NEW d; decoupled decay p.add_(p, alpha=−decay·dlr); then
          // p.addcdiv_(exp_avg, denom, value=−dlr), or (β₁ = 0) p.addcdiv_(grad, denom, value=−dlr·d_new).
          const denom = tf.add(tf.sqrt(expAvgSq[i]), tf.mul(dNew, eps));
          const decayed = decay !== 0 && hp.decouple ? tf.add(p, tf.mul(p, tf.mul(dlr, -decay))) : p;
          const update = beta1 > 0 ? tf.mul(tf.div(expAvg[i], denom), dlr) : tf.mul(tf.div(gs[i], denom), tf.mul(dlr, dNew));
          return keepIf(skip, p, tf.sub(decayed, update));
        });
        return {
          params: next,
          state: {
            ...state,
            t,
            k: k + 1,
            lr: dlr,
            d: keepIf(skip, dOld, dNew) as Scalar,
            dMax: keepIf(skip, state.dMax, dMaxNew) as Scalar,
            dNumerator: keepIf(skip, state.dNumerator, dNumerator) as Scalar,
            expAvg,
            expAvgSq,
            s,
          },
        };
      });
    },
  };
}
