// Diagnostic: CPU profile of the page's main thread while N runs stream; prints the top self-time
// functions (by script) so chart work can be told apart from React, recharts and the runner.
//   npm run build && tsx bench/profile-page.ts [--runs 2] [--iterations 300]
import { parseArgs } from 'node:util';
import { startPreview } from '../test/e2e/server';
import { launchChromium, openPage, pageUrl } from '../test/e2e/browser';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '2' }, iterations: { type: 'string', default: '300' } } });
const server = await startPreview();
const browser = await launchChromium();
try {
  const page = await openPage(browser);
  await page.goto(pageUrl(server.url));
  await page.getByText(/MNIST ready/).waitFor({ timeout: 120_000 });
  const names = ['SGD', 'SGD-HD', 'Adam', 'Adam-HD', 'SGDN', 'SGDN-HD'].slice(0, Number(values.runs));
  for (const box of await page.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck();
  for (const name of names) await page.getByRole('checkbox', { name, exact: true }).check();
  await page.getByLabel('Iterations', { exact: true }).fill(values.iterations);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  await page.getByRole('button', { name: 'Start' }).click();
  await page.waitForFunction((n) => (document.querySelector('[role=status]')?.textContent?.match(/: done/g) ?? []).length === n, names.length, { timeout: 590_000, polling: 500 });
  const { profile } = await cdp.send('Profiler.stop');
  const byId = new Map(profile.nodes.map((n) => [n.id, n] as const));
  const self = new Map<string, number>();
  const dt = profile.timeDeltas ?? [];
  (profile.samples ?? []).forEach((id, i) => {
    const n = byId.get(id);
    if (!n) throw new Error(`profile sample names unknown node ${id}`);
    const f = n.callFrame;
    const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  console.log(`profile total ${total.toFixed(0)} ms`);
  for (const [k, v] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(v.toFixed(1).padStart(8), k);
} finally {
  await browser.close();
  await server.close();
}
