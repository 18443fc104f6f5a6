// PPO with stable-baselines 2.10 PPO2 semantics (ppo2/ppo2.py: Runner, learn, _train_step) in pure
// TypeScript, float64, for the learned learning-rate controller (nicklashansen/adaptive-learning-rate-
// schedule: utils.py make_alrs_env / make_ppo2_controller). No tfjs: the nets are 7→32→32 MLPs.
//
// What ppoLearn does per update (as PPO2.learn):
//   frac = 1 − (update − 1)/n_updates; lr = schedule(frac)
//   rollout of n_steps × num_envs steps (the Runner): sample a ~ π(·|obs); store a (unclipped), V(obs),
//     −log π(a), the previous dones; step the env with a clipped to the box; VecNormalize the result
//   GAE(γ, λ) with last_values bootstrapping and the mb_dones convention; returns = advs + values
//   noptepochs × (shuffle; nminibatches minibatches): normalise advantages within the minibatch
//     ((A − mean)/(std + 1e-8), population std), loss = pg − ent_coef·H + vf_coef·vf, gradients clipped to
//     global norm max_grad_norm, one Adam step (TF AdamOptimizer, ε = 1e-5).
//
// Deviations from stable-baselines, all deliberate:
//  - float64 throughout (TF1 ran float32), and our own seeded RNG (xoshiro128**, not numpy/TF streams).
//  - Orthogonal init by Gram–Schmidt instead of SVD (same distribution kind; see policy.ts).
//  - VecNormalize's running return `ret` is part of the checkpoint (stable-baselines does not pickle it),
//    and so are the Runner's current obs/dones: a resumed run continues bitwise where it stopped when the
//    env continues too (pass resetEnv when the env is a fresh one).
//  - Episode rewards for the stats are summed here from the raw rewards, which is what the reference's
//    Monitor wrapper ('r' in ep_info) records; the buffer keeps the last 100 as PPO2's ep_info_buf.
//  - lrSchedule 'reference' reproduces a quirk faithfully (see lrAt); 'linear' is the evident intent.
// Observed on toy problems (test/unit/ppoLearn.test.ts): the reference's cliprange 10 (no trust region)
// with its effectively constant lr 1e-2 can reach an optimum and then collapse onto one action, because
// per-minibatch advantage normalisation blows noise up to unit size once rewards are constant. And for
// the continuous Box(1/r, r) the Gaussian starts at mean ≈ 0, std 1, so at first almost every action is
// clipped to a bound (as in stable-baselines, which also clips only what it sends to the env).

import {
  actionDim,
  initParams,
  makeLayout,
  neglogp,
  policyForward,
  ppoLossAndGrad,
  type ActionSpace,
  type PolicyLayout,
  type PpoBatch,
} from './policy';
import { Rng, type RngState } from './random';
import { VecNormalize, type VecNormalizeState } from './normalize';

export type { ActionSpace } from './policy';

/** A vectorised environment as stable-baselines' VecEnv: a done env auto-resets, and its `obs` is then
 * the first observation of the new episode. Actions: the discrete index, or the clipped continuous value. */
export interface VecEnv {
  readonly numEnvs: number;
  reset(): Promise<number[][]>;
  step(actions: number[]): Promise<{ obs: number[][]; rewards: number[]; dones: boolean[] }>;
}

export type LrSchedule = 'reference' | 'linear' | 'constant';

export interface PpoConfig {
  gamma: number;
  /** GAE λ. */
  lam: number;
  /** Steps per env per rollout. */
  nSteps: number;
  numEnvs: number;
  entCoef: number;
  vfCoef: number;
  /** Global-norm gradient clipping; null: none. */
  maxGradNorm: number | null;
  learningRate: number;
  /** The schedule's final value as a fraction of learningRate (reference 0.05). */
  lrFinalFraction: number;
  lrSchedule: LrSchedule;
  nMinibatches: number;
  nOptEpochs: number;
  clipRange: number;
  /** stable-baselines' cliprange_vf: null = same as clipRange (its default None); negative = no value clipping. */
  clipRangeVf: number | null;
  /** Adam ε (PPO2: 1e-5); β1 0.9, β2 0.999. */
  adamEps: number;
  normObs: boolean;
  normReward: boolean;
  clipObs: number;
  clipReward: number;
  /** VecNormalize's γ (the reference passes ppo2_gamma). */
  normGamma: number;
  /** Hidden sizes of both the pi and the vf net (ReLU). */
  hidden: number[];
  /** Episodes kept for the mean episode reward (PPO2's ep_info_buf maxlen). */
  episodeWindow: number;
}

