// The local stack the journeys run against, and what a test does besides clicking:
// admin calls through the API, the invitation mail from the local SES, screenshots.

import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect, type Page } from '@playwright/test';

interface Login {
  username: string;
  password: string;
}

export interface Stack {
  api_url: string;
  aws_endpoint_url: string;
  user_pool_client_id: string;
  admin: Login;
  demo: Login;
  site_member: Login;
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

async function cognito(action: string, body: unknown): Promise<Record<string, any>> {
  const res = await fetch(`${stack.api_url}/cognito/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${action}` },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, any>;
  if (!res.ok) throw new Error(`${action}: ${JSON.stringify(json)}`);
  return json;
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

/** The temporary password in the latest invitation mailed to `email`. */
export async function temporaryPassword(email: string): Promise<string> {
  const data = (await (await fetch(`${stack.aws_endpoint_url}/moto-api/data.json`)).json()) as any;
  const mails = (data.ses?.Message ?? []) as { body: string; destinations: { ToAddresses?: string[] } }[];
  const mail = mails.filter((m) => m.destinations.ToAddresses?.includes(email)).pop();
  const code = mail && /<code>([^<]+)<\/code>/.exec(mail.body)?.[1];
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
export async function invitedMember(first: string, last: string, permissions = ['view_jobs']) {
  const admin = await tokenOf(stack.admin);
  const me = await api(await tokenOf(stack.demo), 'GET', '/portal/me');
  const email = `web.${first.toLowerCase()}.${Date.now()}@harbor.test`;
  const member = await api(admin, 'POST', '/admin/members', {
    customer_id: me.customer_id, first_name: first, last_name: last, email, permissions,
  });
  await api(admin, 'POST', `/admin/members/${member.id}/invite`, {});
  return { id: member.id as string, email, temporary: await temporaryPassword(email), admin };
}

/** Fills the sign-in form and submits it (whatever comes next). */
export async function submitSignIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Email address or phone number').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Answers the first sign-in's new-password step. */
export async function chooseNewPassword(page: Page, password: string, again = password): Promise<void> {
  await page.getByLabel('New password', { exact: true }).fill(password);
  await page.getByLabel('New password again').fill(again);
  await page.getByRole('button', { name: 'Save password and sign in' }).click();
}
