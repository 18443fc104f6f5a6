// The golden runs on the webgpu backend (in Node via Dawn; SwiftShader when there is no GPU: correct but
// slow, ~3 s per 60-step run, so one run per reference class and problem plus every stress run, not all 86).
import { describe, expect, it, beforeAll } from 'vitest';
import { useNodeWebgpu } from '../../src/engine/nodeWebgpu';
import { NOT_YET_IMPLEMENTED, checkRun, loadGolden } from './goldenCheck';
import type { GoldenRun } from '../../src/engine/replay';

beforeAll(async () => {
  expect(await useNodeWebgpu()).toBe('webgpu');
});

function sample(runs: GoldenRun[]): GoldenRun[] {
  const seen = new Set<string>();
  return runs.filter((r) => {
    if (NOT_YET_IMPLEMENTED.includes(r.class)) return false;
    const key = r.stress ? r.id : r.class;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

for (const name of ['P1', 'P2'] as const) {
  const file = loadGolden(name);
  describe(`golden ${name} on webgpu`, () => {
    for (const run of sample(file.runs)) it(run.id, () => checkRun(run, file));
  });
}
