// CIFAR-10 in real headless Chromium against the built page, with a small archive in the official
// layout: select CIFAR-10 (the site does not host it: its shards are answered 404), load the archive
// through the "Load CIFAR-10" file input, watch the progress bar and the ready line, reload and find
// it ready without loading again (IndexedDB), then a corrupt file and a failing URL get alerts while
// the stored data stays in use; "Forget stored CIFAR-10" makes the page ask again.
// Also Fashion-MNIST from its four files where the site does not host it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BrowserContext, Page } from 'playwright-core';
import { encodeIdx } from '../../src/data/idx';
import { tinyCifarTarGz } from '../unit/cifarFixture';
import { openPage, pageUrl } from './browser';
import { useSuite } from './suite';

/** Records per training batch and in the test batch: 5 x 20 = 100 training, 10 test images. */
const PER_BATCH = 20;
const N_TEST = 10;

const suite = useSuite();
let tmp: string;
let archivePath: string;
let corruptPath: string;
let archiveBytes: Buffer;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'hg-e2e-cifar-'));
  archiveBytes = Buffer.from(tinyCifarTarGz(PER_BATCH, N_TEST).gz);
  archivePath = join(tmp, 'cifar-10-binary.tar.gz');
  writeFileSync(archivePath, archiveBytes);
  // Starts like gzip, then garbage: "corrupt gzip data".
  const corrupt = Buffer.from(archiveBytes);
  corrupt.fill(0x55, 20, 400);
  corruptPath = join(tmp, 'corrupt.tar.gz');
  writeFileSync(corruptPath, corrupt);
});

after(async () => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** The site does not host these datasets (even if a developer ran `npm run data` before building). */
async function notHosted(context: BrowserContext, ...names: string[]): Promise<void> {
  for (const name of names) await context.route(`**/data/${name}/**`, (route) => route.fulfill({ status: 404, body: 'not found' }));
}

/** Records every state the import progress bar shows (it may be up only for a moment with a small archive). */
async function watchProgress(page: Page, label: string): Promise<void> {
  // A string, not a function: tsx would wrap named inner functions in a helper the page does not have.
  await page.evaluate(`(() => {
    const name = ${JSON.stringify(label)};
    window.progressSeen = [];
    new MutationObserver(() => {
      const bar = document.querySelector('progress[aria-label="' + name + '"]');
      if (bar) window.progressSeen.push(bar.parentElement ? bar.parentElement.textContent : '');
    }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  })()`);
}

const progressSeen = (page: Page) => page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);

const readyLine = (page: Page) => page.getByText(/^CIFAR-10 ready: /);

/**
 * Gets `page` (opened on the built page, CIFAR-10 not hosted) to "CIFAR-10 ready": selects CIFAR-10 and,
 * unless a copy stored in this browser makes it ready by itself, loads `archive` through the
 * "Load CIFAR-10" file input. Training tests start from here.
 */
export async function cifarReady(page: Page, archive: string = archivePath): Promise<void> {
  await page.getByLabel('Dataset').selectOption('cifar10');
  const input = page.getByLabel('Load CIFAR-10', { exact: true });
  const ready = readyLine(page);
  const asked = page.getByText(/CIFAR-10 is not on this site and not stored in this browser yet/);
  await ready.or(asked).first().waitFor({ timeout: 60_000 });
  if (await ready.isVisible()) return;
  await input.setInputFiles(archive);
  await ready.waitFor({ timeout: 60_000 });
}

