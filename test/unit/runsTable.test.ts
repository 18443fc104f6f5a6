// The runs table's numbers (src/series/runsTable.ts), against values worked out by hand in comments.
import { describe, expect, it } from 'vitest';
import type { EvalRecord, TrainConfig } from '../../src/engine/types';
import { buildRunsTable, cellText, compareRows, deltaAtLatestCommonEval, stat, summarizeRun, tableToTsv, type TableRunInput } from '../../src/series/runsTable';

const config = (optimizer: string, seed = 1): TrainConfig => ({
  dataset: 'mnist', model: 'ffnn100', optimizer, alpha0: 0.001, beta: 0.001, momentum: 0.9, weightDecay: 0,
  batchSize: 128, epochs: 1, iterations: 4, seed, evalEvery: null, evalPoints: 25,
});
const ev = (iteration: number, valLoss: number, valAccuracy: number): EvalRecord => ({ iteration, epoch: 0, time: 0, valLoss, valAccuracy });

function run(runId: string, optimizer: string, seed: number, loss: number[], evals: EvalRecord[], lr = [0.1, 0.12, 0.08, 0.11]): TableRunInput {
  return {
    runId, label: optimizer, config: config(optimizer, seed), state: 'done', backend: 'wasm',
    iteration: loss.map((_, i) => i + 1), loss, lr: lr.slice(0, loss.length), time: loss.map((_, i) => 0.1 * (i + 1)), evals,
  };
}

describe('summarizeRun', () => {
  const r = run('a', 'SGD-HD', 1, [2, 1, 0.5, 0.25], [ev(0, 2.3, 0.1), ev(2, 0.8, 0.6), ev(4, 0.9, 0.7)]);

  it('final, best, α range, threshold and speed', () => {
    expect(summarizeRun(r, 0, 0.6)).toEqual({
      iterations: 4,
      finalTrainLoss: 0.25,
      bestValLoss: 0.8, // at iteration 2, not the last (0.9)
      finalValLoss: 0.9,
      finalValAccuracy: 0.7,
      alphaFinal: 0.11,
      alphaMin: 0.08,
      alphaMax: 0.12,
      itersToThreshold: 3, // first loss below 0.6: 0.5 at iteration 3
      stepsPerSecond: 4 / 0.4,
    });
  });

  it('the final training loss is smoothed as the chart (debiased EMA over the whole series)', () => {
    // w = 0.5: m₁ = 1 → 1/0.5 = 2; m₂ = 0.5 + 0.5 = 1 → 1/0.75; m₃ = 0.5 + 0.25 = 0.75 → 0.75/0.875;
    // m₄ = 0.375 + 0.125 = 0.5 → 0.5/0.9375 = 0.5333…
    expect(summarizeRun(r, 0.5, null).finalTrainLoss).toBeCloseTo(0.5 / 0.9375, 12);
    expect(summarizeRun(r, 0.5, null).itersToThreshold).toBeNull();
  });

  it('a run with nothing yet, and a diverged step that never counts as below the threshold', () => {
    const empty = run('e', 'SGD', 1, [], []);
    expect(summarizeRun(empty, 0, 1)).toMatchObject({ iterations: 0, finalTrainLoss: null, finalValLoss: null, alphaFinal: null, stepsPerSecond: null });
    const nan = run('n', 'SGD', 1, [NaN, 0.1], [], [NaN, 0.2]);
    expect(summarizeRun(nan, 0, 0.5)).toMatchObject({ itersToThreshold: 2, alphaMin: 0.2, alphaMax: 0.2 });
  });
});

describe('deltaAtLatestCommonEval and stat', () => {
  it('compares at the latest evaluation both runs have', () => {
    const d = deltaAtLatestCommonEval([ev(0, 2, 0.1), ev(2, 1, 0.5), ev(4, 0.5, 0.8)], [ev(0, 2, 0.1), ev(2, 1.25, 0.45)]);
    expect(d).toEqual({ iteration: 2, valLoss: -0.25, valAccuracy: 0.5 - 0.45 });
    expect(deltaAtLatestCommonEval([ev(2, 1, 1)], [ev(4, 1, 1)])).toBeNull();
  });

  it('mean and sample std; one value has no std', () => {
    expect(stat([1, 2, 3])).toEqual({ mean: 2, std: 1, n: 3 });
    expect(stat([5, null])).toEqual({ mean: 5, std: null, n: 1 });
    expect(stat([null, NaN])).toBeNull();
  });
});

