// src/sweep/sweepChartLayout.ts: axes and geometry of the α₀ chart, from points assembled by the real
// sweepPoints (a round trip), with the pixel positions derived by hand in the comments.
import { describe, expect, it } from 'vitest';
import type { RunState, TrainConfig } from '../../src/engine/types';
import { sweepPoints, type SweepMetric, type SweepRun } from '../../src/series/alphaSweep';
import { decadeLabel, layoutSweepChart, linearYAxis, logYAxis, xDomain, xTicksOf } from '../../src/sweep/sweepChartLayout';

const base: TrainConfig = {
  dataset: 'mnist', model: 'logreg', optimizer: 'SGD', alpha0: 1e-3, beta: 1e-3, momentum: 0.9, weightDecay: 0,
  batchSize: 128, epochs: 1, iterations: 20, seed: 1, evalEvery: 20,
};

/** A run whose final loss is `loss` (one logged step), or whose threshold crossing is at `loss` iterations. */
function run(optimizer: string, alpha0: number, loss: number | null, state: RunState = 'done', seed = 1, iteration = 1): SweepRun {
  return {
    runId: `${optimizer}-${alpha0}-${seed}`,
    config: { ...base, optimizer, alpha0, seed },
    state,
    train: loss === null ? { iteration: [], loss: [] } : { iteration: [iteration], loss: [loss] },
    evals: [],
  };
}

const ALPHAS = [1e-3, 1e-2, 1e-1];
const GRID = { alphas: ALPHAS, optimizers: ['SGD', 'SGD-HD'] };
// Plot: x0 = left margin 72, x1 = 286 − right margin 14 = 272 (200 px); y1 = 300 − bottom margin 38 = 262.
const SIZE = { width: 286, height: 300 };

describe('axes', () => {
  it('writes decades as 1e-4 … 1e-1, 1, 10, 100, 1e3', () => {
    expect([-4, -1, 0, 1, 2, 3].map(decadeLabel)).toEqual(['1e-4', '1e-1', '1', '10', '100', '1e3']);
  });

  it('x: a quarter decade of room each side, ticks at the decades inside', () => {
    expect(xDomain(ALPHAS)).toEqual([-3.25, -0.75]);
    expect(xDomain([1e-2])).toEqual([-2.5, -1.5]);
    expect(xTicksOf([-3.25, -0.75], ALPHAS).map((t) => t.label)).toEqual(['1e-3', '1e-2', '1e-1']);
    // Inside one decade (log10 2e-3 = −2.70 … log10 5e-3 = −2.30, ±0.25): no decade, so the grid values.
    expect(xTicksOf(xDomain([2.15e-3, 4.64e-3]), [2.15e-3, 4.64e-3]).map((t) => t.label)).toEqual(['2.15e-3', '4.64e-3']);
  });

  it('log y: whole decades around the values; 1-2-5 inside a single decade; every 3rd decade over 18', () => {
    // 0.2 … 0.5 lie in [1e-1, 1e0].
    expect(logYAxis(0.2, 0.5)).toEqual({ domain: [-1, 0], ticks: [0.1, 0.2, 0.5, 1] });
    // 0.02 … 3000: [1e-2, 1e4], 7 decades ≤ 9 ticks.
    expect(logYAxis(0.02, 3000)).toEqual({ domain: [-2, 4], ticks: [1e-2, 1e-1, 1, 10, 100, 1e3, 1e4] });
    // 1e-12 … 1e6 (an exact power: no decade added): 19 decades; every 2nd gives 10 > 9, every 3rd gives 7.
    expect(logYAxis(1e-12, 1e6).ticks).toEqual([1e-12, 1e-9, 1e-6, 1e-3, 1, 1e3, 1e6]);
  });

  it('linear y: from 0 up to the first tick ≥ max', () => {
    // 37: step 10 (37/4 = 9.25 → 10), ticks 0…30, then 40 added to cover 37.
    expect(linearYAxis(37)).toEqual({ domain: [0, 40], ticks: [0, 10, 20, 30, 40] });
    expect(linearYAxis(40)).toEqual({ domain: [0, 40], ticks: [0, 10, 20, 30, 40] });
    expect(linearYAxis(NaN).domain).toEqual([0, 1]);
  });
});

