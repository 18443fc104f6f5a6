// Named optimizers are compositions: weight decay, then an update direction, then a learning rate
// that is either fixed (with a schedule) or adapted by hypergradient descent.
import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { tidyTree } from './dispose';
import { normalisedHypergradient } from './hdRefinements';
import type { Hyper } from './hyper';
import { scheduleFactor } from './schedules';
import type { Direction, LrRule, OptState, Optimizer } from './types';

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
    step(params, grads, state) {
      return tidyTree(() => {
        const t = state.t + 1;
        const { hp } = state;
        const perTensor = family === 'adam' && !hp.globalHypergradient;
        const gs = params.map((p, i) => withWeightDecay(grads[i], p, hp.weightDecay));
        // The SGD lr rule's multiplicative option takes the normalised hypergradient (src/optim/hdRefinements.ts).
        const normalised = hp.multiplicativeHypergradient && (rule as { refinable?: boolean }).refinable === true;
        // True hypergradient ∂f/∂α of a slice of the parameters: −g_t·u_{t−1} (0 at t = 1).
        const hyper = (from: number, to: number): Scalar => {
          if (state.uPrev === null) return tf.scalar(0);
          if (normalised) return normalisedHypergradient(gs, state.uPrev, from, to);
          let acc: Tensor = tf.scalar(0);
          for (let i = from; i < to; i++) acc = tf.add(acc, tf.sum(tf.mul(gs[i], state.uPrev[i])));
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
        return { params: next, state: { ...state, t, lr, dirs, uPrev: us, rule: ruleStates } };
      });
    },
  };
}
