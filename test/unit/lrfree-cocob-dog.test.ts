// COCOB-Backprop (src/optim/cocob.ts, bremen79/parameterfree cocob.py @05ecc43) and DoG with its
// polynomial-decay averaging (src/optim/dog.ts, formll/dog dog.py @90d70fa, torch/averager.py @ea39bb4):
// the first steps derived by hand from the reference formulas, the reference constructors' checks, no
// tensor leak over 100 steps, and the loss of a small least-squares problem falls.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { useNodeBackend } from '../../src/engine/nodeBackends';
import { cocob } from '../../src/optim/cocob';
import { disposeReplaced } from '../../src/optim/dispose';
import { dog } from '../../src/optim/dog';
import { HYPER_DEFAULTS, type Hyper } from '../../src/optim/hyper';
import type { OptState, Optimizer } from '../../src/optim/types';

beforeAll(async () => {
  await useNodeBackend('cpu');
});

// The references' defaults: COCOB α = 100, eps = 1e-8, weight_decay = 0; DoG lr = 1, reps_rel = 1e-6,
// eps = 1e-8, weight_decay = 0, averager γ = 8.
const hyper = (set: Partial<Hyper> = {}): Hyper => ({ ...HYPER_DEFAULTS, alpha0: 1, ...set });

/** Equal to float32 precision (relative 2e-6, absolute 1e-7 near 0). */
function expectF32(got: ArrayLike<number>, want: number[]): void {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => {
    const tol = Math.max(2e-6 * Math.abs(w), 1e-7);
    if (!(Math.abs(got[i] - w) <= tol)) throw new Error(`index ${i}: got ${got[i]}, want ${w} (±${tol})`);
  });
}
const vals = (t: Tensor): number[] => Array.from(t.dataSync());
const flat = (ts: readonly Tensor[]): number[] => ts.flatMap(vals);

/** One step that keeps only what it returns (as the trainer does). */
function stepOwned<S extends OptState>(opt: Optimizer<S>, params: Tensor[], grads: Tensor[], state: S): { params: Tensor[]; state: S } {
  const r = opt.step(params, grads, state);
  disposeReplaced([params, grads, state], [r.params, r.state]);
  return r;
}

