// R-ops of batch norm (batchNorm.ts). Training mode normalises with the batch's own statistics, so the
// mean and variance depend on x and their derivatives enter both halves. Per channel, over its m values:
//   μ = mean x, x_c = x − μ, σ² = mean x_c², r = (σ² + ε)^(−1/2), x̂ = x_c·r, y = γ·x̂ + β.
// Forward tangents (ẋ_c = ẋ − mean ẋ, u = r·ẋ_c):
//   ṙ = −½r³·σ̇² = −r³·mean(x_c·ẋ_c) = −r·a,  a = mean(x̂·u);   x̂̇ = u − x̂·a;   ẏ = γ̇·x̂ + γ·x̂̇ + β̇.
// Backward (the gradient path's formula): g_x = k·q with k = γ·r, q = g − A − x̂·B, A = mean g, B = mean(g·x̂);
// g_γ = m·B, g_β = m·A. Differentiating each along v:
//   Ḃ = mean(ġ·x̂ + g·x̂̇),  q̇ = ġ − mean ġ − x̂̇·B − x̂·Ḃ,  k̇ = γ̇·r + γ·ṙ,  ġ_x = k̇·q + k·q̇,
//   ġ_γ = m·Ḃ,  ġ_β = m·mean ġ.
// Evaluation mode is affine in x with constant (running) statistics: y = x̃·γ + β, x̃ = (x − μ_run)·r_run.
import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor1D, Tensor4D } from '@tensorflow/tfjs';
import { BN_EPS } from '../batchNorm';
import { channelMean } from '../conv';
import type { RLayer } from './chain';

/** Training mode (batch statistics). gamma, beta: the parameters; dgamma, dbeta: their tangents. */
export function batchNormTrainR(gamma: Tensor1D, beta: Tensor1D, dgamma: Tensor1D, dbeta: Tensor1D): RLayer {
  return (x) => {
    const xv = x.value as Tensor4D;
    const dx = x.tangent as Tensor4D | null;
    const m = xv.size / xv.shape[3];
    const centred = tf.sub(xv, channelMean(xv));
    const r = tf.rsqrt(tf.add(channelMean(tf.square(centred) as Tensor4D), BN_EPS)); // biased variance
    const xhat = tf.mul(centred, r) as Tensor4D;
    let a: Tensor | null = null; // mean(x̂·u)
    let dxhat: Tensor | null = null; // x̂̇
    if (dx) {
      const u = tf.mul(tf.sub(dx, channelMean(dx)), r) as Tensor4D;
      a = channelMean(tf.mul(xhat, u) as Tensor4D);
      dxhat = tf.sub(u, tf.mul(xhat, a));
    }
    let dy: Tensor = tf.add(tf.mul(xhat, dgamma), dbeta);
    if (dxhat) dy = tf.add(dy, tf.mul(dxhat, gamma));
    return {
      out: { value: tf.add(tf.mul(xhat, gamma), beta), tangent: dy },
      back({ grad: g, dgrad: dg }, needInput) {
        const B = channelMean(tf.mul(g, xhat) as Tensor4D);
        let dgXhat: Tensor = tf.mul(dg, xhat);
        if (dxhat) dgXhat = tf.add(dgXhat, tf.mul(g, dxhat));
        const dB = channelMean(dgXhat as Tensor4D);
        const meanDg = channelMean(dg as Tensor4D);
        const hv = [tf.mul(dB, m), tf.mul(meanDg, m)];
        if (!needInput) return { input: null, hv };
        const k = tf.mul(gamma, r);
        const q = tf.sub(tf.sub(g, channelMean(g as Tensor4D)), tf.mul(xhat, B));
        let dq: Tensor = tf.sub(tf.sub(dg, meanDg), tf.mul(xhat, dB));
        if (dxhat) dq = tf.sub(dq, tf.mul(dxhat, B));
        let dk: Tensor = tf.mul(dgamma, r);
        if (a) dk = tf.sub(dk, tf.mul(tf.mul(gamma, r), a)); // γ·ṙ = −γ·r·a
        return { input: { grad: tf.mul(k, q), dgrad: tf.add(tf.mul(dk, q), tf.mul(k, dq)) }, hv };
      },
    };
  };
}

/** Evaluation mode (running statistics, read only): linear in x, bilinear in (x, γ). */
export function batchNormEvalR(gamma: Tensor1D, beta: Tensor1D, dgamma: Tensor1D, dbeta: Tensor1D, runningMean: Tensor, runningVar: Tensor): RLayer {
  return (x) => {
    const r = tf.rsqrt(tf.add(runningVar, BN_EPS));
    const xt = tf.mul(tf.sub(x.value, runningMean), r) as Tensor4D; // x̃
    const dxt = x.tangent ? tf.mul(x.tangent, r) : null;
    let dy: Tensor = tf.add(tf.mul(xt, dgamma), dbeta);
    if (dxt) dy = tf.add(dy, tf.mul(dxt, gamma));
    return {
      out: { value: tf.add(tf.mul(xt, gamma), beta), tangent: dy },
      back({ grad: g, dgrad: dg }, needInput) {
        // g_γ = Σ g·x̃  ⇒  ġ_γ = Σ (ġ·x̃ + g·x̃̇);  g_x = g·γ·r  ⇒  ġ_x = (ġ·γ + g·γ̇)·r.
        const m = x.value.size / (x.value as Tensor4D).shape[3];
        let dgXt: Tensor = tf.mul(dg, xt);
        if (dxt) dgXt = tf.add(dgXt, tf.mul(g, dxt));
        const hv = [tf.mul(channelMean(dgXt as Tensor4D), m), tf.mul(channelMean(dg as Tensor4D), m)];
        if (!needInput) return { input: null, hv };
        const input = { grad: tf.mul(g, tf.mul(gamma, r)), dgrad: tf.mul(tf.add(tf.mul(dg, gamma), tf.mul(g, dgamma)), r) };
        return { input, hv };
      },
    };
  };
}
