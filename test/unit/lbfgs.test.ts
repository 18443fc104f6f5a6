// L-BFGS (src/optim/lbfgs.ts) against values derived by hand from torch 1.13's torch/optim/lbfgs.py:
// a 2-D quadratic (first step, the two-loop direction with one (s, y) pair, strong-Wolfe convergence),
// Rosenbrock (the first line search, branch by branch, and convergence), the cubic interpolation, the
// stopping rules (tolerance_grad, max_eval, max_iter), history eviction, weight decay and tensor leaks.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { useNodeBackend } from '../../src/engine/nodeBackends';
import { disposeReplaced } from '../../src/optim/dispose';
import { HYPER_DEFAULTS, type Hyper } from '../../src/optim/hyper';
import { lbfgs, type LbfgsState } from '../../src/optim/lbfgs';
import { cubicInterpolate } from '../../src/optim/lineSearch';
import type { LossOracle } from '../../src/optim/types';
import { trainStep } from '../../src/engine/step';
import { crossEntropy, forward, toTensors } from '../../src/models/mlp';
import { loadGolden } from './goldenCheck';

beforeAll(async () => {
  await useNodeBackend('cpu');
});

/** An objective of the flat vector x (float32, tfjs ops), differentiated by tf.valueAndGrads. */
type Objective = (x: Tensor) => Scalar;

/** f(x) = ½xᵀAx − bᵀx with A = [[3, 1], [1, 2]], b = (1, 0): ∇f = Ax − b, minimiser A⁻¹b = (0.4, −0.2). */
const quadratic: Objective = (x) =>
  tf.tidy(() => {
    const A = tf.tensor2d([[3, 1], [1, 2]]);
    const b = tf.tensor1d([1, 0]);
    const Ax = tf.reshape(tf.matMul(A, tf.reshape(x, [2, 1])), [2]);
    return tf.sub(tf.mul(0.5, tf.sum(tf.mul(x, Ax))), tf.sum(tf.mul(b, x))) as Scalar;
  });

/** Rosenbrock f(x, y) = (1 − x)² + 100(y − x²)². */
const rosenbrock: Objective = (p) =>
  tf.tidy(() => {
    const x = tf.reshape(tf.slice(p, [0], [1]), []);
    const y = tf.reshape(tf.slice(p, [1], [1]), []);
    return tf.add(tf.square(tf.sub(1, x)), tf.mul(100, tf.square(tf.sub(y, tf.square(x))))) as Scalar;
  });

/**
 * The parameters are two tensors, shapes [1] and [1, 1] (x and y), so that flattening and unflattening
 * are exercised; the objective sees their concatenation.
 */
const split = (x: number[]): Tensor[] => [tf.tensor1d([x[0]]), tf.tensor2d([[x[1]]])];
const joined = (ps: readonly Tensor[]): Tensor => tf.concat(ps.map((p) => tf.reshape(p, [-1])));

interface Runner {
  params: Tensor[];
  state: LbfgsState;
  /** Every closure call of every step: where, f, ∇f (the caller's own evaluation included). */
  calls: { x: number[]; f: number; g: number[] }[];
  step(): Promise<void>;
  x(): Promise<number[]>;
  lr(): Promise<number>;
  dispose(): void;
}

