// Seed 003 ("CustomerPortal for SME": parent and site customers), through the console as
// it is, in a tenant of its own (a section switched off is the whole tenant's): the
// office completes the set-up, builds a parent customer with two child "site" customers,
// each with its site, and adds a member to the parent and one to a child. The parent's
// member sees every site of the parent and its children; the child's member sees its one
// site. Then the office switches a section off in the set-up, and it disappears from the
// member's portal. In English at desktop width, and in Dutch at 390 px (the portal's
// default language Dutch too; also checked for sideways scrolling); every page by axe.

import { expect, test, type Page } from '@playwright/test';
import { api, firstAdminSignIn, memberFirstSignIn, newTenant, pageToken, stack, temporaryPassword } from './stack';
import { checker } from './checks';

/** What the journey reads and clicks, in the console's and the portal's words. */
const EN = {
  dutch: false, suffix: '', tenant: 'Winslow', setupMenu: 'Set-up', setupTitle: 'Portal set-up', url: 'Portal address',
  complete: 'The set-up is complete: members may be invited', save: 'Save the set-up', ready: 'The set-up is complete: members can be invited.',
  saved: 'The set-up is saved.', customers: 'Customers', name: 'Name', parent: 'Parent customer', addCustomer: 'Add customer',
  added: (n: string) => `${n} is added.`, sites: 'Sites', address: 'Address', addSite: 'Add site', members: 'Members', customer: 'Customer',
  show: 'Show members', membersOf: (n: string) => `Members of ${n}`, first: 'First name', last: 'Last name', email: 'Email address',
  seeJobs: 'See jobs', addMember: 'Add member', send: 'Send invitation', sent: (e: string) => `Invitation sent to ${e}.`,
  portal: 'Portal sections', home: 'Home', jobs: 'Jobs', sitesTab: 'Sites',
};
const NL: typeof EN = {
  dutch: true, suffix: '-nl-phone', tenant: 'Winsloot', setupMenu: 'Inrichting', setupTitle: 'Inrichting van het portaal', url: 'Adres van het portaal',
  complete: 'De inrichting is voltooid: leden mogen worden uitgenodigd', save: 'Inrichting opslaan', ready: 'De inrichting is voltooid: leden kunnen worden uitgenodigd.',
  saved: 'De inrichting is opgeslagen.', customers: 'Klanten', name: 'Naam', parent: 'Bovenliggende klant', addCustomer: 'Klant toevoegen',
  added: (n) => `${n} is toegevoegd.`, sites: 'Locaties', address: 'Adres', addSite: 'Locatie toevoegen', members: 'Leden', customer: 'Klant',
  show: 'Leden tonen', membersOf: (n) => `Leden van ${n}`, first: 'Voornaam', last: 'Achternaam', email: 'E-mailadres',
  seeJobs: 'Werkorders inzien', addMember: 'Lid toevoegen', send: 'Uitnodiging versturen', sent: (e) => `Uitnodiging verstuurd naar ${e}.`,
  portal: 'Onderdelen van het portaal', home: 'Start', jobs: 'Werkorders', sitesTab: 'Locaties',
};

