// Hostile input for the shard path: IDX files, gzip, the manifest and the loader that ties them
// together. Random bytes and mutations of valid files; every case must parse to the right values or
// fail with a DataFormatError naming the file, within the time limit, without a header-sized allocation.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataFormatError } from '../../src/data/errors';
import { gunzipTo } from '../../src/data/gzip';
import { encodeIdx, parseIdx } from '../../src/data/idx';
import { loadDataset } from '../../src/data/loader';
import { parseManifest, type DatasetManifest } from '../../src/data/manifest';
import {
  editJson,
  editJsonText,
  expectOwnError,
  FUZZ_RUNS,
  gzipBomb,
  jsonEditArb,
  mutate,
  mutationsArb,
  nested,
  timed,
  timedSync,
  withAllocationGuard,
} from './fuzzHelpers';

/** Cases of the whole shard loader (four downloads, checksums and inflations each): its parsers get FUZZ_RUNS each above. */
const LOADER_RUNS = 3_000;

/** Every fuzz input is under 1 MB; an allocation of more than 16 M elements is header-driven. */
const ALLOC_LIMIT = 16 << 20;

const product = (dims: readonly number[]) => dims.reduce((a, d) => a * d, 1);

/** A valid IDX file: 1..4 dimensions of 0..6, random pixels. */
const idxArb = fc
  .array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 4 })
  .chain((dims) => fc.record({ dims: fc.constant(dims), data: fc.uint8Array({ minLength: product(dims), maxLength: product(dims) }) }));

describe('fuzz: parseIdx', () => {
  it(`parses valid files exactly and refuses ${FUZZ_RUNS} hostile ones with a DataFormatError`, async () => {
    let parsed = 0;
    let refused = 0;
    await withAllocationGuard(ALLOC_LIMIT, () =>
      fc.assert(
        fc.property(
          fc.oneof(
            { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ bytes, valid: null as null | { dims: number[]; data: Uint8Array } })) },
            {
              weight: 4,
              arbitrary: fc.tuple(idxArb, mutationsArb()).map(([v, muts]) => ({
                bytes: mutate(encodeIdx(v.dims, v.data), muts),
                valid: muts.length === 0 ? v : null,
              })),
            },
          ),
          fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
          ({ bytes, valid }, ndims) => timedSync(() => {
            const want = ndims === undefined || valid === null || valid.dims.length === ndims;
            let out;
            try {
              out = parseIdx(bytes, 'f.idx', ndims);
            } catch (e) {
              expectOwnError(e, DataFormatError, 'f.idx: ');
              expect(valid !== null && want).toBe(false);
              refused++;
              return;
            }
            parsed++;
            // Whatever parses is self-consistent and a view of the input, never a copy.
            expect(out.dims.every((d) => Number.isInteger(d) && d >= 0)).toBe(true);
            expect(out.data.length).toBe(product(out.dims));
            expect(out.data.buffer).toBe(bytes.buffer);
            expect(4 + 4 * out.dims.length + out.data.length).toBe(bytes.length);
            if (valid) {
              expect(out.dims).toEqual(valid.dims);
              expect(Array.from(out.data)).toEqual(Array.from(valid.data));
            }
          }),
        ),
        { seed: 0x1d8, numRuns: FUZZ_RUNS },
      ),
    );
    expect(parsed).toBeGreaterThan(FUZZ_RUNS / 20);
    expect(refused).toBeGreaterThan(FUZZ_RUNS / 10);
  });

  it('refuses a header claiming 2^31 - 1 images before allocating anything', async () => {
    const bytes = encodeIdx([1, 2, 2], new Uint8Array(4));
    new DataView(bytes.buffer).setInt32(4, 0x7fffffff, false);
    await withAllocationGuard(1024, () => expect(() => parseIdx(bytes, 'big.idx', 3)).toThrow(/big\.idx: truncated: header says 2147483647 images of 2x2/));
  });
});

/** A valid gzip member (any zlib level) of a random payload. */
const gzArb = fc
  .record({ payload: fc.uint8Array({ maxLength: 600 }), level: fc.integer({ min: 0, max: 9 }), repeat: fc.integer({ min: 1, max: 20 }) })
  .map(({ payload, level, repeat }) => {
    const data = new Uint8Array(payload.length * repeat);
    for (let i = 0; i < repeat; i++) data.set(payload, i * payload.length);
    return { data, gz: new Uint8Array(gzipSync(data, { level })) };
  });

