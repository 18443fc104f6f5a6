// CIFAR-10, binary version (the official `cifar-10-binary.tar.gz`).
//
// The archive holds `cifar-10-batches-bin/data_batch_1.bin` ... `data_batch_5.bin` (training,
// 10,000 records each) and `test_batch.bin` (10,000 records), plus `batches.meta.txt` and a readme.
// Each record is 3,073 bytes: one label byte (0-9), then 3,072 pixel bytes: the 1,024 red values,
// then the 1,024 green, then the 1,024 blue, each plane row-major 32x32.
//
// Images are returned in the file's own planar layout: for image i, byte i*3072 + c*1024 + y*32 + x
// is channel c (0 = R, 1 = G, 2 = B) at row y, column x, i.e. NCHW. Use `cifarChwToHwc` for NHWC.
// Pure and browser-and-Node; every malformation becomes a DataFormatError naming the file.

import type { DatasetBuffers } from '../engine/types';
import { DataFormatError } from './errors';
import { gunzipTo, type GunzipOptions } from './gzip';
import { isGzip } from './idx';
import { looksLikeTar, parseTar, type TarEntry } from './tar';

export const CIFAR_SIDE = 32;
export const CIFAR_CHANNELS = 3;
/** Pixel bytes per image: 3 x 32 x 32. */
export const CIFAR_IMAGE_BYTES = CIFAR_CHANNELS * CIFAR_SIDE * CIFAR_SIDE; // 3072
/** Bytes per record: 1 label byte + 3,072 pixel bytes. */
export const CIFAR_RECORD_BYTES = 1 + CIFAR_IMAGE_BYTES; // 3073
export const CIFAR_NUM_CLASSES = 10;
export const CIFAR_CLASS_NAMES = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
] as const;

/** Per-channel (R, G, B) normalisation of spec §6: Normalize(mean, std) applied to pixels / 255. */
export const CIFAR_MEAN = [0.485, 0.456, 0.406] as const;
export const CIFAR_STD = [0.229, 0.224, 0.225] as const;

/** Basenames of the training batches, in the order they are concatenated. */
export const CIFAR_TRAIN_FILES = [
  'data_batch_1.bin',
  'data_batch_2.bin',
  'data_batch_3.bin',
  'data_batch_4.bin',
  'data_batch_5.bin',
] as const;
export const CIFAR_TEST_FILE = 'test_batch.bin';

/**
 * Most bytes the archive may unpack to: the official tar is 184 MB, so 256 MiB leaves room for extra
 * files while a small crafted .gz (a "gzip bomb") is refused before it fills memory.
 */
export const CIFAR_MAX_TAR_BYTES = 256 * 2 ** 20;
const TAR_LIMIT = { maxBytes: CIFAR_MAX_TAR_BYTES, maxBytesReason: 'the CIFAR-10 binary archive unpacks to 184 MB' };

export interface CifarBatch {
  /** n x 3 x 32 x 32 uint8, planar (CHW per image) exactly as in the file. A fresh buffer. */
  images: Uint8Array;
  /** n labels, each 0..9. A fresh buffer. */
  labels: Uint8Array;
  n: number;
}

export interface CifarData {
  /** nTrain x 3 x 32 x 32 uint8, planar CHW per image (data_batch_1 .. data_batch_5 in order). */
  trainImages: Uint8Array;
  trainLabels: Uint8Array;
  /** nTest x 3 x 32 x 32 uint8, planar CHW per image. */
  testImages: Uint8Array;
  testLabels: Uint8Array;
  nTrain: number;
  nTest: number;
}

const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * Check one CIFAR-10 binary batch file without copying it and return its number of records.
 * Throws DataFormatError for an empty file, a length that is not a whole number of 3,073-byte
 * records, or a label of 10 or more.
 */
export function checkCifarBatch(bytes: Uint8Array, name: string): number {
  if (bytes.length === 0) throw new DataFormatError(name, 'empty file: a CIFAR-10 batch has 3,073-byte records');
  const rem = bytes.length % CIFAR_RECORD_BYTES;
  if (rem !== 0) {
    const whole = Math.floor(bytes.length / CIFAR_RECORD_BYTES);
    throw new DataFormatError(
      name,
      `${fmt(bytes.length)} bytes is not a whole number of 3,073-byte CIFAR-10 records ` +
        `(${fmt(whole)} records and ${fmt(rem)} bytes left over): truncated or not a CIFAR-10 binary batch`,
    );
  }
  const n = bytes.length / CIFAR_RECORD_BYTES;
  for (let i = 0; i < n; i++) {
    const r = i * CIFAR_RECORD_BYTES;
    const label = bytes[r];
    if (label >= CIFAR_NUM_CLASSES) {
      throw new DataFormatError(
        name,
        `label ${label} in record ${i} (byte offset ${fmt(r)}) is out of range (10 classes): not a CIFAR-10 binary batch`,
      );
    }
  }
  return n;
}

/**
 * Parse one CIFAR-10 binary batch file. `name` is used in error messages.
 * Throws DataFormatError for an empty file, a length that is not a whole number of 3,073-byte
 * records, or a label of 10 or more.
 */
