// DoG, "Distance over Gradients" (Ivgi, Hinder & Carmon 2023, "DoG is SGD's Best Friend"), the global
// (not layer-wise) variant, exactly as src/dog/dog.py of formll/dog at commit 90d70fa (version 1.0.2,
// init_eta = None), with its iterate averaging, PolynomialDecayAverager of src/dog/torch/averager.py at
// commit ea39bb4 (the model is evaluated at the average: `evalParams`).
//
// All parameter tensors are one long vector. With g_t the gradient plus weight_decay·θ_t (L2 added to the
// gradient, only when weight_decay > 0, as the reference; the decayed gradient also enters G):
//   step 1:  r̄ = reps_rel·(1 + ‖θ₀‖),  G = ‖g₀‖² + eps,  θ₀ saved (init_buffer)
//   later:   r̄ ← max(r̄, ‖θ_t − θ₀‖),   G ← G + ‖g_t‖²
//   η_t = lr·r̄/√G,   θ_{t+1} = θ_t − η_t·g_t
// (‖θ‖ is, as there, the norm of the per-tensor norms.) The averager, stepped after each optimizer step
// with its own counter k = 1, 2, … (= state.t after the step), starts from a copy of θ₀ and does
//   x̄_k = (1 − w_k)·x̄_{k−1} + w_k·θ_k,   w_k = (γ + 1)/(γ + k),
// so x̄_1 = θ_1 (w_1 = 1). r̄ and G stay scalar tensors on the device: a step never reads back, hence the
// reference's `assert G > 0` (a read-back) is not made.
import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { tidyTree } from './dispose';
import type { Hyper } from './hyper';
import type { OptState, Optimizer } from './types';

export interface DogState extends OptState {
  /** θ₀, saved at the first step (the reference's init_buffer); null before it. */
  x0: Tensor[] | null;
  /** r̄, the maximum distance from θ₀ so far (from r_ε = reps_rel·(1 + ‖θ₀‖)); null before step 1. */
  rbar: Scalar | null;
  /** G = eps + Σ ‖g_i‖²; null before step 1. */
  gradSqSum: Scalar | null;
  /** x̄, the polynomial-decay average of the iterates; null before step 1 (it is θ₀ then). */
  avg: Tensor[] | null;
}

/** The reference constructor's checks (same conditions, same messages); null when fine. */
export function dogConfigError(hp: Hyper): string | null {
  if (!(hp.alpha0 > 0)) return `Invalid learning rate (${hp.alpha0}). Suggested value is 1.`;
  if (!(hp.repsRel > 0)) {
    return `Invalid reps_rel value (${hp.repsRel}). Suggested value is 1e-6 (unless the model uses batch-normalization, in which case suggested value is 1e-4)`;
  }
  if (!(hp.weightDecay >= 0)) return `Invalid weight_decay value: ${hp.weightDecay}`;
  return null;
}

/** The reference's norm of a list of tensors: the norm of the per-tensor norms. */
function globalNorm(ts: readonly Tensor[]): Scalar {
  return tf.norm(tf.stack(ts.map((t) => tf.norm(t)))) as Scalar;
}

/** Σ over tensors of Σ g² (torch.stack([(g ** 2).sum() …]).sum()). */
function sumSquares(ts: readonly Tensor[]): Scalar {
  return tf.sum(tf.stack(ts.map((t) => tf.sum(tf.square(t))))) as Scalar;
}

export function dog(): Optimizer<DogState> {
  return {
    name: 'DoG',
    init(_params, hp) {
      const bad = dogConfigError(hp);
      if (bad) throw new Error(`DoG: ${bad}`);
      return { t: 0, lr: tf.scalar(0), hp, x0: null, rbar: null, gradSqSum: null, avg: null };
    },
    step(params, grads, state) {
      const { hp } = state;
      const bad = dogConfigError(hp);
      if (bad) throw new Error(`DoG: ${bad}`);
      return tidyTree(() => {
        const first = state.x0 === null || state.rbar === null || state.gradSqSum === null;
        const x0 = first ? params.map((p) => tf.clone(p)) : (state.x0 as Tensor[]);
        const g = hp.weightDecay > 0 ? grads.map((gi, i) => tf.add(gi, tf.mul(params[i], hp.weightDecay))) : grads;
        let rbar: Scalar;
        let gradSqSum: Scalar;
        if (first) {
          rbar = tf.mul(hp.repsRel, tf.add(1, globalNorm(params)));
          gradSqSum = tf.add(sumSquares(g), hp.eps);
        } else {
          const dist = globalNorm(params.map((p, i) => tf.sub(p, x0[i])));
          rbar = tf.maximum(state.rbar as Scalar, dist);
          gradSqSum = tf.add(state.gradSqSum as Scalar, sumSquares(g));
        }
        const eta: Scalar = tf.div(tf.mul(hp.alpha0, rbar), tf.sqrt(gradSqSum));
        const next = params.map((p, i) => tf.sub(p, tf.mul(g[i], eta)));
        // PolynomialDecayAverager.step() after the optimizer's, its counter k = t.
        const t = state.t + 1;
        const w = (hp.averageGamma + 1) / (hp.averageGamma + t);
        const prev = state.avg ?? x0;
        const avg = next.map((q, i) => tf.add(tf.mul(prev[i], 1 - w), tf.mul(q, w)));
        return { params: next, state: { ...state, t, lr: eta, x0, rbar, gradSqSum, avg } };
      });
    },
    evalParams(params, state) {
      return (state.avg ?? params).map((p) => tf.clone(p));
    },
  };
}
