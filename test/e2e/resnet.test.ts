// The learned-schedule work's models in real headless Chromium against the built page: ResNet-18
// (Width ⅛) trains a few iterations on CIFAR-10 loaded from a small archive in the official layout (the
// site does not host CIFAR-10: its shards are answered 404), and MLP3 on MNIST; both are offered in the
// Model select with their parameter counts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { tinyCifarTarGz } from '../unit/cifarFixture';
import { openPage, pageUrl } from './browser';
import { useSuite } from './suite';

const suite = useSuite();
let tmp: string;
let archivePath: string;

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'hg-e2e-resnet-'));
  archivePath = join(tmp, 'cifar-10-binary.tar.gz');
  writeFileSync(archivePath, Buffer.from(tinyCifarTarGz(20, 10).gz)); // 100 training, 10 test images
});

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Trains the page's default optimizers for 3 iterations of batch 8 and waits until SGD-HD and SGD are done. */
async function trainTiny(page: Page, errors: string[]): Promise<void> {
  await page.getByLabel('Batch size').fill('8');
  await page.getByLabel('Iterations', { exact: true }).fill('3');
  await page.getByRole('button', { name: 'Start' }).click();
  const status = page.getByRole('status');
  await status.filter({ hasText: /SGD-HD[^:\n]*: done/ }).waitFor({ timeout: 180_000 });
  await status.filter({ hasText: /SGD[^-:\n]*: done/ }).waitFor({ timeout: 120_000 });
  const text = await status.first().innerText();
  assert.doesNotMatch(text, /error|diverged/i, text);
  assert.deepEqual(errors, []);
}

/** A new page on the built site (CIFAR-10 not hosted); its uncaught errors go to the returned list. */
async function freshPage(): Promise<{ page: Page; context: BrowserContext; errors: string[] }> {
  await suite.ready();
  const page = await openPage(suite.browser);
  const context = page.context();
  await context.route('**/data/cifar10/**', (route) => route.fulfill({ status: 404, body: 'not found' }));
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(pageUrl(suite.server.url));
  return { page, context, errors };
}

describe('ResNet-18 and MLP3 in the page', () => {
  it('MLP3 is offered on MNIST with 235,146 parameters and trains', async () => {
    const { page, context, errors } = await freshPage();
    await page.getByText(/^MNIST ready: /).waitFor({ timeout: 60_000 });
    const model = page.getByLabel('Model');
    assert.match(await model.locator('option[value="mlp3"]').innerText(), /^MLP3, hidden 256-128 .* parameters$/);
    await model.selectOption('mlp3');
    await page.locator('#field-model-hint').filter({ hasText: /235,146 parameters/ }).waitFor({ timeout: 5_000 });
    assert.equal(await page.getByLabel('Width').count(), 0);
    await trainTiny(page, errors);
    await context.close();
  });

  it('ResNet-18 (Width ⅛) trains a few iterations on the loaded CIFAR-10, with its cost shown', async () => {
    const { page, context, errors } = await freshPage();
    await page.getByLabel('Dataset').selectOption('cifar10');
    const ready = page.getByText(/^CIFAR-10 ready: /);
    await page.getByText(/CIFAR-10 is not on this site and not stored in this browser yet/).or(ready).first().waitFor({ timeout: 60_000 });
    if (!(await ready.isVisible())) {
      await page.getByLabel('Load CIFAR-10', { exact: true }).setInputFiles(archivePath);
      await ready.waitFor({ timeout: 60_000 });
    }
    await page.getByLabel('Model').selectOption('resnet18');
    await page.getByLabel('Width').selectOption('0.125');
    // Width ⅛: channels 8 | 16 | 32 | 64. Convs (no bias) + BN: stem 27·8 + 16 = 232; stage 1 4·(9·64 + 16)
    // = 2,368; stage 2 3,680 + 4,672 = 8,352; stage 3 14,528 + 18,560 = 33,088; stage 4 57,728 + 73,984 =
    // 131,712; linear 64·10 + 10 = 650; total 176,402.
    await page.locator('#field-model-hint').filter({ hasText: /176,402 parameters, ≈ .*FLOP per training step/ }).waitFor({ timeout: 5_000 });
    await trainTiny(page, errors);
    await context.close();
  });
});