export function parseCifarBatch(bytes: Uint8Array, name: string): CifarBatch {
  const n = checkCifarBatch(bytes, name);
  const labels = new Uint8Array(n);
  const images = new Uint8Array(n * CIFAR_IMAGE_BYTES);
  for (let i = 0; i < n; i++) {
    const r = i * CIFAR_RECORD_BYTES;
    labels[i] = bytes[r];
    images.set(bytes.subarray(r + 1, r + CIFAR_RECORD_BYTES), i * CIFAR_IMAGE_BYTES);
  }
  return { images, labels, n };
}

/** Serialise images (n x 3072, planar CHW) and labels (n) as a CIFAR-10 binary batch (the inverse of parseCifarBatch). */
export function encodeCifarBatch(images: Uint8Array, labels: Uint8Array | readonly number[]): Uint8Array {
  const n = labels.length;
  if (images.length !== n * CIFAR_IMAGE_BYTES) {
    throw new RangeError(`encodeCifarBatch: ${n} labels need ${n * CIFAR_IMAGE_BYTES} image bytes, got ${images.length}`);
  }
  const out = new Uint8Array(n * CIFAR_RECORD_BYTES);
  for (let i = 0; i < n; i++) {
    const l = labels[i];
    if (!Number.isInteger(l) || l < 0 || l > 255) throw new RangeError(`encodeCifarBatch: label ${l} is not a byte`);
    const r = i * CIFAR_RECORD_BYTES;
    out[r] = l;
    out.set(images.subarray(i * CIFAR_IMAGE_BYTES, (i + 1) * CIFAR_IMAGE_BYTES), r + 1);
  }
  return out;
}

const basename = (p: string) => p.replace(/\/+$/, '').split('/').pop() ?? p;

/**
 * Find data_batch_1..5.bin and test_batch.bin among the tar entries by basename (whatever folder
 * they sit in), in the order training 1..5 then test. Throws DataFormatError naming every missing
 * file (recognising the Python version of the archive) or a file present twice.
 */
export function findCifarBatches(entries: readonly TarEntry[], archiveName = 'cifar-10-binary.tar.gz'): TarEntry[] {
  const wanted = [...CIFAR_TRAIN_FILES, CIFAR_TEST_FILE] as string[];
  const found = new Map<string, TarEntry>();
  for (const e of entries) {
    const b = basename(e.path);
    if (!wanted.includes(b)) continue;
    const prev = found.get(b);
    if (prev) throw new DataFormatError(archiveName, `contains ${b} twice ("${prev.path}" and "${e.path}")`);
    found.set(b, e);
  }
  const missing = wanted.filter((w) => !found.has(w));
  if (missing.length > 0) {
    const pythonVersion = entries.some((e) => /^(data_batch_\d|test_batch)$/.test(basename(e.path)));
    const hint = pythonVersion
      ? ' (this looks like the Python version, cifar-10-python.tar.gz; the binary version cifar-10-binary.tar.gz is needed)'
      : ' (expected the binary version, cifar-10-binary.tar.gz, with cifar-10-batches-bin/*.bin)';
    throw new DataFormatError(archiveName, `missing ${missing.join(', ')}${hint}`);
  }
  return wanted.map((w) => found.get(w)!);
}

/**
 * Assemble CIFAR-10 from the entries of the binary tar: finds data_batch_1..5.bin and test_batch.bin
 * by basename (whatever folder they sit in), parses each, and concatenates training batches 1..5 in
 * order. `archiveName` (e.g. the file name the user picked) prefixes error messages.
 * Throws DataFormatError naming every missing file, a file present twice, or a malformed batch.
 */
export function cifarFromTar(entries: readonly TarEntry[], archiveName = 'cifar-10-binary.tar.gz'): CifarData {
  const batches = findCifarBatches(entries, archiveName);
  const parsed = batches.map((e) => parseCifarBatch(e.data, `${archiveName}: ${e.path}`));
  const train = parsed.slice(0, CIFAR_TRAIN_FILES.length);
  const test = parsed[CIFAR_TRAIN_FILES.length];
  const nTrain = train.reduce((a, b) => a + b.n, 0);
  const trainImages = new Uint8Array(nTrain * CIFAR_IMAGE_BYTES);
  const trainLabels = new Uint8Array(nTrain);
  let k = 0;
  for (const b of train) {
    trainImages.set(b.images, k * CIFAR_IMAGE_BYTES);
    trainLabels.set(b.labels, k);
    k += b.n;
  }
  return { trainImages, trainLabels, testImages: test.images, testLabels: test.labels, nTrain, nTest: test.n };
}

/** Copy n records (label byte + planar CHW pixels) into labels[at..] and HWC images[at*3072..]. */
function recordsToHwc(records: Uint8Array, n: number, images: Uint8Array, labels: Uint8Array, at: number): void {
  const plane = CIFAR_SIDE * CIFAR_SIDE;
  for (let i = 0; i < n; i++) {
    const r = i * CIFAR_RECORD_BYTES;
    labels[at + i] = records[r];
    const out = (at + i) * CIFAR_IMAGE_BYTES;
    const red = r + 1;
    const green = red + plane;
    const blue = green + plane;
    for (let p = 0, o = out; p < plane; p++, o += 3) {
      images[o] = records[red + p];
      images[o + 1] = records[green + p];
      images[o + 2] = records[blue + p];
    }
  }
}

