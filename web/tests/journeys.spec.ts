// The member portal's journeys in a real Chromium against the local stack (the demo
// tenant of `make dev`): each asserts what the member sees, and saves screenshots
// under target/web-screenshots/ for review.

import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { accessibilityViolations, adminToken, api, chooseNewPassword, invitedMember, shot, signIn, stack, submitSignIn, tokenOf } from './stack';
import { checker } from './checks';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

test('a new member signs in for the first time and chooses a password', async ({ page }) => {
  const { email, temporary } = await invitedMember('Webb', 'Newcomer');

  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await shot(page, '01-sign-in');
  await submitSignIn(page, email, temporary);

  await expect(page.getByRole('heading', { name: 'Choose your password' })).toBeVisible();
  await shot(page, '02-new-password');
  expect(await accessibilityViolations(page)).toEqual([]);
  await chooseNewPassword(page, 'Webb-Newcomer-2026!', 'Webb-Newcomer-2026?');
  await expect(page.getByRole('alert')).toHaveText('The two passwords are not the same.');
  await chooseNewPassword(page, 'Webb-Newcomer-2026!');

  // In: only what view_jobs opens, and sites.
  const tabs = page.getByRole('navigation', { name: 'Portal sections' }).getByRole('link');
  await expect(tabs).toHaveText(['Home', 'Jobs', 'Sites']);
  await expect(page.getByRole('heading', { name: 'Hello Webb', level: 1 })).toBeVisible();
  await expect(page).toHaveURL(/\/$/);

  // Signed out, the chosen password is the one that works.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByText('You are signed out.')).toBeVisible();
  // The sign-in page now wears the portal's name.
  await expect(page.locator('.signin-brand')).toHaveText('Northwind Facilities');
  await signIn(page, { username: email, password: 'Webb-Newcomer-2026!' });
});

test('a disabled member is told why they cannot get in', async ({ page }) => {
  const { id, email, temporary, admin } = await invitedMember('Dis', 'Abled');
  await api(admin, 'POST', `/admin/members/${id}/disable`, {});
  await submitSignIn(page, email, temporary);
  await expect(page.getByRole('alert')).toContainText('Your portal access has been switched off');
});

test('a member disabled while signed in is shown why at their next page', async ({ page }) => {
  const { id, email, temporary, admin } = await invitedMember('Lat', 'Er');
  await submitSignIn(page, email, temporary);
  await chooseNewPassword(page, 'Later-Disabled-2026!');
  await expect(page.getByRole('heading', { name: 'Hello Lat', level: 1 })).toBeVisible();

  await api(admin, 'POST', `/admin/members/${id}/disable`, {});
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByRole('status')).toContainText('Your portal access has been switched off');
});

test('the ID token is refreshed before it expires, and a failed refresh asks to sign in again', async ({ page }) => {
  await signIn(page, stack.demo);
  const refreshes: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/cognito/') && r.postData()?.includes('REFRESH_TOKEN_AUTH')) refreshes.push(r.url());
  });
  // The token is about to expire: the next call refreshes it first.
  await page.evaluate(() => {
    const s = JSON.parse(sessionStorage.getItem('portico.session') as string);
    sessionStorage.setItem('portico.session', JSON.stringify({ ...s, expires: Date.now() + 30_000 }));
  });
  await page.goto('/sites');
  await expect(page.getByRole('heading', { name: 'Sites', level: 1 })).toBeVisible();
  expect(refreshes.length).toBeGreaterThanOrEqual(1);
  const renewed = await page.evaluate(() => JSON.parse(sessionStorage.getItem('portico.session') as string).expires as number);
  expect(renewed).toBeGreaterThan(Date.now() + 10 * 60_000);

  // A refresh token that no longer works: back to sign-in, told why, and back where one was.
  await page.evaluate(() => {
    const s = JSON.parse(sessionStorage.getItem('portico.session') as string);
    sessionStorage.setItem('portico.session', JSON.stringify({ ...s, refresh: 'revoked', expires: Date.now() - 1000 }));
  });
  await page.goto('/documents');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByRole('status')).toContainText('Your session has ended');
  await page.getByLabel('Email address or phone number').fill(stack.demo.username);
  await page.getByLabel('Password', { exact: true }).fill(stack.demo.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Documents', level: 1 })).toBeVisible();
});

