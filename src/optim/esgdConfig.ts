// ESGD-M's constructor checks, without tfjs (the command line checks its flags before loading tfjs).
import type { Hyper } from './hyper';

/**
 * The original constructor's checks, same conditions and the same messages; null when valid.
 * (Its `not int(update_d_every)` also refuses 0; a fractional value is refused here too, since a step
 * count is meant.)
 */
export function esgdConfigError(hp: Pick<Hyper, 'alpha0' | 'beta1' | 'beta2' | 'lrWarmup' | 'eps' | 'weightDecay' | 'updateDEvery' | 'dWarmup'>): string | null {
  if (!(hp.alpha0 >= 0)) return `Invalid learning rate: ${hp.alpha0}`;
  if (!(hp.beta1 >= 0 && hp.beta1 < 1)) return `Invalid beta parameter at index 0: ${hp.beta1}`;
  if (!(hp.beta2 >= 0 && hp.beta2 <= 1)) return `Invalid beta parameter at index 1: ${hp.beta2}`;
  if (!(hp.lrWarmup >= 0 && hp.lrWarmup < 1)) return `Invalid lr warmup parameter: ${hp.lrWarmup}`;
  if (!(hp.eps >= 0)) return `Invalid epsilon value: ${hp.eps}`;
  if (!(hp.weightDecay >= 0)) return `Invalid weight_decay value: ${hp.weightDecay}`;
  if (!(Number.isInteger(hp.updateDEvery) && hp.updateDEvery >= 1)) return `Invalid update_d_every parameter: ${hp.updateDEvery}`;
  if (!(Number.isInteger(hp.dWarmup) && hp.dWarmup >= 1)) return `Invalid d_warmup parameter: ${hp.dWarmup}`;
  return null;
}
