import { defineConfig } from '@playwright/test';

// The browser journeys run in Debian's Chromium (`/usr/bin/chromium`, installed by
// `make web-deps`), never a browser Playwright would download. `portico-local web-test`
// starts the stack and sets PORTICO_WEB_URL and PORTICO_STACK.
export default defineConfig({
  testDir: 'tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: '../target/web-test-results',
  use: {
    baseURL: process.env.PORTICO_WEB_URL ?? 'http://127.0.0.1:3000',
    headless: true,
    acceptDownloads: true,
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      chromiumSandbox: false,
      // No calls home: this machine's network is closed, and tests should not depend on it.
      args: [
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