test('a site-scoped member sees only their site, in Dutch, and no invoices even by URL', async ({ page }) => {
  const calls: string[] = [];
  page.on('request', (r) => calls.push(new URL(r.url()).pathname));
  await signIn(page, stack.site_member);
  const tabs = page.getByRole('navigation', { name: 'Onderdelen van het portaal' }).getByRole('link');
  await expect(tabs.first()).toHaveText('Start');
  await expect(tabs).not.toContainText(['Facturen']);
  await tabs.getByText('Werkorders', { exact: true }).click();

  await expect(page.getByRole('heading', { name: 'Werkorders', level: 1 })).toBeVisible();
  const sites = page.locator('main tbody tr td:nth-child(3)');
  await expect(sites.first()).toBeVisible();
  const shown = await sites.allTextContents();
  expect(shown.length).toBeGreaterThan(0);
  expect(new Set(shown)).toEqual(new Set(['Outlet North']));
  // The API agrees: Sam's token lists exactly these jobs.
  const jobs = await api(await tokenOf(stack.site_member), 'GET', '/portal/jobs?limit=25');
  await expect(page.locator('main tbody tr td:nth-child(1)')).toHaveText(jobs.items.map((j: any) => j.reference));
  await shot(page, '10-jobs-site-member-nl');
  expect(await accessibilityViolations(page)).toEqual([]);

  // The invoices page by its address: not available, and nothing asked of the API.
  calls.length = 0;
  await page.goto('/invoices');
  await expect(page.getByRole('heading', { name: 'Dit deel van het portaal is niet voor u beschikbaar.' })).toBeVisible();
  await shot(page, '11-invoices-not-available');
  expect(calls.filter((p) => p.startsWith('/portal/invoices'))).toEqual([]);
  // And the API itself refuses it.
  const res = await fetch(`${stack.api_url}/portal/invoices`, {
    headers: { authorization: `Bearer ${await tokenOf(stack.site_member)}` },
  });
  expect(res.status).toBe(403);
});

test('jobs: filters, paging and the CSV export', async ({ page }) => {
  await signIn(page, stack.demo);
  await page.getByRole('link', { name: 'Jobs' }).click();
  await expect(page.locator('main tbody tr').first()).toBeVisible();
  await page.getByLabel('Status').selectOption('completed');
  await page.getByLabel('Category').selectOption('calibration');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(/status=completed/);
  await expect(page).toHaveURL(/category=calibration/);
  const rows = page.locator('main tbody tr');
  await expect(rows.first()).toBeVisible();
  await expect(page.locator('main tbody tr td:nth-child(2)')).toHaveText(Array(await rows.count()).fill('Completed'));
  await expect(page.locator('main tbody tr td:nth-child(4)')).toHaveText(Array(await rows.count()).fill('Calibration'));
  await shot(page, '20-jobs-filtered');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export to CSV' }).click();
  const file = await download;
  const csv = readFileSync(await file.path(), 'utf8').replace(/^\uFEFF/, '').trim().split('\n');
  expect(csv[0]).toContain('reference,job_id,status,category');
  expect(csv.length - 1).toBeGreaterThanOrEqual(await rows.count());
  for (const line of csv.slice(1)) expect(line).toMatch(/,completed,calibration,/);

  // Paging through every job: 25 a page, no job twice.
  await page.getByRole('link', { name: 'Clear' }).click();
  const seen: string[] = [];
  for (;;) {
    await expect(page.locator('main tbody tr').first()).toBeVisible();
    seen.push(...(await page.locator('main tbody tr td:nth-child(1)').allTextContents()));
    const next = page.getByRole('button', { name: 'Next page →' });
    if (!(await next.isVisible()) || (await next.isDisabled())) break;
    const first = await page.locator('main tbody tr td:nth-child(1)').first().textContent();
    await next.click();
    await expect(page.locator('main tbody tr td:nth-child(1)').first()).not.toHaveText(first ?? '');
  }
  expect(seen.length).toBeGreaterThan(25);
  expect(new Set(seen).size).toBe(seen.length);
});

