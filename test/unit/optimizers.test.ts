// Every registry optimizer on a small problem (the golden P1 data: softmax regression 20→10, 64 rows,
// full batch), plus the options of src/optim/hyper.ts: schedules, safeguards, quirk switches.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { useNodeBackend } from '../../src/engine/nodeBackends';
import { seededProbeValues } from '../../src/engine/probes';
import { trainStep, type CurvatureSource } from '../../src/engine/step';
import { mlpHvp } from '../../src/models/mlpHvp';
import { crossEntropy, forward, toTensors } from '../../src/models/mlp';
import { OPTIMIZERS, optimizerInfo } from '../../src/optim/catalog';
import { disposeReplaced } from '../../src/optim/dispose';
import type { Hyper } from '../../src/optim/hyper';
import { buildOptimizer, hyperFor } from '../../src/optim/registry';
import { CONSTANT, scheduleFactor } from '../../src/optim/schedules';
import { withHyper } from '../../src/optim/types';
import { loadGolden } from './goldenCheck';

const P1 = loadGolden('P1').problem;
let X: Tensor2D, Y: Tensor1D;

beforeAll(async () => {
  await useNodeBackend('cpu');
  X = tf.tensor2d(Float32Array.from(P1.data.X_rowmajor), [P1.data.N, P1.data.D]);
  Y = tf.tensor1d(Int32Array.from(P1.data.y), 'int32');
});

function initParams(): Tensor[] {
  const layout = P1.model.param_layout;
  return toTensors(P1.model.layer_sizes, layout.map((l) => P1.init.init_params.slice(l.offset, l.offset + l.size)));
}

/** Exact Hessian-vector products of this problem, seeded probes (the second-order optimizers). */
const curvature: CurvatureSource = {
  hvp: (ps, v) => mlpHvp(ps, X, Y, 10, v),
  probes: (t) => {
    const sizes = P1.model.param_layout.map((l) => l.size);
    const shapes = initShapes();
    return seededProbeValues(1, t, sizes).map((v, i) => tf.tensor(v, shapes[i]));
  },
};
const initShapes = () => {
  const ps = initParams();
  const shapes = ps.map((p) => p.shape);
  tf.dispose(ps);
  return shapes;
};

/** Runs `steps` full-batch steps; returns losses, α after each step, and the tensor count after each step. */
async function run(name: string, set: Partial<Hyper>, steps: number) {
  const opt = buildOptimizer(name);
  let params = initParams();
  let state = opt.init(params, hyperFor(name, set));
  const losses: number[] = [], lrs: number[] = [], counts: number[] = [];
  for (let t = 1; t <= steps; t++) {
    const r = await trainStep(opt, params, state, (ps) => crossEntropy(forward(ps, X), Y, 10), curvature);
    params = r.params;
    state = r.state;
    losses.push((await r.loss.data())[0]);
    lrs.push((await state.lr.data())[0]);
    r.loss.dispose();
    counts.push(tf.memory().numTensors);
  }
  disposeReplaced([params, state], []);
  return { losses, lrs, counts };
}

/** Settings that train this problem: torch's default α₀ per optimizer, the reference's β per family. */
function sensible(name: string): Partial<Hyper> {
  const info = optimizerInfo(name);
  // The golden files' settings for this problem (e.g. sgd: 0.5, sgd_momentum: 0.1).
  const alpha0: Record<string, number> = { sgd: 0.5, adagrad: 0.1, adadelta: 1, adamax: 0.02, rmsprop: 0.01, adam: 0.01, esgd: 1, lbfgs: 1 };
  // Learning-rate free: their own default lr scale (DoG's first step is r_ε-sized, so r_ε 1e-3 to move within
  // 30 steps; SF-AdamW at Adam's 0.01 here, as Adam: its default 0.0025 is tuned for long runs).
  // D-Adapt-Adam with bias correction: without it, its d overshoots here first (loss 9.0 at step 20, 2.9 at
  // 30, 0.03 at 50: measured; the reference's known early overshoot), which a 30-step check cannot wait out.
  if (info.group === 'lr-free') {
    return {
      alpha0: name === 'SF-AdamW' ? 0.01 : (info.defaults.alpha0 ?? 1),
      ...(name === 'DoG' ? { repsRel: 1e-3 } : {}),
      ...(name === 'D-Adapt-Adam' ? { useBiasCorrection: true } : {}),
    };
  }
  return { alpha0: alpha0[info.family] ?? 0.1, beta: info.betaGroup === 'adam' ? 1e-4 : 1e-3 };
}

