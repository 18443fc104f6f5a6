// npm run controller -- train --dataset D --model M --action discrete|continuous --timesteps N --envs K --out DIR [--resume]
// npm run controller -- eval --controller FILE --dataset D --model M --seeds N --out DIR
//
// A learned learning-rate schedule (Xu, Dai, Kemp, Metz 2019; nicklashansen/adaptive-learning-rate-schedule):
// `train` trains a PPO controller on child networks (src/cli/controllerTrain.ts), `eval` compares it with
// the reference's baselines (src/cli/controllerEval.ts). This file is the command line: flags, --help, checks.
import path from 'node:path';
import { DATASET_NAMES, datasetInfo, isDatasetName } from '../data/datasets';
import { MODELS, modelFits, modelInfo } from '../models/catalog';
import type { ModelName } from '../engine/types';
import { NODE_BACKENDS, isNodeBackendName, type NodeBackendName } from '../engine/nodeBackendNames';
import type { Controller } from '../rl/controllerFile';
import { readController } from './controllerFiles';
import { ACTION_FACTOR, EPISODE_STEPS, UPDATE_FREQ } from '../rl/lrActions';
import { SHIPPED_CONTROLLERS } from '../rl/shippedControllers';
import { parseCommandLine, str, usageText, UsageError, type Command, type Flag } from './args';
import { nonNegativeInt, num, parseWidth, positiveInt } from './flagValues';
import type { EpisodeSettings } from './controllerEpisode';

const EPISODE_FLAGS: Record<string, Flag> = {
  dataset: { type: 'string', arg: 'NAME', default: 'mnist', help: DATASET_NAMES.join(' | ') },
  model: { type: 'string', arg: 'NAME', default: 'mlp3', help: `the child network: ${MODELS.map((m) => m.name).join(' | ')}` },
  width: { type: 'string', arg: 'W', defaultText: '1', help: 'width multiplier of vgg16bn / resnet18: 1, 1/2, 1/4, 1/8' },
  'batch-size': { type: 'string', arg: 'N', default: '1000', help: "the child's minibatch size (the reference's)" },
  'episode-steps': { type: 'string', arg: 'N', default: String(EPISODE_STEPS), help: 'training steps after the first observation (the reference: 1000, one action every 10)' },
  backend: { type: 'string', arg: 'NAME', default: 'wasm', help: NODE_BACKENDS.join(' | ') },
  out: { type: 'string', arg: 'DIR', defaultText: 'none, required', help: 'folder for the results' },
  quiet: { type: 'boolean', help: 'no progress lines' },
};

export const CONTROLLER_TRAIN: Command = {
  name: 'controller',
  summary:
    'Trains a PPO controller that rescales Adam\'s learning rate every 10 steps, on child networks trained in\n' +
    'K parallel processes (the reference\'s environment and PPO settings). Writes OUT/controller.json (what the\n' +
    'page loads), OUT/checkpoint.json (resumable), OUT/train-log.csv and OUT/episodes.csv after every update.\n' +
    'Exit codes: 0 done, 1 failed, 2 bad arguments, 130 interrupted (the last update\'s checkpoint is kept).',
  synopsis: 'train --out DIR [options]',
  flags: {
    ...EPISODE_FLAGS,
    action: { type: 'string', arg: 'KIND', default: 'discrete', help: 'discrete (×f, ÷f, keep) | continuous (a factor in [1/f, f])' },
    factor: { type: 'string', arg: 'F', default: String(ACTION_FACTOR), help: 'f, the largest change of α per action (the reference: 1.06)' },
    timesteps: { type: 'string', arg: 'N', default: '50000', help: "controller timesteps (actions) in all (the reference's 50k = 500 episodes)" },
    envs: { type: 'string', arg: 'K', default: '4', help: 'environments, each its own process' },
    'n-steps': { type: 'string', arg: 'N', default: '100', help: 'PPO rollout length per environment (the reference: 100 = one episode)' },
    minibatches: { type: 'string', arg: 'N', default: '4', help: 'PPO minibatches per epoch (must divide envs × n-steps)' },
    'ppo-lr': { type: 'string', arg: 'X', default: '1e-2', help: "PPO's learning rate (utils.py's default; the reference README's command uses 1e-3)" },
    'clip-range': { type: 'string', arg: 'X', default: '10', help: "PPO's clip range of policy and value (utils.py's default 10 = no clipping; PPO's usual 0.2)" },
    seed: { type: 'string', arg: 'N', default: '1', help: 'seed of the controller and the environments' },
    resume: { type: 'boolean', help: 'continue from OUT/checkpoint.json' },
  },
  examples: [
    'npm run controller -- train --dataset mnist --model mlp3 --action discrete --timesteps 50000 --envs 4 --out controllers/mnist-mlp3',
    'npm run controller -- train --out controllers/mnist-mlp3 --resume',
  ],
};