test('a work request with a file, accepted by the admin, shows its job', async ({ page }) => {
  await signIn(page, stack.demo);
  await page.getByRole('link', { name: 'Work requests' }).click();
  await page.getByRole('link', { name: '+ New work request' }).click();
  await page.getByLabel('Site').selectOption({ label: 'Harbor HQ' });
  await expect(page.getByLabel('Type of work')).toBeVisible();
  await page.getByLabel('Type of work').selectOption({ label: 'Repair' });
  await page.getByLabel('Subject').fill('Door of the cold store does not close');
  const notes = 'The seal is torn; cold air escapes into the shop.';
  await page.getByLabel('Describe the problem').fill(notes);
  await expect(page.getByText(`${notes.length} of 4000 characters`)).toBeVisible();
  await page.getByLabel('Wished date (optional)').fill('2026-12-01');
  await page.getByLabel('Attachments (optional)').setInputFiles({ name: 'door.png', mimeType: 'image/png', buffer: PNG });
  await shot(page, '30-work-request-form');
  expect(await accessibilityViolations(page)).toEqual([]);
  await page.getByRole('button', { name: 'Send request' }).click();

  await expect(page.getByRole('heading', { name: 'Door of the cold store does not close' })).toBeVisible();
  await expect(page.locator('.facts')).toContainText('Submitted');
  await expect(page.getByText('door.png')).toBeVisible();
  const requestId = page.url().split('/').pop() as string;

  // The back office files a job and the admin accepts the request with it.
  const admin = adminToken();
  const request = await api(admin, 'GET', `/admin/work-requests?status=submitted`);
  const mine = request.items.find((r: any) => r.id === requestId);
  expect(mine.files.map((f: any) => f.name)).toEqual(['door.png']);
  await api(admin, 'PUT', '/admin/jobs/WO-WEB-1', {
    customer_id: mine.customer_id, site_id: mine.site_id, category: 'repair', status: 'scheduled',
    work_order_type: 'repair', description: 'Replace the cold-store door seal.', reported_at: '2026-11-24T08:00:00Z',
    visit_count: 1, attachments: [],
  });
  await api(admin, 'POST', `/admin/work-requests/${requestId}/accept`, { job_id: 'WO-WEB-1' });

  await page.reload();
  await expect(page.locator('.facts')).toContainText('Accepted');
  await page.getByRole('link', { name: 'WO-WEB-1' }).click();
  await expect(page.getByRole('heading', { name: /WO-WEB-1/ })).toBeVisible();
  await shot(page, '31-linked-job');

  // The pipeline lists it as accepted, with its job.
  await page.goto('/work-requests?status=accepted');
  await expect(page.getByRole('listitem').filter({ hasText: 'Door of the cold store' })).toContainText('WO-WEB-1');
  await shot(page, '32-work-requests');
});

test('a member approves a quote with a PO number', async ({ page }) => {
  await signIn(page, stack.demo);
  await page.getByRole('link', { name: 'Quotes' }).click();
  await page.getByRole('link', { name: 'Open' }).click();
  await page.getByRole('link', { name: 'Q-24010' }).click();
  await expect(page.getByRole('heading', { name: /Q-24010/ })).toContainText('Open');
  // What is quoted, line by line, and the quote's PDF.
  await expect(page.locator('main table tbody tr')).toHaveCount(2);
  await expect(page.locator('main table tbody tr').first()).toContainText("Replace the boiler's expansion vessel");
  await expect(page.getByRole('button', { name: 'Download the quote (PDF)' })).toBeVisible();
  await shot(page, '40-quote');
  expect(await accessibilityViolations(page)).toEqual([]);
  await page.getByRole('button', { name: 'Approve' }).click();
  await expect(page.getByLabel('Your name (signature)')).toHaveValue('Carla Customer');
  await page.getByLabel('Purchase order number (optional)').fill('PO-7781');
  await page.getByLabel('Comment (optional)').fill('Go ahead in the first week of December.');
  await page.getByRole('button', { name: 'Approve' }).last().click();
  await expect(page.getByRole('status')).toContainText('Approved by Carla Customer');
  await expect(page.getByRole('status')).toContainText('PO-7781');
  await expect(page.getByRole('heading', { name: /Q-24010/ })).toContainText('Approved');
  await expect(page.getByRole('button', { name: 'Approve' })).toHaveCount(0);
  await shot(page, '41-quote-approved');
  const quote = await api(await tokenOf(stack.demo), 'GET', page.url().replace(stack.api_url, '/portal'));
  expect(quote.decision.po_number).toBe('PO-7781');
});