describe('every registry optimizer', () => {
  for (const { name } of OPTIMIZERS) {
    it(`${name}: the loss falls, and the tensor count is the same after every step`, async () => {
      const before = tf.memory().numTensors;
      const { losses, counts } = await run(name, sensible(name), 30);
      expect(losses.every(Number.isFinite)).toBe(true);
      // Training makes progress: from ≈ 2.37 the loss falls by at least 15 % in 30 steps (the slowest here,
      // Adadelta at its default α₀ = 1, reaches 1.87; most reach well below 1).
      expect(losses[29]).toBeLessThan(0.85 * losses[0]);
      // State is created in step 1 (buffers, u_prev); from then on a step replaces exactly what it made.
      expect(new Set(counts.slice(1)).size).toBe(1);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('covers the whole reference family', () => {
    expect(OPTIMIZERS.map((o) => o.name)).toEqual([
      'SGD', 'SGDM', 'SGDN', 'Adagrad', 'Adadelta', 'Adamax', 'RMSProp', 'Adam',
      'SGD-HD', 'SGDM-HD', 'SGDN-HD', 'Adam-HD',
      'SGDop-SGDNlop', 'SGDNop-SGDNlop', 'SGDop-Adamlop', 'SGDNop-Adamlop', 'Adamop-SGDNlop', 'Adamop-Adamlop',
      'ESGD-M', 'L-BFGS',
      'SF-SGD', 'SF-AdamW', 'COCOB', 'DoG', 'D-Adapt-SGD', 'D-Adapt-Adam', 'Prodigy',
      'Stack',
      'Adam-Learned',
    ]);
    for (const o of OPTIMIZERS.filter((x) => x.group === 'variant')) {
      // Each variant's baseline is the HD optimizer with the same model optimizer (DESIGN.md naming).
      const model = o.name.split('op-')[0];
      expect(o.baseline).toBe(`${model}-HD`);
    }
  });
});

describe('hyperparameters live in the state', () => {
  it('changing α₀ and β between steps takes effect from the next step', async () => {
    const opt = buildOptimizer('SGD-HD');
    let params = initParams();
    let state = opt.init(params, hyperFor('SGD-HD', { alpha0: 0.1, beta: 0 }));
    const lrs: number[] = [];
    for (let t = 1; t <= 4; t++) {
      if (t === 3) state = withHyper(state, { beta: 0.01 });
      const r = await trainStep(opt, params, state, (ps) => crossEntropy(forward(ps, X), Y, 10));
      params = r.params;
      state = r.state;
      lrs.push((await state.lr.data())[0]);
      r.loss.dispose();
    }
    disposeReplaced([params, state], []);
    // β = 0 keeps α at 0.1 for steps 1-2; from step 3 on, β = 0.01 moves it (full batch: g_t·g_{t−1} > 0, α grows).
    expect(lrs[0]).toBeCloseTo(0.1, 7);
    expect(lrs[1]).toBeCloseTo(0.1, 7);
    expect(lrs[2]).toBeGreaterThan(0.1 + 1e-6);
  });
});

describe('schedules on fixed-rate optimizers', () => {
  it('α_t = α₀ · factor(t): step decay every 5 iterations by 0.5, after 2 warm-up steps', async () => {
    const schedule = { ...CONSTANT, kind: 'step' as const, stepSize: 5, gamma: 0.5, warmup: 2 };
    const { lrs } = await run('SGD', { alpha0: 0.4, schedule }, 14);
    // Hand-derived: warm-up t=1,2 → 0.2, 0.4; then t' = t−2: t'=1..5 → 0.4, t'=6..10 → 0.2, t'=11,12 → 0.1.
    const expected = [0.2, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.2, 0.2, 0.2, 0.2, 0.2, 0.1, 0.1];
    lrs.forEach((a, i) => expect(a).toBeCloseTo(expected[i], 6));
    lrs.forEach((a, i) => expect(a).toBeCloseTo(0.4 * scheduleFactor(schedule, i + 1), 6));
  });
});

describe('α safeguards (off by default, as the reference)', () => {
  // The golden stress run adam_hd_stress_lr_negative: α falls from 1 to −0.32 on this problem.
  const stress: Partial<Hyper> = { alpha0: 1, beta: 0.3 };
  it('without safeguards α goes negative here', async () => {
    const { lrs } = await run('Adam-HD', stress, 60);
    expect(Math.min(...lrs)).toBeLessThan(-0.3);
  });
  it('lrMin = 0 forbids negative α; a clip range holds α inside it', async () => {
    const floor = await run('Adam-HD', { ...stress, lrMin: 0 }, 60);
    expect(Math.min(...floor.lrs)).toBe(0);
    const { lrs } = await run('Adam-HD', { ...stress, lrMin: 0.2, lrMax: 0.9 }, 60);
    expect(Math.min(...lrs)).toBeCloseTo(0.2, 6);
    expect(Math.max(...lrs)).toBeLessThanOrEqual(0.9 + 1e-7);
  });
});

describe('reference quirks and their corrected options', () => {
  it('Adam on α: the first α change is 0.7441·β with the reference bias correction, β with the corrected one', async () => {
    // Spec §1c: at t = 2, m = (1−β1)h, v = (1−β2)h², so m/√v = (1−β1)/√(1−β2)·sign(h). The reference
    // scales by √(1−β2^2)/(1−β1^2) → 0.04471/0.19 · 0.1/0.03162 = 0.7441; exponent t−1 → exactly 1.
    const beta = 1e-3, alpha0 = 0.1;
    const ref = await run('SGDop-Adamlop', { alpha0, beta }, 2);
    const fixed = await run('SGDop-Adamlop', { alpha0, beta, correctedLrBiasCorrection: true }, 2);
    expect(Math.abs(ref.lrs[1] - alpha0) / beta).toBeCloseTo(0.7441, 3);
    expect(Math.abs(fixed.lrs[1] - alpha0) / beta).toBeCloseTo(1, 4);
  });

  it('Adam-HD: per-tensor (reference) and global hypergradient end step 2 at the same α; the parameters differ', async () => {
    // Spec §2: "the lr value read after the step equals the paper's global update", but each tensor of the
    // reference moved with a partial α. P1 has two tensors (W, b).
    const set = { alpha0: 0.01, beta: 1e-3 };
    const perTensor = await run('Adam-HD', set, 3);
    const global = await run('Adam-HD', { ...set, globalHypergradient: true }, 3);
    expect(global.lrs[1]).toBeCloseTo(perTensor.lrs[1], 9);
    expect(global.losses[2]).not.toBe(perTensor.losses[2]);
  });

  it('Adam-HD with β = 0: legacy ε differs from torch Adam in about the 6th digit, torch ε equals it', async () => {
    const set = { alpha0: 0.01, beta: 0 };
    const adam = await run('Adam', { alpha0: 0.01 }, 20);
    const legacy = await run('Adam-HD', set, 20);
    const torchEps = await run('Adam-HD', { ...set, legacyAdamEps: false }, 20);
    expect(torchEps.losses).toEqual(adam.losses);
    expect(legacy.losses).not.toEqual(adam.losses);
    legacy.losses.forEach((l, i) => expect(Math.abs(l - adam.losses[i])).toBeLessThan(1e-4 * adam.losses[i]));
  });
});
