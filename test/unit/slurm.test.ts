// The pure part of sweeps on Slurm (src/cli/slurm.ts): the flags' checks, the array tasks (task K → the
// local sweep's train command line), the sbatch script for given options, sbatch's answer, squeue's, and
// --collect's verdict on each run (done, queued, failed, missing) and which runs a new array gets.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPreset } from '../../src/experiments/presets';
import {
  arraySpec,
  classifyRuns,
  inheritSlurm,
  lastTasks,
  nextSubmission,
  parseSbatchJobId,
  parseSqueue,
  runsToSubmit,
  sbatchScript,
  slurmGpusProblem,
  slurmLogProblem,
  slurmPathProblem,
  slurmTasks,
  slurmTimeProblem,
  taskRun,
  tasksFileText,
  type Evidence,
  type FailureRecord,
  type SlurmOptions,
  type Submission,
} from '../../src/cli/slurm';
import { planRuns, trainArgv } from '../../src/cli/sweepRuns';

const OUT = '/scratch/sweeps/tff';
const preset = findPreset('tutorial-ffnn')!;
const runs = planRuns({ preset, out: OUT, seeds: 2, scale: 0.01 });
const CMD = ['/usr/bin/node', '--import', 'tsx', '/repo/src/cli/train.ts'];
const NO_SLURM: SlurmOptions = { partition: null, time: null, cpusPerTask: null, gpus: null, maxParallel: null };

describe('the --slurm flags', () => {
  it('--time: the forms sbatch takes', () => {
    for (const t of ['30', '5:00', '2:00:00', '1-0', '1-12:00', '3-00:00:00', 'UNLIMITED', 'infinite']) expect(slurmTimeProblem(t), t).toBeNull();
    for (const t of ['', '1h', '2:00:00:00', '-5', '1.5', 'soon', '0', '1--2']) expect(slurmTimeProblem(t), t).toMatch(/time limit/);
  });

  it('--gpus: N or TYPE:N', () => {
    for (const g of ['1', '4', 'a100:1', 'h100_80g:2']) expect(slurmGpusProblem(g), g).toBeNull();
    for (const g of ['0', '-1', 'a100', 'a100:0', '1.5', '']) expect(slurmGpusProblem(g), g).not.toBeNull();
  });

  it('a folder that cannot go into #SBATCH lines (spaces, quotes, % which Slurm expands) is refused', () => {
    expect(slurmPathProblem('/scratch/sweeps/run-1')).toBeNull();
    for (const p of ['/scratch/my sweeps', "/scratch/o'k", '/scratch/100%']) expect(slurmPathProblem(p), p).toMatch(/no spaces, quotes or %/);
  });
});

describe('the array tasks', () => {
  const tasks = slurmTasks(runs, CMD, 'webgpu', 3);

  it('task K is planned run K, its command line the local sweep\'s (trainArgv) with a .part summary of its own', () => {
    expect(tasks.map((t) => t.task)).toEqual(runs.map((_, k) => k));
    tasks.forEach((t, k) => {
      const r = runs[k];
      expect(t.run_id).toBe(r.id);
      expect(t.summary).toBe(r.summaryFile);
      expect(t.part).toBe(`${r.summaryFile}.part-slurm-3-${k}`);
      expect(t.argv).toEqual(trainArgv(CMD, r, 'webgpu', t.part));
      expect(t.argv.slice(0, 4)).toEqual(CMD);
      expect(t.argv).toContain('--backend');
      expect(taskRun(t)).toEqual(r);
    });
    // --backend only when asked for.
    expect(slurmTasks(runs, CMD, null, 1)[0].argv).not.toContain('--backend');
  });

  it('the tasks file: line K+1 is task K, as JSON', () => {
    const lines = tasksFileText(tasks).split('\n');
    expect(lines.length).toBe(tasks.length + 1);
    expect(lines.at(-1)).toBe('');
    lines.slice(0, -1).forEach((l, k) => expect(JSON.parse(l)).toEqual(tasks[k]));
  });

  it('--array: 0-K, %N only when N is below the task count', () => {
    expect(arraySpec(16, null)).toBe('0-15');
    expect(arraySpec(16, 4)).toBe('0-15%4');
    expect(arraySpec(16, 16)).toBe('0-15');
    expect(arraySpec(1, 2)).toBe('0-0');
    expect(() => arraySpec(0, null)).toThrow();
  });
});

