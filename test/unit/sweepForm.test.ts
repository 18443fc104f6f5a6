// src/sweep/sweepForm.ts (the sweep's own fields) and src/sweep/sweepBase.ts (what it takes from the page,
// and the run configs of the grid).
import { describe, expect, it } from 'vitest';
import { DEFAULT_TEXTS } from '../../src/store/configStore';
import { sweepBaseFrom, sweepConfigs, sweepSeeds, type PageSettings } from '../../src/sweep/sweepBase';
import { alphaLabel, MAX_SWEEP_RUNS, pairedOrder, SWEEP_FORM_DEFAULTS, validateSweepForm, type SweepFormTexts } from '../../src/sweep/sweepForm';

const form = (p: Partial<SweepFormTexts>): SweepFormTexts => ({ ...SWEEP_FORM_DEFAULTS, ...p });

describe('alphaLabel and pairedOrder', () => {
  it('writes α₀ as on a log axis: mantissa e exponent, plain from 1 to below 1000', () => {
    expect([1e-4, 3.16e-4, 0.1, 0.316, 1, 3.16, 100, 999, 1000, 1e6].map(alphaLabel)).toEqual(['1e-4', '3.16e-4', '1e-1', '3.16e-1', '1', '3.16', '100', '999', '1e3', '1e6']);
  });

  it('puts each HD optimizer and variant right after the plain optimizer it is read against', () => {
    // Catalog: SGD … Adam (classic), SGD-HD … Adam-HD, variants. SGDop-Adamlop → SGD-HD → SGD; Adamop-Adamlop → Adam-HD → Adam.
    expect(pairedOrder(['Adam-HD', 'Adamop-Adamlop', 'SGD', 'Adam', 'SGDop-Adamlop', 'SGD-HD', 'nonsense'])).toEqual([
      'SGD', 'SGD-HD', 'SGDop-Adamlop', 'Adam', 'Adam-HD', 'Adamop-Adamlop',
    ]);
  });
});

describe('second-order optimizers in the α₀ sweep', () => {
  it('are swept like the others (α₀ is their lr), after the first-order ones, each its own line', () => {
    expect(pairedOrder(['L-BFGS', 'Adam-HD', 'ESGD-M', 'Adam'])).toEqual(['Adam', 'Adam-HD', 'ESGD-M', 'L-BFGS']);
    const v = validateSweepForm({ ...SWEEP_FORM_DEFAULTS, optimizers: ['ESGD-M', 'L-BFGS'] });
    expect(v.errors).toEqual({});
    expect(v.spec?.optimizers).toEqual(['ESGD-M', 'L-BFGS']);
  });
});

describe('validateSweepForm', () => {
  it('the defaults: 4 optimizers × 1e-4 … 1e-1 at 2 per decade, 200 steps, final loss, 1 seed', () => {
    const v = validateSweepForm(SWEEP_FORM_DEFAULTS);
    expect(v.errors).toEqual({});
    // Decades −4..−1 with 10^(1/2) = 3.16 in between, up to 1e-1: 1e-4, 3.16e-4, 1e-3, 3.16e-3, 1e-2, 3.16e-2, 1e-1.
    expect(v.alphas).toEqual([1e-4, 3.16e-4, 1e-3, 3.16e-3, 1e-2, 3.16e-2, 1e-1]);
    expect(v.spec).toEqual({
      optimizers: ['SGD', 'SGD-HD', 'Adam', 'Adam-HD'], // each plain optimizer with its HD one
      alphas: v.alphas,
      seedCount: 1,
      iterations: 200,
      metric: { kind: 'final-loss' },
    });
    expect(v.runCount).toBe(4 * 7);
  });

  it('refuses bad fields with a message each', () => {
    const v = validateSweepForm(form({ optimizers: [], from: 'abc', to: '0', perDecade: '1.5', iterations: '0', seeds: '11' }));
    expect(v.spec).toBeNull();
    expect(v.errors).toEqual({
      optimizers: 'tick at least one optimizer',
      from: 'must be a number, e.g. 1e-3',
      to: 'must be > 0',
      perDecade: 'must be a whole number from 1 to 100',
      iterations: 'must be a whole number from 1 to 100000',
      seeds: 'must be a whole number from 1 to 10',
    });
    expect(validateSweepForm(form({ from: '1e-1', to: '1e-3' })).errors).toEqual({ to: 'must be ≥ From' });
    expect(validateSweepForm(form({ to: '1e7' })).errors).toEqual({ to: 'must be between 1e-8 and 1e6' });
  });

  it('says when the range holds no grid value, or the grid is too large', () => {
    // 1 per decade: only powers of ten; none lies in [2e-3, 5e-3].
    expect(validateSweepForm(form({ from: '2e-3', to: '5e-3', perDecade: '1' })).errors.grid).toMatch(/no grid value/);
    // 4 optimizers × 1e-8…1e6 at 10 per decade (14 decades × 10 + 1 = 141 values) × 1 seed = 564 > 400.
    const big = validateSweepForm(form({ from: '1e-8', to: '1e6', perDecade: '10' }));
    expect(big.runCount).toBe(564);
    expect(big.runCount).toBeGreaterThan(MAX_SWEEP_RUNS);
    expect(big.errors.grid).toMatch(/^564 runs is more than 400/);
    expect(big.spec).toBeNull();
  });

  it('asks for a positive threshold only for iterations-to-threshold', () => {
    expect(validateSweepForm(form({ metric: 'final-loss', threshold: 'x' })).errors).toEqual({});
    expect(validateSweepForm(form({ metric: 'iterations-to-threshold', threshold: '-1' })).errors).toEqual({ threshold: 'must be > 0' });
    expect(validateSweepForm(form({ metric: 'iterations-to-threshold', threshold: '0.3' })).spec?.metric).toEqual({ kind: 'iterations-to-threshold', threshold: 0.3 });
  });
});

