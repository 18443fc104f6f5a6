// Plain data shared by the engine, the worker protocol, the stores, the UI and the exporters.
// Nothing here imports tfjs or React, so every layer can depend on it.
import type { Hyper } from '../optim/hyper';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
/** Order in which the automatic choice tries backends (DESIGN.md). */
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export type ModelName = 'logreg' | 'ffnn100' | 'mlp' | 'mlp3' | 'mlp128tanh' | 'lenet5' | 'vgg16bn' | 'resnet18';
export type DatasetName = 'mnist' | 'fashion-mnist' | 'cifar10';

/** Everything that determines one training run. Plain JSON: it crosses the worker boundary. */
export interface TrainConfig {
  dataset: DatasetName;
  model: ModelName;
  /** Registry name, e.g. 'SGD-HD' (src/optim/catalog.ts). */
  optimizer: string;
  /** Initial learning rate α₀. */
  alpha0: number;
  /** Hypergradient learning rate β (ignored by non-HD optimizers, but recorded). */
  beta: number;
  /** Momentum μ for the momentum optimizers. */
  momentum: number;
  /** L2 weight decay, folded into the gradient before anything else (spec §0). */
  weightDecay: number;
  batchSize: number;
  /** Budget in epochs; ignored when `iterations` is set. */
  epochs: number;
  /** Budget in iterations; when not null it overrides `epochs`. */
  iterations: number | null;
  seed: number;
  /** Evaluate on the test set every N iterations; null = at the end of every epoch (and see evalPoints). */
  evalEvery: number | null;
  /**
   * With evalEvery null: also evaluate between epoch ends, so the run has about this many validation
   * points (src/engine/budget.ts evalPlan); those in-between points use a fixed subset of the test set
   * when the full set would cost too much. Absent (the command line, the reference experiments): epoch ends only.
   */
  evalPoints?: number;
  /**
   * Any other hyperparameter, quirk option, safeguard or schedule (src/optim/hyper.ts); the optimizer's
   * own defaults apply to what is not set, and settings it does not use are ignored.
   */
  options?: Partial<Hyper>;
  /** Width multiplier of VGG-16-BN (1, 0.5, 0.25, 0.125: channels and classifier scaled); 1 when absent. Other models ignore it. */
  width?: number;
}

export interface RunSpec {
  runId: string;
  config: TrainConfig;
}

/**
 * Per-iteration training metrics, columnar. Iterations are 1-based (V's logging).
 * `loss` is the minibatch loss at the parameters before update t; `lr` is α after update t.
 * `time` is seconds since the run's training started.
 */
export interface TrainColumns {
  iteration: number[];
  epoch: number[];
  loss: number[];
  lr: number[];
  time: number[];
  /**
   * Second-order runs only: gradient evaluations so far after iteration t (a Hessian-vector product and each
   * L-BFGS closure call count as one). First-order runs spend exactly one per iteration and omit it.
   */
  gradEvals?: number[];
  /**
   * Runs whose other hyperparameters change (a stack's model level: μ, β₁, β₂, γ), after iteration t, each as
   * long as `iteration`. α is `lr`. Absent for every other run.
   */
  hp?: Partial<Record<HpName, number[]>>;
}

/** A hyperparameter that a run may stream besides α (`lr`), in chart and CSV order (`hp:mu`, …). */
export type HpName = 'mu' | 'beta1' | 'beta2' | 'gamma';
export const HP_NAMES: readonly HpName[] = ['mu', 'beta1', 'beta2', 'gamma'];

/** Quantiles of a preconditioner's per-parameter scale (ESGD-M: √d) over one layer's parameters. */
export interface LayerQuantiles {
  /** The layer's torch module name (the parameter name without .weight / .bias). */
  layer: string;
  q10: number;
  q50: number;
  q90: number;
}

/** ESGD-M's preconditioner after an iteration that re-estimated it. */
export interface CurvatureRecord {
  iteration: number;
  layers: LayerQuantiles[];
}

