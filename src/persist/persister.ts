// Keeps IndexedDB in step with the runs store and the series buffers, and brings runs back on load.
//
// Writes are batched: a change (new points, a status patch, a rename, a delete) schedules one flush
// `delayMs` later; the flush compares what is in memory with what it has written and writes the
// difference in ONE transaction: changed run records, one append-only chunk per run holding only
// the points recorded since the last flush (O(new points)), deleted runs, and the charts' run list.
// Counters advance only once the transaction has committed, and flushes never overlap, so a chunk
// is written exactly once. The first failure (quota, IndexedDB refused…) stops persisting and is
// reported once; the page goes on in memory.
import type { SeriesBuffers } from '../series/buffers';
import type { LoadedRun, RunMeta } from './runMeta';
import type { RunDb } from './runDb';
import {
  createStamp,
  fromPersistedRun,
  mergeChunks,
  restoredMeta,
  RUN_LAYOUT,
  toPersistedRun,
  type PersistedRun,
  type RunDbWrite,
} from './runRecords';

/** What has reached storage for one run (by storage key). */
interface Written {
  createdAt: number;
  /** Next chunk number. */
  seq: number;
  trainPoints: number;
  evals: number;
  /** Preconditioner snapshots (ESGD-M). */
  curvature: number;
  /** Controller decisions (learned schedule). */
  controller: number;
  /** The metadata object last written (the store replaces objects on change). */
  meta: RunMeta | null;
}

export interface PersisterOptions {
  /** Delay between a change and its flush (ms). */
  delayMs?: number;
  /** Called once, with the first storage failure. */
  onError: (err: unknown) => void;
  /** Where storage stands: a flush is scheduled, a write is under way, everything is written. */
  onState?: (state: 'pending' | 'saving' | 'saved') => void;
}

/** What the persister reads of the runs store (src/store/runsStore.ts), and the one action it calls. */
export interface RunsView {
  runs: Record<string, RunMeta>;
  /** Every run, in creation order. */
  order: string[];
  /** The charts' runs. */
  current: string[];
  /** Puts stored runs back (before this load's runs); `current` becomes the charts' runs. */
  restoreRuns: (runs: LoadedRun[], current: string[]) => void;
}

/** The runs store as the persister sees it (a zustand store fits). */
export interface RunsSource {
  getState: () => RunsView;
  subscribe: (listener: () => void) => () => void;
}

export class RunPersister {
  private written = new Map<string, Written>();
  private lastStamp = 0;
  private sessionText = '';
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inFlight: Promise<void> | null = null;
  private again = false;
  private failed = false;
  private unsubscribe: (() => void)[] = [];
  private readonly delayMs: number;

  constructor(
    private readonly db: RunDb,
    private readonly store: RunsSource,
    private readonly buffers: SeriesBuffers,
    private readonly opts: PersisterOptions,
  ) {
    this.delayMs = opts.delayMs ?? 1000;
  }

  /** Loads every stored run into the store and buffers. Returns how many came back. */
  async restore(): Promise<number> {
    const { runs, session } = await this.db.loadRuns();
    const valid = runs.map(fromPersistedRun).filter((r): r is PersistedRun => r !== null);
    valid.sort((a, b) => a.createdAt - b.createdAt);
    const loaded: LoadedRun[] = [];
    const unchanged = new Map<string, RunMeta>();
    for (const rec of valid) {
      // One run per read: short tasks, even with many long runs stored.
      const series = mergeChunks(await this.db.loadChunks(rec.key));
      const meta = restoredMeta(rec.meta, series, rec.key);
      this.written.set(rec.key, {
        createdAt: rec.createdAt,
        seq: series.nextSeq,
        trainPoints: series.train.iteration.length,
        evals: series.evals.length,
        curvature: series.curvature?.length ?? 0,
        controller: series.controller?.length ?? 0,
        meta: null,
      });
      this.lastStamp = Math.max(this.lastStamp, rec.createdAt);
      if (meta.state === rec.meta.state) unchanged.set(rec.key, meta);
      loaded.push({ meta, series });
    }
    const keyToId = new Map(loaded.map((r) => [r.meta.storageKey, r.meta.runId]));
    const currentKeys = isSession(session) ? session.current : [];
    this.store.getState().restoreRuns(
      loaded,
      currentKeys.map((k) => keyToId.get(k)).filter((id): id is string => id !== undefined),
    );
    // Records that came back exactly as stored need no rewrite (an interrupted or renamed one does).
    const s = this.store.getState();
    for (const id of s.order) {
      const m = s.runs[id];
      const w = m?.storageKey ? this.written.get(m.storageKey) : undefined;
      const before = m?.storageKey ? unchanged.get(m.storageKey) : undefined;
      if (w && before && before.runId === m.runId) w.meta = m;
    }
    this.sessionText = JSON.stringify(currentKeys);
    return loaded.length;
  }