const journey = (w: typeof EN) => async ({ page }: { page: Page }) => {
  // A whole help-centre page, office and member: longer than one screen's journey.
  test.slow();
  const violations: string[] = [];
  const check = (p: Page, name: string) => checker(p, violations, w.dutch)(`${name}${w.suffix}`);
  /** The names in the first column of the member portal's table of sites, sorted. */
  const siteNames = async (member: Page): Promise<string[]> => {
    await expect(member.getByRole('heading', { name: w.sitesTab, level: 1 })).toBeVisible();
    return (await member.locator('main tbody tr td:first-child').allTextContents()).sort();
  };
  const status = page.getByRole('status');
  const tenant = await newTenant(w.tenant, 'Hal', 'Highfive');
  await firstAdminSignIn(page, tenant.email, tenant.temporary, 'Hal-Highfive-2026!', w.dutch);
  const menu = page.getByRole('navigation', { name: 'Console' });

  // The set-up, complete (members can be invited only then).
  await menu.getByRole('link', { name: w.setupMenu }).click();
  await expect(page.getByRole('heading', { name: w.setupTitle, level: 1 })).toBeFocused();
  await page.getByLabel(w.url).fill('https://portal.winslow.test');
  if (w.dutch) await page.getByLabel('Standaardtaal').selectOption('nl');
  await page.getByRole('switch', { name: w.complete }).check();
  await page.getByRole('button', { name: w.save }).click();
  await expect(page.locator('#setup-state')).toHaveText(w.ready);

  // A parent and two child customers ("site customer records"), each with a site.
  await menu.getByRole('link', { name: w.customers }).click();
  await expect(page.getByRole('heading', { name: w.customers, level: 1 })).toBeFocused();
  const addCustomer = async (name: string, parent?: string) => {
    await page.getByLabel(w.name, { exact: true }).fill(name);
    if (parent) await page.getByLabel(w.parent).selectOption({ label: parent });
    await page.getByRole('button', { name: w.addCustomer }).click();
    await expect(status).toHaveText(w.added(name));
  };
  await addCustomer('Winslow Estates');
  await addCustomer('Parkway Cinemas', 'Winslow Estates');
  await addCustomer('Winslow Mall', 'Winslow Estates');
  const tree = page.locator('#customer-tree');
  await expect(tree.locator('li', { hasText: 'Winslow Estates' }).locator('ul li')).toHaveText(['Parkway Cinemas', 'Winslow Mall']);
  await check(page, 's-003-1-tree');
  const addSite = async (customer: string, site: string, address: string) => {
    await menu.getByRole('link', { name: w.customers }).click();
    await tree.getByRole('link', { name: customer, exact: true }).click();
    await expect(page.getByRole('heading', { name: customer, level: 1 })).toBeFocused();
    const sites = page.getByRole('region', { name: w.sites });
    await sites.getByLabel(w.name, { exact: true }).fill(site);
    await sites.getByLabel(w.address).fill(address);
    await sites.getByRole('button', { name: w.addSite }).click();
    await expect(status).toHaveText(w.added(site));
  };
  await addSite('Winslow Estates', 'Estates office', '1 Estate Road, Winslow');
  await addSite('Parkway Cinemas', 'Parkway Cinemas', '20 Parkway, Winslow');
  await addSite('Winslow Mall', 'Winslow Mall', '3 Mall Street, Winslow');

  // A member on the parent, one on a child: what each can see, as the console says.
  const addMember = async (customer: string, first: string, last: string, email: string) => {
    await menu.getByRole('link', { name: w.members }).click();
    await page.getByLabel(w.customer, { exact: true }).selectOption({ label: customer });
    await page.getByRole('button', { name: w.show }).click();
    await expect(page.getByRole('heading', { name: w.membersOf(customer) })).toBeVisible();
    await page.getByLabel(w.first, { exact: true }).fill(first);
    await page.getByLabel(w.last, { exact: true }).fill(last);
    await page.getByLabel(w.email, { exact: true }).fill(email);
    await page.getByLabel(w.seeJobs, { exact: true }).check();
    await page.getByRole('button', { name: w.addMember }).click();
    await expect(page.getByRole('heading', { name: `${first} ${last}`, level: 1 })).toBeFocused();
    await page.getByRole('button', { name: w.send }).click();
    await expect(status).toHaveText(w.sent(email));
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
  const petraTabs = petra.getByRole('navigation', { name: w.portal });
  await expect(petraTabs.getByRole('link')).toHaveText([w.home, w.jobs, w.sitesTab]);
  await petraTabs.getByRole('link', { name: w.sitesTab }).click();
  expect(await siteNames(petra)).toEqual(['Estates office', 'Parkway Cinemas', 'Winslow Mall']);
  await check(petra, 's-003-3-parent-sites');
  const sid = await page.context().newPage();
  await memberFirstSignIn(sid, siteEmail, await temporaryPassword(siteEmail), 'Sid-Site-2026!');
  await sid.getByRole('navigation', { name: w.portal }).getByRole('link', { name: w.sitesTab }).click();
  expect(await siteNames(sid)).toEqual(['Parkway Cinemas']);
  await check(sid, 's-003-4-site-sites');

  // A section switched off in the set-up ("hiding tabs"): gone from the member's portal.
  // (The set-up names sections in the portal's default language, as members see them.)
  await page.bringToFront();
  await menu.getByRole('link', { name: w.setupMenu }).click();
  await page.getByRole('switch', { name: w.jobs }).uncheck();
  await page.getByRole('button', { name: w.save }).click();
  await expect(page.locator('#setup-notice')).toHaveText(w.saved);
  await petra.bringToFront();
  await petra.reload();
  await expect(petraTabs.getByRole('link')).toHaveText([w.home, w.sitesTab]);
  await check(petra, 's-003-5-tab-off');
  const token = await pageToken(petra);
  expect((await api(token, 'GET', '/portal/me')).features).not.toContain('jobs');
  const jobs = await fetch(`${stack.api_url}/portal/jobs`, { headers: { authorization: `Bearer ${token}` } });
  expect(jobs.status).toBe(403);
  expect(violations).toEqual([]);
};

test("003: a parent's member sees the child customers' sites, a site's member sees one, and a section switched off disappears", journey(EN));

test.describe('in Dutch at phone width', () => {
  test.use({ locale: 'nl-NL', viewport: { width: 390, height: 844 } });
  test('003: het lid van de hoofdklant ziet de locaties van de onderliggende klanten, het lid van een locatie één, en een uitgeschakeld onderdeel verdwijnt', journey(NL));
});
