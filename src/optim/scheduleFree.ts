// Schedule-Free SGD and Schedule-Free AdamW, exactly as schedulefree/sgd_schedulefree.py and
// schedulefree/adamw_schedulefree.py of facebookresearch/schedule_free at commit 0083572 (one parameter
// group, the foreach path). Three sequences:
//   y_t = (1−β)·z_t + β·x_t        where the gradient is taken: the model trains at y (`params` here),
//   z_{t+1} = z_t − γ_t·g̃_t         the base optimizer's step (SGD, or Adam without first moment),
//   x_{t+1} = (1−c_{t+1})·x_t + c_{t+1}·z_{t+1}   where the model is evaluated (`evalParams`).
// As in the reference only y and z are stored: x is implied by x = (y − (1−β)·z)/β, and a step updates y in
// place without forming x: y ← lerp(y, z, c) + γ·(β·(1−c) − 1)·g̃, then z ← z − γ·g̃.
// γ_t = lr·min(1, (k+1)/warmup_steps) (AdamW: times √(1 − β₂^(k+1)), its bias correction of the second
// moment), lr_max = max(γ over the steps so far), weight_k = (k+1)^r·lr_max^weight_lr_power,
// c_{t+1} = weight_k / Σ weights (0 when the sum is 0, the reference's ZeroDivisionError branch).
// Weight decay is taken at y: SGD adds wd·y to the gradient (L2), AdamW adds wd·y to the normalised gradient.
import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import { tidyTree } from './dispose';
import type { Hyper } from './hyper';
import type { OptState, Optimizer } from './types';

export interface ScheduleFreeState extends OptState {
  /** z, the base optimizer's iterate, per tensor (the reference's state['z'], a clone of y at the start). */
  z: Tensor[];
  /** Σ of the averaging weights so far (the reference's group['weight_sum']). */
  weightSum: number;
  /** The largest scheduled lr so far (group['lr_max']; −1 before the first step, as there). */
  lrMax: number;
  /** c_{t+1} of the last step, the weight of z_{t+1} in x_{t+1} (0 before any step). */
  c: number;
}

export interface ScheduleFreeAdamWState extends ScheduleFreeState {
  /** Exponential moving average of the squared gradient, per tensor (state['exp_avg_sq']). */
  expAvgSq: Tensor[];
}

/** The constructor checks of SGDScheduleFree, except that momentum 0 is admitted (see scheduleFreeSgd). */
export function scheduleFreeSgdConfigError(hp: Hyper): string | null {
  if (!(hp.alpha0 >= 0)) return `Invalid learning rate: ${hp.alpha0}`;
  if (!(hp.weightDecay >= 0)) return `Invalid weight_decay value: ${hp.weightDecay}`;
  if (!(hp.momentum >= 0 && hp.momentum < 1)) return `Momentum must be between 0 and 1: ${hp.momentum}`;
  return null;
}

/** The step's scalars, all plain numbers (Python floats in the reference): they never depend on tensor values. */
export interface ScheduleFreeScalars {
  /** The scheduled learning rate γ of this step. */
  lr: number;
  lrMax: number;
  weightSum: number;
  /** c_{k+1} = weight / weight_sum. */
  c: number;
}

/**
 * The reference's per-step scalars, step k+1 (k = steps taken before it, the reference's group['k']).
 * `biasCorrection2` is 1 for SGD, 1 − β₂^(k+1) for AdamW (its lr is multiplied by the square root).
 */
export function scheduleFreeScalars(hp: Hyper, k: number, lrMaxBefore: number, weightSumBefore: number, biasCorrection2 = 1): ScheduleFreeScalars {
  const sched = k < hp.warmupSteps ? (k + 1) / hp.warmupSteps : 1.0;
  const lr = hp.alpha0 * sched * Math.sqrt(biasCorrection2);
  const lrMax = Math.max(lr, lrMaxBefore);
  const weight = (k + 1) ** hp.sfR * lrMax ** hp.weightLrPower;
  const weightSum = weightSumBefore + weight;
  // Python raises ZeroDivisionError for weight/0.0 and the reference sets ckp1 = 0 then.
  const c = weightSum === 0 ? 0 : weight / weightSum;
  return { lr, lrMax, weightSum, c };
}

/** torch.lerp(start, end, w) with a Python-float weight, evaluated as ATen does (two forms around w = ½). */
function lerp(start: Tensor, end: Tensor, w: number): Tensor {
  const diff = tf.sub(end, start);
  return w < 0.5 ? tf.add(start, tf.mul(diff, w)) : tf.sub(end, tf.mul(diff, 1 - w));
}

