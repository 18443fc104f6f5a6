// Benchmark (not a test): while N runs (default 6) stream into the page, how long are the main thread's tasks?
// Uses the Long Tasks API (tasks ≥ 50 ms) in Debian's Chromium, wasm backend, on the built page.
//   npm run bench:page -- [--runs 6] [--iterations 600] [--backend wasm] [--no-build]
// The command line is checked first (--help, a bad flag: at once); then the page is built with Vite (unless
// --no-build), served by Vite's preview server and driven by playwright-core, all imported only then.
import { startCommand, str, usageErrorLine, type Command } from '../src/cli/args';

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

const OPTIMIZERS = ['SGD', 'SGD-HD', 'Adam', 'Adam-HD', 'SGDN', 'SGDN-HD'];

export const BENCH_PAGE: Command = {
  name: 'bench:page',
  summary:
    "A benchmark, not a test: builds the page (vite build into dist/, or $E2E_DIST), serves it, starts N runs in Debian's\n" +
    "Chromium (headless) and reports the main thread's long tasks (≥ 50 ms, Long Tasks API) while they stream into\n" +
    'the charts, the chart refresh times and the drawn points. Takes a few minutes.',
  synopsis: '[options]',
  flags: {
    runs: { type: 'string', arg: 'N', default: '6', help: `runs at once, 1..${OPTIMIZERS.length} (${OPTIMIZERS.join(', ')})` },
    iterations: { type: 'string', arg: 'N', default: '600', help: 'iterations per run' },
    backend: { type: 'string', arg: 'NAME', default: 'wasm', help: "the page's ?backend= (webgpu, webgl, wasm, cpu)" },
    'no-build': { type: 'boolean', help: 'serve the existing build instead of running vite build first' },
  },
  examples: ['npm run bench:page -- --runs 6 --iterations 600 --backend wasm'],
};

const parsed = startCommand(BENCH_PAGE, process.argv.slice(2));
if (parsed === null) process.exit(Number(process.exitCode ?? 0));
const bad = (msg: string): never => {
  process.stderr.write(`${usageErrorLine(BENCH_PAGE, msg)}\n`);
  process.exit(2);
};
const values = { runs: str(parsed, 'runs')!, iterations: str(parsed, 'iterations')!, backend: str(parsed, 'backend')! };
const nRuns = Number(values.runs);
if (!Number.isInteger(nRuns) || nRuns < 1 || nRuns > OPTIMIZERS.length) bad(`--runs: "${values.runs}" is not a whole number from 1 to ${OPTIMIZERS.length}`);
if (!/^[1-9]\d*$/.test(values.iterations)) bad(`--iterations: "${values.iterations}" is not a whole number ≥ 1`);
if (!['webgpu', 'webgl', 'wasm', 'cpu'].includes(values.backend)) bad(`--backend: "${values.backend}" is not webgpu, webgl, wasm or cpu`);

if (parsed.values['no-build'] !== true) {
  const { build } = await import('vite');
  await build({ logLevel: 'warn', build: { outDir: process.env.E2E_DIST || 'dist' } });
}
const { startPreview } = await import('../test/e2e/server');
const { launchChromium, openPage } = await import('../test/e2e/browser');
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
  const names = OPTIMIZERS.slice(0, nRuns);
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
