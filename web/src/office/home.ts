// The console's overview: the organisation (`GET /admin/settings`) and the admin's own
// record (`GET /admin/staff/{custom:staff_id}`, whose `mfa_enabled` says whether they
// sign in with an app), where they set up or switch off their authenticator app.

import { html, nothing } from 'lit-html';
import * as auth from '../auth';
import { api, data } from '../api';
import { problemView } from '../app';
import { t as appWord, words } from '../i18n';
import { ISSUER, type ScreenCtx } from './screen';

const t = words({
  en: {
    title: 'Office console',
    intro: 'Here your organisation manages its portal. A new portal starts with its set-up, then customers, access groups and members; the menu follows that order.',
    organisation: 'Organisation',
    you: 'You',
    email: 'Email address',
    twostep: 'Two-step sign-in',
    on: 'On',
    required: 'On: your organisation requires it for office staff.',
    off: 'Off',
    setup: 'Set up an authenticator app',
    disable: 'Switch off two-step sign-in',
  },
  nl: {
    title: 'Kantoorconsole',
    intro: 'Hier beheert uw organisatie haar portaal. Een nieuw portaal begint met de inrichting, dan klanten, toegangsgroepen en leden; het menu volgt die volgorde.',
    organisation: 'Organisatie',
    you: 'U',
    email: 'E-mailadres',
    twostep: 'Inloggen in twee stappen',
    on: 'Aan',
    required: 'Aan: uw organisatie vereist het voor kantoormedewerkers.',
    off: 'Uit',
    setup: 'Authenticator-app instellen',
    disable: 'Inloggen in twee stappen uitzetten',
  },
});

export async function homeScreen(ctx: ScreenCtx): Promise<void> {
  // Read again: whether the app is on may have changed since sign-in.
  let me = await data(api.GET('/admin/staff/{staff_id}', { params: { path: { staff_id: ctx.session.me.id } } }));
  ctx.setMe(me);
  const settings = ctx.session.settings;
  let error: unknown = null;
  let notice: string | null = null;
  let busy = false;
  const setUp = async () => {
    const { setUpAuthenticator } = await import('../pages/authenticator');
    await setUpAuthenticator({
      show: ctx.show,
      titled: ctx.titled,
      issuer: ISSUER,
      account: me.email,
      required: false,
      done: ctx.reload,
      leave: () => {
        draw();
        ctx.titled(t('title'));
      },
    });
  };
  const switchOff = async () => {
    busy = true;
    draw();
    try {
      await auth.setAuthenticator(false);
      me = { ...me, mfa_enabled: false };
      ctx.setMe(me);
      notice = appWord('twostep.disabled');
    } catch (e) {
      error = e;
    }
    busy = false;
    draw();
    ctx.titled(t('title'));
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
    ctx.show(html`<h1 tabindex="-1">${t('title')}</h1>
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
      <p class="actions">${action()}</p>`);
  draw();
  ctx.titled(t('title'));
}
