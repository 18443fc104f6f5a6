// The chart controls in real headless Chromium on real MNIST (wasm backend): train two optimizers a few
// iterations, then smoothing, x axes, log y, zoom (typed and dragged), the keyboard crosshair and its
// tooltip synced across charts, SVG/PNG downloads, and the theme.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { downloaded, openApp, useSuite } from './suite';

const ITERS = 40;
const EVAL_EVERY = 20;
const ALPHA0 = 0.01;

const suite = useSuite();
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  page = await openApp(suite, pageErrors, { acceptDownloads: true, viewport: { width: 1440, height: 1000 } });
});

const figure = (name: string): Locator => page.getByRole('figure', { name, exact: true });

/** The numbers on a chart's x (or y) axis, as drawn. */
async function ticks(name: string, axis: 'x' | 'y'): Promise<number[]> {
  // recharts 3 draws tick labels in their own layer, apart from the axis group.
  const texts = await figure(name).locator(`.recharts-${axis}Axis-tick-labels .recharts-cartesian-axis-tick-value`).allTextContents();
  return texts.map(Number);
}

async function axisLabel(name: string): Promise<string> {
  // recharts draws the axis title as the chart's only .recharts-label.
  return (await figure(name).locator('.recharts-label').textContent()) ?? '';
}

