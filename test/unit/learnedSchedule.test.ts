// The trainer's learned-schedule hook (TrainerOptions.lrControl), the 7 controller features against
// values computed here from the same tensors by plain JavaScript, the held-out validation split, and the
// reference's learning-rate rules.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useNodeBackend } from '../../src/engine/nodeBackends';
import { train, type LrControl } from '../../src/engine/trainer';
import type { ControllerRecord, DatasetBuffers, MetricBatch, TrainConfig } from '../../src/engine/types';
import { createRng } from '../../src/data/batching';
import { holdOut, holdoutSize } from '../../src/data/holdout';
import { buildNetwork } from '../../src/models/build';
import { toDeviceBatch } from '../../src/engine/inputs';
import { controllerFeatures, valChunks } from '../../src/engine/controllerFeatures';
import { episodeInitialLr, nextLr, LR_MAX, LR_MIN } from '../../src/rl/lrActions';
import { learnedRun } from '../../src/engine/learnedRun';
import { parseController } from '../../src/rl/controllerFile';
import { readFileSync } from 'node:fs';

beforeAll(async () => {
  await useNodeBackend('cpu');
});

function toyData(nTrain: number, nTest: number): DatasetBuffers {
  const rand = createRng(11);
  const make = (n: number) => {
    const images = new Uint8Array(n * 784);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = i % 3;
      for (let p = 0; p < 784; p++) images[i * 784 + p] = Math.floor(((p % 3) === labels[i] ? 120 : 0) + rand() * 120);
    }
    return { images, labels };
  };
  const tr = make(nTrain), te = make(nTest);
  return { name: 'mnist', trainImages: tr.images, trainLabels: tr.labels, testImages: te.images, testLabels: te.labels, shape: [28, 28, 1], imageSize: 784, numClasses: 10, mean: [0.1307], std: [0.3081] };
}

function jsMean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}
function jsVar(a: ArrayLike<number>): number {
  const m = jsMean(a);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - m) ** 2;
  return s / (a.length - 1);
}

describe('holdOut', () => {
  it('splits the training set into disjoint parts that together are the original, test set untouched', () => {
    const data = toyData(60, 5);
    expect(holdoutSize(60000)).toBe(10000);
    expect(holdoutSize(60)).toBe(10);
    const h = holdOut(data);
    expect(h.val.labels.length).toBe(10);
    expect(h.train.trainLabels.length).toBe(50);
    expect(h.train.testImages).toBe(data.testImages);
    // Every original image appears exactly once in one of the two parts.
    const key = (imgs: Uint8Array, i: number) => imgs.subarray(i * 784, i * 784 + 40).join(',');
    const orig = Array.from({ length: 60 }, (_, i) => key(data.trainImages, i)).sort();
    const parts = [
      ...Array.from({ length: 50 }, (_, i) => key(h.train.trainImages, i)),
      ...Array.from({ length: 10 }, (_, i) => key(h.val.images, i)),
    ].sort();
    expect(parts).toEqual(orig);
    // Same seed, same split.
    expect(holdOut(data).val.labels).toEqual(h.val.labels);
    expect(() => holdOut(data, 60)).toThrow(/cannot hold out 60 of 60/);
  });
});

describe('lr rules of the reference environment', () => {
  it('multiplies, adds the noise, clips', () => {
    expect(nextLr(1e-3, 1.05)).toBeCloseTo(1.05e-3, 15);
    expect(nextLr(1e-3, 1 / 1.05, 2)).toBeCloseTo(1e-3 / 1.05 + 2e-5, 15);
    expect(nextLr(0.099, 1.05)).toBe(LR_MAX);
    expect(nextLr(1e-5, 1 / 1.05)).toBe(LR_MIN);
    expect(episodeInitialLr(0, 0)).toBe(1e-2);
    expect(episodeInitialLr(0.5, 0)).toBe(1e-3);
    expect(episodeInitialLr(0.999, 1)).toBeCloseTo(1.1e-4, 15);
    expect(episodeInitialLr(0, 100)).toBe(LR_MAX); // 1e-2 + 1e-3·100 = 0.11, clipped
  });
});

