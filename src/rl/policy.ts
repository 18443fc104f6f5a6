// The actor-critic of stable-baselines' MlpPolicy with policy_kwargs
// { act_fun: relu, net_arch: [{ pi: [32, 32], vf: [32, 32] }] } (common/policies.py mlp_extractor), its
// action distributions (common/distributions.py: Categorical, DiagGaussian with a free logstd initialised
// at 0) and the PPO2 loss (ppo2/ppo2.py setup_model) with its gradient written by hand. float64.
//
// Layout: one flat Float64Array holds every parameter; a dense layer's weight is [in][out] row-major
// (TF's x·W convention), then its bias. Order: pi layers, vf layers, logstd (continuous only).
// Initialisation as stable-baselines' linear(): ortho_init(scale) weights, zero biases; hidden layers
// scale √2, the action layer ('pi') 0.01, the value layer ('vf') 1.0.
// Deviation: ortho_init takes U or V of an SVD of a normal matrix; here Gram–Schmidt (a QR) of the
// normal matrix gives the same kind of matrix (orthonormal columns when in ≥ out, rows otherwise), not
// the same numbers (the random stream differs anyway). stable-baselines' Categorical policy also builds
// an unused 'q' head; it gets no gradient and is left out.

import type { Rng } from './random';

export type ActionSpace = { kind: 'discrete'; n: number } | { kind: 'continuous'; low: number; high: number };

export interface DenseSpec {
  inDim: number;
  outDim: number;
  /** Offset of W ([in][out] row-major) in the flat parameters. */
  w: number;
  /** Offset of b (out). */
  b: number;
}

export interface PolicyLayout {
  obsDim: number;
  space: ActionSpace;
  hidden: number[];
  pi: DenseSpec[];
  vf: DenseSpec[];
  /** Offset of logstd (1 value) for a continuous space, else −1. */
  logstd: number;
  size: number;
}

export function actionDim(space: ActionSpace): number {
  return space.kind === 'discrete' ? space.n : 1;
}

export function makeLayout(obsDim: number, space: ActionSpace, hidden: number[] = [32, 32]): PolicyLayout {
  let off = 0;
  const net = (outLast: number): DenseSpec[] => {
    const dims = [obsDim, ...hidden, outLast];
    const layers: DenseSpec[] = [];
    for (let l = 0; l + 1 < dims.length; l++) {
      const spec = { inDim: dims[l], outDim: dims[l + 1], w: off, b: off + dims[l] * dims[l + 1] };
      off = spec.b + dims[l + 1];
      layers.push(spec);
    }
    return layers;
  };
  const pi = net(actionDim(space));
  const vf = net(1);
  let logstd = -1;
  if (space.kind === 'continuous') {
    logstd = off;
    off += 1;
  }
  return { obsDim, space, hidden: hidden.slice(), pi, vf, logstd, size: off };
}

/** scale × a matrix with orthonormal columns (rows > cols) or rows, from Gram–Schmidt of N(0,1) entries. */
export function orthogonal(rows: number, cols: number, scale: number, rng: Rng): Float64Array {
  const transpose = rows < cols;
  const n = transpose ? cols : rows; // vector length
  const k = transpose ? rows : cols; // number of vectors
  const vecs: Float64Array[] = [];
  for (let v = 0; v < k; v++) {
    const g = new Float64Array(n);
    for (let i = 0; i < n; i++) g[i] = rng.normal();
    vecs.push(g);
  }
  // modified Gram–Schmidt, twice for numerical orthogonality
  for (let v = 0; v < k; v++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let u = 0; u < v; u++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += vecs[v][i] * vecs[u][i];
        for (let i = 0; i < n; i++) vecs[v][i] -= dot * vecs[u][i];
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += vecs[v][i] * vecs[v][i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) vecs[v][i] /= norm;
  }
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = scale * (transpose ? vecs[r][c] : vecs[c][r]);
  }
  return out;
}

