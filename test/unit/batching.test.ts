import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchRange, createRng, epochPermutation, gatherBatch, itersPerEpoch } from '../../src/data/batching';

const isPermutation = (p: Uint32Array, n: number) => {
  if (p.length !== n) return false;
  const seen = new Uint8Array(n);
  for (const v of p) {
    if (v >= n || seen[v]) return false;
    seen[v] = 1;
  }
  return true;
};

describe('createRng', () => {
  it('is deterministic, in [0, 1), and roughly uniform', () => {
    const a = createRng(42);
    const b = createRng(42);
    const xs = Array.from({ length: 10000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 10000 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01); // sd of the mean is 0.0029
    const buckets = new Array(10).fill(0);
    for (const x of xs) buckets[Math.floor(x * 10)]++;
    for (const c of buckets) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });

  it('gives unrelated streams for neighbouring seeds', () => {
    expect(createRng(0)()).not.toBe(createRng(1)());
    expect(createRng(1)()).not.toBe(createRng(2)());
  });
});

describe('epochPermutation', () => {
  it('is a permutation for any n, seed, epoch', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), fc.integer(), fc.integer({ min: 1, max: 1000 }), (n, seed, epoch) =>
        isPermutation(epochPermutation(n, seed, epoch), n),
      ),
    );
  });

  it('is deterministic per (seed, epoch) and differs across epochs and seeds', () => {
    const p1 = epochPermutation(60000, 1, 1);
    expect(isPermutation(p1, 60000)).toBe(true);
    expect(epochPermutation(60000, 1, 1)).toEqual(p1);
    const p2 = epochPermutation(60000, 1, 2);
    const q1 = epochPermutation(60000, 2, 1);
    const same = (a: Uint32Array, b: Uint32Array) => a.reduce((s, v, i) => s + (v === b[i] ? 1 : 0), 0);
    // Independent random permutations agree in about one position on average.
    expect(same(p1, p2)).toBeLessThan(10);
    expect(same(p1, q1)).toBeLessThan(10);
    // Actually shuffled: not the identity.
    expect(same(p1, Uint32Array.from({ length: 60000 }, (_, i) => i))).toBeLessThan(10);
  });

  it('puts each element in the first position about equally often (no gross bias)', () => {
    const counts = new Array(5).fill(0);
    for (let e = 1; e <= 5000; e++) counts[epochPermutation(5, 7, e)[0]]++;
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });
});

describe('itersPerEpoch / batchRange', () => {
  it('keeps the short last batch (drop_last=False)', () => {
    expect(itersPerEpoch(60000, 128)).toBe(469);
    expect(itersPerEpoch(60000, 100)).toBe(600);
    expect(itersPerEpoch(1, 128)).toBe(1);
  });

  it('maps MNIST/128 iterations to epochs and slices', () => {
    expect(batchRange(1, 60000, 128)).toEqual({ epoch: 1, start: 0, end: 128 });
    expect(batchRange(2, 60000, 128)).toEqual({ epoch: 1, start: 128, end: 256 });
    const last = batchRange(469, 60000, 128);
    expect(last).toEqual({ epoch: 1, start: 59904, end: 60000 });
    expect(last.end - last.start).toBe(96);
    expect(batchRange(470, 60000, 128)).toEqual({ epoch: 2, start: 0, end: 128 });
    expect(batchRange(938, 60000, 128)).toEqual({ epoch: 2, start: 59904, end: 60000 });
    expect(batchRange(939, 60000, 128).epoch).toBe(3);
  });

  it('covers every index exactly once per epoch', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 5 }), (n, bs, ep) => {
        const per = itersPerEpoch(n, bs);
        let expectStart = 0;
        for (let k = 1; k <= per; k++) {
          const r = batchRange((ep - 1) * per + k, n, bs);
          if (r.epoch !== ep || r.start !== expectStart || r.end <= r.start || r.end - r.start > bs) return false;
          expectStart = r.end;
        }
        return expectStart === n;
      }),
    );
  });

  it('rejects nonsense', () => {
    expect(() => batchRange(0, 10, 2)).toThrow(RangeError);
    expect(() => itersPerEpoch(10, 0)).toThrow(RangeError);
    expect(() => itersPerEpoch(0, 10)).toThrow(RangeError);
  });
});

describe('gatherBatch', () => {
  it('copies the selected rows and labels', () => {
    const size = 3;
    const images = Uint8Array.from({ length: 5 * size }, (_, i) => i);
    const labels = new Uint8Array([10, 11, 12, 13, 14]);
    const { x, y } = gatherBatch(images, labels, size, [4, 0, 2, 1], 1, 3);
    expect(Array.from(x)).toEqual([0, 1, 2, 6, 7, 8]);
    expect(Array.from(y)).toEqual([10, 12]);
    x[0] = 99; // a copy, not a view
    expect(images[0]).toBe(0);
  });

  it('rejects bad indices and slices', () => {
    const images = new Uint8Array(6);
    const labels = new Uint8Array(2);
    expect(() => gatherBatch(images, labels, 3, [0, 2], 0, 2)).toThrow(/index 2/);
    expect(() => gatherBatch(images, labels, 3, [0, 1], 1, 3)).toThrow(RangeError);
  });
});