function runner(f: Objective, x0: number[], set: Partial<Hyper>): Runner {
  const opt = lbfgs();
  const vg = tf.valueAndGrads((...ps: Tensor[]) => tf.tidy(() => f(joined(ps))));
  const flat = async (ts: readonly Tensor[]) => Array.from(await tf.tidy(() => joined(ts)).data());
  const params = split(x0);
  const r: Runner = {
    params,
    state: opt.init(params, { ...HYPER_DEFAULTS, ...set }),
    calls: [],
    async step() {
      const { value, grads } = vg(r.params);
      const pending: Promise<void>[] = [];
      const record = (ps: readonly Tensor[], loss: Scalar, g: Tensor[]) => {
        const x = tf.tidy(() => joined(ps)), gf = tf.tidy(() => joined(g));
        const i = r.calls.push({ x: [], f: NaN, g: [] }) - 1;
        pending.push(
          (async () => {
            r.calls[i] = { x: Array.from(await x.data()), f: (await loss.data())[0], g: Array.from(await gf.data()) };
            tf.dispose([x, gf]);
          })(),
        );
      };
      record(r.params, value as Scalar, grads);
      const oracle: LossOracle = {
        loss0: value as Scalar,
        evaluate: (ps) => {
          const e = vg(ps as Tensor[]);
          record(ps, e.value as Scalar, e.grads);
          return { loss: e.value as Scalar, grads: e.grads };
        },
        hvp: () => {
          throw new Error('no hvp');
        },
        probes: () => {
          throw new Error('no probes');
        },
      };
      const next = await opt.stepWith!(r.params, grads, r.state, oracle);
      await Promise.all(pending);
      disposeReplaced([r.params, grads, r.state], [next.params, next.state]);
      value.dispose();
      r.params = next.params;
      r.state = next.state;
    },
    x: () => flat(r.params),
    lr: async () => (await r.state.lr.data())[0],
    dispose: () => disposeReplaced([r.params, r.state], []),
  };
  return r;
}

/** |a − b| ≤ rel·max(|b|, 1e-30) for each entry (float32: rel ~ 1e-6). */
function near(a: readonly number[], b: readonly number[], rel = 2e-6, abs = 0) {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => expect(Math.abs(v - b[i]), `entry ${i}: ${v} vs ${b[i]}`).toBeLessThanOrEqual(rel * Math.abs(b[i]) + abs));
}

describe('cubicInterpolate (torch _cubic_interpolate)', () => {
  it('finds the minimiser of a cubic from two points with slopes, either order', () => {
    // p(x) = x³ − 3x, p'(x) = 3x² − 3, local minimum at x = 1.
    // x1 = 0: f1 = 0, g1 = −3;  x2 = 2: f2 = 8 − 6 = 2, g2 = 12 − 3 = 9.
    // d1 = g1 + g2 − 3(f1 − f2)/(x1 − x2) = 6 − 3·(−2)/(−2) = 3;  d2² = d1² − g1·g2 = 9 + 27 = 36, d2 = 6.
    // min_pos = x2 − (x2 − x1)·(g2 + d2 − d1)/(g2 − g1 + 2·d2) = 2 − 2·(9 + 6 − 3)/(9 + 3 + 12) = 2 − 2·12/24 = 1.
    expect(cubicInterpolate(0, 0, -3, 2, 2, 9)).toBe(1);
    // x1 > x2: min_pos = x1 − (x1 − x2)·(g1 + d2 − d1)/(g1 − g2 + 2·d2) = 2 − 2·(9 + 6 − 3)/(9 + 3 + 12) = 1.
    expect(cubicInterpolate(2, 2, 9, 0, 0, -3)).toBe(1);
    // Clipped to the bounds: min(max(1, 1.5), 3) = 1.5; min(max(1, −1), 0.25) = 0.25.
    expect(cubicInterpolate(0, 0, -3, 2, 2, 9, [1.5, 3])).toBe(1.5);
    expect(cubicInterpolate(0, 0, -3, 2, 2, 9, [-1, 0.25])).toBe(0.25);
    // A cubic with a minimiser outside [x1, x2] is clipped to the interval by default:
    // p(x) = x³ − 3x on x1 = −3 (f = −18, g = 24), x2 = 0.5 (f = −1.375, g = −2.25):
    // d1 = 24 − 2.25 − 3·(−18 + 1.375)/(−3.5) = 21.75 − 14.25 = 7.5; d2² = 56.25 + 54 = 110.25, d2 = 10.5;
    // min_pos = 0.5 − 3.5·(−2.25 + 10.5 − 7.5)/(−2.25 − 24 + 21) = 0.5 − 3.5·0.75/(−5.25) = 0.5 + 0.5 = 1 → clipped to 0.5.
    expect(cubicInterpolate(-3, -18, 24, 0.5, -1.375, -2.25)).toBe(0.5);
    expect(cubicInterpolate(-3, -18, 24, 0.5, -1.375, -2.25, [-3, 5])).toBe(1);
  });

  it('returns the middle of the bounds when the cubic has no minimiser (d2² < 0)', () => {
    // x1 = 0, f1 = 0, g1 = 1; x2 = 1, f2 = 2/3, g2 = 1: d1 = 2 − 3·(−2/3)/(−1) = 0, d2² = 0 − 1 < 0.
    expect(cubicInterpolate(0, 0, 1, 1, 2 / 3, 1)).toBe(0.5);
    expect(cubicInterpolate(0, 0, 1, 1, 2 / 3, 1, [0.2, 0.4])).toBeCloseTo(0.3, 15);
  });
});