export const CONTROLLER_EVAL: Command = {
  name: 'controller',
  summary:
    'Trains child networks with a controller and with the reference\'s baselines (constant rate; step decay with\n' +
    'warm-up), the baselines tuned on seed 1 over α₀ ∈ {1e-2, 1e-3, 1e-4} (and γ), then every method on seeds 1..N.\n' +
    'Writes OUT/summary.json and OUT/summary.md (final and best validation loss, test loss and accuracy, mean ± std)\n' +
    'and OUT/runs/METHOD-seedK.json (every decision). Exit codes: 0 done, 1 failed, 2 bad arguments.',
  synopsis: 'eval --controller FILE --out DIR [options]',
  flags: {
    controller: { type: 'string', arg: 'FILE', defaultText: 'none, required', help: `a controller.json from train, or a shipped id (${SHIPPED_CONTROLLERS.map((c) => c.id).join(', ')})` },
    ...EPISODE_FLAGS,
    seeds: { type: 'string', arg: 'N', default: '3', help: 'seeds 1..N per method' },
    'initial-lr': { type: 'string', arg: 'X', default: '1e-3', help: "the controller's α₀ (the reference tests from 1e-3)" },
  },
  examples: ['npm run controller -- eval --controller public/controllers/mnist-mlp3-discrete.json --dataset mnist --model mlp3 --seeds 3 --out results/eval-mnist-mlp3'],
};


function episodeSettings(values: Record<string, string | boolean | undefined>): { settings: EpisodeSettings; backend: NodeBackendName; out: string } {
  const s = (k: string) => values[k] as string | undefined;
  const dataset = s('dataset');
  if (!isDatasetName(dataset)) throw new UsageError(`--dataset: "${dataset}" is not available (${DATASET_NAMES.join(', ')})`);
  const model = s('model') as ModelName;
  if (!MODELS.some((m) => m.name === model)) throw new UsageError(`--model: unknown model "${model}" (${MODELS.map((m) => m.name).join(', ')})`);
  let width = 1;
  if (s('width') !== undefined) {
    if (!modelInfo(model).usesWidth) throw new UsageError(`--width: ${model} has no width multiplier`);
    width = parseWidth(s('width')!);
  }
  const steps = num('episode-steps', s('episode-steps')!, (v) => (Number.isInteger(v) && v >= 10 && v % 10 === 0 ? null : 'must be a multiple of 10, ≥ 10'));
  const backend = s('backend');
  if (!isNodeBackendName(backend)) throw new UsageError(`--backend: "${backend}" is not ${NODE_BACKENDS.join(', ')}`);
  const out = s('out');
  if (!out) throw new UsageError('--out DIR is required');
  return { settings: { dataset, model, width, batchSize: num('batch-size', s('batch-size')!, positiveInt), steps }, backend, out };
}

/** A controller file, or the shipped controller of that id (a usage error when neither). */
function readControllerArg(arg: string): { ctrl: Controller; path: string } {
  try {
    return readController(arg);
  } catch (e) {
    throw new UsageError(`--controller: ${(e as Error).message}`);
  }
}

