// Every npm script's command line (src/cli/args.ts) as a real child process: --help / -h prints the usage
// (what it does, every flag with its default, an example) and exits 0 having done nothing; an unknown flag or
// a flag without its value is ONE line on stderr naming it and pointing to --help, exit code 2. Each child
// runs with a module hook that refuses to import tfjs, vite or playwright-core, so "does no work" is checked
// exactly, not by a clock (the times are printed for the record).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const TMP = mkdtempSync(path.join(os.tmpdir(), 'cli-help-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

// A resolve hook (registered after tsx, so it sees the bare specifiers first) that fails any heavy import.
const HOOKS = path.join(TMP, 'hooks.mjs');
writeFileSync(
  HOOKS,
  `export async function resolve(specifier, context, next) {
  if (/^(@tensorflow\\/|vite$|playwright-core$)/.test(specifier)) throw new Error('HEAVY IMPORT: ' + specifier);
  return next(specifier, context);
}
`,
);
const GUARD = path.join(TMP, 'guard.mjs');
writeFileSync(GUARD, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(HOOKS).href)});\n`);

/** npm script → the file it runs. */
const COMMANDS: Record<string, string> = {
  train: 'src/cli/train.ts',
  sweep: 'src/cli/sweep.ts',
  trace: 'src/cli/trace.ts',
  bench: 'src/cli/bench.ts',
  data: 'scripts/data.ts',
  'prepare-data': 'scripts/prepare-data.ts',
  'bench:page': 'bench/page-longtasks.ts',
};

interface Result {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

function cli(file: string, args: string[], guard = true): Promise<Result> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', ...(guard ? ['--import', GUARD] : []), file, ...args], { cwd: ROOT }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

const times: string[] = [];
afterAll(() => console.log(`cli --help times (ms, 2 shared cores): ${times.join(', ')}`));

describe.each(Object.entries(COMMANDS))('npm run %s', (name, file) => {
  it('--help prints the usage on stdout, every flag with its default and an example, exit 0, nothing else', async () => {
    const r = await cli(file, ['--help']);
    times.push(`${name} ${r.ms.toFixed(0)}`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^usage: npm run ${name.replace(':', ':')} -- `));
    expect(r.stdout).toMatch(/\n(options|arguments and options):\n/);
    expect(r.stdout).toMatch(/\nexamples?:\n {2}npm run /);
    expect(r.stdout).toContain('-h, --help');
    // Every flag line (or its continuation line, for long flags) says its default.
    const flagLines = lines.map((l, i) => [l, lines[i + 1] ?? ''] as const).filter(([l]) => /^ {2}--[a-z]/.test(l));
    expect(flagLines.length).toBeGreaterThan(0);
    for (const [l, next] of flagLines) expect(`${l} ${next}`, l).toMatch(/\(default: [^)]/);
  });

  it('-h is --help, also next to other arguments', async () => {
    const r = await cli(file, ['--no-such-flag', '-h']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: /);
  });

  it('an unknown flag: one line on stderr naming it and --help, exit 2', async () => {
    const r = await cli(file, ['--no-such-flag']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.endsWith('\n')).toBe(true);
    expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^${name}: unknown option --no-such-flag; see npm run ${name} -- --help\\n$`));
  });

  it('a flag without its value: one line, exit 2', async () => {
    // Every command has a string flag; --out / --backend / --runs: the first one of each.
    const flag = { train: '--out', sweep: '--out', trace: '--backend', bench: '--rounds', data: '--cifar10', 'prepare-data': '--out', 'bench:page': '--runs' }[name]!;
    for (const args of [[flag], [flag, '--help-me']]) {
      const r = await cli(file, args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(new RegExp(`^${name}: ${flag} needs a value.*; see npm run ${name} -- --help\\n$`));
    }
  });
});

describe.each(['train', 'eval'])('npm run controller -- %s', (sub) => {
  const file = 'src/cli/controller.ts';
  it('--help prints the subcommand\'s usage, every flag with its default, exit 0, nothing else', async () => {
    const r = await cli(file, [sub, '--help']);
    times.push(`controller ${sub} ${r.ms.toFixed(0)}`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(new RegExp(`^usage: npm run controller -- ${sub} --`));
    const lines = r.stdout.split('\n');
    const flagLines = lines.map((l, i) => [l, lines[i + 1] ?? ''] as const).filter(([l]) => /^ {2}--[a-z]/.test(l));
    expect(flagLines.length).toBeGreaterThan(5);
    for (const [l, next] of flagLines) expect(`${l} ${next}`, l).toMatch(/\(default: [^)]/);
    expect(r.stdout).toMatch(new RegExp(`\nexamples?:\n {2}npm run controller -- ${sub} `));
  });

  it('an unknown flag or a missing value: one line naming it and the subcommand\'s --help, exit 2', async () => {
    for (const args of [[sub, '--no-such-flag'], [sub, '--out']]) {
      const r = await cli(file, args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(new RegExp(`^controller ${sub}: (unknown option --no-such-flag|--out needs a value DIR); see npm run controller -- ${sub} --help\n$`));
    }
  });
});

describe('the guard itself', () => {
  it('refuses a heavy import (so the tests above would notice one)', async () => {
    const r = await cli('src/cli/bench.ts', ['--models', 'logreg', '--rounds', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('HEAVY IMPORT: @tensorflow/');
  });
});
