// Decoded datasets kept in the browser, so that a dataset the user loaded from a file (CIFAR-10, or
// Fashion-MNIST where it is not hosted) is there again after a reload without asking.
//
// Storage: IndexedDB. It stores typed arrays as they are (structured clone: no base64, no Response
// wrapping as Cache Storage would need), works the same in the page and in workers (the import
// worker writes and reads it, so the main thread never serialises 184 MB), is transactional (a
// failed or interrupted write leaves no half record) and has the largest quota and the widest
// support (Chromium, Firefox, Safari). OPFS would do too, but its writable streams came to Safari
// late and it would need a file format of our own for the metadata.
//
// One record per dataset in the object store `datasets` of the database `hypergradient-playground`,
// keyed by the dataset's name, its four arrays held as Blobs: Chromium refuses a single IndexedDB value
// over about 133 MB (CIFAR-10's training images are 154 MB; measured here, the put fails with no
// error name), while Blobs are stored as files beside the database with no such limit (a 184 MB Blob:
// put 0.1 s, read back 0.3 s). A record is validated on the way out: a stale or foreign one reads as
// absent, never as broken data.

import type { DatasetBuffers, DatasetName } from '../engine/types';
import { datasetInfo, isDatasetName } from './datasets';
import { committed, openDatabase, request } from '../util/idb';

export const STORE_DB_NAME = 'hypergradient-playground';
export const STORE_DB_VERSION = 1;
export const STORE_NAME = 'datasets';
/** Layout of a record; a record of another layout is ignored (and overwritten by the next import). */
export const RECORD_LAYOUT = 1;

export interface StoredRecord {
  dataset: DatasetName;
  layout: typeof RECORD_LAYOUT;
  /** ISO time of the import. */
  savedAt: string;
  /** What it was loaded from: the file name(s) or the URL. */
  source: string;
  shape: [number, number, number];
  numClasses: number;
  mean: number[];
  std: number[];
  trainImages: Uint8Array;
  trainLabels: Uint8Array;
  testImages: Uint8Array;
  testLabels: Uint8Array;
}

/** What the page shows about a stored copy (without the pixels). */
export interface StoredInfo {
  dataset: DatasetName;
  savedAt: string;
  source: string;
  nTrain: number;
  nTest: number;
  /** Bytes of pixels and labels held. */
  bytes: number;
}

/** The storage the import worker uses; IndexedDB in the page (openIdbStore), a Map in tests. */
export interface DatasetStore {
  get(name: DatasetName): Promise<unknown>;
  put(record: StoredRecord): Promise<void>;
  delete(name: DatasetName): Promise<void>;
}

export function toStoredRecord(data: DatasetBuffers, source: string, savedAt: Date = new Date()): StoredRecord {
  return {
    dataset: data.name,
    layout: RECORD_LAYOUT,
    savedAt: savedAt.toISOString(),
    source,
    shape: [...data.shape],
    numClasses: data.numClasses,
    mean: [...data.mean],
    std: [...data.std],
    trainImages: data.trainImages,
    trainLabels: data.trainLabels,
    testImages: data.testImages,
    testLabels: data.testLabels,
  };
}

export function storedInfo(rec: StoredRecord): StoredInfo {
  const bytes = rec.trainImages.length + rec.trainLabels.length + rec.testImages.length + rec.testLabels.length;
  return { dataset: rec.dataset, savedAt: rec.savedAt, source: rec.source, nTrain: rec.trainLabels.length, nTest: rec.testLabels.length, bytes };
}

const isPositiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

/**
 * A stored value back as DatasetBuffers, or null when it is not a complete, consistent record of
 * `name` in the current layout with the registry's image shape (anything else reads as "not stored").
 */
