// The HD refinements of src/optim/hdRefinements.ts on hand-derived first steps with fixed gradients:
// Baydin et al.'s multiplicative rule (normalised hypergradient) and Chu et al.'s AdaGrad on the hyper-step,
// global and per tensor; with both off, bit-identical to the original HD arithmetic.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { useNodeBackend } from '../../src/engine/nodeBackends';
import { optimizerInfo } from '../../src/optim/catalog';
import { disposeReplaced } from '../../src/optim/dispose';
import { HYPER_DEFAULTS, type Hyper } from '../../src/optim/hyper';
import { buildOptimizer, hyperFor } from '../../src/optim/registry';
import type { OptState, Optimizer } from '../../src/optim/types';
import { OPTION_META } from '../../src/config/optimizerOptions';

beforeAll(async () => {
  await useNodeBackend('cpu');
});

/**
 * Runs `opt` from `theta0` (one array per tensor) with the given gradients (per step, per tensor);
 * returns α and θ after each step, and the tensor count after each step.
 */
function run(opt: Optimizer, hp: Hyper, theta0: number[][], grads: number[][][]) {
  let params: Tensor[] = theta0.map((v) => tf.tensor1d(v));
  let state: OptState = opt.init(params, hp);
  const lrs: number[] = [];
  const thetas: number[][][] = [];
  const counts: number[] = [];
  for (const g of grads) {
    const gs = g.map((v) => tf.tensor1d(v));
    const next = opt.step(params, gs, state);
    disposeReplaced([params, gs, state], [next.params, next.state]);
    params = next.params;
    state = next.state;
    lrs.push(state.lr.dataSync()[0]);
    thetas.push(params.map((p) => Array.from(p.dataSync())));
    counts.push(tf.memory().numTensors);
  }
  disposeReplaced([params, state], []);
  return { lrs, thetas, counts };
}

const close = (a: number, b: number, rel = 1e-6) => expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(b)));
const SQRT1_2 = Math.SQRT1_2;

describe('multiplicative rule (Baydin et al.): α ← α·(1 − β·h̃), h̃ = −g_t·u_{t−1}/(‖g_t‖‖u_{t−1}‖)', () => {
  it('SGD-HD: α after steps 1-3 and θ after step 2', () => {
    const hp = hyperFor('SGD-HD', { alpha0: 0.1, beta: 0.1, multiplicativeHypergradient: true });
    // θ₀ = (1, 1); g₁ = (1, 0), g₂ = (1, 1), g₃ = (−1, 0); u = g (no momentum).
    const r = run(buildOptimizer('SGD-HD'), hp, [[1, 1]], [[[1, 0]], [[1, 1]], [[-1, 0]]]);
    // Step 1: h = 0 (no u₀), α₁ = α₀ = 0.1; θ₁ = (1 − 0.1, 1) = (0.9, 1).
    close(r.lrs[0], 0.1);
    // Step 2: g₂·u₁ = 1, ‖g₂‖ = √2, ‖u₁‖ = 1 ⇒ h̃₂ = −1/√2; α₂ = 0.1·(1 + 0.1/√2) = 0.1·1.0707107 = 0.10707107.
    close(r.lrs[1], 0.1 * (1 + 0.1 * SQRT1_2));
    // θ₂ = θ₁ − α₂·g₂ = (0.9 − 0.10707107, 1 − 0.10707107) = (0.79292893, 0.89292893).
    close(r.thetas[1][0][0], 0.9 - 0.1 * (1 + 0.1 * SQRT1_2));
    close(r.thetas[1][0][1], 1 - 0.1 * (1 + 0.1 * SQRT1_2));
    // Step 3: g₃·u₂ = −1, ‖g₃‖ = 1, ‖u₂‖ = √2 ⇒ h̃₃ = +1/√2; α₃ = α₂·(1 − 0.1/√2) = 0.1·(1 − 0.005) = 0.0995.
    close(r.lrs[2], 0.0995);
  });

  it('a zero gradient gives h̃ = 0 (α unchanged), not NaN', () => {
    const hp = hyperFor('SGD-HD', { alpha0: 0.1, beta: 0.1, multiplicativeHypergradient: true });
    const r = run(buildOptimizer('SGD-HD'), hp, [[1, 1]], [[[1, 0]], [[0, 0]]]);
    close(r.lrs[1], 0.1);
  });

  it('Adam-HD: per tensor (reference loop) vs one global cosine', () => {
    // Two tensors A, B; ε = 0 so that Adam's first direction is exactly sign(g): u₁ = √bc₂/bc₁·m/√v with
    // m = 0.1·g, v = 0.001·g², bc₁ = 0.1, bc₂ = 0.001 ⇒ u₁ = g/|g| = (1, 1) for both tensors (g₁ = (1, 1)).
    // Step 2: g_A = (1, 1) ⇒ cos(g_A, u_A) = 1, h̃_A = −1; g_B = (−1, −1) ⇒ cos = −1, h̃_B = +1.
    const grads = [[[1, 1], [1, 1]], [[1, 1], [-1, -1]]];
    const set: Partial<Hyper> = { alpha0: 0.01, beta: 0.1, eps: 0, multiplicativeHypergradient: true };
    const perTensor = run(buildOptimizer('Adam-HD'), hyperFor('Adam-HD', set), [[0, 0], [0, 0]], grads);
    // Per tensor, in parameter order: after A α = 0.01·(1 + 0.1) = 0.011 (A moves with it), after B
    // α = 0.011·(1 − 0.1) = 0.0099.
    close(perTensor.lrs[1], 0.0099);
    // A at t = 2: m = 0.9·0.1 + 0.1 = 0.19, v = 0.999·0.001 + 0.001 = 0.001999 = bc₂, bc₁ = 0.19 ⇒ u_A = (1, 1);
    // θ_A: −0.01 after step 1, then −0.011 ⇒ −0.021.
    close(perTensor.thetas[1][0][0], -0.021, 1e-5);
    const global = run(buildOptimizer('Adam-HD'), hyperFor('Adam-HD', { ...set, globalHypergradient: true }), [[0, 0], [0, 0]], grads);
    // Global: Σ g·u = 2 − 2 = 0 ⇒ h̃ = 0, α stays 0.01; A moves by 0.01.
    close(global.lrs[1], 0.01);
    close(global.thetas[1][0][0], -0.02, 1e-5);
  });
});

