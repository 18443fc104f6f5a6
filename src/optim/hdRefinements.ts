// Two optional refinements of hypergradient descent with the SGD lr rule (SGD-HD, SGDM-HD, SGDN-HD,
// Adam-HD), both off by default (src/optim/hyper.ts):
// - multiplicativeHypergradient: Baydin et al., "Online Learning Rate Adaptation with Hypergradient
//   Descent" (ICLR 2018), the multiplicative rule α_t = α_{t−1}·(1 − β·h̃_t) with the normalised
//   hypergradient h̃_t = −g_t·u_{t−1}/(‖g_t‖·‖u_{t−1}‖), the cosine of the angle between the gradient and
//   the previous update direction, negated: α changes by a relative amount of at most β per step.
// - hdAdagrad: Chu, Gao, Ye, Udell, "Provable and Practical Online Learning Rate Adaptation with
//   Hypergradient Descent" (ICML 2025), AdaGrad on the hyper-step as their code does it
//   (udellgroup/osgm-best-hypergrad, algorithms/hdm.py @ 691fdd4 and bd47e4f, scalar version):
//   G ← G + h²;  P ← P − lr·h/(√G + adagrad_eps), adagrad_eps = 1e-12.
//   Here: β_t = β/(√G_t + 1e-12), G_t = Σ_{s=2..t} h_s², h the hypergradient the rule uses (h̃ under the
//   multiplicative rule). Per-tensor Adam-HD keeps one G per parameter tensor, as the lr rule's state.
//   Their feedback is normalised, −g(x⁺)·g(x)/(‖g(x)‖² + 1e-12), and taken at the trial point; here h is this
//   project's HD hypergradient −g_t·u_{t−1}. Their null steps (keep x unless f(x⁺) < f(x)) need the loss at
//   the trial point, an extra evaluation `step` does not have: not implemented.
import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import type { Hyper } from './hyper';

/** AdaGrad's ε on the hyper-step: `adagrad_eps` of udellgroup/osgm-best-hypergrad algorithms/hdm.py. */
export const HD_ADAGRAD_EPS = 1e-12;

/** State of the SGD lr rule: the AdaGrad accumulator G once hdAdagrad has been used. */
export interface SgdLrState {
  G?: Scalar;
}

/** Is any refinement on? (Off: the SGD lr rule runs its original arithmetic, bit for bit.) */
export function refined(hp: Hyper): boolean {
  return hp.multiplicativeHypergradient || hp.hdAdagrad;
}

/**
 * The normalised hypergradient of tensors [from, to): h̃ = −Σ g_i·u_i / (‖g‖·‖u‖), norms over the same
 * tensors; 0 when either norm is 0 (no direction to compare).
 */
export function normalisedHypergradient(gs: readonly Tensor[], us: readonly Tensor[], from: number, to: number): Scalar {
  let dot: Tensor = tf.scalar(0);
  let gg: Tensor = tf.scalar(0);
  let uu: Tensor = tf.scalar(0);
  for (let i = from; i < to; i++) {
    dot = tf.add(dot, tf.sum(tf.mul(gs[i], us[i])));
    gg = tf.add(gg, tf.sum(tf.square(gs[i])));
    uu = tf.add(uu, tf.sum(tf.square(us[i])));
  }
  return tf.neg(tf.divNoNan(dot, tf.mul(tf.sqrt(gg), tf.sqrt(uu)))) as Scalar;
}

/**
 * One refined SGD-lr update (t > 1): β_t = β, or β/(√G + 1e-12) with G ← G + h² (hdAdagrad); then
 * α ← α·(1 − β_t·h) (multiplicative; h is then h̃) or α ← α − β_t·h.
 */
export function refinedSgdLr(h: Scalar, lr: Scalar, state: SgdLrState, hp: Hyper): { lr: Scalar; state: SgdLrState } {
  let G = state.G;
  let betaT: Tensor | number = hp.beta;
  if (hp.hdAdagrad) {
    G = (G === undefined ? tf.square(h) : tf.add(G, tf.square(h))) as Scalar;
    betaT = tf.div(hp.beta, tf.add(tf.sqrt(G), HD_ADAGRAD_EPS));
  }
  const delta = tf.mul(h, betaT);
  const next = hp.multiplicativeHypergradient ? tf.mul(lr, tf.sub(1, delta)) : tf.sub(lr, delta);
  return { lr: next as Scalar, state: G === undefined ? state : { G } };
}
