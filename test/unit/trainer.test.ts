// The training loop on a small generated dataset in the MNIST shape, on the cpu backend.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useNodeBackend } from '../../src/engine/nodeBackends';
import { EVAL_SUBSET_SEED, evalDue, evalPlan, totalIterations } from '../../src/engine/budget';
import { evaluate, validationSubset } from '../../src/engine/evaluate';
import { buildNetwork } from '../../src/models/build';
import { train } from '../../src/engine/trainer';
import type { DatasetBuffers, EvalRecord, MetricBatch, RunSpec, RunState, TrainConfig } from '../../src/engine/types';
import { batchRange, createRng, epochPermutation, gatherBatch } from '../../src/data/batching';
import { OPTIMIZERS } from '../../src/optim/catalog';
import { toDeviceBatch } from '../../src/engine/inputs';
import { trainStep } from '../../src/engine/step';
import { crossEntropy } from '../../src/models/mlp';
import { disposeReplaced } from '../../src/optim/dispose';
import { buildOptimizer, hyperFor } from '../../src/optim/registry';

beforeAll(async () => {
  await useNodeBackend('cpu');
});

/** Two classes that differ by which half of the image is bright: learnable in a few steps. */
function toyData(nTrain: number, nTest: number): DatasetBuffers {
  const rand = createRng(7);
  const make = (n: number) => {
    const images = new Uint8Array(n * 784);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = i % 2;
      for (let p = 0; p < 784; p++) {
        const bright = (p < 392) === (labels[i] === 0);
        images[i * 784 + p] = Math.floor((bright ? 128 : 0) + rand() * 100);
      }
    }
    return { images, labels };
  };
  const tr = make(nTrain), te = make(nTest);
  return { name: 'mnist', trainImages: tr.images, trainLabels: tr.labels, testImages: te.images, testLabels: te.labels, shape: [28, 28, 1], imageSize: 784, numClasses: 10, mean: [0.1307], std: [0.3081] };
}

const base: TrainConfig = {
  dataset: 'mnist', model: 'ffnn100', optimizer: 'SGD', alpha0: 0.05, beta: 1e-3, momentum: 0.9, weightDecay: 1e-4,
  batchSize: 16, epochs: 2, iterations: null, seed: 1, evalEvery: null,
};

async function collect(config: TrainConfig, data: DatasetBuffers, stopAfter?: number) {
  const batches: MetricBatch[] = [];
  const states: { state: RunState; iteration: number; message?: string }[] = [];
  let checkpoints = 0;
  const spec: RunSpec = { runId: 'r1', config };
  const outcome = await train(spec, data, {
    metrics: (b) => batches.push(b),
    status: (state, iteration, _total, message) => states.push({ state, iteration, message }),
  }, { checkpoint: async () => (stopAfter !== undefined && ++checkpoints >= stopAfter ? 'stop' : 'go') }, { flushMs: 0 });
  const iteration = batches.flatMap((b) => b.train.iteration);
  const loss = batches.flatMap((b) => b.train.loss);
  const lr = batches.flatMap((b) => b.train.lr);
  const epoch = batches.flatMap((b) => b.train.epoch);
  const evals: EvalRecord[] = batches.flatMap((b) => b.evals);
  return { outcome, iteration, loss, lr, epoch, evals, states };
}

