// Accessibility of the whole page after a run, in the light and the dark theme: axe-core (the npm
// package's own build, injected into the page) finds no serious or critical violation, every part of
// the page is inside a landmark (axe's `region` rule), and the guide and runs table are in place.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { openApp, useSuite } from './suite';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

const suite = useSuite();
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  // The built page's CSP refuses injected scripts, as it should: axe comes in with the CSP bypassed.
  page = await openApp(suite, pageErrors, { bypassCSP: true, viewport: { width: 1280, height: 800 } });
  await page.getByText(/^MNIST ready: /).waitFor({ timeout: 60_000 });
  await page.getByLabel('Iterations', { exact: true }).fill('30');
  await page.getByRole('button', { name: 'Start' }).click();
  await page.getByRole('status').filter({ hasText: /SGD-HD: done/ }).waitFor({ timeout: 180_000 });
  await page.evaluate(AXE_SOURCE);
});

async function violations(p: Page): Promise<AxeViolation[]> {
  // A string: tsx would wrap an inner function in a helper the page does not have.
  return (await p.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)`)) as AxeViolation[];
}

function describeAll(vs: readonly AxeViolation[]): string {
  return vs.map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`).join('\n');
}

describe('accessibility after a run', () => {
  for (const theme of ['light', 'dark'] as const) {
    it(`axe finds no serious or critical violation, and no content outside landmarks (${theme} theme)`, async () => {
      await page.getByLabel('Theme', { exact: true }).selectOption(theme);
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), theme);
      // The guide open too, so its text is checked as well.
      const guide = page.locator('.guide details');
      if (!(await guide.evaluate((d) => (d as HTMLDetailsElement).open))) await page.getByText('What am I looking at?').click();
      const found = await violations(page);
      console.log(`${theme}: ${found.length} violation(s)${found.length ? `\n${describeAll(found)}` : ''}`);
      const severe = found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(severe.map((v) => v.id), [], describeAll(severe));
      assert.equal(found.filter((v) => v.id === 'region').length, 0, describeAll(found.filter((v) => v.id === 'region')));
    });
  }

  it('landmarks: banner, main, the controls, the jump link, and a named region for each part of the results', async () => {
    assert.equal(await page.getByRole('banner').count(), 1);
    assert.equal(await page.getByRole('main').count(), 1);
    for (const name of ['Controls', 'What am I looking at?', 'Runs', 'Runs table', 'Charts']) {
      assert.equal(await page.getByRole(name === 'Controls' ? 'complementary' : 'region', { name, exact: true }).count(), 1, name);
    }
    assert.deepEqual(pageErrors, []);
  });
});
