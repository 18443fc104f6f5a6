// What the data-import worker does (src/worker/dataImport.worker.ts is only its message shell):
// read the user's file(s) or download a URL with progress, decode them into DatasetBuffers, store
// the decoded copy, and read or forget a stored copy. Only web APIs (Blob streams, fetch,
// DecompressionStream) and an injected DatasetStore, so it runs in Node tests too.
//
// Failures: reading, downloading and decoding throw DataFormatError naming the file or URL; a
// failure to store does not lose the decoded data: it comes back as `storeError` next to it.

import type { DatasetBuffers, DatasetName } from '../engine/types';
import { concatBytes, errText } from './bytes';
import { decodeCifarArchive } from './cifar';
import { datasetInfo } from './datasets';
import { DataFormatError } from './errors';
import { fashionMnistFromFiles } from './fashion';
import { fetchOk, readBody } from './loader';
import { fromStoredRecord, storageError, storedInfo, toStoredRecord, type DatasetStore, type StoredInfo } from './storedData';

/** Where the bytes come from. `Blob` includes the File objects of a file input or a drop. */
export type ImportSource =
  | { kind: 'file'; name: string; file: Blob }
  | { kind: 'files'; files: { name: string; file: Blob }[] }
  | { kind: 'url'; url: string };

/**
 * reading: the user's file(s), bytes; downloading: a URL, bytes (total 0 when the server sends no
 * length); decoding: gunzip + records, in thousandths; storing, opening (reading the stored copy),
 * forgetting: no measure (total 0).
 */
export type ImportPhase = 'reading' | 'downloading' | 'decoding' | 'storing' | 'opening' | 'forgetting';
export type ImportProgress = (phase: ImportPhase, done: number, total: number) => void;

export interface ImportResult {
  data: DatasetBuffers;
  /** The stored copy, or null when storing failed (then storeError says why). */
  stored: StoredInfo | null;
  storeError: string | null;
}

export interface ImportDeps {
  /** Null when the browser offers no storage at all: the data is still returned, with storeError. */
  store: DatasetStore | null;
  fetchImpl?: typeof fetch;
  onProgress?: ImportProgress;
  now?: () => Date;
}

/** Read a Blob (a File) in chunks with progress. A file that cannot be read becomes a DataFormatError naming it. */
export async function readBlob(blob: Blob, name: string, onProgress?: (done: number, total: number) => void): Promise<Uint8Array<ArrayBuffer>> {
  const total = blob.size;
  onProgress?.(0, total);
  try {
    if (typeof blob.stream !== 'function') {
      const buf = new Uint8Array(await blob.arrayBuffer());
      onProgress?.(total, total);
      return buf;
    }
    // One buffer of the known size, filled chunk by chunk: no second copy of a 170 MB file.
    const out = new Uint8Array(total);
    let off = 0;
    const reader = blob.stream().getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (off + value.length > total) throw new Error('the file grew while it was read');
      out.set(value, off);
      off += value.length;
      onProgress?.(off, total);
    }
    if (off !== total) throw new Error(`the file shrank while it was read (${off} of ${total} bytes)`);
    return out;
  } catch (e) {
    throw new DataFormatError(name, `could not read the file: ${errText(e)} (was it moved or changed? choose it again)`, { cause: e });
  }
}

/**
 * Download `url` with progress (total from Content-Length, 0 when unknown). Network failures and
 * HTTP errors become DataFormatError naming the URL; a network failure also says that the server
 * must allow cross-origin reads, the usual reason a download that works in a tab fails here.
 */
export async function downloadWithProgress(
  url: string,
  fetchImpl: typeof fetch = fetch,
  onProgress?: (done: number, total: number) => void,
): Promise<Uint8Array<ArrayBuffer>> {
  let res: Response;
  try {
    res = await fetchOk(fetchImpl, url);
  } catch (e) {
    if (e instanceof DataFormatError && /network error/.test(e.message)) {
      throw new DataFormatError(
        url,
        `${e.message.slice(url.length + 2)} (is the address right and the server up? it must also allow this page to read it: Access-Control-Allow-Origin)`,
        { cause: e },
      );
    }
    throw e;
  }
  const length = Number(res.headers.get('content-length'));
  // With Content-Encoding the length is of the encoded body, not of what arrives: then unknown.
  const total = Number.isSafeInteger(length) && length > 0 && !res.headers.get('content-encoding') ? length : 0;
  let done = 0;
  onProgress?.(0, total);
  const bytes = await readBody(res, url, (n) => {
    done += n;
    onProgress?.(total ? Math.min(done, total) : done, total);
  });
  return bytes;
}

/** A file whose first bytes are "<" is a web page (an error page, a login wall, a download page). */
function checkNotHtml(bytes: Uint8Array, name: string, want: string): void {
  let i = 0;
  while (i < bytes.length && i < 64 && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09 || bytes[i] === 0xef || bytes[i] === 0xbb || bytes[i] === 0xbf)) i++;
  if (bytes[i] === 0x3c) throw new DataFormatError(name, `this is a web page (HTML), not ${want}`);
}

