// ResNet-18 (src/models/resnet.ts, catalog resnetPlan), its strided convolution (conv.ts conv2dStrided,
// rop/conv.ts conv2dStridedR) and residual R-op (rop/residual.ts), and the MLP3 of the learned-schedule
// reference: parameter counts against the published ones, shapes, a float64 plain-JS reference of the
// forward pass, gradients and H·v against float64 finite differences, training steps, no tensor leaks.
import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor, Tensor1D, Tensor4D } from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/data/batching';
import { useNodeBackend } from '../../src/engine/nodeBackends';
import { BN_EPS } from '../../src/models/batchNorm';
import { buildNetwork } from '../../src/models/build';
import { forwardMacs, mlpLayers, modelFits, modelInfo, parameterCount, resnetConvs, resnetPlan, WIDTHS, type ConvBnSpec } from '../../src/models/catalog';
import { conv2dStrided, setConvGradImpl, strideUpsample } from '../../src/models/conv';
import { crossEntropy } from '../../src/models/mlp';
import type { RLayer } from '../../src/models/rop/chain';
import { conv2dStridedR } from '../../src/models/rop/conv';
import { reluR } from '../../src/models/rop/dense';
import { globalAvgPoolR, residualR } from '../../src/models/rop/residual';
import { crossEntropy64, Decisions, expectLinearSymmetric, fdMixed, netHvp, problemPoint, type Loss64, type Problem } from './hvpHelpers';
import type { Image } from './models-reference';
import { direction, dot, norm, relErr, uniform, type Vec } from './vecMath';

const MNIST: [number, number, number] = [28, 28, 1];
const CIFAR: [number, number, number] = [32, 32, 3];

// ---- float64 reference (one image [h][w][c], channels last; weights in tfjs layout) ----

/** out[y][x][o] = Σ_{i,a,b} W[a][b][i][o]·in[s·y+a−p][s·x+b−p][i] (zero outside); W in tfjs layout [k, k, cIn, cOut]. */
function conv64(img: Image, w: ArrayLike<number>, k: number, cOut: number, stride: number, pad: number): Image {
  const h = Math.floor((img.h + 2 * pad - k) / stride) + 1, wd = Math.floor((img.w + 2 * pad - k) / stride) + 1;
  const v = new Float64Array(h * wd * cOut);
  for (let y = 0; y < h; y++) for (let x = 0; x < wd; x++) {
    const o0 = (y * wd + x) * cOut;
    for (let a = 0; a < k; a++) {
      const yy = stride * y + a - pad;
      if (yy < 0 || yy >= img.h) continue;
      for (let b = 0; b < k; b++) {
        const xx = stride * x + b - pad;
        if (xx < 0 || xx >= img.w) continue;
        for (let i = 0; i < img.c; i++) {
          const xi = img.v[(yy * img.w + xx) * img.c + i];
          const wb = ((a * k + b) * img.c + i) * cOut;
          for (let o = 0; o < cOut; o++) v[o0 + o] += xi * w[wb + o];
        }
      }
    }
  }
  return { v, h, w: wd, c: cOut };
}

