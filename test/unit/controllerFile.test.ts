// The shipped-controller file: round trip from a trained agent, the same decisions as the agent's own
// (VecNormalize obs normalisation with frozen statistics + the pi net), the factor mapping, and one
// precise message per kind of bad file.
import { describe, expect, test } from 'vitest';
import { controllerAct, controllerToJSON, parseController, normalizeObservation, type Controller } from '../../src/rl/controllerFile';
import { createPpo, policyStep, ppoLearn, REFERENCE_PPO, type PpoAgent, type VecEnv } from '../../src/rl/ppo';
import { Rng } from '../../src/rl/random';

const FEATURES = ['f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6'];
const TRAINED = { dataset: 'mnist', model: 'mlp3', timesteps: 800, episodes: 80, date: '2026-12-04T20:00:00Z', command: 'npm run controller -- train' };

/** 7 features of varied scale so the normalisation matters; episodes of 10 steps. */
function noiseEnv(seed: number): VecEnv {
  const rng = new Rng(seed);
  let t = 0;
  const obs = () => [0, 1, 2, 3].map(() => FEATURES.map((_, j) => (j + 1) * 10 * rng.normal() + j * 100));
  return {
    numEnvs: 4,
    async reset() {
      t = 0;
      return obs();
    },
    async step(a) {
      t++;
      const done = t % 10 === 0;
      return { obs: obs(), rewards: a.map((x) => -Math.abs(x - 1)), dones: [done, done, done, done] };
    },
  };
}

async function trained(space: 'discrete' | 'continuous'): Promise<PpoAgent> {
  const agent = createPpo(
    { ...REFERENCE_PPO, nSteps: 50 },
    7,
    space === 'discrete' ? { kind: 'discrete', n: 3 } : { kind: 'continuous', low: 1 / 1.05, high: 1.05 },
    3,
  );
  await ppoLearn(agent, noiseEnv(5), { totalTimesteps: 800 });
  return agent;
}

describe('round trip and decisions', () => {
  test.each(['discrete', 'continuous'] as const)('%s', async (kind) => {
    const agent = await trained(kind);
    const ctrl = controllerToJSON(agent, { factor: 1.05, updateFreq: 10, features: FEATURES, trained: TRAINED });
    const text = JSON.stringify(ctrl);
    const back = parseController(text);
    expect(back).toEqual(ctrl);
    expect(back.obsNorm.mean).toEqual(Array.from(agent.norm.obsRms.mean));
    expect(back.obsNorm.clip).toBe(10);
    expect(back.obsNorm.eps).toBe(1e-8);
    expect(back.action).toEqual(kind === 'discrete' ? { kind: 'discrete', factor: 1.05 } : { kind: 'continuous', low: 1 / 1.05, high: 1.05 });
    const rng = new Rng(11);
    for (let i = 0; i < 20; i++) {
      // include far-out observations so the ±10 clip is exercised
      const raw = FEATURES.map((_, j) => (j + 1) * 10 * rng.normal() * (i % 5 === 0 ? 30 : 1) + j * 100);
      const normed = agent.norm.normalizeObsRow(raw);
      expect(normalizeObservation(back, raw)).toEqual(normed);
      const want = policyStep(agent, [normed], true).clipped[0];
      const got = controllerAct(back, raw, { deterministic: true });
      expect(got.action).toBe(want);
      if (kind === 'discrete') expect(got.factor).toBe([1.05, 1 / 1.05, 1][want]);
      else {
        expect(got.factor).toBe(got.action);
        expect(got.action).toBeGreaterThanOrEqual(1 / 1.05);
        expect(got.action).toBeLessThanOrEqual(1.05);
      }
    }
  });
});

