// Schedule-Free SGD / AdamW (src/optim/scheduleFree.ts) against facebookresearch/schedule_free @ 0083572
// (schedulefree/sgd_schedulefree.py, schedulefree/adamw_schedulefree.py): the first steps derived by hand,
// a float64 port written in the README's three-sequence form (x kept explicitly, not implied as the
// implementation does) over many steps with warm-up, r, weight_lr_power and weight decay, momentum 0,
// no tensor leak, and a least-squares loss that falls.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import { useNodeBackend } from '../../src/engine/nodeBackends';
import { disposeReplaced } from '../../src/optim/dispose';
import { HYPER_DEFAULTS, type Hyper } from '../../src/optim/hyper';
import {
  scheduleFreeAdamW,
  scheduleFreeScalars,
  scheduleFreeSgd,
  scheduleFreeSgdConfigError,
  type ScheduleFreeState,
} from '../../src/optim/scheduleFree';
import type { Optimizer } from '../../src/optim/types';

beforeAll(async () => {
  await useNodeBackend('cpu');
});

// The reference's defaults, as the catalog must set them (HYPER_DEFAULTS differs in alpha0 and momentum).
const sgdHp = (set: Partial<Hyper> = {}): Hyper => ({ ...HYPER_DEFAULTS, alpha0: 1.0, momentum: 0.9, ...set });
const adamHp = (set: Partial<Hyper> = {}): Hyper => ({ ...HYPER_DEFAULTS, alpha0: 0.0025, ...set });

const vals = (t: Tensor): number[] => Array.from(t.dataSync());
const close = (got: number[], want: number[], digits = 6) => {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(g).toBeCloseTo(want[i], digits));
};

/** Steps `opt` with fixed gradients; returns y, z, x (evalParams), lr, c after each step. Disposes everything. */
function run<S extends ScheduleFreeState>(opt: Optimizer<S>, hp: Hyper, y0: number[], grads: number[][]) {
  let params: Tensor[] = [tf.tensor1d(y0)];
  let state = opt.init(params, hp);
  const out: { y: number[]; z: number[]; x: number[]; lr: number; c: number; weightSum: number }[] = [];
  for (const g of grads) {
    const gt = [tf.tensor1d(g)];
    const r = opt.step(params, gt, state);
    disposeReplaced([params, gt, state], [r.params, r.state]);
    params = r.params;
    state = r.state;
    const x = opt.evalParams!(params, state);
    out.push({ y: vals(params[0]), z: vals(state.z[0]), x: vals(x[0]), lr: state.lr.dataSync()[0], c: state.c, weightSum: state.weightSum });
    tf.dispose(x);
  }
  disposeReplaced([params, state], []);
  return out;
}

