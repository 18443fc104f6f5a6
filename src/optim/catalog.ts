// What the page, the workers and the command line know about each named optimizer, without tfjs.
// The math lives in src/optim/registry.ts, keyed by the same names.
import type { Hyper } from './hyper';

/** Which β slider an HD optimizer reads: the reference work uses 1e-3 for SGD-type, 1e-7 for Adam-type. */
export type BetaGroup = 'sgd' | 'adam';
/** Colour family: an optimizer, its HD optimizer and the variants on the same model optimizer share one hue. */
export type Family = 'sgd' | 'sgdm' | 'sgdn' | 'adam' | 'adagrad' | 'adadelta' | 'adamax' | 'rmsprop' | 'esgd' | 'lbfgs' | 'lrfree' | 'stack';
export type Group = 'classic' | 'hypergradient' | 'variant' | 'second-order' | 'lr-free' | 'stacked' | 'learned';

export interface OptimizerInfo {
  name: string;
  /** What the page shows when it differs from the name (names stay command-line friendly). */
  label?: string;
  group: Group;
  family: Family;
  /**
   * What this one is read against: a variant's HD optimizer with the same model optimizer
   * (SGDop-* → SGD-HD, SGDNop-* → SGDN-HD, Adamop-* → Adam-HD); an HD optimizer's plain counterpart.
   */
  baseline: string | null;
  /** Present for optimizers that adapt α by hypergradient. */
  betaGroup: BetaGroup | null;
  /** Hyperparameters (beyond α₀ and weight decay) that a person may set for this optimizer. */
  tunable: readonly (keyof Hyper)[];
  /**
   * Defaults that differ from HYPER_DEFAULTS (torch's per-optimizer defaults, the reference settings). Their
   * α₀ is what the command line uses when --alpha0 is not given; the page has one α₀ for all runs.
   */
  defaults: Partial<Hyper>;
  description: string;
  /**
   * Optimizers whose lr column (state.lr) is a step size they set rather than an adapted α: what it holds,
   * for the learning-rate chart and the runs table.
   */
  stepSize?: string;
  /** Said next to α₀ when the optimizer does not read it (COCOB has no learning rate). */
  alpha0Note?: string;
}

const ADAM_T: (keyof Hyper)[] = ['beta1', 'beta2', 'eps'];
const HD: (keyof Hyper)[] = ['beta', 'lrMin', 'lrMax'];
/** The SGD lr rule's refinements (src/optim/hdRefinements.ts): only the HD optimizers with SGD on α read them. */
const HD_SGD_LR: (keyof Hyper)[] = ['multiplicativeHypergradient', 'hdAdagrad', 'hdNullSteps', ...HD];
const LR_MOMENTUM: (keyof Hyper)[] = ['lrMomentum', 'lrDampening', 'lrNesterov'];
const LR_ADAM: (keyof Hyper)[] = ['lrBeta1', 'lrBeta2', 'lrEps', 'correctedLrBiasCorrection'];
const ADAM_HD: (keyof Hyper)[] = [...ADAM_T, 'legacyAdamEps', 'globalHypergradient'];
const NESTEROV = { momentum: 0.9, nesterov: true } as const;

