// Fashion-MNIST from the user's four files (the page's file picker): names, order, every failure, fuzzing.
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pixelMeanStd } from '../../src/data/datasets';
import { DataFormatError } from '../../src/data/errors';
import { FASHION_MNIST_FILES, fashionMnistFromFiles, fashionRole, type NamedBytes } from '../../src/data/fashion';
import { encodeIdx } from '../../src/data/idx';
import { rejected } from './dataHelpers';

/** 6 train / 3 test images of 28x28 with known pixels and labels, as the four gzipped IDX files. */
function files(nTrain = 6, nTest = 3): { files: NamedBytes[]; train: Uint8Array; test: Uint8Array; trainLabels: Uint8Array } {
  const train = Uint8Array.from({ length: nTrain * 784 }, (_, i) => (i * 7) & 255);
  const test = Uint8Array.from({ length: nTest * 784 }, (_, i) => (i * 3 + 1) & 255);
  const trainLabels = Uint8Array.from({ length: nTrain }, (_, i) => i % 10);
  const testLabels = Uint8Array.from({ length: nTest }, (_, i) => (i + 4) % 10);
  const gz = (b: Uint8Array) => new Uint8Array(gzipSync(b));
  return {
    train,
    test,
    trainLabels,
    files: [
      { name: FASHION_MNIST_FILES.trainImages, bytes: gz(encodeIdx([nTrain, 28, 28], train)) },
      { name: FASHION_MNIST_FILES.trainLabels, bytes: gz(encodeIdx([nTrain], trainLabels)) },
      { name: FASHION_MNIST_FILES.testImages, bytes: gz(encodeIdx([nTest, 28, 28], test)) },
      { name: FASHION_MNIST_FILES.testLabels, bytes: gz(encodeIdx([nTest], testLabels)) },
    ],
  };
}

describe('fashionRole', () => {
  it('recognises the four official names and their common variants', () => {
    expect(fashionRole('train-images-idx3-ubyte.gz')).toBe('trainImages');
    expect(fashionRole('train-labels-idx1-ubyte.gz')).toBe('trainLabels');
    expect(fashionRole('t10k-images-idx3-ubyte.gz')).toBe('testImages');
    expect(fashionRole('t10k-labels-idx1-ubyte.gz')).toBe('testLabels');
    expect(fashionRole('T10K-Labels-IDX1-UBYTE')).toBe('testLabels'); // case, no .gz
    expect(fashionRole('train-images.idx3-ubyte.gz')).toBe('trainImages'); // '.' before idx
    expect(fashionRole('train-images-idx3-ubyte (1).gz')).toBe('trainImages'); // browser's duplicate suffix
    expect(fashionRole('data/fashion/t10k-images-idx3-ubyte.gz')).toBe('testImages');
  });

  it('refuses anything else', () => {
    for (const n of ['train-images-idx1-ubyte.gz', 'train-labels-idx3-ubyte.gz', 'cifar-10-binary.tar.gz', 'images.gz', '']) {
      expect(fashionRole(n)).toBeNull();
    }
  });
});

