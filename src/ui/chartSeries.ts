// What each chart draws, from the series buffers and the view settings: the "entities" (a run, a seed
// group drawn as mean + min–max band, or a variant − baseline difference) and, per entity and metric, the
// smoothed full-resolution series (for the tooltip) and its cut-and-downsampled line, faint raw line and
// band (for drawing). Memoised per entity and metric on the runs' series versions and the view settings,
// so a finished run costs nothing on later refreshes and the domain pass, the layer and the tooltip share
// one computation.
import { datasetInfo } from '../data/datasets';
import type { HpName, TrainColumns, TrainConfig } from '../engine/types';
import { optimizerInfo, type Family } from '../optim/catalog';
import { HYPER_DEFAULTS } from '../optim/hyper';
import { parseStack, STACK_CLASSES, type StackOptimizer } from '../optim/stackSpec';
import type { HpChoice } from '../store/viewStore';
import { evalX, iterationsX, trainX, type RunGeometry, type XAxis } from '../series/axes';
import { diffByIteration, lossSeries, pairWithBaselines } from '../series/baselineDiff';
import { seriesBuffers, type SeriesView } from '../series/buffers';
import { cutAndDownsample, envelope, lowerBound, rangeIndices, smoothThenDownsample, type Envelope, type XY } from '../series/chartPipeline';
import { bandByIteration, groupBySeed } from '../series/seedBands';
import { debiasedEma } from '../series/smoothing';
import type { LineStyle } from './colors';
import { runTrainSize } from '../series/trainSize';

export type ChartKind = 'loss' | 'accuracy' | 'lr';
/** `hp:NAME`: a hyperparameter a Stack run tunes besides α (the learning-rate chart's Hyperparameter select). */
export type ChartMetric = 'loss' | 'lr' | 'valLoss' | 'valAccuracy' | 'lossDiff' | `hp:${HpName}`;

/** A run as the charts know it (labels, configs and styles never change after Start). */
export interface ChartRun {
  runId: string;
  label: string;
  style: LineStyle;
  config: TrainConfig;
}

export interface Entity {
  key: string;
  label: string;
  style: LineStyle;
  kind: 'run' | 'seeds' | 'diff';
  /** run: [id]; seeds: the group's runs; diff: [variant, baseline]. */
  runIds: string[];
  /** The (first) run's config: its geometry converts iterations to epochs and examples. */
  config: TrainConfig;
}

export interface EntityOptions {
  family: Family | 'all';
  showSeeds: boolean;
}

function familyOf(optimizer: string): Family | null {
  try {
    return optimizerInfo(optimizer).family;
  } catch {
    return null;
  }
}

/** The colour families among the runs, in first-appearance order (the options of the view select). */
export function familiesOf(runs: readonly ChartRun[]): Family[] {
  const out: Family[] = [];
  for (const r of runs) {
    const f = familyOf(r.config.optimizer);
    if (f && !out.includes(f)) out.push(f);
  }
  return out;
}

function filterFamily(runs: readonly ChartRun[], family: Family | 'all'): ChartRun[] {
  return family === 'all' ? [...runs] : runs.filter((r) => familyOf(r.config.optimizer) === family);
}

/**
 * One entity per run, except that runs equal but for the seed become one "seeds" entity (mean line and
 * min–max band) unless `showSeeds`.
 */
export function chartEntities(runs: readonly ChartRun[], opts: EntityOptions): Entity[] {
  const shown = filterFamily(runs, opts.family);
  if (opts.showSeeds) return shown.map(runEntity);
  return groupBySeed(shown).map((g) =>
    g.runs.length === 1
      ? runEntity(g.runs[0])
      : {
          key: `seeds:${g.runs.map((r) => r.runId).join(',')}`,
          label: `${g.label} (mean, band min–max)`,
          style: g.runs[0].style,
          kind: 'seeds' as const,
          runIds: g.runs.map((r) => r.runId),
          config: g.runs[0].config,
        },
  );
}

function runEntity(r: ChartRun): Entity {
  return { key: `run:${r.runId}`, label: r.label, style: r.style, kind: 'run', runIds: [r.runId], config: r.config };
}

/** variant − baseline entities for the loss chart, and the runs that have no baseline run to pair with. */
export function diffEntities(runs: readonly ChartRun[], family: Family | 'all'): { entities: Entity[]; unpaired: string[] } {
  const p = pairWithBaselines(filterFamily(runs, family));
  return {
    entities: p.pairs.map(({ run, baseline }) => ({
      key: `diff:${run.runId}-${baseline.runId}`,
      label: `${run.label} − ${baseline.label}`,
      style: run.style,
      kind: 'diff' as const,
      runIds: [run.runId, baseline.runId],
      config: run.config,
    })),
    unpaired: [...p.missingBaseline, ...p.noBaseline].map((r) => r.label),
  };
}

