// Adam + learned schedule on the page, in real headless Chromium on real MNIST (wasm backend): the Learned
// group, the Controller select and Load controller (a bad file's alert, a good one selected and kept), the
// shipped controller training next to Adam and Adam-HD, its learning rate changing only by ×1.05 or ÷1.05
// on the step after a decision, the ctrl:* rows of the tidy CSV, the Controller inputs panel, and a link
// naming a loaded controller opened in a browser without it.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { parseCsv } from './csv';
import { axeProblems, openAppWithAxe } from './axe';
import { downloaded, openApp, useSuite } from './suite';

const ITERS = 60;
const BATCH = 100;
const LEARNED = 'Adam + learned schedule';
const OPTIMIZERS = ['Adam', 'Adam-HD', LEARNED];
const SHIPPED_TEXT = readFileSync(new URL('../../public/controllers/mnist-mlp3-discrete.json', import.meta.url), 'utf8');
const CTRL_METRICS = ['train_loss', 'val_loss', 'pred_var', 'pred_change_var', 'out_w_mean', 'out_w_var', 'lr', 'factor', 'next_lr'].map((m) => `ctrl:${m}`);

const suite = useSuite();
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  page = await openAppWithAxe(suite, pageErrors);
});

const controllerSelect = (p: Page) => p.getByRole('combobox', { name: `${LEARNED}: Controller`, exact: true });
const loadInput = (p: Page) => p.getByLabel('Load controller', { exact: true });

