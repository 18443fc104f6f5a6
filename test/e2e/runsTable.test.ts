// The runs table in real Chromium on real MNIST (wasm): SGD and SGD-HD with the same seed and settings,
// the Δ of SGD-HD vs SGD checked against the exported CSV's last validation losses, sorting by keyboard
// (a header button, Enter then Space), and Copy table's TSV.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { parseCsv } from './csv';
import { downloaded, openApp, useSuite } from './suite';

const ITERS = 60;
const suite = useSuite();
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  page = await openApp(suite, pageErrors, { acceptDownloads: true });
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: suite.server.url });
});

/** formatNumber's 3 significant digits (src/format/numbers.ts) for |x| in [0.001, 1e6), with the page's minus sign. */
function threeDigits(x: number): string {
  const a = Math.abs(x);
  const decimals = Math.max(0, 2 - Math.floor(Math.log10(Number(a.toPrecision(3)))));
  return `${x < 0 ? '−' : '+'}${a.toFixed(decimals)}`;
}

describe('the runs table', () => {
  it('shows SGD-HD against SGD with the Δ of the exported numbers', async () => {
    const optimizers = page.getByRole('group', { name: 'Optimizers', exact: true });
    for (const box of await optimizers.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck();
    await page.getByRole('checkbox', { name: 'SGD', exact: true }).check();
    await page.getByRole('checkbox', { name: 'SGD-HD', exact: true }).check();
    await page.getByLabel('Iterations', { exact: true }).fill(String(ITERS));
    await page.getByRole('button', { name: 'Start' }).click();
    const status = page.getByRole('status');
    await status.filter({ hasText: /SGD-HD: done/ }).waitFor({ timeout: 180_000 });
    await status.filter({ hasText: /SGD: done/ }).waitFor({ timeout: 60_000 });

    // Export CSV saves the CSV, then its JSON sidecar (which holds the same table, as numbers).
    const sidecarDownload = page.waitForEvent('download', (d) => /\.json$/.test(d.suggestedFilename()));
    const download = await downloaded(page, /\.csv$/, () => page.getByRole('button', { name: 'Export CSV' }).click());
    const { rows } = parseCsv(readFileSync(await download.path(), 'utf8'));
    const sidecar = JSON.parse(readFileSync(await (await sidecarDownload).path(), 'utf8')) as {
      runsTable: { rows: { label: string; baseline: string | null; deltaAt: number[]; values: { deltaValLoss: { mean: number } | null } }[] };
      runs: { validation: string }[];
    };
    const lastVal = (opt: string) => Number(rows.filter((r) => r.optimizer === opt && r.metric === 'val_loss' && r.iteration === String(ITERS))[0].value);
    const delta = lastVal('SGD-HD') - lastVal('SGD');
    const hdEntry = sidecar.runsTable.rows.find((r) => r.label === 'SGD-HD');
    assert.equal(hdEntry?.baseline, 'SGD');
    assert.deepEqual(hdEntry?.deltaAt, [ITERS]);
    assert.ok(Math.abs(hdEntry!.values.deltaValLoss!.mean - delta) < 1e-12, `sidecar Δ ${hdEntry?.values.deltaValLoss?.mean} vs CSV ${delta}`);
    assert.match(sidecar.runs.at(-1)!.validation, /^validation every 3 iterations on a fixed subset of 250 test images/);

    const table = page.getByRole('table');
    const hdRow = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'SGD-HD', exact: true }) });
    // Δ loss text: sign, 3 significant digits, the verdict in words, the baseline's name.
    const verdict = delta < 0 ? 'better' : 'worse';
    await hdRow.getByRole('cell', { name: `${threeDigits(delta)} (${verdict}) vs SGD` }).waitFor({ timeout: 10_000 });
    const sgdRow = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'SGD', exact: true }) });
    assert.match(await sgdRow.innerText(), /done/);
    assert.deepEqual(pageErrors, []);
  });

  it('sorts by keyboard: Enter on a header sorts ascending, Space descending', async () => {
    const header = page.getByRole('columnheader', { name: /Val loss \(final\)/ });
    await header.getByRole('button').focus();
    await page.keyboard.press('Enter');
    assert.equal(await header.getAttribute('aria-sort'), 'ascending');
    const order = async () => (await page.getByRole('table').getByRole('rowheader').allInnerTexts()).map((s) => s.trim());
    const values = async () => {
      const idx = (await page.getByRole('table').getByRole('columnheader').allInnerTexts()).findIndex((t) => t.startsWith('Val loss (final)'));
      const bodyRows = page.getByRole('table').locator('tbody tr');
      const out: number[] = [];
      for (const r of await bodyRows.all()) out.push(Number((await r.locator('th, td').nth(idx).innerText()).replace(/[^\d.e-]/g, '')));
      return out;
    };
    const asc = await values();
    assert.deepEqual(asc, [...asc].sort((a, b) => a - b), `ascending: ${asc}`);
    const ascOrder = await order();
    await page.keyboard.press('Space');
    assert.equal(await header.getAttribute('aria-sort'), 'descending');
    assert.deepEqual(await order(), [...ascOrder].reverse());
  });

  it('Copy table puts the table as TSV on the clipboard', async () => {
    await page.getByRole('button', { name: 'Copy table' }).click();
    await page.getByText('Table copied').waitFor({ timeout: 5_000 });
    const tsv = await page.evaluate(() => navigator.clipboard.readText());
    const lines = tsv.trimEnd().split('\n').map((l) => l.split('\t'));
    assert.equal(lines[0][0], 'Run');
    assert.ok(lines[0].includes('Δ val loss vs baseline'));
    assert.equal(lines.length, 3);
    assert.ok(lines.some((l) => l[0] === 'SGD-HD' && / vs SGD$/.test(l[lines[0].indexOf('Δ val loss vs baseline')])));
  });
});
