// Sharing in real headless Chromium (issue 6, items 3 and 7): a configuration set by hand, copied with
// `Copy link` (clipboard granted) and opened in a new page shows the same value in every field; broken
// links give messages and a working page; Seeds = 2 trains two runs that the export keeps apart.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { pageUrl } from './browser';
import { downloaded, openApp, useSuite } from './suite';

const suite = useSuite();
const pageErrors: string[] = [];

/** A fresh page in its own context (own storage), with the clipboard allowed. */
async function freshPage(url: string): Promise<Page> {
  const page = await openApp(suite, pageErrors, { acceptDownloads: true, permissions: ['clipboard-read', 'clipboard-write'] }, url);
  await page.getByRole('button', { name: 'Start' }).waitFor();
  return page;
}

/** Every control of the configuration form, by id: text and select values, checkbox states. */
async function formValues(page: Page): Promise<Record<string, string | boolean>> {
  return page.getByRole('form', { name: 'Training configuration' }).evaluate((form) => {
    const out: Record<string, string | boolean> = {};
    for (const el of Array.from(form.querySelectorAll('input, select'))) {
      const e = el as HTMLInputElement | HTMLSelectElement;
      if (!e.id || e.type === 'file' || e.id === 'field-preset') continue;
      out[e.id] = e instanceof HTMLInputElement && e.type === 'checkbox' ? e.checked : e.value;
    }
    return out;
  });
}

const ALPHA0 = 'α₀ (initial learning rate)';

