// 2-D convolution layers (NHWC, square kernel, symmetric zero padding; stride 1, and strided without
// bias for ResNet: conv2dStrided at the end) with explicit
// gradients, so they train on every backend.
//
// Why: @tensorflow/tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel of its own (the project
// registers one: src/kernels/ownKernels.ts), and its Conv2DBackpropInput is a plain loop, ~10x slower
// than the forward conv2d (XNNPACK) of the same size. Both gradients are convolutions themselves, so
// either can be computed with conv2d:
//   dW[a,b,i,o] = Σ_{n,h,w} xpad[n,h+a,w+b,i]·dy[n,h,w,o]
//              = conv2d(xᵀ [i, H, W, n], dyᵀ [Ho, Wo, n, o], pad p)[i, a, b, o]   (batch ↔ channels swapped)
//   dx        = conv2d(dy, W rotated 180° with in/out swapped [k, k, o, i], pad k−1−p)
// The filter gradient takes the Conv2DBackpropFilter kernel wherever one is registered except on cpu,
// whose kernel is ~45x slower than the conv2d route (bench/conv-models.ts): on wasm that is the
// project's own kernel, else the conv2d route. The input gradient takes Conv2DBackpropInput on the GPU
// backends (webgl, webgpu) only.
import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor1D, Tensor2D, Tensor4D } from '@tensorflow/tfjs';

type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];

/** 'native': Conv2DBackpropFilter/Conv2DBackpropInput kernels; 'conv': both gradients as conv2d. */
export type ConvGradImpl = 'native' | 'conv';

let forced: ConvGradImpl | null = null;

/** Force one implementation (tests, benchmarks); null restores the automatic choice. */
export function setConvGradImpl(impl: ConvGradImpl | null): void {
  forced = impl;
}

/** The filter gradient's implementation on the current backend. */
export function convGradImpl(): ConvGradImpl {
  if (forced) return forced;
  const backend = tf.getBackend();
  return backend !== 'cpu' && tf.getKernel('Conv2DBackpropFilter', backend) ? 'native' : 'conv';
}

/** The input gradient's implementation on the current backend. */
export function inputGradImpl(): ConvGradImpl {
  if (forced) return forced;
  const backend = tf.getBackend();
  return (backend === 'webgl' || backend === 'webgpu') && tf.getKernel('Conv2DBackpropInput', backend) ? 'native' : 'conv';
}

/**
 * Mean over all axes but the last of a 4-D tensor: [n, h, w, c] → [c]. On wasm an average pool over the
 * whole [n, h·w] window (XNNPACK, channels innermost): a reduction over leading axes transposes first
 * there, and a [1, m]·[m, c] product repacks its right operand on every call; both were ~10x slower for
 * a 128×32×32×64 tensor. Other backends reduce directly.
 */
export function channelMean(t: Tensor4D): Tensor1D {
  const [n, h, w, c] = t.shape;
  return tf.tidy(() => {
    if (tf.getBackend() === 'wasm') {
      const pooled = tf.avgPool(tf.reshape(t, [1, n, h * w, c]) as Tensor4D, [n, h * w], 1, 'valid');
      return tf.reshape(pooled, [c]);
    }
    return tf.mean(tf.reshape(t, [n * h * w, c]), 0);
  });
}

/** Σ over all axes but the last of a 4-D tensor: [n, h, w, c] → [c]. */
export function channelSum(t: Tensor4D): Tensor1D {
  const [n, h, w] = t.shape;
  return tf.tidy(() => tf.mul(channelMean(t), n * h * w));
}

/**
 * Symmetric padding as tfjs explicit padding: a plain number makes tfjs size the output of a non-square
 * filter as if it were square (computeOutputShape2D uses the filter height for both axes), which breaks
 * the filter-gradient convolution below for non-square images.
 */
function explicit(p: number): ExplicitPadding {
  return [[0, 0], [p, p], [p, p], [0, 0]];
}

