// A small CIFAR-10 archive in the official layout (cifar-10-batches-bin/data_batch_1..5.bin,
// test_batch.bin, batches.meta.txt, readme.html), gzipped: for the unit tests, the CLI tests and the
// end-to-end test. Pure (no test framework), deterministic.
import { gzipSync } from 'node:zlib';
import { CIFAR_CLASS_NAMES, CIFAR_IMAGE_BYTES, CIFAR_TEST_FILE, CIFAR_TRAIN_FILES, encodeCifarBatch } from '../../src/data/cifar';
import { encodeTar, type TarInput } from '../../src/data/tar';

export interface TinyCifar {
  /** The .tar.gz bytes. */
  gz: Uint8Array;
  /** Training images in file order (batches 1..5), planar CHW as in the records. */
  trainChw: Uint8Array;
  trainLabels: Uint8Array;
  testChw: Uint8Array;
  testLabels: Uint8Array;
}

/** `per` records in each of the five training batches, `nTest` in the test batch (at least 1 each: empty batches are refused). */
export function tinyCifarTarGz(per = 2, nTest = 3, seed = 1): TinyCifar {
  const img = (n: number, salt: number) => Uint8Array.from({ length: n * CIFAR_IMAGE_BYTES }, (_, i) => (i * 31 + salt * 17 + seed) & 255);
  const lab = (n: number, salt: number) => Uint8Array.from({ length: n }, (_, i) => (i + salt + seed) % 10);
  const trainChw = img(5 * per, 1);
  const trainLabels = new Uint8Array(5 * per);
  const dir = 'cifar-10-batches-bin';
  const entries: TarInput[] = [
    { path: dir, type: 'dir' },
    { path: `${dir}/batches.meta.txt`, data: new TextEncoder().encode(CIFAR_CLASS_NAMES.join('\n') + '\n\n') },
  ];
  CIFAR_TRAIN_FILES.forEach((f, k) => {
    const labels = lab(per, k);
    trainLabels.set(labels, k * per);
    entries.push({ path: `${dir}/${f}`, data: encodeCifarBatch(trainChw.subarray(k * per * CIFAR_IMAGE_BYTES, (k + 1) * per * CIFAR_IMAGE_BYTES), labels) });
  });
  const testChw = img(nTest, 9);
  const testLabels = lab(nTest, 7);
  entries.push({ path: `${dir}/${CIFAR_TEST_FILE}`, data: encodeCifarBatch(testChw, testLabels) });
  entries.push({ path: `${dir}/readme.html`, data: new TextEncoder().encode('<p>tiny CIFAR-10 for tests</p>') });
  return { gz: new Uint8Array(gzipSync(encodeTar(entries))), trainChw, trainLabels, testChw, testLabels };
}
