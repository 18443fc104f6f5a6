// Starts, pauses, resumes and stops training runs: one Web Worker per run. Routes the workers'
// messages to the series buffers (metrics) and the runs store (metadata). No React, no tfjs.
// Which runs train and which wait is the shared scheduler's job (src/sched/scheduler.ts, the α₀ sweep
// uses it too). A worker fault (crash, out of memory, GPU device lost: src/worker/faults.ts) ends only
// its own run, in state 'error' with the reason; its points stay, and the next queued run starts.
import type { BackendName, DatasetBuffers, RunSpec } from '../engine/types';
import type { FromWorker, ToWorker } from '../worker/protocol';
import type { Hyper } from '../optim/hyper';
import { seriesBuffers } from '../series/buffers';
import { requestedBackend } from './backendParam';
import { selectValidation, useConfigStore } from './configStore';
import { budgetIterations, ensureDataset } from './dataset';
import { configWithEdits, editsBetween, startOnlyDifferences } from './liveEdits';
import { buildSpecs, formBase, MAX_CONCURRENT_RUNS, runLabel } from './runSpecs';
import { FINISHED_STATES, useRunsStore, type RunMeta } from './runsStore';
import { transferableCopy } from './datasetCopy';
import { controllerStartFields } from './controllers';
import { createScheduler, type Job } from '../sched/scheduler';
import { deviceCores, pageIsolated, runsTrainingAtOnce, threadsPerRun } from '../sched/threads';
import { crashMessage, debugEnabled, faultHooksEnabled, CRASH_MODES, type CrashMode } from '../worker/faults';

const workers = new Map<string, Worker>();
/** Resolves a running run's scheduler job when its worker is finished with (state reported, fault, stop). */
const jobEnds = new Map<string, () => void>();
/** The latest live-tensor count each worker reported (debug: `window.__hgDebug`, bench/soak.ts). */
const workerTensors = new Map<string, number>();
const pageSearch = typeof location !== 'undefined' ? location.search : '';
/** Test-only fault hooks (`?faults=1`): see src/worker/faults.ts. */
const FAULT_HOOKS = faultHooksEnabled(pageSearch);
const stopTimers = new Map<string, ReturnType<typeof setTimeout>>();
let runCounter = 0;
/** Batches a Stop press cancelled while the dataset was still loading (several may be pending). */
const cancelledBatches = new Set<number>();

// Status messages arrive often; coalesce them into one store update per ~250 ms.
let pendingPatches: Record<string, Partial<RunMeta>> = {};
let flushTimer: ReturnType<typeof setTimeout> | null = null;

function flushPatches(): void {
  if (flushTimer !== null) {
    clearTimeout(flushTimer);
    flushTimer = null;
  }
  const patches = pendingPatches;
  pendingPatches = {};
  if (Object.keys(patches).length > 0) useRunsStore.getState().patchRuns(patches);
}

function queuePatch(runId: string, patch: Partial<RunMeta>, immediate: boolean): void {
  pendingPatches[runId] = { ...pendingPatches[runId], ...patch };
  if (immediate) flushPatches();
  else if (flushTimer === null) flushTimer = setTimeout(flushPatches, 250);
}

function finishWorker(runId: string): void {
  const w = workers.get(runId);
  if (w) {
    w.terminate();
    workers.delete(runId);
  }
  const t = stopTimers.get(runId);
  if (t !== undefined) {
    clearTimeout(t);
    stopTimers.delete(runId);
  }
  // A slot is free: the scheduler starts the next waiting run (if any).
  workerTensors.delete(runId);
  const end = jobEnds.get(runId);
  jobEnds.delete(runId);
  end?.();
}

function handleMessage(runId: string, msg: FromWorker): void {
  switch (msg.type) {
    case 'backend':
      queuePatch(runId, {
        backend: msg.backend,
        ...(msg.threads !== undefined ? { threads: msg.threads, isolated: pageIsolated() } : {}),
        ...(msg.ownKernels !== undefined ? { ownKernels: msg.ownKernels } : {}),
      }, true);
      break;
    case 'metrics':
      seriesBuffers.appendBatch(msg.batch);
      if (msg.batch.events?.length) {
        const before = useRunsStore.getState().runs[runId]?.events ?? [];
        queuePatch(runId, { events: [...before, ...msg.batch.events] }, true);
      }
      break;
    case 'status': {
      if (msg.tensors !== undefined) workerTensors.set(runId, msg.tensors);
      const finished = FINISHED_STATES.has(msg.state);
      const patch: Partial<RunMeta> = { state: msg.state, iteration: msg.iteration, total: msg.total };
      if (msg.message !== undefined) patch.message = msg.message;
      if (msg.state === 'diverged') patch.divergedAt = msg.iteration;
      const stateChanged = useRunsStore.getState().runs[runId]?.state !== msg.state;
      queuePatch(runId, patch, finished || stateChanged);
      if (finished) {
        finishWorker(runId);
        if (msg.state === 'error') {
          useRunsStore.getState().addError(`${labelOf(runId)}: ${msg.message ?? 'training failed'}`);
        }
      }
      break;
    }
  }
}