describe('L-BFGS on a 2-D quadratic f = ½xᵀAx − bᵀx, A = [[3, 1], [1, 2]], b = (1, 0), x₀ = (1, 1)', () => {
  // By hand (lr = 1):
  //   g₀ = Ax₀ − b = (3 + 1 − 1, 1 + 2 − 0) = (3, 3); f₀ = ½·(3 + 1 + 1 + 2) − 1 = 2.5; |g₀|₁ = 6.
  //   First iteration: d₀ = −g₀ = (−3, −3), t = min(1, 1/|g₀|₁)·lr = 1/6, x₁ = x₀ + t·d₀ = (0.5, 0.5).
  //   g₁ = (1.5 + 0.5 − 1, 0.5 + 1 − 0) = (1, 1.5); f₁ = ½·0.25·7 − 0.5 = 0.375.
  //   Second iteration: y = g₁ − g₀ = (−2, −1.5), s = t·d₀ = (−0.5, −0.5);
  //   y·s = 1 + 0.75 = 1.75 > 1e-10 → ro = 1/1.75 = 4/7; y·y = 4 + 2.25 = 6.25; H_diag = 1.75/6.25 = 0.28.
  //   Two-loop: q = −g₁ = (−1, −1.5); al = (s·q)·ro = (0.5 + 0.75)·4/7 = 5/7;
  //   q ← q − al·y = (−1 + 10/7, −1.5 + 7.5/7) = (3/7, −3/7); r = H_diag·q = (0.12, −0.12);
  //   be = (y·r)·ro = (−0.24 + 0.18)·4/7 = −0.24/7; r ← r + (al − be)·s = (0.12, −0.12) − 0.5·(5.24/7)·(1, 1)
  //   = (0.12 − 131/350, −0.12 − 131/350) = (−89/350, −173/350) = d₁.
  //   t = lr = 1: x₂ = x₁ + d₁ = (0.5 − 89/350, 0.5 − 173/350) = (86/350, 2/350).
  const x1 = [0.5, 0.5];
  const d1 = [-89 / 350, -173 / 350];
  const x2 = [86 / 350, 2 / 350];

  it('max_iter 1: one iteration per step; step 1 is x₀ − t·g₀ with t = 1/6, step 2 the two-loop direction', async () => {
    const r = runner(quadratic, [1, 1], { alpha0: 1, maxIter: 1 });
    expect(r.state.lr).toBeDefined();
    await r.step();
    near(await r.x(), x1);
    expect(r.params[0].shape).toEqual([1]);
    expect(r.params[1].shape).toEqual([1, 1]);
    expect(await r.lr()).toBeCloseTo(1 / 6, 7);
    expect(r.state.stepSize).toBeCloseTo(1 / 6, 7);
    // max_iter 1: the last iteration does not re-evaluate (torch's `if n_iter != max_iter`)
    expect(r.state.evals).toBe(1);
    expect(r.calls.length).toBe(1);
    expect(r.state).toMatchObject({ t: 1, nIter: 1, funcEvals: 1, hDiag: 1, ro: [], prevLoss: 2.5 });
    near(Array.from(await r.state.d!.data()), [-3, -3]);
    near(Array.from(await r.state.prevFlatGrad!.data()), [3, 3]);

    await r.step();
    expect(r.calls[1].f).toBeCloseTo(0.375, 6);
    near(r.calls[1].g, [1, 1.5]);
    near(Array.from(await r.state.d!.data()), d1);
    near(await r.x(), x2, 2e-6, 1e-7);
    expect(await r.lr()).toBe(1);
    expect(r.state.hDiag).toBeCloseTo(0.28, 6);
    expect(r.state.ro.length).toBe(1);
    expect(r.state.ro[0]).toBeCloseTo(4 / 7, 6);
    near(Array.from(await r.state.oldDirs[0].data()), [-2, -1.5]);
    near(Array.from(await r.state.oldStps[0].data()), [-0.5, -0.5]);
    expect(r.state).toMatchObject({ t: 2, nIter: 2, funcEvals: 2, evals: 1 });
    r.dispose();
  });

  it('max_iter 3 (max_eval ⌊3·5/4⌋ = 3): two iterations in one step, then the max_eval break', async () => {
    // Iteration 1 moves to x₁ and evaluates there (evals 2); iteration 2 moves to x₂ and, not being the
    // last (n_iter 2 ≠ 3), evaluates there (evals 3); then current_evals ≥ max_eval stops the step.
    const r = runner(quadratic, [1, 1], { alpha0: 1, maxIter: 3 });
    await r.step();
    near(await r.x(), x2, 2e-6, 1e-7);
    expect(r.state.evals).toBe(3);
    expect(r.calls.map((c) => c.x.map((v) => Number(v.toFixed(6))))).toEqual([[1, 1], x1, x2.map((v) => Number(v.toFixed(6)))]);
    expect(r.state).toMatchObject({ nIter: 2, funcEvals: 3 });
    // prev_flat_grad is g₁ (the gradient at the start of the last iteration), prev_loss f₁
    near(Array.from(await r.state.prevFlatGrad!.data()), [1, 1.5]);
    expect(r.state.prevLoss).toBeCloseTo(0.375, 6);
    r.dispose();
  });

  it('strong Wolfe: both first trial steps are accepted, then it reaches A⁻¹b = (0.4, −0.2)', async () => {
    // Iteration 1: φ(t) = f(x₀ + t·d₀) = 2.5 − 18t + 31.5t² (g₀·d₀ = −18, d₀ᵀAd₀ = 9·7 = 63).
    //   Trial t = 1/6: φ = 2.5 − 3 + 0.875 = 0.375 ≤ 2.5 + 1e-4·(1/6)·(−18) (Armijo holds);
    //   φ'(1/6) = −18 + 10.5 = −7.5, |−7.5| ≤ 0.9·18 = 16.2 (curvature holds): done, 1 evaluation.
    // Iteration 2: g₁·d₁ = (−89 − 1.5·173)/350 = −348.5/350; d₁ᵀAd₁ = (3·89² + 2·89·173 + 2·173²)/350²
    //   = 114415/122500; φ'(1) = −348.5/350 + 114415/122500 = −7560/122500 ≈ −0.0617, |φ'(1)| ≤ 0.9·0.9957;
    //   φ(1) − φ(0) = −0.9957 + 0.467 < 1e-4·(−0.9957): t = 1 accepted, 1 evaluation → x₂ as without line search.
    // (max_eval 10: its default ⌊2·5/4⌋ = 2 would stop the step after iteration 1.)
    const r = runner(quadratic, [1, 1], { alpha0: 1, maxIter: 2, maxEval: 10, strongWolfe: true });
    await r.step();
    expect(r.state.evals).toBe(3);
    near(await r.x(), x2, 2e-6, 1e-7);
    expect(await r.lr()).toBe(1);
    r.dispose();

    // Torch defaults otherwise (max_iter 20, max_eval 25): the minimiser within a few steps.
    const s = runner(quadratic, [1, 1], { alpha0: 1, strongWolfe: true });
    const evals: number[] = [];
    for (let k = 0; k < 3; k++) {
      await s.step();
      evals.push(s.state.evals);
    }
    near(await s.x(), [0.4, -0.2], 0, 1e-5);
    // Observed (cpu backend, float32): step 1 runs 6 iterations, 5 line searches each accepting its first
    // trial (6 evaluations with the caller's); iteration 6 stops at torch's `gtd > −tolerance_change`:
    // with |g| ≈ 6e-6 at (0.4000012, −0.1999976), g·d ≈ −g·H⁻¹g ≈ −3e-11 > −1e-9. Steps 2 and 3 stop the
    // same way after their one evaluation. (So torch's own stopping leaves x about 2e-6 from A⁻¹b here.)
    expect(evals).toEqual([6, 1, 1]);
    expect(s.state.nIter).toBe(8);
    expect(s.calls.length).toBe(8);
    s.dispose();
  });

  it('weight decay wd adds ½·wd·|θ|²: the minimiser becomes (A + wd·I)⁻¹b', async () => {
    // wd = 1: A + I = [[4, 1], [1, 3]], det 11, (A + I)⁻¹b = (3, −1)/11.
    const r = runner(quadratic, [1, 1], { alpha0: 1, strongWolfe: true, weightDecay: 1 });
    for (let k = 0; k < 3; k++) await r.step();
    near(await r.x(), [3 / 11, -1 / 11], 1e-5);
    // and the first step's t uses |g₀ + wd·x₀|₁ = |(4, 4)|₁ = 8: t = 1/8 (prev_loss = 2.5 + ½·2 = 3.5)
    const s = runner(quadratic, [1, 1], { alpha0: 1, maxIter: 1, weightDecay: 1 });
    await s.step();
    near(await s.x(), [0.5, 0.5]);
    expect(s.state.prevLoss).toBeCloseTo(3.5, 6);
    r.dispose();
    s.dispose();
  });
});

