// Webhooks: where the back office receives Portico's events (`/admin/webhooks`, issue 27;
// docs/integration.md). An admin subscribes a URL to event types and sees its signing
// secret once; pauses and resumes it; rotates the secret (shown once again); deletes it
// after confirming. Each subscription's delivery log (`/office/webhooks/<id>`) lists its
// deliveries, newest first, with every attempt, and sends one again ("Replay").

import { html, nothing, type TemplateResult } from 'lit-html';
import { api, data, ifMatch, type Schemas } from '../api';
import { Listing, problemView } from '../app';
import { currentLocale, words } from '../i18n';
import { intlTag } from '../intl';
import { checkGroup, fieldErrors, focus, type ScreenCtx } from './screen';

const t = words({
  en: {
    title: 'Webhooks',
    intro: 'Portico sends the events you choose to your back office’s URL as they happen, signed with the subscription’s secret, and retries for about a day. Up to 10 subscriptions.',
    url: 'URL',
    urlHint: 'https:// and a public address.',
    description: 'Description (optional)',
    descriptionShort: 'Description',
    eventTypes: 'Event types',
    status: 'Status',
    active: 'Active',
    paused: 'Paused',
    failingSince: 'Failing since',
    pausedReason: 'Why paused',
    rotatedAt: 'Secret rotated',
    log: 'Delivery log',
    pause: 'Pause',
    resume: 'Resume',
    rotate: 'Rotate secret',
    delete: 'Delete',
    confirm: 'Delete the subscription {name}? Nothing more is sent to it.',
    confirmed: 'Yes, delete',
    cancel: 'Cancel',
    add: 'Add a subscription',
    add_: 'Add subscription',
    secretOnce: 'Copy this now: the signing secret is not shown again.',
    secret: 'Signing secret',
    oldSecret: 'The old secret is still signed with until {at}.',
    created: '{name} is subscribed.',
    wasPaused: '{name} is paused: nothing is sent to it until it is resumed.',
    wasResumed: '{name} is active again.',
    rotated: '{name} has a new secret.',
    deleted: 'The subscription {name} is deleted.',
    none: 'No webhook subscriptions yet.',
    back: 'Webhooks',
    logTitle: 'Delivery log',
    logIntro: 'Newest event first, kept 30 days. A replay sends the same event again now, signed afresh.',
    noDeliveries: 'Nothing has been delivered yet.',
    more: 'Load more',
    event: 'Event id',
    state: 'State',
    nextAttempt: 'Next attempt',
    attempts: 'Attempts',
    noAttempts: 'No attempt yet.',
    at: 'Time',
    result: 'Result',
    code: 'Response code',
    latency: 'Latency (ms)',
    error: 'Error',
    by: 'Sent by',
    ok: 'OK',
    notOk: 'Failed',
    replayed: 'Replay',
    scheduled: 'Automatic',
    replay: 'Replay',
    replayOk: 'Replayed {event}: delivered ({code}).',
    replayFailed: 'Replayed {event}: failed ({why}).',
    sending: 'Sending',
    delivered: 'Delivered',
    retrying: 'Retrying',
    failed: 'Failed',
    'work_request.submitted': 'A member asked for work',
    'work_request.accepted': 'A work request was accepted',
    'work_request.declined': 'A work request was declined',
    'quote.approved': 'A member approved a quote',
    'quote.rejected': 'A member rejected a quote',
    'job.note_added': 'A member added a note to a job',
    'member.changed': 'A portal member was created, changed or deleted',
    'contact.unsubscribed': 'A contact switched emails off',
    'contact.suppressed': 'Mail to a contact bounced',
    'message.acknowledged': 'A member acknowledged a message',
    'invoice.payment_succeeded': 'A member paid invoices online',
    'invoice.payment_failed': 'A member’s online payment failed',
    'invoice.payment_refunded': 'An online payment was refunded',
    'invoice.payment_disputed': 'An online payment was disputed',
  },
  nl: {
    title: 'Webhooks',
    intro: 'Portico stuurt de gebeurtenissen die u kiest meteen naar de URL van uw backoffice, ondertekend met het geheim van het abonnement, en probeert het ongeveer een dag opnieuw. Hoogstens 10 abonnementen.',
    url: 'URL',
    urlHint: 'https:// en een openbaar adres.',
    description: 'Omschrijving (optioneel)',
    descriptionShort: 'Omschrijving',
    eventTypes: 'Soorten gebeurtenissen',
    status: 'Status',
    active: 'Actief',
    paused: 'Gepauzeerd',
    failingSince: 'Mislukt sinds',
    pausedReason: 'Reden van pauze',
    rotatedAt: 'Geheim vernieuwd',
    log: 'Afleverlog',
    pause: 'Pauzeren',
    resume: 'Hervatten',
    rotate: 'Geheim vernieuwen',
    delete: 'Verwijderen',
    confirm: 'Het abonnement {name} verwijderen? Er wordt niets meer naartoe gestuurd.',
    confirmed: 'Ja, verwijderen',
    cancel: 'Annuleren',
    add: 'Een abonnement toevoegen',
    add_: 'Abonnement toevoegen',
    secretOnce: 'Kopieer dit nu: het ondertekeningsgeheim wordt niet nog eens getoond.',
    secret: 'Ondertekeningsgeheim',
    oldSecret: 'Tot {at} wordt ook nog met het oude geheim ondertekend.',
    created: '{name} is geabonneerd.',
    wasPaused: '{name} is gepauzeerd: er wordt niets naartoe gestuurd tot het wordt hervat.',
    wasResumed: '{name} is weer actief.',
    rotated: '{name} heeft een nieuw geheim.',
    deleted: 'Het abonnement {name} is verwijderd.',
    none: 'Nog geen webhookabonnementen.',
    back: 'Webhooks',
    logTitle: 'Afleverlog',
    logIntro: 'Nieuwste gebeurtenis eerst, 30 dagen bewaard. Opnieuw versturen stuurt dezelfde gebeurtenis nu nog eens, opnieuw ondertekend.',
    noDeliveries: 'Er is nog niets afgeleverd.',
    more: 'Meer laden',
    event: 'Gebeurtenis-id',
    state: 'Stand',
    nextAttempt: 'Volgende poging',
    attempts: 'Pogingen',
    noAttempts: 'Nog geen poging.',
    at: 'Tijd',
    result: 'Resultaat',
    code: 'Antwoordcode',
    latency: 'Duur (ms)',
    error: 'Fout',
    by: 'Verstuurd door',
    ok: 'OK',
    notOk: 'Mislukt',
    replayed: 'Opnieuw verstuurd',
    scheduled: 'Automatisch',
    replay: 'Opnieuw versturen',
    replayOk: '{event} opnieuw verstuurd: afgeleverd ({code}).',
    replayFailed: '{event} opnieuw verstuurd: mislukt ({why}).',
    sending: 'Wordt verstuurd',
    delivered: 'Afgeleverd',
    retrying: 'Wordt opnieuw geprobeerd',
    failed: 'Mislukt',
    'work_request.submitted': 'Een lid vroeg om werk',
    'work_request.accepted': 'Een werkaanvraag is geaccepteerd',
    'work_request.declined': 'Een werkaanvraag is afgewezen',
    'quote.approved': 'Een lid keurde een offerte goed',
    'quote.rejected': 'Een lid wees een offerte af',
    'job.note_added': 'Een lid voegde een notitie toe aan een werkorder',
    'member.changed': 'Een portaallid is aangemaakt, gewijzigd of verwijderd',
    'contact.unsubscribed': 'Een contactpersoon zette e-mails uit',
    'contact.suppressed': 'E-mail aan een contactpersoon kwam niet aan',
    'message.acknowledged': 'Een lid bevestigde een bericht',
    'invoice.payment_succeeded': 'Een lid betaalde facturen online',
    'invoice.payment_failed': 'Een onlinebetaling van een lid mislukte',
    'invoice.payment_refunded': 'Een onlinebetaling is terugbetaald',
    'invoice.payment_disputed': 'Een onlinebetaling wordt betwist',
  },
});

