import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { shardSummary, staleManifestVersion, writeShards, upToDateManifest, type ShardSpec } from '../../scripts/shards';
import { DatasetNotHostedError, DataFormatError } from '../../src/data/errors';
import { encodeIdx } from '../../src/data/idx';
import { loadDataset } from '../../src/data/loader';
import type { DatasetManifest } from '../../src/data/manifest';

const BASE = 'http://data.test/mnist';

/** A fetch that serves `dir` under BASE, 404 for anything missing. */
function diskFetch(dir: string): typeof fetch {
  return (async (input: string | URL | Request) => {
    const url = String(input);
    const p = join(dir, url.slice(BASE.length + 1));
    if (!url.startsWith(BASE + '/') || !existsSync(p)) return new Response('not found', { status: 404, statusText: 'Not Found' });
    return new Response(readFileSync(p));
  }) as typeof fetch;
}

/** 30 train / 10 test images of 28x28; pixel values encode (split, index) so order is checkable. */
function tinySpec(): ShardSpec {
  const make = (n: number, salt: number) => ({
    images: Uint8Array.from({ length: n * 784 }, (_, i) => (Math.floor(i / 784) * 7 + (i % 784) + salt) & 255),
    labels: Uint8Array.from({ length: n }, (_, i) => (i * 3 + salt) % 10),
  });
  return {
    dataset: 'mnist',
    source: 'test',
    imageShape: [28, 28, 1],
    numClasses: 10,
    mean: [0.1307],
    std: [0.3081],
    train: make(30, 0),
    test: make(10, 1),
    trainShardSize: 10,
  };
}

let dir: string;
let spec: ShardSpec;
let manifest: DatasetManifest;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hg-loader-'));
  spec = tinySpec();
  manifest = await writeShards(dir, spec);
  return () => rmSync(dir, { recursive: true, force: true });
});

const readManifest = (): DatasetManifest => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
const writeManifest = (m: DatasetManifest) => writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));

async function loadError(fetchImpl: typeof fetch = diskFetch(dir)): Promise<DataFormatError> {
  try {
    await loadDataset(BASE, undefined, fetchImpl);
  } catch (e) {
    expect(e).toBeInstanceOf(DataFormatError);
    return e as DataFormatError;
  }
  throw new Error('expected loadDataset to fail');
}

describe('writeShards', () => {
  it('writes 3 train shards + 3 single files and a consistent manifest', () => {
    expect(manifest.files.map((f) => [f.path, f.role, f.count])).toEqual([
      ['train-images-00.idx3-ubyte.gz', 'trainImages', 10],
      ['train-images-01.idx3-ubyte.gz', 'trainImages', 10],
      ['train-images-02.idx3-ubyte.gz', 'trainImages', 10],
      ['train-labels.idx1-ubyte.gz', 'trainLabels', 30],
      ['test-images.idx3-ubyte.gz', 'testImages', 10],
      ['test-labels.idx1-ubyte.gz', 'testLabels', 10],
    ]);
    expect(readManifest()).toEqual(manifest);
    for (const f of manifest.files) expect(readFileSync(join(dir, f.path)).length).toBe(f.bytes);
    expect(upToDateManifest(dir, 'test')).toEqual(manifest);
    expect(upToDateManifest(dir, 'other-source')).toBeNull();
    writeFileSync(join(dir, manifest.files[0].path), 'x');
    expect(upToDateManifest(dir, 'test')).toBeNull();
  });

  it('tells an older layout apart (rebuilt by prepare-data, named for CIFAR-10), and summarises what it wrote', () => {
    expect(staleManifestVersion(dir)).toBeNull();
    writeManifest({ ...readManifest(), version: 1 as 2 });
    expect(staleManifestVersion(dir)).toBe(1);
    expect(upToDateManifest(dir, 'test')).toBeNull();
    expect(staleManifestVersion(join(dir, 'nowhere'))).toBeNull();
    expect(shardSummary('MNIST', 'out', manifest, 1.25)).toEqual([
      `MNIST: wrote 6 shards (${(manifest.files.reduce((a, f) => a + f.bytes, 0) / 1e6).toFixed(1)} MB gzipped) + manifest.json to out in 1.3s`,
      '  train 30 images, test 10 images of 28x28x1, mean 0.1307 / std 0.3081, from test',
    ]);
  });

  it('is deterministic (same bytes, same hashes)', async () => {
    const dir2 = mkdtempSync(join(tmpdir(), 'hg-loader-'));
    try {
      expect(await writeShards(dir2, tinySpec())).toEqual(manifest);
    } finally {
      rmSync(dir2, { recursive: true, force: true });
    }
  });

  it('refuses inconsistent input before writing', async () => {
    const bad = tinySpec();
    bad.train.labels[3] = 10;
    await expect(writeShards(dir, bad)).rejects.toThrow('train: label 10 at index 3 is out of range (10 classes)');
    const short = tinySpec();
    short.test.labels = short.test.labels.subarray(0, 9);
    await expect(writeShards(dir, short)).rejects.toThrow('test: image and label counts disagree: 10 images, 9 labels');
  });
});