/** ffnn100 at seed 3 and 25 toy test images on the device, in validation chunks of 10, 10, 5. */
function featureFixture() {
  const data = toyData(10, 25);
  const net = buildNetwork('ffnn100', [28, 28, 1], 10);
  const model = net.init(3);
  const whole = toDeviceBatch(data, data.testImages, data.testLabels);
  return { data, net, model, whole, val: valChunks(whole, 10) };
}

describe('controllerFeatures', () => {
  it('equals the reference formulas computed in JavaScript from the same logits and weights', async () => {
    const { data, net, model, whole, val } = featureFixture();
    const before = tf.memory().numTensors;
    const first = await controllerFeatures({ net, model, numClasses: 10, val, prevLogits: null, trainLoss: 1.5, lr: 0.01 });
    const logits = (await Promise.all(first.logits.map((l) => l.array()))).flat();
    const labels = Array.from(data.testLabels);
    // Chunks of 10, 10, 5: each chunk's mean CE, logits variance; averaged over the 3 chunks.
    const chunks = [[0, 10], [10, 20], [20, 25]];
    const ce = (rows: number[][], ys: number[]) =>
      jsMean(rows.map((r, i) => {
        const m = Math.max(...r);
        const lse = m + Math.log(r.reduce((s, v) => s + Math.exp(v - m), 0));
        return lse - r[ys[i]];
      }));
    const valLoss = jsMean(chunks.map(([a, b]) => ce(logits.slice(a, b), labels.slice(a, b))));
    const predVar = jsMean(chunks.map(([a, b]) => jsVar(logits.slice(a, b).flat())));
    const w = await model.params[model.params.length - 2].data();
    const f = first.features;
    expect(f[0]).toBe(1.5);
    expect(f[1]).toBeCloseTo(valLoss, 5);
    expect(f[2]).toBeCloseTo(predVar, 5);
    expect(f[3]).toBeCloseTo(predVar, 5); // first observation: change from 0
    expect(f[4]).toBeCloseTo(jsMean(w), 7);
    expect(f[5] / jsVar(w)).toBeCloseTo(1, 5);
    expect(f[6]).toBe(0.01);
    // A second observation after the weights moved: the change variance is that of the difference.
    const moved = { params: model.params.map((p) => tf.mul(p, 1.1)), buffers: [] };
    const second = await controllerFeatures({ net, model: moved, numClasses: 10, val, prevLogits: first.logits, trainLoss: 1, lr: 0.01 });
    const l2 = (await Promise.all(second.logits.map((l) => l.array()))).flat();
    const change = jsMean(chunks.map(([a, b]) => jsVar(l2.slice(a, b).flatMap((r, i) => r.map((v, j) => v - logits[a + i][j])))));
    expect(second.features[3]).toBeCloseTo(change, 5);
    tf.dispose([...first.logits, ...second.logits]);
    expect(tf.memory().numTensors).toBe(before + moved.params.length);
    tf.dispose([...moved.params, ...model.params, whole.x, whole.y, ...val.flatMap((c) => [c.x, c.y])]);
  });
});

describe('controllerFeatures when the network throws', () => {
  it('leaves no tensor behind (the logits already kept for the caller are disposed)', async () => {
    const { net, model, whole, val } = featureFixture();
    let calls = 0;
    const failing = { ...net, forward: (...a: Parameters<typeof net.forward>) => (++calls === 3 ? (() => { throw new Error('device lost'); })() : net.forward(...a)) };
    const before = tf.memory().numTensors;
    await expect(controllerFeatures({ net: failing, model, numClasses: 10, val, prevLogits: null, trainLoss: 1, lr: 0.01 })).rejects.toThrow('device lost');
    expect(calls).toBe(3);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([...model.params, whole.x, whole.y, ...val.flatMap((c) => [c.x, c.y])]);
  });
});

