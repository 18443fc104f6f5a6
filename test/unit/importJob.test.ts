// What the data-import worker does, in-process: read a file or download a URL with progress, decode,
// store (a Map stands in for IndexedDB), read back, forget; and every failure's message.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIFAR_TEST_FILE, CIFAR_TRAIN_FILES, cifarChwToHwc } from '../../src/data/cifar';
import { FASHION_MNIST_FILES } from '../../src/data/fashion';
import { encodeIdx } from '../../src/data/idx';
import {
  downloadWithProgress,
  forgetStored,
  importDataset,
  loadStored,
  readBlob,
  transferList,
  type ImportPhase,
} from '../../src/data/importJob';
import { encodeTar } from '../../src/data/tar';
import { tinyCifarTarGz } from './cifarFixture';
import { rejected, MapStore } from './dataHelpers';


const blob = (b: Uint8Array) => new Blob([b as Uint8Array<ArrayBuffer>]);

describe('readBlob', () => {
  it('reads the whole file with monotone progress ending at the size', async () => {
    const bytes = Uint8Array.from({ length: 300_000 }, (_, i) => i & 255);
    const calls: [number, number][] = [];
    const got = await readBlob(blob(bytes), 'f.bin', (d, t) => calls.push([d, t]));
    expect(Buffer.from(got).equals(Buffer.from(bytes))).toBe(true);
    expect(calls[0]).toEqual([0, 300_000]);
    expect(calls.at(-1)).toEqual([300_000, 300_000]);
    for (let i = 1; i < calls.length; i++) expect(calls[i][0]).toBeGreaterThanOrEqual(calls[i - 1][0]);
  });

  it('a file that cannot be read is named', async () => {
    const broken = { size: 10, stream: () => new ReadableStream({ pull: (c) => c.error(new Error('NotReadableError')) }) } as unknown as Blob;
    expect((await rejected(readBlob(broken, 'gone.tar.gz'))).message).toBe(
      'gone.tar.gz: could not read the file: NotReadableError (was it moved or changed? choose it again)',
    );
  });
});

describe('downloadWithProgress (real HTTP on 127.0.0.1)', () => {
  let server: Server;
  let url: string;
  const body = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7) & 255);
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/file.bin') res.writeHead(200, { 'content-length': String(body.length) }).end(body);
      else if (req.url === '/page') res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><p>download page</p>');
      else res.writeHead(404, 'Not Found').end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('downloads with progress against Content-Length', async () => {
    const calls: [number, number][] = [];
    const got = await downloadWithProgress(`${url}/file.bin`, fetch, (d, t) => calls.push([d, t]));
    expect(Buffer.from(got).equals(Buffer.from(body))).toBe(true);
    expect(calls[0]).toEqual([0, body.length]);
    expect(calls.at(-1)).toEqual([body.length, body.length]);
  });

  it('names the URL and the HTTP status', async () => {
    expect((await rejected(downloadWithProgress(`${url}/nope.tar.gz`))).message).toBe(`${url}/nope.tar.gz: HTTP 404 Not Found`);
  });

  it('a network failure says so, and that the server must allow cross-origin reads', async () => {
    expect((await rejected(downloadWithProgress('http://127.0.0.1:1/c.tar.gz'))).message).toMatch(
      /^http:\/\/127\.0\.0\.1:1\/c\.tar\.gz: network error: .*Access-Control-Allow-Origin\)$/,
    );
  });

  it('importing a web page instead of the archive says so', async () => {
    const err = await rejected(importDataset('cifar10', { kind: 'url', url: `${url}/page` }, { store: new MapStore() }));
    expect(err.message).toBe(`${url}/page: this is a web page (HTML), not cifar-10-binary.tar.gz`);
  });
});