export function initParams(layout: PolicyLayout, rng: Rng): Float64Array {
  const p = new Float64Array(layout.size);
  const initNet = (layers: DenseSpec[], lastScale: number) => {
    layers.forEach((L, i) => {
      const scale = i === layers.length - 1 ? lastScale : Math.SQRT2;
      p.set(orthogonal(L.inDim, L.outDim, scale, rng), L.w);
    });
  };
  initNet(layout.pi, 0.01);
  initNet(layout.vf, 1.0);
  if (layout.logstd >= 0) p[layout.logstd] = 0;
  return p;
}

/** Forward through a dense ReLU net (linear last layer). acts[0] = x, acts[l+1] = layer l's output. */
export function mlpForward(params: Float64Array, layers: DenseSpec[], x: Float64Array, n: number): Float64Array[] {
  const acts: Float64Array[] = [x];
  let cur = x;
  layers.forEach((L, l) => {
    const out = new Float64Array(n * L.outDim);
    const last = l === layers.length - 1;
    for (let r = 0; r < n; r++) {
      const o = r * L.outDim;
      for (let j = 0; j < L.outDim; j++) out[o + j] = params[L.b + j];
      for (let i = 0; i < L.inDim; i++) {
        const xi = cur[r * L.inDim + i];
        if (xi === 0) continue;
        const wr = L.w + i * L.outDim;
        for (let j = 0; j < L.outDim; j++) out[o + j] += xi * params[wr + j];
      }
      if (!last) for (let j = 0; j < L.outDim; j++) if (out[o + j] < 0) out[o + j] = 0;
    }
    acts.push(out);
    cur = out;
  });
  return acts;
}

/** Backward of mlpForward: adds dLoss/dparams into grad given dLoss/dOutput. */
export function mlpBackward(
  params: Float64Array,
  layers: DenseSpec[],
  acts: Float64Array[],
  dOut: Float64Array,
  n: number,
  grad: Float64Array,
): void {
  let dZ = dOut;
  for (let l = layers.length - 1; l >= 0; l--) {
    const L = layers[l];
    const a = acts[l];
    const dA = l > 0 ? new Float64Array(n * L.inDim) : null;
    for (let r = 0; r < n; r++) {
      const o = r * L.outDim;
      for (let j = 0; j < L.outDim; j++) grad[L.b + j] += dZ[o + j];
      for (let i = 0; i < L.inDim; i++) {
        const ai = a[r * L.inDim + i];
        const wr = L.w + i * L.outDim;
        let s = 0;
        for (let j = 0; j < L.outDim; j++) {
          grad[wr + j] += ai * dZ[o + j];
          s += params[wr + j] * dZ[o + j];
        }
        // ReLU: the input of layer l (l ≥ 1) is the previous layer's ReLU output
        if (dA) dA[r * L.inDim + i] = ai > 0 ? s : 0;
      }
    }
    if (dA) dZ = dA;
  }
}

export interface PolicyOutput {
  /** Discrete: logits (n × nAct). Continuous: the Gaussian mean (n × 1). */
  pi: Float64Array;
  /** Value estimates (n). */
  values: Float64Array;
  piActs: Float64Array[];
  vfActs: Float64Array[];
}

export function policyForward(layout: PolicyLayout, params: Float64Array, obs: Float64Array, n: number): PolicyOutput {
  const piActs = mlpForward(params, layout.pi, obs, n);
  const vfActs = mlpForward(params, layout.vf, obs, n);
  return { pi: piActs[piActs.length - 1], values: vfActs[vfActs.length - 1], piActs, vfActs };
}

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Row `row` of n logits: its max m and Σ_k exp(logit_k − m) (the stable log-sum-exp is m + log z). */
function rowMaxSumExp(pi: ArrayLike<number>, row: number, n: number): { m: number; z: number } {
  let m = -Infinity;
  for (let k = 0; k < n; k++) m = Math.max(m, pi[row * n + k]);
  let z = 0;
  for (let k = 0; k < n; k++) z += Math.exp(pi[row * n + k] - m);
  return { m, z };
}

