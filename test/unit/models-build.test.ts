// buildNetwork (src/models/build.ts): parameter shapes against the catalog, initial values (the MLP family
// bit for bit as mlp.ts; the conv models' distributions), forward passes against plain-JS references,
// dropout determinism and tensor hygiene. cpu backend.
import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/data/batching';
import type { ModelName } from '../../src/engine/types';
import { useNodeBackend } from '../../src/engine/nodeBackends';
import { buildNetwork } from '../../src/models/build';
import { BN_EPS } from '../../src/models/batchNorm';
import { WIDTHS, lenetPlan, mlpLayers, parameterCount, vggPlan } from '../../src/models/catalog';
import { forward as mlpForward, initTorchLayout, toTensors } from '../../src/models/mlp';
import { normalSource } from '../../src/models/init';
import * as ref from './models-reference';

const MNIST = [28, 28, 1] as const;
const CIFAR = [32, 32, 3] as const;

function sizes(ts: readonly Tensor[]): number {
  return ts.reduce((n, t) => n + t.size, 0);
}

function randomImages(n: number, shape: readonly [number, number, number], seed: number): Float32Array {
  const r = createRng(seed);
  return Float32Array.from({ length: n * shape[0] * shape[1] * shape[2] }, () => 2 * r() - 1);
}

function stats(v: ArrayLike<number>): { mean: number; sd: number; maxAbs: number } {
  let s = 0, s2 = 0, m = 0;
  for (let i = 0; i < v.length; i++) {
    s += v[i];
    s2 += v[i] * v[i];
    m = Math.max(m, Math.abs(v[i]));
  }
  const mean = s / v.length;
  return { mean, sd: Math.sqrt(s2 / v.length - mean * mean), maxAbs: m };
}

