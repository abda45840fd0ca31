// The office console: where a tenant's admins land after signing in. A shell (the
// organisation's name, a menu of the console's screens, sign-out) around one screen at a
// time, chosen by the path under `/office`. Where the organisation requires a second
// factor and the admin's token has none, the API answers `mfa-required` to everything:
// the admin sets up an authenticator app before anything else, and a refreshed token
// (which then carries `portico:mfa`) opens the console.
//
// Loaded with `import()` when office staff sign in, so the member portal's first load
// carries none of it.

import { html, nothing, type TemplateResult } from 'lit-html';
import * as auth from '../auth';
import { api, data, MFA_REQUIRED, Problem } from '../api';
import { problemView } from '../app';
import { setLocale, t as appWord, words } from '../i18n';
import { customersScreen, customersTitle } from './customers';
import { groupsLabel, groupsScreen } from './groups';
import { homeScreen } from './home';
import { staffScreen } from './staff';
import { integrationsLabel, integrationsScreen } from './integrations';
import { webhooksLabel, webhooksScreen } from './webhooks';
import { paymentsLabel, paymentsScreen } from './payments';
import { setupScreen, setupLabel } from './setup';
import { membersLabel, membersScreen } from './members';
import { documentsLabel, documentsScreen } from './documents';
import { messagesLabel, messagesScreen } from './messages';
import { requestsLabel, requestsScreen } from './requests';
import { recordsLabel, recordsScreen } from './records';
import { reportsLabel, reportsScreen } from './reports';
import { auditLabel, auditScreen } from './audit';
import { ISSUER, type OfficeSession, type ScreenCtx, focus } from './screen';

const t = words({
  en: {
    title: 'Office console',
    menu: 'Console',
    home: 'Overview',
    staff: 'Office staff',
    notfound: 'This page does not exist.',
    disabled: 'Your admin access has been switched off. Please ask another admin of your organisation.',
  },
  nl: {
    title: 'Kantoorconsole',
    menu: 'Console',
    home: 'Overzicht',
    staff: 'Kantoormedewerkers',
    notfound: 'Deze pagina bestaat niet.',
    disabled: 'Uw beheerderstoegang is uitgeschakeld. Vraag een andere beheerder van uw organisatie.',
  },
});

interface Screen {
  path: string;
  label: () => string;
  draw: (ctx: ScreenCtx) => Promise<void>;
}

/** The console's screens, in the menu's order. Only built screens are here (the menu
 * shows no link to a page that does not exist); the issue's others join as they come:
 * set-up, customers, access groups, members, contacts, documents, messages. */
const SCREENS: Screen[] = [
  { path: '/office', label: () => t('home'), draw: homeScreen },
  { path: '/office/staff', label: () => t('staff'), draw: staffScreen },
  { path: '/office/integrations', label: integrationsLabel, draw: integrationsScreen },
  { path: '/office/webhooks', label: webhooksLabel, draw: webhooksScreen },
  { path: '/office/payments', label: paymentsLabel, draw: paymentsScreen },
  { path: '/office/setup', label: setupLabel, draw: setupScreen },
  { path: '/office/customers', label: customersTitle, draw: customersScreen },
  { path: '/office/groups', label: groupsLabel, draw: groupsScreen },
  { path: '/office/members', label: membersLabel, draw: membersScreen },
  { path: '/office/documents', label: documentsLabel, draw: documentsScreen },
  { path: '/office/messages', label: messagesLabel, draw: messagesScreen },
  { path: '/office/requests', label: requestsLabel, draw: requestsScreen },
  { path: '/office/records', label: recordsLabel, draw: recordsScreen },
  { path: '/office/reports', label: reportsLabel, draw: reportsScreen },
  { path: '/office/audit', label: auditLabel, draw: auditScreen },
];

export interface OfficeCtx {
  /** Draws into the page while it is still the one shown. */
  show: (view: TemplateResult) => void;
  /** Goes to another path of the app. */
  go: (path: string) => void;
  /** Signs out; `notice` is shown on the sign-in page. */
  signOut: (notice?: string) => void;
}

// The organisation and the admin's own record, read once per sign-in (not at each
// screen); the overview reads them again.
let session: OfficeSession | null = null;


