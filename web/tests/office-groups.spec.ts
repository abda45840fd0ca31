// The console's access groups screen (issue 26): an admin adds a group whose scope is one
// division of a customer, with two KPI reports and an approval limit (an amount that is
// not one, and a blank name the API refuses, each named beside its field), and the API
// stores exactly that; sees who is in it; edits it; meets someone else's change (412)
// and reloads; is refused deleting a group changed meanwhile, then deletes it. Then a
// shorter walk in Dutch at phone width. Every page is checked by axe.

import { expect, test } from '@playwright/test';
import { grantsOf, pickedOf } from '../src/office/customer-tree';
import { adminToken, api, signInNewAdmin, stack } from './stack';
import { checker, notice } from './checks';

/** A customer of this run with two divisions and a site in each (made through the API). */
async function customerWithDivisions(stamp: number) {
  const admin = adminToken();
  const customer = await api(admin, 'POST', '/admin/customers', { name: `Geeni Kitchens ${stamp}` });
  const division = (name: string) => api(admin, 'POST', `/admin/customers/${customer.id}/divisions`, { name, parent_group: 'Restaurants' });
  const east = await division(`East ${stamp}`);
  const west = await division(`West ${stamp}`);
  for (const [name, d] of [['Canal', east], ['Harbour', west]] as const) {
    await api(admin, 'POST', `/admin/customers/${customer.id}/sites`, { name: `${name} ${stamp}`, address: '1 Main Street', division_id: d.id });
  }
  return { customer: customer as { id: string; name: string }, east: east as { id: string; name: string }, west: west as { id: string; name: string } };
}

/** The group as the API has it now (null once it is gone). */
async function stored(id: string): Promise<any> {
  const res = await fetch(`${stack.api_url}/admin/access-groups/${id}`, { headers: { authorization: `Bearer ${adminToken()}` } });
  if (res.status === 404) return null;
  expect(res.status).toBe(200);
  return res.json();
}

test('groups: the scope picker\'s ticks become the API\'s grants, and back', () => {
  const grants = [
    { customer_id: 'b', division_ids: ['d2', 'd1'] },
    { customer_id: 'b', site_ids: ['s1'] },
    { customer_id: 'a' },
    { customer_id: 'c', site_ids: ['s9'] },
  ];
  const picked = pickedOf(grants);
  expect([...picked.whole]).toEqual(['a']);
  expect(grantsOf(picked)).toEqual([
    { customer_id: 'a' },
    { customer_id: 'b', division_ids: ['d1', 'd2'] },
    { customer_id: 'b', site_ids: ['s1'] },
    { customer_id: 'c', site_ids: ['s9'] },
  ]);
  // A customer ticked whole needs no other grant; unticking every site drops its grant.
  picked.whole.add('b');
  picked.sites.get('c')?.delete('s9');
  expect(grantsOf(picked)).toEqual([{ customer_id: 'a' }, { customer_id: 'b' }]);
  expect(grantsOf(pickedOf([]))).toEqual([]);
});

