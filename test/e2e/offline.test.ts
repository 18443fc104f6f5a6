// The built page as a hosted site: served under a sub-path (/hg/) by a plain static server that sets no
// special headers, the service worker takes control after one reload and makes the page cross-origin
// isolated; the web manifest is linked and parses; a short MNIST run trains; offline, the page reloads
// from the worker's caches and trains MNIST again to completion, with charts and CSV export; a changed
// sw.js (a new build) brings up the update notice, whose Reload asks first while a run trains.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './browser';
import { parseCsv } from './csv';
import { startStaticServer, type StaticServer } from './staticServer';
import { downloaded } from './suite';
import config from '../../playwright.config';

let server: StaticServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  server = await startStaticServer('/hg/');
  browser = await launchChromium();
  context = await browser.newContext({ acceptDownloads: true });
  // Under automation (navigator.webdriver) the page leaves the worker off unless asked (src/sw/register.ts).
  await context.addInitScript(() => localStorage.setItem('hg-sw', 'on'));
  // Content-Security-Policy violations, kept across reloads (the worker must not need any exception).
  await context.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) => {
      const seen = JSON.parse(sessionStorage.getItem('csp-violations') ?? '[]') as string[];
      sessionStorage.setItem('csp-violations', JSON.stringify([...seen, `${e.violatedDirective} ${e.blockedURI}`]));
    }),
  );
  page = await context.newPage();
  page.setDefaultTimeout(config.timeouts.action);
  page.setDefaultNavigationTimeout(config.timeouts.navigation);
  page.on('pageerror', (e) => pageErrors.push(String(e)));
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** The app has rendered (after the worker's one reload on a first visit). */
async function rendered(p: Page): Promise<void> {
  await p.getByRole('heading', { name: 'Hypergradient Playground', level: 1 }).waitFor({ timeout: 60_000 });
}

/** Trains `optimizer` alone for `iters` iterations on MNIST (FFNN, wasm) and waits for it to finish. */
async function train(p: Page, optimizer: string, iters: number): Promise<void> {
  await p.getByText(/MNIST ready/).waitFor({ timeout: 90_000 });
  for (const box of await p.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck();
  await p.getByRole('checkbox', { name: optimizer, exact: true }).check();
  await p.getByLabel('Iterations', { exact: true }).fill(String(iters));
  await p.getByLabel(/Eval every/).fill('10');
  await p.getByRole('button', { name: 'Start' }).click();
  await p.getByRole('status').filter({ hasText: new RegExp(`${optimizer}[^:]*: done`) }).waitFor({ timeout: 180_000 });
}

const isolation = (p: Page) =>
  p.evaluate(() => ({
    controlled: navigator.serviceWorker.controller !== null,
    isolated: self.crossOriginIsolated,
    reloadFlag: sessionStorage.getItem('hg-sw-reloaded'),
  }));

describe('hosted under /hg/ by a server that sends no special headers', () => {
  it('the service worker controls the page after one reload and makes it cross-origin isolated', async () => {
    await page.goto(`${server.url}?backend=wasm`);
    await rendered(page);
    const state = await isolation(page);
    assert.equal(state.controlled, true, 'controlled by the service worker');
    assert.equal(state.isolated, true, 'crossOriginIsolated');
    assert.equal(state.reloadFlag, null, 'the reload guard is cleared once controlled');
    assert.equal(await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).type), 'reload', 'one reload');
    // The worker is at the site's root, scoped to the sub-path.
    const reg = await page.evaluate(async () => {
      const r = await navigator.serviceWorker.getRegistration();
      return { scope: r?.scope, script: r?.active?.scriptURL };
    });
    assert.equal(reg.scope, server.url);
    assert.equal(reg.script, `${server.url}sw.js`);
    // The page keeps its Content-Security-Policy.
    assert.equal(await page.locator('meta[http-equiv="Content-Security-Policy"]').count(), 1);
  });

  it('links a web manifest that Chromium parses, with name and icons', async () => {
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    assert.equal(href, './manifest.webmanifest');
    const cdp = await context.newCDPSession(page);
    const got = (await cdp.send('Page.getAppManifest')) as { url: string; errors: unknown[]; data?: string };
    assert.equal(got.url, `${server.url}manifest.webmanifest`);
    assert.deepEqual(got.errors, [], 'no manifest errors');
    const manifest = JSON.parse(got.data ?? '{}') as { name?: string; short_name?: string; display?: string; start_url?: string; scope?: string; icons?: { src: string; sizes: string; type: string }[] };
    assert.equal(manifest.name, 'Hypergradient Playground');
    assert.ok(manifest.short_name);
    assert.equal(manifest.display, 'standalone');
    assert.equal(manifest.start_url, './');
    assert.equal(manifest.scope, './');
    assert.deepEqual(manifest.icons?.map((i) => i.sizes).sort(), ['192x192', '512x512', 'any']);
    for (const icon of manifest.icons ?? []) {
      const res = await page.evaluate(async (src) => {
        const r = await fetch(new URL(src, document.querySelector<HTMLLinkElement>('link[rel="manifest"]')!.href));
        return { status: r.status, type: r.headers.get('content-type') };
      }, icon.src);
      assert.equal(res.status, 200, `${icon.src}`);
      assert.equal(res.type, icon.type, `${icon.src} content type`);
    }
    await cdp.detach();
  });

  it('trains on MNIST online; the shards it used are cached under content-addressed URLs', async () => {
    await train(page, 'SGD', 20);
    const shardRequests = server.requests.filter((r) => r.startsWith('data/mnist/') && !r.includes('manifest.json'));
    assert.ok(shardRequests.length > 0 && shardRequests.every((r) => /\?v=[0-9a-f]{16}$/.test(r)), `shards requested with ?v=: ${shardRequests.join(', ')}`);
    const cached = await page.evaluate(async () => (await (await caches.open('hg-data-v1')).keys()).map((r) => new URL(r.url).pathname + new URL(r.url).search));
    assert.ok(cached.includes('/hg/data/mnist/manifest.json'), `manifest cached: ${cached.join(', ')}`);
    assert.ok(cached.filter((u) => /\/data\/mnist\/.*\.gz\?v=[0-9a-f]{16}$/.test(u)).length >= 4, `shards cached: ${cached.join(', ')}`);
  });

  it('offline, reloads from the caches, still isolated, and trains MNIST again to completion with charts and CSV', async () => {
    await context.setOffline(true);
    const before = server.requests.length;
    await page.reload();
    await rendered(page);
    const state = await isolation(page);
    assert.equal(state.controlled, true);
    assert.equal(state.isolated, true, 'still cross-origin isolated offline');
    await train(page, 'Adam', 20);
    for (const name of ['Loss', 'Accuracy', 'Learning rate']) {
      const fig = page.getByRole('figure', { name, exact: true });
      await page.waitForFunction((el) => Number(el?.getAttribute('data-points')) > 0, await fig.elementHandle(), { timeout: 10_000 });
    }
    const download = await downloaded(page, /\.csv$/, () => page.getByRole('button', { name: 'Export CSV', exact: true }).click());
    const { rows } = parseCsv(readFileSync(await download.path(), 'utf8'));
    const adam = rows.filter((r) => r.optimizer === 'Adam' && r.metric === 'train_loss');
    assert.deepEqual(adam.map((r) => Number(r.iteration)), Array.from({ length: 20 }, (_, i) => i + 1));
    assert.ok(adam.every((r) => Number.isFinite(Number(r.value))));
    // Nothing but the browser's own update checks of sw.js (made by the browser, outside the emulated
    // offline mode; really offline they fail and the installed worker stays) reached the server.
    const reached = server.requests.slice(before).filter((r) => r !== 'sw.js');
    assert.deepEqual(reached, [], 'nothing reached the server while offline');
    await context.setOffline(false);
    assert.deepEqual(pageErrors, []);
  });

  it('a new build (changed sw.js) shows the update notice; Reload asks first while a run trains', async () => {
    // A long run, so one is training when the notice comes.
    for (const box of await page.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck();
    await page.getByRole('checkbox', { name: 'SGD', exact: true }).check();
    await page.getByLabel('Iterations', { exact: true }).fill('100000');
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('status').filter({ hasText: /SGD[^:]*: training, iteration \d+/ }).waitFor({ timeout: 60_000 });

    server.override('sw.js', (b) => Buffer.concat([b, Buffer.from('\n// the next build\n')]));
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    const notice = page.getByRole('status').filter({ hasText: 'A new version is available' });
    await notice.waitFor({ timeout: 60_000 });
    await notice.getByRole('button', { name: 'Reload (1 run training)' }).click();
    await notice.filter({ hasText: /1 run is training: reloading stops it/ }).waitFor();
    await notice.getByRole('button', { name: 'Not now' }).click();
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.getByRole('status').filter({ hasText: /SGD[^:]*: stopped/ }).waitFor({ timeout: 30_000 });

    const reloaded = page.waitForEvent('load', { timeout: 60_000 });
    await notice.getByRole('button', { name: 'Reload', exact: true }).click();
    await reloaded;
    await rendered(page);
    const after = await page.evaluate(async () => {
      const r = await navigator.serviceWorker.getRegistration();
      return { waiting: r?.waiting !== null, controlled: navigator.serviceWorker.controller !== null, isolated: self.crossOriginIsolated };
    });
    assert.deepEqual(after, { waiting: false, controlled: true, isolated: true });
    assert.deepEqual(await page.evaluate(() => JSON.parse(sessionStorage.getItem('csp-violations') ?? '[]') as string[]), [], 'no CSP violations');
    assert.equal(await page.getByRole('status').filter({ hasText: 'A new version is available' }).count(), 0);
    assert.deepEqual(pageErrors, []);
  });
});