/** utils.py defaults (and stable-baselines PPO2 defaults for what utils.py leaves alone). */
export const REFERENCE_PPO: Readonly<PpoConfig> = Object.freeze({
  gamma: 1.0,
  lam: 0.95,
  nSteps: 100,
  numEnvs: 4,
  entCoef: 0.1,
  vfCoef: 0.5,
  maxGradNorm: 0.5,
  learningRate: 1e-2,
  lrFinalFraction: 0.05,
  lrSchedule: 'reference' as LrSchedule,
  nMinibatches: 4,
  nOptEpochs: 4,
  clipRange: 10,
  clipRangeVf: null,
  adamEps: 1e-5,
  normObs: true,
  normReward: true,
  clipObs: 10,
  clipReward: 10,
  normGamma: 1.0,
  hidden: Object.freeze([32, 32]) as unknown as number[],
  episodeWindow: 100,
});

/**
 * The learning rate of update `update` (1-based) of `nUpdates`, for a run of `totalTimesteps`.
 * 'reference': utils.py passes LinearSchedule(total, lr, 0.05·lr).value as PPO2's learning_rate, and PPO2
 *   calls it with frac = 1 − (update−1)/n_updates ∈ (0, 1] — not with a timestep. value(t) =
 *   lr + min(t/total, 1)·(final − lr), so t/total ≤ 1/total and the rate stays within 0.95·lr/total of lr:
 *   effectively constant. Reproduced as is.
 * 'linear': lr·(f + (1 − f)·frac): from lr at the first update down towards f·lr (the evident intent).
 * 'constant': lr.
 */
export function lrAt(config: PpoConfig, update: number, nUpdates: number, totalTimesteps: number): number {
  const frac = 1 - (update - 1) / nUpdates;
  const lr = config.learningRate;
  const final = lr * config.lrFinalFraction;
  switch (config.lrSchedule) {
    case 'reference':
      return lr + Math.min(frac / totalTimesteps, 1) * (final - lr);
    case 'linear':
      return final + frac * (lr - final);
    case 'constant':
      return lr;
  }
}

interface RunnerState {
  /** Current normalised observations (numEnvs × obsDim). */
  obs: number[][];
  /** Whether each env's last step ended an episode (the Runner's self.dones). */
  dones: boolean[];
  /** Raw reward summed over the running episode, per env. */
  epReward: number[];
  epLength: number[];
}

export interface PpoAgent {
  readonly config: PpoConfig;
  readonly obsDim: number;
  readonly space: ActionSpace;
  readonly layout: PolicyLayout;
  params: Float64Array;
  adam: { m: Float64Array; v: Float64Array; t: number };
  rng: Rng;
  norm: VecNormalize;
  runner: RunnerState | null;
  timesteps: number;
  updates: number;
  episodes: number;
  /** Raw rewards of the last `episodeWindow` finished episodes. */
  recentEpisodeRewards: number[];
}

