// Seeded initial values for the conv models, drawn on the host from one createRng stream in torch's
// module order (values are produced in torch's tensor layout, then rearranged into tfjs layouts).
import * as tf from '@tensorflow/tfjs';
import type { Tensor1D, Tensor2D, Tensor4D } from '@tensorflow/tfjs';

/**
 * Standard normal draws by Box–Muller from a uniform [0,1) source: each pair of uniforms (u1, u2)
 * gives r·cos(2πu2) and then r·sin(2πu2), r = √(−2 ln(1 − u1)) (1 − u1 ∈ (0, 1], so the log is finite).
 */
export function normalSource(rand: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const z = spare;
      spare = null;
      return z;
    }
    const r = Math.sqrt(-2 * Math.log(1 - rand()));
    const theta = 2 * Math.PI * rand();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
}

/** n values U(±bound) (torch's default Linear/Conv2d initialisation uses bound 1/√fan_in). */
export function uniformValues(n: number, bound: number, rand: () => number): Float32Array {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = (2 * rand() - 1) * bound;
  return v;
}

/** n values N(0, std²). */
export function normalValues(n: number, std: number, normal: () => number): Float32Array {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = normal() * std;
  return v;
}

/** Torch conv weight values [out][in][kh][kw] → tfjs filter [kh, kw, in, out]. */
export function convWeightTensor(torchValues: Float32Array, outC: number, inC: number, k: number): Tensor4D {
  return tf.tidy(() => tf.transpose(tf.tensor4d(torchValues, [outC, inC, k, k]), [2, 3, 1, 0]));
}

/** Torch Linear weight values [out][in] → this project's [in, out] (as mlp.ts). */
export function linearWeightTensor(torchValues: Float32Array, outN: number, inN: number): Tensor2D {
  return tf.tidy(() => tf.transpose(tf.tensor2d(torchValues, [outN, inN])));
}

export function vectorTensor(values: Float32Array): Tensor1D {
  return tf.tensor1d(values);
}
