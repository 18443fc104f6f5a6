// End to end in real headless Chromium against the built page on real MNIST, wasm backend:
// tick two optimizers, change α₀, train a short budget, see all three charts receive points,
// export the CSVs and check their rows.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { parseCsv, type CsvRow } from './csv';
import { openPage } from './browser';
import { downloaded, openApp, useSuite } from './suite';

const ITERS = 40;
const EVAL_EVERY = 20;
const ALPHA0 = 0.01;

const suite = useSuite();
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  page = await openApp(suite, pageErrors, { acceptDownloads: true });
});

describe('the playground page', () => {
  it('refuses invalid input with a message next to the field', async () => {
    const alpha = page.getByRole('textbox', { name: /α₀/ });
    await alpha.fill('abc');
    await alpha.blur();
    await assert.doesNotReject(page.getByText(/must be a number/i).first().waitFor({ timeout: 5000 }));
    assert.equal(await alpha.getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByRole('button', { name: 'Start' }).isDisabled(), true);
    await page.getByLabel('Batch size').fill('-5');
    await page.getByLabel('Batch size').blur();
    assert.equal(await page.getByLabel('Batch size').getAttribute('aria-invalid'), 'true');
    await page.getByLabel('Batch size').fill('128');
  });

  it('trains two optimizers and streams loss, accuracy and learning rate into the charts', async () => {
    for (const box of await page.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck();
    await page.getByRole('checkbox', { name: 'SGD-HD', exact: true }).check();
    await page.getByRole('checkbox', { name: 'Adam', exact: true }).check();
    const alpha = page.getByRole('textbox', { name: /α₀/ });
    await alpha.fill(String(ALPHA0));
    await alpha.blur();
    assert.notEqual(await alpha.getAttribute('aria-invalid'), 'true');
    await page.getByLabel('Iterations', { exact: true }).fill(String(ITERS));
    await page.getByLabel(/Eval every/).fill(String(EVAL_EVERY));
    await page.getByRole('button', { name: 'Start' }).click();

    const status = page.getByRole('status').filter({ hasText: 'SGD-HD' });
    await status.filter({ hasText: /SGD-HD: done/ }).waitFor({ timeout: 180_000 });
    await page.getByRole('status').filter({ hasText: /Adam: done/ }).waitFor({ timeout: 60_000 });
    for (const name of ['Loss', 'Accuracy', 'Learning rate']) {
      const fig = page.getByRole('figure', { name, exact: true });
      await page.waitForFunction((el) => Number(el.getAttribute('data-points')) > 0, await fig.elementHandle(), { timeout: 10_000 });
      assert.ok((await fig.locator('path.series-line').count()) >= 2, `${name}: one line per run`);
      // Screen readers get the latest values in words.
      await fig.filter({ hasText: new RegExp(`Latest: .*SGD-HD .* at iteration ${name === 'Accuracy' ? ITERS : '\\d+'}`) }).waitFor({ timeout: 5_000 });
    }
    // Each run reports the backend it actually ran on (the header only echoes the requested one).
    const statusText = await page.getByRole('status').innerText();
    assert.match(statusText, /SGD-HD: done.*\(wasm\)/, `SGD-HD ran on wasm: ${statusText}`);
    assert.match(statusText, /Adam: done.*\(wasm\)/, `Adam ran on wasm: ${statusText}`);
    assert.deepEqual(pageErrors, []);
  });

  it('exports every run as one tidy CSV with the right rows', async () => {
    const download = await downloaded(page, /\.csv$/, () => page.getByRole('button', { name: 'Export CSV' }).click());
    const { header, rows } = parseCsv(readFileSync(await download.path(), 'utf8'));
    assert.deepEqual(header.slice(0, 12), ['run_id', 'optimizer', 'dataset', 'model', 'alpha0', 'beta', 'batch_size', 'seed', 'iteration', 'epoch', 'metric', 'value']);
    for (const opt of ['SGD-HD', 'Adam']) {
      const mine = rows.filter((r) => r.optimizer === opt);
      const of = (metric: string): CsvRow[] => mine.filter((r) => r.metric === metric);
      assert.deepEqual(of('train_loss').map((r) => Number(r.iteration)), Array.from({ length: ITERS }, (_, i) => i + 1), `${opt} train_loss iterations`);
      assert.equal(of('lr').length, ITERS);
      assert.deepEqual(of('val_loss').map((r) => Number(r.iteration)), [0, EVAL_EVERY, ITERS]);
      assert.deepEqual(of('val_accuracy').map((r) => Number(r.iteration)), [0, EVAL_EVERY, ITERS]);
      for (const r of mine) {
        assert.equal(Number(r.alpha0), ALPHA0);
        assert.equal(r.dataset, 'mnist');
        assert.equal(Number(r.batch_size), 128);
        assert.ok(Number.isFinite(Number(r.value)), `${opt} ${r.metric} ${r.iteration} is a number`);
      }
      const acc = of('val_accuracy').map((r) => Number(r.value));
      assert.ok(acc.every((a) => a >= 0 && a <= 1), 'accuracy is a fraction');
      // 40 steps at α = 0.01 on MNIST take a fresh network far above chance (10 %).
      assert.ok(acc[2] > 0.6, `${opt} learned: accuracy ${acc[2]}`);
      // α is unchanged by the first step (spec §0); Adam keeps it fixed throughout.
      assert.equal(Number(of('lr')[0].value), Number(Math.fround(ALPHA0)));
      if (opt === 'Adam') assert.ok(of('lr').every((r) => Number(r.value) === Math.fround(ALPHA0)));
      else assert.notEqual(Number(of('lr')[ITERS - 1].value), Math.fround(ALPHA0), 'SGD-HD adapts α');
    }
    assert.equal(new Set(rows.filter((r) => r.optimizer === 'SGD-HD').map((r) => r.beta)).size, 1);
    assert.equal(Number(rows.find((r) => r.optimizer === 'SGD-HD')?.beta), 1e-3);
  });

  it('exports a run in the reference layout', async () => {
    const download = await downloaded(page, /\.csv$/, () => page.getByRole('button', { name: /Reference CSV SGD-HD/ }).click());
    const { header, rows } = parseCsv(readFileSync(await download.path(), 'utf8'));
    assert.deepEqual(header, ['Epoch', 'Iteration', 'Time', 'Loss', 'LossEpoch', 'ValidLossEpoch', 'Alpha', 'AlphaEpoch', 'Beta']);
    assert.equal(rows.length, 1 + ITERS);
    assert.equal(rows[0].Iteration, '0');
    assert.equal(Number(rows[0].Alpha), ALPHA0);
    assert.deepEqual(rows.slice(1).map((r) => Number(r.Iteration)), Array.from({ length: ITERS }, (_, i) => i + 1));
    // 40 iterations are less than one 469-iteration epoch: no epoch-end values.
    assert.ok(rows.slice(1).every((r) => r.LossEpoch === 'nan'));
  });
});

describe('run control', () => {
  it('pauses, resumes and stops all runs', async () => {
    const status = page.getByRole('status');
    const iterationOf = async (): Promise<number> => Number((await status.innerText()).match(/SGD-HD[^:]*: (?:training|paused)[^\n]*?iteration (\d+)/)?.[1] ?? NaN);
    await page.getByLabel('Iterations', { exact: true }).fill('100000');
    await page.getByRole('button', { name: 'Start' }).click();
    await status.filter({ hasText: /SGD-HD[^:]*: training, iteration \d+/ }).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Pause' }).click();
    await status.filter({ hasText: /SGD-HD[^:]*: paused/ }).waitFor({ timeout: 10_000 });
    const pausedAt = await iterationOf();
    assert.ok(pausedAt > 0, `paused at a known iteration (${pausedAt})`);
    await page.waitForTimeout(1500);
    assert.equal(await iterationOf(), pausedAt, 'no progress while paused');
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.waitForFunction(
      (n) => Number(document.querySelector('[role=status]')?.textContent?.match(/SGD-HD[^:]*: training, iteration (\d+)/)?.[1]) > n,
      pausedAt, { timeout: 30_000 });
    await page.getByRole('button', { name: 'Stop' }).click();
    await status.filter({ hasText: /SGD-HD[^:]*: stopped/ }).waitFor({ timeout: 10_000 });
    await status.filter({ hasText: /Adam[^:]*: stopped/ }).waitFor({ timeout: 10_000 });
    assert.equal(await page.getByRole('button', { name: 'Start' }).isDisabled(), false);
    assert.deepEqual(pageErrors, []);
  });
});

describe('per-optimizer settings', () => {
  it('runs a variant next to its HD baseline with a safeguard and a quirk option, and exports them', async () => {
    const VARIANT = 'SGDop-Adamlop';
    const ITERS_HERE = 20;
    for (const box of await page.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck();
    await page.getByRole('checkbox', { name: VARIANT, exact: true }).check();
    // Without its baseline the page asks for it (a hint, not an error).
    await page.getByText(`${VARIANT}: also tick SGD-HD to compare`).waitFor({ timeout: 5_000 });
    await page.getByRole('checkbox', { name: 'SGD-HD', exact: true }).check();
    await page.getByText(`${VARIANT}: also tick SGD-HD to compare`).waitFor({ state: 'detached', timeout: 5_000 });

    await page.locator('summary', { hasText: `Settings: ${VARIANT}` }).click();
    await page.getByRole('checkbox', { name: `${VARIANT}: Forbid negative α`, exact: true }).check();
    assert.equal(await page.getByRole('textbox', { name: `${VARIANT}: α min`, exact: true }).inputValue(), '0');
    await page.getByRole('checkbox', { name: new RegExp(`^${VARIANT}: Corrected bias correction`) }).check();
    await page.getByLabel('Iterations', { exact: true }).fill(String(ITERS_HERE));
    await page.getByRole('button', { name: 'Start' }).click();

    const status = page.getByRole('status');
    await status.filter({ hasText: new RegExp(`${VARIANT}[^:\\n]*: done`) }).waitFor({ timeout: 180_000 });
    await status.filter({ hasText: /SGD-HD[^:\n]*: done/ }).waitFor({ timeout: 60_000 });

    const download = await downloaded(page, /\.csv$/, () => page.getByRole('button', { name: 'Export CSV' }).click());
    const { header, rows } = parseCsv(readFileSync(await download.path(), 'utf8'));
    assert.deepEqual(header.slice(-2), ['options', 'width']);
    const mine = rows.filter((r) => r.optimizer === VARIANT);
    assert.ok(mine.length > 0, 'the variant run is exported');
    for (const r of mine) {
      const opts = r.options.split(';');
      assert.ok(opts.includes('lrMin=0'), `options cell: ${r.options}`);
      assert.ok(opts.includes('correctedLrBiasCorrection=true'), `options cell: ${r.options}`);
    }
    const lr = mine.filter((r) => r.metric === 'lr').map((r) => Number(r.value));
    assert.equal(lr.length, ITERS_HERE);
    assert.ok(lr.every((a) => a >= 0), `α never negative: ${lr.join(' ')}`);
    // The baseline of the same Start ran with its defaults: an empty options cell.
    const runId = mine[0].run_id;
    const baseline = rows.filter((r) => r.optimizer === 'SGD-HD' && r.run_id === runId.replace(VARIANT, 'SGD-HD'));
    assert.ok(baseline.length > 0 && baseline.every((r) => r.options === ''));
    assert.deepEqual(pageErrors, []);
  });
});

describe('datasets', () => {
  it('trains SGD on Fashion-MNIST', async () => {
    // A fresh browser profile: the shared page's earlier runs are restored from IndexedDB on a reload.
    const page = await openPage(suite.browser, { acceptDownloads: true });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    // pageUrl(...) already carries ?backend=wasm (test/e2e/suite.browser.ts); say so explicitly all the same.
    await page.goto(`${suite.server.url}/?backend=wasm`);
    await page.getByText(/^MNIST ready/).waitFor({ timeout: 60_000 });
    await page.getByLabel('Dataset').selectOption('fashion-mnist');
    await page.getByText(/^Fashion-MNIST ready: 60,000 training and 10,000 test images/).waitFor({ timeout: 60_000 });
    for (const box of await page.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck();
    await page.getByRole('checkbox', { name: 'SGD', exact: true }).check();
    await page.getByLabel('Iterations', { exact: true }).fill('10');
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('status').filter({ hasText: /SGD: done/ }).waitFor({ timeout: 60_000 });
    const download = await downloaded(page, /\.csv$/, () => page.getByRole('button', { name: 'Export CSV' }).click());
    const { rows } = parseCsv(readFileSync(await download.path(), 'utf8'));
    const mine = rows.filter((r) => r.optimizer === 'SGD' && r.metric === 'train_loss');
    assert.equal(mine.length, 10);
    assert.ok(mine.every((r) => r.dataset === 'fashion-mnist'), 'the run records the chosen dataset');
    assert.deepEqual(pageErrors, []);
    await page.context().close();
  });
});

describe('dense validation by default', () => {
  it('a 300-iteration run with an empty Eval interval exports a validation curve, and the caption says on what', async () => {
    const optimizers = page.getByRole('group', { name: 'Optimizers', exact: true });
    for (const box of await optimizers.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck();
    await page.getByRole('checkbox', { name: 'SGD-HD', exact: true }).check();
    await page.getByLabel('Iterations', { exact: true }).fill('300');
    await page.getByLabel(/Eval every/).fill('');
    await page.getByRole('button', { name: 'Start' }).click();
    // The label may carry a number (an earlier SGD-HD run of the session has the plain one).
    await page.getByRole('status').filter({ hasText: /SGD-HD[^:\n]*: done, 300 iterations/ }).waitFor({ timeout: 180_000 });
    // 300 iterations at batch 128 (src/engine/budget.ts): every 12 iterations on a 250-image subset, all 10,000 at the end.
    const caption = page.getByRole('figure', { name: 'Accuracy', exact: true }).locator('.chart-caption');
    assert.match(await caption.innerText(), /Validation every 12 iterations on a fixed subset of 250 test images .*on all 10,000 at each epoch end and at the last iteration/);
    const download = await downloaded(page, /\.csv$/, () => page.getByRole('button', { name: 'Export CSV' }).click());
    const { rows } = parseCsv(readFileSync(await download.path(), 'utf8'));
    // The export holds every run of the session: this one is the SGD-HD run that trained 300 iterations.
    const runId = rows.find((r) => r.optimizer === 'SGD-HD' && r.metric === 'train_loss' && r.iteration === '300')?.run_id;
    const val = rows.filter((r) => r.run_id === runId && r.metric === 'val_loss').map((r) => Number(r.iteration));
    assert.ok(val.length >= 20, `${val.length} validation points`);
    assert.deepEqual(val, [0, ...Array.from({ length: 25 }, (_, i) => 12 * (i + 1))]);
    assert.deepEqual(pageErrors, []);
  });
});
