// Benchmark (not a test): while N runs (default 6) stream into the page, how long are the main thread's tasks?
// Uses the Long Tasks API (tasks ≥ 50 ms) in Debian's Chromium, wasm backend, on the built page.
//   npm run build && tsx bench/page-longtasks.ts [--runs 6] [--iterations 600] [--backend wasm]
import { parseArgs } from 'node:util';
import { startPreview } from '../test/e2e/server';
import { launchChromium, openPage } from '../test/e2e/browser';

interface LongTask {
  start: number;
  duration: number;
}

declare global {
  interface Window {
    /** Long tasks collected by the init script below. */
    __longTasks: LongTask[];
  }
}

const { values } = parseArgs({ options: { runs: { type: 'string', default: '6' }, iterations: { type: 'string', default: '600' }, backend: { type: 'string', default: 'wasm' } } });
const server = await startPreview();
const browser = await launchChromium();
try {
  const page = await openPage(browser);
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(`${server.url}/?backend=${values.backend}`);
  await page.getByText(/MNIST ready/).waitFor({ timeout: 120_000 });
  const names = ['SGD', 'SGD-HD', 'Adam', 'Adam-HD', 'SGDN', 'SGDN-HD'].slice(0, Number(values.runs));
  for (const box of await page.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck();
  for (const name of names) await page.getByRole('checkbox', { name, exact: true }).check();
  await page.getByLabel('Iterations', { exact: true }).fill(values.iterations);
  await page.getByLabel(/Eval every/).fill('200');
  const t0 = await page.evaluate(() => performance.now());
  await page.getByRole('button', { name: 'Start' }).click();
  await page.waitForFunction((n) => (document.querySelector('[role=status]')?.textContent?.match(/: done/g) ?? []).length === n, names.length, { timeout: 590_000, polling: 500 });
  const t1 = await page.evaluate(() => performance.now());
  const tasks = (await page.evaluate(() => window.__longTasks)).filter((t) => t.start >= t0);
  const refreshes = await page.evaluate((start) => performance.getEntriesByType('measure').filter((m) => m.name.startsWith('chart refresh') && m.startTime >= start).map((m) => m.duration), t0);
  refreshes.sort((a, b) => a - b);
  const points = await page.evaluate(() => [...document.querySelectorAll('figure[data-points]')].map((f) => `${f.getAttribute('aria-label')}=${f.getAttribute('data-points')}`));
  const max = tasks.reduce((m, t) => Math.max(m, t.duration), 0);
  console.log(`${names.length} runs × ${values.iterations} iterations (${values.backend}) streamed in ${((t1 - t0) / 1000).toFixed(1)} s`);
  console.log(`main-thread tasks ≥ 50 ms during training: ${tasks.length}; longest ${max.toFixed(0)} ms`);
  console.log(`long tasks (ms @ s after Start): ${tasks.map((t) => `${t.duration.toFixed(0)}@${((t.start - t0) / 1000).toFixed(1)}`).join(' ') || 'none'}`);
  console.log(`chart refreshes: ${refreshes.length}, median ${(refreshes[refreshes.length >> 1] ?? 0).toFixed(0)} ms, max ${(refreshes.at(-1) ?? 0).toFixed(0)} ms (wall time, data change → lines redrawn)`);
  console.log(`drawn points: ${points.join(', ')}`);
} finally {
  await browser.close();
  await server.close();
}