describe('the sbatch script', () => {
  const tasks = slurmTasks(runs.slice(0, 3), CMD, null, 2);
  const input = {
    preset: 'tutorial-ffnn',
    out: OUT,
    root: '/repo',
    node: '/usr/bin/node',
    submission: 2,
    tasksFile: `${OUT}/slurm/sweep-2.tasks.jsonl`,
    logsDir: `${OUT}/slurm/logs`,
    tasks,
    commandLine: 'npm run sweep -- tutorial-ffnn --out /scratch/sweeps/tff --slurm',
  };

  it('with every option: the #SBATCH lines, the task list, cd to the repository and the task runner', () => {
    const s = sbatchScript({ ...input, slurm: { partition: 'gpu', time: '2:00:00', cpusPerTask: 4, gpus: 'a100:1', maxParallel: 2 } });
    const sbatch = s.split('\n').filter((l) => l.startsWith('#SBATCH'));
    expect(sbatch).toEqual([
      '#SBATCH --job-name=hg-tutorial-ffnn',
      '#SBATCH --array=0-2%2',
      '#SBATCH --ntasks=1',
      `#SBATCH --output=${OUT}/slurm/logs/%A_%a.out`,
      `#SBATCH --error=${OUT}/slurm/logs/%A_%a.err`,
      '#SBATCH --partition=gpu',
      '#SBATCH --time=2:00:00',
      '#SBATCH --cpus-per-task=4',
      '#SBATCH --gpus=a100:1',
    ]);
    expect(s.startsWith('#!/bin/bash\n')).toBe(true);
    // sbatch reads #SBATCH lines only before the first command.
    const lines = s.split('\n');
    const firstCommand = lines.findIndex((l) => l.trim() !== '' && !l.startsWith('#'));
    expect(lines.findLastIndex((l) => l.startsWith('#SBATCH'))).toBeLessThan(firstCommand);
    expect(s).toContain(`# task 0: ${runs[0].id}\n# task 1: ${runs[1].id}\n# task 2: ${runs[2].id}\n`);
    expect(s).toContain('\nset -euo pipefail\ncd /repo\n');
    expect(s).toContain(`\nexec /usr/bin/node --import tsx src/cli/slurmTask.ts ${OUT}/slurm/sweep-2.tasks.jsonl "$SLURM_ARRAY_TASK_ID"\n`);
    expect(s).toContain(`# Afterwards: npm run sweep -- tutorial-ffnn --out ${OUT} --collect`);
  });

  it('without options: no partition, time, CPU or GPU lines, no % limit', () => {
    const s = sbatchScript({ ...input, slurm: NO_SLURM });
    expect(s).toContain('#SBATCH --array=0-2\n');
    expect(s).not.toMatch(/--partition|--time|--cpus-per-task|--gpus/);
  });
});

describe('sbatch and squeue answers', () => {
  it('sbatch --parsable: "JOB" or "JOB;CLUSTER"', () => {
    expect(parseSbatchJobId('1234\n')).toBe('1234');
    expect(parseSbatchJobId('1234;cluster-a\n')).toBe('1234');
    expect(parseSbatchJobId('Submitted batch job 1234\n')).toBeNull();
    expect(parseSbatchJobId('')).toBeNull();
  });

  it("squeue -h -r -o '%F %K %T': one line per array task", () => {
    const q = parseSqueue('17 0 RUNNING\n17 1 RUNNING\n17 2 PENDING\n18 N/A PENDING\n\n');
    expect([...q]).toEqual([['17_0', 'RUNNING'], ['17_1', 'RUNNING'], ['17_2', 'PENDING']]);
  });

  it('Slurm killing a task shows in its stderr log', () => {
    expect(slurmLogProblem('train: step 10\nslurmstepd: error: *** JOB 17 ON vm CANCELLED AT 2026-12-04T16:00:00 DUE TO TIME LIMIT ***\n')).toMatch(/DUE TO TIME LIMIT/);
    expect(slurmLogProblem('slurmstepd-node3: error: *** JOB 17 ON node3 CANCELLED AT 2026 ***')).toMatch(/CANCELLED/);
    expect(slurmLogProblem('slurmstepd: error: Detected 1 oom-kill event(s) in StepId=17.batch.')).toMatch(/oom-kill/);
    expect(slurmLogProblem('train: an ordinary error message\n')).toBeNull();
  });
});

