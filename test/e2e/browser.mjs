// Debian's Chromium driven by playwright-core (it cannot download browsers here). As root it needs
// --no-sandbox; the background-networking flags keep it from dialling out on a closed network.
// playwright gives every launch a fresh temporary profile.
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(extraArgs = []) {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
      ...extraArgs,
    ],
  });
}
