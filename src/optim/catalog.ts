// What the page, the workers and the command line know about each named optimizer, without tfjs.
// The math lives in src/optim/registry.ts, keyed by the same names.

/** Which β slider an HD optimizer reads: the reference work uses 1e-3 for SGD-type, 1e-7 for Adam-type. */
export type BetaGroup = 'sgd' | 'adam';
/** Colour family: an optimizer and its HD variants share one hue (charts). */
export type Family = 'sgd' | 'sgdn' | 'adam';

export interface OptimizerInfo {
  name: string;
  group: 'classic' | 'hypergradient';
  family: Family;
  /** The optimizer this one is read against: an HD optimizer's plain counterpart. */
  baseline: string | null;
  /** Present for optimizers that adapt α by hypergradient. */
  betaGroup: BetaGroup | null;
  description: string;
}

export const OPTIMIZERS: readonly OptimizerInfo[] = [
  { name: 'SGD', group: 'classic', family: 'sgd', baseline: null, betaGroup: null,
    description: 'Plain stochastic gradient descent (torch.optim.SGD).' },
  { name: 'SGDN', group: 'classic', family: 'sgdn', baseline: null, betaGroup: null,
    description: 'SGD with Nesterov momentum μ (torch.optim.SGD, nesterov=True).' },
  { name: 'Adam', group: 'classic', family: 'adam', baseline: null, betaGroup: null,
    description: 'Adam, torch ≥ 1.3 ε placement (torch.optim.Adam).' },
  { name: 'SGD-HD', group: 'hypergradient', family: 'sgd', baseline: 'SGD', betaGroup: 'sgd',
    description: 'SGD whose α follows the hypergradient g_t·g_{t−1} (SGDHD).' },
  { name: 'SGDN-HD', group: 'hypergradient', family: 'sgdn', baseline: 'SGDN', betaGroup: 'sgd',
    description: 'Nesterov SGD with hypergradient α (SGDHD, nesterov=True).' },
  { name: 'Adam-HD', group: 'hypergradient', family: 'adam', baseline: 'Adam', betaGroup: 'adam',
    description: 'Adam with hypergradient α, per-tensor in-loop update and legacy ε (AdamHD).' },
];

export const OPTIMIZER_NAMES: readonly string[] = OPTIMIZERS.map((o) => o.name);

export function optimizerInfo(name: string): OptimizerInfo {
  const info = OPTIMIZERS.find((o) => o.name === name);
  if (!info) throw new Error(`Unknown optimizer "${name}". Known: ${OPTIMIZER_NAMES.join(', ')}`);
  return info;
}
