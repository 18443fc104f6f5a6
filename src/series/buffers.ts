// Metric series of every run of the session, outside React state ("transient updates").
// Workers' metric batches are appended to growable typed columns; charts subscribe and read
// views at their own pace; exporters read plain arrays through `get`.
//
// Second-order runs (ESGD-M, L-BFGS) also stream `gradEvals` (cumulative gradient evaluations) and
// ESGD-M its preconditioner's quantiles (`curvature`). A run gets a gradEvals column only once a batch
// brings one (first-order runs never allocate it: their gradient evaluations are their iterations);
// points that came without one read as their iteration.
//
// Stack runs also stream the hyperparameters their hyperoptimizer tunes besides α (`hp`: μ, β₁, β₂,
// γ; α is `lr`). Each is a column like gradEvals, allocated when a batch first brings it; points that
// came without it (before it, or in a batch that lacks it) read as NaN (no value known).
import { HP_NAMES, type ControllerRecord, type CurvatureRecord, type EvalRecord, type HpName, type MetricBatch, type TrainColumns } from '../engine/types';

/** A growable Float64Array column (amortised O(1) append). */
class Column {
  private buf = new Float64Array(1024);
  length = 0;

  pushAll(values: ArrayLike<number>): void {
    const need = this.length + values.length;
    if (need > this.buf.length) {
      let cap = this.buf.length;
      while (cap < need) cap *= 2;
      const next = new Float64Array(cap);
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
    }
    for (let i = 0; i < values.length; i++) this.buf[this.length + i] = values[i];
    this.length = need;
  }

  /** A copy of the values from index `from` to the end (what a persisted chunk holds). */
  sliceFrom(from: number): Float64Array {
    return this.buf.slice(from, this.length);
  }

  /** A view of the filled part (valid until the next append). */
  view(): Float64Array {
    return this.buf.subarray(0, this.length);
  }

  toArray(): number[] {
    return Array.from(this.view());
  }
}

interface RunSeries {
  iteration: Column;
  epoch: Column;
  loss: Column;
  lr: Column;
  time: Column;
  /** Second-order runs only; null until a batch brings the column. */
  gradEvals: Column | null;
  /** Stack runs only: the tuned hyperparameters besides α, each created when a batch first brings it. */
  hp: Partial<Record<HpName, Column>>;
  evals: EvalRecord[];
  /** ESGD-M's preconditioner snapshots, in order. */
  curvature: CurvatureRecord[];
  /** A learned schedule's controller decisions, in order. */
  controller: ControllerRecord[];
  /** Bumped on every append: lets readers memoise per run. */
  version: number;
}

/** Read-only views for drawing; arrays are views into the buffers (do not keep across refreshes). */
export interface SeriesView {
  runId: string;
  iteration: Float64Array;
  epoch: Float64Array;
  loss: Float64Array;
  lr: Float64Array;
  time: Float64Array;
  /** Cumulative gradient evaluations per point; absent for first-order runs (= iteration). */
  gradEvals?: Float64Array;
  /** Tuned hyperparameters besides α (a Stack run's μ, β₁, β₂, γ), each as long as `iteration`; absent for other runs. */
  hp?: Partial<Record<HpName, Float64Array>>;
  evals: readonly EvalRecord[];
  /** ESGD-M's preconditioner snapshots in iteration order (empty for other optimizers). */
  curvature: readonly CurvatureRecord[];
  /** A learned schedule's controller decisions in iteration order (empty for other optimizers). */
  controller: readonly ControllerRecord[];
  version: number;
}

/**
 * Plain data for exporters (a RunRecord's `train`, `evals` and `curvature`): `train.gradEvals` only for a
 * run that has the column, `train.hp` only for a run with hyperparameter columns (each as long as
 * `iteration`), `curvature` only when the run has snapshots.
 */
export interface SeriesData {
  train: TrainColumns;
  evals: EvalRecord[];
  curvature?: CurvatureRecord[];
  controller?: ControllerRecord[];
}

/** Series to load into a run: plain arrays (an import) or typed arrays (restored chunks). */
export interface SeriesInput {
  /** `gradEvals` and each `hp` column (optional): as long as `iteration` when given (others are ignored). */
  train: {
    iteration: ArrayLike<number>;
    epoch: ArrayLike<number>;
    loss: ArrayLike<number>;
    lr: ArrayLike<number>;
    time: ArrayLike<number>;
    gradEvals?: ArrayLike<number>;
    hp?: Partial<Record<HpName, ArrayLike<number>>>;
  };
  evals: readonly EvalRecord[];
  curvature?: readonly CurvatureRecord[];
  controller?: readonly ControllerRecord[];
}

/**
 * New points of one run (copies): training columns as Float64Arrays, plus evaluations; `gradEvals`
 * only for a run with the column, `curvature` only when new snapshots came.
 */
export interface SeriesTail {
  iteration: Float64Array;
  epoch: Float64Array;
  loss: Float64Array;
  lr: Float64Array;
  time: Float64Array;
  gradEvals?: Float64Array;
  /** A Stack run's hyperparameter columns (from `fromTrain`), only when the run has any. */
  hp?: Partial<Record<HpName, Float64Array>>;
  evals: EvalRecord[];
  curvature?: CurvatureRecord[];
  controller?: ControllerRecord[];
}

