// Fetch a sharded dataset (manifest.json + gzipped IDX shards) and return its raw bytes.
//
// Only standard web APIs (fetch, streams, DecompressionStream, crypto.subtle), so the same code runs
// in the page, in a worker and in Node 20 (tests pass a fetchImpl that reads from disk).
// Every failure becomes a DataFormatError that names the URL.

import type { DatasetBuffers } from '../engine/types';
import { concatBytes, errText } from './bytes';
import { DatasetNotHostedError, DataFormatError } from './errors';
import { gunzipTo } from './gzip';
import { checkImagesLabels, isGzip, parseIdx, type IdxArray } from './idx';
import { parseManifest, shardIdxBytes, SHARD_ROLES, type ManifestFile, type ShardRole } from './manifest';

export type ProgressFn = (loadedBytes: number, totalBytes: number) => void;

export interface LoadOptions {
  /**
   * What to tell the user when the dataset is not on the server at all (the manifest is a 404),
   * e.g. the registry's "how to get it" line; appended to the message.
   */
  missingHint?: string;
  /**
   * Request each shard as `path?v=<first 16 hex digits of its sha256>` (default: when fetching with the
   * platform's own fetch, i.e. over HTTP; an injected fetchImpl, a disk reader in the CLI and the tests,
   * gets plain paths). A changed shard is then a new URL, so no cache (the service worker's, a CDN's,
   * the browser's) can answer with an old copy under a new manifest. A query rather than hashed file
   * names: the shards keep their names on disk, so existing folders, `npm run data` output and the
   * tools that read the folders by name are unchanged, and a static host serves `file?v=…` as `file`.
   * Messages still name the plain URL. A 404 for the versioned URL (a server that takes the query for
   * part of the file name) falls back to the plain one.
   */
  contentAddressed?: boolean;
}

/** The version query of a shard: the first 16 hex digits (64 bits) of its sha256. */
export function shardQuery(file: Pick<ManifestFile, 'sha256'>): string {
  return `v=${file.sha256.slice(0, 16)}`;
}

/** Parallel downloads: enough to hide latency, few enough to keep memory and sockets modest. */
const CONCURRENCY = 4;

/** fetch that turns a network failure or an HTTP error status into a DataFormatError naming the URL. */
export async function fetchOk(fetchImpl: typeof fetch, url: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetchImpl(url);
  } catch (e) {
    throw new DataFormatError(url, `network error: ${errText(e)}`, { cause: e });
  }
  if (!res.ok) throw new DataFormatError(url, `HTTP ${res.status}${res.statusText ? ' ' + res.statusText : ''}`);
  return res;
}

/** Read a body as a stream, calling onChunk with each chunk's length; a failure mid-body becomes a DataFormatError naming the URL. */
export async function readBody(res: Response, url: string, onChunk: (n: number) => void): Promise<Uint8Array<ArrayBuffer>> {
  try {
    if (!res.body) {
      const buf = new Uint8Array(await res.arrayBuffer());
      onChunk(buf.length);
      return buf;
    }
    const chunks: Uint8Array[] = [];
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      onChunk(value.length);
    }
    return concatBytes(chunks);
  } catch (e) {
    throw new DataFormatError(url, `network error while reading the body: ${errText(e)}`, { cause: e });
  }
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Run `fn` over `items` with at most `limit` in flight; results keep the input order. When several
 * items fail, the error of the first one in input order is thrown, so the message does not depend on
 * which download happened to finish first.
 */
