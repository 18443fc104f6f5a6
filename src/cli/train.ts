// npm run train -- --dataset mnist --model logreg --optimizer SGD-HD --alpha0 1e-3 --beta 1e-3 --epochs 20
//   [--width 1/8 (vgg16bn)] --batch-size 128 --weight-decay 1e-4 --seed 1 --out results/ [--iterations N] [--eval-every N]
//   [--threshold L] [--backend wasm|cpu] [--no-normalize] [--summary-json FILE] [--quiet]
//   and every optimizer hyperparameter as a flag (--beta1, --lr-nesterov false, --schedule "step(size=100;gamma=0.5)", ...).
// One run of the same engine, optimizers and data as the page; writes the reference-layout CSV and the
// page's tidy CSV under --out, and (with --summary-json) the run's summary for `sweep`.
// CIFAR-10 comes from the shards of `npm run data -- --cifar10 PATH`, or $CIFAR10_PATH (folder or tar.gz).
import { parseArgs } from 'node:util';
import { useNodeBackend } from '../engine/nodeBackends';
import type { ModelName, TrainConfig } from '../engine/types';
import { MODELS, WIDTHS, modelFits, modelInfo } from '../models/catalog';
import { OPTIMIZER_NAMES, optimizerInfo, takesPageMomentum } from '../optim/catalog';
import { HYPER_DEFAULTS, type Hyper } from '../optim/hyper';
import { parseSchedule } from '../optim/schedules';
import { runExperiment, writeAtomic } from './experiment';
import { loadMnistFromPackage } from './mnistNode';
import { loadFashionMnistFromDebian } from './fashionMnistNode';
import { loadCifar10 } from './cifarNode';
import { DATASET_NAMES, isDatasetName } from '../data/datasets';
import { DataFormatError } from '../data/errors';
import { ProgressBar } from './progressBar';

export class UsageError extends Error {}