async function main(argv: string[]): Promise<number> {
  const sub = argv[0];
  const cmd = sub === 'train' ? CONTROLLER_TRAIN : sub === 'eval' ? CONTROLLER_EVAL : null;
  if (!cmd) {
    if (sub === '--help' || sub === '-h' || sub === undefined) {
      process.stdout.write(`usage: npm run controller -- train|eval [options]; npm run controller -- train --help, npm run controller -- eval --help\n`);
      return sub === undefined ? 2 : 0;
    }
    process.stderr.write(`controller: unknown subcommand "${sub}" (train, eval); see npm run controller -- --help\n`);
    return 2;
  }
  let run: () => Promise<number>;
  try {
    const parsed = parseCommandLine(cmd, argv.slice(1));
    if (parsed === 'help') {
      process.stdout.write(usageText(cmd));
      return 0;
    }
    const { settings, backend, out } = episodeSettings(parsed.values);
    const s = (k: string) => str(parsed, k);
    if (sub === 'train') {
      const action = s('action');
      if (action !== 'discrete' && action !== 'continuous') throw new UsageError(`--action: "${action}" is not discrete or continuous`);
      const opts = {
        settings,
        action: action as 'discrete' | 'continuous',
        factor: num('factor', s('factor')!, (v) => (v > 1 ? null : 'must be > 1')),
        timesteps: num('timesteps', s('timesteps')!, positiveInt),
        envs: num('envs', s('envs')!, (v) => (Number.isInteger(v) && v >= 1 && v <= 32 ? null : 'must be a whole number from 1 to 32')),
        nSteps: num('n-steps', s('n-steps')!, positiveInt),
        minibatches: num('minibatches', s('minibatches')!, positiveInt),
        ppoLr: num('ppo-lr', s('ppo-lr')!, (v) => (v > 0 ? null : 'must be > 0')),
        clipRange: num('clip-range', s('clip-range')!, (v) => (v > 0 ? null : 'must be > 0')),
        seed: num('seed', s('seed')!, nonNegativeInt),
        out,
        backend,
        resume: parsed.values.resume === true,
        command: `npm run controller -- ${argv.join(' ')}`,
        quiet: parsed.values.quiet === true,
      };
      if ((opts.envs * opts.nSteps) % opts.minibatches !== 0) throw new UsageError(`--minibatches: ${opts.minibatches} does not divide envs × n-steps = ${opts.envs * opts.nSteps}`);
      run = async () => (await import('./controllerTrain')).controllerTrain(opts);
    } else {
      const c = s('controller');
      if (!c) throw new UsageError('--controller FILE is required');
      const { ctrl, path: file } = readControllerArg(c);
      if (ctrl.updateFreq !== UPDATE_FREQ) throw new UsageError(`--controller: it acts every ${ctrl.updateFreq} steps; the environment acts every ${UPDATE_FREQ}`);
      const opts = {
        controller: ctrl,
        controllerPath: file,
        settings,
        seeds: num('seeds', s('seeds')!, positiveInt),
        out,
        backend,
        initialLr: num('initial-lr', s('initial-lr')!, (v) => (v >= 1e-5 && v <= 0.1 ? null : 'must be in [1e-5, 0.1]')),
        quiet: parsed.values.quiet === true,
      };
      run = async () => {
        const { useNodeBackend } = await import('../engine/nodeBackends');
        console.log = (...a: unknown[]) => process.stderr.write(`${a.join(' ')}\n`);
        await useNodeBackend(backend);
        await (await import('./controllerEval')).controllerEval(opts);
        process.stdout.write(`${path.join(out, 'summary.md')}\n`);
        return 0;
      };
    }
    // The model must fit the data before K processes start.
    const misfit = modelFits(settings.model, datasetInfo(settings.dataset).imageShape);
    if (misfit) throw new UsageError(`--model: ${misfit}`);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`controller ${sub}: ${e.message}; see npm run controller -- ${sub} --help\n`);
      return 2;
    }
    throw e;
  }
  return run();
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`controller: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