describe('COCOB-Backprop, derived by hand', () => {
  it('two steps: L, S, G, reward, θ and the effective step size, as cocob.py', () => {
    // θ₀ = [1, −2], α = 100, eps = 1e-8 (L starts at eps, as state['L'] = eps·ones).
    // Step 1, g = [0.5, −2]:
    //   a: L = max(1e-8, 0.5) = 0.5, S = −0.5, G = 0.5, R = max(0 − 0.5·0, 0) = 0,
    //      den = max(G + L, α·L)·L = max(1, 50)·0.5 = 25, θ = (0 + 0.5)·(−0.5)/25 + 1 = 0.99
    //   b: L = 2, S = 2, G = 2, R = 0, den = max(4, 200)·2 = 400, θ = 2·2/400 − 2 = −1.99
    //   (the first step is sign(−g)/α = ±0.01 whatever |g|).
    //   lr = ‖Δθ‖/‖g‖ = √(0.01² + 0.01²)/√(0.25 + 4) = 0.0141421356/2.0615528 = 0.0068599434
    // Step 2, g = [1, 0.25]:
    //   a: L = max(0.5, 1) = 1, S = −1.5, G = 1.5, R = max(0 − 1·(0.99 − 1), 0) = 0.01,
    //      den = max(2.5, 100)·1 = 100, θ = (0.01 + 1)·(−1.5)/100 + 1 = 1 − 0.01515 = 0.98485
    //   b: L = max(2, 0.25) = 2, S = 1.75, G = 2.25, R = max(0 − 0.25·(−1.99 + 2), 0) = max(−0.0025, 0) = 0
    //      (the wealth reset), den = max(4.25, 200)·2 = 400, θ = 2·1.75/400 − 2 = −1.99125
    //   lr = √(0.00515² + 0.00125²)/√(1 + 0.0625) = 0.0052995283/1.0307764 = 0.0051413
    const opt = cocob();
    let params: Tensor[] = [tf.tensor1d([1, -2])];
    let state = opt.init(params, hyper());
    expectF32(vals(state.maxScale[0]), [1e-8, 1e-8]);
    expect(vals(state.lr)).toEqual([0]);

    let r = stepOwned(opt, params, [tf.tensor1d([0.5, -2])], state);
    ({ params, state } = r);
    expect(state.t).toBe(1);
    expectF32(vals(params[0]), [0.99, -1.99]);
    expectF32(vals(state.maxScale[0]), [0.5, 2]);
    expectF32(vals(state.sumNegGrad[0]), [-0.5, 2]);
    expectF32(vals(state.gradNormSum[0]), [0.5, 2]);
    expectF32(vals(state.reward[0]), [0, 0]);
    expectF32(vals(state.x0[0]), [1, -2]);
    expectF32(vals(state.lr), [Math.hypot(0.01, 0.01) / Math.hypot(0.5, 2)]);
    expectF32(vals(state.lr), [0.0068599434]);

    r = stepOwned(opt, params, [tf.tensor1d([1, 0.25])], state);
    ({ params, state } = r);
    expect(state.t).toBe(2);
    expectF32(vals(params[0]), [0.98485, -1.99125]);
    expectF32(vals(state.maxScale[0]), [1, 2]);
    expectF32(vals(state.sumNegGrad[0]), [-1.5, 1.75]);
    expectF32(vals(state.gradNormSum[0]), [1.5, 2.25]);
    expectF32(vals(state.reward[0]), [0.01, 0]);
    expectF32(vals(state.lr), [Math.hypot(0.00515, 0.00125) / Math.hypot(1, 0.25)]);
    disposeReplaced([params, state], []);
  });

  it('several tensors, weight decay folded into the gradient', () => {
    // θ₀ = ([−1], [[2, 3]]), grad = ([0.05], [[0, −1]]), weight_decay = 0.1, α = 4:
    // g = grad + 0.1·θ = [0.05 − 0.1] = [−0.05], [[0.2, −0.7]]; the first step is θ₀ − sign(g)/α (α·L > G + L
    // for α = 4 > 2): [−1 + 0.25], [[2 − 0.25, 3 + 0.25]] = [−0.75], [[1.75, 3.25]].
    const opt = cocob();
    const params = [tf.tensor1d([-1]), tf.tensor2d([[2, 3]])];
    const state = opt.init(params, hyper({ weightDecay: 0.1, cocobAlpha: 4 }));
    const r = opt.step(params, [tf.tensor1d([0.05]), tf.tensor2d([[0, -1]])], state);
    expectF32(flat(r.params), [-0.75, 1.75, 3.25]);
    expect(r.params[1].shape).toEqual([1, 2]);
    // lr = ‖Δθ‖/‖g‖ = √(3·0.0625)/√(0.0025 + 0.04 + 0.49)
    expectF32(vals(r.state.lr), [Math.sqrt(3 * 0.0625) / Math.sqrt(0.0025 + 0.04 + 0.49)]);
    disposeReplaced([params, state, r], []);
  });

  it("refuses what the reference's constructor refuses", () => {
    const opt = cocob();
    const p = [tf.tensor1d([1])];
    expect(() => opt.init(p, hyper({ eps: -1 }))).toThrow('Invalid epsilon value: -1');
    expect(() => opt.init(p, hyper({ cocobAlpha: -1 }))).toThrow('Invalid alpha value: -1');
    expect(() => opt.init(p, hyper({ weightDecay: -0.5 }))).toThrow('Invalid weight_decay value: -0.5');
    tf.dispose(p);
  });
});

