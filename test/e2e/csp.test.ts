// The built page under its Content-Security-Policy (vite.config.ts puts it in index.html as a <meta>): it
// loads, trains on wasm to `done`, exports the CSV and the chart images, and the browser reports NO policy
// violation; every request from load to done goes to the preview server's own origin (no third party);
// user-typed run names that look like HTML or a formula stay text. Then, to show the policy is enforced at
// all, an injected inline script is refused.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { CSP } from '../../vite.config';
import { tinyCifarTarGz } from '../unit/cifarFixture';
import { openPage, pageUrl } from './browser';
import { parseCsv } from './csv';
import { downloaded, useSuite } from './suite';

declare global {
  interface Window {
    /** Violations collected by the init script (securitypolicyviolation events). */
    __cspViolations: string[];
    __inlineRan?: boolean;
  }
}

const ITERS = 30;
const suite = useSuite();
let page: Page;
const pageErrors: string[] = [];
const consoleCsp: string[] = [];
const dialogs: string[] = [];
const requests: string[] = [];
let requestsUntilDone: string[] = [];

before(async () => {
  await suite.ready();
  page = await openPage(suite.browser, { acceptDownloads: true });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    if (/Content[- ]Security[- ]Policy/i.test(m.text())) consoleCsp.push(m.text());
  });
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('request', (r) => requests.push(r.url()));
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber} ${e.sample}`);
    });
  });
  await page.goto(pageUrl(suite.server.url));
});

after(async () => {
  await page?.close();
});

/** The violations so far, each distinct one once with its count. */
const violations = async () => {
  const all = await page.evaluate(() => window.__cspViolations);
  return [...new Set(all)].map((v) => `${all.filter((x) => x === v).length}× ${v}`);
};

describe('the built page under its Content-Security-Policy', () => {
  it('ships the policy as the first thing after <meta charset>, and no inline script', async () => {
    const html = await (await fetch(`${suite.server.url}/`)).text();
    const metas = [...html.matchAll(/<meta http-equiv="Content-Security-Policy" content="([^"]*)"/g)];
    assert.equal(metas.length, 1);
    assert.equal(metas[0][1], CSP);
    assert.ok(html.indexOf('Content-Security-Policy') < html.search(/<script|<link rel="stylesheet"/), 'the policy comes before any script or stylesheet');
    for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
      assert.match(m[1], /\bsrc=/, 'every script is a file');
      assert.equal(m[2].trim(), '', 'no inline script');
    }
    assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handler');
  });

  it('loads, trains to done on wasm and exports the CSV and both chart images, with no violation', async () => {
    await page.getByText(/MNIST ready/).waitFor({ timeout: 120_000 });
    for (const box of await page.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck();
    await page.getByRole('checkbox', { name: 'SGD-HD', exact: true }).check();
    await page.getByLabel('Iterations', { exact: true }).fill(String(ITERS));
    await page.getByLabel(/Eval every/).fill('10');
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('status').filter({ hasText: /SGD-HD: done.*\(wasm\)/ }).waitFor({ timeout: 180_000 });
    assert.deepEqual(await violations(), [], 'securitypolicyviolation events while loading and training');

    const csv = await downloaded(page, /\.csv$/, () => page.getByRole('button', { name: 'Export CSV' }).click());
    const { rows } = parseCsv(readFileSync(await csv.path(), 'utf8'));
    assert.equal(rows.filter((r) => r.metric === 'train_loss').length, ITERS);
    const svg = await downloaded(page, /\.svg$/, () => page.getByRole('button', { name: 'Download Loss chart as SVG' }).click());
    assert.match(readFileSync(await svg.path(), 'utf8'), /<svg[\s\S]*<\/svg>/);
    const png = await downloaded(page, /\.png$/, () => page.getByRole('button', { name: 'Download Loss chart as PNG' }).click());
    assert.deepEqual([...readFileSync(await png.path()).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'PNG signature');

    assert.deepEqual(await violations(), [], 'securitypolicyviolation events');
    assert.deepEqual(consoleCsp, [], 'console messages about the Content Security Policy');
    assert.deepEqual(pageErrors, []);
    requestsUntilDone = [...requests];
  });

  it('made no request to any origin but its own, from load to done', () => {
    const origin = new URL(suite.server.url).origin;
    const foreign = requestsUntilDone.filter((u) => !u.startsWith('blob:') && !u.startsWith('data:') && new URL(u).origin !== origin);
    assert.deepEqual(foreign, [], 'third-party requests');
    assert.ok(requestsUntilDone.some((u) => u.endsWith('.wasm')), `the wasm binary was fetched from the page's origin (${requestsUntilDone.length} requests)`);
  });

  for (const name of ['<img src=x onerror=alert(1)>', '=1+1']) {
    it(`a run renamed to ${name} shows as literal text: no element, no dialog`, async () => {
      const list = page.getByRole('list', { name: /All runs/ });
      await list.getByRole('button', { name: /^Rename / }).first().click();
      const field = list.getByRole('textbox', { name: /^New name for / });
      await field.fill(name);
      await field.press('Enter');
      await list.getByText(name, { exact: true }).waitFor();
      assert.equal(await page.locator('img[src="x"], img[onerror]').count(), 0, 'no <img> was created from the name');
      assert.ok((await page.locator('body').innerText()).includes(name), 'the name is shown as typed');
      await page.waitForTimeout(300);
      assert.deepEqual(dialogs, []);
      assert.deepEqual(await violations(), []);
    });
  }

  it('a CIFAR-10 URL the person types (https, another origin) loads under the policy', async () => {
    const typed = 'https://cifar.example/mirror/cifar-10-binary.tar.gz';
    await page.context().route(typed, (route) =>
      route.fulfill({ status: 200, body: Buffer.from(tinyCifarTarGz(2, 3).gz), headers: { 'content-type': 'application/gzip', 'access-control-allow-origin': '*' } }),
    );
    await page.getByLabel('Dataset').selectOption('cifar10');
    await page.getByLabel('CIFAR-10 URL').fill(typed);
    await page.getByRole('button', { name: 'Load from URL' }).click();
    await page.getByText(/CIFAR-10 is stored in this browser \(from https:\/\/cifar\.example\//).waitFor({ timeout: 60_000 });
    assert.deepEqual(await violations(), []);
    assert.deepEqual(pageErrors, []);
  });

  it('enforces the policy: an injected inline script does not run and is reported', async () => {
    const ran = await page.evaluate(async () => {
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      document.head.append(s);
      await new Promise((r) => setTimeout(r, 100));
      return window.__inlineRan === true;
    });
    assert.equal(ran, false);
    assert.ok((await violations()).some((v) => /^\d+× script-src/.test(v)), `a script-src violation was reported: ${await violations()}`);
  });
});
