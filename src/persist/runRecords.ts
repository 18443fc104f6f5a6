// What the page keeps about each run in IndexedDB, and how it is read back. Pure: no DOM, no IndexedDB.
//
// Layout (database RUNS_DB_NAME, separate from the dataset database so neither has to know the
// other's version):
// - `runs`: one record per run, keyed by its storage key (a random id given when the run is
//   created; the run id itself may change when it collides with a new run's id). Rewritten whenever
//   the run's metadata changes (state, iteration, label…): a few hundred bytes.
// - `chunks`: the run's metric series as append-only chunks keyed [storage key, seq]: each flush
//   writes only the points recorded since the previous one, so a write costs O(new points) however
//   long the run is. Training columns are Float64Arrays (structured clone copies them as bytes).
//   Second-order runs' chunks also hold `gradEvals` (a Float64Array as long as the others) and
//   ESGD-M's `curvature` records of that stretch; chunks written before they existed have neither and
//   read as a first-order run's (gradient evaluations = iterations, no curvature).
//   Learned-schedule runs' chunks also hold `controller`: the controller's decisions of that stretch
//   (ControllerRecord: iteration, the 7 features, factor, lr); chunks without it read as none.
//   Stack runs' chunks also hold `hp`: { mu?, beta1?, beta2?, gamma? }, Float64Arrays as long as the
//   others (the tuned hyperparameters besides α, which is `lr`); a chunk without a column the run's
//   other chunks have reads as NaN there.
// - `session`: one record saying which runs the charts showed (the last comparison).
// A record of another layout, or one that does not look like ours, is skipped on the way out.
import { isDatasetName } from '../data/datasets';
import { BACKEND_ORDER, HP_NAMES, type ControllerRecord, type CurvatureRecord, type EvalRecord, type HpName, type TrainConfig } from '../engine/types';
import { isModelName } from '../models/catalog';
import type { SeriesInput, SeriesTail } from '../series/buffers';
import { ACTIVE_STATES, type RunMeta, type RunMetaState } from './runMeta';

export const RUNS_DB_NAME = 'hypergradient-playground-runs';
export const RUNS_DB_VERSION = 1;
export const RUN_LAYOUT = 1;
export const SESSION_KEY = 'session';

/** A run's metadata as stored (RunMeta without the storage key, which is the record's key). */
export type StoredMeta = Omit<RunMeta, 'storageKey'>;

export interface PersistedRun {
  layout: typeof RUN_LAYOUT;
  key: string;
  /** Creation order across sessions (monotonic, ms-based): restored runs are listed in this order. */
  createdAt: number;
  meta: StoredMeta;
}

export interface PersistedChunk extends SeriesTail {
  key: string;
  seq: number;
}

export interface SessionRecord {
  layout: typeof RUN_LAYOUT;
  /** Storage keys of the runs the charts showed. */
  current: string[];
}

/** One atomic write (one IndexedDB transaction). */
export interface RunDbWrite {
  runs: PersistedRun[];
  chunks: PersistedChunk[];
  /** Storage keys whose run record and chunks are to be removed. */
  deletes: string[];
  session?: SessionRecord;
}

export function toPersistedRun(meta: RunMeta, key: string, createdAt: number): PersistedRun {
  const { storageKey: _omit, ...rest } = meta;
  void _omit;
  return { layout: RUN_LAYOUT, key, createdAt, meta: rest };
}

const STATES: Record<RunMetaState, true> = {
  loading: true, training: true, paused: true, done: true, diverged: true, stopped: true, error: true, interrupted: true,
};

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isPlainObj = (v: unknown): v is Record<string, unknown> => isObj(v) && !Array.isArray(v) && !ArrayBuffer.isView(v);
const isNum = (v: unknown): v is number => typeof v === 'number';
const isFiniteNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const BACKENDS: readonly unknown[] = BACKEND_ORDER;

