// Hand-computed checks of the PPO2 pieces: GAE, the loss terms, the distributions, the normalisers,
// the schedule, the initialisation and the RNG. Expected numbers are derived in the comments / inline
// arithmetic from the formulas, never by calling the code under test.
import { describe, expect, test } from 'vitest';
import { computeGae, lrAt, normalizeAdvantages, REFERENCE_PPO, adamStep, createPpo } from '../../src/rl/ppo';
import { entropy, lossFromOutputs, makeLayout, neglogp, orthogonal, initParams, type PpoBatch } from '../../src/rl/policy';
import { RunningMeanStd, VecNormalize } from '../../src/rl/normalize';
import { Rng } from '../../src/rl/random';

const close = (a: number, b: number, tol = 1e-12) => expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));

describe('GAE (PPO2 Runner)', () => {
  // env 0: rewards 1,2,3,4; values .5,1,1.5,2; mb_dones [F,F,T,F] (the episode ended after step 1,
  // so obs 2 is a new episode's first); last_values 3.
  // env 1: same rewards/values, no dones in the rollout.
  const rewards = [[1, 1], [2, 2], [3, 3], [4, 4]];
  const values = [[0.5, 0.5], [1, 1], [1.5, 1.5], [2, 2]];
  const dones = [[false, false], [false, false], [true, false], [false, false]];

  test('γ = 0.99, λ = 0.95, last step not done', () => {
    const g = 0.99, l = 0.95;
    const { advs, returns } = computeGae(rewards, values, dones, [3, 3], [false, false], g, l);
    // env 0, backwards:
    const d3 = 4 + g * 3 - 2; // 4.97, bootstrapped from last_values
    const A3 = d3;
    const d2 = 3 + g * 2 - 1.5; // next obs (3) is in the same episode
    const A2 = d2 + g * l * A3;
    const d1 = 2 - 1; // mb_dones[2] = T: nextnonterminal 0, no bootstrap, no carry
    const A1 = d1;
    const d0 = 1 + g * 1 - 0.5;
    const A0 = d0 + g * l * A1;
    close(A3, 4.97); close(A2, 3.48 + 0.9405 * 4.97); close(A0, 1.49 + 0.9405);
    [A0, A1, A2, A3].forEach((A, t) => {
      close(advs[t][0], A);
      close(returns[t][0], A + values[t][0]);
    });
    // env 1: no terminal anywhere
    const B3 = 4 + g * 3 - 2;
    const B2 = 3 + g * 2 - 1.5 + g * l * B3;
    const B1 = 2 + g * 1.5 - 1 + g * l * B2;
    const B0 = 1 + g * 1 - 0.5 + g * l * B1;
    [B0, B1, B2, B3].forEach((B, t) => close(advs[t][1], B));
    expect(returns.map((r) => r[0])).toEqual(returns.map((r) => r[0])); // shape
    close(returns[1][0], 2); // A1 + V1 = 1 + 1
  });

  test('γ = 1, λ = 0.95, last step done (no bootstrap)', () => {
    const { advs, returns } = computeGae(rewards, values, dones, [3, 3], [true, false], 1, 0.95);
    // env 0: A3 = 4 − 2 = 2; A2 = 3 + 2 − 1.5 + 0.95·2 = 5.4; A1 = 2 − 1 = 1; A0 = 1 + 1 − 0.5 + 0.95·1 = 2.45
    const want = [2.45, 1, 5.4, 2];
    want.forEach((A, t) => close(advs[t][0], A));
    expect(returns.map((r) => r[0]).map((x) => +x.toFixed(12))).toEqual([2.95, 2, 6.9, 4]);
    // env 1 bootstraps from 3: A3 = 4 + 3 − 2 = 5; A2 = 3 + 2 − 1.5 + .95·5 = 8.25;
    // A1 = 2 + 1.5 − 1 + .95·8.25 = 10.3375; A0 = 1 + 1 − .5 + .95·10.3375 = 11.320625
    [11.320625, 10.3375, 8.25, 5].forEach((A, t) => close(advs[t][1], A));
  });
});

