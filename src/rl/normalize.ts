// stable-baselines 2.10 RunningMeanStd and VecNormalize (common/running_mean_std.py,
// common/vec_env/vec_normalize.py), in float64 like numpy. Plain-JSON state for checkpoints.

export interface RunningMeanStdState {
  mean: number[];
  var: number[];
  count: number;
}

export class RunningMeanStd {
  mean: Float64Array;
  var: Float64Array;
  count: number;

  /** epsilon: the initial count (stable-baselines 1e-4); mean 0, var 1. */
  constructor(size: number, epsilon = 1e-4) {
    this.mean = new Float64Array(size);
    this.var = new Float64Array(size).fill(1);
    this.count = epsilon;
  }

  /** batch: rows of length `size` (numpy's update(arr) with arr.shape = [n, size]). */
  update(batch: ArrayLike<number>[]): void {
    const n = batch.length;
    const d = this.mean.length;
    const bm = new Float64Array(d);
    const bv = new Float64Array(d);
    for (const row of batch) for (let j = 0; j < d; j++) bm[j] += row[j];
    for (let j = 0; j < d; j++) bm[j] /= n;
    for (const row of batch) {
      for (let j = 0; j < d; j++) {
        const e = row[j] - bm[j];
        bv[j] += e * e;
      }
    }
    for (let j = 0; j < d; j++) bv[j] /= n; // np.var: population variance
    this.updateFromMoments(bm, bv, n);
  }

  /** The parallel-variance combination exactly as update_from_moments. */
  updateFromMoments(batchMean: ArrayLike<number>, batchVar: ArrayLike<number>, batchCount: number): void {
    const tot = this.count + batchCount;
    for (let j = 0; j < this.mean.length; j++) {
      const delta = batchMean[j] - this.mean[j];
      const newMean = this.mean[j] + (delta * batchCount) / tot;
      const mA = this.var[j] * this.count;
      const mB = batchVar[j] * batchCount;
      const m2 = mA + mB + (delta * delta * this.count * batchCount) / (this.count + batchCount);
      this.mean[j] = newMean;
      this.var[j] = m2 / (this.count + batchCount);
    }
    this.count = batchCount + this.count;
  }

  toJSON(): RunningMeanStdState {
    return { mean: Array.from(this.mean), var: Array.from(this.var), count: this.count };
  }

  static fromJSON(s: RunningMeanStdState): RunningMeanStd {
    const r = new RunningMeanStd(s.mean.length);
    if (s.var.length !== s.mean.length) throw new Error('RunningMeanStd: mean and var lengths differ');
    r.mean.set(s.mean);
    r.var.set(s.var);
    r.count = s.count;
    return r;
  }
}

export interface VecNormalizeConfig {
  normObs: boolean;
  normReward: boolean;
  clipObs: number;
  clipReward: number;
  /** The discount of the running return whose std scales rewards. */
  gamma: number;
  /** Added to the variance before the square root (stable-baselines 1e-8). */
  epsilon: number;
}

export interface VecNormalizeState {
  config: VecNormalizeConfig;
  obsRms: RunningMeanStdState;
  retRms: RunningMeanStdState;
  /** Per env running discounted return (stable-baselines does not pickle it; a checkpoint here does). */
  ret: number[];
}

/**
 * VecNormalize(training=True) without the wrapped env: the caller passes what the env returned.
 *   reset(obs)            → normalised obs (obs_rms updated with the reset obs; ret = 0)
 *   step(obs, r, dones)   → ret = ret·γ + r; obs_rms.update(obs); ret_rms.update(ret);
 *                           r / sqrt(ret_rms.var + eps) clipped; ret[done] = 0
 */
export class VecNormalize {
  readonly config: VecNormalizeConfig;
  obsRms: RunningMeanStd;
  retRms: RunningMeanStd;
  ret: Float64Array;
  training = true;

  constructor(numEnvs: number, obsDim: number, config: VecNormalizeConfig) {
    this.config = { ...config };
    this.obsRms = new RunningMeanStd(obsDim);
    this.retRms = new RunningMeanStd(1);
    this.ret = new Float64Array(numEnvs);
  }

  /** Normalise one observation with the current statistics (no update). */
  normalizeObsRow(obs: ArrayLike<number>): number[] {
    const { normObs, clipObs, epsilon } = this.config;
    const out: number[] = new Array(obs.length);
    for (let j = 0; j < obs.length; j++) {
      if (!normObs) {
        out[j] = obs[j];
        continue;
      }
      const z = (obs[j] - this.obsRms.mean[j]) / Math.sqrt(this.obsRms.var[j] + epsilon);
      out[j] = Math.min(Math.max(z, -clipObs), clipObs);
    }
    return out;
  }

  private normalizeObs(obs: number[][]): number[][] {
    if (this.config.normObs && this.training) this.obsRms.update(obs);
    return obs.map((o) => this.normalizeObsRow(o));
  }

  reset(obs: number[][]): number[][] {
    this.ret.fill(0);
    return this.normalizeObs(obs);
  }

  step(obs: number[][], rewards: number[], dones: boolean[]): { obs: number[][]; rewards: number[] } {
    const { gamma, normReward, clipReward, epsilon } = this.config;
    for (let i = 0; i < this.ret.length; i++) this.ret[i] = this.ret[i] * gamma + rewards[i];
    const nobs = this.normalizeObs(obs);
    let nrew = rewards.slice();
    if (normReward) {
      if (this.training) this.retRms.update(Array.from(this.ret, (r) => [r]));
      const scale = Math.sqrt(this.retRms.var[0] + epsilon);
      nrew = rewards.map((r) => Math.min(Math.max(r / scale, -clipReward), clipReward));
    }
    for (let i = 0; i < this.ret.length; i++) if (dones[i]) this.ret[i] = 0;
    return { obs: nobs, rewards: nrew };
  }

  toJSON(): VecNormalizeState {
    return { config: { ...this.config }, obsRms: this.obsRms.toJSON(), retRms: this.retRms.toJSON(), ret: Array.from(this.ret) };
  }

  static fromJSON(s: VecNormalizeState): VecNormalize {
    const v = new VecNormalize(s.ret.length, s.obsRms.mean.length, s.config);
    v.obsRms = RunningMeanStd.fromJSON(s.obsRms);
    v.retRms = RunningMeanStd.fromJSON(s.retRms);
    v.ret.set(s.ret);
    return v;
  }
}
