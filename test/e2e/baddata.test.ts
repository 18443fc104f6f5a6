// A corrupt data file gets a clear message in an alert region, the page keeps working, and a retry
// loads the data once the file is good again. The corruption is injected by intercepting one shard.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, pageUrl } from './browser';
import { useSuite } from './suite';

const suite = useSuite();
after(async () => {
});

describe('bad data', () => {
  it('names the corrupt shard in an alert, keeps the page usable, and recovers on retry', async () => {
    const page = await openPage(suite.browser);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    let corrupt = true;
    await page.route('**/data/mnist/*test-images*', async (route) => {
      if (!corrupt) return route.continue();
      // Looks like gzip (magic bytes) but is not a valid stream.
      await route.fulfill({ status: 200, contentType: 'application/octet-stream', body: Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6]) });
    });
    await page.goto(pageUrl(suite.server.url));
    const alert = page.getByRole('alert').filter({ hasText: /MNIST could not be loaded/ });
    await alert.waitFor({ timeout: 60_000 });
    const message = await alert.innerText();
    console.log(`alert: ${message}`);
    assert.match(message, /test-images/, 'the message names the file');
    // The rest of the page still works: controls respond and validate.
    const alpha = page.getByRole('textbox', { name: /α₀/ });
    await alpha.fill('0.05');
    await alpha.blur();
    assert.notEqual(await alpha.getAttribute('aria-invalid'), 'true');
    corrupt = false;
    await page.getByRole('button', { name: 'Retry loading MNIST' }).click();
    await page.getByText(/MNIST ready/).waitFor({ timeout: 60_000 });
    assert.equal(await alert.count(), 0);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