describe('--collect: every planned run\'s state', () => {
  const ids = runs.slice(0, 8).map((r) => r.id);
  const sub = (submission: number, job: string, runIds: string[]): Submission => ({
    submission,
    job,
    script: `${OUT}/slurm/sweep-${submission}.sbatch`,
    tasks_file: `${OUT}/slurm/sweep-${submission}.tasks.jsonl`,
    submitted: '2026-12-04T16:00:00.000Z',
    runs: runIds,
    sweep: { preset: 'tutorial-ffnn', seeds: 2, scale: 0.01, backend: null },
  });
  const failure = (id: string, job: string, task: number): FailureRecord => ({
    run_id: id, job, task, message: 'exit code 1', code: 1, signal: null, stderr_tail: 'boom', log: `${OUT}/slurm/logs/${job}_${task}.err`, at: '2026-12-04T16:01:00.000Z',
  });
  const LOGS = `${OUT}/slurm/logs`;
  // Job 10 ran ids 0-5 as tasks 0-5; job 11 (a resubmission) ids 4-6 as tasks 0-2; id 7 was never submitted.
  const evidence: Evidence = {
    done: new Set([ids[0], ids[1]]),
    failures: new Map([[ids[2], failure(ids[2], '10', 2)], [ids[4], failure(ids[4], '10', 4)]]),
    submissions: [sub(1, '10', ids.slice(0, 6)), sub(2, '11', ids.slice(4, 7))],
    queue: new Map([['11_0', 'RUNNING'], ['11_1', 'PENDING']]),
    errLogs: new Map([
      ['10_3', 'slurmstepd: error: *** JOB 10 ON vm CANCELLED AT 2026-12-04T16:00:30 DUE TO TIME LIMIT ***\n'],
      ['11_2', 'train: loading MNIST\n'],
    ]),
    logsDir: LOGS,
  };
  const states = classifyRuns(ids, evidence);

  it('done, failed (record / Slurm in the log / ended without a summary), queued, missing', () => {
    expect(states.get(ids[0])).toEqual({ kind: 'done' });
    expect(states.get(ids[1])).toEqual({ kind: 'done' });
    expect(states.get(ids[2])).toEqual({ kind: 'failed', why: 'exit code 1 (job 10, task 2)', log: `${LOGS}/10_2.err` });
    expect(states.get(ids[3])).toMatchObject({ kind: 'failed', why: expect.stringMatching(/^killed by Slurm \(job 10, task 3\): .*DUE TO TIME LIMIT/), log: `${LOGS}/10_3.err` });
    // ids[4] failed in job 10 but its resubmission (job 11 task 0) is running: queued wins over the old record.
    expect(states.get(ids[4])).toEqual({ kind: 'queued', job: '11', task: 0, state: 'RUNNING' });
    expect(states.get(ids[5])).toEqual({ kind: 'queued', job: '11', task: 1, state: 'PENDING' });
    expect(states.get(ids[6])).toEqual({ kind: 'failed', why: 'job 11, task 2 ended without a summary or a failure record', log: `${LOGS}/11_2.err` });
    expect(states.get(ids[7])).toEqual({ kind: 'missing', why: 'never submitted', log: null });
  });

  it('a task that left neither log nor summary is missing; without squeue nothing is called failed that may still run', () => {
    const noLog = classifyRuns([ids[5]], { ...evidence, queue: new Map() });
    expect(noLog.get(ids[5])).toMatchObject({ kind: 'missing', why: expect.stringMatching(/job 11, task 1 left no summary and no log/) });
    const blind = classifyRuns(ids, { ...evidence, queue: null });
    expect(blind.get(ids[6])).toMatchObject({ kind: 'missing', why: expect.stringMatching(/squeue could not be asked/), log: `${LOGS}/11_2.err` });
    expect(blind.get(ids[2])?.kind).toBe('failed'); // a failure record is a failure either way
    expect(blind.get(ids[4])?.kind).toBe('failed');
  });

  it('a new array (--slurm, --resubmit-failed) gets every run without a summary that is not queued or running', () => {
    const planned = runs.slice(0, 8);
    expect(runsToSubmit(planned, states).map((r) => r.id)).toEqual([ids[2], ids[3], ids[6], ids[7]]);
    expect(runsToSubmit(planned, new Map()).length).toBe(8);
  });

  it('the latest submission of a run names its task; submission numbers go on from the largest', () => {
    const last = lastTasks([evidence.submissions[1], evidence.submissions[0]]);
    expect(last.get(ids[4])).toEqual({ job: '11', task: 0 });
    expect(last.get(ids[3])).toEqual({ job: '10', task: 3 });
    expect(nextSubmission([])).toBe(1);
    expect(nextSubmission(evidence.submissions)).toBe(3);
  });
});

it('planned runs live under DIR (summaries in DIR/runs, CSVs in DIR/seedN)', () => {
  expect(path.dirname(runs[0].summaryFile)).toBe(`${OUT}/runs`);
});

it('--resubmit-failed: the Slurm options given now, the rest from the last submission', () => {
  const last: SlurmOptions = { partition: 'gpu', time: '2:00:00', cpusPerTask: 4, gpus: '1', maxParallel: 8 };
  expect(inheritSlurm({ ...NO_SLURM, time: '4:00:00' }, last)).toEqual({ ...last, time: '4:00:00' });
  expect(inheritSlurm(NO_SLURM, undefined)).toEqual(NO_SLURM);
});
