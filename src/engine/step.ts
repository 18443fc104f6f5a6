// One training step shared by the trainer, the replay tool and the benchmarks:
// loss and gradients at the current parameters, then the optimizer's step, freeing what it replaced.
// Second-order optimizers (`stepWith`) also get an oracle on the same minibatch: further loss/gradient
// evaluations (L-BFGS's closure) and exact Hessian-vector products (ESGD-M), each counted; so do
// optimizers whose `needsOracle` asks for it for this state (HD with null steps: the trial point's loss).
import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { disposeReplaced } from '../optim/dispose';
import type { LossOracle, OptState, Optimizer } from '../optim/types';

export interface StepResult<S extends OptState> {
  params: Tensor[];
  state: S;
  /** Minibatch loss at the parameters BEFORE the update (the caller owns it and must dispose it). */
  loss: Scalar;
  /** Gradient evaluations the step cost: 1, plus each further closure call and each Hessian-vector product. */
  gradEvals: number;
}

/** What the caller knows about the model's curvature on this step's minibatch (second-order optimizers). */
export interface CurvatureSource {
  /** H·v at `params`, exact; the caller of hvp owns the result. */
  hvp(params: readonly Tensor[], v: readonly Tensor[]): Tensor[];
  /** The Rademacher probes of optimizer step t (1-based), one tensor per parameter tensor. */
  probes(t: number): Tensor[];
}

export async function trainStep<S extends OptState>(
  opt: Optimizer<S>,
  params: Tensor[],
  state: S,
  lossFn: (params: Tensor[]) => Scalar,
  curvature?: CurvatureSource,
): Promise<StepResult<S>> {
  const valueAndGrads = tf.valueAndGrads((...ps: Tensor[]) => lossFn(ps));
  const { value, grads } = valueAndGrads(params);
  let gradEvals = 1;
  let next: { params: Tensor[]; state: S };
  // Optimizers that need the oracle only under some settings (HD's null steps) say so per state.
  const conditional = !opt.stepWith && opt.oracleStep !== undefined && opt.needsOracle?.(state) === true;
  if (opt.stepWith || conditional) {
    const noCurvature = (): never => {
      throw new Error(`${opt.name} needs Hessian-vector products, which this caller does not provide`);
    };
    const oracle: LossOracle = {
      loss0: value as Scalar,
      evaluate: (ps) => {
        gradEvals++;
        const r = valueAndGrads(ps as Tensor[]);
        return { loss: r.value as Scalar, grads: r.grads };
      },
      hvp: (v) => {
        gradEvals++;
        return curvature ? curvature.hvp(params, v) : noCurvature();
      },
      probes: (t) => (curvature ? curvature.probes(t) : noCurvature()),
    };
    next = opt.stepWith ? await opt.stepWith(params, grads, state, oracle) : await opt.oracleStep!(params, grads, state, oracle);
  } else {
    next = opt.step(params, grads, state);
  }
  // Old params, grads and old state go, except tensors the new state keeps (e.g. u_prev may be g itself).
  disposeReplaced([params, grads, state], [next.params, next.state]);
  return { params: next.params, state: next.state, loss: value as Scalar, gradEvals };
}
