// Soak (not a test): do long runs leak? Six runs stream into the built page in headless Chromium
// (default FFNN/MNIST, wasm, a budget far beyond the soak) while, every --interval seconds, we sample
//   - the live tensor count inside each training worker (tf.memory().numTensors, sent with the workers'
//     status messages and read through window.__hgDebug, which the page exposes with ?debug=1), and
//   - the page's JS heap (CDP Runtime.getHeapUsage, after a forced garbage collection, so what is counted
//     is what is still reachable).
// Prints one row per sample, then a least-squares slope per minute for each and a verdict: the tensor
// count must be flat (a leak of even one tensor per step shows as thousands per minute); the heap grows
// by design, because the page keeps every point of every run (charts, export), so its slope is compared
// with the points recorded, as bytes per point.
//   npx vite build --outDir dist-soak && E2E_DIST=dist-soak npx tsx bench/soak.ts --minutes 30
//   [--interval 30] [--runs 6] [--backend wasm] [--iterations 10000000] [--eval-every 500]
import { parseArgs } from 'node:util';
import { launchChromium, openPage } from '../test/e2e/browser';
import { startPreview } from '../test/e2e/server';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    interval: { type: 'string', default: '30' },
    runs: { type: 'string', default: '6' },
    backend: { type: 'string', default: 'wasm' },
    iterations: { type: 'string', default: '10000000' },
    'eval-every': { type: 'string', default: '500' },
    warmup: { type: 'string', default: '60' },
  },
});
const minutes = Number(values.minutes);
const intervalS = Number(values.interval);
const nRuns = Number(values.runs);
if (!(minutes > 0) || !(intervalS > 0) || !(nRuns >= 1 && nRuns <= 8)) throw new Error('--minutes and --interval must be > 0, --runs 1…8');

interface Sample {
  /** Minutes since the first sample. */
  t: number;
  /** Live tensors per worker, by run label order; null where a worker had not reported. */
  tensors: (number | null)[];
  heapMB: number;
  /** ArrayBuffer backing stores (the series' typed columns live there), when CDP reports it. */
  backingMB: number | null;
  /** Iterations reached, summed over the runs (each is one training point kept by the page). */
  iterations: number;
  states: string;
}

