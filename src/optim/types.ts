// The optimizer shape (optax-like, see DESIGN.md): explicit state, pure step.
// A step takes the parameters and their gradients and returns NEW parameter tensors and a NEW state;
// the caller disposes what was replaced (src/optim/dispose.ts). α and the weight decay are plain values
// in the state, so they can change between steps; the other hyperparameters (μ, β, Adam's betas) are
// fixed when the optimizer is built.
import type { Scalar, Tensor } from '@tensorflow/tfjs';

export interface OptState {
  /** Steps taken so far (t of the spec after the step). */
  t: number;
  /** The learning rate α, kept on the device so a step never reads back from the GPU. */
  lr: Scalar;
}

export interface Optimizer<S extends OptState = OptState> {
  readonly name: string;
  init(params: readonly Tensor[]): S;
  step(params: readonly Tensor[], grads: readonly Tensor[], state: S): { params: Tensor[]; state: S };
}

/**
 * A model optimizer seen as a per-tensor update direction u (θ ← θ − α·u).
 * `t` is the 1-based step number of this update. Per-tensor, because the reference Adam-HD
 * changes α between tensors inside one step (spec §2).
 */
export interface Direction<D> {
  init(param: Tensor): D;
  apply(grad: Tensor, state: D, t: number): { u: Tensor; state: D };
}

/**
 * A learning-rate optimizer: given the (true) hypergradient h = ∂f/∂α = −g_t·u_{t−1}, a new α.
 * `t` is the 1-based step number of the model optimizer (spec §1c, §2c use it for bias correction).
 */
export interface LrRule<L> {
  init(): L;
  apply(h: Scalar, lr: Scalar, state: L, t: number): { lr: Scalar; state: L };
}
