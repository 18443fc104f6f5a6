// Hostile input for what the page reads back from IndexedDB: the dataset store's records
// (src/data/storedData.ts) and the runs database's run records and metric chunks (src/persist). A
// record of an older or damaged version must read as absent (null, or a skipped chunk), never throw
// and never come back with fields of the wrong type; valid records must come back as written.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDatasetName } from '../../src/data/datasets';
import { fromStoredRecord, recordFromBlobs, recordToBlobs, toStoredRecord } from '../../src/data/storedData';
import type { DatasetBuffers, TrainConfig } from '../../src/engine/types';
import { isModelName } from '../../src/models/catalog';
import { fromPersistedRun, mergeChunks, restoredMeta, toPersistedRun, type PersistedChunk } from '../../src/persist/runRecords';
import { editJsonInPlace, FUZZ_RUNS, hostile, hostileSpecArb, jsonEditArb, timed, timedSync, withAllocationGuard, type HostileSpec, type JsonEdit } from './fuzzHelpers';
import { batch, meta } from './persistHelpers';

const ALLOC_LIMIT = 16 << 20;

/** Values IndexedDB can hand back besides JSON: typed arrays of the wrong kind or length, Blobs, Dates. */
type StoredSpec = HostileSpec | { typed: 'u8' | 'u8-short' | 'f32' | 'f64' | 'clamped' | 'blob' | 'date' | 'map' };
const storedSpecArb: fc.Arbitrary<StoredSpec> = fc.oneof(
  { weight: 3, arbitrary: hostileSpecArb },
  { weight: 1, arbitrary: fc.record({ typed: fc.constantFrom('u8', 'u8-short', 'f32', 'f64', 'clamped', 'blob', 'date', 'map') as fc.Arbitrary<'u8'> }) },
);
function stored(spec: StoredSpec): unknown {
  if (!('typed' in spec)) return hostile(spec);
  switch (spec.typed) {
    case 'u8':
      return new Uint8Array(784 * 2).fill(11);
    case 'u8-short':
      return new Uint8Array(3).fill(12);
    case 'f32':
      return new Float32Array(784);
    case 'f64':
      return new Float64Array(2);
    case 'clamped':
      return new Uint8ClampedArray(784);
    case 'blob':
      return new Blob([new Uint8Array(784)]);
    case 'date':
      return new Date(0);
    case 'map':
      return new Map([[1, 2]]);
  }
}
const typedEditArb: fc.Arbitrary<StoredEdit> = fc.record({ kind: fc.constant('typed' as const), pick: fc.nat(), value: storedSpecArb });
const storedEditArb: fc.Arbitrary<StoredEdit> = fc.oneof(
  { weight: 3, arbitrary: jsonEditArb as fc.Arbitrary<StoredEdit> },
  { weight: 1, arbitrary: typedEditArb },
);
type StoredEdit = JsonEdit | { kind: 'typed'; pick: number; value: StoredSpec };

