// Sweeps on a Slurm cluster, the pure part (no file system, no processes): the checks of the --slurm
// flags, the array tasks of a submission (task K → the exact train command line the local sweep runs for
// that run, src/cli/sweepRuns.ts trainArgv), the `sbatch --array` script, sbatch's answer, and what
// --collect makes of the evidence (summaries, failure records, the array tasks' logs, the queue).
// The file and process side is src/cli/slurmIo.ts; an array task runs src/cli/slurmTask.ts.
//
// Files under DIR/slurm/ (one submission = one number k = 1, 2, …):
//   sweep-k.sbatch        the script given to sbatch (Slurm keeps its own copy at submission)
//   sweep-k.tasks.jsonl   line K+1 = array task K: {task, run_id, summary, csv_dir, part, argv, config}
//   submissions.jsonl     one line per submission: {submission, job, script, tasks_file, submitted, runs}
//   logs/JOB_TASK.out|err each array task's stdout / stderr (train's, and slurmstepd's messages)
//   failed/RUN_ID.json    written by an array task whose train failed (removed when the run succeeds)
import type { RunConfig } from '../experiments/presets';
import { shellQuote, trainArgv, type PlannedRun, type SweepBackend } from './sweepRuns';

export interface SlurmOptions {
  partition: string | null;
  /** Slurm's --time, checked by slurmTimeProblem. */
  time: string | null;
  cpusPerTask: number | null;
  /** Slurm's --gpus: "[type:]count". */
  gpus: string | null;
  /** At most this many array tasks at once: --array=0-K%N. */
  maxParallel: number | null;
}

/**
 * Why `t` is not a time limit sbatch takes, or null. Slurm's forms: "M", "M:S", "H:M:S", "D-H", "D-H:M",
 * "D-H:M:S", and "UNLIMITED" / "infinite".
 */
export function slurmTimeProblem(t: string): string | null {
  const ok = /^(\d+|\d+:\d+|\d+:\d+:\d+|\d+-\d+|\d+-\d+:\d+|\d+-\d+:\d+:\d+|unlimited|infinite)$/i.test(t.trim());
  if (!ok) return `"${t}" is not a Slurm time limit (minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS, e.g. 30 or 2:00:00)`;
  if (/^\d+$/.test(t.trim()) && Number(t) === 0) return `"${t}": a time limit of 0 minutes`;
  return null;
}

/** Why `g` is not a --gpus value ("2", "a100:1"), or null. */
export function slurmGpusProblem(g: string): string | null {
  return /^([A-Za-z0-9_.-]+:)?[1-9]\d*$/.test(g) ? null : `"${g}" is not a GPU count (N or TYPE:N, N ≥ 1, e.g. 1 or a100:1)`;
}

/** Why a path cannot go into an #SBATCH line or the script (whitespace, quotes, `%`, which Slurm expands in log names), or null. */
export function slurmPathProblem(p: string): string | null {
  return /^[\w@+=:,./-]+$/.test(p) ? null : `${JSON.stringify(p)}: a folder for a Slurm sweep may hold only letters, digits and _@+=:,./- (no spaces, quotes or %)`;
}

/** One array task: line `task + 1` of the tasks file. */
export interface SlurmTask {
  task: number;
  run_id: string;
  /** DIR/runs/{run id}.json, renamed into place after train exited 0. */
  summary: string;
  csv_dir: string;
  /** Train's --summary-json: DIR/runs/{run id}.json.part-slurm-{submission}-{task}. */
  part: string;
  /** The whole train command line: the local sweep's (trainArgv), with this task's .part file. */
  argv: string[];
  config: RunConfig;
}

/** The array tasks of submission `submission` for `runs` (task K = runs[K]). */
export function slurmTasks(runs: readonly PlannedRun[], cmd: readonly string[], backend: SweepBackend | null, submission: number): SlurmTask[] {
  return runs.map((r, task) => {
    const part = `${r.summaryFile}.part-slurm-${submission}-${task}`;
    return { task, run_id: r.id, summary: r.summaryFile, csv_dir: r.csvDir, part, argv: trainArgv(cmd, r, backend, part), config: r.config };
  });
}

/** The tasks file's text: one JSON object per line, line K+1 for array task K. */
export function tasksFileText(tasks: readonly SlurmTask[]): string {
  return tasks.map((t) => `${JSON.stringify(t)}\n`).join('');
}

/** The array task's PlannedRun (what sweepRuns.runTrain needs) from its line. */
export function taskRun(t: SlurmTask): PlannedRun {
  return { id: t.run_id, config: t.config, summaryFile: t.summary, csvDir: t.csv_dir };
}