describe('L-BFGS with strong Wolfe on Rosenbrock from (−1.2, 1), torch defaults (lr 1, max_iter 20, history 100)', () => {
  it('the first line search: trial t = 1/|g₀|₁ fails Armijo, the cubic step of the zoom satisfies both', async () => {
    // By hand (float64, rounded):
    //   f₀ = 2.2² + 100·(1 − 1.44)² = 4.84 + 19.36 = 24.2;
    //   g₀ = (−2·2.2 − 400·(−1.2)·(−0.44), 200·(−0.44)) = (−4.4 − 211.2, −88) = (−215.6, −88);
    //   |g₀|₁ = 303.6 → t₁ = 1/303.6 = 0.0032938076; d = −g₀; gtd = g₀·d = −(215.6² + 88²) = −54227.36.
    //   Trial x = (−1.2 + 215.6/303.6, 1 + 88/303.6) = (−0.48985507, 1.28985507):
    //     f = 1.48985507² + 100·(1.28985507 − 0.23995799)² = 112.448056; g·d = 62188.77.
    //   Armijo: 112.448 > 24.2 + 1e-4·t₁·gtd = 24.182139 → bracket [0, t₁], f [24.2, 112.448],
    //     g·d [−54227.36, 62188.77] (first branch; low = 0).
    //   Zoom: cubic on the bracket: d1 = −54227.36 + 62188.77 − 3·(24.2 − 112.448)/(0 − t₁) = −72414.92,
    //     d2² = d1² + 54227.36·62188.77 = 8.61625e9, d2 = 92823.8;
    //     t = t₁ − t₁·(62188.77 + 92823.8 + 72414.92)/(62188.77 + 54227.36 + 2·92823.8) = 0.00081385932.
    //     Not within 0.1·t₁ = 0.00032938 of either end: no correction.
    //   Evaluate at x = (−1.2 + 215.6·t, 1 + 88·t) = (−1.02453193, 1.07161962): f = 4.1469271,
    //     g·d = 1453.166; Armijo 4.147 ≤ 24.1956 and 4.147 < f_low = 24.2; |1453.17| ≤ 0.9·54227.36: done.
    //   So the search returns t = 0.00081385932 after 2 evaluations (3 with the caller's).
    const r = runner(rosenbrock, [-1.2, 1], { alpha0: 1, maxIter: 1, historySize: 100, strongWolfe: true });
    await r.step();
    expect(r.calls.length).toBe(3);
    expect(r.state.evals).toBe(3);
    expect(r.calls[0].f).toBeCloseTo(24.2, 5);
    near(r.calls[0].g, [-215.6, -88], 1e-6);
    near(r.calls[1].x, [-0.489855072, 1.289855072], 2e-6);
    expect(r.calls[1].f).toBeCloseTo(112.448056, 3);
    near(r.calls[2].x, [-1.0245319303, 1.0716196203], 2e-6);
    expect(r.calls[2].f).toBeCloseTo(4.1469271, 4);
    expect(await r.lr()).toBeCloseTo(0.00081385932, 9);
    near(await r.x(), [-1.0245319303, 1.0716196203], 2e-6);
    r.dispose();
  });

  it('converges to (1, 1) within 1e-4 in a few steps', async () => {
    const r = runner(rosenbrock, [-1.2, 1], { alpha0: 1, strongWolfe: true });
    let steps = 0;
    for (; steps < 10; steps++) {
      const x = await r.x();
      if (Math.abs(x[0] - 1) <= 1e-4 && Math.abs(x[1] - 1) <= 1e-4) break;
      await r.step();
      // max_eval 25 bounds when an iteration may START: at most one line search (≤ 25 more) past it
      expect(r.state.evals).toBeLessThanOrEqual(25 + 25);
    }
    expect(steps).toBeLessThanOrEqual(4);
    near(await r.x(), [1, 1], 0, 1e-4);
    r.dispose();
  });
});

