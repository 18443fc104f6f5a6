// How long a run is and when it evaluates: pure functions of the configuration, shared by the engine
// and the page (which must not import tfjs).
import { itersPerEpoch } from '../data/batching';
import type { TrainConfig } from './types';

/** Budget in iterations: `iterations` when set, else whole epochs (last partial batch included). */
export function totalIterations(cfg: Pick<TrainConfig, 'iterations' | 'epochs' | 'batchSize'>, nTrain: number): number {
  return cfg.iterations ?? cfg.epochs * itersPerEpoch(nTrain, cfg.batchSize);
}


/** Validation points of a page run whose Eval interval is left empty. */
export const PAGE_EVAL_POINTS = 25;

/**
 * Share of a run's work that the in-between (subset) evaluations may take. Training costs about three
 * forward passes per example (forward, and a backward of about twice that); an evaluation one per
 * test image. So `points` evaluations of n images cost points·n / (3·total·batch) of the training.
 */
export const DENSE_EVAL_SHARE = 0.05;
/** Fewest test images of a validation subset: below this, accuracy moves by > 2 points from noise alone. */
export const MIN_EVAL_SUBSET = 250;
/** Seed of the validation subset: one fixed subset for every run and seed, so their curves compare. */
export const EVAL_SUBSET_SEED = 20170226;

/**
 * When a run evaluates (always before training and after its last iteration), and on what.
 * - `every`: every this many iterations (null: none in between);
 * - `epochEnds`: at each epoch end too (the reference's ValidLossEpoch);
 * - `subset`: test images of the evaluations that are neither at an epoch end, iteration 0 nor the last
 *   (null = the full test set everywhere). So the epoch columns of the reference CSV keep their meaning.
 */
export interface EvalPlan {
  every: number | null;
  epochEnds: boolean;
  subset: number | null;
}

export function evalPlan(
  cfg: Pick<TrainConfig, 'iterations' | 'epochs' | 'batchSize' | 'evalEvery' | 'evalPoints'>,
  nTrain: number,
  nTest: number,
): EvalPlan {
  if (cfg.evalEvery !== null) return { every: cfg.evalEvery, epochEnds: false, subset: null };
  if (cfg.evalPoints === undefined) return { every: null, epochEnds: true, subset: null };
  const total = totalIterations(cfg, nTrain);
  const perEpoch = itersPerEpoch(nTrain, cfg.batchSize);
  const every = Math.max(1, Math.min(perEpoch, Math.ceil(total / cfg.evalPoints)));
  const inBetween = Math.ceil(total / every);
  const affordable = Math.floor((DENSE_EVAL_SHARE * 3 * total * cfg.batchSize) / inBetween);
  const subset = Math.max(MIN_EVAL_SUBSET, affordable);
  return { every, epochEnds: true, subset: subset >= nTest ? null : subset };
}

/** Evaluate after iteration t (1-based)? */
export function evalDue(t: number, total: number, plan: EvalPlan, perEpoch: number): boolean {
  return t === total || (plan.every !== null && t % plan.every === 0) || (plan.epochEnds && t % perEpoch === 0);
}

/** Does the evaluation after iteration t use the full test set (else the plan's subset)? */
export function fullEvalAt(t: number, total: number, perEpoch: number, plan: EvalPlan): boolean {
  return plan.subset === null || t === 0 || t === total || t % perEpoch === 0;
}

/** The plan in words, for the charts' caption and the export's sidecar. */
export function describeEvalPlan(plan: EvalPlan, nTest: number): string {
  const fmt = (n: number) => n.toLocaleString('en-US');
  if (plan.every === null) return `validation on all ${fmt(nTest)} test images at each epoch end`;
  const ends = plan.epochEnds ? ' and at each epoch end' : '';
  if (plan.subset === null) return `validation on all ${fmt(nTest)} test images every ${fmt(plan.every)} iterations${ends}`;
  return (
    `validation every ${fmt(plan.every)} iterations on a fixed subset of ${fmt(plan.subset)} test images ` +
    `(the same for every run), on all ${fmt(nTest)} at each epoch end and at the last iteration`
  );
}
