// One child-network training run of the learned-schedule environment (nicklashansen/adaptive-learning-
// rate-schedule, environment.py): Adam on the training set less the held-out validation images, batch
// 1,000, an observation every 10 steps, 1,000 steps after the first observation (the reference stops once
// more than num_train_steps were taken: 1,010 steps, 101 observations, 100 actions). The same function
// runs the PPO environment (src/cli/controllerEnvChild.ts), a trained controller and the baselines
// (src/cli/controllerEval.ts): only `decide` differs.
import type { DatasetBuffers, ControllerRecord, EvalRecord, ModelName, TrainConfig } from '../engine/types';
import { train, type LrControl } from '../engine/trainer';
import type { Holdout } from '../data/holdout';
import { EPISODE_STEPS, UPDATE_FREQ } from '../rl/lrActions';

export interface EpisodeSettings {
  dataset: DatasetBuffers['name'];
  model: ModelName;
  width: number;
  batchSize: number;
  /** Training steps after the first observation (the reference's num_train_steps, 1,000). */
  steps: number;
}

export const REFERENCE_EPISODE: Omit<EpisodeSettings, 'dataset' | 'model'> = { width: 1, batchSize: 1000, steps: EPISODE_STEPS };

/** The run: Adam-Learned at α₀ = initialLr; the only test-set evaluation is at the end. */
export function episodeConfig(s: EpisodeSettings, initialLr: number, seed: number): TrainConfig {
  const iterations = s.steps + UPDATE_FREQ;
  return {
    dataset: s.dataset,
    model: s.model,
    optimizer: 'Adam-Learned',
    alpha0: initialLr,
    beta: 0,
    momentum: 0,
    weightDecay: 0, // torch.optim.Adam's default, as the reference
    batchSize: s.batchSize,
    epochs: 1,
    iterations,
    seed,
    evalEvery: iterations,
    ...(s.width !== 1 ? { width: s.width } : {}),
  };
}

export interface EpisodeResult {
  controller: ControllerRecord[];
  /** The test-set evaluation at the end. */
  test: EvalRecord | null;
  state: string;
  wallS: number;
}

/** Trains one episode; `decide` is the controller (or the learner, or a fixed schedule). */
export async function runEpisode(split: Holdout, s: EpisodeSettings, initialLr: number, seed: number, decide: LrControl['decide']): Promise<EpisodeResult> {
  const controller: ControllerRecord[] = [];
  const evals: EvalRecord[] = [];
  const started = performance.now();
  const state = await train(
    { runId: `episode-${seed}`, config: episodeConfig(s, initialLr, seed) },
    split.train,
    {
      metrics: (b) => {
        if (b.controller) controller.push(...b.controller);
        evals.push(...b.evals);
      },
      status: () => {},
    },
    { checkpoint: async () => 'go' },
    { flushMs: 1e9, lrControl: { updateFreq: UPDATE_FREQ, val: split.val, decide } },
  );
  const test = evals.filter((e) => e.iteration > 0).at(-1) ?? null;
  return { controller, test, state, wallS: (performance.now() - started) / 1000 };
}