/** Float64 ResNet loss: batch statistics (biased variance) in training mode, `running` [mean, var] per BN otherwise. */
function resnetLoss64(shape: [number, number, number], width: number, images: Image[], labels: readonly number[], running?: Vec): Loss64 {
  const plan = resnetPlan(shape, 10, width);
  const units = resnetConvs(plan);
  const idx = new Map<ConvBnSpec, number>(units.map((u, i) => [u, i]));
  return (theta) => {
    const d = new Decisions();
    const unit = (u: ConvBnSpec, imgs: Image[]): Image[] => {
      const i = idx.get(u)!;
      const out = imgs.map((img) => conv64(img, theta[3 * i], u.kernel, u.outChannels, u.stride, u.pad));
      const c = u.outChannels;
      let mean: ArrayLike<number>, variance: ArrayLike<number>;
      if (running) [mean, variance] = [running[2 * i], running[2 * i + 1]];
      else {
        const m = new Float64Array(c), s = new Float64Array(c), count = out.length * out[0].h * out[0].w;
        for (const img of out) img.v.forEach((x, j) => (m[j % c] += x / count));
        for (const img of out) img.v.forEach((x, j) => (s[j % c] += (x - m[j % c]) ** 2 / count));
        [mean, variance] = [m, s];
      }
      const g = theta[3 * i + 1], b = theta[3 * i + 2];
      return out.map((img) => ({ ...img, v: img.v.map((x, j) => ((x - mean[j % c]) / Math.sqrt(variance[j % c] + BN_EPS)) * g[j % c] + b[j % c]) }));
    };
    const relu = (imgs: Image[]) => imgs.map((img) => ({ ...img, v: img.v.map((z) => d.relu(z)) }));
    let h = relu(unit(plan.stem, images));
    for (const blk of plan.blocks) {
      const main = unit(blk.conv2, relu(unit(blk.conv1, h)));
      const sc = blk.shortcut ? unit(blk.shortcut, h) : h;
      h = relu(main.map((img, e) => ({ ...img, v: img.v.map((x, j) => x + sc[e].v[j]) })));
    }
    const [features, classes] = plan.dense;
    const w = theta[theta.length - 2], bias = theta[theta.length - 1];
    const logits = h.map((img) => {
      const pooled = new Float64Array(features);
      img.v.forEach((x, j) => (pooled[j % features] += x / (img.h * img.w)));
      const z = Float64Array.from(bias);
      for (let i = 0; i < features; i++) for (let o = 0; o < classes; o++) z[o] += pooled[i] * w[i * classes + o];
      return z;
    });
    return { loss: crossEntropy64(logits, labels), d, logits };
  };
}

/** ResNet-18 at its seeded initial point, the 1-D tensors (BN γ, β, linear bias) moved off 1/0. */
function problem(shape: [number, number, number], n: number, seed: number, width: number, training = true): Problem {
  const { images, ...point } = problemPoint('resnet18', shape, n, seed, width);
  const loss = resnetLoss64(shape, width, images, point.labels, training ? undefined : point.buffers);
  return { ...point, mode: training ? { training: true, seed: 1 } : { training: false }, loss };
}

function withTensors<T>(p: Problem, theta: Vec, f: (params: Tensor[], buffers: Tensor[], x: Tensor4D, labels: Tensor1D) => T): T {
  const params = theta.map((t, i) => tf.tensor(Float32Array.from(t), p.shapes[i]));
  const buffers = p.buffers.map((t) => tf.tensor1d(Float32Array.from(t)));
  const x = tf.tensor4d(p.x, p.xShape);
  const labels = tf.tensor1d(p.labels, 'int32') as Tensor1D;
  try {
    return f(params, buffers, x, labels);
  } finally {
    tf.dispose([...params, ...buffers, x, labels]);
  }
}

