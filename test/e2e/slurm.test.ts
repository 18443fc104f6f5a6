// A sweep on a real Slurm cluster: scripts/slurm/local-cluster.sh starts a one-node cluster on this machine
// (munged, slurmctld, slurmd from Debian's slurm-wlm; its own state folder and ports), then
//   1. tutorial-ffnn at --scale 0.01 (8 runs × 30 iterations, real train, real MNIST) goes to it as one
//      `sbatch --array` job with --max-parallel 2; --collect merges it; the same sweep run locally gives the
//      same summary.json run by run (every metric; only wall_s differs), and --slurm again submits nothing;
//   2. with a stub train command one run fails on the cluster: --collect names it (exit code, log, its
//      stderr) and exits 1; --resubmit-failed submits an array of that run alone, which then succeeds.
// The cluster is stopped afterwards, also when a test fails. Without Slurm installed the file fails and
// says to run scripts/setup.sh.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runSweepCli, writeTrainStub, type SweepResult } from '../sweepCli';
import { fileURLToPath } from 'node:url';
import { shellQuote } from '../../src/cli/sweepRuns';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TMP = mkdtempSync(path.join(os.tmpdir(), 'hg-slurm-test-'));
const CLUSTER = path.join(TMP, 'cluster');
const SBIN_PATH = `${process.env.PATH ?? ''}:/usr/sbin:/sbin`;
const ENV: NodeJS.ProcessEnv = {
  ...process.env,
  PATH: SBIN_PATH,
  HG_SLURM_DIR: CLUSTER,
  HG_SLURM_PORT: '16837',
  SLURM_CONF: path.join(CLUSTER, 'slurm.conf'),
};
delete ENV.HG_TRAIN_CMD;

