// Renders public/favicon.svg to the web manifest's PNG icons (public/icons/icon-192.png, icon-512.png)
// in headless Chromium (Debian's, through playwright-core): no image tools needed. Run after changing
// the favicon: `npx tsx scripts/icons.ts`. The PNGs are committed (a few KB each).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { launchChromium } from '../test/e2e/browser';

const root = resolve(import.meta.dirname, '..');
const svg = readFileSync(resolve(root, 'public/favicon.svg'), 'utf8');
mkdirSync(resolve(root, 'public/icons'), { recursive: true });
const browser = await launchChromium();
try {
  for (const size of [192, 512]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    const data = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
    await page.setContent(`<html><body style="margin:0;background:transparent"><img src="${data}" width="${size}" height="${size}" style="display:block"></body></html>`);
    await page.locator('img').evaluate((img: HTMLImageElement) => img.decode());
    const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    const out = resolve(root, `public/icons/icon-${size}.png`);
    writeFileSync(out, png);
    console.log(`${out}: ${png.length} bytes`);
    await page.close();
  }
} finally {
  await browser.close();
}
