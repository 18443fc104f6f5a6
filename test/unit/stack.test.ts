// Stacked hyperoptimizers (src/optim/stack.ts, src/optim/stackSpec.ts): the spec parser, first steps
// derived by hand from the reference (kach/gradient-descent-the-ultimate-optimizer@d6a3dbbe, gdtuo.py),
// SGD / SGD(κ) against this project's SGD-HD step for step, no tensor leak, a falling loss.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import { useNodeBackend } from '../../src/engine/nodeBackends';
import { disposeReplaced } from '../../src/optim/dispose';
import { buildOptimizer, hyperFor } from '../../src/optim/registry';
import { hyperValues, stackedOptimizer, type StackState } from '../../src/optim/stack';
import { formatStack, parseStack } from '../../src/optim/stackSpec';
import { HYPER_DEFAULTS } from '../../src/optim/hyper';
import type { Optimizer, OptState } from '../../src/optim/types';

beforeAll(async () => {
  await useNodeBackend('cpu');
});

describe('stack specs', () => {
  it('reads the paper notation', () => {
    expect(parseStack('Adam / SGD(1e-3) / SGD(1e-4)').levels).toEqual([
      { optimizer: 'Adam', alpha: null, beta1: 0.9, beta2: 0.999, eps: 1e-8, tuned: ['alpha', 'beta1', 'beta2'] },
      { optimizer: 'SGD', alpha: 1e-3, mu: 0, tuned: ['alpha', 'mu'] },
      { optimizer: 'SGD', alpha: 1e-4, mu: 0, tuned: ['alpha', 'mu'] },
    ]);
    expect(parseStack('Adamα / SGD(κ=1e-3)').levels).toEqual([
      { optimizer: 'Adam', alpha: null, beta1: 0.9, beta2: 0.999, eps: 1e-8, tuned: ['alpha'] },
      { optimizer: 'SGD', alpha: 1e-3, mu: 0, tuned: ['alpha', 'mu'] },
    ]);
    expect(parseStack('SGD(0.01, μ=0.9) / Adam(1e-4)').levels[0]).toEqual({ optimizer: 'SGD', alpha: 0.01, mu: 0.9, tuned: ['alpha', 'mu'] });
    expect(parseStack('adam_{alpha,beta2}(1e-3, 0.8, eps=1e-6) / rmsprop(10^-3, γ=0.9) / adagrad').levels).toEqual([
      { optimizer: 'Adam', alpha: 1e-3, beta1: 0.8, beta2: 0.999, eps: 1e-6, tuned: ['alpha', 'beta2'] },
      { optimizer: 'RMSProp', alpha: 1e-3, gamma: 0.9, tuned: ['alpha', 'gamma'] },
      { optimizer: 'AdaGrad', alpha: null, tuned: ['alpha'] },
    ]);
    expect(parseStack('Adam(log_eps=-6)').levels[0].eps).toBeCloseTo(1e-6, 20);
  });

  it('round-trips', () => {
    for (const text of ['Adam / SGD(1e-3) / SGD(1e-4)', 'Adamα / SGD(κ=1e-3)', 'SGD(0.01, μ=0.9) / Adam(1e-4)', 'RMSPropα(0.001, γ=0.9) / AdaGrad(0.5)',
      'Adamβ₁β₂(β₁=0.5, ε=1e-6) / SGDα(μ=0.5) / SGD', 'SGD']) {
      const spec = parseStack(text);
      expect(parseStack(formatStack(spec))).toEqual(spec);
    }
    expect(formatStack(parseStack('adam_{alpha}(0.001) / sgd(kappa=1e-3, mu=0.9)'))).toBe('Adamα(0.001) / SGD(0.001, μ=0.9)');
  });

  it('says what is wrong', () => {
    expect(() => parseStack('')).toThrow(/Empty stack spec/);
    expect(() => parseStack('Adam / ')).toThrow(/level 2 is empty/);
    expect(() => parseStack('Adam / Foo(1e-3)')).toThrow(/level 2: unknown optimizer "Foo"/);
    expect(() => parseStack('SGD(abc)')).toThrow(/level 1 \(SGD\): "abc" is not a number/);
    expect(() => parseStack('SGD(1e-3')).toThrow(/parenthes/);
    expect(() => parseStack('SGD(1e-3,)')).toThrow(/empty argument/);
    expect(() => parseStack('SGD(β₁=0.9)')).toThrow(/unknown argument "β₁"/);
    expect(() => parseStack('Adam(β₁=1.5)')).toThrow(/in \(0, 1\)/);
    expect(() => parseStack('SGDβ₁')).toThrow(/no tunable hyperparameter/);
    expect(() => parseStack('SGD(0.1, 0.9, 3)')).toThrow(/too many arguments/);
    expect(() => parseStack('SGD(α=0.1, 0.9)')).toThrow(/positional argument/);
    expect(() => parseStack('SGD(0.1, α=0.2)')).toThrow(/given twice/);
    expect(() => parseStack('SGDμ(0.1) / SGD')).toThrow(/μ can be tuned only with momentum/);
  });
});