export function createPpo(config: PpoConfig, obsDim: number, space: ActionSpace, seed: number): PpoAgent {
  validateConfig(config);
  if (!Number.isInteger(obsDim) || obsDim < 1) throw new Error(`obsDim must be a positive integer, got ${obsDim}`);
  if (space.kind === 'discrete' && (!Number.isInteger(space.n) || space.n < 2)) throw new Error('a discrete space needs n ≥ 2');
  if (space.kind === 'continuous' && !(space.low < space.high)) throw new Error('a continuous space needs low < high');
  const cfg: PpoConfig = { ...config, hidden: config.hidden.slice() };
  const rng = new Rng(seed);
  const layout = makeLayout(obsDim, space, cfg.hidden);
  const params = initParams(layout, rng);
  return {
    config: cfg,
    obsDim,
    space: { ...space },
    layout,
    params,
    adam: { m: new Float64Array(layout.size), v: new Float64Array(layout.size), t: 0 },
    rng,
    norm: new VecNormalize(cfg.numEnvs, obsDim, {
      normObs: cfg.normObs,
      normReward: cfg.normReward,
      clipObs: cfg.clipObs,
      clipReward: cfg.clipReward,
      gamma: cfg.normGamma,
      epsilon: 1e-8,
    }),
    runner: null,
    timesteps: 0,
    updates: 0,
    episodes: 0,
    recentEpisodeRewards: [],
  };
}

function validateConfig(c: PpoConfig): void {
  const pos = (k: keyof PpoConfig) => {
    const v = c[k] as number;
    if (!(Number.isFinite(v) && v > 0)) throw new Error(`PpoConfig.${k} must be a positive number, got ${v}`);
  };
  (['nSteps', 'numEnvs', 'nMinibatches', 'nOptEpochs', 'learningRate', 'clipRange', 'adamEps', 'episodeWindow'] as const).forEach(pos);
  for (const k of ['nSteps', 'numEnvs', 'nMinibatches', 'nOptEpochs', 'episodeWindow'] as const) {
    if (!Number.isInteger(c[k])) throw new Error(`PpoConfig.${k} must be an integer, got ${c[k]}`);
  }
  if ((c.nSteps * c.numEnvs) % c.nMinibatches !== 0) {
    throw new Error(`nMinibatches (${c.nMinibatches}) must divide numEnvs × nSteps (${c.numEnvs * c.nSteps})`);
  }
  if (!['reference', 'linear', 'constant'].includes(c.lrSchedule)) throw new Error(`unknown lrSchedule "${c.lrSchedule}"`);
}

/** Actions for a batch of normalised observations: sampled (as model.step) or deterministic. */
export function policyStep(
  agent: PpoAgent,
  obs: number[][],
  deterministic = false,
): { actions: number[]; clipped: number[]; values: number[]; neglogps: number[] } {
  const n = obs.length;
  const flat = new Float64Array(n * agent.obsDim);
  obs.forEach((o, i) => flat.set(o, i * agent.obsDim));
  const out = policyForward(agent.layout, agent.params, flat, n);
  const space = agent.space;
  const logstd = agent.layout.logstd >= 0 ? agent.params[agent.layout.logstd] : 0;
  const nOut = actionDim(space);
  const actions: number[] = [];
  const clipped: number[] = [];
  const neglogps: number[] = [];
  for (let i = 0; i < n; i++) {
    let a: number;
    if (space.kind === 'discrete') {
      const logits = out.pi.subarray(i * nOut, (i + 1) * nOut);
      if (deterministic) {
        a = 0;
        for (let k = 1; k < nOut; k++) if (logits[k] > logits[a]) a = k;
      } else a = agent.rng.categoricalFromLogits(logits);
      clipped.push(a);
    } else {
      a = deterministic ? out.pi[i] : out.pi[i] + Math.exp(logstd) * agent.rng.normal();
      clipped.push(Math.min(Math.max(a, space.low), space.high));
    }
    actions.push(a);
    neglogps.push(neglogp(space, out.pi, i, logstd, a));
  }
  return { actions, clipped, values: Array.from(out.values), neglogps };
}

/**
 * GAE as PPO2's Runner. Arrays are [step][env]. `dones[t]` is mb_dones[t]: whether the episode ended just
 * before obs t was observed (the done returned by step t−1); `lastDones` the done of the final step.
 *   nextnonterminal = 1 − (t = T−1 ? lastDones : dones[t+1]); nextvalues = t = T−1 ? lastValues : values[t+1]
 *   δ_t = r_t + γ·nextvalues·nextnonterminal − V_t;  A_t = δ_t + γλ·nextnonterminal·A_{t+1};  R_t = A_t + V_t
 */
