// Exact Hessian-vector products (src/models/mlpHvp.ts, src/models/rop/, Network.hvp) against float64
// finite differences of the loss, a closed form, and the algebraic properties of a Hessian.
//
// The float64 reference: u·(H v) ≈ (L(θ+hv+hu) − L(θ+hv−hu) − L(θ−hv+hu) + L(θ−hv−hu)) / (4h²), with L
// computed in plain-JS float64 (models-reference.ts) at the same float32 parameter values. Its error is
// O(h²) truncation plus ~ε64·|L|/h² rounding; with h = 1e-4 and unit-norm u, v both are ≲1e-8, far
// below the float32 HVP's own error, so the tolerances below are set by float32, not by the reference.
// The loss is only piecewise smooth (ReLU, max-pool): every float64 evaluation records its branch
// decisions, the difference refuses a stencil that crosses one, and each test point keeps all of them
// (relu inputs, pool gaps) further than 1e-5 from a kink, well above float32's ~1e-6 activation error,
// so the float32 HVP and the float64 loss take the same branches.
import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor1D, Tensor2D, Tensor4D } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelName } from '../../src/engine/types';
import { createRng } from '../../src/data/batching';
import { useNodeBackend } from '../../src/engine/nodeBackends';
import { BN_EPS, dropoutMask } from '../../src/models/batchNorm';
import { buildNetwork } from '../../src/models/build';
import { lenetPlan, mlpLayers, vggPlan, type ConvPlan } from '../../src/models/catalog';
import { mlpHvp } from '../../src/models/mlpHvp';
import { batchNormEvalR, batchNormTrainR } from '../../src/models/rop/batchNorm';
import type { RLayer } from '../../src/models/rop/chain';
import { conv2dR, flattenCHWR } from '../../src/models/rop/conv';
import { denseR, dropoutR, reluR } from '../../src/models/rop/dense';
import { reluMaxPool2R } from '../../src/models/rop/pool';
import type { ForwardMode } from '../../src/models/network';
import { DROPOUT_P } from '../../src/models/vgg';
import { crossEntropy64, Decisions, expectLinearSymmetric, fdMixed, netHvp, problemPoint, type Loss64, type Problem } from './hvpHelpers';
import { batchNorm, conv, flattenCHW, torchConvWeight, type Image } from './models-reference';
import { direction, dot, f32, norm, uniform, type Vec } from './vecMath';

/** The dense layers [W [in,out], b, ...] from params[first], ReLU between, dropout masks (rows) before the first ones. */
function dense64(d: Decisions, theta: Vec, first: number, sizes: readonly number[], rows: Float64Array[], masks: readonly Float32Array[]): Float64Array[] {
  return rows.map((row, e) => {
    let h = row;
    for (let l = 1; l < sizes.length; l++) {
      const nIn = sizes[l - 1], nOut = sizes[l], w = theta[first + 2 * l - 2];
      const mask = masks[l - 1];
      if (mask) h = h.map((x, i) => x * mask[e * nIn + i]);
      const z = Float64Array.from(theta[first + 2 * l - 1]);
      for (let i = 0; i < nIn; i++) {
        const hi = h[i];
        if (hi !== 0) for (let o = 0; o < nOut; o++) z[o] += hi * w[i * nOut + o];
      }
      h = l < sizes.length - 1 ? z.map((zi) => d.relu(zi)) : z;
    }
    return h;
  });
}

/** Float64 loss of the fully connected models on rows x. */
function mlpLoss64(sizes: readonly number[], rows: Float64Array[], labels: readonly number[]): Loss64 {
  return (theta) => {
    const d = new Decisions();
    return { loss: crossEntropy64(dense64(d, theta, 0, sizes, rows, []), labels), d };
  };
}

/**
 * Float64 training-mode loss of a conv plan (LeNet-5, VGG-16-BN): conv (+ batch norm with the batch's own
 * mean and biased variance) + ReLU, or ReLU + 2×2 max-pool, flatten (C, H, W), dropout masks, dense.
 * `running`: evaluation-mode batch norm with these [mean, var] per BN layer instead.
 */
