// One headless run to files: the engine on Node data, the reference-layout CSV and the page's tidy CSV
// under an output folder, and the run's summary (what `sweep` aggregates). No argument parsing here.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { itersPerEpoch } from '../data/batching';
import { totalIterations } from '../engine/budget';
import { train, type LrControl } from '../engine/trainer';
import { HP_NAMES, type BackendName, type DatasetBuffers, type EvalRecord, type HpName, type RunRecord, type RunState, type TrainColumns, type TrainConfig } from '../engine/types';
import { referenceCsv, referenceCsvPath } from '../export/referenceCsv';
import { tidyCsv } from '../export/tidyCsv';

export interface RunSummary {
  dataset: string;
  model: string;
  optimizer: string;
  alpha0: number;
  beta: number;
  seed: number;
  iterations: number;
  /** Gradient evaluations the run spent (= iterations for first-order optimizers; see TrainColumns.gradEvals). */
  grad_evals: number;
  /** Mean minibatch loss over the last epoch (epoch budgets) or the last 100 iterations (iteration budgets). */
  train_loss: number | null;
  /** On the full test set at the end; accuracy as a fraction. */
  val_loss: number | null;
  val_accuracy: number | null;
  lr_final: number | null;
  lr_min: number | null;
  lr_max: number | null;
  /** First iteration whose minibatch loss fell below the threshold; null when not reached or not asked. */
  iterations_to_threshold: number | null;
  /**
   * Stack runs only (a hyperoptimizer that also tunes μ, β₁, β₂ or γ): the hyperparameters after the
   * last iteration, α (= lr_final) and each one the run streams (TrainColumns.hp); null where not finite.
   */
  final_hp?: { alpha: number | null } & Partial<Record<HpName, number | null>>;
  wall_s: number;
  state: 'done' | 'diverged' | 'threshold' | 'stopped';
}

export interface Progress {
  iteration: number;
  total: number;
  loss: number;
  lr: number;
}

/** JSON cannot hold NaN/Infinity: a diverged run's numbers become null. */
const finite = (x: number | undefined): number | null => (x !== undefined && Number.isFinite(x) ? x : null);

export function summarize(run: RunRecord, threshold: number | null, wallS: number): RunSummary {
  const c = run.config;
  const { loss, lr, epoch, iteration } = run.train;
  const n = loss.length;
  let window: number[];
  if (c.iterations === null && n > 0) {
    const last = epoch[n - 1];
    window = loss.filter((_, i) => epoch[i] === last);
  } else {
    window = loss.slice(Math.max(0, n - 100));
  }
  // A diverged run has no evaluation at its end: report none rather than an earlier one.
  const lastEval: EvalRecord | undefined = run.state === 'diverged' ? undefined : run.evals[run.evals.length - 1];
  const below = threshold === null ? -1 : loss.findIndex((l) => l < threshold);
  const finiteLr = lr.filter(Number.isFinite);
  return {
    dataset: c.dataset,
    model: c.model,
    optimizer: c.optimizer,
    alpha0: c.alpha0,
    beta: c.beta,
    seed: c.seed,
    iterations: n > 0 ? iteration[n - 1] : 0,
    grad_evals: n === 0 ? 0 : (run.train.gradEvals?.[n - 1] ?? iteration[n - 1]),
    train_loss: window.length > 0 ? finite(window.reduce((a, b) => a + b, 0) / window.length) : null,
    val_loss: finite(lastEval?.valLoss),
    val_accuracy: finite(lastEval?.valAccuracy),
    lr_final: finite(lr[n - 1]),
    lr_min: finiteLr.length ? finiteLr.reduce((a, b) => Math.min(a, b)) : null, // no spread: long runs overflow the stack
    lr_max: finiteLr.length ? finiteLr.reduce((a, b) => Math.max(a, b)) : null,
    iterations_to_threshold: below >= 0 ? iteration[below] : null,
    ...finalHp(run.train),
    wall_s: wallS,
    state: run.state === 'diverged' ? 'diverged' : below >= 0 ? 'threshold' : run.state === 'stopped' ? 'stopped' : 'done',
  };
}