type Webhook = Schemas['WebhookView'];
type EventType = Schemas['EventType'];
type Delivery = Schemas['DeliveryView'];
type Attempt = Schemas['Attempt'];

/** Every event type the API knows (the generated `EventType`; a type it gains and this
 * list lacks fails the type-check below). */
export const EVENT_TYPES = [
  'work_request.submitted', 'work_request.accepted', 'work_request.declined', 'quote.approved',
  'quote.rejected', 'job.note_added', 'member.changed', 'contact.unsubscribed',
  'contact.suppressed', 'message.acknowledged', 'invoice.payment_succeeded', 'invoice.payment_failed',
  'invoice.payment_refunded', 'invoice.payment_disputed',
] as const satisfies readonly EventType[];
type Missing = Exclude<EventType, (typeof EVENT_TYPES)[number]>;
const everyEventType: [Missing] extends [never] ? true : Missing = true;
void everyEventType;

export const webhooksLabel = (): string => t('title');

/** The list, or a subscription's delivery log, by the path under `/office/webhooks`. */
export async function webhooksScreen(ctx: ScreenCtx): Promise<void> {
  const id = /^\/office\/webhooks\/([^/]+)$/.exec(location.pathname.replace(/\/+$/, ''))?.[1];
  if (id) await logPage(ctx, decodeURIComponent(id));
  else await listPage(ctx);
}

