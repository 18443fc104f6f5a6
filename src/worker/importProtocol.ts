// Typed messages between the page (src/store/dataset.ts) and a data-import worker
// (src/worker/dataImport.worker.ts). One worker per request; it is terminated after its answer.
import type { DatasetBuffers, DatasetName } from '../engine/types';
import type { ImportPhase, ImportSource } from '../data/importJob';
import type { StoredInfo } from '../data/storedData';

export type ToImportWorker =
  /** Read/download, decode and store a dataset from the user's file(s) or a URL. */
  | { type: 'import'; dataset: DatasetName; source: ImportSource }
  /** Read the copy stored in this browser (answer: data null when there is none). */
  | { type: 'load-stored'; dataset: DatasetName }
  /** Delete the stored copy. */
  | { type: 'forget'; dataset: DatasetName };

export type FromImportWorker =
  | { type: 'progress'; phase: ImportPhase; done: number; total: number }
  /** The dataset (buffers transferred), what is stored, and why storing failed if it did. */
  | { type: 'done'; data: DatasetBuffers | null; stored: StoredInfo | null; storeError: string | null }
  /** A clear message (a DataFormatError's or a storage Error's). */
  | { type: 'error'; message: string };
