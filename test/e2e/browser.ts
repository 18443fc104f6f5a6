// Debian's Chromium driven by playwright-core, with the shared settings of playwright.config.ts
// (executable, flags and why each is there, timeouts).
import { chromium, type Browser, type Page } from 'playwright-core';
import config from '../../playwright.config';

export const CHROMIUM: string = config.launch.executablePath;

/** Launches headless Chromium with the shared flags plus `extraArgs`. */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ ...config.launch, args: [...config.launch.args, ...extraArgs] });
}

export type PageOptions = NonNullable<Parameters<Browser['newPage']>[0]>;

/** A new page (in its own context) with the shared default timeouts. */
export async function openPage(browser: Browser, options?: PageOptions): Promise<Page> {
  const page = await browser.newPage(options);
  page.setDefaultTimeout(config.timeouts.action);
  page.setDefaultNavigationTimeout(config.timeouts.navigation);
  return page;
}

/** The built page's address with the shared base query (`?backend=wasm`). */
export function pageUrl(serverUrl: string): string {
  return `${serverUrl}/${config.baseQuery}`;
}
