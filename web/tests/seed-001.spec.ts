// Seed 001 ("Customer Portal Credentials"), through the console as it is: the office adds
// a customer that may request two of its three work-order types, a site for it, and a
// member with a few permission boxes ticked (the seed's per-contact boxes); sends the
// credentials with a personal message to another address than the member's own; then
// the member signs in with what that mail holds, sees the sections their boxes open, and
// the request form offers exactly the customer's work-order types. English at desktop
// width; every page checked by axe.

import { expect, test } from '@playwright/test';
import { accessibilityViolations, adminToken, api, latestMail, memberFirstSignIn, shot, signInNewAdmin, temporaryPassword } from './stack';

test('001: credentials with a personal message to another address, per-member boxes, and the customer\'s work-order types on the request form', async ({ page }) => {
  const violations: string[] = [];
  const check = async (p: typeof page, name: string) => {
    await shot(p, name);
    violations.push(...(await accessibilityViolations(p)).map((v) => `${name}: ${v}`));
  };
  const stamp = Date.now();
  const customerName = `Pier Logistics ${stamp}`;
  const status = page.getByRole('status');

  await signInNewAdmin(page, 'Olga', 'Credentials');
  const menu = page.getByRole('navigation', { name: 'Console' });

  // The customer, allowed two of the organisation's three work-order types ("Edit Customer Portal").
  await menu.getByRole('link', { name: 'Customers' }).click();
  await expect(page.getByRole('heading', { name: 'Customers', level: 1 })).toBeFocused();
  await page.getByLabel('Name', { exact: true }).fill(customerName);
  await page.getByLabel('Repair', { exact: true }).check();
  await page.getByLabel('Installation', { exact: true }).check();
  await expect(page.getByLabel('Planned service', { exact: true })).not.toBeChecked();
  await page.getByRole('button', { name: 'Add customer' }).click();
  await expect(status).toHaveText(`${customerName} is added.`);
  const customer = ((await api(adminToken(), 'GET', '/admin/customers?limit=200')).items as { id: string; name: string; allowed_work_order_types: string[] }[])
    .find((c) => c.name === customerName);
  expect(customer?.allowed_work_order_types).toEqual(['repair', 'install']);
  await page.locator('#customer-tree').getByRole('link', { name: customerName, exact: true }).click();
  await expect(page.getByRole('heading', { name: customerName, level: 1 })).toBeFocused();
  await expect(page.locator('#details-title + dl')).toContainText('Repair, Installation');
  const sites = page.getByRole('region', { name: 'Sites' });
  await sites.getByLabel('Name', { exact: true }).fill('Pier Depot');
  await sites.getByLabel('Address').fill('5 Kade, Rotterdam');
  await sites.getByRole('button', { name: 'Add site' }).click();
  await expect(status).toHaveText('Pier Depot is added.');
  await check(page, 's-001-1-customer');

  // The member, with their own boxes: jobs and work requests, nothing else.
  await menu.getByRole('link', { name: 'Members' }).click();
  await expect(page.getByRole('heading', { name: 'Members', level: 1 })).toBeFocused();
  await page.getByLabel('Customer', { exact: true }).selectOption({ label: customerName });
  await page.getByRole('button', { name: 'Show members' }).click();
  await expect(page.getByRole('heading', { name: `Members of ${customerName}` })).toBeVisible();
  const email = `piet.${stamp}@pier.test`;
  await page.getByLabel('First name', { exact: true }).fill('Piet');
  await page.getByLabel('Last name', { exact: true }).fill('Pier');
  await page.getByLabel('Email address', { exact: true }).fill(email);
  await page.getByLabel('Language', { exact: true }).selectOption('en');
  for (const box of ['See jobs', 'Request work', 'My work requests']) await page.getByLabel(box, { exact: true }).check();
  await page.getByRole('button', { name: 'Add member' }).click();
  await expect(page.getByRole('heading', { name: 'Piet Pier', level: 1 })).toBeFocused();
  const id = /\/office\/members\/([^/?]+)$/.exec(page.url())?.[1] ?? '';
  const stored = await api(adminToken(), 'GET', `/admin/members/${id}`);
  expect([...stored.permissions].sort()).toEqual(['create_work_requests', 'view_jobs']);
  expect(stored.notifications).toEqual(['work_requests']);
  const seen = page.locator('#member-access');
  await expect(seen).toContainText('Pier Depot');
  await expect(seen).toContainText('See jobs, Request work');

  // The credentials, with a personal message, to another address (say, their manager's).
  const other = `inbox.${stamp}@pier.test`;
  const note = `Dear Piet, here is your access to our portal. Regards, ${stamp}`;
  await page.getByLabel('Personal message (optional)', { exact: true }).fill(note);
  await page.getByLabel('Send it to another address (optional)', { exact: true }).fill(other);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(status).toHaveText(`Invitation sent to ${other}.`);
  await expect(page.locator('.facts').first()).toContainText('Invited');
  await check(page, 's-001-2-invited');
  const mail = (await latestMail(other)) ?? '';
  expect(mail).toContain(note);
  expect(mail).toContain(email); // they sign in with their own address
  expect(await latestMail(email)).toBeUndefined(); // nothing went to the member's own address

  // The member signs in with what the mail said: their boxes' sections, and Sites.
  const member = await page.context().newPage();
  await memberFirstSignIn(member, email, await temporaryPassword(other), 'Piet-Pier-2026!');
  const sections = member.getByRole('navigation', { name: 'Portal sections' });
  await expect(sections.getByRole('link')).toHaveText(['Jobs', 'Work requests', 'Sites']);
  await check(member, 's-001-3-member-portal');

  // The request form offers the customer's two types, not the third.
  await sections.getByRole('link', { name: 'Work requests' }).click();
  await member.getByRole('link', { name: 'New work request' }).click();
  await expect(member.getByRole('heading', { name: 'New work request', level: 1 })).toBeFocused();
  await expect(member.getByLabel('Site')).toHaveValue(/.+/); // their one site, chosen
  await expect(member.getByLabel('Type of work').locator('option')).toHaveText(['Repair', 'Installation']);
  await member.getByLabel('Type of work').selectOption({ label: 'Installation' });
  await member.getByLabel('Subject').fill(`New dock door ${stamp}`);
  await check(member, 's-001-4-request-form');
  await member.getByRole('button', { name: 'Send request' }).click();
  await expect(member.getByRole('heading', { name: `New dock door ${stamp}`, level: 1 })).toBeVisible();
  const requestId = /\/work-requests\/([^/?]+)$/.exec(member.url())?.[1] ?? '';
  expect(await api(adminToken(), 'GET', `/admin/work-requests/${requestId}`)).toMatchObject({
    subject: `New dock door ${stamp}`, work_order_type: 'install', customer_id: customer?.id,
  });
  expect(violations).toEqual([]);
});
