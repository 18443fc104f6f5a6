// Batch norm (torch semantics) and seeded dropout (src/models/batchNorm.ts).
import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor1D, Tensor4D } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/data/batching';
import { useNodeBackend } from '../../src/engine/nodeBackends';
import { BN_EPS, batchNormEval, batchNormTrain, dropout, dropoutMask } from '../../src/models/batchNorm';

// x [n=2, h=1, w=2, c=2] laid out (n, w, c): channel 0 holds 1, 3, 5, 7; channel 1 holds 10, 20, 30, 40.
const X = [1, 10, 3, 20, 5, 30, 7, 40];
const GAMMA = [2, 0.5];
const BETA = [1, -1];
// Channel 0: mean 4, biased variance (9+1+1+9)/4 = 5, unbiased 20/3.
// Channel 1: mean 25, biased variance (225+25+25+225)/4 = 125, unbiased 500/3.
const MEAN = [4, 25];
const VAR = [5, 125];
const UNBIASED = [20 / 3, 500 / 3];

function close(actual: ArrayLike<number>, expected: number[], digits = 5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i], digits);
}

function tensors() {
  return {
    x: tf.tensor4d(X, [2, 1, 2, 2]),
    g: tf.tensor1d(GAMMA),
    b: tf.tensor1d(BETA),
    rm: tf.tensor1d([0, 0]),
    rv: tf.tensor1d([1, 1]),
  };
}