/** ∂L/∂W for y = conv2d(x, W, stride 1, pad) with W of shape [k, k, cIn, cOut]. */
export function filterGrad(x: Tensor4D, dy: Tensor4D, k: number, pad: number, impl: ConvGradImpl = convGradImpl()): Tensor4D {
  const filterShape: [number, number, number, number] = [k, k, x.shape[3], dy.shape[3]];
  if (impl === 'native') {
    return tf.engine().runKernel(
      'Conv2DBackpropFilter',
      { x, dy },
      { strides: [1, 1], pad: explicit(pad), dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape } as never,
    ) as Tensor4D;
  }
  return tf.tidy(() => {
    const xs = tf.transpose(x, [3, 1, 2, 0]) as Tensor4D; // [cIn, H, W, n]: channels as batch
    const f = tf.transpose(dy, [1, 2, 0, 3]) as Tensor4D; // [Ho, Wo, n, cOut]: dy as the filter
    return tf.transpose(tf.conv2d(xs, f, 1, explicit(pad)), [1, 2, 0, 3]); // [cIn, k, k, cOut] → [k, k, cIn, cOut]
  });
}

/** ∂L/∂x for y = conv2d(x, W, stride 1, pad). */
export function inputGrad(dy: Tensor4D, w: Tensor4D, xShape: readonly number[], pad: number, impl: ConvGradImpl = inputGradImpl()): Tensor4D {
  const k = w.shape[0];
  if (impl === 'native') return tf.conv2dTranspose(dy, w, xShape as [number, number, number, number], 1, explicit(pad));
  return tf.tidy(() => tf.conv2d(dy, rotateFilter(w), 1, explicit(k - 1 - pad)));
}

/**
 * W [k, k, cIn, cOut] rotated by 180° with in/out swapped: R[a, b, o, i] = W[k−1−a, k−1−b, i, o]. The
 * rotation is a product with the k²×k² anti-identity (exact: one 1 per row), 5x faster than
 * tf.reverse on wasm.
 */
export function rotateFilter(w: Tensor4D): Tensor4D {
  const [k, , cIn, cOut] = w.shape;
  const kk = k * k;
  return tf.tidy(() => {
    const anti = new Float32Array(kk * kk);
    for (let r = 0; r < kk; r++) anti[r * kk + (kk - 1 - r)] = 1;
    const flipped = tf.matMul(tf.tensor2d(anti, [kk, kk]), tf.reshape(w, [kk, cIn * cOut]) as Tensor2D);
    return tf.transpose(tf.reshape(flipped, [k, k, cIn, cOut]), [0, 1, 3, 2]);
  });
}

function forwardConv(x: Tensor4D, w: Tensor4D, b: Tensor1D, pad: number): Tensor4D {
  return tf.fused.conv2d({ x, filter: w, bias: b, strides: 1, pad: explicit(pad) });
}

/**
 * y = conv2d(x, W) + b. x [n, H, W, cIn], W [k, k, cIn, cOut], b [cOut]; `pad` zero pixels on each side
 * (k = 2·pad + 1 keeps the size).
 */
export function conv2d(x: Tensor4D, w: Tensor4D, b: Tensor1D, pad: number): Tensor4D {
  const k = w.shape[0];
  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const [xs, ws, bs, save] = args as [Tensor4D, Tensor4D, Tensor1D, tf.GradSaveFunc];
    save([xs, ws]);
    return {
      value: forwardConv(xs, ws, bs, pad),
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
        const g = dy as Tensor4D;
        const [xx, ww] = saved as [Tensor4D, Tensor4D];
        return [inputGrad(g, ww, xx.shape, pad), filterGrad(xx, g, k, pad), channelSum(g)];
      },
    };
  });
  return op(x, w, b) as Tensor4D;
}

