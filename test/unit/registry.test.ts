// The optimizers the page and workers build by NAME (src/optim/registry.ts) against the golden runs of the
// reference classes with the same settings: the paper's settings (α₀ 1e-3, β 1e-3 / 1e-7, weight decay
// 1e-4, μ 0.9) and the torch baselines with weight decay.
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../src/engine/nodeBackends';
import { buildOptimizer } from '../../src/optim/registry';
import { OPTIMIZER_NAMES } from '../../src/optim/catalog';
import { checkRun, loadGolden } from './goldenCheck';

/** Registry name → golden run id with the same optimizer and settings. */
const CASES: Record<string, string> = {
  SGD: 'sgd',
  SGDN: 'sgd_nesterov_wd',
  Adam: 'adam_wd',
  'SGD-HD': 'paper_sgd_hd',
  'SGDN-HD': 'paper_sgdn_hd',
  'Adam-HD': 'paper_adam_hd',
};

beforeAll(async () => {
  await useNodeBackend('cpu');
});

describe('registry optimizers follow the reference runs', () => {
  it('covers every optimizer of the catalog', () => {
    expect(Object.keys(CASES).sort()).toEqual([...OPTIMIZER_NAMES].sort());
  });
  for (const problem of ['P1', 'P2'] as const) {
    const file = loadGolden(problem);
    for (const [name, id] of Object.entries(CASES)) {
      it(`${problem}: ${name} = ${id}`, async () => {
        const run = file.runs.find((r) => r.id === id)!;
        const c = run.config_with_defaults as Record<string, number>;
        const opt = buildOptimizer(name, { alpha0: c.lr, beta: c.hypergrad_lr ?? 0, momentum: c.momentum ?? 0, weightDecay: c.weight_decay });
        await checkRun(run, file, opt);
      });
    }
  }
});