// ---------- per-entity series ----------

export interface SeriesOptions {
  smoothing: number;
  xAxis: XAxis;
  zoom: [number, number] | null;
  /** Points per drawn line (about two per pixel, at most 1,500). */
  threshold: number;
  /** What the learning-rate chart draws: α (default) or a tuned hyperparameter (only runs that have it). */
  hp?: HpChoice;
}

export interface DrawnSeries {
  key: string;
  entity: Entity;
  metric: ChartMetric;
  /** Full-resolution x and (smoothed) y: the tooltip's values. */
  full: XY;
  line: XY;
  raw: XY | null;
  band: Envelope | null;
  width: number;
  /** Evaluation series: each point gets a circle (when there are few). */
  markers: boolean;
}

interface MetricSpec {
  metric: ChartMetric;
  /** Smoothing applies to the noisy minibatch loss only: α and evaluations are shown as they are. */
  smooth: boolean;
  width: number;
  markers: boolean;
}

const TRAIN_LOSS: MetricSpec = { metric: 'loss', smooth: true, width: 1.5, markers: false };
const VAL_LOSS: MetricSpec = { metric: 'valLoss', smooth: false, width: 2.5, markers: true };
const SPECS: Record<ChartKind, readonly MetricSpec[]> = {
  loss: [TRAIN_LOSS, VAL_LOSS],
  accuracy: [{ metric: 'valAccuracy', smooth: false, width: 2, markers: true }],
  lr: [{ metric: 'lr', smooth: false, width: 1.5, markers: false }],
};
const DIFF: MetricSpec = { metric: 'lossDiff', smooth: true, width: 1.5, markers: false };

function geometryOf(config: TrainConfig): RunGeometry {
  return { batchSize: config.batchSize, nTrain: runTrainSize(config.optimizer, datasetInfo(config.dataset).nTrain) };
}

const isEval = (m: ChartMetric) => m === 'valLoss' || m === 'valAccuracy';

/** A run's x and y columns for a metric, at full resolution. */
function columns(v: SeriesView, metric: ChartMetric, axis: XAxis, g: RunGeometry): { iteration: ArrayLike<number>; x: Float64Array; y: Float64Array; time: ArrayLike<number> } {
  if (isEval(metric)) {
    const y = Float64Array.from(v.evals, (e) => (metric === 'valLoss' ? e.valLoss : e.valAccuracy));
    // On the gradient-evaluations axis an evaluation sits at the run's count after its iteration.
    return { iteration: v.evals.map((e) => e.iteration), x: evalX(v.evals, axis, g, v), y, time: v.evals.map((e) => e.time) };
  }
  // trainX reads only `iteration` (or `time`, or `gradEvals`); typed views avoid copying the columns into
  // arrays, and the iteration axis is the iteration column itself.
  const x = axis === 'iteration' ? v.iteration : trainX({ iteration: v.iteration, time: v.time, gradEvals: v.gradEvals }, axis, g);
  return { iteration: v.iteration, x, y: metric === 'lr' ? v.lr : metric === 'loss' ? v.loss : hpColumn(v, metric.slice(3) as HpName), time: v.time };
}

/** A run's column of a tuned hyperparameter (NaN throughout when it has none: callers draw only runs that have it). */
function hpColumn(v: SeriesView, h: HpName): Float64Array {
  return v.hp?.[h] ?? new Float64Array(v.iteration.length).fill(NaN);
}

/** x of the given iterations of a run (iterations ascending, a subset of the run's own). */
function xAtIterations(its: Float64Array, run: SeriesView, axis: XAxis, g: RunGeometry): Float64Array {
  if (axis !== 'time') return iterationsX(its, axis, g, run);
  return Float64Array.from(its, (t) => run.time[Math.min(run.time.length - 1, lowerBound(run.iteration, t))]);
}

const EMPTY: XY = { x: new Float64Array(0), y: new Float64Array(0) };

