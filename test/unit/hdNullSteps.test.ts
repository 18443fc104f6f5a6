// Null steps for hypergradient descent (hp.hdNullSteps; Chu, Gao, Ye, Udell, ICML 2025; the header of
// src/optim/hdRefinements.ts says what their code does and how it maps here): hand-derived steps on
// f(θ) = θ² where steps are rejected and accepted (θ, α, momentum buffer, Adam moments, the feedback on α
// after a null step), 2 gradient evaluations per step, no tensor leak; off, one evaluation per step and no
// rejection (that the off path is the optimizer as before is the golden suites' job: registry, golden.*,
// hdRefinements); on with every step accepted, bit for bit the run without null steps; the trainer streams
// gradEvals only for runs with them.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { useNodeBackend } from '../../src/engine/nodeBackends';
import { trainStep } from '../../src/engine/step';
import { train } from '../../src/engine/trainer';
import type { DatasetBuffers, MetricBatch, TrainConfig } from '../../src/engine/types';
import { createRng } from '../../src/data/batching';
import { disposeReplaced } from '../../src/optim/dispose';
import type { NullStepMemo } from '../../src/optim/hdRefinements';
import type { Hyper } from '../../src/optim/hyper';
import { buildOptimizer, hyperFor } from '../../src/optim/registry';
import { withHyper, type OptState, type Optimizer } from '../../src/optim/types';

beforeAll(async () => {
  await useNodeBackend('cpu');
});

type HdState = OptState & { dirs: Record<string, Tensor | null>[]; nullStep?: NullStepMemo };

interface Record1 {
  theta: number[];
  lr: number;
  /** Minibatch loss at θ before the step. */
  loss: number;
  gradEvals: number;
  rejected: boolean | null;
  /** The first tensor's direction state (buf, or m and v), read back. */
  dir: Record<string, number[] | null>;
  feedback: number[] | null;
  t: number;
  tensors: number;
}

const read = (x: Tensor) => Array.from(x.dataSync());

/** f(θ) = Σθ² on every step (one tensor): the same "minibatch" each time. */
const square = (ps: Tensor[]) => tf.sum(tf.square(ps[0])) as Scalar;

/** Steps `opt` with trainStep (so through the oracle when it asks), recording everything after each step. */
async function run(opt: Optimizer, hp: Hyper, theta0: number[][], n: number, lossFn: (ps: Tensor[], t: number) => Scalar = square) {
  let params: Tensor[] = theta0.map((v) => tf.tensor1d(v));
  let state = opt.init(params, hp) as HdState;
  const out: Record1[] = [];
  for (let t = 1; t <= n; t++) {
    const r = await trainStep(opt, params, state, (ps) => lossFn(ps, t));
    params = r.params;
    state = r.state as HdState;
    const loss = r.loss.dataSync()[0];
    r.loss.dispose();
    const dir = Object.fromEntries(Object.entries(state.dirs[0]).map(([k, v]) => [k, v === null ? null : read(v)]));
    out.push({
      theta: params.flatMap(read),
      lr: state.lr.dataSync()[0],
      loss,
      gradEvals: r.gradEvals,
      rejected: state.nullStep ? state.nullStep.rejected.dataSync()[0] === 1 : null,
      dir,
      feedback: state.nullStep ? state.nullStep.grads.flatMap(read) : null,
      t: state.t,
      tensors: tf.memory().numTensors,
    });
  }
  disposeReplaced([params, state], []);
  return out;
}

const close = (a: number, b: number, rel = 1e-6) => expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(b)));

