// Two-step sign-in and phone codes in the browser (issue 24): an admin made to set up an
// authenticator app before their page, a member who sets one up and has it reset, a new
// phone number proved with its code — and those steps in Dutch at phone width. Codes are
// an authenticator app's (`totpCode`: each 30-second step once, as Cognito takes them)
// and the ones the local endpoint hands back instead of texting them.

import { expect, test, type Page } from '@playwright/test';
import {
  accessibilityViolations,
  adminToken,
  api,
  chooseNewPassword,
  enterCode,
  invitedAdmin,
  invitedMember,
  secretOnPage,
  shot,
  signIn,
  submitSignIn,
  totpCode,
  wrongCode,
} from './stack';
import { checker } from './checks';

/** The code in the header the local endpoint answers `GetUserAttributeVerificationCode`
 * with (Cognito would text it), once `send` has asked for it. */
async function textedCode(page: Page, send: () => Promise<void>): Promise<string> {
  const answer = page.waitForResponse(
    (r) => r.url().endsWith('/cognito/') && (r.request().headers()['x-amz-target'] ?? '').endsWith('.GetUserAttributeVerificationCode'),
  );
  await send();
  const code = (await answer).headers()['x-portico-local-verification-code'];
  expect(code).toMatch(/^\d{6}$/);
  return code;
}

/** Signs out, and waits until the session is gone (the sign-in page says so). */
async function signOut(page: Page, button = 'Sign out'): Promise<void> {
  await page.getByRole('button', { name: button }).first().click();
  await expect(page.getByRole('heading', { name: /^(Sign in|Inloggen)$/ })).toBeVisible();
}

test('a new admin sets up an authenticator app before their page, and signs in with its codes', async ({ page }) => {
  const { id, email, temporary } = await invitedAdmin('Olga', 'Office');
  await submitSignIn(page, email, temporary);
  await chooseNewPassword(page, 'Olga-Office-2026!');

  // The API answers mfa-required: an app first, with no way past it but signing out.
  await expect(page.getByRole('heading', { name: 'Set up two-step sign-in', level: 1 })).toBeFocused();
  await expect(page).toHaveURL(/\/office$/);
  await expect(page.getByText('Your organisation asks office staff to sign in with a code')).toBeVisible();
  await expect(page.getByRole('img', { name: 'QR code to add Portico to your authenticator app' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Cancel' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Sign out' }).last()).toBeVisible();
  await shot(page, '70-office-set-up-app');
  expect(await accessibilityViolations(page)).toEqual([]);

  const secret = await secretOnPage(page);
  await page.getByLabel('Code from the app').fill(wrongCode(secret));
  await page.getByRole('button', { name: 'Switch on two-step sign-in' }).click();
  await expect(page.getByRole('alert')).toContainText('That code is not right.');
  await expect(page.getByLabel('Code from the app')).toBeFocused();
  const first = totpCode(secret);
  await page.getByLabel('Code from the app').fill(first);
  await page.getByRole('button', { name: 'Switch on two-step sign-in' }).click();

  // Their page: the organisation and their own record, the second factor on.
  await expect(page.getByRole('heading', { name: 'Office console', level: 1 })).toBeFocused();
  const facts = page.locator('main .facts');
  await expect(facts).toContainText('Northwind Facilities');
  await expect(facts).toContainText('Olga Office');
  await expect(facts).toContainText(email);
  await expect(facts).toContainText('On: your organisation requires it for office staff.');
  await expect(page.getByRole('button', { name: 'Switch off two-step sign-in' })).toHaveCount(0);
  await shot(page, '71-office');
  expect(await accessibilityViolations(page)).toEqual([]);
  expect((await api(adminToken(), 'GET', `/admin/staff/${id}`)).mfa_enabled).toBe(true);

  // Signed out and in again: the app's code after the password. The set-up's code counts
  // no more, a wrong one is refused, the app's next one lets the admin in.
  await signOut(page);
  await submitSignIn(page, email, 'Olga-Office-2026!');
  await enterCode(page, first);
  await expect(page.getByRole('alert')).toHaveText(
    'That code has been used already. Wait for your app to show a new one, and enter that.',
  );
  await expect(page.getByLabel('Code from your authenticator app')).toBeFocused();
  await shot(page, '72-sign-in-code-used');
  expect(await accessibilityViolations(page)).toEqual([]);
  await page.getByLabel('Code from your authenticator app').fill(wrongCode(secret));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText('That code is not right. Enter the code your app shows now.');
  await page.getByLabel('Code from your authenticator app').fill(totpCode(secret));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Office console', level: 1 })).toBeVisible();
  await expect(page.locator('main .facts')).toContainText('Northwind Facilities');
});