describe('fuzz: gunzipTo', () => {
  it(`inflates valid streams exactly and refuses ${FUZZ_RUNS} damaged ones with a DataFormatError, within maxBytes`, async () => {
    let ok = 0;
    let refused = 0;
    await withAllocationGuard(ALLOC_LIMIT, () =>
      fc.assert(
        fc.asyncProperty(
          fc.oneof(
            { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => ({ bytes: Uint8Array.from([0x1f, 0x8b, ...b]), data: null as Uint8Array | null })) },
            {
              weight: 4,
              arbitrary: fc.tuple(gzArb, mutationsArb()).map(([v, muts]) => ({ bytes: mutate(v.gz, muts), data: muts.length === 0 ? v.data : null })),
            },
          ),
          fc.option(fc.integer({ min: 0, max: 12_000 }), { nil: undefined }),
          fc.constantFrom(97, 4096, 1 << 20),
          ({ bytes, data }, maxBytes, chunkSize) =>
            timed(async () => {
              let out;
              try {
                out = await gunzipTo(bytes, 'f.gz', { maxBytes, chunkSize });
              } catch (e) {
                expectOwnError(e, DataFormatError, 'f.gz: ');
                if (data !== null) expect(data.length).toBeGreaterThan(maxBytes ?? Infinity);
                refused++;
                return;
              }
              ok++;
              if (maxBytes !== undefined) expect(out.length).toBeLessThanOrEqual(maxBytes);
              if (data !== null) expect(Buffer.from(out).equals(Buffer.from(data))).toBe(true);
            }),
        ),
        { seed: 0x62a, numRuns: FUZZ_RUNS },
      ),
    );
    expect(ok).toBeGreaterThan(FUZZ_RUNS / 10);
    expect(refused).toBeGreaterThan(FUZZ_RUNS / 10);
  });

  it('stops a gzip bomb at maxBytes: 64 MiB of zeros in 64 kB of gzip, refused after 1 MiB', async () => {
    const bomb = gzipBomb(64, (b) => gzipSync(b, { level: 9 }));
    expect(bomb.length).toBeLessThan(70_000);
    const t0 = performance.now();
    await expect(gunzipTo(bomb, 'bomb.gz', { maxBytes: 1 << 20 })).rejects.toThrow(/^bomb\.gz: decompresses to more than 1,048,576 bytes/);
    expect(performance.now() - t0).toBeLessThan(2_000);
  });
});

// ---------------------------------------------------------------------------------------------
// Manifest and loader

const BASE = 'http://fuzz.test/mnist';
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A tiny valid dataset of 4x4 images: 3 train (one shard per role), 2 test. */
function tinyDataset() {
  const [h, w] = [4, 4];
  const trainImages = Uint8Array.from({ length: 3 * h * w }, (_, i) => (i * 7) & 255);
  const trainLabels = Uint8Array.from([1, 0, 9]);
  const testImages = Uint8Array.from({ length: 2 * h * w }, (_, i) => (i * 5 + 1) & 255);
  const testLabels = Uint8Array.from([3, 4]);
  const idx = {
    trainImages: encodeIdx([3, h, w], trainImages),
    trainLabels: encodeIdx([3], trainLabels),
    testImages: encodeIdx([2, h, w], testImages),
    testLabels: encodeIdx([2], testLabels),
  };
  const gz = Object.fromEntries(Object.entries(idx).map(([k, v]) => [k, new Uint8Array(gzipSync(v))])) as typeof idx;
  const manifest: DatasetManifest = {
    dataset: 'mnist',
    version: 2,
    source: 'fuzz',
    nTrain: 3,
    nTest: 2,
    imageShape: [h, w, 1],
    numClasses: 10,
    mean: [0.1],
    std: [0.3],
    files: (['trainImages', 'trainLabels', 'testImages', 'testLabels'] as const).map((role) => ({
      path: `${role}.idx.gz`,
      role,
      count: role.startsWith('train') ? 3 : 2,
      bytes: gz[role].length,
      sha256: sha(gz[role]),
    })),
  };
  return { manifest, idx, gz, arrays: { trainImages, trainLabels, testImages, testLabels } };
}

