// The sweep presets (`npm run sweep -- PRESET`) as plain data: one list of run settings per preset, and
// pure functions that expand a preset over seeds and a budget scale into the argument lists of the train
// command line (src/cli/train.ts). No tfjs, no file system.
//
// Decisions (also in the report / README):
// * β of the classic baselines (SGD, SGDN, Adam, … — optimizers without a catalog `betaGroup`): the
//   reference (V's train.py) ran them with its default `--beta 1e-6` (spec §4 item 11: folder
//   `+1e-03_+1e-06`). β has no effect on them, so we pass 1e-6 as well: their reference-layout CSVs land in
//   the same folders as the reference's published ones, and summary.json records what was passed.
//   Every optimizer with a `betaGroup` gets the reference's β for its group (1e-3 SGD family and
//   SGD-op variants; 1e-7 Adam family, 1e-8 on VGG).
// * μ is passed as 0.9 only to the optimizers that take the page-wide μ (catalog `takesPageMomentum`:
//   SGDM, SGDN and their HD / variant forms); the others record μ = 0, which is what they run with.
// * alpha-sweep threshold 0.3 on the minibatch loss, capped at 5,000 iterations (see ALPHA_SWEEP_THRESHOLD).
import { OPTIMIZER_NAMES, optimizerInfo, takesPageMomentum } from '../optim/catalog';
import type { Hyper } from '../optim/hyper';

/** MNIST's training set size; one epoch at batch 128 is 469 iterations (last partial batch kept). */
export const MNIST_TRAIN = 60_000;
export const CIFAR10_TRAIN = 50_000;

export type Budget = { epochs: number } | { iterations: number };

/** One run of a preset, before seeds and scaling. */
export interface RunTemplate {
  dataset: string;
  model: string;
  optimizer: string;
  alpha0: number;
  beta: number;
  momentum: number;
  weightDecay: number;
  batchSize: number;
  budget: Budget;
  /** Stop when the minibatch loss falls below this and report the iterations it took. */
  threshold: number | null;
  /** false = inputs scaled to [0, 1] only (`--no-normalize`). */
  normalize: boolean;
  /** Optimizer settings beyond α₀, β, μ and weight decay (e.g. L-BFGS's max_iter), passed as their own flags. */
  options?: PresetOptions;
}

/** The settings a preset may pass: numbers and switches of src/optim/hyper.ts. */
export type PresetOptions = Partial<Pick<Hyper, 'maxIter' | 'maxEval' | 'historySize' | 'strongWolfe' | 'toleranceGrad' | 'toleranceChange' | 'lrWarmup' | 'updateDEvery' | 'dWarmup' | 'beta1' | 'beta2' | 'eps' | 'stack'>>;

