import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataFormatError } from '../../src/data/errors';
import { checkImagesLabels, encodeIdx, isGzip, parseIdx } from '../../src/data/idx';

/** Hand-built IDX: 2 images of 2x3, pixels 0..11. */
const IMAGES = new Uint8Array([
  0, 0, 8, 3, // magic: ubyte, 3 dims
  0, 0, 0, 2, // 2 images
  0, 0, 0, 2, // 2 rows
  0, 0, 0, 3, // 3 cols
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
]);
const LABELS = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7, 3]);

function thrown(fn: () => unknown): DataFormatError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DataFormatError);
    expect((e as Error).name).toBe('DataFormatError');
    return e as DataFormatError;
  }
  throw new Error('expected a DataFormatError');
}

describe('parseIdx', () => {
  it('parses hand-built images and labels', () => {
    const img = parseIdx(IMAGES, 'imgs');
    expect(img.dims).toEqual([2, 2, 3]);
    expect(Array.from(img.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    // A view, not a copy.
    expect(img.data.buffer).toBe(IMAGES.buffer);
    expect(img.data.byteOffset).toBe(16);
    const lab = parseIdx(LABELS, 'labs', 1);
    expect(lab.dims).toEqual([2]);
    expect(Array.from(lab.data)).toEqual([7, 3]);
  });

  it('works on a subarray with a non-zero byteOffset', () => {
    const padded = new Uint8Array(LABELS.length + 5);
    padded.set(LABELS, 5);
    expect(Array.from(parseIdx(padded.subarray(5), 'x').data)).toEqual([7, 3]);
  });

  it('encodeIdx is the inverse of parseIdx', () => {
    expect(encodeIdx([2, 2, 3], IMAGES.subarray(16))).toEqual(IMAGES);
    expect(encodeIdx([2], new Uint8Array([7, 3]))).toEqual(LABELS);
    expect(() => encodeIdx([2, 2], new Uint8Array(3))).toThrow(/needs 4 bytes, got 3/);
  });

  it('accepts zero-sized arrays', () => {
    expect(parseIdx(encodeIdx([0, 28, 28], new Uint8Array(0)), 'empty').dims).toEqual([0, 28, 28]);
  });

  it('names a labels file passed as images', () => {
    const e = thrown(() => parseIdx(encodeIdx([60000], new Uint8Array(60000)), 'train-images', 3));
    expect(e.message).toContain('train-images: bad magic number 0x00000801, expected 0x00000803 (IDX ubyte images)');
    expect(e.file).toBe('train-images');
  });

  it('rejects non-IDX magic', () => {
    const e = thrown(() => parseIdx(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]), 'f.gz'));
    expect(e.message).toBe('f.gz: bad magic number 0x1f8b0800: not an IDX file');
  });

  it('rejects other dtypes by name', () => {
    const e = thrown(() => parseIdx(new Uint8Array([0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0]), 'floats'));
    expect(e.message).toContain('bad magic number 0x00000d01');
    expect(e.message).toContain('dtype 0x0d (float32) is not supported');
  });

  it('rejects zero dimensions', () => {
    expect(thrown(() => parseIdx(new Uint8Array([0, 0, 8, 0]), 'z')).message).toContain('zero dimensions');
  });

  it('rejects a short header', () => {
    expect(thrown(() => parseIdx(new Uint8Array([0, 0]), 'tiny')).message).toBe(
      'tiny: truncated: 2 bytes, an IDX header needs at least 4',
    );
    expect(thrown(() => parseIdx(IMAGES.subarray(0, 10), 'hdr')).message).toBe(
      'hdr: truncated: header of 3 dimensions needs 16 bytes but the file has 10',
    );
  });

  it('rejects a truncated payload with the header arithmetic', () => {
    const header = encodeIdx([60000, 28, 28], new Uint8Array(60000 * 784)).subarray(0, 16 + 1000);
    expect(thrown(() => parseIdx(header, 'train-images')).message).toBe(
      'train-images: truncated: header says 60000 images of 28x28 (47040000 bytes) but 1000 bytes follow',
    );
    expect(thrown(() => parseIdx(LABELS.subarray(0, 9), 'labs')).message).toBe(
      'labs: truncated: header says 2 labels (2 bytes) but 1 bytes follow',
    );
  });

  it('rejects trailing garbage', () => {
    const long = new Uint8Array(IMAGES.length + 3);
    long.set(IMAGES);
    expect(thrown(() => parseIdx(long, 'imgs')).message).toBe(
      'imgs: 3 bytes of trailing garbage: header says 2 images of 2x3 (12 bytes) but 15 bytes follow',
    );
  });

  it('rejects negative dimensions', () => {
    expect(thrown(() => parseIdx(new Uint8Array([0, 0, 8, 1, 0xff, 0xff, 0xff, 0xfe]), 'neg')).message).toBe(
      'neg: dimension 0 is negative (-2)',
    );
  });

  it('handles dims whose product overflows, and a zero dim after huge ones', () => {
    const dims = [0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff];
    const bytes = new Uint8Array(4 + 4 * 7);
    const v = new DataView(bytes.buffer);
    v.setUint32(0, 0x0807);
    dims.forEach((d, i) => v.setInt32(4 + 4 * i, d));
    expect(parseIdx(bytes, 'zero-last').dims.at(-1)).toBe(0); // last dim 0 => empty payload
    v.setInt32(4 + 4 * 6, 2);
    expect(thrown(() => parseIdx(bytes, 'huge')).message).toContain('truncated');
  });
});

