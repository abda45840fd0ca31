// Integrations: the back office's machine credentials (`/admin/integrations`, issue 27).
// An admin adds one with the scopes it needs and sees its secret once; rotates it (a new
// secret, the old one working for a day more); revokes it (every token refused at once).

import { html, nothing, type TemplateResult } from 'lit-html';
import { api, data, type Schemas } from '../api';
import { Listing, problemView } from '../app';
import { words } from '../i18n';
import { checkGroup, fieldErrors, focus, type ScreenCtx } from './screen';

const t = words({
  en: {
    title: 'Integrations',
    intro: 'Your back office (FSM or ERP) calls Portico with credentials of its own, limited to the scopes you grant. Its changes show in the audit trail as integration:<name>.',
    scopes: 'Scopes',
    status: 'Status',
    active: 'Active',
    revoked: 'Revoked',
    clients: 'Client ids',
    retires: 'until {at}',
    rotate: 'Rotate secret',
    revoke: 'Revoke',
    confirm: 'Revoke {name}? Every token it holds is refused at once, and its credentials stop working.',
    confirmed: 'Yes, revoke',
    cancel: 'Cancel',
    add: 'Add an integration',
    name: 'Name',
    add_: 'Add integration',
    secretOnce: 'Copy these now: the secret is not shown again.',
    clientId: 'Client id',
    clientSecret: 'Client secret',
    tokenUrl: 'Token URL',
    rotated: '{name} has a new secret. The old one keeps working for 24 hours.',
    wasRevoked: '{name} is revoked.',
    none: 'No integrations yet.',
    'access:read': 'Read customers, sites, contacts, groups and members',
    'access:write': 'Change customers, sites, contacts, groups and members',
    'work:read': 'Read jobs and work requests',
    'work:write': 'Publish jobs, decide work requests',
    'records:read': 'Read quotes, invoices, equipment, documents, reports',
    'records:write': 'Publish quotes, invoices, equipment, documents',
    'files:read': 'Download files',
    'files:write': 'Upload files',
    'messages:read': 'Read messages',
    'messages:write': 'Post messages',
    'audit:read': 'Read the audit trail',
    'events:read': 'Read the feed of events',
    'webhooks:read': 'Read webhook subscriptions and their deliveries',
    'webhooks:write': 'Manage webhook subscriptions',
  },
  nl: {
    title: 'Koppelingen',
    intro: 'Uw backoffice (FSM of ERP) roept Portico aan met eigen inloggegevens, beperkt tot de rechten die u toekent. Wijzigingen staan in de audittrail als integration:<naam>.',
    scopes: 'Rechten',
    status: 'Status',
    active: 'Actief',
    revoked: 'Ingetrokken',
    clients: 'Client-id’s',
    retires: 'tot {at}',
    rotate: 'Geheim vernieuwen',
    revoke: 'Intrekken',
    confirm: '{name} intrekken? Elk token ervan wordt meteen geweigerd, en de inloggegevens werken niet meer.',
    confirmed: 'Ja, intrekken',
    cancel: 'Annuleren',
    add: 'Een koppeling toevoegen',
    name: 'Naam',
    add_: 'Koppeling toevoegen',
    secretOnce: 'Kopieer deze nu: het geheim wordt niet nog eens getoond.',
    clientId: 'Client-id',
    clientSecret: 'Clientgeheim',
    tokenUrl: 'Token-URL',
    rotated: '{name} heeft een nieuw geheim. Het oude werkt nog 24 uur.',
    wasRevoked: '{name} is ingetrokken.',
    none: 'Nog geen koppelingen.',
    'access:read': 'Klanten, locaties, contactpersonen, groepen en leden lezen',
    'access:write': 'Klanten, locaties, contactpersonen, groepen en leden wijzigen',
    'work:read': 'Werkorders en aanvragen lezen',
    'work:write': 'Werkorders publiceren, over aanvragen beslissen',
    'records:read': 'Offertes, facturen, installaties, documenten, rapporten lezen',
    'records:write': 'Offertes, facturen, installaties, documenten publiceren',
    'files:read': 'Bestanden downloaden',
    'files:write': 'Bestanden uploaden',
    'messages:read': 'Berichten lezen',
    'messages:write': 'Berichten plaatsen',
    'audit:read': 'De audittrail lezen',
    'events:read': 'De gebeurtenissenfeed lezen',
    'webhooks:read': 'Webhookabonnementen en hun afleveringen lezen',
    'webhooks:write': 'Webhookabonnementen beheren',
  },
});

