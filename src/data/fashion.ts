// Fashion-MNIST from the user's own copies of its four files (the page's file picker, when the
// shards are not hosted): the original gzipped IDX files, identified by name, parsed with the
// project's IDX code, normalised with the training set's own mean/std. Pure and browser-and-Node.

import type { DatasetBuffers } from '../engine/types';
import { pixelMeanStd } from './datasets';
import { DataFormatError } from './errors';
import { gunzipTo } from './gzip';
import { checkImagesLabels, isGzip, parseIdx, type IdxArray } from './idx';

/** The four files as Zalando (and Debian's dataset-fashion-mnist) name them. */
export const FASHION_MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
} as const;

/** Most bytes one of the four files may unpack to: the training images are 47 MB; more is not Fashion-MNIST (or a gzip bomb). */
export const FASHION_MAX_FILE_BYTES = 64 * 2 ** 20;

export type FashionRole = keyof typeof FASHION_MNIST_FILES;
const ROLES = Object.keys(FASHION_MNIST_FILES) as FashionRole[];

export interface NamedBytes {
  /** The file's name as the user picked it (a path is fine: only the basename counts). */
  name: string;
  bytes: Uint8Array;
}

/**
 * Which of the four files `name` is: the official name, with or without `.gz`, any case, with '.'
 * or '-' before "idx" (both spellings circulate), and with a browser's " (1)" download suffix.
 * Null for anything else.
 */
export function fashionRole(name: string): FashionRole | null {
  const base = (name.split(/[\\/]/).pop() ?? name).toLowerCase().replace(/ \(\d+\)(?=\.|$)/, '');
  const m = /^(train|t10k)-(images|labels)[-.]idx([13])-ubyte(\.gz)?$/.exec(base);
  if (!m) return null;
  const images = m[2] === 'images';
  if ((images && m[3] !== '3') || (!images && m[3] !== '1')) return null;
  return `${m[1] === 'train' ? 'train' : 'test'}${images ? 'Images' : 'Labels'}` as FashionRole;
}

/**
 * Assemble Fashion-MNIST from the four files (any order). `onProgress(done, total)` counts files
 * decoded. Throws DataFormatError naming an unrecognised file, a file given twice, the missing
 * ones, and any gzip / IDX / consistency problem of a file.
 */
export async function fashionMnistFromFiles(
  files: readonly NamedBytes[],
  onProgress?: (done: number, total: number) => void,
): Promise<DatasetBuffers> {
  const what = 'Fashion-MNIST files';
  const byRole = new Map<FashionRole, NamedBytes>();
  for (const f of files) {
    const role = fashionRole(f.name);
    if (!role) {
      throw new DataFormatError(f.name, `not one of the four Fashion-MNIST files (${Object.values(FASHION_MNIST_FILES).join(', ')})`);
    }
    const prev = byRole.get(role);
    if (prev) throw new DataFormatError(what, `${FASHION_MNIST_FILES[role]} given twice ("${prev.name}" and "${f.name}")`);
    byRole.set(role, f);
  }
  const missing = ROLES.filter((r) => !byRole.has(r)).map((r) => FASHION_MNIST_FILES[r]);
  if (missing.length > 0) throw new DataFormatError(what, `missing ${missing.join(', ')} (choose all four files at once)`);
  const parsed = {} as Record<FashionRole, IdxArray>;
  let done = 0;
  for (const role of ROLES) {
    const f = byRole.get(role)!;
    const raw = isGzip(f.bytes)
      ? await gunzipTo(f.bytes, f.name, { maxBytes: FASHION_MAX_FILE_BYTES, maxBytesReason: "Fashion-MNIST's largest file, the training images, is 47 MB" })
      : f.bytes;
    parsed[role] = parseIdx(raw, f.name, role.endsWith('Images') ? 3 : 1);
    onProgress?.(++done, ROLES.length);
  }
  const opts = { numClasses: 10, imageShape: [28, 28, 1] as const };
  checkImagesLabels(parsed.trainImages, parsed.trainLabels, 'Fashion-MNIST train', opts);
  checkImagesLabels(parsed.testImages, parsed.testLabels, 'Fashion-MNIST test', opts);
  if (parsed.trainLabels.dims[0] === 0) throw new DataFormatError('Fashion-MNIST train', 'holds no images');
  if (parsed.testLabels.dims[0] === 0) throw new DataFormatError('Fashion-MNIST test', 'holds no images');
  const { mean, std } = pixelMeanStd(parsed.trainImages.data);
  if (!(std > 0)) throw new DataFormatError('Fashion-MNIST train', 'every training pixel has the same value: nothing to learn, and no std to normalise with');
  // parseIdx returns views into the decompressed files: copy into exactly-sized buffers (transferable).
  const own = (a: Uint8Array) => new Uint8Array(a);
  return {
    name: 'fashion-mnist',
    trainImages: own(parsed.trainImages.data),
    trainLabels: own(parsed.trainLabels.data),
    testImages: own(parsed.testImages.data),
    testLabels: own(parsed.testLabels.data),
    shape: [28, 28, 1],
    imageSize: 784,
    numClasses: 10,
    mean: [mean],
    std: [std],
  };
}
