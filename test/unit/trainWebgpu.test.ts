// `npm run train -- --backend webgpu`: the same run as on wasm, through Dawn (the npm package `webgpu`) on
// SwiftShader here — a GPU server runs the same code on its GPU. Oracle: the wasm run of the same
// configuration (float32 on both; the summation order of the reductions differs, hence a relative 1e-4).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/cli/experiment';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'hg-train-webgpu-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function train(backend: string): Promise<{ summary: RunSummary; stderr: string }> {
  const summaryFile = path.join(dir, `${backend}.json`);
  const args = ['tsx', 'src/cli/train.ts', '--optimizer', 'SGD-HD', '--model', 'logreg', '--alpha0', '0.01', '--beta', '1e-3',
    '--batch-size', '128', '--iterations', '8', '--eval-every', '8', '--backend', backend, '--quiet',
    '--out', path.join(dir, backend), '--summary-json', summaryFile];
  const { stderr } = await run('npx', args, { cwd: ROOT, maxBuffer: 1 << 24 });
  return { summary: JSON.parse(readFileSync(summaryFile, 'utf8')) as RunSummary, stderr };
}

describe('npm run train -- --backend webgpu', () => {
  it('trains the same run as wasm and names its adapter', async () => {
    const [gpu, wasm] = [await train('webgpu'), await train('wasm')];
    expect(gpu.stderr).toMatch(/^train: webgpu on .+/m);
    expect(gpu.summary.state).toBe('done');
    expect(gpu.summary.iterations).toBe(8);
    for (const k of ['train_loss', 'val_loss', 'lr_final'] as const) {
      const a = gpu.summary[k] as number, b = wasm.summary[k] as number;
      expect(Math.abs(a - b) / Math.abs(b), k).toBeLessThan(1e-4);
    }
    expect(gpu.summary.val_accuracy).toBe(wasm.summary.val_accuracy);
  }, 180_000);

  it('refuses an unknown backend by name', async () => {
    const r = await run('npx', ['tsx', 'src/cli/train.ts', '--optimizer', 'SGD', '--model', 'logreg', '--backend', 'cuda', '--out', dir], { cwd: ROOT }).catch((e) => e);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--backend: "cuda" is not wasm, cpu, webgpu');
  });
});