describe('layoutSweepChart', () => {
  const metric: SweepMetric = { kind: 'final-loss' };

  it('places points, breaks the line at a diverged cell, and marks it in the band', () => {
    const runs = [
      run('SGD', 1e-3, 0.5), run('SGD', 1e-2, 0.2), run('SGD', 1e-1, NaN, 'diverged'),
      run('SGD-HD', 1e-3, 0.3), run('SGD-HD', 1e-2, 0.25), run('SGD-HD', 1e-1, 0.4),
    ];
    const L = layoutSweepChart(sweepPoints(GRID, runs, metric), metric, ALPHAS, SIZE);
    // One band row (diverged): y = top 6 + 16/2 = 14; the plot starts below it at 6 + 16 + 6 = 28.
    expect(L.bands).toEqual([{ kind: 'diverged', label: 'diverged', y: 14 }]);
    expect(L.plot).toEqual({ x0: 72, x1: 272, y0: 28, y1: 262 });
    expect(L.yLog).toBe(true);
    expect(L.yTicks.map((t) => t.label)).toEqual(['0.1', '0.2', '0.5', '1']);
    // x: 72 + (log10 α + 3.25) / 2.5 · 200 → 1e-3: 92, 1e-2: 172, 1e-1: 252.
    expect(L.xTicks.map((t) => t.px)).toEqual([92, 172, 252]);
    // y over [1e-1, 1e0]: 262 − (log10 v + 1) · 234 → 0.5: 262 − 0.69897·234 = 98.44; 0.2: 262 − 0.30103·234 = 191.56.
    const sgd = L.series[0];
    expect(sgd.points.map((p) => [p.cx, p.cy])).toEqual([
      [92, expect.closeTo(98.44, 2)],
      [172, expect.closeTo(191.56, 2)],
    ]);
    expect(sgd.path).toBe('M92.0,98.4L172.0,191.6');
    // Two series: markers spread by (index − 0.5) · 5 px, SGD to the left: 252 − 2.5.
    expect(sgd.markers).toEqual([{ alpha0: 1e-1, cx: 249.5, cy: 14, kind: 'diverged', text: 'SGD, α₀ = 1e-1: diverged (1 of 1 runs)' }]);
    expect(L.series[1].points).toHaveLength(3);
    expect(L.series[1].path.match(/L/g)).toHaveLength(2); // one unbroken line through 3 points
    expect(L.pointCount).toBe(5);
    expect(L.markerCount).toBe(1);
    expect(sgd.points[0].text).toBe('SGD, α₀ = 1e-3: final loss 0.5');
    expect(sgd.points[0].whisker).toBeNull();
  });

  it('writes large log y ticks as powers, small ones plainly', () => {
    const runs = [run('SGD', 1e-3, 0.02), run('SGD', 1e-2, 3000)];
    const L = layoutSweepChart(sweepPoints(GRID, runs, metric), metric, ALPHAS, SIZE);
    // logYAxis(0.02, 3000): decades 1e-2 … 1e4.
    expect(L.yTicks.map((t) => t.label)).toEqual(['0.01', '0.1', '1', '10', '100', '1e3', '1e4']);
  });

  it('draws min–max whiskers and says so in the tooltip when seeds disagree', () => {
    const runs = [run('SGD', 1e-2, 0.2, 'done', 1), run('SGD', 1e-2, 0.4, 'done', 2)];
    const L = layoutSweepChart(sweepPoints(GRID, runs, metric), metric, ALPHAS, SIZE);
    // No markers: y0 = 6; values 0.2 … 0.4 → [1e-1, 1e0]; y = 262 − (log10 v + 1) · 256.
    const p = L.series[0].points[0];
    expect(p.value).toBeCloseTo(0.3, 12); // mean of 0.2 and 0.4
    expect(p.whisker!.top).toBeCloseTo(262 - (Math.log10(0.4) + 1) * 256, 9);
    expect(p.whisker!.bottom).toBeCloseTo(262 - (Math.log10(0.2) + 1) * 256, 9);
    expect(p.text).toBe('SGD, α₀ = 1e-2: final loss 0.3 (mean of 2 seeds, 0.2 to 0.4)');
    // Cells without finished runs draw nothing (SGD-HD has none).
    expect(L.series[1]).toEqual({ optimizer: 'SGD-HD', path: '', points: [], markers: [] });
  });

  it('iterations to a threshold: linear axis, and runs that never got there marked "not reached"', () => {
    const m: SweepMetric = { kind: 'iterations-to-threshold', threshold: 0.5 };
    const runs = [run('SGD', 1e-3, 0.4, 'done', 1, 12), run('SGD', 1e-2, 0.3, 'done', 1, 40), run('SGD-HD', 1e-3, 0.9)];
    const L = layoutSweepChart(sweepPoints(GRID, runs, m), m, ALPHAS, SIZE);
    expect(L.yLog).toBe(false);
    expect(L.yTitle).toBe('iterations to loss < 0.5');
    expect(L.yTicks.map((t) => t.value)).toEqual([0, 10, 20, 30, 40]);
    expect(L.yTicks.map((t) => t.label)).toEqual(['0', '10', '20', '30', '40']);
    expect(L.bands.map((b) => b.label)).toEqual(['not reached']);
    expect(L.series[0].points.map((p) => p.value)).toEqual([12, 40]);
    expect(L.series[1].markers.map((k) => [k.kind, k.text])).toEqual([['no-value', 'SGD-HD, α₀ = 1e-3: did not reach 0.5 (1 of 1 runs)']]);
  });
});
