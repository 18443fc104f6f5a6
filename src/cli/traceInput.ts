// The problem file of `npm run trace` (src/cli/trace.ts), checked field by field: a file that cannot be
// replayed at all gets one line naming the offending field (TraceInputError: exit code 1).
import { batchSizeError, type GoldenFile, type GoldenProblem, type GoldenRun, type GoldenStep } from '../engine/replay';
import { showValue } from '../util/showValue';

/** A problem file that cannot be replayed at all (exit code 1, one line). */
export class TraceInputError extends Error {}

/**
 * Most steps a run may ask for: the replay runs every step up to the last one listed, so a file saying
 * "step": 1e15 would otherwise keep the command busy for ever. The golden files use 60.
 */
export const MAX_TRACE_STEPS = 1_000_000;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPosInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1;
const fail = (msg: string): never => {
  throw new TraceInputError(msg);
};

function obj(parent: Obj, key: string, where: string): Obj {
  const v = parent[key];
  if (v === undefined) fail(`${where}.${key} is missing`);
  if (!isObj(v)) fail(`${where}.${key} must be an object`);
  return v as Obj;
}
function posInt(parent: Obj, key: string, where: string): number {
  const v = parent[key];
  if (v === undefined) fail(`${where}.${key} is missing`);
  if (!isPosInt(v)) fail(`${where}.${key} must be a positive integer, got ${showValue(v)}`);
  return v as number;
}
function numbers(parent: Obj, key: string, where: string, expected: number, expectedText: string): number[] {
  const v = parent[key];
  if (v === undefined) fail(`${where}.${key} is missing`);
  if (!Array.isArray(v)) fail(`${where}.${key} must be an array of numbers`);
  const a = v as unknown[];
  if (a.length !== expected) fail(`${where}.${key} has ${a.length} values, expected ${expectedText}`);
  const bad = a.findIndex((x) => typeof x !== 'number' || !Number.isFinite(x));
  if (bad >= 0) fail(`${where}.${key}[${bad}] is not a finite number: ${showValue(a[bad])}`);
  return a as number[];
}

/** Parameter tensors of a layer stack in torch order: W_L [out][in], then b_L [out]. */
export function layoutOf(layers: readonly number[]): { index: number; offset: number; size: number }[] {
  const out: { index: number; offset: number; size: number }[] = [];
  let offset = 0;
  for (let l = 1; l < layers.length; l++) {
    for (const size of [layers[l] * layers[l - 1], layers[l]]) {
      out.push({ index: out.length, offset, size });
      offset += size;
    }
  }
  return out;
}

/**
 * Checks that a parsed JSON value is a replayable problem file and returns it typed. Throws
 * TraceInputError with a one-line message naming the offending field. A missing `param_layout` is
 * derived from `layer_sizes` (contiguous torch order); a given one must agree with it.
 */
