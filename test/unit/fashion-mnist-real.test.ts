// The real Fashion-MNIST files of Debian's dataset-fashion-mnist, checked against published facts,
// and the prepare -> shards -> loadDataset path round-tripped. Skipped only where the package is not
// installed (scripts/setup.sh installs it, so CI runs these).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  fashionMnistDir,
  fashionMnistSource,
  loadFashionMnistFromDebian,
  missingFashionMnistFiles,
  readFashionMnistFiles,
  type FashionMnistFiles,
} from '../../src/cli/fashionMnistNode';
import { fashionMnistSpec, writeShards } from '../../scripts/shards';
import { datasetInfo } from '../../src/data/datasets';
import { DataFormatError } from '../../src/data/errors';
import { loadDataset } from '../../src/data/loader';

const dir = fashionMnistDir();
const absent = missingFashionMnistFiles(dir).length > 0;
const SKIP = absent ? ` (skipped: no Fashion-MNIST in ${dir}; ${datasetInfo('fashion-mnist').howToGet})` : '';

let cached: FashionMnistFiles | null = null;
const files = () => (cached ??= readFashionMnistFiles(dir));

const classCounts = (labels: Uint8Array) => {
  const c = new Array(10).fill(0);
  for (const l of labels) c[l]++;
  return c;
};

describe('real Fashion-MNIST (Debian dataset-fashion-mnist)', () => {
  it.skipIf(absent)(`has 60000 / 10000 images of 28x28${SKIP}`, () => {
    const f = files();
    expect(f.train.images.dims).toEqual([60000, 28, 28]);
    expect(f.train.labels.dims).toEqual([60000]);
    expect(f.test.images.dims).toEqual([10000, 28, 28]);
    expect(f.test.labels.dims).toEqual([10000]);
    expect(fashionMnistSource(dir)).toContain(dir);
  });

  it.skipIf(absent)(`is balanced: 10 classes of 6000 train / 1000 test images${SKIP}`, () => {
    expect(classCounts(files().train.labels.data)).toEqual(new Array(10).fill(6000));
    expect(classCounts(files().test.labels.data)).toEqual(new Array(10).fill(1000));
  });

  it.skipIf(absent)(`training pixels (x/255) have the published mean 0.2860 and std 0.3530${SKIP}`, () => {
    const data = loadFashionMnistFromDebian(dir);
    expect(data.name).toBe('fashion-mnist');
    expect(data.mean).toHaveLength(1);
    expect(data.mean[0]).toBeCloseTo(0.286, 3);
    expect(data.std[0]).toBeCloseTo(0.353, 3);
    expect([data.imageSize, data.numClasses]).toEqual([784, 10]);
    expect(data.shape).toEqual([28, 28, 1]);
  });

  describe('prepare -> shards -> loadDataset', () => {
    const out = mkdtempSync(join(tmpdir(), 'fmnist-shards-'));
    afterAll(() => rmSync(out, { recursive: true, force: true }));

    it.skipIf(absent)(`round-trips the files byte for byte, with mean/std in the manifest${SKIP}`, async () => {
      const f = files();
      const manifest = await writeShards(out, fashionMnistSpec(fashionMnistSource(dir), f));
      expect(manifest.dataset).toBe('fashion-mnist');
      expect(manifest.mean[0]).toBeCloseTo(0.286, 3);
      expect(manifest.std[0]).toBeCloseTo(0.353, 3);
      const BASE = 'http://data.test/fashion-mnist';
      const diskFetch = (async (input: string | URL | Request) =>
        new Response(readFileSync(join(out, String(input).slice(BASE.length + 1))))) as typeof fetch;
      const data = await loadDataset(BASE, undefined, diskFetch);
      expect(data.name).toBe('fashion-mnist');
      expect([data.mean, data.std]).toEqual([manifest.mean, manifest.std]);
      expect(Buffer.compare(Buffer.from(data.trainImages), Buffer.from(f.train.images.data))).toBe(0);
      expect(Buffer.compare(Buffer.from(data.trainLabels), Buffer.from(f.train.labels.data))).toBe(0);
      expect(Buffer.compare(Buffer.from(data.testImages), Buffer.from(f.test.images.data))).toBe(0);
      expect(Buffer.compare(Buffer.from(data.testLabels), Buffer.from(f.test.labels.data))).toBe(0);
    });
  });

  it('a missing folder gets a clear error that says how to get the data', () => {
    const nowhere = join(tmpdir(), 'no-fashion-mnist-here');
    expect(() => readFashionMnistFiles(nowhere)).toThrow(DataFormatError);
    expect(() => readFashionMnistFiles(nowhere)).toThrow(/Fashion-MNIST is missing .*apt-get install dataset-fashion-mnist/);
  });
});
