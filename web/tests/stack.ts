// The local stack the journeys run against, and what a test does besides clicking:
// admin calls through the API, the invitation mail from the local SES, an authenticator
// app's codes, screenshots.

import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect, type Page } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';

interface Login {
  username: string;
  password: string;
}

export interface Stack {
  api_url: string;
  aws_endpoint_url: string;
  user_pool_client_id: string;
  /** The demo admin signs in with an authenticator app whose secret this is. */
  admin: Login & { totp_secret: string };
  demo: Login;
  site_member: Login;
  /** The seeding's own sign-in of the demo admin (an ID token with the second factor,
   * valid for an hour): a code counts once, and the seeding has just used one. */
  admin_token: string;
  /** The demo back office's integration (every scope) and its credentials. */
  back_office: { id: string; client_id: string; client_secret: string; token_url: string };
}

export const stack: Stack = JSON.parse(readFileSync(process.env.PORTICO_STACK ?? '../.local/stack.json', 'utf8')) as Stack;

const SHOTS = '../target/web-screenshots';
mkdirSync(SHOTS, { recursive: true });

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

// Evaluated through the browser's debugging protocol: the page's Content-Security-Policy
// (script-src 'self') would refuse it as a script tag, as it should.
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's WCAG 2.1 A and AA rules on the page as it is: the violations, as
 * `rule: element, element…` lines (empty when there are none). */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: any }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map(
      (v: any) => `${v.id} (${v.impact}): ${v.nodes.map((n: any) => n.target.join(' ')).slice(0, 5).join(', ')}`,
    );
  });
}

export async function cognito(action: string, body: unknown): Promise<Record<string, any>> {
  const res = await fetch(`${stack.api_url}/cognito/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${action}` },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, any>;
  if (!res.ok) throw new Error(`${action}: ${JSON.stringify(json)}`);
  return json;
}

/** The demo admin's ID token, for the API calls a test makes as the office. */
export function adminToken(): string {
  return stack.admin_token;
}

// The last 30-second step whose code each secret has given (this process's).
const usedSteps = new Map<string, number>();

/** The code an authenticator app with `secret` shows, as Cognito takes it: each step's
 * code once, this step's or an adjacent one's. So the current step's first, then the
 * next one's — never the previous step's, which could turn stale between typing it and
 * Cognito checking it. Two codes a step per secret: no journey types more. */
export function totpCode(secret: string): string {
  const now = Math.floor(Date.now() / 30_000);
  const step = Math.max(now, (usedSteps.get(secret) ?? -1) + 1);
  if (step > now + 1) throw new Error('both codes Cognito takes in this 30-second step were used already');
  usedSteps.set(secret, step);
  return TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: step * 30_000 });
}

/** Six digits that no step Cognito could take now gives for `secret`. */
export function wrongCode(secret: string): string {
  const now = Math.floor(Date.now() / 30_000);
  const valid = [-2, -1, 0, 1, 2].map((d) => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: (now + d) * 30_000 }));
  for (let n = 0; ; n++) {
    const code = String((123_456 + n * 111_111) % 1_000_000).padStart(6, '0');
    if (!valid.includes(code)) return code;
  }
}

export async function tokenOf(login: Login): Promise<string> {
  const out = await cognito('InitiateAuth', {
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: stack.user_pool_client_id,
    AuthParameters: { USERNAME: login.username, PASSWORD: login.password },
  });
  return out.AuthenticationResult.IdToken as string;
}

