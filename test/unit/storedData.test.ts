// The record kept in IndexedDB for a loaded dataset: round trip, validation on the way out (a stale or
// foreign record reads as absent), and the messages storage failures get.
import { describe, expect, it } from 'vitest';
import type { DatasetBuffers } from '../../src/engine/types';
import {
  fromStoredRecord,
  openIdbStore,
  RECORD_LAYOUT,
  recordFromBlobs,
  recordToBlobs,
  storageError,
  storedInfo,
  toStoredRecord,
} from '../../src/data/storedData';

function cifarLike(nTrain = 4, nTest = 2): DatasetBuffers {
  return {
    name: 'cifar10',
    trainImages: Uint8Array.from({ length: nTrain * 3072 }, (_, i) => i & 255),
    trainLabels: Uint8Array.from({ length: nTrain }, (_, i) => i % 10),
    testImages: Uint8Array.from({ length: nTest * 3072 }, (_, i) => (i * 5) & 255),
    testLabels: Uint8Array.from({ length: nTest }, (_, i) => 9 - i),
    shape: [32, 32, 3],
    imageSize: 3072,
    numClasses: 10,
    mean: [0.485, 0.456, 0.406],
    std: [0.229, 0.224, 0.225],
  };
}

describe('stored records', () => {
  it('round-trip a dataset with its source and time', () => {
    const data = cifarLike();
    const rec = toStoredRecord(data, 'cifar-10-binary.tar.gz', new Date('2025-01-02T03:04:05Z'));
    expect(rec.layout).toBe(RECORD_LAYOUT);
    expect(rec.savedAt).toBe('2025-01-02T03:04:05.000Z');
    // What IndexedDB gives back is a structured clone.
    const back = fromStoredRecord(structuredClone(rec), 'cifar10');
    expect(back).not.toBeNull();
    expect(back!.data).toEqual(data);
    expect(back!.info).toEqual({
      dataset: 'cifar10',
      savedAt: '2025-01-02T03:04:05.000Z',
      source: 'cifar-10-binary.tar.gz',
      nTrain: 4,
      nTest: 2,
      bytes: 6 * 3072 + 6,
    });
    expect(storedInfo(rec).bytes).toBe(6 * 3072 + 6);
  });

  it('IndexedDB holds the arrays as Blobs (no single-value size limit) and gives them back as Uint8Arrays', async () => {
    const data = cifarLike();
    const rec = toStoredRecord(data, 'x');
    const held = recordToBlobs(rec);
    for (const k of ['trainImages', 'trainLabels', 'testImages', 'testLabels']) expect(held[k]).toBeInstanceOf(Blob);
    expect((held.trainImages as Blob).size).toBe(4 * 3072);
    expect(held.mean).toEqual(rec.mean);
    const back = fromStoredRecord(await recordFromBlobs(held), 'cifar10');
    expect(back!.data).toEqual(data);
    expect(await recordFromBlobs(undefined)).toBeUndefined();
  });

  it('reads a stale, foreign or damaged record as absent', () => {
    const rec = toStoredRecord(cifarLike(), 'x');
    const variants: unknown[] = [
      undefined,
      null,
      'text',
      { ...rec, layout: 0 },
      { ...rec, dataset: 'mnist' },
      { ...rec, shape: [28, 28, 1] },
      { ...rec, shape: [32, 32] },
      { ...rec, mean: [0.5] },
      { ...rec, std: [0.2, 0.2, 0] },
      { ...rec, trainImages: rec.trainImages.subarray(1) },
      { ...rec, testLabels: [1, 2] },
      { ...rec, testLabels: Uint8Array.from([1, 10]) },
      { ...rec, trainLabels: new Uint8Array(0), trainImages: new Uint8Array(0) },
      { ...rec, numClasses: 0 },
      { ...rec, savedAt: 5 },
    ];
    for (const v of variants) expect(fromStoredRecord(v, 'cifar10')).toBeNull();
    // A record of another dataset under the asked name is not taken for it.
    expect(fromStoredRecord(rec, 'fashion-mnist')).toBeNull();
  });
});

describe('storageError', () => {
  const dom = (name: string, message = '') => Object.assign(new Error(message), { name });

  it('says what failed and what it means', () => {
    expect(storageError(dom('QuotaExceededError', 'The quota has been exceeded.'), 'store CIFAR-10 in this browser').message).toBe(
      "could not store CIFAR-10 in this browser: the browser's storage quota for this site is exhausted (QuotaExceededError): free space (site data) or use a browser profile with more disk",
    );
    expect(storageError(dom('UnknownError', 'Internal error.'), 'store X').message).toBe(
      'could not store X: IndexedDB failed (UnknownError: Internal error.), often a full disk or a damaged browser profile',
    );
    expect(storageError(dom('SecurityError', 'access denied'), 'store X').message).toMatch(/does not allow this page to store data .*private window/);
    expect(storageError(new Error('boom'), 'store X').message).toBe('could not store X: boom');
    expect(storageError(dom('DataCloneError', 'cannot clone'), 'store X').message).toBe('could not store X: DataCloneError: cannot clone');
    expect(storageError('weird', 'store X').message).toBe('could not store X: weird');
    expect(storageError(new Error('boom'), 'store X')).toBeInstanceOf(Error);
  });

  it('a browser without IndexedDB gets a clear message on first use', async () => {
    await expect(openIdbStore(undefined).get('cifar10')).rejects.toThrow('this browser offers no IndexedDB here');
  });
});