function labelOf(runId: string): string {
  return useRunsStore.getState().runs[runId]?.label ?? runId;
}

/**
 * Ends one run on a fault: its worker is terminated, the run is marked 'error' with the reason, and
 * nothing else changes — its points stay in the buffers (charts, export, storage) and the other runs
 * go on. A run that already ended keeps its state (a late error event of a terminated worker).
 */
function failRun(runId: string, message: string): void {
  const known = workers.has(runId) || jobEnds.has(runId);
  finishWorker(runId);
  const state = useRunsStore.getState().runs[runId]?.state;
  if (!known && state !== undefined && FINISHED_STATES.has(state)) return;
  queuePatch(runId, { state: 'error', message }, true);
  useRunsStore.getState().addError(`${labelOf(runId)}: ${message}`);
}

/**
 * wasm threads for a run whose worker starts now: the cores shared among the runs that will train at
 * once (running, this one included, plus those queued, up to the limit). A run keeps the threads it
 * started with (a wasm module cannot change its count): a queued run starting when one ends gets the same
 * share, and one left alone at the end keeps its share rather than growing. Start is refused while runs
 * train, so no later Start adds runs to the cores these share (the α₀ sweep's workers are its own).
 */
function threadsForNewRun(): number {
  return threadsPerRun({
    isolated: pageIsolated(),
    cores: deviceCores(),
    runsAtOnce: runsTrainingAtOnce(scheduler.running().length, scheduler.queued().length, scheduler.concurrency),
  });
}

function spawn(spec: RunSpec, data: DatasetBuffers, backend: BackendName | 'auto'): void {
  let worker: Worker;
  try {
    worker = new Worker(new URL('../worker/train.worker.ts', import.meta.url), { type: 'module' });
  } catch (err) {
    failRun(spec.runId, `could not start a worker: ${err instanceof Error ? err.message : String(err)}`);
    return;
  }
  workers.set(spec.runId, worker);
  worker.onmessage = (ev: MessageEvent<FromWorker>) => handleMessage(spec.runId, ev.data);
  // An uncaught error inside the worker (or its script failing to load): a crash, or out of memory.
  worker.onerror = (ev: ErrorEvent) => {
    ev.preventDefault();
    failRun(spec.runId, crashMessage(ev.message || ev.error || 'unknown error'));
  };
  worker.onmessageerror = () => failRun(spec.runId, crashMessage('a message from the worker could not be read'));
  const msg: ToWorker = {
    type: 'start',
    run: spec,
    backend,
    data,
    threads: threadsForNewRun(),
    ...controllerStartFields(spec.config),
    ...(FAULT_HOOKS ? { faults: true } : {}),
  };
  worker.postMessage(msg, [data.trainImages.buffer, data.trainLabels.buffer, data.testImages.buffer, data.testLabels.buffer]);
}

export interface LiveEditPlan {
  /** Per running or queued run, the changes to send (runs without changes are left out). */
  edits: { runId: string; changes: Partial<Hyper>; queued: boolean }[];
  /** Settings that differ from the running runs but only take effect at the next Start. */
  startOnly: string[];
}

/**
 * A mid-run edit from the form as it is now: for every run still training (or paused) in the charts,
 * what its optimizer's hyperparameters would be if started now, minus what it runs with. Null when the
 * form is invalid or nothing is running.
 */
export function planLiveEdits(): LiveEditPlan | null {
  const cfg = useConfigStore.getState();
  const v = selectValidation(cfg);
  const store = useRunsStore.getState();
  // Training or paused runs, and runs still waiting for a slot (they take the edit when they start).
  const running = store.current.map((id) => store.runs[id]).filter((r): r is RunMeta => !!r && (editableNow(r) || isQueued(r)));
  if (!v.ok || !v.values || running.length === 0) return null;
  const n = v.values;
  const edits: LiveEditPlan['edits'] = [];
  const startOnly = new Set<string>();
  for (const r of running) {
    // The run as the form would start it now, with its own seed (Seeds gives each run its own).
    const [spec] = buildSpecs([r.config.optimizer], { ...formBase(cfg, n), seed: r.config.seed }, { sgd: n.betaSgd, adam: n.betaAdam }, 'edit', v.perOptimizer ?? {});
    // What the run uses now: its starting config with the edits it has taken (options merged).
    const pending = pendingEdits.get(r.runId);
    const now = configWithEdits(r.config, [...(r.events ?? []).map((e) => e.changes), ...(pending ? [pending] : [])]);
    const changes = editsBetween(now, spec.config);
    if (changes) edits.push({ runId: r.runId, changes, queued: isQueued(r) });
    for (const s of startOnlyDifferences(r.config, { ...spec.config, seed: r.config.seed })) startOnly.add(s);
  }
  return { edits, startOnly: [...startOnly] };
}