test('a member sets up an app from the profile and signs in with it; the admin resets it; the member switches one off', async ({
  page,
}) => {
  const { id, email, temporary } = await invitedMember('Totp', 'Member');
  const password = 'Totp-Member-2026!';
  await submitSignIn(page, email, temporary);
  await chooseNewPassword(page, password);
  await page.getByRole('link', { name: 'Totp Member' }).click();
  await expect(page.getByRole('heading', { name: 'Two-step sign-in' })).toBeVisible();
  await expect(page.getByText('Off: you sign in with your password alone.')).toBeVisible();

  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  await expect(page.getByRole('heading', { name: 'Set up two-step sign-in', level: 1 })).toBeFocused();
  // The app lists the account under the portal's name.
  await expect(page.getByRole('img', { name: 'QR code to add Northwind Facilities to your authenticator app' })).toBeVisible();
  await expect(page.locator('main .facts.secret')).toContainText(`Northwind Facilities (${email})`);
  await shot(page, '73-member-set-up-app');
  expect(await accessibilityViolations(page)).toEqual([]);
  const secret = await secretOnPage(page);
  await page.getByLabel('Code from the app').fill(totpCode(secret));
  await page.getByRole('button', { name: 'Switch on two-step sign-in' }).click();
  await expect(page.getByRole('status')).toHaveText('Two-step sign-in is on. Have your app at hand when you sign in.');
  await expect(page.getByText('On: when you sign in, you also enter a code from your authenticator app.')).toBeVisible();

  await signOut(page);
  await submitSignIn(page, email, password);
  await enterCode(page, totpCode(secret));
  await expect(page.getByRole('heading', { name: /^Hello /, level: 1 })).toBeVisible();
  await signOut(page);

  // A lost phone: the admin switches the app off, and the password alone signs in.
  await api(adminToken(), 'POST', `/admin/members/${id}/reset-mfa`, {});
  await signIn(page, { username: email, password });
  await expect(page.getByRole('heading', { name: /^Hello /, level: 1 })).toBeVisible();

  // A member may switch their own app off: set up a new one, then off again.
  await page.getByRole('link', { name: 'Totp Member' }).click();
  await expect(page.getByText('Off: you sign in with your password alone.')).toBeVisible();
  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  const again = await secretOnPage(page);
  expect(again).not.toBe(secret);
  await page.getByLabel('Code from the app').fill(totpCode(again));
  await page.getByRole('button', { name: 'Switch on two-step sign-in' }).click();
  await page.getByRole('button', { name: 'Switch off two-step sign-in' }).click();
  await expect(page.getByRole('status')).toHaveText('Two-step sign-in is off.');
  await expect(page.getByRole('heading', { name: 'Two-step sign-in' })).toBeFocused();
  await signOut(page);
  await signIn(page, { username: email, password });
});

