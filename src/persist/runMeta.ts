// What the page keeps about one run besides its series (src/series/buffers.ts): the metadata that the
// runs store (src/store/runsStore.ts) holds, that React renders and that storage writes. Plain types,
// no store: persistence and the store both depend on this file, not on each other.
import type { BackendName, RunState, TrainConfig, RunEvent } from '../engine/types';
import type { SeriesInput } from '../series/buffers';

/** A run's state as the page shows it (`interrupted` only comes from restoring storage). */
export type RunMetaState = RunState;

export interface RunMeta {
  runId: string;
  /** Display name: the optimizer name, with "(run N)" for later batches of the session. */
  label: string;
  /** Which Start press created it (1-based). */
  batch: number;
  config: TrainConfig;
  backend: BackendName | null;
  /** wasm only: the threads its worker computes with, and whether the page was cross-origin isolated (src/sched/threads.ts). */
  threads?: number;
  isolated?: boolean;
  /** wasm only: the project's own wasm kernels' status in its worker ('on', or 'off: why'; src/kernels/ownKernels.ts). */
  ownKernels?: string;
  state: RunMetaState;
  iteration: number;
  total: number;
  message?: string;
  divergedAt?: number;
  /** Key of the run's records in IndexedDB (src/persist); given by the store when the run is added. */
  storageKey?: string;
  /** Mid-run edits the worker applied, in order (stored with the meta). */
  events?: RunEvent[];
}

/** A run restored from storage or imported: its metadata and its series. */
export interface LoadedRun {
  meta: RunMeta;
  series: SeriesInput;
}

export const ACTIVE_STATES: ReadonlySet<RunMetaState> = new Set<RunMetaState>(['loading', 'training', 'paused']);
/** States a worker ends in (`interrupted` is never reported by a worker: see RunMetaState). */
export const FINISHED_STATES: ReadonlySet<RunMetaState> = new Set<RunMetaState>(['done', 'diverged', 'stopped', 'error']);
