// The office console in the browser (issue 26): a new admin sets up their authenticator
// app, lands in the console, and manages the office staff —
// invites a colleague, switches their access off and on, and is refused removing their
// own access with the API's words; then the same screens in Dutch at phone width, each
// checked by axe and for sideways scrolling.

import { expect, test, type Page } from '@playwright/test';
import {
  adminToken,
  api,
  invitedAdmin,
  secretOnPage,
  signInNewAdmin,
  temporaryPassword,
  totpCode,
} from './stack';
import { checker } from './checks';

/** The API's refusal of an admin's removing their own access (its problem detail). */
const OWN_ACCESS = 'your own access is disabled or removed by another admin';

/** The card of the admin with this email address on the staff screen. */
const card = (page: Page, email: string) => page.getByRole('listitem').filter({ hasText: email });

test('an admin invites a colleague, switches their access off and on, and may not remove their own', async ({ page }) => {
  const violations: string[] = [];
  const check = checker(page, violations);

  const { email: mine } = await signInNewAdmin(page, 'Otto', 'Office');
  await expect(page).toHaveURL(/\/office$/);
  // The menu names the screens that exist, and no other.
  const menu = page.getByRole('navigation', { name: 'Console' });
  await expect(menu.getByRole('link')).toHaveText([
    'Overview', 'Office staff', 'Integrations', 'Webhooks', 'Payments', 'Set-up', 'Customers', 'Access groups', 'Members', 'Documents', 'Messages', 'Work requests', 'Records', 'KPI reports', 'Audit trail',
  ]);
  await expect(menu.getByRole('link', { name: 'Overview' })).toHaveAttribute('aria-current', 'page');
  await check('90-console-overview');

  await menu.getByRole('link', { name: 'Office staff' }).click();
  await expect(page).toHaveURL(/\/office\/staff$/);
  await expect(page.getByRole('heading', { name: 'Office staff', level: 1 })).toBeFocused();
  const me = card(page, mine);
  await expect(me).toContainText('(you)');
  await expect(me).toContainText('Active');
  await expect(me).toContainText('Authenticator app set up');

  // Invite: the colleague is listed, the API has them, and the invitation is mailed.
  const email = `office.iris.${Date.now()}@northwind.test`;
  await page.getByLabel('First name').fill('Iris');
  await page.getByLabel('Last name').fill('Invite');
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByRole('status')).toHaveText(`Invitation sent to ${email}.`);
  await expect(page.getByRole('status')).toBeFocused();
  const iris = card(page, email);
  await expect(iris.getByRole('heading', { name: 'Iris Invite' })).toBeVisible();
  await expect(iris).toContainText('Active');
  await expect(iris).toContainText('No authenticator app');
  const listed = (await api(adminToken(), 'GET', '/admin/staff?limit=200')).items as { id: string; email: string; status: string }[];
  const id = listed.find((s) => s.email === email)?.id;
  expect(id, 'the API lists the invited admin').toBeTruthy();
  expect(await temporaryPassword(email)).not.toBe('');
  await check('91-console-staff-invited');

  // Access off, then on again: the card and the API agree.
  await iris.getByRole('button', { name: 'Switch off access Iris Invite' }).click();
  await expect(page.getByRole('status')).toHaveText("Iris Invite's access is switched off, and they are signed out everywhere.");
  await expect(iris).toContainText('Switched off');
  expect((await api(adminToken(), 'GET', `/admin/staff/${id}`)).status).toBe('disabled');
  await iris.getByRole('button', { name: 'Switch access on Iris Invite' }).click();
  await expect(page.getByRole('status')).toHaveText("Iris Invite's access is switched on again.");
  await expect(iris).toContainText('Active');
  expect((await api(adminToken(), 'GET', `/admin/staff/${id}`)).status).toBe('active');

  // Removing one's own access asks first, then shows the API's refusal; nothing changes.
  await me.getByRole('button', { name: /^Remove / }).click();
  await expect(me.getByRole('button', { name: 'Yes, remove' })).toBeFocused();
  await me.getByRole('button', { name: 'Yes, remove' }).click();
  await expect(page.getByRole('alert')).toContainText(OWN_ACCESS);
  await expect(page.locator('#staff-problem')).toBeFocused();
  await expect(me).toContainText('Active');
  await expect(me.getByRole('button', { name: /^Remove / })).toBeVisible();
  await check('92-console-staff-refused');
  expect(violations).toEqual([]);
});

test.describe('in Dutch at phone width', () => {
  test.use({ locale: 'nl-NL', viewport: { width: 390, height: 844 } });

  test('a new admin sets up their app, opens the staff screen, and may not remove their own access', async ({ page }) => {
    const violations: string[] = [];
    const check = checker(page, violations, true);

    const admin = await invitedAdmin('Nina', 'Beheer');
    await page.goto('/');
    await page.getByLabel('E-mailadres of telefoonnummer').fill(admin.email);
    await page.getByLabel('Wachtwoord', { exact: true }).fill(admin.temporary);
    await page.getByRole('button', { name: 'Inloggen', exact: true }).click();
    await page.getByLabel('Nieuw wachtwoord', { exact: true }).fill('Nina-Beheer-2026!');
    await page.getByLabel('Nieuw wachtwoord nogmaals').fill('Nina-Beheer-2026!');
    await page.getByRole('button', { name: 'Wachtwoord opslaan en inloggen' }).click();
    await expect(page.getByRole('heading', { name: 'Inloggen in twee stappen instellen', level: 1 })).toBeFocused();
    // No menu before the second factor: the console opens only after it.
    await expect(page.getByRole('navigation')).toHaveCount(0);
    await page.getByLabel('Code uit de app').fill(totpCode(await secretOnPage(page)));
    await page.getByRole('button', { name: 'Inloggen in twee stappen aanzetten' }).click();
    await expect(page.getByRole('heading', { name: 'Kantoorconsole', level: 1 })).toBeFocused();
    await check('93-console-overview-nl-phone');

    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Kantoormedewerkers' }).click();
    await expect(page.getByRole('heading', { name: 'Kantoormedewerkers', level: 1 })).toBeFocused();
    const me = card(page, admin.email);
    await expect(me).toContainText('(u)');
    await expect(me).toContainText('Authenticator-app ingesteld');
    await check('94-console-staff-nl-phone');

    await me.getByRole('button', { name: /^Verwijderen / }).click();
    await me.getByRole('button', { name: 'Ja, verwijderen' }).click();
    await expect(page.getByRole('alert')).toContainText(OWN_ACCESS);
    await check('95-console-staff-refused-nl-phone');
    expect(violations).toEqual([]);
  });
});