/**
 * Sends a plan's edits: a training run's worker takes them from its next iteration; a run still waiting
 * for a slot keeps them and takes them before its first step. Runs that ended meanwhile are counted out.
 */
export function applyLiveEdits(plan: LiveEditPlan): { sent: number; queued: number; ended: number } {
  const out = { sent: 0, queued: 0, ended: 0 };
  const runs = useRunsStore.getState().runs;
  for (const e of plan.edits) {
    const r = runs[e.runId];
    const w = workers.get(e.runId);
    if (w && r && editableNow(r)) {
      w.postMessage({ type: 'edit', changes: e.changes } satisfies ToWorker);
      out.sent++;
    } else if (r && isQueued(r)) {
      pendingEdits.set(e.runId, { ...pendingEdits.get(e.runId), ...e.changes });
      out.queued++;
    } else out.ended++;
  }
  return out;
}

/** Edits for runs that had not started when they were applied, sent right after their start. */
const pendingEdits = new Map<string, Partial<Hyper>>();
const editableNow = (r: RunMeta) => workers.has(r.runId) && (r.state === 'training' || r.state === 'paused');
/** Waiting for a scheduler slot (or still copying its data): no worker yet. */
const isQueued = (r: RunMeta) => r.state === 'loading' && !workers.has(r.runId);

interface RunTask {
  spec: RunSpec;
  data: DatasetBuffers;
  backend: BackendName | 'auto';
  batch: number;
}

/** The runs of the current wave's copies: jobs started in the same turn spawn together. */
let wave: Promise<unknown>[] | null = null;

/**
 * Resolves with `copy` once every copy started in the same turn has finished, so the runs of one wave
 * start at the same moment (their wall-time axes stay comparable).
 */
function joinWave<T>(copy: Promise<T>): Promise<T> {
  if (!wave) {
    const current: Promise<unknown>[] = [];
    wave = current;
    queueMicrotask(() => {
      if (wave === current) wave = null;
    });
  }
  const current = wave;
  current.push(copy);
  return copy.then(async (value) => {
    await Promise.allSettled(current);
    return value;
  });
}

/**
 * One run as a scheduler job: its own copy of the dataset (copied in slices and transferred, no long
 * task), then its worker; settles when the worker is finished with (finishWorker). Cancel: a queued or
 * copying run never starts; a running one's worker is terminated.
 */
function runJob(task: RunTask): Job<void> {
  const id = task.spec.runId;
  let cancelled = false;
  const result = (async () => {
    const copy = await joinWave(transferableCopy(task.data, () => cancelled));
    if (cancelled || cancelledBatches.has(task.batch)) return;
    const ended = new Promise<void>((resolve) => jobEnds.set(id, resolve));
    spawn(task.spec, copy, task.backend);
    const pending = pendingEdits.get(id);
    pendingEdits.delete(id);
    if (pending) workers.get(id)?.postMessage({ type: 'edit', changes: pending } satisfies ToWorker);
    if (useRunsStore.getState().paused) workers.get(id)?.postMessage({ type: 'pause' } satisfies ToWorker);
    await ended;
  })();
  return {
    result,
    cancel: () => {
      cancelled = true;
      pendingEdits.delete(id);
      if (workers.has(id)) finishWorker(id);
    },
  };
}

/** Runs of a Start that wait for a free slot (shown as "loading" until they start), and those training. */
const scheduler = createScheduler<RunTask, void>({
  concurrency: MAX_CONCURRENT_RUNS,
  start: (task) => runJob(task),
  onSettled: (id, outcome) => {
    // A job that threw (its copy failed…) ends its run; the others go on.
    if (outcome.status === 'failed') failRun(id, `could not start: ${outcome.error instanceof Error ? outcome.error.message : String(outcome.error)}`);
  },
});

/**
 * Start: one run per selected optimizer and seed; runs of one seed share it (same init, same batch
 * order). Beyond MAX_CONCURRENT_RUNS the runs queue.
 */