describe('Schedule-Free SGD, derived by hand', () => {
  it('three steps with warm-up: z, x, y, the weight c, state.lr', () => {
    // lr = 0.5, β = 0.9, warmup_steps = 2, r = 0, weight_lr_power = 2; y₀ = z₀ = x₀ = [1, −2].
    // Step 1 (k = 0): sched = 1/2, γ = 0.25, lr_max = max(0.25, −1) = 0.25, weight = 0.25² = 0.0625,
    //   weight_sum = 0.0625, c = 1. g = [2, 4]: z₁ = z₀ − 0.25g = [0.5, −3]; x₁ = z₁ (c = 1);
    //   y₁ = lerp(y₀, z₀, 1) + 0.25·(0.9·0 − 1)·g = z₀ − 0.25g = [0.5, −3]: all three equal.
    // Step 2 (k = 1): sched = 1, γ = 0.5, lr_max = 0.5, weight = 0.25, weight_sum = 0.3125, c = 0.8.
    //   g = [−1, 1]: z₂ = z₁ − 0.5g = [1, −3.5]; x₂ = 0.2x₁ + 0.8z₂ = [0.1 + 0.8, −0.6 − 2.8] = [0.9, −3.4];
    //   y₂ = 0.1z₂ + 0.9x₂ = [0.1 + 0.81, −0.35 − 3.06] = [0.91, −3.41]
    //   (the reference's form: lerp(y₁, z₁, 0.8) = [0.5, −3], + 0.5·(0.9·0.2 − 1)·g = −0.41g → same).
    // Step 3 (k = 2): γ = 0.5, weight = 0.25, weight_sum = 0.5625, c = 4/9. g = [0.5, −2]:
    //   z₃ = [1 − 0.25, −3.5 + 1] = [0.75, −2.5]; x₃ = 5/9·x₂ + 4/9·z₃ = [(4.5 + 3)/9, (−17 − 10)/9] = [5/6, −3];
    //   y₃ = 0.1z₃ + 0.9x₃ = [0.075 + 0.75, −0.25 − 2.7] = [0.825, −2.95]
    //   (reference: lerp(y₂, z₂, 4/9) = [0.91 + 0.04, −3.41 − 0.04] = [0.95, −3.45], + 0.5·(0.9·5/9 − 1)·g =
    //   −0.25g = [−0.125, 0.5] → same).
    const out = run(scheduleFreeSgd(), sgdHp({ alpha0: 0.5, warmupSteps: 2 }), [1, -2], [[2, 4], [-1, 1], [0.5, -2]]);
    close(out[0].z, [0.5, -3]);
    close(out[0].x, [0.5, -3]);
    close(out[0].y, [0.5, -3]);
    close(out[1].z, [1, -3.5]);
    close(out[1].x, [0.9, -3.4]);
    close(out[1].y, [0.91, -3.41]);
    close(out[2].z, [0.75, -2.5]);
    close(out[2].x, [5 / 6, -3]);
    close(out[2].y, [0.825, -2.95]);
    close(out.map((o) => o.lr), [0.25, 0.5, 0.5], 7);
    close(out.map((o) => o.c), [1, 0.8, 4 / 9], 12);
    close(out.map((o) => o.weightSum), [0.0625, 0.3125, 0.5625], 12);
  });

  it('r and weight_lr_power: weight = (k+1)^r · lr_max^p', () => {
    // r = 1, p = 0: weights 1, 2, 3 → c = 1/1, 2/3, 3/6. r = 0, p = 2 with warm-up 4, lr 1:
    // γ = 0.25, 0.5, 0.75, weights 1/16, 4/16, 9/16 → c = 1, 4/5, 9/14.
    const g = [[1], [1], [1]];
    close(run(scheduleFreeSgd(), sgdHp({ sfR: 1, weightLrPower: 0 }), [0], g).map((o) => o.c), [1, 2 / 3, 1 / 2], 12);
    const w = run(scheduleFreeSgd(), sgdHp({ warmupSteps: 4 }), [0], g);
    close(w.map((o) => o.c), [1, 4 / 5, 9 / 14], 12);
    close(w.map((o) => o.lr), [0.25, 0.5, 0.75], 7);
    // lr_max, not the step's lr, enters the weight: lr 1 then 0.5 (a live edit) gives weights 1, 1 → c₂ = ½.
    const s1 = scheduleFreeScalars(sgdHp(), 0, -1, 0);
    const s2 = scheduleFreeScalars(sgdHp({ alpha0: 0.5 }), 1, s1.lrMax, s1.weightSum);
    expect([s1.c, s2.lr, s2.lrMax, s2.c]).toEqual([1, 0.5, 1, 0.5]);
    // lr = 0: weight and weight_sum 0, the reference's ZeroDivisionError branch gives c = 0.
    expect(scheduleFreeScalars(sgdHp({ alpha0: 0 }), 0, -1, 0).c).toBe(0);
  });

  it('weight decay is added to the gradient at y', () => {
    // lr 0.5, wd 0.1, y₀ = [1, −2], g = [2, 4]: g̃ = g + 0.1y₀ = [2.1, 3.8], c = 1 → y₁ = z₁ = x₁ = y₀ − 0.5g̃ =
    // [−0.05, −3.9]. Step 2, g = [−1, 1], γ = 0.5, c = ½: g̃ = g + 0.1y₁ = [−1.005, 0.61];
    // z₂ = z₁ − 0.5g̃ = [0.4525, −4.205]; x₂ = ½(x₁ + z₂) = [0.20125, −4.0525];
    // y₂ = 0.1z₂ + 0.9x₂ = [0.04525 + 0.181125, −0.4205 − 3.64725] = [0.226375, −4.06775].
    const out = run(scheduleFreeSgd(), sgdHp({ alpha0: 0.5, weightDecay: 0.1 }), [1, -2], [[2, 4], [-1, 1]]);
    close(out[0].y, [-0.05, -3.9]);
    close(out[1].z, [0.4525, -4.205]);
    close(out[1].x, [0.20125, -4.0525]);
    close(out[1].y, [0.226375, -4.06775]);
  });

  it('momentum 0: y = z, the iterates of plain SGD (evalParams returns y there)', () => {
    // β = 0: y ← lerp(y, z, c) − γg, and with y = z (true at the start) y₊ = z − γg = z₊: plain SGD at y.
    // On f = ½(3a² + b²), γ = 0.1 fixed: θ ← θ − 0.1·[3a, b] = [0.7a, 0.9b].
    const opt = scheduleFreeSgd();
    let params: Tensor[] = [tf.tensor1d([1, -2])];
    let state = opt.init(params, sgdHp({ alpha0: 0.1, momentum: 0 }));
    for (let k = 1; k <= 5; k++) {
      const g = [tf.mul(params[0], tf.tensor1d([3, 1]))];
      const r = opt.step(params, g, state);
      disposeReplaced([params, g, state], [r.params, r.state]);
      params = r.params;
      state = r.state;
      const x = opt.evalParams!(params, state);
      close(vals(params[0]), [0.7 ** k, -2 * 0.9 ** k]);
      close(vals(state.z[0]), vals(params[0]), 7);
      close(vals(x[0]), vals(params[0]), 7);
      tf.dispose(x);
    }
    disposeReplaced([params, state], []);
  });

  it("the reference's constructor checks (lr ≥ 0, weight_decay ≥ 0, momentum < 1)", () => {
    expect(scheduleFreeSgdConfigError(sgdHp())).toBeNull();
    expect(scheduleFreeSgdConfigError(sgdHp({ alpha0: -1 }))).toBe('Invalid learning rate: -1');
    expect(scheduleFreeSgdConfigError(sgdHp({ weightDecay: -0.1 }))).toBe('Invalid weight_decay value: -0.1');
    expect(scheduleFreeSgdConfigError(sgdHp({ momentum: 1 }))).toMatch(/Momentum/);
    expect(() => scheduleFreeSgd().init([], sgdHp({ momentum: -0.5 }))).toThrow(/Momentum/);
  });
});

