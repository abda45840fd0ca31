// The rest of what a member does in the browser: a forgotten password, a QR label's link
// opened before signing in, a message to acknowledge, sign-in by keyboard alone.

import { expect, test } from '@playwright/test';
import { accessibilityViolations, adminToken, api, chooseNewPassword, invitedMember, shot, signIn, stack, submitSignIn, tokenOf } from './stack';

test('a forgotten password is replaced with the emailed code', async ({ page }) => {
  const { email, temporary } = await invitedMember('For', 'Got');
  // First sign-in, with a password the member then forgets.
  await submitSignIn(page, email, temporary);
  await chooseNewPassword(page, 'Forgotten-Pass-2026!');
  await page.getByRole('button', { name: 'Sign out' }).click();

  await page.getByRole('button', { name: 'Forgot your password?' }).click();
  await page.getByLabel('Email address or phone number').fill(email);
  // Cognito emails the code; the local endpoint hands it back in a header instead.
  const answer = page.waitForResponse((r) => r.url().endsWith('/cognito/') && r.request().postData()?.includes('Username') === true);
  await page.getByRole('button', { name: 'Email me a code' }).click();
  const code = (await answer).headers()['x-moto-forgot-password-confirmation-code'];
  expect(code).toBeTruthy();
  await expect(page.getByRole('status')).toContainText(`a code is on its way`);
  await shot(page, '03-forgot-password');
  expect(await accessibilityViolations(page)).toEqual([]);
  await page.getByLabel('Code from the email').fill(code);
  await page.getByLabel('New password', { exact: true }).fill('Remembered-Pass-2026!');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.getByRole('status')).toHaveText('Your password is changed. Sign in with it now.');
  await page.getByLabel('Password', { exact: true }).fill('Remembered-Pass-2026!');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('heading', { name: /^Hello /, level: 1 })).toBeVisible();
});

test("a QR label's link opened signed out lands on the prefilled request after sign-in", async ({ page }) => {
  const token = await tokenOf(stack.demo);
  const assets = await api(token, 'GET', '/portal/assets?limit=1');
  const asset = assets.items[0];
  expect(asset.request_link).toBe(`${stack.api_url}/assets/${asset.id}/request`);
  // The link is the app's page, never cached (the built files under /static/ are).
  const served = await fetch(asset.request_link);
  expect(served.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(served.headers.get('cache-control')).toBe('no-cache');
  expect(served.headers.get('content-security-policy')).toContain("script-src 'self'");
  await page.goto(asset.request_link);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByLabel('Email address or phone number').fill(stack.demo.username);
  await page.getByLabel('Password', { exact: true }).fill(stack.demo.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(asset.request_link);
  await expect(page.getByText(`For equipment: ${asset.name}`)).toBeVisible();
  await page.getByLabel('Subject').fill('Strange noise from the unit');
  await page.getByRole('button', { name: 'Send request' }).click();
  await expect(page.getByRole('heading', { name: 'Strange noise from the unit' })).toBeVisible();
  const id = page.url().split('/').pop();
  const request = await api(token, 'GET', `/portal/work-requests/${id}`);
  expect([request.asset_id, request.site_id]).toEqual([asset.id, asset.site_id]);
});

test('a message that asks for it is acknowledged, and the unread count goes', async ({ page }) => {
  const admin = adminToken();
  await api(admin, 'POST', '/admin/messages', {
    title: 'Site closed on 24 December',
    body: 'All sites are closed on 24 December. Please confirm.',
    audience: { all: true },
    requires_ack: true,
  });
  await signIn(page, stack.demo);
  const tab = page.getByRole('link', { name: /^Messages/ });
  await expect(tab).toContainText('1');
  await tab.click();
  const item = page.getByRole('listitem').filter({ hasText: 'Site closed on 24 December' });
  await expect(item).toContainText('New');
  await item.getByRole('button', { name: 'I have read this' }).click();
  await expect(page.getByRole('listitem').filter({ hasText: 'Site closed on 24 December' })).toContainText('Acknowledged on');
  await expect(page.getByRole('link', { name: /^Messages/ })).toHaveText('Messages');
});

test('sign-in and the menu work by keyboard alone', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByLabel('Email address or phone number')).toBeFocused();
  await page.keyboard.type(stack.demo.username);
  await page.keyboard.press('Tab');
  await page.keyboard.type(stack.demo.password);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: /^Hello /, level: 1 })).toBeFocused();
  // Back from the page's heading into the menu, to Quotes.
  const quotes = page.getByRole('link', { name: 'Quotes' });
  for (let i = 0; i < 12 && !(await quotes.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press('Shift+Tab');
  }
  await expect(quotes).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Quotes', level: 1 })).toBeFocused();
});
