// src/cli/summary.ts: statistics, grouping and the markdown table, against hand-computed values.
import { describe, expect, it } from 'vitest';
import {
  formatInteger,
  formatMeanStd,
  formatNumber,
  formatRate,
  formatThreshold,
  groupByConfig,
  markdownTable,
  mean,
  sampleStd,
  summaryMarkdown,
  SUMMARY_FIELDS,
  toSummaryRow,
  type SummaryRow,
} from '../../src/cli/summary';

describe('mean and sample standard deviation', () => {
  it('match hand-computed values', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    // Σ(x − 2.5)² = 2.25 + 0.25 + 0.25 + 2.25 = 5; 5 / (4 − 1) = 5/3.
    expect(sampleStd([1, 2, 3, 4])).toBeCloseTo(Math.sqrt(5 / 3), 14);
    // Population std of this classic set is 2; Σ(x − 5)² = 32, sample std √(32/7).
    expect(sampleStd([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 14);
    expect(sampleStd([0.27, 0.28, 0.29])).toBeCloseTo(0.01, 14);
  });
  it('are NaN where undefined', () => {
    expect(mean([])).toBeNaN();
    expect(sampleStd([3])).toBeNaN();
    expect(sampleStd([])).toBeNaN();
  });
});

describe('numbers as people write them', () => {
  it('formatNumber: 3 significant digits, fixed from 0.001 to below a million, e-notation otherwise', () => {
    expect(formatNumber(0.27314)).toBe('0.273');
    expect(formatNumber(12.345)).toBe('12.3');
    expect(formatNumber(0.09996)).toBe('0.100'); // rounding carries into the next decade
    expect(formatNumber(0.0123)).toBe('0.0123');
    expect(formatNumber(-0.5)).toBe('-0.500');
    expect(formatNumber(4500)).toBe('4,500');
    expect(formatNumber(123456.7)).toBe('123,457');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(1e-7)).toBe('1e-7');
    expect(formatNumber(1.5e-4)).toBe('1.5e-4');
    expect(formatNumber(2345678)).toBe('2.35e6');
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber(NaN)).toBe('NaN');
    expect(formatNumber(Infinity)).toBe('∞');
  });
  it('formatRate: α₀ and β as written in papers', () => {
    expect(formatRate(0.1)).toBe('0.1');
    expect(formatRate(1)).toBe('1');
    expect(formatRate(0.01)).toBe('0.01');
    expect(formatRate(0.0134)).toBe('0.0134');
    expect(formatRate(2e-3)).toBe('2e-3');
    expect(formatRate(1e-7)).toBe('1e-7');
    expect(formatRate(0.0017441)).toBe('1.74e-3');
    expect(formatRate(-2.5e-4)).toBe('-2.5e-4');
  });
  it('formatInteger: rounded, thousands separated', () => {
    expect(formatInteger(1234.6)).toBe('1,235');
    expect(formatInteger(30)).toBe('30');
    expect(formatInteger(null)).toBe('—');
  });
  it('formatMeanStd: std to the mean’s decimals; one value alone; nulls ignored', () => {
    expect(formatMeanStd([0.27, 0.28, 0.29])).toBe('0.280 ± 0.010');
    expect(formatMeanStd([1.5, 2.5])).toBe('2.00 ± 0.71'); // std √0.5 = 0.7071
    expect(formatMeanStd([0.0123, 0.0125])).toBe('0.0124 ± 0.0001'); // std 1.414e-4
    expect(formatMeanStd([0.273])).toBe('0.273');
    expect(formatMeanStd([0.273, null])).toBe('0.273');
    expect(formatMeanStd([null, null])).toBe('—');
    expect(formatMeanStd([100, 200, 300], 'integer')).toBe('200 ± 100');
    // 0.90 and 0.92: mean 91 %, std √(2·0.01²) = 1.414 %.
    expect(formatMeanStd([0.9, 0.92], 'percent')).toBe('91.00 ± 1.41');
    // 1e-3 and 3e-3: mean 2e-3, std √(2·1e-6) = 1.414e-3.
    expect(formatMeanStd([1e-3, 3e-3], 'rate')).toBe('2e-3 ± 1.4e-3');
    expect(formatMeanStd([2e-4, 4e-4])).toBe('3e-4 ± 1.4e-4');
  });
  it('formatThreshold: mean over the seeds that reached it, with n/N reached', () => {
    // 100 and 300 reached: mean 200, std √(2·100²) = 141.4.
    expect(formatThreshold([100, null, 300], true)).toBe('200 ± 141 (2/3 reached)');
    expect(formatThreshold([250], true)).toBe('250 (1/1 reached)');
    expect(formatThreshold([null, null], true)).toBe('— (0/2 reached)');
    expect(formatThreshold([null], false)).toBe('—');
  });
});

const base = (over: Partial<SummaryRow>): SummaryRow => ({
  preset: 'p',
  dataset: 'mnist',
  model: 'logreg',
  optimizer: 'SGD',
  alpha0: 1e-3,
  beta: 1e-6,
  seed: 1,
  iterations: 100,
  grad_evals: 100,
  train_loss: 0.3,
  val_loss: 0.3,
  val_accuracy: 0.9,
  lr_final: 1e-3,
  lr_min: 1e-3,
  lr_max: 1e-3,
  iterations_to_threshold: null,
  wall_s: 1,
  state: 'done',
  ...over,
});