export function fromStoredRecord(value: unknown, name: DatasetName): { data: DatasetBuffers; info: StoredInfo } | null {
  if (typeof value !== 'object' || value === null) return null;
  const r = value as Record<string, unknown>;
  if (r.layout !== RECORD_LAYOUT || r.dataset !== name || !isDatasetName(r.dataset)) return null;
  if (typeof r.savedAt !== 'string' || typeof r.source !== 'string') return null;
  const shape = r.shape;
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every(isPositiveInt)) return null;
  const want = datasetInfo(name).imageShape;
  if (shape.some((d, i) => d !== want[i])) return null;
  const [h, w, c] = shape as [number, number, number];
  if (!isPositiveInt(r.numClasses) || r.numClasses > 256) return null;
  const perChannel = (v: unknown, positive: boolean) =>
    Array.isArray(v) && v.length === c && v.every((x) => typeof x === 'number' && Number.isFinite(x) && (!positive || x > 0));
  if (!perChannel(r.mean, false) || !perChannel(r.std, true)) return null;
  const arrays = [r.trainImages, r.trainLabels, r.testImages, r.testLabels];
  if (!arrays.every((a) => a instanceof Uint8Array)) return null;
  const [trainImages, trainLabels, testImages, testLabels] = arrays as Uint8Array[];
  const imageSize = h * w * c;
  if (trainLabels.length === 0 || trainImages.length !== trainLabels.length * imageSize) return null;
  if (testLabels.length === 0 || testImages.length !== testLabels.length * imageSize) return null;
  const k = r.numClasses;
  for (const labels of [trainLabels, testLabels]) for (let i = 0; i < labels.length; i++) if (labels[i] >= k) return null;
  const rec = value as StoredRecord;
  return {
    data: {
      name,
      trainImages,
      trainLabels,
      testImages,
      testLabels,
      shape: [h, w, c],
      imageSize,
      numClasses: k,
      mean: [...(r.mean as number[])],
      std: [...(r.std as number[])],
    },
    info: storedInfo(rec),
  };
}

/**
 * A storage failure as an Error whose message says what failed and what it means for the user.
 * `action` is what was being done ("store CIFAR-10 in this browser").
 */
export function storageError(e: unknown, action: string): Error {
  const name = e instanceof Error || (typeof DOMException !== 'undefined' && e instanceof DOMException) ? (e as Error).name : '';
  const msg = e instanceof Error ? e.message : String(e);
  let why: string;
  if (name === 'QuotaExceededError' || /quota/i.test(msg)) {
    why = "the browser's storage quota for this site is exhausted (QuotaExceededError): free space (site data) or use a browser profile with more disk";
  } else if (name === 'SecurityError' || (name === 'InvalidStateError' && /private|incognito/i.test(msg))) {
    why = `this browser does not allow this page to store data (${name}${msg ? `: ${msg}` : ''}), e.g. in a private window`;
  } else if (name === 'UnknownError') {
    why = `IndexedDB failed (UnknownError${msg ? `: ${msg}` : ''}), often a full disk or a damaged browser profile`;
  } else if (name === 'VersionError') {
    why = 'another tab holds a newer version of this page\'s storage: reload every tab of this page';
  } else {
    why = `${name && name !== 'Error' ? `${name}: ` : ''}${msg || 'unknown error'}`;
  }
  return new Error(`could not ${action}: ${why}`, { cause: e });
}

const ARRAY_KEYS = ['trainImages', 'trainLabels', 'testImages', 'testLabels'] as const;

/** The record as IndexedDB holds it: the four arrays as Blobs. */
export function recordToBlobs(rec: StoredRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { ...rec };
  for (const k of ARRAY_KEYS) out[k] = new Blob([rec[k] as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' });
  return out;
}

/** Back from IndexedDB: Blob fields read into Uint8Arrays (anything else is left for fromStoredRecord to judge). */
export async function recordFromBlobs(value: unknown): Promise<unknown> {
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const k of ARRAY_KEYS) {
    const v = out[k];
    if (v instanceof Blob) out[k] = new Uint8Array(await v.arrayBuffer());
  }
  return out;
}

/** The IndexedDB-backed store. Throws (on first use) when the browser offers no IndexedDB here. */
export function openIdbStore(factory: IDBFactory | undefined = globalThis.indexedDB): DatasetStore {
  let dbp: Promise<IDBDatabase> | null = null;
  const db = (): Promise<IDBDatabase> => {
    dbp ??= openDatabase(factory, STORE_DB_NAME, STORE_DB_VERSION, (d) => {
      if (!d.objectStoreNames.contains(STORE_NAME)) d.createObjectStore(STORE_NAME, { keyPath: 'dataset' });
    });
    dbp.catch(() => (dbp = null)); // a later call tries again
    return dbp;
  };
  return {
    async get(name) {
      const tx = (await db()).transaction(STORE_NAME, 'readonly');
      return recordFromBlobs(await request(tx.objectStore(STORE_NAME).get(name)));
    },
    async put(record) {
      const value = recordToBlobs(record);
      const tx = (await db()).transaction(STORE_NAME, 'readwrite');
      const stored = committed(tx);
      try {
        tx.objectStore(STORE_NAME).put(value);
      } catch (e) {
        stored.catch(() => undefined);
        throw e;
      }
      await stored;
    },
    async delete(name) {
      const tx = (await db()).transaction(STORE_NAME, 'readwrite');
      const stored = committed(tx);
      tx.objectStore(STORE_NAME).delete(name);
      await stored;
    },
  };
}
