// The training loop with the convolutional models: LeNet-5 on an MNIST-shaped toy set, VGG-16-BN
// (width ⅛) on a CIFAR-shaped one (augmentation, batch norm, dropout), on the wasm backend (it lacks a native conv filter gradient: the fallback runs).
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useNodeBackend } from '../../src/engine/nodeBackends';
import { train } from '../../src/engine/trainer';
import type { DatasetBuffers, EvalRecord, MetricBatch, TrainConfig } from '../../src/engine/types';
import { createRng } from '../../src/data/batching';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

/** Two classes told apart by which half (top/bottom) of the image is bright. */
function toy(name: DatasetBuffers['name'], shape: [number, number, number], nTrain: number, nTest: number): DatasetBuffers {
  const [h, w, c] = shape;
  const size = h * w * c;
  const rand = createRng(11);
  const make = (n: number) => {
    const images = new Uint8Array(n * size);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = i % 2;
      for (let p = 0; p < size; p++) {
        const top = Math.floor(p / (w * c)) < h / 2;
        images[i * size + p] = Math.floor((top === (labels[i] === 0) ? 140 : 10) + rand() * 100);
      }
    }
    return { images, labels };
  };
  const tr = make(nTrain), te = make(nTest);
  const mean = c === 1 ? [0.1307] : [0.485, 0.456, 0.406];
  const std = c === 1 ? [0.3081] : [0.229, 0.224, 0.225];
  return { name, trainImages: tr.images, trainLabels: tr.labels, testImages: te.images, testLabels: te.labels, shape, imageSize: size, numClasses: 10, mean, std };
}

async function run(config: TrainConfig, data: DatasetBuffers) {
  const batches: MetricBatch[] = [];
  const outcome = await train({ runId: 'c', config }, data, { metrics: (b) => batches.push(b), status: () => undefined }, { checkpoint: async () => 'go' }, { flushMs: 0 });
  return {
    outcome,
    loss: batches.flatMap((b) => b.train.loss),
    lr: batches.flatMap((b) => b.train.lr),
    evals: batches.flatMap((b) => b.evals) as EvalRecord[],
  };
}

const base: TrainConfig = {
  dataset: 'mnist', model: 'lenet5', optimizer: 'SGD', alpha0: 0.05, beta: 1e-3, momentum: 0.9, weightDecay: 1e-4,
  batchSize: 16, epochs: 1, iterations: null, seed: 1, evalEvery: null,
};

describe('trainer with conv models', () => {
  it('LeNet-5 learns the MNIST-shaped toy problem and leaks no tensor', async () => {
    const data = toy('mnist', [28, 28, 1], 96, 32);
    const before = tf.memory().numTensors;
    const r = await run({ ...base, epochs: 3 }, data);
    expect(tf.memory().numTensors).toBe(before);
    expect(r.outcome).toBe('done');
    expect(r.loss).toHaveLength(18);
    // A fresh 10-class network starts near ln 10 ≈ 2.30; the toy problem is separable.
    expect(r.evals[0].valLoss).toBeGreaterThan(1.5);
    expect(r.evals.at(-1)!.valAccuracy).toBeGreaterThan(0.9);
  });

  it('VGG-16-BN width ⅛ on CIFAR-shaped data: runs, is deterministic per seed (augmentation, dropout), leaks nothing', async () => {
    const data = toy('cifar10', [32, 32, 3], 24, 16);
    const cfg: TrainConfig = { ...base, dataset: 'cifar10', model: 'vgg16bn', width: 0.125, optimizer: 'SGD-HD', alpha0: 0.01, batchSize: 8, epochs: 1 };
    const before = tf.memory().numTensors;
    const a = await run(cfg, data);
    expect(tf.memory().numTensors).toBe(before);
    expect(a.outcome).toBe('done');
    expect(a.loss).toHaveLength(3);
    expect(a.loss.every(Number.isFinite)).toBe(true);
    expect(a.evals.map((e) => e.iteration)).toEqual([0, 3]);
    // Row 0 is evaluation mode (running statistics 0/1, no dropout); the first training loss uses the
    // batch's statistics and dropout, so the two differ for a batch-norm model.
    expect(a.evals[0].firstBatchLoss).not.toBeCloseTo(a.loss[0], 3);
    // SGD-HD moved α.
    expect(a.lr[2]).not.toBe(0.01);
    const again = await run(cfg, data);
    expect(again.loss).toEqual(a.loss);
    expect(again.evals.map((e) => e.valLoss)).toEqual(a.evals.map((e) => e.valLoss));
    const other = await run({ ...cfg, seed: 2 }, data);
    expect(other.loss).not.toEqual(a.loss);
  });

  it('refuses a model that does not fit the data, with the reason', async () => {
    const data = toy('mnist', [28, 28, 1], 16, 8);
    const before = tf.memory().numTensors;
    await expect(run({ ...base, model: 'vgg16bn', width: 0.125 }, data)).rejects.toThrow(/32×32×3/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
