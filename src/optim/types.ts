// The optimizer shape (optax-like, see DESIGN.md): explicit state, pure step.
// A step takes the parameters and their gradients and returns NEW parameter tensors and a NEW state;
// the caller disposes what was replaced (src/optim/dispose.ts). Every hyperparameter is a plain value in
// the state (`hp`), read at each step, so it can change between steps (src/optim/hyper.ts).
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import type { Hyper } from './hyper';

export interface OptState {
  /** Steps taken so far (t of the spec after the step). */
  t: number;
  /** The learning rate α after the last step, kept on the device so a step never reads back from the GPU. */
  lr: Scalar;
  hp: Hyper;
}

export interface Optimizer<S extends OptState = OptState> {
  readonly name: string;
  init(params: readonly Tensor[], hp: Hyper): S;
  step(params: readonly Tensor[], grads: readonly Tensor[], state: S): { params: Tensor[]; state: S };
  /**
   * Second-order optimizers (ESGD-M, L-BFGS) step with this instead of `step`: they ask the oracle for
   * more than the gradient (Hessian-vector products, closure calls on the same minibatch). Asynchronous,
   * because L-BFGS reads scalars back to decide (as torch's .item() calls do).
   */
  stepWith?(params: readonly Tensor[], grads: readonly Tensor[], state: S, oracle: LossOracle): Promise<{ params: Tensor[]; state: S }>;
  /**
   * Optimizers that need the oracle only under some settings (hypergradient descent's null steps,
   * hp.hdNullSteps: one more loss evaluation per step): true when the step from `state` must be taken by
   * `oracleStep`; false (or absent) and `step` is used, with nothing changed (no extra evaluation). Unlike
   * `stepWith`, these do not make an optimizer second order: a run counts gradient evaluations only when
   * its first state needs the oracle.
   */
  needsOracle?(state: S): boolean;
  /** The step `needsOracle` asks for: as `stepWith`, with the oracle on the step's minibatch. */
  oracleStep?(params: readonly Tensor[], grads: readonly Tensor[], state: S, oracle: LossOracle): Promise<{ params: Tensor[]; state: S }>;
  /**
   * The per-parameter scales a preconditioned optimizer divides by (ESGD-M: √d), per tensor, when the last
   * step changed them; null otherwise. New tensors the caller owns.
   */
  preconditioner?(state: S): Tensor[] | null;
  /**
   * Where the model is evaluated, when that is not where it trains: Schedule-Free's x (its training
   * gradient is taken at y), DoG's averaged iterate. New tensors the caller owns; absent = `params`.
   */
  evalParams?(params: readonly Tensor[], state: S): Tensor[];
  /**
   * Hyperparameters besides α that change during the run (a stack's μ, β₁, β₂, γ of its model level), for
   * the `hp:*` series. The state's own tensors: read, do not dispose.
   */
  hyperValues?(state: S): Partial<Record<'mu' | 'beta1' | 'beta2' | 'gamma', Scalar>>;
}

/**
 * What a second-order optimizer may ask about the step's minibatch loss L, beyond the gradient at the
 * step's parameters θ that it is given. Each call to `evaluate` or `hvp` costs about one gradient
 * evaluation and is counted (the `Gradient evaluations` axis). The caller owns every returned tensor.
 */
export interface LossOracle {
  /** L at θ, the loss the step's gradient came from. */
  readonly loss0: Scalar;
  /** L and ∇L at other parameters, same minibatch (one call of torch's L-BFGS closure). */
  evaluate(params: readonly Tensor[]): { loss: Scalar; grads: Tensor[] };
  /** H·v, H the Hessian of L at θ (the parameters the step started from), exact. */
  hvp(v: readonly Tensor[]): Tensor[];
  /** The Rademacher probes (entries ±1) of optimizer step t (1-based), one tensor per parameter tensor. */
  probes(t: number): Tensor[];
}

/**
 * A model optimizer seen as a per-tensor update direction u (θ ← θ − α·u). `t` is the 1-based step
 * number of this update. Per-tensor, because the reference Adam-HD changes α between tensors inside one
 * step (spec §2).
 */
export interface Direction<D> {
  init(param: Tensor, hp: Hyper): D;
  apply(grad: Tensor, state: D, t: number, hp: Hyper): { u: Tensor; state: D };
}

/**
 * A learning-rate optimizer: given the (true) hypergradient h = ∂f/∂α = −g_t·u_{t−1}, a new α.
 * `t` is the 1-based step number of the model optimizer (spec §1c, §2c use it for bias correction).
 */
export interface LrRule<L> {
  init(): L;
  apply(h: Scalar, lr: Scalar, state: L, t: number, hp: Hyper): { lr: Scalar; state: L };
}

/** The same state with some hyperparameters changed: they take effect from the next step. */
export function withHyper<S extends OptState>(state: S, patch: Partial<Hyper>): S {
  return { ...state, hp: { ...state.hp, ...patch } };
}
