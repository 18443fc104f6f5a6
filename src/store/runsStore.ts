// Run metadata only (what React renders): never metric series — those live in src/series/buffers.ts.
import { create } from 'zustand';
import type { BackendName, DatasetName, RunState, TrainConfig } from '../engine/types';

export interface RunMeta {
  runId: string;
  /** Display name: the optimizer name, with "(run N)" for later batches of the session. */
  label: string;
  /** Which Start press created it (1-based). */
  batch: number;
  config: TrainConfig;
  backend: BackendName | null;
  state: RunState;
  iteration: number;
  total: number;
  message?: string;
  divergedAt?: number;
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

  addRuns: (runs: RunMeta[]) => void;
  patchRuns: (patches: Record<string, Partial<RunMeta>>) => void;
  setPaused: (paused: boolean) => void;
  setData: (data: DataLoadState) => void;
  addError: (message: string) => void;
  dismissError: (index: number) => void;
  addNotice: (message: string) => void;
}

export const useRunsStore = create<RunsState>()((set) => ({
  runs: {},
  order: [],
  current: [],
  batchCount: 0,
  paused: false,
  data: { state: 'idle' },
  errors: [],
  notices: [],

  addRuns: (runs) =>
    set((s) => {
      const next = { ...s.runs };
      for (const r of runs) next[r.runId] = r;
      const ids = runs.map((r) => r.runId);
      return {
        runs: next,
        order: [...s.order, ...ids],
        current: ids,
        batchCount: Math.max(s.batchCount, ...runs.map((r) => r.batch)),
        paused: false,
      };
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

export const ACTIVE_STATES: ReadonlySet<RunState> = new Set<RunState>(['loading', 'training', 'paused']);
export const FINISHED_STATES: ReadonlySet<RunState> = new Set<RunState>(['done', 'diverged', 'stopped', 'error']);

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