/** Hyperparameters with a flag of their own: every Hyper key but those with a main flag. */
const MAIN_KEYS = new Set<keyof Hyper>(['alpha0', 'weightDecay', 'beta', 'momentum']);
const HYPER_FLAGS = (Object.keys(HYPER_DEFAULTS) as (keyof Hyper)[])
  .filter((k) => !MAIN_KEYS.has(k))
  .map((key) => ({ key, flag: key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`).replace(/(\d+)/, '$1') }));

const OPTIONS = {
  dataset: { type: 'string', default: 'mnist' },
  model: { type: 'string', default: 'logreg' },
  width: { type: 'string' },
  optimizer: { type: 'string' },
  alpha0: { type: 'string' },
  beta: { type: 'string' },
  momentum: { type: 'string' },
  'weight-decay': { type: 'string', default: '1e-4' },
  'batch-size': { type: 'string', default: '128' },
  epochs: { type: 'string', default: '1' },
  iterations: { type: 'string' },
  seed: { type: 'string', default: '1' },
  'eval-every': { type: 'string' },
  threshold: { type: 'string' },
  out: { type: 'string', default: 'results' },
  backend: { type: 'string', default: 'wasm' },
  'no-normalize': { type: 'boolean', default: false },
  'summary-json': { type: 'string' },
  quiet: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
  ...Object.fromEntries(HYPER_FLAGS.map(({ flag }) => [flag, { type: 'string' }])),
} as const;

function num(flag: string, text: string, check?: (v: number) => string | null): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) throw new UsageError(`--${flag}: "${text}" is not a number`);
  const problem = check?.(v);
  if (problem) throw new UsageError(`--${flag}: ${problem} (got ${text})`);
  return v;
}
const positiveInt = (v: number) => (Number.isInteger(v) && v >= 1 ? null : 'must be a whole number ≥ 1');
const nonNegative = (v: number) => (v >= 0 ? null : 'must be ≥ 0');

const unitInterval = (v: number) => (v >= 0 && v < 1 ? null : 'must be ≥ 0 and < 1');
const closedUnit = (v: number) => (v >= 0 && v <= 1 ? null : 'must be between 0 and 1');
/** Ranges of the numeric hyperparameter flags (as the page's settings form). */
const RANGES: Partial<Record<keyof Hyper, (v: number) => string | null>> = {
  beta1: unitInterval, beta2: unitInterval, lrBeta1: unitInterval, lrBeta2: unitInterval, lrMomentum: unitInterval,
  dampening: closedUnit, lrDampening: closedUnit, rho: closedUnit, rmsAlpha: closedUnit,
  eps: nonNegative, lrEps: nonNegative, lrDecay: nonNegative, initialAccumulator: nonNegative,
};

function bool(flag: string, text: string): boolean {
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw new UsageError(`--${flag}: "${text}" is not true or false`);
}

export interface TrainArgs {
  config: TrainConfig;
  threshold: number | null;
  backend: 'wasm' | 'cpu';
  out: string;
  normalize: boolean;
  summaryJson: string | null;
  quiet: boolean;
}

export function parseTrainArgs(argv: string[]): TrainArgs | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return 'help';
  const s = (k: string) => values[k] as string | undefined;
  const dataset = s('dataset');
  if (!isDatasetName(dataset)) throw new UsageError(`--dataset: "${dataset}" is not available (${DATASET_NAMES.join(', ')})`);
  const model = s('model') as ModelName;
  if (!MODELS.some((m) => m.name === model)) throw new UsageError(`--model: unknown model "${model}" (${MODELS.map((m) => m.name).join(', ')})`);
  const widthText = s('width');
  if (widthText !== undefined && !modelInfo(model).usesWidth) throw new UsageError(`--width: ${model} has no width multiplier (only vgg16bn)`);
  const width = widthText === undefined ? 1 : parseWidth(widthText);
  const optimizer = s('optimizer');
  if (!optimizer) throw new UsageError(`--optimizer is required (${OPTIMIZER_NAMES.join(', ')})`);
  if (!OPTIMIZER_NAMES.includes(optimizer)) throw new UsageError(`--optimizer: unknown optimizer "${optimizer}" (${OPTIMIZER_NAMES.join(', ')})`);
  const info = optimizerInfo(optimizer);
  const backend = s('backend');
  if (backend !== 'wasm' && backend !== 'cpu') throw new UsageError(`--backend: "${backend}" is not wasm or cpu`);

  const options: Partial<Hyper> = {};
  for (const { key, flag } of HYPER_FLAGS) {
    const text = s(flag);
    if (text === undefined) continue;
    // A setting the optimizer does not use would be silently ignored: refuse it instead.
    if (!info.tunable.includes(key)) throw new UsageError(`--${flag}: ${optimizer} does not use it (it takes: ${info.tunable.join(', ') || 'none'})`);
    const d = HYPER_DEFAULTS[key];
    let v: unknown;
    if (key === 'schedule') {
      try {
        v = parseSchedule(text);
      } catch (e) {
        throw new UsageError(`--${flag}: ${(e as Error).message}`);
      }
    } else if (typeof d === 'boolean') v = bool(flag, text);
    else if (key === 'lrMin' || key === 'lrMax') v = text === 'none' ? null : num(flag, text);
    else v = num(flag, text, RANGES[key]);
    (options as Record<string, unknown>)[key] = v;
  }
  // μ: the page-wide value for the momentum optimizers; RMSProp's own μ (default 0) when given.
  const momentumText = s('momentum');
  const momentum = momentumText !== undefined ? num('momentum', momentumText, (v) => (v >= 0 && v < 1 ? null : 'must be ≥ 0 and < 1')) : 0.9;
  if (momentumText !== undefined) {
    if (!info.tunable.includes('momentum')) throw new UsageError(`--momentum: ${optimizer} does not use it`);
    if (!takesPageMomentum(info)) options.momentum = momentum;
    else if (info.defaults.nesterov && momentum === 0) throw new UsageError('--momentum: Nesterov momentum needs μ > 0');
  }
  const iterations = s('iterations') !== undefined ? num('iterations', s('iterations')!, positiveInt) : null;
  const config: TrainConfig = {
    dataset,
    model,
    optimizer,
    // Default: torch's α₀ for the optimizer where it has one (Adagrad 1e-2, Adadelta 1, …), else the reference's 1e-3.
    alpha0: s('alpha0') !== undefined ? num('alpha0', s('alpha0')!, nonNegative) : (info.defaults.alpha0 ?? 1e-3),
    // β defaults to the reference's value for the optimizer's family: 1e-3 SGD-type, 1e-7 Adam-type.
    beta: s('beta') !== undefined ? num('beta', s('beta')!, nonNegative) : info.family === 'adam' ? 1e-7 : 1e-3,
    momentum,
    weightDecay: num('weight-decay', s('weight-decay')!, nonNegative),
    batchSize: num('batch-size', s('batch-size')!, positiveInt),
    epochs: num('epochs', s('epochs')!, positiveInt),
    iterations,
    seed: num('seed', s('seed')!, (v) => (Number.isInteger(v) && v >= 0 ? null : 'must be a whole number ≥ 0')),
    evalEvery: s('eval-every') !== undefined ? num('eval-every', s('eval-every')!, positiveInt) : null,
    ...(Object.keys(options).length > 0 ? { options } : {}),
    ...(modelInfo(model).usesWidth ? { width } : {}),
  };
  return {
    config,
    threshold: s('threshold') !== undefined ? num('threshold', s('threshold')!) : null,
    backend,
    out: s('out')!,
    normalize: !values['no-normalize'],
    summaryJson: s('summary-json') ?? null,
    quiet: values.quiet === true,
  };
}

/** A width multiplier as a number (0.125) or a fraction (1/8), one of WIDTHS. */
function parseWidth(text: string): number {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const v = m ? Number(m[1]) / Number(m[2]) : Number(text);
  if (!WIDTHS.includes(v)) throw new UsageError(`--width: "${text}" is not one of ${WIDTHS.join(', ')}`);
  return v;
}

const HELP = `usage: npm run train -- --optimizer NAME [--dataset ${DATASET_NAMES.join('|')}] [--model ${MODELS.map((m) => m.name).join('|')}] [--width 1|0.5|0.25|0.125] [--alpha0 1e-3] [--beta β]
  [--epochs N | --iterations N] [--batch-size 128] [--weight-decay 1e-4] [--momentum 0.9] [--seed 1]
  [--eval-every N] [--threshold L] [--backend wasm|cpu] [--no-normalize] [--out results] [--summary-json FILE]
  optimizer hyperparameters: ${HYPER_FLAGS.map((f) => `--${f.flag}`).join(' ')}
optimizers: ${OPTIMIZER_NAMES.join(', ')}`;

async function main(argv: string[]): Promise<number> {
  let args: TrainArgs | 'help';
  try {
    args = parseTrainArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`train: ${e.message}\n${HELP}\n`);
      return 2;
    }
    throw e;
  }
  if (args === 'help') {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  // tfjs prints a hint about tfjs-node on the console: keep stdout for results.
  console.log = (...a: unknown[]) => process.stderr.write(`${a.join(' ')}\n`);
  await useNodeBackend(args.backend);
  let data;
  try {
    const name = args.config.dataset;
    data = name === 'cifar10' ? await loadCifar10() : name === 'fashion-mnist' ? loadFashionMnistFromDebian() : loadMnistFromPackage();
  } catch (e) {
    if (!(e instanceof DataFormatError)) throw e;
    process.stderr.write(`train: ${e.message}\n`);
    return 1;
  }
  // Inputs in [0, 1], as the classic tutorial.
  if (!args.normalize) Object.assign(data, { mean: data.mean.map(() => 0), std: data.std.map(() => 1) });
  const misfit = modelFits(args.config.model, data.shape);
  if (misfit) {
    process.stderr.write(`train: --model: ${misfit}\n`);
    return 2;
  }
  const c = args.config;
  const bar = args.quiet ? null : new ProgressBar(`${c.optimizer} ${c.model} α₀=${c.alpha0} β=${c.beta} seed ${c.seed}`);
  const { summary, files } = await runExperiment(c, data, {
    backend: args.backend,
    outDir: args.out,
    threshold: args.threshold,
    onProgress: (p) => bar?.update(p.iteration, p.total, p.loss, p.lr),
  });
  bar?.done(
    `${summary.state}: ${summary.iterations} iterations in ${summary.wall_s.toFixed(1)} s, train loss ${summary.train_loss}, ` +
      `val loss ${summary.val_loss}, val accuracy ${summary.val_accuracy}` +
      (args.threshold !== null ? `, iterations to threshold ${summary.iterations_to_threshold ?? 'not reached'}` : ''),
  );
  if (args.summaryJson) writeAtomic(args.summaryJson, `${JSON.stringify(summary)}\n`);
  process.stdout.write(`${files.join('\n')}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`train: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
