// Setting up an authenticator app (TOTP, Cognito's software token), from a member's
// profile or, where their organisation requires it, before an admin's first page: Cognito
// hands out a secret, the app takes it from a QR code (or typed in), and the app's first
// code proves it holds it; from then on every sign-in asks for a code.
//
// Loaded only when someone sets an app up (`import()`), with the QR code's encoder and
// its own words: none of it is in a member's first load.

import { html, nothing, type TemplateResult } from 'lit-html';
import { encode } from 'uqr';
import * as auth from '../auth';
import { t as appWord, words } from '../i18n';
import { groupSecret, otpauthUri } from '../totp';

const t = words({
  en: {
    title: 'Set up two-step sign-in',
    required:
      'Your organisation asks office staff to sign in with a code from an authenticator app as well as their password. Set one up to continue.',
    install:
      'Install an authenticator app on your phone if you have none yet. Any app for time-based codes works, such as Microsoft Authenticator, Google Authenticator or 1Password.',
    scan: 'In the app, add an account and scan this QR code.',
    qr: 'QR code to add {issuer} to your authenticator app',
    type: 'Cannot scan it? Add the account by hand with this key (time-based):',
    key: 'Key',
    account: 'Account',
    enter: 'Enter the 6-digit code the app now shows for {issuer}.',
    code: 'Code from the app',
    submit: 'Switch on two-step sign-in',
    cancel: 'Cancel',
    signout: 'Sign out',
    format: 'Enter the 6 digits the app shows.',
    wrong: 'That code is not right. Check that the app shows {issuer}, and enter the code it shows now.',
  },
  nl: {
    title: 'Inloggen in twee stappen instellen',
    required:
      'Uw organisatie vraagt kantoormedewerkers om naast hun wachtwoord in te loggen met een code uit een authenticator-app. Stel er een in om verder te gaan.',
    install:
      'Installeer een authenticator-app op uw telefoon als u er nog geen hebt. Elke app voor tijdgebonden codes werkt, zoals Microsoft Authenticator, Google Authenticator of 1Password.',
    scan: 'Voeg in de app een account toe en scan deze QR-code.',
    qr: 'QR-code om {issuer} aan uw authenticator-app toe te voegen',
    type: 'Lukt scannen niet? Voeg het account met de hand toe met deze sleutel (tijdgebonden):',
    key: 'Sleutel',
    account: 'Account',
    enter: 'Vul de code van 6 cijfers in die de app nu voor {issuer} toont.',
    code: 'Code uit de app',
    submit: 'Inloggen in twee stappen aanzetten',
    cancel: 'Annuleren',
    signout: 'Afmelden',
    format: 'Vul de 6 cijfers in die de app toont.',
    wrong: 'Die code klopt niet. Kijk na of de app {issuer} toont, en vul de code in die hij nu toont.',
  },
});

export interface SetupCtx {
  show: (view: TemplateResult) => void;
  /** Sets the document title and moves focus to the page's heading. */
  titled: (title: string) => void;
  /** The name the app lists the account under, and the account's own name. */
  issuer: string;
  account: string;
  /** Required before anything else (an admin whose organisation asks for it): the way
   * out is signing out, not cancelling. */
  required: boolean;
  /** The app is switched on. */
  done: () => void | Promise<void>;
  /** Cancelled, or (when required) signed out. */
  leave: () => void;
}

/** The QR code of `text`: one SVG path of a unit square per dark module, with the quiet
 * zone readers need around it. */
function qrCode(text: string, label: string): TemplateResult {
  const { data, size } = encode(text, { ecc: 'M', border: 4 });
  let path = '';
  data.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (dark) path += `M${x} ${y}h1v1h-1z`;
    }),
  );
  return html`<svg class="qr" viewBox="0 0 ${size} ${size}" role="img" aria-label=${label} shape-rendering="crispEdges">
    <rect width=${size} height=${size} fill="#fff" />
    <path d=${path} fill="#000" />
  </svg>`;
}

function messageOf(e: unknown, issuer: string): string {
  if (e instanceof auth.CognitoError) {
    // VerifySoftwareToken's word for a wrong code; CodeMismatchException in some SDKs' wording.
    if (e.kind === 'EnableSoftwareTokenMFAException' || e.kind === 'CodeMismatchException') return t('wrong', { issuer });
    return e.message;
  }
  return String(e);
}

export async function setUpAuthenticator(ctx: SetupCtx): Promise<void> {
  ctx.show(html`<p role="status" class="loading">${appWord('app.loading')}</p>`);
  const secret = await auth.newAuthenticatorSecret();
  const uri = otpauthUri(ctx.issuer, ctx.account, secret);
  let error: string | null = null;
  let busy = false;

  const focusCode = () =>
    requestAnimationFrame(() => {
      const input = document.getElementById('app-code') as HTMLInputElement | null;
      input?.focus();
      input?.select();
    });

  const submit = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const code = auth.typedCode((ev.target as HTMLFormElement).code.value);
    error = code ? null : t('format');
    if (code) {
      busy = true;
      draw();
      try {
        await auth.switchOnAuthenticator(code);
        await ctx.done();
        return;
      } catch (e) {
        error = messageOf(e, ctx.issuer);
      }
      busy = false;
    }
    draw();
    focusCode();
  };

  const draw = () =>
    ctx.show(html`<h1 tabindex="-1">${t('title')}</h1>
      ${ctx.required ? html`<p class="info">${t('required')}</p>` : nothing}
      <ol class="setup">
        <li>${t('install')}</li>
        <li>
          <p>${t('scan')}</p>
          ${qrCode(uri, t('qr', { issuer: ctx.issuer }))}
          <p>${t('type')}</p>
          <dl class="facts secret">
            <dt>${t('key')}</dt>
            <dd><code id="app-secret">${groupSecret(secret).join(' ')}</code></dd>
            <dt>${t('account')}</dt>
            <dd>${ctx.issuer} (${ctx.account})</dd>
          </dl>
        </li>
        <li>
          <form novalidate @submit=${submit}>
            <p id="app-code-hint">${t('enter', { issuer: ctx.issuer })}</p>
            ${error ? html`<p class="problem" role="alert" id="app-code-error">${error}</p>` : nothing}
            <label for="app-code">${t('code')}</label>
            <input id="app-code" name="code" class="code" autocomplete="one-time-code" inputmode="numeric" required
              aria-invalid=${error ? 'true' : 'false'}
              aria-describedby=${error ? 'app-code-error app-code-hint' : 'app-code-hint'} />
            <div class="actions">
              <button type="submit" class="primary" ?disabled=${busy}>${t('submit')}</button>
              <button type="button" @click=${() => ctx.leave()}>${ctx.required ? t('signout') : t('cancel')}</button>
            </div>
          </form>
        </li>
      </ol>`);

  draw();
  ctx.titled(t('title'));
}