/** `final_hp` of a run with hyperparameter columns (α first, then HP_NAMES order); nothing for other runs. */
function finalHp(t: TrainColumns): Pick<RunSummary, 'final_hp'> {
  const names = HP_NAMES.filter((h) => t.hp?.[h] !== undefined);
  if (names.length === 0) return {};
  const n = t.iteration.length;
  const out: NonNullable<RunSummary['final_hp']> = { alpha: finite(t.lr[n - 1]) };
  for (const h of names) out[h] = finite(t.hp![h]![n - 1]);
  return { final_hp: out };
}

/**
 * Appends a batch's hyperparameter columns to a run's (`before` points already there, `n` new): a
 * column is created on the first batch that has it (earlier points NaN), and a batch without a column
 * the run has adds NaN, so every column stays as long as `iteration`.
 */
export function appendHp(t: TrainColumns, before: number, hp: TrainColumns['hp'], n: number): void {
  for (const h of HP_NAMES) {
    const v = hp?.[h];
    const ok = v !== undefined && v.length === n;
    if (!t.hp?.[h]) {
      if (!ok) continue;
      (t.hp ??= {})[h] = new Array<number>(before).fill(NaN);
    }
    const col = t.hp![h]!;
    if (ok) for (const x of v) col.push(x);
    else for (let i = 0; i < n; i++) col.push(NaN);
  }
}

export interface ExperimentOptions {
  backend: BackendName;
  outDir: string;
  threshold: number | null;
  onProgress?: (p: Progress) => void;
  /** Adam + learned schedule: its controller (src/engine/learnedRun.ts); `data` is then the training set less the held-out images. */
  lrControl?: LrControl;
}

/** Writes text atomically (tmp + rename), so an interrupted run never leaves a half file that looks done. */
export function writeAtomic(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

export async function runExperiment(config: TrainConfig, data: DatasetBuffers, opts: ExperimentOptions): Promise<{ record: RunRecord; summary: RunSummary; files: string[] }> {
  const record: RunRecord = {
    runId: `${config.optimizer}-${config.seed}`,
    config,
    backend: opts.backend,
    state: 'training',
    train: { iteration: [], epoch: [], loss: [], lr: [], time: [] },
    evals: [],
  };
  const nTrain = data.trainLabels.length;
  const total = totalIterations(config, nTrain);
  const started = performance.now();
  const state: RunState = await train(
    { runId: record.runId, config },
    data,
    {
      metrics: (b) => {
        const t = record.train;
        const before = t.iteration.length;
        t.iteration.push(...b.train.iteration);
        t.epoch.push(...b.train.epoch);
        t.loss.push(...b.train.loss);
        t.lr.push(...b.train.lr);
        t.time.push(...b.train.time);
        if (b.train.gradEvals) (t.gradEvals ??= []).push(...b.train.gradEvals);
        appendHp(t, before, b.train.hp, b.train.iteration.length);
        if (b.curvature) (record.curvature ??= []).push(...b.curvature);
        if (b.controller) (record.controller ??= []).push(...b.controller);
        record.evals.push(...b.evals);
        const n = t.iteration.length;
        if (n > 0) opts.onProgress?.({ iteration: t.iteration[n - 1], total, loss: t.loss[n - 1], lr: t.lr[n - 1] });
      },
      status: (s, it) => {
        record.state = s;
        if (s === 'diverged') record.divergedAt = it;
      },
    },
    { checkpoint: async () => 'go' },
    { stopBelow: opts.threshold ?? undefined, lrControl: opts.lrControl },
  );
  record.state = state;
  const wallS = (performance.now() - started) / 1000;
  const rel = referenceCsvPath(record);
  const refFile = path.join(opts.outDir, rel);
  const tidyFile = refFile.replace(/\.csv$/, '.tidy.csv');
  writeAtomic(refFile, referenceCsv(record, itersPerEpoch(nTrain, config.batchSize)));
  writeAtomic(tidyFile, tidyCsv([record]));
  return { record, summary: summarize(record, opts.threshold, wallS), files: [refFile, tidyFile] };
}
