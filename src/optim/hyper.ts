// Every hyperparameter an optimizer of this project reads, as plain values in its state, so they can
// change between steps (a slider, a schedule). Each optimizer reads the fields it needs; defaults are
// torch 1.13's and the reference classes' (spec §1-§3).
import type { ScheduleSpec } from './schedules';
import { CONSTANT } from './schedules';

export interface Hyper {
  /** Initial learning rate α₀ (fixed-rate optimizers: the base of the schedule). */
  alpha0: number;
  /** L2 weight decay, folded into the gradient before anything else (spec §0). */
  weightDecay: number;

  // SGD family (torch.optim.SGD)
  momentum: number;
  dampening: number;
  nesterov: boolean;

  // Adam / Adamax
  beta1: number;
  beta2: number;
  /** ε of the model optimizer (Adam 1e-8, Adagrad 1e-10, Adadelta 1e-6, RMSprop 1e-8, Adamax 1e-8). */
  eps: number;
  // Adagrad
  lrDecay: number;
  initialAccumulator: number;
  // Adadelta
  rho: number;
  // RMSprop
  rmsAlpha: number;
  centered: boolean;

  // Hypergradient
  /** β, the hypergradient learning rate. */
  beta: number;
  /** lr optimizer "SGDN"/"SGDM" (op_*_lop_Sgdn): momentum μ_h, dampening, Nesterov or heavy-ball. */
  lrMomentum: number;
  lrDampening: number;
  lrNesterov: boolean;
  /** lr optimizer "Adam" (op_*_lop_Adam). */
  lrBeta1: number;
  lrBeta2: number;
  lrEps: number;
  /**
   * SGD-lr HD (SGD-HD, SGDM-HD, SGDN-HD, Adam-HD): the multiplicative rule of Baydin et al. (ICLR 2018),
   * α ← α·(1 − β·h̃) with the normalised hypergradient h̃ = −g_t·u_{t−1}/(‖g_t‖·‖u_{t−1}‖), a cosine
   * (per tensor: of that tensor's slice). false = the additive α ← α − β·h.
   */
  multiplicativeHypergradient: boolean;
  /**
   * SGD-lr HD: AdaGrad on the hyper-step (Chu, Gao, Ye, Udell, ICML 2025; udellgroup/osgm-best-hypergrad
   * algorithms/hdm.py): G ← G + h², step β/(√G + 1e-12) instead of β (h: the hypergradient the rule uses).
   */
  hdAdagrad: boolean;
  /**
   * SGD-lr HD: null steps of Chu, Gao, Ye, Udell (ICML 2025): the step is kept only when it lowers the
   * minibatch loss, f(x⁺) < f(x); otherwise θ stays (α still learns from the trial). Costs one more loss
   * evaluation per step.
   */
  hdNullSteps: boolean;

  // Reference quirks (spec §4), reference behaviour by default
  /**
   * Adam-family HD: false = the reference's per-tensor, in-loop α update in parameter order (quirk 4.4);
   * true = one global hypergradient per step, as the paper's algorithm. (The SGD family is always global.)
   */
  globalHypergradient: boolean;
  /** Adam on α: false = the reference's bias correction with exponent t (quirk 4.3); true = t − 1. */
  correctedLrBiasCorrection: boolean;
  /** Adam-family HD: true = legacy ε placement √bc2/bc1·m/(√v+ε) (quirk 4.6); false = torch ≥ 1.3's. */
  legacyAdamEps: boolean;

  // Learning-rate safeguards for HD optimizers (off = null: α may go negative or explode, as the reference)
  lrMin: number | null;
  lrMax: number | null;

  /** Schedule of fixed-rate optimizers: α_t = α₀ · factor(t). */
  schedule: ScheduleSpec;

  // ESGD-M (crowsonkb/esgd@0ec117b): betas are beta1/beta2, its ε is eps (default 1e-4 there), its weight
  // decay is weightDecay but decoupled (θ ← θ·(1 − wd·step size)), as the original does.
  /** Exponential learning-rate warm-up coefficient (0 = none; counted on Hessian steps only). */
  lrWarmup: number;
  /** Estimate the Hessian diagonal every this many steps … */
  updateDEvery: number;
  /** … and on each of the first this many steps. */
  dWarmup: number;

