// The hand-written gradient of the whole PPO loss (through both MLPs, the distribution and logstd)
// against central finite differences, float64.
import { describe, expect, test } from 'vitest';
import { makeLayout, ppoLossAndGrad, type ActionSpace, type PpoBatch, type PpoLossConfig, policyForward, neglogp } from '../../src/rl/policy';
import { Rng } from '../../src/rl/random';

function setup(space: ActionSpace, seed: number) {
  const rng = new Rng(seed);
  const layout = makeLayout(3, space, [5, 4]);
  const params = new Float64Array(layout.size);
  for (let i = 0; i < params.length; i++) params[i] = 0.7 * rng.normal();
  if (layout.logstd >= 0) params[layout.logstd] = -0.3;
  const n = 8;
  const obs = new Float64Array(n * 3).map(() => rng.normal());
  const out = policyForward(layout, params, obs, n);
  const actions = new Float64Array(n).map((_, i) => (space.kind === 'discrete' ? rng.int(space.n) : out.pi[i] + 0.8 * rng.normal()));
  const logstd = layout.logstd >= 0 ? params[layout.logstd] : 0;
  const nlp = new Float64Array(n).map((_, i) => neglogp(space, out.pi, i, logstd, actions[i]) + 0.4 * rng.normal());
  const values = new Float64Array(n).map((_, i) => out.values[i] + 0.5 * rng.normal());
  const batch: PpoBatch = { n, obs, actions, returns: new Float64Array(n).map(() => rng.normal()), values, neglogp: nlp, advs: new Float64Array(n).map(() => rng.normal()) };
  return { layout, params, batch };
}

describe.each<[string, ActionSpace]>([['discrete', { kind: 'discrete', n: 3 }], ['continuous', { kind: 'continuous', low: -1, high: 1 }]])('%s', (_name, space) => {
  test.each<[string, PpoLossConfig]>([
    ['clipped', { clipRange: 0.2, clipRangeVf: 0.2, entCoef: 0.1, vfCoef: 0.5 }],
    ['unclipped value', { clipRange: 0.3, clipRangeVf: null, entCoef: 0.01, vfCoef: 0.5 }],
  ])('grad %s', (_c, cfg) => {
    for (const seed of [1, 2, 3]) {
      const { layout, params, batch } = setup(space, seed);
      const at = ppoLossAndGrad(layout, params, batch, cfg);
      const g = at.grad;
      // the batch exercises both sides of the policy clip
      expect(at.clipFrac).toBeGreaterThan(0);
      expect(at.clipFrac).toBeLessThan(1);
      let maxErr = 0;
      for (let i = 0; i < params.length; i++) {
        const h = 1e-6;
        const p1 = params.slice(); p1[i] += h;
        const p2 = params.slice(); p2[i] -= h;
        const fd = (ppoLossAndGrad(layout, p1, batch, cfg).loss - ppoLossAndGrad(layout, p2, batch, cfg).loss) / (2 * h);
        maxErr = Math.max(maxErr, Math.abs(fd - g[i]) / Math.max(1, Math.abs(fd)));
      }
      expect(maxErr).toBeLessThan(1e-7);
    }
  });
});
