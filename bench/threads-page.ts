// Benchmark (not a test): steps/s of one run in the page, wasm threaded vs single-threaded.
// The built page is served twice by Vite's preview server: with Cross-Origin-Opener-Policy: same-origin +
// Cross-Origin-Embedder-Policy: require-corp (cross-origin isolated: the run's worker gets
// max(1, ⌊cores / 1⌋) threads, src/sched/threads.ts) and without (single-threaded SIMD build). Rounds
// alternate the two; each round opens a fresh page, trains the project's "mlp" (784-1000-1000-10) on MNIST,
// batch 128, SGD, and reads steps/s from the run's reference CSV (its Time column, seconds since training
// started, written by the worker): measured iterations / (Time at warm-up + measured − Time at warm-up).
//   npx tsx bench/threads-page.ts [--rounds 5] [--warmup 10] [--iterations 150] [--model mlp] [--no-build]
import { cpus, loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { startCommand, str, usageErrorLine, type Command } from '../src/cli/args';

export const BENCH_THREADS_PAGE: Command = {
  name: 'bench:threads-page',
  summary:
    "A benchmark, not a test: builds the page (vite build into dist/, or $E2E_DIST), serves it with and without the\n" +
    "cross-origin isolation headers, and measures steps/s of one wasm run in Debian's Chromium (headless), threaded\n" +
    'vs single-threaded, in interleaved rounds; prints a Markdown table. Takes a few minutes.',
  synopsis: '[options]',
  flags: {
    rounds: { type: 'string', arg: 'N', default: '5', help: 'rounds; each trains once threaded and once single-threaded' },
    warmup: { type: 'string', arg: 'N', default: '10', help: 'iterations before the measured ones' },
    iterations: { type: 'string', arg: 'N', default: '150', help: 'measured iterations per run' },
    model: { type: 'string', arg: 'NAME', default: 'mlp', help: "the page's model (logreg, ffnn, mlp, lenet5, …)" },
    batch: { type: 'string', arg: 'N', default: '128', help: 'batch size' },
    'no-build': { type: 'boolean', help: 'serve the existing build instead of running vite build first' },
  },
  examples: ['npx tsx bench/threads-page.ts --rounds 5', 'E2E_DIST=dist-thr npx tsx bench/threads-page.ts --no-build'],
};

const parsed = startCommand(BENCH_THREADS_PAGE, process.argv.slice(2));
if (parsed === null) process.exit(Number(process.exitCode ?? 0));
const bad = (msg: string): never => {
  process.stderr.write(`${usageErrorLine(BENCH_THREADS_PAGE, msg)}\n`);
  process.exit(2);
};
const whole = (name: string, min: number): number => {
  const raw = str(parsed, name)!;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min) bad(`--${name}: "${raw}" is not a whole number ≥ ${min}`);
  return n;
};
const rounds = whole('rounds', 1);
const warmup = whole('warmup', 1);
const measured = whole('iterations', 2);
const batch = whole('batch', 1);
const model = str(parsed, 'model')!;

if (parsed.values['no-build'] !== true) {
  const { build } = await import('vite');
  await build({ logLevel: 'warn', build: { outDir: process.env.E2E_DIST || 'dist' } });
}
const { ISOLATION_HEADERS, startPreview } = await import('../test/e2e/server');
const { launchChromium, openPage } = await import('../test/e2e/browser');
const { parseCsv } = await import('../test/e2e/csv');

type Mode = 'threaded' | 'single';
interface Sample {
  stepsPerSecond: number;
  threads: string;
}

const cpuModel = (() => {
  try {
    return /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown';
  } catch {
    return cpus()[0]?.model ?? 'unknown';
  }
})();
const load = () => loadavg().map((x) => x.toFixed(2)).join(' / ');
const loadBefore = load();

const servers = { threaded: await startPreview(ISOLATION_HEADERS), single: await startPreview() };
const browser = await launchChromium();
const samples: Record<Mode, Sample[]> = { threaded: [], single: [] };
let cores = 0;