type Listener = (runIds: ReadonlySet<string>) => void;

export class SeriesBuffers {
  private runs = new Map<string, RunSeries>();
  private listeners = new Set<Listener>();
  /** Bumped on every change to any run. */
  version = 0;

  private series(runId: string): RunSeries {
    let s = this.runs.get(runId);
    if (!s) {
      s = {
        iteration: new Column(),
        epoch: new Column(),
        loss: new Column(),
        lr: new Column(),
        time: new Column(),
        gradEvals: null,
        hp: {},
        evals: [],
        curvature: [],
        controller: [],
        version: 0,
      };
      this.runs.set(runId, s);
    }
    return s;
  }

  /** Registers a run with empty series (so it is exported/drawn even before its first batch). */
  ensure(runId: string): void {
    this.series(runId);
  }

  appendBatch(batch: MetricBatch): void {
    const s = this.series(batch.runId);
    const t = batch.train;
    if (t && t.iteration.length > 0) {
      s.iteration.pushAll(t.iteration);
      s.epoch.pushAll(t.epoch);
      s.loss.pushAll(t.loss);
      s.lr.pushAll(t.lr);
      s.time.pushAll(t.time);
      pushGradEvals(s, t.iteration, t.gradEvals);
      pushHp(s, t.iteration.length, t.hp);
    }
    if (batch.evals && batch.evals.length > 0) {
      for (const e of batch.evals) s.evals.push(e);
    }
    if (batch.curvature) for (const c of batch.curvature) s.curvature.push(c);
    if (batch.controller) for (const c of batch.controller) s.controller.push(c);
    s.version++;
    this.version++;
    this.emit(new Set([batch.runId]));
  }

  /**
   * Replaces a run's series with `data` (a restored or imported run). One notification, like an
   * append; an empty `data` leaves an empty, registered run.
   */
  load(runId: string, data: SeriesInput): void {
    this.runs.delete(runId);
    const s = this.series(runId);
    const t = data.train;
    s.iteration.pushAll(t.iteration);
    s.epoch.pushAll(t.epoch);
    s.loss.pushAll(t.loss);
    s.lr.pushAll(t.lr);
    s.time.pushAll(t.time);
    pushGradEvals(s, t.iteration, t.gradEvals);
    pushHp(s, t.iteration.length, t.hp);
    for (const e of data.evals) s.evals.push(e);
    if (data.curvature) for (const c of data.curvature) s.curvature.push(c);
    if (data.controller) for (const c of data.controller) s.controller.push(c);
    s.version++;
    this.version++;
    this.emit(new Set([runId]));
  }

  /** Forgets a run (deleted by the person). */
  delete(runId: string): void {
    if (!this.runs.delete(runId)) return;
    this.version++;
    this.emit(new Set([runId]));
  }

  /** Moves a run's series to another id (the store renames a run id that collides); `to` is replaced. */
  rename(from: string, to: string): void {
    const s = this.runs.get(from);
    if (!s || from === to) return;
    this.runs.delete(from);
    s.version++;
    this.runs.set(to, s);
    this.version++;
    this.emit(new Set([from, to]));
  }

  /** Number of evaluations recorded for a run. */
  evalCount(runId: string): number {
    return this.runs.get(runId)?.evals.length ?? 0;
  }

  /** A second-order run's gradient evaluations after its last training point; undefined for other runs (or none yet). */
  lastGradEvals(runId: string): number | undefined {
    const g = this.runs.get(runId)?.gradEvals;
    return g && g.length > 0 ? g.view()[g.length - 1] : undefined;
  }

  /** Number of preconditioner snapshots recorded for a run. */
  curvatureCount(runId: string): number {
    return this.runs.get(runId)?.curvature.length ?? 0;
  }

  /** Number of learned-schedule decisions recorded for a run. */
  controllerCount(runId: string): number {
    return this.runs.get(runId)?.controller.length ?? 0;
  }

  /**
   * The points recorded after the first `fromTrain` training points, `fromEval` evaluations,
   * `fromCurvature` preconditioner snapshots and `fromController` controller decisions, as copies (what
   * the persistence layer writes as one append-only chunk: O(new points)).
   */
  tail(runId: string, fromTrain: number, fromEval: number, fromCurvature = 0, fromController = 0): SeriesTail {
    const s = this.runs.get(runId);
    if (!s) {
      const empty = new Float64Array(0);
      return { iteration: empty, epoch: empty, loss: empty, lr: empty, time: empty, evals: [] };
    }
    const out: SeriesTail = {
      iteration: s.iteration.sliceFrom(fromTrain),
      epoch: s.epoch.sliceFrom(fromTrain),
      loss: s.loss.sliceFrom(fromTrain),
      lr: s.lr.sliceFrom(fromTrain),
      time: s.time.sliceFrom(fromTrain),
      evals: s.evals.slice(fromEval),
    };
    if (s.gradEvals) out.gradEvals = s.gradEvals.sliceFrom(fromTrain);
    const hp = hpMap(s, (c) => c.sliceFrom(fromTrain));
    if (hp) out.hp = hp;
    if (s.curvature.length > fromCurvature) out.curvature = s.curvature.slice(fromCurvature);
    if (s.controller.length > fromController) out.controller = s.controller.slice(fromController);
    return out;
  }