describe('batch norm', () => {
  beforeAll(async () => {
    await useNodeBackend('cpu');
  });

  it('training: normalises with the batch mean and biased variance; running stats take 0.1 of the batch (unbiased variance)', () => {
    const before = tf.memory().numTensors;
    const { y, rm, rv } = tf.tidy(() => {
      const t = tensors();
      const r = batchNormTrain(t.x, t.g, t.b, t.rm, t.rv);
      return { y: Array.from(r.y.dataSync()), rm: r.runningMean, rv: r.runningVar };
    });
    const want = X.map((v, i) => GAMMA[i % 2] * (v - MEAN[i % 2]) / Math.sqrt(VAR[i % 2] + BN_EPS) + BETA[i % 2]);
    close(y, want);
    expect(y[0]).toBeCloseTo(2 * -3 / Math.sqrt(5.00001) + 1, 5); // −1.683282…
    // new = 0.9·old + 0.1·batch: mean 0.9·0 + 0.1·[4, 25]; var 0.9·1 + 0.1·[20/3, 500/3].
    expect(rm.shape).toEqual([2]);
    close(rm.dataSync(), [0.4, 2.5]);
    close(rv.dataSync(), [0.9 + 0.1 * UNBIASED[0], 0.9 + 0.1 * UNBIASED[1]], 4);
    // The new running statistics survive the tidy (tf.keep) and are the only tensors left.
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose([rm, rv]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('evaluation uses the running statistics, so it differs from training', () => {
    const { fresh, updated, train } = tf.tidy(() => {
      const t = tensors();
      const tr = batchNormTrain(t.x, t.g, t.b, t.rm, t.rv);
      const out = {
        fresh: Array.from(batchNormEval(t.x, t.g, t.b, t.rm, t.rv).dataSync()),
        updated: Array.from(batchNormEval(t.x, t.g, t.b, tr.runningMean, tr.runningVar).dataSync()),
        train: Array.from(tr.y.dataSync()),
      };
      tf.dispose([tr.runningMean, tr.runningVar]);
      return out;
    });
    // Running mean 0, var 1: y = γ·x/√(1+eps) + β.
    close(fresh, X.map((v, i) => GAMMA[i % 2] * v / Math.sqrt(1 + BN_EPS) + BETA[i % 2]), 4);
    const rm = [0.4, 2.5], rv = [0.9 + 0.1 * UNBIASED[0], 0.9 + 0.1 * UNBIASED[1]];
    close(updated, X.map((v, i) => GAMMA[i % 2] * (v - rm[i % 2]) / Math.sqrt(rv[i % 2] + BN_EPS) + BETA[i % 2]), 4);
    expect(Math.abs(fresh[0] - train[0])).toBeGreaterThan(1);
    expect(Math.abs(updated[0] - train[0])).toBeGreaterThan(0.1);
  });

  it('gradients equal autodiff of the textbook formula (tf.moments), on cpu and wasm', async () => {
    const shape: [number, number, number, number] = [3, 4, 5, 6];
    const r = createRng(3);
    const xv = Float32Array.from({ length: 360 }, () => 3 * r() - 1);
    const wv = Float32Array.from({ length: 360 }, () => 2 * r() - 1);
    const gv = Float32Array.from({ length: 6 }, () => 0.5 + r());
    const bv = Float32Array.from({ length: 6 }, () => r() - 0.5);
    const grads = (custom: boolean) => tf.tidy(() => {
      const x = tf.tensor4d(xv, shape), g = tf.tensor1d(gv), b = tf.tensor1d(bv), w = tf.tensor4d(wv, shape);
      const rm = tf.zeros([6]), rv = tf.ones([6]);
      const f = (xx: Tensor, gg: Tensor, bb: Tensor) => {
        let y: Tensor;
        if (custom) {
          const res = batchNormTrain(xx as Tensor4D, gg as Tensor1D, bb as Tensor1D, rm, rv);
          tf.dispose([res.runningMean, res.runningVar]);
          y = res.y;
        } else {
          const { mean, variance } = tf.moments(xx, [0, 1, 2]);
          y = tf.add(tf.mul(tf.div(tf.sub(xx, mean), tf.sqrt(tf.add(variance, BN_EPS))), gg), bb);
        }
        return tf.sum(tf.mul(tf.square(y), w)); // a loss that is not invariant to the normalisation
      };
      return tf.grads(f)([x, g, b]).map((t) => Array.from(t.dataSync()));
    });
    const ref = grads(false);
    const relErr = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i]))) / Math.max(...b.map(Math.abs));
    const cpu = grads(true);
    for (let k = 0; k < 3; k++) expect(relErr(cpu[k], ref[k])).toBeLessThan(1e-5);
    await useNodeBackend('wasm');
    const before = tf.memory().numTensors;
    const wasm = grads(true);
    expect(tf.memory().numTensors).toBe(before);
    for (let k = 0; k < 3; k++) expect(relErr(wasm[k], ref[k])).toBeLessThan(1e-5);
    await useNodeBackend('cpu');
  });
});

describe('dropout', () => {
  it('masks are 0 or 1/(1−p), reproducible from the seed, and keep the mean', () => {
    const a = dropoutMask(100_000, 0.5, createRng(42));
    const b = dropoutMask(100_000, 0.5, createRng(42));
    const c = dropoutMask(100_000, 0.5, createRng(43));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(new Set(a)).toEqual(new Set([0, 2]));
    const zeros = a.filter((v) => v === 0).length / a.length;
    // Binomial(100000, 0.5): sd of the fraction 0.0016; 5 sd = 0.008.
    expect(Math.abs(zeros - 0.5)).toBeLessThan(0.008);
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    expect(Math.abs(mean - 1)).toBeLessThan(0.016);
    // Masks of two different seeds agree on about half the units.
    const agree = a.filter((v, i) => v === c[i]).length / a.length;
    expect(Math.abs(agree - 0.5)).toBeLessThan(0.008);
  });

  it('applies the mask to a batch', async () => {
    await useNodeBackend('cpu');
    const out = tf.tidy(() => Array.from(dropout(tf.fill([4, 5], 3) as tf.Tensor2D, 0.5, createRng(7)).dataSync()));
    const mask = dropoutMask(20, 0.5, createRng(7));
    expect(out).toEqual(Array.from(mask, (m) => 3 * m));
  });
});
