// Second-order optimizers on the page, in real headless Chromium on real MNIST (wasm backend): tick ESGD-M
// and L-BFGS next to Adam-HD, check their Settings render and validate (a count, the empty-allowed Max
// evaluations, the Strong-Wolfe checkbox), train a short budget with L-BFGS held to 2 inner iterations,
// see the Curvature panel draw ESGD-M's √d per layer, switch the charts to the Gradient evaluations axis,
// and export the tidy CSV with the runs' grad_evals and precond_q50:LAYER rows.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { parseCsv, type CsvRow } from './csv';
import { AXE_PAGE_OPTIONS, AXE_SOURCE } from './axe';
import { downloaded, openApp, useSuite } from './suite';

const ITERS = 30;
const EVAL_EVERY = 15;
const ALPHA0 = 0.01;
const LBFGS_MAX_ITER = 2;
const OPTIMIZERS = ['Adam-HD', 'ESGD-M', 'L-BFGS'] as const;

const suite = useSuite();
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  // CSP bypassed only so that axe can be injected (as in a11y.test.ts).
  page = await openApp(suite, pageErrors, AXE_PAGE_OPTIONS);
});

const figure = (name: string): Locator => page.getByRole('figure', { name, exact: true });

async function xTicks(fig: Locator): Promise<number[]> {
  const texts = await fig.locator('.recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value').allTextContents();
  return texts.map(Number);
}