function clusterScript(cmd: 'start' | 'stop'): { code: number | null; out: string } {
  const r = spawnSync(path.join(ROOT, 'scripts/slurm/local-cluster.sh'), [cmd], { env: ENV, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

function sweep(args: string[], env: NodeJS.ProcessEnv = {}): Promise<SweepResult> {
  return runSweepCli(args, { ...ENV, ...env });
}

/** Polls squeue until no task of `job` is left (the cluster purges finished jobs after MinJobAge = 2 s). */
async function waitForJob(job: string, timeoutMs = 90_000): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    const r = spawnSync('squeue', ['-h', '-r', '-o', '%F %K %T'], { env: ENV, encoding: 'utf8' });
    assert.equal(r.status, 0, `squeue failed: ${r.stderr}`);
    if (!r.stdout.split('\n').some((l) => l.split(' ')[0] === job)) return (Date.now() - t0) / 1000;
    if (Date.now() - t0 > timeoutMs) {
      const logs = clusterScript('stop');
      assert.fail(`job ${job} still in the queue after ${timeoutMs / 1000} s:\n${r.stdout}\n${logs.out}`);
    }
    await new Promise((res) => setTimeout(res, 500));
  }
}

const readJson = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>[];
const withoutWall = (rows: Record<string, unknown>[]) => rows.map(({ wall_s: _, ...rest }) => rest);

let started = false;

before(() => {
  // `command -v`, not `sbatch --version`: with SLURM_CONF naming a file not written yet, sbatch retries for 60 s.
  const absent = ['sbatch', 'squeue', 'slurmctld', 'slurmd', 'munged'].filter((c) => spawnSync('sh', ['-c', `command -v ${c}`], { env: ENV }).status !== 0);
  if (absent.length) {
    throw new Error(
      `Slurm is not installed here (no ${absent.join(', ')}): run scripts/setup.sh, which installs Debian's slurm-wlm and munge, ` +
        'then run this test again (it starts its own one-node cluster with scripts/slurm/local-cluster.sh)',
    );
  }
  started = true;
  const up = clusterScript('start');
  assert.equal(up.code, 0, `scripts/slurm/local-cluster.sh start failed:\n${up.out}`);
});

after(() => {
  if (started) {
    const down = clusterScript('stop');
    if (down.code !== 0) console.error(down.out);
  }
  rmSync(TMP, { recursive: true, force: true });
});

describe('sweep --slurm on a one-node Slurm cluster', () => {
  const cluster = path.join(TMP, 'on-slurm');
  const local = path.join(TMP, 'local');
  const common = ['--scale', '0.01'];

  it('runs tutorial-ffnn as one array job; --collect gives the local sweep\'s summary.json, run by run', async () => {
    const t0 = Date.now();
    const sub = await sweep(['tutorial-ffnn', '--out', cluster, '--slurm', '--max-parallel', '2', '--time', '5', ...common]);
    assert.equal(sub.code, 0, sub.stderr);
    const job = sub.stdout.trim();
    assert.match(job, /^\d+$/, `sbatch's job id on stdout: ${sub.stdout}`);
    assert.match(sub.stderr, new RegExp(`submitted job ${job}: 8 run\\(s\\) as array tasks 0-7, at most 2 at once`));
    assert.match(sub.stderr, /--collect/);
    const script = readFileSync(path.join(cluster, 'slurm/sweep-1.sbatch'), 'utf8');
    assert.match(script, /^#SBATCH --array=0-7%2$/m);
    assert.match(script, /^#SBATCH --time=5$/m);
    assert.match(script, new RegExp(`^#SBATCH --output=${cluster}/slurm/logs/%A_%a.out$`, 'm'));
    // Task K's command line is what the local sweep's --dry-run prints for that run (but for the summary's .part name).
    const dry = await sweep(['tutorial-ffnn', '--out', cluster, '--dry-run', ...common]);
    const tasks = readFileSync(path.join(cluster, 'slurm/sweep-1.tasks.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { run_id: string; argv: string[]; summary: string; part: string });
    const dryLines = dry.stdout.trim().split('\n').map((l) => l.split('\t'));
    assert.equal(tasks.length, 8);
    tasks.forEach((t, k) => {
      assert.equal(t.run_id, dryLines[k][1]);
      assert.equal(shellQuote(t.argv.map((a) => (a === t.part ? t.summary : a))), dryLines[k][2], `task ${k}`);
    });

    const waited = await waitForJob(job);
    const col = await sweep(['tutorial-ffnn', '--collect', cluster]);
    assert.equal(col.code, 0, col.stderr);
    assert.match(col.stderr, /collected 8\/8 runs/);
    assert.deepEqual(readdirSync(path.join(cluster, 'runs')).filter((f) => !f.endsWith('.json')), [], 'no .part files left');
    const onSlurm = readJson(path.join(cluster, 'summary.json'));
    // Idempotent: collecting again writes the same summary.json.
    const again = await sweep(['tutorial-ffnn', '--out', cluster, '--collect']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(readJson(path.join(cluster, 'summary.json')), onSlurm);
    // Resumable: nothing left to submit.
    const resub = await sweep(['tutorial-ffnn', '--out', cluster, '--slurm', ...common]);
    assert.equal(resub.code, 0, resub.stderr);
    assert.equal(resub.stdout, '');
    assert.match(resub.stderr, /8 done \(skipped\), 0 to submit/);
    const slurmS = (Date.now() - t0) / 1000;

    const t1 = Date.now();
    const loc = await sweep(['tutorial-ffnn', '--out', local, '--jobs', '2', ...common]);
    assert.equal(loc.code, 0, loc.stderr);
    const localRows = readJson(path.join(local, 'summary.json'));
    assert.equal(onSlurm.length, 8);
    assert.deepEqual(withoutWall(onSlurm), withoutWall(localRows));
    for (const r of onSlurm) assert.ok(typeof r.val_accuracy === 'number' && r.val_accuracy > 0.5, `${r.optimizer} learned something: ${r.val_accuracy}`);
    console.log(`slurm: job ${job}, 8 runs finished ${waited.toFixed(1)} s after submission, ${slurmS.toFixed(1)} s with collect; locally (--jobs 2) ${((Date.now() - t1) / 1000).toFixed(1)} s`);
  });

  it('names a run that failed on the cluster (exit 1), and --resubmit-failed reruns only it', async () => {
    const out = path.join(TMP, 'failing');
    const env = writeTrainStub(path.join(TMP, 'train-stub.mjs'));
    const sub = await sweep(['tutorial-ffnn', '--out', out, '--slurm'], { ...env, STUB_FAIL: 'Adam' });
    assert.equal(sub.code, 0, sub.stderr);
    await waitForJob(sub.stdout.trim());
    const col = await sweep(['tutorial-ffnn', '--collect', out]);
    assert.equal(col.code, 1, col.stderr);
    assert.match(col.stderr, /collected 7\/8 runs/);
    assert.match(col.stderr, /mnist_ffnn100_Adam_a1e-3\S*: FAILED: exit code 3 \(job \d+, task 3\)/);
    assert.match(col.stderr, /stub: Adam is set to fail/);
    assert.match(col.stderr, /--resubmit-failed/);
    assert.ok(existsSync(path.join(out, 'slurm/failed')));
    const md = readFileSync(path.join(out, 'summary.md'), 'utf8');
    assert.match(md, /mnist_ffnn100_Adam_a1e-3/, 'summary.md names the missing run');

    const re = await sweep(['tutorial-ffnn', '--out', out, '--resubmit-failed'], env);
    assert.equal(re.code, 0, re.stderr);
    assert.match(re.stderr, /resubmitting 1 run\(s\)/);
    const tasks2 = readFileSync(path.join(out, 'slurm/sweep-2.tasks.jsonl'), 'utf8').trim().split('\n');
    assert.equal(tasks2.length, 1);
    assert.match(tasks2[0], /"run_id":"mnist_ffnn100_Adam_a1e-3/);
    await waitForJob(re.stdout.trim());
    const col2 = await sweep(['tutorial-ffnn', '--collect', out]);
    assert.equal(col2.code, 0, col2.stderr);
    assert.match(col2.stderr, /collected 8\/8 runs/);
    assert.deepEqual(readdirSync(path.join(out, 'slurm/failed')), [], 'the failure record is gone once the run succeeded');
  });
});
