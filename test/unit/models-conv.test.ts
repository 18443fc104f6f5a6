// Convolution and pooling layers with explicit gradients (src/models/conv.ts, pool.ts): the conv2d-based
// gradients against the cpu backend's native kernels and tfjs autodiff, finite differences, and the wasm
// backend (which lacks Conv2DBackpropFilter) against cpu.
import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor1D, Tensor4D } from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/data/batching';
import { useNodeBackend } from '../../src/engine/nodeBackends';
import { ownKernelsStatus, setOwnKernels } from '../../src/kernels/ownKernels';
import { channelMean, channelSum, conv2d, conv2dInput, convGradImpl, filterGrad, inputGrad, inputGradImpl, rotateFilter, setConvGradImpl } from '../../src/models/conv';
import { reluMaxPool2 } from '../../src/models/pool';
import { relErr } from './vecMath';

function rand(shape: number[], seed: number): Float32Array {
  const r = createRng(seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 2 * r() - 1);
}

const CASES = [
  { name: '3×3 same', n: 2, h: 6, w: 5, cIn: 3, cOut: 4, k: 3, pad: 1 },
  { name: '5×5 pad 2', n: 3, h: 7, w: 7, cIn: 2, cOut: 5, k: 5, pad: 2 },
  { name: '5×5 valid', n: 2, h: 9, w: 8, cIn: 3, cOut: 2, k: 5, pad: 0 },
  { name: '3×3 valid', n: 1, h: 5, w: 6, cIn: 4, cOut: 3, k: 3, pad: 0 },
];

interface Grads { dx: Float32Array | null; dw: Float32Array; db: Float32Array }

/** Gradients of Σ r·conv(x, W, b) for the layer under test, read back as arrays. */
function layerGrads(
  layer: 'conv2d' | 'conv2dInput' | 'autodiff',
  xv: Float32Array, wv: Float32Array, bv: Float32Array, rv: Float32Array,
  c: (typeof CASES)[number],
): Grads {
  let out: Grads | null = null;
  tf.tidy(() => {
    const x = tf.tensor4d(xv, [c.n, c.h, c.w, c.cIn]);
    const w = tf.tensor4d(wv, [c.k, c.k, c.cIn, c.cOut]);
    const b = tf.tensor1d(bv);
    const ho = c.h + 2 * c.pad - c.k + 1, wo = c.w + 2 * c.pad - c.k + 1;
    const r = tf.tensor4d(rv.subarray(0, c.n * ho * wo * c.cOut), [c.n, ho, wo, c.cOut]);
    if (layer === 'conv2dInput') {
      const g = tf.grads((ww: Tensor, bb: Tensor) => tf.sum(tf.mul(conv2dInput(x, ww as Tensor4D, bb as Tensor1D, c.pad), r)))([w, b]);
      out = { dx: null, dw: g[0].dataSync() as Float32Array, db: g[1].dataSync() as Float32Array };
      return;
    }
    const f = (xx: Tensor, ww: Tensor, bb: Tensor) =>
      tf.sum(tf.mul(layer === 'conv2d'
        ? conv2d(xx as Tensor4D, ww as Tensor4D, bb as Tensor1D, c.pad)
        : tf.add(tf.conv2d(xx as Tensor4D, ww as Tensor4D, 1, c.pad), bb), r));
    const g = tf.grads(f)([x, w, b]);
    out = { dx: g[0].dataSync() as Float32Array, dw: g[1].dataSync() as Float32Array, db: g[2].dataSync() as Float32Array };
  });
  return out!;
}

