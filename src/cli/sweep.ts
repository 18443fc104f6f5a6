// npm run sweep -- PRESET --out DIR [--seeds N] [--jobs J] [--backend wasm|cpu|webgpu] [--dry-run] [--scale F]
// npm run sweep -- PRESET --out DIR --slurm [--partition P] [--time T] [--cpus-per-task C] [--gpus G] [--max-parallel N] [--slurm-dry-run]
// npm run sweep -- PRESET --out DIR --collect [--resubmit-failed]     (also: PRESET --collect DIR)
//
// Runs every run of a preset (src/cli/presets.ts) × seeds 1..N as separate train processes
// (src/cli/train.ts), at most J at a time (default: the number of cores), and collects their summaries
// into DIR/summary.json and DIR/summary.md (src/cli/summary.ts).
//
// Files: DIR/runs/{run id}.json holds one finished run's summary (train's summary JSON plus the preset,
// the run id and its settings). Train writes to DIR/runs/{run id}.json.part-{pid}-{n}, which the sweep
// renames only after train exited 0 with a valid summary: a run killed half-way leaves no summary and is
// redone, a run with a summary is skipped (resumable). CSVs go to DIR/seed{N}/{model}/{α0}_{β}/ (the
// reference layout has no seed in it, so each seed gets its own tree).
//
// Progress and failures (each with its stderr tail) go to stderr; --dry-run prints each run's status and
// train command on stdout and runs nothing. Exit codes: 0 every run has a summary; 1 some run failed;
// 2 bad arguments, unknown preset or a preset that cannot run yet; 130/143 interrupted.
//
// The train command is `node --import tsx src/cli/train.ts`; the environment variable HG_TRAIN_CMD
// replaces it (a JSON array of strings, or words separated by spaces) — for the tests' stub.
//
// --slurm writes the runs without a summary as ONE `sbatch --array` script (DIR/slurm/sweep-k.sbatch, task
// K → the same train command line the local sweep runs) and submits it; --collect merges what the array
// tasks wrote into summary.json / summary.md like a local sweep and names the runs that failed or are
// missing (src/cli/slurm.ts, slurmIo.ts, slurmTask.ts).
//
// This file is the command line (flags, --help, checks); running the runs is src/cli/sweepRuns.ts, the
// summary files src/cli/sweepSummary.ts.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { datasetInfo } from '../data/datasets';
import { parseCommandLine, str, usageErrorLine, usageText, UsageError, type Command } from './args';
import { CIFAR10_SHARDS_DIR } from './cifarNode';
import { findPreset, PRESETS } from '../experiments/presets';
import { runSweep, shellQuote, trainCommand, type SweepIo, type SweepOptions } from './sweepRuns';
import { NODE_BACKENDS, isNodeBackendName } from '../engine/nodeBackendNames';
import { inheritSlurm, slurmGpusProblem, slurmPathProblem, slurmTimeProblem, type SlurmOptions } from './slurm';

export type { SweepOptions } from './sweepRuns';

export const SWEEP: Command = {
  name: 'sweep',
  summary:
    'Runs every run of a preset × seeds 1..N, each as its own `npm run train` process, at most --jobs at a time,\n' +
    'and collects the summaries into DIR/summary.json and DIR/summary.md. Resumable: runs with a summary are skipped.\n' +
    'With --slurm the runs without a summary go to a Slurm cluster as one `sbatch --array` job instead;\n' +
    '--collect then merges what its tasks wrote into the same summaries and names the runs that failed or are missing.\n' +
    'Exit codes: 0 every run has a summary (--slurm: submitted), 1 some run failed or is missing (--slurm: sbatch failed),\n' +
    '2 bad arguments, 130/143 interrupted.',
  synopsis: 'PRESET --out DIR [options]   |   PRESET --out DIR --slurm [slurm options]   |   PRESET --collect DIR',
  positionals: [{ name: 'PRESET', help: 'the preset to run (the list below)' }],
  flags: {
    out: { type: 'string', arg: 'DIR', defaultText: 'none, required', help: 'folder for the runs, CSVs and summaries' },
    seeds: { type: 'string', arg: 'N', default: '1', help: 'run each configuration with seeds 1..N' },
    jobs: { type: 'string', arg: 'J', defaultText: `the number of cores, here ${os.availableParallelism()}`, help: 'train processes at once' },
    backend: { type: 'string', arg: 'NAME', defaultText: "train's own (wasm)", help: `tfjs backend for every run: ${NODE_BACKENDS.join(' | ')}` },
    'dry-run': { type: 'boolean', help: 'list each run (done/todo) with its train command; run nothing' },
    scale: { type: 'string', arg: 'F', default: '1', help: 'multiply every budget by F (0.01 for a quick look)' },
    slurm: { type: 'boolean', help: 'submit the runs without a summary to Slurm as one sbatch --array job (DIR/slurm/)' },
    partition: { type: 'string', arg: 'P', defaultText: "the cluster's default", help: '--slurm: the partition (#SBATCH --partition)' },
    time: { type: 'string', arg: 'T', defaultText: "the partition's", help: '--slurm: time limit per run, e.g. 30 or 2:00:00 (#SBATCH --time)' },
    'cpus-per-task': { type: 'string', arg: 'C', defaultText: "Slurm's, 1", help: '--slurm: CPUs per run (#SBATCH --cpus-per-task)' },
    gpus: { type: 'string', arg: 'G', defaultText: 'none', help: '--slurm: GPUs per run, N or TYPE:N (#SBATCH --gpus); pair with --backend webgpu' },
    'max-parallel': { type: 'string', arg: 'N', defaultText: 'no limit', help: '--slurm: at most N runs at once (--array=0-K%N)' },
    'slurm-dry-run': { type: 'boolean', help: 'print the sbatch script and its tasks (with --slurm implied); write and submit nothing' },
    collect: { type: 'boolean', help: 'merge DIR/runs/*.json into summary.json/.md; name runs that failed or are missing (exit 1 if any)' },
    'resubmit-failed': { type: 'boolean', help: '--collect, then submit one new array of the runs without a summary that are not queued' },
  },
  notes: [
    `presets:\n${presetList()}`,
    'HG_TRAIN_CMD (a JSON array of strings, or words) replaces the train command.',
    'Slurm: the cluster must share this folder and the repository; each array task cds to the repository and runs\n' +
      'the train command line the local sweep would run (DIR/slurm/sweep-K.tasks.jsonl). --collect and --resubmit-failed\n' +
      'take --seeds, --scale and --backend from the last submission unless given, --resubmit-failed its Slurm options too.\n' +
      'SLURM_CONF and the rest of the environment reach sbatch and squeue (and, through sbatch, the tasks) as they are;\n' +
      'scripts/slurm/local-cluster.sh start runs a one-node cluster on this machine.',
  ],
  examples: [
    'npm run sweep -- reference-logreg --out sweeps/reference-logreg --seeds 3 --jobs 2',
    'npm run sweep -- reference-vgg --out sweeps/vgg --slurm --partition gpu --gpus 1 --backend webgpu --time 3-00:00:00 --max-parallel 4',
    'npm run sweep -- reference-vgg --collect sweeps/vgg',
  ],
};

