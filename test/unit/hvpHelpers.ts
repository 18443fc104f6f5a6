// The float64 finite-difference set-up shared by the H·v tests (hvp.test.ts, resnet.test.ts): branch
// decisions of a float64 pass, the four-point mixed difference, a model at its seeded initial point with
// its 1-D tensors moved off their initial values, H·v read back from the network, and the linearity and
// symmetry check.
import * as tf from '@tensorflow/tfjs';
import type { Tensor1D } from '@tensorflow/tfjs';
import { expect } from 'vitest';
import type { ModelName } from '../../src/engine/types';
import { createRng } from '../../src/data/batching';
import { buildNetwork } from '../../src/models/build';
import type { ForwardMode, Network } from '../../src/models/network';
import type { Image } from './models-reference';
import { comb, direction, dot, f32, norm, uniform, type Vec } from './vecMath';

/** Branch decisions of a float64 forward pass and their distance to the nearest kink. */
export class Decisions {
  readonly list: number[] = [];
  margin = Infinity;
  relu(z: number): number {
    this.list.push(z > 0 ? 1 : 0);
    this.margin = Math.min(this.margin, Math.abs(z));
    return Math.max(0, z);
  }
  /** relu(max of a window): which position wins (−1: none, the max is not positive). */
  reluMax(q: readonly number[]): number {
    let best = 0;
    for (let k = 1; k < q.length; k++) if (q[k] > q[best]) best = k;
    const top = q[best];
    const second = Math.max(...q.filter((_, k) => k !== best));
    this.list.push(top > 0 ? best : -1);
    this.margin = Math.min(this.margin, Math.abs(top), top > 0 ? top - second : Infinity);
    return Math.max(0, top);
  }
}

/** A float64 loss with its branch decisions (and, where the model's reference gives them, the logits). */
export type Loss64 = (theta: Vec) => { loss: number; d: Decisions; logits?: Float64Array[] };

/** u·(H v) by the float64 four-point mixed difference; throws when a decision changes within the stencil. */
export function fdMixed(loss: Loss64, theta: Vec, u: Vec, v: Vec, h = 1e-4): number {
  const at = loss(theta).d.list;
  const values = [[h, h], [h, -h], [-h, h], [-h, -h]].map(([a, b]) => {
    const r = loss(comb(theta, a, v, b, u));
    if (r.d.list.some((x, i) => x !== at[i])) throw new Error('a ReLU or max-pool decision changes within the finite-difference stencil');
    return r.loss;
  });
  return (values[0] - values[1] - values[2] + values[3]) / (4 * h * h);
}

/** Mean cross-entropy of float64 logit rows. */
export function crossEntropy64(logits: readonly Float64Array[], labels: readonly number[]): number {
  let s = 0;
  logits.forEach((z, i) => {
    const m = Math.max(...z);
    let e = 0;
    for (const zi of z) e += Math.exp(zi - m);
    s += m + Math.log(e) - z[labels[i]];
  });
  return s / logits.length;
}

export interface Problem {
  net: Network;
  shapes: number[][];
  sizes: number[];
  theta: Vec;
  buffers: Vec;
  x: Float32Array;
  xShape: [number, number, number, number];
  labels: number[];
  mode: ForwardMode;
  loss: Loss64;
}

/** A problem's network, point and batch, before its float64 loss and forward mode are chosen. */
export type ProblemPoint = Omit<Problem, 'mode' | 'loss'> & { images: Image[] };

/**
 * `name` at its seeded initial point, the 1-D tensors (biases, BN γ/β) moved off their 0/1 initial values
 * and the running statistics off 0/1; n uniform images and labels (3i + seed) mod 10.
 */
export function problemPoint(name: ModelName, shape: [number, number, number], n: number, seed: number, width = 1): ProblemPoint {
  const net = buildNetwork(name, shape, 10, width);
  const init = net.init(seed);
  const shapes = init.params.map((t) => t.shape);
  const rand = createRng(seed + 100);
  const theta = f32(init.params.map((t) => Float64Array.from(t.dataSync()).map((v) => (t.rank === 1 ? v + 0.2 * (2 * rand() - 1) : v))));
  const buffers = f32(init.buffers.map((t, i) => Float64Array.from(t.dataSync()).map((v) => v + (i % 2 === 0 ? 0.1 : 0.3) * rand())));
  tf.dispose([...init.params, ...init.buffers]);
  const per = shape[0] * shape[1] * shape[2];
  const x = Float32Array.from(uniform(n * per, rand));
  const labels = Array.from({ length: n }, (_, i) => (3 * i + seed) % 10);
  const images = Array.from({ length: n }, (_, e) => ({ v: Float64Array.from(x.subarray(e * per, (e + 1) * per)), h: shape[0], w: shape[1], c: shape[2] }));
  return { net, shapes, sizes: shapes.map((s) => s.reduce((a, b) => a * b, 1)), theta, buffers, x, xShape: [n, ...shape], labels, images };
}

/** H·v from the network at `theta`, read back as float64; asserts no tensor is left behind. */
export function netHvp(p: Problem, v: Vec, theta: Vec = p.theta): Vec {
  const start = tf.memory().numTensors;
  const params = theta.map((t, i) => tf.tensor(Float32Array.from(t), p.shapes[i]));
  const buffers = p.buffers.map((t) => tf.tensor1d(Float32Array.from(t)));
  const vt = v.map((t, i) => tf.tensor(Float32Array.from(t), p.shapes[i]));
  const x = tf.tensor4d(p.x, p.xShape);
  const labels = tf.tensor1d(p.labels, 'int32');
  const hv = p.net.hvp(params, buffers, x, labels, 10, p.mode, vt);
  const out = hv.map((t) => Float64Array.from(t.dataSync()));
  tf.dispose([...params, ...buffers, ...vt, x, labels as Tensor1D, ...hv]);
  expect(tf.memory().numTensors, 'tensors left by hvp').toBe(start);
  return out;
}

/** H·v is linear in v (H(2u − 3v) = 2Hu − 3Hv) and symmetric (u·Hv = v·Hu), to 1e-5 of ‖H·‖ (float32). */
export function expectLinearSymmetric(hvp: (v: Vec) => Vec, sizes: readonly number[]): void {
  const u = direction(sizes, 21), v = direction(sizes, 22);
  const hu = hvp(u), hv = hvp(v);
  const hw = hvp(comb(u.map((t) => t.map(() => 0)), 2, u, -3, v)); // H(2u − 3v)
  const scale = Math.max(norm(hu), norm(hv));
  expect(norm(comb(hw, -2, hu, 3, hv)) / scale).toBeLessThan(1e-5);
  expect(Math.abs(dot(u, hv) - dot(v, hu)) / scale).toBeLessThan(1e-5);
}
