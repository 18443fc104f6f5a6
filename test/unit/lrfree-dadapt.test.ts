// D-Adaptation SGD / Adam (src/optim/dadaptation.ts) and Prodigy (src/optim/prodigy.ts): the first two steps
// derived by hand from the reference code on two parameter tensors a = [1, −2], b = [3] with gradients
// passed in directly, growth_rate, coupled vs decoupled weight decay, bias correction, no tensor leak,
// and the loss of a small least-squares problem falling.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { useNodeBackend } from '../../src/engine/nodeBackends';
import { dadaptAdam, dadaptSgd } from '../../src/optim/dadaptation';
import { disposeReplaced } from '../../src/optim/dispose';
import { HYPER_DEFAULTS, type Hyper } from '../../src/optim/hyper';
import { prodigy } from '../../src/optim/prodigy';
import type { OptState, Optimizer } from '../../src/optim/types';

beforeAll(async () => {
  await useNodeBackend('cpu');
});

const hyper = (set: Partial<Hyper>): Hyper => ({ ...HYPER_DEFAULTS, alpha0: 1, ...set });
const P0 = [[1, -2], [3]];
const params0 = () => P0.map((v) => tf.tensor1d(v));
const G1 = [[2, -1], [4]];
const G2 = [[1, -1], [2]];
const num = (t: Tensor) => t.dataSync()[0];
const arr = (ts: Tensor[]) => ts.map((t) => Array.from(t.dataSync()));

function expectClose(got: number[][], want: number[][], digits = 5) {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    expect(g.length).toBe(want[i].length);
    g.forEach((x, j) => expect(x).toBeCloseTo(want[i][j], digits));
  });
}

type Snap = Record<string, number | number[][]>;
/** The state's numbers: scalars as numbers, tensor lists as arrays (read right after the step). */
function snap(state: OptState): Snap {
  const out: Snap = {};
  for (const [key, v] of Object.entries(state)) {
    if (typeof v === 'number') out[key] = v;
    else if (v instanceof tf.Tensor) out[key] = num(v);
    else if (Array.isArray(v) && v.every((x) => x instanceof tf.Tensor)) out[key] = arr(v as Tensor[]);
  }
  return out;
}
const n = (x: number | number[][]) => x as number;
const a2 = (x: number | number[][]) => x as number[][];

/** Runs steps with the given gradients; returns a snapshot after each step and the live end (dispose()). */
function run<S extends OptState>(opt: Optimizer<S>, hp: Hyper, gradsSeq: number[][][]) {
  let params: Tensor[] = params0();
  let state = opt.init(params, hp);
  const after: { params: number[][]; state: Snap; lr: number }[] = [];
  for (const gv of gradsSeq) {
    const grads = gv.map((v) => tf.tensor1d(v));
    const r = opt.step(params, grads, state);
    disposeReplaced([params, grads, state], [r.params, r.state]);
    params = r.params;
    state = r.state;
    after.push({ params: arr(params), state: snap(state), lr: num(state.lr) });
  }
  return { params, state, after, dispose: () => disposeReplaced([params, state], []) };
}

