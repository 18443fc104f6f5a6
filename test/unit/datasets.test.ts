// The dataset registry, the manifest's dataset check, and the loader's message for a dataset that is
// not on the server.
import { describe, expect, it } from 'vitest';
import { DATASET_NAMES, DATASETS, datasetInfo, isDatasetName, MNIST_MEAN, MNIST_STD, pixelMeanStd } from '../../src/data/datasets';
import { DataFormatError } from '../../src/data/errors';
import { loadDataset } from '../../src/data/loader';
import { parseManifest } from '../../src/data/manifest';

describe('dataset registry', () => {
  it('lists MNIST, Fashion-MNIST and CIFAR-10 with shapes, classes and where the bytes come from', () => {
    expect(DATASET_NAMES).toEqual(['mnist', 'fashion-mnist', 'cifar10']);
    for (const d of DATASETS) {
      expect(d.numClasses).toBe(10);
      expect(d.baseUrl).toBe(`./data/${d.name}`);
      expect(d.howToGet.length).toBeGreaterThan(10);
      expect(d.howToGet).not.toContain('\n');
      if (d.normalization.kind === 'fixed') {
        expect(d.normalization.mean).toHaveLength(d.imageShape[2]);
        expect(d.normalization.std).toHaveLength(d.imageShape[2]);
      }
      expect(d.fileHint === '').toBe(d.fileImport === null);
    }
    for (const name of ['mnist', 'fashion-mnist'] as const) {
      const d = datasetInfo(name);
      expect(d.imageShape).toEqual([28, 28, 1]);
      expect([d.nTrain, d.nTest]).toEqual([60000, 10000]);
      expect([d.augment, d.augmentPad]).toEqual(['none', 0]);
    }
    expect(datasetInfo('mnist').label).toBe('MNIST');
    expect(datasetInfo('mnist').fileImport).toBeNull();
    expect(datasetInfo('fashion-mnist').label).toBe('Fashion-MNIST');
    expect(datasetInfo('fashion-mnist').howToGet).toMatch(/apt-get install dataset-fashion-mnist/);
    expect(datasetInfo('fashion-mnist').howToGet).toContain('Load Fashion-MNIST files');
    expect(datasetInfo('fashion-mnist').origin).toContain('/usr/share/datasets/fashion-mnist');
    expect(datasetInfo('fashion-mnist').fileImport).toBe('idx-gz');
  });

  it('CIFAR-10: 32x32x3, 50,000 / 10,000, flip + crop from 4-pixel padding, loaded from the official binary archive', () => {
    const c = datasetInfo('cifar10');
    expect(c.label).toBe('CIFAR-10');
    expect(c.imageShape).toEqual([32, 32, 3]);
    expect([c.nTrain, c.nTest, c.numClasses]).toEqual([50000, 10000, 10]);
    expect([c.augment, c.augmentPad]).toEqual(['flip-crop', 4]);
    expect(c.fileImport).toBe('cifar10-tar');
    expect(c.fileHint).toBe('cifar-10-binary.tar.gz');
    expect(c.howToGet).toContain('Load CIFAR-10');
    expect(c.howToGet).toContain('npm run data -- --cifar10');
  });

  it('normalises MNIST with the reference constants, Fashion-MNIST from its manifest, CIFAR-10 per channel (spec §6)', () => {
    expect(datasetInfo('mnist').normalization).toEqual({ kind: 'fixed', mean: [0.1307], std: [0.3081] });
    expect([MNIST_MEAN, MNIST_STD]).toEqual([0.1307, 0.3081]);
    expect(datasetInfo('fashion-mnist').normalization).toEqual({ kind: 'manifest' });
    expect(datasetInfo('cifar10').normalization).toEqual({ kind: 'fixed', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
  });

  it('recognises only registered names', () => {
    expect(isDatasetName('mnist')).toBe(true);
    expect(isDatasetName('fashion-mnist')).toBe(true);
    expect(isDatasetName('cifar10')).toBe(true);
    expect(isDatasetName('svhn')).toBe(false);
    expect(isDatasetName(3)).toBe(false);
    expect(() => datasetInfo('svhn' as never)).toThrow(/unknown dataset "svhn"/);
  });

  it('pixelMeanStd gives the mean and population std on the 0..1 scale', () => {
    expect(pixelMeanStd(Uint8Array.from([0, 255]))).toEqual({ mean: 0.5, std: 0.5 });
    const r = pixelMeanStd(Uint8Array.from([0, 51, 102, 153]));
    expect(r.mean).toBeCloseTo(0.3, 12);
    expect(r.std).toBeCloseTo(Math.sqrt(0.05) * 1, 12); // values 0, .2, .4, .6: variance 0.05
    expect(() => pixelMeanStd(new Uint8Array(0))).toThrow(RangeError);
  });
});

describe('manifest dataset check', () => {
  const manifest = (dataset: string) => ({
    dataset, version: 2, source: 'x', nTrain: 0, nTest: 0, imageShape: [28, 28, 1], numClasses: 10, mean: [0.2], std: [0.3], files: [],
  });
  it('accepts every registered dataset and refuses others', () => {
    expect(parseManifest(manifest('fashion-mnist'), 'm.json').dataset).toBe('fashion-mnist');
    expect(parseManifest(manifest('mnist'), 'm.json').dataset).toBe('mnist');
    expect(parseManifest({ ...manifest('cifar10'), imageShape: [32, 32, 3], mean: [0.4, 0.5, 0.6], std: [0.2, 0.2, 0.2] }, 'm.json').dataset).toBe('cifar10');
    expect(() => parseManifest(manifest('svhn'), 'm.json')).toThrow(
      'm.json: bad manifest: dataset "svhn" is not supported (expected one of "mnist", "fashion-mnist", "cifar10")',
    );
  });

  it('checks the version-2 shape and per-channel statistics', () => {
    const bad = (patch: object) => () => parseManifest({ ...manifest('cifar10'), ...patch }, 'm.json');
    expect(bad({ version: 1 })).toThrow('m.json: bad manifest: version 1, expected 2');
    expect(bad({ imageShape: [32, 32] })).toThrow('m.json: bad manifest: imageShape must be [height, width, channels]');
    expect(bad({ imageShape: [32, 32, 3] })).toThrow(
      'm.json: bad manifest: mean and std must list one finite number per channel (3 channels), std > 0',
    );
    expect(bad({ mean: 0.2, std: 0.3 })).toThrow('mean and std must list one finite number per channel (1 channel)');
    expect(bad({ std: [0] })).toThrow('std > 0');
    expect(bad({ mean: [Number.NaN] })).toThrow('one finite number per channel');
  });
});

describe('loading a dataset that is not on the server', () => {
  const notFound = (async () => new Response('not found', { status: 404, statusText: 'Not Found' })) as typeof fetch;

  it('says so and how to get it when given the registry hint', async () => {
    const info = datasetInfo('fashion-mnist');
    const err = await loadDataset(info.baseUrl, undefined, notFound, { missingHint: info.howToGet }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataFormatError);
    expect((err as Error).message).toBe(
      `./data/fashion-mnist/manifest.json: HTTP 404 Not Found: the dataset is not on this server. To get it: ${info.howToGet}`,
    );
  });

  it("says so too when a dev server answers the missing manifest with its page (Vite's HTML fallback, status 200)", async () => {
    const info = datasetInfo('fashion-mnist');
    const page = (async () => new Response('<!doctype html><html></html>', { status: 200, headers: { 'content-type': 'text/html' } })) as typeof fetch;
    const err = await loadDataset(info.baseUrl, undefined, page, { missingHint: info.howToGet }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataFormatError);
    expect((err as Error).message).toBe(
      `./data/fashion-mnist/manifest.json: the server sent a web page, not the manifest: the dataset is not on this server. To get it: ${info.howToGet}`,
    );
  });

  it('keeps the plain message without a hint, and other statuses unchanged', async () => {
    await expect(loadDataset('./data/x', undefined, notFound)).rejects.toThrow(/^\.\/data\/x\/manifest\.json: HTTP 404 Not Found$/);
    const broken = (async () => new Response('', { status: 500, statusText: 'Internal Server Error' })) as typeof fetch;
    await expect(loadDataset('./data/x', undefined, broken, { missingHint: 'hint' })).rejects.toThrow(/^\.\/data\/x\/manifest\.json: HTTP 500 Internal Server Error$/);
  });
});
