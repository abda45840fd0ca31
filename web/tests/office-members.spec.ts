// The console's members screen (issue 26): an admin adds a member to the demo
// customer with a few permissions, invites them with a personal message (the mail
// arrives, with the message), sends the invitation again to another address, sees what
// their portal opens to them, hides a document from them, meets someone else's change
// (412) and reloads, and switches their access off and on again; then the screens in
// Dutch at phone width, on a seeded member whose scope and hidden document are known.
// Every page is checked by axe.

import { expect, test } from '@playwright/test';
import { majorText, minorUnits } from '../src/office/amounts';
import { adminToken, api, signInNewAdmin, stack, tokenOf } from './stack';
import { checker, notice } from './checks';

/** The latest mail the local SES holds for `email` (its HTML body). */
async function mailTo(email: string): Promise<string> {
  const data = (await (await fetch(`${stack.aws_endpoint_url}/moto-api/data.json`)).json()) as any;
  const mails = (data.ses?.Message ?? []) as { body: string; destinations: { ToAddresses?: string[] } }[];
  const mail = mails.filter((m) => m.destinations.ToAddresses?.includes(email)).pop();
  if (!mail) throw new Error(`no mail to ${email}`);
  return mail.body;
}

/** The demo member's customer: its id and name. */
async function demoCustomer(): Promise<{ id: string; name: string }> {
  const me = await api(await tokenOf(stack.demo), 'GET', '/portal/me');
  const customer = await api(adminToken(), 'GET', `/admin/customers/${me.customer_id}`);
  return { id: customer.id, name: customer.name };
}

test('members: approval limits are read as admins write amounts, in the currency\'s minor units', () => {
  expect(minorUnits('5000', 'EUR')).toBe(500_000);
  expect(minorUnits('5000.5', 'EUR')).toBe(500_050);
  expect(minorUnits('5000,50', 'EUR')).toBe(500_050);
  expect(minorUnits('5.000', 'EUR')).toBe(500_000);
  expect(minorUnits('5.000,50', 'EUR')).toBe(500_050);
  expect(minorUnits('5,000.50', 'EUR')).toBe(500_050);
  expect(minorUnits(' 12 500 ', 'EUR')).toBe(1_250_000);
  expect(minorUnits('1.500', 'KWD')).toBe(1_500);
  expect(minorUnits('1500', 'JPY')).toBe(1_500);
  expect(minorUnits('1.500', 'JPY')).toBe(1_500);
  expect(minorUnits('5.001', 'EUR')).toBe(500_100);
  for (const bad of ['', 'abc', '5000.000', '-5', '5.5.5', '1e3']) expect(minorUnits(bad, 'EUR'), bad).toBeNull();
  expect(minorUnits('12.5', 'JPY')).toBeNull();
  expect(majorText(500_050, 'EUR')).toBe('5000.50');
  expect(majorText(5, 'EUR')).toBe('0.05');
  expect(majorText(1_500, 'KWD')).toBe('1.500');
  expect(majorText(1_500, 'JPY')).toBe('1500');
  for (const [minor, currency] of [[500_050, 'EUR'], [7, 'KWD'], [99, 'JPY']] as const) {
    expect(minorUnits(majorText(minor, currency), currency)).toBe(minor);
  }
});

