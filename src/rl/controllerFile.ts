// The shipped-controller file: what a page loads to run a trained learning-rate policy without the
// trainer. Pure (no tfjs, no DOM). Format, version 1:
// {
//   format: 'hg-controller', version: 1,
//   action: { kind: 'discrete', factor: 1.05 } | { kind: 'continuous', low, high },
//   updateFreq: 10,                      // child-training steps between two actions
//   features: string[],                  // the observation's names, one per input
//   obsNorm: { mean: number[], var: number[], clip: 10, eps: 1e-8 },   // VecNormalize's frozen obs_rms
//   policy: { layers: [{ w: number[in][out], b: number[out] }, ...],    // the pi net, ReLU between layers,
//             logstd?: number[1] },                                     // the last layer linear
//   trained: { dataset, model, timesteps, episodes, date, command }
// }
// Discrete actions follow the reference's order: 0 → lr × factor, 1 → lr ÷ factor, 2 → lr × 1.

import type { PpoAgent } from './ppo';
import { piLayers } from './policy';
import type { Rng } from './random';

export type ControllerAction = { kind: 'discrete'; factor: number } | { kind: 'continuous'; low: number; high: number };

export interface ControllerLayer {
  w: number[][];
  b: number[];
}

export interface ControllerTrained {
  dataset: string;
  model: string;
  timesteps: number;
  episodes: number;
  date: string;
  command: string;
}

export interface Controller {
  format: 'hg-controller';
  version: 1;
  action: ControllerAction;
  updateFreq: number;
  features: string[];
  obsNorm: { mean: number[]; var: number[]; clip: number; eps: number };
  policy: { layers: ControllerLayer[]; logstd?: number[] };
  trained: ControllerTrained;
}

export const CONTROLLER_FORMAT = 'hg-controller';
export const CONTROLLER_VERSION = 1;
/** The reference's three discrete actions. */
export const DISCRETE_ACTIONS = 3;

export interface ControllerMeta {
  /** For a discrete agent: the factor of actions 0 / 1 (the reference's action_range). */
  factor?: number;
  updateFreq: number;
  features: string[];
  trained: ControllerTrained;
}

/** The agent's pi net and frozen observation statistics as a controller. */
export function controllerToJSON(agent: PpoAgent, meta: ControllerMeta): Controller {
  const space = agent.space;
  let action: ControllerAction;
  if (space.kind === 'discrete') {
    if (space.n !== DISCRETE_ACTIONS) throw new Error(`a discrete controller has ${DISCRETE_ACTIONS} actions, the agent has ${space.n}`);
    if (meta.factor === undefined) throw new Error('a discrete controller needs meta.factor');
    action = { kind: 'discrete', factor: meta.factor };
  } else {
    action = { kind: 'continuous', low: space.low, high: space.high };
  }
  const norm = agent.norm;
  const d = agent.obsDim;
  const ctrl: Controller = {
    format: 'hg-controller',
    version: 1,
    action,
    updateFreq: meta.updateFreq,
    features: meta.features.slice(),
    obsNorm: norm.config.normObs
      ? { mean: Array.from(norm.obsRms.mean), var: Array.from(norm.obsRms.var), clip: norm.config.clipObs, eps: norm.config.epsilon }
      : // no observation normalisation: an identity (mean 0, var 1, eps 0) and no clipping
        { mean: new Array(d).fill(0), var: new Array(d).fill(1), clip: Number.MAX_VALUE, eps: 0 },
    policy: { layers: piLayers(agent.layout, agent.params) },
    trained: { ...meta.trained },
  };
  if (agent.layout.logstd >= 0) ctrl.policy.logstd = [agent.params[agent.layout.logstd]];
  // validate what we write with the same rules as what we read
  return parseController(JSON.stringify(ctrl));
}

function fail(msg: string): never {
  throw new Error(`Bad controller file: ${msg}`);
}

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function finiteNumber(x: unknown, where: string): number {
  if (typeof x !== 'number') fail(`${where} must be a number, got ${x === null ? 'null' : typeof x}`);
  if (!Number.isFinite(x)) fail(`${where} is not finite (${x})`);
  return x;
}