/** The page around a screen: the header, and the menu once the admin may use it. */
function frame(ctx: OfficeCtx, content: TemplateResult, s: OfficeSession | null, current = ''): void {
  ctx.show(html`<header class="top">
      <div class="brand"><span class="portal-name">${s?.settings.branding.display_name ?? t('title')}</span></div>
      <div class="who">
        ${s ? html`<span>${s.me.first_name} ${s.me.last_name}</span>` : nothing}
        <button type="button" class="link" @click=${() => ctx.signOut()}>${appWord('app.signout')}</button>
      </div>
    </header>
    ${s
      ? html`<nav class="tabs wrap" aria-label=${t('menu')}>
          <ul>
            ${SCREENS.map(
              (screen) => html`<li>
                <a href=${screen.path} data-link aria-current=${screen.path === current ? 'page' : 'false'}>${screen.label()}</a>
              </li>`,
            )}
          </ul>
        </nav>`
      : nothing}
    <main id="main" tabindex="-1">${content}</main>`);
}

function titled(title: string, selector = 'main h1'): void {
  document.title = `${title} · ${t('title')}`;
  focus(selector);
}

async function load(): Promise<OfficeSession> {
  const staffId = String(auth.claims()['custom:staff_id'] ?? '');
  if (session?.me.id === staffId) return session;
  const [settings, me] = await Promise.all([
    data(api.GET('/admin/settings')),
    data(api.GET('/admin/staff/{staff_id}', { params: { path: { staff_id: staffId } } })),
  ]);
  session = { settings, me };
  return session;
}

export async function officePage(ctx: OfficeCtx): Promise<void> {
  // Staff have no language setting: the browser's, whoever used this tab before.
  setLocale(navigator.language.slice(0, 2).toLowerCase());
  const signOut = (notice?: string) => {
    session = null;
    ctx.signOut(notice);
  };
  const out: OfficeCtx = { ...ctx, signOut };
  const path = location.pathname.replace(/\/+$/, '') || '/office';
  // A screen's own pages are under its path (`/office/members/<id>`).
  const screen = SCREENS.find((s) => s.path === path) ?? SCREENS.find((s) => s.path !== '/office' && path.startsWith(`${s.path}/`));
  if (!session) frame(out, html`<p role="status" class="loading">${appWord('app.loading')}</p>`, null);
  let s: OfficeSession;
  try {
    s = await load();
  } catch (e) {
    if (e instanceof Problem && e.type === MFA_REQUIRED) return requireApp(out);
    if (e instanceof Problem && e.status === 403) return signOut(t('disabled'));
    // A 401 has sent the admin to sign-in already.
    if (!(e instanceof Problem && e.status === 401)) frame(out, problemView(e), null);
    return;
  }
  const show = (content: TemplateResult) => frame(out, content, session ?? s, screen?.path);
  if (!screen) {
    show(html`<h1 tabindex="-1">${t('notfound')}</h1>`);
    titled(t('notfound'));
    return;
  }
  const screenCtx: ScreenCtx = {
    session: s,
    show,
    titled,
    go: ctx.go,
    reload: () => officePage(out),
    setMe: (me) => {
      if (session) session = { ...session, me };
    },
  };
  show(html`<p role="status" class="loading">${appWord('app.loading')}</p>`);
  try {
    await screen.draw(screenCtx);
  } catch (e) {
    if (e instanceof Problem && e.status === 401) return;
    show(problemView(e));
  }
}

/** The organisation requires a second factor and this sign-in had none: an app first. */
async function requireApp(ctx: OfficeCtx): Promise<void> {
  const { setUpAuthenticator } = await import('../pages/authenticator');
  const show = (view: TemplateResult) => frame(ctx, view, null);
  await setUpAuthenticator({
    show,
    titled,
    issuer: ISSUER,
    account: String(auth.claims().email ?? ''),
    required: true,
    done: async () => {
      // The trigger adds `portico:mfa` to the tokens of a login with an app, refreshed
      // ones included: the new ID token opens the office.
      if (await auth.refresh()) await officePage(ctx);
    },
    leave: () => ctx.signOut(),
  }).catch((e: unknown) => show(problemView(e)));
}
