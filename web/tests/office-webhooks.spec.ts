// The console's Webhooks screen (issue 27): an admin subscribes a local URL to
// `member.changed` (no event type ticked first, then a plain-http URL: the API's refusals
// beside their fields), sees its signing secret once; a member created through the API
// is delivered within seconds (nothing listens, so the attempt fails) and shows in the
// subscription's delivery log; replaying it adds a second attempt, marked as a replay;
// twenty events more fill the log's first page, and "Load more" brings the first one;
// the subscription is paused and resumed, its secret rotated (a new one, shown once) and
// it is deleted after confirming (the API then knows it no more). Then the screen in
// Dutch at phone width. Every page is checked by axe.

import { expect, test } from '@playwright/test';
import { adminToken, api, signInNewAdmin, stack } from './stack';
import { checker } from './checks';

/** The API's status for `GET path` as the demo admin. */
async function statusOf(path: string): Promise<number> {
  return (await fetch(`${stack.api_url}${path}`, { headers: { authorization: `Bearer ${adminToken()}` } })).status;
}

test('an admin subscribes a URL, sees its deliveries and replays one, pauses, resumes, rotates and deletes it', async ({ page }) => {
  const violations: string[] = [];
  const check = checker(page, violations);
  const stamp = Date.now();
  const description = `ERP intake ${stamp}`;
  // Nothing listens there: every delivery fails to connect, and is logged so.
  const url = `http://127.0.0.1:9/portico-${stamp}`;

  await signInNewAdmin(page, 'Wendy', 'Webhooks');
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Webhooks' }).click();
  await expect(page).toHaveURL(/\/office\/webhooks$/);
  await expect(page.getByRole('heading', { name: 'Webhooks', level: 1 })).toBeFocused();

  // No event type ticked: the API's word on it, beside the event types.
  await page.getByLabel('URL', { exact: true }).fill(url);
  await page.getByLabel('Description (optional)').fill(description);
  await page.getByRole('button', { name: 'Add subscription' }).click();
  await expect(page.locator('#webhook-events-error')).toBeVisible();
  await expect(page.locator('#webhook-events')).toBeFocused();
  await check('w-1-no-event-type');

  // Plain http to anywhere but this machine: refused beside the URL.
  await page.getByLabel(/^member\.changed/).check();
  await page.getByLabel('URL', { exact: true }).fill('http://example.com/portico');
  await page.getByRole('button', { name: 'Add subscription' }).click();
  await expect(page.locator('#webhook-url-error')).toContainText('https://');
  await expect(page.getByLabel('URL', { exact: true })).toBeFocused();
  await expect(page.getByLabel('URL', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await check('w-2-bad-url');

  await page.getByLabel('URL', { exact: true }).fill(url);
  await page.getByRole('button', { name: 'Add subscription' }).click();
  const shown = page.locator('#webhook-secret');
  await expect(shown).toBeFocused();
  await expect(shown).toContainText('the signing secret is not shown again');
  const secret = (await page.locator('#webhook-secret-value').textContent()) ?? '';
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{20,}$/);
  await expect(page.locator('#webhooks-notice')).toHaveText(`${description} is subscribed.`);
  const card = page.locator('.card-item', { hasText: description });
  await expect(card).toContainText(url);
  await expect(card).toContainText('member.changed');
  await expect(card).toContainText('Active');
  await check('w-3-created');

  // Shown once: not after a reload.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Webhooks', level: 1 })).toBeVisible();
  await expect(card).toBeVisible();
  await expect(page.locator('#webhook-secret')).toHaveCount(0);
  await expect(page.getByText(secret)).toHaveCount(0);

  // An event it wants: a member created (member.changed, created), of a customer of this
  // journey's own (the demo customer's lists stay as other journeys know them).
  const customer = await api(adminToken(), 'POST', '/admin/customers', { name: `Webhooks Ltd ${stamp}` });
  await api(adminToken(), 'POST', '/admin/members', {
    customer_id: customer.id, first_name: 'Hook', last_name: `Test ${stamp}`, email: `web.hook.${stamp}@harbor.test`,
    permissions: ['view_jobs'], admin: false,
  });

  // Its delivery log: the delivery, once the stream has carried it (about a second).
  await card.getByRole('link', { name: `Delivery log ${url}` }).click();
  await expect(page).toHaveURL(/\/office\/webhooks\/whk_[0-9A-Z]+$/);
  await expect(page.getByRole('heading', { name: 'Delivery log', level: 1 })).toBeFocused();
  const delivery = page.locator('[data-delivery]').first();
  await expect(async () => {
    await page.reload();
    await expect(delivery.locator('tbody tr')).toHaveCount(1, { timeout: 2_000 });
  }).toPass({ timeout: 60_000 });
  await expect(delivery.locator('h3')).toHaveText('member.changed');
  await expect(delivery).toContainText(/evt_[0-9A-Z]+/);
  await expect(delivery.locator('tbody tr').first()).toContainText('Failed');
  await expect(delivery.locator('tbody tr').first()).toContainText('Automatic');
  await expect(delivery).toContainText(/Retrying|Failed/);
  await check('w-4-log');

  // Replayed: a second attempt, sent by the replay, and its outcome said.
  await delivery.getByRole('button', { name: /^Replay member\.changed evt_/ }).click();
  await expect(page.locator('#log-notice')).toBeFocused();
  await expect(page.locator('#log-notice')).toContainText('Replayed member.changed: failed');
  // (The stack's retry schedule may have added its own attempt meanwhile: a minute after
  // the first.)
  await expect(delivery.locator('tbody tr').filter({ hasText: 'Replay' })).toHaveCount(1);
  expect(await delivery.locator('tbody tr').count()).toBeGreaterThanOrEqual(2);
  await check('w-5-replayed');

  // Twenty more events: the log's first page holds 20, "Load more" the one replayed.
  for (let n = 0; n < 20; n += 5) {
    await Promise.all(
      [0, 1, 2, 3, 4].map((k) =>
        api(adminToken(), 'POST', '/admin/members', {
          customer_id: customer.id, first_name: 'Hook', last_name: `More ${n + k}`, email: `web.hook.${stamp}.${n + k}@harbor.test`,
          permissions: ['view_jobs'], admin: false,
        }),
      ),
    );
  }
  const deliveries = page.locator('[data-delivery]');
  await expect(async () => {
    await page.reload();
    await expect(deliveries).toHaveCount(20, { timeout: 2_000 });
    await page.getByRole('button', { name: 'Load more' }).click({ timeout: 2_000 });
    await expect(deliveries).toHaveCount(21, { timeout: 2_000 });
  }).toPass({ timeout: 60_000 });
  await expect(page.getByRole('button', { name: 'Load more' })).toHaveCount(0);
  await expect(deliveries.last().locator('h3')).toBeFocused();
  await expect(deliveries.last().locator('tbody tr').filter({ hasText: 'Replay' })).toHaveCount(1);
  expect(await deliveries.last().locator('tbody tr').count()).toBeGreaterThanOrEqual(2);

  // Paused, then resumed (each a PATCH with the version read).
  await page.getByRole('link', { name: 'Webhooks', exact: true }).first().click();
  await expect(page.getByRole('heading', { name: 'Webhooks', level: 1 })).toBeFocused();
  await card.getByRole('button', { name: `Pause ${url}` }).click();
  await expect(page.locator('#webhooks-notice')).toContainText(`${description} is paused`);
  await expect(card).toContainText('Paused');
  await check('w-6-paused');
  await card.getByRole('button', { name: `Resume ${url}` }).click();
  await expect(page.locator('#webhooks-notice')).toContainText(`${description} is active again.`);
  await expect(card).toContainText('Active');
  await expect(card.getByRole('button', { name: `Pause ${url}` })).toBeVisible();

  // Rotated: a new secret, shown once.
  await card.getByRole('button', { name: `Rotate secret ${url}` }).click();
  await expect(page.locator('#webhooks-notice')).toContainText(`${description} has a new secret.`);
  await expect(page.locator('#webhook-secret')).toBeFocused();
  const rotated = (await page.locator('#webhook-secret-value').textContent()) ?? '';
  expect(rotated).toMatch(/^whsec_/);
  expect(rotated).not.toBe(secret);
  await expect(page.locator('#webhook-secret')).toContainText('The old secret is still signed with until');
  await check('w-7-rotated');

  // Deleted after confirming: gone from the list, and the API knows it no more.
  const id = (await card.getAttribute('data-webhook')) ?? '';
  await card.getByRole('button', { name: `Delete ${url}` }).click();
  await expect(page.locator('#confirm-delete')).toBeFocused();
  await check('w-8-confirm');
  await page.locator('#confirm-delete').click();
  await expect(page.locator('#webhooks-notice')).toContainText(`The subscription ${description} is deleted.`);
  await expect(card).toHaveCount(0);
  expect(await statusOf(`/admin/webhooks/${id}`)).toBe(404);
  expect(violations).toEqual([]);
});

test.describe('in Dutch at phone width', () => {
  test.use({ locale: 'nl-NL', viewport: { width: 390, height: 844 } });

  test('a subscription added, its secret shown once, its empty log, deleted', async ({ page }) => {
    const violations: string[] = [];
    const check = checker(page, violations, true);
    const stamp = Date.now();
    const url = `http://127.0.0.1:9/boekhouding/webhooks/gebeurtenissen-${stamp}`;
    await signInNewAdmin(page, 'Wim', 'Webhook', true);
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Webhooks' }).click();
    await expect(page.getByRole('heading', { name: 'Webhooks', level: 1 })).toBeFocused();
    await page.getByLabel('URL', { exact: true }).fill(url);
    await page.getByLabel('Omschrijving (optioneel)').fill(`Boekhouding ${stamp}`);
    await page.getByLabel(/^contact\.suppressed/).check();
    await page.getByRole('button', { name: 'Abonnement toevoegen' }).click();
    await expect(page.locator('#webhook-secret')).toContainText('het ondertekeningsgeheim wordt niet nog eens getoond');
    const card = page.locator('.card-item', { hasText: `Boekhouding ${stamp}` });
    await expect(card).toContainText('Actief');
    await check('w-9-nl-phone');

    await card.getByRole('link', { name: `Afleverlog ${url}` }).click();
    await expect(page.getByRole('heading', { name: 'Afleverlog', level: 1 })).toBeFocused();
    await expect(page.getByText('Er is nog niets afgeleverd.')).toBeVisible();
    await check('w-10-nl-phone-log');

    await page.getByRole('link', { name: 'Webhooks', exact: true }).first().click();
    await card.getByRole('button', { name: `Verwijderen ${url}` }).click();
    await page.getByRole('button', { name: 'Ja, verwijderen' }).click();
    await expect(page.locator('#webhooks-notice')).toHaveText(`Het abonnement Boekhouding ${stamp} is verwijderd.`);
    await expect(card).toHaveCount(0);
    expect(violations).toEqual([]);
  });
});
