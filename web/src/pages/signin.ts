// Sign-in, the first sign-in's new password, and a forgotten password.

import { html, nothing, type TemplateResult } from 'lit-html';
import * as auth from '../auth';
import { formValues } from '../app';
import { t } from '../i18n';

interface SignInCtx {
  show: (view: TemplateResult) => void;
  /** The portal's look, as the last member signed in on this browser saw it. */
  brand: { display_name: string; logo_url: string | null } | null;
  notice: string | null;
  done: () => void;
}

type Step =
  | { step: 'password' }
  | { step: 'new-password'; username: string; session: string }
  | { step: 'forgot'; username: string; codeSent: boolean };

function messageOf(e: unknown): string {
  if (e instanceof auth.CognitoError) {
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
      error = messageOf(e);
      if (e instanceof auth.CognitoError && e.kind === 'PasswordResetRequiredException' && state.step === 'password') {
        state = { step: 'forgot', username: lastUsername, codeSent: true };
        info = t('signin.reset');
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
                void run(async () => {
                  const out = await auth.signIn(username, (ev.target as HTMLFormElement).password.value);
                  if ('newPassword' in out) {
                    state = { step: 'new-password', ...out.newPassword };
                    info = t('signin.newpassword.intro');
                  } else ctx.done();
                });
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
      const { username, session } = state;
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
              void run(async () => {
                await auth.chooseNewPassword(username, session, form.new1.value);
                ctx.done();
              });
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
    requestAnimationFrame(() => {
      (document.querySelector('main input') as HTMLElement | null)?.focus();
    });
  };
  draw();
}