describe('loadDataset', () => {
  it('round-trips the bytes and reports byte-level progress up to the total', async () => {
    const calls: [number, number][] = [];
    const ds = await loadDataset(BASE + '/', (l, t) => calls.push([l, t]), diskFetch(dir));
    expect(ds.name).toBe('mnist');
    expect(ds.imageSize).toBe(784);
    expect(ds.numClasses).toBe(10);
    expect([ds.mean, ds.std]).toEqual([[0.1307], [0.3081]]);
    expect(ds.shape).toEqual([28, 28, 1]);
    expect(ds.trainImages).toEqual(spec.train.images);
    expect(ds.trainLabels).toEqual(spec.train.labels);
    expect(ds.testImages).toEqual(spec.test.images);
    expect(ds.testLabels).toEqual(spec.test.labels);
    // Fresh, exactly-sized buffers (safe to transfer to a worker).
    for (const a of [ds.trainImages, ds.trainLabels, ds.testImages, ds.testLabels]) {
      expect(a.byteOffset).toBe(0);
      expect(a.buffer.byteLength).toBe(a.length);
    }
    const total = manifest.files.reduce((a, f) => a + f.bytes, 0);
    expect(calls[0]).toEqual([0, total]);
    expect(calls.at(-1)).toEqual([total, total]);
    for (let i = 1; i < calls.length; i++) {
      expect(calls[i][0]).toBeGreaterThanOrEqual(calls[i - 1][0]);
      expect(calls[i][1]).toBe(total);
    }
  });

  it('accepts shards a server already decompressed (Content-Encoding), progress still ends at total', async () => {
    for (const f of manifest.files) writeFileSync(join(dir, f.path), gunzipSync(readFileSync(join(dir, f.path))));
    let last: [number, number] = [0, 0];
    const ds = await loadDataset(BASE, (l, t) => (last = [l, t]), diskFetch(dir));
    expect(ds.trainImages).toEqual(spec.train.images);
    const total = manifest.files.reduce((a, f) => a + f.bytes, 0);
    expect(last).toEqual([total, total]);
  });

  it('404 on the manifest names the URL and status', async () => {
    rmSync(join(dir, 'manifest.json'));
    const err = await loadError();
    expect(err.message).toBe(`${BASE}/manifest.json: HTTP 404 Not Found`);
    // Told apart from other failures: the page then looks for a stored copy or asks for the file.
    expect(err).toBeInstanceOf(DatasetNotHostedError);
  });

  it('404 on a shard names the shard URL', async () => {
    rmSync(join(dir, 'test-labels.idx1-ubyte.gz'));
    expect((await loadError()).message).toBe(`${BASE}/test-labels.idx1-ubyte.gz: HTTP 404 Not Found`);
  });

  it('a network error names the URL', async () => {
    const failing = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    expect((await loadError(failing)).message).toBe(`${BASE}/manifest.json: network error: fetch failed`);
  });

  it('a manifest that is not JSON, or not a manifest', async () => {
    writeFileSync(join(dir, 'manifest.json'), '<html>');
    expect((await loadError()).message).toMatch(/manifest\.json: not valid JSON/);
    writeManifest({ ...manifest, dataset: 'svhn' as 'mnist' });
    expect((await loadError()).message).toContain('bad manifest: dataset "svhn" is not supported');
    writeManifest({ ...manifest, version: 1 as 2 });
    expect((await loadError()).message).toBe(`${BASE}/manifest.json: bad manifest: version 1, expected 2`);
    writeManifest({ ...manifest, mean: 0.1307 as unknown as number[] });
    expect((await loadError()).message).toBe(
      `${BASE}/manifest.json: bad manifest: mean and std must list one finite number per channel (1 channel), std > 0`,
    );
  });

  it('corrupt gzip (hash fixed up so the gzip layer is what fails)', async () => {
    const f = manifest.files[1];
    const gz = readFileSync(join(dir, f.path));
    gz[gz.length - 20] ^= 0xff;
    writeFileSync(join(dir, f.path), gz);
    const { createHash } = await import('node:crypto');
    const m = readManifest();
    m.files[1].sha256 = createHash('sha256').update(gz).digest('hex');
    writeManifest(m);
    expect((await loadError()).message).toMatch(new RegExp(`^${BASE}/${f.path}: corrupt gzip data: `));
  });

  it('truncated gzip', async () => {
    const f = manifest.files[4];
    const gz = readFileSync(join(dir, f.path));
    writeFileSync(join(dir, f.path), gz.subarray(0, gz.length - 8));
    // Sizes differ from the manifest, so the hash is not checked and gunzip must catch it.
    expect((await loadError()).message).toMatch(new RegExp(`^${BASE}/${f.path}: corrupt gzip data: `));
  });

  it('a stale shard (hash mismatch) is reported', async () => {
    const f = manifest.files[0];
    const gz = readFileSync(join(dir, f.path));
    gz[gz.length - 20] ^= 0xff;
    writeFileSync(join(dir, f.path), gz);
    expect((await loadError()).message).toContain(`${f.path}: sha256 `);
  });

  it('a shard holding another number of images than listed', async () => {
    const m = readManifest();
    m.files[0].count = 11;
    m.files[1].count = 9; // totals still agree with nTrain, so only the shard check can catch it
    writeManifest(m);
    expect((await loadError()).message).toBe(
      `${BASE}/${m.files[0].path}: holds 10 items but the manifest lists 11`,
    );
  });

  it('manifest counts that do not add up', async () => {
    writeManifest({ ...readManifest(), nTrain: 31 });
    expect((await loadError()).message).toBe(
      `${BASE}/manifest.json: bad manifest: trainImages shards hold 30 items, expected 31`,
    );
  });

  it('a bad IDX inside a valid gzip', async () => {
    const f = manifest.files[3]; // train labels
    const gz = gzipSync(encodeIdx([30, 1], new Uint8Array(30)));
    writeFileSync(join(dir, f.path), gz);
    expect((await loadError()).message).toBe(
      `${BASE}/${f.path}: bad magic number 0x00000802, expected 0x00000801 (IDX ubyte labels): 2 dimensions`,
    );
  });

  it('labels out of range in the data', async () => {
    const f = manifest.files[5]; // test labels
    const labels = new Uint8Array(10).fill(3);
    labels[7] = 200;
    writeFileSync(join(dir, f.path), gzipSync(encodeIdx([10], labels)));
    expect((await loadError()).message).toBe(`${BASE} (test): label 200 at index 7 is out of range (10 classes)`);
  });
});

