// Sweeps on a Slurm cluster, the file and process side of src/cli/slurm.ts: writing a submission's script
// and tasks file, `sbatch --parsable`, asking `squeue` what is still queued, reading the failure records and
// logs, and --collect (the local sweep's own writeSummaries, then a report of every run without a summary).
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  classifyRuns,
  nextSubmission,
  parseSbatchJobId,
  parseSqueue,
  runsToSubmit,
  sbatchScript,
  slurmTasks,
  tasksFileText,
  type FailureRecord,
  type RunState,
  type SlurmOptions,
  type Submission,
} from './slurm';
import { planRuns, ROOT, shellQuote, tail, type PlannedRun, type SweepIo, type SweepOptions } from './sweepRuns';
import { readRunSummary, writeSummaries } from './sweepSummary';

export interface SlurmRun {
  options: SweepOptions;
  slurm: SlurmOptions;
  /** Print the script and the tasks, write and submit nothing. */
  dryRun: boolean;
  /** The sweep command line as typed, for the script's header. */
  commandLine: string;
}

export const slurmDir = (out: string) => path.join(out, 'slurm');

function readJsonLines<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as T];
      } catch {
        return [];
      }
    });
}

export function readSubmissions(out: string): Submission[] {
  return readJsonLines<Submission>(path.join(slurmDir(out), 'submissions.jsonl'));
}

function readFailures(out: string): Map<string, FailureRecord> {
  const dir = path.join(slurmDir(out), 'failed');
  const m = new Map<string, FailureRecord>();
  if (!existsSync(dir)) return m;
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.json')) continue;
    try {
      const r = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as FailureRecord;
      if (typeof r.run_id === 'string') m.set(r.run_id, r);
    } catch {
      // a half-written record: the task is still writing it, or died; the log tells
    }
  }
  return m;
}

function readErrLogs(out: string): Map<string, string> {
  const dir = path.join(slurmDir(out), 'logs');
  const m = new Map<string, string>();
  if (!existsSync(dir)) return m;
  for (const f of readdirSync(dir)) {
    const key = /^(\d+_\d+)\.err$/.exec(f)?.[1];
    if (key) m.set(key, readFileSync(path.join(dir, f), 'utf8'));
  }
  return m;
}

/** The array tasks still in the queue ("JOB_TASK" → state), or null when squeue cannot be run. */
export function askQueue(): Map<string, string> | null {
  const r = spawnSync('squeue', ['-h', '-r', '-o', '%F %K %T'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  return parseSqueue(r.stdout);
}

/** Every planned run's state, from the summaries, failure records, logs and (when it answers) squeue. */
export function runStates(o: SweepOptions, runs: readonly PlannedRun[], queue = askQueue()): Map<string, RunState> {
  return classifyRuns(
    runs.map((r) => r.id),
    {
      done: new Set(runs.filter((r) => readRunSummary(r.summaryFile) !== null).map((r) => r.id)),
      failures: readFailures(o.out),
      submissions: readSubmissions(o.out),
      queue,
      errLogs: readErrLogs(o.out),
      logsDir: path.join(slurmDir(o.out), 'logs'),
    },
  );
}

/** Why sbatch could not be run or refused, in one message (its stderr included). */
function sbatchError(r: ReturnType<typeof spawnSync>): string | null {
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      return 'sbatch not found on PATH: run this on a Slurm login node (or, to try it on this machine, scripts/setup.sh installs Slurm and scripts/slurm/local-cluster.sh start starts a one-node cluster)';
    }
    return `could not run sbatch: ${r.error.message}`;
  }
  if (r.status !== 0) {
    const err = String(r.stderr ?? '').trim() || String(r.stdout ?? '').trim() || '(no output)';
    return `sbatch failed (${r.signal ? `killed by ${r.signal}` : `exit code ${r.status}`}):\n    ${err.split('\n').join('\n    ')}`;
  }
  return null;
}

/**
 * Writes one submission (DIR/slurm/sweep-k.sbatch and sweep-k.tasks.jsonl) for `todo` and submits it with
 * `sbatch --parsable`; --slurm-dry-run prints the script and the tasks instead. Returns the exit code.
 */