describe('Adam + learned schedule', () => {
  it('sits in the Learned group; its settings have a Controller select and Load controller', async () => {
    const group = page.getByRole('group', { name: 'Learned', exact: true });
    await group.waitFor();
    for (const box of await page.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck();
    for (const name of OPTIMIZERS) await page.getByRole('checkbox', { name, exact: true }).check();
    assert.equal(await group.getByRole('checkbox', { name: LEARNED, exact: true }).isChecked(), true);

    await page.locator('summary', { hasText: `Settings: ${LEARNED}` }).click();
    const select = controllerSelect(page);
    assert.equal(await select.inputValue(), 'mnist-mlp3-discrete');
    assert.deepEqual(await select.locator('option').allInnerTexts(), ['MNIST, MLP3, discrete ×1.05 / ÷1.05 / keep']);
    assert.equal(await loadInput(page).getAttribute('type'), 'file');
    // Ticked but not run yet: the panel says what will appear.
    const panel = page.getByRole('region', { name: 'Controller inputs', exact: true });
    await panel.locator('[data-state=empty]').waitFor();
    assert.deepEqual(await axeProblems(page, '.opt-settings'), []);
    assert.deepEqual(await axeProblems(page, '.controller-inputs'), []);
    assert.deepEqual(await axeProblems(page, '.optimizers'), []);
  });

  it('a bad controller file: an alert naming the problem, nothing else changes', async () => {
    const bad = JSON.stringify({ format: 'hg-controller', version: 1, action: { kind: 'discrete', factor: 1.05 } });
    await loadInput(page).setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(bad) });
    const alert = page.locator('.controller-alert[role=alert]');
    await alert.waitFor();
    assert.match(await alert.innerText(), /^Could not load broken\.json: Bad controller file: /);
    assert.equal(await controllerSelect(page).inputValue(), 'mnist-mlp3-discrete');
    assert.equal(await controllerSelect(page).locator('option').count(), 1);
    assert.equal(await page.getByRole('button', { name: 'Start' }).isEnabled(), true);
    assert.deepEqual(await axeProblems(page, '.opt-settings'), []);
  });

  it('a good file is kept, listed and selected; keyboard picks the shipped one again', async () => {
    await loadInput(page).setInputFiles({ name: 'mine.json', mimeType: 'application/json', buffer: Buffer.from(SHIPPED_TEXT) });
    const select = controllerSelect(page);
    await page.waitForFunction(() => (document.querySelector('select[id$="-controller"]') as HTMLSelectElement | null)?.value.startsWith('file:'));
    const ref = await select.inputValue();
    assert.match(ref, /^file:[0-9a-f]{16}$/);
    assert.equal(await page.locator('.controller-alert').count(), 0, 'the alert is gone');
    const trained = (JSON.parse(SHIPPED_TEXT) as { trained: { dataset: string; model: string; timesteps: number } }).trained;
    assert.equal(await select.locator('option:checked').innerText(), `Loaded: mine.json (${trained.dataset}/${trained.model}, ${trained.timesteps} timesteps)`);
    // Kept in this browser: a reload lists it.
    const stored = await page.evaluate((r) => localStorage.getItem(`hg-controller:${r}`), ref);
    assert.equal(stored, SHIPPED_TEXT);
    // The link names it; a browser without the file keeps the name and says what to do.
    await page.waitForFunction((r) => new URLSearchParams(location.search).get('Adam-Learned.controller') === r, ref);
    const other = await openApp(suite, pageErrors, {}, page.url());
    await other.locator('summary', { hasText: `Settings: ${LEARNED}` }).click();
    assert.equal(await controllerSelect(other).inputValue(), ref);
    assert.match(await other.locator('.controller-missing').innerText(), /This browser has no controller file:[0-9a-f]{16}/);
    for (const name of ['Adam', 'Adam-HD']) await other.getByRole('checkbox', { name, exact: true }).uncheck();
    await other.getByLabel('Iterations', { exact: true }).fill('5');
    await other.getByRole('button', { name: 'Start' }).click();
    const status = other.getByRole('status').filter({ hasText: `${LEARNED}: error` });
    await status.waitFor({ timeout: 120_000 });
    assert.match(await status.innerText(), /the controller file file:[0-9a-f]{16} is not in this browser .*"Load controller"/);
    await other.getByRole('alert').filter({ hasText: 'is not in this browser' }).waitFor();
    await other.close();
    // Back to the shipped controller, by keyboard.
    await select.focus();
    await page.keyboard.press('ArrowUp');
    assert.equal(await select.inputValue(), 'mnist-mlp3-discrete');
  });

  it('trains next to Adam and Adam-HD: α changes only ×1.05 or ÷1.05, on the step after a decision; CSV ctrl:* rows; the panel draws', async () => {
    await page.getByLabel('Model', { exact: true }).selectOption('mlp3');
    await page.getByLabel('Batch size').fill(String(BATCH));
    await page.getByLabel('Iterations', { exact: true }).fill(String(ITERS));
    await page.getByRole('button', { name: 'Start' }).click();
    for (const name of OPTIMIZERS) {
      await page.getByRole('status').filter({ hasText: new RegExp(`${name.replace(/[+]/g, '\\+')}: done`) }).waitFor({ timeout: 180_000 });
    }

    // The Controller inputs panel: a line per learned run, its feature select, a sentence of the last values.
    const panel = page.getByRole('region', { name: 'Controller inputs', exact: true });
    const fig = panel.locator('figure[data-kind=controller]');
    await page.waitForFunction(() => Number(document.querySelector('figure[data-kind=controller]')?.getAttribute('data-points') ?? 0) >= 6);
    assert.equal(await fig.getAttribute('data-feature'), 'val_loss');
    await panel.getByLabel('Controller input', { exact: true }).selectOption('lr');
    assert.equal(await fig.getAttribute('data-feature'), 'lr');
    assert.match(await fig.locator('figcaption').innerText(), /Learning rate/);
    await fig.locator('path.series-line').first().waitFor();
    assert.match(await fig.locator('figcaption').textContent() ?? '', /Adam \+ learned schedule: 6 decisions; at iteration 60 the controller read training loss/);
    assert.deepEqual(await axeProblems(page, '.controller-inputs'), []);

    // The runs table names it by its label.
    assert.ok((await page.locator('.runs-table-section').innerText()).includes(LEARNED));

    const download = await downloaded(page, /\.csv$/, () => page.getByRole('button', { name: 'Export CSV' }).click());
    const { rows } = parseCsv(readFileSync(await download.path(), 'utf8'));
    const mine = rows.filter((r) => r.optimizer === 'Adam-Learned');
    const lr = mine.filter((r) => r.metric === 'lr').map((r) => ({ it: Number(r.iteration), v: Number(r.value) }));
    assert.equal(lr.length, ITERS);
    assert.ok(Math.abs(lr[0].v - 1e-3) < 1e-9, `starts at α₀: ${lr[0].v}`);
    const changes: number[] = [];
    for (let i = 1; i < lr.length; i++) {
      if (lr[i].v === lr[i - 1].v) continue;
      const ratio = lr[i].v / lr[i - 1].v;
      assert.ok(Math.abs(ratio - 1.05) < 1e-5 || Math.abs(ratio - 1 / 1.05) < 1e-5, `iteration ${lr[i].it}: ratio ${ratio}`);
      assert.equal(lr[i].it % 10, 1, `α changes only on the step after a decision (iteration ${lr[i].it})`);
      changes.push(lr[i].it);
    }
    assert.ok(changes.length >= 1, 'the controller changed α at least once');
    // One decision every 10 steps (the last at the last step), each with all its rows.
    const ctrl = mine.filter((r) => r.metric.startsWith('ctrl:'));
    assert.deepEqual([...new Set(ctrl.map((r) => Number(r.iteration)))], [10, 20, 30, 40, 50, 60]);
    for (const it of [10, 20, 30, 40, 50, 60]) assert.deepEqual(ctrl.filter((r) => Number(r.iteration) === it).map((r) => r.metric), CTRL_METRICS);
    // A decision's next_lr is the α of the next step.
    for (const it of [10, 20, 30, 40, 50]) {
      const next = Number(ctrl.find((r) => Number(r.iteration) === it && r.metric === 'ctrl:next_lr')!.value);
      assert.ok(Math.abs(next / lr[it].v - 1) < 1e-6, `iteration ${it + 1} runs at the decided α`);
    }
    assert.equal(rows.filter((r) => r.optimizer !== 'Adam-Learned' && r.metric.startsWith('ctrl:')).length, 0);
    assert.deepEqual(pageErrors, []);
  });

  it('runs in the α₀ sweep: its controller rescales from each α₀', async () => {
    const sweep = page.getByRole('region', { name: 'α₀ sensitivity' });
    const box = (name: string) => sweep.getByRole('checkbox', { name: `${name} in the sweep`, exact: true });
    for (const name of ['SGD', 'SGD-HD', 'Adam', 'Adam-HD']) if (await box(name).isChecked()) await box(name).uncheck();
    await sweep.locator('summary', { hasText: 'More optimizers' }).click();
    await box(LEARNED).check();
    await sweep.getByLabel('From', { exact: true }).fill('1e-3');
    await sweep.getByLabel('To', { exact: true }).fill('1e-2');
    await sweep.getByLabel('Points per decade', { exact: true }).fill('1');
    await sweep.getByLabel('Steps per run', { exact: true }).fill('20');
    await sweep.getByRole('button', { name: 'Run sweep' }).click();
    await page.waitForFunction(
      () => document.querySelector('#sweep-progress')?.getAttribute('aria-valuetext') === '2 of 2 runs' && /finished/.test(document.querySelector('.sweep-progress')?.textContent ?? ''),
      undefined,
      { timeout: 180_000 },
    );
    const download = await downloaded(page, /\.csv$/, () => sweep.getByRole('button', { name: 'Download sweep CSV' }).click());
    const { rows } = parseCsv(readFileSync(await download.path(), 'utf8'));
    assert.deepEqual(rows.map((r) => [r.optimizer, r.alpha0, r.state]), [['Adam-Learned', '0.001', 'done'], ['Adam-Learned', '0.01', 'done']]);
    for (const r of rows) assert.ok(Number.isFinite(Number(r.value)) && Number(r.value) > 0, `final loss ${r.value}`);
    assert.match(await sweep.locator('figure').first().innerText(), new RegExp(LEARNED.replace(/[+]/g, '\\+')));
    assert.deepEqual(pageErrors, []);
  });
});