describe('conv layers', () => {
  beforeAll(async () => {
    await useNodeBackend('cpu');
  });
  afterEach(async () => {
    setConvGradImpl(null);
    await useNodeBackend('cpu');
  });

  it('filter gradient: the own Conv2DBackpropFilter on wasm, conv2d on cpu (slow kernel); input gradient: conv2d on both', async () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'cpu')).toBeDefined();
    expect(convGradImpl()).toBe('conv');
    expect(inputGradImpl()).toBe('conv');
    await useNodeBackend('wasm');
    expect(ownKernelsStatus()).toBe('on');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(convGradImpl()).toBe('native');
    expect(inputGradImpl()).toBe('conv');
    setOwnKernels(false);
    try {
      expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
      expect(convGradImpl()).toBe('conv');
    } finally {
      setOwnKernels(true);
    }
  });

  it.each(CASES)('filter and input gradients: conv2d-based = native kernels ($name)', (c) => {
    const ho = c.h + 2 * c.pad - c.k + 1, wo = c.w + 2 * c.pad - c.k + 1;
    const xv = rand([c.n, c.h, c.w, c.cIn], 1), dyv = rand([c.n, ho, wo, c.cOut], 2), wv = rand([c.k, c.k, c.cIn, c.cOut], 3);
    tf.tidy(() => {
      const x = tf.tensor4d(xv, [c.n, c.h, c.w, c.cIn]);
      const dy = tf.tensor4d(dyv, [c.n, ho, wo, c.cOut]);
      const w = tf.tensor4d(wv, [c.k, c.k, c.cIn, c.cOut]);
      const fNative = filterGrad(x, dy, c.k, c.pad, 'native'), fConv = filterGrad(x, dy, c.k, c.pad, 'conv');
      expect(fConv.shape).toEqual([c.k, c.k, c.cIn, c.cOut]);
      expect(relErr(fConv.dataSync(), fNative.dataSync())).toBeLessThan(1e-5);
      const iNative = inputGrad(dy, w, x.shape, c.pad, 'native'), iConv = inputGrad(dy, w, x.shape, c.pad, 'conv');
      expect(iConv.shape).toEqual(x.shape);
      expect(relErr(iConv.dataSync(), iNative.dataSync())).toBeLessThan(1e-5);
    });
  });

  it.each(CASES)('layer gradients equal tfjs autodiff of tf.conv2d, both implementations ($name)', (c) => {
    const xv = rand([c.n, c.h, c.w, c.cIn], 4), wv = rand([c.k, c.k, c.cIn, c.cOut], 5), bv = rand([c.cOut], 6);
    const rv = rand([c.n * c.h * c.w * c.cOut * 2], 7);
    const ref = layerGrads('autodiff', xv, wv, bv, rv, c);
    for (const impl of ['native', 'conv'] as const) {
      setConvGradImpl(impl);
      const before = tf.memory().numTensors;
      const g = layerGrads('conv2d', xv, wv, bv, rv, c);
      const first = layerGrads('conv2dInput', xv, wv, bv, rv, c);
      expect(tf.memory().numTensors).toBe(before);
      expect(relErr(g.dx!, ref.dx!)).toBeLessThan(1e-5);
      expect(relErr(g.dw, ref.dw)).toBeLessThan(1e-5);
      expect(relErr(g.db, ref.db)).toBeLessThan(1e-5);
      expect(relErr(first.dw, ref.dw)).toBeLessThan(1e-5);
      expect(relErr(first.db, ref.db)).toBeLessThan(1e-5);
    }
  });

  it('the first layer computes no gradient for its input', () => {
    const c = CASES[0];
    tf.tidy(() => {
      const x = tf.tensor4d(rand([c.n, c.h, c.w, c.cIn], 8), [c.n, c.h, c.w, c.cIn]);
      const w = tf.tensor4d(rand([c.k, c.k, c.cIn, c.cOut], 9), [c.k, c.k, c.cIn, c.cOut]);
      const b = tf.zeros([c.cOut]) as Tensor1D;
      expect(() => tf.grad((xx: Tensor) => tf.sum(conv2dInput(xx as Tensor4D, w, b, c.pad)))(x)).toThrow(/Cannot compute gradient/);
    });
  });

  it('matches central finite differences (conv2d-based gradients)', () => {
    setConvGradImpl('conv');
    const c = CASES[1];
    const xv = rand([c.n, c.h, c.w, c.cIn], 10), wv = rand([c.k, c.k, c.cIn, c.cOut], 11), bv = rand([c.cOut], 12);
    const rv = rand([c.n * c.h * c.w * c.cOut], 13);
    const g = layerGrads('conv2d', xv, wv, bv, rv, c);
    // L(x, W) = Σ r·(conv(x, W) + b) is linear in each argument, so a central difference is exact up to
    // float32 rounding; the loss is accumulated in float64 on the host from a float32 forward pass.
    const loss = (x: Float32Array, w: Float32Array) => tf.tidy(() => {
      const y = tf.conv2d(tf.tensor4d(x, [c.n, c.h, c.w, c.cIn]), tf.tensor4d(w, [c.k, c.k, c.cIn, c.cOut]), 1, c.pad).dataSync();
      let s = 0;
      for (let i = 0; i < y.length; i++) s += rv[i] * (y[i] + bv[i % c.cOut]);
      return s;
    });
    const eps = 0.05;
    for (const [which, idx] of [['w', 7], ['w', 123], ['x', 40], ['x', 200]] as const) {
      const plus = Float32Array.from(which === 'w' ? wv : xv), minus = Float32Array.from(which === 'w' ? wv : xv);
      plus[idx] += eps;
      minus[idx] -= eps;
      const fd = which === 'w' ? (loss(xv, plus) - loss(xv, minus)) / (2 * eps) : (loss(plus, wv) - loss(minus, wv)) / (2 * eps);
      const analytic = which === 'w' ? g.dw[idx] : g.dx![idx];
      expect(Math.abs(fd - analytic)).toBeLessThan(1e-4 * Math.max(1, Math.abs(fd)));
    }
  });

  it('on wasm, the layer gradients equal the cpu native kernels', async () => {
    const c = { n: 4, h: 8, w: 8, cIn: 5, cOut: 6, k: 3, pad: 1 };
    const xv = rand([c.n, c.h, c.w, c.cIn], 14), wv = rand([c.k, c.k, c.cIn, c.cOut], 15), bv = rand([c.cOut], 16);
    const rv = rand([c.n * c.h * c.w * c.cOut], 17);
    const ref = layerGrads('autodiff', xv, wv, bv, rv, c as never);
    await useNodeBackend('wasm');
    const before = tf.memory().numTensors;
    const g = layerGrads('conv2d', xv, wv, bv, rv, c as never);
    const first = layerGrads('conv2dInput', xv, wv, bv, rv, c as never);
    expect(tf.memory().numTensors).toBe(before);
    expect(relErr(g.dx!, ref.dx!)).toBeLessThan(1e-5);
    expect(relErr(g.dw, ref.dw)).toBeLessThan(1e-5);
    expect(relErr(g.db, ref.db)).toBeLessThan(1e-5);
    expect(relErr(first.dw, ref.dw)).toBeLessThan(1e-5);
  });

  it('rotates filters and sums channels exactly', async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      await useNodeBackend(backend);
      tf.tidy(() => {
        const w = tf.tensor4d(rand([3, 3, 2, 4], 18), [3, 3, 2, 4]);
        expect(Array.from(rotateFilter(w).dataSync())).toEqual(Array.from(tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]).dataSync()));
        // Channel sums of a [2, 3, 4, 5] tensor whose value encodes its channel: x = c + 1/(1 + index).
        const v = Float32Array.from({ length: 120 }, (_, i) => (i % 5) + 1 / (1 + i));
        const want = [0, 1, 2, 3, 4].map((ch) => v.filter((_, i) => i % 5 === ch).reduce((a, b) => a + b, 0));
        const got = channelSum(tf.tensor4d(v, [2, 3, 4, 5])).dataSync();
        const mean = channelMean(tf.tensor4d(v, [2, 3, 4, 5])).dataSync();
        for (let ch = 0; ch < 5; ch++) {
          expect(got[ch]).toBeCloseTo(want[ch], 4);
          expect(mean[ch]).toBeCloseTo(want[ch] / 24, 6);
        }
      });
    }
  });

  it('fused ReLU + 2×2 max-pool: forward and gradient equal autodiff of maxPool(relu(z)) on cpu, and on wasm', async () => {
    const shape = [3, 6, 8, 4] as [number, number, number, number];
    const zv = rand(shape, 19); // distinct values: no ties
    const dyv = rand([3, 3, 4, 4], 20);
    const run = (fused: boolean) => tf.tidy(() => {
      const z = tf.tensor4d(zv, shape);
      const dy = tf.tensor4d(dyv, [3, 3, 4, 4]);
      const f = (t: Tensor) => (fused ? reluMaxPool2(t as Tensor4D) : tf.maxPool(tf.relu(t as Tensor4D), 2, 2, 'valid'));
      // + 0 turns −0 into 0: the kernels differ in the sign of their zeros.
      return { y: Array.from(f(z).dataSync(), (v) => v + 0), dz: Array.from(tf.grad(f)(z, dy).dataSync(), (v) => v + 0) };
    });
    const ref = run(false);
    const cpu = run(true);
    expect(cpu.y).toEqual(ref.y);
    expect(cpu.dz).toEqual(ref.dz);
    // Hand check of one window: the gradient sits on the window's maximum, and only if it is positive.
    const nz = cpu.dz.filter((v) => v !== 0).length;
    const positiveWindows = ref.y.filter((v) => v > 0).length;
    expect(nz).toBe(positiveWindows);
    await useNodeBackend('wasm');
    const wasm = run(true);
    expect(wasm.y).toEqual(ref.y);
    expect(wasm.dz).toEqual(ref.dz);
  });
});