/** The train command's flag of a hyperparameter: its name in kebab case (maxIter → max-iter). */
export function hyperFlag(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** One run of a sweep: a template with its seed and its (scaled) budget. */
export interface RunConfig extends RunTemplate {
  preset: string;
  seed: number;
}

export interface Preset {
  name: string;
  description: string;
  runs: readonly RunTemplate[];
}

/** The twelve methods of the reference work (spec §5), registry names of src/optim/catalog.ts. */
export const REFERENCE_METHODS = [
  'SGD', 'SGDN', 'Adam',
  'SGD-HD', 'SGDN-HD', 'Adam-HD',
  'SGDop-SGDNlop', 'SGDNop-SGDNlop', 'SGDop-Adamlop', 'SGDNop-Adamlop', 'Adamop-SGDNlop', 'Adamop-Adamlop',
] as const;

/** β the reference's train.py passes when none is given; what its classic baselines ran with (spec §4.11). */
export const REFERENCE_DEFAULT_BETA = 1e-6;
export const REFERENCE_MOMENTUM = 0.9;

/** β of the reference experiments for one optimizer (spec §6 table); the train.py default for classic ones. */
export function referenceBeta(optimizer: string, adamBeta: number): number {
  const group = optimizerInfo(optimizer).betaGroup;
  if (group === 'sgd') return 1e-3;
  if (group === 'adam') return adamBeta;
  return REFERENCE_DEFAULT_BETA;
}

/** μ a run records: the reference μ for optimizers that take it, else 0 (what they run with). */
export function momentumFor(optimizer: string, mu: number): number {
  return takesPageMomentum(optimizerInfo(optimizer)) ? mu : 0;
}

function referenceRuns(model: string, dataset: string, epochs: number, adamBeta: number): RunTemplate[] {
  return REFERENCE_METHODS.map((optimizer) => ({
    dataset,
    model,
    optimizer,
    alpha0: 1e-3,
    beta: referenceBeta(optimizer, adamBeta),
    momentum: momentumFor(optimizer, REFERENCE_MOMENTUM),
    weightDecay: 1e-4,
    batchSize: 128,
    budget: { epochs },
    threshold: null,
    normalize: true,
  }));
}

/** The classic comparison: each optimizer at its torch default lr (SGD family at 0.1, as that comparison). */
export const TUTORIAL_LRS: readonly (readonly [string, number])[] = [
  ['SGD', 0.1],
  ['SGDM', 0.1],
  ['SGDN', 0.1],
  ['Adam', 1e-3],
  ['Adagrad', 1e-2],
  ['Adadelta', 1.0],
  ['Adamax', 2e-3],
  ['RMSProp', 1e-2],
];

function tutorialRuns(): RunTemplate[] {
  return TUTORIAL_LRS.map(([optimizer, alpha0]) => ({
    dataset: 'mnist',
    model: 'ffnn100',
    optimizer,
    alpha0,
    beta: REFERENCE_DEFAULT_BETA, // unused by these optimizers
    momentum: momentumFor(optimizer, 0.9),
    weightDecay: 0,
    batchSize: 100,
    budget: { iterations: 3000 },
    threshold: null,
    normalize: false,
  }));
}

export const ALPHA_SWEEP_ALPHAS = [1e-1, 1e-2, 1e-3, 1e-4, 1e-6] as const;
export const ALPHA_SWEEP_METHODS = ['SGD', 'SGD-HD', 'SGDN', 'SGDN-HD', 'Adam', 'Adam-HD'] as const;
/**
 * Minibatch-loss threshold of alpha-sweep (the reference's alpha_ex.sh also stops on one minibatch's loss).
 * Measured here (LogReg, batch 128, wd 1e-4, seed 1, wasm): with 0.3, good α₀ cross it in about 60–330
 * iterations (SGD 0.1: 63, SGD 0.01: 332, Adam 1e-3: 130, SGD-HD 1e-3: 104, Adam-HD 1e-4: 231) and a
 * poor one takes thousands (SGD 1e-3: 2,339) or never does within the cap. 0.4 was too easy: single
 * batch-128 losses scatter far below their running mean, so every reasonable α₀ (1e-1 to 1e-2, and every
 * HD run) crossed 0.4 on one of the first easy batches (iteration 21, 30 or 50), and the count said little
 * about α₀. All runs see the same batches in the same order, so counts cluster on the same easy batches;
 * seeds average that out.
 */
export const ALPHA_SWEEP_THRESHOLD = 0.3;
/** Iteration cap of alpha-sweep: a bit over 10 epochs at batch 128. */
export const ALPHA_SWEEP_CAP = 5000;

function alphaSweepRuns(): RunTemplate[] {
  const runs: RunTemplate[] = [];
  for (const alpha0 of ALPHA_SWEEP_ALPHAS) {
    for (const optimizer of ALPHA_SWEEP_METHODS) {
      runs.push({
        dataset: 'mnist',
        model: 'logreg',
        optimizer,
        alpha0,
        beta: referenceBeta(optimizer, 1e-7),
        momentum: momentumFor(optimizer, REFERENCE_MOMENTUM),
        weightDecay: 1e-4,
        batchSize: 128,
        budget: { iterations: ALPHA_SWEEP_CAP },
        threshold: ALPHA_SWEEP_THRESHOLD,
        normalize: true,
      });
    }
  }
  return runs;
}

/**
 * The second-order comparison: each optimizer at a setting that trains this MLP well, measured here (300
 * iterations, MNIST, batch 128, seed 1, wasm; validation accuracy): SGD 0.1 (94.2 %), Adam 1e-3 (96.4 %),
 * ESGD-M at its defaults, lr 1 (95.9 %; 0.3: 96.0 %, 0.1: 94.5 %), L-BFGS lr 1 with strong-Wolfe, max_iter 4,
 * history 10 (94.9 %, ≈ 5 gradient evaluations per step; without a line search, lr 0.1 and max_iter 2:
 * 86.0 %). History 10 because torch's 100 on this MLP is refused (1.4 GiB, src/optim/lbfgs.ts). No weight
 * decay: ESGD-M's is decoupled and L-BFGS's a term of its objective, so one value would mean three things.
 */
export const SECOND_ORDER_SETTINGS: readonly (readonly [string, number, PresetOptions?])[] = [
  ['SGD', 0.1],
  ['Adam', 1e-3],
  ['Adam-HD', 1e-3],
  ['ESGD-M', 1],
  ['L-BFGS', 1, { maxIter: 4, historySize: 10, strongWolfe: true }],
];

function secondOrderRuns(): RunTemplate[] {
  return SECOND_ORDER_SETTINGS.map(([optimizer, alpha0, options]) => ({
    dataset: 'mnist',
    model: 'mlp',
    optimizer,
    alpha0,
    beta: referenceBeta(optimizer, 1e-7),
    momentum: momentumFor(optimizer, REFERENCE_MOMENTUM),
    weightDecay: 0,
    batchSize: 128,
    budget: { epochs: 1 },
    threshold: null,
    normalize: true,
    ...(options ? { options } : {}),
  }));
}

/**
 * The MNIST experiment of "Gradient Descent: The Ultimate Optimizer" (Chandra et al., NeurIPS 2022), as its
 * code's README sets it up: one hidden layer of 128 tanh units (and tanh on the output, as its forward
 * does), inputs in [0, 1] (ToTensor only), batch 256, one epoch, no weight decay. The model level's α is
 * α₀; the levels above use the reference classes' defaults (SGD 0.01, Adam 0.001) except where the
 * README's example sets κ = 1e-5 for SGD above Adam. The re-runs of plain SGD / Adam at the values the
 * stacks learned (the paper's control) are the last two rows: their values were measured by this preset's
 * stack runs (seeds 1–3, means of the final values; README "Stacked hyperoptimizers").
 */
export const GDTUO_STACKS: readonly (readonly [string, number, string | null, PresetOptions?])[] = [
  ['SGD', 0.01, null],
  ['Stack', 0.01, 'SGD / SGD(0.01)'],
  ['Stack', 0.01, 'SGD / Adam'],
  ['Adam', 1e-3, null],
  ['Stack', 1e-3, 'Adam / SGD(1e-5)'],
  ['Stack', 1e-3, 'Adamα / SGD(1e-5)'],
  ['Stack', 1e-3, 'Adam / Adam'],
  ['Stack', 1e-3, 'Adamα / Adam'],
  // A third level's κ must be far smaller than the second's: its hypergradient is a product of the two below.
  // Measured (seeds 1–3): SGD(1e-5) on top drove α to 1.4–2.2 (43–48 % accuracy); 1e-8 keeps α near 0.01.
  ['Stack', 1e-3, 'Adam / SGD(1e-5) / SGD(1e-8)'],
  ['Stack', 1e-3, 'Adamα / SGD(1e-5) / SGD(1e-8)'],
  // The paper's control: the plain optimizer re-run at the value its stack learned (final α, mean of seeds
  // 1–3 of this preset: SGD / SGD(0.01) 0.140, Adam / SGD(1e-5) 4.67e-3 with β₁, β₂ unmoved to 1e-6).
  ['SGD', 0.14, null],
  ['Adam', 4.67e-3, null],
];

function gdtuoRuns(): RunTemplate[] {
  return GDTUO_STACKS.map(([optimizer, alpha0, stack, options]) => ({
    dataset: 'mnist',
    model: 'mlp128tanh',
    optimizer,
    alpha0,
    beta: referenceBeta(optimizer, 1e-7),
    momentum: 0,
    weightDecay: 0,
    batchSize: 256,
    budget: { epochs: 1 },
    threshold: null,
    normalize: false,
    ...(stack !== null || options ? { options: { ...options, ...(stack !== null ? { stack } : {}) } } : {}),
  }));
}

export const PRESETS: readonly Preset[] = [
  {
    name: 'reference-logreg',
    description: 'the 12 methods of the reference work, LogReg 784-10 on MNIST, 20 epochs (V)',
    runs: referenceRuns('logreg', 'mnist', 20, 1e-7),
  },
  {
    name: 'reference-mlp',
    description: 'the 12 methods of the reference work, MLP 784-1000-1000-10 on MNIST, 100 epochs',
    runs: referenceRuns('mlp', 'mnist', 100, 1e-7),
  },
  {
    name: 'reference-vgg',
    description: 'the 12 methods of the reference work, VGG16-BN on CIFAR-10, 200 epochs (V)',
    runs: referenceRuns('vgg16bn', 'cifar10', 200, 1e-8),
  },
  {
    name: 'tutorial-ffnn',
    description: 'SGD, SGDM, SGDN, Adam, Adagrad, Adadelta, Adamax, RMSProp at torch default lr, FFNN 784-100-10, batch 100, 3,000 iterations, inputs in [0, 1]',
    runs: tutorialRuns(),
  },
  {
    name: 'alpha-sweep',
    description: `α₀ ∈ {1e-1, 1e-2, 1e-3, 1e-4, 1e-6} × SGD, SGD-HD, SGDN, SGDN-HD, Adam, Adam-HD on LogReg: iterations until the minibatch loss < ${ALPHA_SWEEP_THRESHOLD} (cap ${ALPHA_SWEEP_CAP.toLocaleString('en-US')})`,
    runs: alphaSweepRuns(),
  },
  {
    name: 'second-order',
    description: 'SGD, Adam, Adam-HD, ESGD-M and L-BFGS (strong-Wolfe, max_iter 4, history 10) on the MLP 784-1000-1000-10, MNIST, batch 128, 1 epoch, no weight decay',
    runs: secondOrderRuns(),
  },
  {
    name: 'gdtuo-mnist',
    description:
      'stacked hyperoptimizers of Chandra et al. (NeurIPS 2022): SGD, SGD / SGD, SGD / Adam, Adam, Adam / SGD, Adamα / SGD, Adam / Adam, Adamα / Adam, Adam / SGD / SGD, Adamα / SGD / SGD, and SGD and Adam re-run at the α their stacks learned, on one hidden layer of 128 tanh, MNIST in [0, 1], batch 256, 1 epoch',
    runs: gdtuoRuns(),
  },
];

export const PRESET_NAMES: readonly string[] = PRESETS.map((p) => p.name);

export function findPreset(name: string): Preset | undefined {
  return PRESETS.find((p) => p.name === name);
}

function trainSize(dataset: string): number {
  return dataset === 'cifar10' ? CIFAR10_TRAIN : MNIST_TRAIN;
}

/**
 * The budget times `scale`: 1 keeps it as it is; any other factor turns an epoch budget into iterations
 * (epochs × iterations per epoch × scale) and scales an iteration budget, at least 1 iteration.
 */
export function scaleBudget(budget: Budget, scale: number, batchSize: number, dataset: string): Budget {
  if (!(scale > 0) || !Number.isFinite(scale)) throw new Error(`scale must be a positive number, got ${scale}`);
  if (scale === 1) return budget;
  const iterations = 'epochs' in budget ? budget.epochs * Math.ceil(trainSize(dataset) / batchSize) : budget.iterations;
  return { iterations: Math.max(1, Math.round(iterations * scale)) };
}

/** Every run of a preset: seeds 1..seeds for each template, in template order within each seed. */
export function expandPreset(preset: Preset, seeds: number, scale = 1): RunConfig[] {
  if (!Number.isInteger(seeds) || seeds < 1) throw new Error(`seeds must be a positive integer, got ${seeds}`);
  const out: RunConfig[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    for (const t of preset.runs) {
      out.push({ ...t, budget: scaleBudget(t.budget, scale, t.batchSize, t.dataset), preset: preset.name, seed });
    }
  }
  return out;
}

/** A number for a file name: 0 → "0", 1e-3 → "1e-3", 0.1 → "1e-1", 2e-3 → "2e-3", 1 → "1e0", 0.4 → "4e-1". */
export function compactNumber(x: number): string {
  return x === 0 ? '0' : x.toExponential().replace('e+', 'e');
}

const GREEK: Record<string, string> = { α: 'a', μ: 'mu', β: 'b', γ: 'g', κ: 'k', ε: 'eps', '₁': '1', '₂': '2' };

/** A text setting in a file name: a stack "Adamα / SGD(κ=1e-3)" becomes "Adama-SGD-k-1e-3" (Greek spelled out, so
 * "Adamα / SGD" and "Adam / SGD" stay apart). */
function fileText(s: string): string {
  return s
    .replace(/[αμβγκε₁₂]/g, (c) => GREEK[c])
    .replace(/[^A-Za-z0-9.+-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * A run's identifier and the file name of its summary under DIR/runs/. Everything that makes two runs
 * of the presets differ is in it, the budget included, so a sweep resumed with another --scale redoes
 * its runs instead of mistaking shorter ones for done.
 */
export function runId(c: RunConfig): string {
  const budget = 'epochs' in c.budget ? `e${c.budget.epochs}` : `i${c.budget.iterations}`;
  const parts = [
    c.dataset,
    c.model,
    c.optimizer,
    `a${compactNumber(c.alpha0)}`,
    `b${compactNumber(c.beta)}`,
    `m${compactNumber(c.momentum)}`,
    `wd${compactNumber(c.weightDecay)}`,
    `bs${c.batchSize}`,
    budget,
  ];
  if (c.threshold !== null) parts.push(`t${compactNumber(c.threshold)}`);
  if (!c.normalize) parts.push('raw');
  const text = (v: unknown) => (typeof v === 'number' ? compactNumber(v) : fileText(String(v)));
  for (const [k, v] of Object.entries(c.options ?? {})) parts.push(`${k}${text(v)}`);
  parts.push(`s${c.seed}`);
  return parts.join('_');
}

/** A number as an argument: shortest round-trip form ("0.001", "1e-7"). */
const arg = (x: number): string => String(x);

/**
 * The train command line's arguments for a run (contract of src/cli/train.ts), without the command itself.
 */
export function trainArgs(c: RunConfig, o: { out: string; summaryJson: string; backend?: string; quiet?: boolean }): string[] {
  const a = [
    '--dataset', c.dataset,
    '--model', c.model,
    '--optimizer', c.optimizer,
    '--alpha0', arg(c.alpha0),
    '--beta', arg(c.beta),
    '--batch-size', String(c.batchSize),
    '--weight-decay', arg(c.weightDecay),
    '--seed', String(c.seed),
  ];
  // train refuses --momentum for optimizers that do not use μ; the others record μ = 0, what they run with.
  if (takesPageMomentum(optimizerInfo(c.optimizer))) a.push('--momentum', arg(c.momentum));
  if ('epochs' in c.budget) a.push('--epochs', String(c.budget.epochs));
  else a.push('--iterations', String(c.budget.iterations));
  if (c.threshold !== null) a.push('--threshold', arg(c.threshold));
  if (!c.normalize) a.push('--no-normalize');
  for (const [k, v] of Object.entries(c.options ?? {})) a.push(`--${hyperFlag(k)}`, typeof v === 'number' ? arg(v) : String(v));
  if (o.backend) a.push('--backend', o.backend);
  a.push('--out', o.out, '--summary-json', o.summaryJson);
  if (o.quiet ?? true) a.push('--quiet');
  return a;
}

/** Every optimizer a preset names exists in the registry (checked by the tests). */
export function unknownOptimizers(preset: Preset): string[] {
  return preset.runs.map((r) => r.optimizer).filter((n) => !OPTIMIZER_NAMES.includes(n));
}
