// The page's datasets: each loaded at most once (its promise cached per dataset, so switching back
// and forth does not reload), progress and errors of the selected one in the runs store.
//
// Where a dataset comes from, in order (datasets with a `fileImport` in the registry: CIFAR-10, and
// Fashion-MNIST where the site does not host it):
//   1. the hosted shards at the registry's baseUrl (manifest.json), as for MNIST;
//   2. the decoded copy stored in this browser (IndexedDB) by an earlier import;
//   3. the user: the import panel (src/ui/DataImport.tsx) asks for the file(s) or a URL, a worker
//      decodes and stores them (src/worker/dataImport.worker.ts), and the result is offered to the
//      cache, so ensureDataset resolves with it from then on.
// Import progress, the stored copy and import errors live in useDataImportStore (per dataset).
import { create } from 'zustand';
import type { DatasetBuffers, DatasetName, TrainConfig } from '../engine/types';
import { datasetInfo } from '../data/datasets';
import { DatasetNotHostedError, DataFormatError } from '../data/errors';
import type { ImportPhase, ImportSource } from '../data/importJob';
import { loadDataset } from '../data/loader';
import type { StoredInfo } from '../data/storedData';
import { itersPerEpoch } from '../data/batching';
import { describeEvalPlan, evalPlan, totalIterations } from '../engine/budget';
import type { FromImportWorker, ToImportWorker } from '../worker/importProtocol';
import { useConfigStore } from './configStore';
import { useRunsStore, type DataLoadState } from './runsStore';
import { runTrainSize } from '../series/trainSize';

/** Where the page fetches a dataset's shards (manifest.json + gzipped IDX), e.g. ./data/fashion-mnist */
export function dataBaseUrl(name: DatasetName): string {
  return datasetInfo(name).baseUrl;
}

// ---------------------------------------------------------------------------------------------
// Import state (per dataset), for the import panel and the ready line.

/**
 * Where the data in use came from: 'hosted' (the site's shards), 'stored' (the copy in this browser),
 * 'session' (the user's file, loaded but not stored: storing failed or the copy was forgotten);
 * 'missing' = neither hosted nor stored, the page asks; 'unknown' before the first look.
 */
export type DataOrigin = 'unknown' | 'hosted' | 'stored' | 'session' | 'missing';

export interface ImportState {
  origin: DataOrigin;
  /**
   * True while the page looks for the copy stored in this browser. Not a busy state: a file or URL the
   * person gives meanwhile is imported at once and wins over whatever the lookup finds.
   */
  looking: boolean;
  /** What the import worker does for the person now (import, forget; null when idle). total 0 = no measure. */
  busy: { phase: ImportPhase; done: number; total: number; what: string } | null;
  /** The copy stored in this browser, when known. */
  stored: StoredInfo | null;
  /** The last import or storage failure, for the panel's alert (null when none). */
  error: string | null;
}

export const IDLE_IMPORT: ImportState = { origin: 'unknown', looking: false, busy: null, stored: null, error: null };

interface DataImportStore {
  byName: Partial<Record<DatasetName, ImportState>>;
  patch: (name: DatasetName, p: Partial<ImportState>) => void;
}

export const useDataImportStore = create<DataImportStore>()((set) => ({
  byName: {},
  patch: (name, p) => set((s) => ({ byName: { ...s.byName, [name]: { ...(s.byName[name] ?? IDLE_IMPORT), ...p } } })),
}));

const patchImport = (name: DatasetName, p: Partial<ImportState>) => useDataImportStore.getState().patch(name, p);
const importState = (name: DatasetName): ImportState => useDataImportStore.getState().byName[name] ?? IDLE_IMPORT;

/** Clear the import alert of a dataset. */
export function dismissImportError(name: DatasetName): void {
  patchImport(name, { error: null });
}

// ---------------------------------------------------------------------------------------------
// The import worker: one per request, terminated after its answer.

export type ImportRequestRunner = (
  msg: ToImportWorker,
  onProgress: (phase: ImportPhase, done: number, total: number) => void,
) => Promise<Extract<FromImportWorker, { type: 'done' }>>;

