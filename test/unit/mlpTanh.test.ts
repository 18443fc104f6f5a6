// mlp128tanh, the MNIST model of "Gradient Descent: The Ultimate Optimizer" (src/models/mlpTanh.ts):
// size and names, the forward pass (tanh on both layers, the dataset's normalisation undone) against a
// plain-JS float64 computation, the gradient against float64 central differences, H·v (forward-over-reverse
// with the tanh R-op, src/models/rop/tanh.ts) against the float64 four-point mixed difference of
// hvp.test.ts, and no tensor left behind. The model is smooth (no ReLU kinks), so no branch bookkeeping.
import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/data/batching';
import { MNIST_MEAN, MNIST_STD } from '../../src/data/datasets';
import { useNodeBackend } from '../../src/engine/nodeBackends';
import { buildNetwork } from '../../src/models/build';
import { forwardMacs, mlpLayers, modelFits, modelInfo, parameterCount } from '../../src/models/catalog';
import { crossEntropy } from '../../src/models/mlp';
import type { InputScale } from '../../src/models/mlpTanh';
import type { Network } from '../../src/models/network';
import { comb, direction, dot, f32, norm, type Vec } from './vecMath';
import { crossEntropy64, expectLinearSymmetric } from './hvpHelpers';

type Shape = [number, number, number];

const MNIST: Shape = [28, 28, 1];
const MNIST_SCALE: InputScale = { mean: [MNIST_MEAN], std: [MNIST_STD] };
const EVAL = { training: false } as const;


/**
 * Random whole-number pixels of n images and the engine's normalised float32 input for them
 * ((p/255 − mean[c]) / std[c], channels last, as src/engine/inputs.ts).
 */
function images(n: number, shape: Shape, scale: InputScale | null, seed: number): { raw: Float64Array; x: Float32Array } {
  const r = createRng(seed);
  const per = shape[0] * shape[1] * shape[2], c = shape[2];
  const raw = Float64Array.from({ length: n * per }, () => Math.floor(256 * r()) / 255);
  const x = scale ? Float32Array.from(raw, (p, i) => (p - scale.mean[i % c]) / scale.std[i % c]) : Float32Array.from(raw);
  return { raw, x };
}

/**
 * Float64 output rows tanh(tanh(x̃·W1 + b1)·W2 + b2), W stored [in, out], x̃ = x·std[c] + mean[c] from the
 * float32 inputs x (x itself without a scale).
 */
function forward64(theta: Vec, sizes: readonly number[], x: Float32Array, c: number, scale: InputScale | null): Float64Array[] {
  const [d, hidden, classes] = sizes;
  const n = x.length / d;
  const [w1, b1, w2, b2] = theta;
  return Array.from({ length: n }, (_, e) => {
    const row = Float64Array.from({ length: d }, (_, i) => (scale ? x[e * d + i] * scale.std[i % c] + scale.mean[i % c] : x[e * d + i]));
    const h = Float64Array.from(b1);
    for (let i = 0; i < d; i++) for (let o = 0; o < hidden; o++) h[o] += row[i] * w1[i * hidden + o];
    const t = h.map(Math.tanh);
    const z = Float64Array.from(b2);
    for (let i = 0; i < hidden; i++) for (let o = 0; o < classes; o++) z[o] += t[i] * w2[i * classes + o];
    return z.map(Math.tanh);
  });
}

// The loss: crossEntropy64 (hvpHelpers.ts), the mean of nll_loss(log_softmax(·)) of the reference.

interface Problem {
  net: Network;
  shapes: number[][];
  sizes: number[];
  theta: Vec;
  x: Float32Array;
  xShape: [number, number, number, number];
  labels: number[];
  loss: (theta: Vec) => number;
}

/** The seeded initial point, biases moved off their initial values, n random MNIST-like images. */
function problem(n: number, seed: number, scale: InputScale | null = MNIST_SCALE, shape: Shape = MNIST): Problem {
  const net = buildNetwork('mlp128tanh', shape, 10, 1, scale ?? undefined);
  const init = net.init(seed);
  const shapes = init.params.map((t) => t.shape);
  const rand = createRng(seed + 100);
  const theta = f32(init.params.map((t) => Float64Array.from(t.dataSync()).map((v) => (t.rank === 1 ? v + 0.2 * (2 * rand() - 1) : v))));
  tf.dispose(init.params);
  const { x } = images(n, shape, scale, seed + 200);
  const labels = Array.from({ length: n }, (_, i) => (3 * i + seed) % 10);
  const sizes = mlpLayers('mlp128tanh', shape, 10);
  return {
    net,
    shapes,
    sizes: shapes.map((s) => s.reduce((a, b) => a * b, 1)),
    theta,
    x,
    xShape: [n, ...shape],
    labels,
    loss: (th) => crossEntropy64(forward64(th, sizes, x, shape[2], scale), labels),
  };
}

