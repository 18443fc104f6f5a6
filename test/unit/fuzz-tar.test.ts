// Hostile input for the file-picker path: tar archives, CIFAR-10 binary records (and the whole
// .tar.gz pipeline), and Fashion-MNIST's four gzipped IDX files. Random bytes and mutations of valid
// files (header checksums recomputed after a mutation half of the time, so the damage reaches the
// size fields, long names and pax records behind the checksum). Every case must parse to the right
// values or fail with a DataFormatError naming the file, in time, without a header-sized allocation.
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CIFAR_IMAGE_BYTES, CIFAR_MAX_TAR_BYTES, CIFAR_RECORD_BYTES, checkCifarBatch, cifarHwcFromTar, decodeCifarArchive, encodeCifarBatch, parseCifarBatch } from '../../src/data/cifar';
import { DataFormatError } from '../../src/data/errors';
import { FASHION_MAX_FILE_BYTES, FASHION_MNIST_FILES, fashionMnistFromFiles } from '../../src/data/fashion';
import { encodeIdx } from '../../src/data/idx';
import { encodeTar, parseTar, type TarInput } from '../../src/data/tar';
import { tinyCifarTarGz } from './cifarFixture';
import { expectOwnError, FUZZ_RUNS, gzipBomb, mutate, mutationsArb, seededBytesArb, timed, timedSync, withAllocationGuard } from './fuzzHelpers';

const ALLOC_LIMIT = 16 << 20;
/** Cases of the two whole pipelines (gunzip + parse per case); their parsers get FUZZ_RUNS each. */
const PIPELINE_RUNS = 2_000;

/** Recompute the checksum of every block that looks like a ustar header (magic at 257), so mutations get past it. */
function fixChecksums(tar: Uint8Array): Uint8Array {
  for (let off = 0; off + 512 <= tar.length; off += 512) {
    const h = tar.subarray(off, off + 512);
    if (h[257] !== 0x75 || h[258] !== 0x73 || h[259] !== 0x74) continue;
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
    const text = sum.toString(8).padStart(6, '0');
    for (let i = 0; i < 6; i++) h[148 + i] = text.charCodeAt(i);
    h[154] = 0;
    h[155] = 0x20;
  }
  return tar;
}

/** `tar` with the type flag of the header at `off` changed (checksum fixed). */
function retype(tar: Uint8Array, off: number, type: string): Uint8Array {
  const out = tar.slice();
  out[off + 156] = type.charCodeAt(0);
  return fixChecksums(out);
}

const te = new TextEncoder();

/** A pax extended header record: "%d key=value\n" with its own length. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return `${len}${body}`;
}

/** Tar entries: files with short, prefix-split and GNU-long names, directories. */
const entryArb: fc.Arbitrary<TarInput> = fc.oneof(
  fc.record({ path: fc.stringMatching(/^[a-z0-9_]{1,12}(\/[a-z0-9_.]{1,12}){0,2}$/), data: seededBytesArb(0, 1_200) }),
  fc.record({ path: fc.integer({ min: 101, max: 300 }).map((n) => 'd/' + 'n'.repeat(n)), data: seededBytesArb(0, 64) }),
  fc.record({ path: fc.integer({ min: 60, max: 150 }).map((n) => 'p'.repeat(n) + '/f.bin'), data: seededBytesArb(0, 64) }),
  fc.record({ path: fc.stringMatching(/^[a-z]{1,8}$/), type: fc.constant('dir' as const) }),
);

