// A member's scope on the console's members screen (issue 26): an admin gives a new
// member of a customer made for the run one of its two sites, picked in the customer
// tree; the API stores that grant, "What they can see" lists only that site, and so does
// the member's own portal (`GET /portal/sites` with their token); someone else's change
// (412) is refused; then back to the whole customer. In Dutch at phone width, a division
// is picked. Every page is checked by axe.

import { expect, test, type Page } from '@playwright/test';
import { checker, notice } from './checks';
import { adminToken, api, cognito, signInNewAdmin, stack, temporaryPassword } from './stack';

interface Named {
  id: string;
  name: string;
}

/** A customer of this run: a division holding one site (Dock), and a site outside it (Yard). */
async function customerWithTwoSites(stamp: number): Promise<{ customer: Named; north: Named; dock: Named; yard: Named }> {
  const admin = adminToken();
  const customer: Named = await api(admin, 'POST', '/admin/customers', { name: `Pim Plants ${stamp}` });
  const under = `/admin/customers/${customer.id}`;
  const north: Named = await api(admin, 'POST', `${under}/divisions`, { name: `North ${stamp}` });
  const dock: Named = await api(admin, 'POST', `${under}/sites`, { name: `Dock ${stamp}`, address: '2 Quay Road', division_id: north.id });
  const yard: Named = await api(admin, 'POST', `${under}/sites`, { name: `Yard ${stamp}`, address: '9 Field Lane' });
  return { customer, north, dock, yard };
}

/** A member of `customerId` (not its admin) who has signed in once: their id and ID token. */
async function memberOf(customerId: string, first: string, stamp: number): Promise<{ id: string; token: string }> {
  const email = `web.scope.${first.toLowerCase()}.${stamp}@pim.test`;
  const { id } = await api(adminToken(), 'POST', '/admin/members', {
    customer_id: customerId, first_name: first, last_name: 'Scope', email, permissions: ['view_jobs'], admin: false,
  });
  await api(adminToken(), 'POST', `/admin/members/${id}/invite`, {});
  const auth = { ClientId: stack.user_pool_client_id };
  const started = await cognito('InitiateAuth', { ...auth, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD: await temporaryPassword(email) } });
  const answer = { USERNAME: email, NEW_PASSWORD: `${first}-Scope-2026!` };
  const signed = await cognito('RespondToAuthChallenge', { ...auth, ChallengeName: started.ChallengeName, Session: started.Session, ChallengeResponses: answer });
  return { id, token: signed.AuthenticationResult.IdToken as string };
}

/** The names of the sites a member's portal lists. */
async function portalSites(token: string): Promise<string[]> {
  return (await api(token, 'GET', '/portal/sites?limit=200')).items.map((s: { name: string }) => s.name).sort();
}

/** Opens a member's page through the menu: Members, their customer, their name. */
async function openMember(page: Page, customer: Named, name: string, words: { menu: string; show: string; customer: string }) {
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: words.menu }).click();
  await page.getByLabel(words.customer, { exact: true }).selectOption(customer.id);
  await page.getByRole('button', { name: words.show }).click();
  await page.getByRole('link', { name }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeFocused();
}

