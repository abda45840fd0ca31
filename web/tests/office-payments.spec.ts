// The console's Payments screen (issue 28, docs/decisions/0004-payments.md): an admin of
// the demo tenant (connected and onboarded by the seeding) sees that its Stripe account
// takes payments, with the account id the API has; opens Stripe's onboarding (the local
// stand-in's page), submits it and comes back to the screen in the same state. Then the
// screen in Dutch at phone width. Every console page is checked by axe (the stand-in's
// page is not ours: only its screenshot).

import { expect, test } from '@playwright/test';
import { adminToken, api, shot, signInNewAdmin } from './stack';
import { checker } from './checks';

test('an admin sees the Stripe account take payments, and goes through its onboarding and back', async ({ page }) => {
  const violations: string[] = [];
  const check = checker(page, violations);
  const account = await api(adminToken(), 'GET', '/admin/payments/account');
  expect(account).toMatchObject({ connected: true, charges_enabled: true });

  await signInNewAdmin(page, 'Paula', 'Payments');
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Payments' }).click();
  await expect(page).toHaveURL(/\/office\/payments$/);
  await expect(page.getByRole('heading', { name: 'Payments', level: 1 })).toBeFocused();
  const facts = page.locator('#payment-account');
  await expect(facts).toContainText('Connected, takes payments');
  await expect(facts).toContainText(account.account_id);
  await expect(page.getByRole('main')).toContainText('refunds and disputes are handled in your company’s Stripe dashboard');
  await check('pay-office-1');

  await page.getByRole('button', { name: 'Open Stripe onboarding' }).click();
  await expect(page).toHaveURL(/\/stripe\/connect\/onboarding\//);
  await shot(page, 'pay-office-2-stripe-onboarding');
  await page.getByRole('button', { name: 'Complete onboarding' }).click();

  await expect(page).toHaveURL(/\/office\/payments$/);
  await expect(page.getByRole('heading', { name: 'Payments', level: 1 })).toBeVisible();
  await expect(facts).toContainText('Connected, takes payments');
  await expect(facts).toContainText(account.account_id);
  await check('pay-office-3-back');
  expect(await api(adminToken(), 'GET', '/admin/payments/account')).toEqual(account);
  expect(violations).toEqual([]);
});

test.describe('in Dutch at phone width', () => {
  test.use({ locale: 'nl-NL', viewport: { width: 390, height: 844 } });

  test('the account and its onboarding button', async ({ page }) => {
    const violations: string[] = [];
    const check = checker(page, violations, true);
    const account = await api(adminToken(), 'GET', '/admin/payments/account');
    await signInNewAdmin(page, 'Bram', 'Betalingen', true);
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Betalingen' }).click();
    await expect(page.getByRole('heading', { name: 'Betalingen', level: 1 })).toBeFocused();
    await expect(page.locator('#payment-account')).toContainText('Gekoppeld, neemt betalingen aan');
    await expect(page.locator('#payment-account')).toContainText(account.account_id);
    await expect(page.getByRole('button', { name: 'Stripe-aanmelding openen' })).toBeVisible();
    await check('pay-office-nl-phone');
    expect(violations).toEqual([]);
  });
});