describe('second-order optimizers', () => {
  it('the picker has a Second order group; L-BFGS settings render and validate', async () => {
    const group = page.getByRole('group', { name: 'Second order', exact: true });
    await group.waitFor();
    assert.match((await group.getAttribute('aria-describedby')) ?? '', /note/, 'the group explains its cost');
    for (const box of await page.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck();
    for (const name of OPTIMIZERS) await page.getByRole('checkbox', { name, exact: true }).check();
    // Keyboard: the group's checkboxes are ordinary checkboxes (Space toggles).
    const esgd = group.getByRole('checkbox', { name: 'ESGD-M', exact: true });
    await esgd.focus();
    await page.keyboard.press('Space');
    assert.equal(await esgd.isChecked(), false);
    await page.keyboard.press('Space');
    assert.equal(await esgd.isChecked(), true);

    await page.locator('summary', { hasText: 'Settings: L-BFGS' }).click();
    const maxIter = page.getByRole('textbox', { name: 'L-BFGS: Max iterations', exact: true });
    assert.equal(await maxIter.inputValue(), '20');
    const maxEval = page.getByRole('textbox', { name: 'L-BFGS: Max evaluations', exact: true });
    assert.equal(await maxEval.inputValue(), '', 'empty = torch default');
    assert.equal(await maxEval.getAttribute('placeholder'), 'default');
    const start = page.getByRole('button', { name: 'Start' });
    await maxEval.fill('0');
    await page.getByText('must be a whole number ≥ 1').first().waitFor();
    assert.equal(await maxEval.getAttribute('aria-invalid'), 'true');
    assert.equal(await start.isDisabled(), true);
    await maxEval.fill('');
    assert.notEqual(await maxEval.getAttribute('aria-invalid'), 'true');
    await maxIter.fill('2.5');
    assert.equal(await maxIter.getAttribute('aria-invalid'), 'true');
    await maxIter.fill(String(LBFGS_MAX_ITER));
    assert.notEqual(await maxIter.getAttribute('aria-invalid'), 'true');
    const wolfe = page.getByRole('checkbox', { name: 'L-BFGS: Strong-Wolfe line search', exact: true });
    assert.equal(await wolfe.isChecked(), false);
    await wolfe.check();
    await wolfe.uncheck();
    assert.equal(await start.isDisabled(), false);
  });

  it('trains ESGD-M, L-BFGS and Adam-HD; the Curvature panel draws √d per layer', async () => {
    const alpha = page.getByRole('textbox', { name: /α₀/ }).first();
    await alpha.fill(String(ALPHA0));
    await alpha.blur();
    await page.getByLabel('Iterations', { exact: true }).fill(String(ITERS));
    await page.getByLabel(/Eval every/).fill(String(EVAL_EVERY));
    await page.getByRole('button', { name: 'Start' }).click();

    const curvature = page.getByRole('region', { name: 'Curvature', exact: true });
    await curvature.waitFor({ timeout: 60_000 });
    const description = await page.locator(`#${await curvature.getAttribute('aria-describedby')}`).innerText();
    assert.match(description, /ESGD-M divides each parameter's step by √d: larger √d, smaller step/);

    for (const name of OPTIMIZERS) await page.getByRole('status').filter({ hasText: new RegExp(`${name}: done`) }).waitFor({ timeout: 120_000 });

    const layers = curvature.locator('figure[data-kind=curvature]');
    await layers.first().waitFor({ timeout: 10_000 });
    const n = await layers.count();
    assert.ok(n >= 1, 'one small chart per layer');
    for (let i = 0; i < n; i++) {
      const fig = layers.nth(i);
      assert.ok(Number(await fig.getAttribute('data-points')) > 0, `layer ${await fig.getAttribute('data-layer')} has points`);
      assert.equal(await fig.locator('path.series-line').count(), 1, 'the median line');
      assert.equal(await fig.locator('path.series-band').count(), 1, 'the 10–90 % band');
      assert.match(await fig.innerText(), /Hessian steps?; at iteration \d+ the median √d is/);
    }
    // The runs table and the learning-rate chart say what a second-order run's "α" is.
    const caption = await page.getByRole('table').locator('caption').innerText();
    assert.match(caption, /ESGD-M and L-BFGS: the α columns hold the run's step size/);
    // The learning-rate chart says what a second-order run's value is.
    assert.match(await figure('Learning rate').locator('.chart-caption').innerText(), /Second-order and learning-rate-free runs show their step size/);
  });

  it('the Gradient evaluations axis redraws the charts (second-order runs spend more than one per iteration)', async () => {
    const xAxis = page.getByLabel('X axis', { exact: true });
    await xAxis.selectOption({ label: 'Gradient evaluations' });
    await page.waitForFunction(() => document.querySelector('[data-kind=loss] .recharts-label')?.textContent === 'Gradient evaluations');
    for (const name of ['Loss', 'Accuracy', 'Learning rate']) {
      assert.equal(await figure(name).locator('.recharts-label').textContent(), 'Gradient evaluations', name);
      assert.ok(Number(await figure(name).getAttribute('data-points')) > 0, `${name} still draws`);
    }
    const ticks = await xTicks(figure('Loss'));
    assert.ok(ticks[ticks.length - 1] > ITERS, `the axis reaches past ${ITERS} iterations' worth: ${ticks}`);
    const curvatureX = page.locator('figure[data-kind=curvature] .recharts-label').first();
    assert.equal(await curvatureX.textContent(), 'Gradient evaluations', 'the curvature charts follow the x axis');
    await xAxis.selectOption('iteration');
  });

  it('axe finds no violation in the optimizer picker and the Curvature panel (light and dark theme)', async () => {
    await page.evaluate(AXE_SOURCE);
    for (const theme of ['light', 'dark'] as const) {
      await page.getByLabel('Theme', { exact: true }).selectOption(theme);
      // A string: tsx would wrap an inner function in a helper the page does not have.
      const found = (await page.evaluate(
        `axe.run({ include: [['.optimizers'], ['.curvature']] }, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(' | ')))`,
      )) as string[];
      assert.deepEqual(found, [], theme);
    }
    await page.getByLabel('Theme', { exact: true }).selectOption('system');
  });

  it('exports grad_evals for the second-order runs and precond quantiles for ESGD-M', async () => {
    const download = await downloaded(page, /\.csv$/, () => page.getByRole('button', { name: 'Export CSV' }).click());
    const { rows } = parseCsv(readFileSync(await download.path(), 'utf8'));
    const of = (opt: string, metric: string | RegExp): CsvRow[] =>
      rows.filter((r) => r.optimizer === opt && (typeof metric === 'string' ? r.metric === metric : metric.test(r.metric)));
    for (const opt of ['ESGD-M', 'L-BFGS']) {
      assert.equal(of(opt, 'train_loss').length, ITERS, `${opt} train_loss rows`);
      const ge = of(opt, 'grad_evals').map((r) => Number(r.value));
      assert.equal(ge.length, ITERS, `${opt} grad_evals rows`);
      assert.ok(ge.every((v, i) => Number.isFinite(v) && (i === 0 || v >= ge[i - 1])), `${opt} grad_evals non-decreasing`);
      assert.ok(ge[ge.length - 1] > ITERS, `${opt} spends more than one gradient evaluation per iteration: ${ge[ge.length - 1]}`);
    }
    const q50 = of('ESGD-M', /^precond_q50:/);
    assert.ok(q50.length > 0, 'ESGD-M precond_q50:LAYER rows');
    assert.ok(q50.every((r) => Number.isFinite(Number(r.value)) && Number(r.value) >= 0), 'quantiles of √d are numbers ≥ 0');
    for (const q of ['precond_q10:', 'precond_q90:']) assert.ok(of('ESGD-M', new RegExp(`^${q}`)).length === q50.length, q);
    assert.equal(of('L-BFGS', /^precond_/).length, 0, 'L-BFGS has no preconditioner quantiles');
    assert.equal(of('Adam-HD', 'grad_evals').length, 0, 'a first-order run has no grad_evals rows');
    assert.deepEqual(pageErrors, []);
  });
});
