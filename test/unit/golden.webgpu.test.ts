// The golden runs on the webgpu backend (in Node via Dawn; SwiftShader when there is no GPU: correct but
// slow, ~3 s per 60-step run, so one run per reference class and problem plus every stress run, not all 86).
import { useNodeWebgpu } from '../../src/engine/nodeWebgpu';
import type { GoldenRun } from '../../src/engine/replay';
import { goldenSuite } from './goldenCheck';

function onePerClassAndStress(runs: GoldenRun[]): GoldenRun[] {
  const seen = new Set<string>();
  return runs.filter((r) => {
    const key = r.stress ? r.id : r.class;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

goldenSuite('webgpu', useNodeWebgpu, onePerClassAndStress);