/** A valid archive and what parseTar must return for it, optionally with a pax header in front of the first entry. */
const tarArb = fc.record({ entries: fc.array(entryArb, { minLength: 1, maxLength: 4 }), pax: fc.boolean() }).map(({ entries, pax }) => {
  let bytes = encodeTar(entries);
  const files = entries.filter((e) => e.type !== 'dir').map((e) => ({ path: e.path, data: e.data ?? new Uint8Array(0) }));
  if (pax) {
    // A pax header renaming the first entry: written as a file, then retyped to 'x'.
    const rec = te.encode(paxRecord('path', 'renamed/by-pax.bin'));
    bytes = new Uint8Array([...retype(encodeTar([{ path: 'PaxHeader', data: rec }]), 0, 'x').subarray(0, 512 + Math.ceil(rec.length / 512) * 512), ...bytes]);
    const first = entries[0];
    // A GNU long-name entry between the pax header and the file wins over the pax path (as parseTar documents).
    const gnuLong = te.encode(first.path).length > 100 && first.path.startsWith('d/');
    if (first.type !== 'dir' && !gnuLong) files[0] = { path: 'renamed/by-pax.bin', data: first.data ?? new Uint8Array(0) };
  }
  return { bytes, files };
});

describe('fuzz: parseTar', () => {
  it(`parses valid archives exactly and refuses ${FUZZ_RUNS} damaged ones with a DataFormatError`, async () => {
    let ok = 0;
    let refused = 0;
    await withAllocationGuard(ALLOC_LIMIT, () =>
      fc.assert(
        fc.property(
          fc.oneof(
            { weight: 1, arbitrary: fc.uint8Array({ maxLength: 1_100 }).map((bytes) => ({ bytes, files: null as null | { path: string; data: Uint8Array }[] })) },
            {
              weight: 6,
              arbitrary: fc.tuple(tarArb, mutationsArb(), fc.boolean()).map(([v, muts, fix]) => {
                const bytes = mutate(v.bytes, muts);
                return { bytes: fix ? fixChecksums(bytes) : bytes, files: muts.length === 0 ? v.files : null };
              }),
            },
          ),
          ({ bytes, files }) =>
            timedSync(() => {
              let out;
              try {
                out = parseTar(bytes, 'a.tar');
              } catch (e) {
                expectOwnError(e, DataFormatError, 'a.tar: ');
                expect(files).toBeNull();
                refused++;
                return;
              }
              ok++;
              for (const e of out) {
                // Views into the archive, inside it, never copies.
                expect(e.data.buffer).toBe(bytes.buffer);
                expect(e.data.byteOffset + e.data.length).toBeLessThanOrEqual(bytes.length);
                expect(typeof e.path).toBe('string');
              }
              if (files) {
                expect(out.map((e) => e.path)).toEqual(files.map((f) => f.path));
                out.forEach((e, i) => expect(Buffer.from(e.data).equals(Buffer.from(files[i].data))).toBe(true));
              }
            }),
        ),
        { seed: 0x7a2, numRuns: FUZZ_RUNS },
      ),
    );
    expect(ok).toBeGreaterThan(FUZZ_RUNS / 10);
    expect(refused).toBeGreaterThan(FUZZ_RUNS / 10);
  });
});

/** A CIFAR-10 batch of 1..4 records with labels 0..9. */
const batchArb = fc.integer({ min: 1, max: 4 }).chain((n) =>
  fc.record({
    images: seededBytesArb(n * CIFAR_IMAGE_BYTES, n * CIFAR_IMAGE_BYTES),
    labels: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }),
  }),
);