async function mapPool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        out[i] = { status: 'fulfilled', value: await fn(items[i]) };
      } catch (reason) {
        out[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out.map((r) => {
    if (r.status === 'rejected') throw r.reason;
    return r.value;
  });
}

/**
 * Load the dataset described by `${baseUrl}/manifest.json`.
 * onProgress gets byte-level progress over the sum of the manifest's `bytes`; it ends at exactly
 * (total, total) even when a server decoded the gzip for us (then more bytes arrive than listed).
 */
export async function loadDataset(
  baseUrl: string,
  onProgress?: ProgressFn,
  fetchImpl: typeof fetch = fetch,
  options: LoadOptions = {},
): Promise<DatasetBuffers> {
  const base = baseUrl.replace(/\/+$/, '');
  const manifestUrl = `${base}/manifest.json`;
  let manifestRes: Response;
  try {
    manifestRes = await fetchOk(fetchImpl, manifestUrl);
  } catch (e) {
    if (e instanceof DataFormatError && / 404\b/.test(e.message)) {
      const problem = options.missingHint
        ? `HTTP 404 Not Found: the dataset is not on this server. To get it: ${options.missingHint}`
        : e.message.slice(e.file.length + 2);
      throw new DatasetNotHostedError(manifestUrl, problem, { cause: e });
    }
    throw e;
  }
  let json: unknown;
  const text = new TextDecoder().decode(await readBody(manifestRes, manifestUrl, () => {}));
  // Dev servers (Vite's HTML fallback) answer a missing file with the page itself and status 200.
  if (options.missingHint && /^\s*</.test(text)) {
    throw new DatasetNotHostedError(manifestUrl, `the server sent a web page, not the manifest: the dataset is not on this server. To get it: ${options.missingHint}`);
  }
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new DataFormatError(manifestUrl, `not valid JSON: ${errText(e)}`, { cause: e });
  }
  const manifest = parseManifest(json, manifestUrl);
  const [h, w, c] = manifest.imageShape;
  const imageDims = c === 1 ? [h, w] : [h, w, c];

  const totalBytes = manifest.files.reduce((a, f) => a + f.bytes, 0);
  let loaded = 0;
  onProgress?.(0, totalBytes);

  const contentAddressed = options.contentAddressed ?? fetchImpl === globalThis.fetch;
  const loadShard = async (file: ManifestFile): Promise<IdxArray> => {
    const url = `${base}/${file.path}`;
    let res: Response;
    if (!contentAddressed) res = await fetchOk(fetchImpl, url);
    else {
      try {
        res = await fetchOk(fetchImpl, `${url}?${shardQuery(file)}`);
      } catch (e) {
        if (!(e instanceof DataFormatError)) throw e;
        // A server that takes the query for part of the file name (static hosts ignore it) answers
        // 404: then the plain URL. Any other failure names the file, not its version query.
        if (!/: HTTP 404\b/.test(e.message)) throw new DataFormatError(url, e.message.slice(e.file.length + 2), { cause: e.cause });
        res = await fetchOk(fetchImpl, url);
      }
    }
    // Count at most the listed size per file, then top up to it, so progress is monotone and exact.
    let counted = 0;
    const raw = await readBody(res, url, (n) => {
      const add = Math.min(n, file.bytes - counted);
      if (add > 0) {
        counted += add;
        loaded += add;
        onProgress?.(loaded, totalBytes);
      }
    });
    let idx: Uint8Array = raw;
    const isImages = file.role === 'trainImages' || file.role === 'testImages';
    // A server may already have undone a Content-Encoding: gzip, so look at the bytes themselves.
    if (isGzip(raw)) {
      if (raw.length === file.bytes && globalThis.crypto?.subtle) {
        const got = await sha256Hex(raw);
        if (got !== file.sha256) {
          throw new DataFormatError(url, `sha256 ${got} does not match the manifest's ${file.sha256} (stale cache?)`);
        }
      }
      // Inflate not much more than the IDX file the manifest describes: a damaged or hostile shard
      // fails as soon as it passes that bound instead of filling memory. The slack lets a wrong but
      // small file through to parseIdx, whose message says what it is instead.
      const expected = shardIdxBytes(file.count, isImages ? imageDims : []);
      idx = await gunzipTo(raw, url, {
        maxBytes: 2 * expected + (1 << 20),
        maxBytesReason: `the IDX file of the ${file.count} ${isImages ? 'images' : 'labels'} the manifest lists has ${expected} bytes`,
      });
    }
    const arr = parseIdx(idx, url, isImages ? 1 + imageDims.length : 1);
    if (arr.dims[0] !== file.count) {
      throw new DataFormatError(url, `holds ${arr.dims[0]} items but the manifest lists ${file.count}`);
    }
    if (isImages && arr.dims.slice(1).some((d, i) => d !== imageDims[i])) {
      throw new DataFormatError(url, `images are ${arr.dims.slice(1).join('x')}, the manifest says ${imageDims.join('x')}`);
    }
    if (file.bytes > counted) {
      loaded += file.bytes - counted;
      onProgress?.(loaded, totalBytes);
    }
    return arr;
  };

  const shards = await mapPool(manifest.files, CONCURRENCY, loadShard);

  const byRole = {} as Record<ShardRole, Uint8Array>;
  for (const role of SHARD_ROLES) {
    byRole[role] = concatBytes(shards.filter((_, i) => manifest.files[i].role === role).map((s) => s.data));
  }
  const asIdx = (role: ShardRole, n: number): IdxArray => ({
    dims: role.endsWith('Images') ? [n, h, w, c] : [n],
    data: byRole[role],
  });
  const opts = { numClasses: manifest.numClasses, imageShape: [h, w, c] as const };
  checkImagesLabels(asIdx('trainImages', manifest.nTrain), asIdx('trainLabels', manifest.nTrain), `${base} (train)`, opts);
  checkImagesLabels(asIdx('testImages', manifest.nTest), asIdx('testLabels', manifest.nTest), `${base} (test)`, opts);

  return {
    name: manifest.dataset,
    trainImages: byRole.trainImages,
    trainLabels: byRole.trainLabels,
    testImages: byRole.testImages,
    testLabels: byRole.testLabels,
    shape: [h, w, c],
    imageSize: h * w * c,
    numClasses: manifest.numClasses,
    mean: [...manifest.mean],
    std: [...manifest.std],
  };
}
