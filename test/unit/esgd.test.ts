// ESGD-M (src/optim/esgd.ts) beyond the golden runs: a first step derived by hand, the original's Hessian
// schedule (should_create_graph) and the cost it implies, its constructor's checks, the invariance its
// README claims, and no tensor leak over 200 steps.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { useNodeBackend } from '../../src/engine/nodeBackends';
import { goldenProbe, goldenProbeValues, seededProbeValues } from '../../src/engine/probes';
import { trainStep, type CurvatureSource } from '../../src/engine/step';
import { crossEntropy, forward, toTensors } from '../../src/models/mlp';
import { mlpHvp } from '../../src/models/mlpHvp';
import { disposeReplaced } from '../../src/optim/dispose';
import { esgd } from '../../src/optim/esgd';
import { esgdConfigError } from '../../src/optim/esgdConfig';
import { HYPER_DEFAULTS, type Hyper } from '../../src/optim/hyper';
import { hyperFor } from '../../src/optim/registry';
import { loadGolden } from './goldenCheck';

beforeAll(async () => {
  await useNodeBackend('cpu');
});

const esgdHp = (set: Partial<Hyper> = {}): Hyper => hyperFor('ESGD-M', set);

describe('ESGD-M, derived by hand', () => {
  it('first step on f(θ) = ½ Σ hᵢθᵢ² is θ − lr·(1 − lr_warmup)·g / (|h| + ε)', async () => {
    // Step 1 is a Hessian step (0 < d_warmup). With m₁ = (1−β₁)g, the Nesterov estimate
    // lerp(m₁, g, 1−β₁) = (1−β₁)g + (1−β₁)(g − (1−β₁)g) = (1−β₁²)g and mom_bias_corr = 1 − β₁², so the
    // update is step_size·g/(√d + ε) with d = (H v)² = h² (v = ±1, H diagonal) and
    // step_size = lr·(1 − lr_warmup). Here h = [4, −0.25, 1], θ₀ = [1, 2, −3], g = hθ₀ = [4, −0.5, −3],
    // lr = 0.5, lr_warmup = 0.9, ε = 1e-4: θ₁ = θ₀ − 0.05·g/(|h| + 1e-4).
    const h = [4, -0.25, 1], theta0 = [1, 2, -3];
    const H = tf.tensor1d(h);
    const opt = esgd();
    const params = [tf.tensor1d(theta0)];
    const state = opt.init(params, esgdHp({ alpha0: 0.5, lrWarmup: 0.9 }));
    const curvature: CurvatureSource = {
      hvp: (_ps, v) => [tf.mul(H, v[0])],
      probes: (t) => [tf.tensor1d([1, -1, 1].map((s, k) => s * goldenProbe(t, k)))],
    };
    const lossFn = (ps: Tensor[]) => tf.mul(0.5, tf.sum(tf.mul(H, tf.square(ps[0])))) as Scalar;
    const r = await trainStep(opt, params, state, lossFn, curvature);
    const got = Array.from(await r.params[0].data());
    theta0.forEach((th, i) => {
      const g = h[i] * th;
      expect(got[i]).toBeCloseTo(th - 0.05 * g / (Math.abs(h[i]) + 1e-4), 6);
    });
    expect((await r.state.lr.data())[0]).toBeCloseTo(0.5 * (1 - 0.9), 7);
    expect(r.gradEvals).toBe(2);
    disposeReplaced([r.params, r.state, r.loss, H], []);
  });

  it('probes: the golden rule as written in the README, and ±1 from the seed, the same for the same seed', () => {
    // R(t, k) = 1 − 2·(((k·2654435761 + t·40503) mod 2³²) >> 31): k = 1, t = 1 → 2654476264 ≥ 2³¹ → −1;
    // k = 0, t = 1 → 40503 < 2³¹ → +1.
    expect(goldenProbe(1, 0)).toBe(1);
    expect(goldenProbe(1, 1)).toBe(-1);
    expect(Array.from(goldenProbeValues(1, 0, 2))).toEqual([1, -1]);
    const a = seededProbeValues(7, 3, [1000]);
    expect(a[0].every((x) => x === 1 || x === -1)).toBe(true);
    const plus = a[0].filter((x) => x === 1).length;
    expect(plus).toBeGreaterThan(430); // Binomial(1000, ½): 500 ± 3σ (σ ≈ 16)
    expect(plus).toBeLessThan(570);
    expect(seededProbeValues(7, 3, [1000])[0]).toEqual(a[0]);
    expect(seededProbeValues(8, 3, [1000])[0]).not.toEqual(a[0]);
    expect(seededProbeValues(7, 4, [1000])[0]).not.toEqual(a[0]);
  });
});

