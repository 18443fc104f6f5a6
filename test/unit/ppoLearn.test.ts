// PPO learning on toy environments with known optima, and exact resume from a JSON checkpoint.
import { describe, expect, test } from 'vitest';
import { agentFromJSON, agentToJSON, createPpo, policyStep, ppoLearn, REFERENCE_PPO, type PpoUpdateStats, type VecEnv } from '../../src/rl/ppo';
import { Rng } from '../../src/rl/random';

/**
 * Contextual bandit in episodes of `horizon` steps: obs = [one-hot context (3), t/horizon]; reward 1 when
 * the action equals the context, else 0; a fresh random context every step. Optimum: `horizon` per
 * episode; a uniformly random policy gets horizon/3.
 */
function contextEnv(numEnvs: number, seed: number, horizon: number): VecEnv {
  const rng = new Rng(seed);
  const ctx = new Array<number>(numEnvs).fill(0);
  const t = new Array<number>(numEnvs).fill(0);
  const obsOf = (i: number) => [ctx[i] === 0 ? 1 : 0, ctx[i] === 1 ? 1 : 0, ctx[i] === 2 ? 1 : 0, t[i] / horizon];
  return {
    numEnvs,
    async reset() {
      for (let i = 0; i < numEnvs; i++) {
        ctx[i] = rng.int(3);
        t[i] = 0;
      }
      return ctx.map((_, i) => obsOf(i));
    },
    async step(a) {
      const rewards: number[] = [];
      const dones: boolean[] = [];
      for (let i = 0; i < numEnvs; i++) {
        rewards.push(a[i] === ctx[i] ? 1 : 0);
        t[i]++;
        const done = t[i] >= horizon;
        dones.push(done);
        if (done) t[i] = 0; // auto-reset
        ctx[i] = rng.int(3);
      }
      return { obs: ctx.map((_, i) => obsOf(i)), rewards, dones };
    },
  };
}

/** Reward −((a − target)/0.1)² for the (clipped) action; obs is noise. Optimum 0 at a = target. */
function pointEnv(numEnvs: number, seed: number, target: number, horizon: number): VecEnv {
  const rng = new Rng(seed);
  const t = new Array<number>(numEnvs).fill(0);
  const obs = () => t.map(() => [rng.normal(), rng.normal()]);
  return {
    numEnvs,
    async reset() {
      t.fill(0);
      return obs();
    },
    async step(a) {
      const rewards = a.map((x) => -(((x - target) / 0.1) ** 2));
      const dones = t.map((_, i) => {
        t[i]++;
        const d = t[i] >= horizon;
        if (d) t[i] = 0;
        return d;
      });
      return { obs: obs(), rewards, dones };
    },
  };
}

describe('discrete: contextual bandit (horizon 5, optimum 5, random 5/3)', () => {
  // The reference settings except n_steps (25, so a rollout is 100 steps), the clip range and the rate
  // schedule. With the reference's cliprange 10 (no trust region) and its effectively constant lr 1e-2,
  // this toy problem first reaches the optimum and then collapses onto one action: once every reward is 1
  // the per-minibatch advantage normalisation turns noise into unit-size advantages. PPO's usual 0.2 clip
  // range and the decaying schedule ('linear', the reference's evident intent) keep it there (6/6 seeds
  // tried; 3 run here). The reference's own settings run in the resume test below.
  const cfg = { ...REFERENCE_PPO, nSteps: 25, clipRange: 0.2, lrSchedule: 'linear' as const };
  test.each([1, 2, 3])('seed %i reaches near-optimal reward within 6000 steps', async (seed) => {
    const agent = createPpo(cfg, 4, { kind: 'discrete', n: 3 }, seed);
    const hist: PpoUpdateStats[] = [];
    await ppoLearn(agent, contextEnv(4, 100 + seed, 5), { totalTimesteps: 6000, onUpdate: (s) => void hist.push(s) });
    const last = hist[hist.length - 1];
    expect(last.timesteps).toBe(6000);
    expect(last.updates).toBe(60);
    expect(last.episodes).toBe(6000 / 5);
    expect(hist[0].meanEpisodeReward!).toBeLessThan(3); // starts near random (5/3)
    expect(last.meanEpisodeReward!).toBeGreaterThan(4.5); // near the optimum 5
    // the greedy policy picks the context's action
    const probe = [0, 1, 2].map((c) => agent.norm.normalizeObsRow([c === 0 ? 1 : 0, c === 1 ? 1 : 0, c === 2 ? 1 : 0, 0.4]));
    expect(policyStep(agent, probe, true).actions).toEqual([0, 1, 2]);
  });
});

