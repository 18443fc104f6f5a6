// Flip + crop from padding (torchvision RandomHorizontalFlip + RandomCrop(32, padding=4)) on host uint8
// batches. Oracles: hand-placed pixels with scripted random draws; invariants over seeded draws.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { augmentBatch, flipCropBatch } from '../../src/data/augment';

/** A generator returning the given values in turn (the draws: flip?, top, left per image). */
const scripted = (values: number[]) => {
  let i = 0;
  return () => values[i++];
};
/** Draw values that pick offset o ∈ [−pad, pad] (floor(u · (2·pad + 1)) − pad = o). */
const off = (o: number, pad: number) => (o + pad + 0.5) / (2 * pad + 1);
const NO_FLIP = 0.9, FLIP = 0.1;

describe('flipCropBatch', () => {
  // 2×3 single-channel image: rows [1 2 3] / [4 5 6].
  const img = Uint8Array.from([1, 2, 3, 4, 5, 6]);
  const shape = [2, 3, 1] as const;

  it('offset 0 and no flip is the identity', () => {
    expect(Array.from(flipCropBatch(img, shape, 1, scripted([NO_FLIP, off(0, 1), off(0, 1)])))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('flip alone mirrors each row', () => {
    expect(Array.from(flipCropBatch(img, shape, 1, scripted([FLIP, off(0, 1), off(0, 1)])))).toEqual([3, 2, 1, 6, 5, 4]);
  });

  it('a crop shifted down-right by the padding shows zero padding on the top and left', () => {
    // top = −1, left = −1: out(r, c) = in(r − 1, c − 1), zero outside.
    expect(Array.from(flipCropBatch(img, shape, 1, scripted([NO_FLIP, off(-1, 1), off(-1, 1)])))).toEqual([0, 0, 0, 0, 1, 2]);
    // top = +1, left = +1: out(r, c) = in(r + 1, c + 1).
    expect(Array.from(flipCropBatch(img, shape, 1, scripted([NO_FLIP, off(1, 1), off(1, 1)])))).toEqual([5, 6, 0, 0, 0, 0]);
  });

  it('flip happens before the crop (the order of the reference transforms)', () => {
    // Flipped: [3 2 1] / [6 5 4]; then left = +1: out(r, c) = flipped(r, c + 1).
    expect(Array.from(flipCropBatch(img, shape, 1, scripted([FLIP, off(0, 1), off(1, 1)])))).toEqual([2, 1, 0, 5, 4, 0]);
  });

  it('moves whole pixels: channels stay together and in order', () => {
    // 1×2 RGB image: pixel A = (10, 11, 12), pixel B = (20, 21, 22).
    const rgb = Uint8Array.from([10, 11, 12, 20, 21, 22]);
    expect(Array.from(flipCropBatch(rgb, [1, 2, 3], 1, scripted([FLIP, off(0, 1), off(0, 1)])))).toEqual([20, 21, 22, 10, 11, 12]);
    expect(Array.from(flipCropBatch(rgb, [1, 2, 3], 1, scripted([NO_FLIP, off(0, 1), off(-1, 1)])))).toEqual([0, 0, 0, 10, 11, 12]);
  });

  it('draws per image, in image order, and leaves the input untouched', () => {
    const two = Uint8Array.from([...img, ...img]);
    const out = flipCropBatch(two, shape, 1, scripted([FLIP, off(0, 1), off(0, 1), NO_FLIP, off(0, 1), off(0, 1)]));
    expect(Array.from(out)).toEqual([3, 2, 1, 6, 5, 4, 1, 2, 3, 4, 5, 6]);
    expect(Array.from(two)).toEqual([...img, ...img]);
  });

  it('refuses a batch that is not a whole number of images', () => {
    expect(() => flipCropBatch(new Uint8Array(7), shape, 1, Math.random)).toThrow(/not a whole number/);
  });
});

describe('augmentBatch (seeded)', () => {
  const shape = [32, 32, 3] as const;
  const batch = (n: number) => Uint8Array.from({ length: n * 3072 }, (_, i) => 1 + ((i * 7) % 255));

  it('same seed and iteration → same batch; another iteration or seed → another one', () => {
    const x = batch(8);
    const a = augmentBatch(x, shape, 1, 5);
    expect(augmentBatch(x, shape, 1, 5)).toEqual(a);
    expect(augmentBatch(x, shape, 1, 6)).not.toEqual(a);
    expect(augmentBatch(x, shape, 2, 5)).not.toEqual(a);
  });

  it('every output pixel is zero padding or an input pixel of the same image; offsets stay within ±4', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 1e5 }), (seed, t) => {
        // Each pixel value encodes its (row, column) so the crop offset can be read back: all > 0.
        const x = new Uint8Array(3072);
        for (let r = 0; r < 32; r++) for (let c = 0; c < 32; c++) x.fill(1 + r * 8 + (c >> 2), (r * 32 + c) * 3, (r * 32 + c) * 3 + 3);
        const out = augmentBatch(x, shape, seed, t);
        // The centre pixel of a 32×32 crop with |offset| ≤ 4 always comes from the image, never the padding.
        const centre = out[(16 * 32 + 16) * 3];
        const srcRow = (centre - 1) >> 3;
        return centre > 0 && Math.abs(srcRow - 16) <= 4;
      }),
      { numRuns: 200 },
    );
  });

  it('over 2,000 seeded draws: about half flipped, and all 81 (top, left) offsets in −4..4 occur', () => {
    // Two marked pixels on row 16 of a 32×32×1 image, both always inside the crop (|offset| ≤ 4):
    // A = 200 at column 8, B = 100 at column 24. Unflipped, A lands left of B at column 8 − left;
    // flipped, A's column becomes 31 − 8 = 23, so it lands right of B at 23 − left. Its row is 16 − top.
    const N = 2000;
    let flips = 0;
    const offsets = new Set<string>();
    for (let t = 1; t <= N; t++) {
      const x = new Uint8Array(1024);
      x[16 * 32 + 8] = 200;
      x[16 * 32 + 24] = 100;
      const out = augmentBatch(x, [32, 32, 1], 7, t);
      const a = out.indexOf(200), b = out.indexOf(100);
      const flipped = a > b;
      if (flipped) flips++;
      const top = 16 - Math.floor(a / 32);
      const left = (flipped ? 23 : 8) - (a % 32);
      offsets.add(`${top},${left}`);
    }
    // Binomial(2000, ½): std 0.011, so ±0.05 is ±4.5 std.
    expect(Math.abs(flips / N - 0.5)).toBeLessThan(0.05);
    // Each offset pair has probability 1/81 (≈ 25 expected hits); none is missing.
    expect(offsets.size).toBe(81);
    for (const o of offsets) for (const v of o.split(',').map(Number)) expect(Math.abs(v)).toBeLessThanOrEqual(4);
  });
});
