// Benchmark (not a test): while 6 runs stream into the page, how long are the main thread's tasks?
// Uses the Long Tasks API (tasks ≥ 50 ms) in Debian's Chromium, wasm backend, on the built page.
//   npm run build && node bench/page-longtasks.mjs [--iterations 600] [--backend wasm]
import { parseArgs } from 'node:util';
import { startPreview } from '../test/e2e/server.mjs';
import { launchChromium } from '../test/e2e/browser.mjs';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '600' }, backend: { type: 'string', default: 'wasm' } } });
const server = await startPreview();
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(`${server.url}/?backend=${values.backend}`);
  await page.getByText(/MNIST ready/).waitFor({ timeout: 120_000 });
  for (const name of ['SGD', 'SGDN', 'Adam', 'SGD-HD', 'SGDN-HD', 'Adam-HD']) await page.getByRole('checkbox', { name, exact: true }).check();
  await page.getByLabel('Iterations', { exact: true }).fill(values.iterations);
  await page.getByLabel(/Eval every/).fill('200');
  const t0 = await page.evaluate(() => performance.now());
  await page.getByRole('button', { name: 'Start' }).click();
  await page.waitForFunction(() => (document.querySelector('[role=status]')?.textContent?.match(/: done/g) ?? []).length === 6, null, { timeout: 590_000, polling: 500 });
  const t1 = await page.evaluate(() => performance.now());
  const tasks = (await page.evaluate(() => window.__longTasks)).filter((t) => t.start >= t0);
  const points = await page.evaluate(() => [...document.querySelectorAll('figure[data-points]')].map((f) => `${f.getAttribute('aria-label')}=${f.getAttribute('data-points')}`));
  const max = tasks.reduce((m, t) => Math.max(m, t.duration), 0);
  console.log(`6 runs × ${values.iterations} iterations (${values.backend}) streamed in ${((t1 - t0) / 1000).toFixed(1)} s`);
  console.log(`main-thread tasks ≥ 50 ms during training: ${tasks.length}; longest ${max.toFixed(0)} ms`);
  console.log(`long task durations (ms): ${tasks.map((t) => t.duration.toFixed(0)).join(' ') || 'none'}`);
  console.log(`drawn points: ${points.join(', ')}`);
} finally {
  await browser.close();
  await server.close();
}
