// Seed 001 ("Customer Portal Credentials"), through the console as it is: the office adds
// a customer that may request two of its three work-order types, a site for it, and a
// member with a few permission boxes ticked (the seed's per-contact boxes); sends the
// credentials with a personal message to another address than the member's own; then
// the member signs in with what that mail holds, sees the sections their boxes open, and
// the request form offers exactly the customer's work-order types. In English at desktop
// width, and in Dutch at 390 px (also checked for sideways scrolling); every page by axe.

import { expect, test, type Page } from '@playwright/test';
import { adminToken, api, latestMail, memberFirstSignIn, signInNewAdmin, temporaryPassword } from './stack';
import { checker } from './checks';

/** What the journey reads and clicks, in the console's and the portal's words. The
 * work-order types are the tenant's own names (seed.rs), in no language. */
const EN = {
  dutch: false, suffix: '', customers: 'Customers', name: 'Name', addCustomer: 'Add customer', added: (n: string) => `${n} is added.`,
  sites: 'Sites', address: 'Address', addSite: 'Add site', members: 'Members', customer: 'Customer', show: 'Show members',
  membersOf: (n: string) => `Members of ${n}`, first: 'First name', last: 'Last name', email: 'Email address', language: 'Language',
  boxes: ['See jobs', 'Request work', 'My work requests'], addMember: 'Add member', seen: 'See jobs, Request work',
  message: 'Personal message (optional)', other: 'Send it to another address (optional)', send: 'Send invitation',
  sent: (e: string) => `Invitation sent to ${e}.`, invited: 'Invited', portal: 'Portal sections', tabs: ['Home', 'Jobs', 'Work requests', 'Sites'],
  requests: 'Work requests', newRequest: 'New work request', site: 'Site', type: 'Type of work', subject: 'Subject', submit: 'Send request',
};
const NL: typeof EN = {
  dutch: true, suffix: '-nl-phone', customers: 'Klanten', name: 'Naam', addCustomer: 'Klant toevoegen', added: (n) => `${n} is toegevoegd.`,
  sites: 'Locaties', address: 'Adres', addSite: 'Locatie toevoegen', members: 'Leden', customer: 'Klant', show: 'Leden tonen',
  membersOf: (n) => `Leden van ${n}`, first: 'Voornaam', last: 'Achternaam', email: 'E-mailadres', language: 'Taal',
  boxes: ['Werkorders inzien', 'Werk aanvragen', 'Mijn aanvragen'], addMember: 'Lid toevoegen', seen: 'Werkorders inzien, Werk aanvragen',
  message: 'Persoonlijk bericht (optioneel)', other: 'Naar een ander adres sturen (optioneel)', send: 'Uitnodiging versturen',
  sent: (e) => `Uitnodiging verstuurd naar ${e}.`, invited: 'Uitgenodigd', portal: 'Onderdelen van het portaal', tabs: ['Start', 'Werkorders', 'Aanvragen', 'Locaties'],
  requests: 'Aanvragen', newRequest: 'Nieuwe aanvraag', site: 'Locatie', type: 'Soort werk', subject: 'Onderwerp', submit: 'Aanvraag versturen',
};