describe('fuzz: CIFAR-10 records', () => {
  it(`parses valid batches exactly and refuses ${FUZZ_RUNS} damaged ones with a DataFormatError`, async () => {
    let ok = 0;
    let refused = 0;
    await withAllocationGuard(ALLOC_LIMIT, () =>
      fc.assert(
        fc.property(
          fc.oneof(
            { weight: 1, arbitrary: seededBytesArb(0, 7_000).map((bytes) => ({ bytes, valid: null as null | { images: Uint8Array; labels: number[] } })) },
            { weight: 4, arbitrary: fc.tuple(batchArb, mutationsArb()).map(([v, muts]) => ({ bytes: mutate(encodeCifarBatch(v.images, v.labels), muts), valid: muts.length === 0 ? v : null })) },
          ),
          ({ bytes, valid }) =>
            timedSync(() => {
              let out;
              try {
                out = parseCifarBatch(bytes, 'b.bin');
              } catch (e) {
                expectOwnError(e, DataFormatError, 'b.bin: ');
                expect(() => checkCifarBatch(bytes, 'b.bin')).toThrow(DataFormatError);
                expect(valid).toBeNull();
                refused++;
                return;
              }
              ok++;
              expect(checkCifarBatch(bytes, 'b.bin')).toBe(out.n);
              expect(out.n * CIFAR_RECORD_BYTES).toBe(bytes.length);
              expect(out.labels.every((l) => l < 10)).toBe(true);
              if (valid) {
                expect(Array.from(out.labels)).toEqual(valid.labels);
                expect(Buffer.from(out.images).equals(Buffer.from(valid.images))).toBe(true);
              }
            }),
        ),
        { seed: 0xc1f, numRuns: FUZZ_RUNS },
      ),
    );
    expect(ok).toBeGreaterThan(FUZZ_RUNS / 20);
    expect(refused).toBeGreaterThan(FUZZ_RUNS / 10);
  });
});

describe('fuzz: CIFAR-10 archive (gunzip, untar, records)', () => {
  const tiny = tinyCifarTarGz(1, 1);
  const tar = new Uint8Array(gunzipSync(tiny.gz));

  it('the undamaged archive decodes to the right images and labels', async () => {
    const data = await decodeCifarArchive(tiny.gz, 'c.tar.gz');
    expect(Array.from(data.trainLabels)).toEqual(Array.from(tiny.trainLabels));
    expect(Array.from(data.testLabels)).toEqual(Array.from(tiny.testLabels));
    const hwc = cifarHwcFromTar(parseTar(tar, 'c.tar'));
    expect(Buffer.from(hwc.trainImages).equals(Buffer.from(data.trainImages))).toBe(true);
  });

  it(`decodes or refuses ${PIPELINE_RUNS} damaged archives (tar or tar.gz) with a DataFormatError`, async () => {
    let ok = 0;
    let refused = 0;
    await withAllocationGuard(ALLOC_LIMIT, () =>
      fc.assert(
        fc.asyncProperty(mutationsArb(), fc.boolean(), fc.boolean(), (muts, gz, fix) =>
          timed(async () => {
            let bytes = mutate(tar, muts);
            if (fix) bytes = fixChecksums(bytes);
            if (gz) bytes = new Uint8Array(gzipSync(bytes, { level: 1 }));
            let data;
            try {
              data = await decodeCifarArchive(bytes, 'c.tar.gz');
            } catch (e) {
              expectOwnError(e, DataFormatError, 'c.tar.gz');
              refused++;
              return;
            }
            ok++;
            expect(data.trainImages.length).toBe(data.trainLabels.length * CIFAR_IMAGE_BYTES);
            expect(data.testImages.length).toBe(data.testLabels.length * CIFAR_IMAGE_BYTES);
            if (muts.length === 0) expect(Array.from(data.trainLabels)).toEqual(Array.from(tiny.trainLabels));
          }),
        ),
        { seed: 0xc1fa, numRuns: PIPELINE_RUNS },
      ),
    );
    expect(ok).toBeGreaterThan(PIPELINE_RUNS / 20);
    expect(refused).toBeGreaterThan(PIPELINE_RUNS / 10);
  });
});

