// `npm run sweep` as a real child process (node + tsx + src/cli/sweep.ts), for the sweep and Slurm tests:
// exit code (null when killed by a signal), stdout and stderr; never rejects.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface SweepResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the sweep command with `env` as its whole environment. */
export function runSweepCli(args: readonly string[], env: NodeJS.ProcessEnv): Promise<SweepResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/sweep.ts', ...args], { cwd: ROOT, env, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: unknown }).code as number | null) : 0;
      resolve({ code: typeof code === 'number' ? code : null, stdout, stderr });
    });
  });
}

/**
 * A stand-in for src/cli/train.ts for the Slurm tests: writes a one-line summary to its --summary-json and
 * exits 0, or, for the optimizer named in $STUB_FAIL, writes "stub: NAME is set to fail" and exits 3.
 * Written to `file`; returns the environment that makes the sweep run it (HG_TRAIN_CMD).
 */
export function writeTrainStub(file: string): { HG_TRAIN_CMD: string } {
  writeFileSync(
    file,
    `import { writeFileSync } from 'node:fs';
const a = process.argv.slice(2);
const get = (f) => a[a.indexOf('--' + f) + 1];
const opt = get('optimizer');
if (process.env.STUB_FAIL === opt) { process.stderr.write('stub: ' + opt + ' is set to fail\\n'); process.exit(3); }
writeFileSync(get('summary-json'), JSON.stringify({ optimizer: opt, seed: Number(get('seed')), iterations: 1, train_loss: 1, val_loss: 1, val_accuracy: 0.5, wall_s: 0 }));
`,
  );
  return { HG_TRAIN_CMD: JSON.stringify([process.execPath, file]) };
}
