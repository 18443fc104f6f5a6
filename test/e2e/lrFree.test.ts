// Learning-rate-free optimizers on the page, in real headless Chromium on real MNIST (wasm backend): the
// "Learning-rate free" group with each optimizer's checkbox by its name, their own α₀ (COCOB's says it is
// unused), a short training of all seven next to Adam-HD, the learning-rate chart's note on their step
// sizes, and the tidy CSV with their rows.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { parseCsv } from './csv';
import { downloaded, openApp, useSuite } from './suite';

const ITERS = 20;
const LR_FREE = ['SF-SGD', 'SF-AdamW', 'COCOB', 'DoG', 'D-Adapt-SGD', 'D-Adapt-Adam', 'Prodigy'] as const;

const suite = useSuite();
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  page = await openApp(suite, pageErrors, { acceptDownloads: true, viewport: { width: 1440, height: 1000 } });
});

describe('learning-rate-free optimizers', () => {
  it('the picker has a Learning-rate free group with each optimizer by name; their α₀ is their own', async () => {
    const group = page.getByRole('group', { name: 'Learning-rate free', exact: true });
    await group.waitFor();
    for (const box of await page.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck();
    for (const name of ['Adam-HD', ...LR_FREE]) await page.getByRole('checkbox', { name, exact: true }).check();
    await page.locator('summary', { hasText: 'Settings: Prodigy' }).click();
    assert.equal(await page.getByRole('textbox', { name: 'Prodigy: α₀', exact: true }).inputValue(), '1', "Prodigy's own lr scale, not the page's α₀");
    assert.equal(await page.getByRole('checkbox', { name: 'Prodigy: Decoupled weight decay', exact: true }).isChecked(), true, "Prodigy's default");
    await page.locator('summary', { hasText: 'Settings: COCOB' }).click();
    const cocobAlpha = page.getByRole('textbox', { name: 'COCOB: α₀', exact: true });
    const hint = await page.locator(`#${(await cocobAlpha.getAttribute('aria-describedby'))!.split(' ')[0]}`).innerText();
    assert.match(hint, /not used: COCOB has no learning rate/);
  });

  it('trains all seven next to Adam-HD; the charts say what their step-size column holds; the CSV has their rows', async () => {
    await page.getByLabel('Iterations', { exact: true }).fill(String(ITERS));
    await page.getByRole('button', { name: 'Start' }).click();
    for (const name of ['Adam-HD', ...LR_FREE]) {
      await page.getByRole('status').filter({ hasText: new RegExp(`${name}: (done|diverged)`) }).waitFor({ timeout: 120_000 });
    }
    const caption = await page.getByRole('figure', { name: 'Learning rate', exact: true }).locator('.chart-caption').innerText();
    assert.match(caption, /learning-rate-free runs show their step size/);
    assert.match(caption, /DoG: η = lr · max distance travelled/);
    const download = await downloaded(page, /\.csv$/, () => page.getByRole('button', { name: 'Export CSV' }).click());
    const { rows } = parseCsv(readFileSync(await download.path(), 'utf8'));
    for (const name of LR_FREE) {
      const loss = rows.filter((r) => r.optimizer === name && r.metric === 'train_loss');
      const lr = rows.filter((r) => r.optimizer === name && r.metric === 'lr').map((r) => Number(r.value));
      assert.equal(loss.length, ITERS, `${name} train_loss rows`);
      assert.ok(lr.length === ITERS && lr.every((v) => Number.isFinite(v) && v >= 0), `${name}: its step size, a number ≥ 0 per iteration`);
      assert.ok(rows.some((r) => r.optimizer === name && r.metric === 'val_loss'), `${name} was evaluated`);
    }
    assert.deepEqual(pageErrors, []);
  });
});
