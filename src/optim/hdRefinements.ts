// Three optional refinements of hypergradient descent with the SGD lr rule (SGD-HD, SGDM-HD, SGDN-HD,
// Adam-HD), all off by default (src/optim/hyper.ts):
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
//   project's HD hypergradient −g_t·u_{t−1}.
// - hdNullSteps: the same paper's null steps. What their code does (hdm.py, identical at 691fdd4 and
//   bd47e4f; line numbers counted in the stored file):
//     156  xtmp = x − P·gx + β·(x − x_old)                trial point
//     158  ftmp = f(xtmp);  160  gtmp = grad_f(xtmp)      one more f and ∇f evaluation per iteration
//     181-183, 196-200  gr = −gtmp·gx/(‖gx‖² + ε); G += gr²; P −= lr·gr/(√G + 1e-12); same for β with
//                       gm = gtmp·(x − x_old)/(‖gx‖² + ε)  — the hyper-steps use the trial point's gradient
//                       BEFORE the test: a rejected step still teaches P and β
//     208  "Note 5. Whether to reset momentum to 0 when a null step is taken (No)": β keeps its value
//     209  x_old = x                                       always, so after a null step x − x_old = 0: the
//                                                        next trial has no momentum term
//     210  if ftmp < fx: x, fx, gx = xtmp, ftmp, gtmp       strict decrease accepts, no tolerance
//     222  else: x, fx, gx stay                           (only a curvature-estimate counter moves)
//   (Their OSGM, algorithms/osgm.py @ 007f626, accepts on fvaltmp <= fval instead and likewise updates P, β
//   from the trial gradient whatever the verdict.) Here, with one more evaluation of the step's minibatch
//   loss L (LossOracle.evaluate: loss and gradient at θ⁺, same minibatch, same dropout masks):
//   · θ_{t+1} = θ⁺ = θ_t − α_t·u_t if L(θ⁺) < L(θ_t), else θ_t (decided on the device, tf.where: no read-back);
//   · α_t and the lr rule's state (G) are kept either way, as P and G are;
//   · a heavy-ball / Nesterov buffer restarts at 0 after a null step (the displacement x − x_old that is
//     their momentum is 0 then); Adam-HD's moments keep g_t (a gradient at θ_t, where the run stays; their
//     code has no moments) and t advances either way, so the bias correction matches the moments;
//   · the feedback on α_t: after an accepted step, as without null steps (−g_{t+1}·u_t at the next step, so
//     a run whose every step is accepted is bit for bit the run without null steps); after a null step,
//     the gradient at the rejected trial point, −∇L(θ⁺)·u_t (their gtmp), used at the next step in place of
//     g_{t+1}: the next gradient, at θ_t again, would say nothing about α_t.
//   Batch-norm running statistics advance in the trial's training-mode forward pass (as L-BFGS's closure).
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

/** What a step with null steps leaves for the next one: its verdict and the gradient at its trial point. */
export interface NullStepMemo {
  /** True when the step was a null step (bool scalar, kept on the device). */
  rejected: Scalar;
  /** ∇L(θ⁺) + wd·θ⁺ per tensor: the (weight-decayed) gradient at the trial point, on that step's minibatch. */
  grads: Tensor[];
}

/**
 * The gradients the next hypergradient is taken from: g_t itself, or after a null step the trial point's
 * gradient (bit for bit g_t when the last step was accepted: tf.where copies).
 */
export function feedbackGradients(gs: readonly Tensor[], memo: NullStepMemo | undefined): readonly Tensor[] {
  if (memo === undefined) return gs;
  return gs.map((g, i) => tf.where(memo.rejected, memo.grads[i], g));
}

/** A heavy-ball / Nesterov buffer (sgdDirection's `buf`) set to 0 on a null step; other states as they are. */
function restartMomentum<D>(d: D, accept: Tensor): D {
  const buf = (d as { buf?: unknown } | null)?.buf;
  if (!(buf instanceof tf.Tensor)) return d;
  return { ...d, buf: tf.where(accept, buf, tf.zerosLike(buf)) };
}

/**
 * The verdict on a trial step θ⁺ (tensors the caller tidies): θ⁺ and the directions' states if
 * L(θ⁺) < L(θ), else θ with momentum buffers restarted; plus the memo for the next step's feedback.
 */
export function settleNullStep<D>(
  params: readonly Tensor[],
  trial: { params: readonly Tensor[]; dirs: readonly D[] },
  loss0: Scalar,
  at: { loss: Scalar; grads: readonly Tensor[] },
  weightDecay: number,
): { params: Tensor[]; dirs: D[]; memo: NullStepMemo } {
  const accept = tf.less(at.loss, loss0);
  return {
    params: params.map((p, i) => tf.where(accept, trial.params[i], p)),
    dirs: trial.dirs.map((d) => restartMomentum(d, accept)),
    memo: {
      rejected: tf.logicalNot(accept) as Scalar,
      grads: at.grads.map((g, i) => (weightDecay === 0 ? g : tf.add(g, tf.mul(trial.params[i], weightDecay)))),
    },
  };
}