/** A tiny 2-input discrete controller whose last-layer bias decides. */
function tinyDiscrete(bias: number[]): Controller {
  return parseController(
    JSON.stringify({
      format: 'hg-controller',
      version: 1,
      action: { kind: 'discrete', factor: 1.05 },
      updateFreq: 10,
      features: ['a', 'b'],
      obsNorm: { mean: [0, 0], var: [1, 1], clip: 10, eps: 1e-8 },
      policy: { layers: [{ w: [[1, 0], [0, 1]], b: [0, 0] }, { w: [[0, 0, 0], [0, 0, 0]], b: bias }] },
      trained: TRAINED,
    }),
  );
}

describe('controllerAct', () => {
  test("discrete factors in the reference's order: 0 → ×f, 1 → ÷f, 2 → ×1", () => {
    expect(controllerAct(tinyDiscrete([5, 0, 0]), [1, 2], { deterministic: true })).toEqual({ action: 0, factor: 1.05 });
    expect(controllerAct(tinyDiscrete([0, 5, 0]), [1, 2], { deterministic: true })).toEqual({ action: 1, factor: 1 / 1.05 });
    expect(controllerAct(tinyDiscrete([0, 0, 5]), [1, 2], { deterministic: true })).toEqual({ action: 2, factor: 1 });
  });

  test('stochastic: samples the softmax, reproducibly from the seed', () => {
    const c = tinyDiscrete([Math.log(0.2), Math.log(0.5), Math.log(0.3)]);
    const rng = new Rng(9);
    const counts = [0, 0, 0];
    const N = 20000;
    const seq: number[] = [];
    for (let i = 0; i < N; i++) {
      const a = controllerAct(c, [0, 0], { deterministic: false, rng }).action;
      counts[a]++;
      if (i < 50) seq.push(a);
    }
    [0.2, 0.5, 0.3].forEach((p, k) => expect(Math.abs(counts[k] / N - p)).toBeLessThan(0.015));
    const rng2 = new Rng(9);
    expect(seq).toEqual(Array.from({ length: 50 }, () => controllerAct(c, [0, 0], { deterministic: false, rng: rng2 }).action));
  });

  test('continuous: the mean deterministically, samples clipped to the box', () => {
    const c = parseController(
      JSON.stringify({
        format: 'hg-controller',
        version: 1,
        action: { kind: 'continuous', low: 0.95, high: 1.05 },
        updateFreq: 10,
        features: ['a'],
        obsNorm: { mean: [2], var: [4], clip: 10, eps: 0 },
        policy: { layers: [{ w: [[0.01]], b: [1.0] }], logstd: [0] },
        trained: TRAINED,
      }),
    );
    // obs 4 → (4 − 2)/2 = 1 → mean 1.01
    expect(controllerAct(c, [4], { deterministic: true }).action).toBeCloseTo(1.01, 15);
    // std 1 ≫ box: most samples land on a bound
    const rng = new Rng(1);
    const xs = Array.from({ length: 200 }, () => controllerAct(c, [4], { deterministic: false, rng }).factor);
    expect(Math.min(...xs)).toBe(0.95);
    expect(Math.max(...xs)).toBe(1.05);
  });

  test('a wrong-length or non-finite observation is an error', () => {
    expect(() => controllerAct(tinyDiscrete([0, 0, 0]), [1], { deterministic: true })).toThrow(/takes 2 features, got 1/);
    expect(() => controllerAct(tinyDiscrete([0, 0, 0]), [1, NaN], { deterministic: true })).toThrow(/non-finite/);
  });
});

