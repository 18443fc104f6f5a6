// What a mid-run edit changes for one running run: the hyperparameters where the run's configuration
// and the same optimizer's configuration built from the form now differ. Pure (no stores, no workers).
import type { TrainConfig } from '../engine/types';
import { optimizerInfo, takesPageMomentum } from '../optim/catalog';
import { HYPER_DEFAULTS, type Hyper } from '../optim/hyper';

/** The Hyper keys the engine takes from a config's page-wide fields (src/engine/trainer.ts pageWide). */
function pageWide(c: TrainConfig): Partial<Hyper> {
  const withMomentum = takesPageMomentum(optimizerInfo(c.optimizer));
  return { alpha0: c.alpha0, beta: c.beta, weightDecay: c.weightDecay, ...(withMomentum ? { momentum: c.momentum } : {}) };
}

/**
 * The changes that turn `running` into `next` (same optimizer), as the engine applies them; null when
 * nothing an optimizer reads changed. Settings that cannot change mid-run (model, data, batch size,
 * budget, seed) are not looked at: the caller refuses those edits.
 */
export function editsBetween(running: TrainConfig, next: TrainConfig): Partial<Hyper> | null {
  if (running.optimizer !== next.optimizer) throw new Error(`editsBetween: ${running.optimizer} vs ${next.optimizer}`);
  const tunable = new Set<string>(optimizerInfo(next.optimizer).tunable);
  const before: Record<string, unknown> = { ...pageWide(running), ...running.options };
  const after: Record<string, unknown> = { ...pageWide(next), ...next.options };
  const out: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    // Only what this optimizer reads (α₀ and weight decay always; β, μ and the rest when tunable).
    if (key !== 'alpha0' && key !== 'weightDecay' && !tunable.has(key)) continue;
    // A learned schedule's controller is resolved when its run starts (src/worker/learnedController.ts).
    if (START_ONLY_OPTIONS.has(key)) continue;
    if (!(key in after)) continue; // back to a default it already had: nothing to send
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) out[key] = after[key];
  }
  return Object.keys(out).length > 0 ? (out as Partial<Hyper>) : null;
}

/** Options an optimizer reads only when its run starts (Adam + learned schedule's controller). */
const START_ONLY_OPTIONS: ReadonlySet<string> = new Set(['controller']);

/** Settings that only take effect at Start: the names of those that differ, for the page's message. */
export function startOnlyDifferences(running: TrainConfig, next: TrainConfig): string[] {
  const names: [keyof TrainConfig, string][] = [
    ['dataset', 'dataset'], ['model', 'model'], ['width', 'width'], ['batchSize', 'batch size'], ['epochs', 'epochs'],
    ['iterations', 'iterations'], ['seed', 'seed'], ['evalEvery', 'evaluation interval'],
  ];
  const out = names.filter(([k]) => JSON.stringify(running[k]) !== JSON.stringify(next[k])).map(([, label]) => label);
  // The controller: a changed choice (the default when unset) of an optimizer that reads it.
  if (running.optimizer === next.optimizer && optimizerInfo(next.optimizer).tunable.includes('controller')) {
    const ref = (c: TrainConfig) => c.options?.controller ?? HYPER_DEFAULTS.controller;
    if (ref(running) !== ref(next)) out.push('controller');
  }
  return out;
}

/** An edit's changes as config fields: the page-wide ones at the top, the rest in options. */
export function configPatch(changes: Partial<Hyper>): Partial<TrainConfig> {
  const { alpha0, beta, momentum, weightDecay, ...rest } = changes;
  return {
    ...(alpha0 !== undefined ? { alpha0 } : {}),
    ...(beta !== undefined ? { beta } : {}),
    ...(momentum !== undefined ? { momentum } : {}),
    ...(weightDecay !== undefined ? { weightDecay } : {}),
    ...(Object.keys(rest).length > 0 ? { options: rest } : {}),
  };
}

/** A run's config with the edits it has taken, in order (options merged, not replaced). */
export function configWithEdits(config: TrainConfig, edits: readonly Partial<Hyper>[]): TrainConfig {
  let now = config;
  for (const changes of edits) {
    const p = configPatch(changes);
    now = { ...now, ...p, options: p.options ? { ...now.options, ...p.options } : now.options };
  }
  return now;
}