describe('DoG with polynomial-decay averaging, derived by hand', () => {
  it('three steps: r̄, G, η (state.lr), θ and the averaged iterate', () => {
    // θ₀ = ([3], [4, 0]) (two tensors, one vector: ‖θ₀‖ = 5), reps_rel = 0.01, lr = 1, eps = 1e-8, γ = 8.
    // Step 1, g = ([0], [3, 4]): r̄ = 0.01·(1 + 5) = 0.06, G = 25 + 1e-8 (= 25 in float32),
    //   η₁ = 0.06/5 = 0.012, θ₁ = ([3], [4 − 0.036, −0.048]) = ([3], [3.964, −0.048]).
    //   Averager k = 1: w = 9/9 = 1, x̄₁ = θ₁.
    // Step 2, g = ([1], [0, 2]): ‖θ₁ − θ₀‖ = √(0.036² + 0.048²) = 0.06, r̄ = max(0.06, 0.06) = 0.06,
    //   G = 25 + 1 + 4 = 30, η₂ = 0.06/√30 = 0.010954451, θ₂ = ([3 − η₂], [3.964, −0.048 − 2η₂]).
    //   w = 9/10: x̄₂ = 0.1·x̄₁ + 0.9·θ₂.
    // Step 3, g = ([−2], [1, 0]): r̄ = ‖θ₂ − θ₀‖ = √(η₂² + 0.036² + (0.048 + 2η₂)²) = √(0.00012 + 0.001296 + 0.0048873) = 0.0793930 (> 0.06),
    //   G = 30 + 4 + 1 = 35, η₃ = r̄/√35, θ₃ = ([3 − η₂ + 2η₃], [3.964 − η₃, −0.048 − 2η₂]).
    //   w = 9/11: x̄₃ = (2/11)·x̄₂ + (9/11)·θ₃.
    const opt = dog();
    let params: Tensor[] = [tf.tensor1d([3]), tf.tensor1d([4, 0])];
    let state = opt.init(params, hyper({ repsRel: 0.01 }));
    // Before any step the averaged model is the copy of θ₀.
    const ev0 = opt.evalParams!(params, state);
    expectF32(flat(ev0), [3, 4, 0]);
    expect(ev0[0]).not.toBe(params[0]);
    tf.dispose(ev0);

    ({ params, state } = stepOwned(opt, params, [tf.tensor1d([0]), tf.tensor1d([3, 4])], state));
    const eta1 = 0.012;
    const th1 = [3, 3.964, -0.048];
    expect(state.t).toBe(1);
    expectF32(vals(state.rbar!), [0.06]);
    expectF32(vals(state.gradSqSum!), [25]);
    expectF32(vals(state.lr), [eta1]);
    expectF32(flat(params), th1);
    expectF32(flat(state.x0!), [3, 4, 0]);
    expectF32(flat(state.avg!), th1);

    ({ params, state } = stepOwned(opt, params, [tf.tensor1d([1]), tf.tensor1d([0, 2])], state));
    const eta2 = 0.06 / Math.sqrt(30);
    expectF32([eta2], [0.010954451]);
    const th2 = [3 - eta2, 3.964, -0.048 - 2 * eta2];
    const av2 = th1.map((a, i) => 0.1 * a + 0.9 * th2[i]);
    expectF32(vals(state.rbar!), [0.06]);
    expectF32(vals(state.gradSqSum!), [30]);
    expectF32(vals(state.lr), [eta2]);
    expectF32(flat(params), th2);
    expectF32(flat(state.avg!), av2);

    ({ params, state } = stepOwned(opt, params, [tf.tensor1d([-2]), tf.tensor1d([1, 0])], state));
    const rbar3 = Math.hypot(eta2, 0.036, 0.048 + 2 * eta2);
    expectF32([rbar3], [0.07939304]);
    const eta3 = rbar3 / Math.sqrt(35);
    const th3 = [3 - eta2 + 2 * eta3, 3.964 - eta3, -0.048 - 2 * eta2];
    const av3 = av2.map((a, i) => (2 / 11) * a + (9 / 11) * th3[i]);
    expect(state.t).toBe(3);
    expectF32(vals(state.rbar!), [rbar3]);
    expectF32(vals(state.gradSqSum!), [35]);
    expectF32(vals(state.lr), [eta3]);
    expectF32(flat(params), th3);
    expectF32(flat(state.avg!), av3);
    const ev = opt.evalParams!(params, state);
    expectF32(flat(ev), av3);
    expect(ev[1].shape).toEqual([2]);
    disposeReplaced([params, state, ev], []);
  });

  it('the first step with the defaults: η₀ = reps_rel·(1 + ‖θ₀‖)/√(‖g₀‖² + eps), lr scales it, weight decay in g and G', () => {
    // θ₀ = [0.6, −0.8] (‖θ₀‖ = 1), g = [0, 1e-3], reps_rel = 1e-6, eps = 1e-8:
    //   G = 1e-6 + 1e-8 = 1.01e-6, η₀ = 2e-6/√1.01e-6 = 0.00199007..., θ₁ = [0.6, −0.8 − 1e-3·η₀].
    const opt = dog();
    const params = [tf.tensor1d([0.6, -0.8])];
    const state = opt.init(params, hyper());
    const r = opt.step(params, [tf.tensor1d([0, 1e-3])], state);
    const eta0 = 2e-6 / Math.sqrt(1.01e-6);
    expectF32(vals(r.state.lr), [eta0]);
    expectF32(vals(r.state.gradSqSum!), [1.01e-6]);
    expectF32(vals(r.params[0]), [0.6, -0.8 - 1e-3 * eta0]);
    disposeReplaced([r], []);
    // lr = 2, weight_decay = 0.5, reps_rel = 0.1: g = [0 + 0.3, 1e-3 − 0.4] = [0.3, −0.399],
    //   r̄ = 0.1·2 = 0.2, G = 0.09 + 0.159201 + 1e-8 = 0.249201 (+1e-8), η = 2·0.2/√G, θ₁ = θ₀ − η·g.
    const s2 = opt.init(params, hyper({ alpha0: 2, weightDecay: 0.5, repsRel: 0.1 }));
    const r2 = opt.step(params, [tf.tensor1d([0, 1e-3])], s2);
    const G = 0.09 + 0.399 * 0.399 + 1e-8;
    const eta = (2 * 0.2) / Math.sqrt(G);
    expectF32(vals(r2.state.gradSqSum!), [G]);
    expectF32(vals(r2.state.lr), [eta]);
    expectF32(vals(r2.params[0]), [0.6 - eta * 0.3, -0.8 + eta * 0.399]);
    disposeReplaced([params, state, s2, r2], []);
  });

  it("refuses what the reference's constructor refuses", () => {
    const opt = dog();
    const p = [tf.tensor1d([1])];
    expect(() => opt.init(p, hyper({ alpha0: 0 }))).toThrow('Invalid learning rate (0)');
    expect(() => opt.init(p, hyper({ repsRel: 0 }))).toThrow('Invalid reps_rel value (0)');
    expect(() => opt.init(p, hyper({ weightDecay: -1 }))).toThrow('Invalid weight_decay value: -1');
    tf.dispose(p);
  });
});