describe('fuzz: Fashion-MNIST files', () => {
  const trainImages = Uint8Array.from({ length: 2 * 784 }, (_, i) => (i * 13) & 255);
  const testImages = Uint8Array.from({ length: 784 }, (_, i) => (i * 3) & 255);
  const idx = {
    trainImages: encodeIdx([2, 28, 28], trainImages),
    trainLabels: encodeIdx([2], Uint8Array.from([3, 9])),
    testImages: encodeIdx([1, 28, 28], testImages),
    testLabels: encodeIdx([1], Uint8Array.from([0])),
  };
  type Role = keyof typeof idx;
  const roles = Object.keys(idx) as Role[];

  it(`decodes the valid files and refuses ${PIPELINE_RUNS} damaged sets with a DataFormatError`, async () => {
    let ok = 0;
    let refused = 0;
    const edit = fc.record({ role: fc.constantFrom(...roles), gz: fc.boolean(), muts: mutationsArb(3), rename: fc.option(fc.constantFrom('x.gz', 'train-images-idx3-ubyte', 'T10K-LABELS.IDX1-UBYTE (2).gz'), { nil: undefined }) });
    await withAllocationGuard(ALLOC_LIMIT, () =>
      fc.assert(
        fc.asyncProperty(fc.array(edit, { maxLength: 2 }), fc.boolean(), (edits, zipAll) =>
          timed(async () => {
            const files = roles.map((r) => ({ name: FASHION_MNIST_FILES[r] as string, bytes: zipAll ? new Uint8Array(gzipSync(idx[r], { level: 1 })) : idx[r] }));
            for (const e of edits) {
              const f = files[roles.indexOf(e.role)];
              const raw = mutate(idx[e.role], e.muts);
              f.bytes = e.gz ? new Uint8Array(gzipSync(raw, { level: 1 })) : raw;
              if (e.rename) f.name = e.rename;
            }
            let data;
            try {
              data = await fashionMnistFromFiles(files);
            } catch (e) {
              expectOwnError(e, DataFormatError);
              refused++;
              return;
            }
            ok++;
            expect(data.trainImages.length).toBe(data.trainLabels.length * 784);
            expect(Number.isFinite(data.mean[0]) && data.std[0] > 0).toBe(true);
            if (edits.every((e) => e.muts.length === 0 && !e.rename)) {
              expect(Buffer.from(data.trainImages).equals(Buffer.from(trainImages))).toBe(true);
              expect(Array.from(data.trainLabels)).toEqual([3, 9]);
            }
          }),
        ),
        { seed: 0xfa5, numRuns: PIPELINE_RUNS },
      ),
    );
    expect(ok).toBeGreaterThan(PIPELINE_RUNS / 10);
    expect(refused).toBeGreaterThan(PIPELINE_RUNS / 10);
  });
});

describe('regressions found by the fuzzers', () => {
  it('a CIFAR-10 .tar.gz that unpacks past 256 MiB stops there (a gzip bomb), with the reason', async () => {
    // Was: inflated completely (any size, up to what the browser could hold) before the tar was read.
    const bomb = gzipBomb(CIFAR_MAX_TAR_BYTES / 2 ** 20 + 1, (b) => gzipSync(b, { level: 9 }));
    await expect(decodeCifarArchive(bomb, 'c.tar.gz')).rejects.toThrow(
      /^c\.tar\.gz: decompresses to more than 268,435,456 bytes \(the CIFAR-10 binary archive unpacks to 184 MB\)/,
    );
  });

  it('a Fashion-MNIST file that unpacks past 64 MiB stops there (a gzip bomb), with the reason', async () => {
    // Was: inflated completely (any size) before the IDX check looked at it.
    const bomb = { name: FASHION_MNIST_FILES.trainImages as string, bytes: gzipBomb(FASHION_MAX_FILE_BYTES / 2 ** 20 + 1, (b) => gzipSync(b, { level: 9 })) };
    const others = (['trainLabels', 'testImages', 'testLabels'] as const).map((r) => ({ name: FASHION_MNIST_FILES[r] as string, bytes: encodeIdx([0], new Uint8Array(0)) }));
    await expect(fashionMnistFromFiles([bomb, ...others])).rejects.toThrow(
      /^train-images-idx3-ubyte\.gz: decompresses to more than 67,108,864 bytes \(Fashion-MNIST's largest file, the training images, is 47 MB\)/,
    );
  });
});
