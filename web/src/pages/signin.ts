// Sign-in, the first sign-in's new password, the authenticator app's code (for a login
// with one), and a forgotten password.

import { html, nothing, type TemplateResult } from 'lit-html';
import type { Schemas } from '../api';
import * as auth from '../auth';
import { formValues } from '../app';
import { t } from '../i18n';

interface SignInCtx {
  show: (view: TemplateResult) => void;
  /** The portal's look, as the last member signed in on this browser saw it. */
  brand: Pick<Schemas['PortalBranding'], 'display_name' | 'logo_url'> | null;
  notice: string | null;
  done: () => void;
}

type Step =
  | { step: 'password' }
  | { step: 'new-password'; challenge: auth.Challenge }
  | { step: 'code'; challenge: auth.Challenge }
  | { step: 'forgot'; username: string; codeSent: boolean };

function messageOf(e: unknown, step: Step['step']): string {
  if (e instanceof auth.CognitoError) {
    if (step === 'code' && e.kind === 'CodeMismatchException') return t('signin.code.wrong');
    if (step === 'code' && e.kind === 'ExpiredCodeException') return t('signin.code.used');
    if (e.kind === 'NotAuthorizedException' && /disabled/i.test(e.message)) return t('signin.disabled');
    if (e.kind === 'NotAuthorizedException' || e.kind === 'UserNotFoundException') return t('signin.wrong');
    if (e.kind === 'PasswordResetRequiredException') return t('signin.reset');
    return e.message;
  }
  return String(e);
}