describe('stopping rules and memory', () => {
  it('tolerance_grad: max|g| ≤ tol returns the same parameters, calls nothing, keeps the state', async () => {
    const r = runner(quadratic, [1, 1], { alpha0: 1, toleranceGrad: 3 }); // max|g₀| = 3
    const before = r.params;
    const state0 = r.state;
    await r.step();
    expect(r.params[0]).toBe(before[0]);
    expect(r.params[1]).toBe(before[1]);
    expect(r.calls.length).toBe(1);
    expect(r.state.lr).toBe(state0.lr);
    expect(r.state).toMatchObject({ t: 1, nIter: 0, funcEvals: 1, evals: 1, d: null, prevFlatGrad: null, stepSize: null });
    near(await r.x(), [1, 1]);
    r.dispose();
  });

  it('max_eval: without line search exactly max_eval closure calls; with it no iteration starts past max_eval', async () => {
    const r = runner(quadratic, [1, 1], { alpha0: 0.1, maxIter: 20, maxEval: 5 });
    await r.step();
    expect(r.state.evals).toBe(5);
    expect(r.calls.length).toBe(5);
    expect(r.state.nIter).toBe(4);
    r.dispose();
    // Rosenbrock: iteration 1 costs 3 evaluations (see above), < 4, so iteration 2 runs; then it stops.
    const s = runner(rosenbrock, [-1.2, 1], { alpha0: 1, maxIter: 20, maxEval: 4, strongWolfe: true });
    await s.step();
    expect(s.state.nIter).toBe(2);
    expect(s.state.evals).toBeGreaterThanOrEqual(4);
    expect(s.calls.length).toBe(s.state.evals);
    s.dispose();
  });

  it('history_size 2 keeps the two newest (s, y) pairs', async () => {
    // max_iter 4, lr 0.1, no line search: iterations 1..3 evaluate at x₁, x₂, x₃; iterations 2, 3, 4 store
    // the pairs (x₁ − x₀, g₁ − g₀), (x₂ − x₁, g₂ − g₁), (x₃ − x₂, g₃ − g₂); the first is evicted.
    const r = runner(quadratic, [1, 1], { alpha0: 0.1, maxIter: 4, maxEval: 100, historySize: 2 });
    await r.step();
    expect(r.calls.length).toBe(4);
    expect(r.state.oldDirs.length).toBe(2);
    const c = r.calls;
    const sub = (a: number[], b: number[]) => a.map((v, i) => v - b[i]);
    for (const [k, i] of [[0, 2], [1, 3]]) {
      near(Array.from(await r.state.oldStps[k].data()), sub(c[i].x, c[i - 1].x), 1e-5, 1e-7);
      near(Array.from(await r.state.oldDirs[k].data()), sub(c[i].g, c[i - 1].g), 1e-5, 1e-7);
      const s = sub(c[i].x, c[i - 1].x), y = sub(c[i].g, c[i - 1].g);
      expect(r.state.ro[k]).toBeCloseTo(1 / (s[0] * y[0] + s[1] * y[1]), 2);
    }
    r.dispose();
  });

  it('step() without the oracle throws', () => {
    const opt = lbfgs();
    const ps = split([1, 1]);
    const st = opt.init(ps, HYPER_DEFAULTS);
    expect(() => opt.step(ps, ps, st)).toThrow('L-BFGS needs the loss oracle: use stepWith');
    disposeReplaced([ps, st], []);
  });

  it('no tensor leak over 50 steps (with and without line search)', async () => {
    for (const set of [{ strongWolfe: true, alpha0: 1, historySize: 3 }, { strongWolfe: false, alpha0: 1e-3, maxIter: 3, historySize: 3 }]) {
      const base = tf.memory().numTensors;
      const r = runner(rosenbrock, [-1.2, 1], set);
      const counts: number[] = [];
      for (let k = 0; k < 50; k++) {
        await r.step();
        counts.push(tf.memory().numTensors);
      }
      // once the history is full: params (2) + d + prev_flat_grad + 3 pairs + lr = 11 tensors
      expect(Math.max(...counts.slice(10))).toBeLessThanOrEqual(base + 11);
      r.dispose();
      expect(tf.memory().numTensors).toBe(base);
    }
  });
});