/** --array's value: 0-K, with %N when at most N may run at once (N < the task count). */
export function arraySpec(count: number, maxParallel: number | null): string {
  if (!Number.isInteger(count) || count < 1) throw new Error(`an array needs at least one task, got ${count}`);
  return `0-${count - 1}${maxParallel !== null && maxParallel < count ? `%${maxParallel}` : ''}`;
}

export interface ScriptInput {
  preset: string;
  /** DIR, absolute. */
  out: string;
  /** The repository, where the task cd's to (the cluster shares the file system). */
  root: string;
  /** node, as the local sweep runs it (process.execPath). */
  node: string;
  submission: number;
  tasksFile: string;
  logsDir: string;
  tasks: readonly SlurmTask[];
  slurm: SlurmOptions;
  /** The sweep command that wrote it, for the script's header. */
  commandLine: string;
}

/** The `sbatch --array` script of one submission. */
export function sbatchScript(i: ScriptInput): string {
  const s = i.slurm;
  const directives = [
    `--job-name=hg-${i.preset}`,
    `--array=${arraySpec(i.tasks.length, s.maxParallel)}`,
    '--ntasks=1',
    `--output=${i.logsDir}/%A_%a.out`,
    `--error=${i.logsDir}/%A_%a.err`,
    ...(s.partition !== null ? [`--partition=${s.partition}`] : []),
    ...(s.time !== null ? [`--time=${s.time}`] : []),
    ...(s.cpusPerTask !== null ? [`--cpus-per-task=${s.cpusPerTask}`] : []),
    ...(s.gpus !== null ? [`--gpus=${s.gpus}`] : []),
  ];
  const collect = shellQuote(['npm', 'run', 'sweep', '--', i.preset, '--out', i.out, '--collect']);
  return [
    '#!/bin/bash',
    `# Slurm array job ${i.submission} of the sweep ${i.preset}: ${i.tasks.length} run(s), written by`,
    `#   ${i.commandLine}`,
    `# Array task K runs line K+1 of ${i.tasksFile}: the train command line the local sweep`,
    '# runs for that run, through src/cli/slurmTask.ts, which renames the summary into DIR/runs/{run id}.json',
    '# only after train exited 0 (as the local sweep does), else records the failure in DIR/slurm/failed/.',
    `# Afterwards: ${collect}`,
    ...directives.map((d) => `#SBATCH ${d}`),
    '',
    ...i.tasks.map((t) => `# task ${t.task}: ${t.run_id}`),
    '',
    'set -euo pipefail',
    `cd ${shellQuote([i.root])}`,
    `exec ${shellQuote([i.node, '--import', 'tsx', 'src/cli/slurmTask.ts', i.tasksFile])} "$SLURM_ARRAY_TASK_ID"`,
    '',
  ].join('\n');
}

/** The job id in `sbatch --parsable`'s answer ("123" or "123;cluster"), or null. */
export function parseSbatchJobId(stdout: string): string | null {
  const m = /^\s*(\d+)(;\S+)?\s*$/.exec(stdout);
  return m ? m[1] : null;
}

/** One line of submissions.jsonl. */
export interface Submission {
  submission: number;
  job: string;
  script: string;
  tasks_file: string;
  submitted: string;
  /** Run ids in task order: runs[K] is array task K. */
  runs: string[];
  /** The sweep's plan, which --collect reuses unless told otherwise. */
  sweep: { preset: string; seeds: number; scale: number; backend: SweepBackend | null };
  /** Its Slurm options, which --resubmit-failed reuses unless told otherwise. */
  slurm?: SlurmOptions;
}

/** The Slurm options of a resubmission: those given now, the rest as the last submission had them. */
export function inheritSlurm(given: SlurmOptions, last: SlurmOptions | undefined): SlurmOptions {
  if (!last) return given;
  return {
    partition: given.partition ?? last.partition,
    time: given.time ?? last.time,
    cpusPerTask: given.cpusPerTask ?? last.cpusPerTask,
    gpus: given.gpus ?? last.gpus,
    maxParallel: given.maxParallel ?? last.maxParallel,
  };
}

/** What an array task writes to DIR/slurm/failed/{run id}.json when its train failed. */
export interface FailureRecord {
  run_id: string;
  job: string | null;
  task: number | null;
  message: string;
  code: number | null;
  signal: string | null;
  stderr_tail: string;
  log: string | null;
  at: string;
}