const workerRunner: ImportRequestRunner = (msg, onProgress) =>
  new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(new URL('../worker/dataImport.worker.ts', import.meta.url), { type: 'module' });
    } catch (e) {
      reject(new Error(`could not start the data-import worker: ${e instanceof Error ? e.message : String(e)}`));
      return;
    }
    worker.onmessage = (ev: MessageEvent<FromImportWorker>) => {
      const m = ev.data;
      if (m.type === 'progress') {
        onProgress(m.phase, m.done, m.total);
        return;
      }
      worker.terminate();
      if (m.type === 'done') resolve(m);
      else reject(new Error(m.message));
    };
    worker.onerror = (ev) => {
      ev.preventDefault();
      worker.terminate();
      reject(new Error(`the data-import worker failed${ev.message ? `: ${ev.message}` : ''} (out of memory?)`));
    };
    worker.onmessageerror = () => {
      worker.terminate();
      reject(new Error('the data-import worker sent data the page could not read'));
    };
    worker.postMessage(msg);
  });

let runRequest: ImportRequestRunner = workerRunner;

/** Tests (Node has no Worker): run import requests in-process instead. Returns the previous runner. */
export function setImportRequestRunner(runner: ImportRequestRunner | null): ImportRequestRunner {
  const prev = runRequest;
  runRequest = runner ?? workerRunner;
  return prev;
}

// ---------------------------------------------------------------------------------------------
// The cache.

const promises = new Map<DatasetName, Promise<DatasetBuffers>>();
/** The last load state of every dataset, re-published when it is selected again. */
const states = new Map<DatasetName, DataLoadState>();
/** Training-set sizes once loaded (the registry's until then); a name here has data in use. */
const sizes = new Map<DatasetName, number>();
const isLoaded = (name: DatasetName) => sizes.has(name);
/** Test-set sizes once loaded (the registry's until then). */
const testSizes = new Map<DatasetName, number>();
/**
 * Bumped when the person starts an import: a lookup (hosted shards, stored copy) that began before it
 * is superseded, so its outcome neither replaces the imported data nor touches the import's state.
 */
const generations = new Map<DatasetName, number>();
const generation = (name: DatasetName) => generations.get(name) ?? 0;

/** Record a dataset's state; show it when that dataset is the selected one. */
function publish(name: DatasetName, state: DataLoadState): void {
  const tagged = { ...state, dataset: name };
  states.set(name, tagged);
  if (useConfigStore.getState().dataset === name) useRunsStore.getState().setData(tagged);
}

function ready(name: DatasetName, data: DatasetBuffers): void {
  sizes.set(name, data.trainLabels.length);
  testSizes.set(name, data.testLabels.length);
  publish(name, { state: 'ready', nTrain: data.trainLabels.length, nTest: data.testLabels.length });
}

/** The error ensureDataset rejects with while a file-importable dataset has not been given yet. */
function notLoadedError(name: DatasetName): DataFormatError {
  const info = datasetInfo(name);
  return new DataFormatError(info.label, `not loaded yet: it is not hosted with this page nor stored in this browser. To get it: ${info.howToGet}`);
}

/**
 * The hosted shards; for file-importable datasets, then the stored copy; rejects when neither.
 * `current()` is false once an import has superseded this lookup: from then on it leaves the import
 * state alone (the import owns it).
 */
async function load(name: DatasetName, onProgress: (loaded: number, total: number) => void, current: () => boolean): Promise<DatasetBuffers> {
  const info = datasetInfo(name);
  const patchIfCurrent = (p: Partial<ImportState>) => {
    if (current()) patchImport(name, p);
  };
  let data: DatasetBuffers;
  try {
    data = await loadDataset(info.baseUrl, onProgress, fetch, { missingHint: info.howToGet });
  } catch (e) {
    if (!info.fileImport || !(e instanceof DatasetNotHostedError)) throw e;
    return loadStoredCopy(name, patchIfCurrent);
  }
  if (data.name !== name) {
    throw new DataFormatError(`${info.baseUrl}/manifest.json`, `holds dataset "${data.name}", expected "${name}"`);
  }
  if (info.fileImport) patchIfCurrent({ origin: 'hosted' });
  return data;
}

