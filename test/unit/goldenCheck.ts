// Shared by the per-backend golden tests: replay every run of P1/P2 and compare with the reference
// trajectories within test/golden/README.md's float32 tolerances.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { replayRun, replayWith, type GoldenFile, type GoldenRun } from '../../src/engine/replay';
import type { Hyper } from '../../src/optim/hyper';
import type { Optimizer } from '../../src/optim/types';

export const GOLDEN_DIR = path.resolve(__dirname, '../golden');

export function loadGolden(name: 'P1' | 'P2'): GoldenFile {
  return JSON.parse(readFileSync(path.join(GOLDEN_DIR, `${name}.json`), 'utf8')) as GoldenFile;
}


/**
 * Tolerances from golden/README.md ("Suggested checks"): 1e-4 relative, about 10x over the worst float32
 * deviation measured there; stress runs (α falls steeply or goes negative) 2e-3.
 */
export function tolerance(run: GoldenRun): number {
  return run.stress ? 2e-3 : 1e-4;
}

/** Replays `run` (with `opt`, or the optimizer its reference class maps to) and compares with the golden steps. */
export async function checkRun(run: GoldenRun, file: GoldenFile, use?: { optimizer: Optimizer; hp: Hyper }): Promise<void> {
  const result = use ? await replayWith(file.problem, run, use.optimizer, use.hp) : await replayRun(file.problem, run);
  if ('error' in result) throw new Error(`${run.id}: ${result.error}`);
  const tol = tolerance(run);
  const lrScale = Math.max(...run.steps.map((s) => Math.abs(s.lr)));
  expect(result.steps.length).toBe(run.steps.length);
  run.steps.forEach((gold, k) => {
    const mine = result.steps[k];
    const where = `${run.id} step ${gold.step}`;
    expect(Math.abs(mine.loss - gold.loss), `${where} loss ${mine.loss} vs ${gold.loss}`).toBeLessThanOrEqual(tol * Math.abs(gold.loss) + 1e-5);
    expect(Math.abs(mine.lr - gold.lr), `${where} lr ${mine.lr} vs ${gold.lr}`).toBeLessThanOrEqual(tol * lrScale);
    if (gold.params) {
      expect(mine.params, `${where} params recorded`).toBeDefined();
      const scale = Math.max(...gold.params.map(Math.abs));
      let worst = 0;
      gold.params.forEach((g, i) => (worst = Math.max(worst, Math.abs(mine.params![i] - g))));
      expect(worst, `${where} params max abs error`).toBeLessThanOrEqual(tol * scale);
    }
  });
}

/**
 * The golden suite for one backend: each selected run within tolerance, unknown classes reported by id,
 * no tensors leaked. One test file per backend, because tfjs holds one global backend per process.
 */
export function goldenSuite(backend: string, setUp: () => Promise<string>, select: (runs: GoldenRun[]) => GoldenRun[] = (r) => r): void {
  beforeAll(async () => {
    expect(await setUp()).toBe(backend);
  });
  for (const name of ['P1', 'P2'] as const) {
    const file = loadGolden(name);
    describe(`golden ${name} on ${backend}`, () => {
      for (const run of select(file.runs)) it(run.id, () => checkRun(run, file));

      it('reports a run of an unknown class by id instead of skipping it', async () => {
        const run = { ...file.runs[0], id: 'made_up', class: 'NoSuchOptimizer' };
        expect(await replayRun(file.problem, run)).toEqual({ id: 'made_up', error: 'unknown optimizer class "NoSuchOptimizer"' });
      });

      it('leaks no tensors over a whole replay', async () => {
        const before = tf.memory().numTensors;
        await checkRun(file.runs.find((r) => r.id === 'adam_hd')!, file);
        expect(tf.memory().numTensors).toBe(before);
      });
    });
  }
}