/**
 * Like cifarFromTar, but the images come out channels last (HWC per image, what DatasetBuffers
 * holds) and are written straight from the records into the final buffers: one copy of the pixels
 * instead of three, which matters at 184 MB. Same checks and messages as cifarFromTar.
 * `onBatch(done, total)` is called after each of the six batch files.
 */
export function cifarHwcFromTar(
  entries: readonly TarEntry[],
  archiveName = 'cifar-10-binary.tar.gz',
  onBatch?: (done: number, total: number) => void,
): CifarData {
  const batches = findCifarBatches(entries, archiveName);
  const counts = batches.map((e) => checkCifarBatch(e.data, `${archiveName}: ${e.path}`));
  const nTrain = counts.slice(0, CIFAR_TRAIN_FILES.length).reduce((a, b) => a + b, 0);
  const nTest = counts[CIFAR_TRAIN_FILES.length];
  const trainImages = new Uint8Array(nTrain * CIFAR_IMAGE_BYTES);
  const trainLabels = new Uint8Array(nTrain);
  const testImages = new Uint8Array(nTest * CIFAR_IMAGE_BYTES);
  const testLabels = new Uint8Array(nTest);
  let k = 0;
  batches.forEach((e, i) => {
    if (i < CIFAR_TRAIN_FILES.length) {
      recordsToHwc(e.data, counts[i], trainImages, trainLabels, k);
      k += counts[i];
    } else {
      recordsToHwc(e.data, counts[i], testImages, testLabels, 0);
    }
    onBatch?.(i + 1, batches.length);
  });
  return { trainImages, trainLabels, testImages, testLabels, nTrain, nTest };
}

/** CIFAR-10 with HWC images (from cifarHwcFromTar) as the engine takes it, with spec §6's normalisation. */
export function cifarDatasetBuffers(data: CifarData): DatasetBuffers {
  return {
    name: 'cifar10',
    trainImages: data.trainImages,
    trainLabels: data.trainLabels,
    testImages: data.testImages,
    testLabels: data.testLabels,
    shape: [CIFAR_SIDE, CIFAR_SIDE, CIFAR_CHANNELS],
    imageSize: CIFAR_IMAGE_BYTES,
    numClasses: CIFAR_NUM_CLASSES,
    mean: [...CIFAR_MEAN],
    std: [...CIFAR_STD],
  };
}

/** Progress of decodeCifarArchive: 'gunzip' counts compressed bytes, 'records' the six batch files. */
export type CifarDecodeProgress = (phase: 'gunzip' | 'records', done: number, total: number) => void;

/**
 * The official cifar-10-binary.tar.gz held in memory to DatasetBuffers (HWC images): gunzip, untar,
 * check, reorder. `name` (the file name or URL) prefixes every error message. An archive that is
 * already decompressed (a plain tar: some browsers undo the .gz on download) is accepted too.
 */
export async function decodeCifarArchive(bytes: Uint8Array, name: string, onProgress?: CifarDecodeProgress): Promise<DatasetBuffers> {
  const tar = !isGzip(bytes) && looksLikeTar(bytes)
    ? bytes
    : await gunzipTo(bytes, name, { ...TAR_LIMIT, onProgress: onProgress && ((d, t) => onProgress('gunzip', d, t)) });
  const entries = parseTar(tar, name);
  return cifarDatasetBuffers(cifarHwcFromTar(entries, name, onProgress && ((d, t) => onProgress('records', d, t))));
}

/**
 * The whole pipeline for the official file: gunzip, untar, assemble. `name` names the file in
 * messages; onProgress (in GunzipOptions) reports compressed bytes consumed.
 */
export async function loadCifarTarGz(bytes: Uint8Array, name: string, opts: GunzipOptions = {}): Promise<CifarData> {
  const tar = await gunzipTo(bytes, name, { ...TAR_LIMIT, ...opts });
  return cifarFromTar(parseTar(tar, name), name);
}

/** Reorder n planar images (CHW) to interleaved (HWC), e.g. for NHWC tensors. Returns a fresh buffer. */
export function cifarChwToHwc(images: Uint8Array, n: number): Uint8Array {
  if (images.length !== n * CIFAR_IMAGE_BYTES) {
    throw new RangeError(`cifarChwToHwc: ${n} images need ${n * CIFAR_IMAGE_BYTES} bytes, got ${images.length}`);
  }
  const plane = CIFAR_SIDE * CIFAR_SIDE;
  const out = new Uint8Array(images.length);
  for (let i = 0; i < n; i++) {
    const base = i * CIFAR_IMAGE_BYTES;
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < CIFAR_CHANNELS; c++) out[base + p * CIFAR_CHANNELS + c] = images[base + c * plane + p];
    }
  }
  return out;
}
