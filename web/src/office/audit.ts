// The audit trail (`GET /admin/audit`): who did what to which object, when, and the
// fields it changed (before and after), newest first. Filtered by an object's id, an
// actor and a time range — kept in the address, so that an object's or an actor's trail
// is a link — and paged with the API's cursor.

import { html, nothing, type TemplateResult } from 'lit-html';
import * as auth from '../auth';
import { api, data, withQuery, type QueryOf, type Schemas } from '../api';
import { Listing, problemView } from '../app';
import { dateTime, t as appWord, words } from '../i18n';
import { filledIn } from '../pages/jobs';
import { fieldErrors, focus, type ScreenCtx } from './screen';

const t = words({
  en: {
    title: 'Audit trail',
    intro: 'Everything done in your organisation, newest first: who did it, when, and each field it changed. Events are kept 400 days.',
    entity: 'Object id',
    entityHint: 'The id of a job, quote, member, customer… (job_…, quo_…, mem_…), or settings.',
    when: 'When',
    actor: 'Actor',
    actorHint: 'admin:<id>, integration:<integration name>, member:<member id>, operator:<id>, contact:<contact id> or system:<name>.',
    from: 'From',
    to: 'Until',
    show: 'Show events',
    mine: 'What I did',
    you: 'you',
    events: 'Events',
    object: 'Object',
    sentTo: 'Emailed to',
    changes: 'Changed fields',
    field: 'Field',
    before: 'Before',
    after: 'After',
    noChanges: 'No fields changed.',
    onlyObject: "This object's trail",
    onlyActor: "This actor's trail",
  },
  nl: {
    title: 'Audittrail',
    intro: 'Alles wat er in uw organisatie is gedaan, nieuwste eerst: wie het deed, wanneer, en elk veld dat veranderde. Gebeurtenissen worden 400 dagen bewaard.',
    entity: 'Id van het object',
    entityHint: 'Het id van een werkorder, offerte, lid, klant… (job_…, quo_…, mem_…), of settings.',
    when: 'Wanneer',
    actor: 'Uitvoerder',
    actorHint: 'admin:<id>, integration:<naam van de koppeling>, member:<lid-id>, operator:<id>, contact:<contact-id> of system:<naam>.',
    from: 'Vanaf',
    to: 'Tot en met',
    show: 'Gebeurtenissen tonen',
    mine: 'Wat ik deed',
    you: 'u',
    events: 'Gebeurtenissen',
    object: 'Object',
    sentTo: 'Gemaild naar',
    changes: 'Gewijzigde velden',
    field: 'Veld',
    before: 'Voor',
    after: 'Na',
    noChanges: 'Geen velden gewijzigd.',
    onlyObject: 'Trail van dit object',
    onlyActor: 'Trail van deze uitvoerder',
  },
});

const FILTERS = ['entity', 'actor', 'from', 'to'] as const;
type Filter = (typeof FILTERS)[number];
type Entry = Schemas['AuditEntry'];

/** The menu's word for this screen. */
export const auditLabel = (): string => t('title');