function convLoss64(plan: ConvPlan, images: Image[], labels: readonly number[], masks: readonly Float32Array[], running?: Vec): Loss64 {
  return (theta) => {
    const d = new Decisions();
    let imgs = images;
    let p = 0;
    let bn = 0;
    const fs = plan.features;
    for (let j = 0; j < fs.length; j++) {
      const f = fs[j];
      if (f.kind === 'pool') throw new Error('pool without conv');
      imgs = imgs.map((img) => conv(img, torchConvWeight(theta[p], f.kernel, f.inChannels, f.outChannels), theta[p + 1], f.outChannels, f.kernel, f.pad));
      p += 2;
      if (f.batchNorm) {
        let mean: Float64Array, variance: Float64Array;
        if (running) [mean, variance] = [running[2 * bn], running[2 * bn + 1]];
        else {
          const c = f.outChannels, count = imgs.length * imgs[0].h * imgs[0].w;
          mean = new Float64Array(c);
          variance = new Float64Array(c);
          for (const img of imgs) img.v.forEach((x, i) => (mean[i % c] += x / count));
          for (const img of imgs) img.v.forEach((x, i) => (variance[i % c] += (x - mean[i % c]) ** 2 / count));
        }
        imgs = imgs.map((img) => batchNorm(img, theta[p], theta[p + 1], mean, variance, BN_EPS));
        p += 2;
        bn++;
      }
      if (fs[j + 1]?.kind === 'pool') {
        j++;
        imgs = imgs.map((img) => {
          const h = img.h / 2, w = img.w / 2, c = img.c;
          const v = new Float64Array(h * w * c);
          for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let ch = 0; ch < c; ch++) {
            const q = [0, 1, 2, 3].map((k) => img.v[((2 * y + (k >> 1)) * img.w + 2 * x + (k & 1)) * c + ch]);
            v[(y * w + x) * c + ch] = d.reluMax(q);
          }
          return { v, h, w, c };
        });
      } else {
        imgs = imgs.map((img) => ({ ...img, v: img.v.map((z) => d.relu(z)) }));
      }
    }
    const logits = dense64(d, theta, p, plan.dense, imgs.map(flattenCHW), masks);
    return { loss: crossEntropy64(logits, labels), d };
  };
}

const MNIST: [number, number, number] = [28, 28, 1];
const CIFAR: [number, number, number] = [32, 32, 3];
const SEED = 7; // dropout masks

/** A model at its seeded initial point, 1-D tensors (biases, BN γ/β) moved off their 0/1 initial values. */
function problem(name: ModelName, shape: [number, number, number], n: number, seed: number, training = true, width = 1): Problem {
  const { images, ...point } = problemPoint(name, shape, n, seed, width);
  const { buffers, labels } = point;
  let loss: Loss64;
  let mode: ForwardMode = training ? { training: true, seed: SEED } : { training: false };
  if (name === 'lenet5') loss = convLoss64(lenetPlan(shape, 10), images, labels, []);
  else if (name === 'vgg16bn') {
    const plan = vggPlan(shape, 10, width);
    const r = createRng(SEED);
    const masks = training ? plan.dense.slice(0, -2).map((d) => dropoutMask(n * d, DROPOUT_P, r)) : [];
    loss = convLoss64(plan, images, labels, masks, training ? undefined : buffers);
  } else {
    loss = mlpLoss64(mlpLayers(name, shape, 10), images.map((i) => i.v), labels);
    mode = { training: false };
  }
  return { ...point, mode, loss };
}

