// npm run train -- --dataset mnist --model logreg --optimizer SGD-HD --alpha0 1e-3 --beta 1e-3 --epochs 20
//   [--width 1/8 (vgg16bn, resnet18)] --batch-size 128 --weight-decay 1e-4 --seed 1 --out results/ [--iterations N] [--eval-every N]
//   [--threshold L] [--backend wasm|cpu|webgpu] [--no-normalize] [--summary-json FILE] [--quiet]
//   and every optimizer hyperparameter as a flag (--beta1, --lr-nesterov false, --schedule "step(size=100;gamma=0.5)", ...).
// One run of the same engine, optimizers and data as the page; writes the reference-layout CSV and the
// page's tidy CSV under --out, and (with --summary-json) the run's summary for `sweep`.
// CIFAR-10 comes from the shards of `npm run data -- --cifar10 PATH`, or $CIFAR10_PATH (folder or tar.gz).
import type { ModelName, TrainConfig } from '../engine/types';
import { MODELS, modelFits, modelInfo } from '../models/catalog';
import { OPTIMIZER_NAMES, optimizerInfo, takesPageMomentum } from '../optim/catalog';
import { HYPER_DEFAULTS, type Hyper } from '../optim/hyper';
import { parseSchedule } from '../optim/schedules';
import { esgdConfigError } from '../optim/esgdConfig';
import { DATASET_NAMES, isDatasetName } from '../data/datasets';
import { hyperFlag } from '../experiments/presets';
import { EMPTY_ALLOWED, optionRule, type OptionKey } from '../config/optimizerOptions';
import { formatStack, parseStack } from '../optim/stackSpec';
import { DataFormatError } from '../data/errors';
import { NODE_BACKENDS, isNodeBackendName, type NodeBackendName } from '../engine/nodeBackendNames';
import { parseCommandLine, usageErrorLine, usageText, UsageError, wrapList, type Command, type Flag } from './args';
import { nonNegativeInt, num, parseWidth, positiveInt } from './flagValues';
// tfjs, the engine and the data loaders are imported in main(), after the arguments are checked:
// --help and a bad command line answer at once.

export { UsageError };

/** Hyperparameters with a flag of their own: every Hyper key but those with a main flag. */
const MAIN_KEYS = new Set<keyof Hyper>(['alpha0', 'weightDecay', 'beta', 'momentum']);
const HYPER_FLAGS = (Object.keys(HYPER_DEFAULTS) as (keyof Hyper)[])
  .filter((k) => !MAIN_KEYS.has(k))
  .map((key) => ({ key, flag: hyperFlag(key) }));

const hyperHelp = (key: keyof Hyper): string => {
  const d = HYPER_DEFAULTS[key];
  return typeof d === 'boolean' ? 'true|false' : key === 'schedule' ? 'SCHEDULE' : key === 'stack' ? 'SPEC' : key === 'controller' ? 'ID|FILE' : EMPTY_ALLOWED.has(key as OptionKey) ? 'X|none' : 'X';
};

/** The models that take --width (VGG-16-BN, ResNet-18). */
const WIDTH_MODELS = MODELS.filter((m) => m.usesWidth).map((m) => m.name).join(', ');