/** `base` with the edits applied (typed-array replacements included). */
function editStored(base: unknown, edits: readonly StoredEdit[]): unknown {
  let v = structuredClone(base);
  for (const e of edits) {
    if (e.kind === 'typed') {
      const marker = { plain: '\u0000typed' } as const;
      v = editJsonInPlace(v, [{ kind: 'set', pick: e.pick, value: marker }]);
      // Swap the marker for the typed value (it sits at most 8 levels down: editJson only picks paths that shallow).
      const replace = (x: unknown, depth: number): unknown => {
        if (x === '\u0000typed') return stored(e.value);
        if (depth < 9 && typeof x === 'object' && x !== null && !ArrayBuffer.isView(x) && !(x instanceof Blob)) {
          for (const k of Object.keys(x)) (x as Record<string, unknown>)[k] = replace((x as Record<string, unknown>)[k], depth + 1);
        }
        return x;
      };
      v = replace(v, 0);
    } else {
      v = editJsonInPlace(v, [e]);
    }
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// Dataset store

const DATA: DatasetBuffers = {
  name: 'mnist',
  trainImages: Uint8Array.from({ length: 2 * 784 }, (_, i) => i & 255),
  trainLabels: Uint8Array.from([4, 7]),
  testImages: Uint8Array.from({ length: 784 }, (_, i) => (i * 3) & 255),
  testLabels: Uint8Array.from([1]),
  shape: [28, 28, 1],
  imageSize: 784,
  numClasses: 10,
  mean: [0.1307],
  std: [0.3081],
};
const RECORD = toStoredRecord(DATA, 'fuzz', new Date(0));

describe('fuzz: stored dataset records', () => {
  it('a valid record comes back as written, through the Blob form IndexedDB holds', async () => {
    const back = fromStoredRecord(await recordFromBlobs(recordToBlobs(RECORD)), 'mnist');
    expect(back?.data.trainLabels).toEqual(DATA.trainLabels);
    expect(back?.data.testImages).toEqual(DATA.testImages);
    expect(back?.info).toMatchObject({ nTrain: 2, nTest: 1, source: 'fuzz' });
  });

  it(`reads ${FUZZ_RUNS} older or damaged records as absent, never as broken data`, async () => {
    let accepted = 0;
    let refused = 0;
    await withAllocationGuard(ALLOC_LIMIT, () =>
      fc.assert(
        fc.asyncProperty(fc.array(storedEditArb, { maxLength: 3 }), fc.boolean(), fc.constantFrom('mnist', 'cifar10', 'fashion-mnist') as fc.Arbitrary<'mnist'>, (edits, viaBlobs, name) =>
          timed(async () => {
            let value = editStored(RECORD, edits);
            if (viaBlobs) value = await recordFromBlobs(value);
            const out = fromStoredRecord(value, name);
            if (out === null) {
              expect(edits.length > 0 || name !== 'mnist').toBe(true);
              refused++;
              return;
            }
            accepted++;
            const d = out.data;
            expect(d.name).toBe(name);
            for (const a of [d.trainImages, d.trainLabels, d.testImages, d.testLabels]) expect(a).toBeInstanceOf(Uint8Array);
            expect(d.trainImages.length).toBe(d.trainLabels.length * d.imageSize);
            expect(d.testImages.length).toBe(d.testLabels.length * d.imageSize);
            expect(d.trainLabels.length).toBeGreaterThan(0);
            expect([...d.trainLabels, ...d.testLabels].every((l) => l < d.numClasses)).toBe(true);
            expect(d.mean.length).toBe(d.shape[2]);
            expect(d.std.every((s) => Number.isFinite(s) && s > 0)).toBe(true);
            expect(typeof out.info.savedAt).toBe('string');
            if (edits.length === 0) expect(Array.from(d.trainLabels)).toEqual([4, 7]);
          }),
        ),
        { seed: 0x570d, numRuns: FUZZ_RUNS },
      ),
    );
    expect(accepted).toBeGreaterThan(FUZZ_RUNS / 20);
    expect(refused).toBeGreaterThan(FUZZ_RUNS / 2);
  });
});

// ---------------------------------------------------------------------------------------------
// Runs database

/** The declared types of a stored run's metadata, checked field by field (what the page relies on). */
function expectRunMetaShape(m: Record<string, unknown>): void {
  expect(typeof m.runId === 'string' && m.runId !== '').toBe(true);
  expect(typeof m.label).toBe('string');
  for (const k of ['batch', 'iteration', 'total'] as const) expect(Number.isFinite(m[k])).toBe(true);
  expect(m.backend === null || ['webgpu', 'webgl', 'wasm', 'cpu'].includes(m.backend as string)).toBe(true);
  expect(m.message === undefined || typeof m.message === 'string').toBe(true);
  expect(m.events === undefined || Array.isArray(m.events)).toBe(true);
  const c = m.config as TrainConfig;
  expect(isDatasetName(c.dataset) && isModelName(c.model) && typeof c.optimizer === 'string').toBe(true);
  for (const k of ['alpha0', 'beta', 'momentum', 'weightDecay', 'epochs', 'seed'] as const) expect(Number.isFinite(c[k])).toBe(true);
  expect(Number.isInteger(c.batchSize) && c.batchSize >= 1).toBe(true);
  expect(c.iterations === null || Number.isFinite(c.iterations)).toBe(true);
  expect(c.evalEvery === null || Number.isFinite(c.evalEvery)).toBe(true);
  expect(c.options === undefined || (typeof c.options === 'object' && c.options !== null)).toBe(true);
  expect(c.width === undefined || Number.isFinite(c.width)).toBe(true);
}

const RUN = toPersistedRun(meta('r1', { state: 'training', iteration: 20, message: 'x', events: [{ iteration: 5, time: 0.5, changes: { alpha0: 0.01 } }] }), 'k1', 1000);

function chunkOf(seq: number, from: number, n: number): PersistedChunk {
  const b = batch('r1', from, n);
  return {
    key: 'k1',
    seq,
    iteration: Float64Array.from(b.train.iteration),
    epoch: Float64Array.from(b.train.epoch),
    loss: Float64Array.from(b.train.loss),
    lr: Float64Array.from(b.train.lr),
    time: Float64Array.from(b.train.time),
    evals: b.evals,
  };
}
const CHUNKS = [chunkOf(0, 1, 10), chunkOf(1, 11, 10)];

/** A second-order run's chunk: gradEvals and (ESGD-M) preconditioner quantiles of two layers. */
function secondOrderChunkOf(seq: number, from: number, n: number): PersistedChunk {
  const c = chunkOf(seq, from, n);
  return {
    ...c,
    gradEvals: c.iteration.map((i) => 3 * i),
    curvature: [from, from + 5].map((iteration) => ({
      iteration,
      layers: [{ layer: 'features.0', q10: 0.1, q50: 0.2, q90: 0.3 }, { layer: 'classifier.6', q10: 1, q50: NaN, q90: Infinity }],
    })),
  };
}
const CHUNKS2 = [secondOrderChunkOf(0, 1, 10), secondOrderChunkOf(1, 11, 10)];

describe('fuzz: stored run records and chunks', () => {
  it('valid records come back as written', () => {
    expect(fromPersistedRun(structuredClone(RUN))).toEqual(RUN);
    const s = mergeChunks(structuredClone(CHUNKS).reverse());
    expect(Array.from(s.train.iteration)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(s.evals.map((e) => e.iteration)).toEqual([10, 20]);
    expect(s.nextSeq).toBe(2);
  });

  it(`reads ${FUZZ_RUNS} older or damaged run records as absent, never with fields of the wrong type`, async () => {
    let accepted = 0;
    let refused = 0;
    await withAllocationGuard(ALLOC_LIMIT, () =>
      fc.assert(
        fc.property(fc.array(storedEditArb, { maxLength: 3 }), (edits) =>
          timedSync(() => {
            const rec = fromPersistedRun(editStored(RUN, edits));
            if (rec === null) {
              expect(edits.length).toBeGreaterThan(0);
              refused++;
              return;
            }
            accepted++;
            expect(typeof rec.key).toBe('string');
            expect(Number.isFinite(rec.createdAt)).toBe(true);
            expectRunMetaShape(rec.meta as unknown as Record<string, unknown>);
            // What restore does next with it.
            const m = restoredMeta(rec.meta, mergeChunks(CHUNKS), rec.key);
            expect(m.storageKey).toBe(rec.key);
          }),
        ),
        { seed: 0x4a11, numRuns: FUZZ_RUNS },
      ),
    );
    expect(accepted).toBeGreaterThan(FUZZ_RUNS / 20);
    expect(refused).toBeGreaterThan(FUZZ_RUNS / 2);
  });

  it(`merges ${FUZZ_RUNS} sets of damaged chunks by skipping the bad ones, with a usable next seq`, async () => {
    let kept = 0;
    await withAllocationGuard(ALLOC_LIMIT, () =>
      fc.assert(
        fc.property(fc.array(storedEditArb, { maxLength: 3 }), fc.integer({ min: 0, max: 1 }), (edits, which) =>
          timedSync(() => {
            const chunks: unknown[] = structuredClone(CHUNKS);
            chunks[which] = editStored(chunks[which], edits);
            const s = mergeChunks(chunks);
            const n = s.train.iteration.length;
            expect([0, 10, 20]).toContain(n);
            for (const k of ['epoch', 'loss', 'lr', 'time'] as const) expect(s.train[k].length).toBe(n);
            // The next chunk's key [storage key, nextSeq] must be a valid IndexedDB key, after every stored seq.
            expect(Number.isSafeInteger(s.nextSeq) && s.nextSeq >= 0).toBe(true);
            for (const e of s.evals) for (const k of ['iteration', 'epoch', 'time', 'valLoss', 'valAccuracy'] as const) expect(typeof e[k]).toBe('number');
            if (edits.length === 0) expect(n).toBe(20);
            if (n === 20) kept++;
          }),
        ),
        { seed: 0xc4c, numRuns: FUZZ_RUNS },
      ),
    );
    expect(kept).toBeGreaterThan(FUZZ_RUNS / 20);
  });
});

describe('fuzz: stored chunks of second-order runs (gradEvals, curvature)', () => {
  it('valid ones come back as written', () => {
    const s = mergeChunks(structuredClone(CHUNKS2).reverse());
    expect(Array.from(s.train.gradEvals!)).toEqual(Array.from({ length: 20 }, (_, i) => 3 * (i + 1)));
    expect(s.curvature?.map((c) => c.iteration)).toEqual([1, 6, 11, 16]);
    expect(s.curvature?.[0]).toEqual(CHUNKS2[0].curvature![0]);
  });

  it(`merges ${FUZZ_RUNS} damaged sets by skipping the bad chunks: gradEvals as long as the series, curvature of the right types`, async () => {
    let kept = 0;
    await withAllocationGuard(ALLOC_LIMIT, () =>
      fc.assert(
        fc.property(fc.array(storedEditArb, { maxLength: 3 }), fc.integer({ min: 0, max: 1 }), (edits, which) =>
          timedSync(() => {
            const chunks: unknown[] = structuredClone(CHUNKS2);
            chunks[which] = editStored(chunks[which], edits);
            const s = mergeChunks(chunks);
            const n = s.train.iteration.length;
            expect([0, 10, 20]).toContain(n);
            const g = s.train.gradEvals;
            if (g !== undefined) {
              expect(g).toBeInstanceOf(Float64Array);
              expect(g.length).toBe(n);
            }
            for (const c of s.curvature ?? []) {
              expect(typeof c.iteration).toBe('number');
              for (const l of c.layers) {
                expect(typeof l.layer).toBe('string');
                for (const q of [l.q10, l.q50, l.q90]) expect(typeof q).toBe('number');
              }
            }
            expect(Number.isSafeInteger(s.nextSeq) && s.nextSeq >= 0).toBe(true);
            if (edits.length === 0) expect(s.curvature?.length).toBe(4);
            if (n === 20 && g !== undefined) kept++;
          }),
        ),
        { seed: 0x2d0, numRuns: FUZZ_RUNS },
      ),
    );
    expect(kept).toBeGreaterThan(FUZZ_RUNS / 20);
  });
});

describe('regressions found by the fuzzers (minimal counterexamples)', () => {
  it('a run record whose config lacks a field reads as absent', () => {
    // Was accepted: fromPersistedRun only looked at config.optimizer and config.model.
    const rec = structuredClone(RUN) as unknown as { meta: { config: Record<string, unknown> } };
    delete rec.meta.config.dataset;
    expect(fromPersistedRun(rec)).toBeNull();
    const rec2 = structuredClone(RUN) as unknown as { meta: { config: Record<string, unknown> } };
    rec2.meta.config.alpha0 = 'x';
    expect(fromPersistedRun(rec2)).toBeNull();
  });

  it('a chunk whose evals hold something other than evaluation records is skipped', () => {
    // Was merged: [null] reached the charts' eval series.
    const bad = { ...structuredClone(CHUNKS[1]), evals: [null] };
    const s = mergeChunks([structuredClone(CHUNKS[0]), bad]);
    expect(s.train.iteration.length).toBe(10);
    expect(s.evals.every((e) => typeof e.iteration === 'number')).toBe(true);
  });

  it('a chunk with seq NaN is skipped, so the next chunk key stays a valid IndexedDB key', () => {
    // Was merged: nextSeq became NaN and the next flush's put failed with a DataError.
    const s = mergeChunks([structuredClone(CHUNKS[0]), { ...structuredClone(CHUNKS[1]), seq: Number.NaN }]);
    expect(s.nextSeq).toBe(1);
    expect(mergeChunks([{ ...structuredClone(CHUNKS[0]), seq: 1.5 }]).nextSeq).toBe(0);
  });
});