/** −log π(a): Categorical softmax cross-entropy; DiagGaussian 0.5((x−μ)/σ)² + 0.5·log 2π + logσ. */
export function neglogp(space: ActionSpace, pi: ArrayLike<number>, row: number, logstd: number, action: number): number {
  if (space.kind === 'discrete') {
    const { m, z } = rowMaxSumExp(pi, row, space.n);
    return m + Math.log(z) - pi[row * space.n + action];
  }
  const std = Math.exp(logstd);
  const u = (action - pi[row]) / std;
  return 0.5 * u * u + HALF_LOG_2PI + logstd;
}

/** Entropy of one row's distribution. */
export function entropy(space: ActionSpace, pi: ArrayLike<number>, row: number, logstd: number): number {
  if (space.kind === 'discrete') {
    const n = space.n;
    const { m, z } = rowMaxSumExp(pi, row, n);
    let h = 0;
    for (let k = 0; k < n; k++) {
      const a0 = pi[row * n + k] - m;
      h += (Math.exp(a0) / z) * (Math.log(z) - a0);
    }
    return h;
  }
  return logstd + 0.5 * Math.log(2 * Math.PI * Math.E);
}

export interface PpoBatch {
  n: number;
  /** n × obsDim, normalised observations. */
  obs: Float64Array;
  /** Discrete index or the unclipped continuous action. */
  actions: Float64Array;
  returns: Float64Array;
  /** Value estimates at collection time (old_vpred). */
  values: Float64Array;
  /** −log π_old(a). */
  neglogp: Float64Array;
  /** Advantages, already normalised as _train_step does. */
  advs: Float64Array;
}

export interface PpoLossConfig {
  clipRange: number;
  /** Value clipping range; null: no value clipping (stable-baselines' negative cliprange_vf). */
  clipRangeVf: number | null;
  entCoef: number;
  vfCoef: number;
}

export interface LossTerms {
  loss: number;
  pgLoss: number;
  vfLoss: number;
  entropy: number;
  approxKl: number;
  clipFrac: number;
}

export interface OutputGrads extends LossTerms {
  dPi: Float64Array;
  dValues: Float64Array;
  dLogstd: number;
}

/**
 * PPO2's loss from the network outputs and its gradient with respect to them:
 *   ratio = exp(old_neglogp − neglogp)
 *   pg = mean(max(−A·ratio, −A·clip(ratio, 1−ε, 1+ε)))
 *   vclip = old_v + clip(v − old_v, −ε_vf, ε_vf);  vf = 0.5·mean(max((v−R)², (vclip−R)²))
 *   loss = pg − ent_coef·mean(entropy) + vf_coef·vf
 * Where the two sides of a max tie, the gradient follows the first (TF's Maximum gradient: x ≥ y);
 * clip_by_value passes the gradient on the closed interval.
 */