/** A changed field's value as text: text as it is, anything else as JSON, none as —. */
export function changeValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export async function auditScreen(ctx: ScreenCtx): Promise<void> {
  const query = new URLSearchParams(location.search);
  const given: Partial<Record<Filter, string>> = {};
  for (const k of FILTERS) {
    const v = query.get(k)?.trim();
    if (v) given[k] = v;
  }
  const me = `admin:${String(auth.claims().sub ?? '')}`;
  // As typed: the API refuses (400) an id, actor or time it cannot read, naming the field.
  const list = new Listing((paging) => data(api.GET('/admin/audit', { params: { query: { ...given, ...paging } as QueryOf<'ListAuditEvents'> } })), () => draw(), 25);
  // What the API refused of the filter: shown by its field, or above the form.
  let refused: unknown = null;
  const trail = (filter: Partial<Record<Filter, string>>) => withQuery('/office/audit', filter);

  // The hints stand above the form (fields of one row stay level), tied to their fields.
  const field = (name: Filter, label: string, type: string, hint = false) => {
    const message = fieldErrors(refused).get(name);
    const described = [hint ? `audit-${name}-hint` : '', message ? `audit-${name}-error` : ''].filter(Boolean).join(' ');
    return html`<div class="field">
      <label for="audit-${name}">${label}</label>
      <input id="audit-${name}" name=${name} type=${type} .value=${given[name] ?? ''} autocomplete="off" spellcheck="false"
        aria-invalid=${message ? 'true' : 'false'} aria-describedby=${described || nothing} />
      ${message ? html`<p class="problem" id="audit-${name}-error">${message}</p>` : nothing}
    </div>`;
  };

  // An admin or integration by name (as the API names them), with the actor as the filter takes it.
  const actor = (e: Entry): TemplateResult =>
    html`<a href=${trail({ actor: e.actor })} data-link title=${t('onlyActor')}>${e.actor_name ?? e.actor}</a>${
      e.actor_name ? html` <code>${e.actor}</code>` : nothing}${e.actor === me ? ` (${t('you')})` : ''}`;

  const changes = (e: Entry): TemplateResult =>
    e.changes.length
      ? // Focusable, so that a keyboard can scroll a wide table (it has nothing else to focus).
        html`<div class="scroll" tabindex="0" role="region" aria-label="${t('changes')}: ${e.action}"><table>
          <caption class="visually-hidden">${e.action} · ${dateTime(e.at)}</caption>
          <thead><tr><th scope="col">${t('field')}</th><th scope="col">${t('before')}</th><th scope="col">${t('after')}</th></tr></thead>
          <tbody>${e.changes.map(
            (c) => html`<tr><th scope="row"><code>${c.field}</code></th><td class="pre">${changeValue(c.before)}</td><td class="pre">${changeValue(c.after)}</td></tr>`,
          )}</tbody>
        </table></div>`
      : html`<p class="hint">${t('noChanges')}</p>`;

  const event = (e: Entry): TemplateResult => html`<li class="card-item" data-event=${e.id}>
    <h3><code>${e.action}</code></h3>
    <dl class="facts">
      <dt>${t('when')}</dt><dd><time datetime=${e.at}>${dateTime(e.at)}</time></dd>
      <dt>${t('actor')}</dt><dd>${actor(e)}</dd>
      <dt>${t('object')}</dt><dd>${e.entity_type} <a href=${trail({ entity: e.entity_id })} data-link title=${t('onlyObject')}><code>${e.entity_id}</code></a></dd>
      ${e.sent_to ? html`<dt>${t('sentTo')}</dt><dd>${e.sent_to}</dd>` : nothing}
    </dl>
    ${changes(e)}
  </li>`;

  // Where the API named a field, the first such field; else the problem goes above the form.
  const named = () => FILTERS.find((k) => fieldErrors(refused).has(k));

  const draw = () =>
    ctx.show(html`<h1 tabindex="-1">${t('title')}</h1>
      <p>${t('intro')}</p>
      ${refused && !named() ? html`<div id="audit-problem" tabindex="-1">${problemView(refused)}</div>` : nothing}
      <ul class="hint">
        <li id="audit-entity-hint">${t('entity')}: ${t('entityHint')}</li>
        <li id="audit-actor-hint">${t('actor')}: ${t('actorHint')}</li>
      </ul>
      <form class="filters" @submit=${(ev: SubmitEvent) => {
        ev.preventDefault();
        ctx.go(trail(filledIn(ev.target as HTMLFormElement, FILTERS)));
      }}>
        ${field('entity', t('entity'), 'text', true)}
        ${field('actor', t('actor'), 'text', true)}
        ${field('from', t('from'), 'date')}
        ${field('to', t('to'), 'date')}
        <div class="actions">
          <button type="submit">${t('show')}</button>
          <a href=${trail({ actor: me })} data-link class="button">${t('mine')}</a>
          <a href="/office/audit" data-link class="button">${appWord('app.clear')}</a>
        </div>
      </form>
      <section aria-labelledby="audit-events">
        <h2 id="audit-events">${t('events')}</h2>
        ${refused ? html`<p>${appWord('app.none')}</p>` : list.view((items) => html`<ol class="cards">${items.map(event)}</ol>`)}
      </section>`);
  draw();
  ctx.titled(t('title'));
  await list.fetch();
  // The first page is where a filter is refused; later pages' problems stay with the list.
  if (list.error) [refused, list.error] = [list.error, null];
  draw();
  const at = named();
  if (at) focus(`#audit-${at}`);
  else if (refused) focus('#audit-problem');
}