describe('continuous: Gaussian mean moves to the optimum a* = 0.4 in [-1, 1]', () => {
  test.each([1, 2])('seed %i', async (seed) => {
    const agent = createPpo({ ...REFERENCE_PPO, nSteps: 25 }, 2, { kind: 'continuous', low: -1, high: 1 }, seed);
    const hist: PpoUpdateStats[] = [];
    await ppoLearn(agent, pointEnv(4, 200 + seed, 0.4, 5), { totalTimesteps: 10000, onUpdate: (s) => void hist.push(s) });
    const probe = [[0, 0], [1, -1], [-1, 2]].map((o) => agent.norm.normalizeObsRow(o));
    const means = policyStep(agent, probe, true).actions;
    for (const m of means) expect(Math.abs(m - 0.4)).toBeLessThan(0.05);
    // a random policy (mean 0, std 1, clipped) gets about −5·E[(clip(N(0,1)) − 0.4)²]/0.01 ≈ −330
    expect(hist[0].meanEpisodeReward!).toBeLessThan(-50);
    expect(hist[hist.length - 1].meanEpisodeReward!).toBeGreaterThan(-5);
    expect(agent.params[agent.layout.logstd]).toBeLessThan(-2); // the policy became confident
  });
});

describe('resume', () => {
  test.each([
    ['discrete', { kind: 'discrete', n: 3 } as const, 4, (s: number) => contextEnv(4, s, 7)],
    ['continuous', { kind: 'continuous', low: -1, high: 1 } as const, 2, (s: number) => pointEnv(4, s, 0.4, 7)],
  ])('%s: N steps in one go equal N/2, JSON checkpoint, N/2 more (bitwise)', async (_n, space, obsDim, makeEnv) => {
    // 7-step episodes across 10-step rollouts: the checkpoint falls mid-episode
    const cfg = { ...REFERENCE_PPO, nSteps: 10, nMinibatches: 4 };
    const total = 6 * 40;
    const a = createPpo(cfg, obsDim, space, 7);
    const statsA: PpoUpdateStats[] = [];
    await ppoLearn(a, makeEnv(9), { totalTimesteps: total, onUpdate: (s) => void statsA.push(s) });

    const b = createPpo(cfg, obsDim, space, 7);
    const envB = makeEnv(9);
    const statsB: PpoUpdateStats[] = [];
    await ppoLearn(b, envB, { totalTimesteps: total, onUpdate: (s) => void statsB.push(s), shouldStop: () => b.updates === 3 });
    expect(b.timesteps).toBe(total / 2);
    const text = JSON.stringify(agentToJSON(b));
    const c = agentFromJSON(JSON.parse(text));
    await ppoLearn(c, envB, { totalTimesteps: total, onUpdate: (s) => void statsB.push(s) });

    expect(c.timesteps).toBe(total);
    expect(Array.from(c.params)).toEqual(Array.from(a.params));
    expect(Array.from(c.adam.m)).toEqual(Array.from(a.adam.m));
    expect(Array.from(c.adam.v)).toEqual(Array.from(a.adam.v));
    expect(c.norm.toJSON()).toEqual(a.norm.toJSON());
    expect(c.rng.getState()).toEqual(a.rng.getState());
    expect(statsB).toEqual(statsA);
    expect(JSON.stringify(agentToJSON(c))).toBe(JSON.stringify(agentToJSON(a)));
    // and training did change the weights
    expect(Array.from(a.params)).not.toEqual(Array.from(createPpo(cfg, obsDim, space, 7).params));
  });
});

