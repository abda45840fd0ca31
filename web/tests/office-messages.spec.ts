// The console's messages screen (issue 26): an admin writes a message to one access
// group that asks to be acknowledged; a member of the group signs in, sees it and
// acknowledges it, while a member outside the group does not see it; the message's
// counts and its "not acknowledged yet" list follow; a change is saved (and someone
// else's change meanwhile is refused, 412, until reloaded); then, in Dutch at phone
// width, a scheduled message to everyone is written, viewed and deleted. Every page is
// checked by axe.

import { expect, test } from '@playwright/test';
import { adminToken, api, chooseNewPassword, invitedMember, signInNewAdmin, stack, submitSignIn, tokenOf } from './stack';
import { checker, notice } from './checks';

/** What a GET answers, without asserting it is a success (a 404 is the point). */
async function status(path: string): Promise<number> {
  const res = await fetch(`${stack.api_url}${path}`, { headers: { authorization: `Bearer ${adminToken()}` } });
  return res.status;
}

test('a message to one access group is acknowledged by a member of it, unseen outside it, and the counts follow', async ({ page, browser }) => {
  const violations: string[] = [];
  const check = checker(page, violations);
  const admin = adminToken();
  const run = Date.now();
  // A group of two new members, who see messages through it.
  const group = await api(admin, 'POST', '/admin/access-groups', { name: `Night crew ${run}`, permissions: ['view_messages'] });
  const ann = await invitedMember('Ann', 'Acker');
  const ben = await invitedMember('Ben', 'Behind');
  for (const m of [ann, ben]) await api(admin, 'PATCH', `/admin/members/${m.id}`, { group_ids: [group.id] });

  await signInNewAdmin(page, 'Mara', 'Messages');
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Messages' }).click();
  await expect(page.getByRole('heading', { name: 'Messages', level: 1 })).toBeFocused();
  // The seeded safety notice, acknowledged by Carla, with its counts.
  const seeded = page.getByRole('row').filter({ hasText: 'Hard hats on every site from Monday' });
  await expect(seeded).toContainText('Everyone');
  await expect(seeded.getByRole('cell').nth(5)).not.toHaveText('0');
  await check('m-1-list');

  // Compose: a group, a window that ends next year, acknowledgement asked.
  const title = `Night shifts move to the east gate ${run}`;
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel('Text', { exact: true }).fill('From Monday the night crew enters through the east gate.\nPlease confirm you have read this.');
  await page.getByLabel('Chosen access groups', { exact: true }).check();
  // No group ticked: said beside the groups, nothing sent.
  await page.getByRole('button', { name: 'Post message' }).click();
  await expect(page.locator('#new-audience-error')).toHaveText('Pick at least one access group.');
  await page.getByLabel(`Night crew ${run}`, { exact: true }).check();
  const ends = `${new Date().getFullYear() + 1}-06-30T18:00`;
  await page.getByLabel('Shown until (optional)', { exact: true }).fill(ends);
  await page.getByLabel('Ask each member to acknowledge it', { exact: true }).check();
  await page.getByRole('button', { name: 'Post message' }).click();
  await expect(page.getByRole('heading', { name: title, level: 1 })).toBeFocused();
  const id = /\/office\/messages\/([^/?]+)$/.exec(page.url())?.[1] ?? '';
  const stored = await api(admin, 'GET', `/admin/messages/${id}`);
  expect(stored).toMatchObject({ title, audience: { group_ids: [group.id] }, requires_ack: true, state: 'current', receipts: { read: 0, acknowledged: 0 } });
  expect(new Date(stored.ends_at).getTime()).toBe(new Date(ends).getTime());
  const facts = page.locator('#message-facts');
  await expect(facts).toContainText(`Night crew ${run}`);
  await expect(facts).toContainText('Shown now');
  await expect(page.locator('#message-acknowledged')).toHaveText('0 members');
  const pending = page.getByRole('region', { name: 'Not acknowledged yet' });
  await expect(pending.getByRole('row')).toHaveCount(3);
  await expect(pending).toContainText('Ann Acker');
  await expect(pending).toContainText('Ben Behind');
  await check('m-2-message');

  // Outside the group: Carla's portal does not list it; inside, Ann's does, and she acknowledges it.
  const carla = await api(await tokenOf(stack.demo), 'GET', '/portal/messages?limit=200');
  expect(carla.items.map((m: { id: string }) => m.id)).not.toContain(id);
  const member = await (await browser.newContext()).newPage();
  await submitSignIn(member, ann.email, ann.temporary);
  await chooseNewPassword(member, 'Ann-Acker-2026!');
  await member.getByRole('navigation', { name: 'Portal sections' }).getByRole('link', { name: /^Messages/ }).click();
  const item = member.getByRole('listitem').filter({ hasText: title });
  await expect(item).toContainText('Please confirm you have read this.');
  await item.getByRole('button', { name: 'I have read this' }).click();
  await expect(member.getByRole('listitem').filter({ hasText: title })).toContainText('Acknowledged on');
  await member.context().close();

  // The console follows: one read and acknowledged; Ben alone is still to acknowledge it.
  await page.reload();
  await expect(page.getByRole('heading', { name: title, level: 1 })).toBeFocused();
  await expect(page.locator('#message-read')).toHaveText('1 member');
  await expect(page.locator('#message-acknowledged')).toHaveText('1 member');
  await expect(pending.getByRole('row')).toHaveCount(2);
  await expect(pending).toContainText('Ben Behind');
  await expect(pending).not.toContainText('Ann Acker');
  const acks = await api(admin, 'GET', `/admin/messages/${id}/acknowledgements?acknowledged=true`);
  expect(acks.items.map((a: { member_id: string }) => a.member_id)).toEqual([ann.id]);
  await check('m-3-acknowledged');

  // Someone else changes it meanwhile: the save is refused (If-Match); reloaded, it goes through.
  await api(admin, 'PATCH', `/admin/messages/${id}`, { body: 'From Monday the night crew enters through the east gate (gate 4).' });
  await page.getByLabel('Title', { exact: true }).fill(`${title} (gate 4)`);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('alert')).toContainText('Someone else changed this message meanwhile');
  await expect(page.locator('#message-problem')).toBeFocused();
  await page.getByRole('button', { name: 'Reload' }).click();
  await expect(page.locator('#message-body')).toHaveText('From Monday the night crew enters through the east gate (gate 4).');
  await page.getByLabel('Title', { exact: true }).fill(`${title} (gate 4)`);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(notice(page)).toHaveText('Changes saved.');
  await expect(notice(page)).toBeFocused();
  const changed = await api(admin, 'GET', `/admin/messages/${id}`);
  // Only the title was sent: the window and the audience stay as they were.
  expect(changed).toMatchObject({ title: `${title} (gate 4)`, audience: { group_ids: [group.id] }, ends_at: stored.ends_at, receipts: { read: 1, acknowledged: 1 } });

  // The list has its counts.
  await page.getByRole('link', { name: 'All messages' }).click();
  const row = page.getByRole('row').filter({ hasText: `${title} (gate 4)` });
  await expect(row.getByRole('cell')).toHaveText([`${title} (gate 4)`, `Night crew ${run}`, /^until /, 'Shown now', '1', '1']);
  await check('m-4-list-counts');
  expect(violations).toEqual([]);
});

