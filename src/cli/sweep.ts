// npm run sweep -- PRESET --out DIR [--seeds N] [--jobs J] [--backend wasm|cpu] [--dry-run] [--scale F]
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
import { runSweep, trainCommand, type SweepIo, type SweepOptions } from './sweepRuns';

export type { SweepOptions } from './sweepRuns';

export const SWEEP: Command = {
  name: 'sweep',
  summary:
    'Runs every run of a preset × seeds 1..N, each as its own `npm run train` process, at most --jobs at a time,\n' +
    'and collects the summaries into DIR/summary.json and DIR/summary.md. Resumable: runs with a summary are skipped.\n' +
    'Exit codes: 0 every run has a summary, 1 some run failed, 2 bad arguments, 130/143 interrupted.',
  synopsis: 'PRESET --out DIR [options]',
  positionals: [{ name: 'PRESET', help: 'the preset to run (the list below)' }],
  flags: {
    out: { type: 'string', arg: 'DIR', defaultText: 'none, required', help: 'folder for the runs, CSVs and summaries' },
    seeds: { type: 'string', arg: 'N', default: '1', help: 'run each configuration with seeds 1..N' },
    jobs: { type: 'string', arg: 'J', defaultText: `the number of cores, here ${os.availableParallelism()}`, help: 'train processes at once' },
    backend: { type: 'string', arg: 'NAME', defaultText: "train's own (wasm)", help: 'tfjs backend for every run: wasm | cpu' },
    'dry-run': { type: 'boolean', help: 'list each run (done/todo) with its train command; run nothing' },
    scale: { type: 'string', arg: 'F', default: '1', help: 'multiply every budget by F (0.01 for a quick look)' },
  },
  notes: [`presets:\n${presetList()}`, 'HG_TRAIN_CMD (a JSON array of strings, or words) replaces the train command.'],
  examples: ['npm run sweep -- reference-logreg --out sweeps/reference-logreg --seeds 3 --jobs 2'],
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

/** Parses the command line; throws UsageError (one line, or the preset list). 'help' for --help or -h. */
export function parseSweepArgs(argv: string[]): SweepOptions | 'help' {
  const parsed = parseCommandLine(SWEEP, argv);
  if (parsed === 'help') return 'help';
  const { positionals } = parsed;
  const flag = (name: string) => str(parsed, name);
  if (positionals.length === 0) throw new SweepUsageError(`no preset given; presets:\n${presetList()}`);
  if (positionals.length > 1) throw new SweepUsageError(`one preset at a time, got ${positionals.join(', ')}`);
  const name = positionals[0];
  const preset = findPreset(name);
  if (!preset) throw new SweepUsageError(`unknown preset "${name}"; presets:\n${presetList()}`);
  // Refuse before any run starts rather than failing every run on the missing data.
  const missing = preset.runs.some((r) => r.dataset === 'cifar10') ? cifar10Missing() : null;
  if (missing) throw new SweepUsageError(`preset ${preset.name}: ${missing}`);
  const out = flag('out');
  if (!out) throw new SweepUsageError('--out DIR is required');
  const scaleText = flag('scale')!;
  const scale = Number(scaleText);
  if (scaleText.trim() === '' || !Number.isFinite(scale) || scale <= 0) throw new SweepUsageError(`--scale: "${scaleText}" is not a positive number`);
  const backend = flag('backend') ?? null;
  if (backend !== null && backend !== 'wasm' && backend !== 'cpu') throw new SweepUsageError(`--backend: "${backend}" is not wasm or cpu`);
  const jobs = flag('jobs');
  return {
    preset,
    out: path.resolve(out),
    seeds: positiveInt('seeds', flag('seeds')!),
    jobs: jobs !== undefined ? positiveInt('jobs', jobs) : os.availableParallelism(),
    backend,
    dryRun: parsed.values['dry-run'] === true,
    scale,
  };
}

/** Why CIFAR-10 cannot be loaded here ($CIFAR10_PATH, else the prepared shards), or null. */
function cifar10Missing(): string | null {
  const p = process.env.CIFAR10_PATH || path.join(CIFAR10_SHARDS_DIR, 'manifest.json');
  return existsSync(p) ? null : `CIFAR-10 not found at ${p}. To get it: ${datasetInfo('cifar10').howToGet}`;
}

export async function main(argv: string[], io: SweepIo): Promise<number> {
  let o: SweepOptions | 'help';
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
  return runSweep(o, io, cmd);
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
