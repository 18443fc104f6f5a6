// ESGD-M, exactly as esgd/esgd.py of crowsonkb/esgd at commit 0ec117b: equilibrated SGD (a diagonal
// preconditioner √d from squared Hessian-vector products with Rademacher probes, kept as an exponentially
// weighted infinity norm d ← max(β₂·d, (H·v)²)) with Nesterov momentum, an exponential learning-rate
// warm-up counted on Hessian steps only, and decoupled weight decay.
import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import { tidyTree } from './dispose';
import { esgdConfigError } from './esgdConfig';
import type { Hyper } from './hyper';
import type { LossOracle, OptState, Optimizer } from './types';

export interface EsgdState extends OptState {
  /** Steps since the last Hessian step (the original's steps_since_d). */
  sinceD: number;
  /** Exponential moving average of the gradient, per tensor. */
  expAvg: Tensor[];
  /** Exponentially weighted infinity norm of the squared Hessian-diagonal estimates, per tensor. */
  expAvgD: Tensor[];
  /** β₁^t (the original's exp_avg_bias_corr; the same for every tensor). */
  biasCorr: number;
  /** lr_warmup^(Hessian steps so far). */
  warmupProduct: number;
}

/** Does the step after `state` estimate the Hessian diagonal? (the original's should_create_graph) */
export function esgdWantsHvp(state: Pick<EsgdState, 't' | 'sinceD' | 'hp'>): boolean {
  return state.t < state.hp.dWarmup || state.sinceD >= state.hp.updateDEvery;
}

/** The step size of the update after `warmupProduct`: lr·(1 − lr_warmup^k). */
export function esgdStepSize(hp: Hyper, warmupProduct: number): number {
  return hp.alpha0 * (1 - warmupProduct);
}

export function esgd(): Optimizer<EsgdState> {
  return {
    name: 'ESGD-M',
    init(params, hp) {
      const bad = esgdConfigError(hp);
      if (bad) throw new Error(`ESGD-M: ${bad}`);
      return {
        t: 0,
        sinceD: 0,
        lr: tf.scalar(0),
        hp,
        expAvg: params.map((p) => tf.zerosLike(p)),
        expAvgD: params.map((p) => tf.zerosLike(p)),
        biasCorr: 1,
        warmupProduct: 1,
      };
    },
    step() {
      throw new Error('ESGD-M needs Hessian-vector products: use stepWith');
    },
    // √d changes only on Hessian steps (sinceD is 1 right after one).
    preconditioner: (state) => (state.t > 0 && state.sinceD === 1 ? tidyTree(() => state.expAvgD.map((d) => tf.sqrt(d))) : null),
    async stepWith(params, grads, state, oracle: LossOracle) {
      const { hp } = state;
      const bad = esgdConfigError(hp);
      if (bad) throw new Error(`ESGD-M: ${bad}`);
      const t = state.t + 1;
      const hessianStep = esgdWantsHvp(state);
      let hvps: Tensor[] | null = null;
      if (hessianStep) {
        const v = oracle.probes(t);
        try {
          hvps = oracle.hvp(v);
        } finally {
          tf.dispose(v);
        }
      }
      try {
        return tidyTree(() => {
          const { beta1, beta2, eps } = hp;
          const biasCorr = state.biasCorr * beta1;
          const warmupProduct = hessianStep ? state.warmupProduct * hp.lrWarmup : state.warmupProduct;
          const stepSize = esgdStepSize(hp, warmupProduct);
          const momBiasCorr = 1 - biasCorr * beta1;
          const expAvg: Tensor[] = [];
          const expAvgD: Tensor[] = [];
          const next = params.map((p, i) => {
            const g = grads[i];
            const m = tf.add(tf.mul(state.expAvg[i], beta1), tf.mul(g, 1 - beta1));
            const d = hvps ? tf.maximum(tf.mul(state.expAvgD[i], beta2), tf.square(hvps[i])) : state.expAvgD[i];
            expAvg.push(m);
            expAvgD.push(d);
            const denom = tf.add(tf.sqrt(d), eps);
            // torch.lerp(exp_avg, grad, 1 − β₁): the momentum estimate one step ahead (Nesterov).
            const est = tf.add(m, tf.mul(tf.sub(g, m), 1 - beta1));
            const decayed = hp.weightDecay === 0 ? p : tf.mul(p, 1 - hp.weightDecay * stepSize);
            return tf.sub(decayed, tf.mul(tf.div(est, denom), stepSize / momBiasCorr));
          });
          const lr = tf.scalar(stepSize);
          return { params: next, state: { ...state, t, sinceD: hessianStep ? 1 : state.sinceD + 1, lr, expAvg, expAvgD, biasCorr, warmupProduct } };
        });
      } finally {
        if (hvps) tf.dispose(hvps);
      }
    },
  };
}

