// Seeded shuffling and minibatch slicing. Pure and tfjs-free: the engine turns the uint8 batch into
// a normalised tensor on the device. Same seed => same batch order in every run, page or Node.

/** splitmix32-style finaliser (Murmur3 fmix32): scrambles a 32-bit integer into a well-mixed one. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * mulberry32 (Tommy Ettinger): a tiny, fast 32-bit PRNG, good enough for shuffling.
 * The seed is taken modulo 2^32 (negative and fractional seeds are truncated first) and mixed
 * with fmix32, so nearby seeds (0, 1, 2, ...) give unrelated streams. Returns floats in [0, 1).
 */
export function createRng(seed: number): () => number {
  let a = fmix32(Math.trunc(seed) >>> 0);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A seed for item k of a stream derived from `seed` (k = epoch for the shuffle, iteration for the
 * augmentation and dropout draws): each item is computable on its own, and streams do not overlap.
 */
export function subSeed(seed: number, k: number, stream = 0): number {
  return fmix32((Math.trunc(seed) >>> 0) ^ Math.imul(k >>> 0, 0x9e3779b9) ^ Math.imul(stream >>> 0, 0x632be5ab));
}

/**
 * The order in which epoch `epoch` (1-based) visits the n examples: a Fisher–Yates shuffle driven
 * by a generator seeded from (seed, epoch). Each epoch is computable on its own (no state carried
 * across epochs), so a paused or restarted run resumes with the same order.
 */
export function epochPermutation(n: number, seed: number, epoch: number): Uint32Array {
  const perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  const rng = createRng(subSeed(seed, epoch));
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  return perm;
}

function checkSizes(n: number, batchSize: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`dataset size must be a positive integer, got ${n}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
  }
}

/** Batches per epoch, keeping the short last batch (PyTorch DataLoader, drop_last=False). */
export function itersPerEpoch(n: number, batchSize: number): number {
  checkSizes(n, batchSize);
  return Math.ceil(n / batchSize);
}

/**
 * Which epoch (1-based) iteration t (1-based) falls in, and the slice [start, end) of that epoch's
 * permutation it uses. MNIST, batch 128: t = 469 is rows 59904..60000 of epoch 1, t = 470 is epoch 2.
 */
export function batchRange(iteration: number, n: number, batchSize: number): { epoch: number; start: number; end: number } {
  if (!Number.isInteger(iteration) || iteration < 1) {
    throw new RangeError(`iteration must be a positive integer (1-based), got ${iteration}`);
  }
  const per = itersPerEpoch(n, batchSize);
  const k = (iteration - 1) % per;
  const start = k * batchSize;
  return { epoch: Math.floor((iteration - 1) / per) + 1, start, end: Math.min(start + batchSize, n) };
}

/** Copy rows indices[start..end) of images (imageSize bytes each) and labels into a fresh batch. */
export function gatherBatch(
  images: Uint8Array,
  labels: Uint8Array,
  imageSize: number,
  indices: ArrayLike<number>,
  start: number,
  end: number,
): { x: Uint8Array; y: Uint8Array } {
  if (start < 0 || end < start || end > indices.length) {
    throw new RangeError(`batch slice [${start}, ${end}) is outside the ${indices.length} indices`);
  }
  const rows = end - start;
  const x = new Uint8Array(rows * imageSize);
  const y = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    const i = indices[start + r];
    if (!(i >= 0 && i < labels.length) || (i + 1) * imageSize > images.length) {
      throw new RangeError(`example index ${i} is outside the dataset (${labels.length} examples)`);
    }
    x.set(images.subarray(i * imageSize, (i + 1) * imageSize), r * imageSize);
    y[r] = labels[i];
  }
  return { x, y };
}