describe('AdaGrad on the hyper-step (Chu et al.): β_t = β/(√Σh² + 1e-12)', () => {
  it('SGD-HD, additive rule: β_t and α after steps 2 and 3', () => {
    const hp = hyperFor('SGD-HD', { alpha0: 0.1, beta: 0.01, hdAdagrad: true });
    // g₁ = (1, 0), g₂ = (2, 0), g₃ = (−1, 0); θ₀ = (0, 0).
    const r = run(buildOptimizer('SGD-HD'), hp, [[0, 0]], [[[1, 0]], [[2, 0]], [[-1, 0]]]);
    close(r.lrs[0], 0.1);
    // Step 2: h₂ = −g₂·u₁ = −2; G = 4; β₂ = 0.01/2 = 0.005; α₂ = 0.1 − 0.005·(−2) = 0.11.
    close(r.lrs[1], 0.11);
    // θ₂ = θ₁ − α₂·g₂ = (−0.1 − 0.22, 0) = (−0.32, 0).
    close(r.thetas[1][0][0], -0.32);
    // Step 3: h₃ = −g₃·u₂ = −(−1·2) = 2; G = 8; β₃ = 0.01/√8 = 0.0035355339; α₃ = 0.11 − 0.0070710678 = 0.10292893.
    close(r.lrs[2], 0.11 - 0.02 / Math.sqrt(8));
  });

  it('with the multiplicative rule: G accumulates h̃²', () => {
    const hp = hyperFor('SGD-HD', { alpha0: 0.1, beta: 0.1, hdAdagrad: true, multiplicativeHypergradient: true });
    const r = run(buildOptimizer('SGD-HD'), hp, [[1, 1]], [[[1, 0]], [[1, 1]], [[-1, 0]]]);
    // Step 2: h̃ = −1/√2, G = 1/2, β₂ = 0.1·√2; α₂ = 0.1·(1 + 0.1·√2/√2) = 0.11.
    close(r.lrs[1], 0.11);
    // Step 3: h̃ = +1/√2, G = 1, β₃ = 0.1; α₃ = 0.11·(1 − 0.1/√2) = 0.10222183.
    close(r.lrs[2], 0.11 * (1 - 0.1 * SQRT1_2));
  });

  it('Adam-HD per tensor keeps one accumulator per tensor', () => {
    // Same gradients as the multiplicative Adam-HD test, additive rule, ε = 0: u₁ = (1, 1) for both tensors.
    // Step 2: h_A = −(1 + 1) = −2, G_A = 4, α = 0.01 + (0.1/2)·2 = 0.11; h_B = +2, G_B = 4, α = 0.11 − 0.1 = 0.01.
    const grads = [[[1, 1], [1, 1]], [[1, 1], [-1, -1]]];
    const r = run(buildOptimizer('Adam-HD'), hyperFor('Adam-HD', { alpha0: 0.01, beta: 0.1, eps: 0, hdAdagrad: true }), [[0, 0], [0, 0]], grads);
    close(r.lrs[1], 0.01, 1e-5);
    // A moved with α = 0.11: θ_A = −0.01 − 0.11 = −0.12.
    close(r.thetas[1][0][0], -0.12, 1e-5);
  });
});

