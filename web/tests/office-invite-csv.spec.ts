// Inviting many members from a CSV (issue 26): the file's rows checked without a browser
// (invite-rows.ts); then an admin picks a new customer and a CSV with one bad row — the
// preview marks it, the good rows are created and invited (one of them after an answer
// lost on the way, as a network drops it), the results file lists every row — and the
// same file again invites nobody twice (the mails per address in the local SES). Then
// the screen in Dutch at phone width. Every page is checked by axe.

import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { parseInvites, resultsCsv, rowKey } from '../src/office/invite-rows';
import { checker } from './checks';
import { adminToken, api, signInNewAdmin, stack } from './stack';

test('invite CSV: rows are read with their columns, checked as the API would, duplicates found', () => {
  const csv = [
    '\uFEFFFirst name;Last name;Email;Phone;Job title;Language;Badge',
    'Ada;Lovelace;ADA@Example.test;+31 20 123 4567;"Engineer; lead";NL;x',
    'Bob;;bob@example.test;;;;',
    '',
    'Cy;Young;not-an-address;0612;;fr;',
    'Dee;Dupe;ada@example.test;;;en;',
    '"Eve ""E""";Quote;eve@example.test;;"Line one',
    'line two";english;',
  ].join('\r\n');
  const parsed = parseInvites(csv);
  expect(parsed.missing).toEqual([]);
  expect(parsed.unknown).toEqual(['badge']);
  expect(parsed.rows).toHaveLength(5);
  const [ada, bob, cy, dee, eve] = parsed.rows;
  expect(ada).toMatchObject({ first_name: 'Ada', email: 'ada@example.test', phone: '+31 20 123 4567', job_title: 'Engineer; lead', language: 'nl', issues: [] });
  expect(bob.issues).toEqual([{ field: 'last_name', issue: 'required' }]);
  expect(cy.issues).toEqual([
    { field: 'email', issue: 'email' },
    { field: 'phone', issue: 'phone' },
    { field: 'language', issue: 'language' },
  ]);
  expect(dee.issues).toEqual([{ field: 'email', issue: 'duplicate' }]);
  // Quotes inside quotes are read; a line break is, but the API takes none in a name.
  expect(eve).toMatchObject({ first_name: 'Eve "E"', job_title: 'Line one\r\nline two', language: 'en' });
  expect(eve.issues).toEqual([{ field: 'job_title', issue: 'long' }]);
  expect(parsed.rows.map((r) => r.line)).toEqual([2, 3, 4, 5, 6]);

  // Comma-separated, a header without the required columns.
  expect(parseInvites('name,email\nAda,ada@example.test').missing).toEqual(['first_name', 'last_name']);
  expect(parseInvites('first_name,last_name,email\n').rows).toEqual([]);

  // The results file: every row, and no cell a spreadsheet would run as a formula.
  const out = resultsCsv(
    [
      { row: ada, outcome: 'created', detail: '' },
      { row: { ...bob, first_name: '=HYPERLINK("x")' }, outcome: 'problem', detail: 'last name is missing' },
    ],
    (o) => o,
  );
  expect(out.split('\r\n')).toEqual([
    'line,first_name,last_name,email,phone,job_title,language,result,detail',
    // A leading + is one too (OWASP's CSV injection advice): the phone number as text.
    "2,Ada,Lovelace,ada@example.test,'+31 20 123 4567,Engineer; lead,nl,created,",
    `3,"'=HYPERLINK(""x"")",,bob@example.test,,,,problem,last name is missing`,
  ]);
});

test('invite CSV: one key per step, customer and address (whatever its case), within the header\'s 100 characters', async () => {
  const a = await rowKey('create', 'cus_1', 'Ada@Example.test');
  expect(a).toBe(await rowKey('create', 'cus_1', 'ada@example.test'));
  expect(a).not.toBe(await rowKey('invite', 'cus_1', 'ada@example.test'));
  expect(a).not.toBe(await rowKey('create', 'cus_2', 'ada@example.test'));
  expect(a).toMatch(/^[!-~]{1,100}$/);
  expect(await rowKey('invite', 'cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D', `${'x'.repeat(240)}@example.test`)).toMatch(/^[!-~]{1,100}$/);
});

