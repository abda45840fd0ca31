// The home page a member lands on: what needs them, each part as the API's
// `GET /portal/home` says (absent where their rights hide its page), each item one click
// from its page; the demo member in English at desktop width, the site member in Dutch at
// phone width.

import { expect, test, type Page } from '@playwright/test';
import { checker } from './checks';
import { api, chooseNewPassword, invitedMember, signIn, stack, submitSignIn, tokenOf } from './stack';

type Part = { items: { id: string }[] } | null;
type Home = Record<string, unknown> & { messages: { unread: number; to_acknowledge: number } | null };

const PARTS: [string, string, string, RegExp][] = [
  ['quotes_to_decide', 'Awaiting your decision', 'Wachten op uw besluit', /^\/quotes\//],
  ['unpaid_invoices', 'To pay', 'Te betalen', /^\/invoices\//],
  ['messages', 'For your attention', 'Voor uw aandacht', /^\/messages\//],
  ['open_work_requests', 'Requests still open', 'Openstaande verzoeken', /^\/work-requests\//],
  ['services_due', 'Service due within 30 days', 'Onderhoud binnen 30 dagen', /^\/assets\//],
  ['completed_jobs', 'Completed in the last 30 days', 'Afgerond in de afgelopen 30 dagen', /^\/jobs\//],
];

/** `login` lands on home; each part is drawn as the API returns it — absent where their
 * rights hide its page, else its items' links in order — and the first item of each part
 * opens its own page. */
async function journey(page: Page, login: typeof stack.demo, dutch: boolean, check: (name: string) => Promise<void>, signedIn = false): Promise<Home> {
  const home = (await api(await tokenOf(login), 'GET', '/portal/home')) as Home;
  if (!signedIn) await signIn(page, login);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(dutch ? /^Hallo / : /^Hello /);
  const homeTab = () => page.getByRole('navigation').getByRole('link', { name: dutch ? 'Start' : 'Home', exact: true });
  await expect(homeTab()).toHaveAttribute('aria-current', 'page');
  await check(dutch ? 'home-nl-1' : 'home-1');
  for (const [key, en, nl] of PARTS) {
    const part = home[key] as Part;
    const region = page.getByRole('region', { name: dutch ? nl : en });
    if (!part) {
      await expect(region, key).toHaveCount(0);
      continue;
    }
    const links = region.getByRole('listitem').getByRole('link');
    await expect(links, key).toHaveCount(part.items.length);
    for (const [i, item] of part.items.entries()) {
      await expect(links.nth(i)).toHaveAttribute('href', new RegExp(`/${item.id}$`));
    }
  }
  if (home.messages) {
    const { unread, to_acknowledge: ack } = home.messages;
    await expect(page.getByRole('region', { name: dutch ? 'Voor uw aandacht' : 'For your attention' })).toContainText(
      dutch ? `${unread} ongelezen, ${ack} te bevestigen` : `${unread} unread, ${ack} to acknowledge`,
    );
  }
  // Each item is one click from its page, and the menu brings the member back.
  for (const [key, en, nl, path] of PARTS) {
    if (!(home[key] as Part)?.items.length) continue;
    await page.getByRole('region', { name: dutch ? nl : en }).getByRole('listitem').getByRole('link').first().click();
    await expect.poll(() => new URL(page.url()).pathname, key).toMatch(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await homeTab().click();
    await expect(page.getByRole('region', { name: dutch ? nl : en })).toBeVisible();
  }
  return home;
}

test('a member of the demo customer lands on what needs them, and each item opens its page', async ({ page }) => {
  const violations: string[] = [];
  // A new member with every permission over the demo member's customer: the demo data has
  // something of each kind for them (the safety notice to acknowledge among it), and what
  // they read here changes nothing another journey counts on.
  const everything = ['view_jobs', 'create_work_requests', 'view_quotes', 'approve_quotes', 'view_invoices', 'view_assets', 'view_messages'];
  const { email, temporary } = await invitedMember('Holly', 'Home', everything);
  await submitSignIn(page, email, temporary);
  await chooseNewPassword(page, 'Holly-Home-2026!');
  const login = { ...stack.demo, username: email, password: 'Holly-Home-2026!' };
  const home = await journey(page, login, false, checker(page, violations), true);
  for (const [key] of PARTS) expect((home[key] as Part)?.items.length, key).toBeGreaterThan(0);
  await expect(page.getByRole('region', { name: 'To pay' })).toContainText('Outstanding');
  expect(violations).toEqual([]);
});

test.describe('in Dutch at phone width', () => {
  test.use({ locale: 'nl-NL', viewport: { width: 390, height: 844 } });
  test('het lid van één locatie ziet alleen de onderdelen waar het recht op heeft', async ({ page }) => {
    const violations: string[] = [];
    const home = await journey(page, stack.site_member, true, checker(page, violations, true));
    // Without quotes and invoices among their rights, those parts are not there at all.
    expect([home.quotes_to_decide, home.unpaid_invoices]).toEqual([null, null]);
    expect(home.services_due).not.toBeNull();
    expect(violations).toEqual([]);
  });
});