export async function api(token: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${stack.api_url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  expect(res.ok, `${method} ${path}: ${res.status} ${text}`).toBe(true);
  return text ? JSON.parse(text) : null;
}

/** The HTML body of the latest mail the local SES holds for `email`, if any. */
export async function latestMail(email: string): Promise<string | undefined> {
  const data = (await (await fetch(`${stack.aws_endpoint_url}/moto-api/data.json`)).json()) as any;
  const mails = (data.ses?.Message ?? []) as { body: string; destinations: { ToAddresses?: string[] } }[];
  return mails.filter((m) => m.destinations.ToAddresses?.includes(email)).pop()?.body;
}

/** The temporary password in the latest invitation mailed to `email`. */
export async function temporaryPassword(email: string): Promise<string> {
  const body = await latestMail(email);
  const code = body && /<code>([^<]+)<\/code>/.exec(body)?.[1];
  if (!code) throw new Error(`no invitation to ${email}`);
  return code.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#34;|&quot;/g, '"').replace(/&#39;/g, "'");
}

export async function signIn(page: Page, login: Login, landing = '/'): Promise<void> {
  await page.goto(landing);
  await page.getByLabel(/Email address or phone number|E-mailadres of telefoonnummer/).fill(login.username);
  await page.getByLabel(/^(Password|Wachtwoord)$/).fill(login.password);
  await page.getByRole('button', { name: /^(Sign in|Inloggen)$/ }).click();
  await expect(page.getByRole('navigation', { name: /Portal sections|Onderdelen van het portaal/ })).toBeVisible();
}

/** A new member of the demo member's customer, invited by the admin: their id, email
 * address and emailed temporary password. */
export async function invitedMember(first: string, last: string, permissions = ['view_jobs'], locale = 'en') {
  const admin = adminToken();
  const me = await api(await tokenOf(stack.demo), 'GET', '/portal/me');
  const email = `web.${first.toLowerCase()}.${Date.now()}@harbor.test`;
  const member = await api(admin, 'POST', '/admin/members', {
    customer_id: me.customer_id, first_name: first, last_name: last, email, permissions, locale,
  });
  await api(admin, 'POST', `/admin/members/${member.id}/invite`, {});
  return { id: member.id as string, email, temporary: await temporaryPassword(email), admin };
}

/** Another admin of the demo tenant, invited by the demo admin: their staff id, email
 * address and emailed temporary password. */
export async function invitedAdmin(first: string, last: string) {
  const email = `office.${first.toLowerCase()}.${Date.now()}@northwind.test`;
  const staff = await api(adminToken(), 'POST', '/admin/staff', { first_name: first, last_name: last, email });
  return { id: staff.id as string, email, temporary: await temporaryPassword(email) };
}

/** A newly invited admin signs in, chooses a password and sets up their app: the
 * console's overview. Every console journey signs in as its own admin: a code counts
 * once, and two journeys sharing one login's app would run out of codes in a step. */
export async function signInNewAdmin(page: Page, first: string, last: string, dutch = false): Promise<{ email: string }> {
  const admin = await invitedAdmin(first, last);
  await firstAdminSignIn(page, admin.email, admin.temporary, `${first}-${last}-2026!`, dutch);
  return { email: admin.email };
}

/** The operator's ID token from the stack's seeding (valid an hour): it creates tenants. */
export const operatorToken = (): string => (stack as Stack & { operator_token: string }).operator_token;

/** A new tenant, as the operator creates one: its first admin's address and mailed password. */
export async function newTenant(name: string, first = 'Stella', last = 'Setup'): Promise<{ email: string; temporary: string }> {
  const stamp = Date.now();
  const email = `setup.${stamp}@${name.toLowerCase().replace(/[^a-z]/g, '')}.test`;
  await api(operatorToken(), 'POST', '/platform/tenants', {
    name: `${name} ${stamp}`,
    admin_email: email,
    admin_first_name: first,
    admin_last_name: last,
  });
  return { email, temporary: await temporaryPassword(email) };
}

/** An admin's first sign-in: the mailed temporary password, a new one, the app set up;
 * the console's overview. */
export async function firstAdminSignIn(page: Page, email: string, temporary: string, password: string, dutch = false): Promise<void> {
  const words = dutch
    ? { user: 'E-mailadres of telefoonnummer', pass: 'Wachtwoord', in: 'Inloggen', code: 'Code uit de app', on: 'Inloggen in twee stappen aanzetten', home: 'Kantoorconsole' }
    : { user: 'Email address or phone number', pass: 'Password', in: 'Sign in', code: 'Code from the app', on: 'Switch on two-step sign-in', home: 'Office console' };
  await page.goto('/');
  await page.getByLabel(words.user).fill(email);
  await page.getByLabel(words.pass, { exact: true }).fill(temporary);
  await page.getByRole('button', { name: words.in, exact: true }).click();
  if (dutch) {
    await page.getByLabel('Nieuw wachtwoord', { exact: true }).fill(password);
    await page.getByLabel('Nieuw wachtwoord nogmaals').fill(password);
    await page.getByRole('button', { name: 'Wachtwoord opslaan en inloggen' }).click();
  } else {
    await chooseNewPassword(page, password);
  }
  await page.getByLabel(words.code).fill(totpCode(await secretOnPage(page)));
  await page.getByRole('button', { name: words.on }).click();
  await expect(page.getByRole('heading', { name: words.home, level: 1 })).toBeFocused();
}

/** Reads the key of the authenticator app being set up off the page, as someone types it
 * into their app (a test cannot scan the QR code): the secret, without its grouping. */
export async function secretOnPage(page: Page): Promise<string> {
  const grouped = await page.locator('#app-secret').textContent();
  expect(grouped).toMatch(/^([A-Z2-7]{1,4} )*[A-Z2-7]{1,4}$/);
  return (grouped ?? '').replace(/ /g, '');
}

/** Answers the sign-in's code step with the app's current code. */
export async function enterCode(page: Page, code: string): Promise<void> {
  await expect(page.getByRole('heading', { name: /^(Two-step sign-in|Inloggen in twee stappen)$/ })).toBeFocused();
  await page.getByLabel(/^(Code from your authenticator app|Code uit uw authenticator-app)$/).fill(code);
  await page.getByRole('button', { name: /^(Sign in|Inloggen)$/ }).click();
}

/** Fills the sign-in form and submits it (whatever comes next). */
export async function submitSignIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Email address or phone number').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** The signed-in user's ID token, from the page's session (to check what the API has). */
export async function pageToken(page: Page): Promise<string> {
  return page.evaluate(() => (JSON.parse(sessionStorage.getItem('portico.session') ?? '{}') as { id: string }).id);
}

/** A member's first sign-in, in English or Dutch as the page speaks: their address, the
 * mailed temporary password, a new password; their portal opens. */
export async function memberFirstSignIn(page: Page, email: string, temporary: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel(/^(Email address or phone number|E-mailadres of telefoonnummer)$/).fill(email);
  await page.getByLabel(/^(Password|Wachtwoord)$/).fill(temporary);
  await page.getByRole('button', { name: /^(Sign in|Inloggen)$/ }).click();
  await page.getByLabel(/^(New password|Nieuw wachtwoord)$/).fill(password);
  await page.getByLabel(/^(New password again|Nieuw wachtwoord nogmaals)$/).fill(password);
  await page.getByRole('button', { name: /^(Save password and sign in|Wachtwoord opslaan en inloggen)$/ }).click();
  await expect(page.getByRole('navigation', { name: /^(Portal sections|Onderdelen van het portaal)$/ })).toBeVisible();
}

/** Answers the first sign-in's new-password step. */
export async function chooseNewPassword(page: Page, password: string, again = password): Promise<void> {
  await page.getByLabel('New password', { exact: true }).fill(password);
  await page.getByLabel('New password again').fill(again);
  await page.getByRole('button', { name: 'Save password and sign in' }).click();
}