test('a member proves a new phone number with the texted code, then signs in with it', async ({ page }) => {
  const { email, temporary } = await invitedMember('Phil', 'Phone');
  const password = 'Phil-Phone-2026!';
  await submitSignIn(page, email, temporary);
  await chooseNewPassword(page, password);
  await page.getByRole('link', { name: 'Phil Phone' }).click();
  const phone = `+316${String(Date.now()).slice(-8)}`;
  await page.getByLabel('Phone number').fill(phone);
  await page.getByRole('button', { name: 'Save' }).click();

  // Cognito texts the new number a code; until it is entered the login keeps no number.
  await expect(page.getByRole('heading', { name: 'Confirm your phone number' })).toBeFocused();
  const step = page.locator('main .verify');
  await expect(step.getByRole('status')).toHaveText(`We sent a code to ${phone}.`);
  await expect(page.locator('#phone-state')).toHaveText(
    'Waiting for its code: you can sign in with this number once you enter the code we text to it.',
  );
  // The first code was "texted" (the local endpoint prints it on its console); a new one
  // comes back in a header.
  const code = await textedCode(page, () => step.getByRole('button', { name: 'Send a new code' }).click());
  await expect(step.getByRole('status')).toHaveText(`We sent a new code to ${phone}.`);
  await shot(page, '74-phone-code');
  expect(await accessibilityViolations(page)).toEqual([]);

  await page.getByLabel('Code from the text message').fill(String((Number(code) + 1) % 1_000_000).padStart(6, '0'));
  await step.getByRole('button', { name: 'Confirm number' }).click();
  await expect(step.getByRole('alert')).toHaveText('That code is not right. Check the text message, or have a new code sent.');
  await expect(page.getByLabel('Code from the text message')).toBeFocused();
  await page.getByLabel('Code from the text message').fill(code);
  await step.getByRole('button', { name: 'Confirm number' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your phone number is confirmed: you can sign in with it.' })).toBeVisible();
  await expect(page.locator('#phone-state')).toHaveText('Confirmed: you can sign in with this number.');
  await expect(step).toHaveCount(0);

  await signOut(page);
  await signIn(page, { username: phone, password });
});

test.describe('in Dutch at phone width', () => {
  test.use({ locale: 'nl-NL', viewport: { width: 390, height: 844 } });

  test('the new steps, without WCAG A/AA violations or sideways scrolling', async ({ page }) => {
    const violations: string[] = [];
    const check = checker(page, violations, true);
    const signInNl = async (username: string, password: string) => {
      await page.goto('/');
      await page.getByLabel('E-mailadres of telefoonnummer').fill(username);
      await page.getByLabel('Wachtwoord', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Inloggen', exact: true }).click();
    };
    const newPasswordNl = async (password: string) => {
      await page.getByLabel('Nieuw wachtwoord', { exact: true }).fill(password);
      await page.getByLabel('Nieuw wachtwoord nogmaals').fill(password);
      await page.getByRole('button', { name: 'Wachtwoord opslaan en inloggen' }).click();
    };

    // An admin (staff have no language of their own: the browser's).
    const admin = await invitedAdmin('Nora', 'Kantoor');
    await signInNl(admin.email, admin.temporary);
    await newPasswordNl('Nora-Kantoor-2026!');
    await expect(page.getByRole('heading', { name: 'Inloggen in twee stappen instellen', level: 1 })).toBeFocused();
    await check('80-office-set-up-app-nl-phone');
    const secret = await secretOnPage(page);
    await page.getByLabel('Code uit de app').fill(totpCode(secret));
    await page.getByRole('button', { name: 'Inloggen in twee stappen aanzetten' }).click();
    await expect(page.getByRole('heading', { name: 'Kantoorconsole', level: 1 })).toBeFocused();
    await check('81-office-nl-phone');
    await signOut(page, 'Afmelden');
    await signInNl(admin.email, 'Nora-Kantoor-2026!');
    await expect(page.getByRole('heading', { name: 'Inloggen in twee stappen' })).toBeFocused();
    await check('82-sign-in-code-nl-phone');
    await enterCode(page, totpCode(secret));
    await expect(page.getByRole('heading', { name: 'Kantoorconsole', level: 1 })).toBeVisible();
    await signOut(page, 'Afmelden');

    // A Dutch member: a new phone number's code, and setting up an app (then cancelled).
    const member = await invitedMember('Noor', 'Lid', ['view_jobs'], 'nl');
    await signInNl(member.email, member.temporary);
    await newPasswordNl('Noor-Lid-2026!');
    await page.getByRole('link', { name: 'Noor Lid' }).click();
    await page.getByLabel('Telefoonnummer').fill(`+316${String(Date.now()).slice(-8)}`);
    await page.getByRole('button', { name: 'Opslaan' }).click();
    await expect(page.getByRole('heading', { name: 'Bevestig uw telefoonnummer' })).toBeFocused();
    await check('83-phone-code-nl-phone');
    await page.getByRole('button', { name: 'Authenticator-app instellen' }).click();
    await expect(page.getByRole('heading', { name: 'Inloggen in twee stappen instellen', level: 1 })).toBeFocused();
    await check('84-member-set-up-app-nl-phone');
    await page.getByRole('button', { name: 'Annuleren' }).click();
    await expect(page.getByRole('heading', { name: 'Inloggen in twee stappen' })).toBeFocused();
    expect(violations).toEqual([]);
  });
});