/** The old one-line synopsis, kept for scripts that print it. */
export const USAGE = `usage: npm run sweep -- ${SWEEP.synopsis}`;

export class SweepUsageError extends UsageError {}

function presetList(): string {
  return PRESETS.map((p) => `  ${p.name.padEnd(17)} ${p.description}`).join('\n');
}

function positiveInt(flag: string, text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isInteger(v) || v < 1) throw new SweepUsageError(`--${flag}: "${text}" is not a whole number ≥ 1`);
  return v;
}

export type SweepMode = 'local' | 'slurm' | 'collect' | 'resubmit';

/** A parsed command line: the sweep, what to do with it, and the Slurm settings (--slurm, --resubmit-failed). */
export interface SweepCommandLine extends SweepOptions {
  mode: SweepMode;
  slurm: SlurmOptions;
  slurmDryRun: boolean;
  /** --seeds, --scale, --backend given on the command line (--collect takes the others from the last submission). */
  given: { seeds: boolean; scale: boolean; backend: boolean };
}

const SLURM_ONLY = ['partition', 'time', 'cpus-per-task', 'gpus', 'max-parallel'] as const;

/** Parses the command line; throws UsageError (one line, or the preset list). 'help' for --help or -h. */
export function parseSweepArgs(argv: string[]): SweepCommandLine | 'help' {
  const parsed = parseCommandLine(SWEEP, argv);
  if (parsed === 'help') return 'help';
  const positionals = [...parsed.positionals];
  const flag = (name: string) => str(parsed, name);
  const on = (name: string) => parsed.values[name] === true;
  const slurmDryRun = on('slurm-dry-run');
  const collect = on('collect') || on('resubmit-failed');
  const slurm = on('slurm') || slurmDryRun;
  if (collect && slurm) throw new SweepUsageError(`--${on('collect') ? 'collect' : 'resubmit-failed'} and --${on('slurm') ? 'slurm' : 'slurm-dry-run'} do not go together (collect after the array has run)`);
  // `sweep -- PRESET --collect DIR`: the folder as the second argument.
  let out = flag('out');
  if (collect && out === undefined && positionals.length === 2) {
    const i = findPreset(positionals[0]) ? 1 : findPreset(positionals[1]) ? 0 : 1;
    out = positionals.splice(i, 1)[0];
  }
  if (positionals.length === 0) throw new SweepUsageError(`no preset given; presets:\n${presetList()}`);
  if (positionals.length > 1) throw new SweepUsageError(`one preset at a time, got ${positionals.join(', ')}`);
  const name = positionals[0];
  const preset = findPreset(name);
  if (!preset) throw new SweepUsageError(`unknown preset "${name}"; presets:\n${presetList()}`);
  if (!out) throw new SweepUsageError(collect ? '--collect needs the sweep folder: --out DIR --collect, or --collect DIR' : '--out DIR is required');
  // Refuse before any run starts rather than failing every run on the missing data (a cluster shares it).
  const missing = !collect && preset.runs.some((r) => r.dataset === 'cifar10') ? cifar10Missing() : null;
  if (missing) throw new SweepUsageError(`preset ${preset.name}: ${missing}`);
  const scaleText = flag('scale')!;
  const scale = Number(scaleText);
  if (scaleText.trim() === '' || !Number.isFinite(scale) || scale <= 0) throw new SweepUsageError(`--scale: "${scaleText}" is not a positive number`);
  const backend = flag('backend') ?? null;
  if (backend !== null && !isNodeBackendName(backend)) throw new SweepUsageError(`--backend: "${backend}" is not ${NODE_BACKENDS.join(', ')}`);
  const jobs = flag('jobs');
  const usesSlurm = slurm || on('resubmit-failed');
  for (const f of SLURM_ONLY) {
    if (flag(f) !== undefined && !usesSlurm) throw new SweepUsageError(`--${f} is a Slurm option: add --slurm (or --slurm-dry-run, --resubmit-failed)`);
  }
  if (jobs !== undefined && (slurm || collect)) throw new SweepUsageError(`--jobs is for a local sweep; on Slurm use --max-parallel N`);
  if (on('dry-run') && (slurm || collect)) throw new SweepUsageError(`--dry-run is for a local sweep; use --slurm-dry-run to see the sbatch script`);
  const time = flag('time') ?? null;
  const timeProblem = time !== null ? slurmTimeProblem(time) : null;
  if (timeProblem) throw new SweepUsageError(`--time: ${timeProblem}`);
  const gpus = flag('gpus') ?? null;
  const gpusProblem = gpus !== null ? slurmGpusProblem(gpus) : null;
  if (gpusProblem) throw new SweepUsageError(`--gpus: ${gpusProblem}`);
  const partition = flag('partition') ?? null;
  if (partition !== null && !/^[\w.,-]+$/.test(partition)) throw new SweepUsageError(`--partition: "${partition}" is not a partition name`);
  const cpus = flag('cpus-per-task');
  const maxParallel = flag('max-parallel');
  const outPath = path.resolve(out);
  if (usesSlurm) {
    const p = slurmPathProblem(outPath);
    if (p) throw new SweepUsageError(`--out: ${p}`);
  }
  const has = (f: string) => argv.some((a) => a === `--${f}` || a.startsWith(`--${f}=`));
  return {
    preset,
    out: outPath,
    seeds: positiveInt('seeds', flag('seeds')!),
    jobs: jobs !== undefined ? positiveInt('jobs', jobs) : os.availableParallelism(),
    backend,
    dryRun: on('dry-run'),
    scale,
    mode: on('resubmit-failed') ? 'resubmit' : collect ? 'collect' : slurm ? 'slurm' : 'local',
    slurm: {
      partition,
      time,
      cpusPerTask: cpus !== undefined ? positiveInt('cpus-per-task', cpus) : null,
      gpus,
      maxParallel: maxParallel !== undefined ? positiveInt('max-parallel', maxParallel) : null,
    },
    slurmDryRun,
    given: { seeds: has('seeds'), scale: has('scale'), backend: has('backend') },
  };
}