test('every page, for review (desktop and phone width), without WCAG A/AA violations', async ({ page }) => {
  const violations: string[] = [];
  const check = checker(page, violations);
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await check('00-sign-in-page');
  await signIn(page, stack.demo);
  const visit = async (path: string, heading: RegExp, name: string) => {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    await expect(page.getByRole('status').filter({ hasText: 'Loading…' })).toHaveCount(0);
    await check(name);
  };
  await visit('/sites', /Sites/, '50-sites');
  await visit('/jobs', /Jobs/, '51-jobs');
  await page.locator('main tbody tr td:nth-child(1) a').filter({ hasText: 'WO-24005' }).click();
  await expect(page.getByRole('heading', { name: /WO-24005/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Inspection form WO-24005.pdf' })).toBeVisible();
  // A note with a photo.
  await page.getByLabel('Note', { exact: true }).fill('Photo of the pump after the inspection.');
  await page.getByLabel('Photo or file (optional)').setInputFiles({ name: 'pump.png', mimeType: 'image/png', buffer: PNG });
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect(page.locator('.notes')).toContainText('Photo of the pump after the inspection.');
  await expect(page.locator('.notes')).toContainText('pump.png');
  await check('52-job-detail');
  await visit('/invoices', /Invoices/, '53-invoices');
  await expect(page.locator('.totals')).toContainText('Outstanding');
  await visit('/assets', /Equipment/, '54-assets');
  await page.locator('main tbody a').first().click();
  await expect(page.getByRole('heading', { name: 'Upcoming services' })).toBeVisible();
  await check('55-asset');
  await page.getByRole('link', { name: 'Request work on this equipment' }).click();
  await expect(page.getByText(/For equipment:/)).toBeVisible();
  await check('56-qr-request-form');
  await visit('/documents', /Documents/, '57-documents');
  await visit('/messages', /Messages/, '58-messages');
  await visit('/reports', /Reports/, '59-reports');
  await page.getByRole('link', { name: 'First-time-fix calls' }).click();
  await expect(page.locator('.chart svg rect').first()).toBeAttached();
  await expect(page.locator('.report table tbody tr').first()).toBeVisible();
  await check('60-report');
  await visit('/profile', /My profile/, '61-profile');
  await page.setViewportSize({ width: 390, height: 844 });
  await visit('/jobs', /Jobs/, '62-jobs-phone');
  // Nothing wider than the screen but the tables' own scrolling boxes.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  expect(violations).toEqual([]);
});

test('profile: language and notification switches are saved', async ({ page }) => {
  await signIn(page, { username: 'dana@harbor.test', password: stack.demo.password });
  await page.getByRole('link', { name: 'Dana Division' }).click();
  await page.getByRole('switch', { name: 'Messages' }).check();
  await page.getByLabel('Language').selectOption('nl');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toHaveText('Opgeslagen.');
  await expect(page.getByRole('switch', { name: 'Berichten' })).toBeChecked();
  const me = await api(await tokenOf({ username: 'dana@harbor.test', password: stack.demo.password }), 'GET', '/portal/me');
  expect(me.locale).toBe('nl');
  expect(me.notifications).toContain('messages');
});