describe('D-Adapt SGD, derived by hand', () => {
  it('two steps: g0_norm, dlr, s, numerator_weighted, d, z and the momentum average', () => {
    // lr = 2, d0 = 0.5, momentum = 0.5 (ck = 0.5). G1 = [3, 0], [4]: ‖g₀‖ = 5 (k = 0).
    // Step 1: dlr = d·lr/‖g₀‖ = 0.5·2/5 = 0.2. numerator += dlr·⟨g, s₀ = 0⟩ = 0; s₁ = 0.2·g = [0.6, 0], [0.8];
    //   ‖s₁‖² = 1; d̂ = 2·0/1 = 0 → d = max(0.5, 0) = 0.5. z = x₀ − s₁ = [0.4, −2], [2.2];
    //   x₁ = 0.5·x₀ + 0.5·z = [0.7, −2], [2.6]. state.lr = dlr = 0.2.
    // Step 2: G2 = [1, 2], [2]; dlr = 0.5·2/5 = 0.2 (g0_norm kept). ⟨g, s₁⟩ = 0.6 + 0 + 1.6 = 2.2,
    //   numerator = 0.2·2.2 = 0.44; s₂ = s₁ + 0.2·g = [0.8, 0.4], [1.2]; ‖s₂‖² = 0.64 + 0.16 + 1.44 = 2.24;
    //   d̂ = 2·0.44/√2.24 = 0.587975…; d = 0.587975…. z = [0.2, −2.4], [1.8];
    //   x₂ = 0.5·x₁ + 0.5·z = [0.45, −2.2], [2.2]; state.lr = 0.2 (the d of before the step).
    // Step 3 (G = G2 again): dlr = d₂·2/5.
    const hp = hyper({ alpha0: 2, d0: 0.5, momentum: 0.5 });
    const r = run(dadaptSgd(), hp, [[[3, 0], [4]], [[1, 2], [2]], [[1, 2], [2]]]);
    const [s1, s2, s3] = r.after;
    expectClose(s1.params, [[0.7, -2], [2.6]], 6);
    expect(s1.lr).toBeCloseTo(0.2, 7);
    expect(n(s1.state.g0Norm)).toBeCloseTo(5, 6);
    expect(n(s1.state.d)).toBeCloseTo(0.5, 7);
    expect(n(s1.state.numeratorWeighted)).toBe(0);
    const dHat2 = (2 * 0.44) / Math.sqrt(2.24);
    expectClose(s2.params, [[0.45, -2.2], [2.2]], 6);
    expect(s2.lr).toBeCloseTo(0.2, 7);
    expect(n(s2.state.numeratorWeighted)).toBeCloseTo(0.44, 6);
    expect(n(s2.state.d)).toBeCloseTo(dHat2, 6);
    expectClose(a2(s2.state.s), [[0.8, 0.4], [1.2]], 6);
    expect(s3.lr).toBeCloseTo((dHat2 * 2) / 5, 6);
    expect(s3.state.t).toBe(3);
    r.dispose();
  });

  it('growth_rate bounds d: d₂ = max(d, min(d̂, d·growth_rate)) = 0.5·1.1', () => {
    const hp = hyper({ alpha0: 2, d0: 0.5, momentum: 0.5, growthRate: 1.1 });
    const r = run(dadaptSgd(), hp, [[[3, 0], [4]], [[1, 2], [2]]]);
    expect(num(r.state.d)).toBeCloseTo(0.55, 6);
    r.dispose();
  });

  it('weight decay is coupled, but g0_norm is taken from the raw gradient (reference quirk)', () => {
    // wd = 0.1, momentum 0.5, lr 2, d0 0.5. g0_norm = ‖[3, 0], [4]‖ = 5 (the k = 0 loop's grad.add is not
    // in place), so dlr = 0.2; the gradient used is g + 0.1·x₀ = [3.1, −0.2], [4.3]: s₁ = [0.62, −0.04], [0.86],
    // x₁ = 0.5·x₀ + 0.5·(x₀ − s₁) = x₀ − 0.5·s₁ = [0.69, −1.98], [2.57].
    const hp = hyper({ alpha0: 2, d0: 0.5, momentum: 0.5, weightDecay: 0.1 });
    const r = run(dadaptSgd(), hp, [[[3, 0], [4]]]);
    expect(num(r.state.g0Norm)).toBeCloseTo(5, 6);
    expect(r.after[0].lr).toBeCloseTo(0.2, 7);
    expectClose(r.after[0].params, [[0.69, -1.98], [2.57]], 6);
    r.dispose();
  });

  it('a zero first gradient is a no-op (the reference divides by zero there); the next step takes g0_norm', () => {
    const hp = hyper({ alpha0: 2, d0: 0.5, momentum: 0.5 });
    const r = run(dadaptSgd(), hp, [[[0, 0], [0]], [[3, 0], [4]]]);
    expectClose(r.after[0].params, P0, 7);
    expect(r.after[0].lr).toBe(0);
    expectClose(r.after[1].params, [[0.7, -2], [2.6]], 6);
    r.dispose();
  });
});

