// The portal's set-up in the console (issue 26): the admin of a tenant the operator has
// just created signs in, sets up their app, and opens the set-up. The checklist says what
// is missing before members can be invited; the admin brands the portal (the preview of
// the portal's header and of an invitation email follows as they type), adds work-order
// types, is refused "complete" without the portal's address in the API's words, then
// completes the set-up and confirms the reply address with the mailed code — the
// checklist is complete, and the API has it all. A section switched off leaves the
// preview, and a save over someone else's change says so and reloads. Then the same in
// Dutch at phone width, each screen checked by axe and for sideways scrolling.

import { expect, test, type Page } from '@playwright/test';
import {
  api,
  chooseNewPassword,
  newTenant,
  pageToken,
  secretOnPage,
  stack,
  submitSignIn,
  totpCode,
} from './stack';
import { checker, notice } from './checks';

/** The code in the latest reply-address confirmation mailed to `email`. */
async function replyCode(email: string): Promise<string> {
  const data = (await (await fetch(`${stack.aws_endpoint_url}/moto-api/data.json`)).json()) as any;
  const mails = (data.ses?.Message ?? []) as { body: string; destinations: { ToAddresses?: string[] } }[];
  const mail = mails.filter((m) => m.destinations.ToAddresses?.includes(email)).pop();
  const code = mail && /<strong[^>]*>([^<]+)<\/strong>/.exec(mail.body)?.[1];
  if (!code) throw new Error(`no confirmation code to ${email}`);
  return code;
}

const background = (page: Page, selector: string) => page.locator(selector).evaluate((el) => getComputedStyle(el).backgroundColor);

