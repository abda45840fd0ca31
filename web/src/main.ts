// The member portal: boots, signs in, draws the shell (branding, the sections the member
// may open) and routes `location.pathname` to a page. Paths are the ones Portico's
// emails link to (`/jobs/{id}`, `/quotes/{id}`, `/assets/{id}/request`, …).
// Office staff go to their own pages under `/office`, loaded only for them.

import { html, render, nothing, type TemplateResult } from 'lit-html';
import './style.css';
import * as auth from './auth';
import { api, data, Problem } from './api';
import { SECTIONS, opens, problemView, type Ctx, type Me, type Section, type Site } from './app';
import { onColour } from './colour';
import { dateTime, setLocale, t } from './i18n';
import { stopViewing, viewing } from './viewas';
import { signInPage } from './pages/signin';
import { homePage } from './pages/home';
import { sitesPage } from './pages/sites';
import { jobPage, jobsPage } from './pages/jobs';
import { requestFormPage, requestPage, requestsPage } from './pages/requests';
import { quotePage, quotesPage } from './pages/quotes';
import { invoicesPage } from './pages/invoices';
import { assetPage, assetsPage } from './pages/assets';
import { documentsPage } from './pages/documents';
import { messagesPage } from './pages/messages';
import { reportPage, reportsPage } from './pages/reports';
import { profilePage } from './pages/profile';

type PageFn = (ctx: Ctx) => void | Promise<void>;

interface Route {
  pattern: RegExp;
  section: string | null;
  page: PageFn;
}

const routes: Route[] = [
  { pattern: /^\/$/, section: '/', page: homePage },
  { pattern: /^\/sites$/, section: '/sites', page: sitesPage },
  { pattern: /^\/jobs$/, section: '/jobs', page: jobsPage },
  { pattern: /^\/jobs\/(?<id>[^/]+)$/, section: '/jobs', page: jobPage },
  { pattern: /^\/work-requests$/, section: '/work-requests', page: requestsPage },
  { pattern: /^\/work-requests\/new$/, section: '/work-requests', page: requestFormPage },
  { pattern: /^\/work-requests\/(?<id>[^/]+)$/, section: '/work-requests', page: requestPage },
  { pattern: /^\/quotes$/, section: '/quotes', page: quotesPage },
  { pattern: /^\/quotes\/(?<id>[^/]+)$/, section: '/quotes', page: quotePage },
  { pattern: /^\/invoices(?:\/(?<id>[^/]+))?$/, section: '/invoices', page: invoicesPage },
  { pattern: /^\/assets$/, section: '/assets', page: assetsPage },
  { pattern: /^\/assets\/(?<id>[^/]+)$/, section: '/assets', page: assetPage },
  // The QR label's link: the work-request form, prefilled with the asset.
  { pattern: /^\/assets\/(?<asset>[^/]+)\/request$/, section: '/work-requests', page: requestFormPage },
  { pattern: /^\/documents$/, section: '/documents', page: documentsPage },
  { pattern: /^\/messages(?:\/(?<id>[^/]+))?$/, section: '/messages', page: messagesPage },
  { pattern: /^\/reports$/, section: '/reports', page: reportsPage },
  { pattern: /^\/reports\/(?<report>[^/]+)$/, section: '/reports', page: reportPage },
  { pattern: /^\/profile$/, section: null, page: profilePage },
];

// Pages that are forms to change something: not open to an admin viewing as a member.
const WRITING: PageFn[] = [requestFormPage, profilePage];

const root = document.getElementById('app') as HTMLElement;
// lit-html renders beside what is there: the static "Loading…" goes first.
root.replaceChildren();
let me: Me | null = null;
let sitesCache: Promise<Site[]> | null = null;
let generation = 0;
let notice: string | null = null;

// The last signed-in member's branding (name, colour, logo: nothing personal), so that
// the sign-in page of a returning member looks like their service provider's portal.
const BRAND = 'portico.brand';

function remembered(): Me['branding'] | null {
  try {
    return JSON.parse(localStorage.getItem(BRAND) ?? 'null') as Me['branding'] | null;
  } catch {
    return null;
  }
}

