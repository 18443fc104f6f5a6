// Node-side writer for sharded datasets: gzipped IDX shards + manifest.json (format in
// src/data/manifest.ts). Shared by scripts/prepare-data.ts and the tests, so what the tests load
// is byte-for-byte what the page loads.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { checkImagesLabels, encodeIdx } from '../src/data/idx';
import { MNIST_MEAN, MNIST_STD, type readMnistFiles } from '../src/cli/mnistNode';
import type { FashionMnistFiles } from '../src/cli/fashionMnistNode';
import { pixelMeanStd } from '../src/data/datasets';
import { MANIFEST_VERSION, type DatasetManifest, type ManifestFile, type ShardRole } from '../src/data/manifest';

const gzipAsync = promisify(gzip);

export interface Split {
  images: Uint8Array; // n * h * w
  labels: Uint8Array; // n
}

export interface ShardSpec {
  dataset: DatasetManifest['dataset'];
  source: string;
  imageShape: [number, number];
  numClasses: number;
  mean: number;
  std: number;
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

/** Write shards and manifest.json into outDir (created if needed) and return the manifest. */
export async function writeShards(outDir: string, spec: ShardSpec): Promise<DatasetManifest> {
  const [h, w] = spec.imageShape;
  const px = h * w;
  const nTrain = spec.train.labels.length;
  const nTest = spec.test.labels.length;
  // Validate before writing anything: the same checks the loader makes.
  const opts = { numClasses: spec.numClasses, imageShape: spec.imageShape };
  checkImagesLabels({ dims: [spec.train.images.length / px, h, w], data: spec.train.images }, { dims: [nTrain], data: spec.train.labels }, 'train', opts);
  checkImagesLabels({ dims: [spec.test.images.length / px, h, w], data: spec.test.images }, { dims: [nTest], data: spec.test.labels }, 'test', opts);

  mkdirSync(outDir, { recursive: true });
  // No manifest while shards are being replaced: an interrupted run is never mistaken for a good one.
  rmSync(join(outDir, 'manifest.json'), { force: true });

  const jobs: { path: string; role: ShardRole; count: number; idx: Uint8Array }[] = [];
  const nShards = Math.max(1, Math.ceil(nTrain / spec.trainShardSize));
  for (let s = 0; s < nShards; s++) {
    const lo = s * spec.trainShardSize;
    const hi = Math.min(lo + spec.trainShardSize, nTrain);
    jobs.push({
      path: `train-images-${String(s).padStart(2, '0')}.idx3-ubyte.gz`,
      role: 'trainImages',
      count: hi - lo,
      idx: encodeIdx([hi - lo, h, w], spec.train.images.subarray(lo * px, hi * px)),
    });
  }
  jobs.push({ path: 'train-labels.idx1-ubyte.gz', role: 'trainLabels', count: nTrain, idx: encodeIdx([nTrain], spec.train.labels) });
  jobs.push({ path: 'test-images.idx3-ubyte.gz', role: 'testImages', count: nTest, idx: encodeIdx([nTest, h, w], spec.test.images) });
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
    imageShape: [h, w],
    numClasses: spec.numClasses,
    mean: spec.mean,
    std: spec.std,
    files,
  };
  const tmp = join(outDir, 'manifest.json.tmp');
  writeFileSync(tmp, JSON.stringify(manifest, null, 2) + '\n');
  renameSync(tmp, join(outDir, 'manifest.json'));
  return manifest;
}

/** The MNIST shard spec from the parsed package files. */
export function mnistSpec(source: string, files: ReturnType<typeof readMnistFiles>): ShardSpec {
  return {
    dataset: 'mnist',
    source,
    imageShape: [28, 28],
    numClasses: 10,
    mean: MNIST_MEAN,
    std: MNIST_STD,
    train: { images: files.train.images.data, labels: files.train.labels.data },
    test: { images: files.test.images.data, labels: files.test.labels.data },
    trainShardSize: 10_000,
  };
}

/** The Fashion-MNIST shard spec: its own mean/std, computed from the training pixels (0..1 scale). */
export function fashionMnistSpec(source: string, files: FashionMnistFiles): ShardSpec {
  const { mean, std } = pixelMeanStd(files.train.images.data);
  return {
    dataset: 'fashion-mnist',
    source,
    imageShape: [28, 28],
    numClasses: 10,
    mean,
    std,
    train: { images: files.train.images.data, labels: files.train.labels.data },
    test: { images: files.test.images.data, labels: files.test.labels.data },
    trainShardSize: 10_000,
  };
}
