// The one registry of named optimizers that the page, the workers and the command line read.
// Metadata (groups, colour families, baselines, defaults) is in catalog.ts; this file holds the math.
import { adadeltaDirection, adagradDirection, adamaxDirection, adamDirection, rmspropDirection, sgdDirection } from './directions';
import { fixedLr, hypergradient } from './compose';
import { esgd } from './esgd';
import { lbfgs } from './lbfgs';
import { cocob } from './cocob';
import { dadaptAdam, dadaptSgd } from './dadaptation';
import { prodigy } from './prodigy';
import { dog } from './dog';
import { scheduleFreeAdamW, scheduleFreeSgd } from './scheduleFree';
import { stackedOptimizer } from './stack';
import { adamLr, momentumLr, sgdLr } from './lrRules';
import { optimizerInfo } from './catalog';
import { HYPER_DEFAULTS, type Hyper } from './hyper';
import type { Optimizer } from './types';

const torchAdam = () => adamDirection(() => false);
const hdAdam = () => adamDirection((hp) => hp.legacyAdamEps);

const BUILDERS: Record<string, () => Optimizer> = {
  SGD: () => fixedLr('SGD', sgdDirection()),
  SGDM: () => fixedLr('SGDM', sgdDirection()),
  SGDN: () => fixedLr('SGDN', sgdDirection()),
  Adagrad: () => fixedLr('Adagrad', adagradDirection()),
  Adadelta: () => fixedLr('Adadelta', adadeltaDirection()),
  Adamax: () => fixedLr('Adamax', adamaxDirection()),
  RMSProp: () => fixedLr('RMSProp', rmspropDirection()),
  Adam: () => fixedLr('Adam', torchAdam()),
  // Plain Adam: the controller changes α₀ every 10 steps from outside (src/engine/trainer.ts, lrControl).
  'Adam-Learned': () => fixedLr('Adam-Learned', torchAdam()),
  'SGD-HD': () => hypergradient('SGD-HD', sgdDirection(), sgdLr(), 'sgd'),
  'SGDM-HD': () => hypergradient('SGDM-HD', sgdDirection(), sgdLr(), 'sgd'),
  'SGDN-HD': () => hypergradient('SGDN-HD', sgdDirection(), sgdLr(), 'sgd'),
  'Adam-HD': () => hypergradient('Adam-HD', hdAdam(), sgdLr(), 'adam'),
  'SGDop-SGDNlop': () => hypergradient('SGDop-SGDNlop', sgdDirection(), momentumLr(), 'sgd'),
  'SGDNop-SGDNlop': () => hypergradient('SGDNop-SGDNlop', sgdDirection(), momentumLr(), 'sgd'),
  'SGDop-Adamlop': () => hypergradient('SGDop-Adamlop', sgdDirection(), adamLr(), 'sgd'),
  'SGDNop-Adamlop': () => hypergradient('SGDNop-Adamlop', sgdDirection(), adamLr(), 'sgd'),
  'Adamop-SGDNlop': () => hypergradient('Adamop-SGDNlop', hdAdam(), momentumLr(), 'adam'),
  'Adamop-Adamlop': () => hypergradient('Adamop-Adamlop', hdAdam(), adamLr(), 'adam'),
  'ESGD-M': () => esgd() as unknown as Optimizer,
  'L-BFGS': () => lbfgs() as unknown as Optimizer,
  'SF-SGD': () => scheduleFreeSgd() as unknown as Optimizer,
  'SF-AdamW': () => scheduleFreeAdamW() as unknown as Optimizer,
  COCOB: () => cocob() as unknown as Optimizer,
  DoG: () => dog() as unknown as Optimizer,
  'D-Adapt-SGD': () => dadaptSgd() as unknown as Optimizer,
  'D-Adapt-Adam': () => dadaptAdam() as unknown as Optimizer,
  Prodigy: () => prodigy() as unknown as Optimizer,
  Stack: () => stackedOptimizer() as unknown as Optimizer,
};

/** The optimizer of a registry name (throws a clear error for unknown names). */
export function buildOptimizer(name: string): Optimizer {
  optimizerInfo(name);
  const build = BUILDERS[name];
  if (!build) throw new Error(`Optimizer "${name}" is in the catalog but has no implementation`);
  return build();
}

/**
 * The hyperparameters of a run: library defaults, then the optimizer's own defaults, then what the
 * person set. Settings the optimizer does not use (e.g. μ for plain SGD) are dropped, so a page-wide
 * μ never turns SGD into SGDM.
 */
export function hyperFor(name: string, set: Partial<Hyper>): Hyper {
  const info = optimizerInfo(name);
  const allowed = new Set<keyof Hyper>(['alpha0', 'weightDecay', ...info.tunable]);
  const chosen: Partial<Hyper> = {};
  for (const [k, v] of Object.entries(set) as [keyof Hyper, Hyper[keyof Hyper]][]) {
    if (allowed.has(k) && v !== undefined) (chosen as Record<string, unknown>)[k] = v;
  }
  return { ...HYPER_DEFAULTS, ...info.defaults, ...chosen };
}
