// The console's work-request inbox (issue 26): members send work requests through the
// API (one with a photo); in the console an admin accepts one, linking a job the back
// office has just published at its site, declines another with a reason (an empty
// reason refused beside its field), and tries to accept a third that someone declined
// meanwhile (412: reloaded, it shows as declined); the API stores each decision. Then,
// in Dutch at phone width, the inbox and a request. Every page is checked by axe.

import { expect, test } from '@playwright/test';
import { adminToken, api, signInNewAdmin, stack, tokenOf } from './stack';
import { checker, notice } from './checks';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** The demo member's site `name`: its id and customer's. */
async function demoSite(name: string): Promise<{ id: string; customer_id: string }> {
  const me = await api(await tokenOf(stack.demo), 'GET', '/portal/me');
  const sites = await api(adminToken(), 'GET', `/admin/customers/${me.customer_id}/sites?limit=200`);
  const site = sites.items.find((s: { name: string }) => s.name === name);
  return { id: site.id, customer_id: me.customer_id };
}

/** A work request sent by the demo member, as the portal sends it (with an
 * Idempotency-Key), with a photo if asked. */
async function sendRequest(siteId: string, subject: string, notes: string, photo = false): Promise<{ id: string }> {
  const token = await tokenOf(stack.demo);
  const file_ids: string[] = [];
  if (photo) {
    const upload = await api(token, 'POST', '/portal/uploads', { file_name: 'leak.png', content_type: 'image/png', size: PNG.length });
    const put = await fetch(upload.upload_url, { method: upload.method, headers: upload.headers, body: PNG });
    expect(put.ok).toBe(true);
    file_ids.push(upload.file_id);
  }
  const res = await fetch(`${stack.api_url}/portal/work-requests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
    body: JSON.stringify({ subject, site_id: siteId, work_order_type: 'repair', notes, requested_at: '2027-01-15T09:00:00Z', file_ids }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { id: string };
}

test('an admin accepts a request with a job, declines another with a reason, and is told of a decision made meanwhile', async ({ page }) => {
  const violations: string[] = [];
  const check = checker(page, violations);
  const admin = adminToken();
  const run = Date.now();
  const hq = await demoSite('Harbor HQ');
  const leak = await sendRequest(hq.id, `Leak under the sink ${run}`, 'Water under the kitchen sink on the second floor.', true);
  const mat = await sendRequest(hq.id, `New door mat ${run}`, 'The mat at the entrance is worn.');
  const late = await sendRequest(hq.id, `Loose handrail ${run}`, 'The handrail of the back stairs is loose.');
  // The back office publishes the job that answers the leak.
  const reference = `WO-R-${run}`;
  const job = await api(admin, 'PUT', `/admin/jobs/${reference}`, {
    customer_id: hq.customer_id, site_id: hq.id, category: 'repair', status: 'unassigned', work_order_type: 'repair',
    description: 'Fix the leak under the second-floor kitchen sink.',
  });

  await signInNewAdmin(page, 'Rita', 'Requests');
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Work requests' }).click();
  await expect(page.getByRole('heading', { name: 'Work requests', level: 1 })).toBeFocused();
  // Submitted ones first: ours are there, the seeded accepted one is not.
  await expect(page.getByRole('link', { name: 'Submitted' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('link', { name: `Leak under the sink ${run}` })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Entrance is draughty' })).toHaveCount(0);
  await expect(page.locator(`[data-request="${leak.id}"]`)).toContainText('Harbor HQ');
  await check('r-1-inbox');

  // The leak: what the member wrote, the site, the photo; accepted with the new job.
  await page.getByRole('link', { name: `Leak under the sink ${run}` }).click();
  await expect(page.getByRole('heading', { name: `Leak under the sink ${run}`, level: 1 })).toBeFocused();
  await expect(page.locator('#request-notes')).toHaveText('Water under the kitchen sink on the second floor.');
  const facts = page.locator('#request-facts');
  for (const word of ['Submitted', 'Harbor Retail Group', 'Harbor HQ', '1 Quay Street, Rotterdam', 'Carla Customer']) await expect(facts).toContainText(word);
  await expect(page.getByRole('button', { name: 'Open leak.png' })).toBeVisible();
  await expect(page.locator('#request-job_id optgroup[label="At Harbor HQ"] option').filter({ hasText: reference })).toHaveCount(1);
  await check('r-2-request');
  await page.getByLabel('Job', { exact: true }).selectOption(job.id);
  await page.getByRole('button', { name: 'Accept and link the job' }).click();
  await expect(notice(page)).toHaveText(`Accepted, linked to job ${reference}.`);
  await expect(notice(page)).toBeFocused();
  await expect(facts).toContainText('Accepted');
  await expect(page.getByRole('button', { name: 'Accept and link the job' })).toHaveCount(0);
  const accepted = await api(admin, 'GET', `/admin/work-requests/${leak.id}`);
  expect(accepted).toMatchObject({ status: 'accepted', job: { id: job.id, reference } });
  expect((await api(admin, 'GET', `/admin/jobs/${job.id}`)).work_request_id).toBe(leak.id);
  await check('r-3-accepted');

  // The mat: an empty reason is refused beside its field; then declined with one.
  await page.goto(`/office/requests/${mat.id}`);
  await expect(page.getByRole('heading', { name: `New door mat ${run}`, level: 1 })).toBeFocused();
  await page.getByLabel('Reason', { exact: true }).fill('   ');
  await page.getByRole('button', { name: 'Decline the request' }).click();
  await expect(page.locator('#request-reason-error')).toBeVisible();
  await expect(page.getByLabel('Reason', { exact: true })).toBeFocused();
  await expect(page.getByLabel('Reason', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  const reason = 'Door mats are part of the cleaning contract: please ask your cleaning company.';
  await page.getByLabel('Reason', { exact: true }).fill(reason);
  await page.getByRole('button', { name: 'Decline the request' }).click();
  await expect(notice(page)).toHaveText('Declined. The member is told why.');
  await expect(facts).toContainText(reason);
  expect(await api(admin, 'GET', `/admin/work-requests/${mat.id}`)).toMatchObject({ status: 'declined', decline_reason: reason });
  await check('r-4-declined');

  // The handrail: declined by someone else while this page was open; accepting it is
  // refused (412), and reloaded the page shows the decision, with no forms.
  await page.goto(`/office/requests/${late.id}`);
  await expect(page.getByRole('heading', { name: `Loose handrail ${run}`, level: 1 })).toBeFocused();
  await api(admin, 'POST', `/admin/work-requests/${late.id}/decline`, { reason: 'Fixed on the last visit.' });
  await page.getByRole('button', { name: 'Accept and link the job' }).click();
  await expect(page.getByRole('alert')).toContainText('Someone else has declined this request meanwhile.');
  await expect(page.locator('#request-problem')).toBeFocused();
  await page.getByRole('button', { name: 'Reload' }).click();
  await expect(facts).toContainText('Fixed on the last visit.');
  await expect(page.getByRole('button', { name: 'Accept and link the job' })).toHaveCount(0);
  expect((await api(admin, 'GET', `/admin/work-requests/${late.id}`)).status).toBe('declined');

  // The inbox by status: the accepted one with its job, the declined one with its reason.
  await page.getByRole('link', { name: 'Work requests' }).first().click();
  await page.getByRole('navigation', { name: 'Show requests' }).getByRole('link', { name: 'Accepted' }).click();
  await expect(page.locator(`[data-request="${leak.id}"]`)).toContainText(reference);
  await page.getByRole('navigation', { name: 'Show requests' }).getByRole('link', { name: 'Declined' }).click();
  await expect(page.locator(`[data-request="${mat.id}"]`)).toContainText(reason);
  await expect(page.locator(`[data-request="${leak.id}"]`)).toHaveCount(0);
  await check('r-5-declined-list');
  expect(violations).toEqual([]);
});

test.describe('in Dutch at phone width', () => {
  test.use({ locale: 'nl-NL', viewport: { width: 390, height: 844 } });

  test('an admin opens the inbox and a request', async ({ page }) => {
    const violations: string[] = [];
    const check = checker(page, violations, true);
    const run = Date.now();
    const hq = await demoSite('Harbor HQ');
    const request = await sendRequest(hq.id, `Koelcel lekt ${run}`, 'Onder de deur van de koelcel staat water.\nGraag deze week.', true);

    await signInNewAdmin(page, 'Wim', 'Werk', true);
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Werkaanvragen' }).click();
    await expect(page.getByRole('heading', { name: 'Werkaanvragen', level: 1 })).toBeFocused();
    await expect(page.getByRole('link', { name: 'Ingediend' })).toHaveAttribute('aria-current', 'page');
    await expect(page.locator(`[data-request="${request.id}"]`)).toContainText('Harbor HQ');
    await check('r-6-inbox-nl-phone');

    await page.getByRole('link', { name: `Koelcel lekt ${run}` }).click();
    await expect(page.getByRole('heading', { name: `Koelcel lekt ${run}`, level: 1 })).toBeFocused();
    await expect(page.locator('#request-facts')).toContainText('Ingediend');
    await expect(page.locator('#request-facts')).toContainText('Carla Customer');
    await expect(page.getByRole('button', { name: 'leak.png openen' })).toBeVisible();
    await expect(page.getByLabel('Werkorder', { exact: true })).toBeVisible();
    await expect(page.getByLabel('Reden', { exact: true })).toBeVisible();
    await check('r-7-request-nl-phone');
    // Still waiting for a decision: nothing was sent.
    expect((await api(adminToken(), 'GET', `/admin/work-requests/${request.id}`)).status).toBe('submitted');
    expect(violations).toEqual([]);
  });
});