export function validateProblemFile(raw: unknown): GoldenFile {
  if (!isObj(raw)) fail('the file must hold a JSON object with "problem" and "runs"');
  const root = raw as Obj;
  const p = obj(root, 'problem', 'file');
  const data = obj(p, 'data', 'problem');
  const N = posInt(data, 'N', 'problem.data');
  const D = posInt(data, 'D', 'problem.data');
  const C = posInt(data, 'C', 'problem.data');
  const X = numbers(data, 'X_rowmajor', 'problem.data', N * D, `N·D = ${N}·${D} = ${N * D}`);
  const y = numbers(data, 'y', 'problem.data', N, `N = ${N}`);
  const badY = y.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= C);
  if (badY >= 0) fail(`problem.data.y[${badY}] = ${y[badY]} is not a class label in 0..${C - 1} (C = ${C})`);

  const model = obj(p, 'model', 'problem');
  const ls = model.layer_sizes;
  if (ls === undefined) fail('problem.model.layer_sizes is missing');
  if (!Array.isArray(ls) || ls.length < 2 || !ls.every(isPosInt)) {
    fail(`problem.model.layer_sizes must be an array of at least 2 positive integers, got ${showValue(ls)}`);
  }
  const layers = ls as number[];
  if (layers[0] !== D) fail(`problem.model.layer_sizes starts with ${layers[0]}, but the data have D = ${D} features`);
  if (layers[layers.length - 1] !== C) fail(`problem.model.layer_sizes ends with ${layers[layers.length - 1]}, but the data have C = ${C} classes`);
  const layout = layoutOf(layers);
  const nParams = layout.reduce((n, l) => n + l.size, 0);
  if (model.param_layout !== undefined) {
    const pl = model.param_layout;
    if (!Array.isArray(pl) || pl.length !== layout.length) {
      fail(`problem.model.param_layout must list ${layout.length} tensors for layer_sizes ${showValue(layers)}`);
    }
    (pl as unknown[]).forEach((e, i) => {
      if (!isObj(e) || e.offset !== layout[i].offset || e.size !== layout[i].size) {
        fail(`problem.model.param_layout[${i}] must have offset ${layout[i].offset} and size ${layout[i].size} for layer_sizes ${showValue(layers)}`);
      }
    });
  }
  if (model.n_params !== undefined && model.n_params !== nParams) {
    fail(`problem.model.n_params is ${showValue(model.n_params)}, but layer_sizes ${showValue(layers)} have ${nParams} parameters`);
  }
  const init = obj(p, 'init', 'problem');
  const initParams = numbers(init, 'init_params', 'problem.init', nParams, `${nParams} (the parameter count of layer_sizes ${showValue(layers)})`);

  if (p.batch_size === undefined) fail('problem.batch_size is missing');
  const bsError = batchSizeError(p.batch_size, N);
  if (bsError) fail(`problem.${bsError}`);

  if (root.runs === undefined) fail('file.runs is missing');
  if (!Array.isArray(root.runs)) fail('file.runs must be an array');
  const seen = new Set<string>();
  const runs = (root.runs as unknown[]).map((r, i): GoldenRun => {
    const where = `runs[${i}]`;
    if (!isObj(r)) fail(`${where} must be an object`);
    const run = r as Obj;
    if (typeof run.id !== 'string' || run.id === '') fail(`${where}.id must be a non-empty string`);
    const id = run.id as string;
    if (seen.has(id)) fail(`${where}: duplicate run id ${showValue(id)}`);
    seen.add(id);
    const w = `run ${showValue(id)}`;
    if (typeof run.class !== 'string') fail(`${w}: "class" must be a string`);
    if (!isObj(run.config_with_defaults)) fail(`${w}: "config_with_defaults" must be an object`);
    if (!Array.isArray(run.steps)) fail(`${w}: "steps" must be an array`);
    let last = 0;
    const steps = (run.steps as unknown[]).map((s, k): GoldenStep => {
      if (!isObj(s) || !isPosInt(s.step) || s.step <= last) fail(`${w}: steps[${k}].step must be an integer greater than the previous step (≥ 1)`);
      last = (s as Obj).step as number;
      if (last > MAX_TRACE_STEPS) fail(`${w}: steps[${k}].step ${last} is beyond the ${MAX_TRACE_STEPS} steps a trace replays`);
      const out: GoldenStep = { step: last, loss: Number.NaN, lr: Number.NaN };
      if (Array.isArray((s as Obj).params)) out.params = []; // only marks where to record
      return out;
    });
    if (steps.length === 0) fail(`${w}: "steps" is empty, so there is no step count to replay`);
    return {
      id,
      class: run.class as string,
      config_with_defaults: run.config_with_defaults as GoldenRun['config_with_defaults'],
      stress: run.stress === true,
      steps,
    };
  });
  const problem: GoldenProblem = {
    data: { N, D, C, y, X_rowmajor: X },
    model: { layer_sizes: layers, param_layout: layout },
    init: { init_params: initParams },
    batch_size: p.batch_size as number,
  };
  return { problem, runs };
}