describe('buildNetwork', () => {
  beforeAll(async () => {
    await useNodeBackend('cpu');
  });

  it('builds tensors whose sizes match parameterCount for every model, shape and width', () => {
    const cases: [ModelName, readonly [number, number, number], number][] = [];
    for (const m of ['logreg', 'ffnn100', 'mlp', 'mlp3', 'lenet5'] as const) for (const s of [MNIST, CIFAR]) cases.push([m, s, 1]);
    for (const w of WIDTHS) if (w !== 1) cases.push(['vgg16bn', CIFAR, w]); // width 1: in the init test below
    const before = tf.memory().numTensors;
    for (const [name, shape, width] of cases) {
      const { params, buffers } = buildNetwork(name, shape, 10, width).init(1);
      expect(sizes(params), `${name} ${shape.join('×')} w${width}`).toBe(parameterCount(name, shape, 10, width));
      if (name === 'vgg16bn') {
        expect(params).toHaveLength(13 * 4 + 3 * 2);
        expect(buffers).toHaveLength(13 * 2);
        // Buffers mirror the BN parameters' shapes: [running_mean, running_var] per BN.
        for (let i = 0; i < 13; i++) {
          expect(buffers[2 * i].shape).toEqual(params[4 * i + 2].shape);
          expect(buffers[2 * i + 1].shape).toEqual(params[4 * i + 3].shape);
        }
      } else {
        expect(buffers).toEqual([]);
      }
      tf.dispose([params, buffers]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('puts the parameters in torch order with tfjs layouts', () => {
    const lenet = buildNetwork('lenet5', MNIST, 10).init(1);
    expect(lenet.params.map((t) => t.shape)).toEqual([
      [5, 5, 1, 6], [6], [5, 5, 6, 16], [16], [400, 120], [120], [120, 84], [84], [84, 10], [10],
    ]);
    const vgg = buildNetwork('vgg16bn', CIFAR, 10, 0.125).init(1);
    expect(vgg.params.slice(0, 8).map((t) => t.shape)).toEqual([[3, 3, 3, 8], [8], [8], [8], [3, 3, 8, 8], [8], [8], [8]]);
    expect(vgg.params.slice(-6).map((t) => t.shape)).toEqual([[64, 64], [64], [64, 64], [64], [64, 10], [10]]);
    tf.dispose([lenet.params, vgg.params, vgg.buffers]);
  });

  it('refuses shapes and widths the catalog rejects', () => {
    expect(() => buildNetwork('vgg16bn', MNIST, 10)).toThrow('VGG-16-BN needs 32×32×3 images (CIFAR-10); this dataset has 28×28×1.');
    expect(() => buildNetwork('lenet5', [64, 64, 3], 10)).toThrow(/LeNet-5 needs/);
    expect(() => buildNetwork('vgg16bn', CIFAR, 10, 0.3)).toThrow(/width multiplier must be one of 1, 0.5, 0.25, 0.125/);
    expect(() => buildNetwork('mlp', MNIST, 10, 2)).toThrow(/width/);
    expect(() => buildNetwork('nope' as ModelName, MNIST, 10)).toThrow(/Unknown model/);
  });

  it('MLP family: initial weights bit for bit those of initTorchLayout + toTensors, same forward pass', () => {
    for (const name of ['logreg', 'ffnn100', 'mlp'] as const) {
      for (const shape of [MNIST, CIFAR]) {
        const layers = mlpLayers(name, shape, 10);
        const want = toTensors(layers, initTorchLayout(layers, createRng(5)));
        const net = buildNetwork(name, shape, 10);
        const got = net.init(5);
        expect(got.params.length).toBe(want.length);
        for (let i = 0; i < want.length; i++) {
          expect(got.params[i].shape).toEqual(want[i].shape);
          expect(Buffer.from((got.params[i].dataSync() as Float32Array).buffer).equals(Buffer.from((want[i].dataSync() as Float32Array).buffer))).toBe(true);
        }
        if (name === 'ffnn100' && shape === MNIST) {
          const xv = randomImages(3, shape, 6);
          tf.tidy(() => {
            const x = tf.tensor4d(xv, [3, ...shape]);
            const a = net.forward(got.params, got.buffers, x, { training: true, seed: 1 });
            expect(a.buffers).toEqual([]);
            const b = net.forward(got.params, got.buffers, x, { training: false });
            expect(b.buffers).toBeNull();
            const c = mlpForward(want, tf.reshape(x, [3, 784]) as tf.Tensor2D);
            expect(Array.from(a.logits.dataSync())).toEqual(Array.from(c.dataSync()));
            expect(Array.from(b.logits.dataSync())).toEqual(Array.from(c.dataSync()));
          });
        }
        tf.dispose([got.params, want]);
      }
    }
  });

  it('Box–Muller normals have mean 0, sd 1 and the normal 68/95 % mass', () => {
    const z = Array.from({ length: 200_000 }, normalSource(createRng(9)));
    const s = stats(z);
    expect(Math.abs(s.mean)).toBeLessThan(0.01); // sd of the mean 0.0022
    expect(Math.abs(s.sd - 1)).toBeLessThan(0.01);
    expect(Math.abs(z.filter((v) => Math.abs(v) < 1).length / z.length - 0.6827)).toBeLessThan(0.005);
    expect(Math.abs(z.filter((v) => Math.abs(v) < 2).length / z.length - 0.9545)).toBeLessThan(0.003);
  });

  it('VGG-16-BN init: conv N(0, 2/(9·C_out)), zero bias, BN 1/0, running 0/1, Linear U(±1/√fan_in)', () => {
    const plan = vggPlan(CIFAR, 10, 1);
    const { params, buffers } = buildNetwork('vgg16bn', CIFAR, 10, 1).init(1);
    expect(sizes(params)).toBe(parameterCount('vgg16bn', CIFAR, 10, 1));
    expect(buffers).toHaveLength(26);
    let i = 0;
    for (const f of plan.features) {
      if (f.kind !== 'conv') continue;
      const w = stats(params[4 * i].dataSync());
      const want = Math.sqrt(2 / (9 * f.outChannels));
      const n = params[4 * i].size;
      // Sample sd of n normals: relative sd ≈ 1/√(2n); allow 5 of those (first layer n = 1728: 8.5 %).
      expect(Math.abs(w.sd / want - 1), `conv ${i} sd`).toBeLessThan(5 / Math.sqrt(2 * n));
      expect(Math.abs(w.mean), `conv ${i} mean`).toBeLessThan((5 * want) / Math.sqrt(n));
      expect(stats(params[4 * i + 1].dataSync()).maxAbs).toBe(0);
      expect(Array.from(params[4 * i + 2].dataSync()).every((v) => v === 1)).toBe(true);
      expect(stats(params[4 * i + 3].dataSync()).maxAbs).toBe(0);
      expect(stats(buffers[2 * i].dataSync()).maxAbs).toBe(0);
      expect(Array.from(buffers[2 * i + 1].dataSync()).every((v) => v === 1)).toBe(true);
      i++;
    }
    for (let l = 0; l < 3; l++) {
      const w = params[52 + 2 * l], b = params[52 + 2 * l + 1];
      const bound = 1 / Math.sqrt(w.shape[0]);
      const sw = stats(w.dataSync());
      expect(sw.maxAbs).toBeLessThanOrEqual(bound);
      expect(Math.abs(sw.sd / (bound / Math.sqrt(3)) - 1)).toBeLessThan(0.02); // U(±a) has sd a/√3
      expect(stats(b.dataSync()).maxAbs).toBeLessThanOrEqual(bound);
    }
    // Same seed, same values; another seed, other values.
    const again = buildNetwork('vgg16bn', CIFAR, 10, 0.125).init(1);
    const again2 = buildNetwork('vgg16bn', CIFAR, 10, 0.125).init(1);
    const other = buildNetwork('vgg16bn', CIFAR, 10, 0.125).init(2);
    expect(Array.from(again.params[4].dataSync())).toEqual(Array.from(again2.params[4].dataSync()));
    expect(Array.from(again.params[4].dataSync())).not.toEqual(Array.from(other.params[4].dataSync()));
    tf.dispose([params, buffers, again.params, again.buffers, again2.params, again2.buffers, other.params, other.buffers]);
  });

  it('LeNet-5 init: U(±1/√fan_in) with fan_in = C_in·25 for the convs', () => {
    const { params } = buildNetwork('lenet5', CIFAR, 10).init(3);
    const bounds = [1 / Math.sqrt(75), 1 / Math.sqrt(75), 1 / Math.sqrt(150), 1 / Math.sqrt(150), 1 / Math.sqrt(400), 1 / Math.sqrt(400)];
    bounds.forEach((bound, k) => {
      const s = stats(params[k].dataSync());
      expect(s.maxAbs).toBeLessThanOrEqual(bound);
      expect(s.maxAbs).toBeGreaterThan(0.8 * bound);
    });
    tf.dispose(params);
  });

  it.each([
    ['28×28×1 (padding 2)', MNIST],
    ['32×32×3 (no padding)', CIFAR],
  ] as const)('LeNet-5 forward on %s equals a plain-JS torch-layout reference', (_, shape) => {
    const net = buildNetwork('lenet5', shape, 10);
    const { params } = net.init(11);
    const plan = lenetPlan(shape, 10);
    const xv = randomImages(2, shape, 12);
    const before = tf.memory().numTensors;
    const logits = tf.tidy(() => Array.from(net.forward(params, [], tf.tensor4d(xv, [2, ...shape]), { training: false }).logits.dataSync()));
    expect(tf.memory().numTensors).toBe(before);
    const pv = params.map((t) => t.dataSync());
    const [c1, , c2] = plan.features.map((f) => (f.kind === 'conv' ? f : null));
    for (let e = 0; e < 2; e++) {
      const img: ref.Image = { v: Float64Array.from(xv.subarray(e * xv.length / 2, (e + 1) * xv.length / 2)), h: shape[0], w: shape[1], c: shape[2] };
      let h = ref.maxPool2(ref.relu(ref.conv(img, ref.torchConvWeight(pv[0], 5, shape[2], 6), pv[1], 6, 5, c1!.pad)));
      h = ref.maxPool2(ref.relu(ref.conv(h, ref.torchConvWeight(pv[2], 5, 6, 16), pv[3], 16, 5, c2!.pad)));
      expect([h.h, h.w, h.c]).toEqual([5, 5, 16]);
      let v = ref.flattenCHW(h);
      v = ref.linear(v, ref.torchLinearWeight(pv[4], 400, 120), pv[5]).map((z) => Math.max(0, z));
      v = ref.linear(v, ref.torchLinearWeight(pv[6], 120, 84), pv[7]).map((z) => Math.max(0, z));
      v = ref.linear(v, ref.torchLinearWeight(pv[8], 84, 10), pv[9]);
      for (let k = 0; k < 10; k++) expect(logits[e * 10 + k]).toBeCloseTo(v[k], 5);
    }
    tf.dispose(params);
  });

  it('VGG-16-BN (width 1/8) evaluation forward equals a plain-JS reference with nontrivial running statistics', () => {
    const net = buildNetwork('vgg16bn', CIFAR, 10, 0.125);
    const plan = vggPlan(CIFAR, 10, 0.125);
    const init = net.init(13);
    // Replace BN parameters and running statistics by random ones so evaluation mode is exercised.
    const r = createRng(14);
    const params = init.params.map((t, i) => (i < 52 && i % 4 >= 2 ? tf.tensor1d(Array.from({ length: t.size }, () => (i % 4 === 2 ? 0.5 + r() : r() - 0.5))) : t));
    const buffers = init.buffers.map((t, i) => tf.tensor1d(Array.from({ length: t.size }, () => (i % 2 === 0 ? r() - 0.5 : 0.5 + r()))));
    tf.dispose(init.buffers);
    tf.dispose(init.params.filter((t, i) => params[i] !== t));
    const xv = randomImages(2, CIFAR, 15);
    const logits = tf.tidy(() => Array.from(net.forward(params, buffers, tf.tensor4d(xv, [2, ...CIFAR]), { training: false }).logits.dataSync()));
    const pv = params.map((t) => t.dataSync());
    const bv = buffers.map((t) => t.dataSync());
    for (let e = 0; e < 2; e++) {
      let h: ref.Image = { v: Float64Array.from(xv.subarray(e * 3072, (e + 1) * 3072)), h: 32, w: 32, c: 3 };
      let i = 0;
      for (const f of plan.features) {
        if (f.kind === 'pool') {
          h = ref.maxPool2(h);
          continue;
        }
        h = ref.conv(h, ref.torchConvWeight(pv[4 * i], 3, f.inChannels, f.outChannels), pv[4 * i + 1], f.outChannels, 3, 1);
        h = ref.relu(ref.batchNorm(h, pv[4 * i + 2], pv[4 * i + 3], bv[2 * i], bv[2 * i + 1], BN_EPS));
        i++;
      }
      let v = ref.flattenCHW(h);
      v = ref.linear(v, ref.torchLinearWeight(pv[52], 64, 64), pv[53]).map((z) => Math.max(0, z));
      v = ref.linear(v, ref.torchLinearWeight(pv[54], 64, 64), pv[55]).map((z) => Math.max(0, z));
      v = ref.linear(v, ref.torchLinearWeight(pv[56], 64, 10), pv[57]);
      const scale = Math.max(...v.map(Math.abs));
      for (let k = 0; k < 10; k++) expect(Math.abs(logits[e * 10 + k] - v[k])).toBeLessThan(1e-4 * scale);
    }
    tf.dispose([params, buffers]);
  });

  it('VGG-16-BN dropout: off in evaluation, the same masks for the same seed, others for another', () => {
    const net = buildNetwork('vgg16bn', CIFAR, 10, 0.125);
    const { params, buffers } = net.init(1);
    const xv = randomImages(4, CIFAR, 16);
    const before = tf.memory().numTensors;
    const run = (mode: { training: true; seed: number } | { training: false }) => tf.tidy(() => {
      const res = net.forward(params, buffers, tf.tensor4d(xv, [4, ...CIFAR]), mode);
      const out = Array.from(res.logits.dataSync());
      if (res.buffers) tf.dispose(res.buffers);
      return out;
    });
    const e1 = run({ training: false }), e2 = run({ training: false });
    const t1 = run({ training: true, seed: 7 }), t2 = run({ training: true, seed: 7 }), t3 = run({ training: true, seed: 8 });
    expect(tf.memory().numTensors).toBe(before);
    expect(e1).toEqual(e2);
    expect(t1).toEqual(t2);
    expect(t1).not.toEqual(t3);
    expect(t1).not.toEqual(e1);
    tf.dispose([params, buffers]);
  });

  it('leaves no tensors behind: init + dispose, forward in tidy, training buffers disposed by the caller', () => {
    const before = tf.memory().numTensors;
    for (const [name, shape] of [['lenet5', MNIST], ['vgg16bn', CIFAR], ['mlp', MNIST]] as const) {
      const net = buildNetwork(name, shape, 10, name === 'vgg16bn' ? 0.125 : 1);
      const m = net.init(1);
      const x = tf.tensor4d(randomImages(2, shape, 1), [2, ...shape]);
      const mid = tf.memory().numTensors;
      const kept = tf.tidy(() => {
        const r = net.forward(m.params, m.buffers, x as Tensor4D, { training: true, seed: 1 });
        expect(r.buffers!.length).toBe(m.buffers.length);
        r.buffers!.forEach((b, i) => expect(b.shape).toEqual(m.buffers[i].shape));
        return r.buffers!;
      });
      expect(tf.memory().numTensors).toBe(mid + kept.length);
      tf.dispose(kept);
      tf.dispose([m.params, m.buffers, x]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
