// Node-side writer for sharded datasets: gzipped IDX shards + manifest.json (format in
// src/data/manifest.ts). Shared by scripts/prepare-data.ts and the tests, so what the tests load
// is byte-for-byte what the page loads.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { checkImagesLabels, encodeIdx } from '../src/data/idx';
import type { readMnistFiles } from '../src/cli/mnistNode';
import type { FashionMnistFiles } from '../src/cli/fashionMnistNode';
import { datasetInfo, pixelMeanStd } from '../src/data/datasets';
import type { DatasetBuffers, DatasetName } from '../src/engine/types';
import { MANIFEST_VERSION, type DatasetManifest, type ManifestFile, type ShardRole } from '../src/data/manifest';

const gzipAsync = promisify(gzip);

export interface Split {
  images: Uint8Array; // n * h * w * c, channels last
  labels: Uint8Array; // n
}

export interface ShardSpec {
  dataset: DatasetManifest['dataset'];
  source: string;
  /** [height, width, channels]. */
  imageShape: [number, number, number];
  numClasses: number;
  /** Per-channel normalisation (one entry per channel). */
  mean: number[];
  std: number[];
  train: Split;
  test: Split;
  /** Train images per shard (MNIST: 10,000, so six shards). */
  trainShardSize: number;
}

/**
 * Return the manifest in outDir when it is current: same layout version and source, and every listed
 * file present with its listed size. Sizes, not hashes: this check runs before every dev/build and
 * must be instant; the loader verifies hashes.
 */
export function upToDateManifest(outDir: string, source: string): DatasetManifest | null {
  try {
    const m = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8')) as DatasetManifest;
    if (m.version !== MANIFEST_VERSION || m.source !== source || !Array.isArray(m.files)) return null;
    for (const f of m.files) {
      const p = join(outDir, f.path);
      if (!existsSync(p) || statSync(p).size !== f.bytes) return null;
    }
    return m;
  } catch {
    return null;
  }
}

/**
 * The layout version of the manifest in outDir when it is there but not the current one (old output
 * that needs rebuilding); null when there is none, it is current, or it is unreadable.
 */
export function staleManifestVersion(outDir: string): number | null {
  try {
    const m = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8')) as { version?: unknown };
    return typeof m.version === 'number' && m.version !== MANIFEST_VERSION ? m.version : null;
  } catch {
    return null;
  }
}

/** Two summary lines for a written manifest: files, size, where, time; counts, normalisation, source. */
export function shardSummary(label: string, shown: string, m: DatasetManifest, seconds: number): string[] {
  const total = m.files.reduce((a, f) => a + f.bytes, 0);
  const list = (v: number[]) => v.map((x) => x.toFixed(4)).join(', ');
  return [
    `${label}: wrote ${m.files.length} shards (${(total / 1e6).toFixed(1)} MB gzipped) + manifest.json to ${shown} in ${seconds.toFixed(1)}s`,
    `  train ${m.nTrain} images, test ${m.nTest} images of ${m.imageShape.join('x')}, mean ${list(m.mean)} / std ${list(m.std)}, from ${m.source}`,
  ];
}

/**
 * Write shards and manifest.json into outDir (created if needed) and return the manifest.
 * Image shards are IDX ubyte N x H x W for one channel (idx3, as MNIST's own files) and
 * N x H x W x C channels last (idx4) otherwise.
 */
