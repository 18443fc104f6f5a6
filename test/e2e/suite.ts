// What every end-to-end file starts from: the built page's preview server and one Chromium for the
// file (started before its tests, closed after), and app pages whose uncaught errors are collected.
import { after, before } from 'node:test';
import type { Browser, Download, Page } from 'playwright-core';
import { launchChromium, openPage, pageUrl, type PageOptions } from './browser';
import { startPreview, type PreviewServer } from './server';

export interface Suite {
  server: PreviewServer;
  browser: Browser;
  /** Resolves once server and browser are up. node:test starts a file's top-level before() hooks without
   * waiting for the previous one, so a hook that needs them awaits this. */
  ready(): Promise<void>;
}

/** Registers the file's before/after hooks; the fields are set once `ready()` resolves. */
export function useSuite(chromiumArgs: readonly string[] = []): Suite {
  let started: Promise<void> | null = null;
  const suite = {
    ready: () =>
      (started ??= (async () => {
        suite.server = await startPreview();
        suite.browser = await launchChromium(chromiumArgs);
      })()),
  } as Suite;
  before(() => suite.ready());
  after(async () => {
    await suite.browser?.close();
    await suite.server?.close();
  });
  return suite;
}

/** A new page (own context) at `url` (default: the app with the shared query), errors pushed to `errors`. */
export async function openApp(suite: Suite, errors: string[], options?: PageOptions, url?: string): Promise<Page> {
  await suite.ready();
  const page = await openPage(suite.browser, options);
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url ?? pageUrl(suite.server.url));
  return page;
}

/**
 * Clicks and returns the download whose file name matches `name`. By name, not just the next one:
 * Export CSV saves two files (the CSV, then its JSON sidecar), and a sidecar still on its way must not
 * be taken for the download of the next click.
 */
export async function downloaded(page: Page, name: RegExp, click: () => Promise<unknown>): Promise<Download> {
  const [download] = await Promise.all([page.waitForEvent('download', (d) => name.test(d.suggestedFilename())), click()]);
  return download;
}