describe('importDataset', () => {
  it('CIFAR-10 from a file: read, decode (HWC), store; progress through every phase', async () => {
    const t = tinyCifarTarGz(2, 3);
    const store = new MapStore();
    const phases: ImportPhase[] = [];
    const r = await importDataset('cifar10', { kind: 'file', name: 'cifar-10-binary.tar.gz', file: blob(t.gz) }, {
      store,
      onProgress: (p, d, tot) => {
        if (phases.at(-1) !== p) phases.push(p);
        if (tot > 0) expect(d).toBeLessThanOrEqual(tot);
      },
      now: () => new Date('2025-05-05T00:00:00Z'),
    });
    expect(phases).toEqual(['reading', 'decoding', 'storing']);
    expect(r.data.shape).toEqual([32, 32, 3]);
    expect(Buffer.from(r.data.trainImages).equals(Buffer.from(cifarChwToHwc(t.trainChw, 10)))).toBe(true);
    expect(r.data.testLabels).toEqual(t.testLabels);
    expect(r.storeError).toBeNull();
    expect(r.stored).toEqual({
      dataset: 'cifar10',
      savedAt: '2025-05-05T00:00:00.000Z',
      source: 'cifar-10-binary.tar.gz',
      nTrain: 10,
      nTest: 3,
      bytes: 13 * 3072 + 13,
    });
    // Read back, then forget.
    const back = await loadStored('cifar10', store);
    expect(back!.data).toEqual(r.data);
    await forgetStored('cifar10', store);
    expect(await loadStored('cifar10', store)).toBeNull();
    expect(await loadStored('cifar10', null)).toBeNull();
  });

  it('a storage failure keeps the decoded data and says why it is not stored', async () => {
    const store = new MapStore();
    store.failPut = Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' });
    const t = tinyCifarTarGz(1, 1);
    const r = await importDataset('cifar10', { kind: 'file', name: 'c.tgz', file: blob(t.gz) }, { store });
    expect(r.data.trainLabels.length).toBe(5);
    expect(r.stored).toBeNull();
    expect(r.storeError).toMatch(/^could not store CIFAR-10 in this browser: the browser's storage quota .*QuotaExceededError/);
    const none = await importDataset('cifar10', { kind: 'file', name: 'c.tgz', file: blob(t.gz) }, { store: null });
    expect(none.storeError).toBe('could not store CIFAR-10 in this browser: this browser offers no IndexedDB here');
  });

  it('bad archives: the file is named with the problem, nothing is stored', async () => {
    const store = new MapStore();
    const run = (name: string, bytes: Uint8Array) => importDataset('cifar10', { kind: 'file', name, file: blob(bytes) }, { store });
    const t = tinyCifarTarGz(1, 1);
    expect((await rejected(run('x.tar.gz', new TextEncoder().encode('hello world')))).message).toBe(
      'x.tar.gz: not gzip: the file starts with 68 65, a gzip file starts with 1f 8b',
    );
    expect((await rejected(run('cut.tar.gz', t.gz.subarray(0, t.gz.length - 40)))).message).toMatch(/^cut\.tar\.gz: corrupt gzip data/);
    expect((await rejected(run('notar.tar.gz', new Uint8Array(gzipSync(new Uint8Array(4000).fill(7)))))).message).toMatch(
      /^notar\.tar\.gz: not a tar archive/,
    );
    const noBatches = new Uint8Array(gzipSync(encodeTar([{ path: 'readme.txt', data: new Uint8Array(4) }])));
    expect((await rejected(run('other.tar.gz', noBatches))).message).toMatch(/^other\.tar\.gz: missing data_batch_1\.bin, /);
    const badRecord = new Uint8Array(
      gzipSync(
        encodeTar([
          ...CIFAR_TRAIN_FILES.map((f) => ({ path: f, data: new Uint8Array(3073) })),
          { path: CIFAR_TEST_FILE, data: new Uint8Array(3072) },
        ]),
      ),
    );
    expect((await rejected(run('rec.tar.gz', badRecord))).message).toBe(
      'rec.tar.gz: test_batch.bin: 3,072 bytes is not a whole number of 3,073-byte CIFAR-10 records (0 records and 3,072 bytes left over): truncated or not a CIFAR-10 binary batch',
    );
    expect(store.records.size).toBe(0);
  });

  it('CIFAR-10 is one file; Fashion-MNIST is four files, not a URL; MNIST is not imported', async () => {
    const two = { kind: 'files' as const, files: [{ name: 'a', file: blob(new Uint8Array(1)) }, { name: 'b', file: blob(new Uint8Array(1)) }] };
    expect((await rejected(importDataset('cifar10', two, { store: null }))).message).toBe(
      'a, b: CIFAR-10 is one file, cifar-10-binary.tar.gz: choose just that one',
    );
    expect((await rejected(importDataset('fashion-mnist', { kind: 'url', url: 'http://x/y' }, { store: null }))).message).toBe(
      'http://x/y: Fashion-MNIST loads from its four files, not from a URL',
    );
    await expect(importDataset('mnist', two, { store: null })).rejects.toThrow(/MNIST cannot be loaded from files in the page/);
  });

  it('Fashion-MNIST from its four files: stored with its own mean/std', async () => {
    const gz = (b: Uint8Array) => blob(new Uint8Array(gzipSync(b)));
    const train = new Uint8Array(3 * 784).fill(51);
    train.fill(153, 0, 784); // pixels 0.2 and 0.6: mean 0.2 + 0.4/3, not constant
    const files = [
      { name: FASHION_MNIST_FILES.trainImages, file: gz(encodeIdx([3, 28, 28], train)) },
      { name: FASHION_MNIST_FILES.trainLabels, file: gz(encodeIdx([3], Uint8Array.from([1, 2, 3]))) },
      { name: FASHION_MNIST_FILES.testImages, file: gz(encodeIdx([1, 28, 28], new Uint8Array(784))) },
      { name: FASHION_MNIST_FILES.testLabels, file: gz(encodeIdx([1], Uint8Array.from([9]))) },
    ];
    const store = new MapStore();
    const r = await importDataset('fashion-mnist', { kind: 'files', files }, { store });
    expect(r.data.mean[0]).toBeCloseTo(0.2 + 0.4 / 3, 12);
    expect(r.data.std[0]).toBeCloseTo(Math.sqrt(2) * 0.4 / 3, 12);
    expect(r.stored?.source).toBe(files.map((f) => f.name).join(', '));
    expect((await loadStored('fashion-mnist', store))!.data).toEqual(r.data);
  });
});

describe('transferList', () => {
  it('one whole buffer per array, copying views and shared buffers first', () => {
    const shared = new Uint8Array(10);
    const data = {
      name: 'mnist' as const,
      trainImages: shared.subarray(0, 4),
      trainLabels: shared.subarray(4, 8),
      testImages: new Uint8Array(3),
      testLabels: new Uint8Array(1),
      shape: [2, 2, 1] as const,
      imageSize: 4,
      numClasses: 10,
      mean: [0],
      std: [1],
    };
    const list = transferList(data);
    expect(new Set(list).size).toBe(4);
    for (const k of ['trainImages', 'trainLabels', 'testImages', 'testLabels'] as const) {
      expect(data[k].byteOffset).toBe(0);
      expect(data[k].buffer.byteLength).toBe(data[k].length);
    }
  });
});
