// gzip held in memory, decompressed with the standard DecompressionStream (browsers, workers, Node 20):
// the shard loader and the CIFAR-10 archive both go through here.
import { concatBytes, errText } from './bytes';
import { DataFormatError } from './errors';
import { isGzip } from './idx';

export interface GunzipOptions {
  /** Called as compressed input is consumed: (bytes fed so far, total compressed bytes). Ends at (total, total). */
  onProgress?: (consumedBytes: number, totalBytes: number) => void;
  /** Input chunk size fed to the decompressor (default 1 MiB); smaller means finer progress. */
  chunkSize?: number;
  /**
   * Most decompressed bytes accepted (default MAX_GUNZIP_BYTES). Decompression stops as soon as the
   * output passes it, so a small crafted file cannot make the page inflate (and hold) gigabytes.
   */
  maxBytes?: number;
  /** Why the limit is what it is, for the message (e.g. "the manifest lists 3 images of 28x28"). */
  maxBytesReason?: string;
}

/** Default cap on a decompressed file: 1 GiB, far above any dataset file this project reads (CIFAR-10's tar is 184 MB). */
export const MAX_GUNZIP_BYTES = 2 ** 30;

const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * Decompress a gzip file held in memory with the standard DecompressionStream('gzip'), available in
 * browsers, workers and Node 20. Returns a fresh buffer of exactly the decompressed size.
 * Throws DataFormatError "not gzip" when the magic bytes are wrong and "corrupt gzip data" when the
 * stream is damaged or cut short.
 */
export async function gunzipTo(bytes: Uint8Array, name: string, opts: GunzipOptions = {}): Promise<Uint8Array> {
  if (!isGzip(bytes)) {
    const head = Array.from(bytes.subarray(0, 2), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new DataFormatError(
      name,
      `not gzip: the file starts with ${head ? head : 'nothing (empty file)'}, a gzip file starts with 1f 8b`,
    );
  }
  const chunk = Math.max(1, Math.floor(opts.chunkSize ?? 1 << 20));
  const maxBytes = Math.min(opts.maxBytes ?? MAX_GUNZIP_BYTES, MAX_GUNZIP_BYTES);
  const total = bytes.length;
  const ds = new DecompressionStream('gzip');
  const writer = ds.writable.getWriter();
  const reader = ds.readable.getReader();
  const writing = (async () => {
    for (let off = 0; off < total; off += chunk) {
      const end = Math.min(total, off + chunk);
      await writer.write(bytes.subarray(off, end) as Uint8Array<ArrayBuffer>);
      opts.onProgress?.(end, total);
    }
    await writer.close();
  })();
  const parts: Uint8Array[] = [];
  let size = 0;
  let tooBig = false;
  const reading = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > maxBytes) {
        // Stop inflating: cancelling the readable side errors the writable side, so the writer stops too.
        tooBig = true;
        parts.length = 0;
        await reader.cancel();
        break;
      }
      parts.push(value);
    }
  })();
  const [w, r] = await Promise.allSettled([writing, reading]);
  if (tooBig) {
    const why = opts.maxBytesReason ? ` (${opts.maxBytesReason})` : ' (the most this page accepts for one file)';
    throw new DataFormatError(name, `decompresses to more than ${fmt(maxBytes)} bytes${why}: not the expected file, or a damaged one`);
  }
  const failure = r.status === 'rejected' ? r : w.status === 'rejected' ? w : null;
  if (failure) {
    const e: unknown = failure.reason;
    const detail = /failed to fetch/i.test(errText(e)) ? 'the stream is damaged or cut short' : errText(e);
    throw new DataFormatError(name, `corrupt gzip data: ${detail}`, { cause: e });
  }
  return concatBytes(parts);
}
