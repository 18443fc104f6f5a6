// Shared by the per-backend golden tests: replay every run of P1/P2 and compare with the reference
// trajectories within ../shared/golden/README.md's float32 tolerances.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { replayRun, replayWith, type GoldenFile, type GoldenRun } from '../../src/engine/replay';
import type { Optimizer } from '../../src/optim/types';

export const GOLDEN_DIR = path.resolve(__dirname, '../../../shared/golden');

export function loadGolden(name: 'P1' | 'P2'): GoldenFile {
  return JSON.parse(readFileSync(path.join(GOLDEN_DIR, `${name}.json`), 'utf8')) as GoldenFile;
}

/** Classes not implemented yet (issue 3 adds them); the golden test asserts this exact set is reported. */
export const NOT_YET_IMPLEMENTED = ['torch.optim.Adagrad', 'torch.optim.Adadelta', 'torch.optim.Adamax', 'torch.optim.RMSprop'];

/**
 * Tolerances from golden/README.md ("Suggested checks"): 1e-4 relative, about 10x over the worst float32
 * deviation measured there; stress runs (α falls steeply or goes negative) 2e-3.
 */
export function tolerance(run: GoldenRun): number {
  return run.stress ? 2e-3 : 1e-4;
}

/** Replays `run` (with `opt`, or the optimizer its reference class maps to) and compares with the golden steps. */
export async function checkRun(run: GoldenRun, file: GoldenFile, opt?: Optimizer): Promise<void> {
  const result = opt ? await replayWith(file.problem, run, opt) : await replayRun(file.problem, run);
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
    const supported = file.runs.filter((r) => !NOT_YET_IMPLEMENTED.includes(r.class));
    describe(`golden ${name} on ${backend}`, () => {
      for (const run of select(supported)) it(run.id, () => checkRun(run, file));

      it('reports runs of unknown classes by id instead of skipping them', async () => {
        const unknown = file.runs.filter((r) => NOT_YET_IMPLEMENTED.includes(r.class));
        expect(unknown.length).toBeGreaterThan(0);
        for (const run of unknown) expect(await replayRun(file.problem, run)).toEqual({ id: run.id, error: `unknown optimizer class "${run.class}"` });
      });

      it('leaks no tensors over a whole replay', async () => {
        const before = tf.memory().numTensors;
        await checkRun(supported.find((r) => r.id === 'adam_hd')!, file);
        expect(tf.memory().numTensors).toBe(before);
      });
    });
  }
}