// f(θ) = ½(a·x² + b·y²), ∇f = (a·x, b·y).
const A = [2, 0.5];
const grad = (th: number[]) => th.map((v, i) => A[i] * v);
const dotp = (u: number[], v: number[]) => u.reduce((s, x, i) => s + x * v[i], 0);

async function run<S extends OptState>(opt: Optimizer<S>, state0: S, theta0: number[], steps: number, probe: (s: S) => Promise<number[]>) {
  let params: Tensor[] = [tf.tensor1d(theta0)];
  let state = state0;
  const out: { theta: number[]; extra: number[] }[] = [];
  for (let k = 0; k < steps; k++) {
    const g = tf.tidy(() => tf.mul(tf.tensor1d(A), params[0]));
    const r = opt.step(params, [g], state);
    // The project's SGD-HD keeps the caller's gradient as u_{t−1}: free g only if the state does not hold it.
    disposeReplaced([params, state, g], [r.params, r.state]);
    params = r.params;
    state = r.state;
    out.push({ theta: Array.from(await params[0].data()), extra: await probe(state) });
  }
  disposeReplaced([params, state], []);
  return out;
}

const scalarOf = async (s: tf.Scalar) => (await s.data())[0];

describe('stacks derived by hand', () => {
  it('SGD / SGD(κ): HD by hand, and equal to SGD-HD with β = κ step for step', async () => {
    const alpha0 = 0.1, kappa = 0.01, theta0 = [1, 2];
    // By hand (reference SGD.step, level 2 first): α_k = α_{k−1} − κ·h_k, h_k = ∂L_k/∂α = −g_k·g_{k−1} (0 at k = 1),
    // θ_k = θ_{k−1} − α_k·g_k.
    // k=1: g₁ = (2, 1), α = 0.1, θ₁ = (0.8, 1.9).
    // k=2: g₂ = (1.6, 0.95), h = −(3.2 + 0.95) = −4.15, α = 0.1415, θ₂ = (0.5736, 1.765575).
    // k=3: g₃ = (1.1472, 0.8827875), h = −2.674168125, α = 0.16824168125, θ₃ = θ₂ − α·g₃.
    const hand: { theta: number[]; alpha: number }[] = [];
    let th = theta0, gPrev: number[] | null = null, alpha = alpha0;
    for (let k = 0; k < 3; k++) {
      const g = grad(th);
      if (gPrev) alpha -= kappa * -dotp(g, gPrev);
      th = th.map((v, i) => v - alpha * g[i]);
      hand.push({ theta: th, alpha });
      gPrev = g;
    }
    expect(hand[1].alpha).toBeCloseTo(0.1415, 12);
    expect(hand[1].theta[0]).toBeCloseTo(0.5736, 12);
    expect(hand[2].alpha).toBeCloseTo(0.16824168125, 12);

    const stack = stackedOptimizer(parseStack(`SGD / SGD(κ=${kappa})`));
    const hp = { ...HYPER_DEFAULTS, alpha0 };
    const got = await run(stack, stack.init([tf.zeros([2])], hp) as StackState, theta0, 3, async (s) => [await scalarOf(s.lr), await scalarOf(hyperValues(s).alpha!)]);
    const hd = buildOptimizer('SGD-HD');
    const hdHp = hyperFor('SGD-HD', { alpha0, beta: kappa });
    const ref = await run(hd, hd.init([tf.zeros([2])], hdHp), theta0, 3, async (s) => [await scalarOf(s.lr)]);
    for (let k = 0; k < 3; k++) {
      expect(got[k].extra[0]).toBeCloseTo(hand[k].alpha, 6);
      expect(got[k].extra[1]).toBeCloseTo(hand[k].alpha, 6);
      expect(got[k].extra[0]).toBeCloseTo(ref[k].extra[0], 6);
      for (let i = 0; i < 2; i++) {
        expect(got[k].theta[i]).toBeCloseTo(hand[k].theta[i], 5);
        expect(got[k].theta[i]).toBeCloseTo(ref[k].theta[i], 6);
      }
    }
  });

  it('SGD / SGD(κ1) / SGD(κ2): three steps by hand', async () => {
    const a1 = 0.1, k1 = 0.01, k2 = 0.001, theta0 = [1, 2];
    // h1_k = −g_k·g_{k−1}, h2_k = ∂L_k/∂α₂ = h1_k·∂α₁/∂α₂ = −h1_k·h1_{k−1} (0 for k ≤ 2).
    // Top down: α₂ ← α₂ − κ₂·h2_k; α₁ ← α₁ − α₂·h1_k; θ ← θ − α₁·g_k.
    const hand: { theta: number[]; a1: number; a2: number }[] = [];
    let th = theta0, gPrev: number[] | null = null, h1Prev = 0, A1 = a1, A2 = k1;
    for (let k = 0; k < 3; k++) {
      const g = grad(th);
      const h1 = gPrev ? -dotp(g, gPrev) : 0;
      const h2 = -h1 * h1Prev;
      A2 -= k2 * h2;
      A1 -= A2 * h1;
      th = th.map((v, i) => v - A1 * g[i]);
      hand.push({ theta: th, a1: A1, a2: A2 });
      gPrev = g;
      h1Prev = h1;
    }
    expect(hand[1].a2).toBe(k1); // α₂ first moves at step 3
    expect(hand[2].a2).not.toBe(k1);
    const stack = stackedOptimizer(parseStack(`SGD(${a1}) / SGD(${k1}) / SGD(${k2})`));
    const got = await run(stack, stack.init([tf.zeros([2])], HYPER_DEFAULTS) as StackState, theta0, 3,
      async (s) => [await scalarOf(s.lr), await scalarOf(hyperValues(s, 1).alpha!), await scalarOf(hyperValues(s, 2).alpha!)]);
    for (let k = 0; k < 3; k++) {
      expect(got[k].extra[0]).toBeCloseTo(hand[k].a1, 6);
      expect(got[k].extra[1]).toBeCloseTo(hand[k].a2, 8);
      expect(got[k].extra[2]).toBeCloseTo(k2, 9);
      for (let i = 0; i < 2; i++) expect(got[k].theta[i]).toBeCloseTo(hand[k].theta[i], 5);
    }
  });

  it('Adam / SGD(κ): two steps by hand (v₀ = ε, β = (tanh r + 1)/2, α, β₁, β₂ tuned)', async () => {
    const alpha = 0.01, kappa = 0.1, eps = 1e-8, theta0 = [1, 2];
    const clampB = (r: number) => (Math.tanh(r) + 1) / 2;
    let r1 = Math.atanh(2 * 0.9 - 1), r2 = Math.atanh(2 * 0.999 - 1), a = alpha;
    // Step 1: no hypergradient yet. m₁ = (1−β₁)g₁, v₁ = β₂ε + (1−β₂)g₁², m̂ = g₁, v̂ = v₁/(1−β₂).
    const g1 = grad(theta0);
    let b1 = clampB(r1), b2 = clampB(r2);
    const m1 = g1.map((g) => (1 - b1) * g);
    const v1 = g1.map((g) => b2 * eps + (1 - b2) * g * g);
    const mh1 = m1.map((m) => m / (1 - b1));
    const vh1 = v1.map((v) => v / (1 - b2));
    const den1 = vh1.map((v) => Math.sqrt(v) + eps);
    const d1 = mh1.map((m, i) => m / den1[i]);
    const th1 = theta0.map((v, i) => v - a * d1[i]);
    // ∂θ₁/∂α = −d₁; ∂θ₁/∂r₁ = −α·[(0 − g)/bc1 + m₁/bc1²]/den·2β₁(1−β₁) = 0 at t = 1 (m̂₁ = g whatever β₁);
    // ∂θ₁/∂r₂ = α·m̂/den²·[(ε − g²)/bc2 + v₁/bc2²]/(2√v̂)·2β₂(1−β₂), where at t = 1 the bracket is (ε − g²)/bc2 + (β₂ε + bc2·g²)/bc2² = ε/(1 − β₂)²: ≠ 0 only through v₀ = ε.
    const Jr1 = g1.map((g, i) => -a * ((0 - g) / (1 - b1) + m1[i] / (1 - b1) ** 2) / den1[i] * 2 * b1 * (1 - b1));
    const Jr2 = g1.map((g, i) => a * mh1[i] / den1[i] ** 2 * ((eps - g * g) / (1 - b2) + v1[i] / (1 - b2) ** 2) / (2 * Math.sqrt(vh1[i])) * 2 * b2 * (1 - b2));
    // Step 2: SGD moves (α, r₁, r₂) by −κ·g₂·J, then Adam steps with t = 2.
    const g2 = grad(th1);
    a -= kappa * dotp(g2, d1.map((d) => -d));
    r1 -= kappa * dotp(g2, Jr1);
    r2 -= kappa * dotp(g2, Jr2);
    b1 = clampB(r1);
    b2 = clampB(r2);
    const m2 = g2.map((g, i) => b1 * m1[i] + (1 - b1) * g);
    const v2 = g2.map((g, i) => b2 * v1[i] + (1 - b2) * g * g);
    const th2 = th1.map((v, i) => v - a * (m2[i] / (1 - b1 ** 2)) / (Math.sqrt(v2[i] / (1 - b2 ** 2)) + eps));
    expect(Math.abs(r2 - Math.atanh(2 * 0.999 - 1))).toBeGreaterThan(0);

    const stack = stackedOptimizer(parseStack(`Adam(${alpha}) / SGD(${kappa})`));
    const got = await run(stack, stack.init([tf.zeros([2])], HYPER_DEFAULTS) as StackState, theta0, 2, async (s) => {
      const v = hyperValues(s);
      return [await scalarOf(v.alpha!), await scalarOf(v.beta1!), await scalarOf(v.beta2!)];
    });
    for (let i = 0; i < 2; i++) {
      expect(got[0].theta[i]).toBeCloseTo(th1[i], 5);
      expect(got[1].theta[i]).toBeCloseTo(th2[i], 5);
    }
    expect(got[0].extra[0]).toBeCloseTo(alpha, 7);
    expect(got[1].extra[0]).toBeCloseTo(a, 6);
    expect(got[1].extra[1]).toBeCloseTo(b1, 5);
    expect(got[1].extra[2]).toBeCloseTo(b2, 5);
  });
});

