// Mid-run edits in real Chromium (wasm): a running SGD run gets a new α₀ through "Apply to running
// runs"; from the next iteration its α is the new value (a fixed-rate optimizer's α is α₀), the charts
// mark the edit, and the export has an event row.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { downloaded, openApp, useSuite } from './suite';
import { parseCsv } from './csv';

const suite = useSuite();
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  page = await openApp(suite, pageErrors, { acceptDownloads: true });
});

describe('mid-run edits', () => {
  it('a new α₀ applied to a running SGD run is its α from the next iteration; marked on the charts and exported', async () => {
    await page.getByText(/^MNIST ready/).waitFor({ timeout: 60_000 });
    for (const box of await page.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck();
    await page.getByRole('checkbox', { name: 'SGD', exact: true }).check();
    await page.getByLabel('Model').selectOption('logreg');
    await page.getByLabel('Iterations', { exact: true }).fill('100000');
    await page.getByRole('button', { name: 'Start' }).click();
    const status = page.getByRole('status');
    await status.filter({ hasText: /SGD[^:\n]*: training, iteration \d+/ }).waitFor({ timeout: 60_000 });

    const alpha = page.getByRole('textbox', { name: 'α₀ (initial learning rate)', exact: true });
    await alpha.fill('0.02');
    await alpha.blur();
    const apply = page.getByRole('button', { name: 'Apply to running runs' });
    await page.getByText('1 run would change.').waitFor({ timeout: 5_000 });
    await apply.click();
    await page.getByText(/Applied to 1 run from their next iteration/).waitFor({ timeout: 5_000 });
    // The edit comes back from the worker with the iteration it took effect at, and is drawn.
    // A vertical SVG line has an empty box: attached, not 'visible'.
    await page.getByRole('listitem', { name: /SGD.*α₀ = 0\.02 from iteration \d+/ }).first().waitFor({ state: 'attached', timeout: 10_000 });
    await page.waitForTimeout(500);
    await page.getByRole('button', { name: 'Stop' }).click();
    await status.filter({ hasText: /SGD[^:\n]*: stopped/ }).waitFor({ timeout: 10_000 });

    const download = await downloaded(page, /\.csv$/, () => page.getByRole('button', { name: 'Export CSV' }).click());
    const { rows } = parseCsv(readFileSync(await download.path(), 'utf8'));
    const events = rows.filter((r) => r.metric === 'event:alpha0');
    assert.equal(events.length, 1, 'one event row');
    assert.equal(Number(events[0].value), 0.02);
    const at = Number(events[0].iteration);
    const lr = rows.filter((r) => r.metric === 'lr').map((r) => [Number(r.iteration), Number(r.value)] as const);
    // Oracle: SGD's α is α₀ (float32 on the device): 1e-3 before the edit, 0.02 from its iteration on.
    assert.ok(lr.length > at, `trained past the edit (${lr.length} iterations, edit at ${at})`);
    for (const [it, v] of lr) assert.equal(v, Math.fround(it < at ? 1e-3 : 0.02), `α at iteration ${it}`);
    assert.deepEqual(pageErrors, []);
  });
});