describe('fuzz: parseIdx returns a consistent result or throws DataFormatError', () => {
  const check = (bytes: Uint8Array) => {
    try {
      const r = parseIdx(bytes, 'fuzz');
      // Consistent: the header re-encodes to the input exactly.
      expect(r.data.length).toBe(r.dims.reduce((a, d) => a * d, 1));
      expect(encodeIdx(r.dims, r.data)).toEqual(bytes);
    } catch (e) {
      if (!(e instanceof DataFormatError)) throw e;
    }
  };

  it('arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => check(b)), { numRuns: 2000 });
  });

  it('arbitrary bytes behind a plausible magic', () => {
    const arb = fc.tuple(fc.integer({ min: 0, max: 4 }), fc.uint8Array({ maxLength: 40 })).map(([nd, rest]) => {
      const b = new Uint8Array(4 + rest.length);
      b.set([0, 0, 8, nd]);
      b.set(rest, 4);
      return b;
    });
    fc.assert(fc.property(arb, (b) => check(b)), { numRuns: 2000 });
  });

  it('mutations and truncations of a valid file', () => {
    const valid = fc
      .tuple(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 3 }), fc.integer({ min: 0, max: 255 }))
      .map(([dims, fill]) => encodeIdx(dims, new Uint8Array(dims.reduce((a, d) => a * d, 1)).fill(fill)));
    const mutated = fc
      .tuple(
        valid,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.option(fc.nat()),
        fc.uint8Array({ maxLength: 3 }),
      )
      .map(([b, edits, cut, tail]) => {
        const out = new Uint8Array(b.length + tail.length);
        out.set(b);
        out.set(tail, b.length);
        for (const [pos, val] of edits) if (out.length) out[pos % out.length] = val;
        return cut === null ? out : out.subarray(0, cut % (out.length + 1));
      });
    fc.assert(fc.property(mutated, (b) => check(b)), { numRuns: 3000 });
  });
});

describe('isGzip', () => {
  it('looks at the 1f 8b magic', () => {
    expect(isGzip(new Uint8Array([0x1f, 0x8b, 8]))).toBe(true);
    expect(isGzip(new Uint8Array([0x1f]))).toBe(false);
    expect(isGzip(IMAGES)).toBe(false);
  });
});

describe('checkImagesLabels', () => {
  const imgs = (n: number, h = 28, w = 28) => ({ dims: [n, h, w], data: new Uint8Array(n * h * w) });
  const labs = (values: number[]) => ({ dims: [values.length], data: new Uint8Array(values) });

  it('accepts a matching pair', () => {
    expect(checkImagesLabels(imgs(3), labs([0, 9, 5]), 'train')).toEqual({ n: 3, imageSize: 784 });
    expect(checkImagesLabels(imgs(1, 32, 32), labs([0]), 'x', { numClasses: 2 })).toEqual({ n: 1, imageSize: 1024 });
  });

  it('names every mismatch', () => {
    expect(thrown(() => checkImagesLabels(imgs(3), labs([0, 1]), 'train')).message).toBe(
      'train: image and label counts disagree: 3 images, 2 labels',
    );
    expect(thrown(() => checkImagesLabels(imgs(2), labs([0, 10]), 'test')).message).toBe(
      'test: label 10 at index 1 is out of range (10 classes)',
    );
    expect(thrown(() => checkImagesLabels(imgs(1, 32, 32), labs([0]), 'x', { imageShape: [28, 28] })).message).toBe(
      'x: images are 32x32, expected 28x28',
    );
    expect(thrown(() => checkImagesLabels(labs([1]), labs([1]), 'y')).message).toBe(
      'y: images must be N x H x W (or N x H x W x C), got 1 labels',
    );
    expect(thrown(() => checkImagesLabels(imgs(1), imgs(1), 'z')).message).toBe(
      'z: labels must be a vector of N, got 1 images of 28x28',
    );
  });

  it('accepts channels-last images N x H x W x C and checks the channel count', () => {
    const rgb = (n: number, c = 3) => ({ dims: [n, 32, 32, c], data: new Uint8Array(n * 1024 * c) });
    expect(checkImagesLabels(rgb(2), labs([0, 9]), 'c', { imageShape: [32, 32, 3] })).toEqual({ n: 2, imageSize: 3072 });
    // [H, W] and [H, W, 1] both mean one channel; an N x H x W file is one channel.
    expect(checkImagesLabels(imgs(1), labs([0]), 'm', { imageShape: [28, 28, 1] })).toEqual({ n: 1, imageSize: 784 });
    expect(thrown(() => checkImagesLabels(rgb(1, 1), labs([0]), 'c', { imageShape: [32, 32, 3] })).message).toBe(
      'c: images are 32x32x1, expected 32x32x3',
    );
    expect(thrown(() => checkImagesLabels(rgb(1), labs([0]), 'c', { imageShape: [32, 32] })).message).toBe(
      'c: images are 32x32x3, expected 32x32x1',
    );
    expect(thrown(() => checkImagesLabels(rgb(2), rgb(2), 'c')).message).toBe('c: labels must be a vector of N, got 2 images of 32x32x3');
    expect(thrown(() => parseIdx(encodeIdx([1, 2, 2], new Uint8Array(4)), 'x', 4)).message).toBe(
      'x: bad magic number 0x00000803, expected 0x00000804 (IDX ubyte images): 3 dimensions',
    );
  });
});