async function loadStoredCopy(name: DatasetName, patch: (p: Partial<ImportState>) => void): Promise<DatasetBuffers> {
  patch({ looking: true });
  let answer: Extract<FromImportWorker, { type: 'done' }>;
  try {
    answer = await runRequest({ type: 'load-stored', dataset: name }, () => undefined);
  } catch (e) {
    // Storage unreadable (private window, damaged profile): say so, then ask for the file as if none.
    patch({ looking: false, origin: 'missing', error: e instanceof Error ? e.message : String(e) });
    throw notLoadedError(name);
  }
  if (!answer.data) {
    patch({ looking: false, origin: 'missing', stored: null });
    throw notLoadedError(name);
  }
  patch({ looking: false, origin: 'stored', stored: answer.stored });
  return answer.data;
}

/**
 * Load `name` (default: the selected dataset) once; later calls return the same promise.
 * MNIST: the hosted shards. CIFAR-10 / Fashion-MNIST: the hosted shards, else the copy stored in
 * this browser, else it rejects with a DataFormatError saying how to load it (and the import panel
 * asks); once the user has loaded it, it resolves with that data.
 */
export function ensureDataset(name: DatasetName = useConfigStore.getState().dataset): Promise<DatasetBuffers> {
  const cached = promises.get(name);
  if (cached) {
    const st = states.get(name);
    if (st) publish(name, st);
    return cached;
  }
  const gen = generation(name);
  const current = () => generation(name) === gen;
  publish(name, { state: 'loading', loadedBytes: 0, totalBytes: 0 });
  let lastProgress = 0;
  const p: Promise<DatasetBuffers> = load(
    name,
    (loadedBytes, totalBytes) => {
      // Throttle store updates to ~10 per second.
      const now = performance.now();
      if (now - lastProgress < 100 && loadedBytes < totalBytes) return;
      lastProgress = now;
      if (current()) publish(name, { state: 'loading', loadedBytes, totalBytes });
    },
    current,
  ).then(
    (data) => {
      // The person started an import while this load ran: the import wins (a Start waiting here gets its data).
      if (!current()) return promises.get(name) ?? data;
      ready(name, data);
      return data;
    },
    (err: unknown) => {
      if (!current()) {
        // Superseded by an import: its promise (or the lookup that followed it) answers; the state is theirs.
        const newer = promises.get(name);
        if (newer && newer !== p) return newer;
        throw err;
      }
      if (promises.get(name) === p) promises.delete(name); // allow a retry on the next Start
      const message = err instanceof Error ? err.message : String(err);
      if (importState(name).origin === 'missing') {
        // Not an error of the page: the import panel asks for the file.
        publish(name, { state: 'idle' });
      } else {
        // Shown by DataLoadProgress in its own alert (with a retry button).
        publish(name, { state: 'error', message });
      }
      throw err;
    },
  );
  promises.set(name, p);
  return p;
}

/** Put data the user loaded into the cache: ensureDataset(name) resolves with it from now on. */
export function offerDataset(name: DatasetName, data: DatasetBuffers): void {
  if (data.name !== name) throw new Error(`offerDataset: got "${data.name}" for "${name}"`);
  supersedeLookups(name);
  promises.set(name, Promise.resolve(data));
  ready(name, data);
}

/** From now on, lookups of `name` already running are ignored (their results and their import-state patches). */
function supersedeLookups(name: DatasetName): void {
  generations.set(name, generation(name) + 1);
}

const PHASE_WORDS: Record<ImportPhase, string> = {
  reading: 'Reading',
  downloading: 'Downloading',
  decoding: 'Decoding',
  storing: 'Storing in this browser',
  opening: 'Opening the stored copy',
  forgetting: 'Forgetting the stored copy',
};

/** Words for a phase, e.g. "Decoding". */
export function phaseWords(phase: ImportPhase): string {
  return PHASE_WORDS[phase];
}

function sourceWhat(source: ImportSource): string {
  if (source.kind === 'file') return source.name;
  if (source.kind === 'url') return source.url;
  return source.files.map((f) => f.name).join(', ');
}

/**
 * Load `name` from the user's file(s) or a URL in the import worker, store the decoded copy, and
 * offer it to the cache. Resolves true when the data is in use; on failure the import alert says
 * why and whatever was in use before stays in use (resolves false). Never rejects.
 */
