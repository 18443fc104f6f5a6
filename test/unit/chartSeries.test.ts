// What the charts draw from the series buffers: seed groups as mean + band, variant − baseline, the
// memo, and the time one refresh takes with 6 runs × 20,000 points.
import { afterEach, describe, expect, it } from 'vitest';
import type { TrainConfig } from '../../src/engine/types';
import { seriesBuffers } from '../../src/series/buffers';
import { chartEntities, diffEntities, eventXs, seriesForChart, xEnd, yExtent, type ChartRun } from '../../src/ui/chartSeries';

const BASE: TrainConfig = {
  dataset: 'mnist', model: 'ffnn100', optimizer: 'SGD-HD', alpha0: 0.01, beta: 1e-3, momentum: 0.9, weightDecay: 0,
  batchSize: 100, epochs: 1, iterations: 3, seed: 1, evalEvery: null,
};

function run(id: string, config: Partial<TrainConfig>): ChartRun {
  return { runId: id, label: id, style: { color: '#000' }, config: { ...BASE, ...config } };
}

/** Appends losses at the run's next iterations (1, 2, 3, … on the first call). */
function feed(id: string, loss: number[], lr = loss.map(() => 0.01)): void {
  const start = seriesBuffers.length(id);
  const its = loss.map((_, i) => start + i + 1);
  seriesBuffers.appendBatch({ runId: id, train: { iteration: its, epoch: its.map(() => 0), loss, lr, time: its.map((t) => t / 10) }, evals: [] });
}

afterEach(() => seriesBuffers.clear());

const OPTS = { smoothing: 0, xAxis: 'iteration' as const, zoom: null, threshold: 1500 };

describe('seed groups', () => {
  const runs = [run('s1', { seed: 1 }), run('s2', { seed: 2 }), run('s3', { seed: 3 })];
  it('runs equal but for the seed become one mean + band entity, unless each seed is asked for', () => {
    const e = chartEntities(runs, { family: 'all', showSeeds: false });
    expect(e.map((x) => x.kind)).toEqual(['seeds']);
    expect(e[0].runIds).toEqual(['s1', 's2', 's3']);
    expect(e[0].label).toMatch(/seeds 1, 2, 3 \(mean, band min–max\)/);
    expect(chartEntities(runs, { family: 'all', showSeeds: true }).map((x) => x.kind)).toEqual(['run', 'run', 'run']);
  });
  // Losses at iterations 1, 2, 3: [1, 2, 3], [3, 4, 5], [2, 9, 1] → mean [2, 5, 3], min [1, 2, 1], max [3, 9, 5].
  // Epoch axis, batch 100 of 60,000 → 600 iterations per epoch: x = t / 600.
  it('draws the mean line and the min–max band, on the chosen x axis', () => {
    feed('s1', [1, 2, 3]);
    feed('s2', [3, 4, 5]);
    feed('s3', [2, 9, 1]);
    const [e] = chartEntities(runs, { family: 'all', showSeeds: false });
    const [train] = seriesForChart('loss', [e], { ...OPTS, xAxis: 'epoch' });
    expect(Array.from(train.line.y)).toEqual([2, 5, 3]);
    expect(Array.from(train.line.x)).toEqual([1 / 600, 2 / 600, 3 / 600]);
    expect(Array.from(train.band!.lo)).toEqual([1, 2, 1]);
    expect(Array.from(train.band!.hi)).toEqual([3, 9, 5]);
    // The y range covers the band, not just the mean.
    expect(yExtent([train], null)).toEqual({ min: 1, max: 9, minPositive: 1 });
  });
});

describe('difference from baseline', () => {
  // SGDop-SGDNlop's baseline is SGD-HD (catalog); same experiment otherwise → one pair.
  // variant [1, 2, 3] − baseline [0.5, 0.5, 4] = [0.5, 1.5, −1].
  it('pairs a variant with its baseline run and draws variant − baseline', () => {
    const runs = [run('v', { optimizer: 'SGDop-SGDNlop' }), run('b', { optimizer: 'SGD-HD' }), run('plain', { optimizer: 'Adam' })];
    feed('v', [1, 2, 3]);
    feed('b', [0.5, 0.5, 4]);
    const d = diffEntities(runs, 'all');
    expect(d.entities.map((e) => e.label)).toEqual(['v − b']);
    expect(d.unpaired).toEqual(['b', 'plain']); // SGD-HD's own baseline (SGD) is absent; Adam has none
    const [s] = seriesForChart('loss', d.entities, OPTS);
    expect(s.metric).toBe('lossDiff');
    expect(Array.from(s.line.y)).toEqual([0.5, 1.5, -1]);
  });
});