describe('train with an lrControl', () => {
  const cfg: TrainConfig = {
    dataset: 'mnist', model: 'ffnn100', optimizer: 'Adam-Learned', alpha0: 1e-3, beta: 0, momentum: 0, weightDecay: 0,
    batchSize: 8, epochs: 1, iterations: 30, seed: 2, evalEvery: 30,
  };

  it('asks every 10 steps, applies the α it answers from the next step, and streams the decisions', async () => {
    const h = holdOut(toyData(72, 8));
    const asked: { t: number; features: number[]; last: boolean }[] = [];
    const answers = [2e-3, 1.5e-3, 9];
    const control: LrControl = {
      updateFreq: 10,
      val: h.val,
      decide: async (t, features, last) => {
        asked.push({ t, features, last });
        return { lr: answers[asked.length - 1], factor: 1.05 };
      },
    };
    const batches: MetricBatch[] = [];
    const before = tf.memory().numTensors;
    const outcome = await train({ runId: 'l', config: cfg }, h.train, { metrics: (b) => batches.push(b), status: () => {} }, { checkpoint: async () => 'go' }, { flushMs: 1e9, lrControl: control });
    expect(outcome).toBe('done');
    expect(tf.memory().numTensors).toBe(before);
    expect(asked.map((a) => [a.t, a.last])).toEqual([[10, false], [20, false], [30, true]]);
    const lr = batches.flatMap((b) => b.train.lr);
    const loss = batches.flatMap((b) => b.train.loss);
    expect(lr.slice(0, 10).every((v) => Math.abs(v - 1e-3) < 1e-9)).toBe(true);
    expect(lr.slice(10, 20).every((v) => Math.abs(v - 2e-3) < 1e-9)).toBe(true);
    expect(lr.slice(20, 30).every((v) => Math.abs(v - 1.5e-3) < 1e-9)).toBe(true);
    // The training-loss feature is the mean of the window's streamed minibatch losses; lr the window's α.
    expect(asked[1].features[0]).toBeCloseTo(jsMean(loss.slice(10, 20)), 5);
    expect(asked.map((a) => a.features[6])).toEqual([1e-3, 2e-3, 1.5e-3]);
    const recs: ControllerRecord[] = batches.flatMap((b) => b.controller ?? []);
    expect(recs.map((r) => [r.iteration, r.lr, r.factor])).toEqual([[10, 2e-3, 1.05], [20, 1.5e-3, 1.05], [30, 1.5e-3, 1]] /* the last answer (9) is not applied */);
    expect(recs[0].features).toEqual(asked[0].features);
  });

  it('reports divergence at α₀ = 1e37 (as every optimizer in trainer.test.ts), leaking nothing', async () => {
    const h = holdOut(toyData(72, 8));
    const control: LrControl = { updateFreq: 10, val: h.val, decide: async (_t, f) => ({ lr: f[6], factor: 1 }) };
    const states: { state: string; message?: string }[] = [];
    const before = tf.memory().numTensors;
    const outcome = await train({ runId: 'd', config: { ...cfg, alpha0: 1e37 } }, h.train, { metrics: () => {}, status: (state, _i, _t, message) => states.push({ state, message }) }, { checkpoint: async () => 'go' }, { flushMs: 0, lrControl: control });
    expect(outcome).toBe('diverged');
    expect(states.at(-1)?.message).toMatch(/non-finite at iteration \d+/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses to run Adam-Learned without a controller, leaking nothing', async () => {
    const before = tf.memory().numTensors;
    await expect(train({ runId: 'x', config: cfg }, toyData(20, 4), { metrics: () => {}, status: () => {} }, { checkpoint: async () => 'go' })).rejects.toThrow(/needs its controller/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('learnedRun', () => {
  const shipped = () => parseController(readFileSync(new URL('../../public/controllers/mnist-mlp3-discrete.json', import.meta.url), 'utf8'));

  it("takes a controller whose inputs are the trainer's features, in their order", () => {
    const { data, lrControl } = learnedRun(toyData(20, 4), shipped(), 1);
    expect(data.trainLabels.length + lrControl.val.labels.length).toBe(20);
    expect(lrControl.updateFreq).toBe(10);
  });

  it('refuses one whose inputs are other features or another order, naming both lists', () => {
    const ctrl = shipped();
    ctrl.features = ['val_loss', 'train_loss', ...ctrl.features.slice(2)];
    expect(() => learnedRun(toyData(20, 4), ctrl, 1)).toThrow(
      "the controller's inputs are val_loss, train_loss, pred_var, pred_change_var, out_w_mean, out_w_var, lr; this trainer measures train_loss, val_loss, pred_var, pred_change_var, out_w_mean, out_w_var, lr (in that order)",
    );
  });
});
