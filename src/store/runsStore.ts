// Run metadata only (what React renders): never metric series — those live in src/series/buffers.ts.
// Actions that add, move or remove runs (collisions, delete, restore, import) keep the series
// buffers in step, since a run's series are found by its id.
import { create } from 'zustand';
import type { DatasetName, RunRecord } from '../engine/types';
import { ACTIVE_STATES, FINISHED_STATES, type LoadedRun, type RunMeta, type RunMetaState } from '../persist/runMeta';
import { freeId, importedLabel, newStorageKey } from '../persist/runIds';
import { seriesBuffers, type SeriesBuffers, type SeriesData } from '../series/buffers';
import { shownName } from '../series/optimizerNames';

export { ACTIVE_STATES, FINISHED_STATES, type LoadedRun, type RunMeta, type RunMetaState };

/** The last deleted run, kept so that Undo can put it back. */
export interface DeletedRun {
  meta: RunMeta;
  series: SeriesData;
  /** Where it was in `order`, and whether the charts showed it. */
  index: number;
  shown: boolean;
}

export type DataLoadState = (
  | { state: 'idle' }
  | { state: 'loading'; loadedBytes: number; totalBytes: number }
  | { state: 'ready'; nTrain: number; nTest: number }
  | { state: 'error'; message: string }
) & {
  /** The dataset this state is about (the selected one); absent only before anything loads. */
  dataset?: DatasetName;
};

export interface RunsState {
  runs: Record<string, RunMeta>;
  /** Every run of the session, in creation order. */
  order: string[];
  /** The runs of the latest Start press (what the charts and status show). */
  current: string[];
  batchCount: number;
  paused: boolean;
  data: DataLoadState;
  /** Errors for the alert region (data load failures, worker crashes). */
  errors: string[];
  /** Non-fatal notices (e.g. an unknown ?backend= value). */
  notices: string[];

  /** The last deleted run (for Undo), or null. */
  lastDeleted: DeletedRun | null;

  /**
   * New runs of a Start press (they become the charts' runs). An older run with the same id (from an
   * earlier page load: the runner numbers ids per load) moves to a free id with its series.
   */
  addRuns: (runs: RunMeta[]) => void;
  /**
   * Runs restored from storage, placed before this load's runs; ids taken meanwhile are renamed.
   * `current` (their ids) becomes the charts' runs unless something was started already.
   */
  restoreRuns: (runs: LoadedRun[], current: string[]) => void;
  /** Runs read from a tidy CSV: ids made unique, labels "… (imported)", added to the charts. Returns the new ids. */
  importRuns: (records: RunRecord[]) => string[];
  renameRun: (runId: string, label: string) => void;
  /** Removes a run and its series (kept in `lastDeleted` for Undo). */
  deleteRun: (runId: string) => void;
  undoDelete: () => void;
  /** Shows or hides a run in the charts (membership in `current`). */
  setShown: (runId: string, shown: boolean) => void;
  patchRuns: (patches: Record<string, Partial<RunMeta>>) => void;
  setPaused: (paused: boolean) => void;
  setData: (data: DataLoadState) => void;
  addError: (message: string) => void;
  dismissError: (index: number) => void;
  addNotice: (message: string) => void;
}

/** The last iteration of a series (0 when empty). */
function lastOf(a: ArrayLike<number>): number {
  return a.length > 0 ? a[a.length - 1] : 0;
}