describe('null steps, by hand on f(θ) = θ², θ₀ = 1 (the trial θ⁺ = θ − α·u is kept only if f(θ⁺) < f(θ))', () => {
  it('SGD-HD, α₀ = 1.5, β = 0.1: step 1 rejected, steps 2 and 3 accepted; α learns from the rejected trial', async () => {
    const before = tf.memory().numTensors;
    const hp = hyperFor('SGD-HD', { alpha0: 1.5, beta: 0.1, hdNullSteps: true });
    const r = await run(buildOptimizer('SGD-HD'), hp, [[1]], 3);
    // Step 1: g = 2, no feedback yet (α₁ = 1.5); θ⁺ = 1 − 1.5·2 = −2, f(θ⁺) = 4 ≥ 1 ⇒ null step: θ₁ = 1.
    // The trial's gradient ∇f(−2) = −4 is kept for α's feedback.
    expect(r[0]).toMatchObject({ theta: [1], lr: 1.5, loss: 1, gradEvals: 2, rejected: true, feedback: [-4], t: 1 });
    // Step 2: g = 2 at θ₁ = 1; the hypergradient of the rejected step is −∇f(θ⁺)·u₁ = −(−4)·2 = 8 (not
    // −g₂·u₁ = −4, which would RAISE α after an overshoot): α₂ = 1.5 − 0.1·8 = 0.7;
    // θ⁺ = 1 − 0.7·2 = −0.4, f = 0.16 < 1 ⇒ accepted.
    close(r[1].lr, 0.7);
    close(r[1].theta[0], -0.4);
    expect(r[1]).toMatchObject({ loss: 1, gradEvals: 2, rejected: false, t: 2 });
    close(r[1].feedback![0], -0.8); // kept, but unused after an accepted step
    // Step 3: g = −0.8 at θ₂ (the usual HD feedback after an accepted step): h = −(−0.8)·2 = 1.6,
    // α₃ = 0.7 − 0.16 = 0.54; θ⁺ = −0.4 + 0.54·0.8 = 0.032, f = 0.001024 < 0.16 ⇒ accepted.
    close(r[2].lr, 0.54);
    close(r[2].theta[0], 0.032);
    close(r[2].loss, 0.16);
    expect(r[2].rejected).toBe(false);
    // State tensors: θ, α, u_prev (= g), the verdict and the trial gradient; the same after every step.
    expect(r[1].tensors).toBe(r[0].tensors);
    expect(r[2].tensors).toBe(r[0].tensors);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('SGDM-HD, μ = 0.5: the momentum buffer restarts at 0 after a null step (their x − x_old = 0)', async () => {
    const before = tf.memory().numTensors;
    const hp = hyperFor('SGDM-HD', { alpha0: 1.5, beta: 0.1, momentum: 0.5, hdNullSteps: true });
    const r = await run(buildOptimizer('SGDM-HD'), hp, [[1]], 4);
    // Step 1: buf = g = 2, u = 2, θ⁺ = −2 ⇒ rejected; θ₁ = 1, buf ← 0.
    expect(r[0]).toMatchObject({ theta: [1], lr: 1.5, rejected: true, dir: { buf: [0] }, feedback: [-4] });
    // Step 2: h = −(−4)·2 = 8 ⇒ α₂ = 0.7; buf = 0.5·0 + 2 = 2 = u; θ⁺ = 1 − 1.4 = −0.4 ⇒ accepted.
    close(r[1].lr, 0.7);
    close(r[1].theta[0], -0.4);
    close(r[1].dir.buf![0], 2);
    expect(r[1].rejected).toBe(false);
    // Step 3: g = −0.8, h = −(−0.8)·2 = 1.6 ⇒ α₃ = 0.54; buf = 0.5·2 − 0.8 = 0.2 = u;
    // θ⁺ = −0.4 − 0.54·0.2 = −0.508, f = 0.258064 ≥ 0.16 ⇒ rejected: θ₃ = −0.4, buf ← 0; ∇f(θ⁺) = −1.016.
    close(r[2].lr, 0.54);
    close(r[2].theta[0], -0.4);
    expect(r[2].dir.buf).toEqual([0]);
    expect(r[2].rejected).toBe(true);
    close(r[2].feedback![0], -1.016);
    // Step 4: h = −(−1.016)·0.2 = 0.2032 ⇒ α₄ = 0.54 − 0.02032 = 0.51968; buf = 0.5·0 − 0.8 = −0.8
    // (−0.7 had the buffer been kept); θ⁺ = −0.4 + 0.51968·0.8 = 0.015744 ⇒ accepted.
    close(r[3].lr, 0.51968);
    close(r[3].dir.buf![0], -0.8);
    close(r[3].theta[0], 0.015744);
    expect(r[3].rejected).toBe(false);
    expect(r.map((s) => s.gradEvals)).toEqual([2, 2, 2, 2]);
    expect(new Set(r.map((s) => s.tensors)).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('Adam-HD, α₀ = 3, β = 0.5: a null step keeps the moments (g₁ was taken at θ₁ = θ₀) and t advances', async () => {
    const before = tf.memory().numTensors;
    const hp = hyperFor('Adam-HD', { alpha0: 3, beta: 0.5, hdNullSteps: true });
    const { beta1: b1, beta2: b2, eps } = hp;
    // The HD classes' Adam (legacy ε): u = √bc2/bc1 · m/(√v + ε).
    const adamU = (m: number, v: number, t: number) => (Math.sqrt(1 - b2 ** t) / (1 - b1 ** t)) * (m / (Math.sqrt(v) + eps));
    const r = await run(buildOptimizer('Adam-HD'), hp, [[1]], 2);
    // Step 1: g = 2, m = 0.2, v = 0.004, u₁ ≈ 1; θ⁺ = 1 − 3u₁ ≈ −2 ⇒ rejected: θ₁ = 1, m and v kept.
    const u1 = adamU(0.2, 0.004, 1);
    expect(r[0]).toMatchObject({ theta: [1], lr: 3, rejected: true, t: 1 });
    close(r[0].dir.m![0], 0.2);
    close(r[0].dir.v![0], 0.004);
    close(r[0].feedback![0], 2 * (1 - 3 * u1));
    // Step 2: h = −∇f(θ⁺)·u₁ = −2(1 − 3u₁)·u₁ ⇒ α₂ = 3 − 0.5·h ≈ 1; m = 0.9·0.2 + 0.1·2 = 0.38,
    // v = 0.999·0.004 + 0.001·4 = 0.007996, bias correction with t = 2; θ⁺ = 1 − α₂·u₂ ≈ 0 ⇒ accepted.
    const a2 = 3 - 0.5 * (-2 * (1 - 3 * u1) * u1);
    const u2 = adamU(0.38, 0.007996, 2);
    close(r[1].lr, a2);
    close(r[1].dir.m![0], 0.38);
    close(r[1].dir.v![0], 0.007996);
    close(r[1].theta[0], 1 - a2 * u2, 1e-5);
    expect(r[1]).toMatchObject({ rejected: false, t: 2, gradEvals: 2 });
    expect(r[1].tensors).toBe(r[0].tensors);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('turned off mid-run after a null step: the trial feedback is still used once, then plain HD (1 evaluation)', async () => {
    const before = tf.memory().numTensors;
    const opt = buildOptimizer('SGD-HD');
    let params: Tensor[] = [tf.tensor1d([1])];
    let state = opt.init(params, hyperFor('SGD-HD', { alpha0: 1.5, beta: 0.1, hdNullSteps: true })) as HdState;
    const r1 = await trainStep(opt, params, state, square);
    r1.loss.dispose();
    state = withHyper(r1.state as HdState, { hdNullSteps: false });
    expect(opt.needsOracle!(state)).toBe(false);
    const r2 = await trainStep(opt, r1.params, state, square);
    r2.loss.dispose();
    params = r2.params;
    state = r2.state as HdState;
    expect(r2.gradEvals).toBe(1);
    close(state.lr.dataSync()[0], 0.7); // as with null steps on (h = 8 from the rejected trial)
    close(params[0].dataSync()[0], -0.4);
    expect(state.nullStep).toBeUndefined();
    disposeReplaced([params, state], []);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('only the HD optimizers with the SGD lr rule ask for the oracle, and only with hdNullSteps', () => {
    for (const name of ['SGD-HD', 'SGDM-HD', 'SGDN-HD', 'Adam-HD']) {
      const opt = buildOptimizer(name);
      const p = [tf.tensor1d([1])];
      const on = opt.init(p, hyperFor(name, { hdNullSteps: true }));
      const off = opt.init(p, hyperFor(name, {}));
      expect(opt.stepWith, name).toBeUndefined(); // not "second order": the golden replay is unchanged
      expect(opt.needsOracle!(on), name).toBe(true);
      expect(opt.needsOracle!(off), name).toBe(false);
      disposeReplaced([p, on, off], []);
    }
    // The variants' lr rules are not the SGD rule: a stray hdNullSteps does nothing there.
    const v = buildOptimizer('SGDop-Adamlop');
    const p = [tf.tensor1d([1])];
    const s = v.init(p, { ...hyperFor('SGDop-Adamlop', {}), hdNullSteps: true });
    expect(v.needsOracle!(s)).toBe(false);
    disposeReplaced([p, s], []);
  });
});

/** A small nonconvex problem on two tensors whose "minibatch" changes with t (tanh regression). */
function stochasticLoss(ps: Tensor[], t: number): Scalar {
  return tf.tidy(() => {
    const x = tf.tensor2d(Array.from({ length: 8 * 3 }, (_, k) => Math.sin(0.7 * k + 1.3 * t)), [8, 3]);
    const y = tf.tensor1d(Array.from({ length: 8 }, (_, i) => Math.cos(0.5 * i + t)));
    const w = tf.reshape(ps[0], [3, 1]);
    const pred = tf.add(tf.reshape(tf.tanh(tf.matMul(x, w)), [8]), tf.sum(ps[1]));
    return tf.mean(tf.square(tf.sub(pred, y))) as Scalar;
  });
}

const THETA0 = [[0.3, -0.2, 0.5], [0.1]];
const HD_NAMES = ['SGD-HD', 'SGDM-HD', 'SGDN-HD', 'Adam-HD'];
const SETTINGS: [string, Partial<Hyper>][] = [
  ['plain', {}],
  ['multiplicative', { multiplicativeHypergradient: true, beta: 0.05 }],
  ['AdaGrad', { hdAdagrad: true, beta: 0.02 }],
  ['both, weight decay, lrMin', { multiplicativeHypergradient: true, hdAdagrad: true, beta: 0.05, weightDecay: 1e-2, lrMin: 0 }],
];

describe('bit for bit', () => {
  for (const name of HD_NAMES) {
    for (const [label, set] of SETTINGS) {
      it(`${name} (${label}): off, 1 evaluation per step, nothing rejected, no growing tensor count`, async () => {
        const hp = hyperFor(name, { alpha0: 0.2, beta: 0.01, ...set });
        const now = await run(buildOptimizer(name), hp, THETA0, 8, stochasticLoss);
        expect(now.map((s) => s.gradEvals)).toEqual(Array(8).fill(1));
        expect(now.every((s) => s.rejected === null)).toBe(true);
        // From step 2 on (the AdaGrad accumulator exists from the first hypergradient, step 2).
        expect(new Set(now.slice(1).map((s) => s.tensors)).size).toBe(1);
      });
    }
  }

  for (const name of HD_NAMES) {
    it(`${name}: on, with every step accepted, = off (2 evaluations per step)`, async () => {
      const hp = hyperFor(name, { alpha0: 1e-3, beta: 1e-4 });
      const on = await run(buildOptimizer(name), { ...hp, hdNullSteps: true }, THETA0, 8, stochasticLoss);
      const off = await run(buildOptimizer(name), hp, THETA0, 8, stochasticLoss);
      expect(on.map((s) => s.rejected)).toEqual(Array(8).fill(false)); // the premise
      expect(on.map((s) => [s.theta, s.lr, s.loss])).toEqual(off.map((s) => [s.theta, s.lr, s.loss]));
      expect(on.map((s) => s.gradEvals)).toEqual(Array(8).fill(2));
    });
  }

  it('on with a large α: some steps rejected, θ then exactly unchanged, no leak', async () => {
    const before = tf.memory().numTensors;
    const hp = hyperFor('SGDN-HD', { alpha0: 20, beta: 0.01, hdNullSteps: true });
    const r = await run(buildOptimizer('SGDN-HD'), hp, THETA0, 10, stochasticLoss);
    const rejected = r.flatMap((s, k) => (s.rejected ? [k] : []));
    expect(rejected.length).toBeGreaterThan(0);
    for (const k of rejected) expect(r[k].theta).toEqual(k === 0 ? THETA0.flat().map(Math.fround) : r[k - 1].theta);
    expect(new Set(r.map((s) => s.tensors)).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });
});

/** Two classes that differ by which half of the image is bright (as test/unit/trainer.test.ts). */
function toyData(nTrain: number, nTest: number): DatasetBuffers {
  const rand = createRng(7);
  const make = (n: number) => {
    const images = new Uint8Array(n * 784);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = i % 2;
      for (let p = 0; p < 784; p++) images[i * 784 + p] = Math.floor(((p < 392) === (labels[i] === 0) ? 128 : 0) + rand() * 100);
    }
    return { images, labels };
  };
  const tr = make(nTrain), te = make(nTest);
  return { name: 'mnist', trainImages: tr.images, trainLabels: tr.labels, testImages: te.images, testLabels: te.labels, shape: [28, 28, 1], imageSize: 784, numClasses: 10, mean: [0.1307], std: [0.3081] };
}

describe('trainer', () => {
  const data = toyData(64, 32);
  const cfg: TrainConfig = {
    dataset: 'mnist', model: 'ffnn100', optimizer: 'SGDM-HD', alpha0: 0.5, beta: 1e-3, momentum: 0.9, weightDecay: 1e-4,
    batchSize: 16, epochs: 1, iterations: 6, seed: 1, evalEvery: null,
  };
  const collect = async (config: TrainConfig) => {
    const batches: MetricBatch[] = [];
    await train({ runId: 'n', config }, data, { metrics: (b) => batches.push(b), status: () => undefined }, { checkpoint: async () => 'go' }, { flushMs: 0 });
    return { gradEvals: batches.flatMap((b) => b.train.gradEvals ?? []), hasColumn: batches.some((b) => b.train.gradEvals !== undefined), loss: batches.flatMap((b) => b.train.loss) };
  };

  it('streams gradEvals (2 per step) only for runs with null steps; no leak', async () => {
    const before = tf.memory().numTensors;
    const on = await collect({ ...cfg, options: { hdNullSteps: true } });
    expect(on.gradEvals).toEqual([2, 4, 6, 8, 10, 12]);
    const off = await collect(cfg);
    expect(off.hasColumn).toBe(false);
    expect(off.loss).toHaveLength(6);
    expect(on.loss[0]).toBe(off.loss[0]); // the same first minibatch loss, before any step
    expect(tf.memory().numTensors).toBe(before);
  });
});
