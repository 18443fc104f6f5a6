// The optimizers the page and workers build by NAME (src/optim/registry.ts), with only what the page sets
// (α₀, β, μ, weight decay) and the registry's defaults for the rest, against the golden runs of the
// reference classes with the same settings: the paper's settings (α₀ 1e-3, β 1e-3 / 1e-7, weight decay
// 1e-4, μ 0.9) where the golden file has them, the torch baselines at torch's defaults.
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../src/engine/nodeBackends';
import { buildOptimizer, hyperFor } from '../../src/optim/registry';
import { OPTIMIZERS, OPTIMIZER_NAMES } from '../../src/optim/catalog';
import type { Hyper } from '../../src/optim/hyper';
import { checkRun, loadGolden } from './goldenCheck';

/** Registry name → golden run id with the same optimizer and settings. */
const CASES: Record<string, string> = {
  SGD: 'sgd',
  SGDM: 'sgd_momentum',
  SGDN: 'sgd_nesterov_wd',
  Adagrad: 'adagrad',
  Adadelta: 'adadelta',
  Adamax: 'adamax',
  RMSProp: 'rmsprop',
  Adam: 'adam_wd',
  // Between its controller's decisions the learned schedule is plain Adam: same golden run.
  'Adam-Learned': 'adam_wd',
  'SGD-HD': 'paper_sgd_hd',
  'SGDM-HD': 'sgdm_hd',
  'SGDN-HD': 'paper_sgdn_hd',
  'Adam-HD': 'paper_adam_hd',
  'SGDop-SGDNlop': 'paper_sgd_op_sgdn_lop',
  'SGDNop-SGDNlop': 'paper_sgdn_op_sgdn_lop',
  'SGDop-Adamlop': 'paper_sgd_op_adam_lop',
  'SGDNop-Adamlop': 'sgdn_op_adam_lop',
  'Adamop-SGDNlop': 'paper_adam_op_sgdn_lop',
  'Adamop-Adamlop': 'paper_adam_op_adam_lop',
};

/**
 * Second order (second_order_P2.json): the registry name with what a person sets in its Settings. The
 * golden ESGD-M run is torch's defaults; the L-BFGS run sets max_iter 2 and history_size 10.
 */
const SECOND_ORDER: Record<string, { id: string; set: Partial<Hyper> }> = {
  'ESGD-M': { id: 'esgd_default', set: {} },
  'L-BFGS': { id: 'lbfgs_plain', set: { maxIter: 2, historySize: 10 } },
};

beforeAll(async () => {
  await useNodeBackend('cpu');
});

describe('registry optimizers follow the reference runs', () => {
  it('covers every optimizer of the catalog', () => {
    // The learning-rate-free optimizers have no golden runs: hand-derived steps in test/unit/lrfree-*.test.ts;
    // nor have stacks: hand-derived steps in test/unit/stack.test.ts.
    const lrFree = OPTIMIZERS.filter((o) => o.group === 'lr-free' || o.group === 'stacked').map((o) => o.name);
    expect([...Object.keys(CASES), ...Object.keys(SECOND_ORDER), ...lrFree].sort()).toEqual([...OPTIMIZER_NAMES].sort());
  });
  const secondOrder = loadGolden('second_order_P2');
  for (const [name, { id, set }] of Object.entries(SECOND_ORDER)) {
    it(`second_order_P2: ${name} = ${id}`, async () => {
      const run = secondOrder.runs.find((r) => r.id === id)!;
      const c = run.config_with_defaults as Record<string, number>;
      const hp = hyperFor(name, { alpha0: c.lr, weightDecay: c.weight_decay ?? 0, ...set });
      await checkRun(run, secondOrder, { optimizer: buildOptimizer(name), hp });
    });
  }
  for (const problem of ['P1', 'P2'] as const) {
    const file = loadGolden(problem);
    for (const [name, id] of Object.entries(CASES)) {
      it(`${problem}: ${name} = ${id}`, async () => {
        const run = file.runs.find((r) => r.id === id)!;
        const c = run.config_with_defaults as Record<string, number>;
        // What the page does: the name, plus α₀, β, μ and weight decay as set by the person.
        const hp = hyperFor(name, { alpha0: c.lr, beta: c.hypergrad_lr, momentum: c.momentum, weightDecay: c.weight_decay });
        await checkRun(run, file, { optimizer: buildOptimizer(name), hp });
      });
    }
  }
});