test('an admin adds a member with permissions, invites them with a message, sees what they can see, and switches them off and on', async ({ page }) => {
  const violations: string[] = [];
  const check = checker(page, violations);
  const customer = await demoCustomer();

  await signInNewAdmin(page, 'Mona', 'Members');
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Members' }).click();
  await expect(page.getByRole('heading', { name: 'Members', level: 1 })).toBeFocused();
  await page.getByLabel('Customer', { exact: true }).selectOption(customer.id);
  await page.getByRole('button', { name: 'Show members' }).click();
  await expect(page).toHaveURL(new RegExp(`/office/members\\?customer=${customer.id}$`));
  await expect(page.getByRole('heading', { name: `Members of ${customer.name}` })).toBeVisible();
  // The seeded members are listed, each linking to their page.
  await expect(page.getByRole('link', { name: 'Carla Customer' })).toBeVisible();
  await check('c-members-1-list');

  // Add one: the form's fields and boxes, and their page opens.
  const email = `web.mia.${Date.now()}@harbor.test`;
  await page.getByLabel('First name', { exact: true }).fill('Mia');
  await page.getByLabel('Last name', { exact: true }).fill('Member');
  await page.getByLabel('Email address', { exact: true }).fill(email);
  await page.getByLabel('Phone number', { exact: true }).fill('+31 6 1234 5099');
  await page.getByLabel('Job title', { exact: true }).fill('Store manager');
  await page.getByLabel('Language', { exact: true }).selectOption('en');
  for (const box of ['See jobs', 'See quotes', 'Approve quotes', 'New quotes']) await page.getByLabel(box, { exact: true }).check();
  await page.getByRole('button', { name: 'Add member' }).click();
  await expect(page.getByRole('heading', { name: 'Mia Member', level: 1 })).toBeFocused();
  const id = /\/office\/members\/([^/?]+)$/.exec(page.url())?.[1] ?? '';
  const created = await api(adminToken(), 'GET', `/admin/members/${id}`);
  expect(created).toMatchObject({ email, customer_id: customer.id, job_title: 'Store manager', status: 'not_invited', notifications: ['quotes'] });
  expect([...created.permissions].sort()).toEqual(['approve_quotes', 'view_jobs', 'view_quotes']);
  await expect(page.locator('.facts').first()).toContainText('Not invited yet');

  // What they can see, as the API computes it.
  const seen = page.locator('#member-access');
  for (const word of ['Jobs', 'Quotes', 'See jobs', 'See quotes', 'Approve quotes', 'Harbor HQ']) await expect(seen).toContainText(word);
  await expect(seen).not.toContainText('See invoices');
  await check('c-members-2-created');

  // Invite with a personal message: the mail arrives with it and a temporary password.
  const note = 'Welcome aboard, Mia: your quotes are waiting.';
  await page.getByLabel('Personal message (optional)', { exact: true }).fill(note);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(notice(page)).toHaveText(`Invitation sent to ${email}.`);
  await expect(notice(page)).toBeFocused();
  const mail = await mailTo(email);
  expect(mail).toContain('Welcome aboard, Mia');
  expect(mail).toMatch(/<code>[^<]+<\/code>/);
  await expect(page.locator('.facts').first()).toContainText('Invited');
  // Again, to another address.
  const other = `web.mia.home.${Date.now()}@harbor.test`;
  await expect(page.getByRole('heading', { name: 'Send the invitation again' })).toBeVisible();
  await page.getByLabel('Send it to another address (optional)', { exact: true }).fill(other);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(notice(page)).toHaveText(`Invitation sent to ${other}.`);
  expect(await mailTo(other)).toMatch(/<code>[^<]+<\/code>/);
  await check('c-members-3-invited');

  // Hide a document from them (the key icon's list): the API keeps it.
  await page.getByLabel('Price list 2027 (draft)', { exact: true }).check();
  await page.getByRole('button', { name: 'Save hidden documents' }).click();
  await expect(notice(page)).toHaveText('Hidden documents saved.');
  expect((await api(adminToken(), 'GET', `/admin/members/${id}`)).hidden_document_ids).toHaveLength(1);

  // Someone else changes them meanwhile: the save is refused (If-Match), and Reload shows theirs.
  await api(adminToken(), 'PATCH', `/admin/members/${id}`, { job_title: 'Regional manager' });
  await page.getByLabel('Job title', { exact: true }).fill('Head of stores');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('alert')).toContainText('Someone else changed this member meanwhile');
  await expect(page.locator('#member-problem')).toBeFocused();
  await page.getByRole('button', { name: 'Reload' }).click();
  await expect(page.getByLabel('Job title', { exact: true })).toHaveValue('Regional manager');
  await page.getByLabel('Job title', { exact: true }).fill('Head of stores');
  await page.getByLabel('See invoices', { exact: true }).check();
  await page.getByLabel('Currency', { exact: true }).fill('EUR');
  await page.getByLabel('Most per quote', { exact: true }).fill('5.000,50');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(notice(page)).toHaveText('Changes saved.');
  expect((await api(adminToken(), 'GET', `/admin/members/${id}`)).approval_limits).toEqual({ EUR: 500_050 });
  await expect(seen).toContainText('€5,000.50');
  await expect(page.locator('.facts').first()).toContainText('Head of stores');
  await expect(seen).toContainText('See invoices');

  // Access off, then on again: the page, what they can see, and the API agree.
  await page.getByRole('button', { name: 'Switch off access Mia Member' }).click();
  await expect(notice(page)).toHaveText("Mia Member's access is switched off, and they are signed out everywhere.");
  await expect(page.locator('.facts').first()).toContainText('Switched off');
  await expect(seen).toContainText('Their access is switched off');
  expect((await api(adminToken(), 'GET', `/admin/members/${id}`)).status).toBe('disabled');
  await check('c-members-4-disabled');
  await page.getByRole('button', { name: 'Switch access on Mia Member' }).click();
  await expect(notice(page)).toHaveText("Mia Member's access is switched on again.");
  await expect(page.locator('.facts').first()).toContainText('Invited');
  expect((await api(adminToken(), 'GET', `/admin/members/${id}`)).status).toBe('invited');

  // Their portal, as they see it: read-only, with a banner, no writing buttons; and back.
  await page.getByRole('button', { name: 'View as this member Mia Member' }).click();
  await expect(page.locator('#view-as')).toContainText('Viewing as Mia Member, read-only');
  const sections = page.getByRole('navigation', { name: 'Portal sections' });
  await expect(sections.getByRole('link')).toHaveText(['Home', 'Jobs', 'Quotes', 'Invoices', 'Sites']);
  await expect(page.getByRole('link', { name: 'Mia Member' })).toHaveCount(0);
  await sections.getByRole('link', { name: 'Sites' }).click();
  await expect(page.getByRole('heading', { name: 'Sites', level: 1 })).toBeVisible();
  await expect(page.getByRole('main')).toContainText('Harbor HQ');
  await check('c-members-5-view-as');
  await page.getByRole('button', { name: 'Back to the console' }).click();
  await expect(page.getByRole('heading', { name: 'Mia Member', level: 1 })).toBeFocused();
  await expect(page).toHaveURL(new RegExp(`/office/members/${id}$`));

  // Delete asks first; cancelling keeps them.
  await page.getByRole('button', { name: 'Delete member Mia Member' }).click();
  await expect(page.getByRole('button', { name: 'Yes, delete' })).toBeFocused();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('button', { name: 'Delete member Mia Member' })).toBeFocused();
  expect(violations).toEqual([]);
});