export function lossFromOutputs(
  space: ActionSpace,
  pi: Float64Array,
  values: Float64Array,
  logstd: number,
  batch: PpoBatch,
  cfg: PpoLossConfig,
): OutputGrads {
  const n = batch.n;
  const nOut = actionDim(space);
  const dPi = new Float64Array(n * nOut);
  const dValues = new Float64Array(n);
  let dLogstd = 0;
  let pgSum = 0;
  let vfSum = 0;
  let entSum = 0;
  let klSum = 0;
  let clipCount = 0;
  const eps = cfg.clipRange;
  const probs = new Float64Array(nOut);
  for (let r = 0; r < n; r++) {
    const a = batch.actions[r];
    const nlp = neglogp(space, pi, r, logstd, a);
    const ratio = Math.exp(batch.neglogp[r] - nlp);
    const A = batch.advs[r];
    const clipped = Math.min(Math.max(ratio, 1 - eps), 1 + eps);
    const l1 = -A * ratio;
    const l2 = -A * clipped;
    pgSum += Math.max(l1, l2);
    // d pg_r / d ratio
    let dRatio: number;
    if (l1 >= l2) dRatio = -A;
    else dRatio = ratio >= 1 - eps && ratio <= 1 + eps ? -A : 0;
    // d ratio / d neglogp = −ratio
    const dNlp = (dRatio * -ratio) / n;
    const d = batch.neglogp[r] - nlp;
    klSum += d * d;
    if (Math.abs(ratio - 1) > eps) clipCount++;
    const ent = entropy(space, pi, r, logstd);
    entSum += ent;
    const dEnt = -cfg.entCoef / n;
    if (space.kind === 'discrete') {
      let m = -Infinity;
      for (let k = 0; k < nOut; k++) m = Math.max(m, pi[r * nOut + k]);
      let z = 0;
      for (let k = 0; k < nOut; k++) z += probs[k] = Math.exp(pi[r * nOut + k] - m);
      for (let k = 0; k < nOut; k++) probs[k] /= z;
      for (let k = 0; k < nOut; k++) {
        const p = probs[k];
        // d neglogp / d logit_k = p_k − [k = a];  d H / d logit_k = −p_k (log p_k + H)
        dPi[r * nOut + k] += dNlp * (p - (k === a ? 1 : 0)) + dEnt * (p > 0 ? -p * (Math.log(p) + ent) : 0);
      }
    } else {
      const std = Math.exp(logstd);
      const u = (a - pi[r]) / std;
      // d neglogp / d μ = −u/σ;  d neglogp / d logσ = 1 − u²;  d H / d logσ = 1
      dPi[r] += dNlp * (-u / std);
      dLogstd += dNlp * (1 - u * u) + dEnt;
    }
    // value loss
    const v = values[r];
    const R = batch.returns[r];
    const old = batch.values[r];
    let vclip = v;
    let inRange = true;
    if (cfg.clipRangeVf !== null) {
      const c = cfg.clipRangeVf;
      const dv = v - old;
      inRange = dv >= -c && dv <= c;
      vclip = old + Math.min(Math.max(dv, -c), c);
    }
    const e1 = (v - R) * (v - R);
    const e2 = (vclip - R) * (vclip - R);
    vfSum += Math.max(e1, e2);
    const dvf = (cfg.vfCoef * 0.5) / n;
    if (e1 >= e2) dValues[r] = dvf * 2 * (v - R);
    else dValues[r] = inRange ? dvf * 2 * (vclip - R) : 0;
  }
  const pgLoss = pgSum / n;
  const vfLoss = (0.5 * vfSum) / n;
  const ent = entSum / n;
  return {
    loss: pgLoss - ent * cfg.entCoef + vfLoss * cfg.vfCoef,
    pgLoss,
    vfLoss,
    entropy: ent,
    approxKl: (0.5 * klSum) / n,
    clipFrac: clipCount / n,
    dPi,
    dValues,
    dLogstd,
  };
}

/** The PPO loss of a minibatch and its gradient with respect to every parameter. */
export function ppoLossAndGrad(
  layout: PolicyLayout,
  params: Float64Array,
  batch: PpoBatch,
  cfg: PpoLossConfig,
): LossTerms & { grad: Float64Array } {
  const out = policyForward(layout, params, batch.obs, batch.n);
  const logstd = layout.logstd >= 0 ? params[layout.logstd] : 0;
  const g = lossFromOutputs(layout.space, out.pi, out.values, logstd, batch, cfg);
  const grad = new Float64Array(layout.size);
  mlpBackward(params, layout.pi, out.piActs, g.dPi, batch.n, grad);
  mlpBackward(params, layout.vf, out.vfActs, g.dValues, batch.n, grad);
  if (layout.logstd >= 0) grad[layout.logstd] += g.dLogstd;
  const { dPi: _p, dValues: _v, dLogstd: _l, ...terms } = g;
  return { ...terms, grad };
}

/** The pi net's layers as nested arrays (w[in][out], b[out]) for the controller file. */
export function piLayers(layout: PolicyLayout, params: Float64Array): { w: number[][]; b: number[] }[] {
  return layout.pi.map((L) => {
    const w: number[][] = [];
    for (let i = 0; i < L.inDim; i++) w.push(Array.from(params.subarray(L.w + i * L.outDim, L.w + (i + 1) * L.outDim)));
    return { w, b: Array.from(params.subarray(L.b, L.b + L.outDim)) };
  });
}