function numberArray(x: unknown, n: number, where: string): number[] {
  if (!Array.isArray(x)) fail(`${where} must be an array of ${n} numbers`);
  if (x.length !== n) fail(`${where} has ${x.length} numbers, expected ${n}`);
  x.forEach((v, i) => finiteNumber(v, `${where}[${i}]`));
  return x as number[];
}

/** Parse and validate a controller file; the error names the first problem found. */
export function parseController(text: string): Controller {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    fail(`not JSON (${(e as Error).message})`);
  }
  if (!isObj(raw)) fail('the top level must be a JSON object');
  if (raw.format !== CONTROLLER_FORMAT) fail(`format is ${JSON.stringify(raw.format)}, expected "${CONTROLLER_FORMAT}"`);
  if (raw.version !== CONTROLLER_VERSION) fail(`version ${JSON.stringify(raw.version)} is not supported (expected ${CONTROLLER_VERSION})`);

  // action
  const a = raw.action;
  if (!isObj(a)) fail('action must be an object');
  let action: ControllerAction;
  if (a.kind === 'discrete') {
    const factor = finiteNumber(a.factor, 'action.factor');
    if (!(factor > 0)) fail(`action.factor must be positive, got ${factor}`);
    action = { kind: 'discrete', factor };
  } else if (a.kind === 'continuous') {
    const low = finiteNumber(a.low, 'action.low');
    const high = finiteNumber(a.high, 'action.high');
    if (!(low > 0)) fail(`action.low must be positive (it multiplies the learning rate), got ${low}`);
    if (!(low < high)) fail(`action.low (${low}) must be below action.high (${high})`);
    action = { kind: 'continuous', low, high };
  } else fail(`action.kind is ${JSON.stringify(a.kind)}, expected "discrete" or "continuous"`);

  const updateFreq = finiteNumber(raw.updateFreq, 'updateFreq');
  if (!Number.isInteger(updateFreq) || updateFreq < 1) fail(`updateFreq must be a positive integer, got ${updateFreq}`);

  // policy shapes
  const p = raw.policy;
  if (!isObj(p)) fail('policy must be an object');
  if (!Array.isArray(p.layers) || p.layers.length < 1) fail('policy.layers must be a non-empty array');
  const layers: ControllerLayer[] = [];
  let inDim = -1;
  p.layers.forEach((L: unknown, l: number) => {
    const where = `policy.layers[${l}]`;
    if (!isObj(L)) fail(`${where} must be an object with w and b`);
    if (!Array.isArray(L.w) || L.w.length < 1) fail(`${where}.w must be a non-empty array of rows`);
    const rows = L.w.length;
    if (l === 0) inDim = rows;
    else if (rows !== layers[l - 1].b.length) fail(`${where}.w has ${rows} rows, expected ${layers[l - 1].b.length} (the previous layer's outputs)`);
    if (!Array.isArray(L.w[0])) fail(`${where}.w[0] must be an array`);
    const cols = (L.w[0] as unknown[]).length;
    if (cols < 1) fail(`${where}.w[0] is empty`);
    const w = L.w.map((row: unknown, i: number) => numberArray(row, cols, `${where}.w[${i}]`));
    const b = numberArray(L.b, cols, `${where}.b`);
    layers.push({ w, b });
  });
  const outDim = layers[layers.length - 1].b.length;
  const wantOut = action.kind === 'discrete' ? DISCRETE_ACTIONS : 1;
  if (outDim !== wantOut) fail(`the last policy layer has ${outDim} outputs, a ${action.kind} controller needs ${wantOut}`);
  let logstd: number[] | undefined;
  if (action.kind === 'continuous') {
    if (p.logstd === undefined) fail('policy.logstd is missing (a continuous controller needs it)');
    logstd = numberArray(p.logstd, 1, 'policy.logstd');
  } else if (p.logstd !== undefined) fail('policy.logstd is only for a continuous controller');

  // features and normalisation must match the input size
  if (!Array.isArray(raw.features)) fail('features must be an array of names');
  if (raw.features.length !== inDim) fail(`features has ${raw.features.length} names, the policy takes ${inDim} inputs`);
  raw.features.forEach((f: unknown, i: number) => {
    if (typeof f !== 'string' || f.length === 0) fail(`features[${i}] must be a non-empty string`);
  });
  const n = raw.obsNorm;
  if (!isObj(n)) fail('obsNorm must be an object');
  const mean = numberArray(n.mean, inDim, 'obsNorm.mean');
  const vr = numberArray(n.var, inDim, 'obsNorm.var');
  vr.forEach((v, i) => {
    if (v < 0) fail(`obsNorm.var[${i}] is negative (${v})`);
  });
  const clip = finiteNumber(n.clip, 'obsNorm.clip');
  if (!(clip > 0)) fail(`obsNorm.clip must be positive, got ${clip}`);
  const eps = finiteNumber(n.eps, 'obsNorm.eps');
  if (eps < 0) fail(`obsNorm.eps must not be negative, got ${eps}`);
  vr.forEach((v, i) => {
    if (!(v + eps > 0)) fail(`obsNorm.var[${i}] + eps must be positive`);
  });

  const t = raw.trained;
  if (!isObj(t)) fail('trained must be an object');
  for (const k of ['dataset', 'model', 'date', 'command'] as const) {
    if (typeof t[k] !== 'string') fail(`trained.${k} must be a string`);
  }
  for (const k of ['timesteps', 'episodes'] as const) {
    const v = finiteNumber(t[k], `trained.${k}`);
    if (!Number.isInteger(v) || v < 0) fail(`trained.${k} must be a non-negative integer, got ${v}`);
  }

  const ctrl: Controller = {
    format: 'hg-controller',
    version: 1,
    action,
    updateFreq,
    features: (raw.features as string[]).slice(),
    obsNorm: { mean, var: vr, clip, eps },
    policy: logstd ? { layers, logstd } : { layers },
    trained: {
      dataset: t.dataset as string,
      model: t.model as string,
      timesteps: t.timesteps as number,
      episodes: t.episodes as number,
      date: t.date as string,
      command: t.command as string,
    },
  };
  return ctrl;
}