export const TRAIN: Command = {
  name: 'train',
  summary:
    'Trains one run with the engine, optimizers and data of the page (Node, tfjs wasm or cpu) and writes\n' +
    'OUT/{model}/{α0}_{β}/{optimizer}.csv (the reference layout) and {optimizer}.tidy.csv (the page\'s format);\n' +
    'prints the two paths on stdout and a progress line on stderr. Exit codes: 0 done, 1 data problem, 2 bad arguments.',
  synopsis: '--optimizer NAME [options]',
  flags: {
    optimizer: { type: 'string', arg: 'NAME', defaultText: 'none, required', help: 'the optimizer (the list below)' },
    dataset: { type: 'string', arg: 'NAME', default: 'mnist', help: DATASET_NAMES.join(' | ') },
    model: { type: 'string', arg: 'NAME', default: 'logreg', help: MODELS.map((m) => m.name).join(' | ') },
    width: { type: 'string', arg: 'W', defaultText: '1', help: `channel width multiplier: 1, 1/2, 1/4, 1/8 (${WIDTH_MODELS} only)` },
    alpha0: { type: 'string', arg: 'X', defaultText: "torch's default for the optimizer, else 1e-3", help: 'initial learning rate α₀' },
    beta: { type: 'string', arg: 'X', defaultText: '1e-3 SGD family, 1e-7 Adam family', help: 'hypergradient learning rate β' },
    momentum: { type: 'string', arg: 'X', defaultText: '0.9', help: 'μ of the momentum optimizers (RMSProp: its own μ, default 0)' },
    'weight-decay': { type: 'string', arg: 'X', default: '1e-4', help: 'L2 weight decay, folded into the gradient' },
    'batch-size': { type: 'string', arg: 'N', default: '128', help: 'minibatch size' },
    epochs: { type: 'string', arg: 'N', default: '1', help: 'epochs to train' },
    iterations: { type: 'string', arg: 'N', defaultText: 'the epochs decide', help: 'train N iterations instead of --epochs' },
    seed: { type: 'string', arg: 'N', default: '1', help: 'seed of the initial weights and the batch order' },
    'eval-every': { type: 'string', arg: 'N', defaultText: 'at the end of every epoch', help: 'evaluate on the test set every N iterations' },
    threshold: { type: 'string', arg: 'L', defaultText: 'none', help: 'stop when a minibatch loss falls below L' },
    out: { type: 'string', arg: 'DIR', default: 'results', help: 'folder for the CSVs' },
    backend: {
      type: 'string',
      arg: 'NAME',
      default: 'wasm',
      help: 'tfjs backend: wasm | cpu | webgpu (Dawn through the npm package webgpu: the GPU with its Vulkan driver, else SwiftShader on the CPU)',
    },
    threads: {
      type: 'string',
      arg: 'N',
      default: '1',
      help: 'wasm threads for this run (tfjs\'s threaded SIMD build on worker_threads; at most the machine\'s cores is sensible)',
    },
    'no-normalize': { type: 'boolean', help: 'inputs in [0, 1] instead of normalised' },
    'summary-json': { type: 'string', arg: 'FILE', defaultText: 'not written', help: "write the run's summary as JSON (for sweep)" },
    quiet: { type: 'boolean', help: 'no progress line' },
    ...Object.fromEntries(
      HYPER_FLAGS.map(({ key, flag }): [string, Flag] => {
        const d = HYPER_DEFAULTS[key];
        const shown = key === 'schedule' ? 'constant' : d === null ? 'none' : String(d);
        return [flag, { type: 'string', arg: hyperHelp(key), defaultText: `the optimizer's own; generic ${shown}`, help: `${key}, for optimizers that use it` }];
      }),
    ),
  },
  notes: [
    `optimizers:\n${wrapList(OPTIMIZER_NAMES)}`,
    'An optimizer setting the chosen optimizer does not use, or a value out of range, is refused (exit code 2).\n' +
      'CIFAR-10 comes from the shards of `npm run data -- --cifar10 PATH` or $CIFAR10_PATH (a folder of shards or the archive).',
  ],
  examples: [
    'npm run train -- --dataset mnist --model logreg --optimizer SGD-HD --alpha0 1e-3 --beta 1e-3 --epochs 20 --out results/',
  ],
};

const nonNegative = (v: number) => (v >= 0 ? null : 'must be ≥ 0');


function bool(flag: string, text: string): boolean {
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw new UsageError(`--${flag}: "${text}" is not true or false`);
}

export interface TrainArgs {
  config: TrainConfig;
  threshold: number | null;
  backend: NodeBackendName;
  /** wasm threads (1: single-threaded). */
  threads: number;
  out: string;
  normalize: boolean;
  summaryJson: string | null;
  quiet: boolean;
}