const TINY = tinyDataset();

function memoryFetch(files: Map<string, Uint8Array | string>): typeof fetch {
  return (async (input: string | URL | Request) => {
    const body = files.get(String(input));
    if (body === undefined) return new Response('not found', { status: 404, statusText: 'Not Found' });
    return new Response(body as BodyInit);
  }) as typeof fetch;
}

describe('fuzz: parseManifest', () => {
  it(`accepts the valid manifest and refuses ${FUZZ_RUNS} edited ones with a DataFormatError`, async () => {
    expect(parseManifest(structuredClone(TINY.manifest), 'm.json')).toEqual(TINY.manifest);
    let refused = 0;
    await withAllocationGuard(ALLOC_LIMIT, () =>
      fc.assert(
        fc.property(fc.array(jsonEditArb, { minLength: 1, maxLength: 3 }), fc.jsonValue({ maxDepth: 4 }), fc.boolean(), (edits, random, useRandom) =>
          timedSync(() => {
            const json = useRandom ? random : editJson(TINY.manifest, edits);
            try {
              const m = parseManifest(json, 'm.json');
              // Whatever passes is what the loader relies on.
              expect(m.imageShape.every((d) => Number.isInteger(d) && d > 0)).toBe(true);
              expect(m.files.every((f) => Number.isInteger(f.count) && f.count >= 0 && typeof f.path === 'string')).toBe(true);
            } catch (e) {
              expectOwnError(e, DataFormatError, 'm.json: bad manifest: ');
              refused++;
            }
          }),
        ),
        { seed: 0x3a1, numRuns: FUZZ_RUNS },
      ),
    );
    expect(refused).toBeGreaterThan(FUZZ_RUNS / 2);
  });
});

type Role = keyof typeof TINY.idx;
const ROLES = Object.keys(TINY.idx) as Role[];

describe('fuzz: loadDataset', () => {
  it(`loads the valid dataset exactly and refuses ${LOADER_RUNS} damaged ones with a DataFormatError`, async () => {
    let ok = 0;
    let refused = 0;
    const shardEdit = fc.record({
      role: fc.constantFrom(...ROLES),
      // 'idx': damage the IDX, then gzip it with a matching sha256 (reaches parseIdx and the cross-checks);
      // 'gz': damage the gzip bytes; 'raw': serve the damaged IDX uncompressed (a server that undid the gzip).
      how: fc.constantFrom('idx', 'gz', 'raw'),
      muts: mutationsArb(3),
    });
    await withAllocationGuard(ALLOC_LIMIT, () =>
      fc.assert(
        fc.asyncProperty(
          fc.array(shardEdit, { maxLength: 2 }),
          fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(jsonEditArb, { minLength: 1, maxLength: 2 }) }),
          (shardEdits, manifestEdits) =>
            timed(async () => {
              const manifest = structuredClone(TINY.manifest);
              const bodies: Record<Role, Uint8Array> = { ...TINY.gz };
              for (const e of shardEdits) {
                if (e.how === 'gz') bodies[e.role] = mutate(bodies[e.role], e.muts);
                else {
                  const idx = mutate(TINY.idx[e.role], e.muts);
                  bodies[e.role] = e.how === 'raw' ? idx : new Uint8Array(gzipSync(idx));
                  const f = manifest.files.find((x) => x.role === e.role)!;
                  if (e.how === 'idx') Object.assign(f, { bytes: bodies[e.role].length, sha256: sha(bodies[e.role]) });
                }
              }
              const files = new Map<string, Uint8Array | string>([[`${BASE}/manifest.json`, editJsonText(manifest, manifestEdits)]]);
              for (const r of ROLES) files.set(`${BASE}/${r}.idx.gz`, bodies[r]);
              let data;
              try {
                data = await loadDataset(BASE, undefined, memoryFetch(files));
              } catch (e) {
                expectOwnError(e, DataFormatError, 'http://fuzz.test/mnist');
                refused++;
                return;
              }
              ok++;
              const n = data.trainLabels.length;
              expect(data.trainImages.length).toBe(n * data.imageSize);
              expect(data.testImages.length).toBe(data.testLabels.length * data.imageSize);
              expect(data.trainLabels.every((l) => l < data.numClasses)).toBe(true);
              if (shardEdits.every((e) => e.muts.length === 0) && manifestEdits.length === 0) {
                for (const r of ROLES) expect(Array.from(data[r])).toEqual(Array.from(TINY.arrays[r]));
              }
            }),
        ),
        { seed: 0x10ad, numRuns: LOADER_RUNS },
      ),
    );
    expect(ok).toBeGreaterThan(LOADER_RUNS / 10);
    expect(refused).toBeGreaterThan(LOADER_RUNS / 10);
  });
});