/** A stored TrainConfig: every field the page, the charts and the export read, of its declared type. */
function isStoredConfig(c: unknown): c is TrainConfig {
  if (!isPlainObj(c)) return false;
  if (!isDatasetName(c.dataset) || !isModelName(c.model) || typeof c.optimizer !== 'string' || c.optimizer === '') return false;
  if (![c.alpha0, c.beta, c.momentum, c.weightDecay, c.epochs, c.seed].every(isFiniteNum)) return false;
  if (!Number.isSafeInteger(c.batchSize) || (c.batchSize as number) < 1) return false;
  if (c.iterations !== null && !isFiniteNum(c.iterations)) return false;
  if (c.evalEvery !== null && !isFiniteNum(c.evalEvery)) return false;
  if (c.options !== undefined && !isPlainObj(c.options)) return false;
  return c.width === undefined || isFiniteNum(c.width);
}

const isEvent = (e: unknown): boolean => isPlainObj(e) && isNum(e.iteration) && isNum(e.time) && isPlainObj(e.changes);

/**
 * A stored run record back, or null when it is not one of ours in this layout: every field of the
 * metadata is checked against its declared type, so an older or damaged record reads as absent
 * instead of reaching the page with, say, a string where α₀ should be.
 */
export function fromPersistedRun(value: unknown): PersistedRun | null {
  if (!isPlainObj(value) || value.layout !== RUN_LAYOUT || typeof value.key !== 'string' || !isFiniteNum(value.createdAt)) return null;
  const m = value.meta;
  if (!isPlainObj(m) || typeof m.runId !== 'string' || m.runId === '' || typeof m.label !== 'string') return null;
  if (!isFiniteNum(m.batch) || !isFiniteNum(m.iteration) || !isFiniteNum(m.total) || !isStoredConfig(m.config)) return null;
  if (typeof m.state !== 'string' || !Object.prototype.hasOwnProperty.call(STATES, m.state)) return null;
  if (m.backend !== null && !BACKENDS.includes(m.backend)) return null;
  if (m.message !== undefined && typeof m.message !== 'string') return null;
  if (m.divergedAt !== undefined && !isNum(m.divergedAt)) return null;
  if (m.events !== undefined && !(Array.isArray(m.events) && m.events.every(isEvent))) return null;
  return value as unknown as PersistedRun;
}

const isEval = (e: unknown): e is EvalRecord =>
  isPlainObj(e) && [e.iteration, e.epoch, e.time, e.valLoss, e.valAccuracy].every(isNum) && (e.firstBatchLoss === undefined || isNum(e.firstBatchLoss));

const isLayerQuantiles = (q: unknown): boolean =>
  isPlainObj(q) && typeof q.layer === 'string' && isNum(q.q10) && isNum(q.q50) && isNum(q.q90);

/** A stored preconditioner snapshot: an iteration and its layers' quantiles. */
export const isCurvatureRecord = (c: unknown): c is CurvatureRecord =>
  isPlainObj(c) && isNum(c.iteration) && Array.isArray(c.layers) && c.layers.every(isLayerQuantiles);

/** A stored controller decision: an iteration, its features, the factor and the new α. */
export const isControllerRecord = (c: unknown): c is ControllerRecord =>
  isPlainObj(c) && isNum(c.iteration) && Array.isArray(c.features) && c.features.every(isNum) && isNum(c.factor) && isNum(c.lr);

/** A stored chunk's `hp`: known names only, each a Float64Array of the chunk's `n` points. */
function isHpColumns(hp: unknown, n: number): boolean {
  if (!isPlainObj(hp)) return false;
  const known: readonly string[] = HP_NAMES;
  return Object.entries(hp).every(([k, c]) => known.includes(k) && c instanceof Float64Array && c.length === n);
}

function isChunk(v: unknown): v is PersistedChunk {
  // seq becomes part of the next chunk's IndexedDB key: NaN would make that write fail, a fraction or ∞ would misorder it.
  if (!isPlainObj(v) || typeof v.key !== 'string' || !Number.isSafeInteger(v.seq) || (v.seq as number) < 0) return false;
  if (!Array.isArray(v.evals) || !v.evals.every(isEval)) return false;
  if (v.curvature !== undefined && !(Array.isArray(v.curvature) && v.curvature.every(isCurvatureRecord))) return false;
  if (v.controller !== undefined && !(Array.isArray(v.controller) && v.controller.every(isControllerRecord))) return false;
  const n = v.iteration instanceof Float64Array ? v.iteration.length : -1;
  if (v.gradEvals !== undefined && !(v.gradEvals instanceof Float64Array && v.gradEvals.length === n)) return false;
  if (v.hp !== undefined && !isHpColumns(v.hp, n)) return false;
  return n >= 0 && (['epoch', 'loss', 'lr', 'time'] as const).every((c) => v[c] instanceof Float64Array && (v[c] as Float64Array).length === n);
}

