// What the engine needs from a model, whatever its layers: initial tensors from a seed, and logits from
// a batch in training or evaluation mode. Batch norm's running statistics are the model's buffers:
// not trained, replaced by each training forward pass, used by evaluation.
import type { Tensor, Tensor1D, Tensor2D, Tensor4D } from '@tensorflow/tfjs';

export interface ModelTensors {
  /** Trainable tensors in PyTorch's model.parameters() order (the per-tensor Adam-HD reference depends on it). */
  params: Tensor[];
  /** Non-trainable state (batch norm running mean and variance, in torch's buffers() order); empty for most models. */
  buffers: Tensor[];
}

export type ForwardMode =
  /** Batch norm uses the batch's statistics and returns updated running ones; dropout is on, its masks drawn from `seed`. */
  | { training: true; seed: number }
  /** Batch norm uses the running statistics; dropout is off. */
  | { training: false };

export interface ForwardResult {
  /** [n, numClasses] */
  logits: Tensor2D;
  /**
   * Training mode: the new buffers (same order and shapes as the input ones), created with tf.keep so they
   * survive the tidy scope of the gradient computation; the caller disposes the old ones. Evaluation: null.
   */
  buffers: Tensor[] | null;
}

export interface Network {
  /** Fresh tensors, drawn from `seed` in torch's initialisation order for that model. */
  init(seed: number): ModelTensors;
  /** x is [n, height, width, channels], already normalised. */
  forward(params: readonly Tensor[], buffers: readonly Tensor[], x: Tensor4D, mode: ForwardMode): ForwardResult;
  /**
   * H·v, H the Hessian of the batch's mean cross-entropy at `params` (training-mode forward: batch-norm batch
   * statistics, dropout masks of mode.seed), v one tensor per parameter tensor (same shapes). Exact
   * (forward-over-reverse). Buffers are read, never updated. Returns new tensors the caller owns.
   */
  hvp(params: readonly Tensor[], buffers: readonly Tensor[], x: Tensor4D, labels: Tensor1D, numClasses: number, mode: ForwardMode, v: readonly Tensor[]): Tensor[];
  /** torch-style names of the parameter tensors, in params order (e.g. 'layers.0.weight', 'features.0.bias'). */
  paramNames(): string[];
}
