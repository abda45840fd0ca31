// My profile: name, phone, language, and which emails I get — saved with If-Match, so a
// change made meanwhile elsewhere is not overwritten. And what Cognito holds of my login:
// whether a new phone number still waits for the code texted to it (the login signs in
// with a number only once its owner has entered that code), and two-step sign-in.

import { html, nothing, type TemplateResult } from 'lit-html';
import * as auth from '../auth';
import { api, ifMatch, Problem, tagged, type Schemas } from '../api';
import { problemView, type Ctx, type Me } from '../app';
import { permission, t, type Key } from '../i18n';

const KINDS: Schemas['NotificationKind'][] = ['quotes', 'invoices', 'jobs_completed', 'job_status', 'work_requests', 'messages', 'payments'];

function phoneMessage(e: unknown): string {
  if (e instanceof auth.CognitoError) {
    if (e.kind === 'CodeMismatchException') return t('phone.wrong');
    if (e.kind === 'ExpiredCodeException') return t('phone.expired');
    if (/LimitExceeded|TooMany/.test(e.kind)) return t('phone.limit');
    return e.message;
  }
  return String(e);
}

function alert(id: string, message: string): TemplateResult {
  return html`<p class="problem" role="alert" id=${id}>${message}</p>`;
}

function focus(selector: string): void {
  requestAnimationFrame(() => {
    const el = document.querySelector(selector) as HTMLElement | null;
    el?.focus();
    if (el instanceof HTMLInputElement) el.select();
  });
}