function compute(entity: Entity, spec: MetricSpec, o: SeriesOptions): Omit<DrawnSeries, 'key' | 'entity' | 'metric' | 'width' | 'markers'> {
  const g = geometryOf(entity.config);
  const views = entity.runIds.map((id) => seriesBuffers.view(id));
  if (views.some((v) => !v)) return { full: EMPTY, line: EMPTY, raw: null, band: null };
  const vs = views as SeriesView[];
  const w = spec.smooth ? o.smoothing : 0;

  if (entity.kind === 'diff') {
    const [variant, baseline] = vs.map((v) => ({ train: { iteration: v.iteration, loss: v.loss } }));
    const smooth = diffByIteration(lossSeries(variant, w), lossSeries(baseline, w));
    const raw = w > 0 ? diffByIteration(lossSeries(variant), lossSeries(baseline)).diff : null;
    const x = xAtIterations(smooth.iteration, vs[0], o.xAxis, g);
    return { ...cutAndDownsample(x, smooth.diff, raw, o.threshold, o.zoom), band: null };
  }

  if (entity.kind === 'run') {
    const c = columns(vs[0], spec.metric, o.xAxis, g);
    return { ...smoothThenDownsample(c.x, c.y, w, o.threshold, o.zoom), band: null };
  }

  // Seeds: smooth each seed, then the statistics (the mean of smoothed seeds, not a smoothed mean).
  const cols = vs.map((v) => columns(v, spec.metric, o.xAxis, g));
  const band = bandByIteration(cols.map((c) => ({ iteration: c.iteration, values: w > 0 ? debiasedEma(c.y, w) : c.y })));
  // On the time and gradient-evaluations axes (each seed has its own) each iteration sits at the seeds' mean.
  const x =
    o.xAxis === 'time' || o.xAxis === 'gradEvals'
      ? bandByIteration(cols.map((c) => ({ iteration: c.iteration, values: o.xAxis === 'time' ? c.time : c.x }))).mean
      : trainX({ iteration: band.iteration } as unknown as TrainColumns, o.xAxis, g);
  const p = cutAndDownsample(x, band.mean, null, o.threshold, o.zoom);
  const [from, to] = rangeIndices(x, o.zoom);
  return { ...p, band: envelope(x.subarray(from, to), band.min.subarray(from, to), band.max.subarray(from, to), o.threshold) };
}

interface CacheEntry {
  sig: string;
  series: DrawnSeries;
}

const cache = new Map<string, CacheEntry>();

function signature(entity: Entity, spec: MetricSpec, o: SeriesOptions): string {
  const versions = entity.runIds.map((id) => seriesBuffers.view(id)?.version ?? -1).join(',');
  return `${versions}|${spec.smooth ? o.smoothing : 0}|${o.xAxis}|${o.zoom?.join(',') ?? ''}|${o.threshold}`;
}

function seriesOf(entity: Entity, spec: MetricSpec, o: SeriesOptions): DrawnSeries {
  const key = `${entity.key}\u0000${spec.metric}`;
  const sig = signature(entity, spec, o);
  const hit = cache.get(key);
  if (hit && hit.sig === sig && hit.series.entity === entity) return hit.series;
  const series: DrawnSeries = { key, entity, metric: spec.metric, width: spec.width, markers: spec.markers, ...compute(entity, spec, o) };
  cache.set(key, { sig, series });
  return series;
}

const HP_SPECS: Record<HpName, MetricSpec> = {
  mu: { metric: 'hp:mu', smooth: false, width: 1.5, markers: false },
  beta1: { metric: 'hp:beta1', smooth: false, width: 1.5, markers: false },
  beta2: { metric: 'hp:beta2', smooth: false, width: 1.5, markers: false },
  gamma: { metric: 'hp:gamma', smooth: false, width: 1.5, markers: false },
};

/**
 * Everything one chart draws, for its entities (the loss chart's are diff entities in that view). The
 * learning-rate chart with a hyperparameter other than α (`o.hp`) draws it for the entities whose runs
 * all have its column, and nothing for the others.
 */
export function seriesForChart(kind: ChartKind, entities: readonly Entity[], o: SeriesOptions): DrawnSeries[] {
  const out: DrawnSeries[] = [];
  const hp = kind === 'lr' && o.hp !== undefined && o.hp !== 'alpha' ? o.hp : null;
  for (const e of entities) {
    if (hp !== null && (e.kind === 'diff' || !e.runIds.every((id) => seriesBuffers.view(id)?.hp?.[hp] !== undefined))) continue;
    const specs = e.kind === 'diff' ? [DIFF] : hp !== null ? [HP_SPECS[hp]] : SPECS[kind];
    for (const spec of specs) out.push(seriesOf(e, spec, o));
  }
  return out;
}

/** Forget cached series of entities no longer drawn. */
export function pruneSeriesCache(keepEntityKeys: ReadonlySet<string>): void {
  for (const key of cache.keys()) {
    if (!keepEntityKeys.has(key.slice(0, key.indexOf('\u0000')))) cache.delete(key);
  }
}

// ---------- tuned hyperparameters ----------

