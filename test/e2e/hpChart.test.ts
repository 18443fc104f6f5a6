// The learning-rate chart's Hyperparameter select in real headless Chromium on real MNIST (wasm
// backend): a short Stack run (the default stack, Adam at the model level) next to SGD-HD; β₁ draws
// the Stack's line only and the caption names SGD-HD as without one; γ, which no run tunes, draws
// nothing and says so; α is the chart as before.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { openApp, useSuite } from './suite';

const ITERS = 20;

const suite = useSuite();
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  page = await openApp(suite, pageErrors, { viewport: { width: 1440, height: 1000 } });
});

const figure = (): Locator => page.getByRole('figure', { name: 'Learning rate', exact: true });
const caption = async (): Promise<string> => (await figure().locator('.chart-caption').textContent()) ?? '';
const points = async (): Promise<number> => Number(await figure().getAttribute('data-points'));

describe('learning-rate chart: Hyperparameter select', () => {
  it('trains a Stack and SGD-HD', async () => {
    for (const box of await page.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck();
    await page.getByRole('checkbox', { name: 'SGD-HD', exact: true }).check();
    await page.getByRole('checkbox', { name: 'Stack', exact: true }).check();
    await page.getByLabel('Iterations', { exact: true }).fill(String(ITERS));
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('status').filter({ hasText: /SGD-HD: done/ }).waitFor({ timeout: 180_000 });
    await page.getByRole('status').filter({ hasText: /Stack[^;]*: done/ }).waitFor({ timeout: 180_000 });
  });

  it('α by default: every run\'s lr', async () => {
    const select = page.getByRole('combobox', { name: 'Hyperparameter', exact: true });
    assert.equal(await select.inputValue(), 'alpha');
    assert.deepEqual(await select.locator('option').allTextContents(), ['α (learning rate)', 'μ (SGD momentum)', 'β₁ (Adam)', 'β₂ (Adam)', 'γ (RMSProp)']);
    await page.waitForFunction((el) => Number((el as Element).getAttribute('data-points')) >= 2 * 20, await figure().elementHandle(), { timeout: 10_000 });
    assert.match(await caption(), /^α after each iteration/);
  });

  it('β₁: only the Stack\'s line, and the caption names the run without one', async () => {
    const all = await points();
    await page.getByLabel('Hyperparameter', { exact: true }).selectOption('beta1');
    await page.waitForFunction(([el, n]) => { const p = Number((el as Element).getAttribute('data-points')); return p > 0 && p < n; }, [await figure().elementHandle(), all] as const, { timeout: 10_000 });
    assert.match(await caption(), /^β₁ after each iteration/);
    assert.match(await caption(), /Not drawn \(no β₁\): SGD-HD/);
    // The y axis fits β₁ (≈ 0.9), not α (0.001).
    const ys = (await figure().locator('.recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value').allTextContents()).map(Number);
    assert.ok(Math.max(...ys) >= 0.5, `y ticks ${ys.join(', ')}`);
  });

  it('γ: no run tunes it; back to α', async () => {
    await page.getByLabel('Hyperparameter', { exact: true }).selectOption('gamma');
    await page.waitForFunction((el) => Number((el as Element).getAttribute('data-points')) === 0, await figure().elementHandle(), { timeout: 10_000 });
    assert.equal(await caption(), 'No run tunes γ: only a Stack whose model level is RMSProp does.');
    await page.getByLabel('Hyperparameter', { exact: true }).selectOption('alpha');
    await page.waitForFunction((el) => Number((el as Element).getAttribute('data-points')) >= 40, await figure().elementHandle(), { timeout: 10_000 });
    assert.match(await caption(), /^α after each iteration/);
    assert.deepEqual(pageErrors, []);
  });
});
