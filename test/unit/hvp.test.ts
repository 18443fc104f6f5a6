// Exact Hessian-vector products (src/models/mlpHvp.ts, src/models/rop/, Network.hvp) against float64
// finite differences of the loss, closed forms, and the algebraic properties of a Hessian.
//
// The float64 reference: u·(H v) ≈ (L(θ+hv+hu) − L(θ+hv−hu) − L(θ−hv+hu) + L(θ−hv−hu)) / (4h²), with L
// computed in plain-JS float64 (models-reference.ts) at the same float32 parameter values. Its error is
// O(h²) truncation plus ~ε64·|L|/h² rounding: with h = 1e-4 both are ~1e-8 relative or less, far below the
// float32 HVP's own error (~1e-6 relative per product, growing with depth and with the cancellation in
// (p⊙ż − p·pᵀż)), so the tolerances below are set by float32, not by the reference.
import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/data/batching';
import { useNodeBackend } from '../../src/engine/nodeBackends';
import { mlpHvp } from '../../src/models/mlpHvp';

type Vec = Float64Array[];

function randVec(shapes: readonly number[][], seed: number, scale = 1): Vec {
  const r = createRng(seed);
  return shapes.map((s) => Float64Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => scale * (2 * r() - 1)));
}

/** Float32-representable values (what the tensors hold), as float64. */
function f32(vs: Vec): Vec {
  return vs.map((v) => Float64Array.from(Float32Array.from(v)));
}

function toTensors(vs: Vec, shapes: readonly number[][]): Tensor[] {
  return vs.map((v, i) => tf.tensor(Float32Array.from(v), shapes[i]));
}

function read(ts: readonly Tensor[]): Vec {
  return ts.map((t) => Float64Array.from(t.dataSync()));
}

function dot(a: Vec, b: Vec): number {
  let s = 0;
  a.forEach((x, i) => x.forEach((xi, j) => (s += xi * b[i][j])));
  return s;
}

/** θ + a·u + b·w */
function comb(theta: Vec, a: number, u: Vec, b: number, w: Vec): Vec {
  return theta.map((t, i) => t.map((ti, j) => ti + a * u[i][j] + b * w[i][j]));
}

/**
 * A float64 loss with the branch decisions of its forward pass (every ReLU sign, every max-pool argmax):
 * the loss is smooth (and the finite difference valid) where the decisions do not change.
 */
type Loss64 = (theta: Vec) => { loss: number; decisions: number[] };

/**
 * u·(H v) by the float64 four-point mixed difference of the loss. Throws when a ReLU or max-pool decision
 * differs between θ and a stencil point: then the loss is not smooth over the stencil, and the test's
 * point must be chosen differently (not the tolerance loosened).
 */
function fdMixed(loss: Loss64, theta: Vec, u: Vec, v: Vec, h: number): number {
  const at = loss(theta).decisions;
  const values = [[h, h], [h, -h], [-h, h], [-h, -h]].map(([a, b]) => {
    const r = loss(comb(theta, a, v, b, u));
    if (r.decisions.length !== at.length || r.decisions.some((d, i) => d !== at[i])) {
      throw new Error('a ReLU or max-pool decision changes within the finite-difference stencil');
    }
    return r.loss;
  });
  return (values[0] - values[1] - values[2] + values[3]) / (4 * h * h);
}

/** Mean cross-entropy of float64 logits rows. */
function crossEntropy64(logits: Float64Array[], labels: readonly number[]): number {
  let s = 0;
  logits.forEach((z, i) => {
    const m = Math.max(...z);
    let e = 0;
    for (const zi of z) e += Math.exp(zi - m);
    s += m + Math.log(e) - z[labels[i]];
  });
  return s / logits.length;
}

/** Float64 loss of an MLP ([W [in,out], b, ...], ReLU between layers) on rows x. */
function mlpLoss64(sizes: readonly number[], x: Float64Array[], labels: readonly number[]): Loss64 {
  return (theta) => {
    const decisions: number[] = [];
    const logits = x.map((row) => {
      let h = row;
      for (let l = 1; l < sizes.length; l++) {
        const nIn = sizes[l - 1], nOut = sizes[l], w = theta[2 * l - 2], b = theta[2 * l - 1];
        const z = new Float64Array(nOut);
        for (let o = 0; o < nOut; o++) {
          let s = b[o];
          for (let i = 0; i < nIn; i++) s += h[i] * w[i * nOut + o];
          if (l < sizes.length - 1) decisions.push(s > 0 ? 1 : 0);
          z[o] = l < sizes.length - 1 ? Math.max(0, s) : s;
        }
        h = z;
      }
      return h;
    });
    return { loss: crossEntropy64(logits, labels), decisions };
  };
}

function mlpShapes(sizes: readonly number[]): number[][] {
  const s: number[][] = [];
  for (let l = 1; l < sizes.length; l++) s.push([sizes[l - 1], sizes[l]], [sizes[l]]);
  return s;
}

/** max |a − b| / max |b| over flat vectors */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0, m = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return d / m;
}

describe('mlpHvp', () => {
  beforeAll(async () => {
    await useNodeBackend('cpu');
  });

  // A fixed small problem: 6-5-4-3 MLP, 7 rows.
  const SIZES = [6, 5, 4, 3];
  const SHAPES = mlpShapes(SIZES);
  const N = 7;
  const X = f32(randVec([[N * SIZES[0]]], 11))[0];
  const ROWS = Array.from({ length: N }, (_, i) => X.subarray(i * SIZES[0], (i + 1) * SIZES[0]));
  const LABELS = Array.from({ length: N }, (_, i) => (3 * i + 1) % SIZES[SIZES.length - 1]);
  const THETA = f32(randVec(SHAPES, 12, 0.8));
  const V = f32(randVec(SHAPES, 13));

  function hvp(theta: Vec, v: Vec): Vec {
    return tf.tidy(() => {
      const out = mlpHvp(toTensors(theta, SHAPES), tf.tensor2d(Float32Array.from(X), [N, SIZES[0]]), tf.tensor1d(LABELS, 'int32'), SIZES[SIZES.length - 1], toTensors(v, SHAPES));
      return read(out);
    });
  }

  it('the first 8 entries of H·v equal float64 finite differences of the loss', () => {
    const h = 1e-4;
    const hv = hvp(THETA, V).flatMap((t) => Array.from(t));
    const loss = mlpLoss64(SIZES, ROWS, LABELS);
    const fd = Array.from({ length: 8 }, (_, k) => {
      const e = SHAPES.map((s) => new Float64Array(s.reduce((a, b) => a * b, 1)));
      e[0][k] = 1;
      return fdMixed(loss, THETA, e, V, h);
    });
    // float32 HVP (a few products of ~6 terms: ~1e-7 relative, measured 1.6e-7) vs float64 FD (~1e-8):
    // 1e-5 leaves room for other float32 summation orders.
    expect(relErr(hv.slice(0, 8), fd)).toBeLessThan(1e-5);
  });
});