describe("ESGD-M's constructor checks (esgd.py), the same conditions refused", () => {
  const ok = { ...HYPER_DEFAULTS, alpha0: 1, eps: 1e-4 };
  it.each([
    [{ alpha0: -1 }, 'Invalid learning rate: -1'],
    [{ beta1: 1 }, 'Invalid beta parameter at index 0: 1'],
    [{ beta2: 1.5 }, 'Invalid beta parameter at index 1: 1.5'],
    [{ lrWarmup: 1 }, 'Invalid lr warmup parameter: 1'],
    [{ eps: -1e-9 }, 'Invalid epsilon value: -1e-9'],
    [{ weightDecay: -0.1 }, 'Invalid weight_decay value: -0.1'],
    [{ updateDEvery: 0 }, 'Invalid update_d_every parameter: 0'],
    [{ dWarmup: 0 }, 'Invalid d_warmup parameter: 0'],
  ])('%j → %s', (patch, message) => {
    expect(esgdConfigError({ ...ok, ...patch })).toBe(message);
    expect(() => esgd().init([], { ...ok, ...patch })).toThrow(`ESGD-M: ${message}`);
  });
  it('accepts the boundary values the original accepts (β₂ = 1, lr = 0, lr_warmup = 0)', () => {
    expect(esgdConfigError({ ...ok, beta2: 1, alpha0: 0, lrWarmup: 0, beta1: 0 })).toBeNull();
  });
});

// The golden problem P2 (MLP 20-16-10, 64 rows, full batch): real Hessian-vector products.
const P2 = loadGolden('P2').problem;
function problem() {
  const X = tf.tensor2d(Float32Array.from(P2.data.X_rowmajor), [P2.data.N, P2.data.D]) as Tensor2D;
  const Y = tf.tensor1d(Int32Array.from(P2.data.y), 'int32') as Tensor1D;
  const layers = P2.model.layer_sizes;
  const init = () => toTensors(layers, P2.model.param_layout.map((l) => P2.init.init_params.slice(l.offset, l.offset + l.size)));
  const sizes = P2.model.param_layout.map((l) => l.size);
  const offsets = P2.model.param_layout.map((l) => l.offset);
  return { X, Y, init, sizes, offsets, layers };
}

/** Runs ESGD-M on P2 with the loss scaled by `scale` (its H·v scales with it); losses, final θ, H·v count. */
async function runP2(hp: Hyper, steps: number, scale = 1) {
  const { X, Y, init, sizes, offsets, layers } = problem();
  const opt = esgd();
  let params = init();
  let state = opt.init(params, hp);
  let hvps = 0, evals = 0;
  const curvature: CurvatureSource = {
    hvp: (ps, v) => {
      hvps++;
      return tf.tidy(() => mlpHvp(ps, X, Y, 10, v).map((t) => tf.mul(t, scale)));
    },
    probes: (t) => toTensors(layers, sizes.map((n, i) => goldenProbeValues(t, offsets[i], n))),
  };
  const losses: number[] = [];
  const counts: number[] = [];
  for (let t = 1; t <= steps; t++) {
    const r = await trainStep(opt, params, state, (ps) => tf.mul(crossEntropy(forward(ps, X), Y, 10), scale) as Scalar, curvature);
    params = r.params;
    state = r.state;
    evals += r.gradEvals;
    losses.push((await r.loss.data())[0] / scale);
    r.loss.dispose();
    counts.push(tf.memory().numTensors);
  }
  const theta = await Promise.all(params.map(async (p) => Array.from(await p.data())));
  disposeReplaced([params, state, X, Y], []);
  return { losses, theta: theta.flat(), hvps, evals, counts };
}

describe('ESGD-M on the golden problem P2', () => {
  it("estimates the Hessian on the original's steps only: 1–20 (d_warmup), then every 10th (30, 40, 50, 60)", async () => {
    const r = await runP2(esgdHp(), 60);
    expect(r.hvps).toBe(24);
    expect(r.evals).toBe(60 + 24);
    const q = await runP2(esgdHp({ updateDEvery: 3, dWarmup: 5 }), 20);
    // Steps 1–5, then 8, 11, 14, 17, 20.
    expect(q.hvps).toBe(10);
  });

  it('rescaling the loss by 1000 leaves the trajectory unchanged up to ε effects (its README)', async () => {
    // ε = 0: exactly scale-free (g and H·v both scale by 1000, so g/√d does not), float32 rounding only.
    const a = await runP2(esgdHp({ eps: 0 }), 30);
    const b = await runP2(esgdHp({ eps: 0 }), 30, 1000);
    const worst = (x: number[], y: number[]) => Math.max(...x.map((v, i) => Math.abs(v - y[i])));
    expect(worst(a.losses, b.losses)).toBeLessThan(1e-5);
    expect(worst(a.theta, b.theta)).toBeLessThan(1e-5);
    // With ε: scaling the loss by c is exactly running with ε/c (g/(√d + ε) = cg/(c√d + cε)), and at
    // c = 1000 that run is far closer to the ε = 0 one than the unscaled run is: ε's effect shrinks with c.
    const c = await runP2(esgdHp(), 30);
    const d = await runP2(esgdHp(), 30, 1000);
    const e = await runP2(esgdHp({ eps: 1e-7 }), 30);
    expect(worst(d.losses, e.losses)).toBeLessThan(1e-5);
    expect(worst(d.theta, e.theta)).toBeLessThan(1e-5);
    // Measured: unscaled vs ε = 0 differ by 0.041 in some step's loss; scaled vs ε = 0 by 0.0019.
    expect(worst(d.losses, a.losses)).toBeLessThan(worst(c.losses, a.losses) / 10);
  });

  it('leaks no tensor over 200 steps (state made at init, each step replaces what it made)', async () => {
    const before = tf.memory().numTensors;
    const r = await runP2(esgdHp({ alpha0: 0.3 }), 200);
    expect(new Set(r.counts).size).toBe(1);
    expect(r.losses.every(Number.isFinite)).toBe(true);
    expect(r.losses[199]).toBeLessThan(r.losses[0]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
