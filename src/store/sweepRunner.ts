// Runs an α₀ sweep: every run of the grid in its own training worker (the page's worker and protocol,
// unchanged), a few at a time (src/sweep/pool.ts, over the shared scheduler src/sched/scheduler.ts). The page keeps only what the metric needs of each
// run while it streams (src/sweep/runAccumulator.ts) and publishes a run's result to the store once,
// when it ends — the sweep panel re-renders per finished run, never per step.
// Separate from runner.ts: sweep runs do not enter the runs store, the main charts or their export.
import { create } from 'zustand';
import type { BackendName, DatasetBuffers, DatasetName, RunSpec, RunState, TrainConfig } from '../engine/types';
import type { SweepMetric, SweepRun } from '../series/alphaSweep';
import { defaultConcurrency, runPool, type PoolHandle, type PoolJob } from '../sweep/pool';
import { RunAccumulator } from '../sweep/runAccumulator';
import { sweepConfigs, type SweepBase } from '../sweep/sweepBase';
import type { SweepSpec } from '../sweep/sweepForm';
import { crashMessage } from '../worker/faults';
import type { FromWorker, ToWorker } from '../worker/protocol';
import { requestedBackend } from './backendParam';
import { ensureDataset } from './dataset';
import { transferableCopy } from './datasetCopy';
import { controllerStartFields } from './controllers';

export type SweepPhase = 'idle' | 'preparing' | 'running' | 'done' | 'cancelled' | 'failed';

/** One finished run of the sweep. */
export interface SweepEntry {
  /** Position in the plan's configs. */
  index: number;
  config: TrainConfig;
  /** 'done' | 'diverged' | 'error' ('stopped' only if a worker stopped on its own). */
  state: RunState;
  message?: string;
  backend: BackendName | null;
  /** What the metric needs of it (alphaSweep.runValue reads it). */
  run: SweepRun;
}

export interface SweepPlan {
  id: number;
  spec: SweepSpec;
  configs: TrainConfig[];
  dataset: DatasetName;
  concurrency: number;
}

export interface SweepState {
  phase: SweepPhase;
  plan: SweepPlan | null;
  entries: SweepEntry[];
  /** Why the sweep failed (data could not load), when phase is 'failed'. */
  message: string | null;
  startedAt: number | null;
  endedAt: number | null;
}

export const useSweepStore = create<SweepState>()(() => ({
  phase: 'idle',
  plan: null,
  entries: [],
  message: null,
  startedAt: null,
  endedAt: null,
}));

export const selectSweepActive = (s: SweepState): boolean => s.phase === 'preparing' || s.phase === 'running';

/** What a training worker offers the sweep (a real Worker; a fake in the tests). */
export interface WorkerLike {
  onmessage: ((ev: MessageEvent<FromWorker>) => void) | null;
  onerror: ((ev: ErrorEvent) => void) | null;
  onmessageerror?: ((ev: MessageEvent) => void) | null;
  postMessage(msg: ToWorker, transfer: Transferable[]): void;
  terminate(): void;
}

export interface SweepDeps {
  loadData: (name: DatasetName) => Promise<DatasetBuffers>;
  createWorker: () => WorkerLike;
  concurrency: number;
  backend: BackendName | 'auto';
  now: () => number;
}

const browserDeps = (): SweepDeps => ({
  loadData: (name) => ensureDataset(name),
  createWorker: () => new Worker(new URL('../worker/train.worker.ts', import.meta.url), { type: 'module' }) as unknown as WorkerLike,
  concurrency: defaultConcurrency(typeof navigator !== 'undefined' ? navigator.hardwareConcurrency : undefined),
  backend: requestedBackend().backend,
  now: () => performance.now(),
});

let planCounter = 0;
let pool: PoolHandle | null = null;
/** The running sweep's clock (injected in tests), for the end time of a cancel. */
let clock: () => number = () => performance.now();


const FINISHED: ReadonlySet<RunState> = new Set(['done', 'diverged', 'stopped', 'error']);

/**
 * One run in one worker: resolves with its entry when the worker reports a finished state (or fails);
 * cancel() terminates the worker at once — a cancelled sweep keeps nothing of unfinished runs.
 */