test('a new tenant\'s admin completes the set-up, confirms the reply address, and switches a section off', async ({ page, baseURL }) => {
  const violations: string[] = [];
  const check = checker(page, violations);

  const admin = await newTenant('Zephyr');
  await submitSignIn(page, admin.email, admin.temporary);
  await chooseNewPassword(page, 'Stella-Setup-2026!');
  await expect(page.getByRole('heading', { name: 'Set up two-step sign-in', level: 1 })).toBeFocused();
  await page.getByLabel('Code from the app').fill(totpCode(await secretOnPage(page)));
  await page.getByRole('button', { name: 'Switch on two-step sign-in' }).click();
  await expect(page.getByRole('heading', { name: 'Office console', level: 1 })).toBeFocused();

  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Set-up' }).click();
  await expect(page).toHaveURL(/\/office\/setup$/);
  await expect(page.getByRole('heading', { name: 'Portal set-up', level: 1 })).toBeFocused();
  // A new tenant: the address and "complete" are missing; the rest is advised.
  await expect(page.locator('#setup-state')).toHaveText('Still to do before members can be invited: 2.');
  const item = (text: string) => page.locator('.check').filter({ hasText: text });
  await expect(item("The portal's address")).toContainText('To do');
  await expect(item('The set-up marked complete')).toContainText('To do');
  await expect(item("The portal's name")).toContainText('Done');
  await expect(item('A confirmed reply address')).toContainText('Advised');
  await check('96-console-setup-new');

  // Branding: the preview follows the form before anything is saved.
  await page.getByLabel("Portal's name").fill('Zephyr Service');
  await expect(page.locator('#preview-top')).toContainText('Zephyr Service');
  await expect(page.locator('.preview-mail figcaption')).toContainText('Your access to the Zephyr Service portal');
  await page.getByLabel('Colour', { exact: true }).fill('#7a1f5c');
  expect(await background(page, '#preview-top')).toBe('rgb(122, 31, 92)');
  expect(await background(page, '#preview-mail .mail-button')).toBe('rgb(122, 31, 92)');
  await page.getByLabel("Logo's address").fill(`${baseURL}/favicon.svg`);
  await expect(page.locator('#preview-top img')).toHaveAttribute('src', `${baseURL}/favicon.svg`);
  await expect(page.locator('#preview-tabs li')).toHaveText([
    'Jobs', 'Work requests', 'Quotes', 'Invoices', 'Equipment', 'Documents', 'Messages', 'Reports', 'Sites',
  ]);

  // Two work-order types.
  await page.getByRole('button', { name: 'Add a work-order type' }).click();
  await expect(page.locator('#type-code-0')).toBeFocused();
  await page.locator('#type-code-0').fill('repair');
  await page.locator('#type-name-0').fill('Repair');
  await page.getByRole('button', { name: 'Add a work-order type' }).click();
  await page.locator('#type-code-1').fill('service');
  await page.locator('#type-name-1').fill('Service visit');

  // "Complete" without the portal's address: the API refuses, in its words.
  await page.getByRole('switch', { name: 'The set-up is complete: members may be invited' }).check();
  await page.getByRole('button', { name: 'Save the set-up' }).click();
  await expect(page.getByRole('alert')).toContainText('set-up cannot be complete without branding.portal_url');
  await expect(page.locator('#setup-state')).toHaveText('Still to do before members can be invited: 2.');

  // A wrong address is named next to its field.
  await page.getByLabel('Portal address').fill('ftp://portal.zephyr.test');
  await page.getByRole('button', { name: 'Save the set-up' }).click();
  await expect(page.locator('#set-url-error')).toBeVisible();
  await expect(page.getByLabel('Portal address')).toBeFocused();
  await expect(page.getByLabel('Portal address')).toHaveAttribute('aria-invalid', 'true');

  await page.getByLabel('Portal address').fill('https://portal.zephyr.test');
  await page.getByLabel('Reply address', { exact: true }).fill('office@zephyr.test');
  await expect(page.locator('#preview-mail')).toContainText('https://portal.zephyr.test');
  await page.getByRole('button', { name: 'Save the set-up' }).click();
  await expect(page.locator('#setup-notice')).toHaveText('The set-up is saved.');
  await expect(page.locator('#setup-state')).toHaveText('The set-up is complete: members can be invited.');
  await expect(item("The portal's address")).toContainText('Done');
  await expect(item('Work-order types')).toContainText('Done');
  await expect(item('A colour or logo of your own')).toContainText('Done');
  // The console's own header wears the new name.
  await expect(page.locator('header .portal-name')).toHaveText('Zephyr Service');

  const token = await pageToken(page);
  const stored = await api(token, 'GET', '/admin/settings');
  expect(stored.setup_complete).toBe(true);
  expect(stored.branding).toMatchObject({
    display_name: 'Zephyr Service',
    primary_color: '#7a1f5c',
    portal_url: 'https://portal.zephyr.test/', // as the API writes it
    sender_email: 'office@zephyr.test',
    sender_email_confirmed_at: null,
  });
  expect(stored.work_order_types).toEqual([
    { code: 'repair', name: 'Repair' },
    { code: 'service', name: 'Service visit' },
  ]);

  // The reply address, confirmed with the mailed code.
  await expect(item('A confirmed reply address')).toContainText('Advised');
  await page.getByRole('button', { name: 'Email a code to office@zephyr.test' }).click();
  await expect(page.getByLabel('Code from the email')).toBeFocused();
  await expect(notice(page).filter({ hasText: 'A code went to office@zephyr.test.' })).toBeVisible();
  await page.getByLabel('Code from the email').fill('WRONG-CODE1');
  await page.getByRole('button', { name: 'Confirm', exact: true }).click();
  await expect(page.locator('#reply-code-error')).toBeVisible();
  await expect(page.getByLabel('Code from the email')).toBeFocused();
  await page.getByLabel('Code from the email').fill(await replyCode('office@zephyr.test'));
  await page.getByRole('button', { name: 'Confirm', exact: true }).click();
  await expect(page.locator('#reply-notice')).toHaveText('office@zephyr.test is confirmed: replies go there.');
  await expect(item('A confirmed reply address')).toContainText('Done');
  await expect(page.locator('.check').filter({ hasText: /Advised|To do/ })).toHaveCount(0);
  expect((await api(token, 'GET', '/admin/settings')).branding.sender_email_confirmed_at).not.toBeNull();
  await check('97-console-setup-complete');

  // A section switched off leaves the preview, and the portal once saved.
  await page.getByRole('switch', { name: 'Quotes' }).uncheck();
  await expect(page.locator('#preview-tabs')).not.toContainText('Quotes');
  await expect(page.locator('#preview-tabs li')).toHaveCount(8);
  await page.getByRole('button', { name: 'Save the set-up' }).click();
  await expect(page.locator('#setup-notice')).toHaveText('The set-up is saved.');
  expect((await api(token, 'GET', '/admin/settings')).features).not.toContain('quotes');

  // Someone else saves meanwhile: this save is refused (If-Match), and reloading shows theirs.
  const theirs = await api(token, 'GET', '/admin/settings');
  await api(token, 'PUT', '/admin/settings', { ...theirs, default_locale: 'nl' });
  await page.getByLabel('Colour', { exact: true }).fill('#114411');
  await page.getByRole('button', { name: 'Save the set-up' }).click();
  await expect(page.getByRole('alert')).toContainText('Someone else changed the set-up meanwhile.');
  await check('98-console-setup-stale');
  await page.getByRole('button', { name: 'Reload' }).click();
  await expect(page.getByLabel('Default language')).toHaveValue('nl');
  await expect(page.getByLabel('Colour', { exact: true })).toHaveValue('#7a1f5c');
  // The preview speaks the portal's default language.
  await expect(page.locator('#preview-tabs li').first()).toHaveText('Werkorders');
  expect(violations).toEqual([]);
});