test('an admin gives a member one site of their customer, and then the whole customer again', async ({ page }) => {
  const violations: string[] = [];
  const check = checker(page, violations);
  const stamp = Date.now();
  const { customer, dock, yard } = await customerWithTwoSites(stamp);
  const member = await memberOf(customer.id, 'Pia', stamp);
  const stored = () => api(adminToken(), 'GET', `/admin/members/${member.id}`);
  const sees = page.locator('#member-access');
  const status = notice(page);

  await signInNewAdmin(page, 'Sven', 'Scope');
  await openMember(page, customer, 'Pia Scope', { menu: 'Members', show: 'Show members', customer: 'Customer' });
  // A new member sees the whole customer: both sites.
  await expect(page.getByRole('heading', { name: 'Which sites they see' })).toBeVisible();
  const whole = page.getByLabel(`All of ${customer.name}'s sites (and its child customers')`, { exact: true });
  await expect(whole).toBeChecked();
  await expect(sees.getByRole('listitem').filter({ hasText: yard.name })).toBeVisible();
  await expect(sees.getByRole('listitem').filter({ hasText: dock.name })).toBeVisible();
  await check('p-1-member-whole');

  // One site, picked in the tree of their customer.
  await page.getByLabel('Only the customers, divisions and sites ticked below', { exact: true }).check();
  await page.getByRole('button', { name: `Divisions and sites of ${customer.name}` }).click();
  await page.getByLabel(`Site: ${yard.name}`, { exact: true }).check();
  await expect(page.getByLabel(`Site: ${dock.name}`, { exact: true })).not.toBeChecked();
  await check('p-2-one-site-picked');
  await page.getByRole('button', { name: 'Save which sites they see' }).click();
  await expect(status).toHaveText('Saved which sites they see.');
  await expect(status).toBeFocused();
  expect((await stored()).scope.grants).toEqual([{ customer_id: customer.id, site_ids: [yard.id] }]);
  // What they can see: that site only, on the page and in their own portal.
  await expect(sees.getByRole('listitem').filter({ hasText: dock.name })).toHaveCount(0);
  await expect(sees.getByRole('listitem')).toHaveText([yard.name]);
  expect(await portalSites(member.token)).toEqual([yard.name]);
  // The picker shows the ticks as stored.
  await expect(page.getByLabel(`Site: ${yard.name}`, { exact: true })).toBeChecked();
  await check('p-3-one-site-saved');

  // Someone else changes the member meanwhile: the save is refused (If-Match), nothing stored.
  await api(adminToken(), 'PATCH', `/admin/members/${member.id}`, { job_title: 'Yard lead' });
  await whole.check();
  await page.getByRole('button', { name: 'Save which sites they see' }).click();
  await expect(page.getByRole('alert')).toContainText('Someone else changed this member meanwhile');
  await expect(page.locator('#member-problem')).toBeFocused();
  expect((await stored()).scope.grants).toEqual([{ customer_id: customer.id, site_ids: [yard.id] }]);
  await check('p-4-changed-meanwhile');
  await page.getByRole('button', { name: 'Reload' }).click();
  await expect(page.getByRole('heading', { name: 'Pia Scope', level: 1 })).toBeFocused();
  await expect(page.getByLabel('Only the customers, divisions and sites ticked below', { exact: true })).toBeChecked();

  // Back to the whole customer: both sites again.
  await whole.check();
  await expect(page.getByLabel(`Site: ${yard.name}`, { exact: true })).toHaveCount(0);
  await page.getByRole('button', { name: 'Save which sites they see' }).click();
  await expect(status).toHaveText('Saved which sites they see.');
  expect((await stored()).scope.grants).toEqual([{ customer_id: customer.id }]);
  await expect(sees.getByRole('listitem').filter({ hasText: dock.name })).toBeVisible();
  expect(await portalSites(member.token)).toEqual([dock.name, yard.name].sort());
  await check('p-5-whole-again');
  expect(violations).toEqual([]);
});

test.describe('in Dutch at phone width', () => {
  test.use({ locale: 'nl-NL', viewport: { width: 390, height: 844 } });

  test('an admin gives a member one division of their customer', async ({ page }) => {
    const violations: string[] = [];
    const check = checker(page, violations, true);
    const stamp = Date.now();
    const { customer, north, dock, yard } = await customerWithTwoSites(stamp);
    const member = await memberOf(customer.id, 'Daan', stamp);
    const sees = page.locator('#member-access');

    await signInNewAdmin(page, 'Sanne', 'Bereik', true);
    await openMember(page, customer, 'Daan Scope', { menu: 'Leden', show: 'Leden tonen', customer: 'Klant' });
    await expect(page.getByRole('heading', { name: 'Welke locaties het lid ziet' })).toBeVisible();
    await page.getByLabel('Alleen de klanten, divisies en locaties die hieronder aangevinkt zijn', { exact: true }).check();
    await page.getByRole('button', { name: `Divisies en locaties van ${customer.name}` }).click();
    await page.getByLabel(`Divisie: ${north.name}`, { exact: true }).check();
    await check('p-6-division-picked-nl-phone');
    await page.getByRole('button', { name: 'Opslaan welke locaties het lid ziet' }).click();
    await expect(notice(page)).toHaveText('Opgeslagen welke locaties het lid ziet.');
    const stored = await api(adminToken(), 'GET', `/admin/members/${member.id}`);
    expect(stored.scope.grants).toEqual([{ customer_id: customer.id, division_ids: [north.id] }]);
    await expect(sees.getByRole('listitem')).toHaveText([dock.name]);
    expect(await portalSites(member.token)).toEqual([dock.name]);
    expect(await portalSites(member.token)).not.toContain(yard.name);
    await check('p-7-division-saved-nl-phone');
    expect(violations).toEqual([]);
  });
});
