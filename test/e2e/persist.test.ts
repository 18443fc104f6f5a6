// Nothing lost, in real Chromium (wasm, FFNN on MNIST): runs survive a reload with identical series
// (the exported CSV is the oracle: byte for byte before and after), a run cut off by a reload shows
// as interrupted with its data, renames and deletions survive a reload, Export CSV → Import CSV in a
// fresh browser profile gives back the same file, and a malformed CSV gets an alert naming the line.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Download, Page } from 'playwright-core';
import { pageUrl } from './browser';
import { useSuite } from './suite';
import config from '../../playwright.config';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
const ITERS = 30;
const EVAL_EVERY = 10;

const suite = useSuite();
let profile: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'persist-e2e-'));

async function openIn(context: BrowserContext): Promise<Page> {
  const p = await context.newPage();
  p.setDefaultTimeout(config.timeouts.action);
  p.setDefaultNavigationTimeout(config.timeouts.navigation);
  p.on('pageerror', (e) => pageErrors.push(String(e)));
  await p.goto(pageUrl(suite.server.url));
  await waitSaved(p);
  return p;
}

/** Storage has caught up with the page (restore finished, nothing pending). */
async function waitSaved(p: Page): Promise<void> {
  await p.locator('[data-persist="saved"]').waitFor({ timeout: 30_000 });
}

async function reload(p: Page): Promise<void> {
  await p.reload();
  await waitSaved(p);
}

/** Clicks Export CSV; returns the CSV text and the sidecar JSON (the two downloads). */
async function exportCsv(p: Page): Promise<{ csv: string; sidecar: Record<string, unknown>; csvName: string }> {
  const downloads: Download[] = [];
  const two = new Promise<void>((resolve) => {
    const on = (d: Download) => {
      downloads.push(d);
      if (downloads.length === 2) {
        p.off('download', on);
        resolve();
      }
    };
    p.on('download', on);
  });
  await p.getByRole('button', { name: 'Export CSV', exact: true }).click();
  await two;
  const [csvD, jsonD] = downloads;
  assert.match(csvD.suggestedFilename(), /\.csv$/);
  assert.equal(jsonD.suggestedFilename(), csvD.suggestedFilename().replace(/\.csv$/, '.json'));
  return {
    csv: readFileSync(await csvD.path(), 'utf8'),
    sidecar: JSON.parse(readFileSync(await jsonD.path(), 'utf8')) as Record<string, unknown>,
    csvName: csvD.suggestedFilename(),
  };
}