describe('D-Adapt Adam, derived by hand', () => {
  // β₁ = 0.5, β₂ = 0.64 (√β₂ = 0.8), ε = 1e-8, d0 = 0.5, lr = 2 → dlr = 1 while d = d0.
  const base = { alpha0: 2, d0: 0.5, beta1: 0.5, beta2: 0.64 };

  it('two steps: numerator_weighted, s, ‖s‖₁, d, exp_avg, exp_avg_sq and the parameters', () => {
    // Step 1, G1 = [2, −1], [4]: numerator_acum = dlr·⟨g, s₀/(√v₀+ε)⟩ = 0. m₁ = 0.5·dlr·g = [1, −0.5], [2];
    //   v₁ = 0.36·g² = [1.44, 0.36], [5.76]; s₁ = 0.2·dlr·g = [0.4, −0.2], [0.8], ‖s₁‖₁ = 1.4;
    //   numerator_weighted = 0.8·0 + 0.2·0 = 0, d̂ = 0 → d = 0.5. x₁ = x₀ − m₁/(√v₁ + ε) = x₀ − [1/1.2, −0.5/0.6], [2/2.4]
    //   = [1/6, −7/6], [13/6]. state.lr = dlr = 1.
    // Step 2, G2 = [1, −1], [2], dlr = 1: s₁/(√v₁+ε) = [1/3, −1/3], [1/3], ⟨g, ·⟩ = 4/3 = numerator_acum;
    //   m₂ = 0.5·m₁ + 0.5·g = [1, −0.75], [2]; v₂ = 0.64·v₁ + 0.36·g² = [1.2816, 0.5904], [5.1264];
    //   s₂ = 0.8·s₁ + 0.2·g = [0.52, −0.36], [1.04], ‖s₂‖₁ = 1.92; numerator_weighted = 0.2·4/3 = 0.26667;
    //   d̂ = 0.26667/(0.2·1.92) = 0.694444; d = 0.694444. x₂ = x₁ − m₂/(√v₂ + ε). state.lr = 1 (old d).
    // Step 3: dlr = d₂·lr = 1.388889.
    const r = run(dadaptAdam(), hyper(base), [G1, G2, G2]);
    const [s1, s2, s3] = r.after;
    expectClose(s1.params, [[1 / 6, -7 / 6], [13 / 6]], 6);
    expect(s1.lr).toBeCloseTo(1, 7);
    expect(n(s1.state.d)).toBeCloseTo(0.5, 7);
    expect(n(s1.state.numeratorWeighted)).toBe(0);
    expectClose(a2(s1.state.s), [[0.4, -0.2], [0.8]], 6);
    expectClose(a2(s2.state.expAvg), [[1, -0.75], [2]], 6);
    expectClose(a2(s2.state.expAvgSq), [[1.2816, 0.5904], [5.1264]], 6);
    expectClose(a2(s2.state.s), [[0.52, -0.36], [1.04]], 6);
    expect(n(s2.state.numeratorWeighted)).toBeCloseTo(0.2 * (4 / 3), 6);
    expect(n(s2.state.d)).toBeCloseTo(0.2666666667 / 0.384, 6);
    expectClose(s2.params, [[1 / 6 - 1 / Math.sqrt(1.2816), -7 / 6 + 0.75 / Math.sqrt(0.5904)], [13 / 6 - 2 / Math.sqrt(5.1264)]], 5);
    expect(s2.lr).toBeCloseTo(1, 7);
    expect(s3.lr).toBeCloseTo((0.2666666667 / 0.384) * 2, 5);
    expect(s3.state.k).toBe(3);
    r.dispose();
  });

  it('growth_rate bounds d: d₂ = min(0.694, 0.5·1.2) = 0.6', () => {
    const r = run(dadaptAdam(), hyper({ ...base, growthRate: 1.2 }), [G1, G2]);
    expect(num(r.state.d)).toBeCloseTo(0.6, 6);
    r.dispose();
  });

  it('bias correction: dlr = d·lr·√(1−β₂^(k+1))/(1−β₁^(k+1))', () => {
    // k = 0: √0.36/0.5 = 1.2 → dlr = 1.2, m₁ = 0.6·g, x₁ = x₀ − 0.6·g/(0.6·|g|) = x₀ − sign(g) = [0, −1], [2].
    // k = 1: √(1 − 0.4096)/(1 − 0.25) = √0.5904/0.75.
    const r = run(dadaptAdam(), hyper({ ...base, useBiasCorrection: true }), [G1, G2]);
    expect(r.after[0].lr).toBeCloseTo(1.2, 6);
    expectClose(r.after[0].params, [[0, -1], [2]], 6);
    expect(r.after[1].lr).toBeCloseTo(Math.sqrt(0.5904) / 0.75, 6);
    r.dispose();
  });

  it('weight decay: decoupled shrinks x by (1 − wd·dlr); coupled enters the gradient', () => {
    // wd = 0.1. Decoupled: x₁ = 0.9·x₀ − [5/6, −5/6], [5/6]. Coupled: g' = g + 0.1·x₀ = [2.1, −1.2], [4.3]; the
    // first Adam step only sees sign(g') = sign(g), so x₁ is the undecayed one, but s₁ = 0.2·g'.
    const dec = run(dadaptAdam(), hyper({ ...base, weightDecay: 0.1, decouple: true }), [G1]);
    expectClose(dec.after[0].params, [[0.9 - 5 / 6, -1.8 + 5 / 6], [2.7 - 5 / 6]], 6);
    expectClose(arr(dec.state.s), [[0.4, -0.2], [0.8]], 6);
    dec.dispose();
    const cou = run(dadaptAdam(), hyper({ ...base, weightDecay: 0.1, decouple: false }), [G1]);
    expectClose(cou.after[0].params, [[1 / 6, -7 / 6], [13 / 6]], 6);
    expectClose(arr(cou.state.s), [[0.42, -0.24], [0.86]], 6);
    cou.dispose();
  });
});