/** The first line of an array task's stderr log in which Slurm says it killed the task, or null. */
export function slurmLogProblem(errLog: string): string | null {
  for (const line of errLog.split('\n')) {
    if (/slurmstepd(-[\w.-]+)?: error:.*(CANCELLED|TIME LIMIT|PREEMPT|NODE FAIL|oom|Exceeded)/i.test(line) || /oom[-_ ]kill/i.test(line)) return line.trim();
  }
  return null;
}

/** The state of one planned run as --collect sees it. */
export type RunState =
  | { kind: 'done' }
  | { kind: 'queued'; job: string; task: number; state: string }
  | { kind: 'failed'; why: string; log: string | null }
  | { kind: 'missing'; why: string; log: string | null };

export interface Evidence {
  /** Run ids with a summary in DIR/runs. */
  done: ReadonlySet<string>;
  failures: ReadonlyMap<string, FailureRecord>;
  submissions: readonly Submission[];
  /** "JOB_TASK" → Slurm state (PENDING, RUNNING…) of the array tasks still in the queue; null when squeue could not be asked. */
  queue: ReadonlyMap<string, string> | null;
  /** "JOB_TASK" → the text of that task's stderr log, for those that have one. */
  errLogs: ReadonlyMap<string, string>;
  logsDir: string;
}

/** The latest submission's array task that ran each run id. */
export function lastTasks(submissions: readonly Submission[]): Map<string, { job: string; task: number }> {
  const m = new Map<string, { job: string; task: number }>();
  for (const s of [...submissions].sort((a, b) => a.submission - b.submission)) s.runs.forEach((id, task) => m.set(id, { job: s.job, task }));
  return m;
}

/** Every planned run's state, in plan order. */
export function classifyRuns(runIds: readonly string[], e: Evidence): Map<string, RunState> {
  const last = lastTasks(e.submissions);
  const out = new Map<string, RunState>();
  for (const id of runIds) {
    if (e.done.has(id)) {
      out.set(id, { kind: 'done' });
      continue;
    }
    const t = last.get(id);
    const key = t ? `${t.job}_${t.task}` : null;
    const log = key ? `${e.logsDir}/${key}.err` : null;
    const queued = key ? e.queue?.get(key) : undefined;
    if (t && queued !== undefined) {
      out.set(id, { kind: 'queued', job: t.job, task: t.task, state: queued });
      continue;
    }
    const f = e.failures.get(id);
    if (f) {
      out.set(id, { kind: 'failed', why: `${f.message}${f.job !== null ? ` (job ${f.job}, task ${f.task})` : ''}`, log: f.log ?? log });
      continue;
    }
    const text = key ? e.errLogs.get(key) : undefined;
    const killed = text !== undefined ? slurmLogProblem(text) : null;
    if (t && killed) {
      out.set(id, { kind: 'failed', why: `killed by Slurm (job ${t.job}, task ${t.task}): ${killed}`, log });
    } else if (!t) {
      out.set(id, { kind: 'missing', why: 'never submitted', log: null });
    } else if (e.queue === null) {
      out.set(id, { kind: 'missing', why: `no summary from job ${t.job}, task ${t.task} (squeue could not be asked: it may still be queued or running)`, log: text !== undefined ? log : null });
    } else if (text !== undefined) {
      out.set(id, { kind: 'failed', why: `job ${t.job}, task ${t.task} ended without a summary or a failure record`, log });
    } else {
      out.set(id, { kind: 'missing', why: `job ${t.job}, task ${t.task} left no summary and no log (cancelled before it started?)`, log: null });
    }
  }
  return out;
}

/** The runs a new array gets (--slurm and --resubmit-failed): every run without a summary that is not still queued or running. */
export function runsToSubmit<R extends { id: string }>(runs: readonly R[], states: ReadonlyMap<string, RunState>): R[] {
  return runs.filter((r) => {
    const s = states.get(r.id);
    return s === undefined || (s.kind !== 'done' && s.kind !== 'queued');
  });
}

/** squeue -h -r -o '%F %K %T' → "JOB_TASK" → state (lines that are not array tasks are ignored). */
export function parseSqueue(stdout: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length >= 3 && /^\d+$/.test(f[0]) && /^\d+$/.test(f[1])) m.set(`${f[0]}_${f[1]}`, f[2]);
  }
  return m;
}

/** The next submission number: one more than the largest so far. */
export function nextSubmission(submissions: readonly Submission[]): number {
  return submissions.reduce((m, s) => Math.max(m, s.submission), 0) + 1;
}