export async function profilePage(ctx: Ctx): Promise<void> {
  // The login's state is Cognito's; without it the profile still works.
  const [{ body: me, etag }, found] = await Promise.all([
    tagged(api.GET('/portal/me')),
    auth.getLogin().catch(() => null),
  ]);
  let login = found;
  let error: unknown = null;
  let notice: string | null = ctx.query.has('saved') ? t('app.saved') : ctx.query.get('mfa') === 'on' ? t('twostep.enabled') : null;
  let phoneNotice: string | null = ctx.query.get('phone') === 'sent' && me.phone ? t('phone.sent', { phone: me.phone }) : null;
  let phoneError: string | null = null;
  let busy = false;

  /** The member's number is not yet the one the login signs in with. */
  const waiting = () => me.phone != null && login !== null && !(login.phone === me.phone && login.phoneVerified);

  const save = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const data = new FormData(ev.target as HTMLFormElement);
    const phone = String(data.get('phone') ?? '').trim() || null;
    busy = true;
    error = null;
    notice = null;
    draw();
    try {
      await api.PATCH('/portal/me', {
        body: {
          first_name: String(data.get('first_name') ?? '').trim(),
          last_name: String(data.get('last_name') ?? '').trim(),
          phone,
          locale: String(data.get('locale')) as Me['locale'],
          notifications: KINDS.filter((k) => data.get(`n-${k}`) === 'on'),
        },
        headers: ifMatch(etag),
      });
      // Cognito texts a code to a new number: the page comes back asking for it, in the
      // language just chosen.
      const sent = phone !== null && phone !== me.phone;
      await ctx.refreshMe(`/profile?saved=1${sent ? '&phone=sent' : ''}`);
      return;
    } catch (e) {
      error = e instanceof Problem && e.status === 409 && phone !== me.phone ? t('profile.phone.taken') : e;
    }
    busy = false;
    draw();
  };

  const confirmPhone = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const code = auth.typedCode((ev.target as HTMLFormElement).code.value);
    phoneError = code ? null : t('signin.code.format');
    if (code) {
      busy = true;
      draw();
      try {
        await auth.confirmPhone(code);
        login = await auth.getLogin();
        phoneNotice = null;
        notice = t('phone.done');
        busy = false;
        draw();
        focus('main h1');
        return;
      } catch (e) {
        phoneError = phoneMessage(e);
      }
      busy = false;
    }
    draw();
    focus('#phone-code');
  };

  const resend = async () => {
    busy = true;
    phoneError = null;
    draw();
    try {
      await auth.sendPhoneCode();
      phoneNotice = t('phone.resent', { phone: me.phone ?? '' });
    } catch (e) {
      phoneError = phoneMessage(e);
    }
    busy = false;
    draw();
    focus('#phone-code');
  };

  const setUpApp = async () => {
    const { setUpAuthenticator } = await import('./authenticator');
    await setUpAuthenticator({
      show: ctx.show,
      titled: ctx.titled,
      issuer: me.portal_name,
      account: me.email,
      required: false,
      done: () => ctx.go('/profile?mfa=on'),
      leave: () => {
        draw();
        ctx.titled(t('profile.title'), '#twostep-title');
      },
    });
  };

  const switchOffApp = async () => {
    busy = true;
    error = null;
    draw();
    try {
      await auth.setAuthenticator(false);
      login = login && { ...login, totp: false };
      notice = t('twostep.disabled');
    } catch (e) {
      error = e;
    }
    busy = false;
    draw();
    focus('#twostep-title');
  };

  const phoneStep = () =>
    html`<section class="card-item verify" aria-labelledby="phone-title">
      <h2 id="phone-title" tabindex="-1">${t('phone.title')}</h2>
      <p role="status">${phoneNotice ?? t('phone.ask', { phone: me.phone ?? '' })}</p>
      ${phoneError ? alert('phone-error', phoneError) : nothing}
      <form novalidate @submit=${confirmPhone}>
        <label for="phone-code">${t('phone.code')}</label>
        <input id="phone-code" name="code" class="code" autocomplete="one-time-code" inputmode="numeric" required
          aria-invalid=${phoneError ? 'true' : 'false'} aria-describedby=${phoneError ? 'phone-error' : nothing} />
        <div class="actions">
          <button type="submit" class="primary" ?disabled=${busy}>${t('phone.submit')}</button>
          <button type="button" ?disabled=${busy} @click=${() => void resend()}>${t('phone.resend')}</button>
        </div>
      </form>
    </section>`;

  const twoStep = (l: auth.Login) =>
    html`<h2 id="twostep-title" tabindex="-1">${t('twostep.title')}</h2>
      <p>${l.totp ? t('twostep.on') : t('twostep.off')}</p>
      ${l.totp
        ? html`<button type="button" ?disabled=${busy} @click=${() => void switchOffApp()}>${t('twostep.disable')}</button>`
        : html`<button type="button" class="primary" ?disabled=${busy}
            @click=${() => void setUpApp().catch((e: unknown) => {
              error = e;
              draw();
            })}>${t('twostep.setup')}</button>`}`;

  const draw = () =>
    ctx.show(html`<h1 tabindex="-1">${t('profile.title')}</h1>
      ${notice ? html`<p class="info" role="status">${notice}</p>` : nothing}
      ${typeof error === 'string' ? alert('profile-error', error) : error ? problemView(error) : nothing}
      ${waiting() ? phoneStep() : nothing}
      <form class="stack" @submit=${save}>
        <label for="email">${t('profile.email')}</label>
        <input id="email" .value=${me.email} readonly />
        <label for="first_name">${t('profile.first')}</label>
        <input id="first_name" name="first_name" required maxlength="200" autocomplete="given-name" .value=${me.first_name} />
        <label for="last_name">${t('profile.last')}</label>
        <input id="last_name" name="last_name" required maxlength="200" autocomplete="family-name" .value=${me.last_name} />
        <label for="phone">${t('profile.phone')}</label>
        <input id="phone" name="phone" type="tel" autocomplete="tel" placeholder="+31612345678" .value=${me.phone ?? ''}
          aria-describedby=${me.phone && login ? 'phone-state' : nothing} />
        ${me.phone && login
          ? html`<p id="phone-state" class="hint">${waiting() ? t('profile.phone.waiting') : t('profile.phone.verified')}</p>`
          : nothing}
        <label for="locale">${t('profile.locale')}</label>
        <select id="locale" name="locale">
          <option value="en" ?selected=${me.locale === 'en'}>English</option>
          <option value="nl" ?selected=${me.locale === 'nl'}>Nederlands</option>
        </select>
        <fieldset>
          <legend>${t('profile.notifications')}</legend>
          ${KINDS.map(
            (k) => html`<div class="switch">
              <input type="checkbox" role="switch" id="n-${k}" name="n-${k}" ?checked=${me.notifications.includes(k)} />
              <label for="n-${k}">${t(`notify.${k}` as Key)}</label>
            </div>`,
          )}
        </fieldset>
        <button type="submit" class="primary" ?disabled=${busy}>${t('app.save')}</button>
      </form>
      ${login ? twoStep(login) : nothing}
      <h2>${t('profile.rights')}</h2>
      <ul>${me.permissions.map((p) => html`<li>${permission(p)}</li>`)}</ul>`);
  draw();
  // Right after saving a new number, straight to its code.
  ctx.titled(t('profile.title'), phoneNotice && waiting() ? '#phone-title' : undefined);
}
