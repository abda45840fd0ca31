// View as this member (issue 26), from the members screen: the office opens the seeded
// site member's portal (Sam: Dutch, one site, a document hidden from him). The banner
// says whose it is and that it is read-only; the portal is exactly his — the same
// `/portal/me`, sections, sites and documents as under his own token; it offers no
// writing button, and a write sent as the page would send it (the admin's token and the
// session's `X-View-As`) is refused by the API. Back in the console, it speaks the
// admin's language again. English console at desktop width; every page checked by axe.

import { expect, test, type Page } from '@playwright/test';
import { adminToken, api, pageToken, signInNewAdmin, stack, tokenOf } from './stack';
import { checker } from './checks';

/** The member portal's tabs in Dutch (Sam's language), in its menu's order: each
 * section's feature, the permissions that open it, and its word. */
const TABS_NL: [string, string[], string][] = [
  ['jobs', ['view_jobs', 'view_completed_jobs'], 'Werkorders'], ['work_requests', ['create_work_requests'], 'Aanvragen'],
  ['quotes', ['view_quotes'], 'Offertes'], ['invoices', ['view_invoices'], 'Facturen'], ['assets', ['view_assets'], 'Installaties'],
  ['documents', ['view_documents'], 'Documenten'], ['messages', ['view_messages'], 'Berichten'], ['reports', ['view_reports'], 'Rapportages'],
];

/** The first column of the table on the page, sorted. */
async function firstColumn(page: Page, heading: string): Promise<string[]> {
  await expect(page.getByRole('heading', { name: heading, level: 1 })).toBeVisible();
  await expect(page.locator('main tbody tr').first()).toBeVisible();
  return (await page.locator('main tbody tr td:first-child').allTextContents()).sort();
}

