// Payments: the tenant's processor account (Stripe Connect, docs/decisions/0004-payments.md).
// The screen says whether it is connected and takes payments, and opens the processor's
// onboarding (`POST /admin/payments/account`: the account made the first time, a fresh
// onboarding link each time), which comes back to this screen.

import { html, nothing } from 'lit-html';
import { api, data, type Schemas } from '../api';
import { problemView } from '../app';
import { t as appWord, words } from '../i18n';
import { focus, type ScreenCtx } from './screen';

const t = words({
  en: {
    title: 'Payments',
    intro: 'Members with the "Pay invoices" permission pay their invoices on Stripe’s page, into your company’s own Stripe account; refunds and disputes are handled in your company’s Stripe dashboard.',
    state: 'Stripe account',
    account: 'Account id',
    notConnected: 'Not connected',
    incomplete: 'Connected, onboarding incomplete',
    takes: 'Connected, takes payments',
    details: 'Details submitted',
    yes: 'Yes',
    no: 'No',
    connect: 'Connect Stripe',
    continue: 'Continue onboarding',
    open: 'Open Stripe onboarding',
    opening: 'Opening Stripe…',
    featureOff: 'Members cannot pay yet: switch on "Online payments" in the set-up.',
    setup: 'Set-up',
  },
  nl: {
    title: 'Betalingen',
    intro: 'Leden met het recht "Facturen betalen" betalen hun facturen op de pagina van Stripe, op de eigen Stripe-rekening van uw bedrijf; terugbetalingen en geschillen handelt u af in het Stripe-dashboard van uw bedrijf.',
    state: 'Stripe-account',
    account: 'Account-id',
    notConnected: 'Niet gekoppeld',
    incomplete: 'Gekoppeld, aanmelding niet voltooid',
    takes: 'Gekoppeld, neemt betalingen aan',
    details: 'Gegevens ingediend',
    yes: 'Ja',
    no: 'Nee',
    connect: 'Stripe koppelen',
    continue: 'Aanmelding voortzetten',
    open: 'Stripe-aanmelding openen',
    opening: 'Stripe wordt geopend…',
    featureOff: 'Leden kunnen nog niet betalen: zet "Online betalen" aan in de inrichting.',
    setup: 'Inrichting',
  },
});

type Account = Schemas['PaymentAccountView'];

export const paymentsLabel = (): string => t('title');

/** The account's state in words. */
export function accountState(a: Account): string {
  if (!a.connected) return t('notConnected');
  return a.charges_enabled ? t('takes') : t('incomplete');
}

export async function paymentsScreen(ctx: ScreenCtx): Promise<void> {
  let account: Account | null = null;
  let error: unknown = null;
  let busy = false;

  const onboard = async () => {
    busy = true;
    error = null;
    draw();
    try {
      const answer = await data(api.POST('/admin/payments/account'));
      window.location.assign(answer.onboarding_url);
      return;
    } catch (e) {
      error = e;
    }
    busy = false;
    draw();
    focus('#payments-problem');
  };

  const draw = () => {
    const a = account;
    const featureOn = ctx.session.settings.features.includes('payments');
    ctx.show(html`<h1 tabindex="-1">${t('title')}</h1>
      <p>${t('intro')}</p>
      ${error ? html`<div id="payments-problem" tabindex="-1">${problemView(error)}</div>` : nothing}
      ${a === null
        ? error
          ? nothing
          : html`<p role="status" class="loading">${appWord('app.loading')}</p>`
        : html`<dl class="facts" id="payment-account">
              <dt>${t('state')}</dt>
              <dd><span class="badge badge-${a.charges_enabled ? 'accepted' : a.connected ? 'due' : 'declined'}">${accountState(a)}</span></dd>
              ${a.account_id ? html`<dt>${t('account')}</dt><dd><code>${a.account_id}</code></dd>` : nothing}
              ${a.connected ? html`<dt>${t('details')}</dt><dd>${a.details_submitted ? t('yes') : t('no')}</dd>` : nothing}
            </dl>
            ${a.charges_enabled && !featureOn ? html`<p class="hint">${t('featureOff')} <a href="/office/setup" data-link>${t('setup')}</a></p>` : nothing}
            <div class="actions">
              <button type="button" class="primary" id="payments-onboard" ?disabled=${busy} @click=${() => void onboard()}>
                ${!a.connected ? t('connect') : a.charges_enabled ? t('open') : t('continue')}
              </button>
              ${busy ? html`<span role="status">${t('opening')}</span>` : nothing}
            </div>`}`);
  };

  draw();
  ctx.titled(t('title'));
  try {
    account = await data(api.GET('/admin/payments/account'));
  } catch (e) {
    error = e;
  }
  draw();
}