describe('summary rows and groups', () => {
  it('toSummaryRow keeps the issue’s fields, turns non-finite metrics into null and fills from the sweep', () => {
    const row = toSummaryRow(
      { dataset: 'mnist', model: 'logreg', optimizer: 'SGD-HD', alpha0: 1e-3, beta: 1e-3, seed: 2, iterations: 50, train_loss: 0.5, val_loss: null, val_accuracy: 0.8, lr_final: 2e-3, lr_min: 1e-3, lr_max: 3e-3, iterations_to_threshold: 12, wall_s: 1.5, state: 'diverged', extra: 1 },
      { preset: 'alpha-sweep', dataset: 'x', model: 'x', optimizer: 'x', alpha0: 9, beta: 9, seed: 9 },
    );
    expect(Object.keys(row)).toEqual([...SUMMARY_FIELDS, 'state']);
    expect(row).toMatchObject({ preset: 'alpha-sweep', optimizer: 'SGD-HD', seed: 2, val_loss: null, iterations_to_threshold: 12, state: 'diverged' });
    const filled = toSummaryRow({ train_loss: 'NaN' }, { preset: 'p', dataset: 'mnist', model: 'mlp', optimizer: 'Adam', alpha0: 1e-3, beta: 1e-7, seed: 3 });
    expect(filled).toMatchObject({ model: 'mlp', optimizer: 'Adam', alpha0: 1e-3, beta: 1e-7, seed: 3, train_loss: null, iterations: 0, grad_evals: 0 });
    // A summary from before gradient evaluations were counted: one per iteration.
    expect(row.grad_evals).toBe(50);
    expect(toSummaryRow({ iterations: 40, grad_evals: 73 }, { preset: 'p', dataset: 'mnist', model: 'mlp', optimizer: 'L-BFGS', alpha0: 1, beta: 0, seed: 1 }).grad_evals).toBe(73);
  });

  it('groupByConfig groups over seeds, in order of first appearance', () => {
    const rows = [
      base({ optimizer: 'SGD', seed: 1 }),
      base({ optimizer: 'Adam', beta: 1e-7, seed: 1 }),
      base({ optimizer: 'SGD', seed: 2 }),
      base({ optimizer: 'SGD', alpha0: 1e-2, seed: 1 }),
      base({ optimizer: 'Adam', beta: 1e-7, seed: 2 }),
    ];
    const g = groupByConfig(rows);
    expect(g.map((x) => [x.optimizer, x.alpha0, x.rows.map((r) => r.seed)])).toEqual([
      ['SGD', 1e-3, [1, 2]],
      ['Adam', 1e-3, [1, 2]],
      ['SGD', 1e-2, [1]],
    ]);
  });
});

describe('markdown', () => {
  it('markdownTable writes header, alignment and escaped cells', () => {
    expect(markdownTable(['a', 'b'], [['x|y', '1']], ['l', 'r'])).toBe('| a | b |\n|---|---:|\n| x\\|y | 1 |\n');
  });

  it('summaryMarkdown: one row per configuration, mean ± std over seeds, threshold column', () => {
    const rows = [
      base({ optimizer: 'SGD-HD', beta: 1e-3, seed: 1, iterations: 300, grad_evals: 300, train_loss: 0.30, val_loss: 0.28, val_accuracy: 0.92, lr_final: 0.01, lr_min: 1e-3, lr_max: 0.02, iterations_to_threshold: 200, wall_s: 2 }),
      base({ optimizer: 'SGD-HD', beta: 1e-3, seed: 2, iterations: 500, grad_evals: 500, train_loss: 0.32, val_loss: 0.30, val_accuracy: 0.90, lr_final: 0.03, lr_min: -1e-3, lr_max: 0.04, iterations_to_threshold: null, wall_s: 4 }),
      base({ optimizer: 'SGD', seed: 1, iterations: 5000, grad_evals: 5000, train_loss: 0.6, val_loss: null, val_accuracy: null, lr_final: null, lr_min: null, lr_max: null, state: 'diverged', wall_s: 3 }),
    ];
    const md = summaryMarkdown(rows, { title: 'Sweep p', notes: ['a note'], threshold: true, failed: ['run-x'] });
    const lines = md.split('\n');
    expect(lines[0]).toBe('# Sweep p');
    expect(md).toContain('a note');
    expect(md).toContain('| model | optimizer | α₀ | β | seeds | iterations | gradient evaluations | train loss | val loss | val accuracy (%) | α final | α min | α max | iterations to threshold | wall (s) |');
    // SGD-HD: iterations 400 ± 141 (√(2·100²)); train loss 0.310 ± 0.014; val loss 0.290 ± 0.014;
    // accuracy 91.00 ± 1.41; α final 0.02 ± 0.014; α min 0 ± 1.4e-3 (mean 0 exactly); α max 0.03 ± 0.014;
    // threshold reached by seed 1 only; wall 3.0 ± 1.4.
    expect(lines).toContain('| logreg | SGD-HD | 1e-3 | 1e-3 | 2 | 400 ± 141 | 400 ± 141 | 0.310 ± 0.014 | 0.290 ± 0.014 | 91.00 ± 1.41 | 0.02 ± 0.014 | 0 ± 1.4e-3 | 0.03 ± 0.014 | 200 (1/2 reached) | 3.0 ± 1.4 |');
    expect(lines).toContain('| logreg | SGD | 1e-3 | 1e-6 | 1 (1 diverged) | 5,000 | 5,000 | 0.600 | — | — | — | — | — | — (0/1 reached) | 3.0 |');
    expect(md).toContain('- run-x');
  });

  it('summaryMarkdown leaves the threshold column out when no run asks for one', () => {
    const md = summaryMarkdown([base({})], { title: 't', threshold: false });
    expect(md).not.toContain('threshold');
    expect(md).toContain('| logreg | SGD | 1e-3 | 1e-6 | 1 | 100 | 100 | 0.300 | 0.300 | 90.00 | 1e-3 | 1e-3 | 1e-3 | 1.0 |');
  });
});
