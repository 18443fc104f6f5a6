// The training loop: model + optimizer + data + budget → metric batches. No DOM, no worker, no React:
// the worker (src/worker/train.worker.ts) and the command line drive it through a sink and a control.
//
// Every step's loss and α stay on the device; they are read back in batches (at most every `flushMs`),
// so a GPU backend is never stalled by a read per step. Divergence (NaN/Inf loss) is found at the read.
import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { augmentBatch } from '../data/augment';
import { batchRange, epochPermutation, gatherBatch, itersPerEpoch, subSeed } from '../data/batching';
import { datasetInfo } from '../data/datasets';
import { buildNetwork } from '../models/build';
import { modelFits } from '../models/catalog';
import { crossEntropy } from '../models/mlp';
import { disposeReplaced, tidyTree } from '../optim/dispose';
import { optimizerInfo, takesPageMomentum } from '../optim/catalog';
import type { Hyper } from '../optim/hyper';
import { buildOptimizer, hyperFor } from '../optim/registry';
import { EVAL_SUBSET_SEED, evalDue, evalPlan, fullEvalAt, totalIterations } from './budget';
import { applyEdits } from './edits';
import { controllerFeatures, valChunks } from './controllerFeatures';
import { batchLoss, evaluate, evaluateDevice, toDeviceEvalSet, validationSubset, type DeviceEvalSet, type EvalSet } from './evaluate';
import { toDeviceBatch } from './inputs';
import { readLayerQuantiles } from './precond';
import { seededProbeValues } from './probes';
import { trainStep, type CurvatureSource } from './step';
import { HP_NAMES, type CurvatureRecord, type DatasetBuffers, type EvalRecord, type HpName, type MetricBatch, type RunSpec, type RunState, type TrainColumns } from './types';

export interface TrainerSink {
  metrics(batch: MetricBatch): void;
  status(state: RunState, iteration: number, total: number, message?: string): void;
}

export interface TrainerControl {
  /** Called between flushes; resolves 'stop' to end the run, and may wait while paused. */
  checkpoint(): Promise<'go' | 'stop'>;
  /** Hyperparameter changes that arrived since the last call (then cleared), applied before the next step. */
  takeEdits?(): Partial<Hyper> | null;
}

export interface TrainerOptions {
  /** Longest time between two reads of the pending per-step metrics. */
  flushMs?: number;
  now?: () => number;
  /**
   * Stop once a minibatch loss falls below this (the reference's loss-threshold experiments): the run
   * ends at that iteration, with a final evaluation, and reports it in its 'done' message.
   */
  stopBelow?: number;
  /** The learned schedule's controller: required by (and only read for) the optimizers of group 'learned'. */
  lrControl?: LrControl;
}

/**
 * A learned learning-rate schedule (src/engine/learnedRun.ts builds one from a controller file; the
 * command line's PPO environment builds one that asks the learner). Every `updateFreq` steps the trainer
 * measures the 7 features (src/engine/controllerFeatures.ts) and asks for the α of the next steps.
 */
export interface LrControl {
  updateFreq: number;
  /** Held-out validation images (not in the training set the trainer is given: src/data/holdout.ts). */
  val: EvalSet;
  /**
   * Features after step t (a multiple of updateFreq) → the new α and the factor the controller chose.
   * `last`: the run's final observation (t = its last step); its answer is not used.
   */
  decide(t: number, features: number[], last: boolean): Promise<{ lr: number; factor: number }>;
}

/** Seed stream of the dropout masks (0 is the shuffle, 1 the augmentation: src/data/augment.ts). */
const DROPOUT_STREAM = 2;
/** Training batches that recompute batch-norm statistics at an optimizer's evaluation point (evalModel). */
const BN_RECOMPUTE_BATCHES = 50;

interface Pending {
  t: number;
  epoch: number;
  time: number;
  loss: Scalar;
  lr: Scalar;
  /** Gradient evaluations so far (second-order runs). */
  gradEvals: number;
  /** Copies of the optimizer's changing hyperparameters besides α (stacks), in HP_NAMES order. */
  hp: [HpName, Scalar][];
}