describe('Prodigy, derived by hand', () => {
  // β₁ = 0.5, β₂ = 0.64, β₃ = √β₂ = 0.8, ε = 1e-8, d0 = 0.5, lr = 4 → dlr = 2 while d = d0, d/d0 = 1.
  const base = { alpha0: 4, d0: 0.5, beta1: 0.5, beta2: 0.64, decouple: true };

  it('two steps: d_numerator, s, d_denom, d (the d == d0 rule), d_max, the moments and the parameters', () => {
    // Step 1, G1 = [2, −1], [4]: ⟨g, x₀ − x₀⟩ = 0 → d_numerator = 0. m₁ = d·(1−β₁)·g = 0.25·g;
    //   v₁ = d²·(1−β₂)·g² = 0.09·g² = [0.36, 0.09], [1.44]; s₁ = (d/d0)·dlr·g = 2g, d_denom = 14; d̂ = 0,
    //   d == d0 → d = max(0.5, 0) = 0.5; d_max = 0.5. denom = √v₁ + d·ε = 0.3·|g|;
    //   x₁ = x₀ − dlr·m₁/denom = x₀ − (5/3)·sign(g) = [−2/3, −1/3], [4/3]. state.lr = 2.
    // Step 2, G2 = [1, −1], [2]: x₀ − x₁ = (5/3)·[1, −1], [1]; ⟨g, ·⟩ = 20/3; d_numerator = 0.8·0 + 1·2·20/3 = 40/3.
    //   m₂ = 0.5·m₁ + 0.25·g = [0.5, −0.375], [1]; v₂ = 0.64·v₁ + 0.09·g² = [0.3204, 0.1476], [1.2816];
    //   s₂ = 0.8·s₁ + 2·g = [5.2, −3.6], [10.4], d_denom = 19.2; d̂ = (40/3)/19.2 = 0.694444; d == d0 → d = 0.694444;
    //   d_max = 0.694444; d = min(d_max, d·∞) = 0.694444. x₂ = x₁ − 2·m₂/(√v₂ + d₂·ε). state.lr = 2.
    // Step 3: dlr = d₂·4 = 2.777778.
    const r = run(prodigy(), hyper(base), [G1, G2, G2]);
    const [s1, s2, s3] = r.after;
    expectClose(s1.params, [[-2 / 3, -1 / 3], [4 / 3]], 6);
    expect(s1.lr).toBeCloseTo(2, 7);
    expect(n(s1.state.d)).toBeCloseTo(0.5, 7);
    expect(n(s1.state.dNumerator)).toBe(0);
    expectClose(a2(s1.state.s), [[4, -2], [8]], 6);
    expectClose(a2(s1.state.expAvgSq), [[0.36, 0.09], [1.44]], 6);
    const dHat = 40 / 3 / 19.2;
    expect(n(s2.state.dNumerator)).toBeCloseTo(40 / 3, 5);
    expectClose(a2(s2.state.s), [[5.2, -3.6], [10.4]], 5);
    expectClose(a2(s2.state.expAvg), [[0.5, -0.375], [1]], 6);
    expectClose(a2(s2.state.expAvgSq), [[0.3204, 0.1476], [1.2816]], 6);
    expect(n(s2.state.d)).toBeCloseTo(dHat, 6);
    expect(n(s2.state.dMax)).toBeCloseTo(dHat, 6);
    expectClose(s2.params, [[-2 / 3 - 1 / Math.sqrt(0.3204), -1 / 3 + 0.75 / Math.sqrt(0.1476)], [4 / 3 - 2 / Math.sqrt(1.2816)]], 5);
    expect(s2.lr).toBeCloseTo(2, 7);
    expect(s3.lr).toBeCloseTo(dHat * 4, 5);
    r.dispose();
  });

  it('growth_rate: the first rise from d0 is not bounded (d == d0 → max(d, d̂)), later ones are', () => {
    // growth 1.1: step 2 still gives d = min(d_max = 0.694, 0.694·1.1) = 0.694 (reference quirk); after that
    // d_{t+1} = min(d_max, 1.1·d_t) ≤ 1.1·d_t.
    const hp = hyper({ ...base, growthRate: 1.1 });
    const gs = [G1, G2, ...Array.from({ length: 10 }, (_, i) => [[1 + i, -1], [2 + i]])];
    const r = run(prodigy(), hp, gs);
    const ds = r.after.map((a) => n(a.state.d));
    expect(ds[1]).toBeCloseTo(40 / 3 / 19.2, 6);
    for (let i = 2; i < ds.length; i++) expect(ds[i]).toBeLessThanOrEqual(ds[i - 1] * 1.1 * (1 + 1e-6));
    expect(ds[ds.length - 1]).toBeGreaterThan(ds[1] * 1.05);
    r.dispose();
  });

  it('bias correction and safeguard warm-up', () => {
    // Bias correction, k = 0: 1.2 → dlr = 0.5·4·1.2 = 2.4; x₁ = x₀ − 2.4·0.25g/(0.3|g|) = x₀ − 2·sign(g) = [−1, 0], [1].
    const bc = run(prodigy(), hyper({ ...base, useBiasCorrection: true }), [G1]);
    expect(bc.after[0].lr).toBeCloseTo(2.4, 6);
    expectClose(bc.after[0].params, [[-1, 0], [1]], 6);
    expectClose(arr(bc.state.s), [[4.8, -2.4], [9.6]], 5);
    bc.dispose();
    // Safeguard warm-up: s₁ = (d/d0)·d·g = 0.5·g.
    const sw = run(prodigy(), hyper({ ...base, safeguardWarmup: true }), [G1]);
    expectClose(arr(sw.state.s), [[1, -0.5], [2]], 6);
    expectClose(sw.after[0].params, [[-2 / 3, -1 / 3], [4 / 3]], 6);
    sw.dispose();
  });

  it('β₁ = 0: x ← x − dlr·d·g/(√v + d·ε), with the d after the update', () => {
    // v₁ = 0.09·g², update = 2·0.5·g/(0.3|g|) = (10/3)·sign(g): x₁ = [−7/3, 4/3], [−1/3].
    const r = run(prodigy(), hyper({ ...base, beta1: 0 }), [G1]);
    expectClose(r.after[0].params, [[1 - 10 / 3, -2 + 10 / 3], [3 - 10 / 3]], 5);
    r.dispose();
  });

  it('weight decay: decoupled (default) shrinks x by (1 − wd·dlr); coupled enters the gradient', () => {
    // wd = 0.1, dlr = 2: decoupled x₁ = 0.8·x₀ − (5/3)·sign(g) = [−13/15, 1/15], [11/15].
    // Coupled: g' = [2.1, −1.2], [4.3], x₁ = x₀ − (5/3)·sign(g') (undecayed), s₁ = 2·g'.
    const dec = run(prodigy(), hyper({ ...base, weightDecay: 0.1 }), [G1]);
    expectClose(dec.after[0].params, [[0.8 - 5 / 3, -1.6 + 5 / 3], [2.4 - 5 / 3]], 6);
    dec.dispose();
    const cou = run(prodigy(), hyper({ ...base, weightDecay: 0.1, decouple: false }), [G1]);
    expectClose(cou.after[0].params, [[-2 / 3, -1 / 3], [4 / 3]], 6);
    expectClose(arr(cou.state.s), [[4.2, -2.4], [8.6]], 5);
    cou.dispose();
  });

  it('a zero gradient (d_denom = 0) leaves the parameters and d', () => {
    const r = run(prodigy(), hyper(base), [[[0, 0], [0]], G1]);
    expectClose(r.after[0].params, P0, 7);
    expect(n(r.after[0].state.d)).toBeCloseTo(0.5, 7);
    expect(Number.isFinite(n(r.after[0].state.dNumerator))).toBe(true);
    r.dispose();
  });
});

