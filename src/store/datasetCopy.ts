// A private copy of a dataset for one worker, to transfer to it: a plain postMessage would
// structured-clone ~55 MB (MNIST; ~150 MB for CIFAR-10) in one main-thread task (~200 ms measured).
// Copied in 1 MB slices with a yield between them: under load, with runs training on every core, an
// 8 MB slice (first page touches included) took 40–230 ms (measured for the α₀ sweep).
import type { DatasetBuffers } from '../engine/types';
import { yieldToEventLoop } from '../util/yieldToEventLoop';

async function copyInSlices(src: Uint8Array, stop: () => boolean, sliceBytes = 1 << 20): Promise<Uint8Array> {
  const out = new Uint8Array(src.length);
  for (let off = 0; off < src.length; off += sliceBytes) {
    if (stop()) throw new Error('cancelled');
    out.set(src.subarray(off, Math.min(src.length, off + sliceBytes)), off);
    if (off + sliceBytes < src.length) await yieldToEventLoop();
  }
  return out;
}

/** The copy; rejects with Error('cancelled') as soon as `stop()` says so (between slices). */
export async function transferableCopy(data: DatasetBuffers, stop: () => boolean = () => false): Promise<DatasetBuffers> {
  return {
    ...data,
    trainImages: await copyInSlices(data.trainImages, stop),
    trainLabels: await copyInSlices(data.trainLabels, stop),
    testImages: await copyInSlices(data.testImages, stop),
    testLabels: await copyInSlices(data.testLabels, stop),
  };
}
