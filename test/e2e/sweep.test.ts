// End to end in real headless Chromium against the built page, wasm backend, real MNIST: the α₀
// sensitivity sweep. A tiny grid (LogReg, SGD and SGD-HD × α₀ 1e-3, 1e-2, 1e-1 × 20 steps) runs in
// workers to the end; the chart, the table and the CSV hold its 6 cells; an α₀ far too large is marked
// diverged; Cancel stops the workers.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { parseCsv } from './csv';
import { downloaded, openApp, useSuite } from './suite';

const STEPS = 20;

const suite = useSuite();
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  page = await openApp(suite, pageErrors, { acceptDownloads: true });
  await page.getByLabel('Model', { exact: true }).selectOption('logreg');
});

const sweep = () => page.getByRole('region', { name: 'α₀ sensitivity' });
const box = (name: string) => sweep().getByRole('checkbox', { name: `${name} in the sweep`, exact: true });

async function setSweep(opts: { optimizers: string[]; from: string; to: string; perDecade: string; steps: number }): Promise<void> {
  for (const name of ['SGD', 'SGD-HD', 'SGDM', 'SGDM-HD', 'SGDN', 'SGDN-HD', 'Adam', 'Adam-HD']) {
    if (await box(name).isChecked()) await box(name).uncheck();
  }
  for (const name of opts.optimizers) await box(name).check();
  await sweep().getByLabel('From', { exact: true }).fill(opts.from);
  await sweep().getByLabel('To', { exact: true }).fill(opts.to);
  await sweep().getByLabel('Points per decade', { exact: true }).fill(opts.perDecade);
  await sweep().getByLabel('Steps per run', { exact: true }).fill(String(opts.steps));
}

const progress = () => sweep().getByRole('progressbar', { name: 'Sweep progress' });

async function runToEnd(runs: number): Promise<void> {
  await sweep().getByRole('button', { name: 'Run sweep' }).click();
  await page.waitForFunction(
    (n) => document.querySelector('#sweep-progress')?.getAttribute('aria-valuetext') === `${n} of ${n} runs` && /finished/.test(document.querySelector('.sweep-progress')?.textContent ?? ''),
    runs,
    { timeout: 240_000 },
  );
}