export function computeGae(
  rewards: number[][],
  values: number[][],
  dones: boolean[][],
  lastValues: number[],
  lastDones: boolean[],
  gamma: number,
  lam: number,
): { advs: number[][]; returns: number[][] } {
  const T = rewards.length;
  const E = lastValues.length;
  const advs = rewards.map((r) => r.map(() => 0));
  const returns = rewards.map((r) => r.map(() => 0));
  for (let e = 0; e < E; e++) {
    let lastGaeLam = 0;
    for (let t = T - 1; t >= 0; t--) {
      const nextNonTerminal = 1 - (t === T - 1 ? (lastDones[e] ? 1 : 0) : dones[t + 1][e] ? 1 : 0);
      const nextValues = t === T - 1 ? lastValues[e] : values[t + 1][e];
      const delta = rewards[t][e] + gamma * nextValues * nextNonTerminal - values[t][e];
      lastGaeLam = delta + gamma * lam * nextNonTerminal * lastGaeLam;
      advs[t][e] = lastGaeLam;
      returns[t][e] = lastGaeLam + values[t][e];
    }
  }
  return { advs, returns };
}

export interface PpoUpdateStats {
  timesteps: number;
  updates: number;
  /** Of this call's run: n_updates = floor(totalTimesteps / (numEnvs·nSteps)). */
  totalUpdates: number;
  episodes: number;
  /** Mean raw (unnormalised) reward of the last episodeWindow finished episodes; null before the first. */
  meanEpisodeReward: number | null;
  policyLoss: number;
  valueLoss: number;
  entropy: number;
  approxKl: number;
  clipFraction: number;
  learningRate: number;
}

export interface PpoLearnOptions {
  /** The whole run's budget (the schedule's total); a resumed agent continues up to it. */
  totalTimesteps: number;
  onUpdate?: (stats: PpoUpdateStats) => void | Promise<void>;
  /** Checked after each update (after onUpdate): true stops the run. */
  shouldStop?: () => boolean | Promise<boolean>;
  /** Reset the env first even when the agent holds a runner state (a fresh env after a resume). */
  resetEnv?: boolean;
}

/** TF's clip_by_global_norm then AdamOptimizer.apply_gradients (in place). */
export function adamStep(agent: PpoAgent, grad: Float64Array, lr: number): void {
  const { maxGradNorm, adamEps } = agent.config;
  if (maxGradNorm !== null) {
    let sq = 0;
    for (let i = 0; i < grad.length; i++) sq += grad[i] * grad[i];
    const norm = Math.sqrt(sq);
    const scale = maxGradNorm / Math.max(norm, maxGradNorm);
    if (scale !== 1) for (let i = 0; i < grad.length; i++) grad[i] *= scale;
  }
  const b1 = 0.9;
  const b2 = 0.999;
  const a = agent.adam;
  a.t += 1;
  const lrT = (lr * Math.sqrt(1 - Math.pow(b2, a.t))) / (1 - Math.pow(b1, a.t));
  const p = agent.params;
  for (let i = 0; i < p.length; i++) {
    a.m[i] = b1 * a.m[i] + (1 - b1) * grad[i];
    a.v[i] = b2 * a.v[i] + (1 - b2) * grad[i] * grad[i];
    p[i] -= (lrT * a.m[i]) / (Math.sqrt(a.v[i]) + adamEps);
  }
}

function checkEnvOutput(env: VecEnv, obs: number[][], obsDim: number, where: string): void {
  if (!Array.isArray(obs) || obs.length !== env.numEnvs) throw new Error(`${where}: expected ${env.numEnvs} observations, got ${obs?.length}`);
  for (const o of obs) {
    if (o.length !== obsDim) throw new Error(`${where}: an observation has ${o.length} numbers, expected ${obsDim}`);
    for (const x of o) if (!Number.isFinite(x)) throw new Error(`${where}: non-finite observation ${x}`);
  }
}