describe('stack runs', () => {
  const X = [[1, 2], [3, -1], [0.5, 0.5], [-2, 1], [1, 1]];
  const y = [1, 2, 0.5, -1, 1.5];
  const lossAndGrad = (w: Tensor) => tf.tidy(() => {
    const Xt = tf.tensor2d(X), yt = tf.tensor2d(y, [5, 1]);
    const r = tf.sub(tf.matMul(Xt, tf.reshape(w, [2, 1])), yt);
    return { loss: tf.div(tf.sum(tf.square(r)), 10), g: tf.reshape(tf.div(tf.matMul(Xt, r, true), 5), [2]) };
  });

  for (const text of ['SGD / SGD(1e-3)', 'Adam(0.05) / SGD(1e-4) / SGD(1e-5)', 'SGD(0.05, μ=0.5) / Adam(1e-3)', 'RMSProp(0.01) / AdaGrad(1e-3)', 'AdaGrad(0.5) / RMSProp(1e-4)']) {
    it(`${text}: the loss falls and no tensor leaks over 100 steps`, async () => {
      const opt = stackedOptimizer(parseStack(text));
      let params: Tensor[] = [tf.tensor1d([0, 0])];
      let state = opt.init(params, { ...HYPER_DEFAULTS, alpha0: 0.05 });
      const first = lossAndGrad(params[0]);
      const loss0 = await scalarOf(first.loss as tf.Scalar);
      tf.dispose(first);
      const before = tf.memory().numTensors;
      let last = loss0;
      for (let k = 0; k < 100; k++) {
        const { loss, g } = lossAndGrad(params[0]);
        if (k === 99) last = await scalarOf(loss as tf.Scalar);
        const r = opt.step(params, [g], state);
        disposeReplaced([params, state], [r.params, r.state]);
        tf.dispose([loss, g]);
        params = r.params;
        state = r.state;
      }
      // Each step replaces what it keeps (the jacobians appear after step 1, so count from step 2 on).
      const afterSteps = tf.memory().numTensors;
      const { loss, g } = lossAndGrad(params[0]);
      const r = opt.step(params, [g], state);
      disposeReplaced([params, state], [r.params, r.state]);
      tf.dispose([loss, g]);
      expect(tf.memory().numTensors).toBe(afterSteps);
      expect(afterSteps - before).toBeLessThan(40);
      expect(Number.isFinite(last)).toBe(true);
      expect(last).toBeLessThan(loss0 * 0.5);
      disposeReplaced([r.params, r.state], []);
    });
  }
});