/** Why CIFAR-10 cannot be loaded here ($CIFAR10_PATH, else the prepared shards), or null. */
function cifar10Missing(): string | null {
  const p = process.env.CIFAR10_PATH || path.join(CIFAR10_SHARDS_DIR, 'manifest.json');
  return existsSync(p) ? null : `CIFAR-10 not found at ${p}. To get it: ${datasetInfo('cifar10').howToGet}`;
}

export async function main(argv: string[], io: SweepIo): Promise<number> {
  let o: SweepCommandLine | 'help';
  try {
    o = parseSweepArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(usageErrorLine(SWEEP, e.message));
      return 2;
    }
    throw e;
  }
  if (o === 'help') {
    io.out(usageText(SWEEP));
    return 0;
  }
  let cmd: string[];
  try {
    cmd = trainCommand();
  } catch (e) {
    io.err(`sweep: ${(e as Error).message}`);
    return 2;
  }
  if (o.mode === 'local') return runSweep(o, io, cmd);
  // The Slurm side (and its imports) only when asked for.
  const { collectSweep, readSubmissions, submitSweep } = await import('./slurmIo');
  if (o.mode === 'collect' || o.mode === 'resubmit') {
    // The plan of the last submission unless the command line says otherwise.
    const last = readSubmissions(o.out).at(-1);
    if (last && last.sweep.preset === o.preset.name) {
      if (!o.given.seeds) o.seeds = last.sweep.seeds;
      if (!o.given.scale) o.scale = last.sweep.scale;
      if (!o.given.backend) o.backend = last.sweep.backend;
      if (o.mode === 'resubmit') o.slurm = inheritSlurm(o.slurm, last.slurm);
    }
  }
  const run = { options: o, slurm: o.slurm, dryRun: o.slurmDryRun, commandLine: `npm run sweep -- ${shellQuote(argv)}` };
  if (o.mode === 'slurm') return submitSweep(run, cmd, io);
  return collectSweep(run, cmd, io, o.mode === 'resubmit');
}

const isEntry = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntry) {
  main(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (l) => process.stderr.write(`${l}\n`) }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`sweep: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