async function resetRunner(agent: PpoAgent, env: VecEnv): Promise<RunnerState> {
  const raw = await env.reset();
  checkEnvOutput(env, raw, agent.obsDim, 'env.reset');
  const obs = agent.norm.reset(raw);
  const E = env.numEnvs;
  return { obs, dones: new Array(E).fill(false), epReward: new Array(E).fill(0), epLength: new Array(E).fill(0) };
}

/** Train until agent.timesteps reaches floor(totalTimesteps / n_batch)·n_batch or shouldStop says so. */
export async function ppoLearn(agent: PpoAgent, env: VecEnv, opts: PpoLearnOptions): Promise<PpoAgent> {
  const c = agent.config;
  if (env.numEnvs !== c.numEnvs) throw new Error(`env has ${env.numEnvs} envs, the agent was made for ${c.numEnvs}`);
  const E = c.numEnvs;
  const T = c.nSteps;
  const nBatch = E * T;
  const batchSize = nBatch / c.nMinibatches;
  const nUpdates = Math.floor(opts.totalTimesteps / nBatch);
  if (!agent.runner || opts.resetEnv) agent.runner = await resetRunner(agent, env);
  const runner = agent.runner;
  const d = agent.obsDim;

  for (let update = agent.updates + 1; update <= nUpdates; update++) {
    const lr = lrAt(c, update, nUpdates, opts.totalTimesteps);
    const clipVf = c.clipRangeVf === null ? c.clipRange : c.clipRangeVf < 0 ? null : c.clipRangeVf;

    // ---- rollout (Runner._run) ----
    const mbObs: number[][][] = [];
    const mbActions: number[][] = [];
    const mbValues: number[][] = [];
    const mbNeglogp: number[][] = [];
    const mbDones: boolean[][] = [];
    const mbRewards: number[][] = [];
    for (let t = 0; t < T; t++) {
      const step = policyStep(agent, runner.obs);
      mbObs.push(runner.obs.map((o) => o.slice()));
      mbActions.push(step.actions);
      mbValues.push(step.values);
      mbNeglogp.push(step.neglogps);
      mbDones.push(runner.dones.slice());
      const res = await env.step(step.clipped);
      checkEnvOutput(env, res.obs, d, 'env.step');
      if (res.rewards.length !== E || res.dones.length !== E) throw new Error(`env.step: expected ${E} rewards and dones`);
      for (let e = 0; e < E; e++) {
        if (!Number.isFinite(res.rewards[e])) throw new Error(`env.step: non-finite reward ${res.rewards[e]}`);
        runner.epReward[e] += res.rewards[e];
        runner.epLength[e] += 1;
        if (res.dones[e]) {
          agent.recentEpisodeRewards.push(runner.epReward[e]);
          if (agent.recentEpisodeRewards.length > c.episodeWindow) agent.recentEpisodeRewards.shift();
          agent.episodes += 1;
          runner.epReward[e] = 0;
          runner.epLength[e] = 0;
        }
      }
      const normed = agent.norm.step(res.obs, res.rewards, res.dones);
      runner.obs = normed.obs;
      runner.dones = res.dones.map(Boolean);
      mbRewards.push(normed.rewards);
      agent.timesteps += E;
    }
    const lastValues = policyValues(agent, runner.obs);
    const { returns } = computeGae(mbRewards, mbValues, mbDones, lastValues, runner.dones, c.gamma, c.lam);

    // swap_and_flatten: [step][env] → index env·T + step
    const obsF = new Float64Array(nBatch * d);
    const actF = new Float64Array(nBatch);
    const retF = new Float64Array(nBatch);
    const valF = new Float64Array(nBatch);
    const nlpF = new Float64Array(nBatch);
    for (let e = 0; e < E; e++) {
      for (let t = 0; t < T; t++) {
        const k = e * T + t;
        obsF.set(mbObs[t][e], k * d);
        actF[k] = mbActions[t][e];
        retF[k] = returns[t][e];
        valF[k] = mbValues[t][e];
        nlpF[k] = mbNeglogp[t][e];
      }
    }

    // ---- optimisation ----
    const inds = new Int32Array(nBatch);
    for (let i = 0; i < nBatch; i++) inds[i] = i;
    const sums = { pg: 0, vf: 0, ent: 0, kl: 0, clip: 0 };
    let count = 0;
    for (let epoch = 0; epoch < c.nOptEpochs; epoch++) {
      agent.rng.shuffle(inds);
      for (let start = 0; start < nBatch; start += batchSize) {
        const mb = sliceBatch(inds, start, batchSize, d, obsF, actF, retF, valF, nlpF);
        const r = ppoLossAndGrad(agent.layout, agent.params, mb, {
          clipRange: c.clipRange,
          clipRangeVf: clipVf,
          entCoef: c.entCoef,
          vfCoef: c.vfCoef,
        });
        adamStep(agent, r.grad, lr);
        sums.pg += r.pgLoss;
        sums.vf += r.vfLoss;
        sums.ent += r.entropy;
        sums.kl += r.approxKl;
        sums.clip += r.clipFrac;
        count++;
      }
    }
    agent.updates = update;
    const recent = agent.recentEpisodeRewards;
    const stats: PpoUpdateStats = {
      timesteps: agent.timesteps,
      updates: agent.updates,
      totalUpdates: nUpdates,
      episodes: agent.episodes,
      meanEpisodeReward: recent.length ? recent.reduce((s, x) => s + x, 0) / recent.length : null,
      policyLoss: sums.pg / count,
      valueLoss: sums.vf / count,
      entropy: sums.ent / count,
      approxKl: sums.kl / count,
      clipFraction: sums.clip / count,
      learningRate: lr,
    };
    if (opts.onUpdate) await opts.onUpdate(stats);
    if (opts.shouldStop && (await opts.shouldStop())) break;
  }
  return agent;
}