test('view as a member: the banner, exactly their portal, and every write refused', async ({ page }) => {
  const violations: string[] = [];
  const check = checker(page, violations);
  // Sam's portal as he sees it himself.
  const samToken = await tokenOf(stack.site_member);
  const own = {
    me: await api(samToken, 'GET', '/portal/me'),
    sites: (await api(samToken, 'GET', '/portal/sites?limit=200')).items as { name: string }[],
    documents: (await api(samToken, 'GET', '/portal/documents?limit=200')).items as { title: string }[],
    requests: (await api(samToken, 'GET', '/portal/work-requests?limit=200')).items as unknown[],
  };
  expect(own.documents.map((d) => d.title)).not.toContain('Asbestos survey - Outlet North');

  await signInNewAdmin(page, 'Vera', 'Viewing');
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Members' }).click();
  await page.getByLabel('Customer', { exact: true }).selectOption(own.me.customer_id);
  await page.getByRole('button', { name: 'Show members' }).click();
  await page.getByRole('link', { name: 'Sam Site' }).click();
  await expect(page.getByRole('heading', { name: 'Sam Site', level: 1 })).toBeFocused();
  const samId = /\/office\/members\/([^/?]+)$/.exec(page.url())?.[1] ?? '';
  expect(samId).toBe(own.me.id);
  await page.getByRole('button', { name: 'View as this member Sam Site' }).click();

  // The banner, in Sam's language (his portal's), with the way back.
  const banner = page.locator('#view-as');
  await expect(banner).toContainText('U bekijkt het portaal als Sam Site, alleen lezen');
  await expect(banner.getByRole('button', { name: 'Terug naar de console' })).toBeVisible();
  await check('s-view-as-1-banner');

  // Exactly his portal: the API answers the session as it answers him, and the page
  // draws his sections, sites and documents.
  const session = await page.evaluate(() => JSON.parse(sessionStorage.getItem('portico.viewAs') ?? 'null') as { id: string });
  const admin = await pageToken(page);
  const asHim = async (method: string, path: string, body?: unknown) =>
    fetch(`${stack.api_url}${path}`, {
      method,
      headers: { authorization: `Bearer ${admin}`, 'x-view-as': session.id, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const viewed = (await (await asHim('GET', '/portal/me')).json()) as Record<string, unknown> & { viewed_by: { view_as_id: string } | null };
  expect(viewed.viewed_by?.view_as_id).toBe(session.id);
  expect(own.me.viewed_by).toBeNull();
  expect({ ...viewed, viewed_by: null }).toEqual(own.me);

  const tabs = page.getByRole('navigation', { name: 'Onderdelen van het portaal' });
  const { features, permissions } = own.me as { features: string[]; permissions: string[] };
  const expected = ['Start', ...TABS_NL.filter(([f, ps]) => features.includes(f) && ps.some((p) => permissions.includes(p))).map(([, , word]) => word), 'Locaties'];
  expect(expected).not.toContain('Offertes'); // his rights hold no quotes
  await expect(tabs.getByRole('link')).toHaveCount(expected.length);
  await expect(tabs.getByRole('link')).toContainText(expected);
  await expect(page.getByRole('link', { name: 'Sam Site' })).toHaveCount(0); // no profile to edit
  await tabs.getByRole('link', { name: 'Locaties' }).click();
  expect(await firstColumn(page, 'Locaties')).toEqual(own.sites.map((s) => s.name).sort());
  await check('s-view-as-2-sites');
  await tabs.getByRole('link', { name: 'Documenten' }).click();
  expect(await firstColumn(page, 'Documenten')).toEqual(own.documents.map((d) => d.title).sort());
  await check('s-view-as-3-documents');

  // Nothing to write with: he may request work, but the page offers no request form.
  expect(own.me.permissions).toContain('create_work_requests');
  await tabs.getByRole('link', { name: 'Aanvragen' }).click();
  await expect(page.getByRole('heading', { name: 'Aanvragen', level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: /Nieuwe aanvraag/ })).toHaveCount(0);
  await check('s-view-as-4-requests');

  // Writes sent during the session as the page would send them: each refused, nothing kept.
  const siteId = (await api(samToken, 'GET', '/portal/sites?limit=1')).items[0].id as string;
  for (const [method, path, body] of [
    ['POST', '/portal/work-requests', { subject: 'Sent while viewing', site_id: siteId, work_order_type: 'repair' }],
    ['PATCH', '/portal/me', { first_name: 'Changed' }],
  ] as const) {
    const refused = await asHim(method, path, body);
    expect(refused.status, `${method} ${path}`).toBe(403);
    expect(await refused.text()).toContain('read-only');
  }
  expect((await api(samToken, 'GET', '/portal/work-requests?limit=200')).items).toHaveLength(own.requests.length);
  expect((await api(samToken, 'GET', '/portal/me')).first_name).toBe('Sam');

  // Back to the console: Sam's page, in the admin's language.
  await banner.getByRole('button', { name: 'Terug naar de console' }).click();
  await expect(page.getByRole('heading', { name: 'Sam Site', level: 1 })).toBeFocused();
  await expect(page).toHaveURL(new RegExp(`/office/members/${samId}$`));
  await expect(page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Members' })).toBeVisible();
  await expect(page.locator('#view-as')).toHaveCount(0);
  // The office's own view of him is unchanged (the API audits the session, not a change).
  expect((await api(adminToken(), 'GET', `/admin/members/${samId}`)).first_name).toBe('Sam');
  expect(violations).toEqual([]);
});

test.describe('in Dutch at phone width', () => {
  test.use({ locale: 'nl-NL', viewport: { width: 390, height: 844 } });

  test('bekijken als een lid: de banner, het eigen portaal van het lid, en terug in de console', async ({ page }) => {
    const violations: string[] = [];
    const check = checker(page, violations, true);
    // Carla's portal, in her language (the portal's default, English).
    const carlaToken = await tokenOf(stack.demo);
    const me = await api(carlaToken, 'GET', '/portal/me');
    const invoices = (await api(carlaToken, 'GET', '/portal/invoices?limit=200')).items as { number: string }[];
    expect(invoices.length).toBeGreaterThan(0);

    await signInNewAdmin(page, 'Vera', 'Bekijken', true);
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Leden' }).click();
    await page.getByLabel('Klant', { exact: true }).selectOption(me.customer_id);
    await page.getByRole('button', { name: 'Leden tonen' }).click();
    await page.getByRole('link', { name: 'Carla Customer' }).click();
    await expect(page.getByRole('heading', { name: 'Carla Customer', level: 1 })).toBeFocused();
    await page.getByRole('button', { name: 'Bekijken als dit lid Carla Customer' }).click();
    await expect(page.locator('#view-as')).toContainText('Viewing as Carla Customer, read-only');
    const tabs = page.getByRole('navigation', { name: 'Portal sections' });
    await tabs.getByRole('link', { name: 'Invoices' }).click();
    await expect(page.getByRole('heading', { name: 'Invoices', level: 1 })).toBeVisible();
    for (const invoice of invoices) await expect(page.getByRole('main')).toContainText(invoice.number);
    await check('s-view-as-5-invoices-nl-phone');
    // A quote sent to her (as the back office publishes one), which she may decide on
    // herself; viewing, the page offers neither approval nor rejection.
    const stamp = Date.now();
    const hq = ((await api(carlaToken, 'GET', '/portal/sites?limit=200')).items as { id: string; name: string }[]).find((x) => x.name === 'Harbor HQ');
    const title = `Door closers ${stamp}`;
    await api(adminToken(), 'PUT', `/admin/quotes/Q-VA-${stamp}`, {
      customer_id: me.customer_id, site_id: hq?.id, title, currency: 'EUR', tax_rate_bps: 2100, status: 'sent', valid_until: '2027-06-30T23:59:59Z',
      lines: [{ description: title, quantity: 1, unit_price: 12_000 }],
    });
    const quote = ((await api(carlaToken, 'GET', '/portal/quotes?limit=200')).items as { id: string; reference: string; title: string }[]).find((q) => q.title === title);
    expect(await api(carlaToken, 'GET', `/portal/quotes/${quote?.id}`)).toMatchObject({ decidable: true, approvable: true });
    await tabs.getByRole('link', { name: 'Quotes' }).click();
    await page.getByRole('link', { name: quote?.reference, exact: true }).click();
    await expect(page.getByRole('heading', { name: title, level: 1 })).toBeVisible();
    await expect(page.getByRole('button', { name: /^(Approve|Reject)$/ })).toHaveCount(0);
    // At 390 px the quote's lines scroll in their own box, which takes focus (axe).
    await check('s-view-as-6-quote-nl-phone');

    await page.getByRole('button', { name: 'Back to the console' }).click();
    await expect(page.getByRole('heading', { name: 'Carla Customer', level: 1 })).toBeFocused();
    await expect(page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Leden' })).toBeVisible();
    await check('s-view-as-7-back-nl-phone');
    expect(violations).toEqual([]);
  });
});