export async function writeShards(outDir: string, spec: ShardSpec): Promise<DatasetManifest> {
  const [h, w, c] = spec.imageShape;
  const px = h * w * c;
  const imageDims = c === 1 ? [h, w] : [h, w, c];
  const ext = `idx${1 + imageDims.length}-ubyte.gz`;
  const nTrain = spec.train.labels.length;
  const nTest = spec.test.labels.length;
  if (spec.mean.length !== c || spec.std.length !== c) {
    throw new RangeError(`writeShards: ${c} channels need ${c} means and stds, got ${spec.mean.length} and ${spec.std.length}`);
  }
  // Validate before writing anything: the same checks the loader makes.
  const opts = { numClasses: spec.numClasses, imageShape: spec.imageShape };
  const dims = (images: Uint8Array) => [Math.floor(images.length / px), h, w, c];
  for (const [name, split, n] of [['train', spec.train, nTrain], ['test', spec.test, nTest]] as const) {
    if (split.images.length % px !== 0) throw new RangeError(`writeShards: ${name} images are not a whole number of ${h}x${w}x${c} images`);
    checkImagesLabels({ dims: dims(split.images), data: split.images }, { dims: [n], data: split.labels }, name, opts);
  }

  mkdirSync(outDir, { recursive: true });
  // No manifest while shards are being replaced: an interrupted run is never mistaken for a good one.
  rmSync(join(outDir, 'manifest.json'), { force: true });

  const jobs: { path: string; role: ShardRole; count: number; idx: Uint8Array }[] = [];
  const nShards = Math.max(1, Math.ceil(nTrain / spec.trainShardSize));
  for (let s = 0; s < nShards; s++) {
    const lo = s * spec.trainShardSize;
    const hi = Math.min(lo + spec.trainShardSize, nTrain);
    jobs.push({
      path: `train-images-${String(s).padStart(2, '0')}.${ext}`,
      role: 'trainImages',
      count: hi - lo,
      idx: encodeIdx([hi - lo, ...imageDims], spec.train.images.subarray(lo * px, hi * px)),
    });
  }
  jobs.push({ path: 'train-labels.idx1-ubyte.gz', role: 'trainLabels', count: nTrain, idx: encodeIdx([nTrain], spec.train.labels) });
  jobs.push({ path: `test-images.${ext}`, role: 'testImages', count: nTest, idx: encodeIdx([nTest, ...imageDims], spec.test.images) });
  jobs.push({ path: 'test-labels.idx1-ubyte.gz', role: 'testLabels', count: nTest, idx: encodeIdx([nTest], spec.test.labels) });

  // zlib's async gzip runs on the libuv thread pool, so the shards compress in parallel.
  // Node's gzip header has mtime 0, so the output (and its sha256) is deterministic.
  const files: ManifestFile[] = await Promise.all(
    jobs.map(async (j) => {
      const gz = await gzipAsync(j.idx); // default level 6: level 9 is ~20x slower for ~2% smaller files
      writeFileSync(join(outDir, j.path), gz);
      return {
        path: j.path,
        role: j.role,
        count: j.count,
        bytes: gz.length,
        sha256: createHash('sha256').update(gz).digest('hex'),
      };
    }),
  );

  const manifest: DatasetManifest = {
    dataset: spec.dataset,
    version: MANIFEST_VERSION,
    source: spec.source,
    nTrain,
    nTest,
    imageShape: [h, w, c],
    numClasses: spec.numClasses,
    mean: [...spec.mean],
    std: [...spec.std],
    files,
  };
  const tmp = join(outDir, 'manifest.json.tmp');
  writeFileSync(tmp, JSON.stringify(manifest, null, 2) + '\n');
  renameSync(tmp, join(outDir, 'manifest.json'));
  return manifest;
}

/**
 * A shard spec whose shape, class count and (fixed) normalisation come from the dataset registry;
 * `normalization` is given only for a dataset whose constants are computed from its training set.
 */
function registrySpec(dataset: DatasetName, source: string, train: Split, test: Split, normalization?: { mean: readonly number[]; std: readonly number[] }): ShardSpec {
  const info = datasetInfo(dataset);
  const norm = normalization ?? (info.normalization.kind === 'fixed' ? info.normalization : null);
  if (!norm) throw new Error(`${info.label}: its mean/std must be computed from the training set`);
  return {
    dataset,
    source,
    imageShape: [...info.imageShape],
    numClasses: info.numClasses,
    mean: [...norm.mean],
    std: [...norm.std],
    train,
    test,
    trainShardSize: 10_000,
  };
}

/** The MNIST shard spec from the parsed package files. */
export function mnistSpec(source: string, files: ReturnType<typeof readMnistFiles>): ShardSpec {
  return registrySpec('mnist', source, { images: files.train.images.data, labels: files.train.labels.data }, { images: files.test.images.data, labels: files.test.labels.data });
}

/** The Fashion-MNIST shard spec: its own mean/std, computed from the training pixels (0..1 scale). */
export function fashionMnistSpec(source: string, files: FashionMnistFiles): ShardSpec {
  const { mean, std } = pixelMeanStd(files.train.images.data);
  const train = { images: files.train.images.data, labels: files.train.labels.data };
  return registrySpec('fashion-mnist', source, train, { images: files.test.images.data, labels: files.test.labels.data }, { mean: [mean], std: [std] });
}

/** The CIFAR-10 shard spec from the decoded archive (HWC images, spec §6's fixed normalisation): 10,000 images per train shard. */
export function cifar10Spec(source: string, data: DatasetBuffers): ShardSpec {
  return registrySpec('cifar10', source, { images: data.trainImages, labels: data.trainLabels }, { images: data.testImages, labels: data.testLabels });
}