describe('Schedule-Free AdamW, derived by hand', () => {
  it('two steps: bias correction folded into lr, ε outside the root, c from lr_max²', () => {
    // lr = 0.1, β = (0.9, 0.999), ε = 1e-8, y₀ = [1, −2].
    // Step 1 (k = 0): bc₂ = 1 − 0.999 = 0.001, γ₁ = 0.1·√0.001 = 0.00316227766, weight = γ₁² = 1e-5, c = 1.
    //   g = [2, 4]: v₁ = 0.001g² = [0.004, 0.016], ĝ = g/(√v₁ + ε) = [31.6227716, 31.6227741] (≈ 1/√0.001);
    //   z₁ = y₁ = x₁ = y₀ − γ₁ĝ ≈ y₀ − 0.1·sign(g) = [0.9000000158, −2.0999999921].
    // Step 2 (k = 1): bc₂ = 1 − 0.999² = 0.001999, γ₂ = 0.1·√0.001999 = 0.00447101778 = lr_max,
    //   weight = 1.999e-5, weight_sum = 2.999e-5, c = 1.999/2.999 = 0.666555519.
    //   g = [−1, 1]: v₂ = 0.999v₁ + 0.001 = [0.004996, 0.016984], √v₂ = [0.0706823882, 0.1303226765],
    //   ĝ = [−14.1477939, 7.6732611]; z₂ = z₁ − γ₂ĝ = [0.9632550538, −2.1343072789];
    //   x₂ = x₁ + c(z₂ − x₁) = [0.9421630104, −2.1228677034]; y₂ = 0.1z₂ + 0.9x₂ = [0.9442722148, −2.1240116610].
    const out = run(scheduleFreeAdamW(), adamHp({ alpha0: 0.1 }), [1, -2], [[2, 4], [-1, 1]]);
    close(out[0].y, [0.9000000158, -2.0999999921]);
    close(out[0].z, [0.9000000158, -2.0999999921]);
    close(out[0].x, [0.9000000158, -2.0999999921]);
    close(out[1].z, [0.9632550538, -2.1343072789]);
    close(out[1].x, [0.9421630104, -2.1228677034]);
    close(out[1].y, [0.9442722148, -2.124011661]);
    close(out.map((o) => o.lr), [0.00316227766, 0.00447101778], 9);
    close(out.map((o) => o.c), [1, 0.666555518506], 10);
    close(out.map((o) => o.weightSum), [1e-5, 2.999e-5], 14);
  });
});

/**
 * A float64 port in the README's form: x kept explicitly, y = (1−β)z + βx formed after each step, weight decay
 * at y (SGD: into g; AdamW: into the normalised g). Independent of the implementation's in-place algebra.
 */