async function startTraining(p: Page, optimizers: string[], iterations: number): Promise<void> {
  const controls = p.getByRole('complementary', { name: 'Controls' });
  for (const box of await controls.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck();
  for (const name of optimizers) await controls.getByRole('checkbox', { name, exact: true }).check();
  await p.getByLabel('Iterations', { exact: true }).fill(String(iterations));
  await p.getByLabel(/Eval every/).fill(String(EVAL_EVERY));
  await p.getByRole('button', { name: 'Start' }).click();
}

const runsList = (p: Page) => p.getByRole('list', { name: /^All runs/ });

before(async () => {
  await suite.ready();
  profile = await suite.browser.newContext({ acceptDownloads: true });
  page = await openIn(profile);
});

let firstExport = '';

describe('runs kept in the browser', () => {
  it('two trained runs come back after a reload with identical series', async () => {
    await startTraining(page, ['SGD-HD', 'Adam'], ITERS);
    const status = page.getByRole('status');
    await status.filter({ hasText: /SGD-HD: done/ }).waitFor({ timeout: 180_000 });
    await status.filter({ hasText: /Adam: done/ }).waitFor({ timeout: 60_000 });
    await waitSaved(page);
    const before = await exportCsv(page);
    // Oracle: 2 runs × (30 iterations × 2 metrics + 4 evaluations (0, 10, 20, 30) × 2 metrics) + header.
    assert.equal(before.csv.trim().split('\n').length, 1 + 2 * (ITERS * 2 + 4 * 2));
    const side = before.sidecar as { app: { version: string }; userAgent: string; csvFile: string; backends: { used: string[]; requested: string };
      device: { hardwareConcurrency: number }; runs: { label: string; state: string; config: { optimizer: string } }[]; exportedAt: string };
    assert.equal(side.app.version, pkg.version);
    assert.equal(side.csvFile, before.csvName);
    assert.match(side.userAgent, /Chrome/);
    assert.deepEqual(side.backends, { requested: 'wasm', used: ['wasm'] });
    assert.ok(side.device.hardwareConcurrency >= 1);
    assert.ok(Math.abs(Date.parse(side.exportedAt) - Date.now()) < 60_000);
    assert.deepEqual(side.runs.map((r) => [r.label, r.state, r.config.optimizer]).sort(), [['Adam', 'done', 'Adam'], ['SGD-HD', 'done', 'SGD-HD']]);

    await reload(page);
    await status.filter({ hasText: /SGD-HD: done/ }).waitFor();
    await status.filter({ hasText: /Adam: done/ }).waitFor();
    assert.equal((await page.getByRole('figure', { name: 'Loss', exact: true }).locator('path.series-line').count()) >= 2, true, 'restored runs are drawn');
    const after = await exportCsv(page);
    assert.equal(after.csv, before.csv, 'the same CSV, byte for byte, after the reload');
    firstExport = before.csv;
  });

  it('a run cut off by a reload shows as interrupted, with its data up to the last write', async () => {
    await startTraining(page, ['SGD'], 100_000);
    const status = page.getByRole('status');
    await page.waitForFunction(() => /SGD \(run 2\): training, iteration (\d{2,})/.test(document.body.innerText), null, { timeout: 180_000 });
    await page.waitForTimeout(2500); // at least one flush (~1 s) after 10+ iterations
    await reload(page);
    const line = status.filter({ hasText: /SGD \(run 2\): interrupted at iteration/ });
    await line.waitFor();
    const n = Number(/interrupted at iteration (\d+)/.exec(await line.innerText())?.[1]);
    assert.ok(n >= 10, `interrupted at iteration ${n}`);
    const { csv } = await exportCsv(page);
    const rows = csv.trim().split('\n').slice(1).map((l) => l.split(','));
    const mine = rows.filter((r) => r[1] === 'SGD');
    const loss = mine.filter((r) => r[10] === 'train_loss').map((r) => Number(r[8]));
    assert.deepEqual(loss, Array.from({ length: n }, (_, i) => i + 1), 'every iteration up to the interruption, none missing');
    assert.ok(mine.every((r) => r[16] === 'interrupted'), 'the export says interrupted');
    // The two runs before it are still there, unchanged.
    assert.ok(csv.startsWith(firstExport), 'the earlier runs come first, byte for byte');
    assert.equal(await runsList(page).getByRole('listitem').count(), 3);
    // The page still trains after restoring: nothing is "active" any more.
    assert.equal(await page.getByRole('button', { name: 'Start' }).isDisabled(), false);
  });

  it('renaming (Enter saves, Escape cancels) and deleting survive a reload', async () => {
    const list = runsList(page);
    await list.getByRole('button', { name: 'Rename Adam' }).click();
    const field = list.getByRole('textbox', { name: 'New name for Adam' });
    await field.fill('Adam baseline');
    await field.press('Enter');
    await list.getByText('Adam baseline', { exact: true }).waitFor();
    // Focus returns to the Rename button.
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Rename Adam baseline');
    await list.getByRole('button', { name: 'Rename SGD-HD' }).click();
    await list.getByRole('textbox', { name: 'New name for SGD-HD' }).fill('not kept');
    await list.getByRole('textbox', { name: 'New name for SGD-HD' }).press('Escape');
    assert.equal(await list.getByText('not kept').count(), 0);
    await list.getByRole('button', { name: 'Delete SGD-HD' }).click();
    await page.getByRole('button', { name: 'Undo' }).waitFor();
    assert.equal(await list.getByRole('listitem').count(), 2);
    await waitSaved(page);
    await reload(page);
    const names = await list.locator('label.run-name').allInnerTexts();
    assert.deepEqual(names, ['Adam baseline', 'SGD (run 2)']);
    // Shown in the charts again: the status line uses the new name.
    await list.getByRole('checkbox', { name: 'Show Adam baseline in the charts' }).check();
    await page.getByRole('status').filter({ hasText: /Adam baseline: done/ }).waitFor();
  });

  it('Export CSV then Import CSV in a fresh profile gives back the same runs and series', async () => {
    const { csv } = await exportCsv(page);
    const file = join(dir, 'runs.csv');
    writeFileSync(file, csv);
    const fresh = await suite.browser.newContext({ acceptDownloads: true });
    try {
      const p = await openIn(fresh);
      const [chooser] = await Promise.all([p.waitForEvent('filechooser'), p.getByRole('button', { name: 'Import CSV', exact: true }).click()]);
      assert.equal(chooser.isMultiple(), true);
      await chooser.setFiles(file);
      await p.getByText('Imported 2 runs from runs.csv.').waitFor();
      await p.getByRole('status').filter({ hasText: /Adam \(imported\): done/ }).waitFor();
      await waitSaved(p);
      const again = await exportCsv(p);
      assert.equal(again.csv, csv, 'the re-export equals the imported file, byte for byte');
      // Imported runs are stored like any other.
      await reload(p);
      assert.equal((await exportCsv(p)).csv, csv);
    } finally {
      await fresh.close();
    }
  });

  it('a malformed CSV gets an alert naming the file, line and column; nothing else is lost', async () => {
    const good = firstExport.split('\n');
    const bad = [...good.slice(0, 3), good[3].replace(/,train_loss,[^,]*,/, ',train_loss,abc,'), ...good.slice(4)].join('\n');
    const file = join(dir, 'broken.csv');
    writeFileSync(file, bad);
    const before = await runsList(page).getByRole('listitem').count();
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Import CSV', exact: true }).click()]);
    await chooser.setFiles(file);
    const alert = page.getByRole('alert');
    await alert.filter({ hasText: /Could not import broken\.csv: line 4, column "value"/ }).waitFor();
    assert.equal(await runsList(page).getByRole('listitem').count(), before);
    // The page keeps working: export still works, and the runs are intact.
    const { csv } = await exportCsv(page);
    assert.ok(csv.split('\n').length > 10);
    assert.deepEqual(pageErrors, []);
  });

  it('without IndexedDB: one clear alert, and the page works in memory (import, charts, export)', async () => {
    const ctx = await suite.browser.newContext({ acceptDownloads: true });
    try {
      await ctx.addInitScript(() => Object.defineProperty(window, 'indexedDB', { value: undefined }));
      const p = await ctx.newPage();
      p.on('pageerror', (e) => pageErrors.push(String(e)));
      await p.goto(pageUrl(suite.server.url));
      await p.getByRole('alert').filter({ hasText: /could not open the runs storage of this browser: this browser offers no IndexedDB here.*export them as CSV to keep them/ }).waitFor();
      await p.locator('[data-persist="off"]').waitFor();
      const file = join(dir, 'runs-memory.csv');
      writeFileSync(file, firstExport);
      const [chooser] = await Promise.all([p.waitForEvent('filechooser'), p.getByRole('button', { name: 'Import CSV', exact: true }).click()]);
      await chooser.setFiles(file);
      await p.getByRole('status').filter({ hasText: /SGD-HD \(imported\): done/ }).waitFor();
      assert.equal((await exportCsv(p)).csv, firstExport);
      assert.deepEqual(pageErrors, []);
    } finally {
      await ctx.close();
    }
  });
});