describe('trainer', () => {
  const data = toyData(100, 40);

  it('budget: epochs with a partial last batch, or iterations overriding epochs', () => {
    expect(totalIterations(base, 100)).toBe(2 * 7); // ceil(100/16) = 7 per epoch
    expect(totalIterations({ ...base, iterations: 5 }, 100)).toBe(5);
    expect(totalIterations({ ...base, batchSize: 128, epochs: 1 }, 60000)).toBe(469);
  });

  it('evaluates at epoch ends by default, every N when set, and always at the end', () => {
    const epochEnds = evalPlan({ ...base, iterations: 14 }, 100, 40);
    expect([1, 2, 7, 13, 14].filter((t) => evalDue(t, 14, epochEnds, 7))).toEqual([7, 14]);
    const every3 = evalPlan({ ...base, iterations: 10, evalEvery: 3 }, 100, 40);
    expect([1, 3, 5, 6, 7, 10].filter((t) => evalDue(t, 10, every3, 7))).toEqual([3, 6, 10]);
  });

  it('dense validation: in-between points on a fixed subset, full test set at 0, epoch ends and the end', async () => {
    // 100 training images, batch 16: 7 iterations per epoch, 14 in all; 7 points → every 2 iterations.
    // The subset: 0.05·3·14·16 / 7 = 4.8 images affordable, raised to the 250 minimum (of 400 test images).
    const data = toyData(100, 400);
    const frozen: TrainConfig = { ...base, alpha0: 0, weightDecay: 0, evalPoints: 7 };
    const plan = evalPlan(frozen, 100, 400);
    expect(plan).toEqual({ every: 2, epochEnds: true, subset: 250 });
    const r = await collect(frozen, data);
    expect(r.evals.map((e) => e.iteration)).toEqual([0, 2, 4, 6, 7, 8, 10, 12, 14]);
    // α₀ = 0: the weights never move, so every full evaluation is the same number, and so is every
    // subset one: that of the seeded subset's 250 images at the initial weights.
    const full = r.evals.filter((e) => [0, 7, 14].includes(e.iteration)).map((e) => e.valLoss);
    const sub = r.evals.filter((e) => ![0, 7, 14].includes(e.iteration)).map((e) => e.valLoss);
    expect(new Set(full).size).toBe(1);
    expect(new Set(sub).size).toBe(1);
    const net = buildNetwork('ffnn100', [28, 28, 1], 10, 1);
    const init = net.init(frozen.seed);
    const model = { params: init.params, buffers: init.buffers };
    const subset = validationSubset(data, 250, EVAL_SUBSET_SEED);
    expect(sub[0]).toBeCloseTo((await evaluate(net, model, data, subset)).loss, 6);
    expect(full[0]).toBeCloseTo((await evaluate(net, model, data)).loss, 6);
    expect(sub[0]).not.toBeCloseTo(full[0], 6);
    tf.dispose([...init.params, ...init.buffers]);
  });

  it('the validation subset: distinct test images in test order, the same for every call', () => {
    const data = toyData(10, 400);
    const a = validationSubset(data, 250, EVAL_SUBSET_SEED);
    const b = validationSubset(data, 250, EVAL_SUBSET_SEED);
    expect(a.labels.length).toBe(250);
    expect(a.images.length).toBe(250 * 784);
    expect(Buffer.from(a.images).equals(Buffer.from(b.images))).toBe(true);
    // Which images: the first 250 of the seeded permutation, sorted; image k of the subset is test image idx[k].
    const idx = [...epochPermutation(400, EVAL_SUBSET_SEED, 1).slice(0, 250)].sort((x, y) => x - y);
    expect(new Set(idx).size).toBe(250);
    idx.forEach((src, k) => {
      expect(a.labels[k]).toBe(data.testLabels[src]);
      expect(a.images[k * 784 + 5]).toBe(data.testImages[src * 784 + 5]);
    });
  });

  it('streams every iteration in order with epochs, evaluates before training and per epoch, and learns', async () => {
    const r = await collect(base, data);
    expect(r.outcome).toBe('done');
    expect(r.iteration).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
    expect(r.epoch).toEqual([...Array(7).fill(1), ...Array(7).fill(2)]);
    expect(r.evals.map((e) => e.iteration)).toEqual([0, 7, 14]);
    expect(r.evals[0].firstBatchLoss).toBeCloseTo(r.loss[0], 5); // same batch, same parameters
    // A fresh 10-class network starts near ln 10 and this toy problem is separable.
    expect(r.evals[0].valLoss).toBeGreaterThan(1.5);
    expect(r.evals[2].valLoss).toBeLessThan(r.evals[0].valLoss / 2);
    expect(r.evals[2].valAccuracy).toBeGreaterThan(0.9);
    expect(r.lr.every((a) => a === 0.05 || Math.abs(a - 0.05) < 1e-9)).toBe(true);
    expect(r.states.at(-1)).toEqual({ state: 'done', iteration: 14, message: undefined });
  });

  it('SGD and SGD-HD share initial weights and batches; HD moves α from step 2 on', async () => {
    const sgd = await collect({ ...base, iterations: 4 }, data);
    const hd = await collect({ ...base, iterations: 4, optimizer: 'SGD-HD', beta: 1e-3 }, data);
    expect(hd.loss[0]).toBe(sgd.loss[0]);
    expect(hd.lr[0]).toBeCloseTo(0.05, 7); // α unchanged at t = 1 (spec §0)
    expect(hd.lr[1]).not.toBeCloseTo(0.05, 7);
  });

  it('runs of one comparison see the same batches in the same order: SGD-HD with β = 0 is SGD, step by step', async () => {
    const cfg = { ...base, iterations: 12, batchSize: 32 }; // crosses an epoch boundary (4 batches per epoch)
    const sgd = await collect(cfg, data);
    const hd0 = await collect({ ...cfg, optimizer: 'SGD-HD', beta: 0 }, data);
    expect(hd0.loss).toEqual(sgd.loss);
    const other = await collect({ ...cfg, seed: 2 }, data);
    expect(other.loss).not.toEqual(sgd.loss); // the seed does change initial weights and order
  });

  it('marks a diverging run at the first non-finite loss and stops it', async () => {
    const r = await collect({ ...base, alpha0: 1e12, iterations: 50 }, data);
    expect(r.outcome).toBe('diverged');
    const at = r.iteration.at(-1)!;
    expect(Number.isFinite(r.loss.at(-1)!)).toBe(false);
    expect(r.loss.slice(0, -1).every(Number.isFinite)).toBe(true);
    expect(at).toBeLessThan(50);
    expect(r.states.at(-1)).toMatchObject({ state: 'diverged', iteration: at });
  });

  // Deliberately aggressive: α₀ = 1e37 puts float32 logits past their range within a few steps, for every
  // optimizer (adaptive ones step by about α₀ per coordinate). The run must be reported as diverged.
  // COCOB has no learning rate (α₀ is not read): nothing to diverge from. The learned schedule needs its
  // controller: its divergence is tested with one in learnedSchedule.test.ts.
  for (const { name } of OPTIMIZERS.filter((o) => o.alpha0Note === undefined && o.group !== 'learned')) {
    it(`reports divergence: ${name} at α₀ = 1e37`, async () => {
      const r = await collect({ ...base, optimizer: name, alpha0: 1e37, iterations: 30 }, data);
      expect(r.outcome).toBe('diverged');
      expect(r.states.at(-1)?.message).toMatch(/non-finite at iteration \d+/);
    });
  }

  it("the page's μ reaches the momentum optimizers only, and a run's own options override it", async () => {
    const cfg = { ...base, iterations: 6, momentum: 0.5 };
    const rms = await collect({ ...cfg, optimizer: 'RMSProp', alpha0: 0.01 }, data);
    const rmsNoMomentum = await collect({ ...cfg, optimizer: 'RMSProp', alpha0: 0.01, momentum: 0.9 }, data);
    expect(rms.loss).toEqual(rmsNoMomentum.loss); // RMSProp ignores the page μ (its default is 0)
    const sgdn = await collect({ ...cfg, optimizer: 'SGDN' }, data);
    const sgdnOwn = await collect({ ...cfg, optimizer: 'SGDN', momentum: 0.9, options: { momentum: 0.5 } }, data);
    expect(sgdnOwn.loss).toEqual(sgdn.loss); // per-run μ 0.5 beats the page's 0.9
  });

  it('second order: ESGD-M streams gradient evaluations and √d quantiles per layer at its Hessian steps', async () => {
    const before = tf.memory().numTensors;
    const batches: MetricBatch[] = [];
    const cfg: TrainConfig = { ...base, optimizer: 'ESGD-M', alpha0: 0.1, iterations: 25, options: { updateDEvery: 10, dWarmup: 20 } };
    await train({ runId: 'e', config: cfg }, data, { metrics: (b) => batches.push(b), status: () => undefined }, { checkpoint: async () => 'go' }, { flushMs: 0 });
    const gradEvals = batches.flatMap((b) => b.train.gradEvals ?? []);
    // An H·v on each of steps 1–20 (d_warmup), none on 21–25 (the next is due at 30).
    expect(gradEvals).toEqual(Array.from({ length: 25 }, (_, k) => (k < 20 ? 2 * (k + 1) : 20 + k + 1)));
    const curvature = batches.flatMap((b) => b.curvature ?? []);
    expect(curvature.map((c) => c.iteration)).toEqual(Array.from({ length: 20 }, (_, k) => k + 1));
    for (const c of curvature) {
      expect(c.layers.map((l) => l.layer)).toEqual(['layers.0', 'layers.1']);
      for (const l of c.layers) expect(0 <= l.q10 && l.q10 <= l.q50 && l.q50 <= l.q90 && Number.isFinite(l.q90)).toBe(true);
    }
    // The learning-rate column is ESGD-M's step size lr·(1 − 0.99^k), k Hessian steps so far.
    const lr = batches.flatMap((b) => b.train.lr);
    expect(lr[0]).toBeCloseTo(0.1 * (1 - 0.99), 7);
    expect(lr[24]).toBeCloseTo(0.1 * (1 - 0.99 ** 20), 7);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('second order: L-BFGS counts every closure call (at most max_eval per step) and learns; no leak', async () => {
    const before = tf.memory().numTensors;
    const batches: MetricBatch[] = [];
    const cfg: TrainConfig = { ...base, optimizer: 'L-BFGS', alpha0: 0.1, iterations: 12, options: { maxIter: 3, historySize: 5 } };
    await train({ runId: 'l', config: cfg }, data, { metrics: (b) => batches.push(b), status: () => undefined }, { checkpoint: async () => 'go' }, { flushMs: 0 });
    const gradEvals = batches.flatMap((b) => b.train.gradEvals ?? []);
    expect(gradEvals).toHaveLength(12);
    gradEvals.forEach((n, k) => {
      const spent = n - (k === 0 ? 0 : gradEvals[k - 1]);
      expect(spent).toBeGreaterThanOrEqual(1);
      expect(spent).toBeLessThanOrEqual(3); // max_eval = ⌊3·5/4⌋ = 3
    });
    expect(gradEvals[11]).toBeGreaterThan(12); // it did take inner iterations
    const loss = batches.flatMap((b) => b.train.loss);
    expect(loss[11]).toBeLessThan(loss[0]);
    expect(batches.some((b) => b.curvature)).toBe(false);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses settings the optimizer refuses, at the start, with the reason, leaking nothing', async () => {
    const before = tf.memory().numTensors;
    // FFNN 784-100-10: 79,510 parameters; 5,000 pairs × 2 × 4 bytes each = 2.96 GiB > 1 GiB; at most
    // ⌊2³⁰ / (8 · 79,510)⌋ = 1,688 pairs.
    await expect(collect({ ...base, optimizer: 'L-BFGS', alpha0: 1, iterations: 2, options: { historySize: 5000 } }, data)).rejects.toThrow(
      'L-BFGS: a history of 5000 pairs for 79,510 parameters needs 3.0 GiB (2 × history × parameters × 4 bytes), more than the 1 GiB allowed: set History size to 1688 or less',
    );
    await expect(collect({ ...base, optimizer: 'ESGD-M', iterations: 2, options: { lrWarmup: 1 } }, data)).rejects.toThrow('ESGD-M: Invalid lr warmup parameter: 1');
    expect(tf.memory().numTensors).toBe(before);
  });

  it("evaluates where the optimizer says: Schedule-Free at x, DoG at its average (the same loop replayed by hand)", async () => {
    for (const [optimizer, options] of [['SF-SGD', {}], ['DoG', { repsRel: 1e-3 }]] as const) {
      const cfg: TrainConfig = { ...base, optimizer, alpha0: 1, momentum: 0.9, weightDecay: 0, iterations: 8, evalEvery: 8, options };
      const r = await collect(cfg, data);
      // The loop by hand: same initial weights, batches and steps; then evaluate at evalParams and at θ.
      const net = buildNetwork('ffnn100', data.shape, data.numClasses);
      const opt = buildOptimizer(optimizer);
      let { params } = net.init(cfg.seed);
      let state = opt.init(params, hyperFor(optimizer, { alpha0: 1, momentum: 0.9, weightDecay: 0, ...options }));
      for (let t = 1; t <= 8; t++) {
        const b = batchRange(t, 100, 16);
        const g = gatherBatch(data.trainImages, data.trainLabels, data.imageSize, epochPermutation(100, cfg.seed, b.epoch), b.start, b.end);
        const { x, y } = toDeviceBatch(data, g.x, g.y);
        const s = await trainStep(opt, params, state, (ps) => crossEntropy(net.forward(ps, [], x, { training: true, seed: 0 }).logits, y, 10));
        params = s.params;
        state = s.state;
        tf.dispose([x, y, s.loss]);
      }
      const at = opt.evalParams!(params, state);
      const atEval = await evaluate(net, { params: at, buffers: [] }, data);
      const atTrain = await evaluate(net, { params, buffers: [] }, data);
      expect(r.evals.at(-1)!.valLoss, optimizer).toBe(atEval.loss);
      expect(Math.abs(atEval.loss - atTrain.loss), `${optimizer}: the evaluation point differs from the training point`).toBeGreaterThan(1e-6);
      disposeReplaced([params, state, at], []);
    }
  });

  it('stops on request and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const r = await collect({ ...base, optimizer: 'Adam-HD', alpha0: 1e-3, beta: 1e-7 }, data, 3);
    expect(r.outcome).toBe('stopped');
    expect(r.iteration.length).toBe(3);
    expect(tf.memory().numTensors).toBe(before);
    await collect({ ...base, optimizer: 'SGDN-HD', iterations: 9 }, data);
    expect(tf.memory().numTensors).toBe(before);
  });
});