describe('options off', () => {
  // Deterministic gradients, 20 steps, two tensors.
  const gradsFor = (steps: number) =>
    Array.from({ length: steps }, (_, s) => [
      [Math.sin(s + 1), Math.cos(2 * s + 1), 0.3 * Math.sin(3 * s)],
      [Math.cos(s) - 0.2, 0.5 * Math.sin(5 * s + 2)],
    ]);
  const theta0 = [[0.5, -0.25, 1], [0.1, -0.3]];

  /** The original SGD-HD arithmetic (compose.ts + sgdLr before the refinements), op for op. */
  function plainSgdHd(hp: Hyper, grads: number[][][]) {
    let params: Tensor[] = theta0.map((v) => tf.tensor1d(v));
    let lr: Scalar = tf.scalar(hp.alpha0);
    let uPrev: Tensor[] | null = null;
    const lrs: number[] = [];
    const thetas: number[][][] = [];
    grads.forEach((g, s) => {
      const t = s + 1;
      const next = tf.tidy(() => {
        const gs = g.map((v) => tf.tensor1d(v));
        let h: Scalar = tf.scalar(0);
        if (uPrev !== null) {
          let acc: Tensor = tf.scalar(0);
          for (let i = 0; i < gs.length; i++) acc = tf.add(acc, tf.sum(tf.mul(gs[i], uPrev[i])));
          h = tf.neg(acc) as Scalar;
        }
        const lr2 = t > 1 ? (tf.sub(lr, tf.mul(h, hp.beta)) as Scalar) : lr;
        return { params: params.map((p, i) => tf.sub(p, tf.mul(lr2, gs[i]))), lr: lr2, u: gs };
      });
      tf.dispose([...params, ...(uPrev ?? [])]);
      if (next.lr !== lr) lr.dispose();
      params = next.params;
      lr = next.lr;
      uPrev = next.u;
      lrs.push(lr.dataSync()[0]);
      thetas.push(params.map((p) => Array.from(p.dataSync())));
    });
    tf.dispose([...params, lr, ...(uPrev ?? [])]);
    return { lrs, thetas };
  }

  it('SGD-HD equals the original arithmetic bit for bit over 20 steps', () => {
    const hp = hyperFor('SGD-HD', { alpha0: 0.05, beta: 0.01 });
    expect(hp.multiplicativeHypergradient).toBe(false);
    expect(hp.hdAdagrad).toBe(false);
    const grads = gradsFor(20);
    const r = run(buildOptimizer('SGD-HD'), hp, theta0, grads);
    const ref = plainSgdHd(hp, grads);
    expect(r.lrs).toEqual(ref.lrs);
    expect(r.thetas).toEqual(ref.thetas);
    expect(r.lrs[19]).not.toBe(0.05);
  });

  it('each HD optimizer: explicitly off = defaults, 20 steps; the variants ignore the options', () => {
    const grads = gradsFor(20);
    for (const name of ['SGDM-HD', 'SGDN-HD', 'Adam-HD']) {
      const a = run(buildOptimizer(name), hyperFor(name, { alpha0: 0.01, beta: 1e-3 }), theta0, grads);
      const b = run(buildOptimizer(name), hyperFor(name, { alpha0: 0.01, beta: 1e-3, multiplicativeHypergradient: false, hdAdagrad: false }), theta0, grads);
      expect(b).toEqual(a);
      const c = run(buildOptimizer(name), hyperFor(name, { alpha0: 0.01, beta: 1e-3, multiplicativeHypergradient: true }), theta0, grads);
      expect(c.lrs).not.toEqual(a.lrs);
    }
    // Variants (momentum or Adam on α) do not list the options; even when forced into hp they change nothing.
    for (const name of ['SGDop-SGDNlop', 'SGDop-Adamlop', 'Adamop-Adamlop']) {
      expect(optimizerInfo(name).tunable).not.toContain('multiplicativeHypergradient');
      const base = { ...HYPER_DEFAULTS, ...optimizerInfo(name).defaults, alpha0: 0.01, beta: 1e-3 };
      const a = run(buildOptimizer(name), base, theta0, grads);
      const b = run(buildOptimizer(name), { ...base, multiplicativeHypergradient: true, hdAdagrad: true }, theta0, grads);
      expect(b).toEqual(a);
    }
  });
});

describe('wiring', () => {
  it('the four SGD-lr HD optimizers list both options; their controls are booleans in the lr group', () => {
    for (const name of ['SGD-HD', 'SGDM-HD', 'SGDN-HD', 'Adam-HD']) {
      expect(optimizerInfo(name).tunable).toEqual(expect.arrayContaining(['multiplicativeHypergradient', 'hdAdagrad']));
    }
    for (const key of ['multiplicativeHypergradient', 'hdAdagrad'] as const) {
      expect(OPTION_META[key]).toMatchObject({ group: 'lr', kind: 'boolean' });
      expect(HYPER_DEFAULTS[key]).toBe(false);
    }
  });

  it('no tensor leaks: the count is flat once the AdaGrad accumulators exist', () => {
    const grads = Array.from({ length: 12 }, (_, s) => [[Math.sin(s + 1), 1], [0.5, Math.cos(s)]]);
    const before = tf.memory().numTensors;
    for (const g of [false, true]) {
      const hp = hyperFor('Adam-HD', { alpha0: 0.01, beta: 0.01, multiplicativeHypergradient: true, hdAdagrad: true, globalHypergradient: g });
      const r = run(buildOptimizer('Adam-HD'), hp, [[0, 0], [0, 0]], grads);
      expect(new Set(r.counts.slice(2)).size).toBe(1);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