test('an admin adds a group scoped to one division with two reports, edits it, meets a change made meanwhile, and deletes it', async ({ page }) => {
  const violations: string[] = [];
  const check = checker(page, violations);
  const stamp = Date.now();
  const { customer, east, west } = await customerWithDivisions(stamp);
  const name = `Kitchen managers ${stamp}`;
  // The screen's notice, not the list's "Loading…" (also a status) while it reloads.
  const status = notice(page);

  await signInNewAdmin(page, 'Greta', 'Groups');
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Access groups' }).click();
  await expect(page).toHaveURL(/\/office\/groups$/);
  await expect(page.getByRole('heading', { name: 'Access groups', level: 1 })).toBeFocused();
  await expect(page.getByRole('heading', { name: 'Add a group' })).toBeVisible();

  // The scope: the customer opened, one division ticked (the other and the sites not).
  await page.getByLabel('Name', { exact: true }).fill(name);
  const opener = page.getByRole('button', { name: `Divisions and sites of ${customer.name}` });
  await expect(opener).toHaveAttribute('aria-expanded', 'false');
  await opener.click();
  await expect(opener).toHaveAttribute('aria-expanded', 'true');
  await page.getByLabel(`Division: ${east.name}`, { exact: true }).check();
  await expect(page.getByLabel(`Site: Harbour ${stamp}`, { exact: true })).not.toBeChecked();
  for (const box of ['See jobs', 'Run reports', 'Quotes by status', 'First-time fix']) await page.getByLabel(box, { exact: true }).check();
  await page.getByLabel('Currency', { exact: true }).fill('EUR');
  // An amount that is not one is named before anything is sent.
  await page.getByLabel('Most per quote', { exact: true }).fill('lots');
  await page.getByRole('button', { name: 'Add group' }).click();
  await expect(page.locator('#new-limits-error')).toHaveText('Write an amount, say 5000 or 5000.00.');
  await expect(page.getByLabel('Most per quote', { exact: true })).toBeFocused();
  // The ticks survive the redraw.
  await expect(page.getByLabel(`Division: ${east.name}`, { exact: true })).toBeChecked();
  await check('g-1-new-group');
  await page.getByLabel('Most per quote', { exact: true }).fill('2.500');
  // A name of blanks goes to the API, whose word on it stands beside the field.
  await page.getByLabel('Name', { exact: true }).fill('   ');
  await page.getByRole('button', { name: 'Add group' }).click();
  await expect(page.getByLabel('Name', { exact: true })).toBeFocused();
  await expect(page.getByLabel('Name', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#new-name-error')).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Add group' }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeFocused();
  const id = /\/office\/groups\/([^/?]+)$/.exec(page.url())?.[1] ?? '';

  // What the API stores: exactly that division, the two reports, the limit.
  const made = await stored(id);
  expect(made).toMatchObject({
    name,
    scope: { grants: [{ customer_id: customer.id, division_ids: [east.id] }] },
    approval_limits: { EUR: 250_000 },
  });
  expect([...made.reports].sort()).toEqual(['first_time_fix', 'quotes_by_status']);
  expect([...made.permissions].sort()).toEqual(['view_jobs', 'view_reports']);
  await expect(page.locator('.facts').first()).toContainText(`${customer.name}: 1 division(s)`);
  await expect(page.locator('#group-members')).toContainText('Nobody is in this group yet.');
  // The page opens the customer whose division is ticked.
  await expect(page.getByLabel(`Division: ${east.name}`, { exact: true })).toBeChecked();
  await expect(page.getByLabel(`Division: ${west.name}`, { exact: true })).not.toBeChecked();

  // Who is in it: a member who joins (on their own page, here through the API) is listed.
  const member = await api(adminToken(), 'POST', '/admin/members', {
    customer_id: customer.id, first_name: 'Kees', last_name: `Kitchen${stamp}`, email: `kees.${stamp}@geeni.test`, group_ids: [id],
  });
  await page.reload();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeFocused();
  const who = page.locator('#group-members');
  await expect(who.getByRole('link', { name: `Kees Kitchen${stamp}` })).toHaveAttribute('href', `/office/members/${member.id}`);
  await expect(who).toContainText(customer.name);
  await check('g-2-group');

  // Edit: the other division too, a report swapped; the API agrees.
  await page.getByLabel(`Division: ${west.name}`, { exact: true }).check();
  await page.getByLabel('Quotes by status', { exact: true }).uncheck();
  await page.getByLabel('Equipment in service', { exact: true }).check();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(status).toHaveText('Changes saved.');
  await expect(status).toBeFocused();
  const edited = await stored(id);
  expect([...edited.reports].sort()).toEqual(['equipment_in_service', 'first_time_fix']);
  expect(edited.scope.grants).toEqual([{ customer_id: customer.id, division_ids: [east.id, west.id].sort() }]);
  await expect(page.locator('.facts').first()).toContainText(`${customer.name}: 2 division(s)`);

  // Someone else renames it meanwhile: the save is refused (If-Match); Reload shows theirs.
  await api(adminToken(), 'PATCH', `/admin/access-groups/${id}`, { name: `${name} (renamed)` });
  await page.getByLabel('See quotes', { exact: true }).check();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('alert')).toContainText('Someone else changed this group meanwhile');
  await expect(page.locator('#group-problem')).toBeFocused();
  expect((await stored(id)).permissions).not.toContain('view_quotes');
  await check('g-3-changed-meanwhile');
  await page.getByRole('button', { name: 'Reload' }).click();
  await expect(page.getByRole('heading', { name: `${name} (renamed)`, level: 1 })).toBeFocused();

  // Delete asks first; a change made meanwhile refuses it (as the API rules), and it stays.
  await api(adminToken(), 'PATCH', `/admin/access-groups/${id}`, { name });
  await page.getByRole('button', { name: `Delete group ${name} (renamed)` }).click();
  await expect(page.getByRole('button', { name: 'Yes, delete' })).toBeFocused();
  await page.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(page.getByRole('alert')).toContainText('Someone else changed this group meanwhile');
  expect(await stored(id)).not.toBeNull();
  await page.getByRole('button', { name: 'Reload' }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeFocused();
  // Then as it is now: deleted, and gone from the API and from the member.
  await page.getByRole('button', { name: `Delete group ${name}` }).click();
  await page.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(page.getByRole('heading', { name: 'Access groups', level: 1 })).toBeFocused();
  await expect(status).toHaveText(`${name} is deleted.`);
  await expect(page.getByRole('link', { name, exact: true })).toHaveCount(0);
  expect(await stored(id)).toBeNull();
  await check('g-4-deleted');
  expect(violations).toEqual([]);
});

test.describe('in Dutch at phone width', () => {
  test.use({ locale: 'nl-NL', viewport: { width: 390, height: 844 } });

  test('an admin adds a group for a whole customer, sees it listed, and deletes it', async ({ page }) => {
    const violations: string[] = [];
    const check = checker(page, violations, true);
    const stamp = Date.now();
    const { customer } = await customerWithDivisions(stamp);
    const name = `Regiomanagers ${stamp}`;

    await signInNewAdmin(page, 'Gijs', 'Groepen', true);
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Toegangsgroepen' }).click();
    await expect(page.getByRole('heading', { name: 'Toegangsgroepen', level: 1 })).toBeFocused();
    await page.getByLabel('Naam', { exact: true }).fill(name);
    await page.getByLabel(`Alles van ${customer.name}`, { exact: true }).check();
    await page.getByRole('button', { name: `Divisies en locaties van ${customer.name}` }).click();
    await expect(page.getByText('Deze hele klant is aangevinkt.')).toBeVisible();
    await expect(page.getByLabel(`Locatie: Canal ${stamp}`, { exact: true })).toBeDisabled();
    await page.getByLabel('Facturen inzien', { exact: true }).check();
    await page.getByLabel('Kalibraties op tijd', { exact: true }).check();
    await check('g-5-new-group-nl-phone');
    await page.getByRole('button', { name: 'Groep toevoegen' }).click();
    await expect(page.getByRole('heading', { name, level: 1 })).toBeFocused();
    const id = /\/office\/groups\/([^/?]+)$/.exec(page.url())?.[1] ?? '';
    expect(await stored(id)).toMatchObject({ scope: { grants: [{ customer_id: customer.id }] }, permissions: ['view_invoices'], reports: ['calibrations_on_time'] });
    await expect(page.locator('#group-members')).toContainText('Er zit nog niemand in deze groep.');
    await check('g-6-group-nl-phone');

    await page.getByRole('link', { name: '← Toegangsgroepen' }).click();
    await expect(page.locator(`[data-group="${id}"]`)).toContainText(customer.name);
    await expect(page.locator(`[data-group="${id}"]`)).toContainText('Kalibraties op tijd');
    await check('g-7-list-nl-phone');
    await page.getByRole('link', { name, exact: true }).click();
    await page.getByRole('button', { name: `Groep verwijderen ${name}` }).click();
    await page.getByRole('button', { name: 'Ja, verwijderen' }).click();
    await expect(notice(page)).toHaveText(`${name} is verwijderd.`);
    expect(await stored(id)).toBeNull();
    expect(violations).toEqual([]);
  });
});