describe('fashionMnistFromFiles', () => {
  it('assembles the dataset in any order, with the training set mean/std, and reports progress', async () => {
    const f = files();
    const calls: [number, number][] = [];
    const ds = await fashionMnistFromFiles([...f.files].reverse(), (d, t) => calls.push([d, t]));
    expect(ds.name).toBe('fashion-mnist');
    expect(ds.shape).toEqual([28, 28, 1]);
    expect([ds.imageSize, ds.numClasses]).toEqual([784, 10]);
    expect(ds.trainImages).toEqual(f.train);
    expect(ds.testImages).toEqual(f.test);
    expect(ds.trainLabels).toEqual(f.trainLabels);
    const { mean, std } = pixelMeanStd(f.train);
    expect(ds.mean).toEqual([mean]);
    expect(ds.std).toEqual([std]);
    expect(calls).toEqual([[1, 4], [2, 4], [3, 4], [4, 4]]);
    for (const a of [ds.trainImages, ds.trainLabels, ds.testImages, ds.testLabels]) {
      expect(a.byteOffset).toBe(0);
      expect(a.buffer.byteLength).toBe(a.length);
    }
  });

  it('accepts files a browser already decompressed', async () => {
    const f = files();
    const { gunzipSync } = await import('node:zlib');
    const plain = f.files.map((x) => ({ name: x.name.replace(/\.gz$/, ''), bytes: new Uint8Array(gunzipSync(x.bytes)) }));
    expect((await fashionMnistFromFiles(plain)).testImages).toEqual(f.test);
  });

  it('names a missing, a doubled and an unknown file', async () => {
    const f = files().files;
    expect((await rejected(fashionMnistFromFiles(f.slice(0, 2)))).message).toBe(
      'Fashion-MNIST files: missing t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz (choose all four files at once)',
    );
    expect((await rejected(fashionMnistFromFiles([...f, { name: 'train-images-idx3-ubyte', bytes: f[0].bytes }]))).message).toBe(
      'Fashion-MNIST files: train-images-idx3-ubyte.gz given twice ("train-images-idx3-ubyte.gz" and "train-images-idx3-ubyte")',
    );
    expect((await rejected(fashionMnistFromFiles([...f, { name: 'notes.txt', bytes: new Uint8Array(3) }]))).message).toMatch(
      /^notes\.txt: not one of the four Fashion-MNIST files \(train-images-idx3-ubyte\.gz, /,
    );
  });

  it('names the file with corrupt gzip, a bad IDX header, or mismatched counts and labels', async () => {
    const f = files().files;
    const cut = [{ ...f[0], bytes: f[0].bytes.subarray(0, f[0].bytes.length - 30) }, ...f.slice(1)];
    expect((await rejected(fashionMnistFromFiles(cut))).message).toMatch(/^train-images-idx3-ubyte\.gz: corrupt gzip data/);
    const swapped = [{ ...f[0], bytes: f[1].bytes }, { ...f[1], bytes: f[0].bytes }, ...f.slice(2)];
    expect((await rejected(fashionMnistFromFiles(swapped))).message).toBe(
      'train-images-idx3-ubyte.gz: bad magic number 0x00000801, expected 0x00000803 (IDX ubyte images): 1 dimensions',
    );
    const other = files(5, 3).files;
    expect((await rejected(fashionMnistFromFiles([f[0], other[1], f[2], f[3]]))).message).toBe(
      'Fashion-MNIST train: image and label counts disagree: 6 images, 5 labels',
    );
    const wrongSize = [{ ...f[2], bytes: new Uint8Array(gzipSync(encodeIdx([3, 32, 32], new Uint8Array(3 * 1024)))) }];
    expect((await rejected(fashionMnistFromFiles([f[0], f[1], ...wrongSize, f[3]]))).message).toBe(
      'Fashion-MNIST test: images are 32x32, expected 28x28',
    );
  });

  it('a training set of one constant pixel value cannot be normalised', async () => {
    const f = files().files;
    const flat = { ...f[0], bytes: new Uint8Array(gzipSync(encodeIdx([6, 28, 28], new Uint8Array(6 * 784).fill(9)))) };
    expect((await rejected(fashionMnistFromFiles([flat, ...f.slice(1)]))).message).toBe(
      'Fashion-MNIST train: every training pixel has the same value: nothing to learn, and no std to normalise with',
    );
  });

  it('fuzz: mutated or truncated files give the dataset or a DataFormatError, nothing else', async () => {
    const base = files(2, 1).files;
    await fc.assert(
      fc.asyncProperty(
        fc.nat(3),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.option(fc.nat()),
        fc.boolean(),
        async (which, edits, cut, gunzipped) => {
          const list = base.map((x) => ({ ...x, bytes: x.bytes.slice() }));
          let b = list[which].bytes;
          if (gunzipped) b = new Uint8Array((await import('node:zlib')).gunzipSync(b));
          for (const [pos, v] of edits) if (b.length) b[pos % b.length] = v;
          if (cut !== null) b = b.subarray(0, cut % (b.length + 1));
          list[which] = { ...list[which], bytes: b };
          try {
            const ds = await fashionMnistFromFiles(list);
            expect(ds.trainImages.length).toBe(ds.trainLabels.length * 784);
            expect(ds.testImages.length).toBe(ds.testLabels.length * 784);
          } catch (e) {
            if (!(e instanceof DataFormatError)) throw e;
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