describe('both on least squares: the loss falls, no tensor leak over 100 steps', () => {
  // f(w, b) = ½·mean((X·w + b − y)²), X 32×4 fixed, y from a known w*, b* plus nothing: minimum 0.
  function problem() {
    const n = 32;
    const xs: number[] = [];
    for (let i = 0; i < n * 4; i++) xs.push(Math.sin(1.7 * i + 0.3) * 1.5);
    const X = tf.tensor2d(xs, [n, 4]);
    const y = tf.tidy(() => tf.add(tf.matMul(X, tf.tensor2d([[1], [-2], [0.5], [3]])), 0.7));
    const loss = (ps: Tensor[]): Scalar => tf.tidy(() => tf.mul(0.5, tf.mean(tf.square(tf.sub(tf.add(tf.matMul(X, ps[0]), ps[1]), y)))) as Scalar);
    const gradsOf = (ps: Tensor[]): Tensor[] => tf.tidy(() => tf.grads((w: Tensor, b: Tensor) => loss([w, b]))(ps));
    return { X, y, loss, gradsOf };
  }

  it.each([
    ['COCOB', () => cocob(), {}],
    ['DoG', () => dog(), { repsRel: 1e-4 }],
  ] as const)('%s', (_name, make, set) => {
    const { X, y, loss, gradsOf } = problem();
    const opt = make() as Optimizer<OptState>;
    const start = tf.memory().numTensors;
    let params: Tensor[] = [tf.zeros([4, 1]), tf.zeros([1])];
    let state = opt.init(params, hyper(set));
    const l0 = tf.tidy(() => loss(params).dataSync()[0]);
    let after1 = -1;
    for (let k = 1; k <= 100; k++) {
      const grads = gradsOf(params);
      ({ params, state } = stepOwned(opt, params, grads, state));
      if (opt.evalParams) tf.dispose(opt.evalParams(params, state));
      if (k === 1) after1 = tf.memory().numTensors;
      else expect(tf.memory().numTensors).toBe(after1);
    }
    expect(state.t).toBe(100);
    const l100 = tf.tidy(() => loss(params).dataSync()[0]);
    expect(l100).toBeLessThan(0.01 * l0);
    const ev = opt.evalParams ? opt.evalParams(params, state) : null;
    if (ev) {
      const lAvg = tf.tidy(() => loss(ev).dataSync()[0]);
      expect(lAvg).toBeLessThan(0.01 * l0);
    }
    expect(Number.isFinite(state.lr.dataSync()[0])).toBe(true);
    disposeReplaced([params, state, ev], []);
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose([X, y]);
  });
});
