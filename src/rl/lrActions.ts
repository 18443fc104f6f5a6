// How a controller's action becomes the child's learning rate, as the reference environment
// (nicklashansen/adaptive-learning-rate-schedule, environment.py: _update_lr, _add_lr_noise, _clip_lr, reset).
// Pure: the random draws come from the caller's seeded generator.

/** The reference clips α to [1e-5, 1e-1]. */
export const LR_MIN = 1e-5;
export const LR_MAX = 1e-1;
/** Standard deviation of the Gaussian noise added to α after every action (training only). */
export const LR_NOISE_STD = 1e-5;
/** An episode's initial α is one of these (then noised by a tenth of itself and clipped). */
export const INITIAL_LRS: readonly number[] = [1e-2, 1e-3, 1e-4];
/** Steps between two actions, and training steps per episode (the reference: 10 and 1,000). */
export const UPDATE_FREQ = 10;
export const EPISODE_STEPS = 1000;
/** The discrete actions' factor (the issue's ±5 %; the reference's default action_range is 1.06). */
export const ACTION_FACTOR = 1.05;

export function clipLr(lr: number): number {
  return Math.min(LR_MAX, Math.max(LR_MIN, lr));
}

/**
 * α after an action that multiplies it by `factor`, plus `noise`·LR_NOISE_STD (noise: a standard normal
 * draw, 0 for none), clipped. Decision: clipped also without noise (the reference clips only inside its
 * noise function), so an evaluation or a page run can never leave [1e-5, 1e-1] either.
 */
export function nextLr(lr: number, factor: number, noise = 0): number {
  return clipLr(lr * factor + LR_NOISE_STD * noise);
}

/** An episode's initial α from a uniform draw u ∈ [0, 1) (which of INITIAL_LRS) and a standard normal z. */
export function episodeInitialLr(u: number, z: number): number {
  const base = INITIAL_LRS[Math.min(INITIAL_LRS.length - 1, Math.floor(u * INITIAL_LRS.length))];
  return clipLr(base + (base / 10) * z);
}
