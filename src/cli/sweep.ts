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
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { datasetInfo } from '../data/datasets';
import { CIFAR10_SHARDS_DIR } from './cifarNode';
import { expandPreset, findPreset, PRESETS, REFERENCE_DEFAULT_BETA, runId, trainArgs, type Preset, type RunConfig } from '../experiments/presets';
import { formatInteger, formatRate, summaryMarkdown, toSummaryRow, type SummaryRow } from './summary';

export const USAGE = 'usage: npm run sweep -- PRESET --out DIR [--seeds N] [--jobs J] [--backend wasm|cpu] [--dry-run] [--scale F]';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export class SweepUsageError extends Error {}

export interface SweepOptions {
  preset: Preset;
  out: string;
  seeds: number;
  jobs: number;
  backend: 'wasm' | 'cpu' | null;
  dryRun: boolean;
  scale: number;
}

function presetList(): string {
  return PRESETS.map((p) => `  ${p.name.padEnd(17)} ${p.description}`).join('\n');
}

function positiveInt(flag: string, text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isInteger(v) || v < 1) throw new SweepUsageError(`--${flag}: "${text}" is not a whole number ≥ 1`);
  return v;
}

/** Parses the command line; throws SweepUsageError with a one-paragraph message. 'help' for --help. */
export function parseSweepArgs(argv: string[]): SweepOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        out: { type: 'string' },
        seeds: { type: 'string', default: '1' },
        jobs: { type: 'string' },
        backend: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        scale: { type: 'string', default: '1' },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (e) {
    throw new SweepUsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length === 0) throw new SweepUsageError(`no preset given; presets:\n${presetList()}`);
  if (positionals.length > 1) throw new SweepUsageError(`one preset at a time, got ${positionals.join(', ')}`);
  const name = positionals[0];
  const preset = findPreset(name);
  if (!preset) throw new SweepUsageError(`unknown preset "${name}"; presets:\n${presetList()}`);
  // Refuse before any run starts rather than failing every run on the missing data.
  const missing = preset.runs.some((r) => r.dataset === 'cifar10') ? cifar10Missing() : null;
  if (missing) throw new SweepUsageError(`preset ${preset.name}: ${missing}`);
  if (!values.out) throw new SweepUsageError('--out DIR is required');
  const scale = Number(values.scale);
  if (values.scale!.trim() === '' || !Number.isFinite(scale) || scale <= 0) throw new SweepUsageError(`--scale: "${values.scale}" is not a positive number`);
  const backend = values.backend ?? null;
  if (backend !== null && backend !== 'wasm' && backend !== 'cpu') throw new SweepUsageError(`--backend: "${backend}" is not wasm or cpu`);
  return {
    preset,
    out: path.resolve(values.out),
    seeds: positiveInt('seeds', values.seeds!),
    jobs: values.jobs !== undefined ? positiveInt('jobs', values.jobs) : os.availableParallelism(),
    backend,
    dryRun: values['dry-run'] === true,
    scale,
  };
}

/** Why CIFAR-10 cannot be loaded here ($CIFAR10_PATH, else the prepared shards), or null. */
function cifar10Missing(): string | null {
  const p = process.env.CIFAR10_PATH || path.join(CIFAR10_SHARDS_DIR, 'manifest.json');
  return existsSync(p) ? null : `CIFAR-10 not found at ${p}. To get it: ${datasetInfo('cifar10').howToGet}`;
}

/** The train command: HG_TRAIN_CMD (JSON array or space-separated words) or node + tsx + train.ts. */
export function trainCommand(env: NodeJS.ProcessEnv = process.env): string[] {
  const custom = env.HG_TRAIN_CMD?.trim();
  if (custom) {
    if (custom.startsWith('[')) {
      const a = JSON.parse(custom) as unknown;
      if (!Array.isArray(a) || a.length === 0 || !a.every((x) => typeof x === 'string')) throw new Error('HG_TRAIN_CMD must be a JSON array of strings');
      return a as string[];
    }
    return custom.split(/\s+/);
  }
  return [process.execPath, '--import', 'tsx', path.join(ROOT, 'src/cli/train.ts')];
}

export interface PlannedRun {
  id: string;
  config: RunConfig;
  /** DIR/runs/{id}.json */
  summaryFile: string;
  /** Train's --out for this run: DIR/seed{N}. */
  csvDir: string;
}

