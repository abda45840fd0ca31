// The console's customers screen (issue 26): an admin builds a parent and a child
// customer, then on the child a division under a parent group, a site in it and a
// contact with a notification role, sees them in the tree, and turns the contact into a
// portal member; the API's refusals and a change made meanwhile are shown in its words.
// Then the same screens in Dutch at phone width. Each page is checked by axe. The tree's
// pure logic is tested without a browser.

import { expect, test } from '@playwright/test';
import { ancestors, byParentGroup, customerTree } from '../src/office/customer-tree';
import { adminToken, api, signInNewAdmin, temporaryPassword } from './stack';
import { checker, notice } from './checks';

test('customers form a tree by parent, by name at each level, and an orphan is a root', () => {
  const tree = customerTree([
    { id: 'c', name: 'Zeta child', parent_id: 'a' },
    { id: 'a', name: 'Alpha' },
    { id: 'b', name: 'Beta child', parent_id: 'a' },
    { id: 'd', name: 'Grandchild', parent_id: 'b' },
    { id: 'e', name: 'Orphan', parent_id: 'gone' },
  ]);
  const names = (bs: typeof tree): unknown[] => bs.map((b) => [b.customer.name, names(b.children)]);
  expect(names(tree)).toEqual([
    ['Alpha', [['Beta child', [['Grandchild', []]]], ['Zeta child', []]]],
    ['Orphan', []],
  ]);
  const all = [
    { id: 'a', name: 'A' },
    { id: 'b', name: 'B', parent_id: 'a' },
    { id: 'd', name: 'D', parent_id: 'b' },
  ];
  expect(ancestors(all, 'd').map((c) => c.id)).toEqual(['a', 'b']);
  expect(ancestors(all, 'a')).toEqual([]);
  // A loop in the data ends the walk instead of hanging the page.
  expect(ancestors([{ id: 'x', name: 'X', parent_id: 'y' }, { id: 'y', name: 'Y', parent_id: 'x' }], 'x').map((c) => c.id)).toEqual(['y']);
});

test('divisions are grouped by parent group, by name, those without a group last', () => {
  const grouped = byParentGroup([
    { name: 'South', parent_group: 'Retail' },
    { name: 'Loose' },
    { name: 'East', parent_group: 'Care' },
    { name: 'North', parent_group: 'Retail' },
  ]);
  expect(grouped.map(([g, ds]) => [g, ds.map((d) => d.name)])).toEqual([
    ['Care', ['East']],
    ['Retail', ['North', 'South']],
    ['', ['Loose']],
  ]);
});

interface Listed {
  id: string;
  name: string;
  parent_id?: string | null;
}

async function customerNamed(name: string): Promise<Listed> {
  const all = (await api(adminToken(), 'GET', '/admin/customers?limit=200')).items as Listed[];
  const found = all.find((c) => c.name === name);
  expect(found, `the API lists ${name}`).toBeTruthy();
  return found as Listed;
}

