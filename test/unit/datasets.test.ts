// The dataset registry, the manifest's dataset check, and the loader's message for a dataset that is
// not on the server.
import { describe, expect, it } from 'vitest';
import { DATASET_NAMES, DATASETS, datasetInfo, isDatasetName, MNIST_MEAN, MNIST_STD, pixelMeanStd } from '../../src/data/datasets';
import { DataFormatError } from '../../src/data/errors';
import { loadDataset } from '../../src/data/loader';
import { parseManifest } from '../../src/data/manifest';

describe('dataset registry', () => {
  it('lists MNIST and Fashion-MNIST with shapes, classes and where the bytes come from', () => {
    expect(DATASET_NAMES).toEqual(['mnist', 'fashion-mnist']);
    for (const d of DATASETS) {
      expect(d.imageShape).toEqual([28, 28]);
      expect(d.numClasses).toBe(10);
      expect([d.nTrain, d.nTest]).toEqual([60000, 10000]);
      expect(d.baseUrl).toBe(`./data/${d.name}`);
      expect(d.howToGet.length).toBeGreaterThan(10);
      expect(d.howToGet).not.toContain('\n');
    }
    expect(datasetInfo('mnist').label).toBe('MNIST');
    expect(datasetInfo('fashion-mnist').label).toBe('Fashion-MNIST');
    expect(datasetInfo('fashion-mnist').howToGet).toMatch(/apt-get install dataset-fashion-mnist/);
    expect(datasetInfo('fashion-mnist').origin).toContain('/usr/share/datasets/fashion-mnist');
  });

  it('normalises MNIST with the reference constants and Fashion-MNIST from its manifest', () => {
    expect(datasetInfo('mnist').normalization).toEqual({ kind: 'fixed', mean: 0.1307, std: 0.3081 });
    expect([MNIST_MEAN, MNIST_STD]).toEqual([0.1307, 0.3081]);
    expect(datasetInfo('fashion-mnist').normalization).toEqual({ kind: 'manifest' });
  });

  it('recognises only registered names', () => {
    expect(isDatasetName('mnist')).toBe(true);
    expect(isDatasetName('fashion-mnist')).toBe(true);
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
    dataset, version: 1, source: 'x', nTrain: 0, nTest: 0, imageShape: [28, 28], numClasses: 10, mean: 0.2, std: 0.3, files: [],
  });
  it('accepts every registered dataset and refuses others', () => {
    expect(parseManifest(manifest('fashion-mnist'), 'm.json').dataset).toBe('fashion-mnist');
    expect(parseManifest(manifest('mnist'), 'm.json').dataset).toBe('mnist');
    expect(() => parseManifest(manifest('svhn'), 'm.json')).toThrow('m.json: bad manifest: dataset "svhn" is not supported (expected one of "mnist", "fashion-mnist")');
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