/** The Greek letter of each choice of the Hyperparameter select. */
export const HP_SYMBOLS: Record<HpChoice, string> = { alpha: 'α', mu: 'μ', beta1: 'β₁', beta2: 'β₂', gamma: 'γ' };

/** The model-level optimizer of a Stack whose run streams each hyperparameter (besides α, which all have). */
export const HP_MODEL_LEVEL: Record<HpName, StackOptimizer> = { mu: 'SGD', beta1: 'Adam', beta2: 'Adam', gamma: 'RMSProp' };

/**
 * Whether a run tunes (streams) hyperparameter `h`: it has the column, or, before its first points, it is
 * a Stack whose model level is of a class with `h` (SGD: μ; Adam: β₁, β₂; RMSProp: γ).
 */
export function runTunesHp(run: Pick<ChartRun, 'runId' | 'config'>, h: HpName): boolean {
  if (seriesBuffers.view(run.runId)?.hp?.[h] !== undefined) return true;
  if (run.config.optimizer !== 'Stack') return false;
  try {
    const spec = parseStack(run.config.options?.stack ?? HYPER_DEFAULTS.stack);
    const level = spec.levels[0];
    return level !== undefined && STACK_CLASSES[level.optimizer].tunable.includes(h);
  } catch {
    return false;
  }
}

/**
 * The learning-rate chart's caption words for a hyperparameter other than α: which runs have none
 * (`runs`: those shown). α needs none (every run has it).
 */
export function hpCaption(h: HpName, runs: readonly Pick<ChartRun, 'runId' | 'label' | 'config'>[]): string {
  const sym = HP_SYMBOLS[h];
  const level = HP_MODEL_LEVEL[h];
  const without = runs.filter((r) => !runTunesHp(r, h));
  if (runs.length === 0 || without.length === runs.length) return `No run tunes ${sym}: only a Stack whose model level is ${level} does.`;
  const none = without.length > 0 ? `. Not drawn (no ${sym}): ${without.map((r) => r.label).join(', ')}` : '';
  return `${sym} after each iteration, as the Stack's hyperoptimizer tuned it (Stacks whose model level is ${level})${none}`;
}

// ---------- ranges ----------

/** min, max and the smallest positive value of what is drawn inside the x range (line, raw, band). */
export function yExtent(series: readonly DrawnSeries[], zoom: [number, number] | null): { min: number; max: number; minPositive: number } {
  let min = Infinity, max = -Infinity, minPositive = Infinity;
  const take = (xs: Float64Array, ys: Float64Array) => {
    for (let i = 0; i < ys.length; i++) {
      const y = ys[i];
      if (!Number.isFinite(y) || (zoom && (xs[i] < zoom[0] || xs[i] > zoom[1]))) continue;
      if (y < min) min = y;
      if (y > max) max = y;
      if (y > 0 && y < minPositive) minPositive = y;
    }
  };
  for (const s of series) {
    take(s.line.x, s.line.y);
    if (s.raw) take(s.raw.x, s.raw.y);
    if (s.band) {
      take(s.band.x, s.band.lo);
      take(s.band.x, s.band.hi);
    }
  }
  return { min, max, minPositive };
}

/**
 * The right end of the x axis: the largest budget among the runs in the axis' units, or the latest time.
 * In gradient evaluations a second-order run's budget is estimated at its mean rate so far (it grows
 * with the run, as time does).
 */
export function xEnd(runs: readonly { runId: string; config: TrainConfig; budget: number }[], axis: XAxis): number {
  let end = 0;
  for (const r of runs) {
    if (axis === 'time') {
      const v = seriesBuffers.view(r.runId);
      if (v && v.time.length > 0) end = Math.max(end, v.time[v.time.length - 1]);
    } else if (axis === 'gradEvals') {
      const v = seriesBuffers.view(r.runId);
      const x = iterationsX([r.budget], axis, geometryOf(r.config), v ?? undefined);
      end = Math.max(end, x[0]);
    } else {
      const x = trainX({ iteration: [r.budget] } as unknown as TrainColumns, axis, geometryOf(r.config));
      end = Math.max(end, x[0]);
    }
  }
  return end;
}

/** x of each mid-run edit of a run on the current x axis (NaN where the run has no point there yet). */
export function eventXs(run: ChartRun, iterations: readonly number[], axis: XAxis): number[] {
  const v = seriesBuffers.view(run.runId);
  if (!v || iterations.length === 0) return iterations.map(() => NaN);
  if (axis === 'iteration') return [...iterations];
  return Array.from(xAtIterations(Float64Array.from(iterations), v, axis, geometryOf(run.config)));
}
