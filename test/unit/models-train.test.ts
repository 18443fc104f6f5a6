// One training step of the conv models on the WASM backend (the CLI's and CI's), checked against tfjs
// autodiff of a plain-op implementation (tf.conv2d, tf.moments, tf.maxPool) on the cpu backend.
import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor, Tensor1D, Tensor4D } from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/data/batching';
import { useNodeBackend } from '../../src/engine/nodeBackends';
import { BN_EPS, dropoutMask } from '../../src/models/batchNorm';
import { buildNetwork } from '../../src/models/build';
import { lenetPlan, vggPlan } from '../../src/models/catalog';
import { crossEntropy } from '../../src/models/mlp';
import { DROPOUT_P } from '../../src/models/vgg';
import { decisionMargin, plainConvForward } from './models-reference';
import { relErr } from './vecMath';

const CASES = [
  { name: 'lenet5' as const, shape: [28, 28, 1] as const, width: 1, n: 8 },
  { name: 'vgg16bn' as const, shape: [32, 32, 3] as const, width: 0.125, n: 4 },
];

describe('one training step on wasm', () => {
  beforeAll(async () => {
    await useNodeBackend('wasm');
  });
  afterAll(async () => {
    await useNodeBackend('cpu');
  });

  it.each(CASES)('$name: finite loss, gradients of the right shapes equal to cpu autodiff, buffers updated, no leak', async (c) => {
    await useNodeBackend('wasm');
    const seed = 3;
    const r = createRng(24); // data seed chosen for a decision margin > 1e-5 in both models (see below)
    const xv = Float32Array.from({ length: c.n * c.shape[0] * c.shape[1] * c.shape[2] }, () => 2 * r() - 1);
    const yv = Int32Array.from({ length: c.n }, (_, i) => (i * 7) % 10);
    const before = tf.memory().numTensors;

    const net = buildNetwork(c.name, c.shape, 10, c.width);
    let { params, buffers } = net.init(1);
    const paramValues = params.map((p) => Float32Array.from(p.dataSync()));
    const x = tf.tensor4d(xv, [c.n, ...c.shape]);
    const y = tf.tensor1d(yv, 'int32') as Tensor1D;
    const losses: number[] = [];
    let firstGrads: Float32Array[] = [];
    let firstBuffers: Float32Array[] = [];
    for (let step = 0; step < 2; step++) {
      let next: Tensor[] = [];
      const { value, grads } = tf.valueAndGrads((...ps: Tensor[]) => {
        const res = net.forward(ps, buffers, x, { training: true, seed: seed + step });
        next = res.buffers!;
        return crossEntropy(res.logits, y, 10) as Scalar;
      })(params);
      losses.push(value.dataSync()[0]);
      expect(grads.map((g) => g.shape)).toEqual(params.map((p) => p.shape));
      expect(next.map((b) => b.shape)).toEqual(buffers.map((b) => b.shape));
      if (step === 0) {
        firstGrads = grads.map((g) => Float32Array.from(g.dataSync()));
        firstBuffers = next.map((b) => Float32Array.from(b.dataSync()));
      }
      const updated = params.map((p, i) => tf.tidy(() => tf.sub(p, tf.mul(grads[i], 0.05))));
      tf.dispose([params, grads, buffers, value]);
      params = updated;
      buffers = next;
    }
    expect(losses.every(Number.isFinite)).toBe(true);
    // Ten classes, small random logits: the first loss is near ln 10.
    expect(Math.abs(losses[0] - Math.log(10))).toBeLessThan(1);
    tf.dispose([params, buffers, x, y]);
    expect(tf.memory().numTensors).toBe(before);

    // The oracle: autodiff of plain tfjs ops on cpu, with the same dropout masks.
    await useNodeBackend('cpu');
    const plan = c.name === 'lenet5' ? lenetPlan(c.shape, 10) : vggPlan(c.shape, 10, c.width);
    const ref = tf.tidy(() => {
      const ps = params.map((p, i) => tf.tensor(paramValues[i], p.shape));
      const xc = tf.tensor4d(xv, [c.n, ...c.shape]);
      const yc = tf.tensor1d(yv, 'int32') as Tensor1D;
      const rand = createRng(seed);
      const masks = c.name === 'vgg16bn'
        ? [0, 1].map((l) => tf.tensor2d(dropoutMask(c.n * plan.dense[l], DROPOUT_P, rand), [c.n, plan.dense[l]]))
        : [];
      // Conditioning: no ReLU input or pool-window gap within 5e-6 of a decision, so rounding cannot make
      // the two backends take different branches (a single flipped ReLU changes a channel's gradient).
      let margin = Infinity;
      plainConvForward(plan, ps, xc, masks, BN_EPS, (kind, t) => { margin = Math.min(margin, decisionMargin(kind, t)); });
      const { value, grads } = tf.valueAndGrads((...qs: Tensor[]) => crossEntropy(plainConvForward(plan, qs, xc, masks, BN_EPS), yc, 10) as Scalar)(ps);
      // First batch norm's running statistics: 0.1 of the first conv output's batch mean / unbiased variance.
      const z = tf.add(tf.conv2d(xc, ps[0] as Tensor4D, 1, 'same'), ps[1]);
      const { mean, variance } = tf.moments(z, [0, 1, 2]);
      const m = z.size / z.shape[3]!;
      return {
        margin,
        loss: value.dataSync()[0],
        grads: grads.map((g) => Float32Array.from(g.dataSync())),
        runMean: Array.from(tf.mul(mean, 0.1).dataSync()),
        runVar: Array.from(tf.add(0.9, tf.mul(variance, (0.1 * m) / (m - 1))).dataSync()),
      };
    });
    expect(ref.margin, 'test input too close to a ReLU/max-pool decision: choose another data seed').toBeGreaterThan(5e-6);
    expect(losses[0]).toBeCloseTo(ref.loss, 5);
    const maxAbs = (v: ArrayLike<number>) => Math.max(...Array.from(v, Math.abs));
    ref.grads.forEach((g, i) => {
      if (c.name === 'vgg16bn' && i < 52 && i % 4 === 1) {
        // A conv bias followed by batch norm has gradient exactly 0 (the normalisation removes any
        // per-channel shift): both sides are rounding noise, far below the layer's weight gradient.
        expect(maxAbs(firstGrads[i]), `gradient ${i}`).toBeLessThan(1e-5 * maxAbs(ref.grads[i - 1]));
      } else {
        expect(relErr(firstGrads[i], g), `gradient ${i}`).toBeLessThan(1e-4);
      }
    });
    if (c.name === 'vgg16bn') {
      expect(relErr(firstBuffers[0], ref.runMean)).toBeLessThan(1e-5);
      expect(relErr(firstBuffers[1], ref.runVar)).toBeLessThan(1e-5);
      expect(Array.from(firstBuffers[0]).some((v) => v !== 0)).toBe(true);
    } else {
      expect(firstBuffers).toEqual([]);
    }
  });
});