// Trajectories of the reference step() code, transliterated line by line into numpy with float32 tensors and
// Python-float scalars (.item() sums), as torch runs it: g = h∘(x − x*) on a = [0.1, 0.2, −0.3],
// b = [0, 0.5, 0.1, −0.2], h = [1, 3, 0.5], [2, 0.2, 4, 1], x* = [0.5, −1, 2], [1, −0.3, 0.7, 2]; d, the step's
// dlr (state.lr) and the parameters after steps 10 and 40. Every option the reference has is on in one of them.
const H = [[1, 3, 0.5], [2, 0.2, 4, 1]];
const XSTAR = [[0.5, -1, 2], [1, -0.3, 0.7, 2]];
type RefCase = { label: string; hp: Partial<Hyper>; at: Record<string, { d: number; lr: number; p: number[][] }> };
const REFERENCE: RefCase[] = [
  {label: "D-Adapt SGD", hp: {"d0": 0.01, "momentum": 0.5, "weightDecay": 0.2, "growthRate": 1.5}, at: {"10": {"d": 0.2583233118057251, "lr": 0.03194214031100273, "p": [[0.12650567, -0.041703463, -0.2145569], [0.13611428, 0.48150453, 0.25419003, -0.043756027]]}, "40": {"d": 2.7123661041259766, "lr": 0.503083348274231, "p": [[0.4166584, -0.93752241, 1.4286706], [0.90912282, -0.15016343, 0.66666651, 1.666618]]}}},
  {label: "D-Adapt Adam", hp: {"d0": 0.01, "alpha0": 0.3, "weightDecay": 0.2, "decouple": true, "useBiasCorrection": true}, at: {"10": {"d": 0.09395944327116013, "lr": 0.003656604327261448, "p": [[0.17131722, 0.12668154, -0.22610721], [0.072502881, 0.4258174, 0.1717817, -0.12648228]]}, "40": {"d": 1.0891538858413696, "lr": 0.06510484963655472, "p": [[0.47630227, -1.1372218, 1.7700636], [1.0941031, -0.33643201, 0.65196007, 1.8194268]]}}},
  {label: "D-Adapt Adam", hp: {"d0": 0.0001, "weightDecay": 0.1, "growthRate": 1.3}, at: {"10": {"d": 0.0010604499373000004, "lr": 0.0008157307210000002, "p": [[0.11161005, 0.18835917, -0.28835383], [0.011637809, 0.48836812, 0.11162741, -0.1883536]]}, "40": {"d": 0.7482969557828618, "lr": 0.7482969557828618, "p": [[0.48759782, -0.83141285, 1.5575911], [0.98570895, -0.2777898, 0.66749114, 1.7428913]]}}},
  {label: "Prodigy", hp: {"decouple": true, "weightDecay": 0.1, "d0": 0.01, "growthRate": 1.3, "useBiasCorrection": true}, at: {"10": {"d": 0.060899216907445985, "lr": 0.007176226648002953, "p": [[0.30358428, -0.0030753389, -0.096986294], [0.20254785, 0.29545522, 0.30285743, 0.0026861988]]}, "40": {"d": 0.472299913434103, "lr": 0.09494957460138721, "p": [[0.53822529, -0.86516023, 2.1571963], [1.1046034, -0.27268711, 0.7465623, 2.234055]]}}},
  {label: "Prodigy", hp: {"weightDecay": 0.1, "decouple": false, "safeguardWarmup": true, "d0": 0.0001, "beta3": 0.95, "dCoef": 0.7}, at: {"10": {"d": 0.10494341070796247, "lr": 0.04623248021151486, "p": [[0.51421154, -0.19349384, 0.090707541], [0.39514592, 0.10139777, 0.50143951, 0.19060794]]}, "40": {"d": 0.2329750117597067, "lr": 0.2329750117597067, "p": [[0.41262332, -1.0089177, 1.9239001], [1.0914642, -0.27502561, 0.75158232, 2.1207261]]}}},
];
const relClose = (got: number, want: number, rel: number) => expect(Math.abs(got - want)).toBeLessThanOrEqual(rel * Math.max(Math.abs(want), 1e-3));

