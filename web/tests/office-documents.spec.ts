// The console's documents screen (issue 26): an admin uploads a PDF for a new customer
// (a non-PDF and a too-large file are refused before anything is sent; the upload shows
// its progress), shows it in the portal — two members of the customer see it, through
// the API with their own tokens — downloads it, hides it from one of them (they no
// longer see it, their colleague still does), stops showing it, and deletes it; then the
// screen in Dutch at phone width, for a site. Every page is checked by axe.

import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { checker, notice } from './checks';
import { adminToken, api, cognito, signInNewAdmin, stack, temporaryPassword } from './stack';

/** A new member of `customerId` who may see documents, invited, who has signed in once
 * (a new password for the emailed one): their id and ID token. */
async function documentReader(customerId: string, first: string): Promise<{ id: string; token: string }> {
  const email = `web.${first.toLowerCase()}.${Date.now()}@harbor.test`;
  const member = await api(adminToken(), 'POST', '/admin/members', {
    customer_id: customerId, first_name: first, last_name: 'Reader', email, permissions: ['view_documents'], admin: false,
  });
  await api(adminToken(), 'POST', `/admin/members/${member.id}/invite`, {});
  const ClientId = stack.user_pool_client_id;
  const started = await cognito('InitiateAuth', {
    AuthFlow: 'USER_PASSWORD_AUTH', ClientId, AuthParameters: { USERNAME: email, PASSWORD: await temporaryPassword(email) },
  });
  expect(started.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
  const done = await cognito('RespondToAuthChallenge', {
    ChallengeName: 'NEW_PASSWORD_REQUIRED', ClientId, Session: started.Session,
    ChallengeResponses: { USERNAME: email, NEW_PASSWORD: `${first}-Reader-2026!` },
  });
  return { id: member.id, token: done.AuthenticationResult.IdToken as string };
}

/** The titles of the documents a member's portal lists. */
async function portalTitles(token: string): Promise<string[]> {
  const page = await api(token, 'GET', '/portal/documents?limit=200');
  return page.items.map((d: { title: string }) => d.title);
}

/** A small PDF of about `size` bytes (a comment pads it). */
function pdf(size = 2_000_000): Buffer {
  const head = '%PDF-1.4\n% Northwind test document\n';
  const tail = '\n%%EOF\n';
  return Buffer.concat([Buffer.from(head), Buffer.alloc(Math.max(size - head.length - tail.length, 0), '%'), Buffer.from(tail)]);
}

/** A PDF uploaded as the office (`POST /admin/files`, then the presigned PUT): its id. */
async function uploaded(name: string): Promise<string> {
  const bytes = pdf(1_000);
  const target = await api(adminToken(), 'POST', '/admin/files', { file_name: name, content_type: 'application/pdf', size: bytes.length });
  const put = await fetch(target.upload_url, { method: target.method, headers: target.headers, body: new Uint8Array(bytes) });
  expect(put.ok).toBe(true);
  return target.file_id;
}

/** The customer's document titled `title`, as the API has it. */
async function documentTitled(customerId: string, title: string): Promise<any> {
  const page = await api(adminToken(), 'GET', `/admin/documents?customer_id=${customerId}&limit=200`);
  return page.items.find((d: { title: string }) => d.title === title);
}

test('an admin uploads a PDF with progress, shows it in the portal, hides it from one member, and deletes it', async ({ page }) => {
  test.setTimeout(120_000);
  const violations: string[] = [];
  const check = checker(page, violations);
  const customer = await api(adminToken(), 'POST', '/admin/customers', { name: `Docs Ltd ${Date.now()}` });
  const [ann, ben] = await Promise.all([documentReader(customer.id, 'Ann'), documentReader(customer.id, 'Ben')]);

  await signInNewAdmin(page, 'Dora', 'Documents');
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Documents' }).click();
  await expect(page.getByRole('heading', { name: 'Documents', level: 1 })).toBeFocused();
  await page.getByLabel('Customer', { exact: true }).selectOption(customer.id);
  await page.getByRole('button', { name: 'Show documents' }).click();
  await expect(page).toHaveURL(new RegExp(`/office/documents\\?customer=${customer.id}$`));
  await expect(page.getByRole('heading', { name: `Documents of ${customer.name}` })).toBeVisible();
  await expect(page.getByText('No documents yet.')).toBeVisible();
  await check('f-1-list');

  // What is not a PDF, or too large, is refused here: nothing is sent.
  const sent: string[] = [];
  page.on('request', (r) => r.method() !== 'GET' && sent.push(`${r.method()} ${new URL(r.url()).pathname}`));
  const file = page.getByLabel('PDF file', { exact: true });
  await file.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a pdf') });
  await page.getByRole('button', { name: 'Upload document' }).click();
  await expect(page.locator('#upload-file-error')).toHaveText('notes.txt is not a PDF. Choose a PDF file.');
  await expect(file).toBeFocused();
  await expect(file).toHaveAttribute('aria-invalid', 'true');
  await file.setInputFiles({ name: 'Scan.pdf', mimeType: 'application/pdf', buffer: pdf(26_214_401) });
  await page.getByRole('button', { name: 'Upload document' }).click();
  await expect(page.locator('#upload-file-error')).toHaveText('Scan.pdf is larger than 25 MB, the most that can be uploaded.');
  await check('f-2-refused');
  expect(sent).toEqual([]);

  // A PDF: its name is the first title; the progress bar runs to the end.
  const title = `Gas safety certificate ${Date.now()}`;
  await file.setInputFiles({ name: 'Gas safety.pdf', mimeType: 'application/pdf', buffer: pdf() });
  await expect(page.getByLabel('Title', { exact: true })).toHaveValue('Gas safety');
  await page.getByLabel('Title', { exact: true }).fill(title);
  await expect(page.getByLabel(/^Show it in the portal/)).toBeChecked();
  await page.getByRole('button', { name: 'Upload document' }).click();
  await expect(notice(page)).toHaveText(`${title} is uploaded.`);
  await expect(notice(page)).toBeFocused();
  await expect(page.getByLabel('Upload progress')).toHaveAttribute('value', '100');
  await expect(page.locator('#upload-progress-text')).toHaveText('Uploading Gas safety.pdf: 100%');
  expect(sent.filter((s) => s.startsWith('PUT '))).toHaveLength(1);
  const row = page.locator('#documents-table tr', { hasText: title });
  await expect(row).toContainText('Shown');
  await expect(row).toContainText('Gas safety.pdf');
  const stored = await documentTitled(customer.id, title);
  expect(stored).toMatchObject({ title, visible_in_portal: true, content_type: 'application/pdf', size: 2_000_000, site_id: null });
  await check('f-3-uploaded');

  // Both members see it in their portal.
  expect(await portalTitles(ann.token)).toContain(title);
  expect(await portalTitles(ben.token)).toContain(title);

  // Its page: hidden from Ann only.
  await page.getByRole('link', { name: title }).click();
  await expect(page.getByRole('heading', { name: title, level: 1 })).toBeFocused();
  await expect(page.locator('#document-visible')).toHaveText('Shown');
  await expect(page.getByLabel('Ann Reader', { exact: true })).not.toBeChecked();
  await check('f-4-document');
  // Its file, as uploaded.
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download Gas safety.pdf' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('Gas safety.pdf');
  expect(readFileSync(await download.path()).equals(pdf())).toBe(true);
  await page.getByLabel('Ann Reader', { exact: true }).check();
  await page.getByRole('button', { name: 'Save who it is hidden from' }).click();
  await expect(notice(page)).toHaveText('Saved: hidden from 1 member.');
  await expect(page.getByLabel('Ann Reader', { exact: true })).toBeChecked();
  expect((await api(adminToken(), 'GET', `/admin/members/${ann.id}`)).hidden_document_ids).toEqual([stored.id]);
  expect((await api(adminToken(), 'GET', `/admin/members/${ben.id}`)).hidden_document_ids).toEqual([]);
  expect(await portalTitles(ann.token)).not.toContain(title);
  expect(await portalTitles(ben.token)).toContain(title);
  await check('f-5-hidden');

  // Not shown in the portal any more: Ben no longer sees it either.
  await page.getByLabel(/^Show it in the portal/).uncheck();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(notice(page)).toHaveText('Changes saved.');
  await expect(page.locator('#document-visible')).toHaveText('Not shown');
  expect((await api(adminToken(), 'GET', `/admin/documents/${stored.id}`)).visible_in_portal).toBe(false);
  expect(await portalTitles(ben.token)).not.toContain(title);

  // Deleting asks first; then the list says so and the API has it no more.
  await page.getByRole('button', { name: 'Delete document' }).click();
  await expect(page.getByRole('button', { name: 'Yes, delete' })).toBeFocused();
  await check('f-6-delete');
  await page.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(page.getByRole('heading', { name: 'Documents', level: 1 })).toBeFocused();
  await expect(page.locator('#documents-notice')).toHaveText(`${title} is deleted.`);
  await expect(page.getByRole('link', { name: title })).toHaveCount(0);
  expect(await documentTitled(customer.id, title)).toBeUndefined();
  expect(violations).toEqual([]);
});

test.describe('in Dutch at phone width', () => {
  test.use({ locale: 'nl-NL', viewport: { width: 390, height: 844 } });

  test('an admin uploads a document that the portal does not show yet, opens it and deletes it', async ({ page }) => {
    const violations: string[] = [];
    const check = checker(page, violations, true);
    const customer = await api(adminToken(), 'POST', '/admin/customers', { name: `Documenten BV ${Date.now()}` });
    await api(adminToken(), 'POST', `/admin/customers/${customer.id}/sites`, { name: 'Magazijn Zuid', address: '2 Havenweg, Breda' });
    await api(adminToken(), 'POST', '/admin/documents', {
      customer_id: customer.id, file_id: await uploaded('Prijslijst.pdf'), title: 'Prijslijst 2027 (concept)', visible_in_portal: false,
    });

    await signInNewAdmin(page, 'Daan', 'Documenten', true);
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Documenten' }).click();
    await expect(page.getByRole('heading', { name: 'Documenten', level: 1 })).toBeFocused();
    await page.getByLabel('Klant', { exact: true }).selectOption(customer.id);
    await page.getByRole('button', { name: 'Documenten tonen' }).click();
    await expect(page.getByRole('heading', { name: `Documenten van ${customer.name}` })).toBeVisible();
    await expect(page.locator('#documents-table tr', { hasText: 'Prijslijst 2027 (concept)' })).toContainText('Niet zichtbaar');
    await check('f-7-list-nl-phone');

    const title = `Onderhoudsrapport ${Date.now()}`;
    await page.getByLabel('Pdf-bestand', { exact: true }).setInputFiles({ name: 'rapport.pdf', mimeType: 'application/pdf', buffer: pdf(300_000) });
    await page.getByLabel('Titel', { exact: true }).fill(title);
    await page.getByLabel('Locatie', { exact: true }).selectOption({ label: 'Magazijn Zuid' });
    await page.getByLabel(/^Toon het in het portaal/).uncheck();
    await page.getByRole('button', { name: 'Document uploaden' }).click();
    await expect(notice(page)).toHaveText(`${title} is geüpload.`);
    await expect(page.locator('#upload-progress-text')).toHaveText('rapport.pdf uploaden: 100%');
    const stored = await documentTitled(customer.id, title);
    expect(stored).toMatchObject({ visible_in_portal: false, file_name: 'rapport.pdf' });
    expect(stored.site_id).toBeTruthy();
    await check('f-8-uploaded-nl-phone');

    await page.getByRole('link', { name: title }).click();
    await expect(page.getByRole('heading', { name: title, level: 1 })).toBeFocused();
    await expect(page.locator('#document-visible')).toHaveText('Niet zichtbaar');
    await expect(page.getByRole('main')).toContainText('Magazijn Zuid');
    await expect(page.getByText('Deze klant heeft geen leden.')).toBeVisible();
    await check('f-9-document-nl-phone');
    await page.getByRole('button', { name: 'Document verwijderen' }).click();
    await page.getByRole('button', { name: 'Ja, verwijderen' }).click();
    await expect(page.locator('#documents-notice')).toHaveText(`${title} is verwijderd.`);
    expect(await documentTitled(customer.id, title)).toBeUndefined();
    expect(violations).toEqual([]);
  });
});
