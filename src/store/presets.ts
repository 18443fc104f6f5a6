// The page's presets (issue 6, item 6): the reference experiments and the classic optimizer
// comparison as configuration patches for the form. Pure: no React, no DOM.
//
// The numbers are not restated here: each page preset is derived from the command line's preset of
// the same experiment (src/experiments/presets.ts, what `npm run sweep` runs), so the page and the command
// line cannot drift apart. What the page cannot express is said in the preset's hint:
// - β of the classic baselines: the command line passes the reference train.py's 1e-6 to them (it has
//   no effect); the page records its group's β, as for every run of the page.
// - `normalize: false` (classic comparison: pixels in [0, 1] only): the page always normalises.
// - VGG-16-BN: the reference width is 1, very slow without a GPU; the preset keeps the person's Width
//   (⅛ by default without a GPU), so applying it never turns a quick page into an hour-long one.
// Seed and Seeds are left as they are: they are not part of an experiment's settings (but the learned
// schedule's preset fixes the seed, as its reference comparison does).
import { findPreset, type RunTemplate } from '../experiments/presets';
import type { DatasetName, ModelName } from '../engine/types';
import { isDatasetName } from '../data/datasets';
import { isModelName } from '../models/catalog';
import { optimizerInfo, takesPageMomentum } from '../optim/catalog';
import { DEFAULTS, type ConfigPatch } from './configStore';
import type { PerOptimizerTexts } from '../config/optimizerOptions';
import { formatForPeople, type FieldTexts } from '../config/validate';

export interface PagePreset {
  /** Stable key (the `<option>` value). */
  id: string;
  /** What the person reads in the list. */
  label: string;
  /** One or two sentences: what it sets, and what differs from the command line or the paper. */
  hint: string;
  patch: ConfigPatch & { texts: Omit<FieldTexts, 'seed' | 'seeds'> };
}

/** A number in the form's text as people write it, reading back as the same double. */
function text(v: number): string {
  const t = formatForPeople(v);
  return Number(t) === v ? t : String(v);
}

/** The one value every run shares (a preset's runs differ only in optimizer, α₀ and β). */
function shared<T>(runs: readonly RunTemplate[], pick: (r: RunTemplate) => T, what: string): T {
  const first = pick(runs[0]);
  for (const r of runs) {
    if (JSON.stringify(pick(r)) !== JSON.stringify(first)) throw new Error(`preset runs differ in ${what}`);
  }
  return first;
}

/** The β the runs of one β group share, or the fallback when no run is in that group. */
function groupBeta(runs: readonly RunTemplate[], group: 'sgd' | 'adam', fallback: number): number {
  const mine = runs.filter((r) => optimizerInfo(r.optimizer).betaGroup === group);
  return mine.length === 0 ? fallback : shared(mine, (r) => r.beta, `β of the ${group} group`);
}

/**
 * The form patch of a command-line preset: its optimizers; α₀ page-wide when every run shares it,
 * else each optimizer's own α₀ in its settings; μ from the runs that take the page's μ; β per group.
 */
export function patchFromCliPreset(
  cliName: string,
  defaults: { alpha0: number; betaSgd: number; betaAdam: number; momentum: number },
  keep: (r: RunTemplate, i: number, all: readonly RunTemplate[]) => boolean = () => true,
): PagePreset['patch'] {
  const preset = findPreset(cliName);
  if (!preset) throw new Error(`no command-line preset "${cliName}"`);
  // `keep`: the runs the page can hold at once (one run per optimizer: one Stack of the command line's eight).
  const runs = preset.runs.filter(keep);
  const dataset = shared(runs, (r) => r.dataset, 'dataset');
  const model = shared(runs, (r) => r.model, 'model');
  if (!isDatasetName(dataset) || !isModelName(model)) throw new Error(`preset "${cliName}": unknown dataset or model`);
  const budget = shared(runs, (r) => r.budget, 'budget');
  const alphas = new Set(runs.map((r) => r.alpha0));
  const withMu = runs.filter((r) => takesPageMomentum(optimizerInfo(r.optimizer)));
  const perOptimizer: PerOptimizerTexts = {};
  if (alphas.size > 1) for (const r of runs) perOptimizer[r.optimizer] = { alpha0: text(r.alpha0) };
  // Settings beyond α₀ (L-BFGS's max_iter, …) go to the optimizer's Settings, as a person would type them.
  for (const r of runs) {
    for (const [k, v] of Object.entries(r.options ?? {})) {
      perOptimizer[r.optimizer] = { ...perOptimizer[r.optimizer], [k]: typeof v === 'number' ? text(v) : v === null ? '' : v };
    }
  }
  return {
    optimizers: runs.map((r) => r.optimizer),
    dataset: dataset as DatasetName,
    model: model as ModelName,
    perOptimizer,
    texts: {
      alpha0: text(alphas.size === 1 ? runs[0].alpha0 : defaults.alpha0),
      betaSgd: text(groupBeta(runs, 'sgd', defaults.betaSgd)),
      betaAdam: text(groupBeta(runs, 'adam', defaults.betaAdam)),
      momentum: text(withMu.length > 0 ? shared(withMu, (r) => r.momentum, 'μ') : defaults.momentum),
      weightDecay: text(shared(runs, (r) => r.weightDecay, 'weight decay')),
      batchSize: String(shared(runs, (r) => r.batchSize, 'batch size')),
      epochs: 'epochs' in budget ? String(budget.epochs) : '1',
      iterations: 'iterations' in budget ? String(budget.iterations) : '',
      evalEvery: '',
    },
  };
}