export async function train(run: RunSpec, data: DatasetBuffers, sink: TrainerSink, control: TrainerControl, opts: TrainerOptions = {}): Promise<RunState> {
  const cfg = run.config;
  const flushMs = opts.flushMs ?? 100;
  const now = opts.now ?? (() => performance.now());
  const misfit = modelFits(cfg.model, data.shape);
  if (misfit) throw new Error(misfit);
  const { augment, augmentPad } = datasetInfo(data.name);
  const nTrain = data.trainLabels.length;
  const perEpoch = itersPerEpoch(nTrain, cfg.batchSize);
  const total = totalIterations(cfg, nTrain);
  const plan = evalPlan(cfg, nTrain, data.testLabels.length);
  // The subset is evaluated often: normalised on the device once for the run (disposed at the end).
  const subset = plan.subset === null ? null : toDeviceEvalSet(data, validationSubset(data, plan.subset, EVAL_SUBSET_SEED));

  // Resolved before any tensor exists, so a bad name leaks nothing.
  const opt = buildOptimizer(cfg.optimizer);
  const lrc = optimizerInfo(cfg.optimizer).group === 'learned' ? opts.lrControl : undefined;
  if (optimizerInfo(cfg.optimizer).group === 'learned' && !lrc) throw new Error(`${cfg.optimizer} needs its controller (TrainerOptions.lrControl)`);
  const hp = hyperFor(cfg.optimizer, { ...pageWide(cfg), ...cfg.options });
  // Same seed → same initial weights, minibatch order, augmentation and dropout masks in every run of a comparison.
  const net = buildNetwork(cfg.model, data.shape, data.numClasses, cfg.width ?? 1, { mean: data.mean, std: data.std });
  const init = net.init(cfg.seed);
  let params: Tensor[] = init.params;
  let buffers: Tensor[] = init.buffers;
  const model = () => ({ params, buffers });
  let state: ReturnType<typeof opt.init>;
  try {
    state = opt.init(params, hp); // may refuse the settings (ESGD-M's checks, L-BFGS's memory)
  } catch (e) {
    tf.dispose([...params, ...buffers]);
    throw e;
  }
  // Second-order runs: gradient evaluations counted, Rademacher probes from the run's seed. HD with null
  // steps (`needsOracle`) counts too: its extra evaluation per step goes on the same axis.
  const secondOrder = opt.stepWith !== undefined || opt.needsOracle?.(state) === true;
  let gradEvals = 0;
  const paramNames = net.paramNames();
  const probes = (t: number) => {
    const sizes = params.map((p) => p.size);
    return seededProbeValues(cfg.seed, t, sizes).map((v, i) => tf.tensor(v, params[i].shape));
  };
  let perm = epochPermutation(nTrain, cfg.seed, 1);
  let permEpoch = 1;
  const batch = (t: number) => {
    const r = batchRange(t, nTrain, cfg.batchSize);
    if (r.epoch !== permEpoch) {
      perm = epochPermutation(nTrain, cfg.seed, r.epoch);
      permEpoch = r.epoch;
    }
    const b = gatherBatch(data.trainImages, data.trainLabels, data.imageSize, perm, r.start, r.end);
    return { epoch: r.epoch, x: augment === 'flip-crop' ? augmentBatch(b.x, data.shape, cfg.seed, t, augmentPad) : b.x, y: b.y };
  };

  // Time runs from the first step (the evaluation before training is not counted). A step is stamped
  // when it is queued: on GPU backends that can run ahead of the device by up to one flush (~100 ms).
  let t0 = now();
  const elapsed = () => (now() - t0) / 1000;
  const pending: Pending[] = [];
  // Preconditioner quantiles being read back; streamed with the flush that covers their iteration.
  const snapshots: { iteration: number; layers: Promise<CurvatureRecord['layers']> }[] = [];
  const takeCurvature = async (upTo: number): Promise<CurvatureRecord[]> => {
    const due = snapshots.filter((s) => s.iteration <= upTo);
    snapshots.splice(0, due.length);
    return Promise.all(due.map(async (s) => ({ iteration: s.iteration, layers: await s.layers })));
  };
  let lastFlush = now();

  /**
   * The model as evaluated: at the optimizer's evaluation point when it has one (Schedule-Free's x, DoG's
   * average), with batch-norm statistics recomputed there by training-mode forward passes over the next
   * BN_RECOMPUTE_BATCHES training batches (Schedule-Free's README; torch's momentum 0.1 leaves 0.9⁵⁰ ≈ 0.5 %
   * of the statistics gathered at the training point). The caller disposes `at`.
   */
  const evalModel = (t: number): { params: Tensor[]; buffers: Tensor[]; at: Tensor[] | null } => {
    const at = opt.evalParams?.(params, state) ?? null;
    if (at === null) return { ...model(), at };
    for (let k = 1; k <= BN_RECOMPUTE_BATCHES && buffers.length > 0; k++) {
      const b = batch(t + k);
      const { x, y } = toDeviceBatch(data, b.x, b.y);
      const out = tidyTree(() => net.forward(at, buffers, x, { training: true, seed: subSeed(cfg.seed, t + k, DROPOUT_STREAM) }));
      tf.dispose([x, y, out.logits, ...buffers]);
      buffers = out.buffers!;
    }
    return { params: at, buffers, at };
  };

  const emitEval = async (t: number, epoch: number, extra: Partial<EvalRecord> = {}) => {
    const m = evalModel(t);
    let loss: number, accuracy: number;
    try {
      ({ loss, accuracy } =
        subset === null || fullEvalAt(t, total, perEpoch, plan) ? await evaluate(net, m, data) : await evaluateDevice(net, m, data, subset));
    } finally {
      if (m.at) tf.dispose(m.at);
    }
    const rec: EvalRecord = { iteration: t, epoch, time: elapsed(), valLoss: loss, valAccuracy: accuracy, ...extra };
    sink.metrics({ runId: run.runId, train: emptyColumns(), evals: [rec] });
  };

  /**
   * Reads the pending steps back in one go and streams them, up to the first that diverged or reached
   * the threshold (later steps are dropped: the run ends there).
   */
  const flush = async (): Promise<{ diverged: number | null; below: number | null }> => {
    lastFlush = now();
    if (pending.length === 0) return { diverged: null, below: null };
    const cols = emptyColumns();
    const losses = tf.stack(pending.map((p) => p.loss));
    const lrs = tf.stack(pending.map((p) => p.lr));
    if (secondOrder) cols.gradEvals = [];
    // Every step of a run streams the same hyperparameters (the stack is fixed for the run).
    const hpNames = pending[0].hp.map(([h]) => h);
    const hps = hpNames.length > 0 ? tf.stack(pending.flatMap((p) => p.hp.map(([, v]) => v))) : null;
    const [lv, av, hv] = await Promise.all([losses.data(), lrs.data(), hps?.data()]);
    tf.dispose([losses, lrs, ...pending.map((p) => p.loss), ...pending.map((p) => p.lr), ...pending.flatMap((p) => p.hp.map(([, v]) => v))]);
    hps?.dispose();
    if (hv) cols.hp = Object.fromEntries(hpNames.map((h) => [h, [] as number[]]));
    let diverged: number | null = null;
    let below: number | null = null;
    for (let k = 0; k < pending.length; k++) {
      cols.iteration.push(pending[k].t);
      cols.epoch.push(pending[k].epoch);
      cols.time.push(pending[k].time);
      cols.loss.push(lv[k]);
      cols.lr.push(av[k]);
      cols.gradEvals?.push(pending[k].gradEvals);
      hpNames.forEach((h, j) => cols.hp![h]!.push(hv![k * hpNames.length + j]));
      if (!Number.isFinite(lv[k])) {
        diverged = pending[k].t;
        break;
      }
      if (opts.stopBelow !== undefined && lv[k] < opts.stopBelow) {
        below = pending[k].t;
        break;
      }
    }
    pending.length = 0;
    const curvature = await takeCurvature(cols.iteration[cols.iteration.length - 1]);
    sink.metrics({ runId: run.runId, train: cols, evals: [], ...(curvature.length ? { curvature } : {}) });
    return { diverged, below };
  };

  // The learned schedule: its validation images on the device, the window's summed losses, the last logits.
  const valSet: DeviceEvalSet[] | null = lrc ? cutValidation(data, lrc.val, cfg.batchSize) : null;
  let windowLoss: Scalar | null = null;
  let windowSteps = 0;
  let prevLogits: tf.Tensor2D[] | null = null;
  const observe = async (t: number) => {
    const trainLoss = (await windowLoss!.data())[0] / windowSteps;
    windowLoss!.dispose();
    windowLoss = null;
    windowSteps = 0;
    const lr = state.hp.alpha0;
    const m = evalModel(t);
    let f;
    try {
      f = await controllerFeatures({ net, model: m, numClasses: data.numClasses, val: valSet!, prevLogits, trainLoss, lr });
    } finally {
      if (m.at) tf.dispose(m.at);
    }
    if (prevLogits) tf.dispose(prevLogits);
    prevLogits = f.logits;
    const last = t === total;
    const d = await lrc!.decide(t, f.features, last);
    if (!last) state = applyEdits(state, { alpha0: d.lr });
    // The final observation's answer is never applied: recorded as what happened (α kept).
    const rec = last ? { factor: 1, lr } : { factor: d.factor, lr: d.lr };
    sink.metrics({ runId: run.runId, train: emptyColumns(), evals: [], controller: [{ iteration: t, features: f.features, ...rec }] });
  };

  let outcome: RunState = 'done';
  try {
    sink.status('training', 0, total);
    const first = batch(1);
    const firstBatchLoss = await batchLoss(net, model(), data, first.x, first.y);
    await emitEval(0, 0, { firstBatchLoss, time: 0 });
    t0 = now();

    for (let t = 1; t <= total; t++) {
      const edits = control.takeEdits?.() ?? null;
      if (edits) {
        state = applyEdits(state, edits);
        sink.metrics({ runId: run.runId, train: emptyColumns(), evals: [], events: [{ iteration: t, time: elapsed(), changes: edits }] });
      }
      const b = batch(t);
      const { x, y } = toDeviceBatch(data, b.x, b.y);
      let updated: Tensor[] | null = null;
      const mode = { training: true, seed: subSeed(cfg.seed, t, DROPOUT_STREAM) } as const;
      // Hessian-vector products read the same batch statistics and dropout masks as the gradient.
      const curvature: CurvatureSource = { hvp: (ps, v) => net.hvp(ps, buffers, x, y, data.numClasses, mode, v), probes };
      let r;
      try {
        r = await trainStep(
          opt,
          params,
          state,
          (ps) => {
            // Each further L-BFGS closure call is a training forward pass, as torch's: the running
            // statistics advance from the last call's.
            if (updated) {
              tf.dispose(buffers);
              buffers = updated;
            }
            const out = net.forward(ps, buffers, x, mode);
            updated = out.buffers;
            return crossEntropy(out.logits, y, data.numClasses);
          },
          curvature,
        );
      } finally {
        tf.dispose([x, y]);
      }
      if (updated) {
        tf.dispose(buffers);
        buffers = updated;
      }
      params = r.params;
      state = r.state;
      gradEvals += r.gradEvals;
      const scales = opt.preconditioner?.(state) ?? null;
      if (scales) snapshots.push({ iteration: t, layers: readLayerQuantiles(scales, paramNames) });
      const hv = opt.hyperValues?.(state);
      const hp = hv ? HP_NAMES.flatMap((h) => (hv[h] ? [[h, tf.clone(hv[h]!)] as [HpName, Scalar]] : [])) : [];
      pending.push({ t, epoch: b.epoch, time: elapsed(), loss: r.loss, lr: tf.clone(state.lr), gradEvals, hp });
      if (lrc) {
        const sum: Scalar = windowLoss === null ? tf.clone(r.loss) : tf.add(windowLoss, r.loss);
        windowLoss?.dispose();
        windowLoss = sum;
        windowSteps++;
      }
      const decideNow = lrc !== undefined && t % lrc.updateFreq === 0;

      const evalNow = evalDue(t, total, plan, perEpoch);
      // With a threshold every step is read at once, so the run stops exactly where the loss crossed it.
      if (evalNow || decideNow || t === total || opts.stopBelow !== undefined || now() - lastFlush >= flushMs) {
        const { diverged, below } = await flush();
        if (diverged !== null) {
          sink.status('diverged', diverged, total, `loss became non-finite at iteration ${diverged}`);
          return (outcome = 'diverged');
        }
        if (below !== null) {
          await emitEval(below, b.epoch);
          sink.status('done', below, total, `loss below ${opts.stopBelow} at iteration ${below}`);
          return outcome;
        }
        if (decideNow) await observe(t);
        if (evalNow) await emitEval(t, b.epoch);
        sink.status('training', t, total);
        if ((await control.checkpoint()) === 'stop') {
          sink.status('stopped', t, total);
          return (outcome = 'stopped');
        }
      }
    }
    sink.status('done', total, total);
    return outcome;
  } finally {
    for (const p of pending) tf.dispose([p.loss, p.lr, ...p.hp.map(([, v]) => v)]);
    disposeReplaced([params, buffers, state], []);
    if (subset) tf.dispose([subset.x, subset.y]);
    if (valSet) tf.dispose(valSet.flatMap((c) => [c.x, c.y]));
    const left: (Tensor | null)[] = [windowLoss, ...(prevLogits ?? [])];
    for (const x of left) x?.dispose();
  }
}

/**
 * The page-wide settings of a run; its per-optimizer `options` override them. The page's μ is meant for
 * the momentum optimizers (those whose defaults set μ): RMSProp keeps its own μ = 0 unless set per run.
 */
function pageWide(cfg: RunSpec['config']): Partial<Hyper> {
  const withMomentum = takesPageMomentum(optimizerInfo(cfg.optimizer));
  return { alpha0: cfg.alpha0, beta: cfg.beta, weightDecay: cfg.weightDecay, ...(withMomentum ? { momentum: cfg.momentum } : {}) };
}

/** The held-out validation set on the device, in chunks of the batch size (src/engine/controllerFeatures.ts). */
function cutValidation(data: DatasetBuffers, val: EvalSet, chunk: number): DeviceEvalSet[] {
  const whole = toDeviceEvalSet(data, val);
  const chunks = valChunks(whole, chunk);
  tf.dispose([whole.x, whole.y]);
  return chunks;
}

function emptyColumns(): TrainColumns {
  return { iteration: [], epoch: [], loss: [], lr: [], time: [] };
}