/** Runs f on the problem's tensors (params from theta), disposes them, checks nothing else is left. */
function withTensors<T>(p: Problem, theta: Vec, f: (params: Tensor[], x: tf.Tensor4D, labels: Tensor1D) => T): T {
  const start = tf.memory().numTensors;
  const params = theta.map((t, i) => tf.tensor(Float32Array.from(t), p.shapes[i]));
  const x = tf.tensor4d(p.x, p.xShape);
  const labels = tf.tensor1d(p.labels, 'int32');
  const out = f(params, x, labels);
  tf.dispose([...params, x, labels]);
  expect(tf.memory().numTensors, 'tensors left behind').toBe(start);
  return out;
}

function netLogits(p: Problem, theta: Vec = p.theta): Float64Array[] {
  return withTensors(p, theta, (params, x) => {
    const { logits, buffers } = p.net.forward(params, [], x, EVAL);
    expect(buffers).toBeNull();
    const v = logits.arraySync().map((r) => Float64Array.from(r));
    logits.dispose();
    return v;
  });
}

function netGrad(p: Problem): Vec {
  return withTensors(p, p.theta, (params, x, labels) => {
    const g = tf.grads((...ps: Tensor[]) => crossEntropy(p.net.forward(ps, [], x, { training: true, seed: 1 }).logits, labels, 10))(params);
    const out = g.map((t) => Float64Array.from(t.dataSync()));
    tf.dispose(g);
    return out;
  });
}

function netHvp(p: Problem, v: Vec): Vec {
  return withTensors(p, p.theta, (params, x, labels) => {
    const vt = v.map((t, i) => tf.tensor(Float32Array.from(t), p.shapes[i]));
    const hv = p.net.hvp(params, [], x, labels, 10, EVAL, vt);
    const out = hv.map((t) => Float64Array.from(t.dataSync()));
    tf.dispose([...vt, ...hv]);
    return out;
  });
}

const groups = (p: Problem): Record<string, (i: number) => boolean> => ({
  all: () => true,
  ...Object.fromEntries(p.net.paramNames().map((name, k) => [name, (i: number) => i === k])),
});