/** y ← lerp(y, z, c) + γ·(β(1−c) − 1)·g̃ and z ← z − γ·g̃ (the reference's foreach ops, in this order). */
function yzUpdate(y: Tensor, z: Tensor, g: Tensor, s: ScheduleFreeScalars, beta: number): { y: Tensor; z: Tensor } {
  const yNext = tf.add(lerp(y, z, s.c), tf.mul(g, s.lr * (beta * (1 - s.c) - 1)));
  const zNext = tf.sub(z, tf.mul(g, s.lr));
  return { y: yNext, z: zNext };
}

/**
 * x from y and z as the reference's eval() does: p.lerp_(z, 1 − 1/β). At β = 0 (admitted here, refused by
 * the reference) y = z, the iterates of plain SGD, and y is returned: the y/z representation holds no x.
 */
function xFrom(params: readonly Tensor[], z: readonly Tensor[], beta: number): Tensor[] {
  return tidyTree(() => params.map((y, i) => (beta === 0 ? tf.clone(y) : lerp(y, z[i], 1 - 1 / beta))));
}

function initCommon(params: readonly Tensor[], hp: Hyper): ScheduleFreeState {
  return { t: 0, lr: tf.scalar(0), hp, z: params.map((p) => tf.clone(p)), weightSum: 0, lrMax: -1, c: 0 };
}

/**
 * Schedule-Free SGD (SGDScheduleFree). Hyper keys: alpha0 (lr, reference default 1.0), momentum (β,
 * reference default 0.9), weightDecay, warmupSteps, sfR (r), weightLrPower. The reference refuses
 * momentum ≤ 0; this one admits 0, where y = z and the step is plain SGD with step γ_t.
 */
export function scheduleFreeSgd(): Optimizer<ScheduleFreeState> {
  return {
    name: 'Schedule-Free SGD',
    init(params, hp) {
      const bad = scheduleFreeSgdConfigError(hp);
      if (bad) throw new Error(`Schedule-Free SGD: ${bad}`);
      return initCommon(params, hp);
    },
    step(params, grads, state) {
      const { hp } = state;
      const bad = scheduleFreeSgdConfigError(hp);
      if (bad) throw new Error(`Schedule-Free SGD: ${bad}`);
      const s = scheduleFreeScalars(hp, state.t, state.lrMax, state.weightSum);
      return tidyTree(() => {
        const z: Tensor[] = [];
        const next = params.map((y, i) => {
          const g = hp.weightDecay !== 0 ? tf.add(grads[i], tf.mul(y, hp.weightDecay)) : grads[i];
          const r = yzUpdate(y, state.z[i], g, s, hp.momentum);
          z.push(r.z);
          return r.y;
        });
        const lr = tf.scalar(s.lr);
        return { params: next, state: { ...state, t: state.t + 1, lr, z, weightSum: s.weightSum, lrMax: s.lrMax, c: s.c } };
      });
    },
    evalParams: (params, state) => xFrom(params, state.z, state.hp.momentum),
  };
}

/**
 * Schedule-Free AdamW (AdamWScheduleFree). Hyper keys: alpha0 (lr, reference default 0.0025), beta1 (β,
 * the interpolation, 0.9), beta2 (0.999), eps (1e-8, added to √v outside the root), weightDecay,
 * warmupSteps, sfR (r), weightLrPower. state.lr is lr·sched·√(1 − β₂^t), the bias correction folded in.
 */
export function scheduleFreeAdamW(): Optimizer<ScheduleFreeAdamWState> {
  return {
    name: 'Schedule-Free AdamW',
    init(params, hp) {
      return { ...initCommon(params, hp), expAvgSq: params.map((p) => tf.zerosLike(p)) };
    },
    step(params, grads, state) {
      const { hp } = state;
      const { beta1, beta2, eps } = hp;
      const s = scheduleFreeScalars(hp, state.t, state.lrMax, state.weightSum, 1 - beta2 ** (state.t + 1));
      return tidyTree(() => {
        const z: Tensor[] = [];
        const expAvgSq: Tensor[] = [];
        const next = params.map((y, i) => {
          const g = grads[i];
          const v = tf.add(tf.mul(state.expAvgSq[i], beta2), tf.mul(tf.mul(g, g), 1 - beta2));
          expAvgSq.push(v);
          const normalized = tf.div(g, tf.add(tf.sqrt(v), eps));
          // Weight decay calculated at y, after the normalisation.
          const gt = hp.weightDecay !== 0 ? tf.add(normalized, tf.mul(y, hp.weightDecay)) : normalized;
          const r = yzUpdate(y, state.z[i], gt, s, beta1);
          z.push(r.z);
          return r.y;
        });
        const lr = tf.scalar(s.lr);
        return {
          params: next,
          state: { ...state, t: state.t + 1, lr, z, expAvgSq, weightSum: s.weightSum, lrMax: s.lrMax, c: s.c },
        };
      });
    },
    evalParams: (params, state) => xFrom(params, state.z, state.hp.beta1),
  };
}