type Integration = Schemas['IntegrationView'];
type Scope = Schemas['ApiScope'];
type Credentials = Schemas['Credentials'];

export const SCOPES: Scope[] = [
  'access:read', 'access:write', 'work:read', 'work:write', 'records:read', 'records:write',
  'files:read', 'files:write', 'messages:read', 'messages:write', 'audit:read',
  'events:read', 'webhooks:read', 'webhooks:write',
];

export function integrationsLabel(): string {
  return t('title');
}

export async function integrationsScreen(ctx: ScreenCtx): Promise<void> {
  const list = new Listing(
    (paging: { limit: number; cursor?: string }) => data(api.GET('/admin/integrations', { params: { query: paging } })),
    () => draw(),
    50,
  );
  let notice: string | null = null;
  let busy = false;
  let confirming: string | null = null;
  let addKey = crypto.randomUUID();
  let addError: unknown = null;
  let actionError: unknown = null;
  // The credentials just issued: shown once, until the next action.
  let shown: Credentials | null = null;

  const after = async (message: string | null, credentials: Credentials | null) => {
    notice = message;
    shown = credentials;
    await list.fetch();
  };

  const act = async (i: Integration, action: () => Promise<Credentials | null>, message: (name: string) => string) => {
    busy = true;
    notice = null;
    actionError = null;
    shown = null;
    draw();
    try {
      await after(message(i.name), await action());
    } catch (e) {
      actionError = e;
    }
    confirming = null;
    busy = false;
    draw();
    focus(actionError ? '#integrations-problem' : '#integrations-notice');
  };
  const path = (i: Integration) => ({ params: { path: { integration_id: i.id } } });
  const rotate = (i: Integration) =>
    act(i, async () => (await data(api.POST('/admin/integrations/{integration_id}/rotate', { ...path(i), body: {} }))).credentials, (name) => t('rotated', { name }));
  const revoke = (i: Integration) =>
    act(i, async () => {
      await data(api.POST('/admin/integrations/{integration_id}/revoke', path(i)));
      return null;
    }, (name) => t('wasRevoked', { name }));

  const add = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const form = ev.target as HTMLFormElement;
    const name = (form.elements.namedItem('name') as HTMLInputElement).value.trim();
    const scopes = SCOPES.filter((s) => (form.querySelector(`input[value="${s}"]`) as HTMLInputElement | null)?.checked);
    busy = true;
    addError = null;
    notice = null;
    shown = null;
    draw();
    try {
      const created = await data(api.POST('/admin/integrations', { body: { name, scopes }, params: { header: { 'Idempotency-Key': addKey } } }));
      form.reset();
      addKey = crypto.randomUUID();
      await after(null, created.credentials);
      busy = false;
      draw();
      focus('#integration-credentials');
      return;
    } catch (e) {
      addError = e;
    }
    busy = false;
    draw();
    focus(fieldErrors(addError).has('name') ? '#integration-name' : fieldErrors(addError).has('scopes') ? '#integration-scopes' : '#integration-problem');
  };

  const card = (i: Integration): TemplateResult => {
    const who = html`<span class="visually-hidden"> ${i.name}</span>`;
    return html`<li class="card-item" data-integration=${i.id}>
      <h3>${i.name}</h3>
      <dl class="facts">
        <dt>${t('status')}</dt>
        <dd><span class="badge badge-${i.status === 'active' ? 'accepted' : 'declined'}">${t(i.status)}</span></dd>
        <dt>${t('scopes')}</dt>
        <dd>${i.scopes.join(', ')}</dd>
        ${i.clients.length
          ? html`<dt>${t('clients')}</dt>
              <dd>${i.clients.map((c) => html`<code>${c.client_id}</code>${c.retires_at ? ` (${t('retires', { at: new Date(c.retires_at).toLocaleString() })})` : nothing} `)}</dd>`
          : nothing}
      </dl>
      ${i.status !== 'active'
        ? nothing
        : confirming === i.id
          ? html`<div class="info">
              <p id="confirm-${i.id}">${t('confirm', { name: i.name })}</p>
              <div class="actions">
                <button type="button" class="primary" id="confirm-revoke" aria-describedby="confirm-${i.id}" ?disabled=${busy}
                  @click=${() => void revoke(i)}>${t('confirmed')}</button>
                <button type="button" ?disabled=${busy} @click=${() => {
                  confirming = null;
                  draw();
                  focus(`[data-integration="${i.id}"] .revoke`);
                }}>${t('cancel')}</button>
              </div>
            </div>`
          : html`<div class="actions">
              <button type="button" class="rotate" ?disabled=${busy} @click=${() => void rotate(i)}>${t('rotate')}${who}</button>
              <button type="button" class="revoke" ?disabled=${busy} @click=${() => {
                confirming = i.id;
                notice = null;
                actionError = null;
                draw();
                focus('#confirm-revoke');
              }}>${t('revoke')}${who}</button>
            </div>`}
    </li>`;
  };

  const credentials = (c: Credentials): TemplateResult => html`<div class="info" id="integration-credentials" tabindex="-1" role="status">
    <p><strong>${t('secretOnce')}</strong></p>
    <dl class="facts">
      <dt>${t('clientId')}</dt><dd><code id="credential-client-id">${c.client_id}</code></dd>
      <dt>${t('clientSecret')}</dt><dd><code id="credential-client-secret">${c.client_secret}</code></dd>
      <dt>${t('tokenUrl')}</dt><dd><code>${c.token_url}</code></dd>
      <dt>${t('scopes')}</dt><dd><code>${c.scopes.join(' ')}</code></dd>
    </dl>
  </div>`;

  const draw = () => {
    const nameError = fieldErrors(addError).get('name');
    const scopesError = fieldErrors(addError).get('scopes');
    ctx.show(html`<h1 tabindex="-1">${t('title')}</h1>
      <p>${t('intro')}</p>
      ${notice ? html`<p class="info" role="status" id="integrations-notice" tabindex="-1">${notice}</p>` : nothing}
      ${shown ? credentials(shown) : nothing}
      ${actionError ? html`<div id="integrations-problem" tabindex="-1">${problemView(actionError)}</div>` : nothing}
      <section aria-labelledby="integrations-title">
        <h2 id="integrations-title" class="visually-hidden">${t('title')}</h2>
        ${list.view((items) => (items.length ? html`<ul class="cards">${items.map(card)}</ul>` : html`<p>${t('none')}</p>`))}
      </section>
      <section aria-labelledby="add-title">
        <h2 id="add-title">${t('add')}</h2>
        ${addError && !nameError && !scopesError ? html`<div id="integration-problem" tabindex="-1">${problemView(addError)}</div>` : nothing}
        <form class="stack" @submit=${(ev: SubmitEvent) => void add(ev)}>
          <label for="integration-name">${t('name')}</label>
          <input id="integration-name" name="name" required maxlength="200" autocomplete="off"
            aria-invalid=${nameError ? 'true' : 'false'} aria-describedby=${nameError ? 'integration-name-error' : nothing} />
          ${nameError ? html`<p class="problem" id="integration-name-error">${nameError}</p>` : nothing}
          ${checkGroup('integration-scopes', t('scopes'), 'scopes', SCOPES, (s) => t(s as Scope), scopesError)}
          <button type="submit" class="primary" ?disabled=${busy}>${t('add_')}</button>
        </form>
      </section>`);
  };

  draw();
  ctx.titled(t('title'));
  await list.load();
}