  has(runId: string): boolean {
    return this.runs.has(runId);
  }

  /** Number of training iterations recorded for a run. */
  length(runId: string): number {
    return this.runs.get(runId)?.iteration.length ?? 0;
  }

  lastEval(runId: string): EvalRecord | undefined {
    const e = this.runs.get(runId)?.evals;
    return e && e.length > 0 ? e[e.length - 1] : undefined;
  }

  /** Copies of the raw series (for export): intact, never downsampled. */
  get(runId: string): SeriesData {
    const s = this.runs.get(runId);
    if (!s) return { train: { iteration: [], epoch: [], loss: [], lr: [], time: [] }, evals: [] };
    const out: SeriesData = {
      train: {
        iteration: s.iteration.toArray(),
        epoch: s.epoch.toArray(),
        loss: s.loss.toArray(),
        lr: s.lr.toArray(),
        time: s.time.toArray(),
      },
      evals: s.evals.slice(),
    };
    if (s.gradEvals) out.train.gradEvals = s.gradEvals.toArray();
    const hp = hpMap(s, (c) => c.toArray());
    if (hp) out.train.hp = hp;
    if (s.curvature.length > 0) out.curvature = s.curvature.slice();
    if (s.controller.length > 0) out.controller = s.controller.slice();
    return out;
  }

  /** A run's preconditioner snapshots in iteration order (empty for runs without; do not mutate). */
  curvature(runId: string): readonly CurvatureRecord[] {
    return this.runs.get(runId)?.curvature ?? [];
  }

  /** A learned-schedule run's controller decisions in iteration order (empty for runs without; do not mutate). */
  controller(runId: string): readonly ControllerRecord[] {
    return this.runs.get(runId)?.controller ?? [];
  }

  /** Zero-copy views for drawing. */
  view(runId: string): SeriesView | undefined {
    const s = this.runs.get(runId);
    if (!s) return undefined;
    const hp = hpMap(s, (c) => c.view());
    return {
      runId,
      iteration: s.iteration.view(),
      epoch: s.epoch.view(),
      loss: s.loss.view(),
      lr: s.lr.view(),
      time: s.time.view(),
      ...(s.gradEvals ? { gradEvals: s.gradEvals.view() } : {}),
      ...(hp ? { hp } : {}),
      evals: s.evals,
      curvature: s.curvature,
      controller: s.controller,
      version: s.version,
    };
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  clear(): void {
    const ids = new Set(this.runs.keys());
    this.runs.clear();
    this.version++;
    this.emit(ids);
  }

  private emit(ids: ReadonlySet<string>): void {
    for (const l of this.listeners) l(ids);
  }
}

/**
 * Appends a batch's gradEvals (the run's `iteration` column already holds the batch). The column is
 * created on the first batch that has one, earlier points filled with their iterations; a batch
 * without one (or of the wrong length) in a run that has the column adds its iterations likewise.
 */
function pushGradEvals(s: RunSeries, iterations: ArrayLike<number>, gradEvals: ArrayLike<number> | undefined): void {
  const ok = gradEvals !== undefined && gradEvals.length === iterations.length;
  if (!s.gradEvals) {
    if (!ok) return;
    s.gradEvals = new Column();
    const before = s.iteration.length - iterations.length;
    if (before > 0) s.gradEvals.pushAll(s.iteration.view().subarray(0, before));
  }
  s.gradEvals.pushAll(ok ? gradEvals : iterations);
}

/**
 * Appends a batch's hyperparameter columns (`n` points; the run's `iteration` column already holds
 * them). A column is created on the first batch that brings it, earlier points NaN; a run's column
 * that a batch lacks (or brings with the wrong length) gets NaN for that batch's points.
 */
function pushHp(s: RunSeries, n: number, hp: Partial<Record<HpName, ArrayLike<number>>> | undefined): void {
  if (n === 0) return;
  for (const h of HP_NAMES) {
    const v = hp?.[h];
    const ok = v !== undefined && v.length === n;
    let c = s.hp[h];
    if (!c) {
      if (!ok) continue;
      c = s.hp[h] = new Column();
      const before = s.iteration.length - n;
      if (before > 0) c.pushAll(new Float64Array(before).fill(NaN));
    }
    c.pushAll(ok ? v : new Float64Array(n).fill(NaN));
  }
}

/** `f` of each hyperparameter column of a run, in HP_NAMES order; undefined when it has none. */
function hpMap<T>(s: RunSeries, f: (c: Column) => T): Partial<Record<HpName, T>> | undefined {
  let out: Partial<Record<HpName, T>> | undefined;
  for (const h of HP_NAMES) {
    const c = s.hp[h];
    if (c) (out ??= {})[h] = f(c);
  }
  return out;
}

/** The page's single instance. */
export const seriesBuffers = new SeriesBuffers();