describe('CIFAR-10 in the page', () => {
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    page = await openPage(suite.browser);
    context = page.context();
    await notHosted(context, 'cifar10');
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(pageUrl(suite.server.url));
  });
  after(async () => {
    await context?.close();
  });

  it('asks for cifar-10-binary.tar.gz when it is neither hosted nor stored', async () => {
    await page.getByLabel('Dataset').selectOption('cifar10');
    await page.getByText(/CIFAR-10 is not on this site and not stored in this browser yet/).waitFor({ timeout: 30_000 });
    const input = page.getByLabel('Load CIFAR-10', { exact: true });
    assert.equal(await input.getAttribute('type'), 'file');
    assert.equal(await input.getAttribute('accept'), '.tar.gz,.tgz,application/gzip');
    assert.match(await page.locator(`#${await input.getAttribute('aria-describedby')}`).innerText(), /cifar-10-binary\.tar\.gz/);
    await page.getByRole('group', { name: 'Drop zone for cifar-10-binary.tar.gz' }).waitFor();
    await page.getByLabel('CIFAR-10 URL').waitFor();
    // Nothing loaded is not an error of the page: no alert.
    assert.equal(await page.getByRole('alert').count(), 0);
  });

  it('loads the archive through "Load CIFAR-10" with a labelled progress bar, then is ready', async () => {
    await watchProgress(page, 'Importing CIFAR-10');
    const t0 = Date.now();
    await page.getByLabel('Load CIFAR-10', { exact: true }).setInputFiles(archivePath);
    await readyLine(page).waitFor({ timeout: 60_000 });
    console.log(`imported ${archiveBytes.length} bytes in ${Date.now() - t0} ms`);
    const text = await readyLine(page).innerText();
    assert.equal(text, `CIFAR-10 ready: ${5 * PER_BATCH} training and ${N_TEST} test images (stored in this browser).`);
    const seen = await progressSeen(page);
    assert.ok(seen.length > 0, 'the progress bar was shown');
    assert.ok(seen.some((s) => /Reading|Decoding|Storing/.test(s)), `progress text: ${seen.join(' | ')}`);
    await page.getByText(/CIFAR-10 is stored in this browser \(from cifar-10-binary\.tar\.gz/).waitFor();
    await page.getByRole('button', { name: 'Forget stored CIFAR-10' }).waitFor();
    assert.equal(await page.getByRole('progressbar', { name: 'Importing CIFAR-10' }).count(), 0);
  });

  it('after a reload it is ready again without loading the file again', async () => {
    await page.reload();
    await page.getByLabel('Dataset').selectOption('cifar10');
    await readyLine(page).waitFor({ timeout: 60_000 });
    assert.match(await readyLine(page).innerText(), new RegExp(`^CIFAR-10 ready: ${5 * PER_BATCH} training and ${N_TEST} test images \\(stored in this browser\\)`));
    assert.equal(await page.getByText(/not stored in this browser yet/).count(), 0);
  });

  it('a corrupt file gets an alert naming it; the stored data stays in use and the picker stays usable', async () => {
    await page.getByLabel('Load CIFAR-10', { exact: true }).setInputFiles(corruptPath);
    const alert = page.getByRole('alert').filter({ hasText: /corrupt\.tar\.gz/ });
    await alert.waitFor({ timeout: 30_000 });
    const message = await alert.innerText();
    console.log(`alert: ${message}`);
    assert.match(message, /corrupt\.tar\.gz: corrupt gzip data/);
    assert.match(await readyLine(page).innerText(), /stored in this browser/);
    assert.equal(await page.getByLabel('Load CIFAR-10', { exact: true }).isEnabled(), true);
    // MNIST still works alongside.
    await page.getByLabel('Dataset').selectOption('mnist');
    await page.getByText(/^MNIST ready: 60,000 training/).waitFor({ timeout: 60_000 });
    await page.getByLabel('Dataset').selectOption('cifar10');
    await readyLine(page).waitFor();
    await page.getByRole('button', { name: 'Dismiss' }).click();
    assert.equal(await alert.count(), 0);
    // And the stored copy survives the failed try.
    await page.reload();
    await page.getByLabel('Dataset').selectOption('cifar10');
    await readyLine(page).waitFor({ timeout: 60_000 });
  });

  it('a URL that fails gets an alert with the status; a URL that works loads it', async () => {
    await context.route('**/mirror/missing.tar.gz', (route) => route.fulfill({ status: 404, body: 'gone' }));
    await context.route('**/mirror/cifar-10-binary.tar.gz', (route) =>
      route.fulfill({ status: 200, body: archiveBytes, headers: { 'content-type': 'application/gzip', 'access-control-allow-origin': '*' } }),
    );
    const url = page.getByLabel('CIFAR-10 URL');
    await url.fill(`${suite.server.url}/mirror/missing.tar.gz`);
    await url.press('Enter'); // loads, does not submit the training form
    const alert = page.getByRole('alert').filter({ hasText: /missing\.tar\.gz/ });
    await alert.waitFor({ timeout: 30_000 });
    assert.match(await alert.innerText(), /mirror\/missing\.tar\.gz: HTTP 404/);
    assert.equal(await page.getByRole('status').filter({ hasText: /CIFAR|loading/i }).count(), 0, 'no run was started');
    await url.fill(`${suite.server.url}/mirror/cifar-10-binary.tar.gz`);
    await page.getByRole('button', { name: 'Load from URL' }).click();
    await page.getByText(/CIFAR-10 is stored in this browser \(from http:\/\/.*\/mirror\/cifar-10-binary\.tar\.gz/).waitFor({ timeout: 60_000 });
    assert.equal(await page.getByRole('alert').count(), 0);
  });

  it('a file dropped on the drop zone loads too', async () => {
    const transfer = await page.evaluateHandle(`(() => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(${JSON.stringify([...archiveBytes])})], 'dropped.tar.gz', { type: 'application/gzip' }));
      return dt;
    })()`);
    await page.getByRole('group', { name: 'Drop zone for cifar-10-binary.tar.gz' }).dispatchEvent('drop', { dataTransfer: transfer });
    await page.getByText(/CIFAR-10 is stored in this browser \(from dropped\.tar\.gz/).waitFor({ timeout: 60_000 });
    assert.match(await readyLine(page).innerText(), /stored in this browser/);
  });

  it('"Forget stored CIFAR-10" forgets it: after a reload the page asks again', async () => {
    await page.getByRole('button', { name: 'Forget stored CIFAR-10' }).click();
    await page.getByText(/CIFAR-10 is loaded for this visit only/).waitFor({ timeout: 30_000 });
    await page.reload();
    await page.getByLabel('Dataset').selectOption('cifar10');
    await page.getByText(/CIFAR-10 is not on this site and not stored in this browser yet/).waitFor({ timeout: 30_000 });
    // And the helper gets it back to ready.
    await cifarReady(page);
    assert.deepEqual(pageErrors, []);
  });

  it('trains VGG-16-BN (Width ⅛) a few iterations on the loaded CIFAR-10, with its cost shown', async () => {
    await cifarReady(page);
    const model = page.getByLabel('Model');
    // VGG does not fit 28×28 MNIST; on CIFAR-10 it is offered with its parameter count.
    await model.selectOption('vgg16bn');
    await page.getByLabel('Width').selectOption('0.125');
    // Width ⅛: channels 8,8 | 16,16 | 32×3 | 64×3 | 64×3, classifier 64-64-10. Per conv cin·9·cout + cout
    // (bias) + 2·cout (BN): 240 + 600 + 1,200 + 2,352 + 4,704 + 2·9,312 + 18,624 + 5·37,056 = 231,624;
    // linears 4,160 + 4,160 + 650 = 8,970; total 240,594.
    await page.locator('#field-model-hint').filter({ hasText: /240,594 parameters, ≈ .*FLOP per training step/ }).waitFor({ timeout: 5_000 });
    await page.getByLabel('Batch size').fill('8');
    await page.getByLabel('Iterations', { exact: true }).fill('3');
    await page.getByRole('button', { name: 'Start' }).click();
    const status = page.getByRole('status');
    await status.filter({ hasText: /SGD-HD[^:\n]*: done/ }).waitFor({ timeout: 120_000 });
    await status.filter({ hasText: /SGD[^-:\n]*: done/ }).waitFor({ timeout: 60_000 });
    const text = await status.first().innerText();
    assert.doesNotMatch(text, /error|diverged/i, text);
    assert.deepEqual(pageErrors, []);
  });

  it('VGG on MNIST is refused next to the Model field and Start stays disabled', async () => {
    await page.getByLabel('Dataset').selectOption('mnist');
    await page.getByText(/VGG-16-BN needs 32×32×3/).first().waitFor({ timeout: 5_000 });
    assert.equal(await page.getByLabel('Model').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByRole('button', { name: 'Start' }).isDisabled(), true);
    await page.getByLabel('Model').selectOption('lenet5');
    assert.equal(await page.getByRole('button', { name: 'Start' }).isDisabled(), false);
  });
});

/**
 * A new page on the built site, CIFAR-10 not hosted, `route` applied before it loads, MNIST ready and a
 * tiny budget (3 iterations of batch 8) typed in; its uncaught errors go to the returned list.
 */
async function tinyBudgetPage(route: (context: BrowserContext) => Promise<unknown>): Promise<{ page: Page; errors: string[] }> {
  const page = await openPage(suite.browser);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await notHosted(page.context(), 'cifar10');
  await route(page.context());
  await page.goto(pageUrl(suite.server.url));
  await page.getByText(/^MNIST ready: /).waitFor({ timeout: 60_000 });
  await page.getByLabel('Iterations', { exact: true }).fill('3');
  await page.getByLabel('Batch size').fill('8');
  return { page, errors };
}

/** After Start was pressed while the data was still on its way: it becomes ready and SGD-HD trains on it, with no alert. */
async function startTrainedOnArrival(page: Page, errors: string[]): Promise<void> {
  await readyLine(page).waitFor({ timeout: 60_000 });
  assert.match(await readyLine(page).innerText(), /stored in this browser/);
  const status = page.getByRole('status');
  await status.filter({ hasText: /SGD-HD[^:\n]*: done/ }).waitFor({ timeout: 120_000 });
  assert.doesNotMatch(await status.first().innerText(), /error|not loaded/i);
  assert.equal(await page.getByRole('alert').count(), 0);
  assert.deepEqual(errors, []);
  await page.context().close();
}

describe('CIFAR-10 chosen at once, while the page still looks for it', () => {
  it('a file chosen right after switching the dataset loads, and a Start pressed meanwhile trains on it', async () => {
    // The page's lookup of a stored copy runs in the import worker: its script arrives 2 s late the first
    // time, so the file is surely chosen while the page is still looking.
    let firstWorker = true;
    const { page, errors } = await tinyBudgetPage((context) =>
      context.route(/dataImport\.worker[^/]*\.js$/, async (route) => {
        if (firstWorker) {
          firstWorker = false;
          await new Promise((r) => setTimeout(r, 2000));
        }
        await route.continue();
      }),
    );
    await page.getByLabel('Dataset').selectOption('cifar10');
    await page.getByText(/Looking for (a copy of )?CIFAR-10/).waitFor({ timeout: 10_000 });
    const input = page.getByLabel('Load CIFAR-10', { exact: true });
    assert.equal(await input.isEnabled(), true, 'the file input is usable while the page looks for a stored copy');
    await input.setInputFiles(archivePath);
    await page.getByRole('button', { name: 'Start' }).click();
    await startTrainedOnArrival(page, errors);
  });

  it('a slow URL answering after the page found nothing stored still loads, and a Start pressed meanwhile waits for it', async () => {
    // The archive arrives after 2 s: the page's own lookup (not hosted, nothing stored) ends first.
    const { page, errors } = await tinyBudgetPage((context) =>
      context.route('**/slow/cifar-10-binary.tar.gz', async (route) => {
        await new Promise((r) => setTimeout(r, 2000));
        await route.fulfill({ status: 200, body: archiveBytes, headers: { 'content-type': 'application/gzip' } });
      }),
    );
    await page.getByLabel('Dataset').selectOption('cifar10');
    await page.getByLabel('CIFAR-10 URL').fill(`${suite.server.url}/slow/cifar-10-binary.tar.gz`);
    await page.getByRole('button', { name: 'Load from URL' }).click();
    await page.getByRole('button', { name: 'Start' }).click();
    // While the archive downloads, the panel shows it (the lookup's "nothing stored" does not hide it).
    await page.getByText(/^Downloading http:\/\/.*\/slow\/cifar-10-binary\.tar\.gz/).waitFor({ timeout: 10_000 });
    await startTrainedOnArrival(page, errors);
  });
});

describe('Fashion-MNIST from its four files where the site does not host it', () => {
  it('asks for the four files, loads them, and is ready (stored) after a reload', async () => {
    const page = await openPage(suite.browser);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await notHosted(page.context(), 'fashion-mnist');
    const dir = join(tmp, 'fashion');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    const write = (name: string, bytes: Uint8Array) => {
      writeFileSync(join(dir, name), gzipSync(bytes));
      return join(dir, name);
    };
    const files = [
      write('train-images-idx3-ubyte.gz', encodeIdx([20, 28, 28], Uint8Array.from({ length: 20 * 784 }, (_, i) => (i * 13) & 255))),
      write('train-labels-idx1-ubyte.gz', encodeIdx([20], Uint8Array.from({ length: 20 }, (_, i) => i % 10))),
      write('t10k-images-idx3-ubyte.gz', encodeIdx([5, 28, 28], Uint8Array.from({ length: 5 * 784 }, (_, i) => (i * 7) & 255))),
      write('t10k-labels-idx1-ubyte.gz', encodeIdx([5], Uint8Array.from([0, 1, 2, 3, 4]))),
    ];
    await page.goto(pageUrl(suite.server.url));
    await page.getByLabel('Dataset').selectOption('fashion-mnist');
    await page.getByText(/Fashion-MNIST is not on this site and not stored in this browser yet/).waitFor({ timeout: 30_000 });
    const input = page.getByLabel('Load Fashion-MNIST files', { exact: true });
    assert.equal(await input.getAttribute('multiple'), '');
    // Only two of the four: the alert names the missing ones.
    await input.setInputFiles(files.slice(0, 2));
    const alert = page.getByRole('alert').filter({ hasText: /missing t10k-images-idx3-ubyte\.gz, t10k-labels-idx1-ubyte\.gz/ });
    await alert.waitFor({ timeout: 30_000 });
    await input.setInputFiles(files);
    const ready = page.getByText(/^Fashion-MNIST ready: 20 training and 5 test images \(stored in this browser\)/);
    await ready.waitFor({ timeout: 60_000 });
    assert.equal(await alert.count(), 0);
    await page.reload();
    await page.getByLabel('Dataset').selectOption('fashion-mnist');
    await ready.waitFor({ timeout: 60_000 });
    assert.deepEqual(errors, []);
    await page.context().close();
  });
});
