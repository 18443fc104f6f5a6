import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useNodeBackend } from '../../src/engine/nodeBackends';
import { replayRun } from '../../src/engine/replay';
import { NOT_YET_IMPLEMENTED, checkRun, loadGolden } from './goldenCheck';

beforeAll(async () => {
  expect(await useNodeBackend('cpu')).toBe('cpu');
});

for (const name of ['P1', 'P2'] as const) {
  const file = loadGolden(name);
  const supported = file.runs.filter((r) => !NOT_YET_IMPLEMENTED.includes(r.class));
  describe(`golden ${name} on cpu`, () => {
    for (const run of supported) it(run.id, () => checkRun(run, file));

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
