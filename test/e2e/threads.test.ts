// All cores for one run: served cross-origin isolated (COOP same-origin + COEP require-corp, set here
// directly on the preview server), a wasm run's worker uses tfjs's threaded SIMD build with
// ⌊cores / runs at once⌋ threads (src/sched/threads.ts) and says so next to its backend; two runs at
// once on this machine's cores share them; without the headers every run is single-threaded and the
// page says why. Real headless Chromium, real MNIST, the reference MLP (784-1000-1000-10).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, openPage } from './browser';
import { parseCsv } from './csv';
import { ISOLATION_HEADERS, startPreview, type PreviewServer } from './server';
import { downloaded } from './suite';

const ITERS = 8;
let isolated: PreviewServer;
let plain: PreviewServer;
let browser: Browser;

before(async () => {
  isolated = await startPreview(ISOLATION_HEADERS);
  plain = await startPreview();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await isolated?.close();
  await plain?.close();
});

interface Opened {
  page: Page;
  errors: string[];
  cores: number;
  isolated: boolean;
}

async function open(server: PreviewServer): Promise<Opened> {
  // Service workers blocked: isolation here comes from the server's headers alone (or is absent), never
  // from the page's own service worker (src/sw/), which may make a page isolated on its own.
  const page = await openPage(browser, { acceptDownloads: true, serviceWorkers: 'block' });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.url}/?backend=wasm`);
  const env = await page.evaluate(() => ({ cores: navigator.hardwareConcurrency, isolated: crossOriginIsolated }));
  return { page, errors, ...env };
}

/** MLP on MNIST, batch 128, ITERS iterations, the given optimizers; Start pressed. */
async function start(page: Page, optimizers: readonly string[]): Promise<void> {
  for (const box of await page.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck();
  for (const name of optimizers) await page.getByRole('checkbox', { name, exact: true }).check();
  await page.getByLabel('Model').selectOption('mlp');
  await page.getByLabel('Batch size').fill('128');
  await page.getByLabel('Iterations', { exact: true }).fill(String(ITERS));
  await page.getByRole('button', { name: 'Start' }).click();
}

/** The status line of `label` once its worker has reported its backend (training or later). */
async function lineOnceRunning(page: Page, label: string): Promise<string> {
  const line = page.locator('.run-line', { hasText: new RegExp(`^${label}: (training|done|error|diverged)`) });
  await line.first().waitFor({ timeout: 240_000 });
  return line.first().innerText();
}

async function finish(page: Page, label: string): Promise<string> {
  const line = page.locator('.run-line', { hasText: new RegExp(`^${label}: (done|error|diverged|stopped)`) });
  await line.first().waitFor({ timeout: 300_000 });
  return line.first().innerText();
}

/** Exports the CSV and its sidecar: each run's training losses, and the own wasm kernels' status per run. */
async function exported(page: Page): Promise<{ losses: Map<string, number[]>; ownKernels: Map<string, string | undefined> }> {
  const sidecarDownload = page.waitForEvent('download', (d) => /\.json$/.test(d.suggestedFilename()));
  const download = await downloaded(page, /\.csv$/, () => page.getByRole('button', { name: 'Export CSV' }).click());
  const { rows } = parseCsv(readFileSync(await download.path(), 'utf8'));
  const losses = new Map<string, number[]>();
  for (const r of rows) if (r.metric === 'train_loss') losses.set(r.optimizer, [...(losses.get(r.optimizer) ?? []), Number(r.value)]);
  const sidecar = JSON.parse(readFileSync(await (await sidecarDownload).path(), 'utf8')) as { runs: { label: string; ownKernels?: string }[] };
  return { losses, ownKernels: new Map(sidecar.runs.map((r) => [r.label, r.ownKernels])) };
}

describe('wasm threads', () => {
  it('cross-origin isolated: one run gets every core and trains to a finite loss', async () => {
    const { page, errors, cores, isolated: coi } = await open(isolated);
    try {
      assert.equal(coi, true, 'the headers make the page cross-origin isolated');
      const expected = Math.max(1, cores);
      const threads = `${expected} thread${expected === 1 ? '' : 's'}`;
      assert.match(await page.locator('.backend-threads').innerText(), new RegExp(`up to ${expected} per run`));
      await start(page, ['SGD']);
      assert.match(await lineOnceRunning(page, 'SGD'), new RegExp(`\\(wasm\\) on ${threads}$`));
      assert.match(await finish(page, 'SGD'), new RegExp(`^SGD: done, ${ITERS} iterations.*\\(wasm\\) on ${threads}$`));
      // The runs table shows the count next to the backend.
      await page.getByRole('cell', { name: `wasm, ${threads}`, exact: true }).first().waitFor({ timeout: 10_000 });
      const { losses, ownKernels } = await exported(page);
      const loss = losses.get('SGD') ?? [];
      // The own wasm kernels load on the threaded build's shared memory too (hgkernels-shared.wasm).
      assert.equal(ownKernels.get('SGD'), 'on');
      assert.equal(loss.length, ITERS);
      assert.ok(loss.every(Number.isFinite), `finite training loss: ${loss.join(', ')}`);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  it('cross-origin isolated: two runs at once share the cores', async () => {
    const { page, errors, cores } = await open(isolated);
    try {
      const expected = Math.max(1, Math.floor(cores / 2));
      const threads = `${expected} thread${expected === 1 ? '' : 's'}`;
      await start(page, ['SGD', 'Adam']);
      for (const label of ['SGD', 'Adam']) assert.match(await lineOnceRunning(page, label), new RegExp(`\\(wasm\\) on ${threads}$`), label);
      for (const label of ['SGD', 'Adam']) assert.match(await finish(page, label), new RegExp(`^${label}: done.*\\(wasm\\) on ${threads}$`));
      const { losses, ownKernels } = await exported(page);
      for (const label of ['SGD', 'Adam']) assert.ok((losses.get(label) ?? []).length === ITERS && losses.get(label)!.every(Number.isFinite), label);
      // Adam's update runs in the own HgAdam kernel in the page's worker.
      for (const label of ['SGD', 'Adam']) assert.equal(ownKernels.get(label), 'on', label);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  it('not isolated: one thread, and the page says why', async () => {
    const { page, errors, isolated: coi } = await open(plain);
    try {
      assert.equal(coi, false);
      assert.match(await page.locator('.backend-threads').innerText(), /1 per run \(the page is not cross-origin isolated/);
      await start(page, ['SGD']);
      assert.match(await lineOnceRunning(page, 'SGD'), /\(wasm\) on 1 thread: the page is not cross-origin isolated$/);
      assert.match(await finish(page, 'SGD'), /^SGD: done/);
      await page.getByRole('cell', { name: 'wasm, 1 thread', exact: true }).first().waitFor({ timeout: 10_000 });
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });
});
