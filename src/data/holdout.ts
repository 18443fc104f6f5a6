// A validation split held out of the training set, as the reference environment's
// torch.utils.data.random_split(train, [n − 10000, 10000]): the learned schedule's controller reads the
// loss on it, so the run trains on the rest only.
import type { DatasetBuffers } from '../engine/types';
import { epochPermutation } from './batching';

/** The reference holds out 10,000 of MNIST's 60,000; smaller sets (fixtures) keep the same sixth. */
export function holdoutSize(nTrain: number): number {
  return Math.min(10000, Math.round(nTrain / 6));
}

/** Fixed across runs so every learned-schedule run of a dataset holds out the same images. */
export const HOLDOUT_SEED = 20191121;

export interface Holdout {
  /** The dataset with the held-out images removed from its training set (test set unchanged). */
  train: DatasetBuffers;
  /** The held-out images and labels, in training-set order. */
  val: { images: Uint8Array; labels: Uint8Array };
}

export function holdOut(data: DatasetBuffers, n = holdoutSize(data.trainLabels.length), seed = HOLDOUT_SEED): Holdout {
  const total = data.trainLabels.length;
  if (!Number.isInteger(n) || n < 1 || n >= total) throw new RangeError(`cannot hold out ${n} of ${total} training images`);
  const held = new Uint8Array(total);
  for (const i of epochPermutation(total, seed, 1).subarray(0, n)) held[i] = 1;
  const size = data.imageSize;
  const trainImages = new Uint8Array((total - n) * size);
  const trainLabels = new Uint8Array(total - n);
  const valImages = new Uint8Array(n * size);
  const valLabels = new Uint8Array(n);
  let t = 0;
  let v = 0;
  for (let i = 0; i < total; i++) {
    const img = data.trainImages.subarray(i * size, (i + 1) * size);
    if (held[i]) {
      valImages.set(img, v * size);
      valLabels[v++] = data.trainLabels[i];
    } else {
      trainImages.set(img, t * size);
      trainLabels[t++] = data.trainLabels[i];
    }
  }
  return { train: { ...data, trainImages, trainLabels }, val: { images: valImages, labels: valLabels } };
}
