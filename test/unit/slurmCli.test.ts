// `npm run sweep -- … --slurm / --collect / --resubmit-failed` as a real child process against a stub
// `sbatch` on PATH (no cluster: test/e2e/slurm.test.ts runs a real one) and a stub train command: the
// flags' errors, sbatch missing or failing, the submission's files, --slurm-dry-run, and --collect naming
// the runs without a summary.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runSweepCli, writeTrainStub, type SweepResult } from '../sweepCli';
import { afterAll, describe, expect, it } from 'vitest';

const TMP = mkdtempSync(path.join(os.tmpdir(), 'slurm-cli-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

function sweep(args: string[], env: NodeJS.ProcessEnv = {}): Promise<SweepResult> {
  return runSweepCli(args, { ...process.env, HG_TRAIN_CMD: '', ...env });
}

// Stub sbatch / squeue in their own folders, PATH set to one of them only.
function stubBin(name: string, files: Record<string, string>): string {
  const dir = path.join(TMP, name);
  mkdirSync(dir, { recursive: true });
  for (const [f, body] of Object.entries(files)) {
    writeFileSync(path.join(dir, f), `#!/bin/sh\n${body}\n`);
    chmodSync(path.join(dir, f), 0o755);
  }
  return dir;
}
const SBATCH_LOG = path.join(TMP, 'sbatch.log');
const OK_BIN = stubBin('ok', { sbatch: `echo "$@" >> ${SBATCH_LOG}\necho '42;hgcluster'`, squeue: 'exit 0' });
const FAIL_BIN = stubBin('fail', { sbatch: "echo 'sbatch: error: Batch job submission failed: Invalid partition name specified' >&2\nexit 1" });
const NONE_BIN = stubBin('none', {});

const TRAIN = writeTrainStub(path.join(TMP, 'train-stub.mjs'));

describe('sweep --slurm: arguments', () => {
  const out = path.join(TMP, 'args');
  it.each([
    [['--slurm', '--time', '1h'], /--time: "1h" is not a Slurm time limit/],
    [['--slurm', '--gpus', '0'], /--gpus: "0" is not a GPU count/],
    [['--slurm', '--max-parallel', '0'], /--max-parallel: "0" is not a whole number/],
    [['--slurm', '--cpus-per-task', 'x'], /--cpus-per-task: "x" is not a whole number/],
    [['--partition', 'gpu'], /--partition is a Slurm option: add --slurm/],
    [['--slurm', '--jobs', '2'], /--jobs is for a local sweep; on Slurm use --max-parallel/],
    [['--slurm', '--dry-run'], /use --slurm-dry-run/],
    [['--slurm', '--collect'], /do not go together/],
    [['--backend', 'metal'], /--backend: "metal" is not wasm, cpu, webgpu/],
  ])('%j is refused (exit 2, one line)', async (args, message) => {
    const r = await sweep(['tutorial-ffnn', '--out', out, ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });

  it('a folder with a space is refused for --slurm', async () => {
    const r = await sweep(['tutorial-ffnn', '--out', path.join(TMP, 'with space'), '--slurm']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no spaces, quotes or %/);
  });

  it('--collect needs the folder', async () => {
    const r = await sweep(['tutorial-ffnn', '--collect']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--collect needs the sweep folder/);
  });

  it('--backend webgpu reaches the train command line', async () => {
    const r = await sweep(['tutorial-ffnn', '--out', out, '--dry-run', '--backend', 'webgpu']);
    expect(r.code).toBe(0);
    for (const line of r.stdout.trim().split('\n')) expect(line).toMatch(/ --backend webgpu /);
  });
});

describe('sweep --slurm: submitting', () => {
  it('sbatch not on PATH: says so and how to get a cluster (exit 1)', async () => {
    const out = path.join(TMP, 'none');
    const r = await sweep(['tutorial-ffnn', '--out', out, '--slurm'], { PATH: NONE_BIN });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/sbatch not found on PATH/);
    expect(r.stderr).toMatch(/scripts\/slurm\/local-cluster\.sh start/);
    expect(existsSync(path.join(out, 'slurm/submissions.jsonl'))).toBe(false);
  });

  it('sbatch failing: its stderr is shown, nothing recorded as submitted (exit 1)', async () => {
    const out = path.join(TMP, 'fail');
    const r = await sweep(['tutorial-ffnn', '--out', out, '--slurm', '--partition', 'nope'], { PATH: FAIL_BIN });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/sbatch failed \(exit code 1\):\n\s+sbatch: error: Batch job submission failed: Invalid partition name specified/);
    expect(r.stderr).toMatch(/nothing was submitted/);
    expect(existsSync(path.join(out, 'slurm/submissions.jsonl'))).toBe(false);
  });

  it('--slurm-dry-run prints the script and each task\'s command line, and writes nothing', async () => {
    const out = path.join(TMP, 'dry');
    const r = await sweep(['tutorial-ffnn', '--out', out, '--slurm-dry-run', '--max-parallel', '3', '--gpus', '1', '--backend', 'webgpu'], { PATH: NONE_BIN });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^#SBATCH --array=0-7%3$/m);
    expect(r.stdout).toMatch(/^#SBATCH --gpus=1$/m);
    expect(r.stdout.match(/^\d+\tmnist_ffnn100_\S+\t\S+ --import tsx \S+src\/cli\/train\.ts .* --backend webgpu /gm)).toHaveLength(8);
    expect(existsSync(out)).toBe(false);
  });

  it('submits: the job id on stdout, the script and tasks written, the submission recorded', async () => {
    const out = path.join(TMP, 'ok');
    const r = await sweep(['tutorial-ffnn', '--out', out, '--slurm', '--seeds', '2', '--scale', '0.01', '--time', '10'], { PATH: OK_BIN });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('42\n');
    expect(r.stderr).toMatch(/submitted job 42: 16 run\(s\) as array tasks 0-15/);
    expect(r.stderr).toMatch(new RegExp(`npm run sweep -- tutorial-ffnn --out ${out} --collect`));
    expect(readFileSync(SBATCH_LOG, 'utf8')).toContain(`--parsable ${out}/slurm/sweep-1.sbatch`);
    const sub = JSON.parse(readFileSync(path.join(out, 'slurm/submissions.jsonl'), 'utf8'));
    expect(sub).toMatchObject({ submission: 1, job: '42', sweep: { preset: 'tutorial-ffnn', seeds: 2, scale: 0.01, backend: null }, slurm: { time: '10', partition: null } });
    expect(sub.runs).toHaveLength(16);
    expect(readFileSync(path.join(out, 'slurm/sweep-1.tasks.jsonl'), 'utf8').trim().split('\n')).toHaveLength(16);

    // --collect takes --seeds and --scale from the submission; no summaries yet: all 16 named, exit 1.
    // (squeue answers nothing: the tasks are not queued; they left no log: missing.)
    const c = await sweep(['tutorial-ffnn', '--collect', out], { PATH: OK_BIN });
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(/collected 0\/16 runs/);
    expect(c.stderr.match(/: missing: job 42, task \d+ left no summary and no log/g)).toHaveLength(16);

    // --resubmit-failed: the 16 again, with the first submission's --time unless told otherwise.
    const re = await sweep(['tutorial-ffnn', '--out', out, '--resubmit-failed', '--max-parallel', '4'], { PATH: OK_BIN });
    expect(re.code).toBe(0);
    expect(re.stderr).toMatch(/resubmitting 16 run\(s\)/);
    const script = readFileSync(path.join(out, 'slurm/sweep-2.sbatch'), 'utf8');
    expect(script).toMatch(/^#SBATCH --time=10$/m);
    expect(script).toMatch(/^#SBATCH --array=0-15%4$/m);
  });
});

describe('sweep --collect', () => {
  it('merges DIR/runs like the local sweep; names the missing run; --resubmit-failed submits only it', async () => {
    const out = path.join(TMP, 'collect');
    const local = await sweep(['tutorial-ffnn', '--out', out, '--jobs', '2'], TRAIN);
    expect(local.code).toBe(0);
    const summary = readFileSync(path.join(out, 'summary.json'), 'utf8');
    const md = readFileSync(path.join(out, 'summary.md'), 'utf8');
    const all = await sweep(['tutorial-ffnn', '--out', out, '--collect'], { PATH: NONE_BIN });
    expect(all.code).toBe(0);
    expect(all.stderr).toMatch(/collected 8\/8 runs/);
    expect(readFileSync(path.join(out, 'summary.json'), 'utf8')).toBe(summary);
    expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).toBe(md);

    const plan = await sweep(['tutorial-ffnn', '--out', out, '--dry-run']);
    const adam = plan.stdout.split('\n').find((l) => l.includes('_Adam_'))!.split('\t')[1];
    rmSync(path.join(out, 'runs', `${adam}.json`));
    const some = await sweep(['tutorial-ffnn', '--collect', out], { PATH: NONE_BIN });
    expect(some.code).toBe(1);
    expect(some.stderr).toMatch(/collected 7\/8 runs/);
    expect(some.stderr).toContain(`  ${adam}: missing: never submitted`);
    expect(JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8'))).toHaveLength(7);

    const re = await sweep(['tutorial-ffnn', '--out', out, '--resubmit-failed', '--time', '30'], { PATH: OK_BIN, ...TRAIN });
    expect(re.code).toBe(0);
    expect(re.stderr).toMatch(/resubmitting 1 run\(s\)/);
    const tasks = readFileSync(path.join(out, 'slurm/sweep-1.tasks.jsonl'), 'utf8').trim().split('\n');
    expect(tasks).toHaveLength(1);
    expect(JSON.parse(tasks[0]).run_id).toBe(adam);
    expect(readFileSync(path.join(out, 'slurm/sweep-1.sbatch'), 'utf8')).toMatch(/^#SBATCH --time=30$/m);
  });

  it('a folder that does not exist: nothing to collect (exit 1)', async () => {
    const r = await sweep(['tutorial-ffnn', '--collect', path.join(TMP, 'nowhere')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/does not exist: nothing to collect/);
  });
});