export function planRuns(o: Pick<SweepOptions, 'preset' | 'out' | 'seeds' | 'scale'>): PlannedRun[] {
  return expandPreset(o.preset, o.seeds, o.scale).map((config) => {
    const id = runId(config);
    return { id, config, summaryFile: path.join(o.out, 'runs', `${id}.json`), csvDir: path.join(o.out, `seed${config.seed}`) };
  });
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A finished run's stored summary, or null when there is none (or it cannot be read: the run is redone). */
export function readRunSummary(file: string): Obj | null {
  if (!existsSync(file)) return null;
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return isObj(v) ? v : null;
  } catch {
    return null;
  }
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** A shell-readable command line (for --dry-run and failure reports). */
export function shellQuote(args: readonly string[]): string {
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** The last `n` lines of a text, for failure reports. */
export function tail(text: string, n = 15): string {
  const lines = text.replace(/\s+$/, '').split('\n');
  return lines.slice(-n).join('\n');
}

export interface SweepIo {
  out: (text: string) => void;
  err: (line: string) => void;
}

interface RunOutcome {
  ok: boolean;
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  message?: string;
  wallS: number;
}

/** Keeps the last `max` characters of a stream. */
class Tail {
  text = '';
  constructor(private readonly max = 16_384) {}
  push(chunk: Buffer | string): void {
    this.text += chunk.toString();
    if (this.text.length > 2 * this.max) this.text = this.text.slice(-this.max);
  }
}

const running = new Set<ChildProcess>();
let partCounter = 0;

function runOne(run: PlannedRun, cmd: readonly string[], o: SweepOptions): Promise<RunOutcome> {
  const part = `${run.summaryFile}.part-${process.pid}-${++partCounter}`;
  const args = [...cmd.slice(1), ...trainArgs(run.config, { out: run.csvDir, summaryJson: part, backend: o.backend ?? undefined })];
  const t0 = performance.now();
  return new Promise((resolve) => {
    const err = new Tail();
    const out = new Tail(4096);
    let child: ChildProcess;
    try {
      child = spawn(cmd[0], args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      resolve({ ok: false, code: null, signal: null, stderr: '', message: (e as Error).message, wallS: 0 });
      return;
    }
    running.add(child);
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr?.on('data', (d: Buffer) => err.push(d));
    let spawnError: string | undefined;
    child.on('error', (e) => {
      spawnError = e.message;
    });
    child.on('close', (code, signal) => {
      running.delete(child);
      const wallS = (performance.now() - t0) / 1000;
      const fail = (message: string) => {
        rmSync(part, { force: true });
        resolve({ ok: false, code, signal, stderr: err.text || out.text, message, wallS });
      };
      if (spawnError) return fail(`could not start ${cmd[0]}: ${spawnError}`);
      if (code !== 0) return fail(signal ? `killed by ${signal}` : `exit code ${code}`);
      const summary = readRunSummary(part);
      if (!summary) return fail(`exit code 0 but no readable summary JSON at ${part}`);
      const record = { ...summary, preset: run.config.preset, run_id: run.id, config: run.config };
      try {
        writeAtomic(run.summaryFile, `${JSON.stringify(record)}\n`);
      } catch (e) {
        return fail(`could not write ${run.summaryFile}: ${(e as Error).message}`);
      }
      rmSync(part, { force: true });
      resolve({ ok: true, code, signal, stderr: err.text, wallS });
    });
  });
}

/** Removes what killed runs and killed sweeps left behind in DIR/runs. */
function removeLeftovers(runsDir: string): void {
  for (const f of readdirSync(runsDir)) {
    if (/\.json\.(part|tmp)-\d+(-\d+)?(\.tmp-\d+)?$/.test(f)) rmSync(path.join(runsDir, f), { force: true });
  }
}

function budgetText(runs: readonly PlannedRun[]): string {
  const set = new Set(runs.map((r) => ('epochs' in r.config.budget ? `${r.config.budget.epochs} epochs` : `${formatInteger(r.config.budget.iterations)} iterations`)));
  return [...set].join(' / ');
}

/** Lines under the summary table's title: settings shared by the runs, and what β means for whom. */
export function settingsNotes(o: Pick<SweepOptions, 'preset' | 'seeds' | 'scale' | 'backend'>, runs: readonly PlannedRun[]): string[] {
  const t = o.preset.runs[0];
  const uniq = <T>(xs: T[]) => [...new Set(xs)];
  const mus = uniq(o.preset.runs.filter((r) => r.momentum !== 0).map((r) => r.momentum));
  const thresholds = uniq(o.preset.runs.map((r) => r.threshold).filter((x): x is number => x !== null));
  const lines = [
    `${o.preset.description}.`,
    '',
    `Settings: dataset ${t.dataset}, batch ${t.batchSize}, weight decay ${formatRate(t.weightDecay)}` +
      (mus.length ? `, μ ${mus.join(' / ')} (momentum optimizers)` : '') +
      `, inputs ${t.normalize ? 'normalised (0.1307 / 0.3081)' : 'in [0, 1], not normalised'}` +
      `, budget ${budgetText(runs)}${o.scale !== 1 ? ` (--scale ${o.scale})` : ''}` +
      (thresholds.length ? `, stop when the minibatch loss < ${thresholds.join(' / ')}` : '') +
      `, seeds 1–${o.seeds}, backend ${o.backend ?? 'train default (wasm)'}.`,
  ];
  if (o.preset.runs.some((r) => r.beta === REFERENCE_DEFAULT_BETA)) {
    lines.push(
      '',
      `β is unused by the classic optimizers; they are passed the reference train.py default ${formatRate(REFERENCE_DEFAULT_BETA)} (spec §4 item 11), so their reference-layout CSVs land in the reference's folders.`,
    );
  }
  return lines;
}

/** Reads every planned run's summary (in plan order) and writes DIR/summary.json and DIR/summary.md. */
export function writeSummaries(o: SweepOptions, runs: readonly PlannedRun[]): { rows: SummaryRow[]; missing: PlannedRun[] } {
  const rows: SummaryRow[] = [];
  const missing: PlannedRun[] = [];
  for (const r of runs) {
    const s = readRunSummary(r.summaryFile);
    if (!s) {
      missing.push(r);
      continue;
    }
    rows.push(toSummaryRow(s, { ...r.config }));
  }
  writeAtomic(path.join(o.out, 'summary.json'), `${JSON.stringify(rows, null, 1)}\n`);
  const md = summaryMarkdown(rows, {
    title: `Sweep ${o.preset.name}`,
    notes: settingsNotes(o, runs),
    threshold: o.preset.runs.some((r) => r.threshold !== null),
    failed: missing.map((m) => m.id),
  });
  writeAtomic(path.join(o.out, 'summary.md'), md);
  return { rows, missing };
}

export async function runSweep(o: SweepOptions, io: SweepIo, cmd: readonly string[] = trainCommand()): Promise<number> {
  const runs = planRuns(o);
  const runsDir = path.join(o.out, 'runs');
  const done = runs.filter((r) => readRunSummary(r.summaryFile) !== null);
  const todo = runs.filter((r) => !done.includes(r));
  if (o.dryRun) {
    for (const r of runs) {
      const status = done.includes(r) ? 'done' : 'todo';
      io.out(`${status}\t${r.id}\t${shellQuote([...cmd, ...trainArgs(r.config, { out: r.csvDir, summaryJson: r.summaryFile, backend: o.backend ?? undefined })])}\n`);
    }
    io.err(`sweep ${o.preset.name}: ${runs.length} runs, ${done.length} done, ${todo.length} to run (dry run: nothing run)`);
    return 0;
  }
  mkdirSync(runsDir, { recursive: true });
  removeLeftovers(runsDir);
  const jobs = Math.min(o.jobs, Math.max(1, todo.length));
  io.err(`sweep ${o.preset.name}: ${runs.length} runs, ${done.length} already done (skipped), ${todo.length} to run, ${jobs} at a time → ${o.out}`);

  const t0 = performance.now();
  let finished = 0;
  const failures: { run: PlannedRun; outcome: RunOutcome }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const run = todo[next++];
      const outcome = await runOne(run, cmd, o);
      finished++;
      const head = `[${done.length + finished}/${runs.length}${failures.length + (outcome.ok ? 0 : 1) ? `, ${failures.length + (outcome.ok ? 0 : 1)} failed` : ''}]`;
      if (outcome.ok) {
        io.err(`${head} done ${run.id} (${outcome.wallS.toFixed(1)} s)`);
      } else {
        failures.push({ run, outcome });
        const stderr = outcome.stderr.trim() ? `\n    ${tail(outcome.stderr).split('\n').join('\n    ')}` : ' (no stderr)';
        io.err(`${head} FAILED ${run.id}: ${outcome.message}${stderr}`);
      }
    }
  };

  const onSignal = (signal: NodeJS.Signals) => {
    io.err(`sweep: ${signal}: stopping ${running.size} running train process(es); the runs finished so far are kept — run the same command again to continue`);
    for (const c of running) c.kill('SIGTERM');
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await Promise.all(Array.from({ length: jobs }, worker));
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }

  const { rows, missing } = writeSummaries(o, runs);
  const secs = (performance.now() - t0) / 1000;
  io.err(
    `sweep ${o.preset.name}: ${todo.length - failures.length} run(s) in ${secs.toFixed(1)} s, ${done.length} skipped, ${failures.length} failed; ` +
      `${rows.length}/${runs.length} in ${path.join(o.out, 'summary.json')} and summary.md`,
  );
  if (failures.length) {
    io.err(`sweep: failed runs (run the same command again to retry them):\n${failures.map((f) => `  ${f.run.id}: ${f.outcome.message}`).join('\n')}`);
  }
  return failures.length || missing.length ? 1 : 0;
}

export async function main(argv: string[], io: SweepIo): Promise<number> {
  let o: SweepOptions | 'help';
  try {
    o = parseSweepArgs(argv);
  } catch (e) {
    if (e instanceof SweepUsageError) {
      io.err(`sweep: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (o === 'help') {
    io.out(`${USAGE}\npresets:\n${presetList()}\n`);
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
