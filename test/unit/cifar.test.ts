import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CIFAR_IMAGE_BYTES,
  CIFAR_MEAN,
  CIFAR_RECORD_BYTES,
  CIFAR_STD,
  CIFAR_TEST_FILE,
  CIFAR_TRAIN_FILES,
  cifarChwToHwc,
  cifarFromTar,
  cifarHwcFromTar,
  decodeCifarArchive,
  encodeCifarBatch,
  loadCifarTarGz,
  parseCifarBatch,
} from '../../src/data/cifar';
import { DataFormatError } from '../../src/data/errors';
import { hasTar, rejected, thrown } from './dataHelpers';
import { gunzipTo } from '../../src/data/gzip';
import { encodeTar, parseTar, type TarInput } from '../../src/data/tar';

/** Deterministic pseudo-random bytes (LCG). */
function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

interface Batch {
  images: Uint8Array;
  labels: Uint8Array;
}

/** A small CIFAR-10: `perTrain` records in each of the 5 training batches, `nTest` in the test batch. */
function makeDataset(perTrain = 3, nTest = 2): { train: Batch[]; test: Batch } {
  const mk = (n: number, seed: number): Batch => ({
    images: bytes(n * CIFAR_IMAGE_BYTES, seed),
    labels: bytes(n, seed + 1000).map((v) => v % 10),
  });
  return { train: [1, 2, 3, 4, 5].map((k) => mk(perTrain, k)), test: mk(nTest, 99) };
}