function policyValues(agent: PpoAgent, obs: number[][]): number[] {
  const flat = new Float64Array(obs.length * agent.obsDim);
  obs.forEach((o, i) => flat.set(o, i * agent.obsDim));
  return Array.from(policyForward(agent.layout, agent.params, flat, obs.length).values);
}

/** A minibatch with advantages normalised within it, as _train_step. */
function sliceBatch(
  inds: Int32Array,
  start: number,
  size: number,
  d: number,
  obsF: Float64Array,
  actF: Float64Array,
  retF: Float64Array,
  valF: Float64Array,
  nlpF: Float64Array,
): PpoBatch {
  const b: PpoBatch = {
    n: size,
    obs: new Float64Array(size * d),
    actions: new Float64Array(size),
    returns: new Float64Array(size),
    values: new Float64Array(size),
    neglogp: new Float64Array(size),
    advs: new Float64Array(size),
  };
  for (let i = 0; i < size; i++) {
    const k = inds[start + i];
    b.obs.set(obsF.subarray(k * d, (k + 1) * d), i * d);
    b.actions[i] = actF[k];
    b.returns[i] = retF[k];
    b.values[i] = valF[k];
    b.neglogp[i] = nlpF[k];
    b.advs[i] = retF[k] - valF[k];
  }
  normalizeAdvantages(b.advs);
  return b;
}

/** (A − mean)/(std + 1e-8) with numpy's population std. */
export function normalizeAdvantages(a: Float64Array): void {
  let mean = 0;
  for (const x of a) mean += x;
  mean /= a.length;
  let v = 0;
  for (const x of a) v += (x - mean) * (x - mean);
  const std = Math.sqrt(v / a.length);
  for (let i = 0; i < a.length; i++) a[i] = (a[i] - mean) / (std + 1e-8);
}

// ---- checkpoints ----

export interface PpoAgentJSON {
  format: 'hg-ppo-agent';
  version: 1;
  config: PpoConfig;
  obsDim: number;
  space: ActionSpace;
  params: number[];
  adam: { m: number[]; v: number[]; t: number };
  rng: RngState;
  norm: VecNormalizeState;
  runner: RunnerState | null;
  timesteps: number;
  updates: number;
  episodes: number;
  recentEpisodeRewards: number[];
}

