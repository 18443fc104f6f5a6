// Real Fashion-MNIST in Node, from Debian's package dataset-fashion-mnist (four gzipped IDX files
// under /usr/share/datasets/fashion-mnist/), through the project's IDX parser: used by the prepare
// script (to build the page's shards), `npm run train -- --dataset fashion-mnist` and the tests.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { datasetInfo, FASHION_MNIST_DEBIAN_DIR, pixelMeanStd } from '../data/datasets';
import { DataFormatError } from '../data/errors';
import { FASHION_MNIST_FILES } from '../data/fashion';
import { checkImagesLabels, isGzip, parseIdx, type IdxArray } from '../data/idx';
import type { DatasetBuffers } from '../engine/types';

/** The four file names (shared with the page's file picker, src/data/fashion.ts). */
export { FASHION_MNIST_FILES };

export interface FashionMnistFiles {
  train: { images: IdxArray; labels: IdxArray };
  test: { images: IdxArray; labels: IdxArray };
}

/** The directory holding the files: $FASHION_MNIST_DIR when set, else Debian's location. */
export function fashionMnistDir(): string {
  return process.env.FASHION_MNIST_DIR || FASHION_MNIST_DEBIAN_DIR;
}

/** The files of `dir` that are missing (empty when all four are there). */
export function missingFashionMnistFiles(dir: string = fashionMnistDir()): string[] {
  return Object.values(FASHION_MNIST_FILES).filter((f) => !existsSync(join(dir, f)));
}

/**
 * A cheap description of where the bytes come from (it decides whether the page's shards are up
 * to date): the Debian package version from its changelog when installed, plus the files' total size.
 */
export function fashionMnistSource(dir: string = fashionMnistDir()): string {
  const bytes = Object.values(FASHION_MNIST_FILES).reduce((a, f) => a + statSync(join(dir, f)).size, 0);
  let version = '';
  try {
    const log = gunzipSync(readFileSync('/usr/share/doc/dataset-fashion-mnist/changelog.Debian.gz')).toString('utf8');
    version = /^dataset-fashion-mnist \(([^)]+)\)/.exec(log)?.[1] ?? '';
  } catch {
    // not installed from the package (e.g. $FASHION_MNIST_DIR): the size alone identifies the files
  }
  return `${version ? `debian dataset-fashion-mnist@${version}` : 'fashion-mnist'} ${dir} (${bytes} bytes)`;
}

/** Read, gunzip and validate the four Fashion-MNIST files; a clear DataFormatError when one is missing. */
export function readFashionMnistFiles(dir: string = fashionMnistDir()): FashionMnistFiles {
  const missing = missingFashionMnistFiles(dir);
  if (missing.length > 0) {
    throw new DataFormatError(dir, `Fashion-MNIST is missing (${missing.join(', ')}): ${datasetInfo('fashion-mnist').howToGet}`);
  }
  const read = (file: string, ndims: number): IdxArray => {
    const p = join(dir, file);
    const raw = new Uint8Array(readFileSync(p));
    let bytes: Uint8Array = raw;
    if (isGzip(raw)) {
      try {
        bytes = new Uint8Array(gunzipSync(raw));
      } catch (e) {
        throw new DataFormatError(p, `corrupt gzip data: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
    }
    return parseIdx(bytes, p, ndims);
  };
  const train = { images: read(FASHION_MNIST_FILES.trainImages, 3), labels: read(FASHION_MNIST_FILES.trainLabels, 1) };
  const test = { images: read(FASHION_MNIST_FILES.testImages, 3), labels: read(FASHION_MNIST_FILES.testLabels, 1) };
  const info = datasetInfo('fashion-mnist');
  const opts = { numClasses: info.numClasses, imageShape: info.imageShape };
  checkImagesLabels(train.images, train.labels, 'fashion-mnist train', opts);
  checkImagesLabels(test.images, test.labels, 'fashion-mnist test', opts);
  return { train, test };
}

/** The whole dataset as the engine takes it, normalised with its own training-set mean/std. */
export function loadFashionMnistFromDebian(dir: string = fashionMnistDir()): DatasetBuffers {
  const { train, test } = readFashionMnistFiles(dir);
  const { mean, std } = pixelMeanStd(train.images.data);
  return {
    name: 'fashion-mnist', trainImages: train.images.data, trainLabels: train.labels.data, testImages: test.images.data, testLabels: test.labels.data,
    shape: [28, 28, 1], imageSize: 784, numClasses: 10, mean: [mean], std: [std],
  };
}
