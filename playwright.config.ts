// Shared browser settings for the end-to-end tests (test/e2e/) and the page benchmarks (bench/).
//
// This is NOT a @playwright/test config: that runner is not used (it downloads its own browsers, which
// this closed network cannot), and nothing in the project imports it. The tests run on node:test and
// drive Debian's Chromium through playwright-core; test/e2e/browser.ts launches it with these settings.
import type { LaunchOptions } from 'playwright-core';

export interface BrowserSettings {
  /** Passed to `chromium.launch` (extra flags are appended to `args`); `timeout` bounds the launch. */
  launch: LaunchOptions & { executablePath: string; args: string[]; timeout: number };
  /** Defaults for every page opened through `openPage` (Playwright's own defaults, made explicit). */
  timeouts: { action: number; navigation: number };
  /** Query string the page is opened with unless a test picks a backend itself. */
  baseQuery: string;
}

const config: BrowserSettings = {
  launch: {
    // Debian's Chromium; playwright-core cannot download browsers here.
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    timeout: 30_000,
    // playwright gives every launch a fresh temporary profile, so no profile flags are needed.
    args: [
      // The tests run as root, where Chromium refuses to start with its sandbox.
      '--no-sandbox',
      // No hardware GPU is assumed; WebGL/WebGPU run on Chromium's software paths.
      '--disable-gpu',
      // These keep Chromium from dialling out on a closed network (QUIC probes, first-run tasks,
      // background requests, component updates, sync).
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  },
  timeouts: { action: 30_000, navigation: 30_000 },
  baseQuery: '?backend=wasm',
};

export default config;