test('an admin builds a parent and a child customer, a division, a site and a contact, and makes the contact a member', async ({ page }) => {
  const violations: string[] = [];
  const check = checker(page, violations);
  const stamp = Date.now();
  const parentName = `Tulip Holdings ${stamp}`;
  const childName = `Tulip Stores ${stamp}`;
  const status = notice(page);

  await signInNewAdmin(page, 'Cora', 'Customers');
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Customers' }).click();
  await expect(page).toHaveURL(/\/office\/customers$/);
  await expect(page.getByRole('heading', { name: 'Customers', level: 1 })).toBeFocused();
  // The seeded tree: a child under its parent.
  const tree = page.locator('#customer-tree');
  await expect(tree.locator('li', { hasText: 'Harbor Retail Group' }).locator('ul').getByRole('link', { name: 'Harbor Outlet Stores' })).toBeVisible();

  // A parent that may request repairs, then a child under it (which takes its types).
  await page.getByLabel('Name', { exact: true }).fill(parentName);
  await page.getByLabel('Account code').fill(`TUL-${stamp % 10000}`);
  await page.getByLabel('Repair').check();
  await page.getByRole('button', { name: 'Add customer' }).click();
  await expect(status).toHaveText(`${parentName} is added.`);
  await expect(status).toBeFocused();
  const parent = await customerNamed(parentName);
  await page.getByLabel('Name', { exact: true }).fill(childName);
  await page.getByLabel('Parent customer').selectOption({ label: parentName });
  await page.getByRole('button', { name: 'Add customer' }).click();
  await expect(status).toHaveText(`${childName} is added.`);
  const child = await customerNamed(childName);
  expect(child.parent_id).toBe(parent.id);
  await expect(tree.locator('li', { hasText: parentName }).locator('ul').getByRole('link', { name: childName })).toBeVisible();
  await check('96-console-customers-tree');

  // The parent may not go while it has a child: the API's refusal, and it stays.
  await tree.getByRole('link', { name: parentName, exact: true }).click();
  await expect(page.getByRole('heading', { name: parentName, level: 1 })).toBeFocused();
  await expect(page.locator('#children').getByRole('link', { name: childName })).toBeVisible();
  await page.getByRole('button', { name: `Remove ${parentName}` }).click();
  await expect(page.getByRole('button', { name: 'Yes, remove' })).toBeFocused();
  await page.getByRole('button', { name: 'Yes, remove' }).click();
  await expect(page.getByRole('alert')).toContainText('the customer still has child customers, sites or members');
  await expect(page.locator('#customers-problem')).toBeFocused();

  // The child: its place in the tree, its types taken from the parent.
  await page.locator('#children').getByRole('link', { name: childName }).click();
  await expect(page.getByRole('heading', { name: childName, level: 1 })).toBeFocused();
  await expect(page.getByRole('navigation', { name: 'Where it sits' }).getByRole('link', { name: parentName })).toBeVisible();
  await expect(page.locator('#details-title + dl')).toContainText('Its parent’s');

  // A division under a parent group.
  const divisions = page.getByRole('region', { name: 'Divisions' });
  await divisions.getByLabel('Name', { exact: true }).fill('North');
  await divisions.getByLabel('Parent group').fill('Retail');
  await divisions.getByRole('button', { name: 'Add division' }).click();
  await expect(status).toHaveText('North is added.');
  await expect(divisions.getByRole('heading', { name: 'Retail', level: 3 })).toBeVisible();
  await expect(divisions.locator('[data-division]').getByRole('heading', { name: 'North' })).toBeVisible();

  // A site in that division.
  const sites = page.getByRole('region', { name: 'Sites' });
  await sites.getByLabel('Name', { exact: true }).fill('Tulip Centre');
  await sites.getByLabel('Address').fill('1 Tulpstraat\nAmsterdam');
  await sites.getByLabel('Division').selectOption({ label: 'Retail › North' });
  await sites.getByRole('button', { name: 'Add site' }).click();
  await expect(status).toHaveText('Tulip Centre is added.');
  const siteCard = sites.locator('[data-site]').first();
  await expect(siteCard).toContainText('North');
  const [site] = (await api(adminToken(), 'GET', `/admin/customers/${child.id}/sites`)).items as { id: string; division_id: string; address: string }[];
  expect(site.address).toBe('1 Tulpstraat\nAmsterdam');
  expect(site.division_id).toBeTruthy();
  expect(await siteCard.locator('dd').first().innerText()).toBe('1 Tulpstraat\nAmsterdam');
  // Edit: a new name, sent with the version read; the card and the API agree.
  await siteCard.getByRole('button', { name: 'Edit Tulip Centre' }).click();
  await expect(page.locator(`#site-${site.id}-name`)).toBeFocused();
  await page.locator(`#site-${site.id}-name`).fill('Tulip Centre West');
  await sites.getByRole('button', { name: 'Save' }).click();
  await expect(status).toHaveText('Tulip Centre West is saved.');
  expect((await api(adminToken(), 'GET', `/admin/sites/${site.id}`)).name).toBe('Tulip Centre West');

  // A contact with a role; a phone number the API refuses is named next to its field.
  const contacts = page.getByRole('region', { name: 'Contacts' });
  const email = `bea.${stamp}@tulip.test`;
  await contacts.getByLabel('First name').fill('Bea');
  await contacts.getByLabel('Last name').fill('Billing');
  await contacts.getByLabel('Email address').fill(email);
  await contacts.getByLabel('Phone number').fill('12');
  await contacts.getByLabel('Notification role').fill('billing');
  await contacts.getByRole('button', { name: 'Add contact' }).click();
  await expect(contacts.getByLabel('Phone number')).toBeFocused();
  await expect(contacts.getByLabel('Phone number')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#new-contact-phone-error')).toBeVisible();
  await contacts.getByLabel('Phone number').fill('+31 6 1234 5678');
  await contacts.getByRole('button', { name: 'Add contact' }).click();
  await expect(status).toHaveText('Bea Billing is added.');
  // The only contact (its card becomes its edit form and back: no text to find it by).
  const bea = contacts.locator('[data-contact]').first();
  await expect(bea).toContainText('Billing');
  // Edit: another role, out of those offered (any code is taken too).
  await bea.getByRole('button', { name: 'Edit Bea Billing' }).click();
  await expect(bea.getByLabel('First name')).toBeFocused();
  await bea.getByLabel('Notification role').fill('all');
  await bea.getByRole('button', { name: 'Save' }).click();
  await expect(status).toHaveText('Bea Billing is saved.');
  await expect(bea).toContainText('All notifications');
  await check('97-console-customer');

  // Someone else renames the division meanwhile: saving says so, and shows it as it is now.
  const [division] = (await api(adminToken(), 'GET', `/admin/customers/${child.id}/divisions`)).items as { id: string }[];
  await divisions.getByRole('button', { name: 'Edit North' }).click();
  await expect(page.locator(`#division-${division.id}-name`)).toBeFocused();
  await api(adminToken(), 'PATCH', `/admin/divisions/${division.id}`, { name: 'North & East' });
  await page.locator(`#division-${division.id}-name`).fill('Noord');
  await divisions.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert')).toContainText('Someone else changed this meanwhile');
  await expect(page.locator(`#division-${division.id}-name`)).toHaveValue('North & East');
  await divisions.getByRole('button', { name: 'Save' }).click();
  await expect(status).toHaveText('North & East is saved.');

  // The division may not go while the site is in it.
  await divisions.getByRole('button', { name: 'Remove North & East' }).click();
  await divisions.getByRole('button', { name: 'Yes, remove' }).click();
  await expect(page.getByRole('alert')).toContainText('sites are still filed under this division');

  // "Create user": the contact becomes a member, who is mailed an invitation.
  await bea.getByRole('button', { name: 'Create user Bea Billing' }).click();
  await expect(bea.getByLabel('Language of the invitation')).toBeFocused();
  await bea.getByLabel('Personal message in the invitation').fill('Welcome to the portal.');
  await bea.getByRole('button', { name: 'Create user and invite' }).click();
  await expect(status).toHaveText('Bea Billing is now a portal member and is invited.');
  await expect(bea).toContainText('Yes: a member was made of this contact');
  await expect(bea.getByRole('button', { name: /^Create user/ })).toHaveCount(0);
  expect(await temporaryPassword(email)).not.toBe('');
  await check('98-console-customer-member');

  // The site goes after asking; then the division may.
  await siteCard.getByRole('button', { name: 'Remove Tulip Centre West' }).click();
  await siteCard.getByRole('button', { name: 'Yes, remove' }).click();
  await expect(status).toHaveText('Tulip Centre West is removed.');
  await expect(sites.locator('[data-site]')).toHaveCount(0);
  await divisions.getByRole('button', { name: 'Remove North & East' }).click();
  await divisions.getByRole('button', { name: 'Yes, remove' }).click();
  await expect(status).toHaveText('North & East is removed.');
  expect(violations).toEqual([]);
});

test.describe('in Dutch at phone width', () => {
  test.use({ locale: 'nl-NL', viewport: { width: 390, height: 844 } });

  test('an admin adds a customer with a division, a site and a contact, edits it, and removes them all', async ({ page }) => {
    const violations: string[] = [];
    const check = checker(page, violations, true);
    const name = `Molen Beheer ${Date.now()}`;
    const status = notice(page);

    await signInNewAdmin(page, 'Kees', 'Klanten', true);
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Klanten' }).click();
    await expect(page.getByRole('heading', { name: 'Klanten', level: 1 })).toBeFocused();
    await page.getByLabel('Naam', { exact: true }).fill(name);
    await page.getByLabel('Planned service').check();
    await page.getByRole('button', { name: 'Klant toevoegen' }).click();
    await expect(status).toHaveText(`${name} is toegevoegd.`);
    await check('99-console-customers-nl-phone');

    await page.locator('#customer-tree').getByRole('link', { name }).click();
    await expect(page.getByRole('heading', { name, level: 1 })).toBeFocused();
    const divisions = page.getByRole('region', { name: 'Divisies' });
    await divisions.getByLabel('Naam', { exact: true }).fill('Zuid');
    await divisions.getByLabel('Hoofdgroep').fill('Zorg');
    await divisions.getByRole('button', { name: 'Divisie toevoegen' }).click();
    await expect(status).toHaveText('Zuid is toegevoegd.');
    const sites = page.getByRole('region', { name: 'Locaties' });
    await sites.getByLabel('Naam', { exact: true }).fill('Molen Oost');
    await sites.getByLabel('Adres').fill('Molenweg 3, Utrecht');
    await sites.getByLabel('Divisie').selectOption({ label: 'Zorg › Zuid' });
    await sites.getByRole('button', { name: 'Locatie toevoegen' }).click();
    await expect(status).toHaveText('Molen Oost is toegevoegd.');
    const contacts = page.getByRole('region', { name: 'Contactpersonen' });
    await contacts.getByLabel('Voornaam').fill('Sanne');
    await contacts.getByLabel('Achternaam').fill('Storing');
    await contacts.getByLabel('E-mailadres').fill(`sanne.${Date.now()}@molen.test`);
    await contacts.getByLabel('Meldingsrol').fill('site_manager');
    await contacts.getByRole('button', { name: 'Contactpersoon toevoegen' }).click();
    await expect(status).toHaveText('Sanne Storing is toegevoegd.');
    await expect(contacts.locator('[data-contact]')).toContainText('Locatiebeheerder');

    // Edit: the customer's new name and code, sent with the version read.
    await page.getByRole('button', { name: `Wijzigen ${name}` }).click();
    await expect(page.locator('#customer-name')).toBeFocused();
    await page.locator('#customer-account_code').fill('MOL-1');
    await page.getByRole('button', { name: 'Opslaan' }).click();
    await expect(status).toHaveText(`${name} is opgeslagen.`);
    await expect(page.locator('#details-title + dl')).toContainText('MOL-1');
    await check('99-console-customer-nl-phone');

    // Emptied — contact, site, division — the customer may go: back to the tree, without it.
    for (const [region, item] of [['Contactpersonen', 'Sanne Storing'], ['Locaties', 'Molen Oost'], ['Divisies', 'Zuid']]) {
      await page.getByRole('region', { name: region }).getByRole('button', { name: `Verwijderen ${item}` }).click();
      await page.getByRole('button', { name: 'Ja, verwijderen' }).click();
      await expect(status).toHaveText(`${item} is verwijderd.`);
    }
    await page.getByRole('button', { name: `Verwijderen ${name}` }).click();
    await page.getByRole('button', { name: 'Ja, verwijderen' }).click();
    await expect(page).toHaveURL(/\/office\/customers$/);
    await expect(page.locator('#customer-tree')).toBeVisible();
    await expect(page.locator('#customer-tree')).not.toContainText(name);
    await expect(status).toHaveText(`${name} is verwijderd.`);
    expect(violations).toEqual([]);
  });
});