function workerJob(index: number, spec: RunSpec, data: DatasetBuffers, metric: SweepMetric, deps: SweepDeps): PoolJob<SweepEntry> {
  let worker: WorkerLike | null = null;
  let cancelled = false;
  const result = (async (): Promise<SweepEntry> => {
    // A cancel during the copy stops it (a sweep can have 4 copies of ~55 MB under way).
    const copy = await transferableCopy(data, () => cancelled);
    const acc = new RunAccumulator(metric.kind === 'iterations-to-threshold' ? metric.threshold : null);
    let backend: BackendName | null = null;
    const entry = (state: RunState, message?: string): SweepEntry => ({
      index,
      config: spec.config,
      state,
      ...(message !== undefined ? { message } : {}),
      backend,
      run: acc.toSweepRun(spec.runId, spec.config, state, metric),
    });
    return new Promise<SweepEntry>((resolve) => {
      const end = (state: RunState, message?: string) => {
        worker?.terminate();
        resolve(entry(state, message));
      };
      try {
        worker = deps.createWorker();
      } catch (err) {
        resolve(entry('error', `could not start a worker: ${err instanceof Error ? err.message : String(err)}`));
        return;
      }
      worker.onmessage = (ev) => {
        const msg = ev.data;
        if (msg.type === 'metrics') acc.add(msg.batch);
        else if (msg.type === 'backend') backend = msg.backend;
        else if (msg.type === 'status' && FINISHED.has(msg.state)) end(msg.state, msg.message);
      };
      worker.onerror = (ev) => {
        ev.preventDefault?.();
        end('error', crashMessage(ev.message || ev.error || 'unknown error'));
      };
      worker.onmessageerror = () => end('error', crashMessage('a message from the worker could not be read'));
      const start: ToWorker = { type: 'start', run: spec, backend: deps.backend, data: copy, ...controllerStartFields(spec.config) };
      worker.postMessage(start, [copy.trainImages.buffer, copy.trainLabels.buffer, copy.testImages.buffer, copy.testLabels.buffer] as Transferable[]);
    });
  })();
  return {
    result,
    cancel: () => {
      cancelled = true;
      worker?.terminate();
    },
  };
}

/**
 * Starts a sweep over `spec` with the page's settings `base`. Does nothing while one is running.
 * Resolves when the sweep has ended (done, cancelled or failed).
 */
export async function startSweep(spec: SweepSpec, base: SweepBase, overrides: Partial<SweepDeps> = {}): Promise<void> {
  if (selectSweepActive(useSweepStore.getState())) return;
  const deps = { ...browserDeps(), ...overrides };
  clock = deps.now;
  const configs = sweepConfigs(spec, base);
  const plan: SweepPlan = { id: ++planCounter, spec, configs, dataset: base.base.dataset, concurrency: deps.concurrency };
  useSweepStore.setState({ phase: 'preparing', plan, entries: [], message: null, startedAt: deps.now(), endedAt: null });
  const current = () => useSweepStore.getState().plan?.id === plan.id && selectSweepActive(useSweepStore.getState());

  let data: DatasetBuffers;
  try {
    data = await deps.loadData(plan.dataset);
  } catch (err) {
    if (current()) {
      useSweepStore.setState({ phase: 'failed', message: `data: ${err instanceof Error ? err.message : String(err)}`, endedAt: deps.now() });
    }
    return;
  }
  if (!current()) return; // cancelled while the data loaded
  useSweepStore.setState({ phase: 'running' });

  const handle = runPool(
    configs,
    deps.concurrency,
    (config, i) => workerJob(i, { runId: `sweep${plan.id}-${i}`, config }, data, spec.metric, deps),
    (i, outcome) => {
      const entry: SweepEntry = outcome.ok
        ? outcome.value
        : { index: i, config: configs[i], state: 'error', message: String(outcome.error), backend: null, run: emptyRun(i, configs[i]) };
      useSweepStore.setState((s) => ({ entries: [...s.entries, entry] }));
    },
  );
  pool = handle;
  await handle.done;
  if (pool === handle) pool = null;
  if (current()) useSweepStore.setState({ phase: 'done', endedAt: deps.now() });
}

function emptyRun(i: number, config: TrainConfig): SweepRun {
  return { runId: `failed-${i}`, config, state: 'error', train: { iteration: [], loss: [] }, evals: [] };
}

/** Stops the sweep: running workers are terminated, no further run starts; finished runs stay. */
export function cancelSweep(): void {
  const s = useSweepStore.getState();
  if (!selectSweepActive(s)) return;
  pool?.cancel();
  pool = null;
  useSweepStore.setState({ phase: 'cancelled', endedAt: clock() });
}
