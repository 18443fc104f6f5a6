// `npm run train --threads N`: tfjs's threaded wasm build on worker_threads (src/engine/nodeWasmThreads.ts).
// Oracle: the single-threaded run of the same configuration. XNNPACK splits a convolution's output between
// the threads, never a sum, so the losses are bitwise the same.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runTsxCli } from '../cliRun';

const dir = mkdtempSync(path.join(tmpdir(), 'hg-threads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const train = (args: string[]) => runTsxCli('src/cli/train.ts', args);
const lossColumn = (file: string) => {
  const [header, ...rows] = readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(','));
  return rows.map((r) => r[header.indexOf('Loss')]);
};

describe('npm run train --threads', () => {
  it('LeNet-5 on 2 wasm threads: says so, and trains to the same losses as on 1', async () => {
    const common = ['--optimizer', 'Adam', '--model', 'lenet5', '--alpha0', '1e-3', '--batch-size', '64', '--iterations', '6', '--quiet'];
    const [one, two] = await Promise.all([
      train([...common, '--out', path.join(dir, '1')]),
      train([...common, '--threads', '2', '--out', path.join(dir, '2')]),
    ]);
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    expect(two.stderr).toContain('train: wasm on 2 threads');
    const file = (d: string) => path.join(dir, d, 'lenet5', '+1e-03_+1e-07', 'Adam.csv');
    const losses = lossColumn(file('1'));
    expect(losses).toHaveLength(7);
    expect(losses.every((l) => Number.isFinite(Number(l)))).toBe(true);
    expect(lossColumn(file('2'))).toEqual(losses);
  }, 120_000);

  it('refuses a thread count that is not a whole number ≥ 1, and threads on another backend', async () => {
    const zero = await train(['--optimizer', 'Adam', '--model', 'logreg', '--threads', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/--threads: .*must be a whole number ≥ 1/);
    const cpu = await train(['--optimizer', 'Adam', '--model', 'logreg', '--threads', '2', '--backend', 'cpu']);
    expect(cpu.code).toBe(2);
    expect(cpu.stderr).toContain('--threads: only the wasm backend has threads (got --backend cpu)');
  }, 60_000);
});
