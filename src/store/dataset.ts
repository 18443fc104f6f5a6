// The dataset of the page: loaded once (the promise cached), progress and errors in the runs store.
import type { DatasetBuffers, TrainConfig } from '../engine/types';
import { loadDataset } from '../data/loader';
import { itersPerEpoch } from '../data/batching';
import { totalIterations } from '../engine/budget';
import { useRunsStore } from './runsStore';

export const DATA_BASE_URL = './data/mnist';
const DEFAULT_TRAIN_SIZE = 60000;


let datasetPromise: Promise<DatasetBuffers> | null = null;
let datasetSize = DEFAULT_TRAIN_SIZE;

export function ensureDataset(): Promise<DatasetBuffers> {
  if (datasetPromise) return datasetPromise;
  const store = useRunsStore.getState();
  store.setData({ state: 'loading', loadedBytes: 0, totalBytes: 0 });
  let lastProgress = 0;
  const p = loadDataset(DATA_BASE_URL, (loadedBytes, totalBytes) => {
    // Throttle store updates to ~10 per second.
    const now = performance.now();
    if (now - lastProgress < 100 && loadedBytes < totalBytes) return;
    lastProgress = now;
    useRunsStore.getState().setData({ state: 'loading', loadedBytes, totalBytes });
  }).then(
    (data) => {
      datasetSize = data.trainLabels.length;
      useRunsStore.getState().setData({ state: 'ready', nTrain: data.trainLabels.length, nTest: data.testLabels.length });
      return data;
    },
    (err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      datasetPromise = null; // allow a retry on the next Start
      // Shown by DataLoadProgress in its own alert (with a retry button).
      useRunsStore.getState().setData({ state: 'error', message });
      throw err;
    },
  );
  datasetPromise = p;
  return p;
}

export function runItersPerEpoch(config: TrainConfig): number {
  return itersPerEpoch(datasetSize, config.batchSize);
}

/** Total iterations of a config's budget (before the worker reports its own). */
export function budgetIterations(config: TrainConfig): number {
  return totalIterations(config, datasetSize);
}