/**
 * Adam + learned schedule against Adam and Adam-HD (Xu et al. 2019, nicklashansen/adaptive-learning-rate-schedule:
 * MLP3 on MNIST, batch 1000), a budget a browser trains in a minute or two. No command-line preset:
 * `npm run controller` trains and evaluates controllers. The seed is fixed, so the three runs share
 * initial weights and batches (and the controller's sampled actions repeat).
 */
const LEARNED_PATCH: PagePreset['patch'] & { texts: { seed: string } } = {
  optimizers: ['Adam', 'Adam-HD', 'Adam-Learned'],
  dataset: 'mnist',
  model: 'mlp3',
  perOptimizer: {},
  texts: {
    alpha0: '0.001',
    betaSgd: text(DEFAULTS.betaSgd),
    betaAdam: '1e-7',
    momentum: text(DEFAULTS.momentum),
    weightDecay: '0',
    batchSize: '1000',
    epochs: '1',
    iterations: '300',
    evalEvery: '',
    seed: '1',
  },
};

const REF = 'The 12 methods of the reference work (SGD, SGDN, Adam, their HD forms and the six variants) with its settings: α₀ 1e-3, μ 0.9, weight decay 1e-4, batch 128';

export const PAGE_PRESETS: readonly PagePreset[] = [
  {
    id: 'reference-logreg',
    label: 'Reference: LogReg on MNIST',
    hint: `${REF}, β 1e-3 (SGD family) / 1e-7 (Adam family), 20 epochs.`,
    patch: patchFromCliPreset('reference-logreg', DEFAULTS),
  },
  {
    id: 'reference-mlp',
    label: 'Reference: MLP on MNIST',
    hint: `${REF}, β 1e-3 / 1e-7, 100 epochs of the 784-1000-1000-10 MLP: hours without a GPU; lower Epochs or set Iterations to look first.`,
    patch: patchFromCliPreset('reference-mlp', DEFAULTS),
  },
  {
    id: 'reference-vgg',
    label: 'Reference: VGG-16-BN on CIFAR-10',
    hint: `${REF}, β 1e-3 / 1e-8, 200 epochs. Keeps your Width: the reference is 1, far too slow without a GPU (⅛ trains at interactive speed). CIFAR-10 is loaded once from cifar-10-binary.tar.gz.`,
    patch: patchFromCliPreset('reference-vgg', DEFAULTS),
  },
  {
    id: 'tutorial-ffnn',
    label: 'Classic comparison: FFNN 784-100-10, batch 100',
    hint: 'SGD, SGDM, SGDN, Adam, Adagrad, Adadelta, Adamax and RMSProp, each at its torch default α₀ (set in its Settings), μ 0.9, no weight decay, 3,000 iterations. The page normalises the pixels; the command line\'s tutorial-ffnn feeds them in [0, 1].',
    patch: patchFromCliPreset('tutorial-ffnn', DEFAULTS),
  },
  {
    id: 'second-order',
    label: 'Second-order comparison: MLP on MNIST',
    hint: 'SGD (α₀ 0.1), Adam and Adam-HD (1e-3, β 1e-7), ESGD-M at its defaults (lr 1) and L-BFGS (lr 1, strong-Wolfe, max_iter 4, history 10), each α₀ in its Settings; batch 128, 1 epoch, no weight decay. Choose the Gradient evaluations axis to compare at equal cost: an L-BFGS step costs about 5.',
    patch: patchFromCliPreset('second-order', DEFAULTS),
  },
  {
    id: 'gdtuo-mnist',
    label: 'Stacked hyperoptimizers: MNIST (Chandra et al.)',
    hint: "SGD (α₀ 0.01), Adam (1e-3) and the Stack Adam / SGD(1e-5) on one hidden layer of 128 tanh, batch 256, 1 epoch, no weight decay, as the paper's code. The page holds one Stack at a time: build the others (SGD / SGD(0.01), Adam / Adam, …) in its Settings, or run them all with npm run sweep -- gdtuo-mnist. Choose β₁ or β₂ in the Hyperparameter select to see what the stack learns.",
    // The first SGD and Adam (not their re-runs at the learned α) and one Stack.
    patch: patchFromCliPreset('gdtuo-mnist', DEFAULTS, (r, i, all) =>
      r.optimizer === 'Stack' ? r.options?.stack === 'Adam / SGD(1e-5)' : all.findIndex((x) => x.optimizer === r.optimizer) === i,
    ),
  },
  {
    id: 'learned-mnist-mlp3',
    label: 'Learned schedule: MLP3 on MNIST (Xu et al.)',
    hint:
      'Adam, Adam-HD and Adam + learned schedule (the shipped controller trained on MNIST with MLP3, in its Settings) on the 784-256-128-10 ReLU MLP, α₀ 1e-3, β 1e-7, batch 1000, 300 iterations, no weight decay, seed 1. The learned schedule trains without 10,000 held-out validation images, whose loss its controller reads; the Controller inputs panel shows what it read.',
    patch: LEARNED_PATCH,
  },
];

export function findPagePreset(id: string): PagePreset | undefined {
  return PAGE_PRESETS.find((p) => p.id === id);
}