/** Seconds matter in a delivery's attempts. */
function moment(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(intlTag(currentLocale()), { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(iso));
}

const statusBadge = (w: Webhook): TemplateResult =>
  html`<span class="badge badge-${w.status === 'active' ? 'accepted' : 'declined'}">${t(w.status)}</span>`;

/** What a subscription is called in the screen's sentences: its description, else its
 * URL's host (a whole URL would not wrap at phone width). */
const name = (w: Webhook): string => w.description || new URL(w.url).host;

/** The version the list read, as the ETag `If-Match` takes. */
const version = (w: Webhook) => ifMatch(`"${w.version}"`);

async function listPage(ctx: ScreenCtx): Promise<void> {
  const list = new Listing(
    (paging: { limit: number; cursor?: string }) => data(api.GET('/admin/webhooks', { params: { query: paging } })),
    () => draw(),
    50,
  );
  let notice: string | null = null;
  let busy = false;
  let confirming: string | null = null;
  let addKey = crypto.randomUUID();
  let addError: unknown = null;
  let actionError: unknown = null;
  // The subscription whose secret was just made (created or rotated): shown once.
  let shown: Webhook | null = null;

  const act = async (w: Webhook, action: () => Promise<Webhook | null>, message: (name: string) => string) => {
    busy = true;
    notice = null;
    actionError = null;
    shown = null;
    draw();
    try {
      const after = await action();
      notice = message(name(w));
      shown = after?.secret ? after : null;
    } catch (e) {
      actionError = e;
    }
    // Whatever happened (a 412: someone changed it meanwhile), the list as it now is.
    await list.fetch();
    confirming = null;
    busy = false;
    draw();
    focus(actionError ? '#webhooks-problem' : shown ? '#webhook-secret' : '#webhooks-notice');
  };
  const path = (w: Webhook) => ({ params: { path: { webhook_id: w.id } } });
  const setStatus = (w: Webhook, status: Schemas['WebhookStatus']) =>
    act(w, () => data(api.PATCH('/admin/webhooks/{webhook_id}', { ...path(w), body: { status }, headers: version(w) })),
      (name) => t(status === 'paused' ? 'wasPaused' : 'wasResumed', { name }));
  const rotate = (w: Webhook) =>
    act(w, () => data(api.POST('/admin/webhooks/{webhook_id}/rotate-secret', path(w))), (name) => t('rotated', { name }));
  const remove = (w: Webhook) =>
    act(w, async () => {
      await api.DELETE('/admin/webhooks/{webhook_id}', { ...path(w), headers: version(w) });
      return null;
    }, (name) => t('deleted', { name }));

  const add = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const form = ev.target as HTMLFormElement;
    const url = (form.elements.namedItem('url') as HTMLInputElement).value.trim();
    const description = (form.elements.namedItem('description') as HTMLInputElement).value.trim() || null;
    const event_types = EVENT_TYPES.filter((e) => (form.querySelector(`input[value="${e}"]`) as HTMLInputElement | null)?.checked);
    busy = true;
    addError = null;
    actionError = null;
    notice = null;
    shown = null;
    draw();
    try {
      const created = await data(api.POST('/admin/webhooks', { body: { url, description, event_types }, params: { header: { 'Idempotency-Key': addKey } } }));
      form.reset();
      addKey = crypto.randomUUID();
      notice = t('created', { name: name(created) });
      shown = created;
      await list.fetch();
      busy = false;
      draw();
      focus('#webhook-secret');
      return;
    } catch (e) {
      addError = e;
    }
    busy = false;
    draw();
    const errors = fieldErrors(addError);
    focus(errors.has('url') ? '#webhook-url' : errors.has('event_types') ? '#webhook-events' : errors.has('description') ? '#webhook-description' : '#webhook-problem');
  };

  const card = (w: Webhook): TemplateResult => {
    const who = html`<span class="visually-hidden"> ${w.url}</span>`;
    return html`<li class="card-item" data-webhook=${w.id}>
      <h3>${name(w)}</h3>
      <dl class="facts">
        <dt>${t('url')}</dt>
        <dd><code>${w.url}</code></dd>
        <dt>${t('status')}</dt>
        <dd>${statusBadge(w)}</dd>
        <dt>${t('eventTypes')}</dt>
        <dd>${w.event_types.join(', ')}</dd>
        ${w.failing_since ? html`<dt>${t('failingSince')}</dt><dd>${moment(w.failing_since)}</dd>` : nothing}
        ${w.paused_reason ? html`<dt>${t('pausedReason')}</dt><dd>${w.paused_reason}</dd>` : nothing}
        ${w.secret_rotated_at ? html`<dt>${t('rotatedAt')}</dt><dd>${moment(w.secret_rotated_at)}</dd>` : nothing}
      </dl>
      <p><a href="/office/webhooks/${w.id}" data-link>${t('log')}${who}</a></p>
      ${confirming === w.id
        ? html`<div class="info">
            <p id="confirm-${w.id}">${t('confirm', { name: name(w) })}</p>
            <div class="actions">
              <button type="button" class="primary" id="confirm-delete" aria-describedby="confirm-${w.id}" ?disabled=${busy}
                @click=${() => void remove(w)}>${t('confirmed')}</button>
              <button type="button" ?disabled=${busy} @click=${() => {
                confirming = null;
                draw();
                focus(`[data-webhook="${w.id}"] .delete`);
              }}>${t('cancel')}</button>
            </div>
          </div>`
        : html`<div class="actions">
            ${w.status === 'active'
              ? html`<button type="button" class="pause" ?disabled=${busy} @click=${() => void setStatus(w, 'paused')}>${t('pause')}${who}</button>`
              : html`<button type="button" class="resume" ?disabled=${busy} @click=${() => void setStatus(w, 'active')}>${t('resume')}${who}</button>`}
            <button type="button" class="rotate" ?disabled=${busy} @click=${() => void rotate(w)}>${t('rotate')}${who}</button>
            <button type="button" class="delete" ?disabled=${busy} @click=${() => {
              confirming = w.id;
              notice = null;
              actionError = null;
              draw();
              focus('#confirm-delete');
            }}>${t('delete')}${who}</button>
          </div>`}
    </li>`;
  };

  const secretBox = (w: Webhook): TemplateResult => html`<div class="info" id="webhook-secret" tabindex="-1">
    <p><strong>${t('secretOnce')}</strong></p>
    <dl class="facts">
      <dt>${t('url')}</dt><dd><code>${w.url}</code></dd>
      <dt>${t('secret')}</dt><dd><code id="webhook-secret-value">${w.secret}</code></dd>
    </dl>
    ${w.previous_secret_valid_until ? html`<p>${t('oldSecret', { at: moment(w.previous_secret_valid_until) })}</p>` : nothing}
  </div>`;

  const draw = () => {
    const errors = fieldErrors(addError);
    const urlError = errors.get('url');
    const eventsError = errors.get('event_types');
    const descriptionError = errors.get('description');
    const described = (id: string, hint: string | null, error: string | undefined) =>
      [hint, error ? `${id}-error` : null].filter(Boolean).join(' ') || nothing;
    ctx.show(html`<h1 tabindex="-1">${t('title')}</h1>
      <p>${t('intro')}</p>
      <div aria-live="polite" id="webhooks-status">
        ${notice ? html`<p class="info" id="webhooks-notice" tabindex="-1">${notice}</p>` : nothing}
        ${shown ? secretBox(shown) : nothing}
      </div>
      ${actionError ? html`<div id="webhooks-problem" tabindex="-1">${problemView(actionError)}</div>` : nothing}
      <section aria-labelledby="webhooks-title">
        <h2 id="webhooks-title" class="visually-hidden">${t('title')}</h2>
        ${list.view((items) => (items.length ? html`<ul class="cards">${items.map(card)}</ul>` : html`<p>${t('none')}</p>`))}
      </section>
      <section aria-labelledby="add-title">
        <h2 id="add-title">${t('add')}</h2>
        ${addError && !urlError && !eventsError && !descriptionError
          ? html`<div id="webhook-problem" tabindex="-1">${problemView(addError)}</div>`
          : nothing}
        <form class="stack" @submit=${(ev: SubmitEvent) => void add(ev)}>
          <label for="webhook-url">${t('url')}</label>
          <input id="webhook-url" name="url" type="url" required maxlength="2048" autocomplete="off" inputmode="url"
            aria-invalid=${urlError ? 'true' : 'false'} aria-describedby=${described('webhook-url', 'webhook-url-hint', urlError)} />
          <p class="hint" id="webhook-url-hint">${t('urlHint')}</p>
          ${urlError ? html`<p class="problem" id="webhook-url-error">${urlError}</p>` : nothing}
          <label for="webhook-description">${t('description')}</label>
          <input id="webhook-description" name="description" maxlength="200" autocomplete="off"
            aria-invalid=${descriptionError ? 'true' : 'false'} aria-describedby=${described('webhook-description', null, descriptionError)} />
          ${descriptionError ? html`<p class="problem" id="webhook-description-error">${descriptionError}</p>` : nothing}
          ${checkGroup('webhook-events', t('eventTypes'), 'event_types', EVENT_TYPES, (e) => t(e as EventType), eventsError)}
          <button type="submit" class="primary" ?disabled=${busy}>${t('add_')}</button>
        </form>
      </section>`);
  };

  draw();
  ctx.titled(t('title'));
  await list.load();
}