describe('mlp128tanh (Chandra et al. 2022)', () => {
  beforeAll(async () => {
    await useNodeBackend('cpu');
  });

  it('catalog: 784-128-10, 101,770 parameters, fits every image dataset', () => {
    expect(modelInfo('mlp128tanh').usesWidth).toBe(false);
    expect(mlpLayers('mlp128tanh', MNIST, 10)).toEqual([784, 128, 10]);
    expect(parameterCount('mlp128tanh', MNIST, 10)).toBe(784 * 128 + 128 + 128 * 10 + 10);
    expect(parameterCount('mlp128tanh', MNIST, 10)).toBe(101770);
    expect(forwardMacs('mlp128tanh', MNIST, 10)).toBe(784 * 128 + 128 * 10);
    expect(modelFits('mlp128tanh', MNIST)).toBeNull();
    expect(modelFits('mlp128tanh', [32, 32, 3])).toBeNull();
  });

  it('init: torch shapes and names (layer1, layer2), U(±1/√fan_in) weights and biases, seeded', () => {
    const net = buildNetwork('mlp128tanh', MNIST, 10, 1, MNIST_SCALE);
    expect(net.paramNames()).toEqual(['layer1.weight', 'layer1.bias', 'layer2.weight', 'layer2.bias']);
    const a = net.init(3), b = net.init(3), c = net.init(4);
    expect(a.buffers).toEqual([]);
    expect(a.params.map((t) => t.shape)).toEqual([[784, 128], [128], [128, 10], [10]]);
    expect(a.params.reduce((s, t) => s + t.size, 0)).toBe(101770);
    const bounds = [1 / Math.sqrt(784), 1 / Math.sqrt(784), 1 / Math.sqrt(128), 1 / Math.sqrt(128)];
    a.params.forEach((t, i) => {
      const v = t.dataSync() as Float32Array;
      const max = v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
      expect(max).toBeLessThanOrEqual(bounds[i] * (1 + 1e-6));
      if (v.length >= 128) expect(max).toBeGreaterThan(0.9 * bounds[i]); // the whole range, not a narrower one
      expect(Array.from(b.params[i].dataSync())).toEqual(Array.from(v));
    });
    expect(Array.from(c.params[0].dataSync())).not.toEqual(Array.from(a.params[0].dataSync()));
    // Same values and draw order as the ReLU models' torch init of the same sizes (kaiming_uniform_(a=√5)).
    const ffnn = buildNetwork('ffnn100', MNIST, 10).init(3);
    expect(a.params[0].dataSync().slice(0, 100)).toEqual(ffnn.params[0].dataSync().slice(0, 100));
    tf.dispose([...a.params, ...b.params, ...c.params, ...ffnn.params]);
  });

  it('forward: tanh on both layers, the MNIST normalisation undone, equals float64', () => {
    const p = problem(4, 1);
    const got = netLogits(p);
    const want = forward64(p.theta, [784, 128, 10], p.x, 1, MNIST_SCALE);
    let err = 0;
    got.forEach((r, e) => r.forEach((z, o) => (err = Math.max(err, Math.abs(z - want[e][o])))));
    // float32 sums of 784 products feeding tanh (|outputs| < 1): measured ~1e-7.
    expect(err).toBeLessThan(1e-5);
    for (const r of got) for (const z of r) expect(Math.abs(z)).toBeLessThan(1);
  });

  it('inputs: normalised batches give the logits that the raw [0, 1] pixels give without a scale', () => {
    const scaled = problem(3, 2);
    const rawProblem = { ...problem(3, 2, null), theta: scaled.theta };
    const { raw } = images(3, MNIST, null, 2 + 200);
    expect(Array.from(rawProblem.x)).toEqual(Array.from(Float32Array.from(raw)));
    const a = netLogits(scaled), b = netLogits(rawProblem);
    let err = 0;
    a.forEach((r, e) => r.forEach((z, o) => (err = Math.max(err, Math.abs(z - b[e][o])))));
    expect(err).toBeLessThan(1e-5);
    // Without a scale the normalised values go in as they are (a different function of the image).
    const unscaled = { ...scaled, net: buildNetwork('mlp128tanh', MNIST, 10) };
    const c = netLogits(unscaled);
    const want = forward64(scaled.theta, [784, 128, 10], scaled.x, 1, null);
    let errC = 0, diff = 0;
    c.forEach((r, e) => r.forEach((z, o) => {
      errC = Math.max(errC, Math.abs(z - want[e][o]));
      diff = Math.max(diff, Math.abs(z - a[e][o]));
    }));
    expect(errC).toBeLessThan(1e-5);
    expect(diff).toBeGreaterThan(1e-3);
  });

  it('inputs: per-channel constants (channels last) on a 2×3×2 image', () => {
    const scale: InputScale = { mean: [0.4, 0.6], std: [0.2, 0.25] };
    const p = problem(3, 5, scale, [2, 3, 2]);
    expect(p.sizes).toEqual([12 * 128, 128, 128 * 10, 10]);
    const got = netLogits(p);
    const want = forward64(p.theta, [12, 128, 10], p.x, 2, scale);
    let err = 0;
    got.forEach((r, e) => r.forEach((z, o) => (err = Math.max(err, Math.abs(z - want[e][o])))));
    expect(err).toBeLessThan(1e-5);
    // Swapping the two channels' constants changes the function.
    const swapped = { ...p, net: buildNetwork('mlp128tanh', [2, 3, 2], 10, 1, { mean: [0.6, 0.4], std: [0.25, 0.2] }) };
    const s = netLogits(swapped);
    expect(Math.max(...s.flatMap((r, e) => Array.from(r, (z, o) => Math.abs(z - got[e][o]))))).toBeGreaterThan(1e-4);
  });

  it('refuses a normalisation that does not match the channels, or std ≤ 0', () => {
    expect(() => buildNetwork('mlp128tanh', MNIST, 10, 1, { mean: [0.1, 0.2], std: [0.3, 0.3] })).toThrow(/per channel/);
    expect(() => buildNetwork('mlp128tanh', MNIST, 10, 1, { mean: [0.1], std: [0] })).toThrow(/per channel/);
    const net = buildNetwork('mlp128tanh', MNIST, 10);
    const x = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
    const t = net.init(1);
    expect(() => net.forward(t.params, [], x, EVAL)).toThrow(/784/);
    tf.dispose([x, ...t.params]);
  });

  // Central differences, h = 1e-4: truncation ~h²·|L'''| ≲ 1e-8, rounding ~ε64·L/h ≈ 1e-12; the float32
  // gradient's own error (~1e-7 relative) sets the tolerance.
  it('gradient: u·∇L equals float64 central differences of the loss, per tensor', () => {
    const p = problem(3, 1);
    const g = netGrad(p);
    const h = 1e-4;
    for (const [label, on] of Object.entries(groups(p))) {
      const u = direction(p.sizes, 9, on);
      const want = (p.loss(comb(p.theta, h, u, 0, u)) - p.loss(comb(p.theta, -h, u, 0, u))) / (2 * h);
      const got = dot(u, g);
      const scale = norm(g.map((t, i) => (on(i) ? t : new Float64Array(0))));
      expect(Math.abs(got - want) / scale, `${label}: gradient ${got}, finite differences ${want}`).toBeLessThan(2e-5);
    }
  });

  // As hvp.test.ts: u·(H v) ≈ (L(θ+hv+hu) − L(θ+hv−hu) − L(θ−hv+hu) + L(θ−hv−hu)) / (4h²), h = 1e-4,
  // tolerance 2e-5 of ‖(Hv)_g‖.
  it('H·v: u·(H v) equals float64 four-point finite differences of the loss, per tensor', () => {
    for (const [n, seed] of [[3, 1], [2, 6]] as const) {
      const p = problem(n, seed);
      const v = direction(p.sizes, 5);
      const hv = netHvp(p, v);
      const h = 1e-4;
      for (const [label, on] of Object.entries(groups(p))) {
        const u = direction(p.sizes, 9, on);
        const vals = [[h, h], [h, -h], [-h, h], [-h, -h]].map(([a, b]) => p.loss(comb(p.theta, a, v, b, u)));
        const want = (vals[0] - vals[1] - vals[2] + vals[3]) / (4 * h * h);
        const got = dot(u, hv);
        const scale = norm(hv.map((t, i) => (on(i) ? t : new Float64Array(0))));
        expect(Math.abs(got - want) / scale, `${label}: H·v gives ${got}, finite differences ${want}`).toBeLessThan(2e-5);
      }
    }
  });

  it('H·v is linear in v and symmetric (u·Hv = v·Hu)', () => {
    const p = problem(2, 3);
    expectLinearSymmetric((v) => netHvp(p, v), p.sizes);
  });

  it('forward, gradient and H·v leave no tensor behind (training and evaluation modes)', () => {
    const p = problem(2, 4);
    const before = tf.memory().numTensors;
    withTensors(p, p.theta, (params, x, labels) => {
      for (const mode of [EVAL, { training: true, seed: 3 } as const]) {
        const start = tf.memory().numTensors;
        const out = p.net.forward(params, [], x, mode);
        expect(out.buffers).toEqual(mode.training ? [] : null);
        out.logits.dispose();
        expect(tf.memory().numTensors).toBe(start);
      }
      const v = params.map((t) => tf.onesLike(t));
      const start = tf.memory().numTensors;
      const hv = p.net.hvp(params, [], x, labels, 10, EVAL, v);
      expect(hv.map((t) => t.shape)).toEqual(params.map((t) => t.shape));
      tf.dispose(hv);
      expect(tf.memory().numTensors).toBe(start);
      tf.dispose(v);
      return null;
    });
    netGrad(p);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('hvp refuses tangents of the wrong shapes', () => {
    const p = problem(1, 1);
    withTensors(p, p.theta, (params, x, labels) => {
      const v = [tf.zeros([784, 128]), tf.zeros([128])];
      expect(() => p.net.hvp(params, [], x, labels, 10, EVAL, v)).toThrow(/v has 2 tensors/);
      tf.dispose(v);
      return null;
    });
  });

  it('trains: a few SGD steps on a fixed batch lower the loss', () => {
    const p = problem(8, 2);
    const losses = withTensors(p, p.theta, (params, x, labels) => {
      let ps = params.map((t) => t.clone());
      const out: number[] = [];
      for (let k = 0; k < 20; k++) {
        const { value, grads } = tf.tidy(() => {
          const f = (...q: Tensor[]) => crossEntropy(p.net.forward(q, [], x, EVAL).logits as Tensor2D, labels, 10);
          const r = tf.valueAndGrads(f)(ps);
          return { value: r.value, grads: r.grads };
        });
        out.push(value.dataSync()[0]);
        const next = ps.map((t, i) => tf.tidy(() => tf.sub(t, tf.mul(grads[i], 0.5))));
        tf.dispose([value, ...grads, ...ps]);
        ps = next;
      }
      tf.dispose(ps);
      return out;
    });
    expect(losses[19]).toBeLessThan(losses[0] - 0.1);
  });
});
