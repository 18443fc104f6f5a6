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

export type GoldenName = 'P1' | 'P2' | 'second_order_P2';

export function loadGolden(name: GoldenName): GoldenFile {
  return JSON.parse(readFileSync(path.join(GOLDEN_DIR, `${name}.json`), 'utf8')) as GoldenFile;
}


/**
 * Tolerances from golden/README.md ("Suggested checks"): 1e-4 relative, about 10x over the worst float32
 * deviation measured there; stress runs (α falls steeply or goes negative) 2e-3.
 */
export function tolerance(run: GoldenRun): number {
  return run.stress ? 2e-3 : 1e-4;
}

/** second_order_P2.json states its tolerances per run (test/golden/README.md, "Second-order family"). */
interface RunTolerance {
  loss_rel: number;
  lr_rel: number;
  params_rel_to_max: number;
}
function tolerances(run: GoldenRun): RunTolerance {
  const own = (run as GoldenRun & { tolerance?: RunTolerance }).tolerance;
  const t = tolerance(run);
  return own ?? { loss_rel: t, lr_rel: t, params_rel_to_max: t };
}

/** Replays `run` (with `opt`, or the optimizer its reference class maps to) and compares with the golden steps. */
export async function checkRun(run: GoldenRun, file: GoldenFile, use?: { optimizer: Optimizer; hp: Hyper }): Promise<void> {
  const result = use ? await replayWith(file.problem, run, use.optimizer, use.hp) : await replayRun(file.problem, run);
  if ('error' in result) throw new Error(`${run.id}: ${result.error}`);
  const tol = tolerances(run);
  const lrScale = Math.max(...run.steps.map((s) => Math.abs(s.lr)));
  const effScale = Math.max(...run.steps.map((s) => Math.abs(s.effective_lr ?? 0)));
  expect(result.steps.length).toBe(run.steps.length);
  run.steps.forEach((gold, k) => {
    const mine = result.steps[k];
    const where = `${run.id} step ${gold.step}`;
    expect(Math.abs(mine.loss - gold.loss), `${where} loss ${mine.loss} vs ${gold.loss}`).toBeLessThanOrEqual(tol.loss_rel * Math.abs(gold.loss) + 1e-5);
    expect(Math.abs(mine.lr - gold.lr), `${where} lr ${mine.lr} vs ${gold.lr}`).toBeLessThanOrEqual(tol.lr_rel * lrScale);
    // ESGD-M's step size lr·(1 − lr_warmup^k); L-BFGS records lr (its line-search-free step), compared above.
    if (gold.effective_lr !== undefined && run.class === 'esgd.ESGD') {
      expect(Math.abs(mine.effective_lr! - gold.effective_lr), `${where} effective_lr ${mine.effective_lr} vs ${gold.effective_lr}`).toBeLessThanOrEqual(tol.lr_rel * effScale);
    }
    if (gold.params) {
      expect(mine.params, `${where} params recorded`).toBeDefined();
      const scale = Math.max(...gold.params.map(Math.abs));
      let worst = 0;
      gold.params.forEach((g, i) => (worst = Math.max(worst, Math.abs(mine.params![i] - g))));
      expect(worst, `${where} params max abs error`).toBeLessThanOrEqual(tol.params_rel_to_max * scale);
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
  for (const name of ['P1', 'P2', 'second_order_P2'] as const) {
    const file = loadGolden(name);
    describe(`golden ${name} on ${backend}`, () => {
      for (const run of select(file.runs)) it(run.id, () => checkRun(run, file));

      it('reports a run of an unknown class by id instead of skipping it', async () => {
        const run = { ...file.runs[0], id: 'made_up', class: 'NoSuchOptimizer' };
        expect(await replayRun(file.problem, run)).toEqual({ id: 'made_up', error: 'unknown optimizer class "NoSuchOptimizer"' });
      });

      const leakRuns = name === 'second_order_P2' ? ['esgd_qhm', 'lbfgs_plain'] : ['adam_hd'];
      it(`leaks no tensors over a whole replay (${leakRuns.join(', ')})`, async () => {
        for (const id of leakRuns) {
          const before = tf.memory().numTensors;
          await checkRun(file.runs.find((r) => r.id === id)!, file);
          expect(tf.memory().numTensors, id).toBe(before);
        }
      });
    });
  }
}
