// A CLI entry point as a real child process (`npx tsx SCRIPT ARGS`, in the repository root), for the
// `npm run train` and `npm run controller` tests: exit code, stdout and stderr; never rejects.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `npx tsx script ...args` with the test's environment plus `env`. */
export async function runTsxCli(script: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  try {
    const r = await run('npx', ['tsx', script, ...args], { cwd: ROOT, maxBuffer: 1 << 24, env: { ...process.env, ...env } });
    return { code: 0, ...r };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
