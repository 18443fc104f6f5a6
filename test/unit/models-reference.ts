// Independent reference implementations for the model tests: plain-JS float64 forward passes (one example,
// torch-layout weights, loops straight from the definitions) and a plain-tfjs training forward pass
// (tf.conv2d, tf.moments, tf.maxPool, tf.relu) for autodiff on the cpu backend.
import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor1D, Tensor2D, Tensor4D } from '@tensorflow/tfjs';
import type { ConvPlan } from '../../src/models/catalog';

/** One image [h][w][c] (flat, channels last) with its size. */
export interface Image { v: Float64Array; h: number; w: number; c: number }

/** tfjs filter [k, k, cIn, cOut] values → torch [cOut][cIn][k][k]. */
export function torchConvWeight(tfjs: ArrayLike<number>, k: number, cIn: number, cOut: number): Float64Array {
  const out = new Float64Array(tfjs.length);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) for (let i = 0; i < cIn; i++) for (let o = 0; o < cOut; o++) {
    out[((o * cIn + i) * k + a) * k + b] = tfjs[((a * k + b) * cIn + i) * cOut + o];
  }
  return out;
}

/** [in, out] values → torch [out][in]. */
export function torchLinearWeight(v: ArrayLike<number>, nIn: number, nOut: number): Float64Array {
  const out = new Float64Array(v.length);
  for (let i = 0; i < nIn; i++) for (let o = 0; o < nOut; o++) out[o * nIn + i] = v[i * nOut + o];
  return out;
}

/** out[y][x][o] = b[o] + Σ_{i,a,b} W[o][i][a][b] · in[y+a−pad][x+b−pad][i] (zero outside). */
export function conv(img: Image, wTorch: Float64Array, bias: ArrayLike<number>, cOut: number, k: number, pad: number): Image {
  const h = img.h + 2 * pad - k + 1, w = img.w + 2 * pad - k + 1;
  const v = new Float64Array(h * w * cOut);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let o = 0; o < cOut; o++) {
    let s = bias[o];
    for (let i = 0; i < img.c; i++) for (let a = 0; a < k; a++) {
      const yy = y + a - pad;
      if (yy < 0 || yy >= img.h) continue;
      for (let b = 0; b < k; b++) {
        const xx = x + b - pad;
        if (xx < 0 || xx >= img.w) continue;
        s += wTorch[((o * img.c + i) * k + a) * k + b] * img.v[(yy * img.w + xx) * img.c + i];
      }
    }
    v[(y * w + x) * cOut + o] = s;
  }
  return { v, h, w, c: cOut };
}

export function relu(img: Image): Image {
  return { ...img, v: img.v.map((z) => Math.max(0, z)) };
}

export function maxPool2(img: Image): Image {
  const h = Math.floor(img.h / 2), w = Math.floor(img.w / 2);
  const v = new Float64Array(h * w * img.c);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < img.c; c++) {
    let m = -Infinity;
    for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) m = Math.max(m, img.v[((2 * y + a) * img.w + 2 * x + b) * img.c + c]);
    v[(y * w + x) * img.c + c] = m;
  }
  return { v, h, w, c: img.c };
}

/** Evaluation batch norm per channel. */
export function batchNorm(img: Image, g: ArrayLike<number>, b: ArrayLike<number>, rm: ArrayLike<number>, rv: ArrayLike<number>, eps: number): Image {
  return { ...img, v: img.v.map((z, i) => { const c = i % img.c; return (z - rm[c]) / Math.sqrt(rv[c] + eps) * g[c] + b[c]; }) };
}

/** Torch's flatten of a [C, H, W] tensor, from our [H][W][C] layout. */
export function flattenCHW(img: Image): Float64Array {
  const out = new Float64Array(img.v.length);
  for (let c = 0; c < img.c; c++) for (let y = 0; y < img.h; y++) for (let x = 0; x < img.w; x++) {
    out[(c * img.h + y) * img.w + x] = img.v[(y * img.w + x) * img.c + c];
  }
  return out;
}

