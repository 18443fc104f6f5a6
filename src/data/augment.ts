// Training-time augmentation of CIFAR-10 batches as the reference experiments (spec §6): torchvision's
// RandomHorizontalFlip then RandomCrop(32, padding=4), on the host's uint8 pixels before they go to the
// device. Padding is pixel value 0 (torchvision pads the PIL image, i.e. before Normalize), so a padded
// border is (0 − mean)/std after normalisation, as in the reference. Drawn from a generator seeded by
// (run seed, iteration): every run of a comparison sees the same augmented batches.
import { createRng, subSeed } from './batching';

/** Seed stream of the augmentation draws (the shuffle uses stream 0). */
export const AUGMENT_STREAM = 1;

/**
 * Flip each image left–right with probability ½, then take an h×w crop at a uniform offset in
 * [0, 2·pad] of the image zero-padded by `pad`. Images are row-major HWC, `imageSize` = h·w·c bytes.
 * Returns a new buffer; the input is not changed.
 */
export function flipCropBatch(
  x: Uint8Array,
  shape: readonly [number, number, number],
  pad: number,
  rand: () => number,
): Uint8Array {
  const [h, w, c] = shape;
  const size = h * w * c;
  if (x.length % size !== 0) throw new RangeError(`batch of ${x.length} bytes is not a whole number of ${h}×${w}×${c} images`);
  const n = x.length / size;
  const out = new Uint8Array(x.length); // zeros: the padding
  for (let i = 0; i < n; i++) {
    const flip = rand() < 0.5;
    // torchvision draws the crop's top, then its left, each uniform over 0..2·pad.
    const top = Math.floor(rand() * (2 * pad + 1)) - pad;
    const left = Math.floor(rand() * (2 * pad + 1)) - pad;
    const src = i * size;
    for (let r = 0; r < h; r++) {
      const sr = r + top;
      if (sr < 0 || sr >= h) continue;
      for (let col = 0; col < w; col++) {
        const fc = col + left; // column in the (flipped) source image
        if (fc < 0 || fc >= w) continue;
        const sc = flip ? w - 1 - fc : fc;
        const from = src + (sr * w + sc) * c;
        const to = src + (r * w + col) * c;
        for (let k = 0; k < c; k++) out[to + k] = x[from + k];
      }
    }
  }
  return out;
}

/** The augmented copy of training batch `iteration` of a run with `seed`. */
export function augmentBatch(x: Uint8Array, shape: readonly [number, number, number], seed: number, iteration: number, pad = 4): Uint8Array {
  return flipCropBatch(x, shape, pad, createRng(subSeed(seed, iteration, AUGMENT_STREAM)));
}
