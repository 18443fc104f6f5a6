// The page's datasets: each loaded at most once (its promise cached per dataset, so switching back
// and forth does not reload), progress and errors of the selected one in the runs store.
import type { DatasetBuffers, DatasetName, TrainConfig } from '../engine/types';
import { datasetInfo } from '../data/datasets';
import { DataFormatError } from '../data/errors';
import { loadDataset } from '../data/loader';
import { itersPerEpoch } from '../data/batching';
import { totalIterations } from '../engine/budget';
import { useConfigStore } from './configStore';
import { useRunsStore, type DataLoadState } from './runsStore';

/** Where the page fetches a dataset's shards (manifest.json + gzipped IDX), e.g. ./data/fashion-mnist */
export function dataBaseUrl(name: DatasetName): string {
  return datasetInfo(name).baseUrl;
}

const promises = new Map<DatasetName, Promise<DatasetBuffers>>();
/** The last load state of every dataset, re-published when it is selected again. */
const states = new Map<DatasetName, DataLoadState>();
/** Training-set sizes once loaded (the registry's until then). */
const sizes = new Map<DatasetName, number>();

/** Record a dataset's state; show it when that dataset is the selected one. */
function publish(name: DatasetName, state: DataLoadState): void {
  const tagged = { ...state, dataset: name };
  states.set(name, tagged);
  if (useConfigStore.getState().dataset === name) useRunsStore.getState().setData(tagged);
}

/** Load `name` (default: the selected dataset) once; later calls return the same promise. */
export function ensureDataset(name: DatasetName = useConfigStore.getState().dataset): Promise<DatasetBuffers> {
  const cached = promises.get(name);
  if (cached) {
    const st = states.get(name);
    if (st) publish(name, st);
    return cached;
  }
  const info = datasetInfo(name);
  publish(name, { state: 'loading', loadedBytes: 0, totalBytes: 0 });
  let lastProgress = 0;
  const p = loadDataset(
    info.baseUrl,
    (loadedBytes, totalBytes) => {
      // Throttle store updates to ~10 per second.
      const now = performance.now();
      if (now - lastProgress < 100 && loadedBytes < totalBytes) return;
      lastProgress = now;
      publish(name, { state: 'loading', loadedBytes, totalBytes });
    },
    fetch,
    { missingHint: info.howToGet },
  ).then(
    (data) => {
      if (data.name !== name) {
        throw new DataFormatError(`${info.baseUrl}/manifest.json`, `holds dataset "${data.name}", expected "${name}"`);
      }
      sizes.set(name, data.trainLabels.length);
      publish(name, { state: 'ready', nTrain: data.trainLabels.length, nTest: data.testLabels.length });
      return data;
    },
  ).catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    promises.delete(name); // allow a retry on the next Start
    // Shown by DataLoadProgress in its own alert (with a retry button).
    publish(name, { state: 'error', message });
    throw err;
  });
  promises.set(name, p);
  return p;
}

function trainSize(name: DatasetName): number {
  return sizes.get(name) ?? datasetInfo(name).nTrain;
}

export function runItersPerEpoch(config: TrainConfig): number {
  return itersPerEpoch(trainSize(config.dataset), config.batchSize);
}

/** Total iterations of a config's budget (before the worker reports its own). */
export function budgetIterations(config: TrainConfig): number {
  return totalIterations(config, trainSize(config.dataset));
}