export async function startRuns(): Promise<void> {
  const cfg = useConfigStore.getState();
  const v = selectValidation(cfg);
  if (!v.ok || !v.values) return;
  const runs = useRunsStore.getState();
  if (runs.current.some((id) => workers.has(id) || runs.runs[id]?.state === 'loading')) return;

  const { backend } = requestedBackend();
  const n = v.values;
  const batch = runs.batchCount + 1;
  runCounter++;
  const specs = buildSpecs(cfg.optimizers, formBase(cfg, n), { sgd: n.betaSgd, adam: n.betaAdam }, `r${runCounter}`, v.perOptimizer ?? {}, n.seeds);
  const metas: RunMeta[] = specs.map((s) => ({
    runId: s.runId,
    label: runLabel(s.config, n.seeds, batch),
    batch,
    config: s.config,
    backend: null,
    state: 'loading',
    iteration: 0,
    total: budgetIterations(s.config),
  }));
  for (const s of specs) seriesBuffers.ensure(s.runId);
  useRunsStore.getState().addRuns(metas);

  let data: DatasetBuffers;
  try {
    data = await ensureDataset(cfg.dataset);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const patches: Record<string, Partial<RunMeta>> = {};
    for (const s of specs) patches[s.runId] = { state: 'error', message: `data: ${message}` };
    useRunsStore.getState().patchRuns(patches);
    return;
  }
  if (cancelledBatches.has(batch)) return;
  // Totals now that the real training-set size is known.
  const totals: Record<string, Partial<RunMeta>> = {};
  for (const s of specs) totals[s.runId] = { total: budgetIterations(s.config) };
  useRunsStore.getState().patchRuns(totals);

  for (const spec of specs) scheduler.add(spec.runId, { spec, data, backend, batch });
}

function post(msg: ToWorker): void {
  for (const w of workers.values()) w.postMessage(msg);
}

export function pauseAll(): void {
  useRunsStore.getState().setPaused(true);
  post({ type: 'pause' });
}

export function resumeAll(): void {
  useRunsStore.getState().setPaused(false);
  post({ type: 'resume' });
}

export function togglePause(): void {
  if (useRunsStore.getState().paused) resumeAll();
  else pauseAll();
}

/** Stop every run. A worker that does not confirm within 3 s is terminated and marked stopped. */
export function stopAll(): void {
  const store = useRunsStore.getState();
  const patches: Record<string, Partial<RunMeta>> = {};
  // Queued runs first, so that cancelling a run still copying its data does not start one of them.
  const queued = new Set(scheduler.cancelQueued());
  for (const id of store.current) {
    const r = store.runs[id];
    if (!r) continue;
    if (r.state === 'loading' && !workers.has(id)) {
      // Queued or copying its data: it never starts. Still loading the dataset: its batch is cancelled.
      if (!queued.has(id) && !scheduler.cancel(id)) cancelledBatches.add(r.batch);
      patches[id] = { state: 'stopped' };
    }
  }
  if (Object.keys(patches).length > 0) store.patchRuns(patches);
  post({ type: 'stop' });
  if (store.paused) store.setPaused(false);
  for (const id of workers.keys()) {
    if (stopTimers.has(id)) continue;
    stopTimers.set(
      id,
      setTimeout(() => {
        stopTimers.delete(id);
        if (!workers.has(id)) return;
        finishWorker(id);
        const r = useRunsStore.getState().runs[id];
        queuePatch(id, { state: 'stopped', iteration: r?.iteration ?? 0 }, true);
      }, 3000),
    );
  }
}

/** Test hook (`?faults=1` only): make the worker of the run labelled `label` (or with that id) fail. */
export function crashRun(label: string, mode: CrashMode = 'throw'): boolean {
  if (!FAULT_HOOKS || !CRASH_MODES.includes(mode)) return false;
  const store = useRunsStore.getState();
  const id = store.runs[label] ? label : store.current.find((i) => store.runs[i]?.label === label);
  const w = id ? workers.get(id) : undefined;
  if (!w) return false;
  w.postMessage({ type: '__crash', mode } satisfies ToWorker);
  return true;
}

/** Debug: the latest live-tensor count each training worker reported, by run id (running runs only). */
export function workerTensorCounts(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const id of workers.keys()) {
    const n = workerTensors.get(id);
    if (n !== undefined) out[id] = n;
  }
  return out;
}

if (typeof window !== 'undefined') {
  const w = window as unknown as Record<string, unknown>;
  if (FAULT_HOOKS) w.__hgFaults = { crash: crashRun };
  if (debugEnabled(pageSearch)) w.__hgDebug = { workerTensors: workerTensorCounts };
}
