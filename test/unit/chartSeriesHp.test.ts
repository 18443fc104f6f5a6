// The learning-rate chart's Hyperparameter select: α draws the lr column as always; μ, β₁, β₂, γ draw a
// Stack run's hp column for the runs that have it (seed groups only when every seed has it), and the
// caption names the runs that have none.
import { afterEach, describe, expect, it } from 'vitest';
import type { TrainColumns, TrainConfig } from '../../src/engine/types';
import { seriesBuffers } from '../../src/series/buffers';
import { chartEntities, hpCaption, runTunesHp, seriesForChart, type ChartRun } from '../../src/ui/chartSeries';

const BASE: TrainConfig = {
  dataset: 'mnist', model: 'ffnn100', optimizer: 'SGD-HD', alpha0: 0.01, beta: 1e-3, momentum: 0.9, weightDecay: 0,
  batchSize: 100, epochs: 1, iterations: 3, seed: 1, evalEvery: null,
};

function run(id: string, config: Partial<TrainConfig>): ChartRun {
  return { runId: id, label: id, style: { color: '#000' }, config: { ...BASE, ...config } };
}

function feed(id: string, lr: number[], hp?: TrainColumns['hp']): void {
  const its = lr.map((_, i) => i + 1);
  seriesBuffers.appendBatch({ runId: id, train: { iteration: its, epoch: its.map(() => 0), loss: its.map(() => 1), lr, time: its.map((t) => t / 10), hp }, evals: [] });
}

afterEach(() => seriesBuffers.clear());

const OPTS = { smoothing: 0, xAxis: 'iteration' as const, zoom: null, threshold: 1500 };
const adamStack = (id: string, seed = 1) => run(id, { optimizer: 'Stack', seed, options: { stack: 'Adam / SGD(1e-5)' } });
const sgdStack = (id: string) => run(id, { optimizer: 'Stack', options: { stack: 'SGD(0.01, μ=0.9) / SGD(1e-5)' } });

describe('learning-rate chart: the Hyperparameter select', () => {
  it('α (the default, or no choice) draws every run\'s lr column', () => {
    feed('plain', [0.1, 0.2, 0.3]);
    feed('adam', [0.01, 0.02, 0.03], { beta1: [0.9, 0.8, 0.7], beta2: [0.99, 0.98, 0.97] });
    const e = chartEntities([run('plain', {}), adamStack('adam')], { family: 'all', showSeeds: true });
    for (const o of [OPTS, { ...OPTS, hp: 'alpha' as const }]) {
      const s = seriesForChart('lr', e, o);
      expect(s.map((x) => [x.entity.key, x.metric])).toEqual([['run:plain', 'lr'], ['run:adam', 'lr']]);
      expect(Array.from(s[1].line.y)).toEqual([0.01, 0.02, 0.03]);
    }
  });

  it('another hyperparameter draws that column for the runs that have it, nothing for the others', () => {
    feed('plain', [0.1, 0.2, 0.3]);
    feed('adam', [0.01, 0.02, 0.03], { beta1: [0.9, 0.8, 0.7], beta2: [0.99, 0.98, 0.97] });
    feed('sgd', [0.01, 0.02, 0.03], { mu: [0.9, 0.91, 0.92] });
    const e = chartEntities([run('plain', {}), adamStack('adam'), sgdStack('sgd')], { family: 'all', showSeeds: true });
    const b1 = seriesForChart('lr', e, { ...OPTS, hp: 'beta1' });
    expect(b1.map((x) => [x.entity.key, x.metric])).toEqual([['run:adam', 'hp:beta1']]);
    expect(Array.from(b1[0].line.y)).toEqual([0.9, 0.8, 0.7]);
    expect(seriesForChart('lr', e, { ...OPTS, hp: 'mu' }).map((x) => [x.entity.key, Array.from(x.line.y)])).toEqual([['run:sgd', [0.9, 0.91, 0.92]]]);
    expect(seriesForChart('lr', e, { ...OPTS, hp: 'gamma' })).toEqual([]);
    // Only the learning-rate chart reads the choice.
    expect(seriesForChart('loss', e, { ...OPTS, hp: 'beta1' }).map((x) => x.metric)).toEqual(['loss', 'valLoss', 'loss', 'valLoss', 'loss', 'valLoss']);
  });

  it('a seed group draws the mean and band of its seeds\' columns', () => {
    feed('a1', [0.01, 0.01], { beta1: [0.9, 0.8] });
    feed('a2', [0.01, 0.01], { beta1: [0.7, 0.6] });
    const e = chartEntities([adamStack('a1', 1), adamStack('a2', 2)], { family: 'all', showSeeds: false });
    expect(e.map((x) => x.kind)).toEqual(['seeds']);
    const [s] = seriesForChart('lr', e, { ...OPTS, hp: 'beta1' });
    expect(Array.from(s.line.y).map((y) => +y.toFixed(12))).toEqual([0.8, 0.7]);
    expect(Array.from(s.band!.lo)).toEqual([0.7, 0.6]);
    expect(Array.from(s.band!.hi)).toEqual([0.9, 0.8]);
  });

  it('which runs tune what: the column, or before any point the Stack spec\'s model level', () => {
    expect(runTunesHp(adamStack('none-yet'), 'beta2')).toBe(true);
    expect(runTunesHp(adamStack('none-yet'), 'mu')).toBe(false);
    expect(runTunesHp(sgdStack('none-yet'), 'mu')).toBe(true);
    expect(runTunesHp(run('rms', { optimizer: 'Stack', options: { stack: 'RMSProp / SGD(1e-5)' } }), 'gamma')).toBe(true);
    expect(runTunesHp(run('bad', { optimizer: 'Stack', options: { stack: '((' } }), 'beta1')).toBe(false);
    expect(runTunesHp(run('plain', {}), 'beta1')).toBe(false);
    // The catalog's default stack (no options) is Adam at the model level.
    expect(runTunesHp(run('default', { optimizer: 'Stack' }), 'beta1')).toBe(true);
  });

  it('the caption says which runs have none', () => {
    const runs = [run('SGD-HD', {}), adamStack('Stack Adam')];
    expect(hpCaption('beta1', [run('SGD-HD', {})])).toBe('No run tunes β₁: only a Stack whose model level is Adam does.');
    expect(hpCaption('gamma', runs)).toBe('No run tunes γ: only a Stack whose model level is RMSProp does.');
    expect(hpCaption('mu', [])).toBe('No run tunes μ: only a Stack whose model level is SGD does.');
    const words = hpCaption('beta2', runs);
    expect(words).toMatch(/^β₂ after each iteration/);
    expect(words).toMatch(/Not drawn \(no β₂\): SGD-HD$/);
    expect(hpCaption('beta2', [adamStack('Stack Adam')])).not.toMatch(/Not drawn/);
  });
});
