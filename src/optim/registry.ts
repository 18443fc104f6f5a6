// The one registry of named optimizers that the page, the workers and the command line read.
// Metadata (groups, colour families, baselines) is in catalog.ts; this file holds the math.
import { adamDirection, sgdDirection } from './directions';
import { fixedLr, hypergradient } from './compose';
import { sgdLr } from './lrRules';
import { optimizerInfo } from './catalog';
import type { Optimizer } from './types';

export interface Hyperparameters {
  alpha0: number;
  beta: number;
  momentum: number;
  weightDecay: number;
}

/** torch defaults for Adam (spec §2, §3). */
const ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-8 } as const;

type Builder = (hp: Hyperparameters) => Optimizer;

const BUILDERS: Record<string, Builder> = {
  SGD: (hp) => fixedLr('SGD', sgdDirection({ momentum: 0, dampening: 0, nesterov: false }), { lr: hp.alpha0, weightDecay: hp.weightDecay }),
  SGDN: (hp) => fixedLr('SGDN', sgdDirection({ momentum: hp.momentum, dampening: 0, nesterov: true }), { lr: hp.alpha0, weightDecay: hp.weightDecay }),
  Adam: (hp) => fixedLr('Adam', adamDirection({ ...ADAM, epsPlacement: 'torch' }), { lr: hp.alpha0, weightDecay: hp.weightDecay }),
  'SGD-HD': (hp) =>
    hypergradient('SGD-HD', sgdDirection({ momentum: 0, dampening: 0, nesterov: false }), sgdLr(hp.beta), {
      alpha0: hp.alpha0, weightDecay: hp.weightDecay, mode: 'global' }),
  'SGDN-HD': (hp) =>
    hypergradient('SGDN-HD', sgdDirection({ momentum: hp.momentum, dampening: 0, nesterov: true }), sgdLr(hp.beta), {
      alpha0: hp.alpha0, weightDecay: hp.weightDecay, mode: 'global' }),
  'Adam-HD': (hp) =>
    hypergradient('Adam-HD', adamDirection({ ...ADAM, epsPlacement: 'legacy' }), sgdLr(hp.beta), {
      alpha0: hp.alpha0, weightDecay: hp.weightDecay, mode: 'per-tensor' }),
};

export function buildOptimizer(name: string, hp: Hyperparameters): Optimizer {
  optimizerInfo(name); // throws a clear error for unknown names
  const build = BUILDERS[name];
  if (!build) throw new Error(`Optimizer "${name}" is in the catalog but has no implementation`);
  return build(hp);
}