export async function importDatasetFrom(name: DatasetName, source: ImportSource): Promise<boolean> {
  const busy = importState(name).busy;
  if (busy) {
    patchImport(name, { error: busyMessage(name, busy.phase) });
    return false;
  }
  const what = sourceWhat(source);
  // The person's file wins over a lookup still running (hosted shards, stored copy): its outcome is ignored.
  supersedeLookups(name);
  patchImport(name, { error: null, looking: false, busy: { phase: source.kind === 'url' ? 'downloading' : 'reading', done: 0, total: 0, what } });
  // With no data in use yet, a Start pressed meanwhile (or already waiting on the lookup) waits for this import.
  const settle: { resolve?: (d: DatasetBuffers) => void; reject?: (e: unknown) => void } = {};
  let pending: Promise<DatasetBuffers> | null = null;
  if (!isLoaded(name)) {
    pending = new Promise<DatasetBuffers>((resolve, reject) => Object.assign(settle, { resolve, reject }));
    pending.catch(() => undefined);
    promises.set(name, pending);
    publish(name, { state: 'loading', loadedBytes: 0, totalBytes: 0 });
  }
  try {
    const answer = await runRequest({ type: 'import', dataset: name, source }, (phase, done, total) =>
      patchImport(name, { busy: { phase, done, total, what } }),
    );
    if (!answer.data) throw new Error('the data-import worker returned no data');
    offerDataset(name, answer.data);
    settle.resolve?.(answer.data);
    patchImport(name, {
      busy: null,
      origin: answer.stored ? 'stored' : 'session',
      stored: answer.stored ?? importState(name).stored,
      error: answer.storeError
        ? `${answer.storeError}. ${datasetInfo(name).label} is loaded for this visit only: after a reload it has to be loaded again.`
        : null,
    });
    return true;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    patchImport(name, { busy: null, error: message });
    settle.reject?.(e instanceof Error ? e : new Error(message));
    if (pending && promises.get(name) === pending) {
      promises.delete(name);
      // Nothing in use: look again (a lookup this import superseded may have had a stored copy to offer).
      ensureDataset(name).catch(() => undefined);
    }
    return false;
  }
}

/** Why an import or forget cannot start now, for the panel's alert. */
function busyMessage(name: DatasetName, phase: ImportPhase): string {
  return `${datasetInfo(name).label} is busy (${phaseWords(phase).toLowerCase()}): wait for it to finish, then try again`;
}

/** Delete the copy stored in this browser. The data stays in use until the page is closed. */
export async function forgetStoredDataset(name: DatasetName): Promise<boolean> {
  const busy = importState(name).busy;
  if (busy) {
    patchImport(name, { error: busyMessage(name, busy.phase) });
    return false;
  }
  patchImport(name, { error: null, busy: { phase: 'forgetting', done: 0, total: 0, what: 'the stored copy' } });
  try {
    await runRequest({ type: 'forget', dataset: name }, () => undefined);
    const origin = importState(name).origin;
    patchImport(name, { busy: null, stored: null, origin: origin === 'stored' ? 'session' : origin });
    return true;
  } catch (e) {
    patchImport(name, { busy: null, error: e instanceof Error ? e.message : String(e) });
    return false;
  }
}

/** Tests: forget every cached dataset and import state. */
export function resetDatasetCache(): void {
  promises.clear();
  states.clear();
  sizes.clear();
  testSizes.clear();
  generations.clear();
  useDataImportStore.setState({ byName: {} });
}

function trainSize(name: DatasetName): number {
  return sizes.get(name) ?? datasetInfo(name).nTrain;
}

/** The images a run trains on (Adam + learned schedule: less its held-out validation images). */
function runTrain(config: TrainConfig): number {
  return runTrainSize(config.optimizer, trainSize(config.dataset));
}

export function runItersPerEpoch(config: TrainConfig): number {
  return itersPerEpoch(runTrain(config), config.batchSize);
}

/** Total iterations of a config's budget (before the worker reports its own). */
export function budgetIterations(config: TrainConfig): number {
  return totalIterations(config, runTrain(config));
}

/** When and on what a run evaluates, in words (the charts' caption, the export's sidecar). */
export function evalPlanWords(config: TrainConfig): string {
  const nTest = testSizes.get(config.dataset) ?? datasetInfo(config.dataset).nTest;
  return describeEvalPlan(evalPlan(config, runTrain(config), nTest), nTest);
}
