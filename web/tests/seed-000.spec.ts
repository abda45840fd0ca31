// Help-centre page 000 (Service Geeni's "Customer Web Portal - Users Settings", in
// /work/shared/seeds/), walked step by step as an office would in the console: on a
// customer, a division under a parent group (and its sites, one in the division); then
// a portal access group whose scope is that division, with two KPI reports; then a web
// portal user (the members screen) in that group, who sees only what the group opens.
// The account email arrives; the user signs in at / and sees only the division's sites
// and those two reports. (The page's last part, messages to groups, is another journey's.)

import { expect, test } from '@playwright/test';
import { adminToken, api, chooseNewPassword, signInNewAdmin, submitSignIn, temporaryPassword, tokenOf } from './stack';
import { checker } from './checks';

test('seed 000: a division, a portal access group on it with two reports, and a user in the group who sees just that', async ({ page }) => {
  // The whole page of the help centre in one journey: three screens, then the portal.
  test.setTimeout(180_000);
  const violations: string[] = [];
  const check = checker(page, violations);
  const stamp = Date.now();
  const customerName = `Geeni Grill ${stamp}`;
  const inside = `Kitchen North ${stamp}`;
  const outside = `Kitchen South ${stamp}`;
  const groupName = `Grill north managers ${stamp}`;
  const email = `web.portal.user.${stamp}@geeni.test`;
  const status = page.getByRole('status');
  const menu = page.getByRole('navigation', { name: 'Console' });

  await signInNewAdmin(page, 'Jo', 'Bigg');

  // "Create Parent Group / Divisions": the customer's record, a division under a parent
  // group, and its sites (one filed in the division, one not).
  await menu.getByRole('link', { name: 'Customers' }).click();
  await expect(page.getByRole('heading', { name: 'Customers', level: 1 })).toBeFocused();
  await page.getByLabel('Name', { exact: true }).fill(customerName);
  await page.getByRole('button', { name: 'Add customer' }).click();
  await expect(status).toHaveText(`${customerName} is added.`);
  await page.locator('#customer-tree').getByRole('link', { name: customerName, exact: true }).click();
  await expect(page.getByRole('heading', { name: customerName, level: 1 })).toBeFocused();
  const customerId = /\/office\/customers\/([^/?]+)$/.exec(page.url())?.[1] ?? '';
  const divisions = page.getByRole('region', { name: 'Divisions' });
  await divisions.getByLabel('Name', { exact: true }).fill('North');
  await divisions.getByLabel('Parent group').fill('Grill Restaurants');
  await divisions.getByRole('button', { name: 'Add division' }).click();
  await expect(status).toHaveText('North is added.');
  await expect(divisions.getByRole('heading', { name: 'Grill Restaurants', level: 3 })).toBeVisible();
  const sites = page.getByRole('region', { name: 'Sites' });
  for (const [site, division] of [[inside, 'Grill Restaurants › North'], [outside, null]] as const) {
    await sites.getByLabel('Name', { exact: true }).fill(site);
    await sites.getByLabel('Address').fill('1 Grill Street\nLeeds');
    if (division) await sites.getByLabel('Division').selectOption({ label: division });
    await sites.getByRole('button', { name: 'Add site' }).click();
    await expect(status).toHaveText(`${site} is added.`);
  }
  const [division] = (await api(adminToken(), 'GET', `/admin/customers/${customerId}/divisions`)).items as { id: string; parent_group: string }[];
  expect(division.parent_group).toBe('Grill Restaurants');
  await check('g-000-1-division');

  // "Create Web Portal User Group" with its "KPI/Report Access": the division as its
  // scope, seeing jobs and running reports, two of the reports.
  await menu.getByRole('link', { name: 'Access groups' }).click();
  await expect(page.getByRole('heading', { name: 'Access groups', level: 1 })).toBeFocused();
  await page.getByLabel('Name', { exact: true }).fill(groupName);
  await page.getByRole('button', { name: `Divisions and sites of ${customerName}` }).click();
  await page.getByLabel('Division: North', { exact: true }).check();
  for (const box of ['See jobs', 'Run reports', 'Completed service visits', 'First-time fix']) await page.getByLabel(box, { exact: true }).check();
  await check('g-000-2-group-form');
  await page.getByRole('button', { name: 'Add group' }).click();
  await expect(page.getByRole('heading', { name: groupName, level: 1 })).toBeFocused();
  const groupId = /\/office\/groups\/([^/?]+)$/.exec(page.url())?.[1] ?? '';
  const group = await api(adminToken(), 'GET', `/admin/access-groups/${groupId}`);
  expect(group.scope.grants).toEqual([{ customer_id: customerId, division_ids: [division.id] }]);
  expect([...group.reports].sort()).toEqual(['completed_service_visits', 'first_time_fix']);
  await check('g-000-3-group');

  // "Create a Web Portal User", assigned the group: they see what it opens, nothing more.
  await menu.getByRole('link', { name: 'Members' }).click();
  await expect(page.getByRole('heading', { name: 'Members', level: 1 })).toBeFocused();
  await page.getByLabel('Customer', { exact: true }).selectOption(customerId);
  await page.getByRole('button', { name: 'Show members' }).click();
  await expect(page.getByRole('heading', { name: `Members of ${customerName}` })).toBeVisible();
  await page.getByLabel('First name', { exact: true }).fill('Nan');
  await page.getByLabel('Last name', { exact: true }).fill(`Grill${stamp}`);
  await page.getByLabel('Email address', { exact: true }).fill(email);
  await page.getByLabel(groupName, { exact: true }).check();
  await page.getByLabel('Only the sites their access groups open', { exact: true }).check();
  await check('g-000-4-user-form');
  await page.getByRole('button', { name: 'Add member' }).click();
  await expect(page.getByRole('heading', { name: `Nan Grill${stamp}`, level: 1 })).toBeFocused();
  const memberId = /\/office\/members\/([^/?]+)$/.exec(page.url())?.[1] ?? '';
  const member = await api(adminToken(), 'GET', `/admin/members/${memberId}`);
  expect(member).toMatchObject({ group_ids: [groupId], scope: { grants: [] }, admin: false, permissions: [] });
  // What their portal opens, as the API computes it: the division's site only.
  const seen = page.locator('#member-access');
  await expect(seen).toContainText(inside);
  await expect(seen).not.toContainText(outside);
  // The group lists them.
  await page.goto(`/office/groups/${groupId}`);
  await expect(page.locator('#group-members').getByRole('link', { name: `Nan Grill${stamp}` })).toBeVisible();
  await page.goBack();
  await expect(page.getByRole('heading', { name: `Nan Grill${stamp}`, level: 1 })).toBeFocused();

  // The account email: the invitation, with a temporary password.
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(status).toHaveText(`Invitation sent to ${email}.`);
  const temporary = await temporaryPassword(email);
  await check('g-000-5-user-invited');

  // The user signs in at / and sees only the division's sites and the two reports.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByText('You are signed out.')).toBeVisible();
  await submitSignIn(page, email, temporary);
  await expect(page.getByRole('heading', { name: 'Choose your password' })).toBeVisible();
  const password = `Nan-Grill-${stamp}!`;
  await chooseNewPassword(page, password);
  const sections = page.getByRole('navigation', { name: 'Portal sections' });
  await expect(sections.getByRole('link')).toHaveText(['Home', 'Jobs', 'Reports', 'Sites']);
  await sections.getByRole('link', { name: 'Sites' }).click();
  await expect(page.getByRole('heading', { name: 'Sites', level: 1 })).toBeVisible();
  await expect(page.getByRole('main')).toContainText(inside);
  await expect(page.getByRole('main')).not.toContainText(outside);
  await check('g-000-6-portal-sites');
  await sections.getByRole('link', { name: 'Reports' }).click();
  await expect(page.getByRole('heading', { name: 'Reports', level: 1 })).toBeVisible();
  const reports = page.getByRole('main').locator('.cards a');
  await expect(reports).toHaveCount(2);
  expect(await reports.evaluateAll((links) => links.map((a) => a.getAttribute('href')).sort())).toEqual([
    '/reports/completed_service_visits',
    '/reports/first_time_fix',
  ]);
  await check('g-000-7-portal-reports');
  // The API agrees: their token sees the one site and the two reports.
  const token = await tokenOf({ username: email, password });
  const portalSites = (await api(token, 'GET', '/portal/sites')).items as { name: string }[];
  expect(portalSites.map((s) => s.name)).toEqual([inside]);
  const me = await api(token, 'GET', '/portal/me');
  expect([...me.reports].sort()).toEqual(['completed_service_visits', 'first_time_fix']);
  expect(violations).toEqual([]);
});