describe('catalog: MLP3 and ResNet-18', () => {
  beforeAll(async () => {
    await useNodeBackend('cpu');
  });

  it('MLP3 is 784-256-128-10 with ReLU: 235,146 parameters on MNIST', () => {
    expect(modelInfo('mlp3').usesWidth).toBe(false);
    expect(mlpLayers('mlp3', MNIST, 10)).toEqual([784, 256, 128, 10]);
    expect(parameterCount('mlp3', MNIST, 10)).toBe(235_146);
    expect(forwardMacs('mlp3', MNIST, 10)).toBe(784 * 256 + 256 * 128 + 128 * 10);
    expect(modelFits('mlp3', CIFAR)).toBeNull();
  });

  it('ResNet-18: the published CIFAR-10 count 11,173,962 (kuangliu/pytorch-cifar), 1-channel and width ½', () => {
    expect(modelInfo('resnet18').usesWidth).toBe(true);
    expect(parameterCount('resnet18', CIFAR, 10)).toBe(11_173_962);
    // Only the stem changes with 1 input channel: 3·3·(3 − 1)·64 = 1,152 fewer.
    expect(parameterCount('resnet18', MNIST, 10)).toBe(11_173_962 - 1_152);
    expect(parameterCount('resnet18', MNIST, 10)).toBe(11_172_810);
    // Width ½ (channels 32-64-128-256), by hand: stem 27·32 + 64 = 928; stage 1: 4·(9·32·32 + 64) = 37,120;
    // stage 2: 57,728 + 73,984 = 131,712; stage 3: 230,144 + 295,424 = 525,568; stage 4: 919,040 + 1,180,672
    // = 2,099,712; linear 256·10 + 10 = 2,570.
    expect(parameterCount('resnet18', CIFAR, 10, 0.5)).toBe(2_797_610);
    // The stride-2 stages: 32 → 16 → 8 → 4 and 28 → 14 → 7 → 4 (floor((h + 2 − 3)/2) + 1).
    expect(resnetPlan(CIFAR, 10).featureShape).toEqual([4, 4, 512]);
    expect(resnetPlan(MNIST, 10).featureShape).toEqual([4, 4, 512]);
    expect(resnetPlan([8, 9, 2], 10, 0.125).featureShape).toEqual([1, 2, 64]);
    // ~0.56 GMAC per 32×32 image (the commonly quoted 0.56 GFLOPs of CIFAR ResNet-18 count multiply-adds).
    const macs = forwardMacs('resnet18', CIFAR, 10);
    expect(macs).toBeGreaterThan(5.5e8);
    expect(macs).toBeLessThan(5.6e8);
    expect(forwardMacs('resnet18', CIFAR, 10, 0.5)).toBeLessThan(macs / 3.9);
    expect(modelFits('resnet18', [7, 32, 3])).toBe('ResNet-18 needs images of at least 8×8; this dataset has 7×32×3.');
    expect(modelFits('resnet18', [8, 8, 1])).toBeNull();
  });

  it('builds tensors matching parameterCount, torch names in parameters() order', () => {
    for (const width of WIDTHS.filter((w) => w !== 1)) {
      for (const shape of [MNIST, CIFAR]) {
        const net = buildNetwork('resnet18', shape, 10, width);
        const { params, buffers } = net.init(1);
        expect(params.reduce((s, t) => s + t.size, 0)).toBe(parameterCount('resnet18', shape, 10, width));
        expect(net.paramNames()).toHaveLength(params.length);
        expect(buffers).toHaveLength(2 * 20); // 20 batch norms: stem, 16 in the blocks, 3 shortcuts
        tf.dispose([...params, ...buffers]);
      }
    }
    const net = buildNetwork('resnet18', CIFAR, 10, 0.125);
    const names = net.paramNames();
    expect(names.slice(0, 9)).toEqual(['conv1.weight', 'bn1.weight', 'bn1.bias', 'layer1.0.conv1.weight', 'layer1.0.bn1.weight',
      'layer1.0.bn1.bias', 'layer1.0.conv2.weight', 'layer1.0.bn2.weight', 'layer1.0.bn2.bias']);
    expect(names).toContain('layer2.0.shortcut.0.weight');
    expect(names).not.toContain('layer1.0.shortcut.0.weight');
    expect(names).not.toContain('layer2.1.shortcut.0.weight');
    expect(names.slice(-5)).toEqual(['layer4.1.conv2.weight', 'layer4.1.bn2.weight', 'layer4.1.bn2.bias', 'linear.weight', 'linear.bias']);
    expect(names).toHaveLength(3 * 20 + 2);
    const { params, buffers } = net.init(1);
    expect(params.map((t) => t.shape).slice(0, 3)).toEqual([[3, 3, 3, 8], [8], [8]]);
    expect(params[names.indexOf('layer2.0.shortcut.0.weight')].shape).toEqual([1, 1, 8, 16]);
    expect(params.at(-2)!.shape).toEqual([64, 10]);
    // torch's defaults: conv U(±1/√fan_in) (kaiming_uniform, a = √5), BN 1/0, running 0/1.
    const stem = params[0].dataSync();
    expect(Math.max(...Array.from(stem, Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(27));
    expect(Math.max(...Array.from(stem, Math.abs))).toBeGreaterThan(0.9 / Math.sqrt(27));
    expect(Array.from(params[1].dataSync())).toEqual(new Array(8).fill(1));
    expect(Array.from(params[2].dataSync())).toEqual(new Array(8).fill(0));
    expect(Array.from(buffers[1].dataSync())).toEqual(new Array(8).fill(1));
    tf.dispose([...params, ...buffers]);
  });
});

describe('ResNet-18 on cpu', () => {
  beforeAll(async () => {
    await useNodeBackend('cpu');
  });
  afterAll(() => setConvGradImpl(null));

  it('strided conv: forward = float64 reference; gradients = float64 finite differences and cpu autodiff of tf.conv2d', () => {
    const cases = [
      { n: 2, h: 7, w: 6, cIn: 3, cOut: 4, k: 3, stride: 2, pad: 1 },
      { n: 2, h: 8, w: 8, cIn: 2, cOut: 3, k: 3, stride: 2, pad: 1 },
      { n: 1, h: 7, w: 8, cIn: 3, cOut: 5, k: 1, stride: 2, pad: 0 },
      { n: 2, h: 5, w: 5, cIn: 2, cOut: 2, k: 3, stride: 1, pad: 1 },
    ];
    for (const c of cases) {
      const r = createRng(c.h * 10 + c.k);
      const xv = Float32Array.from(uniform(c.n * c.h * c.w * c.cIn, r));
      const wv = Float32Array.from(uniform(c.k * c.k * c.cIn * c.cOut, r));
      const imgs = Array.from({ length: c.n }, (_, e) => ({ v: Float64Array.from(xv.subarray(e * c.h * c.w * c.cIn, (e + 1) * c.h * c.w * c.cIn)), h: c.h, w: c.w, c: c.cIn }));
      const out0 = conv64(imgs[0], wv, c.k, c.cOut, c.stride, c.pad);
      const rv = Float32Array.from(uniform(c.n * out0.v.length, r));
      // L(x, W) = Σ r·conv_s(x, W) in float64: bilinear, so a central difference along U is exact up to rounding.
      const L = (x: Float64Array, w: ArrayLike<number>) => {
        let s = 0;
        for (let e = 0; e < c.n; e++) {
          const img = { v: x.subarray(e * c.h * c.w * c.cIn, (e + 1) * c.h * c.w * c.cIn), h: c.h, w: c.w, c: c.cIn };
          conv64(img, w, c.k, c.cOut, c.stride, c.pad).v.forEach((y, j) => (s += y * rv[e * out0.v.length + j]));
        }
        return s;
      };
      const x64 = Float64Array.from(xv), w64 = Float64Array.from(wv);
      for (const impl of ['conv', 'native'] as const) {
        setConvGradImpl(impl);
        const before = tf.memory().numTensors;
        const [y, dx, dw, dwData] = tf.tidy(() => {
          const x = tf.tensor4d(xv, [c.n, c.h, c.w, c.cIn]);
          const w = tf.tensor4d(wv, [c.k, c.k, c.cIn, c.cOut]);
          const yy = conv2dStrided(x, w, c.stride, c.pad);
          const rr = tf.tensor(rv, yy.shape);
          const g = tf.grads((a: Tensor, b: Tensor) => tf.sum(tf.mul(conv2dStrided(a as Tensor4D, b as Tensor4D, c.stride, c.pad), rr)))([x, w]);
          const gd = tf.grad((b: Tensor) => tf.sum(tf.mul(conv2dStrided(x, b as Tensor4D, c.stride, c.pad, true), rr)))(w);
          const ref = tf.grads((a: Tensor, b: Tensor) => tf.sum(tf.mul(tf.conv2d(a as Tensor4D, b as Tensor4D, c.stride, c.pad), rr)))([x, w]);
          expect(relErr(g[0].dataSync(), ref[0].dataSync())).toBeLessThan(1e-5);
          expect(relErr(g[1].dataSync(), ref[1].dataSync())).toBeLessThan(1e-5);
          return [yy, g[0], g[1], gd].map((t) => Float32Array.from(t.dataSync()));
        });
        expect(tf.memory().numTensors).toBe(before);
        const want = imgs.flatMap((img) => Array.from(conv64(img, wv, c.k, c.cOut, c.stride, c.pad).v));
        expect(y.length).toBe(want.length);
        expect(relErr(y, want)).toBeLessThan(1e-6);
        for (let t = 0; t < 3; t++) {
          const ux = uniform(x64.length, r), uw = uniform(w64.length, r), h = 1e-3;
          const fdX = (L(x64.map((v, i) => v + h * ux[i]), w64) - L(x64.map((v, i) => v - h * ux[i]), w64)) / (2 * h);
          const fdW = (L(x64, w64.map((v, i) => v + h * uw[i])) - L(x64, w64.map((v, i) => v - h * uw[i]))) / (2 * h);
          const gx = dx.reduce((s, g, i) => s + g * ux[i], 0), gw = dw.reduce((s, g, i) => s + g * uw[i], 0);
          const gwData = dwData.reduce((s, g, i) => s + g * uw[i], 0);
          // float32 gradients of sums of ≤ 2·9·5·8 products: ~1e-6 relative.
          expect(Math.abs(gx - fdX) / Math.abs(fdX)).toBeLessThan(1e-4);
          expect(Math.abs(gw - fdW) / Math.abs(fdW)).toBeLessThan(1e-4);
          expect(Math.abs(gwData - fdW) / Math.abs(fdW)).toBeLessThan(1e-4);
        }
      }
      setConvGradImpl(null);
    }
  });

  it('strideUpsample places dy at the multiples of the stride on the stride-1 grid', () => {
    tf.tidy(() => {
      const dy = tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 2, 3, 1]);
      expect(Array.from(strideUpsample(dy, 2, 3, 5).dataSync())).toEqual([1, 0, 2, 0, 3, 0, 0, 0, 0, 0, 4, 0, 5, 0, 6]);
      expect(Array.from(strideUpsample(dy, 2, 4, 6).dataSync())).toEqual([1, 0, 2, 0, 3, 0, 0, 0, 0, 0, 0, 0, 4, 0, 5, 0, 6, 0, 0, 0, 0, 0, 0, 0]);
    });
  });

  it('forward (training and evaluation) equals the float64 reference; shapes on 28×28×1 and 32×32×3; no leak', () => {
    for (const training of [true, false]) {
      const p = problem([16, 12, 3], 2, 4, 0.125, training);
      const want = p.loss(p.theta).logits!.flatMap((z) => Array.from(z));
      const before = tf.memory().numTensors;
      const got = withTensors(p, p.theta, (params, buffers, x) => {
        const res = p.net.forward(params, buffers, x, p.mode);
        const out = Array.from(res.logits.dataSync());
        if (training) expect(res.buffers!.map((b) => b.shape)).toEqual(buffers.map((b) => b.shape));
        tf.dispose([res.logits, ...(res.buffers ?? [])]);
        return out;
      });
      expect(tf.memory().numTensors).toBe(before);
      expect(relErr(got, want)).toBeLessThan(1e-5);
    }
    for (const shape of [MNIST, CIFAR]) {
      const net = buildNetwork('resnet18', shape, 10, 0.125);
      const { params, buffers } = net.init(2);
      const before = tf.memory().numTensors;
      const x = tf.randomNormal([3, ...shape]) as Tensor4D;
      const train = net.forward(params, buffers, x, { training: true, seed: 1 });
      const evalRes = net.forward(params, buffers, x, { training: false });
      expect(train.logits.shape).toEqual([3, 10]);
      expect(evalRes.logits.shape).toEqual([3, 10]);
      expect(evalRes.buffers).toBeNull();
      // torch's running statistics after one step: 0.9·(0, 1) + 0.1·(batch mean, unbiased var).
      expect(train.buffers!.map((b) => b.shape)).toEqual(buffers.map((b) => b.shape));
      tf.dispose([x, train.logits, evalRes.logits, ...train.buffers!]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([...params, ...buffers]);
    }
  });

  // H·v against the float64 mixed finite difference of the float64 loss at the same float32 parameters.
  // Batch norm amplifies, so ReLU decisions sit close to the stencil: h = 1e-5 keeps every decision (the
  // difference throws otherwise) and leaves a rounding floor ~ε64·L/h² ≈ 2e-6 absolute, well under 1e-5
  // of ‖Hv‖ (~1–10 here). Float32 H·v: each entry is a sum over a few thousand products through 20 batch
  // norms, ~1e-6 relative; measured ≤ 2.8e-7 (training) and 4.8e-7 (evaluation, h = 1e-4: ‖Hv‖ is small
  // there, so the larger step keeps the rounding floor down) of ‖Hv‖; tolerance 2e-5·‖Hv‖ (as VGG-16-BN's
  // in hvp.test.ts).
  const groups = (p: Problem): Record<string, (i: number) => boolean> => {
    const names = p.net.paramNames();
    return {
      all: () => true,
      'stem conv (no input cotangent)': (i) => i === 0,
      'block conv weights': (i) => i > 0 && /conv\d\.weight$/.test(names[i]),
      'shortcut conv weights (1×1, stride 2)': (i) => names[i].endsWith('shortcut.0.weight'),
      'batch norm γ': (i) => /(bn\d|shortcut\.1)\.weight$/.test(names[i]),
      'batch norm β': (i) => /(bn\d|shortcut\.1)\.bias$/.test(names[i]),
      linear: (i) => names[i].startsWith('linear.'),
    };
  };
  function checkHvp(p: Problem, h: number, tol: number): number {
    // Every ReLU input further than 1e-5 from 0 (float32's activation error is ~1e-6, so the float32 H·v
    // takes the float64 loss's branches); fdMixed throws if the stencil itself crosses a kink.
    expect(p.loss(p.theta).d.margin).toBeGreaterThan(1e-5);
    const v = direction(p.sizes, 5);
    const hv = netHvp(p, v);
    let worst = 0;
    for (const [label, on] of Object.entries(groups(p))) {
      const u = direction(p.sizes, 9, on);
      const got = dot(u, hv);
      const want = fdMixed(p.loss, p.theta, u, v, h);
      const err = Math.abs(got - want) / norm(hv);
      worst = Math.max(worst, err);
      expect(err, `${label}: H·v gives ${got}, finite differences ${want}`).toBeLessThan(tol);
    }
    return worst;
  }

  it('H·v (width 1/8, 16×16×3, training: batch statistics) equals float64 finite differences, per tensor kind', () => {
    const p = problem([16, 16, 3], 2, 6, 0.125, true); // seed 6: ReLU margin 1.7e-4
    const worst = checkHvp(p, 1e-5, 2e-5);
    console.log(`ResNet-18 H·v, training mode: max |u·Hv − FD| / ‖Hv‖ = ${worst.toExponential(2)}`);
  });

  it('H·v in evaluation mode (running statistics) equals float64 finite differences', () => {
    const p = problem([12, 10, 1], 2, 5, 0.125, false); // seed 5: ReLU margin 7.6e-5
    const worst = checkHvp(p, 1e-4, 2e-5);
    console.log(`ResNet-18 H·v, evaluation mode: max |u·Hv − FD| / ‖Hv‖ = ${worst.toExponential(2)}`);
  });

  it('H·v is linear in v and symmetric', () => {
    const p = problem([8, 8, 2], 3, 11, 0.125, true);
    expectLinearSymmetric((v) => netHvp(p, v), p.sizes);
  });

  it('wasm gives the cpu backend\'s H·v (strided convs, residual sums, batch norm, average pool)', async () => {
    const p = problem([16, 16, 3], 2, 6, 0.125, true);
    const v = direction(p.sizes, 5);
    const cpu = netHvp(p, v).flatMap((t) => Array.from(t));
    await useNodeBackend('wasm');
    try {
      const wasm = netHvp(p, v).flatMap((t) => Array.from(t));
      expect(relErr(wasm, cpu)).toBeLessThan(1e-4); // float32 summation orders differ
    } finally {
      await useNodeBackend('cpu');
    }
  });

  it('the new R-ops\' backward halves are the transposes of their forward tangent maps', () => tf.tidy(() => {
    const r = createRng(41);
    const t = (shape: number[]) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 2 * r() - 1), shape);
    const zero = (shape: number[]) => tf.zeros(shape);
    const cases: [string, RLayer, number[]][] = [
      ['conv 3×3 stride 2, odd', conv2dStridedR(t([3, 3, 2, 3]) as Tensor4D, zero([3, 3, 2, 3]) as Tensor4D, 2, 1), [2, 7, 5, 2]],
      ['conv 1×1 stride 2', conv2dStridedR(t([1, 1, 2, 3]) as Tensor4D, zero([1, 1, 2, 3]) as Tensor4D, 2, 0), [2, 6, 5, 2]],
      ['global average pool', globalAvgPoolR, [2, 3, 4, 5]],
      ['residual, identity shortcut', residualR([conv2dStridedR(t([3, 3, 2, 2]) as Tensor4D, zero([3, 3, 2, 2]) as Tensor4D, 1, 1), reluR], []), [2, 4, 4, 2]],
      ['residual, conv shortcut', residualR([conv2dStridedR(t([3, 3, 2, 3]) as Tensor4D, zero([3, 3, 2, 3]) as Tensor4D, 2, 1)],
        [conv2dStridedR(t([1, 1, 2, 3]) as Tensor4D, zero([1, 1, 2, 3]) as Tensor4D, 2, 0)]), [2, 5, 6, 2]],
    ];
    for (const [label, layer, shape] of cases) {
      const dx = t(shape);
      const step = layer({ value: t(shape), tangent: dx });
      const g = t(step.out.value.shape);
      const back = step.back({ grad: g, dgrad: tf.zerosLike(g) }, true);
      const lhs = tf.sum(tf.mul(g, step.out.tangent!)).dataSync()[0];
      const rhs = tf.sum(tf.mul(back.input!.grad, dx)).dataSync()[0];
      expect(Math.abs(lhs - rhs), label).toBeLessThan(1e-4 * Math.max(1, Math.abs(lhs)));
    }
  }));
});