/** How many mails the local SES holds for `email`. */
async function mailsTo(email: string): Promise<number> {
  const data = (await (await fetch(`${stack.aws_endpoint_url}/moto-api/data.json`)).json()) as any;
  const mails = (data.ses?.Message ?? []) as { destinations: { ToAddresses?: string[] } }[];
  return mails.filter((m) => m.destinations.ToAddresses?.includes(email)).length;
}

test('an admin invites the good rows of a CSV, downloads the results, and the same file again invites nobody twice', async ({ page }) => {
  test.setTimeout(180_000);
  const violations: string[] = [];
  const check = checker(page, violations);
  const run = Date.now();
  const customer = await api(adminToken(), 'POST', '/admin/customers', { name: `Import Ltd ${run}` });
  const emails = [`web.ivy.${run}@import.test`, `web.jon.${run}@import.test`, `web.kim.${run}@import.test`];
  const csv = Buffer.from(
    [
      'first_name,last_name,email,phone,job_title,language',
      `Ivy,Import,${emails[0]},+31 6 1234 5601,Planner,nl`,
      `Jon,Import,${emails[1]},,,en`,
      'Lou,Lost,lou-at-import.test,,,',
      `Kim,Import,${emails[2]},,Buyer,`,
    ].join('\n'),
  );
  const file = { name: 'people.csv', mimeType: 'text/csv', buffer: csv };

  await signInNewAdmin(page, 'Ines', 'Import');
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Members' }).click();
  await page.getByRole('link', { name: 'Invite many at once from a CSV file' }).click();
  await expect(page.getByRole('heading', { name: 'Invite members from a file', level: 1 })).toBeFocused();
  await expect(page).toHaveURL(/\/office\/members\/import/);
  await page.getByLabel('Customer', { exact: true }).selectOption(customer.id);
  await page.getByLabel('CSV file', { exact: true }).setInputFiles(file);
  await page.getByRole('button', { name: 'Check the file' }).click();

  // The preview: the bad row marked, nothing created yet.
  await expect(page.getByRole('heading', { name: 'Preview' })).toBeFocused();
  await expect(page.locator('#preview-summary')).toHaveText('4 rows: 3 ready, 1 with a problem (left out).');
  await expect(page.locator('#preview tr[data-row="4"]')).toContainText('not an email address');
  await expect(page.locator('#preview tr[data-row="2"]')).toContainText('Ready');
  expect((await api(adminToken(), 'GET', `/admin/members?customer_id=${customer.id}`)).items).toEqual([]);
  await check('v-1-preview');

  // Jon's answer is lost on the way back: the API created him, the page does not know.
  let lost = false;
  await page.route('**/admin/members', async (route) => {
    const body = route.request().postDataJSON() as { email?: string } | null;
    if (!lost && route.request().method() === 'POST' && body?.email === emails[1]) {
      lost = true;
      await route.fetch();
      await route.abort('failed');
    } else await route.continue();
  });
  await page.getByRole('button', { name: 'Create and invite 3 members' }).click();
  // Each row waits for the API's answers (an invitation is a Cognito user and a mail).
  await expect(page.locator('#invite-finished')).toHaveText('Done: 2 created and invited, 0 invited, 0 already existed, 2 with a problem.', { timeout: 45_000 });
  await expect(page.locator('#invite-finished')).toBeFocused();
  await expect(page.getByLabel('Progress', { exact: true })).toHaveAttribute('value', '4');
  await expect(page.locator('#results tr[data-row="2"]')).toContainText('Created and invited');
  await expect(page.locator('#results tr[data-row="3"]')).toContainText('Problem');
  await expect(page.locator('#results tr[data-row="4"]')).toContainText('Problem: not an email address');
  expect(lost).toBe(true);
  await check('v-2-results');

  // The results file lists every row.
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download results' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`invite-results-Import-Ltd-${run}.csv`);
  const lines = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '').trim().split(/\r\n/);
  expect(lines[0]).toBe('line,first_name,last_name,email,phone,job_title,language,result,detail');
  expect(lines.slice(1).map((l) => l.split(',').slice(0, 4).join(','))).toEqual([
    `2,Ivy,Import,${emails[0]}`, `3,Jon,Import,${emails[1]}`, '4,Lou,Lost,lou-at-import.test', `5,Kim,Import,${emails[2]}`,
  ]);
  expect(lines[1]).toContain('Created and invited');
  expect(lines[3]).toContain('Problem,not an email address');

  const members = (await api(adminToken(), 'GET', `/admin/members?customer_id=${customer.id}`)).items;
  expect(members.map((m: { email: string }) => m.email).sort()).toEqual([...emails].sort());
  expect(members.every((m: { admin: boolean }) => !m.admin)).toBe(true);
  const ivy = members.find((m: { email: string }) => m.email === emails[0]);
  expect(ivy).toMatchObject({ locale: 'nl', job_title: 'Planner', status: 'invited' });
  expect(ivy.phone.replace(/\s/g, '')).toBe('+31612345601');
  expect(await Promise.all(emails.map(mailsTo))).toEqual([1, 0, 1]);

  // The same file again: Jon, created but not invited, is invited; nobody else twice.
  await page.unrouteAll();
  await page.getByLabel('CSV file', { exact: true }).setInputFiles(file);
  await page.getByRole('button', { name: 'Check another file' }).click();
  await expect(page.locator('#preview tr[data-row="2"]')).toContainText('Already a member');
  await expect(page.locator('#preview tr[data-row="3"]')).toContainText('Already a member, not invited yet: invited');
  await page.getByRole('button', { name: 'Create and invite 3 members' }).click();
  await expect(page.locator('#invite-finished')).toHaveText('Done: 0 created and invited, 1 invited, 2 already existed, 1 with a problem.', { timeout: 45_000 });
  await expect(page.locator('#results tr[data-row="2"]')).toContainText('Already exists: nothing sent');
  await expect(page.locator('#results tr[data-row="3"]')).toContainText('Invited (was a member already)');
  await check('v-3-again');
  expect(await Promise.all(emails.map(mailsTo))).toEqual([1, 1, 1]);
  expect((await api(adminToken(), 'GET', `/admin/members?customer_id=${customer.id}`)).items).toHaveLength(3);
  expect(violations).toEqual([]);
});