export function parseTrainArgs(argv: string[]): TrainArgs | 'help' {
  const parsed = parseCommandLine(TRAIN, argv);
  if (parsed === 'help') return 'help';
  const values = parsed.values;
  const s = (k: string) => values[k] as string | undefined;
  const dataset = s('dataset');
  if (!isDatasetName(dataset)) throw new UsageError(`--dataset: "${dataset}" is not available (${DATASET_NAMES.join(', ')})`);
  const model = s('model') as ModelName;
  if (!MODELS.some((m) => m.name === model)) throw new UsageError(`--model: unknown model "${model}" (${MODELS.map((m) => m.name).join(', ')})`);
  const widthText = s('width');
  if (widthText !== undefined && !modelInfo(model).usesWidth) throw new UsageError(`--width: ${model} has no width multiplier (only ${WIDTH_MODELS})`);
  const width = widthText === undefined ? 1 : parseWidth(widthText);
  const optimizer = s('optimizer');
  if (!optimizer) throw new UsageError(`--optimizer is required (${OPTIMIZER_NAMES.join(', ')})`);
  if (!OPTIMIZER_NAMES.includes(optimizer)) throw new UsageError(`--optimizer: unknown optimizer "${optimizer}" (${OPTIMIZER_NAMES.join(', ')})`);
  const info = optimizerInfo(optimizer);
  const backend = s('backend');
  if (!isNodeBackendName(backend)) throw new UsageError(`--backend: "${backend}" is not ${NODE_BACKENDS.join(', ')}`);
  const threads = num('threads', s('threads')!, positiveInt);
  if (threads > 1 && backend !== 'wasm') throw new UsageError(`--threads: only the wasm backend has threads (got --backend ${backend})`);

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
    } else if (key === 'stack') {
      // The page's notation, e.g. "Adam / SGD(1e-5)"; kept in canonical form for labels and file names.
      try {
        v = formatStack(parseStack(text));
      } catch (e) {
        throw new UsageError(`--${flag}: ${(e as Error).message}`);
      }
    } else if (key === 'controller') {
      // A shipped id or a controller.json from `npm run controller -- train`: read and checked in main().
      v = text;
    } else if (typeof d === 'boolean') v = bool(flag, text);
    // `none`: what an empty field means on the page (off, or the optimizer's own rule such as L-BFGS's ⌊max_iter·5/4⌋).
    else if (EMPTY_ALLOWED.has(key as OptionKey) && text === 'none') v = null;
    else v = num(flag, text, optionRule(key as OptionKey, info)); // the page form's ranges
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
  const alpha0 = s('alpha0') !== undefined ? num('alpha0', s('alpha0')!, nonNegative) : (info.defaults.alpha0 ?? 1e-3);
  const weightDecay = num('weight-decay', s('weight-decay')!, nonNegative);
  if (optimizer === 'ESGD-M') {
    // The original constructor's checks, on the values the run would use.
    const problem = esgdConfigError({ ...HYPER_DEFAULTS, ...info.defaults, ...options, alpha0, weightDecay });
    if (problem) throw new UsageError(`ESGD-M: ${problem}`);
  }
  const iterations = s('iterations') !== undefined ? num('iterations', s('iterations')!, positiveInt) : null;
  const config: TrainConfig = {
    dataset,
    model,
    optimizer,
    // Default: torch's α₀ for the optimizer where it has one (Adagrad 1e-2, Adadelta 1, …), else the reference's 1e-3.
    alpha0,
    // β defaults to the reference's value for the optimizer's family: 1e-3 SGD-type, 1e-7 Adam-type.
    beta: s('beta') !== undefined ? num('beta', s('beta')!, nonNegative) : info.family === 'adam' ? 1e-7 : 1e-3,
    momentum,
    weightDecay,
    batchSize: num('batch-size', s('batch-size')!, positiveInt),
    epochs: num('epochs', s('epochs')!, positiveInt),
    iterations,
    seed: num('seed', s('seed')!, nonNegativeInt),
    evalEvery: s('eval-every') !== undefined ? num('eval-every', s('eval-every')!, positiveInt) : null,
    ...(Object.keys(options).length > 0 ? { options } : {}),
    ...(modelInfo(model).usesWidth ? { width } : {}),
  };
  return {
    config,
    threshold: s('threshold') !== undefined ? num('threshold', s('threshold')!) : null,
    backend,
    threads,
    out: s('out')!,
    normalize: !values['no-normalize'],
    summaryJson: s('summary-json') ?? null,
    quiet: values.quiet === true,
  };
}

async function main(argv: string[]): Promise<number> {
  let args: TrainArgs | 'help';
  try {
    args = parseTrainArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${usageErrorLine(TRAIN, e.message)}\n`);
      return 2;
    }
    throw e;
  }
  if (args === 'help') {
    process.stdout.write(usageText(TRAIN));
    return 0;
  }
  const [{ useNodeBackend, describeNodeWebgpu }, { runExperiment, writeAtomic }, { loadNodeDataset }, { ProgressBar }] =
    await Promise.all([import('../engine/nodeBackends'), import('./experiment'), import('./nodeData'), import('./progressBar')]);
  // tfjs prints a hint about tfjs-node on the console: keep stdout for results.
  console.log = (...a: unknown[]) => process.stderr.write(`${a.join(' ')}\n`);
  await useNodeBackend(args.backend, { threads: args.threads });
  if (args.threads > 1) {
    const { wasmThreadsInUse } = await import('../engine/backend');
    process.stderr.write(`train: wasm on ${wasmThreadsInUse()} threads\n`);
  }
  if (args.backend === 'webgpu') process.stderr.write(`train: webgpu on ${await describeNodeWebgpu()}\n`);
  let data;
  try {
    const name = args.config.dataset;
    data = await loadNodeDataset(name);
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
  let lrControl;
  if (optimizerInfo(args.config.optimizer).group === 'learned') {
    // The learned schedule trains on the training set less the held-out validation images its controller reads.
    const { readController } = await import('./controllerFiles');
    const { learnedRun } = await import('../engine/learnedRun');
    try {
      const ref = readController(args.config.options?.controller ?? HYPER_DEFAULTS.controller);
      ({ data, lrControl } = learnedRun(data, ref.ctrl, args.config.seed)); // refuses a controller with other inputs
      args.config.options = { ...args.config.options, controller: ref.ref };
    } catch (e) {
      process.stderr.write(`train: --controller: ${(e as Error).message}\n`);
      return 2;
    }
  }
  const c = args.config;
  const bar = args.quiet ? null : new ProgressBar(`${c.optimizer} ${c.model} α₀=${c.alpha0} β=${c.beta} seed ${c.seed}`);
  const { summary, files } = await runExperiment(c, data, {
    backend: args.backend,
    outDir: args.out,
    threshold: args.threshold,
    onProgress: (p) => bar?.update(p.iteration, p.total, p.loss, p.lr),
    lrControl,
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
