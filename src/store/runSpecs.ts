// The runs a Start makes from the page's form: one RunSpec per selected optimizer and seed, their labels,
// and how many train at once. Pure functions of the configuration (the runner starts them).
import { PAGE_EVAL_POINTS } from '../engine/budget';
import type { RunSpec, TrainConfig } from '../engine/types';
import { modelInfo } from '../models/catalog';
import { optimizerInfo, optimizerLabel as catalogLabel } from '../optim/catalog';
import { HYPER_DEFAULTS, type Hyper } from '../optim/hyper';
import type { ParsedOptimizerOptions } from '../config/optimizerOptions';
import type { selectValidation, useConfigStore } from './configStore';

/**
 * Builds the RunSpecs of a Start from the (valid) configuration: one per selected optimizer and seed.
 * `perOptimizer` holds each optimizer's parsed settings (optimizerOptions.ts): they go into
 * `config.options`, keeping only keys of that optimizer's `tunable` list; an α₀, μ or β changed per
 * optimizer replaces the page-wide `config.alpha0` / `momentum` / `beta` of that run (the engine
 * reads those, and the export records them).
 *
 * With `seeds` = N > 1 every optimizer runs N times with seeds base.seed … base.seed + N − 1,
 * everything else equal; the run ids then end in `-s<seed>`. Order: seed-major (every optimizer at
 * the first seed, then at the next…), as the command line's presets expand, so when runs queue
 * (MAX_CONCURRENT_RUNS) the first wave already shows every optimizer.
 */
export function buildSpecs(
  optimizers: readonly string[],
  base: Omit<TrainConfig, 'optimizer' | 'beta' | 'options'>,
  betas: { sgd: number; adam: number },
  idPrefix: string,
  perOptimizer: Readonly<Record<string, ParsedOptimizerOptions>> = {},
  seeds = 1,
): RunSpec[] {
  if (!Number.isInteger(seeds) || seeds < 1) throw new RangeError(`seeds must be a whole number ≥ 1, got ${seeds}`);
  const specs: RunSpec[] = [];
  for (let k = 0; k < seeds; k++) {
    const seed = base.seed + k;
    for (const name of optimizers) {
      const info = optimizerInfo(name);
      // β is recorded even for non-HD optimizers: the value of the group the optimizer belongs to.
      const group = info.betaGroup ?? (info.family === 'adam' ? 'adam' : 'sgd');
      const own = perOptimizer[name];
      const beta = own?.beta ?? (group === 'adam' ? betas.adam : betas.sgd);
      const config: TrainConfig = {
        ...base,
        optimizer: name,
        alpha0: own?.alpha0 ?? base.alpha0,
        beta,
        momentum: own?.momentum ?? base.momentum,
        seed,
      };
      if (own) {
        const allowed = new Set<string>(info.tunable);
        const options: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(own.options)) if (allowed.has(k) && v !== undefined) options[k] = v;
        if (Object.keys(options).length > 0) config.options = options as Partial<Hyper>;
      }
      specs.push({ runId: seeds > 1 ? `${idPrefix}-${name}-s${seed}` : `${idPrefix}-${name}`, config });
    }
  }
  return specs;
}

/**
 * The optimizer as a label names it: its catalog label (its name, or e.g. "Adam + learned schedule"), with
 * a Stack's stack ("Stack: Adam / SGD(1e-5)").
 */
function optimizerLabel(config: TrainConfig): string {
  if (optimizerInfo(config.optimizer).family !== 'stack') return catalogLabel(config.optimizer);
  return `${config.optimizer}: ${config.options?.stack ?? HYPER_DEFAULTS.stack}`;
}

/**
 * A run's display name: "SGD-HD", "SGD-HD · seed 2" when it is one of several seeds, "(run 3)" for later
 * Starts; a Stack run names its stack ("Stack: Adam / SGD(1e-5)").
 */
export function runLabel(config: TrainConfig, seeds: number, batch: number): string {
  const own = optimizerLabel(config);
  const name = seeds > 1 ? `${own} · seed ${config.seed}` : own;
  return batch === 1 ? name : `${name} (run ${batch})`;
}

/**
 * At most this many runs train at once; the others wait and start as runs finish. Why a queue and
 * not all at once: every worker holds its own copy of the dataset (≈ 55 MB for MNIST, ≈ 150 MB for
 * CIFAR-10), so 10 seeds × 8 optimizers at once would ask for gigabytes, and on a few cores more
 * workers than that only share the same CPU time (the total rate does not rise).
 */
export const MAX_CONCURRENT_RUNS = 12;

export type FormValues = NonNullable<ReturnType<typeof selectValidation>['values']>;

/** The run settings the form describes now (everything but optimizer, β and options). */
export function formBase(cfg: ReturnType<typeof useConfigStore.getState>, n: FormValues): Omit<TrainConfig, 'optimizer' | 'beta' | 'options'> {
  return {
    dataset: cfg.dataset,
    model: cfg.model,
    ...(modelInfo(cfg.model).usesWidth ? { width: cfg.width } : {}),
    alpha0: n.alpha0,
    momentum: n.momentum,
    weightDecay: n.weightDecay,
    batchSize: n.batchSize,
    epochs: n.epochs,
    iterations: n.iterations,
    seed: n.seed,
    evalEvery: n.evalEvery,
    // No Eval interval set: a live validation curve (about 25 points) instead of one point per epoch.
    ...(n.evalEvery === null ? { evalPoints: PAGE_EVAL_POINTS } : {}),
  };
}