async function once(mode: Mode): Promise<Sample> {
  // Service workers blocked: the headers alone decide isolation (the page's own sw.js may isolate it too).
  const page = await openPage(browser, { acceptDownloads: true, serviceWorkers: 'block' });
  try {
    await page.goto(`${servers[mode].url}/?backend=wasm`);
    cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const isolated = await page.evaluate(() => crossOriginIsolated);
    if (isolated !== (mode === 'threaded')) throw new Error(`${mode}: crossOriginIsolated is ${isolated}`);
    for (const box of await page.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck();
    await page.getByRole('checkbox', { name: 'SGD', exact: true }).check();
    await page.getByLabel('Model').selectOption(model);
    await page.getByLabel('Batch size').fill(String(batch));
    const total = warmup + measured;
    await page.getByLabel('Iterations', { exact: true }).fill(String(total));
    await page.getByLabel(/Eval every/).fill(String(total));
    await page.getByRole('button', { name: 'Start' }).click();
    const line = page.locator('.run-line', { hasText: /^SGD: (done|error|diverged|stopped)/ });
    await line.waitFor({ timeout: 590_000 });
    const text = await line.innerText();
    if (!/^SGD: done/.test(text)) throw new Error(`${mode}: ${text}`);
    const threads = /\(wasm\) on (\d+ threads?)/.exec(text)?.[1] ?? '?';
    const [download] = await Promise.all([
      page.waitForEvent('download', (d) => d.suggestedFilename().endsWith('.csv')),
      page.getByRole('button', { name: /Reference CSV SGD/ }).first().click(),
    ]);
    const { rows } = parseCsv(readFileSync(await download.path(), 'utf8'));
    const timeAt = (it: number) => {
      const row = rows.find((r) => Number(r.Iteration) === it);
      if (!row) throw new Error(`${mode}: no row for iteration ${it}`);
      return Number(row.Time);
    };
    const seconds = timeAt(total) - timeAt(warmup);
    return { stepsPerSecond: measured / seconds, threads };
  } finally {
    await page.close();
  }
}

try {
  for (let r = 0; r < rounds; r++) {
    // Alternate which mode goes first, so neither always runs on a warmer (or busier) machine.
    const order: Mode[] = r % 2 === 0 ? ['threaded', 'single'] : ['single', 'threaded'];
    for (const mode of order) {
      const s = await once(mode);
      samples[mode].push(s);
      process.stderr.write(`round ${r + 1}/${rounds} ${mode} (${s.threads}): ${s.stepsPerSecond.toFixed(2)} steps/s, load ${load()}\n`);
    }
  }
} finally {
  await browser.close();
  await servers.threaded.close();
  await servers.single.close();
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const row = (mode: Mode, label: string) => {
  const xs = samples[mode].map((s) => s.stepsPerSecond);
  return { label, threads: samples[mode][0]?.threads ?? '?', median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
};
const thr = row('threaded', 'cross-origin isolated, threaded SIMD build');
const one = row('single', 'not isolated, single-threaded SIMD build');
console.log(`One "${model}" run on MNIST, batch ${batch}, SGD, wasm, in headless Chromium (${cores} logical cores reported); ` +
  `steps/s over iterations ${warmup}–${warmup + measured} from the run's reference CSV, ${rounds} interleaved rounds.\n`);
console.log('| page | threads | median steps/s | min | max | × single-threaded (median) |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const r of [thr, one]) {
  console.log(`| ${r.label} | ${r.threads} | ${r.median.toFixed(2)} | ${r.min.toFixed(2)} | ${r.max.toFixed(2)} | ${(r.median / one.median).toFixed(2)}× |`);
}
// Each round's own ratio: the two runs of a round ran minutes apart at most, so load drifts cancel better.
const paired = samples.threaded.map((s, i) => s.stepsPerSecond / samples.single[i].stepsPerSecond);
console.log(`\nPer round, threaded ÷ single-threaded: ${paired.map((x) => x.toFixed(2)).join(', ')} (median ${median(paired).toFixed(2)}×).`);
console.log(`\nCPU: ${cpuModel}; load average (1 / 5 / 15 min) before ${loadBefore}, after ${load()}.`);