/** VecNormalize's observation normalisation with frozen statistics: clip((x − mean)/√(var + eps), ±clip). */
export function normalizeObservation(ctrl: Controller, rawObs: number[]): number[] {
  const { mean, var: vr, clip, eps } = ctrl.obsNorm;
  if (rawObs.length !== mean.length) throw new Error(`the controller takes ${mean.length} features, got ${rawObs.length}`);
  return rawObs.map((x, j) => Math.min(Math.max((x - mean[j]) / Math.sqrt(vr[j] + eps), -clip), clip));
}

/** The pi net's output: logits (discrete) or the Gaussian mean (continuous). */
export function controllerForward(ctrl: Controller, normObs: number[]): number[] {
  let x = normObs;
  const layers = ctrl.policy.layers;
  layers.forEach((L, l) => {
    const out = L.b.slice();
    for (let i = 0; i < x.length; i++) {
      const xi = x[i];
      const row = L.w[i];
      for (let j = 0; j < out.length; j++) out[j] += xi * row[j];
    }
    if (l < layers.length - 1) for (let j = 0; j < out.length; j++) if (out[j] < 0) out[j] = 0;
    x = out;
  });
  return x;
}

export type ControllerMode = { deterministic: true } | { deterministic: false; rng: Rng };

/**
 * One decision. Discrete: argmax of the logits (deterministic) or a sample; factor = [f, 1/f, 1][action].
 * Continuous: the Gaussian mean (deterministic) or mean + exp(logstd)·N(0,1), clipped to [low, high];
 * action = factor = that value.
 */
export function controllerAct(ctrl: Controller, rawObs: number[], mode: ControllerMode): { action: number; factor: number } {
  for (const x of rawObs) if (!Number.isFinite(x)) throw new Error(`controller observation holds a non-finite value (${x})`);
  const out = controllerForward(ctrl, normalizeObservation(ctrl, rawObs));
  const a = ctrl.action;
  if (a.kind === 'discrete') {
    let k = 0;
    if (mode.deterministic) {
      for (let j = 1; j < out.length; j++) if (out[j] > out[k]) k = j;
    } else k = mode.rng.categoricalFromLogits(out);
    const factor = k === 0 ? a.factor : k === 1 ? 1 / a.factor : 1;
    return { action: k, factor };
  }
  const mean = out[0];
  const v = mode.deterministic ? mean : mean + Math.exp(ctrl.policy.logstd![0]) * mode.rng.normal();
  const c = Math.min(Math.max(v, a.low), a.high);
  return { action: c, factor: c };
}
