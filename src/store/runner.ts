// Starts, pauses, resumes and stops training runs: one Web Worker per run. Routes the workers'
// messages to the series buffers (metrics) and the runs store (metadata). No React, no tfjs.
import type { BackendName, DatasetBuffers, RunSpec, TrainConfig } from '../engine/types';
import { modelInfo } from '../models/catalog';
import type { FromWorker, ToWorker } from '../worker/protocol';
import { optimizerInfo } from '../optim/catalog';
import type { Hyper } from '../optim/hyper';
import { seriesBuffers } from '../series/buffers';
import { requestedBackend } from './backendParam';
import { selectValidation, useConfigStore } from './configStore';
import { budgetIterations, ensureDataset } from './dataset';
import type { ParsedOptimizerOptions } from '../config/optimizerOptions';
import { editsBetween, startOnlyDifferences } from './liveEdits';
import { FINISHED_STATES, useRunsStore, type RunMeta } from './runsStore';
import { transferableCopy } from './datasetCopy';

const workers = new Map<string, Worker>();
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
  // A slot is free: the next waiting run (if any) starts.
  void launchWaiting();
}

function handleMessage(runId: string, msg: FromWorker): void {
  switch (msg.type) {
    case 'backend':
      queuePatch(runId, { backend: msg.backend }, true);
      break;
    case 'metrics':
      seriesBuffers.appendBatch(msg.batch);
      if (msg.batch.events?.length) {
        const before = useRunsStore.getState().runs[runId]?.events ?? [];
        queuePatch(runId, { events: [...before, ...msg.batch.events] }, true);
      }
      break;
    case 'status': {
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

function failRun(runId: string, message: string): void {
  finishWorker(runId);
  queuePatch(runId, { state: 'error', message }, true);
  useRunsStore.getState().addError(`${labelOf(runId)}: ${message}`);
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
  worker.onerror = (ev: ErrorEvent) => {
    ev.preventDefault();
    failRun(spec.runId, `worker error: ${ev.message || 'unknown error'}`);
  };
  worker.onmessageerror = () => failRun(spec.runId, 'worker sent a message that could not be read');
  const msg: ToWorker = { type: 'start', run: spec, backend, data };
  worker.postMessage(msg, [data.trainImages.buffer, data.trainLabels.buffer, data.testImages.buffer, data.testLabels.buffer]);
}

/**
 * Builds the RunSpecs of a Start from the (valid) configuration: one per selected optimizer and seed.
 * `perOptimizer` holds each optimizer's parsed settings (optimizerOptions.ts): they go into
 * `config.options`, keeping only keys of that optimizer's `tunable` list; an α₀, μ or β changed per
 * optimizer replaces the page-wide `config.alpha0` / `momentum` / `beta` of that run (the engine
 * reads those, and the export records them).
 *
 * With `seeds` = N > 1 every optimizer runs N times with seeds base.seed … base.seed + N − 1,
 * everything else equal; the run ids then end in `-s<seed>`. Order: seed-major (every optimizer at
 * the first seed, then at the next…), as the command line's presets expand, so when runs queue
 * (MAX_CONCURRENT_RUNS) the first wave already shows every optimizer.
 */
export function buildSpecs(
  optimizers: readonly string[],
  base: Omit<TrainConfig, 'optimizer' | 'beta' | 'options'>,
  betas: { sgd: number; adam: number },
  idPrefix: string,
  perOptimizer: Readonly<Record<string, ParsedOptimizerOptions>> = {},
  seeds = 1,
): RunSpec[] {
  if (!Number.isInteger(seeds) || seeds < 1) throw new RangeError(`seeds must be a whole number ≥ 1, got ${seeds}`);
  const specs: RunSpec[] = [];
  for (let k = 0; k < seeds; k++) {
    const seed = base.seed + k;
    for (const name of optimizers) {
      const info = optimizerInfo(name);
      // β is recorded even for non-HD optimizers: the value of the group the optimizer belongs to.
      const group = info.betaGroup ?? (info.family === 'adam' ? 'adam' : 'sgd');
      const own = perOptimizer[name];
      const beta = own?.beta ?? (group === 'adam' ? betas.adam : betas.sgd);
      const config: TrainConfig = {
        ...base,
        optimizer: name,
        alpha0: own?.alpha0 ?? base.alpha0,
        beta,
        momentum: own?.momentum ?? base.momentum,
        seed,
      };
      if (own) {
        const allowed = new Set<string>(info.tunable);
        const options: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(own.options)) if (allowed.has(k) && v !== undefined) options[k] = v;
        if (Object.keys(options).length > 0) config.options = options as Partial<Hyper>;
      }
      specs.push({ runId: seeds > 1 ? `${idPrefix}-${name}-s${seed}` : `${idPrefix}-${name}`, config });
    }
  }
  return specs;
}

/** A run's display name: "SGD-HD", "SGD-HD · seed 2" when it is one of several seeds, "(run 3)" for later Starts. */
export function runLabel(config: TrainConfig, seeds: number, batch: number): string {
  const name = seeds > 1 ? `${config.optimizer} · seed ${config.seed}` : config.optimizer;
  return batch === 1 ? name : `${name} (run ${batch})`;
}

/**
 * At most this many runs train at once; the others wait and start as runs finish. Why a queue and
 * not all at once: every worker holds its own copy of the dataset (≈ 55 MB for MNIST, ≈ 150 MB for
 * CIFAR-10), so 10 seeds × 8 optimizers at once would ask for gigabytes, and on a few cores more
 * workers than that only share the same CPU time (the total rate does not rise).
 */
export const MAX_CONCURRENT_RUNS = 12;

type FormValues = NonNullable<ReturnType<typeof selectValidation>['values']>;

/** The run settings the form describes now (everything but optimizer, β and options). */
function formBase(cfg: ReturnType<typeof useConfigStore.getState>, n: FormValues): Omit<TrainConfig, 'optimizer' | 'beta' | 'options'> {
  return {
    dataset: cfg.dataset,
    model: cfg.model,
    ...(modelInfo(cfg.model).usesWidth ? { width: cfg.width } : {}),
    alpha0: n.alpha0,
    momentum: n.momentum,
    weightDecay: n.weightDecay,
    batchSize: n.batchSize,
    epochs: n.epochs,
    iterations: n.iterations,
    seed: n.seed,
    evalEvery: n.evalEvery,
  };
}

export interface LiveEditPlan {
  /** Per running run, the changes to send (runs without changes are left out). */
  edits: { runId: string; changes: Partial<Hyper> }[];
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
  const running = store.current.map((id) => store.runs[id]).filter((r): r is RunMeta => !!r && workers.has(r.runId) && (r.state === 'training' || r.state === 'paused'));
  if (!v.ok || !v.values || running.length === 0) return null;
  const n = v.values;
  const edits: LiveEditPlan['edits'] = [];
  const startOnly = new Set<string>();
  for (const r of running) {
    // The run as the form would start it now, with its own seed (Seeds gives each run its own).
    const [spec] = buildSpecs([r.config.optimizer], { ...formBase(cfg, n), seed: r.config.seed }, { sgd: n.betaSgd, adam: n.betaAdam }, 'edit', v.perOptimizer ?? {});
    // What the run uses now: its starting config with the edits it has taken (options merged).
    let now: TrainConfig = r.config;
    for (const e of r.events ?? []) {
      const p = configPatch(e.changes);
      now = { ...now, ...p, options: p.options ? { ...now.options, ...p.options } : now.options };
    }
    const changes = editsBetween(now, spec.config);
    if (changes) edits.push({ runId: r.runId, changes });
    for (const s of startOnlyDifferences(r.config, { ...spec.config, seed: r.config.seed })) startOnly.add(s);
  }
  return { edits, startOnly: [...startOnly] };
}

/** An edit's changes as config fields: the page-wide ones at the top, the rest in options. */
function configPatch(changes: Partial<Hyper>): Partial<TrainConfig> {
  const { alpha0, beta, momentum, weightDecay, ...rest } = changes;
  return {
    ...(alpha0 !== undefined ? { alpha0 } : {}),
    ...(beta !== undefined ? { beta } : {}),
    ...(momentum !== undefined ? { momentum } : {}),
    ...(weightDecay !== undefined ? { weightDecay } : {}),
    ...(Object.keys(rest).length > 0 ? { options: rest } : {}),
  };
}

/** Sends a plan's edits to the workers: each takes effect from its run's next iteration. */
export function applyLiveEdits(plan: LiveEditPlan): number {
  for (const e of plan.edits) workers.get(e.runId)?.postMessage({ type: 'edit', changes: e.changes } satisfies ToWorker);
  return plan.edits.length;
}

interface WaitingRun {
  spec: RunSpec;
  data: DatasetBuffers;
  backend: BackendName | 'auto';
  batch: number;
}

/** Runs of a Start that wait for a free slot (shown as "loading" until they start). */
const waiting: WaitingRun[] = [];
let launching = false;

/**
 * Starts waiting runs while slots are free. The runs of one wave get their data copies first and
 * then start at the same moment (their wall-time axes stay comparable); re-entrant calls return at
 * once, and the loop looks again for slots freed while it was copying.
 */
async function launchWaiting(): Promise<void> {
  if (launching) return;
  launching = true;
  try {
    for (;;) {
      const free = MAX_CONCURRENT_RUNS - workers.size;
      const wave = waiting.splice(0, Math.max(0, free)).filter((w) => !cancelledBatches.has(w.batch));
      if (wave.length === 0) break;
      // Each worker gets its own copy of the dataset, copied in slices and transferred (no long task).
      const copies: DatasetBuffers[] = [];
      for (const w of wave) copies.push(await transferableCopy(w.data));
      wave.forEach((w, i) => {
        if (cancelledBatches.has(w.batch)) return;
        spawn(w.spec, copies[i], w.backend);
        if (useRunsStore.getState().paused) workers.get(w.spec.runId)?.postMessage({ type: 'pause' } satisfies ToWorker);
      });
    }
  } finally {
    launching = false;
  }
}

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

  for (const spec of specs) waiting.push({ spec, data, backend, batch });
  await launchWaiting();
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
  for (const id of store.current) {
    const r = store.runs[id];
    if (!r) continue;
    if (r.state === 'loading' && !workers.has(id)) {
      cancelledBatches.add(r.batch);
      patches[id] = { state: 'stopped' };
    }
  }
  if (Object.keys(patches).length > 0) store.patchRuns(patches);
  // Queued runs never start (they were marked stopped above: still 'loading', no worker).
  waiting.length = 0;
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