function port(adam: boolean, hp: Hyper, y0: number[], grad: (k: number, i: number) => number, steps: number) {
  let x = [...y0], z = [...y0], y = [...y0];
  const v = y0.map(() => 0);
  let weightSum = 0, lrMax = -1;
  const beta = adam ? hp.beta1 : hp.momentum;
  const hist: { y: number[]; z: number[]; x: number[] }[] = [];
  for (let k = 0; k < steps; k++) {
    const sched = k < hp.warmupSteps ? (k + 1) / hp.warmupSteps : 1;
    const lr = hp.alpha0 * sched * (adam ? Math.sqrt(1 - hp.beta2 ** (k + 1)) : 1);
    lrMax = Math.max(lr, lrMax);
    const weight = (k + 1) ** hp.sfR * lrMax ** hp.weightLrPower;
    weightSum += weight;
    const c = weight / weightSum;
    const gt = y.map((yi, i) => {
      const g = grad(k, i);
      if (!adam) return g + hp.weightDecay * yi;
      v[i] = hp.beta2 * v[i] + (1 - hp.beta2) * g * g;
      return g / (Math.sqrt(v[i]) + hp.eps) + hp.weightDecay * yi;
    });
    z = z.map((zi, i) => zi - lr * gt[i]);
    x = x.map((xi, i) => (1 - c) * xi + c * z[i]);
    y = z.map((zi, i) => (1 - beta) * zi + beta * x[i]);
    hist.push({ y, z, x });
  }
  return hist;
}

describe('against a float64 port of the three sequences, 40 steps', () => {
  const grad = (k: number, i: number) => Math.sin(0.7 * k + 1.3 * i) * (1 + i);
  const y0 = [0.5, -1, 2];
  const grads = Array.from({ length: 40 }, (_, k) => y0.map((_, i) => grad(k, i)));
  it.each([
    ['SGD', false, sgdHp({ alpha0: 0.2, momentum: 0.8, warmupSteps: 5, sfR: 0.5, weightLrPower: 2, weightDecay: 0.05 })],
    ['AdamW', true, adamHp({ alpha0: 0.05, beta1: 0.9, beta2: 0.99, warmupSteps: 5, sfR: 1, weightLrPower: 1.5, weightDecay: 0.1 })],
  ] as const)('%s', (_name, adam, hp) => {
    const want = port(adam, hp, y0, grad, 40);
    const got = run(adam ? scheduleFreeAdamW() : scheduleFreeSgd(), hp, y0, grads);
    got.forEach((o, k) => {
      close(o.y, want[k].y, 4);
      close(o.z, want[k].z, 4);
      close(o.x, want[k].x, 4);
    });
  });
});

describe('tensors and training', () => {
  it.each([
    ['SGD', () => scheduleFreeSgd() as Optimizer<ScheduleFreeState>, sgdHp({ alpha0: 0.05, warmupSteps: 10 })],
    ['AdamW', () => scheduleFreeAdamW() as Optimizer<ScheduleFreeState>, adamHp({ alpha0: 0.05, warmupSteps: 10, weightDecay: 1e-3 })],
  ] as const)('%s: no leak over 100 steps, least-squares loss at x falls', (_name, make, hp) => {
    // f(θ) = ½‖Aθ − b‖² / n, A 6×3 fixed, θ = [w (3), bias (1)] in two tensors.
    const start = tf.memory().numTensors;
    const A = tf.tensor2d([1, 2, 0, -1, 0.5, 1, 0, 1, -1, 2, -1, 0.5, 1, 1, 1, -0.5, 2, 0], [6, 3]);
    const b = tf.tensor2d([1, -2, 0.5, 3, 1, -1], [6, 1]);
    const lossOf = (ps: Tensor[]): Tensor => tf.div(tf.mul(0.5, tf.sum(tf.square(tf.sub(tf.add(tf.matMul(A, ps[0]), ps[1]), b)))), 6);
    const loss = (ps: Tensor[]) => tf.tidy(() => lossOf(ps));
    const opt = make();
    let params: Tensor[] = [tf.zeros([3, 1]), tf.zeros([1])];
    let state = opt.init(params, hp);
    const l0 = loss(params);
    const loss0 = l0.dataSync()[0];
    l0.dispose();
    let counted = -1;
    for (let k = 1; k <= 100; k++) {
      const gs = tf.grads((w: Tensor, c: Tensor) => lossOf([w, c]))(params);
      const r = opt.step(params, gs, state);
      disposeReplaced([params, gs, state], [r.params, r.state]);
      params = r.params;
      state = r.state;
      const x = opt.evalParams!(params, state);
      tf.dispose(x);
      if (k === 1) counted = tf.memory().numTensors;
      else expect(tf.memory().numTensors).toBe(counted);
    }
    const x = opt.evalParams!(params, state);
    const lx = loss(x);
    expect(lx.dataSync()[0]).toBeLessThan(0.5 * loss0);
    tf.dispose([x, lx]);
    disposeReplaced([params, state, A, b], []);
    expect(tf.memory().numTensors).toBe(start);
  });
});
