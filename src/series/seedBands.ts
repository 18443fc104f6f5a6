// Seed bands: several runs that differ only by their seed, drawn as one mean curve with a min–max
// (or ± std) band around it. Pure functions (no React, no DOM, no tfjs).
//
// Alignment policy — what we decided:
// - Curves are aligned by ITERATION value, not by array index: the band's x is the union of the seeds'
//   iterations, ascending. (On the page every run logs 1, 2, 3, …, so this is 1..longest run.)
// - Runs may differ in length: a seed that diverged or was stopped ends early. The statistics at
//   iteration t use only the seeds that have a FINITE value at t; `count[t]` says how many. Past the
//   end of a short seed the band is the survivors' band: it can jump where a seed drops out, and the
//   chart should say "k of n seeds" rather than hide it (survivor bias: the seeds that blew up are no
//   longer in the mean).
// - NaN/±Inf (a diverged step) never enter a sum, a min or a max: one diverged seed must not turn the
//   whole band into NaN, nor drag min to −Inf. Instead `diverged[t]` counts the seeds that have had a
//   non-finite value at or before t (cumulative: a diverged seed stays diverged after its log ends).
// - With no finite value at t, mean/min/max/std are NaN (a gap). std is the SAMPLE std (n − 1), NaN
//   for fewer than two seeds, as the command line's summary (src/cli/summary.ts sampleStd).
// - Each seed's iterations must be strictly increasing; anything else throws RangeError (a merge of
//   unsorted columns would silently mis-align seeds).
import { shownName } from './optimizerNames';
import { formatRate } from '../format/numbers';
import type { EvalRecord, TrainConfig } from '../engine/types';

/** A column and the iterations it was logged at (number[] or typed arrays). */
export interface IterationSeries {
  iteration: ArrayLike<number>;
  values: ArrayLike<number>;
}

/** Per-iteration statistics over seeds. All arrays have the same length. */
export interface Band {
  /** Union of the seeds' iterations, ascending. */
  iteration: Float64Array;
  mean: Float64Array;
  min: Float64Array;
  max: Float64Array;
  /** Sample standard deviation (n − 1); NaN where count < 2. */
  std: Float64Array;
  /** Seeds with a finite value at this iteration. */
  count: Uint32Array;
  /** Seeds that had a non-finite value at or before this iteration. */
  diverged: Uint32Array;
  /** Number of seeds given (the "n" of "k of n"). */
  seeds: number;
}

/**
 * Statistics over seeds at every iteration any seed logged (see the policy at the top of the file).
 * A k-way merge over the seeds' sorted iteration columns: O(total points × seeds).
 */
export function bandByIteration(series: readonly IterationSeries[]): Band {
  const k = series.length;
  const len = series.map((s) => Math.min(s.iteration.length, s.values.length));
  const ptr = new Array<number>(k).fill(0);
  const hasDiverged = new Array<boolean>(k).fill(false);
  let divergedSoFar = 0;
  const it: number[] = [];
  const mean: number[] = [];
  const min: number[] = [];
  const max: number[] = [];
  const std: number[] = [];
  const count: number[] = [];
  const div: number[] = [];
  for (;;) {
    let t = Infinity;
    for (let s = 0; s < k; s++) if (ptr[s] < len[s] && series[s].iteration[ptr[s]] < t) t = series[s].iteration[ptr[s]];
    if (t === Infinity) break;
    // Welford: stable for long-tailed losses, and a constant column keeps delta = 0 (mean exact).
    let n = 0;
    let m = 0;
    let m2 = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let s = 0; s < k; s++) {
      const p = ptr[s];
      if (p >= len[s] || series[s].iteration[p] !== t) continue;
      const next = p + 1 < len[s] ? series[s].iteration[p + 1] : Infinity;
      if (!(next > t)) throw new RangeError(`seed series ${s}: iterations must be strictly increasing (${t} then ${next})`);
      ptr[s] = p + 1;
      const v = series[s].values[p];
      if (!Number.isFinite(v)) {
        if (!hasDiverged[s]) {
          hasDiverged[s] = true;
          divergedSoFar++;
        }
        continue;
      }
      n++;
      const d = v - m;
      m += d / n;
      m2 += d * (v - m);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    it.push(t);
    count.push(n);
    div.push(divergedSoFar);
    if (n === 0) {
      mean.push(NaN);
      min.push(NaN);
      max.push(NaN);
      std.push(NaN);
    } else {
      // Rounding may put the mean an ulp outside [min, max]; a band must contain its own mean.
      mean.push(Math.min(hi, Math.max(lo, m)));
      min.push(lo);
      max.push(hi);
      std.push(n < 2 ? NaN : Math.sqrt(Math.max(0, m2) / (n - 1)));
    }
  }
  // A NaN iteration never wins the `< t` test above, so it would be skipped silently: refuse it.
  for (let s = 0; s < k; s++) {
    if (ptr[s] < len[s]) throw new RangeError(`seed series ${s}: iteration ${series[s].iteration[ptr[s]]} is not a number`);
  }
  return {
    iteration: Float64Array.from(it),
    mean: Float64Array.from(mean),
    min: Float64Array.from(min),
    max: Float64Array.from(max),
    std: Float64Array.from(std),
    count: Uint32Array.from(count),
    diverged: Uint32Array.from(div),
    seeds: k,
  };
}

/** The training columns a band needs; RunRecord.train fits, and so do typed-array buffers. */
export interface TrainSeriesLike {
  iteration: ArrayLike<number>;
  loss: ArrayLike<number>;
  lr: ArrayLike<number>;
}

