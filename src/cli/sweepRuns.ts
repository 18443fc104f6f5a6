// Running a sweep (src/cli/sweep.ts): the planned runs of a preset × seeds, each a separate train process
// (src/cli/train.ts, or $HG_TRAIN_CMD), at most --jobs at a time; a run counts as done once its summary
// is renamed into DIR/runs/{run id}.json (src/cli/sweepSummary.ts), so a sweep started again skips it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expandPreset, runId, trainArgs, type Preset, type RunConfig } from '../experiments/presets';
import { readRunSummary, writeAtomic, writeSummaries } from './sweepSummary';
import type { NodeBackendName } from '../engine/nodeBackendNames';

/** The repository: train runs here (`--import tsx` resolves from it); a Slurm array task cd's here. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A sweep's --backend: train's own list (src/engine/nodeBackendNames.ts). */
export type SweepBackend = NodeBackendName;

export interface SweepOptions {
  preset: Preset;
  out: string;
  seeds: number;
  jobs: number;
  backend: SweepBackend | null;
  dryRun: boolean;
  scale: number;
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

/**
 * The whole train command line of a run: the train command (trainCommand) and its arguments, the summary
 * written to `summaryJson`. The local sweep, --dry-run and the Slurm array tasks all build it here, so they
 * run byte-identical commands.
 */
export function trainArgv(cmd: readonly string[], run: PlannedRun, backend: SweepBackend | null, summaryJson: string): string[] {
  return [...cmd, ...trainArgs(run.config, { out: run.csvDir, summaryJson, backend: backend ?? undefined })];
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

export interface RunOutcome {
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

/**
 * Runs one train command line (`argv`, whose --summary-json is `part`) to the end and, when it exited 0
 * with a readable summary at `part`, stores the run's record in run.summaryFile (renamed into place, so a
 * summary there is always whole). Used by the local sweep (output piped and tailed) and by a Slurm array
 * task (src/cli/slurmTask.ts: output inherited, into the job's log files).
 */
export function runTrain(run: PlannedRun, argv: readonly string[], part: string, stdio: 'pipe' | 'inherit' = 'pipe'): Promise<RunOutcome> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const err = new Tail();
    const out = new Tail(4096);
    let child: ChildProcess;
    try {
      child = spawn(argv[0], argv.slice(1), { cwd: ROOT, stdio: ['ignore', stdio, stdio] });
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
      if (spawnError) return fail(`could not start ${argv[0]}: ${spawnError}`);
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

/** Stops every train process this process started (SIGTERM), for a signal handler. */
export function stopRunning(signal: NodeJS.Signals = 'SIGTERM'): number {
  const n = running.size;
  for (const c of running) c.kill(signal);
  return n;
}

function runOne(run: PlannedRun, cmd: readonly string[], o: SweepOptions): Promise<RunOutcome> {
  const part = `${run.summaryFile}.part-${process.pid}-${++partCounter}`;
  return runTrain(run, trainArgv(cmd, run, o.backend, part), part);
}

/** Removes what killed runs and killed sweeps left behind in DIR/runs. */
export function removeLeftovers(runsDir: string): void {
  for (const f of readdirSync(runsDir)) {
    if (/\.json\.(part|tmp)-\d+(-\d+)?(\.tmp-\d+)?$/.test(f)) rmSync(path.join(runsDir, f), { force: true });
  }
}

export async function runSweep(o: SweepOptions, io: SweepIo, cmd: readonly string[] = trainCommand()): Promise<number> {
  const runs = planRuns(o);
  const runsDir = path.join(o.out, 'runs');
  const done = runs.filter((r) => readRunSummary(r.summaryFile) !== null);
  const todo = runs.filter((r) => !done.includes(r));
  if (o.dryRun) {
    for (const r of runs) {
      const status = done.includes(r) ? 'done' : 'todo';
      io.out(`${status}\t${r.id}\t${shellQuote(trainArgv(cmd, r, o.backend, r.summaryFile))}\n`);
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