test.describe('in Dutch at phone width', () => {
  test.use({ locale: 'nl-NL', viewport: { width: 390, height: 844 } });

  test('an admin writes a scheduled message to everyone, views it and deletes it', async ({ page }) => {
    const violations: string[] = [];
    const check = checker(page, violations, true);
    await signInNewAdmin(page, 'Bram', 'Berichten', true);
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Berichten' }).click();
    await expect(page.getByRole('heading', { name: 'Berichten', level: 1 })).toBeFocused();
    await check('m-5-list-nl-phone');

    // Shown from next year on (scheduled: no member sees it yet), to everyone.
    const title = `Kerstrooster ${Date.now()}`;
    const year = new Date().getFullYear() + 1;
    await page.getByLabel('Titel', { exact: true }).fill(title);
    await page.getByLabel('Tekst', { exact: true }).fill('Ons planbureau is tussen Kerst en Nieuwjaar gesloten.');
    await expect(page.getByLabel('Iedereen', { exact: true })).toBeChecked();
    await page.getByLabel('Zichtbaar vanaf (optioneel)', { exact: true }).fill(`${year}-12-20T08:00`);
    await page.getByLabel('Zichtbaar tot (optioneel)', { exact: true }).fill(`${year}-12-19T08:00`);
    await page.getByRole('button', { name: 'Bericht plaatsen' }).click();
    // The API's refusal, beside the field it names.
    await expect(page.locator('#new-ends_at-error')).toContainText('starts_at');
    await expect(page.getByLabel('Zichtbaar tot (optioneel)', { exact: true })).toBeFocused();
    await check('m-6-compose-nl-phone');
    await page.getByLabel('Zichtbaar tot (optioneel)', { exact: true }).fill(`${year + 1}-01-02T18:00`);
    await page.getByRole('button', { name: 'Bericht plaatsen' }).click();
    await expect(page.getByRole('heading', { name: title, level: 1 })).toBeFocused();
    const id = /\/office\/messages\/([^/?]+)$/.exec(page.url())?.[1] ?? '';
    expect(await api(adminToken(), 'GET', `/admin/messages/${id}`)).toMatchObject({ title, audience: { all: true }, requires_ack: false, state: 'scheduled' });
    await expect(page.locator('#message-facts')).toContainText('Gepland');
    await expect(page.locator('#message-facts')).toContainText('Iedereen');
    await expect(page.getByText('Dit bericht vraagt niet om bevestiging.')).toBeVisible();
    await check('m-7-message-nl-phone');

    // Deleting asks first; cancelled, it stays; confirmed, it is gone.
    await page.getByRole('button', { name: 'Bericht verwijderen' }).click();
    await expect(page.getByRole('button', { name: 'Ja, verwijderen' })).toBeFocused();
    await check('m-8-delete-nl-phone');
    await page.getByRole('button', { name: 'Annuleren' }).click();
    await expect(page.getByRole('button', { name: 'Bericht verwijderen' })).toBeFocused();
    await page.getByRole('button', { name: 'Bericht verwijderen' }).click();
    await page.getByRole('button', { name: 'Ja, verwijderen' }).click();
    await expect(page.getByRole('heading', { name: 'Berichten', level: 1 })).toBeFocused();
    await expect(page.getByRole('row').filter({ hasText: title })).toHaveCount(0);
    expect(await status(`/admin/messages/${id}`)).toBe(404);
    expect(violations).toEqual([]);
  });
});