describe('sharing the configuration', () => {
  it('Copy link → a new page shows the same value in every field', async () => {
    const page = await freshPage(pageUrl(suite.server.url));
    for (const box of await page.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck();
    await page.getByRole('checkbox', { name: 'SGDN', exact: true }).check();
    await page.getByRole('checkbox', { name: 'Adam-HD', exact: true }).check();
    await page.getByLabel(ALPHA0, { exact: true }).fill('0.02');
    await page.getByLabel('Seeds', { exact: true }).fill('3');
    await page.getByLabel('Batch size', { exact: true }).fill('64');
    await page.getByLabel('Dataset', { exact: true }).selectOption('cifar10');
    await page.getByLabel('Model', { exact: true }).selectOption('vgg16bn');
    await page.getByLabel('Width', { exact: true }).selectOption('0.25');
    // Per-optimizer settings: Adam-HD's β₁ and its own α₀.
    await page.locator('summary', { hasText: 'Settings: Adam-HD' }).click();
    await page.getByLabel('Adam-HD: β₁', { exact: true }).fill('0.8');
    await page.getByLabel('Adam-HD: α₀', { exact: true }).fill('5e-4');
    // Chart view settings beyond smoothing and x axis.
    await page.getByLabel('Log y (loss)', { exact: true }).check();
    await page.getByLabel('Learning-rate axis', { exact: true }).selectOption('linear');
    const before = await formValues(page);

    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.getByText('Link copied', { exact: true }).waitFor({ timeout: 5000 });
    assert.equal(await page.getByText('Link copied', { exact: true }).getAttribute('aria-live'), 'polite');
    const link = await page.evaluate(() => navigator.clipboard.readText());
    // The link is the address, and it says what was set.
    assert.equal(link, page.url());
    const q = new URL(link).searchParams;
    assert.deepEqual(
      ['v', 'opt', 'a0', 'seeds', 'bs', 'data', 'model', 'width', 'Adam-HD.beta1', 'Adam-HD.alpha0', 'backend'].map((k) => q.get(k)),
      ['1', 'SGDN,Adam-HD', '0.02', '3', '64', 'cifar10', 'vgg16bn', '0.25', '0.8', '5e-4', 'wasm'],
    );

    const other = await freshPage(link);
    await other.locator('summary', { hasText: 'Settings: Adam-HD' }).click();
    const after = await formValues(other);
    assert.ok(Object.keys(before).length > 30, `the form has its controls (${Object.keys(before).length})`);
    assert.deepEqual(after, before);
    // Spot checks by accessible name (the same values, read as a person would).
    assert.equal(await other.getByLabel(ALPHA0, { exact: true }).inputValue(), '0.02');
    assert.equal(await other.getByLabel('Seeds', { exact: true }).inputValue(), '3');
    assert.equal(await other.getByLabel('Adam-HD: β₁', { exact: true }).inputValue(), '0.8');
    assert.equal(await other.getByRole('checkbox', { name: 'SGD', exact: true }).isChecked(), false);
    assert.equal(await other.getByLabel('Log y (loss)', { exact: true }).isChecked(), true);
    assert.equal(await other.getByLabel('Learning-rate axis', { exact: true }).inputValue(), 'linear');
    assert.equal(await other.getByRole('alert').filter({ hasText: /link could not be used/i }).count(), 0);
    // The view settings travel too: the new page writes back the same address (smoothing and x
    // axis included) once its stores follow the link.
    await other.waitForTimeout(600);
    assert.equal(other.url(), link);
    await page.close();
    await other.close();
  });

  it('view settings in a link reach the view store (the new page writes them back)', async () => {
    const base = new URL(pageUrl(suite.server.url));
    const page = await freshPage(`${base.origin}${base.pathname}?v=1&smooth=0.6&x=epoch&backend=wasm`);
    // At load the page writes its whole configuration into the address (after a short debounce).
    await page.waitForFunction(() => new URLSearchParams(location.search).has('opt'));
    const q = new URL(page.url()).searchParams;
    assert.deepEqual([q.get('smooth'), q.get('x'), q.get('backend')], ['0.6', 'epoch', 'wasm']);
    await page.close();
  });

  it('a malformed link shows its problems and a working page with defaults for those fields', async () => {
    const base = new URL(pageUrl(suite.server.url));
    const root = `${base.origin}${base.pathname}`;

    const future = await freshPage(`${root}?v=99&opt=Adam&backend=wasm`);
    const alert = future.getByRole('alert').filter({ hasText: /could not be used/ });
    await alert.filter({ hasText: /version "99"/ }).waitFor();
    // The whole link is ignored: the default selection, and Start works.
    assert.equal(await future.getByRole('checkbox', { name: 'SGD-HD', exact: true }).isChecked(), true);
    assert.equal(await future.getByRole('checkbox', { name: 'Adam', exact: true }).isChecked(), false);
    assert.equal(await future.getByRole('button', { name: 'Start' }).isDisabled(), false);
    await future.getByRole('button', { name: 'Dismiss link problems' }).click();
    assert.equal(await alert.count(), 0);
    await future.close();

    const broken = await freshPage(`${root}?a0=abc&opt=Nope&seeds=3&backend=wasm`);
    const msgs = broken.getByRole('alert').filter({ hasText: /could not be used/ });
    await msgs.waitFor();
    const text = await msgs.innerText();
    assert.match(text, /α₀ "abc" must be a number; using the default 1e-3/);
    assert.match(text, /unknown optimizer "Nope"/);
    // Those fields take their defaults; the link's good field (seeds) is applied.
    assert.equal(await broken.getByLabel(ALPHA0, { exact: true }).inputValue(), '0.001');
    assert.equal(await broken.getByLabel('Seeds', { exact: true }).inputValue(), '3');
    assert.equal(await broken.getByRole('checkbox', { name: 'SGD', exact: true }).isChecked(), true);
    assert.equal(await broken.getByRole('button', { name: 'Start' }).isDisabled(), false);
    await broken.close();

    // VGG on MNIST: both values are known, but the model does not fit: the Model field's message, also
    // in the alert; Start stays disabled until another model or dataset is picked.
    const misfit = await freshPage(`${root}?model=vgg16bn&data=mnist&backend=wasm`);
    const why = 'VGG-16-BN needs 32×32×3 images (CIFAR-10); this dataset has 28×28×1.';
    await misfit.getByRole('alert').filter({ hasText: why }).waitFor();
    assert.equal(await misfit.locator('#field-model-error').innerText(), why);
    assert.equal(await misfit.getByRole('button', { name: 'Start' }).isDisabled(), true);
    await misfit.close();
    assert.deepEqual(pageErrors, []);
  });
});

describe('presets', () => {
  it('a preset chosen and applied from the keyboard sets the optimizers and fields', async () => {
    const page = await freshPage(pageUrl(suite.server.url));
    await page.getByLabel('Seeds', { exact: true }).fill('2');
    const select = page.getByLabel('Preset', { exact: true });
    await select.focus();
    await select.selectOption({ label: 'Classic comparison: FFNN 784-100-10, batch 100' });
    await page.keyboard.press('Tab'); // to "Apply preset"
    await page.keyboard.press('Enter');
    await page.getByText(/Applied “Classic comparison/).waitFor();
    const ticked: string[] = [];
    const optimizers = page.getByRole('group', { name: 'Optimizers', exact: true }).getByRole('checkbox');
    for (const box of await optimizers.all()) if (await box.isChecked()) ticked.push((await box.getAttribute('id')) ?? '');
    assert.deepEqual(ticked.sort(), ['SGD', 'SGDM', 'SGDN', 'Adam', 'Adagrad', 'Adadelta', 'Adamax', 'RMSProp'].map((n) => `opt-${n}`).sort());
    assert.equal(await page.getByLabel('Batch size', { exact: true }).inputValue(), '100');
    assert.equal(await page.getByLabel('Iterations', { exact: true }).inputValue(), '3000');
    assert.equal(await page.getByLabel('Seeds', { exact: true }).inputValue(), '2'); // kept
    await page.locator('summary', { hasText: 'Settings: Adadelta' }).click();
    assert.equal(await page.getByLabel('Adadelta: α₀', { exact: true }).inputValue(), '1'); // torch's default
    // 8 optimizers × 2 seeds = 16 > 12: the hint warns that runs will wait their turn.
    await page.getByText(/16 runs\. More than 12: 12 train at a time/).waitFor();
    await page.close();
  });
});

describe('seeds', () => {
  it('Seeds = 2 with one optimizer trains two runs, and the export keeps both seeds', async () => {
    const ITERS = 8;
    const page = await freshPage(pageUrl(suite.server.url));
    for (const box of await page.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck();
    await page.getByRole('checkbox', { name: 'SGD-HD', exact: true }).check();
    await page.getByLabel('Model', { exact: true }).selectOption('logreg');
    await page.getByLabel('Iterations', { exact: true }).fill(String(ITERS));
    await page.getByLabel('Seed', { exact: true }).fill('4');
    await page.getByLabel('Seeds', { exact: true }).fill('2');
    await page.getByText('1 optimizer × seeds 4…5 = 2 runs').waitFor();
    await page.getByRole('button', { name: 'Start' }).click();
    const status = page.getByRole('status').filter({ hasText: 'SGD-HD · seed 4' });
    await status.filter({ hasText: /SGD-HD · seed 4: done/ }).waitFor({ timeout: 120_000 });
    await status.filter({ hasText: /SGD-HD · seed 5: done/ }).waitFor({ timeout: 60_000 });

    const download = await downloaded(page, /\.csv$/, () => page.getByRole('button', { name: 'Export CSV' }).click());
    const lines = readFileSync(await download.path(), 'utf8').trim().split('\n');
    const header = lines[0].split(',');
    const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])));
    const loss = rows.filter((r) => r.metric === 'train_loss');
    assert.deepEqual([...new Set(loss.map((r) => r.seed))].sort(), ['4', '5']);
    assert.equal(new Set(loss.map((r) => r.run_id)).size, 2, 'one run id per seed');
    for (const seed of ['4', '5']) {
      const mine = loss.filter((r) => r.seed === seed);
      assert.deepEqual(mine.map((r) => Number(r.iteration)), Array.from({ length: ITERS }, (_, i) => i + 1), `seed ${seed}`);
      assert.ok(mine.every((r) => r.optimizer === 'SGD-HD'));
    }
    // Different seeds: different initial weights and batches, so the first losses differ.
    const first = (seed: string) => loss.find((r) => r.seed === seed && r.iteration === '1')?.value;
    assert.notEqual(first('4'), first('5'));
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  it('more than 12 runs queue: at most 12 train at once, the others wait, all finish', async () => {
    const base = new URL(pageUrl(suite.server.url));
    // 2 optimizers × 7 seeds = 14 runs (from a link: it exercises the link's seeds too).
    const page = await freshPage(`${base.origin}${base.pathname}?opt=SGD,SGD-HD&model=logreg&it=20&seeds=7&backend=wasm`);
    await page.getByText('2 optimizers × seeds 1…7 = 14 runs', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Start' }).click();
    let maxTraining = 0;
    let waitedWhileFull = false;
    const t0 = Date.now();
    for (;;) {
      const lines = await page.locator('.run-line').allInnerTexts();
      const training = lines.filter((l) => /: (training|paused)/.test(l)).length;
      maxTraining = Math.max(maxTraining, training);
      if (training === 12 && lines.some((l) => /: loading/.test(l))) waitedWhileFull = true;
      if (lines.length === 14 && lines.every((l) => /: done/.test(l))) break;
      assert.ok(Date.now() - t0 < 180_000, `14 runs finish: ${lines.join(' | ')}`);
      await page.waitForTimeout(100);
    }
    assert.ok(maxTraining <= 12, `at most 12 at once, saw ${maxTraining}`);
    assert.ok(waitedWhileFull, 'runs waited while 12 were training');
    assert.deepEqual(pageErrors, []);
    await page.close();
  });
});