describe('bad files: one precise message each', () => {
  const good = () => JSON.parse(JSON.stringify(tinyDiscrete([0, 0, 0]))) as Record<string, any>;
  const cases: [string, (c: Record<string, any>) => unknown, RegExp][] = [
    ['not JSON', () => '{"format": "hg-controller",', /not JSON/],
    ['not an object', () => [1, 2], /top level must be a JSON object/],
    ['wrong format', (c) => ({ ...c, format: 'hg-ppo-agent' }), /format is "hg-ppo-agent", expected "hg-controller"/],
    ['wrong version', (c) => ({ ...c, version: 2 }), /version 2 is not supported \(expected 1\)/],
    ['unknown action kind', (c) => ({ ...c, action: { kind: 'multi' } }), /action.kind is "multi"/],
    ['missing factor', (c) => ({ ...c, action: { kind: 'discrete' } }), /action.factor must be a number, got undefined/],
    ['bad box', (c) => ({ ...c, action: { kind: 'continuous', low: 1.1, high: 0.9 } }), /action.low \(1.1\) must be below action.high \(0.9\)/],
    ['updateFreq', (c) => ({ ...c, updateFreq: 2.5 }), /updateFreq must be a positive integer, got 2.5/],
    ['no layers', (c) => ({ ...c, policy: { layers: [] } }), /policy.layers must be a non-empty array/],
    ['ragged w', (c) => (c.policy.layers[0].w[1] = [1, 2, 3], c), /policy.layers\[0\].w\[1\] has 3 numbers, expected 2/],
    ['bias length', (c) => (c.policy.layers[1].b = [0, 0], c), /policy.layers\[1\].b has 2 numbers, expected 3/],
    ['chain mismatch', (c) => (c.policy.layers[1].w = [[0, 0, 0]], c), /policy.layers\[1\].w has 1 rows, expected 2 \(the previous layer's outputs\)/],
    ['output count', (c) => ((c.policy.layers[1].w = [[0, 0], [0, 0]]), (c.policy.layers[1].b = [0, 0]), c), /last policy layer has 2 outputs, a discrete controller needs 3/],
    ['non-finite weight', () => JSON.stringify(good()).replace('"w":[[1,0]', '"w":[[1e999,0]'), /policy.layers\[0\].w\[0\]\[0\] is not finite \(Infinity\)/],
    ['string weight', (c) => (c.policy.layers[0].b = ['0', 0], c), /policy.layers\[0\].b\[0\] must be a number, got string/],
    ['logstd on discrete', (c) => (c.policy.logstd = [0], c), /policy.logstd is only for a continuous controller/],
    ['logstd missing', (c) => ({ ...c, action: { kind: 'continuous', low: 0.9, high: 1.1 }, policy: { layers: [{ w: [[1], [1]], b: [0] }] } }), /policy.logstd is missing/],
    ['features count', (c) => ({ ...c, features: ['a'] }), /features has 1 names, the policy takes 2 inputs/],
    ['feature name', (c) => ({ ...c, features: ['a', ''] }), /features\[1\] must be a non-empty string/],
    ['mean length', (c) => (c.obsNorm.mean = [0, 0, 0], c), /obsNorm.mean has 3 numbers, expected 2/],
    ['negative var', (c) => (c.obsNorm.var = [1, -1], c), /obsNorm.var\[1\] is negative \(-1\)/],
    ['clip', (c) => (c.obsNorm.clip = 0, c), /obsNorm.clip must be positive, got 0/],
    ['trained', (c) => (delete c.trained.command, c), /trained.command must be a string/],
    ['trained timesteps', (c) => (c.trained.timesteps = -1, c), /trained.timesteps must be a non-negative integer, got -1/],
  ];
  test.each(cases)('%s', (_name, mutate, message) => {
    const bad = mutate(good());
    const text = typeof bad === 'string' ? bad : JSON.stringify(bad);
    expect(() => parseController(text)).toThrow(message);
    expect(() => parseController(text)).toThrow(/^Bad controller file: /);
  });
  test('the messages are all different', () => {
    const msgs = cases.map(([, mutate]) => {
      const bad = mutate(good());
      try {
        parseController(typeof bad === 'string' ? bad : JSON.stringify(bad));
      } catch (e) {
        return (e as Error).message;
      }
      return 'parsed';
    });
    expect(new Set(msgs).size).toBe(cases.length);
  });
});