describe('gradient evaluations axis', () => {
  /** A second-order run: losses with their cumulative gradient evaluations, and an evaluation at iteration 2. */
  function feedGe(id: string, loss: number[], gradEvals: number[]): void {
    const its = loss.map((_, i) => i + 1);
    seriesBuffers.appendBatch({
      runId: id,
      train: { iteration: its, epoch: its.map(() => 0), loss, lr: loss.map(() => 0.1), time: its.map((t) => t / 10), gradEvals },
      evals: [{ iteration: 2, epoch: 0, valLoss: 1, valAccuracy: 0.5, time: 0.2 }],
    });
  }
  it("a second-order run's points sit at its gradient evaluations; a first-order run's at its iterations", () => {
    feedGe('lbfgs', [3, 2, 1], [3, 7, 10]);
    feed('sgd', [3, 2, 1]);
    const runs = [run('lbfgs', { optimizer: 'L-BFGS', iterations: 6 }), run('sgd', { optimizer: 'SGD' })];
    const e = chartEntities(runs, { family: 'all', showSeeds: true });
    const [lTrain, lVal, sTrain] = seriesForChart('loss', e, { ...OPTS, xAxis: 'gradEvals' });
    expect(Array.from(lTrain.line.x)).toEqual([3, 7, 10]);
    expect(Array.from(lVal.line.x)).toEqual([7]); // the evaluation after iteration 2
    expect(Array.from(sTrain.line.x)).toEqual([1, 2, 3]);
    expect(eventXs(runs[0], [2, 3], 'gradEvals')).toEqual([7, 10]);
    // The axis end: L-BFGS's budget of 6 iterations at its rate so far (10 per 3 iterations) = 20.
    expect(xEnd(runs.map((r) => ({ ...r, budget: r.config.iterations ?? 0 })), 'gradEvals')).toBeCloseTo(20, 10);
  });
});

describe('memo', () => {
  it('the same series object until the run grows', () => {
    const runs = [run('a', {})];
    feed('a', [1, 2, 3]);
    const e = chartEntities(runs, { family: 'all', showSeeds: false });
    const first = seriesForChart('lr', e, OPTS)[0];
    expect(seriesForChart('lr', e, OPTS)[0]).toBe(first);
    feed('a', [4]);
    const next = seriesForChart('lr', e, OPTS)[0];
    expect(next).not.toBe(first);
    expect(next.full.x.length).toBe(4);
  });
  it('a family view keeps only that colour family', () => {
    const runs = [run('a', { optimizer: 'SGD-HD' }), run('b', { optimizer: 'Adam-HD' }), run('c', { optimizer: 'SGD' })];
    expect(chartEntities(runs, { family: 'sgd', showSeeds: true }).map((e) => e.runIds[0])).toEqual(['a', 'c']);
  });
});

describe('refresh cost, 6 runs × 20,000 points', () => {
  it('smoothing + LTTB of every series of the three charts stays far below a 50 ms task', () => {
    const N = 20_000;
    const runs = Array.from({ length: 6 }, (_, k) => run(`r${k}`, { optimizer: ['SGD', 'SGD-HD', 'SGDN', 'SGDN-HD', 'Adam', 'Adam-HD'][k] }));
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (const r of runs) {
      const loss = Array.from({ length: N }, (_, i) => 2 * Math.exp(-i / 4000) + 0.3 * rnd());
      seriesBuffers.appendBatch({
        runId: r.runId,
        train: { iteration: loss.map((_, i) => i + 1), epoch: loss.map(() => 0), loss, lr: loss.map((_, i) => 0.01 - i * 1e-6), time: loss.map((_, i) => i / 100) },
        evals: Array.from({ length: 34 }, (_, j) => ({ iteration: j * 600, epoch: j, time: j * 6, valLoss: 1 / (j + 1), valAccuracy: 0.9 })),
      });
    }
    const entities = chartEntities(runs, { family: 'all', showSeeds: false });
    const opts = { smoothing: 0.9, xAxis: 'epoch' as const, zoom: null, threshold: 1500 };
    const times: number[] = [];
    for (let round = 0; round < 7; round++) {
      // Worst case: every run got new points since the last refresh (all memo entries stale).
      for (const r of runs) feed(r.runId, [0.5]);
      const t0 = performance.now();
      for (const kind of ['loss', 'accuracy', 'lr'] as const) {
        const s = seriesForChart(kind, entities, opts);
        yExtent(s, null);
      }
      times.push(performance.now() - t0);
    }
    const sorted = [...times].sort((a, b) => a - b);
    const median = sorted[3];
    console.log(`chart refresh, 6 runs × ${N} points, smoothing 0.9, 3 charts: median ${median.toFixed(1)} ms, max ${sorted[6].toFixed(1)} ms`);
    const loss = seriesForChart('loss', entities, opts).filter((s) => s.metric === 'loss');
    for (const s of loss) {
      expect(s.line.x.length).toBe(1500);
      expect(s.line.x[0]).toBe(1 / 600); // first point kept
      expect(s.line.x[1499]).toBe((N + 7) / 600); // last point (after 7 single-point appends) kept
      expect(s.raw!.x.length).toBe(1500);
    }
    expect(median).toBeLessThan(50);
  });
});
