// The README's screenshots: the built page at 1280×800 (desktop) and 390×844 (phone) after the
// newcomer's comparison — SGD, SGDN, Adam and their HD forms, 300 iterations on MNIST (wasm).
//   npx vite build && npx tsx scripts/screenshots.ts [--out docs/screenshots]
import { launchChromium, openPage, pageUrl } from '../test/e2e/browser';
import { startPreview } from '../test/e2e/server';

const outIndex = process.argv.indexOf('--out');
const OUT = outIndex >= 0 ? process.argv[outIndex + 1] : 'docs/screenshots';
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write('Usage: npx tsx scripts/screenshots.ts [--out DIR]\nScreenshots of the built page (dist/, or $E2E_DIST) at 1280x800 and 390x844 after a 300-iteration comparison.\n');
  process.exit(0);
}

async function main(): Promise<void> {
  const server = await startPreview();
  const browser = await launchChromium();
  try {
    for (const [name, viewport] of [['desktop-1280x800', { width: 1280, height: 800 }], ['phone-390x844', { width: 390, height: 844 }]] as const) {
      const page = await openPage(browser, { viewport });
      await page.goto(pageUrl(server.url));
      await page.getByText(/^MNIST ready: /).waitFor({ timeout: 60_000 });
      const optimizers = page.getByRole('group', { name: 'Optimizers', exact: true });
      for (const box of await optimizers.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck();
      for (const o of ['SGD', 'SGDN', 'Adam', 'SGD-HD', 'SGDN-HD', 'Adam-HD']) await page.getByRole('checkbox', { name: o, exact: true }).check();
      await page.getByLabel('Iterations', { exact: true }).fill('300');
      await page.getByRole('button', { name: 'Start' }).click();
      for (const o of ['SGD', 'SGDN', 'Adam', 'SGD-HD', 'SGDN-HD', 'Adam-HD']) {
        await page.getByRole('status').filter({ hasText: new RegExp(`${o}: done`) }).waitFor({ timeout: 600_000 });
      }
      await page.waitForTimeout(2500); // the charts' last refresh
      // Desktop: scrolled to the results as a person would after Start; phone: the top, with the Charts link.
      if (name.startsWith('desktop')) await page.evaluate(() => document.querySelector('.results')?.scrollIntoView());
      await page.screenshot({ path: `${OUT}/${name}.png` });
      console.log(`${OUT}/${name}.png`);
      await page.context().close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
