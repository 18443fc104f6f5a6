// Replays runs of a problem file in the golden schema (test/golden/README.md) with this project's
// optimizers: same data, initial parameters, batching rule and constructor arguments.
import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { crossEntropy, forward, toTensors, toTorchFlat } from '../models/mlp';
import { mlpHvp } from '../models/mlpHvp';
import { disposeReplaced } from '../optim/dispose';
import { fromReference, type ReferenceConfig } from '../optim/reference';
import type { Hyper } from '../optim/hyper';
import type { Optimizer } from '../optim/types';
import { showValue } from '../util/showValue';
import { goldenProbeValues } from './probes';
import { trainStep, type CurvatureSource } from './step';

export interface GoldenStep {
  step: number;
  loss: number;
  /** The optimizer's learning rate (torch's param_groups[0]['lr']; for HD optimizers the adapted α). */
  lr: number;
  /** Second-order runs: the step size of update t (ESGD-M: lr·(1 − lr_warmup^k); L-BFGS: its step t). */
  effective_lr?: number;
  params?: number[];
}
export interface GoldenRun {
  id: string;
  class: string;
  config_with_defaults: ReferenceConfig;
  stress?: boolean;
  steps: GoldenStep[];
}
export interface GoldenProblem {
  data: { N: number; D: number; C: number; y: number[]; X_rowmajor: number[] };
  model: { layer_sizes: number[]; param_layout: { index: number; offset: number; size: number }[] };
  init: { init_params: number[] };
  batch_size: number;
}
export interface GoldenFile {
  problem: GoldenProblem;
  runs: GoldenRun[];
}

export type ReplayResult = { id: string; steps: GoldenStep[] } | { id: string; error: string };

/**
 * Batching rule of the schema: step t uses rows [bs·((t−1) mod ⌊N/bs⌋), +bs), in order. When bs does not
 * divide N, the last N mod bs rows are never used (the rule taken literally: only whole batches).
 */
export function batchStart(t: number, n: number, bs: number): number {
  return bs * ((t - 1) % Math.floor(n / bs));
}

/** Why a batch size cannot be used with N rows, or null when it can (an integer in 1..N). */
export function batchSizeError(bs: unknown, n: number): string | null {
  if (typeof bs !== 'number' || !Number.isInteger(bs) || bs < 1) return `batch_size ${showValue(bs)} must be an integer ≥ 1`;
  if (bs > n) return `batch_size ${bs} is larger than N = ${n}`;
  return null;
}

/** Replays a run with the optimizer its reference class and arguments map to. */
export async function replayRun(problem: GoldenProblem, run: GoldenRun): Promise<ReplayResult> {
  const ref = fromReference(run.class, run.config_with_defaults);
  if (!ref) return { id: run.id, error: `unknown optimizer class "${run.class}"` };
  return replayWith(problem, run, ref.optimizer, ref.hp);
}

/** Replays a run's problem, steps and recording points with a given optimizer. */
export async function replayWith(problem: GoldenProblem, run: GoldenRun, opt: Optimizer, hp: Hyper): Promise<ReplayResult> {
  const { N, D, C, X_rowmajor, y } = problem.data;
  const bs = problem.batch_size;
  const bad = batchSizeError(bs, N);
  if (bad) return { id: run.id, error: bad };
  const layers = problem.model.layer_sizes;
  const perTensor = problem.model.param_layout.map((l) => problem.init.init_params.slice(l.offset, l.offset + l.size));
  const X = tf.tensor2d(Float32Array.from(X_rowmajor), [N, D]);
  const Y = tf.tensor1d(Int32Array.from(y), 'int32');
  let params: Tensor[] = toTensors(layers, perTensor);
  let state = opt.init(params, hp);
  const sizes = problem.model.param_layout.map((l) => l.size);
  const offsets = problem.model.param_layout.map((l) => l.offset);
  // ESGD-M's probes follow the golden files' rule in place of torch's Rademacher draw (`probe_rule`); it
  // indexes torch's flat vector, so they are made in torch order and turned into this project's layout.
  const probes = (t: number) => toTensors(layers, sizes.map((n, i) => goldenProbeValues(t, offsets[i], n)));
  const record = new Set(run.steps.filter((s) => s.params).map((s) => s.step));
  const nSteps = run.steps.length ? run.steps[run.steps.length - 1].step : 0;
  const steps: GoldenStep[] = [];
  try {
    for (let t = 1; t <= nSteps; t++) {
      const start = batchStart(t, N, bs);
      const xb = tf.slice(X, [start, 0], [bs, D]) as Tensor2D;
      const yb = tf.slice(Y, [start], [bs]) as Tensor1D;
      const curvature: CurvatureSource = { hvp: (ps, v) => mlpHvp(ps, xb, yb, C, v), probes };
      const r = await trainStep(opt, params, state, (ps) => crossEntropy(forward(ps, xb), yb, C), curvature);
      params = r.params;
      state = r.state;
      const lr = (await state.lr.data())[0];
      // Second-order optimizers chart their step size; torch's param group keeps the lr it was given.
      const s: GoldenStep = opt.stepWith
        ? { step: t, loss: (await r.loss.data())[0], lr: state.hp.alpha0, effective_lr: lr }
        : { step: t, loss: (await r.loss.data())[0], lr };
      if (record.has(t)) s.params = Array.from(await toTorchFlat(params));
      steps.push(s);
      tf.dispose([xb, yb, r.loss]);
    }
  } finally {
    disposeReplaced([params, state, X, Y], []);
  }
  return { id: run.id, steps };
}