export function signInPage(ctx: SignInCtx): void {
  let state: Step = { step: 'password' };
  let error: string | null = null;
  let info: string | null = ctx.notice;
  let busy = false;
  // A new step takes focus to its heading (announcing it); a redraw after an error takes
  // it back to the field to correct.
  let newStep = false;

  /** Where a sign-in goes next: the page the person came for, or Cognito's next question. */
  const next = (out: auth.SignInResult) => {
    if ('newPassword' in out) {
      state = { step: 'new-password', challenge: out.newPassword };
      info = t('signin.newpassword.intro');
    } else if ('code' in out) {
      state = { step: 'code', challenge: out.code };
      info = null;
      newStep = true;
    } else ctx.done();
  };

  const card = (title: string, body: TemplateResult) => html`<main id="main" class="signin" tabindex="-1">
    <section class="card" aria-labelledby="signin-title">
      ${ctx.brand
        ? html`<p class="signin-brand">${ctx.brand.logo_url ? html`<img src=${ctx.brand.logo_url} alt="" class="logo" />` : nothing}
            ${ctx.brand.display_name}</p>`
        : nothing}
      <h1 id="signin-title" tabindex="-1">${title}</h1>
      ${info ? html`<p class="info" role="status">${info}</p>` : nothing}
      ${error ? html`<p class="problem" role="alert" id="signin-error">${error}</p>` : nothing} ${body}
    </section>
  </main>`;

  const run = async (work: () => Promise<void>) => {
    busy = true;
    error = null;
    draw();
    try {
      await work();
    } catch (e) {
      error = messageOf(e, state.step);
      if (e instanceof auth.CognitoError && e.kind === 'PasswordResetRequiredException' && state.step === 'password') {
        state = { step: 'forgot', username: lastUsername, codeSent: true };
        info = t('signin.reset');
        error = null;
      }
      // The code step's session ended (Cognito gives it minutes): from the password again.
      if (e instanceof auth.CognitoError && e.kind === 'NotAuthorizedException' && state.step === 'code') {
        state = { step: 'password' };
        info = t('signin.code.again');
        error = null;
      }
    }
    busy = false;
    draw();
  };

  let lastUsername = '';

  const draw = () => {
    if (state.step === 'password') {
      ctx.show(
        card(
          t('signin.title'),
          html`<form
              @submit=${(ev: SubmitEvent) => {
                ev.preventDefault();
                const v = formValues(ev.target as HTMLFormElement);
                const username = auth.normaliseUsername(v.username ?? '');
                lastUsername = username;
                void run(async () => next(await auth.signIn(username, (ev.target as HTMLFormElement).password.value)));
              }}
            >
              <label for="username">${t('signin.username')}</label>
              <input id="username" name="username" autocomplete="username" required .value=${lastUsername}
                aria-describedby=${error ? 'signin-error' : nothing} />
              <label for="password">${t('signin.password')}</label>
              <input id="password" name="password" type="password" autocomplete="current-password" required />
              <button type="submit" class="primary" ?disabled=${busy}>${t('signin.submit')}</button>
            </form>
            <p>
              <button type="button" class="link" @click=${() => {
                state = { step: 'forgot', username: lastUsername, codeSent: false };
                info = t('forgot.intro');
                error = null;
                draw();
              }}>${t('signin.forgot')}</button>
            </p>`,
        ),
      );
    } else if (state.step === 'new-password') {
      const { challenge } = state;
      ctx.show(
        card(
          t('signin.newpassword.title'),
          html`<form
            @submit=${(ev: SubmitEvent) => {
              ev.preventDefault();
              const form = ev.target as HTMLFormElement;
              if (form.new1.value !== form.new2.value) {
                error = t('signin.newpassword.mismatch');
                draw();
                return;
              }
              void run(async () => next(await auth.chooseNewPassword(challenge, form.new1.value)));
            }}
          >
            <p id="rules" class="hint">${t('signin.newpassword.rules')}</p>
            <label for="new1">${t('signin.newpassword')}</label>
            <input id="new1" name="new1" type="password" autocomplete="new-password" required minlength="12" aria-describedby="rules" />
            <label for="new2">${t('signin.newpassword.again')}</label>
            <input id="new2" name="new2" type="password" autocomplete="new-password" required minlength="12" />
            <button type="submit" class="primary" ?disabled=${busy}>${t('signin.newpassword.submit')}</button>
          </form>`,
        ),
      );
    } else if (state.step === 'code') {
      const { challenge } = state;
      ctx.show(
        card(
          t('signin.code.title'),
          html`<form
              novalidate
              @submit=${(ev: SubmitEvent) => {
                ev.preventDefault();
                const code = auth.typedCode((ev.target as HTMLFormElement).totp.value);
                if (!code) {
                  error = t('signin.code.format');
                  draw();
                  return;
                }
                void run(async () => next(await auth.answerCode(challenge, code)));
              }}
            >
              <p id="code-intro">${t('signin.code.intro')}</p>
              <label for="totp">${t('signin.code')}</label>
              <input id="totp" name="totp" autocomplete="one-time-code" inputmode="numeric" required
                aria-invalid=${error ? 'true' : 'false'}
                aria-describedby=${error ? 'signin-error code-intro' : 'code-intro'} />
              <button type="submit" class="primary" ?disabled=${busy}>${t('signin.code.submit')}</button>
            </form>
            <p class="hint">${t('signin.code.lost')}</p>
            <p>
              <button type="button" class="link" @click=${() => {
                state = { step: 'password' };
                info = null;
                error = null;
                draw();
              }}>${t('forgot.back')}</button>
            </p>`,
        ),
      );
    } else {
      const s = state;
      ctx.show(
        card(
          t('forgot.title'),
          html`${s.codeSent
              ? html`<form
                  @submit=${(ev: SubmitEvent) => {
                    ev.preventDefault();
                    const form = ev.target as HTMLFormElement;
                    void run(async () => {
                      await auth.confirmForgotPassword(s.username, form.code.value.trim(), form.new1.value);
                      lastUsername = s.username;
                      state = { step: 'password' };
                      info = t('forgot.done');
                    });
                  }}
                >
                  <label for="code">${t('forgot.code')}</label>
                  <input id="code" name="code" autocomplete="one-time-code" required />
                  <p id="rules" class="hint">${t('signin.newpassword.rules')}</p>
                  <label for="new1">${t('signin.newpassword')}</label>
                  <input id="new1" name="new1" type="password" autocomplete="new-password" required minlength="12" aria-describedby="rules" />
                  <button type="submit" class="primary" ?disabled=${busy}>${t('forgot.submit')}</button>
                </form>`
              : html`<form
                  @submit=${(ev: SubmitEvent) => {
                    ev.preventDefault();
                    const username = auth.normaliseUsername(formValues(ev.target as HTMLFormElement).username ?? '');
                    lastUsername = username;
                    void run(async () => {
                      await auth.forgotPassword(username);
                      state = { step: 'forgot', username, codeSent: true };
                      info = t('forgot.sent', { who: username });
                    });
                  }}
                >
                  <label for="username">${t('signin.username')}</label>
                  <input id="username" name="username" autocomplete="username" required .value=${s.username} />
                  <button type="submit" class="primary" ?disabled=${busy}>${t('forgot.send')}</button>
                </form>`}
            <p>
              <button type="button" class="link" @click=${() => {
                state = { step: 'password' };
                info = null;
                error = null;
                draw();
              }}>${t('forgot.back')}</button>
            </p>`,
        ),
      );
    }
    const heading = newStep;
    newStep = false;
    // The field to fill next: the password once the login is known (say, after a reset).
    const field = state.step === 'password' && lastUsername ? '#password' : 'main input';
    requestAnimationFrame(() => {
      // Someone already typing in a field of this step keeps their place: focus moved
      // from under them would send their keys to another field.
      const active = document.activeElement;
      if (!heading && active instanceof HTMLInputElement && active.isConnected && active.closest('main')) {
        if (state.step === 'code') active.select();
        return;
      }
      const el = document.querySelector(heading ? '#signin-title' : field) as HTMLInputElement | null;
      el?.focus();
      if (!heading && state.step === 'code') el?.select();
    });
  };
  draw();
}
