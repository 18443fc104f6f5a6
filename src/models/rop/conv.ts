// R-ops of the convolution layer of conv.ts (y = conv2d(x, W, stride 1, symmetric zero padding) + b,
// NHWC, W [k, k, cIn, cOut]) and of the NHWC → NCHW flatten between the conv features and the dense
// layers. The convolution is bilinear in (x, W), so its R-op is the product rule, and every piece of
// the backward half is one of the gradient path's own convolutions (filterGrad, inputGrad: fast on
// wasm and cpu, native kernels on GPU backends), applied to a tangent instead of a value.
import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor1D, Tensor2D, Tensor4D } from '@tensorflow/tfjs';
import { channelSum, filterGrad, inputGrad, strideUpsample } from '../conv';
import type { RLayer } from './chain';

type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];

/** Explicit symmetric padding, as conv.ts (a plain number sizes non-square filters wrongly in tfjs). */
function explicit(p: number): ExplicitPadding {
  return [[0, 0], [p, p], [p, p], [0, 0]];
}

/** w, b: the parameters; dw, db: their tangents (the matching pieces of v); `pad` as conv.ts. */
export function conv2dR(w: Tensor4D, b: Tensor1D, dw: Tensor4D, db: Tensor1D, pad: number): RLayer {
  const k = w.shape[0];
  const conv = (a: Tensor4D, f: Tensor4D) => tf.conv2d(a, f, 1, explicit(pad));
  return (x) => {
    const xv = x.value as Tensor4D;
    const dx = x.tangent as Tensor4D | null;
    // ẏ = conv(ẋ, W) + conv(x, Ẇ) + ḃ (ẋ = 0 for data).
    let dy: Tensor = tf.add(conv(xv, dw), db);
    if (dx) dy = tf.add(dy, conv(dx, w));
    return {
      out: { value: tf.fused.conv2d({ x: xv, filter: w, bias: b, strides: 1, pad: explicit(pad) }), tangent: dy },
      back({ grad, dgrad }, needInput) {
        const g = grad as Tensor4D, dg = dgrad as Tensor4D;
        // g_W = filterGrad(x, g), linear in each argument  ⇒  ġ_W = filterGrad(x, ġ) + filterGrad(ẋ, g).
        let dgw: Tensor = filterGrad(xv, dg, k, pad);
        if (dx) dgw = tf.add(dgw, filterGrad(dx, g, k, pad));
        const hv = [dgw, channelSum(dg)];
        if (!needInput) return { input: null, hv };
        // g_x = inputGrad(g, W)  ⇒  ġ_x = inputGrad(ġ, W) + inputGrad(g, Ẇ).
        const input = {
          grad: inputGrad(g, w, xv.shape, pad),
          dgrad: tf.add(inputGrad(dg, w, xv.shape, pad), inputGrad(g, dw, xv.shape, pad)),
        };
        return { input, hv };
      },
    };
  };
}

/**
 * conv2dStrided (conv.ts): y = conv_s(x, W), no bias. Bilinear as above; the backward half is the stride-1
 * one applied to the upsampled cotangents (strideUpsample), exactly as the gradient path's gradFunc.
 */
export function conv2dStridedR(w: Tensor4D, dw: Tensor4D, stride: number, pad: number): RLayer {
  const k = w.shape[0];
  const conv = (a: Tensor4D, f: Tensor4D) => tf.conv2d(a, f, stride, explicit(pad));
  return (x) => {
    const xv = x.value as Tensor4D;
    const dx = x.tangent as Tensor4D | null;
    let dy: Tensor = conv(xv, dw);
    if (dx) dy = tf.add(dy, conv(dx, w));
    const [h1, w1] = [xv.shape[1] + 2 * pad - k + 1, xv.shape[2] + 2 * pad - k + 1];
    return {
      out: { value: conv(xv, w), tangent: dy },
      back({ grad, dgrad }, needInput) {
        const g = strideUpsample(grad as Tensor4D, stride, h1, w1), dg = strideUpsample(dgrad as Tensor4D, stride, h1, w1);
        let dgw: Tensor = filterGrad(xv, dg, k, pad);
        if (dx) dgw = tf.add(dgw, filterGrad(dx, g, k, pad));
        if (!needInput) return { input: null, hv: [dgw] };
        const input = {
          grad: inputGrad(g, w, xv.shape, pad),
          dgrad: tf.add(inputGrad(dg, w, xv.shape, pad), inputGrad(g, dw, xv.shape, pad)),
        };
        return { input, hv: [dgw] };
      },
    };
  };
}

/**
 * [n, h, w, c] → [n, c·h·w] in torch's (C, H, W) order (lenet.ts; for VGG's 1×1 maps it is its plain
 * reshape). A fixed permutation: tangents go forward and both cotangents back through the same one.
 */
export const flattenCHWR: RLayer = (x) => {
  const [n, h, w, c] = x.value.shape as [number, number, number, number];
  const flat = (t: Tensor) => tf.reshape(tf.transpose(t, [0, 3, 1, 2]), [n, c * h * w]) as Tensor2D;
  const unflat = (t: Tensor) => tf.transpose(tf.reshape(t, [n, c, h, w]), [0, 2, 3, 1]) as Tensor4D;
  return {
    out: { value: flat(x.value), tangent: x.tangent ? flat(x.tangent) : null },
    back: ({ grad, dgrad }) => ({ input: { grad: unflat(grad), dgrad: unflat(dgrad) }, hv: [] }),
  };
};