test.describe('in Dutch at phone width', () => {
  test.use({ locale: 'nl-NL', viewport: { width: 390, height: 844 } });

  test('een nieuwe beheerder voltooit de inrichting en schakelt een onderdeel uit', async ({ page }) => {
    const violations: string[] = [];
    const check = checker(page, violations, true);

    const admin = await newTenant('Noorderzon');
    await page.goto('/');
    await page.getByLabel('E-mailadres of telefoonnummer').fill(admin.email);
    await page.getByLabel('Wachtwoord', { exact: true }).fill(admin.temporary);
    await page.getByRole('button', { name: 'Inloggen', exact: true }).click();
    await page.getByLabel('Nieuw wachtwoord', { exact: true }).fill('Stella-Setup-2026!');
    await page.getByLabel('Nieuw wachtwoord nogmaals').fill('Stella-Setup-2026!');
    await page.getByRole('button', { name: 'Wachtwoord opslaan en inloggen' }).click();
    await page.getByLabel('Code uit de app').fill(totpCode(await secretOnPage(page)));
    await page.getByRole('button', { name: 'Inloggen in twee stappen aanzetten' }).click();
    await expect(page.getByRole('heading', { name: 'Kantoorconsole', level: 1 })).toBeFocused();

    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Inrichting' }).click();
    await expect(page.getByRole('heading', { name: 'Inrichting van het portaal', level: 1 })).toBeFocused();
    await expect(page.locator('#setup-state')).toHaveText('Nog te doen voordat leden kunnen worden uitgenodigd: 2.');
    await check('99-console-setup-nl-phone');

    await page.getByLabel('Naam van het portaal').fill('Noorderzon Service');
    await page.getByLabel('Kleur', { exact: true }).fill('#1c6b3a');
    await page.getByRole('button', { name: 'Een soort werkorder toevoegen' }).click();
    await page.locator('#type-code-0').fill('storing');
    await page.locator('#type-name-0').fill('Storing');
    await page.getByLabel('Adres van het portaal').fill('https://portaal.noorderzon.test');
    await page.getByLabel('Standaardtaal').selectOption('nl');
    await expect(page.locator('#preview-mail')).toContainText('Welkom Anna,');
    await page.getByRole('switch', { name: 'De inrichting is voltooid: leden mogen worden uitgenodigd' }).check();
    await page.getByRole('button', { name: 'Inrichting opslaan' }).click();
    await expect(page.locator('#setup-notice')).toHaveText('De inrichting is opgeslagen.');
    await expect(page.locator('#setup-state')).toHaveText('De inrichting is voltooid: leden kunnen worden uitgenodigd.');

    await expect(page.locator('#preview-tabs')).toContainText('Facturen');
    await page.getByRole('switch', { name: 'Facturen' }).uncheck();
    await expect(page.locator('#preview-tabs')).not.toContainText('Facturen');
    await page.getByRole('button', { name: 'Inrichting opslaan' }).click();
    await expect(page.locator('#setup-notice')).toHaveText('De inrichting is opgeslagen.');
    const stored = await api(await pageToken(page), 'GET', '/admin/settings');
    expect(stored.features).not.toContain('invoices');
    expect(stored.setup_complete).toBe(true);
    expect(stored.default_locale).toBe('nl');
    await check('99-console-setup-complete-nl-phone');
    expect(violations).toEqual([]);
  });
});
