// Seed 004 ("Maak een portaallidaccount aan"), through the console as it is, in Dutch at
// phone width and in a tenant of its own: a new office adds a customer, and a member
// with their boxes ticked is refused until the set-up is complete (the members screen
// says so and links to it); once it is, the member and a colleague are invited. A document is uploaded visible in the
// portal (through the API: the documents screen is another helper's), then hidden from
// the member with the key icon's boxes on the members screen: the member no longer sees
// it, the colleague still does. Every page checked by axe and for sideways scrolling.

import { expect, test, type Page } from '@playwright/test';
import { api, firstAdminSignIn, memberFirstSignIn, newTenant, pageToken, temporaryPassword } from './stack';
import { checker } from './checks';

/** A PDF uploaded and filed as a customer-wide document, shown in the portal (as
 * seed.rs files them): its id. */
async function visibleDocument(token: string, customerId: string, title: string): Promise<string> {
  const bytes = new TextEncoder().encode(`%PDF-1.4\n% ${title}\n%%EOF\n`);
  const file = await api(token, 'POST', '/admin/files', { file_name: `${title}.pdf`, content_type: 'application/pdf', size: bytes.length });
  const put = await fetch(file.upload_url, { method: 'PUT', headers: file.headers, body: bytes });
  expect(put.ok, `upload: ${put.status}`).toBe(true);
  const document = await api(token, 'POST', '/admin/documents', { customer_id: customerId, file_id: file.file_id, title, visible_in_portal: true });
  return document.id as string;
}