/** The first layer: x is data, so no gradient is computed for it (as denseInput in dense.ts). */
export function conv2dInput(x: Tensor4D, w: Tensor4D, b: Tensor1D, pad: number): Tensor4D {
  const k = w.shape[0];
  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const [ws, bs, save] = args as [Tensor4D, Tensor1D, tf.GradSaveFunc];
    // Saved (not just captured): an x made inside the loss function is freed when the forward pass ends.
    save([x]);
    return {
      value: forwardConv(x, ws, bs, pad),
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
        const g = dy as Tensor4D;
        return [filterGrad(saved[0] as Tensor4D, g, k, pad), channelSum(g)];
      },
    };
  });
  return op(w, b) as Tensor4D;
}

/**
 * The cotangent of a strided convolution as that of the stride-1 one it subsamples. With pad p and kernel
 * k, conv_s(x)[i, j] = conv_1(x)[s·i, s·j] (the same window sums; out = floor((H + 2p − k)/s) + 1 rows, the
 * last at s·(out − 1) ≤ H + 2p − k), so ∂L/∂conv_1(x) is dy placed at the multiples of s, zero elsewhere,
 * on the stride-1 output [h1, w1] = [H + 2p − k + 1, W + 2p − k + 1]. Built with rank-4 pads (columns, then
 * rows) and one slice. Stride 1: dy itself.
 */
export function strideUpsample(dy: Tensor4D, stride: number, h1: number, w1: number): Tensor4D {
  if (stride === 1) return dy;
  const [n, ho, wo, c] = dy.shape;
  return tf.tidy((): Tensor4D => {
    const cols = tf.pad(tf.reshape(dy, [n * ho, wo, 1, c]), [[0, 0], [0, 0], [0, stride - 1], [0, 0]]); // [n·ho, wo, s, c]
    const rows = tf.pad(tf.reshape(cols, [n, ho, 1, wo * stride * c]), [[0, 0], [0, 0], [0, stride - 1], [0, 0]]); // [n, ho, s, wo·s·c]
    return tf.slice(tf.reshape(rows, [n, ho * stride, wo * stride, c]) as Tensor4D, [0, 0, 0, 0], [n, h1, w1, c]);
  });
}

/**
 * y = conv2d(x, W) with stride `stride` and no bias (ResNet's convs: batch norm follows). x [n, H, W, cIn],
 * W [k, k, cIn, cOut]. Gradients: the stride-1 ones (filterGrad, inputGrad above) of the upsampled
 * cotangent (strideUpsample). `data`: x is the input batch, so no gradient is computed for it (as
 * conv2dInput).
 */
export function conv2dStrided(x: Tensor4D, w: Tensor4D, stride: number, pad: number, data = false): Tensor4D {
  const k = w.shape[0];
  const full = (g: Tensor4D, xShape: readonly number[]) => strideUpsample(g, stride, xShape[1] + 2 * pad - k + 1, xShape[2] + 2 * pad - k + 1);
  if (data) {
    const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
      const [ws, save] = args as [Tensor4D, tf.GradSaveFunc];
      save([x]); // saved, not captured: an x made inside the loss function is freed when the forward pass ends
      return {
        value: tf.conv2d(x, ws, stride, explicit(pad)),
        gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
          const xx = saved[0] as Tensor4D;
          return [filterGrad(xx, full(dy as Tensor4D, xx.shape), k, pad)];
        },
      };
    });
    return op(w) as Tensor4D;
  }
  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const [xs, ws, save] = args as [Tensor4D, Tensor4D, tf.GradSaveFunc];
    save([xs, ws]);
    return {
      value: tf.conv2d(xs, ws, stride, explicit(pad)),
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
        const [xx, ww] = saved as [Tensor4D, Tensor4D];
        const g = full(dy as Tensor4D, xx.shape);
        return [inputGrad(g, ww, xx.shape, pad), filterGrad(xx, g, k, pad)];
      },
    };
  });
  return op(x, w) as Tensor4D;
}