describe('PPO loss terms', () => {
  const cfg = { clipRange: 0.2, clipRangeVf: 0.2, entCoef: 0.01, vfCoef: 0.5 };

  test('Categorical: surrogate, clipped value loss, entropy, approx KL, clip fraction', () => {
    // row 0: logits [0,0,0] → p = 1/3; action 0; neglogp = ln 3; old = ln 6 → ratio 2; A = +1:
    //   max(−2, −1.2) = −1.2 (clipped side); |2 − 1| > 0.2 → clipped
    // row 1: logits [0, ln2, 0] → p = [.25,.5,.25]; action 1; neglogp = ln 2; old = ln 2 + ln .9 → ratio .9;
    //   A = −1: max(.9, .9) = .9
    const pi = new Float64Array([0, 0, 0, 0, Math.LN2, 0]);
    const batch: PpoBatch = {
      n: 2,
      obs: new Float64Array(0),
      actions: new Float64Array([0, 1]),
      returns: new Float64Array([2, 0]),
      values: new Float64Array([0.5, 2]),
      neglogp: new Float64Array([Math.log(6), Math.LN2 + Math.log(0.9)]),
      advs: new Float64Array([1, -1]),
    };
    const space = { kind: 'discrete', n: 3 } as const;
    close(neglogp(space, pi, 0, 0, 0), Math.log(3));
    close(neglogp(space, pi, 1, 0, 1), Math.LN2);
    const H0 = Math.log(3);
    const H1 = -(2 * 0.25 * Math.log(0.25) + 0.5 * Math.log(0.5)); // 1.5 ln 2
    close(entropy(space, pi, 0, 0), H0);
    close(entropy(space, pi, 1, 0), H1);
    // values: v = [1, 2], old = [.5, 2], R = [2, 0]
    // row 0: v − old = .5 → clipped to .2 → vclip = .7; max((1−2)², (.7−2)²) = 1.69
    // row 1: v − old = 0; max(4, 4) = 4;  vf = .5·mean(1.69, 4) = 1.4225
    const r = lossFromOutputs(space, pi, new Float64Array([1, 2]), 0, batch, cfg);
    close(r.pgLoss, (-1.2 + 0.9) / 2);
    close(r.vfLoss, 1.4225);
    close(r.entropy, (H0 + H1) / 2);
    close(r.approxKl, (0.5 * (Math.LN2 ** 2 + Math.log(0.9) ** 2)) / 2);
    close(r.clipFrac, 0.5);
    close(r.loss, -0.15 - 0.01 * ((H0 + H1) / 2) + 0.5 * 1.4225);
    // gradient wrt logits, row 0 sits on the clipped side: only the entropy term moves it, and at the
    // uniform distribution ∂H/∂logit = −p(log p + H) = 0
    for (let k = 0; k < 3; k++) close(r.dPi[k], 0);
    // value gradient row 0 goes through the clipped branch, which is saturated → 0;
    // row 1: vf_coef·.5·2·(v − R)/n = .5·.5·2·2/2 = .5
    close(r.dValues[0], 0);
    close(r.dValues[1], 0.5);
  });

  test('DiagGaussian: neglogp, entropy, pessimistic surrogate; no value clipping', () => {
    // mean [.5, −.2], σ = .5 (logstd = ln .5), actions [1, 0]: u = [1, .4]
    const ls = Math.log(0.5);
    const pi = new Float64Array([0.5, -0.2]);
    const space = { kind: 'continuous', low: -1, high: 1 } as const;
    const nlp0 = 0.5 * 1 + 0.5 * Math.log(2 * Math.PI) + ls;
    const nlp1 = 0.5 * 0.16 + 0.5 * Math.log(2 * Math.PI) + ls;
    close(neglogp(space, pi, 0, ls, 1), nlp0);
    close(neglogp(space, pi, 1, ls, 0), nlp1);
    const H = ls + 0.5 * Math.log(2 * Math.PI * Math.E);
    close(entropy(space, pi, 0, ls), H);
    // row 0: old = nlp0 + ln 1.5 → ratio 1.5, A = −2: max(3, 2.4) = 3 (unclipped side is the pessimistic one)
    // row 1: old = nlp1 → ratio 1, A = .5: −.5
    const batch: PpoBatch = {
      n: 2,
      obs: new Float64Array(0),
      actions: new Float64Array([1, 0]),
      returns: new Float64Array([1, 1]),
      values: new Float64Array([5, 5]), // far away: would matter if value clipping were on
      neglogp: new Float64Array([nlp0 + Math.log(1.5), nlp1]),
      advs: new Float64Array([-2, 0.5]),
    };
    const r = lossFromOutputs(space, pi, new Float64Array([0, 1]), ls, batch, { ...cfg, clipRangeVf: null });
    close(r.pgLoss, (3 - 0.5) / 2);
    close(r.vfLoss, 0.5 * ((0 - 1) ** 2 + 0) / 2); // .25
    close(r.entropy, H);
    close(r.clipFrac, 0.5);
    close(r.approxKl, (0.5 * Math.log(1.5) ** 2) / 2);
    // with clipping at .2 the value loss takes the clipped prediction: vclip = 5 − .2 = 4.8 for row 0
    const rc = lossFromOutputs(space, pi, new Float64Array([0, 1]), ls, batch, cfg);
    close(rc.vfLoss, 0.5 * (Math.max(1, 3.8 ** 2) + Math.max(0, 3.8 ** 2)) / 2);
  });

  test('advantage normalisation: (A − mean)/(population std + 1e-8)', () => {
    const a = new Float64Array([1, 2, 3, 6]);
    normalizeAdvantages(a);
    // mean 3, population variance (4 + 1 + 0 + 9)/4 = 3.5
    const s = Math.sqrt(3.5) + 1e-8;
    [-2 / s, -1 / s, 0, 3 / s].forEach((x, i) => close(a[i], x));
  });
});

