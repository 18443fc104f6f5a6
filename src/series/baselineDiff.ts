// "Difference from baseline": a variant's loss minus its baseline's loss at the same iteration, so
// small gaps between curves that overlap on a log chart become readable (below 0: the variant is
// ahead). The baseline is the catalog's (src/optim/catalog.ts): SGDop-* → SGD-HD, SGD-HD → SGD, …
// Pure functions (no React, no DOM, no tfjs).
import type { TrainConfig } from '../engine/types';
import { OPTIMIZERS, takesPageMomentum, type OptimizerInfo } from '../optim/catalog';
import { HYPER_DEFAULTS, type Hyper } from '../optim/hyper';
import { debiasedEma } from './smoothing';
import type { IterationSeries } from './seedBands';

export interface Difference {
  /** Iterations both runs logged, ascending. */
  iteration: Float64Array;
  /** variant − baseline at each of those iterations. */
  diff: Float64Array;
  /** How many of the variant's iterations the baseline lacks (and the other way round): dropped. */
  variantOnly: number;
  baselineOnly: number;
}

/**
 * variant − baseline, matched by iteration value (an inner join: an iteration only one run logged is
 * dropped and counted, e.g. after one of them diverged and stopped). Pass smoothed values to get the
 * difference of smoothed curves: smoothing each run first keeps the debiasing and the NaN handling of
 * debiasedEma per run.
 *
 * Non-finite values follow IEEE subtraction, deliberately: the variant blowing up gives +Inf, the
 * baseline blowing up −Inf, NaN in either (or both infinite) NaN — a gap, which lttb keeps visible.
 * Iterations must be strictly increasing in each input (RangeError otherwise).
 */
export function diffByIteration(variant: IterationSeries, baseline: IterationSeries): Difference {
  const na = Math.min(variant.iteration.length, variant.values.length);
  const nb = Math.min(baseline.iteration.length, baseline.values.length);
  checkIncreasing(variant.iteration, na, 'variant');
  checkIncreasing(baseline.iteration, nb, 'baseline');
  const it: number[] = [];
  const d: number[] = [];
  let i = 0;
  let j = 0;
  while (i < na && j < nb) {
    const a = variant.iteration[i];
    const b = baseline.iteration[j];
    if (a === b) {
      it.push(a);
      d.push(variant.values[i] - baseline.values[j]);
      i++;
      j++;
    } else if (a < b) i++;
    else j++;
  }
  return { iteration: Float64Array.from(it), diff: Float64Array.from(d), variantOnly: na - it.length, baselineOnly: nb - it.length };
}

function checkIncreasing(x: ArrayLike<number>, n: number, what: string): void {
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(x[i]) || (i > 0 && !(x[i] > x[i - 1]))) throw new RangeError(`${what}: iterations must be strictly increasing numbers (index ${i})`);
  }
}

/** A run's minibatch loss by iteration, smoothed with debiasedEma weight `smoothing` (0 = raw). */
export function lossSeries(run: { train: { iteration: ArrayLike<number>; loss: ArrayLike<number> } }, smoothing = 0): IterationSeries {
  return { iteration: run.train.iteration, values: smoothing > 0 ? debiasedEma(run.train.loss, smoothing) : run.train.loss };
}

// ---------- pairing runs with their baselines ----------

export interface BaselinePair<R> {
  run: R;
  baseline: R;
}

export interface Pairing<R> {
  pairs: BaselinePair<R>[];
  /** Runs whose optimizer has a baseline in the catalog but no matching baseline run among the runs. */
  missingBaseline: R[];
  /** Runs whose optimizer has no baseline (the classic ones) or is not in the catalog. */
  noBaseline: R[];
}

function infoOf(name: string): OptimizerInfo | undefined {
  return OPTIMIZERS.find((o) => o.name === name);
}

/**
 * The hyperparameters the engine would run this config with, as the trainer assembles them
 * (page-wide α₀, β, weight decay and — for the momentum optimizers — μ, then `options`, keeping only
 * what the optimizer reads, over its defaults; src/engine/trainer.ts pageWide + registry.ts hyperFor,
 * restated here because registry.ts imports tfjs).
 */
function effectiveHyper(c: TrainConfig, info: OptimizerInfo): Hyper {
  const set: Partial<Hyper> = {
    alpha0: c.alpha0,
    beta: c.beta,
    weightDecay: c.weightDecay,
    ...(takesPageMomentum(info) ? { momentum: c.momentum } : {}),
    ...c.options,
  };
  const allowed = new Set<string>(['alpha0', 'weightDecay', ...info.tunable]);
  const chosen: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(set)) if (allowed.has(k) && v !== undefined) chosen[k] = v;
  return { ...HYPER_DEFAULTS, ...info.defaults, ...chosen } as Hyper;
}

/** Run settings outside the optimizer that change the loss curve (or its x axis). */
function sameRun(a: TrainConfig, b: TrainConfig): boolean {
  return (
    a.dataset === b.dataset &&
    a.model === b.model &&
    a.seed === b.seed &&
    a.batchSize === b.batchSize &&
    a.iterations === b.iterations &&
    (a.iterations !== null || a.epochs === b.epochs) && // epochs only count without an iteration budget
    a.evalEvery === b.evalEvery &&
    (a.width ?? 1) === (b.width ?? 1)
  );
}

/**
 * Is `base` (a run of `run`'s baseline optimizer) the same experiment as `run`, optimizer aside?
 * Same data, model, seed, budget, and the same value of every hyperparameter BOTH optimizers read
 * (α₀, weight decay, and the intersection of their `tunable` lists, with defaults filled in): a
 * variant's μ_h has no counterpart in SGD-HD, and plain SGD does not read β, so those cannot differ.
 */
export function isBaselineOf(run: TrainConfig, base: TrainConfig): boolean {
  const ri = infoOf(run.optimizer);
  const bi = infoOf(base.optimizer);
  if (!ri || !bi || ri.baseline !== bi.name || !sameRun(run, base)) return false;
  const rh = effectiveHyper(run, ri);
  const bh = effectiveHyper(base, bi);
  const baseTunable = new Set<string>(bi.tunable);
  const shared = ['alpha0', 'weightDecay', ...ri.tunable.filter((k) => baseTunable.has(k))] as (keyof Hyper)[];
  // Values are numbers, booleans, null or a plain schedule object: JSON compares all of them.
  return shared.every((k) => JSON.stringify(rh[k]) === JSON.stringify(bh[k]));
}

/**
 * Pairs every run with a run of its catalog baseline that is the same experiment otherwise
 * ({@link isBaselineOf}). Several runs may share one baseline run (SGDop-SGDNlop and SGDop-Adamlop both
 * read against SGD-HD); when several baseline runs match, the first in input order is taken.
 * Pairs come in input order of `run`.
 */
export function pairWithBaselines<R extends { config: TrainConfig }>(runs: readonly R[]): Pairing<R> {
  const out: Pairing<R> = { pairs: [], missingBaseline: [], noBaseline: [] };
  for (const run of runs) {
    const info = infoOf(run.config.optimizer);
    if (!info || info.baseline === null) {
      out.noBaseline.push(run);
      continue;
    }
    const baseline = runs.find((b) => b !== run && isBaselineOf(run.config, b.config));
    if (baseline) out.pairs.push({ run, baseline });
    else out.missingBaseline.push(run);
  }
  return out;
}
