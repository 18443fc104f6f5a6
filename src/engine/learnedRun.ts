// A learned-schedule run driven by a trained controller (the page's worker and `controller eval`): the
// training set less the held-out validation images, and the lrControl that asks the controller.
import { holdOut } from '../data/holdout';
import { subSeed } from '../data/batching';
import { controllerAct, type Controller } from '../rl/controllerFile';
import { nextLr } from '../rl/lrActions';
import { Rng } from '../rl/random';
import type { LrControl } from './trainer';
import { CONTROLLER_FEATURES, type DatasetBuffers } from './types';

/** Seed stream of the controller's action samples (0–2 are the shuffle, augmentation and dropout). */
const CONTROLLER_STREAM = 3;

export interface LearnedRunOptions {
  /**
   * false (default): actions are sampled from the policy, as the reference's test.py (model.predict with
   * its default deterministic=False), from a generator seeded by the run's seed, so a run repeats exactly.
   * true: the most likely action (discrete) or the mean factor (continuous).
   */
  deterministic?: boolean;
}

/**
 * Why `ctrl` cannot drive a run here, or null: the trainer measures CONTROLLER_FEATURES in that order, so
 * a controller whose inputs are named otherwise (other features, another order) would read the wrong ones.
 */
export function controllerInputsProblem(ctrl: Pick<Controller, 'features'>): string | null {
  const want = CONTROLLER_FEATURES.join(', ');
  const got = ctrl.features.join(', ');
  return got === want ? null : `the controller's inputs are ${got}; this trainer measures ${want} (in that order)`;
}

/**
 * A controller's decisions as the trainer asks for them: its action (sampled from a generator seeded by
 * `seed`, or the most likely one), α multiplied by its factor and clipped, no noise. A non-finite feature
 * (a diverging run) cannot be normalised: α stays, and the record shows why.
 */
export function controllerDecide(ctrl: Controller, seed: number, opts: LearnedRunOptions = {}): LrControl['decide'] {
  const rng = new Rng(subSeed(seed, 0, CONTROLLER_STREAM));
  return async (_t, features) => {
    const lr = features[6];
    if (!features.every(Number.isFinite)) return { lr, factor: 1 };
    const { factor } = controllerAct(ctrl, features, opts.deterministic ? { deterministic: true } : { deterministic: false, rng });
    return { lr: nextLr(lr, factor), factor };
  };
}

/** Throws Error (controllerInputsProblem) for a controller whose inputs are not the trainer's features. */
export function learnedRun(data: DatasetBuffers, ctrl: Controller, seed: number, opts: LearnedRunOptions = {}): { data: DatasetBuffers; lrControl: LrControl } {
  const problem = controllerInputsProblem(ctrl);
  if (problem) throw new Error(problem);
  const { train, val } = holdOut(data);
  return { data: train, lrControl: { updateFreq: ctrl.updateFreq, val, decide: controllerDecide(ctrl, seed, opts) } };
}