/** Read, decode and store: the whole import of one dataset from the user's file(s) or a URL. */
export async function importDataset(dataset: DatasetName, source: ImportSource, deps: ImportDeps): Promise<ImportResult> {
  const info = datasetInfo(dataset);
  const progress = deps.onProgress ?? (() => undefined);
  let data: DatasetBuffers;
  let label: string;
  if (info.fileImport === 'cifar10-tar') {
    let bytes: Uint8Array;
    if (source.kind === 'file') {
      label = source.name;
      bytes = await readBlob(source.file, source.name, (d, t) => progress('reading', d, t));
    } else if (source.kind === 'url') {
      label = source.url;
      bytes = await downloadWithProgress(source.url, deps.fetchImpl ?? fetch, (d, t) => progress('downloading', d, t));
    } else if (source.files.length === 1) {
      label = source.files[0].name;
      bytes = await readBlob(source.files[0].file, label, (d, t) => progress('reading', d, t));
    } else {
      throw new DataFormatError(source.files.map((f) => f.name).join(', ') || 'no file', `${info.label} is one file, ${info.fileHint}: choose just that one`);
    }
    checkNotHtml(bytes, label, info.fileHint);
    progress('decoding', 0, 1000);
    data = await decodeCifarArchive(bytes, label, (phase, d, t) =>
      progress('decoding', Math.floor(phase === 'gunzip' ? (900 * d) / t : 900 + (100 * d) / t), 1000),
    );
  } else if (info.fileImport === 'idx-gz') {
    if (source.kind === 'url') throw new DataFormatError(source.url, `${info.label} loads from its four files, not from a URL`);
    const files = source.kind === 'file' ? [{ name: source.name, file: source.file }] : source.files;
    label = files.map((f) => f.name).join(', ');
    const total = files.reduce((a, f) => a + f.file.size, 0);
    let before = 0;
    const named = [];
    for (const f of files) {
      named.push({ name: f.name, bytes: await readBlob(f.file, f.name, (d) => progress('reading', before + d, total)) });
      before += f.file.size;
    }
    progress('decoding', 0, 1000);
    data = await fashionMnistFromFiles(named, (d, t) => progress('decoding', Math.floor((1000 * d) / t), 1000));
  } else {
    throw new Error(`${info.label} cannot be loaded from files in the page: ${info.howToGet}`);
  }
  if (!deps.store) {
    return { data, stored: null, storeError: storageError(new Error('this browser offers no IndexedDB here'), `store ${info.label} in this browser`).message };
  }
  progress('storing', 0, 0);
  const record = toStoredRecord(data, label, deps.now?.() ?? new Date());
  try {
    await deps.store.put(record);
  } catch (e) {
    return { data, stored: null, storeError: storageError(e, `store ${info.label} in this browser`).message };
  }
  return { data, stored: storedInfo(record), storeError: null };
}

/** The stored copy of `dataset`, or null when there is none (or only a stale or foreign record). */
export async function loadStored(
  dataset: DatasetName,
  store: DatasetStore | null,
  onProgress?: ImportProgress,
): Promise<{ data: DatasetBuffers; info: StoredInfo } | null> {
  if (!store) return null;
  onProgress?.('opening', 0, 0);
  let value: unknown;
  try {
    value = await store.get(dataset);
  } catch (e) {
    throw storageError(e, `read the copy of ${datasetInfo(dataset).label} stored in this browser`);
  }
  return fromStoredRecord(value, dataset);
}

/** Delete the stored copy of `dataset` (nothing to do when there is none). */
export async function forgetStored(dataset: DatasetName, store: DatasetStore | null, onProgress?: ImportProgress): Promise<void> {
  if (!store) return;
  onProgress?.('forgetting', 0, 0);
  try {
    await store.delete(dataset);
  } catch (e) {
    throw storageError(e, `forget the copy of ${datasetInfo(dataset).label} stored in this browser`);
  }
}

/**
 * The four buffers of `data` as a transfer list, each transferable on its own: a view that does not
 * own its whole buffer (or shares it with another) is replaced in `data` by an exact copy first.
 */
export function transferList(data: DatasetBuffers): ArrayBuffer[] {
  const keys = ['trainImages', 'trainLabels', 'testImages', 'testLabels'] as const;
  const seen = new Set<ArrayBufferLike>();
  for (const k of keys) {
    const a = data[k];
    if (a.byteOffset !== 0 || a.byteLength !== a.buffer.byteLength || seen.has(a.buffer) || !(a.buffer instanceof ArrayBuffer)) {
      data[k] = concatBytes([a]);
    }
    seen.add(data[k].buffer);
  }
  return keys.map((k) => data[k].buffer as ArrayBuffer);
}
