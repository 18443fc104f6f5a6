// `npm run sweep` as a real child process (node + tsx + src/cli/sweep.ts), for the sweep and Slurm tests:
// exit code (null when killed by a signal), stdout and stderr; never rejects.
import { execFile } from 'node:child_process';
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