describe('the α₀ sensitivity sweep', () => {
  it('refuses a bad range with a message, and keeps Run sweep disabled', async () => {
    const from = sweep().getByLabel('From', { exact: true });
    await from.fill('abc');
    assert.equal(await from.getAttribute('aria-invalid'), 'true');
    await sweep().getByText('must be a number, e.g. 1e-3').waitFor();
    assert.equal(await sweep().getByRole('button', { name: 'Run sweep' }).isDisabled(), true);
    await from.fill('1e-4');
    assert.equal(await sweep().getByRole('button', { name: 'Run sweep' }).isDisabled(), false);
  });

  it('runs 2 optimizers × 3 α₀ to the end: chart points, a 6-row table, a 6-row CSV', async () => {
    await setSweep({ optimizers: ['SGD', 'SGD-HD'], from: '1e-3', to: '1e-1', perDecade: '1', steps: STEPS });
    await sweep().getByText('6 runs (2 optimizers × 3 α₀)', { exact: false }).waitFor();
    await runToEnd(6);

    const fig = sweep().getByRole('figure', { name: 'α₀ sensitivity: final loss' });
    assert.equal(await fig.getAttribute('data-points'), '6');
    assert.equal(await fig.getAttribute('data-markers'), '0');
    assert.equal(await fig.locator('circle.sweep-point').count(), 6);
    assert.equal(await fig.locator('path.sweep-line').count(), 2);
    // The SGD-HD line is dashed (its colour family's HD style); the x axis is labelled at decades.
    assert.ok(await fig.locator('g[data-optimizer="SGD-HD"] path.sweep-line').getAttribute('stroke-dasharray'));
    const ticks = await fig.locator('text.sweep-tick').allTextContents();
    for (const t of ['1e-3', '1e-2', '1e-1']) assert.ok(ticks.includes(t), `x tick ${t} in ${ticks.join(' ')}`);

    // The table (collapsed by default): 6 rows, each with a finite loss.
    await sweep().getByText(/^Table of values/).click();
    const rows = sweep().locator('.sweep-table tbody tr');
    assert.equal(await rows.count(), 6);
    for (let i = 0; i < 6; i++) {
      const value = Number(await rows.nth(i).locator('td').nth(1).textContent());
      assert.ok(Number.isFinite(value) && value > 0, `row ${i} has a loss: ${value}`);
    }

    const download = await downloaded(page, /\.csv$/, () => sweep().getByRole('button', { name: 'Download sweep CSV' }).click());
    assert.equal(download.suggestedFilename(), 'sweep-final_loss-mnist-logreg.csv');
    const { header, rows: csv } = parseCsv(readFileSync(await download.path(), 'utf8'));
    assert.deepEqual(header, ['optimizer', 'alpha0', 'seed', 'metric', 'value', 'state']);
    assert.equal(csv.length, 6);
    assert.deepEqual(csv.map((r) => `${r.optimizer}@${r.alpha0}`), ['SGD@0.001', 'SGD@0.01', 'SGD@0.1', 'SGD-HD@0.001', 'SGD-HD@0.01', 'SGD-HD@0.1']);
    for (const r of csv) {
      assert.equal(r.state, 'done');
      assert.equal(r.seed, '1'); // the page's seed
      assert.ok(Number.isFinite(Number(r.value)) && Number(r.value) > 0, `${r.optimizer}@${r.alpha0}: ${r.value}`);
    }
    // The table shows the CSV's numbers (3 significant digits), SGD at 1e-2 on row 2.
    assert.equal(await rows.nth(1).locator('td').nth(1).textContent(), String(Number(Number(csv[1].value).toPrecision(3))));
    // 20 steps of SGD on LogReg: the loss after them falls as α₀ grows from 1e-3 to 1e-1 (starting near ln 10 = 2.3).
    const sgd = csv.slice(0, 3).map((r) => Number(r.value));
    assert.ok(sgd[0] > sgd[1] && sgd[1] > sgd[2], `SGD final losses ${sgd.join(', ')}`);
    assert.deepEqual(pageErrors, []);
  });

  it('marks a run that diverges as diverged instead of dropping it', async () => {
    // Plain SGD on LogReg at α₀ = 1e6: the weights grow ×(1 − α₀·1e-4) = ×99 per step from weight decay alone
    // and overflow float32 within ~20 steps (measured: NaN at step 17 with the command-line trainer).
    await setSweep({ optimizers: ['SGD'], from: '1e6', to: '1e6', perDecade: '1', steps: STEPS });
    await runToEnd(1);
    const fig = sweep().getByRole('figure', { name: 'α₀ sensitivity: final loss' });
    assert.equal(await fig.getAttribute('data-points'), '0');
    assert.equal(await fig.getAttribute('data-markers'), '1');
    assert.equal(await fig.locator('text.sweep-band-label').textContent(), 'diverged');
    assert.match((await fig.locator('.sweep-diverged title').textContent()) ?? '', /SGD, α₀ = 1e6: diverged \(1 of 1 runs\)/);
    const row = sweep().locator('.sweep-table tbody tr');
    assert.equal(await row.count(), 1);
    assert.equal(await row.locator('td').nth(1).textContent(), 'diverged');
    assert.match(await sweep().locator('.sweep-progress').innerText(), /1 of 1 runs · finished in \d+ s · 1 diverged/);
  });

  it('Cancel stops the workers and starts no more runs', async () => {
    const trainWorkers = () => page.workers().filter((w) => w.url().includes('train.worker'));
    assert.equal(trainWorkers().length, 0);
    await setSweep({ optimizers: ['SGD', 'SGD-HD'], from: '1e-3', to: '1e-1', perDecade: '1', steps: 100_000 });
    await sweep().getByRole('button', { name: 'Run sweep' }).click();
    await page.waitForFunction(() => /running/.test(document.querySelector('.sweep-progress')?.textContent ?? ''), undefined, { timeout: 60_000 });
    // Wait until a run's worker is up, then cancel.
    const t0 = Date.now();
    while (trainWorkers().length === 0 && Date.now() - t0 < 60_000) await page.waitForTimeout(100);
    assert.ok(trainWorkers().length >= 1, 'a sweep worker started');
    await sweep().getByRole('button', { name: 'Cancel' }).click();
    await sweep().locator('.sweep-progress-text').getByText(/cancelled/).waitFor({ timeout: 5_000 });
    const t1 = Date.now();
    while (trainWorkers().length > 0 && Date.now() - t1 < 10_000) await page.waitForTimeout(100);
    assert.equal(trainWorkers().length, 0, 'every sweep worker is gone');
    assert.match((await progress().getAttribute('aria-valuetext')) ?? '', /^0 of 6 runs$/);
    assert.equal(await sweep().getByRole('button', { name: 'Run sweep' }).isDisabled(), false);
    await page.waitForTimeout(1500);
    assert.equal(trainWorkers().length, 0, 'no run starts after Cancel');
    assert.deepEqual(pageErrors, []);
  });
});