/** Least-squares slope of y on x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return NaN;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  return sxx === 0 ? NaN : sxy / sxx;
}

const names = ['SGD', 'SGD-HD', 'Adam', 'Adam-HD', 'SGDN', 'SGDN-HD', 'RMSProp', 'Adagrad'].slice(0, nRuns);
const server = await startPreview();
const browser = await launchChromium();
const samples: Sample[] = [];
try {
  const page = await openPage(browser);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  const cdp = await page.context().newCDPSession(page);
  await page.goto(`${server.url}/?backend=${values.backend}&debug=1`);
  await page.getByText(/MNIST ready/).waitFor({ timeout: 180_000 });
  for (const box of await page.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck();
  for (const name of names) await page.getByRole('checkbox', { name, exact: true }).check();
  await page.getByLabel('Iterations', { exact: true }).fill(values.iterations);
  await page.getByLabel(/Eval every/).fill(values['eval-every']);
  await page.getByRole('button', { name: 'Start' }).click();
  await page.waitForFunction(
    (n) => (document.querySelector('[role=status]')?.textContent?.match(/: training, iteration/g) ?? []).length === n,
    names.length,
    { timeout: 300_000, polling: 500 },
  );
  // Warm-up: optimizer state that is created at the first steps (momentum, HD buffers) is not a leak.
  await new Promise((r) => setTimeout(r, Number(values.warmup) * 1000));
  console.log(`soak: ${names.length} runs (${names.join(', ')}), ${values.backend}, FFNN/MNIST, ${minutes} min after a ${values.warmup} s warm-up, a sample every ${intervalS} s`);
  console.log(['min', 'tensors per worker', 'Σ tensors', 'heap MB', 'buffers MB', 'iterations', 'states'].join('\t'));

  const sample = async (t: number): Promise<Sample> => {
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number; backingStorageSize?: number };
    const got = await page.evaluate((labels) => {
      const w = window as unknown as { __hgDebug?: { workerTensors(): Record<string, number> } };
      const counts = w.__hgDebug?.workerTensors() ?? {};
      const lines = [...document.querySelectorAll('[role="status"] li')].map((e) => e.textContent ?? '');
      const byLabel = labels.map((l) => lines.find((t) => t.startsWith(`${l}: `)) ?? '');
      // Run ids end in the optimizer name (r1-SGD-HD): match on that, longest name first.
      const ids = Object.keys(counts);
      const tensors = labels.map((l) => {
        const id = ids.find((i) => i.endsWith(`-${l}`));
        return id !== undefined ? counts[id] : null;
      });
      const iterations = byLabel.reduce((s, t) => s + Number(t.match(/iteration (\d+)/)?.[1] ?? 0), 0);
      const states = byLabel.map((t) => t.match(/^[^:]+: (\w+)/)?.[1] ?? '?').join(',');
      return { tensors, iterations, states };
    }, names);
    return { t, tensors: got.tensors, heapMB: heap.usedSize / 2 ** 20, backingMB: heap.backingStorageSize !== undefined ? heap.backingStorageSize / 2 ** 20 : null, iterations: got.iterations, states: got.states };
  };

  const t0 = Date.now();
  const end = t0 + minutes * 60_000;
  for (let k = 0; ; k++) {
    const due = t0 + k * intervalS * 1000;
    if (due > end + 1000) break;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const s = await sample((Date.now() - t0) / 60_000);
    samples.push(s);
    const sum = s.tensors.reduce<number>((a, b) => a + (b ?? 0), 0);
    console.log([s.t.toFixed(2), s.tensors.map((x) => x ?? '-').join(' '), sum, s.heapMB.toFixed(1), s.backingMB?.toFixed(1) ?? '-', s.iterations, s.states].join('\t'));
  }

  const xs = samples.map((s) => s.t);
  const sumT = samples.map((s) => s.tensors.reduce<number>((a, b) => a + (b ?? 0), 0));
  const tensorSlope = slope(xs, sumT);
  const heapSlope = slope(xs, samples.map((s) => s.heapMB));
  const iterSlope = slope(xs, samples.map((s) => s.iterations));
  const first = samples[0];
  const last = samples.at(-1)!;
  const half = samples.filter((s) => s.t >= last.t / 2);
  const heapSlopeLate = slope(half.map((s) => s.t), half.map((s) => s.heapMB));
  const bytesPerPoint = iterSlope > 0 ? (heapSlope * 2 ** 20) / iterSlope : NaN;
  const perWorker = names.map((n, i) => `${n} ${first.tensors[i] ?? '-'}→${last.tensors[i] ?? '-'}`).join(', ');
  console.log('');
  console.log(`tensors (all workers): start ${sumT[0]}, end ${sumT.at(-1)}, slope ${tensorSlope.toFixed(3)} per minute (${perWorker})`);
  console.log(`page JS heap (after GC): start ${first.heapMB.toFixed(1)} MB, end ${last.heapMB.toFixed(1)} MB, slope ${heapSlope.toFixed(3)} MB per minute (second half ${heapSlopeLate.toFixed(3)})`);
  if (first.backingMB !== null && last.backingMB !== null) {
    const backingSlope = slope(xs, samples.map((s) => s.backingMB ?? 0));
    console.log(`ArrayBuffer backing stores (series columns): start ${first.backingMB.toFixed(1)} MB, end ${last.backingMB.toFixed(1)} MB, slope ${backingSlope.toFixed(3)} MB per minute`);
  }
  console.log(`training points kept: start ${first.iterations}, end ${last.iterations}, ${iterSlope.toFixed(0)} per minute → JS heap ${bytesPerPoint.toFixed(1)} bytes per point`);
  // Flat tensors: under half a tensor per minute over the whole soak (one leaked tensor per flush of
  // ~100 ms would be ~600 per minute per worker), and no more at the end than one per worker above the start.
  const tensorsOk = Math.abs(tensorSlope) < 0.5 && sumT.at(-1)! <= sumT[0] + names.length;
  // JS heap: the points themselves live in typed arrays (off the JS heap, in the backing stores), so
  // the heap should level off; growing by more than 64 bytes per kept point means something else grows.
  const heapOk = !(bytesPerPoint > 64);
  const alive = last.states.split(',').every((s) => s === 'training');
  console.log(`verdict: tensors ${tensorsOk ? 'FLAT (no leak)' : 'GROWING (leak?)'}; JS heap ${heapOk ? 'bounded (≤ 64 bytes per point kept)' : `grows ${bytesPerPoint.toFixed(0)} bytes per point kept (leak?)`}; runs ${alive ? 'all still training' : `not all training: ${last.states}`}${pageErrors.length ? `; page errors: ${pageErrors.join(' | ')}` : ''}`);
  process.exitCode = tensorsOk && heapOk && alive ? 0 : 1;
} finally {
  await browser.close();
  await server.close();
}
