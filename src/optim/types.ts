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