describe('chart controls', () => {
  it('trains two optimizers', async () => {
    for (const box of await page.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck();
    await page.getByRole('checkbox', { name: 'SGD-HD', exact: true }).check();
    await page.getByRole('checkbox', { name: 'Adam', exact: true }).check();
    const alpha = page.getByRole('textbox', { name: /α₀/ });
    await alpha.fill(String(ALPHA0));
    await alpha.blur();
    await page.getByLabel('Iterations', { exact: true }).fill(String(ITERS));
    await page.getByLabel(/Eval every/).fill(String(EVAL_EVERY));
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('status').filter({ hasText: /SGD-HD: done/ }).waitFor({ timeout: 180_000 });
    await page.getByRole('status').filter({ hasText: /Adam: done/ }).waitFor({ timeout: 60_000 });
    const loss = await figure('Loss').elementHandle();
    // Each run: 40 training points and 3 evaluations on the loss chart.
    await page.waitForFunction(([el, n]) => Number((el as Element).getAttribute('data-points')) >= n, [loss, 2 * ITERS] as const, { timeout: 10_000 });
    // The iteration axis spans the budget: 0 … 40.
    const xs = await ticks('Loss', 'x');
    assert.equal(xs[0], 0);
    assert.equal(xs[xs.length - 1], ITERS);
  });

  it('smoothing draws the raw values faint behind, and refuses an out-of-range weight', async () => {
    const smoothing = page.getByLabel('Smoothing', { exact: true });
    assert.equal(await figure('Loss').locator('path.series-raw').count(), 0, 'no raw line without smoothing');
    await smoothing.fill('2');
    await page.getByText('Smoothing must be between 0 and 0.999').waitFor();
    assert.equal(await smoothing.getAttribute('aria-invalid'), 'true');
    assert.equal(await figure('Loss').locator('path.series-raw').count(), 0, 'a bad value changes nothing');
    await smoothing.fill('0.6');
    assert.equal(await smoothing.getAttribute('aria-invalid'), 'false');
    await figure('Loss').locator('path.series-raw').nth(1).waitFor();
    assert.equal(await figure('Loss').locator('path.series-raw').count(), 2, 'one raw line per run (training loss only)');
    assert.equal(await figure('Learning rate').locator('path.series-raw').count(), 0, 'α is not smoothed');
  });

  it('switches the x axis to epoch and to time', async () => {
    const xAxis = page.getByLabel('X axis', { exact: true });
    await xAxis.selectOption('epoch');
    await page.waitForFunction(() => document.querySelector('[data-kind=loss] .recharts-label')?.textContent === 'Epoch');
    // 40 iterations of batch 128 on 60,000 images (469 per epoch) = 0.085 epochs: every tick ≤ 0.1.
    const epochTicks = await ticks('Loss', 'x');
    assert.ok(epochTicks.every((t) => t >= 0 && t <= 0.1), `epoch ticks ${epochTicks}`);
    await xAxis.selectOption('time');
    await page.waitForFunction(() => document.querySelector('[data-kind=loss] .recharts-label')?.textContent === 'Time (s)');
    assert.equal(await axisLabel('Accuracy'), 'Time (s)');
    await xAxis.selectOption('iteration');
    assert.equal(await axisLabel('Loss'), 'Iteration');
  });

  it('log y puts the loss on powers of ten', async () => {
    const linear = await ticks('Loss', 'y');
    await page.getByLabel('Log y (loss)').check();
    const isLogTick = (t: number) => [1, 2, 5].includes(Number((t / 10 ** Math.floor(Math.log10(t) + 1e-9)).toPrecision(6)));
    // Wait for the re-render: the linear ticks (0, 0.5, 1, 1.5, … here) are not all 1-2-5 × 10^k.
    assert.ok(!linear.every(isLogTick), `linear ticks ${linear}`);
    let ys: number[] = [];
    for (let i = 0; i < 50 && !(ys.length >= 2 && ys.every(isLogTick)); i++) {
      await page.waitForTimeout(100);
      ys = await ticks('Loss', 'y');
    }
    // MNIST losses of a fresh network sit between 0.1 and 10: decades (1-2-5 only for a single decade).
    assert.ok(ys.length >= 2 && ys.every(isLogTick), `log ticks ${ys}`);
    assert.ok(ys.some((t) => Number.isInteger(Math.log10(t))), `a power of ten among ${ys}`);
    await page.getByLabel('Log y (loss)').uncheck();
  });

  it('zooms to a typed range and back, and by dragging on the plot', async () => {
    await page.getByLabel('Zoom from', { exact: true }).fill('10');
    await page.getByLabel('Zoom to', { exact: true }).fill('30');
    await page.getByRole('button', { name: 'Zoom', exact: true }).click();
    const zoomed = await ticks('Accuracy', 'x');
    assert.ok(zoomed[0] >= 10 && zoomed[zoomed.length - 1] <= 30, `zoomed ticks ${zoomed}`);
    const reset = page.getByRole('button', { name: 'Reset zoom' });
    assert.equal(await reset.isEnabled(), true);
    await reset.click();
    assert.equal(await reset.isEnabled(), false);
    assert.equal((await ticks('Loss', 'x')).at(-1), ITERS);

    // Drag from 25 % to 75 % of the learning-rate plot's width: about iterations 10 … 30.
    const overlay = figure('Learning rate').locator('.crosshair-overlay');
    const box = await overlay.boundingBox();
    assert.ok(box);
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width * 0.25, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, y, { steps: 4 });
    await page.mouse.move(box.x + box.width * 0.75, y, { steps: 4 });
    await page.mouse.up();
    assert.equal(await reset.isEnabled(), true, 'a drag zooms');
    const from = Number(await page.getByLabel('Zoom from', { exact: true }).inputValue());
    const to = Number(await page.getByLabel('Zoom to', { exact: true }).inputValue());
    assert.ok(Math.abs(from - 10) < 1.5 && Math.abs(to - 30) < 1.5, `dragged range ${from} … ${to}`);
    await reset.click();
    await page.mouse.move(0, 0);
  });

  it('moves one crosshair with the keyboard; every chart shows its values there', async () => {
    const plot = page.getByRole('group', { name: /^Loss plot/ });
    await plot.focus();
    await page.keyboard.press('End');
    const lossTip = figure('Loss').getByRole('tooltip');
    await lossTip.filter({ hasText: `Iteration ${ITERS}` }).waitFor();
    await page.keyboard.press('ArrowLeft');
    await lossTip.filter({ hasText: `Iteration ${ITERS - 1}` }).waitFor();
    const text = await lossTip.innerText();
    // Numbers as people write them: at most 3 significant digits, no 0.0010000 tails.
    const m = text.match(/SGD-HD \(train\): (\S+)/);
    assert.ok(m, `tooltip lists SGD-HD's training loss: ${text}`);
    assert.match(m[1], /^\d(\.\d{1,2})?$|^0\.\d{1,3}$|^\d(\.\d{1,2})?e-?\d+$/, `formatted ${m[1]}`);
    assert.match(text, /Adam \(validation\): /);
    // Synced: the learning-rate chart shows the same x; Adam's α never moves from α₀.
    const lrTip = figure('Learning rate').getByRole('tooltip');
    await lrTip.filter({ hasText: `Iteration ${ITERS - 1}` }).waitFor();
    assert.match(await lrTip.innerText(), /Adam: 0\.01\b/);
    // The accuracy chart answers with its nearest evaluation (iteration 40 is nearest to 39).
    assert.match(await figure('Accuracy').getByRole('tooltip').innerText(), new RegExp(`Iteration ${ITERS}\\b`));
    await page.keyboard.press('Escape');
    await lossTip.waitFor({ state: 'hidden' });
  });

  it('downloads each chart as SVG and PNG, named for what it shows', async () => {
    const svgDl = await downloaded(page, /\.svg$/, () => page.getByRole('button', { name: 'Download Loss chart as SVG' }).click());
    assert.equal(svgDl.suggestedFilename(), 'loss-vs-iteration-smoothing-0.6.svg');
    const svg = readFileSync(await svgDl.path(), 'utf8');
    assert.match(svg, /<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svg, /<title>Loss vs iteration<\/title>/);
    // Colours are inlined (a file has no stylesheet): the grid's stroke is a real colour, not a variable.
    assert.doesNotMatch(svg, /var\(--/);
    assert.match(svg, /stroke="rgb\(/); // presentation attributes: the page's CSP refuses style="" attributes
    const pngDl = await downloaded(page, /\.png$/, () => page.getByRole('button', { name: 'Download Learning rate chart as PNG' }).click());
    assert.equal(pngDl.suggestedFilename(), 'learning-rate-vs-iteration-smoothing-0.6.png');
    const png = readFileSync(await pngDl.path());
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
    // IHDR width at bytes 16..19: twice the chart's CSS width (drawn at scale 2).
    const cssWidth = Number(await figure('Learning rate').locator('svg.recharts-surface').getAttribute('width'));
    assert.equal(png.readUInt32BE(16), 2 * cssWidth);
  });

  it('switches to the dark theme and remembers it', async () => {
    const theme = page.getByLabel('Theme', { exact: true });
    const bg = () => page.evaluate(() => getComputedStyle(document.querySelector('.charts-section') as Element).backgroundColor);
    const light = await bg();
    await theme.selectOption('dark');
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    assert.equal(await bg(), 'rgb(22, 26, 34)');
    assert.notEqual(light, 'rgb(22, 26, 34)');
    // Series switch to the dark palette: SGD-HD's HD shade of blue is #8fc1f7 there.
    await page.waitForFunction(() => [...document.querySelectorAll('[data-kind=loss] path.series-line')].some((p) => p.getAttribute('stroke') === '#8fc1f7'));
    await page.reload();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    assert.equal(await page.getByLabel('Theme', { exact: true }).inputValue(), 'dark');
    await page.getByLabel('Theme', { exact: true }).selectOption('light');
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
    assert.deepEqual(pageErrors, []);
  });
});