describe('buildRunsTable', () => {
  // SGD and SGD-HD, seeds 1 and 2 each: SGD-HD's baseline is SGD with the same seed and settings.
  const runs = [
    run('s1', 'SGD', 1, [1, 1, 1, 1], [ev(0, 2, 0.1), ev(4, 1.0, 0.80)]),
    run('h1', 'SGD-HD', 1, [1, 1, 1, 0.5], [ev(0, 2, 0.1), ev(4, 0.9, 0.82)]),
    run('s2', 'SGD', 2, [1, 1, 1, 1], [ev(0, 2, 0.1), ev(4, 1.2, 0.78)]),
    run('h2', 'SGD-HD', 2, [1, 1, 1, 0.7], [ev(0, 2, 0.1), ev(4, 0.8, 0.83)]),
  ];

  it('one row per run: Δ of SGD-HD vs SGD at the same seed', () => {
    const rows = buildRunsTable(runs, { smoothing: 0, threshold: null, groupSeeds: false });
    expect(rows.map((r) => [r.key, r.baseline])).toEqual([['s1', null], ['h1', 'SGD'], ['s2', null], ['h2', 'SGD']]);
    const h1 = rows[1];
    expect(h1.values.deltaValLoss?.mean).toBeCloseTo(0.9 - 1.0, 12);
    expect(h1.values.deltaValAccuracy?.mean).toBeCloseTo(0.82 - 0.8, 12);
    expect(h1.deltaAt).toEqual([4]);
    expect(rows[0].values.deltaValLoss).toBeNull();
  });

  it('seed groups: mean ± std across seeds, Δ per seed then averaged', () => {
    const rows = buildRunsTable(runs, { smoothing: 0, threshold: null, groupSeeds: true });
    expect(rows.map((r) => r.seeds)).toEqual([[1, 2], [1, 2]]);
    expect(rows[1].label).toMatch(/^SGD-HD · α₀ .* · seeds 1, 2$/);
    // Final validation loss of SGD-HD: 0.9 and 0.8 → mean 0.85, std √((0.05² + 0.05²)/1) = 0.0707…
    expect(rows[1].values.finalValLoss?.mean).toBeCloseTo(0.85, 12);
    expect(rows[1].values.finalValLoss?.std).toBeCloseTo(Math.sqrt(0.005), 12);
    // Δ loss per seed: 0.9 − 1.0 = −0.1 and 0.8 − 1.2 = −0.4 → mean −0.25, std √(0.15² · 2) = 0.2121…
    expect(rows[1].values.deltaValLoss?.mean).toBeCloseTo(-0.25, 12);
    expect(rows[1].values.deltaValLoss?.std).toBeCloseTo(Math.sqrt(0.045), 12);
  });

  it('sorts by any column, missing values last in both directions', () => {
    const rows = buildRunsTable(runs, { smoothing: 0, threshold: null, groupSeeds: false });
    const by = (c: Parameters<typeof compareRows>[2], desc: boolean) => [...rows].sort((a, b) => compareRows(a, b, c, desc)).map((r) => r.key);
    expect(by('finalValLoss', false)).toEqual(['h2', 'h1', 's1', 's2']);
    expect(by('finalValLoss', true)).toEqual(['s2', 's1', 'h1', 'h2']);
    expect(by('deltaValLoss', false)).toEqual(['h2', 'h1', 's1', 's2']);
    expect(by('deltaValLoss', true)).toEqual(['h1', 'h2', 's1', 's2']);
    expect(by('optimizer', false)).toEqual(['s1', 's2', 'h1', 'h2']);
  });
});

describe('the table as text', () => {
  const runs = [
    run('s1', 'SGD', 1, [1, 1, 1, 1], [ev(0, 2, 0.1), ev(4, 1.0, 0.80)]),
    run('h1', 'SGD-HD', 1, [1, 1, 1, 0.5], [ev(0, 2, 0.1), ev(4, 0.9, 0.82)]),
  ];
  const rows = buildRunsTable(runs, { smoothing: 0, threshold: 0.6, groupSeeds: false });

  it('Δ with sign, verdict and baseline; accuracy in percent points; — where there is nothing', () => {
    expect(cellText(rows[1], 'deltaValLoss')).toBe('−0.100 (better) vs SGD') // 3 significant digits, as formatNumber;
    expect(cellText(rows[1], 'deltaValAccuracy')).toBe('+2.00 pts (better) vs SGD');
    expect(cellText(rows[0], 'deltaValLoss')).toBe('—');
    expect(cellText(rows[1], 'finalValAccuracy')).toBe('82.00 %');
    expect(cellText(rows[1], 'itersToThreshold')).toBe('4');
    expect(cellText(rows[0], 'itersToThreshold')).toBe('—');
    expect(cellText(rows[1], 'alphaMin')).toBe('0.08');
  });

  it('seed groups as mean ± std', () => {
    const grouped = buildRunsTable(
      [run('a', 'SGD', 1, [1], [ev(1, 1, 0.5)]), run('b', 'SGD', 2, [1], [ev(1, 2, 0.5)])],
      { smoothing: 0, threshold: null, groupSeeds: true },
    );
    // 1 and 2: mean 1.5, sample std √0.5 = 0.7071 (4 significant digits for losses)
    expect(cellText(grouped[0], 'finalValLoss')).toBe('1.500 ± 0.7071');
  });

  it('TSV: a header line, one line per row, tabs inside cells replaced', () => {
    const tsv = tableToTsv(rows);
    const lines = tsv.trimEnd().split('\n');
    expect(lines.length).toBe(3);
    expect(lines[0].split('\t')[0]).toBe('Run');
    expect(lines[2].split('\t').slice(0, 4)).toEqual(['SGD-HD', 'SGD-HD', 'mnist / ffnn100', 'done']);
    expect(lines.every((l) => l.split('\t').length === lines[0].split('\t').length)).toBe(true);
  });
});
