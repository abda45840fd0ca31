// Seed 003 ("CustomerPortal for SME": parent and site customers), through the console as
// it is, in a tenant of its own (a section switched off is the whole tenant's): the
// office completes the set-up, builds a parent customer with two child "site" customers,
// each with its site, and adds a member to the parent and one to a child. The parent's
// member sees every site of the parent and its children; the child's member sees its one
// site. Then the office switches a section off in the set-up, and it disappears from the
// member's portal. English at desktop width; every page checked by axe.

import { expect, test, type Page } from '@playwright/test';
import { accessibilityViolations, api, firstAdminSignIn, memberFirstSignIn, newTenant, pageToken, shot, stack, temporaryPassword } from './stack';

/** The names in the first column of the member portal's table of sites, sorted. */
async function siteNames(member: Page): Promise<string[]> {
  await expect(member.getByRole('heading', { name: 'Sites', level: 1 })).toBeVisible();
  return (await member.locator('main tbody tr td:first-child').allTextContents()).sort();
}

test('003: a parent\'s member sees the child customers\' sites, a site\'s member sees one, and a section switched off disappears', async ({ page }) => {
  const violations: string[] = [];
  const check = async (p: Page, name: string) => {
    await shot(p, name);
    violations.push(...(await accessibilityViolations(p)).map((v) => `${name}: ${v}`));
  };
  const status = page.getByRole('status');
  const tenant = await newTenant('Winslow', 'Hal', 'Highfive');
  await firstAdminSignIn(page, tenant.email, tenant.temporary, 'Hal-Highfive-2026!');
  const menu = page.getByRole('navigation', { name: 'Console' });

  // The set-up, complete (members can be invited only then).
  await menu.getByRole('link', { name: 'Set-up' }).click();
  await expect(page.getByRole('heading', { name: 'Portal set-up', level: 1 })).toBeFocused();
  await page.getByLabel('Portal address').fill('https://portal.winslow.test');
  await page.getByRole('switch', { name: 'The set-up is complete: members may be invited' }).check();
  await page.getByRole('button', { name: 'Save the set-up' }).click();
  await expect(page.locator('#setup-state')).toHaveText('The set-up is complete: members can be invited.');

  // A parent and two child customers ("site customer records"), each with a site.
  await menu.getByRole('link', { name: 'Customers' }).click();
  await expect(page.getByRole('heading', { name: 'Customers', level: 1 })).toBeFocused();
  const addCustomer = async (name: string, parent?: string) => {
    await page.getByLabel('Name', { exact: true }).fill(name);
    if (parent) await page.getByLabel('Parent customer').selectOption({ label: parent });
    await page.getByRole('button', { name: 'Add customer' }).click();
    await expect(status).toHaveText(`${name} is added.`);
  };
  await addCustomer('Winslow Estates');
  await addCustomer('Parkway Cinemas', 'Winslow Estates');
  await addCustomer('Winslow Mall', 'Winslow Estates');
  const tree = page.locator('#customer-tree');
  await expect(tree.locator('li', { hasText: 'Winslow Estates' }).locator('ul li')).toHaveText(['Parkway Cinemas', 'Winslow Mall']);
  await check(page, 's-003-1-tree');
  const addSite = async (customer: string, site: string, address: string) => {
    await menu.getByRole('link', { name: 'Customers' }).click();
    await tree.getByRole('link', { name: customer, exact: true }).click();
    await expect(page.getByRole('heading', { name: customer, level: 1 })).toBeFocused();
    const sites = page.getByRole('region', { name: 'Sites' });
    await sites.getByLabel('Name', { exact: true }).fill(site);
    await sites.getByLabel('Address').fill(address);
    await sites.getByRole('button', { name: 'Add site' }).click();
    await expect(status).toHaveText(`${site} is added.`);
  };
  await addSite('Winslow Estates', 'Estates office', '1 Estate Road, Winslow');
  await addSite('Parkway Cinemas', 'Parkway Cinemas', '20 Parkway, Winslow');
  await addSite('Winslow Mall', 'Winslow Mall', '3 Mall Street, Winslow');

  // A member on the parent, one on a child: what each can see, as the console says.
  const addMember = async (customer: string, first: string, last: string, email: string) => {
    await menu.getByRole('link', { name: 'Members' }).click();
    await page.getByLabel('Customer', { exact: true }).selectOption({ label: customer });
    await page.getByRole('button', { name: 'Show members' }).click();
    await expect(page.getByRole('heading', { name: `Members of ${customer}` })).toBeVisible();
    await page.getByLabel('First name', { exact: true }).fill(first);
    await page.getByLabel('Last name', { exact: true }).fill(last);
    await page.getByLabel('Email address', { exact: true }).fill(email);
    await page.getByLabel('See jobs', { exact: true }).check();
    await page.getByRole('button', { name: 'Add member' }).click();
    await expect(page.getByRole('heading', { name: `${first} ${last}`, level: 1 })).toBeFocused();
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await expect(status).toHaveText(`Invitation sent to ${email}.`);
  };
  const stamp = Date.now();
  const parentEmail = `petra.${stamp}@winslow.test`;
  const siteEmail = `sid.${stamp}@parkway.test`;
  await addMember('Winslow Estates', 'Petra', 'Parent', parentEmail);
  const seen = page.locator('#member-access');
  for (const site of ['Estates office', 'Parkway Cinemas', 'Winslow Mall']) await expect(seen.getByRole('listitem').filter({ hasText: site })).toHaveCount(1);
  await check(page, 's-003-2-parent-member');
  await addMember('Parkway Cinemas', 'Sid', 'Site', siteEmail);
  await expect(seen.getByRole('listitem')).toHaveText(['Parkway Cinemas']);

  // In the portal: the parent's member has the three sites, the site's member one.
  const petra = await page.context().newPage();
  await memberFirstSignIn(petra, parentEmail, await temporaryPassword(parentEmail), 'Petra-Parent-2026!');
  const petraTabs = petra.getByRole('navigation', { name: 'Portal sections' });
  await expect(petraTabs.getByRole('link')).toHaveText(['Jobs', 'Sites']);
  await petraTabs.getByRole('link', { name: 'Sites' }).click();
  expect(await siteNames(petra)).toEqual(['Estates office', 'Parkway Cinemas', 'Winslow Mall']);
  await check(petra, 's-003-3-parent-sites');
  const sid = await page.context().newPage();
  await memberFirstSignIn(sid, siteEmail, await temporaryPassword(siteEmail), 'Sid-Site-2026!');
  await sid.getByRole('navigation', { name: 'Portal sections' }).getByRole('link', { name: 'Sites' }).click();
  expect(await siteNames(sid)).toEqual(['Parkway Cinemas']);
  await check(sid, 's-003-4-site-sites');

  // A section switched off in the set-up ("hiding tabs"): gone from the member's portal.
  await page.bringToFront();
  await menu.getByRole('link', { name: 'Set-up' }).click();
  await page.getByRole('switch', { name: 'Jobs' }).uncheck();
  await page.getByRole('button', { name: 'Save the set-up' }).click();
  await expect(page.locator('#setup-notice')).toHaveText('The set-up is saved.');
  await petra.bringToFront();
  await petra.reload();
  await expect(petraTabs.getByRole('link')).toHaveText(['Sites']);
  await check(petra, 's-003-5-tab-off');
  const me = await api(await pageToken(petra), 'GET', '/portal/me');
  expect(me.features).not.toContain('jobs');
  const jobs = await fetch(`${stack.api_url}/portal/jobs`, { headers: { authorization: `Bearer ${await pageToken(petra)}` } });
  expect(jobs.status).toBe(403);
  expect(violations).toEqual([]);
});
