// Mid-run edits: new hyperparameter values take effect from the next step. Everything the optimizers
// read from `state.hp` each step (β, μ, weight decay, the schedule, a fixed α₀ and its schedule) just
// changes; a hypergradient optimizer's α is state, so a new α₀ also resets α to it (the person asked
// for that learning rate now).
import * as tf from '@tensorflow/tfjs';
import type { Hyper } from '../optim/hyper';
import { withHyper, type OptState } from '../optim/types';

export function applyEdits<S extends OptState>(state: S, edits: Partial<Hyper>): S {
  const next = withHyper(state, edits);
  if (edits.alpha0 === undefined) return next;
  state.lr.dispose();
  return { ...next, lr: tf.scalar(edits.alpha0) };
}