describe('L-BFGS on a real model through the training step', () => {
  it('200 minibatch steps of the golden MLP 20-16-10 (batch 16 of 64), strong Wolfe: the tensor count stays flat, none leak', async () => {
    const P2 = loadGolden('P2').problem;
    const before = tf.memory().numTensors;
    const X = tf.tensor2d(Float32Array.from(P2.data.X_rowmajor), [64, 20]);
    const Y = tf.tensor1d(Int32Array.from(P2.data.y), 'int32');
    const opt = lbfgs();
    let params: Tensor[] = toTensors(P2.model.layer_sizes, P2.model.param_layout.map((l) => P2.init.init_params.slice(l.offset, l.offset + l.size)));
    let state = opt.init(params, { ...HYPER_DEFAULTS, alpha0: 1, maxIter: 4, historySize: 5, strongWolfe: true });
    const counts: number[] = [];
    const losses: number[] = [];
    for (let t = 1; t <= 200; t++) {
      const start = 16 * ((t - 1) % 4);
      const xb = tf.slice(X, [start, 0], [16, 20]) as tf.Tensor2D;
      const yb = tf.slice(Y, [start], [16]) as tf.Tensor1D;
      const r = await trainStep(opt, params, state, (ps) => crossEntropy(forward(ps, xb), yb, 10));
      params = r.params;
      state = r.state;
      losses.push((await r.loss.data())[0]);
      tf.dispose([xb, yb, r.loss]);
      counts.push(tf.memory().numTensors);
    }
    // Once the history (5 pairs) is full, every step replaces exactly what it made.
    expect(new Set(counts.slice(20)).size).toBe(1);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[199]).toBeLessThan(losses[0]);
    disposeReplaced([params, state, X, Y], []);
    expect(tf.memory().numTensors).toBe(before);
  });
});