describe('matches the reference code over 40 steps (float32)', () => {
  const makers: Record<string, () => Optimizer<OptState & { d: Scalar }>> = {
    'D-Adapt SGD': () => dadaptSgd() as unknown as Optimizer<OptState & { d: Scalar }>,
    'D-Adapt Adam': () => dadaptAdam() as unknown as Optimizer<OptState & { d: Scalar }>,
    Prodigy: () => prodigy() as unknown as Optimizer<OptState & { d: Scalar }>,
  };
  it.each(REFERENCE.map((c) => [c.label, JSON.stringify(c.hp), c] as const))('%s %s', (label, _hp, c) => {
    const opt = makers[label]();
    let params: Tensor[] = [tf.tensor1d([0.1, 0.2, -0.3]), tf.tensor1d([0, 0.5, 0.1, -0.2])];
    let state = opt.init(params, hyper(c.hp));
    for (let t = 1; t <= 40; t++) {
      const grads = params.map((p, i) => tf.tidy(() => tf.mul(tf.tensor1d(H[i]), tf.sub(p, tf.tensor1d(XSTAR[i])))));
      const r = opt.step(params, grads, state);
      disposeReplaced([params, grads, state], [r.params, r.state]);
      params = r.params;
      state = r.state;
      const want = c.at[String(t)];
      if (!want) continue;
      relClose(num(state.d), want.d, 2e-5);
      relClose(num(state.lr), want.lr, 2e-5);
      arr(params).forEach((row, i) => row.forEach((x, j) => relClose(x, want.p[i][j], 2e-5)));
    }
    disposeReplaced([params, state], []);
  });
});