export function submitArray(s: SlurmRun, todo: readonly PlannedRun[], cmd: readonly string[], io: SweepIo): number {
  const o = s.options;
  const dir = slurmDir(o.out);
  const submissions = readSubmissions(o.out);
  const submission = nextSubmission(submissions);
  const tasksFile = path.join(dir, `sweep-${submission}.tasks.jsonl`);
  const scriptFile = path.join(dir, `sweep-${submission}.sbatch`);
  const tasks = slurmTasks(todo, cmd, o.backend, submission);
  const script = sbatchScript({
    preset: o.preset.name,
    out: o.out,
    root: ROOT,
    node: process.execPath,
    submission,
    tasksFile,
    logsDir: path.join(dir, 'logs'),
    tasks,
    slurm: s.slurm,
    commandLine: s.commandLine,
  });
  if (s.dryRun) {
    io.out(`# ${scriptFile}\n${script}\n# ${tasksFile}: array task → train command line\n`);
    for (const t of tasks) io.out(`${t.task}\t${t.run_id}\t${shellQuote(t.argv)}\n`);
    io.err(`sweep ${o.preset.name}: ${tasks.length} run(s) in one array (slurm dry run: nothing written or submitted)`);
    return 0;
  }
  mkdirSync(path.join(dir, 'logs'), { recursive: true });
  mkdirSync(path.join(o.out, 'runs'), { recursive: true });
  writeFileSync(tasksFile, tasksFileText(tasks));
  writeFileSync(scriptFile, script);
  const r = spawnSync('sbatch', ['--parsable', scriptFile], { encoding: 'utf8', cwd: ROOT });
  const problem = sbatchError(r);
  if (problem) {
    io.err(`sweep: ${problem}\n  (the script is ${scriptFile}; nothing was submitted)`);
    return 1;
  }
  const job = parseSbatchJobId(r.stdout);
  if (job === null) {
    io.err(`sweep: sbatch answered ${JSON.stringify(r.stdout.trim())}, not a job id; see squeue (the script is ${scriptFile})`);
    return 1;
  }
  const record: Submission = { submission, job, script: scriptFile, tasks_file: tasksFile, submitted: new Date().toISOString(), runs: tasks.map((t) => t.run_id),
    sweep: { preset: o.preset.name, seeds: o.seeds, scale: o.scale, backend: o.backend },
    slurm: s.slurm,
  };
  appendFileSync(path.join(dir, 'submissions.jsonl'), `${JSON.stringify(record)}\n`);
  io.out(`${job}\n`);
  io.err(
    `sweep ${o.preset.name}: submitted job ${job}: ${tasks.length} run(s) as array tasks ${tasks.length > 1 ? `0-${tasks.length - 1}` : '0'}` +
      `${s.slurm.maxParallel !== null && s.slurm.maxParallel < tasks.length ? `, at most ${s.slurm.maxParallel} at once` : ''} (${scriptFile})\n` +
      `  logs: ${path.join(dir, 'logs', `${job}_*.out|err`)}\n` +
      `  when it is done: ${shellQuote(['npm', 'run', 'sweep', '--', o.preset.name, '--out', o.out, '--collect'])}`,
  );
  return 0;
}

/** `--slurm`: one array of the runs without a summary that are not still queued or running. */
export function submitSweep(s: SlurmRun, cmd: readonly string[], io: SweepIo): number {
  const o = s.options;
  const runs = planRuns(o);
  const states = runStates(o, runs);
  const todo = runsToSubmit(runs, states);
  const done = runs.filter((r) => states.get(r.id)?.kind === 'done').length;
  const queued = runs.filter((r) => states.get(r.id)?.kind === 'queued').length;
  io.err(`sweep ${o.preset.name}: ${runs.length} runs, ${done} done (skipped)${queued ? `, ${queued} still queued or running (skipped)` : ''}, ${todo.length} to submit → ${o.out}`);
  if (todo.length === 0) {
    io.err('sweep: nothing to submit');
    return 0;
  }
  return submitArray(s, todo, cmd, io);
}

function describe(id: string, st: RunState, logLines = 5): string {
  if (st.kind === 'queued') return `  ${id}: ${st.state.toLowerCase()} (job ${st.job}, task ${st.task})`;
  if (st.kind === 'done') return `  ${id}: done`;
  const lines = [`  ${id}: ${st.kind === 'failed' ? 'FAILED' : 'missing'}: ${st.why}`];
  if (st.log) {
    lines.push(`    log: ${st.log}`);
    if (existsSync(st.log)) {
      const t = tail(readFileSync(st.log, 'utf8'), logLines).trim();
      if (t) lines.push(`    ${t.split('\n').join('\n    ')}`);
    }
  }
  return lines.join('\n');
}

/**
 * `--collect` (and `--resubmit-failed`): merges DIR/runs/*.json into DIR/summary.json and summary.md with the
 * local sweep's writeSummaries, names every planned run without a summary (failed, still queued, missing),
 * and with `resubmit` submits one new array of those not queued. Exit 0 when every run has a summary (or,
 * resubmitting, when the new array was submitted), else 1.
 */
export function collectSweep(s: SlurmRun, cmd: readonly string[], io: SweepIo, resubmit: boolean): number {
  const o = s.options;
  const runs = planRuns(o);
  if (!existsSync(o.out)) {
    io.err(`sweep: ${o.out} does not exist: nothing to collect`);
    return 1;
  }
  mkdirSync(path.join(o.out, 'runs'), { recursive: true });
  const { rows } = writeSummaries(o, runs);
  const states = runStates(o, runs);
  const count = (k: RunState['kind']) => runs.filter((r) => states.get(r.id)?.kind === k).length;
  const [failed, queued, missing] = [count('failed'), count('queued'), count('missing')];
  io.err(
    `sweep ${o.preset.name}: collected ${rows.length}/${runs.length} runs into ${path.join(o.out, 'summary.json')} and summary.md` +
      (failed + queued + missing ? `; ${failed} failed, ${queued} queued or running, ${missing} missing` : ''),
  );
  const open = runs.filter((r) => states.get(r.id)?.kind !== 'done');
  if (open.length) io.err(`sweep: runs without a summary:\n${open.map((r) => describe(r.id, states.get(r.id)!)).join('\n')}`);
  if (!resubmit) {
    if (open.length && !queued) io.err(`sweep: to run them again: ${shellQuote(['npm', 'run', 'sweep', '--', o.preset.name, '--out', o.out, '--resubmit-failed'])} (same Slurm options as the last submission unless given)`);
    return open.length ? 1 : 0;
  }
  const todo = runsToSubmit(runs, states);
  if (todo.length === 0) {
    io.err(queued ? `sweep: nothing to resubmit (${queued} still queued or running)` : 'sweep: nothing to resubmit');
    return queued ? 1 : 0;
  }
  io.err(`sweep: resubmitting ${todo.length} run(s)`);
  return submitArray(s, todo, cmd, io);
}
