// One training step shared by the trainer, the replay tool and the benchmarks:
// loss and gradients at the current parameters, then the optimizer's step, freeing what it replaced.
import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { disposeReplaced } from '../optim/dispose';
import type { OptState, Optimizer } from '../optim/types';

export interface StepResult<S extends OptState> {
  params: Tensor[];
  state: S;
  /** Minibatch loss at the parameters BEFORE the update (the caller owns it and must dispose it). */
  loss: Scalar;
}

export function trainStep<S extends OptState>(
  opt: Optimizer<S>,
  params: Tensor[],
  state: S,
  lossFn: (params: Tensor[]) => Scalar,
): StepResult<S> {
  const { value, grads } = tf.valueAndGrads((...ps: Tensor[]) => lossFn(ps))(params);
  const next = opt.step(params, grads, state);
  // Old params, grads and old state go, except tensors the new state keeps (e.g. u_prev may be g itself).
  disposeReplaced([params, grads, state], [next.params, next.state]);
  return { params: next.params, state: next.state, loss: value as Scalar };
}
