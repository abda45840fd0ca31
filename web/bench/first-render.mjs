// make bench: the built app's size (JS + CSS, gzipped) and the jobs and home pages' time to first
// render on the local stack (`portico-local web-bench` starts it): a signed-in member
// opens /jobs, then / (home), each in a fresh browser context (nothing cached), and the
// time from navigation start until the first row or item is in the page is read from the
// page's own clock.
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';

const RUNS = Number(process.env.RUNS ?? 15);
const dist = new URL('../dist/static/', import.meta.url);
// What index.html loads is every member's first load; the other chunks (the office
// console, setting up an authenticator app) load when someone needs them.
const index = readFileSync(new URL('../dist/index.html', import.meta.url), 'utf8');
let raw = { js: 0, css: 0 };
let gz = { js: 0, css: 0 };
const later = [];
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
// The chunks by what they are (the office console's is every admin's first load).
const CHUNKS = { office: 'office console', authenticator: 'authenticator set-up' };
for (const name of readdirSync(dist)) {
  const kind = name.endsWith('.js') ? 'js' : name.endsWith('.css') ? 'css' : null;
  if (!kind) continue;
  const bytes = readFileSync(new URL(name, dist));
  const zipped = gzipSync(bytes, { level: 9 }).length;
  if (!index.includes(`/static/${name}`)) {
    const chunk = name.replace(/-[\w-]{8}\.js$/, '');
    later.push(`${CHUNKS[chunk] ?? chunk} ${kb(zipped)}`);
    continue;
  }
  raw[kind] += bytes.length;
  gz[kind] += zipped;
}
console.log(`   member's first load: JS ${kb(raw.js)} (${kb(gz.js)} gzipped) + CSS ${kb(raw.css)} (${kb(gz.css)} gzipped) = ${kb(gz.js + gz.css)} gzipped`);
console.log(`   loaded when needed (gzipped): ${later.sort().join(', ')}`);

const stack = JSON.parse(readFileSync(process.env.PORTICO_STACK, 'utf8'));
const base = process.env.PORTICO_WEB_URL;
const auth = await fetch(`${base}/cognito/`, {
  method: 'POST',
  headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
  body: JSON.stringify({
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: stack.user_pool_client_id,
    AuthParameters: { USERNAME: stack.demo.username, PASSWORD: stack.demo.password },
  }),
}).then((r) => r.json());
const result = auth.AuthenticationResult;
const exp = JSON.parse(Buffer.from(result.IdToken.split('.')[1], 'base64url').toString()).exp * 1000;
const session = JSON.stringify({ id: result.IdToken, access: result.AccessToken, refresh: result.RefreshToken, expires: exp });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  chromiumSandbox: false,
  args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
// Each page, with what marks its first render: the jobs page's first row, the home page's
// first part's first item. Loads alternate between the two, so both meet the same stack.
const PAGES = [
  { name: 'jobs page, navigation to first job row', path: '/jobs', first: 'main tbody tr' },
  { name: 'home page, navigation to first item', path: '/', first: 'main .home-items li' },
];
const times = PAGES.map(() => []);
for (let i = 0; i <= RUNS; i++) {
  for (const [k, target] of PAGES.entries()) {
    const context = await browser.newContext();
    await context.addInitScript(
      ([s, first]) => {
        sessionStorage.setItem('portico.session', s);
        new MutationObserver((_, observer) => {
          if (document.querySelector(first)) {
            window.__firstRows = performance.now();
            observer.disconnect();
          }
        }).observe(document, { childList: true, subtree: true });
      },
      [session, target.first],
    );
    const page = await context.newPage();
    await page.goto(`${base}${target.path}`);
    await page.waitForSelector(target.first);
    const ms = await page.evaluate(() => window.__firstRows);
    if (i > 0) times[k].push(ms); // the first run warms the stack, not the browser
    if (i === RUNS && process.env.DETAIL) {
      // Where the time went, in the last run: each request's start and end.
      const entries = await page.evaluate(() =>
        performance.getEntriesByType('resource').map((e) => [e.name.replace(location.origin, ''), e.startTime, e.responseEnd]),
      );
      console.log(`   ${target.path}:`);
      for (const [name, start, end] of entries) console.log(`     ${start.toFixed(0).padStart(5)} → ${end.toFixed(0).padStart(5)} ms  ${name.slice(0, 60)}`);
      console.log(`     first render at ${ms.toFixed(0)} ms`);
    }
    await context.close();
  }
}
await browser.close();
for (const [k, target] of PAGES.entries()) {
  const sorted = times[k].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
  console.log(`   ${target.name}: median ${at(0.5).toFixed(0)} ms, p90 ${at(0.9).toFixed(0)} ms (${RUNS} cold loads, headless Chromium, local stack)`);
}