describe('RunningMeanStd', () => {
  const rng = new Rng(3);
  const batches = [5, 1, 7, 3].map((n) => Array.from({ length: n }, () => [rng.normal() * 3 + 1, rng.uniform() * 10]));
  const all = batches.flat();

  test('with a zero initial count it equals a two-pass mean and (population) variance', () => {
    const r = new RunningMeanStd(2, 0);
    batches.forEach((b) => r.update(b));
    for (let j = 0; j < 2; j++) {
      const m = all.reduce((s, x) => s + x[j], 0) / all.length;
      const v = all.reduce((s, x) => s + (x[j] - m) ** 2, 0) / all.length;
      close(r.mean[j], m);
      close(r.var[j], v);
    }
    expect(r.count).toBe(all.length);
  });

  test('the default 1e-4 initial count acts as a prior sample set of mean 0, variance 1', () => {
    const r = new RunningMeanStd(2);
    batches.forEach((b) => r.update(b));
    const eps = 1e-4;
    const N = all.length;
    for (let j = 0; j < 2; j++) {
      const m = all.reduce((s, x) => s + x[j], 0) / (N + eps);
      const v = (eps * (1 + m * m) + all.reduce((s, x) => s + (x[j] - m) ** 2, 0)) / (N + eps);
      close(r.mean[j], m, 1e-11);
      close(r.var[j], v, 1e-11);
    }
  });
});

describe('VecNormalize', () => {
  // the ret_rms after k scalar updates = exact moments of {prior: count 1e-4, mean 0, var 1} ∪ {ret_1..ret_k}
  const priorMoments = (xs: number[]) => {
    const eps = 1e-4;
    const m = xs.reduce((s, x) => s + x, 0) / (xs.length + eps);
    const v = (eps * (1 + m * m) + xs.reduce((s, x) => s + (x - m) ** 2, 0)) / (xs.length + eps);
    return { m, v };
  };

  test('reward: ret = ret·γ + r; r / √(var(ret) + 1e-8), clipped; ret reset where done', () => {
    const vn = new VecNormalize(1, 1, { normObs: false, normReward: true, clipObs: 10, clipReward: 100, gamma: 0.9, epsilon: 1e-8 });
    vn.reset([[0]]);
    const rs = [1, 2, 3, -1];
    const ds = [false, true, false, false];
    // rets: 1; .9·1 + 2 = 2.9 (done → 0 after); 3; .9·3 − 1 = 1.7
    const rets = [1, 2.9, 3, 1.7];
    rs.forEach((r, k) => {
      const out = vn.step([[0]], [r], [ds[k]]);
      const { v } = priorMoments(rets.slice(0, k + 1));
      close(out.rewards[0], Math.max(-100, Math.min(100, r / Math.sqrt(v + 1e-8))), 1e-10);
      expect(out.obs).toEqual([[0]]); // norm_obs off: untouched
    });
    close(vn.ret[0], 1.7);
    // step 1 alone: var = m2/(1.0001) with m2 = 1e-4 + 1e-4·1/1.0001 ≈ 2e-4 → 1/√2e-4 ≈ 70.7 → clip 10
    const vc = new VecNormalize(1, 1, { normObs: false, normReward: true, clipObs: 10, clipReward: 10, gamma: 1, epsilon: 1e-8 });
    vc.reset([[0]]);
    expect(vc.step([[0]], [1], [false]).rewards).toEqual([10]);
  });

  test('obs: the reset obs update obs_rms; clip((x − mean)/√(var + 1e-8), ±clip)', () => {
    const vn = new VecNormalize(2, 1, { normObs: true, normReward: false, clipObs: 0.9, clipReward: 10, gamma: 1, epsilon: 1e-8 });
    const o = vn.reset([[1], [3]]);
    const { m, v } = priorMoments([1, 3]);
    close(o[0][0], Math.max(-0.9, (1 - m) / Math.sqrt(v + 1e-8)));
    close(o[1][0], Math.min(0.9, (3 - m) / Math.sqrt(v + 1e-8)));
    const s = vn.step([[2], [5]], [7, 8], [false, false]);
    expect(s.rewards).toEqual([7, 8]); // norm_reward off
    const p = priorMoments([1, 3, 2, 5]);
    close(s.obs[0][0], (2 - p.m) / Math.sqrt(p.v + 1e-8), 1e-11);
    close(vn.normalizeObsRow([2])[0], s.obs[0][0]);
    expect(VecNormalize.fromJSON(JSON.parse(JSON.stringify(vn.toJSON()))).toJSON()).toEqual(vn.toJSON());
  });
});