describe('ppoLearn bookkeeping', () => {
  test('stats per update; a resumed agent with a fresh env (resetEnv) continues to the total', async () => {
    const cfg = { ...REFERENCE_PPO, nSteps: 10 };
    const a = createPpo(cfg, 4, { kind: 'discrete', n: 3 }, 1);
    const stats: PpoUpdateStats[] = [];
    await ppoLearn(a, contextEnv(4, 1, 5), { totalTimesteps: 200, onUpdate: (s) => void stats.push(s), shouldStop: () => a.updates === 2 });
    expect(stats.map((s) => [s.updates, s.timesteps, s.totalUpdates, s.episodes])).toEqual([[1, 40, 5, 8], [2, 80, 5, 16]]);
    // the reference schedule, evaluated at frac = 1 − (update − 1)/5 over 200 "timesteps"
    expect(stats[1].learningRate).toBe(1e-2 + Math.min(0.8 / 200, 1) * (5e-4 - 1e-2));
    for (const s of stats) for (const v of [s.policyLoss, s.valueLoss, s.entropy, s.approxKl, s.clipFraction]) expect(Number.isFinite(v)).toBe(true);
    const b = agentFromJSON(JSON.parse(JSON.stringify(agentToJSON(a))));
    let resets = 0;
    const env = contextEnv(4, 2, 5);
    const reset = env.reset.bind(env);
    env.reset = () => (resets++, reset());
    await ppoLearn(b, env, { totalTimesteps: 200, onUpdate: (s) => void stats.push(s), resetEnv: true });
    expect(resets).toBe(1);
    expect(b.updates).toBe(5);
    expect(b.timesteps).toBe(200);
    expect(stats.map((s) => s.updates)).toEqual([1, 2, 3, 4, 5]);
    // a finished run does nothing more
    await ppoLearn(b, env, { totalTimesteps: 200, onUpdate: () => expect.fail('no update expected') });
    expect(b.timesteps).toBe(200);
  });

  test('an env of the wrong size or a bad observation is an error', async () => {
    const a = createPpo({ ...REFERENCE_PPO, nSteps: 10 }, 4, { kind: 'discrete', n: 3 }, 1);
    await expect(ppoLearn(a, { ...contextEnv(2, 1, 5), numEnvs: 2 }, { totalTimesteps: 40 })).rejects.toThrow(/env has 2 envs, the agent was made for 4/);
    const env = contextEnv(4, 1, 5);
    env.reset = async () => [[1, 0, 0], [1, 0, 0], [1, 0, 0], [1, 0, 0]];
    await expect(ppoLearn(a, env, { totalTimesteps: 40 })).rejects.toThrow(/an observation has 3 numbers, expected 4/);
  });
});

describe('checkpoint validation', () => {
  test('a damaged checkpoint is refused with a reason', () => {
    const a = createPpo({ ...REFERENCE_PPO, nSteps: 10 }, 4, { kind: 'discrete', n: 3 }, 1);
    const good = () => JSON.parse(JSON.stringify(agentToJSON(a)));
    expect(() => agentFromJSON({ ...good(), format: 'x' })).toThrow(/format must be "hg-ppo-agent"/);
    expect(() => agentFromJSON({ ...good(), version: 9 })).toThrow(/version 9/);
    expect(() => agentFromJSON({ ...good(), params: [1, 2] })).toThrow(/params must have \d+ numbers/);
    expect(() => agentFromJSON({ ...good(), obsDim: 5 })).toThrow(/normaliser does not fit 4 envs of 5 features/);
    expect(() => agentFromJSON({ ...good(), updates: -1 })).toThrow(/updates must be a non-negative integer/);
    expect(agentToJSON(agentFromJSON(good()))).toEqual(good());
  });
});