function brand(m: Me | null): void {
  const b = m?.branding ?? remembered();
  if (m) localStorage.setItem(BRAND, JSON.stringify(m.branding));
  const style = document.documentElement.style;
  if (b?.primary_color && /^#[0-9a-f]{6}$/i.test(b.primary_color)) {
    style.setProperty('--brand', b.primary_color);
    style.setProperty('--on-brand', onColour(b.primary_color));
  } else {
    style.removeProperty('--brand');
    style.removeProperty('--on-brand');
  }
  document.title = b?.display_name ?? t('signin.title');
}

function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  void route();
}

async function loadMe(): Promise<Me> {
  me = await data(api.GET('/portal/me'));
  setLocale(me.locale);
  brand(me);
  const skip = document.querySelector('.skip');
  if (skip) skip.textContent = t('app.skip');
  return me;
}

function allSites(): Promise<Site[]> {
  sitesCache ??= (async () => {
    const out: Site[] = [];
    let cursor: string | undefined;
    do {
      const page = await data(api.GET('/portal/sites', { params: { query: { limit: 200, cursor } } }));
      out.push(...page.items);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return out;
  })().catch((e: unknown) => {
    sitesCache = null;
    throw e;
  });
  return sitesCache;
}

function shell(m: Me, current: Section | null, content: TemplateResult): TemplateResult {
  const logo = m.branding.logo_url;
  return html`<header class="top">
      <div class="brand">
        ${logo ? html`<img src=${logo} alt="" class="logo" />` : nothing}
        <span class="portal-name">${m.branding.display_name}</span>
      </div>
      <div class="who">
        ${m.viewed_by
          ? html`<span>${m.first_name} ${m.last_name}</span>`
          : html`<a href="/profile" data-link aria-current=${current === null && location.pathname === '/profile' ? 'page' : 'false'}
              >${m.first_name} ${m.last_name}</a
            >`}
        <button type="button" class="link" @click=${() => void auth.signOut()}>${t('app.signout')}</button>
      </div>
    </header>
    ${m.viewed_by
      ? html`<p class="info view-as" id="view-as">
          ${t('viewas.banner', { name: `${m.first_name} ${m.last_name}`, until: dateTime(m.viewed_by.ends_at) })}
          <button type="button" @click=${() => leaveViewing(m.id)}>${t('viewas.back')}</button>
        </p>`
      : nothing}
    <nav class="tabs" aria-label=${t('app.menu')}>
      <ul>
        ${SECTIONS.filter((s) => opens(m, s)).map(
          (s) =>
            html`<li>
              <a href=${s.path} data-link aria-current=${current?.path === s.path ? 'page' : 'false'}
                >${t(s.label)}${s.path === '/messages' && m.unread_messages > 0
                  ? html` <span class="count" aria-label=${t('app.unread', { n: m.unread_messages })}
                      >${m.unread_messages}</span
                    >`
                  : nothing}</a
              >
            </li>`,
        )}
      </ul>
    </nav>
    <main id="main" tabindex="-1">${content}</main>`;
}

async function route(): Promise<void> {
  const mine = ++generation;
  if (!auth.signedIn()) {
    me = null;
    sitesCache = null;
    brand(null);
    const message = notice;
    notice = null;
    const next = location.pathname === '/signin' ? '/' : location.pathname + location.search;
    signInPage({
      show: (view) => mine === generation && render(view, root),
      brand: remembered(),
      notice: message,
      done: () => navigate(next === '/' ? '/' : next, true),
    });
    return;
  }
  // A session left in the tab by an admin who signed out is no one else's to send.
  if (!auth.isOfficeStaff()) stopViewing();
  if (auth.isOfficeStaff()) {
    // An admin viewing as a member sees the member portal (read-only); the console ends it.
    if (location.pathname.startsWith('/office')) stopViewing();
    if (!viewing()) {
      await office(mine);
      return;
    }
  }
  let member: Me;
  try {
    // Every page names sites: ask for them while asking who the member is.
    member = me ?? (await Promise.all([loadMe(), allSites().catch(() => [])]))[0];
  } catch (e) {
    if (mine !== generation) return;
    if (viewing()) {
      // The view-as session ended or was refused: the API says why; back to the console.
      const back = viewing()?.member_id ?? '';
      render(html`<main id="main">${problemView(e)}<button @click=${() => leaveViewing(back)}>${t('viewas.back')}</button></main>`, root);
      return;
    }
    // A disabled member's token still verifies until it expires; the API says why.
    if (e instanceof Problem && (e.status === 401 || e.status === 403)) {
      notice = e.status === 403 ? t('signin.disabled') : t('signin.expired');
      // Still signed in (a disabled member's token verifies until it expires): sign out.
      // Otherwise the failed refresh has already shown the sign-in page.
      if (auth.signedIn()) await auth.signOut();
      return;
    }
    render(html`<main id="main">${problemView(e)}<button @click=${() => void route()}>${t('app.retry')}</button></main>`, root);
    return;
  }
  const path = location.pathname.replace(/\/+$/, '') || '/';
  if (path === '/signin') {
    navigate('/', true);
    return;
  }
  const found = routes.map((r) => ({ r, m: r.pattern.exec(path) })).find((x) => x.m);
  const section = found?.r.section ? (SECTIONS.find((s) => s.path === found.r.section) ?? null) : null;
  const draw = (view: TemplateResult) => {
    if (mine === generation) render(shell(member, section, view), root);
  };
  if (!found) {
    draw(html`<h1 tabindex="-1">${t('app.notfound')}</h1>`);
    return;
  }
  // Typing the address of a section one may not open shows this, and asks the API nothing.
  if ((section && !opens(member, section)) || (member.viewed_by && WRITING.includes(found.r.page))) {
    draw(html`<h1 tabindex="-1">${t('app.unavailable')}</h1>`);
    focusHeading();
    return;
  }
  const ctx: Ctx = {
    params: (found.m?.groups ?? {}) as Record<string, string>,
    query: new URLSearchParams(location.search),
    me: member,
    sites: allSites,
    show: draw,
    go: (p) => navigate(p),
    titled: (title, focus) => {
      document.title = `${title} · ${member.branding.display_name}`;
      focusHeading(focus);
    },
    refreshMe: async (path) => {
      await loadMe();
      if (mine !== generation) return;
      if (path) navigate(path, true);
      else void route();
    },
  };
  draw(html`<p role="status" class="loading">${t('app.loading')}</p>`);
  try {
    await found.r.page(ctx);
  } catch (e) {
    if (e instanceof Problem && e.status === 401) return;
    draw(problemView(e));
  }
}

/** Office staff's pages (their own chunk, loaded when they sign in), under `/office`. */
async function office(mine: number): Promise<void> {
  me = null;
  sitesCache = null;
  if (!location.pathname.startsWith('/office')) history.replaceState(null, '', '/office');
  const show = (view: TemplateResult) => mine === generation && render(view, root);
  try {
    const { officePage } = await import('./office/office');
    if (mine !== generation) return;
    await officePage({
      show,
      go: (path) => navigate(path),
      signOut: (message) => {
        if (message) notice = message;
        void auth.signOut();
      },
    });
  } catch (e) {
    show(html`<main id="main">${problemView(e)}<button @click=${() => void route()}>${t('app.retry')}</button></main>`);
  }
}

/** Ends viewing as a member: back to their page in the console. */
function leaveViewing(memberId: string): void {
  stopViewing();
  me = null;
  sitesCache = null;
  navigate(memberId ? `/office/members/${memberId}` : '/office');
}

function focusHeading(selector = 'main h1'): void {
  requestAnimationFrame(() => (document.querySelector(selector) as HTMLElement | null)?.focus());
}

// Links inside the app change the page without reloading it.
document.addEventListener('click', (event) => {
  const a = (event.target as Element).closest('a[data-link]') as HTMLAnchorElement | null;
  if (!a || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  event.preventDefault();
  navigate(a.getAttribute('href') ?? '/');
});
window.addEventListener('popstate', () => void route());

auth.whenSignedOut((reason) => {
  notice = notice ?? (reason === 'expired' ? t('signin.expired') : t('signin.signedout'));
  me = null;
  if (location.pathname !== '/signin' && reason === 'signed-out') history.replaceState(null, '', '/signin');
  void route();
});

auth
  .loadConfig()
  .then(() => route())
  .catch((e: unknown) => render(html`<main id="main">${problemView(e)}</main>`, root));