describe('hand-derived jacobians against finite differences (float64, the reference update rules)', () => {
  const theta0 = [1, 2];
  const clampB = (r: number) => (Math.tanh(r) + 1) / 2;
  // κ = 0 above: the hyperparameters stay put and the level's ∂θ_t/∂raw is kept in the state.
  const jacAfter = async (text: string, steps: number, names: string[]) => {
    const opt = stackedOptimizer(parseStack(text));
    const got = await run(opt, opt.init([tf.zeros([2])], HYPER_DEFAULTS) as StackState, theta0, steps, async (s) => {
      const out: number[] = [];
      for (const n of names) out.push(...Array.from(await (s.levels[0].jac as Record<string, Tensor[]>)[n][0].data()));
      return out;
    });
    return got[steps - 1].extra;
  };
  const fd = (f: (r: number) => number[], r: number, h = 1e-6) => {
    const p = f(r + h), m = f(r - h);
    return p.map((x, i) => (x - m[i]) / (2 * h));
  };

  it('Adam: ∂θ₂/∂α, ∂θ₂/∂r₁, ∂θ₂/∂r₂ at t = 2', async () => {
    const eps = 1e-8, alpha = 0.01;
    const two = (a: number, r1: number, r2: number) => {
      const b1 = clampB(r1), b2 = clampB(r2);
      // step 1 at the fixed hyperparameters (κ = 0 keeps them), then step 2 as a function of them
      const B1 = 0.9, B2 = 0.999;
      const g1 = grad(theta0);
      const m1 = g1.map((g) => (1 - B1) * g), v1 = g1.map((g) => B2 * eps + (1 - B2) * g * g);
      const th1 = theta0.map((v, i) => v - alpha * (m1[i] / (1 - B1)) / (Math.sqrt(v1[i] / (1 - B2)) + eps));
      const g2 = grad(th1);
      return th1.map((v, i) => {
        const m = b1 * m1[i] + (1 - b1) * g2[i], vv = b2 * v1[i] + (1 - b2) * g2[i] ** 2;
        return v - a * (m / (1 - b1 ** 2)) / (Math.sqrt(vv / (1 - b2 ** 2)) + eps);
      });
    };
    const r1 = Math.atanh(0.8), r2 = Math.atanh(0.998);
    const want = [...fd((a) => two(a, r1, r2), alpha), ...fd((r) => two(alpha, r, r2), r1), ...fd((r) => two(alpha, r1, r), r2, 1e-4)];
    const got = await jacAfter(`Adam(${alpha}) / SGD(0)`, 2, ['alpha', 'beta1', 'beta2']);
    got.forEach((x, i) => expect(Math.abs(x - want[i])).toBeLessThan(1e-4 * Math.abs(want[i]) + 1e-9)); // float32 vs float64
    expect(Math.abs(got[2])).toBeGreaterThan(1e-4); // β₁ matters from t = 2 on
  });

  it('RMSProp: ∂θ₂/∂√α, ∂θ₂/∂r_γ at t = 2 (α = a², γ = (tanh r + 1)/2)', async () => {
    const eps = 1e-8, alpha = 0.01, G = 0.99;
    const two = (a: number, r: number) => {
      const gam = clampB(r);
      const g1 = grad(theta0);
      const s1 = g1.map((g) => (1 - G) * g * g);
      const th1 = theta0.map((v, i) => v - alpha * g1[i] / Math.sqrt(s1[i] + eps));
      const g2 = grad(th1);
      return th1.map((v, i) => v - a * a * g2[i] / Math.sqrt(gam * s1[i] + (1 - gam) * g2[i] ** 2 + eps));
    };
    const a0 = Math.sqrt(alpha), r0 = Math.atanh(2 * G - 1);
    const want = [...fd((a) => two(a, r0), a0), ...fd((r) => two(a0, r), r0)];
    const got = await jacAfter(`RMSProp(${alpha}) / SGD(0)`, 2, ['alpha', 'gamma']);
    got.forEach((x, i) => expect(Math.abs(x - want[i])).toBeLessThan(1e-4 * Math.abs(want[i]) + 1e-9)); // float32 vs float64
  });

  it('SGD with momentum: ∂θ₂/∂α = −buf₂, ∂θ₂/∂μ = −α·buf₁', async () => {
    const alpha = 0.1, mu = 0.5;
    const two = (a: number, m: number) => {
      const g1 = grad(theta0);
      const th1 = theta0.map((v, i) => v - alpha * g1[i]);
      const g2 = grad(th1);
      return th1.map((v, i) => v - a * (m * g1[i] + g2[i]));
    };
    const want = [...fd((a) => two(a, mu), alpha), ...fd((m) => two(alpha, m), mu)];
    const got = await jacAfter(`SGD(${alpha}, μ=${mu}) / SGD(0)`, 2, ['alpha', 'mu']);
    got.forEach((x, i) => expect(x).toBeCloseTo(want[i], 4));
  });
});