/**
 * Minibatch-loss and learning-rate bands over seeds. To band smoothed curves, smooth each seed first
 * (debiasedEma) and call {@link bandByIteration}: the mean of smoothed seeds, not a smoothed mean.
 */
export function trainBands(runs: readonly { train: TrainSeriesLike }[]): { loss: Band; lr: Band } {
  return {
    loss: bandByIteration(runs.map((r) => ({ iteration: r.train.iteration, values: r.train.loss }))),
    lr: bandByIteration(runs.map((r) => ({ iteration: r.train.iteration, values: r.train.lr }))),
  };
}

/** Test-set loss and accuracy bands over seeds, aligned by the evaluations' iterations (0 = before training). */
export function evalBands(runs: readonly { evals: readonly EvalRecord[] }[]): { valLoss: Band; valAccuracy: Band } {
  const col = (r: { evals: readonly EvalRecord[] }, f: (e: EvalRecord) => number): IterationSeries => ({
    iteration: r.evals.map((e) => e.iteration),
    values: r.evals.map(f),
  });
  return {
    valLoss: bandByIteration(runs.map((r) => col(r, (e) => e.valLoss))),
    valAccuracy: bandByIteration(runs.map((r) => col(r, (e) => e.valAccuracy))),
  };
}

// ---------- grouping runs by everything but the seed ----------

/**
 * A plain value with object keys sorted and `undefined` members dropped, so that two configs equal as
 * data give the same JSON whatever the order their keys were written in. An empty `options` object
 * means the same as no options (all defaults), so it is dropped too.
 */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = canonical(x);
    }
    return out;
  }
  return v;
}

/** The config without its seed, canonical (sorted keys, no undefined, no empty options). */
export function configWithoutSeed(config: TrainConfig): Record<string, unknown> {
  const { seed: _seed, ...rest } = config;
  const c = canonical(rest) as Record<string, unknown>;
  if (c.options !== undefined && Object.keys(c.options as object).length === 0) delete c.options;
  return c;
}

/**
 * A key equal for two configs exactly when they are equal except for the seed: canonical JSON, so it
 * does not depend on key order or on the order runs arrive in. (-0 and 0 give the same key.)
 */
export function seedGroupKey(config: TrainConfig): string {
  return JSON.stringify(configWithoutSeed(config));
}

export interface SeedGroup<R> {
  key: string;
  /** Optimizer plus the settings in which this group differs from the others, and its seeds. */
  label: string;
  /** The shared config, without the seed (canonical form). */
  config: Record<string, unknown>;
  /** The runs' seeds, ascending (a seed run twice appears twice). */
  seeds: number[];
  /** The runs, by ascending seed (input order among equal seeds). */
  runs: R[];
}

const LABEL_NAMES: Record<string, string> = {
  alpha0: 'α₀', beta: 'β', momentum: 'μ', weightDecay: 'wd', batchSize: 'batch', evalEvery: 'eval every',
};

function labelValue(v: unknown): string {
  if (typeof v === 'number' || v === null) return formatRate(v as number | null);
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** Config as flat path → JSON text (options.* one level down; deeper objects, e.g. a schedule, whole). */
function flatten(c: Record<string, unknown>): Map<string, string> {
  const m = new Map<string, string>();
  for (const [k, v] of Object.entries(c)) {
    if (k === 'options' && v !== null && typeof v === 'object') {
      for (const [ok, ov] of Object.entries(v)) m.set(`options.${ok}`, JSON.stringify(ov));
    } else m.set(k, JSON.stringify(v));
  }
  return m;
}

/**
 * Groups runs whose configs are equal except for `seed` (deep equality, key order ignored). Groups come
 * in the order of their first run. Labels name the optimizer, α₀, and every other setting that differs
 * between the groups (e.g. "SGD-HD · α₀ 1e-3 · β 1e-4 · seeds 1, 2, 3"), so two groups with the same
 * optimizer can be told apart without listing the settings they share.
 */
export function groupBySeed<R extends { config: TrainConfig }>(runs: readonly R[]): SeedGroup<R>[] {
  const byKey = new Map<string, { config: Record<string, unknown>; runs: R[] }>();
  for (const r of runs) {
    const key = seedGroupKey(r.config);
    let g = byKey.get(key);
    if (!g) byKey.set(key, (g = { config: configWithoutSeed(r.config), runs: [] }));
    g.runs.push(r);
  }
  const flat = [...byKey.values()].map((g) => flatten(g.config));
  const paths = [...new Set(flat.flatMap((f) => [...f.keys()]))].sort();
  const varying = paths.filter((p) => p !== 'optimizer' && p !== 'alpha0' && new Set(flat.map((f) => f.get(p))).size > 1);
  return [...byKey.entries()].map(([key, g]) => {
    // Array.prototype.sort is stable: equal seeds keep input order.
    const sorted = [...g.runs].sort((a, b) => a.config.seed - b.config.seed);
    const seeds = sorted.map((r) => r.config.seed);
    const parts = [shownName(String(g.config.optimizer)), `α₀ ${labelValue(g.config.alpha0)}`];
    for (const p of varying) {
      const name = p.startsWith('options.') ? p.slice('options.'.length) : (LABEL_NAMES[p] ?? p);
      const v = p.startsWith('options.') ? (g.config.options as Record<string, unknown> | undefined)?.[name] : g.config[p];
      parts.push(`${name} ${v === undefined ? 'default' : labelValue(v)}`);
    }
    parts.push(`${seeds.length === 1 ? 'seed' : 'seeds'} ${seeds.join(', ')}`);
    return { key, label: parts.join(' · '), config: g.config, seeds, runs: sorted };
  });
}
