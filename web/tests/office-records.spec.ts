// The console's Records, KPI reports and Audit trail screens (issue 26): an admin filters
// the jobs by status and customer (every row matches, and the API gives the same jobs),
// pages through every job (none twice, none missing), opens a quote with its decision and
// one with an approval refused over a member's limit, opens an invoice; runs a KPI report
// for the demo customer (a chart, and a table with the API's numbers); and reads the
// audit trail of a customer the test has just renamed through the API (the change's
// fields, before and after), a malformed actor refused beside its field. Then the three
// screens in Dutch at phone width. Every page is checked by axe.

import { expect, test, type Page } from '@playwright/test';
import { moneyIn } from '../src/intl';
import { adminToken, api, signInNewAdmin, stack, tokenOf } from './stack';
import { checker } from './checks';

/** A customer of the demo tenant by name: its id. */
async function customerId(name: string): Promise<string> {
  const { items } = await api(adminToken(), 'GET', '/admin/customers?limit=200');
  const found = items.find((c: { name: string }) => c.name === name);
  expect(found, name).toBeTruthy();
  return found.id as string;
}

/** Every item of an admin list (all its pages). */
async function everything(path: string): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page: { items: any[]; next_cursor?: string | null } = await api(
      adminToken(),
      'GET',
      `${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    out.push(...page.items);
    cursor = page.next_cursor ?? null;
  } while (cursor);
  return out;
}

/** The text of one column of the table shown (`n`, from 1), row by row. */
async function column(page: Page, n: number): Promise<string[]> {
  return page.locator(`main table tbody tr td:nth-child(${n}), main table tbody tr th:nth-child(${n})`).allInnerTexts();
}

const eur = (minor: number) => moneyIn('en', minor, 'EUR');

test('an admin reads the records, a KPI report and the audit trail', async ({ page }) => {
  const violations: string[] = [];
  const check = checker(page, violations);
  const harbor = await customerId('Harbor Retail Group');
  const outlets = await customerId('Harbor Outlet Stores');

  await signInNewAdmin(page, 'Rita', 'Records');
  const menu = page.getByRole('navigation', { name: 'Console' });
  await menu.getByRole('link', { name: 'Records' }).click();
  await expect(page.getByRole('heading', { name: 'Records', level: 1 })).toBeFocused();
  await expect(page.getByRole('navigation', { name: 'Kind of record' }).getByRole('link', { name: 'Jobs' })).toHaveAttribute('aria-current', 'page');
  await expect(page.locator('main table tbody tr').first()).toBeVisible();

  // Jobs by status and customer: every row matches, and they are the API's.
  await page.getByLabel('Customer', { exact: true }).selectOption(harbor);
  await page.getByLabel('Status', { exact: true }).selectOption('completed');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(new RegExp(`/office/records/jobs\\?customer_id=${harbor}&status=completed$`));
  await expect(page.getByLabel('Status', { exact: true })).toHaveValue('completed');
  const expected = await everything(`/admin/jobs?customer_id=${harbor}&status=completed`);
  expect(expected.length).toBeGreaterThan(10);
  expect(expected.length).toBeLessThanOrEqual(25);
  await expect(page.locator('main table tbody tr')).toHaveCount(expected.length);
  // Columns: reference, customer, status, site, category, reported, completed.
  expect(new Set(await column(page, 2))).toEqual(new Set(['Harbor Retail Group']));
  expect(new Set(await column(page, 3))).toEqual(new Set(['Completed']));
  expect(new Set(await column(page, 4))).toEqual(new Set(['Harbor HQ']));
  expect((await column(page, 1)).sort()).toEqual(expected.map((j) => j.external_ref).sort());
  await check('d-1-jobs-filtered');

  // Every job, 25 a page: paged through with the cursor, none twice, none missing.
  await page.getByRole('link', { name: 'Clear' }).click();
  await expect(page).toHaveURL(/\/office\/records\/jobs$/);
  const all = await everything('/admin/jobs');
  expect(all.length).toBeGreaterThan(25);
  const seen: string[] = [];
  const pager = page.getByRole('navigation', { name: 'Pages' });
  for (;;) {
    await expect(page.locator('main table tbody tr').first()).toBeVisible();
    const refs = await column(page, 1);
    expect(refs.length).toBeLessThanOrEqual(25);
    seen.push(...refs);
    const next = pager.getByRole('button', { name: 'Next page' });
    if (await next.isDisabled()) break;
    await next.click();
    await expect(page.locator('main table tbody tr td:first-child').first()).not.toHaveText(refs[0]);
  }
  expect(seen.length).toBe(new Set(seen).size);
  expect(seen.sort()).toEqual(all.map((j) => j.external_ref).sort());
  await check('d-2-jobs-last-page');
  await pager.getByRole('button', { name: 'Previous page' }).click();
  await expect(page.locator('main table tbody tr')).toHaveCount(25);

  // A job's page: its facts, history and notes.
  await page.goto('/office/records/jobs?customer_id=' + harbor);
  await page.getByRole('link', { name: 'WO-24001', exact: true }).click();
  await expect(page.getByRole('heading', { name: /WO-24001/, level: 1 })).toBeFocused();
  await expect(page.locator('.facts')).toContainText('Harbor HQ');
  await expect(page.locator('.facts')).toContainText('Harbor Retail Group');
  await expect(page.getByRole('heading', { name: 'Status history' })).toBeVisible();

  // Quotes: the approved one, with its decision as the API has it.
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Records' }).click();
  await page.getByRole('navigation', { name: 'Kind of record' }).getByRole('link', { name: 'Quotes' }).click();
  await expect(page).toHaveURL(/\/office\/records\/quotes$/);
  await page.getByLabel('Customer', { exact: true }).selectOption(harbor);
  await page.getByLabel('Status', { exact: true }).selectOption('approved');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(/status=approved/);
  await expect(page.locator('main table tbody tr').first()).toBeVisible();
  // Columns: reference, title, customer, status.
  expect(new Set(await column(page, 4))).toEqual(new Set(['Approved']));
  await page.getByRole('link', { name: 'Q-24008', exact: true }).click();
  await expect(page.getByRole('heading', { name: /Q-24008/, level: 1 })).toBeFocused();
  const q8 = await api(adminToken(), 'GET', '/admin/quotes/Q-24008');
  expect(q8.decision).toMatchObject({ outcome: 'approved', signed_by: 'Carla Customer', po_number: 'PO-2026-0412' });
  const decided = page.locator('dl[aria-labelledby="quote-decision"]');
  for (const text of ['Approved', 'Carla Customer', 'PO-2026-0412', 'Please do it on a Saturday.']) await expect(decided).toContainText(text);
  await expect(page.getByRole('link', { name: 'Carla Customer' })).toHaveAttribute('href', `/office/members/${q8.decision.member_id}`);
  await check('d-3-quote-decision');

  // A member tries to approve a quote above her limit: the API refuses and keeps the attempt.
  const q11 = await api(adminToken(), 'GET', '/admin/quotes/Q-24011');
  const refused = await fetch(`${stack.api_url}/portal/quotes/${q11.id}/approve`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await tokenOf(stack.demo)}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
    body: JSON.stringify({ signed_by: 'Carla Customer' }),
  });
  expect(refused.status).toBe(403);
  const attempts = (await api(adminToken(), 'GET', '/admin/quotes/Q-24011')).approval_attempts;
  expect(attempts.length).toBeGreaterThan(0);
  await page.goto(`/office/records/quotes?customer_id=${outlets}`);
  await page.getByRole('link', { name: 'Q-24011', exact: true }).click();
  await expect(page.getByRole('heading', { name: /Q-24011/, level: 1 })).toBeFocused();
  await expect(page.locator('#approval-attempts tbody tr')).toHaveCount(attempts.length);
  await expect(page.locator('#approval-attempts tbody tr').first()).toContainText('Carla Customer');
  await expect(page.locator('#approval-attempts tbody tr').first()).toContainText(eur(attempts[0].limit));
  await expect(page.getByText('No decision yet.')).toBeVisible();
  await check('d-4-quote-attempts');

  // An invoice: its amounts as the API has them.
  await page.getByRole('link', { name: '← All quotes' }).click();
  await page.getByRole('navigation', { name: 'Kind of record' }).getByRole('link', { name: 'Invoices' }).click();
  await page.getByLabel('Customer', { exact: true }).selectOption(harbor);
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(new RegExp(`/office/records/invoices\\?customer_id=${harbor}$`));
  await page.getByRole('link', { name: '2026-0311', exact: true }).click();
  await expect(page.getByRole('heading', { name: /2026-0311/, level: 1 })).toBeFocused();
  const inv = await api(adminToken(), 'GET', '/admin/invoices/INV-2026-0311');
  const facts = page.locator('.facts');
  for (const text of [eur(inv.total), eur(inv.amount_paid), eur(inv.balance), 'Harbor HQ', 'INV-2026-0311']) await expect(facts).toContainText(text);
  await expect(facts.getByRole('button', { name: 'PDF', exact: true })).toBeVisible();
  await check('d-5-invoice');

  // Equipment: the demo customer's, one with its history.
  await page.getByRole('link', { name: '← All invoices' }).click();
  await page.getByRole('navigation', { name: 'Kind of record' }).getByRole('link', { name: 'Equipment' }).click();
  await page.getByLabel('Customer', { exact: true }).selectOption(harbor);
  await page.getByRole('button', { name: 'Apply filters' }).click();
  const assets = await everything(`/admin/assets?customer_id=${harbor}`);
  await expect(page.locator('main table tbody tr')).toHaveCount(assets.length);
  await page.getByRole('link', { name: assets[0].name, exact: true }).click();
  await expect(page.getByRole('heading', { name: assets[0].name, level: 1 })).toBeFocused();
  await check('d-6-asset');

  // A KPI report for the demo customer: the chart, and the table with the API's numbers.
  await menu.getByRole('link', { name: 'KPI reports' }).click();
  await expect(page.getByRole('heading', { name: 'KPI reports', level: 1 })).toBeFocused();
  await page.getByLabel('Customer', { exact: true }).selectOption(harbor);
  await page.getByLabel('Report', { exact: true }).selectOption('completed_service_visits');
  await page.getByRole('button', { name: 'Show report' }).click();
  await expect(page.getByRole('heading', { name: 'Completed service visits for Harbor Retail Group' })).toBeVisible();
  const report = await api(adminToken(), 'GET', `/admin/reports/completed_service_visits?customer_id=${harbor}`);
  expect(report.rows.length).toBeGreaterThan(0);
  expect(report.rows.some((r: { value: number }) => r.value > 0)).toBe(true);
  await expect(page.locator('figure.chart svg rect')).toHaveCount(report.rows.length);
  const monthName = (m: string) => {
    const [y, mo] = m.split('-').map(Number);
    return new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric' }).format(new Date(Date.UTC(y, mo - 1, 1)));
  };
  await expect(page.locator('.report table tbody th')).toHaveText(report.rows.map((r: { month: string }) => monthName(r.month)));
  await expect(page.locator('.report table tbody td')).toHaveText(report.rows.map((r: { value: number }) => String(r.value)));
  await check('d-7-report');
  // A period that ends before it starts: the API's words beside the month it names.
  await page.getByLabel('From month', { exact: true }).fill('2026-06');
  await page.getByLabel('Until month', { exact: true }).fill('2026-01');
  await page.getByRole('button', { name: 'Show report' }).click();
  await expect(page).toHaveURL(/from=2026-06&to=2026-01/);
  await expect(page.getByLabel('From month', { exact: true })).toBeFocused();
  await expect(page.getByLabel('From month', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#r-from-error')).toContainText('must not be after');
  await expect(page.locator('figure.chart')).toHaveCount(0);

  // The audit trail of a customer the test renames through the API: the change's fields.
  const name = `Audit Works ${Date.now()}`;
  const made = await api(adminToken(), 'POST', '/admin/customers', { name, account_code: `AW-${Date.now() % 100000}` });
  await api(adminToken(), 'PATCH', `/admin/customers/${made.id}`, { name: `${name} BV` });
  const trail = await api(adminToken(), 'GET', `/admin/audit?entity=${made.id}`);
  expect(trail.items.length).toBe(2);
  const renamed = trail.items[0];
  expect(renamed.changes).toContainEqual({ field: 'name', before: name, after: `${name} BV` });

  await menu.getByRole('link', { name: 'Audit trail' }).click();
  await expect(page.getByRole('heading', { name: 'Audit trail', level: 1 })).toBeFocused();
  // A malformed actor: the API's words beside the field, and focus on it.
  await page.getByLabel('Actor', { exact: true }).fill('robot:x');
  await page.getByRole('button', { name: 'Show events' }).click();
  await expect(page.getByLabel('Actor', { exact: true })).toBeFocused();
  await expect(page.getByLabel('Actor', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#audit-actor-error')).toContainText('must be admin:<sub>');
  await check('d-8-audit-refused');
  await page.getByLabel('Actor', { exact: true }).fill('');
  await page.getByLabel('Object id', { exact: true }).fill(made.id);
  await page.getByRole('button', { name: 'Show events' }).click();
  await expect(page).toHaveURL(new RegExp(`/office/audit\\?entity=${made.id}$`));
  const events = page.locator('main ol.cards > li');
  await expect(events).toHaveCount(2);
  // Newest first: the rename, by the office's admin, with its fields before and after.
  const first = events.first();
  await expect(first.getByRole('heading', { level: 3 })).toHaveText(renamed.action);
  await expect(first).toContainText(renamed.actor);
  const nameRow = first.locator('tbody tr').filter({ has: page.locator('th', { hasText: /^name$/ }) });
  await expect(nameRow.locator('td')).toHaveText([name, `${name} BV`]);
  await expect(events.nth(1).getByRole('heading', { level: 3 })).toHaveText(trail.items[1].action);
  await check('d-9-audit-entity');
  // The actor's link filters by them.
  // The admin by name, and as the filter takes them.
  expect(renamed.actor_name).toBe('Nora Admin');
  await first.getByRole('link', { name: renamed.actor_name }).click();
  await expect(page).toHaveURL(/\/office\/audit\?actor=/);
  await expect(page.getByLabel('Actor', { exact: true })).toHaveValue(renamed.actor);
  await expect(events.first()).toBeVisible();
  expect(violations).toEqual([]);
});

test.describe('in Dutch at phone width', () => {
  test.use({ locale: 'nl-NL', viewport: { width: 390, height: 844 } });

  test('an admin walks through the records, a KPI report and the audit trail', async ({ page }) => {
    const violations: string[] = [];
    const check = checker(page, violations, true);
    const harbor = await customerId('Harbor Retail Group');

    await signInNewAdmin(page, 'Gerrit', 'Gegevens', true);
    const menu = page.getByRole('navigation', { name: 'Console' });
    await menu.getByRole('link', { name: 'Gegevens' }).click();
    await expect(page.getByRole('heading', { name: 'Gegevens', level: 1 })).toBeFocused();
    await page.getByLabel('Klant', { exact: true }).selectOption(harbor);
    await page.getByLabel('Status', { exact: true }).selectOption('scheduled');
    await page.getByRole('button', { name: 'Filters toepassen' }).click();
    // The seeded scheduled job (other journeys may have added more).
    await expect(page.getByRole('link', { name: 'WO-24002', exact: true })).toBeVisible();
    expect(new Set(await column(page, 3))).toEqual(new Set(['Ingepland']));
    await check('d-10-jobs-nl-phone');

    await page.getByRole('navigation', { name: 'Soort gegevens' }).getByRole('link', { name: 'Offertes' }).click();
    await expect(page.locator('main table tbody tr').first()).toBeVisible();
    await page.getByRole('link', { name: 'Q-24013', exact: true }).click();
    await expect(page.getByRole('heading', { name: /Q-24013/, level: 1 })).toBeFocused();
    const decided = page.locator('dl[aria-labelledby="quote-decision"]');
    await expect(decided).toContainText('Afgewezen');
    await expect(decided).toContainText('We will replace the scales next year.');
    await check('d-11-quote-nl-phone');

    await menu.getByRole('link', { name: 'KPI-rapporten' }).click();
    await expect(page.getByRole('heading', { name: 'KPI-rapporten', level: 1 })).toBeFocused();
    await page.getByLabel('Klant', { exact: true }).selectOption(harbor);
    await page.getByLabel('Rapport', { exact: true }).selectOption('first_time_fix');
    await page.getByRole('button', { name: 'Rapport tonen' }).click();
    await expect(page.getByRole('heading', { level: 2 }).filter({ hasText: 'Harbor Retail Group' })).toBeVisible();
    await expect(page.locator('figure.chart svg')).toBeVisible();
    await check('d-12-report-nl-phone');

    await menu.getByRole('link', { name: 'Audittrail' }).click();
    await expect(page.getByRole('heading', { name: 'Audittrail', level: 1 })).toBeFocused();
    await page.getByRole('link', { name: 'Wat ik deed' }).click();
    await expect(page).toHaveURL(/\/office\/audit\?actor=admin/);
    // This admin has done nothing yet but sign in; the demo tenant's trail has plenty.
    await page.getByRole('link', { name: 'Wissen' }).click();
    await expect(page.locator('main ol.cards > li').first()).toBeVisible();
    await check('d-13-audit-nl-phone');
    expect(violations).toEqual([]);
  });
});