describe('ResNet-18 training on wasm', () => {
  beforeAll(async () => {
    await useNodeBackend('wasm');
  });
  afterAll(async () => {
    await useNodeBackend('cpu');
  });

  it('width 1/8 on 32×32×3: gradients equal cpu\'s, SGD steps on one batch lower the loss, no leak', async () => {
    const n = 8, shape = CIFAR;
    const r = createRng(5);
    const xv = Float32Array.from({ length: n * 32 * 32 * 3 }, () => 2 * r() - 1);
    const yv = Int32Array.from({ length: n }, (_, i) => i % 10);
    const gradsOn = async (backend: 'cpu' | 'wasm') => {
      await useNodeBackend(backend);
      const net = buildNetwork('resnet18', shape, 10, 0.125);
      const { params, buffers } = net.init(1);
      const x = tf.tensor4d(xv, [n, ...shape]), y = tf.tensor1d(yv, 'int32') as Tensor1D;
      let next: Tensor[] = [];
      const { value, grads } = tf.valueAndGrads((...ps: Tensor[]) => {
        const res = net.forward(ps, buffers, x, { training: true, seed: 1 });
        next = res.buffers!;
        return crossEntropy(res.logits, y, 10) as Scalar;
      })(params);
      const out = grads.map((g) => Float32Array.from(g.dataSync()));
      tf.dispose([params, buffers, next, grads, value, x, y]);
      return out;
    };
    const cpu = await gradsOn('cpu');
    const wasm = await gradsOn('wasm');
    cpu.forEach((g, i) => expect(relErr(wasm[i], g), `gradient ${i}`).toBeLessThan(1e-3));

    const before = tf.memory().numTensors;
    const net = buildNetwork('resnet18', shape, 10, 0.125);
    let { params, buffers } = net.init(1);
    const x = tf.tensor4d(xv, [n, ...shape]), y = tf.tensor1d(yv, 'int32') as Tensor1D;
    const losses: number[] = [];
    for (let step = 0; step < 4; step++) {
      let next: Tensor[] = [];
      const { value, grads } = tf.valueAndGrads((...ps: Tensor[]) => {
        const res = net.forward(ps, buffers, x, { training: true, seed: step });
        next = res.buffers!;
        return crossEntropy(res.logits, y, 10) as Scalar;
      })(params);
      losses.push(value.dataSync()[0]);
      const updated = params.map((p, i) => tf.tidy(() => tf.sub(p, tf.mul(grads[i], 0.1))));
      tf.dispose([params, grads, buffers, value]);
      params = updated;
      buffers = next;
    }
    tf.dispose([params, buffers, x, y]);
    expect(tf.memory().numTensors).toBe(before);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(Math.abs(losses[0] - Math.log(10))).toBeLessThan(1);
    expect(losses[3]).toBeLessThan(losses[0]);
    for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThan(losses[i - 1]);
  });
});