describe('Hessian-vector products', () => {
  beforeAll(async () => {
    await useNodeBackend('cpu');
  });

  it('mlpHvp: the first 8 entries of H·v equal float64 finite differences of the loss', () => {
    // A fixed small problem: 6-5-4-3 MLP, 7 rows.
    const sizes = [6, 5, 4, 3], n = 7;
    const shapes = sizes.slice(1).flatMap((s, l) => [[sizes[l], s], [s]]);
    const r = createRng(11);
    const x = f32([uniform(n * 6, r)])[0];
    const rows = Array.from({ length: n }, (_, i) => x.subarray(i * 6, (i + 1) * 6));
    const labels = Array.from({ length: n }, (_, i) => (3 * i + 1) % 3);
    const theta = f32(shapes.map((s) => uniform(s.reduce((a, b) => a * b, 1), r, 0.8)));
    const v = f32(shapes.map((s) => uniform(s.reduce((a, b) => a * b, 1), r)));
    const hv = tf.tidy(() => {
      const out = mlpHvp(theta.map((t, i) => tf.tensor(Float32Array.from(t), shapes[i])), tf.tensor2d(Float32Array.from(x), [n, 6]),
        tf.tensor1d(labels, 'int32'), 3, v.map((t, i) => tf.tensor(Float32Array.from(t), shapes[i])));
      return tf.concat(out.map((t) => tf.reshape(t, [-1])));
    });
    const got = Array.from(hv.dataSync());
    hv.dispose();
    const loss = mlpLoss64(sizes, rows, labels);
    expect(loss(theta).d.margin).toBeGreaterThan(1e-3);
    const fd = Array.from({ length: 8 }, (_, k) => {
      const e = shapes.map((s) => new Float64Array(s.reduce((a, b) => a * b, 1)));
      e[0][k] = 1;
      return fdMixed(loss, theta, e, v);
    });
    // float32 HVP (a few products of ~6 terms: ~1e-7 relative, measured 1.6e-7) vs float64 FD (~1e-8):
    // 1e-5 leaves room for other float32 summation orders.
    let err = 0;
    fd.forEach((f, k) => (err = Math.max(err, Math.abs(got[k] - f))));
    expect(err / Math.max(...fd.map(Math.abs))).toBeLessThan(1e-5);
  });

  /**
   * u_g·(H v) against the float64 finite difference for u on each group of tensors (and on all of them),
   * |error| ≤ tol·scale. scale: ‖(Hv)_g‖ (|u_g·Hv| ≤ it for unit u_g), or ‖Hv‖ where the FD's rounding
   * floor (absolute) dominates.
   */
  function checkGroups(p: Problem, groups: Record<string, (i: number) => boolean>, h: number, tol: number, scaleAll = false): void {
    const v = direction(p.sizes, 5);
    const hv = netHvp(p, v);
    const all: Record<string, (i: number) => boolean> = { all: () => true, ...groups };
    for (const [label, on] of Object.entries(all)) {
      const u = direction(p.sizes, 9, on);
      const got = dot(u, hv);
      const want = fdMixed(p.loss, p.theta, u, v, h);
      const scale = scaleAll ? norm(hv) : norm(hv.map((t, i) => (on(i) ? t : new Float64Array(0))));
      expect(Math.abs(got - want) / scale, `${label}: H·v gives ${got}, finite differences ${want}`).toBeLessThan(tol);
    }
  }

  const byTensor = (p: Problem) => Object.fromEntries(p.net.paramNames().map((name, k) => [name, (i: number) => i === k]));

  // Smooth enough for h = 1e-4: FD error ≲1e-8·‖Hv‖. Float32 H·v: measured ≤ 3.8e-6 of ‖(Hv)_g‖ (bias
  // groups: few entries, each a sum of cancelling per-example terms), mostly ≤ 5e-7; 2e-5 leaves 5× room.
  it('LogReg, FFNN, MLP: u·(H v) equals float64 finite differences of the loss, per tensor', () => {
    for (const [name, n] of [['logreg', 3], ['ffnn100', 3], ['mlp', 2]] as const) {
      const p = problem(name, MNIST, n, 1);
      expect(p.loss(p.theta).d.margin).toBeGreaterThan(1e-4);
      checkGroups(p, byTensor(p), 1e-4, 2e-5);
    }
  });

  it('LeNet-5: u·(H v) equals float64 finite differences of the loss, per tensor', () => {
    const p = problem('lenet5', MNIST, 2, 8);
    expect(p.loss(p.theta).d.margin).toBeGreaterThan(1e-4);
    checkGroups(p, byTensor(p), 1e-4, 2e-5);
  });

  // Batch norm makes every activation depend on every earlier parameter (and amplifies), so ReLU/pool
  // decisions sit closer to the stencil: h = 1e-5 keeps it inside them. The FD's rounding floor is then
  // ~ε64·L/h² ≈ 1e-5 absolute (seen on the conv biases, whose exact H·v is 0: batch norm removes them),
  // ~1e-6 of ‖Hv‖ ≈ 9; float32 H·v is far below. Tolerance 2e-5·‖Hv‖ (measured ≤ 1.6e-6).
  const vggGroups = (p: Problem) => {
    const names = p.net.paramNames();
    const conv = 4 * 13;
    return {
      'first conv weight (no input cotangent)': (i: number) => i === 0,
      'conv weights': (i: number) => i > 0 && i < conv && i % 4 === 0,
      'batch norm γ': (i: number) => i < conv && i % 4 === 2,
      'batch norm β': (i: number) => i < conv && i % 4 === 3,
      'classifier.1.weight (after dropout)': (i: number) => names[i] === 'classifier.1.weight',
      'classifier.6.weight': (i: number) => names[i] === 'classifier.6.weight',
    };
  };

  it('VGG-16-BN (width 1/8, training: batch statistics, dropout): u·(H v) equals float64 finite differences', () => {
    const p = problem('vgg16bn', CIFAR, 2, 3, true, 0.125);
    expect(p.loss(p.theta).d.margin).toBeGreaterThan(1e-5);
    checkGroups(p, vggGroups(p), 1e-5, 2e-5, true);
  });

  // Evaluation mode: ‖Hv‖ ≈ 0.02 only, so h = 1e-4 (the stencil still keeps every decision) for a rounding
  // floor ~1e-9 absolute; measured ≤ 4.7e-7 of ‖Hv‖.
  it('VGG-16-BN in evaluation mode (running statistics, no dropout): the same check', () => {
    const p = problem('vgg16bn', CIFAR, 2, 6, false, 0.125);
    expect(p.loss(p.theta).d.margin).toBeGreaterThan(1e-5);
    const g = vggGroups(p);
    checkGroups(p, { 'batch norm γ': g['batch norm γ'], 'conv weights': g['conv weights'] }, 1e-4, 2e-5, true);
  });

  it('H·v is linear in v and symmetric (u·Hv = v·Hu), and leaks no tensor', () => {
    for (const p of [problem('lenet5', MNIST, 2, 8), problem('vgg16bn', CIFAR, 2, 3, true, 0.125)]) {
      const before = tf.memory().numTensors;
      // float32: ~1e-7 relative per entry, amplified through the layers; 1e-5 of ‖H·‖.
      expectLinearSymmetric((v) => netHvp(p, v), p.sizes);
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('LogReg: H·v equals the closed form (1/n)Σ x̃ᵢx̃ᵢᵀ ⊗ (diag pᵢ − pᵢpᵢᵀ) · v (x̃ = [x, 1])', () => {
    const p = problem('logreg', [2, 3, 2], 5, 4);
    const d = 12, c = 10, n = 5;
    const [w, b] = p.theta;
    const dim = (d + 1) * c; // flat index i·c + o: W[i][o] for i < d, b[o] for i = d
    const hess = new Float64Array(dim * dim);
    for (let e = 0; e < n; e++) {
      const xt = [...p.x.subarray(e * d, (e + 1) * d), 1];
      const z = Array.from({ length: c }, (_, o) => b[o] + xt.slice(0, d).reduce((s, xi, i) => s + xi * w[i * c + o], 0));
      const m = Math.max(...z);
      const ez = z.map((zi) => Math.exp(zi - m));
      const pr = ez.map((q) => q / ez.reduce((a, x) => a + x, 0));
      for (let i = 0; i <= d; i++) for (let j = 0; j <= d; j++) for (let o = 0; o < c; o++) for (let q = 0; q < c; q++) {
        hess[(i * c + o) * dim + j * c + q] += (xt[i] * xt[j] * ((o === q ? pr[o] : 0) - pr[o] * pr[q])) / n;
      }
    }
    const v = direction(p.sizes, 3);
    const vf = Float64Array.from([...v[0], ...v[1]]);
    const want = Array.from({ length: dim }, (_, r) => vf.reduce((s, x, k) => s + hess[r * dim + k] * x, 0));
    const got = netHvp(p, v).flatMap((t) => Array.from(t));
    const err = Math.max(...got.map((g, k) => Math.abs(g - want[k])));
    // float32 (3 products over 5 rows, 10 classes): measured ~1e-8 of the largest entry.
    expect(err / Math.max(...want.map(Math.abs))).toBeLessThan(1e-5);
  });

  it('paramNames: torch module names in params order', () => {
    const names = (name: ModelName, shape: [number, number, number], width = 1) => {
      const net = buildNetwork(name, shape, 10, width);
      const t = net.init(1);
      const out = net.paramNames();
      expect(out).toHaveLength(t.params.length);
      tf.dispose([...t.params, ...t.buffers]);
      return out;
    };
    expect(names('logreg', MNIST)).toEqual(['layers.0.weight', 'layers.0.bias']);
    expect(names('mlp', MNIST)).toEqual(['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias', 'layers.2.weight', 'layers.2.bias']);
    expect(names('lenet5', MNIST)).toEqual(['conv1', 'conv2', 'fc1', 'fc2', 'fc3'].flatMap((m) => [`${m}.weight`, `${m}.bias`]));
    const vgg = names('vgg16bn', CIFAR, 0.125);
    // torchvision vgg16_bn: features = [conv, bn, ReLU]×2, pool, ... (44 modules), classifier = [Dropout,
    // Linear, ReLU, Dropout, Linear, ReLU, Linear].
    expect(vgg.slice(0, 10)).toEqual(['features.0.weight', 'features.0.bias', 'features.1.weight', 'features.1.bias',
      'features.3.weight', 'features.3.bias', 'features.4.weight', 'features.4.bias', 'features.7.weight', 'features.7.bias']);
    expect(vgg.slice(48)).toEqual(['features.40.weight', 'features.40.bias', 'features.41.weight', 'features.41.bias',
      'classifier.1.weight', 'classifier.1.bias', 'classifier.4.weight', 'classifier.4.bias', 'classifier.6.weight', 'classifier.6.bias']);
  });

  it('wasm gives the cpu backend\'s H·v (VGG-16-BN: every R-op kind)', async () => {
    const p = problem('vgg16bn', CIFAR, 2, 3, true, 0.125);
    const v = direction(p.sizes, 5);
    const cpu = netHvp(p, v).flatMap((t) => Array.from(t));
    await useNodeBackend('wasm');
    try {
      const wasm = netHvp(p, v).flatMap((t) => Array.from(t));
      let err = 0, max = 0;
      cpu.forEach((c, k) => {
        err = Math.max(err, Math.abs(wasm[k] - c));
        max = Math.max(max, Math.abs(c));
      });
      expect(err / max).toBeLessThan(1e-4); // float32 summation orders differ
    } finally {
      await useNodeBackend('cpu');
    }
  });

  it('each R-op\'s backward is the transpose of its forward tangent map: ⟨g, J·ẋ⟩ = ⟨Jᵀg, ẋ⟩', () => tf.tidy(() => {
    const r = createRng(31);
    const t = (shape: number[]) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 2 * r() - 1), shape);
    const zero = (shape: number[]) => tf.zeros(shape);
    const cases: [string, RLayer, number[]][] = [
      ['relu + max-pool, even', reluMaxPool2R, [2, 6, 4, 3]],
      ['relu + max-pool, odd (cropped)', reluMaxPool2R, [2, 5, 7, 3]],
      ['NCHW flatten', flattenCHWR, [2, 3, 2, 4]],
      ['relu', reluR, [3, 5]],
      ['dropout', dropoutR(tf.tensor2d([0, 2, 2, 0, 2, 2], [2, 3])), [2, 3]],
      ['dense', denseR(t([4, 3]) as Tensor2D, t([3]) as Tensor1D, zero([4, 3]) as Tensor2D, zero([3]) as Tensor1D), [2, 4]],
      ['conv 3×3 pad 1', conv2dR(t([3, 3, 2, 3]) as Tensor4D, t([3]) as Tensor1D, zero([3, 3, 2, 3]) as Tensor4D, zero([3]) as Tensor1D, 1), [2, 5, 4, 2]],
      ['batch norm, training', batchNormTrainR(t([3]) as Tensor1D, t([3]) as Tensor1D, zero([3]) as Tensor1D, zero([3]) as Tensor1D), [2, 3, 2, 3]],
      ['batch norm, evaluation', batchNormEvalR(t([3]) as Tensor1D, t([3]) as Tensor1D, zero([3]) as Tensor1D, zero([3]) as Tensor1D, t([3]), tf.add(1, t([3]))), [2, 3, 2, 3]],
    ];
    for (const [label, layer, shape] of cases) {
      const [lhs, rhs] = tf.tidy(() => {
        const dx = t(shape);
        // Params' tangents are zero, so out.tangent = J·ẋ; back(g).input.grad = Jᵀg.
        const step = layer({ value: t(shape), tangent: dx });
        const g = t(step.out.value.shape);
        const back = step.back({ grad: g, dgrad: tf.zerosLike(g) }, true);
        return [tf.sum(tf.mul(g, step.out.tangent as Tensor)).dataSync()[0], tf.sum(tf.mul(back.input!.grad, dx)).dataSync()[0]];
      });
      expect(Math.abs(lhs - rhs), `${label}: ${lhs} vs ${rhs}`).toBeLessThan(1e-5 * Math.max(1, Math.abs(lhs)));
    }
  }));
});