const journey = (w: typeof EN) => async ({ page }: { page: Page }) => {
  // A whole help-centre page, office and member: longer than one screen's journey.
  test.slow();
  const violations: string[] = [];
  const check = (p: Page, name: string) => checker(p, violations, w.dutch)(`${name}${w.suffix}`);
  const stamp = Date.now();
  const customerName = `Pier Logistics ${stamp}`;
  const status = page.getByRole('status');

  await signInNewAdmin(page, 'Olga', w.dutch ? 'Inloggegevens' : 'Credentials', w.dutch);
  const menu = page.getByRole('navigation', { name: 'Console' });

  // The customer, allowed two of the organisation's three work-order types ("Edit Customer Portal").
  await menu.getByRole('link', { name: w.customers }).click();
  await expect(page.getByRole('heading', { name: w.customers, level: 1 })).toBeFocused();
  await page.getByLabel(w.name, { exact: true }).fill(customerName);
  await page.getByLabel('Repair', { exact: true }).check();
  await page.getByLabel('Installation', { exact: true }).check();
  await expect(page.getByLabel('Planned service', { exact: true })).not.toBeChecked();
  await page.getByRole('button', { name: w.addCustomer }).click();
  await expect(status).toHaveText(w.added(customerName));
  const customer = ((await api(adminToken(), 'GET', '/admin/customers?limit=200')).items as { id: string; name: string; allowed_work_order_types: string[] }[])
    .find((c) => c.name === customerName);
  expect(customer?.allowed_work_order_types).toEqual(['repair', 'install']);
  await page.locator('#customer-tree').getByRole('link', { name: customerName, exact: true }).click();
  await expect(page.getByRole('heading', { name: customerName, level: 1 })).toBeFocused();
  await expect(page.locator('#details-title + dl')).toContainText('Repair, Installation');
  const sites = page.getByRole('region', { name: w.sites });
  await sites.getByLabel(w.name, { exact: true }).fill('Pier Depot');
  await sites.getByLabel(w.address).fill('5 Kade, Rotterdam');
  await sites.getByRole('button', { name: w.addSite }).click();
  await expect(status).toHaveText(w.added('Pier Depot'));
  await check(page, 's-001-1-customer');

  // The member, with their own boxes: jobs and work requests, nothing else.
  await menu.getByRole('link', { name: w.members }).click();
  await expect(page.getByRole('heading', { name: w.members, level: 1 })).toBeFocused();
  await page.getByLabel(w.customer, { exact: true }).selectOption({ label: customerName });
  await page.getByRole('button', { name: w.show }).click();
  await expect(page.getByRole('heading', { name: w.membersOf(customerName) })).toBeVisible();
  const email = `piet.${stamp}@pier.test`;
  await page.getByLabel(w.first, { exact: true }).fill('Piet');
  await page.getByLabel(w.last, { exact: true }).fill('Pier');
  await page.getByLabel(w.email, { exact: true }).fill(email);
  await page.getByLabel(w.language, { exact: true }).selectOption(w.dutch ? 'nl' : 'en');
  for (const box of w.boxes) await page.getByLabel(box, { exact: true }).check();
  await page.getByRole('button', { name: w.addMember }).click();
  await expect(page.getByRole('heading', { name: 'Piet Pier', level: 1 })).toBeFocused();
  const id = /\/office\/members\/([^/?]+)$/.exec(page.url())?.[1] ?? '';
  const stored = await api(adminToken(), 'GET', `/admin/members/${id}`);
  expect([...stored.permissions].sort()).toEqual(['create_work_requests', 'view_jobs']);
  expect(stored.notifications).toEqual(['work_requests']);
  const seen = page.locator('#member-access');
  await expect(seen).toContainText('Pier Depot');
  await expect(seen).toContainText(w.seen);

  // The credentials, with a personal message, to another address (say, their manager's).
  const other = `inbox.${stamp}@pier.test`;
  const note = `Dear Piet, here is your access to our portal. Regards, ${stamp}`;
  await page.getByLabel(w.message, { exact: true }).fill(note);
  await page.getByLabel(w.other, { exact: true }).fill(other);
  await page.getByRole('button', { name: w.send }).click();
  await expect(status).toHaveText(w.sent(other));
  await expect(page.locator('.facts').first()).toContainText(w.invited);
  await check(page, 's-001-2-invited');
  const mail = (await latestMail(other)) ?? '';
  expect(mail).toContain(note);
  expect(mail).toContain(email); // they sign in with their own address
  expect(await latestMail(email)).toBeUndefined(); // nothing went to the member's own address

  // The member signs in with what the mail said: their boxes' sections, and Sites.
  const member = await page.context().newPage();
  await memberFirstSignIn(member, email, await temporaryPassword(other), 'Piet-Pier-2026!');
  const sections = member.getByRole('navigation', { name: w.portal });
  await expect(sections.getByRole('link')).toHaveText(w.tabs);
  await check(member, 's-001-3-member-portal');

  // The request form offers the customer's two types, not the third.
  await sections.getByRole('link', { name: w.requests }).click();
  await member.getByRole('link', { name: w.newRequest }).click();
  await expect(member.getByRole('heading', { name: w.newRequest, level: 1 })).toBeFocused();
  await expect(member.getByLabel(w.site, { exact: true })).toHaveValue(/.+/); // their one site, chosen
  await expect(member.getByLabel(w.type).locator('option')).toHaveText(['Repair', 'Installation']);
  await member.getByLabel(w.type).selectOption({ label: 'Installation' });
  await member.getByLabel(w.subject).fill(`New dock door ${stamp}`);
  await check(member, 's-001-4-request-form');
  await member.getByRole('button', { name: w.submit }).click();
  await expect(member.getByRole('heading', { name: `New dock door ${stamp}`, level: 1 })).toBeVisible();
  const requestId = /\/work-requests\/([^/?]+)$/.exec(member.url())?.[1] ?? '';
  expect(await api(adminToken(), 'GET', `/admin/work-requests/${requestId}`)).toMatchObject({
    subject: `New dock door ${stamp}`, work_order_type: 'install', customer_id: customer?.id,
  });
  expect(violations).toEqual([]);
};

test("001: credentials with a personal message to another address, per-member boxes, and the customer's work-order types on the request form", journey(EN));

test.describe('in Dutch at phone width', () => {
  test.use({ locale: 'nl-NL', viewport: { width: 390, height: 844 } });
  test('001: inloggegevens met een persoonlijk bericht naar een ander adres, rechten per lid, en de soorten werkorders van de klant', journey(NL));
});
