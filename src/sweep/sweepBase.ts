// The page's settings a sweep reuses (read-only): dataset, model, batch size, β per group, μ, weight
// decay, the seed, and each swept optimizer's own settings — and the TrainConfigs of the whole grid.
// Only α₀, the budget and the seeds come from the sweep form. Pure: no React, no DOM, no tfjs.
import type { DatasetName, ModelName, TrainConfig } from '../engine/types';
import { modelInfo } from '../models/catalog';
import { optimizerInfo } from '../optim/catalog';
import { sweepRunConfigs } from '../series/alphaSweep';
import { validateOptimizerOptions, type ParsedOptimizerOptions, type PerOptimizerTexts } from '../config/optimizerOptions';
import { MAX_SEED, validateField, type FieldTexts, type NumericField } from '../config/validate';
import type { SweepSpec } from './sweepForm';

/** What the sweep reads of the configuration store. */
export interface PageSettings {
  dataset: DatasetName;
  model: ModelName;
  width: number;
  texts: FieldTexts;
  perOptimizer: PerOptimizerTexts;
}

export interface SweepBase {
  base: Omit<TrainConfig, 'optimizer' | 'alpha0' | 'beta' | 'iterations' | 'evalEvery' | 'epochs'>;
  betas: { sgd: number; adam: number };
  /** Each swept optimizer's parsed settings (its defaults where the person changed nothing). */
  perOptimizer: Record<string, ParsedOptimizerOptions>;
}

/** Page fields the sweep reads, with the names the page shows them under. */
const USED_FIELDS: readonly [NumericField, string][] = [
  ['batchSize', 'Batch size'],
  ['betaSgd', 'β SGD family'],
  ['betaAdam', 'β Adam family'],
  ['momentum', 'Momentum μ'],
  ['weightDecay', 'Weight decay'],
  ['seed', 'Seed'],
];

/**
 * The base of every run of the sweep, or the page fields that keep it from running (each as
 * "Batch size: must be …"). `modelError` is the page's model-vs-dataset problem, if any; `seedCount`
 * seeds count up from the page's seed and must stay valid seeds.
 */
export function sweepBaseFrom(
  page: PageSettings,
  optimizers: readonly string[],
  modelError: string | null,
  seedCount = 1,
): { base: SweepBase; problems: [] } | { base: null; problems: string[] } {
  const problems: string[] = [];
  const v: Partial<Record<NumericField, number>> = {};
  for (const [field, label] of USED_FIELDS) {
    const r = validateField(field, page.texts[field]);
    if (!r.ok) problems.push(`${label}: ${r.message}`);
    else if (r.value !== null) v[field] = r.value;
  }
  if (v.seed !== undefined && v.seed + seedCount - 1 > MAX_SEED) problems.push(`Seed: ${seedCount} seeds from ${v.seed} pass ${MAX_SEED}`);
  if (modelError) problems.push(`Model: ${modelError}`);
  const perOptimizer: Record<string, ParsedOptimizerOptions> = {};
  for (const name of optimizers) {
    const r = validateOptimizerOptions(name, page.perOptimizer[name], page.texts);
    if (r.parsed) perOptimizer[name] = r.parsed;
    else problems.push(`${name} settings: ${Object.values(r.errors)[0] ?? 'invalid'}`);
  }
  if (problems.length > 0) return { base: null, problems };
  return {
    base: {
      base: {
        dataset: page.dataset,
        model: page.model,
        ...(modelInfo(page.model).usesWidth ? { width: page.width } : {}),
        momentum: v.momentum!,
        weightDecay: v.weightDecay!,
        batchSize: v.batchSize!,
        seed: v.seed!,
      },
      betas: { sgd: v.betaSgd!, adam: v.betaAdam! },
      perOptimizer,
    },
    problems: [],
  };
}

/** Seeds of a sweep: the page's seed and the next ones (seed 1, 2, 3 for 3 seeds from seed 1). */
export function sweepSeeds(pageSeed: number, count: number): number[] {
  if (pageSeed + count - 1 > MAX_SEED) throw new RangeError(`seeds ${pageSeed}…${pageSeed + count - 1} exceed ${MAX_SEED}`);
  return Array.from({ length: count }, (_, k) => pageSeed + k);
}

/**
 * Every run of the grid, in sweepRunConfigs' order (α₀-major, then seed, then optimizer), each a
 * short run: `iterations` steps and one evaluation, at the end (evalEvery = iterations; the engine
 * also evaluates before the first step). Per-optimizer settings apply as on the page (runner.ts
 * buildSpecs): a changed β or μ replaces the page-wide one, options keep the optimizer's tunables.
 */
export function sweepConfigs(spec: SweepSpec, b: SweepBase): TrainConfig[] {
  const template: TrainConfig = {
    ...b.base,
    optimizer: '',
    alpha0: 0,
    beta: b.betas.sgd,
    epochs: 1,
    iterations: spec.iterations,
    evalEvery: spec.iterations,
  };
  const seeds = sweepSeeds(b.base.seed, spec.seedCount);
  return sweepRunConfigs(template, spec.alphas, spec.optimizers, seeds, { betas: b.betas, iterations: spec.iterations }).map((c) => {
    const own = b.perOptimizer[c.optimizer];
    if (!own) return c;
    const allowed = new Set<string>(optimizerInfo(c.optimizer).tunable);
    const options: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(own.options)) if (allowed.has(k) && val !== undefined) options[k] = val;
    const out: TrainConfig = { ...c, beta: own.beta ?? c.beta, momentum: own.momentum ?? c.momentum };
    if (Object.keys(options).length > 0) out.options = options as TrainConfig['options'];
    return out;
  });
}
