// Seed 002 ("Creating a Client Portal user"), through the console as it is: the office
// adds a contact with a notification role to a customer, then "Create user" makes a
// portal member of them and mails the invitation; their rights are ticked on the members
// screen; they sign in. Later they have trouble signing in, and the office re-establishes
// their password: their old one is refused with the reset's words, and they choose a new
// one with a mailed code. English at desktop width; every page checked by axe.

import { expect, test } from '@playwright/test';
import { accessibilityViolations, adminToken, api, latestMail, memberFirstSignIn, shot, signInNewAdmin, temporaryPassword } from './stack';

test('002: a contact with a role becomes a user, and the office re-establishes their password', async ({ page }) => {
  const violations: string[] = [];
  const check = async (p: typeof page, name: string) => {
    await shot(p, name);
    violations.push(...(await accessibilityViolations(p)).map((v) => `${name}: ${v}`));
  };
  const stamp = Date.now();
  const customerName = `Sweven Clinics ${stamp}`;
  const email = `cleo.${stamp}@sweven.test`;
  const status = page.getByRole('status');

  await signInNewAdmin(page, 'Rhea', 'Roles');
  const menu = page.getByRole('navigation', { name: 'Console' });
  await menu.getByRole('link', { name: 'Customers' }).click();
  await expect(page.getByRole('heading', { name: 'Customers', level: 1 })).toBeFocused();
  await page.getByLabel('Name', { exact: true }).fill(customerName);
  await page.getByRole('button', { name: 'Add customer' }).click();
  await expect(status).toHaveText(`${customerName} is added.`);
  await page.locator('#customer-tree').getByRole('link', { name: customerName, exact: true }).click();
  await expect(page.getByRole('heading', { name: customerName, level: 1 })).toBeFocused();

  // The contact, with a role for notifications ("Contacts", "+Add").
  const contacts = page.getByRole('region', { name: 'Contacts' });
  await contacts.getByLabel('First name').fill('Cleo');
  await contacts.getByLabel('Last name').fill('Contact');
  await contacts.getByLabel('Email address').fill(email);
  await contacts.getByLabel('Notification role').fill('billing');
  await contacts.getByRole('button', { name: 'Add contact' }).click();
  await expect(status).toHaveText('Cleo Contact is added.');
  const card = contacts.locator('[data-contact]').filter({ hasText: 'Cleo Contact' });
  await expect(card).toContainText('Billing');
  await expect(card).toContainText('No');
  const customerId = /\/office\/customers\/([^/?]+)$/.exec(page.url())?.[1] ?? '';
  const [stored] = (await api(adminToken(), 'GET', `/admin/customers/${customerId}/contacts`)).items;
  expect(stored).toMatchObject({ email, role: 'billing', member_id: null });
  await check(page, 's-002-1-contact');

  // "Create user": a member of the contact, invited with a message.
  await card.getByRole('button', { name: 'Create user Cleo Contact' }).click();
  await expect(page.getByLabel('Language of the invitation')).toBeFocused();
  await page.getByLabel('Personal message in the invitation').fill('Cleo, you can follow your clinics’ work orders here.');
  await check(page, 's-002-2-create-user');
  await page.getByRole('button', { name: 'Create user and invite' }).click();
  await expect(status).toHaveText('Cleo Contact is now a portal member and is invited.');
  await expect(card).toContainText('Yes: a member was made of this contact');
  await expect(card.getByRole('button', { name: /Create user/ })).toHaveCount(0);
  const memberId = (await api(adminToken(), 'GET', `/admin/customers/${customerId}/contacts`)).items[0].member_id as string;
  // The customer's first user is its admin (every right), as the API makes it.
  expect(await api(adminToken(), 'GET', `/admin/members/${memberId}`)).toMatchObject({ email, status: 'invited', first_name: 'Cleo', admin: true });
  expect(await latestMail(email)).toContain('you can follow your clinics’ work orders here');

  // Their rights, on the members screen: not the customer's admin, but jobs and work requests.
  await menu.getByRole('link', { name: 'Members' }).click();
  await page.getByLabel('Customer', { exact: true }).selectOption(customerId);
  await page.getByRole('button', { name: 'Show members' }).click();
  await page.getByRole('link', { name: 'Cleo Contact' }).click();
  await expect(page.getByRole('heading', { name: 'Cleo Contact', level: 1 })).toBeFocused();
  const adminBox = page.getByLabel("Admin of their customer (every permission, and they manage their customer's members)", { exact: true });
  await expect(adminBox).toBeChecked();
  await adminBox.uncheck();
  await page.getByLabel('See jobs', { exact: true }).check();
  await page.getByLabel('Request work', { exact: true }).check();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(status).toHaveText('Changes saved.');
  const rights = await api(adminToken(), 'GET', `/admin/members/${memberId}`);
  expect(rights.admin).toBe(false);
  expect([...rights.permissions].sort()).toEqual(['create_work_requests', 'view_jobs']);

  // They sign in with the mailed password and choose their own.
  const member = await page.context().newPage();
  await memberFirstSignIn(member, email, await temporaryPassword(email), 'Cleo-Contact-2026!');
  await expect(member.getByRole('navigation', { name: 'Portal sections' }).getByRole('link')).toHaveText(['Jobs', 'Work requests', 'Sites']);
  await member.getByRole('button', { name: 'Sign out' }).click();

  // Login trouble: the office re-establishes their password.
  await page.getByRole('button', { name: 'Reset password Cleo Contact' }).click();
  await expect(status).toHaveText('Cleo Contact gets an email with a code to choose a new password.');
  await check(page, 's-002-3-password-reset');

  // Their old password no longer signs them in: the page says why and asks for the code.
  await member.getByLabel('Email address or phone number').fill(email);
  await member.getByLabel('Password', { exact: true }).fill('Cleo-Contact-2026!');
  await member.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(member.getByRole('status')).toHaveText('Your password was reset by your service provider. Choose a new one with the code we emailed you.');
  await expect(member.getByLabel('Code from the email')).toBeVisible();
  await check(member, 's-002-4-member-reset');
  // Cognito mails that code (the local stack does not show it to a browser): they ask for
  // a fresh one, as a member whose mail went astray would.
  await member.getByRole('button', { name: 'Back to sign-in' }).click();
  await member.getByRole('button', { name: 'Forgot your password?' }).click();
  await expect(member.getByLabel('Email address or phone number')).toHaveValue(email);
  const answer = member.waitForResponse((r) => r.url().endsWith('/cognito/') && 'x-moto-forgot-password-confirmation-code' in r.headers());
  await member.getByRole('button', { name: 'Email me a code' }).click();
  const code = (await answer).headers()['x-moto-forgot-password-confirmation-code'];
  await member.getByLabel('Code from the email').fill(code);
  await member.getByLabel('New password', { exact: true }).fill('Cleo-Again-2026!');
  await member.getByRole('button', { name: 'Set new password' }).click();
  await expect(member.getByRole('status')).toHaveText('Your password is changed. Sign in with it now.');
  await member.getByLabel('Password', { exact: true }).fill('Cleo-Again-2026!');
  await member.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(member.getByRole('heading', { name: 'Jobs', level: 1 })).toBeVisible();
  expect(violations).toEqual([]);
});
