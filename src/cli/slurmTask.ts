// One array task of a Slurm sweep (src/cli/slurm.ts): `node --import tsx src/cli/slurmTask.ts TASKS_FILE K`,
// run by DIR/slurm/sweep-k.sbatch in the repository with K = $SLURM_ARRAY_TASK_ID. Runs line K+1 of
// TASKS_FILE — the train command line the local sweep runs for that run — through the local sweep's own
// runTrain (src/cli/sweepRuns.ts): train writes its summary to a .part file, which becomes
// DIR/runs/{run id}.json only after train exited 0. On failure it writes DIR/slurm/failed/{run id}.json
// (what went wrong, train's stderr tail) for --collect, and exits non-zero so Slurm marks the task failed.
// Train's output goes to the task's log files (DIR/slurm/logs/JOB_TASK.out/.err).
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { taskRun, type FailureRecord, type SlurmTask } from './slurm';
import { runTrain, shellQuote, stopRunning, tail } from './sweepRuns';
import { writeAtomic } from './sweepSummary';

function failureFile(tasksFile: string, runId: string): string {
  return path.join(path.dirname(tasksFile), 'failed', `${runId}.json`);
}

function logFile(tasksFile: string): string | null {
  const job = process.env.SLURM_ARRAY_JOB_ID;
  const task = process.env.SLURM_ARRAY_TASK_ID;
  return job && task ? path.join(path.dirname(tasksFile), 'logs', `${job}_${task}.err`) : null;
}

function recordFailure(tasksFile: string, t: SlurmTask, f: Pick<FailureRecord, 'message' | 'code' | 'signal' | 'stderr_tail'>): void {
  const record: FailureRecord = {
    run_id: t.run_id,
    job: process.env.SLURM_ARRAY_JOB_ID ?? null,
    task: t.task,
    ...f,
    log: logFile(tasksFile),
    at: new Date().toISOString(),
  };
  const file = failureFile(tasksFile, t.run_id);
  mkdirSync(path.dirname(file), { recursive: true });
  writeAtomic(file, `${JSON.stringify(record)}\n`);
}

async function main(argv: string[]): Promise<number> {
  if (argv.length !== 2 || !/^\d+$/.test(argv[1])) {
    process.stderr.write('usage: node --import tsx src/cli/slurmTask.ts TASKS_FILE TASK_ID (run by a sweep\'s sbatch script)\n');
    return 2;
  }
  const [tasksFile, k] = [path.resolve(argv[0]), Number(argv[1])];
  const line = readFileSync(tasksFile, 'utf8').split('\n')[k];
  if (!line) {
    process.stderr.write(`slurm task: ${tasksFile} has no line for task ${k}\n`);
    return 2;
  }
  const t = JSON.parse(line) as SlurmTask;
  if (t.task !== k) {
    process.stderr.write(`slurm task: line ${k + 1} of ${tasksFile} is task ${t.task}, not ${k}\n`);
    return 2;
  }
  process.stderr.write(`slurm task ${k}: ${t.run_id}\n$ ${shellQuote(t.argv)}\n`);
  mkdirSync(path.dirname(t.summary), { recursive: true });
  // Slurm's time limit and scancel send SIGTERM (then SIGKILL after KillWait): stop train, say so.
  const onSignal = (signal: NodeJS.Signals) => {
    stopRunning();
    rmSync(t.part, { force: true });
    const message = `killed by ${signal} (Slurm: time limit, scancel or preemption)`;
    recordFailure(tasksFile, t, { message, code: null, signal, stderr_tail: '' });
    process.stderr.write(`slurm task ${k}: ${message}\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  const outcome = await runTrain(taskRun(t), t.argv, t.part, 'inherit');
  if (outcome.ok) {
    rmSync(failureFile(tasksFile, t.run_id), { force: true });
    process.stderr.write(`slurm task ${k}: done ${t.run_id} (${outcome.wallS.toFixed(1)} s) → ${t.summary}\n`);
    return 0;
  }
  recordFailure(tasksFile, t, { message: outcome.message ?? 'failed', code: outcome.code, signal: outcome.signal, stderr_tail: tail(outcome.stderr) });
  process.stderr.write(`slurm task ${k}: FAILED ${t.run_id}: ${outcome.message}\n`);
  return outcome.code !== null && outcome.code !== 0 ? outcome.code : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`slurm task: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