describe('loadDataset over real HTTP (global fetch, node:http on 127.0.0.1)', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const p = join(dir, (req.url ?? '').replace(/^\/mnist\//, ''));
      if (!existsSync(p) || !req.url?.startsWith('/mnist/')) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(readFileSync(p));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mnist`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('loads with the default fetch', async () => {
    const ds = await loadDataset(url);
    expect(ds.testImages).toEqual(spec.test.images);
    expect(ds.trainLabels).toEqual(spec.train.labels);
  });

  it('HTTP 404 through the default fetch', async () => {
    await expect(loadDataset(url + '/nope')).rejects.toThrow(`${url}/nope/manifest.json: HTTP 404 Not Found`);
  });

  it('connection refused becomes a DataFormatError', async () => {
    await expect(loadDataset('http://127.0.0.1:1/mnist')).rejects.toBeInstanceOf(DataFormatError);
  });
});

describe('multi-channel shards (manifest version 2, channels last)', () => {
  /** 25 train / 4 test RGB images of 32x32, channel c of pixel p of image i = (i*7 + p*3 + c) & 255. */
  function rgbSpec(): ShardSpec {
    const make = (n: number, salt: number) => ({
      images: Uint8Array.from({ length: n * 3072 }, (_, k) => (Math.floor(k / 3072) * 7 + Math.floor((k % 3072) / 3) * 3 + (k % 3) + salt) & 255),
      labels: Uint8Array.from({ length: n }, (_, i) => (i + salt) % 10),
    });
    return {
      dataset: 'cifar10',
      source: 'rgb-test',
      imageShape: [32, 32, 3],
      numClasses: 10,
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
      train: make(25, 0),
      test: make(4, 5),
      trainShardSize: 10,
    };
  }

  it('writes N x H x W x C (idx4) image shards and loads them back with shape and per-channel mean/std', async () => {
    const rgbDir = mkdtempSync(join(tmpdir(), 'hg-rgb-'));
    try {
      const s = rgbSpec();
      const m = await writeShards(rgbDir, s);
      expect(m.version).toBe(2);
      expect(m.imageShape).toEqual([32, 32, 3]);
      expect(m.files.map((f) => f.path)).toEqual([
        'train-images-00.idx4-ubyte.gz',
        'train-images-01.idx4-ubyte.gz',
        'train-images-02.idx4-ubyte.gz',
        'train-labels.idx1-ubyte.gz',
        'test-images.idx4-ubyte.gz',
        'test-labels.idx1-ubyte.gz',
      ]);
      // The shard itself: magic 0x00000804, dims 10 x 32 x 32 x 3.
      const idx = gunzipSync(readFileSync(join(rgbDir, m.files[0].path)));
      expect([...idx.subarray(0, 4)]).toEqual([0, 0, 8, 4]);
      expect([idx.readInt32BE(4), idx.readInt32BE(8), idx.readInt32BE(12), idx.readInt32BE(16)]).toEqual([10, 32, 32, 3]);
      const ds = await loadDataset('http://data.test/mnist', undefined, diskFetch(rgbDir));
      expect(ds.name).toBe('cifar10');
      expect(ds.shape).toEqual([32, 32, 3]);
      expect(ds.imageSize).toBe(3072);
      expect(ds.mean).toEqual([0.485, 0.456, 0.406]);
      expect(ds.std).toEqual([0.229, 0.224, 0.225]);
      expect(Buffer.from(ds.trainImages).equals(Buffer.from(s.train.images))).toBe(true);
      expect(Buffer.from(ds.testImages).equals(Buffer.from(s.test.images))).toBe(true);
      expect(ds.trainLabels).toEqual(s.train.labels);
    } finally {
      rmSync(rgbDir, { recursive: true, force: true });
    }
  });

  it('refuses a spec whose mean/std do not match the channels, or images that are not whole', async () => {
    const bad = { ...rgbSpec(), mean: [0.5] };
    await expect(writeShards(dir, bad)).rejects.toThrow('writeShards: 3 channels need 3 means and stds, got 1 and 3');
    const cut = rgbSpec();
    cut.train.images = cut.train.images.subarray(0, cut.train.images.length - 1);
    await expect(writeShards(dir, cut)).rejects.toThrow('writeShards: train images are not a whole number of 32x32x3 images');
  });

  it('a shard whose images have another channel count than the manifest', async () => {
    const rgbDir = mkdtempSync(join(tmpdir(), 'hg-rgb-'));
    try {
      const m = await writeShards(rgbDir, rgbSpec());
      const f = m.files[4]; // test images
      const gz = gzipSync(encodeIdx([4, 32, 32, 1], new Uint8Array(4 * 1024)));
      writeFileSync(join(rgbDir, f.path), gz);
      const err = await loadDataset('http://data.test/mnist', undefined, diskFetch(rgbDir)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DataFormatError);
      expect((err as Error).message).toBe(`http://data.test/mnist/${f.path}: images are 32x32x1, the manifest says 32x32x3`);
    } finally {
      rmSync(rgbDir, { recursive: true, force: true });
    }
  });
});
