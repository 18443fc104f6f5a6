// The Curvature panel's data (src/ui/curvatureSeries.ts): ESGD-M's per-layer √d quantiles regrouped per
// layer, thinned for a small chart, on a log axis (symmetric log when a √d is 0), and said in words.
import { describe, expect, it } from 'vitest';
import type { CurvatureRecord } from '../../src/engine/types';
import { curvatureByLayer, curvatureYAxis, layerSummary, thinIndices } from '../../src/ui/curvatureSeries';

const rec = (iteration: number, layers: [string, number, number, number][]): CurvatureRecord => ({
  iteration,
  layers: layers.map(([layer, q10, q50, q90]) => ({ layer, q10, q50, q90 })),
});

describe('curvature per layer', () => {
  const records = [
    rec(1, [['fc1', 0.001, 0.01, 0.1], ['fc2', 0.2, 0.3, 0.4]]),
    rec(2, [['fc1', 0.002, 0.02, 0.2], ['fc2', 0.25, 0.35, 0.45]]),
    rec(12, [['fc1', 0.003, 0.03, 0.3], ['fc2', 0.3, 0.4, 0.5]]),
  ];
  it('regroups the snapshots per layer, in the model order, iterations ascending', () => {
    const layers = curvatureByLayer(records);
    expect(layers.map((l) => l.layer)).toEqual(['fc1', 'fc2']);
    expect(Array.from(layers[0].iteration)).toEqual([1, 2, 12]);
    expect(Array.from(layers[0].q50)).toEqual([0.01, 0.02, 0.03]);
    expect(Array.from(layers[1].q90)).toEqual([0.4, 0.45, 0.5]);
  });
  it('no snapshot yet: no layer (the panel says so instead of drawing)', () => {
    expect(curvatureByLayer([])).toEqual([]);
  });
  it('thinning keeps everything up to the cap, else the first and the latest at an even stride', () => {
    expect(thinIndices(3, 10)).toEqual([0, 1, 2]);
    const k = thinIndices(1001, 5);
    expect(k).toEqual([0, 250, 500, 750, 1000]);
    expect(thinIndices(0, 5)).toEqual([]);
  });
  it('a log y axis over the 10–90 % band, whole decades', () => {
    const fc1 = curvatureByLayer(records)[0];
    const plan = curvatureYAxis(fc1);
    expect(plan?.kind).toBe('log');
    expect(plan?.domain).toEqual([-3, 0]);
  });
  it('a √d of 0 (a parameter no product reached) switches to a symmetric log axis from 0', () => {
    const plan = curvatureYAxis({ q10: Float64Array.of(0, 0), q50: Float64Array.of(0.01, 0.02), q90: Float64Array.of(0.1, 1) });
    expect(plan?.kind).toBe('symlog');
    expect(plan?.domain[0]).toBe(0);
    expect(curvatureYAxis({ q10: new Float64Array(0), q50: new Float64Array(0), q90: new Float64Array(0) })).toBeNull();
  });
  it('says the latest quantiles in words', () => {
    const fc2 = curvatureByLayer(records)[1];
    expect(layerSummary(fc2)).toBe('Layer fc2: 3 Hessian steps; at iteration 12 the median √d is 0.4, 10 % of the parameters below 0.3, 10 % above 0.5.');
    expect(layerSummary({ ...fc2, iteration: new Float64Array(0) })).toBe('Layer fc2: no Hessian step yet.');
  });
});