test.describe('in Dutch at phone width', () => {
  test.use({ locale: 'nl-NL', viewport: { width: 390, height: 844 } });

  test('004: leden geweigerd vóór de inrichting, rechten aangevinkt, en een document verborgen voor één lid', async ({ page }) => {
    // A whole help-centre page, office and members: longer than one screen's journey.
    test.slow();
    const violations: string[] = [];
    const check = (p: Page, name: string) => checker(p, violations, true)(name);
    const status = page.getByRole('status');
    const stamp = Date.now();
    const tenant = await newTenant('Dewit', 'Daan', 'Dewit');
    await firstAdminSignIn(page, tenant.email, tenant.temporary, 'Daan-Dewit-2026!', true);
    const menu = page.getByRole('navigation', { name: 'Console' });

    // A customer; a member with the boxes of their rights is refused before the set-up.
    await menu.getByRole('link', { name: 'Klanten' }).click();
    await expect(page.getByRole('heading', { name: 'Klanten', level: 1 })).toBeFocused();
    await page.getByLabel('Naam', { exact: true }).fill('Bakkerij Jansen');
    await page.getByRole('button', { name: 'Klant toevoegen' }).click();
    await expect(status).toHaveText('Bakkerij Jansen is toegevoegd.');
    const anna = `anna.${stamp}@jansen.test`;
    const addAnna = async () => {
      await menu.getByRole('link', { name: 'Leden' }).click();
      await expect(page.getByRole('heading', { name: 'Leden', level: 1 })).toBeFocused();
      await expect(page.getByRole('heading', { name: 'Leden van Bakkerij Jansen' })).toBeVisible();
      await page.getByLabel('Voornaam', { exact: true }).fill('Anna');
      await page.getByLabel('Achternaam', { exact: true }).fill('Jansen');
      await page.getByLabel('E-mailadres', { exact: true }).fill(anna);
      await page.getByLabel('Functie', { exact: true }).fill('Bedrijfsleider');
      for (const box of ['Afgeronde werkorders inzien', 'Werk aanvragen', 'Facturen inzien', 'Documenten inzien', 'Installaties inzien', 'Nieuwe facturen']) {
        await page.getByLabel(box, { exact: true }).check();
      }
      await page.getByRole('button', { name: 'Lid toevoegen' }).click();
    };
    await addAnna();
    await expect(page.locator('#members-setup')).toHaveText('Leden kunnen worden toegevoegd zodra de inrichting van het portaal voltooid is. De inrichting voltooien');
    await expect(page.locator('#new-problem')).toContainText('complete the portal set-up first');
    await expect(page.locator('#new-problem')).toBeFocused();
    const token = await pageToken(page);
    const [customer] = (await api(token, 'GET', '/admin/customers')).items as { id: string }[];
    expect((await api(token, 'GET', `/admin/members?customer_id=${customer.id}`)).items).toEqual([]);
    await check(page, 's-004-1-refused-nl-phone');

    // The set-up, completed (in Dutch for members), from the notice's link.
    await page.locator('#members-setup').getByRole('link', { name: 'De inrichting voltooien' }).click();
    await expect(page.getByRole('heading', { name: 'Inrichting van het portaal', level: 1 })).toBeFocused();
    await page.getByLabel('Adres van het portaal').fill('https://portaal.dewit.test');
    await page.getByLabel('Standaardtaal').selectOption('nl');
    await page.getByRole('switch', { name: 'De inrichting is voltooid: leden mogen worden uitgenodigd' }).check();
    await page.getByRole('button', { name: 'Inrichting opslaan' }).click();
    await expect(page.locator('#setup-state')).toHaveText('De inrichting is voltooid: leden kunnen worden uitgenodigd.');

    // Now Anna is added, with her boxes.
    await addAnna();
    await expect(page.getByRole('heading', { name: 'Anna Jansen', level: 1 })).toBeFocused();
    const annaId = /\/office\/members\/([^/?]+)$/.exec(page.url())?.[1] ?? '';
    const stored = await api(token, 'GET', `/admin/members/${annaId}`);
    expect([...stored.permissions].sort()).toEqual(['create_work_requests', 'view_assets', 'view_completed_jobs', 'view_documents', 'view_invoices']);
    expect(stored).toMatchObject({ notifications: ['invoices'], job_title: 'Bedrijfsleider', admin: false, status: 'not_invited' });
    await check(page, 's-004-2-member-nl-phone');

    // Now Anna is invited; then a colleague who sees documents.
    const membersOf = async () => {
      await menu.getByRole('link', { name: 'Leden' }).click();
      await expect(page.getByRole('heading', { name: 'Leden van Bakkerij Jansen' })).toBeVisible();
      await expect(page.locator('#members-setup')).toHaveCount(0);
    };
    await page.getByRole('button', { name: 'Uitnodiging versturen' }).click();
    await expect(status).toHaveText(`Uitnodiging verstuurd naar ${anna}.`);
    await expect(page.locator('.facts').first()).toContainText('Uitgenodigd');
    await membersOf();
    const bram = `bram.${stamp}@jansen.test`;
    await page.getByLabel('Voornaam', { exact: true }).fill('Bram');
    await page.getByLabel('Achternaam', { exact: true }).fill('Jansen');
    await page.getByLabel('E-mailadres', { exact: true }).fill(bram);
    await page.getByLabel('Documenten inzien', { exact: true }).check();
    await page.getByRole('button', { name: 'Lid toevoegen' }).click();
    await expect(page.getByRole('heading', { name: 'Bram Jansen', level: 1 })).toBeFocused();
    await page.getByRole('button', { name: 'Uitnodiging versturen' }).click();
    await expect(status).toHaveText(`Uitnodiging verstuurd naar ${bram}.`);

    // A document shown in the portal, then hidden from Anna with the key icon's boxes.
    const title = `Onderhoudscontract ${stamp}`;
    const documentId = await visibleDocument(token, stored.customer_id, title);
    await membersOf();
    await page.getByRole('link', { name: 'Anna Jansen' }).click();
    await expect(page.getByRole('heading', { name: 'Anna Jansen', level: 1 })).toBeFocused();
    const hidden = page.getByRole('region', { name: 'Verborgen documenten' });
    await expect(hidden.locator('svg.icon')).toBeVisible(); // the key
    await hidden.getByLabel(title, { exact: true }).check();
    await hidden.getByRole('button', { name: 'Verborgen documenten opslaan' }).click();
    await expect(status).toHaveText('Verborgen documenten opgeslagen.');
    expect((await api(token, 'GET', `/admin/members/${annaId}`)).hidden_document_ids).toEqual([documentId]);
    await check(page, 's-004-3-hidden-nl-phone');
    await membersOf();
    await expect(page.locator(`[data-member="${annaId}"]`)).toContainText('Verborgen documenten');
    await check(page, 's-004-4-members-key-nl-phone');

    // Anna: her sections, and no document. Bram, her colleague: the document.
    const annaPage = await page.context().newPage();
    await memberFirstSignIn(annaPage, anna, await temporaryPassword(anna), 'Anna-Jansen-2026!');
    const tabs = annaPage.getByRole('navigation', { name: 'Onderdelen van het portaal' });
    await expect(tabs.getByRole('link')).toHaveText(['Start', 'Werkorders', 'Aanvragen', 'Facturen', 'Installaties', 'Documenten', 'Locaties']);
    await tabs.getByRole('link', { name: 'Documenten' }).click();
    await expect(annaPage.getByRole('heading', { name: 'Documenten', level: 1 })).toBeVisible();
    await expect(annaPage.getByRole('main')).toContainText('Niets te tonen.');
    await check(annaPage, 's-004-5-member-documents-nl-phone');
    expect((await api(await pageToken(annaPage), 'GET', '/portal/documents')).items).toEqual([]);

    const bramPage = await page.context().newPage();
    await memberFirstSignIn(bramPage, bram, await temporaryPassword(bram), 'Bram-Jansen-2026!');
    await bramPage.getByRole('navigation', { name: 'Onderdelen van het portaal' }).getByRole('link', { name: 'Documenten' }).click();
    await expect(bramPage.getByRole('main').getByRole('cell', { name: title, exact: true })).toBeVisible();
    await check(bramPage, 's-004-6-colleague-documents-nl-phone');
    expect((await api(await pageToken(bramPage), 'GET', '/portal/documents')).items.map((d: { id: string }) => d.id)).toEqual([documentId]);
    expect(violations).toEqual([]);
  });
});