  // L-BFGS (torch.optim.LBFGS, 1.13)
  maxIter: number;
  /** null = torch's default ⌊maxIter·5/4⌋. */
  maxEval: number | null;
  toleranceGrad: number;
  toleranceChange: number;
  historySize: number;
  /** line_search_fn: 'strong_wolfe' when true, None when false. */
  strongWolfe: boolean;

  // Learning-rate-free optimizers (each reads the ones it uses; α₀ is their `lr` scale, default 1)
  /** D-Adaptation / Prodigy: initial estimate d₀ of the distance to the solution. */
  d0: number;
  /** D-Adaptation / Prodigy: d may grow by at most this factor per step; null = no limit (∞). */
  growthRate: number | null;
  /** Prodigy: multiplier of the d estimate. */
  dCoef: number;
  /** Prodigy: β₃ of its running sums; null = √β₂. */
  beta3: number | null;
  /** Prodigy / D-Adapt Adam: decoupled (AdamW-style) weight decay. */
  decouple: boolean;
  /** Prodigy / D-Adapt Adam: Adam's bias correction in the step size. */
  useBiasCorrection: boolean;
  /** Prodigy: remove lr from the denominator of the d estimate during warm-up. */
  safeguardWarmup: boolean;
  /** COCOB-Backprop: α, the bound on the initial betting fraction's growth. */
  cocobAlpha: number;
  /** DoG: r_ε = repsRel·(1 + |θ₀|), the initial movement. */
  repsRel: number;
  /** DoG: γ of its polynomial-decay iterate averaging (evaluation at the average). */
  averageGamma: number;
  /** Schedule-Free: linear warm-up steps of the learning rate. */
  warmupSteps: number;
  /** Schedule-Free: r, the weighting power of the averaging (0 = uniform). */
  sfR: number;
  /** Schedule-Free: the averaging weight is lr^weight_lr_power. */
  weightLrPower: number;

  /**
   * Stacked hyperoptimizers (src/optim/stackSpec.ts): the stack, bottom level first, as the paper writes it,
   * e.g. "Adam / SGD(1e-5)". The model level's α is α₀ unless the spec gives it.
   */
  stack: string;

  /**
   * Adam + learned schedule (src/rl/): which trained controller rescales α every 10 steps: the id of a
   * shipped one (public/controllers/<id>.json) or `file:<sha-256 prefix>` for one loaded from a file.
   */
  controller: string;
}

export const HYPER_DEFAULTS: Hyper = {
  alpha0: 1e-3,
  weightDecay: 0,
  momentum: 0,
  dampening: 0,
  nesterov: false,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  lrDecay: 0,
  initialAccumulator: 0,
  rho: 0.9,
  rmsAlpha: 0.99,
  centered: false,
  beta: 1e-3,
  lrMomentum: 0.9,
  lrDampening: 0,
  lrNesterov: true,
  lrBeta1: 0.9,
  lrBeta2: 0.999,
  lrEps: 1e-8,
  multiplicativeHypergradient: false,
  hdAdagrad: false,
  hdNullSteps: false,
  globalHypergradient: false,
  correctedLrBiasCorrection: false,
  legacyAdamEps: true,
  lrMin: null,
  lrMax: null,
  schedule: CONSTANT,
  lrWarmup: 0.99,
  updateDEvery: 10,
  dWarmup: 20,
  maxIter: 20,
  maxEval: null,
  toleranceGrad: 1e-7,
  toleranceChange: 1e-9,
  historySize: 100,
  strongWolfe: false,
  d0: 1e-6,
  growthRate: null,
  dCoef: 1,
  beta3: null,
  decouple: false,
  useBiasCorrection: false,
  safeguardWarmup: false,
  cocobAlpha: 100,
  repsRel: 1e-6,
  averageGamma: 8,
  warmupSteps: 0,
  sfR: 0,
  weightLrPower: 2,
  stack: 'Adam / SGD(1e-5)',
  controller: 'mnist-mlp3-discrete',
};
