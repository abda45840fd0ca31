// The console's Integrations screen (issue 27): an admin adds an integration with two
// scopes (none ticked first: the API's refusal beside the scopes), sees its secret once —
// and the token endpoint takes it, the API acts with its scopes; rotates it (a new
// secret, the old client retiring); revokes it, and its token is refused at once. Then
// the screen in Dutch at phone width. Every page is checked by axe.

import { expect, test } from '@playwright/test';
import { api, signInNewAdmin, stack } from './stack';
import { checker } from './checks';

/** An access token for the credentials, from the token endpoint they name. */
async function clientToken(tokenUrl: string, id: string, secret: string): Promise<Response> {
  return fetch(tokenUrl, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
}

test('an admin adds an integration, sees its secret once, rotates it and revokes it', async ({ page }) => {
  const violations: string[] = [];
  const check = checker(page, violations);
  const name = `ERP ${Date.now()}`;

  await signInNewAdmin(page, 'Ines', 'Integrations');
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Integrations' }).click();
  await expect(page).toHaveURL(/\/office\/integrations$/);
  await expect(page.getByRole('heading', { name: 'Integrations', level: 1 })).toBeFocused();

  // No scope ticked: the API's word on it, beside the scopes.
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Add integration' }).click();
  await expect(page.locator('#integration-scopes-error')).toBeVisible();
  await check('i-1-no-scope');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel(/^access:read/).check();
  await page.getByLabel(/^records:write/).check();
  await page.getByRole('button', { name: 'Add integration' }).click();
  const shown = page.locator('#integration-credentials');
  await expect(shown).toBeFocused();
  await expect(shown).toContainText('the secret is not shown again');
  const clientId = (await page.locator('#credential-client-id').textContent()) ?? '';
  const secret = (await page.locator('#credential-client-secret').textContent()) ?? '';
  expect(secret.length).toBeGreaterThan(10);
  const card = page.locator('.card-item', { hasText: name });
  await expect(card).toContainText('access:read, records:write');
  await check('i-2-created');

  // The credentials work: a token, and the API answers within its scopes only.
  const tokenUrl = stack.back_office.token_url;
  const answer = await clientToken(tokenUrl, clientId, secret);
  expect(answer.status).toBe(200);
  const token = ((await answer.json()) as { access_token: string }).access_token;
  await api(token, 'GET', '/admin/customers');
  const refused = await fetch(`${stack.api_url}/admin/jobs`, { headers: { authorization: `Bearer ${token}` } });
  expect(refused.status).toBe(403);

  // Shown once: not after a reload.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Integrations', level: 1 })).toBeVisible();
  await expect(page.locator('#integration-credentials')).toHaveCount(0);
  await expect(page.getByText(secret)).toHaveCount(0);

  // Rotated: a new secret; the old client retires (its id shown with its end).
  await card.getByRole('button', { name: `Rotate secret ${name}` }).click();
  await expect(page.locator('#integrations-notice')).toContainText('has a new secret');
  const newSecret = (await page.locator('#credential-client-secret').textContent()) ?? '';
  expect(newSecret).not.toBe(secret);
  await expect(card).toContainText(clientId);
  await expect(card).toContainText('until');
  await check('i-3-rotated');

  // Revoked: after a confirmation, and the token already out is refused at once.
  await card.getByRole('button', { name: `Revoke ${name}` }).click();
  await expect(page.locator('#confirm-revoke')).toBeFocused();
  await page.locator('#confirm-revoke').click();
  await expect(page.locator('#integrations-notice')).toContainText(`${name} is revoked.`);
  await expect(card).toContainText('Revoked');
  await expect(card.getByRole('button')).toHaveCount(0);
  const after = await fetch(`${stack.api_url}/admin/customers`, { headers: { authorization: `Bearer ${token}` } });
  expect(after.status).toBe(401);
  await check('i-4-revoked');
  expect(violations).toEqual([]);
});

test.describe('in Dutch at phone width', () => {
  test.use({ locale: 'nl-NL', viewport: { width: 390, height: 844 } });

  test('an integration added, its secret shown once', async ({ page }) => {
    const violations: string[] = [];
    const check = checker(page, violations, true);
    await signInNewAdmin(page, 'Nina', 'Koppeling', true);
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Koppelingen' }).click();
    await expect(page.getByRole('heading', { name: 'Koppelingen', level: 1 })).toBeFocused();
    await page.getByLabel('Naam', { exact: true }).fill(`Boekhouding ${Date.now()}`);
    await page.getByLabel(/^audit:read/).check();
    await page.getByRole('button', { name: 'Koppeling toevoegen' }).click();
    await expect(page.locator('#integration-credentials')).toContainText('het geheim wordt niet nog eens getoond');
    await check('i-5-nl-phone');
    expect(violations).toEqual([]);
  });
});