// Least squares: ½·mean((A·w + c − y)²), w ∈ ℝ³, c ∈ ℝ¹ (two parameter tensors).
const A = [[1, 2, 0], [0, 1, -1], [2, 0, 1], [1, 1, 1], [-1, 0, 2], [0, -2, 1]];
const wStar = [0.5, -1, 2], cStar = 0.3;
const Y = A.map((row) => row.reduce((s, a, j) => s + a * wStar[j], cStar));

describe.each([
  ['D-Adapt SGD', () => dadaptSgd() as Optimizer<OptState>, {}],
  ['D-Adapt Adam', () => dadaptAdam() as Optimizer<OptState>, {}],
  ['Prodigy', () => prodigy() as Optimizer<OptState>, { decouple: true }],
])('%s on least squares', (_name, make, set) => {
  it('the loss falls, and no tensor leaks over 100 steps', () => {
    const start = tf.memory().numTensors;
    const Am = tf.tensor2d(A), y = tf.tensor1d(Y);
    const loss = (w: Tensor, c: Tensor) => tf.mul(0.5, tf.mean(tf.square(tf.sub(tf.add(tf.squeeze(tf.matMul(Am, tf.reshape(w, [3, 1]))), c), y)))) as Scalar;
    const gradFn = tf.grads((w: Tensor, c: Tensor) => loss(w, c));
    const opt = make();
    let params: Tensor[] = [tf.tensor1d([0.1, 0.1, 0.1]), tf.tensor1d([0])];
    let state = opt.init(params, hyper(set));
    const lossAt = (ps: Tensor[]) => tf.tidy(() => loss(ps[0], ps[1]).dataSync()[0]);
    const l0 = lossAt(params);
    let afterFirst = 0;
    for (let i = 0; i < 100; i++) {
      const grads = gradFn([params[0], params[1]]);
      const r = opt.step(params, grads, state);
      disposeReplaced([params, grads, state], [r.params, r.state]);
      params = r.params;
      state = r.state;
      if (i === 0) afterFirst = tf.memory().numTensors;
      else expect(tf.memory().numTensors).toBe(afterFirst);
    }
    const l1 = lossAt(params);
    expect(l1).toBeLessThan(0.1 * l0);
    expect(state.t).toBe(100);
    disposeReplaced([params, state, Am, y], []);
    expect(tf.memory().numTensors).toBe(start);
  });
});
