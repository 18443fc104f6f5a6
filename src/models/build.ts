// One Network for every model name (src/models/network.ts). Shapes and widths are checked against the
// catalog first, so a model that cannot train on the dataset fails here with the catalog's reason.
import type { ModelName } from '../engine/types';
import { WIDTHS, mlpLayers, modelFits, modelInfo } from './catalog';
import { lenet5 } from './lenet';
import { mlpNetwork } from './mlpNetwork';
import { mlpTanhNetwork, type InputScale } from './mlpTanh';
import type { Network } from './network';
import { resnet18 } from './resnet';
import { vgg16bn } from './vgg';

/**
 * `input`: the dataset's normalisation of the batches the network will get (DatasetBuffers.mean / std).
 * Only mlp128tanh reads it (it undoes it, to see [0, 1] pixels as its reference does); the others ignore it.
 */
export function buildNetwork(name: ModelName, shape: readonly [number, number, number], numClasses: number, width = 1, input?: InputScale): Network {
  modelInfo(name);
  const misfit = modelFits(name, shape);
  if (misfit) throw new Error(misfit);
  if (!WIDTHS.includes(width)) throw new Error(`width multiplier must be one of ${WIDTHS.join(', ')}, got ${width}`);
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`numClasses must be a positive integer, got ${numClasses}`);
  switch (name) {
    case 'lenet5':
      return lenet5(shape, numClasses);
    case 'vgg16bn':
      return vgg16bn(shape, numClasses, width);
    case 'resnet18':
      return resnet18(shape, numClasses, width);
    case 'mlp128tanh':
      return mlpTanhNetwork(mlpLayers(name, shape, numClasses), shape[2], input);
    default:
      return mlpNetwork(mlpLayers(name, shape, numClasses));
  }
}
