// Named optimizers are compositions: weight decay, then an update direction, then a learning rate
// that is either fixed or adapted by hypergradient descent.
import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { tidyTree } from './dispose';
import type { Direction, LrRule, OptState, Optimizer } from './types';

/** L2 weight decay the way every reference class does it: g ← g + wd·θ, before anything else. */
function withWeightDecay(g: Tensor, p: Tensor, wd: number): Tensor {
  return wd === 0 ? g : tf.add(g, tf.mul(p, wd));
}

export interface FixedLrState<D> extends OptState {
  weightDecay: number;
  dirs: D[];
}

/** θ ← θ − α·u with α fixed (the classic optimizers; a schedule would set `lr` between steps). */
export function fixedLr<D>(name: string, dir: Direction<D>, opts: { lr: number; weightDecay: number }): Optimizer<FixedLrState<D>> {
  return {
    name,
    init: (params) => ({ t: 0, lr: tf.scalar(opts.lr), weightDecay: opts.weightDecay, dirs: params.map((p) => dir.init(p)) }),
    step(params, grads, state) {
      return tidyTree(() => {
        const t = state.t + 1;
        const dirs: D[] = [];
        const next = params.map((p, i) => {
          const g = withWeightDecay(grads[i], p, state.weightDecay);
          const r = dir.apply(g, state.dirs[i], t);
          dirs.push(r.state);
          return tf.sub(p, tf.mul(state.lr, r.u));
        });
        return { params: next, state: { ...state, t, dirs } };
      });
    },
  };
}

export interface HypergradientState<D, L> extends OptState {
  weightDecay: number;
  dirs: D[];
  /** u_{t−1} per tensor: the previous update DIRECTION (momentum included), spec §1. */
  uPrev: Tensor[] | null;
  /** One lr-optimizer state (global) or one per tensor (per-tensor mode). */
  rule: L[];
}

export interface HypergradientOptions {
  alpha0: number;
  weightDecay: number;
  /**
   * 'global': one hypergradient over all parameters, α updated once per step (SGD family, spec §1).
   * 'per-tensor': the reference Adam family's loop, α updated after each tensor's partial dot product,
   * in parameter order, before that tensor moves (spec §2, quirk 4.4).
   */
  mode: 'global' | 'per-tensor';
}

/** Hypergradient descent around any direction and any lr rule. */
export function hypergradient<D, L>(name: string, dir: Direction<D>, rule: LrRule<L>, opts: HypergradientOptions): Optimizer<HypergradientState<D, L>> {
  const perTensor = opts.mode === 'per-tensor';
  return {
    name,
    init: (params) => ({
      t: 0,
      lr: tf.scalar(opts.alpha0),
      weightDecay: opts.weightDecay,
      dirs: params.map((p) => dir.init(p)),
      uPrev: null,
      rule: perTensor ? params.map(() => rule.init()) : [rule.init()],
    }),
    step(params, grads, state) {
      return tidyTree(() => {
        const t = state.t + 1;
        const gs = params.map((p, i) => withWeightDecay(grads[i], p, state.weightDecay));
        // True hypergradient ∂f/∂α of a slice of the parameters: −g_t·u_{t−1} (0 at t = 1).
        const hyper = (from: number, to: number): Scalar => {
          if (state.uPrev === null) return tf.scalar(0);
          let acc: Tensor = tf.scalar(0);
          for (let i = from; i < to; i++) acc = tf.add(acc, tf.sum(tf.mul(gs[i], state.uPrev[i])));
          return tf.neg(acc) as Scalar;
        };
        let lr = state.lr;
        const ruleStates = state.rule.slice();
        if (!perTensor) {
          const r = rule.apply(hyper(0, params.length), lr, ruleStates[0], t);
          lr = r.lr;
          ruleStates[0] = r.state;
        }
        const dirs: D[] = [];
        const us: Tensor[] = [];
        const next = params.map((p, i) => {
          if (perTensor) {
            const r = rule.apply(hyper(i, i + 1), lr, ruleStates[i], t);
            lr = r.lr;
            ruleStates[i] = r.state;
          }
          const d = dir.apply(gs[i], state.dirs[i], t);
          dirs.push(d.state);
          us.push(d.u);
          return tf.sub(p, tf.mul(lr, d.u));
        });
        return { params: next, state: { ...state, t, lr, dirs, uPrev: us, rule: ruleStates } };
      });
    },
  };
}
