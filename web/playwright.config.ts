import { defineConfig } from '@playwright/test';

// The browser journeys run in Debian's Chromium (`/usr/bin/chromium`, installed by
// `make web-deps`), never a browser Playwright would download. `portico-local web-test`
// starts the stack and sets PORTICO_WEB_URL and PORTICO_STACK.
export default defineConfig({
  testDir: 'tests',
  // Upper bounds, not speeds: a loaded two-core machine runs two shards beside the fuzzer,
  // and an invitation (Cognito, then SES, then the page) has taken over ten seconds there.
  timeout: 120_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  // One per shard (`portico-local web-test` sets it): each run empties its own.
  outputDir: process.env.PORTICO_WEB_RESULTS ?? '../target/web-test-results',
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