/** Everything needed to resume exactly; JSON.stringify keeps float64 values exactly. */
export function agentToJSON(agent: PpoAgent): PpoAgentJSON {
  return {
    format: 'hg-ppo-agent',
    version: 1,
    config: { ...agent.config, hidden: agent.config.hidden.slice() },
    obsDim: agent.obsDim,
    space: { ...agent.space },
    params: Array.from(agent.params),
    adam: { m: Array.from(agent.adam.m), v: Array.from(agent.adam.v), t: agent.adam.t },
    rng: agent.rng.getState(),
    norm: agent.norm.toJSON(),
    runner: agent.runner
      ? {
          obs: agent.runner.obs.map((o) => o.slice()),
          dones: agent.runner.dones.slice(),
          epReward: agent.runner.epReward.slice(),
          epLength: agent.runner.epLength.slice(),
        }
      : null,
    timesteps: agent.timesteps,
    updates: agent.updates,
    episodes: agent.episodes,
    recentEpisodeRewards: agent.recentEpisodeRewards.slice(),
  };
}

export function agentFromJSON(json: unknown): PpoAgent {
  const j = json as PpoAgentJSON;
  if (!j || typeof j !== 'object' || j.format !== 'hg-ppo-agent') throw new Error('not a PPO agent checkpoint (format must be "hg-ppo-agent")');
  if (j.version !== 1) throw new Error(`unsupported PPO agent checkpoint version ${String(j.version)} (expected 1)`);
  if (!j.config || typeof j.config !== 'object') throw new Error('checkpoint: config is missing');
  validateConfig(j.config);
  if (!Number.isInteger(j.obsDim) || j.obsDim < 1) throw new Error(`checkpoint: obsDim ${String(j.obsDim)} is not a positive integer`);
  if (!j.space || (j.space.kind !== 'discrete' && j.space.kind !== 'continuous')) throw new Error('checkpoint: space.kind must be "discrete" or "continuous"');
  const E = j.config.numEnvs;
  if (!j.norm || !Array.isArray(j.norm.ret) || j.norm.ret.length !== E || j.norm.obsRms?.mean?.length !== j.obsDim) {
    throw new Error(`checkpoint: the normaliser does not fit ${E} envs of ${j.obsDim} features`);
  }
  if (j.runner) {
    const r = j.runner;
    const ok = [r.obs, r.dones, r.epReward, r.epLength].every((a) => Array.isArray(a) && a.length === E) && r.obs.every((o) => Array.isArray(o) && o.length === j.obsDim);
    if (!ok) throw new Error(`checkpoint: the runner state does not fit ${E} envs of ${j.obsDim} features`);
  }
  for (const k of ['timesteps', 'updates', 'episodes'] as const) {
    if (!Number.isInteger(j[k]) || j[k] < 0) throw new Error(`checkpoint: ${k} must be a non-negative integer`);
  }
  const layout = makeLayout(j.obsDim, j.space, j.config.hidden);
  const vec = (a: unknown, n: number, name: string): Float64Array => {
    if (!Array.isArray(a) || a.length !== n) throw new Error(`checkpoint: ${name} must have ${n} numbers`);
    for (const x of a) if (typeof x !== 'number' || !Number.isFinite(x)) throw new Error(`checkpoint: ${name} holds a non-finite value`);
    return Float64Array.from(a as number[]);
  };
  return {
    config: { ...j.config, hidden: j.config.hidden.slice() },
    obsDim: j.obsDim,
    space: { ...j.space },
    layout,
    params: vec(j.params, layout.size, 'params'),
    adam: { m: vec(j.adam.m, layout.size, 'adam.m'), v: vec(j.adam.v, layout.size, 'adam.v'), t: j.adam.t },
    rng: Rng.fromState(j.rng),
    norm: VecNormalize.fromJSON(j.norm),
    runner: j.runner
      ? { obs: j.runner.obs.map((o) => o.slice()), dones: j.runner.dones.slice(), epReward: j.runner.epReward.slice(), epLength: j.runner.epLength.slice() }
      : null,
    timesteps: j.timesteps,
    updates: j.updates,
    episodes: j.episodes,
    recentEpisodeRewards: j.recentEpisodeRewards.slice(),
  };
}