test.describe('in Dutch at phone width', () => {
  test.use({ locale: 'nl-NL', viewport: { width: 390, height: 844 } });

  test('an admin checks a CSV: the preview marks the rows with a problem', async ({ page }) => {
    const violations: string[] = [];
    const check = checker(page, violations, true);
    const customer = await api(adminToken(), 'POST', '/admin/customers', { name: `Import BV ${Date.now()}` });
    const csv = Buffer.from(`first_name,last_name,email\nNina,Nieuw,web.nina.${Date.now()}@import.test\nNina,,nina@import\n`);

    await signInNewAdmin(page, 'Ivo', 'Import', true);
    await page.goto(`/office/members/import?customer=${customer.id}`);
    await expect(page.getByRole('heading', { name: 'Leden uitnodigen vanuit een bestand', level: 1 })).toBeFocused();
    await expect(page.getByLabel('Klant', { exact: true })).toHaveValue(customer.id);
    await page.getByRole('button', { name: 'Het bestand controleren' }).click();
    await expect(page.locator('#invite-file-error')).toHaveText('Kies een CSV-bestand.');
    await check('v-4-empty-nl-phone');
    await page.getByLabel('CSV-bestand', { exact: true }).setInputFiles({ name: 'leden.csv', mimeType: 'text/csv', buffer: csv });
    await page.getByRole('button', { name: 'Het bestand controleren' }).click();
    await expect(page.locator('#preview-summary')).toHaveText('2 regels: 1 klaar, 1 met een probleem (weggelaten).');
    await expect(page.locator('#preview tr[data-row="3"]')).toContainText('Achternaam ontbreekt; geen e-mailadres');
    await expect(page.getByRole('button', { name: '1 lid aanmaken en uitnodigen' })).toBeVisible();
    await check('v-5-preview-nl-phone');
    expect((await api(adminToken(), 'GET', `/admin/members?customer_id=${customer.id}`)).items).toEqual([]);
    expect(violations).toEqual([]);
  });
});
