// axe-core in the e2e tests: its source, the page options it needs (the built page's CSP refuses injected
// scripts, as it should, so axe comes in with the CSP bypassed), and the serious or critical violations
// inside one part of the page.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { openApp, type Suite } from './suite';

export const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Downloads accepted, CSP bypassed (for axe), a wide viewport. */
export const AXE_PAGE_OPTIONS = { acceptDownloads: true, bypassCSP: true, viewport: { width: 1440, height: 1000 } };

/** The app in a page opened with AXE_PAGE_OPTIONS, axe injected. */
export async function openAppWithAxe(suite: Suite, errors: string[]): Promise<Page> {
  const page = await openApp(suite, errors, AXE_PAGE_OPTIONS);
  await page.evaluate(AXE_SOURCE);
  return page;
}

/** axe's serious or critical violations inside `selector`. */
export async function axeProblems(p: Page, selector: string): Promise<string[]> {
  // A string: tsx would wrap an inner function in a helper the page does not have.
  const found = (await p.evaluate(
    `axe.run({ include: [[${JSON.stringify(selector)}]] }, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) })))`,
  )) as { id: string; impact: string | null; targets: string[] }[];
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.targets.slice(0, 3).join(' | ')}`);
}