/** A runs store whose actions keep `buffers` in step (tests make their own; the page has one). */
export function createRunsStore(buffers: SeriesBuffers = seriesBuffers) {
  return create<RunsState>()((set, get) => ({
    runs: {},
    order: [],
    current: [],
    batchCount: 0,
    paused: false,
    data: { state: 'idle' },
    errors: [],
    notices: [],
    lastDeleted: null,

    addRuns: (runs) => {
      const s = get();
      const next = { ...s.runs };
      const incoming = new Set(runs.map((r) => r.runId));
      const moved = new Map<string, string>();
      for (const r of runs) {
        const old = next[r.runId];
        if (!old) continue;
        // The runner has already registered (and may stream into) the new run under this id.
        const to = freeId(r.runId, (id) => id in next || incoming.has(id));
        delete next[r.runId];
        next[to] = { ...old, runId: to };
        moved.set(r.runId, to);
        buffers.rename(r.runId, to);
        buffers.ensure(r.runId);
      }
      for (const r of runs) next[r.runId] = r.storageKey ? r : { ...r, storageKey: newStorageKey() };
      const ids = runs.map((r) => r.runId);
      set({
        runs: next,
        order: [...s.order.map((id) => moved.get(id) ?? id), ...ids],
        current: ids,
        batchCount: Math.max(s.batchCount, ...runs.map((r) => r.batch)),
        paused: false,
      });
    },
    restoreRuns: (loaded, current) => {
      const s = get();
      const next = { ...s.runs };
      const ids: string[] = [];
      const renamed = new Map<string, string>();
      for (const { meta, series } of loaded) {
        const id = freeId(meta.runId, (c) => c in next);
        if (id !== meta.runId) renamed.set(meta.runId, id);
        next[id] = { ...meta, runId: id, storageKey: meta.storageKey ?? newStorageKey() };
        buffers.load(id, series);
        ids.push(id);
      }
      set({
        runs: next,
        order: [...ids, ...s.order],
        current: s.current.length > 0 ? s.current : current.map((id) => renamed.get(id) ?? id).filter((id) => id in next),
        batchCount: Math.max(s.batchCount, ...loaded.map((r) => r.meta.batch)),
      });
    },
    importRuns: (records) => {
      const s = get();
      const next = { ...s.runs };
      const labels = new Set(Object.values(next).map((r) => r.label));
      const ids: string[] = [];
      for (const rec of records) {
        const id = freeId(rec.runId, (c) => c in next);
        const label = importedLabel(shownName(rec.config.optimizer), (l) => labels.has(l));
        labels.add(label);
        const last = lastOf(rec.train.iteration);
        next[id] = {
          runId: id,
          label,
          batch: 0,
          config: rec.config,
          backend: rec.backend,
          state: rec.state,
          iteration: last,
          total: last,
          ...(rec.divergedAt !== undefined ? { divergedAt: rec.divergedAt } : {}),
          storageKey: newStorageKey(),
        };
        buffers.load(id, {
          train: rec.train,
          evals: rec.evals,
          ...(rec.curvature ? { curvature: rec.curvature } : {}),
          ...(rec.controller ? { controller: rec.controller } : {}),
        });
        ids.push(id);
      }
      set({ runs: next, order: [...s.order, ...ids], current: [...s.current, ...ids] });
      return ids;
    },
    renameRun: (runId, label) =>
      set((s) => {
        const r = s.runs[runId];
        if (!r || r.label === label) return {};
        return { runs: { ...s.runs, [runId]: { ...r, label } } };
      }),
    deleteRun: (runId) => {
      const s = get();
      const meta = s.runs[runId];
      if (!meta) return;
      const deleted: DeletedRun = { meta, series: buffers.get(runId), index: s.order.indexOf(runId), shown: s.current.includes(runId) };
      const next = { ...s.runs };
      delete next[runId];
      buffers.delete(runId);
      set({
        runs: next,
        order: s.order.filter((id) => id !== runId),
        current: s.current.filter((id) => id !== runId),
        lastDeleted: deleted,
      });
    },
    undoDelete: () => {
      const s = get();
      const d = s.lastDeleted;
      if (!d) return;
      // Its id may have been taken meanwhile (a new Start): then it comes back under a free one.
      const id = freeId(d.meta.runId, (c) => c in s.runs);
      buffers.load(id, d.series);
      const order = [...s.order];
      order.splice(Math.min(Math.max(d.index, 0), order.length), 0, id);
      set({
        runs: { ...s.runs, [id]: { ...d.meta, runId: id } },
        order,
        current: d.shown ? [...s.current, id] : s.current,
        lastDeleted: null,
      });
    },
    setShown: (runId, shown) =>
      set((s) => {
        if (!s.runs[runId] || s.current.includes(runId) === shown) return {};
        // Kept in `order` order, so colours and legends do not depend on the clicking order.
        const want = new Set(s.current);
        if (shown) want.add(runId);
        else want.delete(runId);
        return { current: s.order.filter((id) => want.has(id)) };
      }),
    patchRuns: (patches) =>
      set((s) => {
        const next = { ...s.runs };
        let changed = false;
        for (const [id, p] of Object.entries(patches)) {
          const r = next[id];
          if (!r) continue;
          next[id] = { ...r, ...p };
          changed = true;
        }
        return changed ? { runs: next } : {};
      }),
    setPaused: (paused) => set({ paused }),
    setData: (data) => set({ data }),
    addError: (message) => set((s) => ({ errors: [...s.errors, message] })),
    dismissError: (index) => set((s) => ({ errors: s.errors.filter((_, i) => i !== index) })),
    addNotice: (message) => set((s) => ({ notices: [...s.notices, message] })),
  }));
}

export const useRunsStore = createRunsStore();

export function isActive(r: RunMeta): boolean {
  return ACTIVE_STATES.has(r.state);
}

/** True while any run of the latest batch is still going. */
export function selectAnyActive(s: RunsState): boolean {
  return s.current.some((id) => {
    const r = s.runs[id];
    return r !== undefined && isActive(r);
  });
}