describe('regressions found by the fuzzers (minimal counterexamples)', () => {
  const valid = () => structuredClone(TINY.manifest) as unknown as Record<string, unknown>;

  it('a manifest value nested 10,000 deep is refused with a DataFormatError, not a RangeError from JSON.stringify', () => {
    // Was: RangeError: Maximum call stack size exceeded (the message quoted the value with JSON.stringify).
    expect(() => parseManifest({ ...valid(), dataset: nested(10_000) }, 'm.json')).toThrow(/^m\.json: bad manifest: dataset \[\[\[.*… is not supported/);
    expect(() => parseManifest({ ...valid(), version: nested(10_000) }, 'm.json')).toThrow(DataFormatError);
  });

  it('a 1,000-character value is quoted in at most about 60 characters', () => {
    // Was: the whole value in the message (a 100,000-character dataset name made a 100 kB message).
    const e = (() => {
      try {
        parseManifest({ ...valid(), dataset: 'x'.repeat(1_000) }, 'm.json');
      } catch (err) {
        return err as Error;
      }
      throw new Error('accepted');
    })();
    expect(e.message.length).toBeLessThan(200);
  });

  it('a shard path must stay inside the dataset folder and be of sane length', () => {
    // Was: any string, so "../../x" fetched outside the folder and a 1,000-character path made every message 1 kB.
    const withPath = (path: unknown) => {
      const m = valid();
      (m.files as Record<string, unknown>[])[0].path = path;
      return m;
    };
    for (const p of ['../secret.gz', '/abs.gz', 'http://elsewhere/x.gz', 'a/./b', 'x'.repeat(1_000), 'a?b=1', '']) {
      expect(() => parseManifest(withPath(p), 'm.json')).toThrow(/^m\.json: bad manifest: files\[0\]\.path .{0,80} must be a relative path/);
    }
    expect(parseManifest(withPath('sub/train-images-00.idx3-ubyte.gz'), 'm.json').files[0].path).toBe('sub/train-images-00.idx3-ubyte.gz');
  });

  it('a shard count claiming 2^31 images is refused by the manifest check, before any download', () => {
    const m = valid();
    m.nTrain = 2 ** 31;
    const files = m.files as Record<string, unknown>[];
    files[0].count = 2 ** 31;
    files[1].count = 2 ** 31;
    expect(() => parseManifest(m, 'm.json')).toThrow(/^m\.json: bad manifest: files\[0\]\.count 2147483648 is more than one shard can hold/);
  });

  it('a shard that inflates past the IDX size its manifest entry implies stops there', async () => {
    // Was: inflated whatever the .gz held (a 250 kB shard could become 256 MiB) before parseIdx looked at it.
    const big = new Uint8Array(gzipSync(new Uint8Array(8 << 20)));
    const manifest = structuredClone(TINY.manifest);
    Object.assign(manifest.files[1], { bytes: big.length, sha256: sha(big) });
    const files = new Map<string, Uint8Array | string>([[`${BASE}/manifest.json`, JSON.stringify(manifest)]]);
    for (const r of ROLES) files.set(`${BASE}/${r}.idx.gz`, r === 'trainLabels' ? big : TINY.gz[r]);
    await expect(loadDataset(BASE, undefined, memoryFetch(files))).rejects.toThrow(
      /trainLabels\.idx\.gz: decompresses to more than 1,048,598 bytes \(the IDX file of the 3 labels the manifest lists has 11 bytes\)/,
    );
  });
});
