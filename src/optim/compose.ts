// Named optimizers are compositions: weight decay, then an update direction, then a learning rate
// that is either fixed (with a schedule) or adapted by hypergradient descent.
import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { disposeReplaced, tidyTree } from './dispose';
import { feedbackGradients, normalisedHypergradient, settleNullStep, type NullStepMemo } from './hdRefinements';
import type { Hyper } from './hyper';
import { scheduleFactor } from './schedules';
import type { Direction, LossOracle, LrRule, OptState, Optimizer } from './types';

/** L2 weight decay the way every reference class does it: g ← g + wd·θ, before anything else. */
function withWeightDecay(g: Tensor, p: Tensor, wd: number): Tensor {
  return wd === 0 ? g : tf.add(g, tf.mul(p, wd));
}

export interface FixedLrState<D> extends OptState {
  dirs: D[];
}

/** θ ← θ − α_t·u with α_t = α₀ · schedule(t) (the classic optimizers). */
export function fixedLr<D>(name: string, dir: Direction<D>): Optimizer<FixedLrState<D>> {
  return {
    name,
    init: (params, hp) => ({ t: 0, lr: tf.scalar(hp.alpha0), hp, dirs: params.map((p) => dir.init(p, hp)) }),
    step(params, grads, state) {
      return tidyTree(() => {
        const t = state.t + 1;
        const { hp } = state;
        const lr = tf.scalar(hp.alpha0 * scheduleFactor(hp.schedule, t));
        const dirs: D[] = [];
        const next = params.map((p, i) => {
          const r = dir.apply(withWeightDecay(grads[i], p, hp.weightDecay), state.dirs[i], t, hp);
          dirs.push(r.state);
          return tf.sub(p, tf.mul(lr, r.u));
        });
        return { params: next, state: { ...state, t, lr, dirs } };
      });
    },
  };
}

export interface HypergradientState<D, L> extends OptState {
  dirs: D[];
  /** u_{t−1} per tensor: the previous update DIRECTION (momentum included), spec §1. */
  uPrev: Tensor[] | null;
  /** One lr-optimizer state per tensor (per-tensor mode uses all; global mode the first). */
  rule: L[];
  /** After a step with null steps (hp.hdNullSteps): its verdict and trial-point gradient (hdRefinements.ts). */
  nullStep?: NullStepMemo;
}

/** The optional safeguards: α clipped to [lrMin, lrMax] after every update (off by default). */
function guard(lr: Scalar, { lrMin, lrMax }: Hyper): Scalar {
  if (lrMin === null && lrMax === null) return lr;
  return tf.clipByValue(lr, lrMin ?? -Infinity, lrMax ?? Infinity) as Scalar;
}

/**
 * Hypergradient descent around any direction and any lr rule.
 * `family` 'sgd': one global hypergradient over all parameters, α updated once per step (spec §1).
 * `family` 'adam': the reference's loop, α updated after each tensor's partial dot product, in parameter
 * order, before that tensor moves (spec §2, quirk 4.4) — or one global hypergradient when
 * hp.globalHypergradient is set.
 */
export function hypergradient<D, L>(name: string, dir: Direction<D>, rule: LrRule<L>, family: 'sgd' | 'adam'): Optimizer<HypergradientState<D, L>> {
  type S = HypergradientState<D, L>;
  // Null steps, like the other refinements of hdRefinements.ts, belong to the SGD lr rule.
  const refinable = (rule as { refinable?: boolean }).refinable === true;
  /** The HD step θ⁺ = θ − α_t·u_t (with null steps: the trial point). */
  const hdStep = (params: readonly Tensor[], grads: readonly Tensor[], state: S): { params: Tensor[]; state: S } => {
    const { nullStep: memo, ...rest } = state;
    const t = state.t + 1;
    const { hp } = state;
    const perTensor = family === 'adam' && !hp.globalHypergradient;
    const gs = params.map((p, i) => withWeightDecay(grads[i], p, hp.weightDecay));
    // After a null step, α's feedback is the gradient at the rejected trial point (hdRefinements.ts).
    const fs = feedbackGradients(gs, memo);
    // The SGD lr rule's multiplicative option takes the normalised hypergradient (src/optim/hdRefinements.ts).
    const normalised = hp.multiplicativeHypergradient && refinable;
    // True hypergradient ∂f/∂α of a slice of the parameters: −g_t·u_{t−1} (0 at t = 1).
    const hyper = (from: number, to: number): Scalar => {
      if (state.uPrev === null) return tf.scalar(0);
      if (normalised) return normalisedHypergradient(fs, state.uPrev, from, to);
      let acc: Tensor = tf.scalar(0);
      for (let i = from; i < to; i++) acc = tf.add(acc, tf.sum(tf.mul(fs[i], state.uPrev[i])));
      return tf.neg(acc) as Scalar;
    };
    let lr = state.lr;
    const ruleStates = state.rule.slice();
    const update = (i: number, h: Scalar) => {
      const r = rule.apply(h, lr, ruleStates[i], t, hp);
      lr = guard(r.lr, hp);
      ruleStates[i] = r.state;
    };
    if (!perTensor) update(0, hyper(0, params.length));
    const dirs: D[] = [];
    const us: Tensor[] = [];
    const next = params.map((p, i) => {
      if (perTensor) update(i, hyper(i, i + 1));
      const d = dir.apply(gs[i], state.dirs[i], t, hp);
      dirs.push(d.state);
      us.push(d.u);
      return tf.sub(p, tf.mul(lr, d.u));
    });
    return { params: next, state: { ...rest, t, lr, dirs, uPrev: us, rule: ruleStates } as S };
  };
  /**
   * With null steps: the trial θ⁺, its minibatch loss and gradient (one more evaluation), then θ⁺ only if
   * the loss went down (hdRefinements.ts).
   */
  const nullStep = async (params: readonly Tensor[], grads: readonly Tensor[], state: S, oracle: LossOracle) => {
    const trial = tidyTree(() => hdStep(params, grads, state));
    const at = oracle.evaluate(trial.params);
    const out = tidyTree(() => {
      const v = settleNullStep(params, { params: trial.params, dirs: trial.state.dirs }, oracle.loss0, at, state.hp.weightDecay);
      return { params: v.params, state: { ...trial.state, dirs: v.dirs, nullStep: v.memo } as S };
    });
    // The trial's own tensors that the verdict replaced (θ⁺, restarted buffers, the trial loss).
    disposeReplaced([trial, at], [out, params, grads, state]);
    return out;
  };
  return {
    name,
    init: (params, hp) => ({
      t: 0,
      lr: tf.scalar(hp.alpha0),
      hp,
      dirs: params.map((p) => dir.init(p, hp)),
      uPrev: null,
      rule: params.map(() => rule.init()),
    }),
    step: (params, grads, state) => tidyTree(() => hdStep(params, grads, state)),
    // Only with null steps on does a step need the oracle; otherwise `step`, and no extra evaluation.
    needsOracle: (state) => state.hp.hdNullSteps && refinable,
    oracleStep: nullStep,
  };
}
