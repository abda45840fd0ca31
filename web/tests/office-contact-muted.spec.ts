// A contact's muted kinds (issue 26: "notification role, muted kinds, suppression"): a
// contact unsubscribed from invoices asks for them again and no longer wants quotes; the
// admin edits the kinds on the customer's page and the API keeps them.

import { expect, test } from '@playwright/test';
import { accessibilityViolations, adminToken, api, shot, signInNewAdmin } from './stack';

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
  await expect(page.getByRole('status')).toHaveText('Una Subscribe is saved.');
  await expect(una).toContainText(/Unsubscribed from\s*New quotes/);
  const [stored] = (await api(adminToken(), 'GET', `/admin/customers/${customer.id}/contacts`)).items;
  expect(stored).toMatchObject({ muted: ['quotes'], role: 'billing', version: 3 });
  expect(violations).toEqual([]);
});