function datasetEntries(ds: { train: Batch[]; test: Batch }, folder = 'cifar-10-batches-bin'): TarInput[] {
  const p = (f: string) => (folder ? `${folder}/${f}` : f);
  const entries: TarInput[] = [];
  if (folder) entries.push({ path: folder, type: 'dir' });
  entries.push({ path: p('batches.meta.txt'), data: new TextEncoder().encode('airplane\nautomobile\n') });
  ds.train.forEach((b, i) => entries.push({ path: p(CIFAR_TRAIN_FILES[i]), data: encodeCifarBatch(b.images, b.labels) }));
  entries.push({ path: p(CIFAR_TEST_FILE), data: encodeCifarBatch(ds.test.images, ds.test.labels) });
  entries.push({ path: p('readme.html'), data: new TextEncoder().encode('<p>readme</p>') });
  return entries;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function expectDataset(got: Awaited<ReturnType<typeof loadCifarTarGz>>, ds: { train: Batch[]; test: Batch }) {
  const nTrain = ds.train.reduce((a, b) => a + b.labels.length, 0);
  expect(got.nTrain).toBe(nTrain);
  expect(got.nTest).toBe(ds.test.labels.length);
  expect(Array.from(got.trainLabels)).toEqual(Array.from(concat(ds.train.map((b) => b.labels))));
  expect(Buffer.from(got.trainImages).equals(Buffer.from(concat(ds.train.map((b) => b.images))))).toBe(true);
  expect(Array.from(got.testLabels)).toEqual(Array.from(ds.test.labels));
  expect(Buffer.from(got.testImages).equals(Buffer.from(ds.test.images))).toBe(true);
}

describe('parseCifarBatch / encodeCifarBatch', () => {
  it('round-trips and keeps the planar CHW layout of the file', () => {
    const images = bytes(2 * CIFAR_IMAGE_BYTES, 7);
    const labels = new Uint8Array([3, 9]);
    const file = encodeCifarBatch(images, labels);
    expect(file.length).toBe(2 * CIFAR_RECORD_BYTES);
    expect(file[0]).toBe(3);
    expect(file[CIFAR_RECORD_BYTES]).toBe(9);
    const b = parseCifarBatch(file, 'b.bin');
    expect(b.n).toBe(2);
    expect(Array.from(b.labels)).toEqual([3, 9]);
    expect(Buffer.from(b.images).equals(Buffer.from(images))).toBe(true);
    // Record 1, green plane (c = 1), row 5, column 7 sits at 1 + 1024 + 5*32 + 7 within the record.
    expect(b.images[CIFAR_IMAGE_BYTES + 1024 + 5 * 32 + 7]).toBe(file[CIFAR_RECORD_BYTES + 1 + 1024 + 5 * 32 + 7]);
  });

  it('hand-built record: label byte, then R, G, B planes', () => {
    const rec = new Uint8Array(CIFAR_RECORD_BYTES);
    rec[0] = 6;
    rec.fill(10, 1, 1025);
    rec.fill(20, 1025, 2049);
    rec.fill(30, 2049, 3073);
    const b = parseCifarBatch(rec, 'one.bin');
    expect(b.labels[0]).toBe(6);
    expect([b.images[0], b.images[1024], b.images[2048], b.images[3071]]).toEqual([10, 20, 30, 30]);
    const hwc = cifarChwToHwc(b.images, 1);
    expect(Array.from(hwc.subarray(0, 6))).toEqual([10, 20, 30, 10, 20, 30]);
  });

  it('wrong record length', () => {
    const file = encodeCifarBatch(bytes(2 * CIFAR_IMAGE_BYTES, 1), [1, 2]);
    expect(thrown(() => parseCifarBatch(file.subarray(0, file.length - 1), 'data_batch_1.bin')).message).toBe(
      'data_batch_1.bin: 6,145 bytes is not a whole number of 3,073-byte CIFAR-10 records (1 records and 3,072 bytes left over): truncated or not a CIFAR-10 binary batch',
    );
    expect(thrown(() => parseCifarBatch(new Uint8Array(0), 'e.bin')).message).toBe(
      'e.bin: empty file: a CIFAR-10 batch has 3,073-byte records',
    );
  });

  it('label >= 10', () => {
    const file = encodeCifarBatch(bytes(3 * CIFAR_IMAGE_BYTES, 1), [1, 2, 10]);
    expect(thrown(() => parseCifarBatch(file, 'test_batch.bin')).message).toBe(
      'test_batch.bin: label 10 in record 2 (byte offset 6,146) is out of range (10 classes): not a CIFAR-10 binary batch',
    );
  });

  it('spec §6 normalisation constants', () => {
    expect(CIFAR_MEAN).toEqual([0.485, 0.456, 0.406]);
    expect(CIFAR_STD).toEqual([0.229, 0.224, 0.225]);
  });
});

describe('CIFAR-10 tar.gz pipeline', () => {
  it('gunzipTo -> parseTar -> cifarFromTar round-trips pixels and labels exactly', async () => {
    const ds = makeDataset();
    const gz = new Uint8Array(gzipSync(encodeTar(datasetEntries(ds))));
    const tar = await gunzipTo(gz, 'cifar-10-binary.tar.gz');
    const got = cifarFromTar(parseTar(tar, 'cifar-10-binary.tar.gz'));
    expectDataset(got, ds);
    expect(got.trainImages.length).toBe(15 * CIFAR_IMAGE_BYTES);
    // Fresh buffers of exactly the right size (safe to transfer to a worker).
    expect(got.trainImages.buffer.byteLength).toBe(got.trainImages.length);
    expect(got.testImages.buffer.byteLength).toBe(got.testImages.length);
  });

  it('loadCifarTarGz does the same, with progress', async () => {
    const ds = makeDataset(4, 3);
    const gz = new Uint8Array(gzipSync(encodeTar(datasetEntries(ds, 'some/other/folder'))));
    const seen: number[] = [];
    const got = await loadCifarTarGz(gz, 'upload.tar.gz', { onProgress: (a) => seen.push(a), chunkSize: 4096 });
    expectDataset(got, ds);
    expect(seen[seen.length - 1]).toBe(gz.length);
  });

  it('finds the files with no leading folder, in any order', () => {
    const ds = makeDataset(1, 1);
    const entries = datasetEntries(ds, '').reverse();
    expectDataset(cifarFromTar(parseTar(encodeTar(entries), 'flat.tar')), ds);
  });

  it('missing data_batch_3.bin', () => {
    const entries = datasetEntries(makeDataset()).filter((e) => !e.path.endsWith('data_batch_3.bin'));
    expect(thrown(() => cifarFromTar(parseTar(encodeTar(entries), 'c.tar'), 'c.tar.gz')).message).toBe(
      'c.tar.gz: missing data_batch_3.bin (expected the binary version, cifar-10-binary.tar.gz, with cifar-10-batches-bin/*.bin)',
    );
  });

  it('names every missing file, and recognises the Python version', () => {
    const py = encodeTar([
      { path: 'cifar-10-batches-py/data_batch_1', data: new Uint8Array(10) },
      { path: 'cifar-10-batches-py/test_batch', data: new Uint8Array(10) },
    ]);
    const msg = thrown(() => cifarFromTar(parseTar(py, 'py.tar'), 'cifar-10-python.tar.gz')).message;
    expect(msg).toMatch(/missing data_batch_1\.bin, data_batch_2\.bin, data_batch_3\.bin, data_batch_4\.bin, data_batch_5\.bin, test_batch\.bin/);
    expect(msg).toMatch(/Python version/);
  });

  it('a file present twice', () => {
    const entries = datasetEntries(makeDataset());
    entries.push({ path: 'copy/test_batch.bin', data: entries[entries.length - 2].data });
    expect(thrown(() => cifarFromTar(parseTar(encodeTar(entries), 'd.tar'), 'd.tar.gz')).message).toBe(
      'd.tar.gz: contains test_batch.bin twice ("cifar-10-batches-bin/test_batch.bin" and "copy/test_batch.bin")',
    );
  });

  it('a malformed batch inside the archive names the archive and the member', async () => {
    const entries = datasetEntries(makeDataset());
    const i = entries.findIndex((e) => e.path.endsWith('data_batch_4.bin'));
    entries[i] = { path: entries[i].path, data: entries[i].data!.subarray(0, 5000) };
    const gz = new Uint8Array(gzipSync(encodeTar(entries)));
    expect((await rejected(loadCifarTarGz(gz, 'x.tar.gz'))).message).toMatch(
      /^x\.tar\.gz: cifar-10-batches-bin\/data_batch_4\.bin: 5,000 bytes is not a whole number of 3,073-byte/,
    );
  });

  it('a file that is not gzip, or a gzip that is not a tar', async () => {
    const tar = encodeTar(datasetEntries(makeDataset()));
    expect((await rejected(loadCifarTarGz(tar, 'plain.tar'))).message).toMatch(/^plain\.tar: not gzip: /);
    const notTar = new Uint8Array(gzipSync(bytes(5000, 3)));
    expect((await rejected(loadCifarTarGz(notTar, 'n.tar.gz'))).message).toMatch(/^n\.tar\.gz: not a tar archive/);
    const gz = new Uint8Array(gzipSync(tar));
    expect((await rejected(loadCifarTarGz(gz.subarray(0, gz.length - 100), 'cut.tar.gz'))).message).toMatch(
      /^cut\.tar\.gz: corrupt gzip data/,
    );
  });
});

describe.skipIf(!hasTar)('CIFAR-10 archive made by the real tar command', () => {
  it('tar -czf cifar-10-binary.tar.gz cifar-10-batches-bin loads exactly', async () => {
    const ds = makeDataset(3, 2);
    const dir = mkdtempSync(join(tmpdir(), 'cifar-test-'));
    try {
      mkdirSync(join(dir, 'cifar-10-batches-bin'));
      for (const e of datasetEntries(ds)) if (e.type !== 'dir') writeFileSync(join(dir, e.path), e.data!);
      const out = join(dir, 'cifar-10-binary.tar.gz');
      execFileSync('tar', ['-czf', out, '-C', dir, 'cifar-10-batches-bin'], { stdio: 'pipe' });
      expectDataset(await loadCifarTarGz(new Uint8Array(readFileSync(out)), 'cifar-10-binary.tar.gz'), ds);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('fuzzing: only DataFormatError escapes', () => {
  const file = encodeCifarBatch(bytes(3 * CIFAR_IMAGE_BYTES, 5), [0, 5, 9]);

  it('mutations and truncations of a valid batch give a consistent result or a DataFormatError', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(file.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(file.length),
        (edits, cut) => {
          const b = file.slice(0, cut);
          for (const [i, v] of edits) if (i < b.length) b[i] = v;
          try {
            const r = parseCifarBatch(b, 'fuzz.bin');
            expect(r.n * CIFAR_RECORD_BYTES).toBe(b.length);
            expect(r.images.length).toBe(r.n * CIFAR_IMAGE_BYTES);
            for (let i = 0; i < r.n; i++) {
              expect(r.labels[i]).toBe(b[i * CIFAR_RECORD_BYTES]);
              expect(r.labels[i]).toBeLessThan(10);
            }
          } catch (e) {
            if (!(e instanceof DataFormatError)) throw e;
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('arbitrary bytes as a batch', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 7000 }), (b) => {
        try {
          parseCifarBatch(b, 'fuzz.bin');
        } catch (e) {
          if (!(e instanceof DataFormatError)) throw e;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('mutated and truncated CIFAR tar archives through parseTar + cifarFromTar', () => {
    const tar = encodeTar(datasetEntries(makeDataset(1, 1)));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(tar.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(tar.length),
        (edits, cut) => {
          const t = tar.slice(0, cut);
          for (const [i, v] of edits) if (i < t.length) t[i] = v;
          try {
            const r = cifarFromTar(parseTar(t, 'fuzz.tar'), 'fuzz.tar');
            expect(r.trainImages.length).toBe(r.nTrain * CIFAR_IMAGE_BYTES);
            expect(r.testImages.length).toBe(r.nTest * CIFAR_IMAGE_BYTES);
          } catch (e) {
            if (!(e instanceof DataFormatError)) throw e;
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('channels-last decoding for the page and the prepare step', () => {
  it('cifarHwcFromTar = cifarChwToHwc(cifarFromTar), with per-batch progress', () => {
    const ds = makeDataset(3, 2);
    const entries = parseTar(encodeTar(datasetEntries(ds)), 'a.tar');
    const chw = cifarFromTar(entries, 'a.tar');
    const calls: [number, number][] = [];
    const hwc = cifarHwcFromTar(entries, 'a.tar', (d, t) => calls.push([d, t]));
    expect([hwc.nTrain, hwc.nTest]).toEqual([15, 2]);
    expect(Buffer.from(hwc.trainImages).equals(Buffer.from(cifarChwToHwc(chw.trainImages, 15)))).toBe(true);
    expect(Buffer.from(hwc.testImages).equals(Buffer.from(cifarChwToHwc(chw.testImages, 2)))).toBe(true);
    expect(hwc.trainLabels).toEqual(chw.trainLabels);
    expect(hwc.testLabels).toEqual(chw.testLabels);
    expect(calls).toEqual([1, 2, 3, 4, 5, 6].map((d) => [d, 6]));
  });

  it('hand-built record: pixel (y, x) of channel c lands at (y*32 + x)*3 + c', () => {
    const img = new Uint8Array(CIFAR_IMAGE_BYTES);
    img[0 * 1024 + 1 * 32 + 2] = 11; // R at row 1, column 2
    img[1 * 1024 + 1 * 32 + 2] = 22; // G
    img[2 * 1024 + 31 * 32 + 31] = 33; // B at the last pixel
    const one = { images: img, labels: Uint8Array.from([7]) };
    const ds = { train: [one, one, one, one, one], test: one };
    const hwc = cifarHwcFromTar(parseTar(encodeTar(datasetEntries(ds)), 'h.tar'), 'h.tar');
    const at = (y: number, x: number, c: number) => hwc.testImages[(y * 32 + x) * 3 + c];
    expect([at(1, 2, 0), at(1, 2, 1), at(1, 2, 2), at(31, 31, 2)]).toEqual([11, 22, 0, 33]);
    expect(hwc.testLabels[0]).toBe(7);
  });

  it('same messages as cifarFromTar for missing, duplicate and malformed batches', () => {
    const ds = makeDataset(1, 1);
    const cases: TarInput[][] = [];
    cases.push(datasetEntries(ds).filter((e) => !e.path.endsWith('data_batch_3.bin')));
    cases.push([...datasetEntries(ds), { path: 'other/test_batch.bin', data: encodeCifarBatch(ds.test.images, ds.test.labels) }]);
    const cut = datasetEntries(ds);
    const i = cut.findIndex((e) => e.path.endsWith('test_batch.bin'));
    cut[i] = { path: cut[i].path, data: cut[i].data!.subarray(0, 100) };
    cases.push(cut);
    const badLabel = datasetEntries(ds);
    const j = badLabel.findIndex((e) => e.path.endsWith('data_batch_2.bin'));
    const d = badLabel[j].data!.slice();
    d[0] = 12;
    badLabel[j] = { path: badLabel[j].path, data: d };
    cases.push(badLabel);
    for (const c of cases) {
      const entries = parseTar(encodeTar(c), 'c.tar');
      const a = thrown(() => cifarFromTar(entries, 'c.tar.gz')).message;
      expect(thrown(() => cifarHwcFromTar(entries, 'c.tar.gz')).message).toBe(a);
    }
  });

  it('decodeCifarArchive: tar.gz or an already-decompressed tar to DatasetBuffers with spec §6 normalisation', async () => {
    const ds = makeDataset(2, 3);
    const tar = encodeTar(datasetEntries(ds));
    const phases = new Set<string>();
    const fromGz = await decodeCifarArchive(new Uint8Array(gzipSync(tar)), 'c.tar.gz', (p, done, total) => {
      phases.add(p);
      expect(done).toBeLessThanOrEqual(total);
    });
    expect([...phases]).toEqual(['gunzip', 'records']);
    expect(fromGz.name).toBe('cifar10');
    expect(fromGz.shape).toEqual([32, 32, 3]);
    expect(fromGz.imageSize).toBe(3072);
    expect([fromGz.numClasses, fromGz.trainLabels.length, fromGz.testLabels.length]).toEqual([10, 10, 3]);
    expect(fromGz.mean).toEqual([0.485, 0.456, 0.406]);
    expect(fromGz.std).toEqual([0.229, 0.224, 0.225]);
    const trainChw = concat(ds.train.map((b) => b.images));
    expect(Buffer.from(fromGz.trainImages).equals(Buffer.from(cifarChwToHwc(trainChw, 10)))).toBe(true);
    // Fresh, exactly-sized buffers (transferable to workers).
    for (const a of [fromGz.trainImages, fromGz.trainLabels, fromGz.testImages, fromGz.testLabels]) {
      expect(a.byteOffset).toBe(0);
      expect(a.buffer.byteLength).toBe(a.length);
    }
    const fromTar = await decodeCifarArchive(tar, 'c.tar');
    expect(Buffer.from(fromTar.testImages).equals(Buffer.from(fromGz.testImages))).toBe(true);
  });

  it('decodeCifarArchive names the problem: not gzip, corrupt gzip, not a tar, no CIFAR batches', async () => {
    const tar = encodeTar(datasetEntries(makeDataset(1, 1)));
    const gz = new Uint8Array(gzipSync(tar));
    expect((await rejected(decodeCifarArchive(bytes(2000, 1), 'r.bin'))).message).toMatch(/^r\.bin: not gzip: the file starts with /);
    expect((await rejected(decodeCifarArchive(gz.subarray(0, gz.length - 50), 'cut.tar.gz'))).message).toMatch(/^cut\.tar\.gz: corrupt gzip data/);
    expect((await rejected(decodeCifarArchive(new Uint8Array(gzipSync(bytes(3000, 2))), 'n.tar.gz'))).message).toMatch(
      /^n\.tar\.gz: not a tar archive/,
    );
    const other = new Uint8Array(gzipSync(encodeTar([{ path: 'photos/cat.jpg', data: bytes(100, 3) }])));
    expect((await rejected(decodeCifarArchive(other, 'o.tar.gz'))).message).toBe(
      'o.tar.gz: missing data_batch_1.bin, data_batch_2.bin, data_batch_3.bin, data_batch_4.bin, data_batch_5.bin, test_batch.bin ' +
        '(expected the binary version, cifar-10-binary.tar.gz, with cifar-10-batches-bin/*.bin)',
    );
  });

  it('fuzz: mutated archives through cifarHwcFromTar agree with cifarFromTar (same result or same DataFormatError)', () => {
    const tar = encodeTar(datasetEntries(makeDataset(1, 1)));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(tar.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(tar.length),
        (edits, cut) => {
          const t = tar.slice(0, cut);
          for (const [i, v] of edits) if (i < t.length) t[i] = v;
          let entries;
          try {
            entries = parseTar(t, 'fuzz.tar');
          } catch (e) {
            if (!(e instanceof DataFormatError)) throw e;
            return;
          }
          const run = <T,>(f: () => T): T | string => {
            try {
              return f();
            } catch (e) {
              if (!(e instanceof DataFormatError)) throw e;
              return e.message;
            }
          };
          const a = run(() => cifarFromTar(entries, 'fuzz.tar'));
          const b = run(() => cifarHwcFromTar(entries, 'fuzz.tar'));
          if (typeof a === 'string') {
            expect(b).toBe(a);
          } else {
            expect(typeof b).toBe('object');
            const h = b as typeof a;
            expect(Buffer.from(h.trainImages).equals(Buffer.from(cifarChwToHwc(a.trainImages, a.nTrain)))).toBe(true);
            expect(h.testLabels).toEqual(a.testLabels);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
