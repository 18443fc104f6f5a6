// Faults end only their own run, in real headless Chromium on real MNIST (wasm):
//  (a) a worker that crashes mid-run (the test-only `__crash` hook, on with ?faults=1) shows the reason,
//      the other runs finish 'done', and the crashed run's points stay — in the export, and in storage
//      (after a reload);
//  (b) IndexedDB refusing writes mid-run with a QuotaExceededError: one alert says storage is full, the
//      runs keep training to 'done', and the export still has every point.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { parseCsv, type CsvRow } from './csv';
import { pageUrl } from './browser';
import { downloaded, openApp, useSuite } from './suite';

const ITERS = 200;
const EVAL_EVERY = 50;

const suite = useSuite();
let faultsUrl = '';

before(async () => {
  await suite.ready();
  faultsUrl = `${pageUrl(suite.server.url)}&faults=1`;
});

async function startRuns(page: Page, optimizers: string[], iters = ITERS, evalEvery = EVAL_EVERY): Promise<void> {
  for (const box of await page.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck();
  for (const o of optimizers) await page.getByRole('checkbox', { name: o, exact: true }).check();
  await page.getByLabel('Iterations', { exact: true }).fill(String(iters));
  await page.getByLabel(/Eval every/).fill(String(evalEvery));
  await page.getByRole('button', { name: 'Start' }).click();
}

/** Waits until the run's status line says it is training at iteration ≥ `atLeast`. */
async function trainingPast(page: Page, label: string, atLeast: number): Promise<void> {
  await page.waitForFunction(
    ([l, n]) => {
      const line = [...document.querySelectorAll('[role="status"] li')].map((e) => e.textContent ?? '').find((t) => t.startsWith(`${l}: training, iteration `));
      const m = line?.match(/iteration (\d+) \//);
      return !!m && Number(m[1]) >= (n as number);
    },
    [label, atLeast] as const,
    { timeout: 180_000, polling: 100 },
  );
}

async function exportRows(page: Page): Promise<CsvRow[]> {
  const download = await downloaded(page, /\.csv$/, () => page.getByRole('button', { name: 'Export CSV' }).click());
  return parseCsv(readFileSync(await download.path(), 'utf8')).rows;
}

const trainIterations = (rows: CsvRow[], opt: string) => rows.filter((r) => r.optimizer === opt && r.metric === 'train_loss').map((r) => Number(r.iteration));
const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('faults end only their own run', () => {
  it('a worker crash and an out-of-memory crash mid-run: those runs show the reason and keep their points; the others finish done', async () => {
    const errors: string[] = [];
    const page = await openApp(suite, errors, { acceptDownloads: true }, faultsUrl);
    await startRuns(page, ['SGD', 'SGD-HD', 'Adam', 'Adam-HD']);
    const status = page.getByRole('status');

    await trainingPast(page, 'SGD-HD', 20);
    assert.equal(await page.evaluate(() => (window as unknown as { __hgFaults: { crash(l: string, m: string): boolean } }).__hgFaults.crash('SGD-HD', 'throw')), true);
    await trainingPast(page, 'Adam-HD', 20);
    assert.equal(await page.evaluate(() => (window as unknown as { __hgFaults: { crash(l: string, m: string): boolean } }).__hgFaults.crash('Adam-HD', 'oom')), true);

    const crashed = status.locator('li').filter({ hasText: /^SGD-HD: error at iteration \d+ \/ 200: worker crashed: Error: test crash/ });
    const oom = status.locator('li').filter({ hasText: /^Adam-HD: error at iteration \d+ \/ 200: out of memory: RangeError: WebAssembly\.Memory\.grow\(\)/ });
    await crashed.waitFor({ timeout: 30_000 });
    await oom.waitFor({ timeout: 30_000 });
    await status.locator('li').filter({ hasText: /^SGD: done, 200 iterations/ }).waitFor({ timeout: 240_000 });
    await status.locator('li').filter({ hasText: /^Adam: done, 200 iterations/ }).waitFor({ timeout: 240_000 });
    // One alert per fault, naming the run.
    await page.getByRole('alert').filter({ hasText: /SGD-HD: worker crashed: Error: test crash/ }).waitFor();
    await page.getByRole('alert').filter({ hasText: /Adam-HD: out of memory:/ }).waitFor();
    const crashedAt = Number((await crashed.innerText()).match(/error at iteration (\d+)/)![1]);
    const oomAt = Number((await oom.innerText()).match(/error at iteration (\d+)/)![1]);
    assert.ok(crashedAt >= 20 && crashedAt < ITERS, `SGD-HD crashed mid-run (${crashedAt})`);
    assert.ok(oomAt >= 20 && oomAt < ITERS, `Adam-HD crashed mid-run (${oomAt})`);

    const check = (rows: CsvRow[], where: string) => {
      assert.deepEqual(trainIterations(rows, 'SGD'), oneTo(ITERS), `${where}: SGD complete`);
      assert.deepEqual(trainIterations(rows, 'Adam'), oneTo(ITERS), `${where}: Adam complete`);
      // The crashed runs keep every point they had streamed: 1 … k with no gap, k ≥ the iteration shown.
      for (const [opt, at] of [['SGD-HD', crashedAt], ['Adam-HD', oomAt]] as const) {
        const its = trainIterations(rows, opt);
        assert.ok(its.length >= at, `${where}: ${opt} keeps its ${at}+ points (got ${its.length})`);
        assert.deepEqual(its, oneTo(its.length), `${where}: ${opt} points contiguous`);
        assert.ok(rows.some((r) => r.optimizer === opt && r.metric === 'val_loss' && r.iteration === '0'), `${where}: ${opt} keeps its first evaluation`);
        assert.ok(rows.filter((r) => r.optimizer === opt).every((r) => r.state === 'error'), `${where}: ${opt} exported in state error`);
      }
    };
    check(await exportRows(page), 'export');

    // …and in storage: after a reload the runs come back with the same points.
    await page.locator('[data-persist="saved"]').waitFor({ timeout: 30_000 });
    await page.reload();
    await status.locator('li').filter({ hasText: /^SGD-HD: error at iteration/ }).waitFor({ timeout: 30_000 });
    check(await exportRows(page), 'after reload');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('storage full mid-run (QuotaExceededError): one alert, the runs finish, the export has every point', async () => {
    const errors: string[] = [];
    const page = await openApp(suite, errors, { acceptDownloads: true }, 'about:blank');
    // Every chunk write of the runs database fails, as a full disk makes it fail; the run status at the first
    // failure is recorded then. The first chunk is written about 1 s after the first points (the persister's
    // delay); 2,000 iterations take several seconds even on a fast machine, so the failure comes mid-run.
    // (With 200 iterations and a failure from the 4th write, a fast run sometimes ended first.)
    await page.addInitScript(() => {
      const w = window as unknown as { __quotaThrown: number; __statusAtFirstThrow: string | null };
      w.__quotaThrown = 0;
      w.__statusAtFirstThrow = null;
      const put = IDBObjectStore.prototype.put;
      IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
        if (this.name === 'chunks') {
          if (w.__quotaThrown++ === 0) w.__statusAtFirstThrow = document.querySelector('[role="status"]')?.textContent ?? '';
          throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        }
        return put.apply(this, args);
      } as IDBObjectStore['put'];
    });
    await page.goto(pageUrl(suite.server.url));
    const iters = 2000;
    await startRuns(page, ['SGD', 'Adam-HD'], iters, 500);
    const status = page.getByRole('status');
    const alert = page.getByRole('alert').filter({ hasText: /could not save runs in this browser: the browser's storage quota for this site is exhausted \(QuotaExceededError\).*runs are kept only until the page is closed/ });
    await alert.waitFor({ timeout: 180_000 });
    // The failure came mid-run: the runs were still training when the first write failed.
    const midRun = await page.evaluate(() => (window as unknown as { __statusAtFirstThrow: string | null }).__statusAtFirstThrow);
    assert.match(midRun ?? '', /training, iteration \d+ \/ 2,?000/, `still training when storage filled up: ${midRun}`);
    await status.locator('li').filter({ hasText: /^SGD: done, 2,?000 iterations/ }).waitFor({ timeout: 240_000 });
    await status.locator('li').filter({ hasText: /^Adam-HD: done, 2,?000 iterations/ }).waitFor({ timeout: 240_000 });
    assert.equal(await alert.count(), 1, 'one alert');
    await page.locator('[data-persist="off"]').waitFor();
    assert.ok((await page.evaluate(() => (window as unknown as { __quotaThrown: number }).__quotaThrown)) >= 1);
    const rows = await exportRows(page);
    for (const opt of ['SGD', 'Adam-HD']) {
      assert.deepEqual(trainIterations(rows, opt), oneTo(iters), `${opt}: every train point`);
      assert.deepEqual(rows.filter((r) => r.optimizer === opt && r.metric === 'val_loss').map((r) => Number(r.iteration)), [0, 500, 1000, 1500, 2000]);
    }
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('without ?faults=1 the crash hook does not exist', async () => {
    const errors: string[] = [];
    const page = await openApp(suite, errors);
    await page.getByRole('button', { name: 'Start' }).waitFor();
    assert.equal(await page.evaluate(() => typeof (window as unknown as { __hgFaults?: unknown }).__hgFaults), 'undefined');
    await page.context().close();
  });
});