const PAGE: PageSettings = { dataset: 'mnist', model: 'logreg', width: 0.125, texts: { ...DEFAULT_TEXTS }, perOptimizer: {} };

describe('sweepBaseFrom and sweepConfigs', () => {
  it('builds short runs from the page settings: β per group, evaluation at the end only', () => {
    const b = sweepBaseFrom(PAGE, ['SGD', 'SGD-HD', 'Adam-HD'], null);
    expect(b.problems).toEqual([]);
    const spec = { optimizers: ['SGD', 'SGD-HD', 'Adam-HD'], alphas: [1e-3, 1e-2], seedCount: 2, iterations: 20, metric: { kind: 'final-loss' } as const };
    const configs = sweepConfigs(spec, b.base!);
    // α₀-major, then seed, then optimizer: 2 × 2 × 3 = 12 runs.
    expect(configs.map((c) => `${c.alpha0}/${c.seed}/${c.optimizer}`)).toEqual([
      '0.001/1/SGD', '0.001/1/SGD-HD', '0.001/1/Adam-HD', '0.001/2/SGD', '0.001/2/SGD-HD', '0.001/2/Adam-HD',
      '0.01/1/SGD', '0.01/1/SGD-HD', '0.01/1/Adam-HD', '0.01/2/SGD', '0.01/2/SGD-HD', '0.01/2/Adam-HD',
    ]);
    const c = configs.find((x) => x.optimizer === 'Adam-HD')!;
    // The page defaults (configStore DEFAULTS): β Adam 1e-7, μ 0.9, weight decay 1e-4, batch 128.
    expect(c).toMatchObject({ dataset: 'mnist', model: 'logreg', beta: 1e-7, momentum: 0.9, weightDecay: 1e-4, batchSize: 128, iterations: 20, evalEvery: 20 });
    expect(configs.find((x) => x.optimizer === 'SGD-HD')!.beta).toBe(1e-3);
    expect(c.width).toBeUndefined(); // only VGG takes the width
  });

  it('applies a β changed in an optimizer\'s own settings, as the page does', () => {
    const page = { ...PAGE, perOptimizer: { 'SGD-HD': { beta: '2e-3' } } };
    const b = sweepBaseFrom(page, ['SGD-HD'], null);
    const [c] = sweepConfigs({ optimizers: ['SGD-HD'], alphas: [1e-2], seedCount: 1, iterations: 5, metric: { kind: 'final-loss' } }, b.base!);
    expect(c.beta).toBe(2e-3);
    expect(c.options?.beta).toBe(2e-3);
  });

  it('lists the page fields that keep the sweep from running', () => {
    const page = { ...PAGE, texts: { ...DEFAULT_TEXTS, batchSize: '-5', momentum: '1' } };
    const b = sweepBaseFrom(page, ['SGD'], 'VGG-16-BN needs 32×32 images');
    expect(b.base).toBeNull();
    expect(b.problems).toEqual(['Batch size: must be an integer ≥ 1', 'Momentum μ: must be > 0 and < 1', 'Model: VGG-16-BN needs 32×32 images']);
  });

  it('seeds count up from the page seed, and must stay valid seeds', () => {
    expect(sweepSeeds(7, 3)).toEqual([7, 8, 9]);
    const top = { ...PAGE, texts: { ...DEFAULT_TEXTS, seed: String(2 ** 31 - 2) } };
    expect(sweepBaseFrom(top, ['SGD'], null, 2).problems).toEqual([]);
    expect(sweepBaseFrom(top, ['SGD'], null, 3).problems).toEqual(['Seed: 3 seeds from 2147483646 pass 2147483647']);
    expect(() => sweepSeeds(2 ** 31 - 1, 2)).toThrow(RangeError);
  });
});