test.describe('in Dutch at phone width', () => {
  test.use({ locale: 'nl-NL', viewport: { width: 390, height: 844 } });

  test("an admin opens a member's page: their scope's sites and the document hidden from them", async ({ page }) => {
    const violations: string[] = [];
    const check = checker(page, violations, true);
    const customer = await demoCustomer();

    await signInNewAdmin(page, 'Lotte', 'Leden', true);
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Leden' }).click();
    await expect(page.getByRole('heading', { name: 'Leden', level: 1 })).toBeFocused();
    await page.getByLabel('Klant', { exact: true }).selectOption(customer.id);
    await page.getByRole('button', { name: 'Leden tonen' }).click();
    await expect(page.getByRole('heading', { name: `Leden van ${customer.name}` })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Sam Site' })).toBeVisible();
    await check('c-members-6-list-nl-phone');

    // Sam: Dutch, one site of the outlets, the asbestos survey hidden from them (the seed's).
    await page.getByRole('link', { name: 'Sam Site' }).click();
    await expect(page.getByRole('heading', { name: 'Sam Site', level: 1 })).toBeFocused();
    await expect(page.locator('.facts').first()).toContainText('Nederlands');
    const seen = page.locator('#member-access');
    await expect(seen).toContainText('Outlet North');
    await expect(seen).not.toContainText('Harbor HQ');
    await expect(seen).toContainText('Werkorders inzien');
    await expect(page.getByLabel('Asbestos survey - Outlet North', { exact: true })).toBeChecked();
    await expect(page.getByLabel('Service agreement 2026', { exact: true })).not.toBeChecked();
    await check('c-members-7-member-nl-phone');
    expect(violations).toEqual([]);
  });
});
