// A contact's muted kinds and suppression (issue 26: "notification role, muted kinds,
// suppression"): a contact unsubscribed from invoices asks for them again and no longer
// wants quotes; the admin edits the kinds on the customer's page and the API keeps them.
// And the seeded contact whose address bounced shows why mail to it stopped.

import { expect, test } from '@playwright/test';
import { accessibilityViolations, adminToken, api, shot, signInNewAdmin, stack, tokenOf } from './stack';
import { notice } from './checks';

test('an admin switches a contact\'s muted kinds: invoices back on, quotes off', async ({ page }) => {
  const customer = await api(adminToken(), 'POST', '/admin/customers', { name: `Muted Ltd ${Date.now()}` });
  const contact = await api(adminToken(), 'POST', `/admin/customers/${customer.id}/contacts`, {
    first_name: 'Una', last_name: 'Subscribe', email: `una.${Date.now()}@muted.test`, role: 'billing',
  });
  // As an email's unsubscribe link leaves it.
  await api(adminToken(), 'PATCH', `/admin/contacts/${contact.id}`, { muted: ['invoices'] });

  await signInNewAdmin(page, 'Mats', 'Muted');
  await page.goto(`/office/customers/${customer.id}`);
  const una = page.locator(`[data-contact="${contact.id}"]`);
  await expect(una).toContainText(/Unsubscribed from\s*New invoices/);
  await una.getByRole('button', { name: 'Edit Una Subscribe' }).click();
  const muted = una.getByRole('group', { name: 'Notifications they get no more' });
  await expect(muted.getByLabel('New invoices')).toBeChecked();
  await muted.getByLabel('New invoices').uncheck();
  await muted.getByLabel('New quotes').check();
  await shot(page, 'v-6-contact-muted');
  const violations = await accessibilityViolations(page);
  await una.getByRole('button', { name: 'Save' }).click();
  await expect(notice(page)).toHaveText('Una Subscribe is saved.');
  await expect(una).toContainText(/Unsubscribed from\s*New quotes/);
  const [stored] = (await api(adminToken(), 'GET', `/admin/customers/${customer.id}/contacts`)).items;
  expect(stored).toMatchObject({ muted: ['quotes'], role: 'billing', version: 3 });
  expect(violations).toEqual([]);
});

test('a contact whose address bounced is marked with why mail to it stopped', async ({ page }) => {
  // The demo data's Bill Ledger of Harbor: SES reported a bounce (events/sns/SesBounce.json).
  const harbor = (await api(await tokenOf(stack.demo), 'GET', '/portal/me')).customer_id as string;
  const contacts = (await api(adminToken(), 'GET', `/admin/customers/${harbor}/contacts?limit=200`)).items as { id: string; email: string; suppressed?: { reason: string } | null }[];
  const bill = contacts.find((c) => c.email === 'billing@harbor.test');
  expect(bill?.suppressed?.reason).toBe('bounce');

  await signInNewAdmin(page, 'Bea', 'Bounce');
  await page.goto(`/office/customers/${harbor}`);
  const card = page.locator(`[data-contact="${bill?.id}"]`);
  await expect(card).toContainText(/Mail to this address stopped\s*it bounced on/);
  await expect(card.locator(`#contact-${bill?.id}-suppressed`)).toContainText('550 5.1.1 user unknown');
  await shot(page, 'v-7-contact-bounced');
  expect(await accessibilityViolations(page)).toEqual([]);
});
