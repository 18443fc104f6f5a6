// The own wasm kernels in both V8 tiers: test/kernelTiersCheck.ts checks each against an independent
// reference (the composed tfjs ops bit for bit, or float64 sums) in a child process, once with
// --no-liftoff (TurboFan compiles every function from the first call) and once with default tiering.
// A short in-process test mostly runs Liftoff code, which was right where TurboFan's was not.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');

interface Result {
  failures: string[];
  status: string;
  tensorsLeft: number;
  threads: number;
  sharedMemory: boolean;
}

function check(flags: string[], args: string[]): { status: number | null; result: Result | null; stderr: string } {
  const r = spawnSync(process.execPath, [...flags, '--import', 'tsx', 'test/kernelTiersCheck.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  let result = null;
  try {
    result = JSON.parse(line);
  } catch {
    // reported below with stderr
  }
  return { status: r.status, result, stderr: r.stderr.slice(-2000) };
}

describe('own wasm kernels in both V8 tiers', () => {
  it.each([
    ['TurboFan only (--no-liftoff)', ['--no-liftoff'], [], 1],
    ['default tiering', [], [], 1],
    ['TurboFan only, threaded build on 2 threads (shared memory)', ['--no-liftoff'], ['--threads', '2'], 2],
  ])('%s: every kernel matches its reference, no tensors left', (_name, flags, args, threads) => {
    const r = check(flags, args);
    expect(r.result, r.stderr).not.toBeNull();
    expect(r.result!.status).toBe('on');
    expect(r.result!.threads).toBe(threads);
    expect(r.result!.sharedMemory).toBe(threads > 1);
    expect(r.result!.failures).toEqual([]);
    expect(r.result!.tensorsLeft).toBe(0);
    expect(r.status).toBe(0);
  }, 120_000);
});