export interface MergedSeries extends SeriesInput {
  train: {
    iteration: Float64Array;
    epoch: Float64Array;
    loss: Float64Array;
    lr: Float64Array;
    time: Float64Array;
    gradEvals?: Float64Array;
    hp?: Partial<Record<HpName, Float64Array>>;
  };
  evals: EvalRecord[];
  /** ESGD-M's snapshots; absent when no chunk has any. */
  curvature?: CurvatureRecord[];
  /** A learned schedule's decisions; absent when no chunk has any. */
  controller?: ControllerRecord[];
  /** The seq the next chunk of this run gets. */
  nextSeq: number;
}

/**
 * A run's chunks (any order, as read) joined into one series in seq order. A malformed chunk is
 * skipped (its points are lost, the others are kept).
 */
export function mergeChunks(chunks: readonly unknown[]): MergedSeries {
  const ok = chunks.filter(isChunk).sort((a, b) => a.seq - b.seq);
  let n = 0;
  for (const c of ok) n += c.iteration.length;
  const col = () => new Float64Array(n);
  const train: MergedSeries['train'] = { iteration: col(), epoch: col(), loss: col(), lr: col(), time: col() };
  // A second-order run: any chunk with gradEvals (the others', if any, read as their iterations).
  const gradEvals = ok.some((c) => c.gradEvals !== undefined) ? col() : undefined;
  // A Stack run: a column for each hyperparameter any chunk has (NaN over the chunks without it).
  let hp: Partial<Record<HpName, Float64Array>> | undefined;
  for (const h of HP_NAMES) if (ok.some((c) => c.hp?.[h] !== undefined)) (hp ??= {})[h] = col().fill(NaN);
  const evals: EvalRecord[] = [];
  const curvature: CurvatureRecord[] = [];
  const controller: ControllerRecord[] = [];
  let at = 0;
  for (const c of ok) {
    for (const k of ['iteration', 'epoch', 'loss', 'lr', 'time'] as const) train[k].set(c[k], at);
    gradEvals?.set(c.gradEvals ?? c.iteration, at);
    if (hp) for (const h of HP_NAMES) if (c.hp?.[h]) hp[h]?.set(c.hp[h], at);
    at += c.iteration.length;
    for (const e of c.evals) evals.push(e);
    if (c.curvature) for (const r of c.curvature) curvature.push(r);
    if (c.controller) for (const r of c.controller) controller.push(r);
  }
  if (gradEvals) train.gradEvals = gradEvals;
  if (hp) train.hp = hp;
  const nextSeq = ok.length === 0 ? 0 : ok[ok.length - 1].seq + 1;
  return { train, evals, ...(curvature.length > 0 ? { curvature } : {}), ...(controller.length > 0 ? { controller } : {}), nextSeq };
}

/**
 * The metadata a restored run is shown with: a run that was still loading, training or paused when
 * the page went away is "interrupted", at the last iteration that reached storage.
 */
export function restoredMeta(meta: StoredMeta, series: MergedSeries, key: string): RunMeta {
  const out: RunMeta = { ...meta, storageKey: key };
  if (ACTIVE_STATES.has(meta.state)) {
    const it = series.train.iteration;
    out.state = 'interrupted';
    out.iteration = it.length > 0 ? it[it.length - 1] : 0;
    out.message = 'the page was closed or reloaded while it ran';
  }
  return out;
}

/** Monotonic creation stamps: Date.now(), bumped past the last one handed out. */
export function createStamp(last: number, now: number = Date.now()): number {
  return Math.max(now, last + 1);
}
