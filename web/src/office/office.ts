// The office console: where a tenant's admins land after signing in. Its screens come
// later; for now it shows the organisation (`GET /admin/settings`) and the admin's own
// record (`GET /admin/staff/{custom:staff_id}`). Where the organisation requires a second
// factor and the admin's token has none, the API answers `mfa-required` to both: the
// admin sets up an authenticator app before anything else, and a refreshed token (which
// then carries `portico:mfa`) opens the page.
//
// Loaded with `import()` when office staff sign in, so the member portal's first load
// carries none of it. The console's pages will grow here.

import { html, nothing, type TemplateResult } from 'lit-html';
import * as auth from '../auth';
import { api, data, MFA_REQUIRED, Problem, type Schemas } from '../api';
import { problemView } from '../app';
import { setLocale, t as appWord, words } from '../i18n';

const t = words({
  en: {
    title: 'Office console',
    intro: "The office console's screens are on their way. For now this page shows your organisation and your own account.",
    organisation: 'Organisation',
    you: 'You',
    email: 'Email address',
    twostep: 'Two-step sign-in',
    on: 'On',
    required: 'On: your organisation requires it for office staff.',
    off: 'Off',
    setup: 'Set up an authenticator app',
    disable: 'Switch off two-step sign-in',
    disabled: 'Your admin access has been switched off. Please ask another admin of your organisation.',
  },
  nl: {
    title: 'Kantoorconsole',
    intro: 'De schermen van de kantoorconsole komen eraan. Voorlopig toont deze pagina uw organisatie en uw eigen account.',
    organisation: 'Organisatie',
    you: 'U',
    email: 'E-mailadres',
    twostep: 'Inloggen in twee stappen',
    on: 'Aan',
    required: 'Aan: uw organisatie vereist het voor kantoormedewerkers.',
    off: 'Uit',
    setup: 'Authenticator-app instellen',
    disable: 'Inloggen in twee stappen uitzetten',
    disabled: 'Uw beheerderstoegang is uitgeschakeld. Vraag een andere beheerder van uw organisatie.',
  },
});

/** The name office staff's authenticator apps list their account under. Before the
 * second factor the API tells an admin nothing about their organisation (not even its
 * name), so it is the console's own. */
const ISSUER = 'Portico';

type Settings = Schemas['Settings'];
type Staff = Schemas['StaffDetail'];

export interface OfficeCtx {
  /** Draws into the page while it is still the one shown. */
  show: (view: TemplateResult) => void;
  /** Signs out; `notice` is shown on the sign-in page. */
  signOut: (notice?: string) => void;
}

function focus(selector: string): void {
  requestAnimationFrame(() => (document.querySelector(selector) as HTMLElement | null)?.focus());
}

export async function officePage(ctx: OfficeCtx): Promise<void> {
  // Staff have no language setting: the browser's, whoever used this tab before.
  setLocale(navigator.language.slice(0, 2).toLowerCase());
  const frame = (content: TemplateResult, organisation?: string) =>
    ctx.show(html`<header class="top">
        <div class="brand"><span class="portal-name">${organisation ?? t('title')}</span></div>
        <div class="who">
          <button type="button" class="link" @click=${() => ctx.signOut()}>${appWord('app.signout')}</button>
        </div>
      </header>
      <main id="main" tabindex="-1">${content}</main>`);
  const titled = (title: string, selector = 'main h1') => {
    document.title = `${title} · ${t('title')}`;
    focus(selector);
  };

  frame(html`<p role="status" class="loading">${appWord('app.loading')}</p>`);
  const staffId = String(auth.claims()['custom:staff_id'] ?? '');
  let settings: Settings;
  let me: Staff;
  try {
    [settings, me] = await Promise.all([
      data(api.GET('/admin/settings')),
      data(api.GET('/admin/staff/{staff_id}', { params: { path: { staff_id: staffId } } })),
    ]);
  } catch (e) {
    if (e instanceof Problem && e.type === MFA_REQUIRED) return requireApp(ctx, frame, titled);
    if (e instanceof Problem && e.status === 403) return ctx.signOut(t('disabled'));
    // A 401 has sent the admin to sign-in already.
    if (!(e instanceof Problem && e.status === 401)) frame(problemView(e));
    return;
  }

  let error: unknown = null;
  let notice: string | null = null;
  let busy = false;
  const setUp = async () => {
    const { setUpAuthenticator } = await import('../pages/authenticator');
    await setUpAuthenticator({
      show: (view) => frame(view, settings.branding.display_name),
      titled,
      issuer: ISSUER,
      account: me.email,
      required: false,
      done: () => officePage(ctx),
      leave: () => {
        draw();
        titled(t('title'));
      },
    });
  };
  const switchOff = async () => {
    busy = true;
    draw();
    try {
      await auth.setAuthenticator(false);
      me = { ...me, mfa_enabled: false };
      notice = appWord('twostep.disabled');
    } catch (e) {
      error = e;
    }
    busy = false;
    draw();
    focus('main h1');
  };
  const action = () => {
    if (settings.require_admin_mfa && me.mfa_enabled) return nothing;
    const failed = (e: unknown) => {
      error = e;
      draw();
    };
    return me.mfa_enabled
      ? html`<button type="button" ?disabled=${busy} @click=${() => void switchOff()}>${t('disable')}</button>`
      : html`<button type="button" class="primary" ?disabled=${busy} @click=${() => void setUp().catch(failed)}>${t('setup')}</button>`;
  };
  const draw = () =>
    frame(
      html`<h1 tabindex="-1">${t('title')}</h1>
        <p>${t('intro')}</p>
        ${notice ? html`<p class="info" role="status">${notice}</p>` : nothing}
        ${error ? problemView(error) : nothing}
        <dl class="facts">
          <dt>${t('organisation')}</dt>
          <dd>${settings.branding.display_name}</dd>
          <dt>${t('you')}</dt>
          <dd>${me.first_name} ${me.last_name}</dd>
          <dt>${t('email')}</dt>
          <dd>${me.email}</dd>
          <dt>${t('twostep')}</dt>
          <dd>${me.mfa_enabled ? (settings.require_admin_mfa ? t('required') : t('on')) : t('off')}</dd>
        </dl>
        <p class="actions">${action()}</p>`,
      settings.branding.display_name,
    );
  draw();
  titled(t('title'));
}

/** The organisation requires a second factor and this sign-in had none: an app first. */
async function requireApp(
  ctx: OfficeCtx,
  frame: (content: TemplateResult) => void,
  titled: (title: string) => void,
): Promise<void> {
  const { setUpAuthenticator } = await import('../pages/authenticator');
  await setUpAuthenticator({
    show: frame,
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
  }).catch((e: unknown) => frame(problemView(e)));
}