/** What an attempt found, in a few words: its status code, or why there was none. */
const outcome = (a: Attempt): string => (a.response_code ? String(a.response_code) : (a.error ?? '—'));

async function logPage(ctx: ScreenCtx, id: string): Promise<void> {
  const path = { params: { path: { webhook_id: id } } };
  const PAGE = 20;
  const [webhook, first] = await Promise.all([
    data(api.GET('/admin/webhooks/{webhook_id}', path)),
    data(api.GET('/admin/webhooks/{webhook_id}/deliveries', { params: { path: { webhook_id: id }, query: { limit: PAGE } } })),
  ]);
  let items: Delivery[] = first.items;
  let next: string | null = first.next_cursor ?? null;
  let busy = false;
  let notice: string | null = null;
  let problem: unknown = null;
  // One Idempotency-Key per replay asked for (a retried click sends the same one).
  const keys = new Map<string, string>();

  const more = async () => {
    if (!next) return;
    let landing: string | null = null;
    busy = true;
    problem = null;
    draw();
    try {
      const page = await data(api.GET('/admin/webhooks/{webhook_id}/deliveries', { params: { path: { webhook_id: id }, query: { limit: PAGE, cursor: next } } }));
      const seen = new Set(items.map((d) => d.id));
      const added = page.items.filter((d) => !seen.has(d.id));
      items = [...items, ...added];
      next = page.next_cursor ?? null;
      // The button may be gone (the last page): focus goes on to what was loaded.
      if (added[0]) landing = `[data-delivery="${added[0].id}"] h3`;
    } catch (e) {
      problem = e;
    }
    busy = false;
    draw();
    if (problem) focus('#log-problem');
    else if (landing) focus(landing);
  };

  const replay = async (d: Delivery) => {
    busy = true;
    notice = null;
    problem = null;
    draw();
    const key = keys.get(d.id) ?? crypto.randomUUID();
    keys.set(d.id, key);
    try {
      const after = await data(
        api.POST('/admin/webhooks/{webhook_id}/deliveries/{delivery_id}/replay', {
          params: { path: { webhook_id: id, delivery_id: d.id }, header: { 'Idempotency-Key': key } },
        }),
      );
      keys.delete(d.id);
      items = items.map((x) => (x.id === after.id ? after : x));
      const last = after.attempts[after.attempts.length - 1];
      notice = last?.ok
        ? t('replayOk', { event: after.event_type, code: String(last.response_code ?? '') })
        : t('replayFailed', { event: after.event_type, why: last ? outcome(last) : '—' });
    } catch (e) {
      problem = e;
    }
    busy = false;
    draw();
    focus(problem ? '#log-problem' : '#log-notice');
  };

  const attempts = (d: Delivery): TemplateResult =>
    d.attempts.length
      ? html`<div class="scroll" tabindex="0" role="region" aria-label="${t('attempts')}: ${d.event_id}">
          <table class="attempts">
            <thead><tr>
              <th scope="col">${t('at')}</th><th scope="col">${t('result')}</th><th scope="col" class="num">${t('code')}</th>
              <th scope="col" class="num">${t('latency')}</th><th scope="col">${t('error')}</th><th scope="col">${t('by')}</th>
            </tr></thead>
            <tbody>
              ${d.attempts.map(
                (a) => html`<tr>
                  <td>${moment(a.at)}</td>
                  <td><span class="badge badge-${a.ok ? 'accepted' : 'declined'}">${t(a.ok ? 'ok' : 'notOk')}</span></td>
                  <td class="num">${a.response_code ?? '—'}</td>
                  <td class="num">${a.latency_ms}</td>
                  <td>${a.error ?? '—'}</td>
                  <td>${t(a.replay ? 'replayed' : 'scheduled')}</td>
                </tr>`,
              )}
            </tbody>
          </table>
        </div>`
      : html`<p>${t('noAttempts')}</p>`;

  const stateBadge = (d: Delivery) =>
    html`<span class="badge badge-${d.state === 'delivered' ? 'accepted' : d.state === 'failed' ? 'declined' : 'sent'}">${t(d.state)}</span>`;

  const row = (d: Delivery): TemplateResult => html`<li class="card-item" data-delivery=${d.id}>
    <h3 tabindex="-1">${d.event_type}</h3>
    <dl class="facts">
      <dt>${t('event')}</dt><dd><code>${d.event_id}</code></dd>
      <dt>${t('state')}</dt><dd>${stateBadge(d)}</dd>
      ${d.next_attempt_at ? html`<dt>${t('nextAttempt')}</dt><dd>${moment(d.next_attempt_at)}</dd>` : nothing}
    </dl>
    <h4>${t('attempts')}</h4>
    ${attempts(d)}
    <div class="actions">
      <button type="button" class="replay" ?disabled=${busy} @click=${() => void replay(d)}
        >${t('replay')}<span class="visually-hidden"> ${d.event_type} ${d.event_id}</span></button>
    </div>
  </li>`;

  const draw = () => {
    ctx.show(html`<p><a href="/office/webhooks" data-link>← ${t('back')}</a></p>
      <h1 tabindex="-1">${t('logTitle')}</h1>
      <dl class="facts">
        <dt>${t('url')}</dt><dd><code>${webhook.url}</code></dd>
        <dt>${t('status')}</dt><dd>${statusBadge(webhook)}</dd>
        <dt>${t('eventTypes')}</dt><dd>${webhook.event_types.join(', ')}</dd>
        ${webhook.description ? html`<dt>${t('descriptionShort')}</dt><dd>${webhook.description}</dd>` : nothing}
      </dl>
      <p>${t('logIntro')}</p>
      <div aria-live="polite" id="log-status">
        ${notice ? html`<p class="info" id="log-notice" tabindex="-1">${notice}</p>` : nothing}
      </div>
      ${problem ? html`<div id="log-problem" tabindex="-1">${problemView(problem)}</div>` : nothing}
      <section aria-labelledby="deliveries-title">
        <h2 id="deliveries-title" class="visually-hidden">${t('logTitle')}</h2>
        ${items.length ? html`<ul class="cards" id="deliveries">${items.map(row)}</ul>` : html`<p>${t('noDeliveries')}</p>`}
        ${next ? html`<p><button type="button" id="deliveries-more" ?disabled=${busy} @click=${() => void more()}>${t('more')}</button></p>` : nothing}
      </section>`);
  };

  draw();
  ctx.titled(`${t('logTitle')} · ${webhook.url}`);
}