  /** Starts watching the store and the buffers; every change schedules a flush. */
  start(): void {
    const schedule = () => this.schedule();
    this.unsubscribe.push(this.store.subscribe(schedule), this.buffers.subscribe(schedule));
    this.schedule();
  }

  stop(): void {
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.failed || this.timer !== null) return;
    this.opts.onState?.('pending');
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.delayMs);
  }

  /** Writes what changed since the last flush (one transaction); resolves when it has committed. */
  flush(): Promise<void> {
    if (this.failed) return Promise.resolve();
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    const t0 = performance.now();
    const { write, commit } = this.diff();
    if (write.runs.length + write.chunks.length + write.deletes.length === 0 && !write.session) {
      if (this.timer === null) this.opts.onState?.('saved');
      return Promise.resolve();
    }
    this.opts.onState?.('saving');
    // A store that throws instead of rejecting (a put refused synchronously, e.g. QuotaExceededError)
    // must still end up in the one failure path below, not escape from the timer.
    let writing: Promise<void>;
    try {
      writing = this.db.write(write);
    } catch (err) {
      writing = Promise.reject(err);
    }
    // The main-thread part of a flush (diff, copies, IndexedDB puts): visible in performance tools.
    performance.measure('persist flush', { start: t0 });
    this.inFlight = writing.then(
      () => commit(),
      (err) => {
        // Storage full (QuotaExceededError) or refused mid-run: nothing of this flush is committed and
        // nothing more is written, but the runs store and the series buffers are untouched — every run
        // keeps training and keeps all its points in memory (the page's "memory mode").
        this.failed = true;
        this.stop();
        this.opts.onError(err);
      },
    ).finally(() => {
      this.inFlight = null;
      if (this.again) {
        this.again = false;
        this.schedule();
      } else if (!this.failed && this.timer === null) {
        this.opts.onState?.('saved');
      }
    });
    return this.inFlight;
  }

  /** True once a write has failed (nothing more is written). */
  get stopped(): boolean {
    return this.failed;
  }

  private diff(): { write: RunDbWrite; commit: () => void } {
    const s = this.store.getState();
    const write: RunDbWrite = { runs: [], chunks: [], deletes: [] };
    const commits: (() => void)[] = [];
    const present = new Set<string>();
    for (const id of s.order) {
      const meta = s.runs[id];
      const key = meta?.storageKey;
      if (!meta || !key) continue;
      present.add(key);
      let w = this.written.get(key);
      if (!w) {
        this.lastStamp = createStamp(this.lastStamp);
        w = { createdAt: this.lastStamp, seq: 0, trainPoints: 0, evals: 0, curvature: 0, controller: 0, meta: null };
        this.written.set(key, w);
      }
      const target = w;
      const nTrain = this.buffers.length(id);
      const nEvals = this.buffers.evalCount(id);
      const nCurvature = this.buffers.curvatureCount(id);
      const nController = this.buffers.controllerCount(id);
      // Buffers only grow; fewer points than written would mean a replaced series (never done).
      if (nTrain > w.trainPoints || nEvals > w.evals || nCurvature > w.curvature || nController > w.controller) {
        const seq = w.seq;
        write.chunks.push({ key, seq, ...this.buffers.tail(id, w.trainPoints, w.evals, w.curvature, w.controller) });
        commits.push(() => {
          target.seq = seq + 1;
          target.trainPoints = nTrain;
          target.evals = nEvals;
          target.curvature = nCurvature;
          target.controller = nController;
        });
      }
      if (w.meta !== meta) {
        write.runs.push(toPersistedRun(meta, key, w.createdAt));
        commits.push(() => (target.meta = meta));
      }
    }
    for (const key of this.written.keys()) {
      if (present.has(key)) continue;
      write.deletes.push(key);
      commits.push(() => this.written.delete(key));
    }
    const currentKeys = s.current.map((id) => s.runs[id]?.storageKey).filter((k): k is string => !!k);
    const text = JSON.stringify(currentKeys);
    if (text !== this.sessionText) {
      write.session = { layout: RUN_LAYOUT, current: currentKeys };
      commits.push(() => (this.sessionText = text));
    }
    return { write, commit: () => commits.forEach((c) => c()) };
  }
}

function isSession(v: unknown): v is { current: string[] } {
  return typeof v === 'object' && v !== null && Array.isArray((v as { current?: unknown }).current)
    && (v as { current: unknown[] }).current.every((k) => typeof k === 'string');
}