export const OPTIMIZERS: readonly OptimizerInfo[] = [
  // Classic (torch.optim, 1.13 semantics; spec §3)
  { name: 'SGD', group: 'classic', family: 'sgd', baseline: null, betaGroup: null, tunable: ['schedule'], defaults: {},
    description: 'Stochastic gradient descent (torch.optim.SGD).' },
  { name: 'SGDM', group: 'classic', family: 'sgdm', baseline: null, betaGroup: null, tunable: ['momentum', 'dampening', 'schedule'],
    defaults: { momentum: 0.9 }, description: 'SGD with heavy-ball momentum μ (and dampening).' },
  { name: 'SGDN', group: 'classic', family: 'sgdn', baseline: null, betaGroup: null, tunable: ['momentum', 'schedule'], defaults: NESTEROV,
    description: 'SGD with Nesterov momentum μ (torch.optim.SGD, nesterov=True).' },
  { name: 'Adagrad', group: 'classic', family: 'adagrad', baseline: null, betaGroup: null, tunable: ['eps', 'lrDecay', 'initialAccumulator', 'schedule'],
    defaults: { eps: 1e-10, alpha0: 1e-2 }, description: 'Adagrad (torch.optim.Adagrad): per-coordinate steps shrink with the summed squared gradients.' },
  { name: 'Adadelta', group: 'classic', family: 'adadelta', baseline: null, betaGroup: null, tunable: ['rho', 'eps', 'schedule'],
    defaults: { eps: 1e-6, alpha0: 1 }, description: 'Adadelta (torch.optim.Adadelta, ρ = 0.9); torch default α₀ is 1.' },
  { name: 'Adamax', group: 'classic', family: 'adamax', baseline: null, betaGroup: null, tunable: [...ADAM_T, 'schedule'], defaults: { alpha0: 2e-3 },
    description: 'Adamax (torch.optim.Adamax): Adam with an infinity norm.' },
  { name: 'RMSProp', group: 'classic', family: 'rmsprop', baseline: null, betaGroup: null, tunable: ['rmsAlpha', 'eps', 'momentum', 'centered', 'schedule'],
    defaults: { alpha0: 1e-2 }, description: 'RMSprop (torch.optim.RMSprop), optionally with momentum and centred.' },
  { name: 'Adam', group: 'classic', family: 'adam', baseline: null, betaGroup: null, tunable: [...ADAM_T, 'schedule'], defaults: {},
    description: 'Adam with torch ≥ 1.3 ε placement (torch.optim.Adam).' },

  // Hypergradient descent (spec §1a, §2a)
  { name: 'SGD-HD', group: 'hypergradient', family: 'sgd', baseline: 'SGD', betaGroup: 'sgd', tunable: HD_SGD_LR, defaults: {},
    description: 'SGD whose α follows the hypergradient g_t·g_{t−1} (SGDHD).' },
  { name: 'SGDM-HD', group: 'hypergradient', family: 'sgdm', baseline: 'SGDM', betaGroup: 'sgd', tunable: ['momentum', 'dampening', ...HD_SGD_LR],
    defaults: { momentum: 0.9 }, description: 'Heavy-ball SGD with hypergradient α (SGDHD, momentum, nesterov=False).' },
  { name: 'SGDN-HD', group: 'hypergradient', family: 'sgdn', baseline: 'SGDN', betaGroup: 'sgd', tunable: ['momentum', ...HD_SGD_LR], defaults: NESTEROV,
    description: 'Nesterov SGD with hypergradient α (SGDHD, nesterov=True).' },
  { name: 'Adam-HD', group: 'hypergradient', family: 'adam', baseline: 'Adam', betaGroup: 'adam', tunable: [...ADAM_HD, ...HD_SGD_LR], defaults: {},
    description: 'Adam with hypergradient α; reference: per-tensor in-loop α update, legacy ε (AdamHD).' },

  // Variants {model optimizer}op-{lr optimizer}lop (V's classes, spec §1b, §1c, §2b, §2c)
  { name: 'SGDop-SGDNlop', group: 'variant', family: 'sgd', baseline: 'SGD-HD', betaGroup: 'sgd', tunable: [...LR_MOMENTUM, ...HD], defaults: {},
    description: 'SGD on θ; Nesterov momentum (or heavy-ball) on α (op_Sgd_lop_Sgdn).' },
  { name: 'SGDNop-SGDNlop', group: 'variant', family: 'sgdn', baseline: 'SGDN-HD', betaGroup: 'sgd', tunable: ['momentum', ...LR_MOMENTUM, ...HD],
    defaults: NESTEROV, description: 'Nesterov SGD on θ; Nesterov momentum (or heavy-ball) on α (op_Sgd_lop_Sgdn).' },
  { name: 'SGDop-Adamlop', group: 'variant', family: 'sgd', baseline: 'SGD-HD', betaGroup: 'sgd', tunable: [...LR_ADAM, ...HD], defaults: {},
    description: 'SGD on θ; Adam on α: each α step ≈ β·sign(h) (op_Sgd_lop_Adam).' },
  { name: 'SGDNop-Adamlop', group: 'variant', family: 'sgdn', baseline: 'SGDN-HD', betaGroup: 'sgd', tunable: ['momentum', ...LR_ADAM, ...HD],
    defaults: NESTEROV, description: 'Nesterov SGD on θ; Adam on α (op_Sgd_lop_Adam).' },
  { name: 'Adamop-SGDNlop', group: 'variant', family: 'adam', baseline: 'Adam-HD', betaGroup: 'adam', tunable: [...ADAM_HD, ...LR_MOMENTUM, ...HD],
    defaults: {}, description: 'Adam on θ; Nesterov momentum (or heavy-ball) on α (op_Adam_lop_Sgdn).' },
  { name: 'Adamop-Adamlop', group: 'variant', family: 'adam', baseline: 'Adam-HD', betaGroup: 'adam', tunable: [...ADAM_HD, ...LR_ADAM, ...HD],
    defaults: {}, description: 'Adam on θ and on α; reference: α moves by up to β per parameter tensor per step (op_Adam_lop_Adam).' },

  // Second order: curvature from Hessian-vector products or from gradient differences
  { name: 'ESGD-M', group: 'second-order', family: 'esgd', baseline: null, betaGroup: null,
    tunable: ['beta1', 'beta2', 'eps', 'lrWarmup', 'updateDEvery', 'dWarmup'], defaults: { alpha0: 1, eps: 1e-4 },
    stepSize: 'its step size lr·(1 − lr_warmup^k) after k Hessian steps',
    description: 'Equilibrated SGD with Nesterov momentum (crowsonkb/esgd): per-parameter steps from |H| diagonal estimates by Hessian-vector products; weight decay decoupled.' },
  { name: 'L-BFGS', group: 'second-order', family: 'lbfgs', baseline: null, betaGroup: null,
    tunable: ['maxIter', 'maxEval', 'toleranceGrad', 'toleranceChange', 'historySize', 'strongWolfe'], defaults: { alpha0: 1 },
    stepSize: "the step size t of its last inner iteration (the line search's, or α₀)",
    description: 'Limited-memory BFGS (torch.optim.LBFGS): several loss/gradient evaluations of the same minibatch per step; weight decay adds ½·wd·|θ|² to its objective.' },

  // Learning-rate free: α₀ is only a scale of the step size they set themselves (default 1)
  { name: 'SF-SGD', group: 'lr-free', family: 'lrfree', baseline: null, betaGroup: null, tunable: ['momentum', 'warmupSteps', 'sfR', 'weightLrPower'],
    defaults: { alpha0: 1, momentum: 0.9 }, stepSize: 'its scheduled lr (warm-up included)',
    description: 'Schedule-Free SGD (facebookresearch/schedule_free): trains at an interpolation y of its SGD sequence z and their average x, evaluated at x; no schedule needed.' },
  { name: 'SF-AdamW', group: 'lr-free', family: 'lrfree', baseline: null, betaGroup: null, tunable: ['beta1', 'beta2', 'eps', 'warmupSteps', 'sfR', 'weightLrPower'],
    defaults: { alpha0: 0.0025 }, stepSize: 'its scheduled lr times √(1 − β₂^t)',
    description: 'Schedule-Free AdamW (facebookresearch/schedule_free): the same averaging around Adam steps, evaluated at x.' },
  { name: 'COCOB', group: 'lr-free', family: 'lrfree', baseline: null, betaGroup: null, tunable: ['cocobAlpha', 'eps'], defaults: { alpha0: 1 },
    alpha0Note: 'not used: COCOB has no learning rate (its α₀ sweep is flat by construction)',
    stepSize: '‖Δθ‖ / ‖g‖, the SGD step that would move as far',
    description: 'COCOB-Backprop (Orabona & Tommasi 2017; bremen79/parameterfree): per-parameter coin betting, no learning rate.' },
  { name: 'DoG', group: 'lr-free', family: 'lrfree', baseline: null, betaGroup: null, tunable: ['repsRel', 'eps', 'averageGamma'], defaults: { alpha0: 1 },
    stepSize: 'η = lr · max distance travelled / √(sum of squared gradient norms)',
    description: 'Distance over Gradients (formll/dog): step size max distance travelled / √(sum of squared gradient norms); evaluated at its polynomial-decay average.' },
  { name: 'D-Adapt-SGD', group: 'lr-free', family: 'lrfree', baseline: null, betaGroup: null, tunable: ['momentum', 'd0', 'growthRate'], defaults: { alpha0: 1 }, stepSize: 'd · lr / ‖g₀‖',
    description: 'D-Adaptation SGD (facebookresearch/dadaptation 3.x): SGD whose step size d·lr/‖g₀‖ follows a running lower bound d on the distance to the solution; its μ averages iterates.' },
  { name: 'D-Adapt-Adam', group: 'lr-free', family: 'lrfree', baseline: null, betaGroup: null, tunable: ['beta1', 'beta2', 'eps', 'decouple', 'useBiasCorrection', 'd0', 'growthRate'],
    defaults: { alpha0: 1 }, stepSize: 'd · lr (× its bias correction when on)', description: 'D-Adaptation Adam (facebookresearch/dadaptation 3.x): Adam with step size d·lr from the same distance estimate.' },
  { name: 'Prodigy', group: 'lr-free', family: 'lrfree', baseline: null, betaGroup: null,
    tunable: ['beta1', 'beta2', 'beta3', 'eps', 'decouple', 'useBiasCorrection', 'safeguardWarmup', 'd0', 'dCoef', 'growthRate'], defaults: { alpha0: 1, decouple: true },
    stepSize: 'd · lr (× its bias correction when on)',
    description: 'Prodigy (konstmish/prodigy): D-Adaptation Adam with a faster-growing distance estimate; decoupled weight decay by default.' },

  // Stacked hyperoptimizers: α (and μ, β₁, β₂, γ) tuned by an optimizer, which may be tuned in turn
  { name: 'Stack', group: 'stacked', family: 'stack', baseline: null, betaGroup: null, tunable: ['stack'], defaults: {},
    description: 'Stacked hyperoptimizers (Chandra et al., NeurIPS 2022; kach/gradient-descent-the-ultimate-optimizer): each level tunes the hyperparameters of the level below by its one-step hypergradient, e.g. Adam / SGD(1e-5).' },

  // Learned: a controller trained by reinforcement learning (PPO) rescales α every 10 steps (src/rl/)
  { name: 'Adam-Learned', label: 'Adam + learned schedule', group: 'learned', family: 'adam', baseline: 'Adam', betaGroup: null, tunable: [...ADAM_T, 'controller'],
    defaults: {}, stepSize: 'the rate its controller set (×1.05, ÷1.05 or kept every 10 steps)',
    description: 'Adam whose learning rate a controller trained by PPO rescales every 10 steps from 7 features of training (Xu et al. 2019; nicklashansen/adaptive-learning-rate-schedule). It trains on the training set less 10,000 held-out validation images, whose loss the controller reads.' },
];

/** The page's name for an optimizer: its label, or its name. */
export function optimizerLabel(name: string): string {
  return optimizerInfo(name).label ?? name;
}

export const OPTIMIZER_NAMES: readonly string[] = OPTIMIZERS.map((o) => o.name);

/**
 * Does the page-wide Momentum μ apply to this optimizer? Only to the momentum optimizers, whose defaults
 * set μ (SGDM, SGDN, their HD and variant forms); RMSProp keeps its own μ = 0 unless set per run.
 */
export function takesPageMomentum(info: OptimizerInfo): boolean {
  return info.defaults.momentum !== undefined;
}

export function optimizerInfo(name: string): OptimizerInfo {
  const info = OPTIMIZERS.find((o) => o.name === name);
  if (!info) throw new Error(`Unknown optimizer "${name}". Known: ${OPTIMIZER_NAMES.join(', ')}`);
  return info;
}