/** y = W x + b with torch-layout W [out][in]. */
export function linear(x: ArrayLike<number>, wTorch: Float64Array, b: ArrayLike<number>): Float64Array {
  const nOut = b.length, nIn = x.length;
  const y = new Float64Array(nOut);
  for (let o = 0; o < nOut; o++) {
    let s = b[o];
    for (let i = 0; i < nIn; i++) s += wTorch[o * nIn + i] * x[i];
    y[o] = s;
  }
  return y;
}

/**
 * Training forward pass of a conv plan with plain tfjs ops (autodiff everywhere): conv (+ batch norm with
 * tf.moments) + ReLU, max-pool, flatten in torch (C, H, W) order, dropout masks given, dense layers.
 * `watch` sees every ReLU input and every max-pool input (for conditioning checks).
 */
export function plainConvForward(
  plan: ConvPlan, params: readonly Tensor[], x: Tensor4D, masks: readonly Tensor2D[], eps: number,
  watch?: (kind: 'relu' | 'pool', t: Tensor) => void,
): Tensor2D {
  let h: Tensor4D = x;
  let p = 0;
  for (const f of plan.features) {
    if (f.kind === 'pool') {
      watch?.('pool', h);
      h = tf.maxPool(h, 2, 2, 'valid');
      continue;
    }
    let z = tf.add(tf.conv2d(h, params[p] as Tensor4D, 1, [[0, 0], [f.pad, f.pad], [f.pad, f.pad], [0, 0]]), params[p + 1]) as Tensor4D;
    p += 2;
    if (f.batchNorm) {
      const { mean, variance } = tf.moments(z, [0, 1, 2]);
      z = tf.add(tf.mul(tf.div(tf.sub(z, mean), tf.sqrt(tf.add(variance, eps))), params[p]), params[p + 1]) as Tensor4D;
      p += 2;
    }
    watch?.('relu', z);
    h = tf.relu(z);
  }
  let v = tf.reshape(tf.transpose(h, [0, 3, 1, 2]), [x.shape[0], plan.dense[0]]) as Tensor2D;
  const nDense = plan.dense.length - 1;
  for (let l = 0; l < nDense; l++) {
    if (l < masks.length) v = tf.mul(v, masks[l]);
    const z = tf.add(tf.matMul(v, params[p] as Tensor2D), params[p + 1] as Tensor1D) as Tensor2D;
    p += 2;
    if (l < nDense - 1) watch?.('relu', z);
    v = l < nDense - 1 ? tf.relu(z) : z;
  }
  return v;
}

/**
 * How far a forward pass is from a ReLU or max-pool decision: the smallest |ReLU input|, and the smallest
 * gap between the largest and second largest value of a 2×2 pool window whose maximum is positive.
 * Float32 rounding differs between backends by ~1e-7 relative; a margin well above that means both
 * backends take the same branches, so their gradients can be compared tightly.
 */
export function decisionMargin(kind: 'relu' | 'pool', t: Tensor): number {
  const v = t.dataSync();
  if (kind === 'relu') {
    let m = Infinity;
    for (let i = 0; i < v.length; i++) m = Math.min(m, Math.abs(v[i]));
    return m;
  }
  const [n, h, w, c] = t.shape as [number, number, number, number];
  let margin = Infinity;
  for (let e = 0; e < n; e++) for (let y = 0; y + 1 < h; y += 2) for (let x = 0; x + 1 < w; x += 2) for (let ch = 0; ch < c; ch++) {
    const q = [0, 1, 2, 3].map((k) => v[((e * h + y + (k >> 1)) * w + x + (k & 1)) * c + ch]).sort((a, b) => b - a);
    if (q[0] > 0) margin = Math.min(margin, q[0] - q[1]);
  }
  return margin;
}
