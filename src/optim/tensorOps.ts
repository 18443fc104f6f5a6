// Small tensor helpers the optimizers share.
import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor } from '@tensorflow/tfjs';

/** Σ of scalars (one per parameter tensor). */
export const sumAll = (xs: readonly Tensor[]): Scalar => (xs.length === 1 ? xs[0] : tf.addN(xs as Tensor[])) as Scalar;

/** a·b over every entry. */
export const dot = (a: Tensor, b: Tensor): Scalar => tf.sum(tf.mul(a, b));

/** `old` where the scalar condition `skip` holds, else `updated` (a Python `if … return` as a tf.where). */
export const keepIf = (skip: Tensor, old: Tensor, updated: Tensor): Tensor =>
  tf.where(old.rank === 0 ? skip : tf.broadcastTo(skip, old.shape), old, updated);