/** One evaluation on the full test set. Iteration 0 is the evaluation before training. */
export interface EvalRecord {
  iteration: number;
  epoch: number;
  time: number;
  valLoss: number;
  /** Fraction correct, 0..1. */
  valAccuracy: number;
  /** Only at iteration 0: the (eval-mode) loss of the first training batch, for reference CSV row 0. */
  firstBatchLoss?: number;
}

/** 'interrupted': set by the page for a run that was still going when the page went away (restored from storage). */
export type RunState = 'loading' | 'training' | 'paused' | 'done' | 'diverged' | 'stopped' | 'error' | 'interrupted';

/** Hyperparameters changed while the run trained (a mid-run edit). */
export interface RunEvent {
  /** The first iteration that used the new values. */
  iteration: number;
  /** Seconds since training started, as TrainColumns.time. */
  time: number;
  /** The new values (α₀ also resets a hypergradient optimizer's current α to it). */
  changes: Partial<Hyper>;
}

/**
 * The 7 features a learned-schedule controller reads every 10 steps (Xu et al. 2019; the reference
 * environment's observation), in this order.
 */
export const CONTROLLER_FEATURES = ['train_loss', 'val_loss', 'pred_var', 'pred_change_var', 'out_w_mean', 'out_w_var', 'lr'] as const;
export type ControllerFeature = (typeof CONTROLLER_FEATURES)[number];

/** One decision of a learned schedule's controller. */
export interface ControllerRecord {
  /** Steps taken when the features were measured; the new α applies from the next step. */
  iteration: number;
  /** CONTROLLER_FEATURES order (raw, before the controller's normalisation); lr is the α of the last steps. */
  features: number[];
  /** What α was multiplied by (before clipping): 1.05, 1/1.05, 1, or a continuous factor. */
  factor: number;
  /** α from iteration + 1 on. */
  lr: number;
}

/** A batch of metrics streamed from a worker (many iterations per message). */
export interface MetricBatch {
  runId: string;
  train: TrainColumns;
  evals: EvalRecord[];
  /** Mid-run edits applied since the last batch; absent when none. */
  events?: RunEvent[];
  /** Preconditioner snapshots since the last batch (ESGD-M); absent when none. */
  curvature?: CurvatureRecord[];
  /** Learned-schedule decisions since the last batch; absent when none. */
  controller?: ControllerRecord[];
}

/** Raw dataset bytes as the loader returns them: pixels stay uint8 on the host. */
export interface DatasetBuffers {
  name: DatasetName;
  /** Images row-major, channels last (H, W, C): nTrain * imageSize bytes. */
  trainImages: Uint8Array;
  trainLabels: Uint8Array; // nTrain
  testImages: Uint8Array;
  testLabels: Uint8Array;
  /** One image's [height, width, channels]: [28, 28, 1] for MNIST, [32, 32, 3] for CIFAR-10. */
  shape: readonly [number, number, number];
  /** Bytes per image: height * width * channels. */
  imageSize: number;
  numClasses: number; // 10
  /** Per-channel normalisation applied on the device per batch: (x/255 - mean[c]) / std[c]. */
  mean: readonly number[];
  std: readonly number[];
}

/** Everything the page keeps about one run: what export and charts read. */
export interface RunRecord {
  runId: string;
  config: TrainConfig;
  backend: BackendName | null;
  state: RunState;
  /** Iteration at which the loss became NaN/Inf, when state is 'diverged'. */
  divergedAt?: number;
  train: TrainColumns;
  evals: EvalRecord[];
  /** Mid-run edits, in order; absent when there were none. */
  events?: RunEvent[];
  /** ESGD-M's preconditioner quantiles at its Hessian steps, in order; absent for other optimizers. */
  curvature?: CurvatureRecord[];
  /** A learned schedule's decisions (features and α every 10 steps), in order; absent for other optimizers. */
  controller?: ControllerRecord[];
}