describe('schedule, init, Adam, RNG', () => {
  test("lrAt: 'reference' is LinearSchedule(total, lr, .05 lr).value(frac) — effectively constant", () => {
    const c = { ...REFERENCE_PPO };
    // update 1 of 125 (total 50000): frac 1 → 1e-2 + (1/50000)·(5e-4 − 1e-2)
    close(lrAt(c, 1, 125, 50000), 1e-2 + (1 / 50000) * (5e-4 - 1e-2));
    close(lrAt(c, 125, 125, 50000), 1e-2 + ((1 / 125) / 50000) * (5e-4 - 1e-2));
    const lin = { ...c, lrSchedule: 'linear' as const };
    close(lrAt(lin, 1, 125, 50000), 1e-2);
    close(lrAt(lin, 63, 125, 50000), 5e-4 + (1 - 62 / 125) * (1e-2 - 5e-4));
    close(lrAt({ ...c, lrSchedule: 'constant' }, 50, 125, 50000), 1e-2);
  });

  test('orthogonal init: orthonormal columns (tall) or rows (wide) times the scale; zero biases', () => {
    const rng = new Rng(1);
    for (const [r, cN, s] of [[7, 32, Math.SQRT2], [32, 32, Math.SQRT2], [32, 3, 0.01], [32, 1, 1]] as const) {
      const W = orthogonal(r, cN, s, rng);
      const tall = r >= cN;
      const k = tall ? cN : r;
      for (let a = 0; a < k; a++) {
        for (let b = 0; b < k; b++) {
          let dot = 0;
          for (let i = 0; i < (tall ? r : cN); i++) dot += tall ? W[i * cN + a] * W[i * cN + b] : W[a * cN + i] * W[b * cN + i];
          close(dot, a === b ? s * s : 0, 1e-12);
        }
      }
    }
    const layout = makeLayout(7, { kind: 'continuous', low: 0.9, high: 1.1 });
    const p = initParams(layout, new Rng(2));
    expect(layout.size).toBe((7 * 32 + 32 + 32 * 32 + 32 + 32 + 1) * 2 + 1);
    for (const L of [...layout.pi, ...layout.vf]) for (let j = 0; j < L.outDim; j++) expect(p[L.b + j]).toBe(0);
    expect(p[layout.logstd]).toBe(0);
  });

  test('Adam step as TF AdamOptimizer(eps 1e-5) after clip_by_global_norm', () => {
    const agent = createPpo({ ...REFERENCE_PPO, maxGradNorm: 0.5 }, 1, { kind: 'discrete', n: 2 }, 1);
    const p0 = agent.params.slice();
    const g = new Float64Array(p0.length);
    g[0] = 3;
    g[1] = 4; // global norm 5 → scaled by .1: (.3, .4)
    adamStep(agent, g, 0.01);
    // t = 1: m = .1·g, v = .001·g², lr_t = .01·√(1 − .999)/(1 − .9); step = lr_t·m/(√v + 1e-5)
    const lrT = (0.01 * Math.sqrt(0.001)) / 0.1;
    close(agent.params[0], p0[0] - (lrT * 0.1 * 0.3) / (Math.sqrt(0.001 * 0.09) + 1e-5));
    close(agent.params[1], p0[1] - (lrT * 0.1 * 0.4) / (Math.sqrt(0.001 * 0.16) + 1e-5));
    close(agent.params[2], p0[2]);
  });

  test('RNG: seeded, resumable, normal and categorical moments', () => {
    const a = new Rng(42);
    a.normal(); // leaves a spare
    const st = JSON.parse(JSON.stringify(a.getState()));
    const b = Rng.fromState(st);
    const xs = Array.from({ length: 5 }, () => a.normal());
    expect(Array.from({ length: 5 }, () => b.normal())).toEqual(xs);
    const r = new Rng(7);
    const N = 20000;
    let s = 0, s2 = 0;
    for (let i = 0; i < N; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / N)).toBeLessThan(0.03);
    expect(Math.abs(s2 / N - 1)).toBeLessThan(0.04);
    const counts = [0, 0, 0];
    const logits = [Math.log(0.2), Math.log(0.5), Math.log(0.3)];
    for (let i = 0; i < N; i++) counts[r.categoricalFromLogits(logits)]++;
    [0.2, 0.5, 0.3].forEach((p, k) => expect(Math.abs(counts[k] / N - p)).toBeLessThan(0.015));
    expect(new Rng(1).uniform()).not.toBe(new Rng(2).uniform());
    const perm = r.shuffle(Int32Array.from([0, 1, 2, 3, 4, 5]));
    expect(Array.from(perm).sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
