// Messages: what the office posts to the portal's members (`/admin/messages`), to everyone
// or to chosen access groups, within an optional window, optionally asking each member to
// acknowledge it (a safety notice). The list shows every message with how many members
// have read and acknowledged it; a form composes a new one (one Idempotency-Key per
// filled-in form). A message's page (`/office/messages/<id>`) shows its counts and who has
// not acknowledged it yet, edits it (PATCH with `If-Match`: a 412 says someone else
// changed it) and deletes it after asking.

import { html, nothing, type TemplateResult } from 'lit-html';
import { api, data, ifMatch, Problem, tagged, type Schemas } from '../api';
import { Listing, problemView } from '../app';
import { dateTime, words } from '../i18n';
import { fieldErrors, focus, type ScreenCtx } from './screen';

const t = words({
  en: {
    title: 'Messages',
    intro: "Messages appear on the portal's Messages page of the members they are for, within their window. Members who chose to get messages by email get them when they are posted.",
    all: 'All messages',
    subject: 'Title',
    body: 'Text',
    audience: 'For',
    everyone: 'Everyone',
    chosen: 'Chosen access groups',
    groups: 'Access groups',
    noGroups: 'There are no access groups yet.',
    window: 'Shown',
    starts: 'Shown from (optional)',
    startsHint: 'Leave empty to show it at once.',
    ends: 'Shown until (optional)',
    endsHint: 'Leave empty to show it until you take it down.',
    always: 'from posting on, no end',
    from: 'from {at}',
    until: 'until {at}',
    between: '{from} until {to}',
    ack: 'Ask each member to acknowledge it',
    needsAck: 'Acknowledgement',
    asked: 'Asked',
    notAsked: 'Not asked',
    state: 'State',
    scheduled: 'Scheduled',
    current: 'Shown now',
    ended: 'Ended',
    read: 'Read by',
    acknowledged: 'Acknowledged by',
    members: '{n} members',
    member: '1 member',
    compose: 'Write a message',
    post: 'Post message',
    back: 'All messages',
    details: 'Details',
    pending: 'Not acknowledged yet',
    pendingIntro: 'The members the message is for now who have not acknowledged it.',
    everyoneAcked: 'Everyone it is for has acknowledged it.',
    noAck: 'This message does not ask for acknowledgement.',
    name: 'Name',
    email: 'Email address',
    readAt: 'Read',
    notRead: 'Not yet',
    edit: 'Change the message',
    save: 'Save changes',
    saved: 'Changes saved.',
    stale: 'Someone else changed this message meanwhile. Reload the page to see their change, then make yours again.',
    reload: 'Reload',
    remove: 'Delete message',
    confirm: 'Delete “{title}”? It disappears from the portal at once; the audit trail keeps it and its acknowledgements.',
    confirmed: 'Yes, delete',
    cancel: 'Cancel',
    pickGroup: 'Pick at least one access group.',
  },
  nl: {
    title: 'Berichten',
    intro: 'Berichten verschijnen binnen hun periode op de pagina Berichten van het portaal, bij de leden voor wie ze zijn. Leden die berichten per e-mail willen ontvangen, krijgen ze zodra ze geplaatst zijn.',
    all: 'Alle berichten',
    subject: 'Titel',
    body: 'Tekst',
    audience: 'Voor',
    everyone: 'Iedereen',
    chosen: 'Gekozen toegangsgroepen',
    groups: 'Toegangsgroepen',
    noGroups: 'Er zijn nog geen toegangsgroepen.',
    window: 'Zichtbaar',
    starts: 'Zichtbaar vanaf (optioneel)',
    startsHint: 'Laat leeg om het meteen te tonen.',
    ends: 'Zichtbaar tot (optioneel)',
    endsHint: 'Laat leeg om het te tonen tot u het weghaalt.',
    always: 'vanaf plaatsing, zonder einde',
    from: 'vanaf {at}',
    until: 'tot {at}',
    between: '{from} tot {to}',
    ack: 'Elk lid vragen het te bevestigen',
    needsAck: 'Bevestiging',
    asked: 'Gevraagd',
    notAsked: 'Niet gevraagd',
    state: 'Stand',
    scheduled: 'Gepland',
    current: 'Nu zichtbaar',
    ended: 'Afgelopen',
    read: 'Gelezen door',
    acknowledged: 'Bevestigd door',
    members: '{n} leden',
    member: '1 lid',
    compose: 'Een bericht schrijven',
    post: 'Bericht plaatsen',
    back: 'Alle berichten',
    details: 'Gegevens',
    pending: 'Nog niet bevestigd',
    pendingIntro: 'De leden voor wie het bericht nu is en die het nog niet bevestigd hebben.',
    everyoneAcked: 'Iedereen voor wie het is, heeft het bevestigd.',
    noAck: 'Dit bericht vraagt niet om bevestiging.',
    name: 'Naam',
    email: 'E-mailadres',
    readAt: 'Gelezen',
    notRead: 'Nog niet',
    edit: 'Het bericht wijzigen',
    save: 'Wijzigingen opslaan',
    saved: 'Wijzigingen opgeslagen.',
    stale: 'Iemand anders heeft dit bericht intussen gewijzigd. Laad de pagina opnieuw om die wijziging te zien, en breng de uwe daarna opnieuw aan.',
    reload: 'Opnieuw laden',
    remove: 'Bericht verwijderen',
    confirm: '“{title}” verwijderen? Het verdwijnt meteen uit het portaal; de audittrail bewaart het bericht en de bevestigingen.',
    confirmed: 'Ja, verwijderen',
    cancel: 'Annuleren',
    pickGroup: 'Kies ten minste één toegangsgroep.',
  },
});

type Message = Schemas['MessageView'];
type Group = Schemas['GroupView'];

/** The menu's word for this screen. */
export const messagesLabel = (): string => t('title');

/** The list, or a message's page, by the path under `/office/messages`. */
export async function messagesScreen(ctx: ScreenCtx): Promise<void> {
  const id = /^\/office\/messages\/([^/]+)$/.exec(location.pathname.replace(/\/+$/, ''))?.[1];
  if (id) await messagePage(ctx, decodeURIComponent(id));
  else await listPage(ctx);
}

async function accessGroups(): Promise<Group[]> {
  const page = await data(api.GET('/admin/access-groups', { params: { query: { limit: 200 } } }));
  return [...page.items].sort((a, b) => a.name.localeCompare(b.name));
}

// --- the list, with each message's counts, and composing one --------------------------

async function listPage(ctx: ScreenCtx): Promise<void> {
  const groups = await accessGroups();
  // The list answers each message with its counts.
  const list = new Listing(
    async (paging) => data(api.GET('/admin/messages', { params: { query: paging } })),
    () => draw(),
    20,
  );
  const form = new MessageForm('new', groups, () => draw());
  // One Idempotency-Key per filled-in form: a retry posts the message once.
  const key = crypto.randomUUID();

  const create = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const body = form.read(ev.target as HTMLFormElement);
    if (!body) return;
    const input: Schemas['NewMessage'] = {
      title: body.title ?? '',
      body: body.body ?? '',
      audience: body.audience ?? { all: true },
      starts_at: body.starts_at ?? null,
      ends_at: body.ends_at ?? null,
      requires_ack: body.requires_ack ?? false,
    };
    await form.send(async () => {
      const created = await data(api.POST('/admin/messages', { body: input, params: { header: { 'Idempotency-Key': key } } }));
      ctx.go(`/office/messages/${created.id}`);
    });
  };

  const table = (items: Message[]) => html`<div class="scroll" role="region" aria-labelledby="messages-title" tabindex="0">
    <table>
      <thead>
        <tr>
          <th scope="col">${t('subject')}</th>
          <th scope="col">${t('audience')}</th>
          <th scope="col">${t('window')}</th>
          <th scope="col">${t('state')}</th>
          <th scope="col" class="num">${t('read')}</th>
          <th scope="col" class="num">${t('acknowledged')}</th>
        </tr>
      </thead>
      <tbody>
        ${items.map(
          (m) => html`<tr data-message=${m.id}>
            <td><a href="/office/messages/${m.id}" data-link>${m.title}</a></td>
            <td>${audienceText(m.audience, groups)}</td>
            <td>${windowText(m)}</td>
            <td>${stateBadge(m)}</td>
            <td class="num">${m.receipts?.read ?? '—'}</td>
            <td class="num">${m.requires_ack ? (m.receipts?.acknowledged ?? '—') : t('notAsked')}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </div>`;

  const draw = () =>
    ctx.show(html`<h1 tabindex="-1">${t('title')}</h1>
      <p>${t('intro')}</p>
      <section>
        <h2 id="messages-title">${t('all')}</h2>
        ${list.view(table)}
      </section>
      <section aria-labelledby="compose-title">
        <h2 id="compose-title">${t('compose')}</h2>
        ${form.view(create, t('post'))}
      </section>`);

  draw();
  ctx.titled(t('title'));
  await list.load();
}

// --- one message ---------------------------------------------------------------------

async function messagePage(ctx: ScreenCtx, id: string): Promise<void> {
  const path = { params: { path: { message_id: id } } };
  const [read, groups] = await Promise.all([tagged(api.GET('/admin/messages/{message_id}', path)), accessGroups()]);
  let message = read.body;
  let etag = read.etag;
  let pending: Schemas['AcknowledgementView'][] | null = null;
  let pendingError: unknown = null;
  let notice: string | null = null;
  let error: unknown = null;
  let confirming = false;
  let busy = false;
  const form = new MessageForm('edit', groups, () => draw(), message);

  /** Who the message is for now and has not acknowledged it: every page (a filtered
   * page may hold fewer than asked, or none, and still lead on). */
  const loadPending = async () => {
    if (!message.requires_ack) {
      pending = [];
      return;
    }
    try {
      const out: Schemas['AcknowledgementView'][] = [];
      let cursor: string | undefined;
      do {
        const page = await data(
          api.GET('/admin/messages/{message_id}/acknowledgements', { params: { path: { message_id: id }, query: { acknowledged: false, limit: 200, cursor } } }),
        );
        out.push(...page.items);
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      pending = out;
      pendingError = null;
    } catch (e) {
      pendingError = e;
    }
  };

  const save = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const patch = form.read(ev.target as HTMLFormElement, message);
    if (!patch) return;
    notice = null;
    error = null;
    await form.send(
      async () => {
        ({ body: message, etag } = await tagged(api.PATCH('/admin/messages/{message_id}', { ...path, body: patch, headers: ifMatch(etag) })));
        form.message = message;
        notice = t('saved');
        await loadPending();
      },
      (e) => {
        // Someone else's change goes on top, with the button that reads the message again.
        if (!(e instanceof Problem && e.status === 412)) return false;
        error = new Problem(412, e.title, t('stale'));
        return true;
      },
    );
    if (notice) focus('#message-notice');
    else if (error) focus('#message-problem');
  };

  const remove = async () => {
    busy = true;
    error = null;
    draw();
    try {
      await api.DELETE('/admin/messages/{message_id}', { ...path, headers: ifMatch(etag) });
      ctx.go('/office/messages');
      return;
    } catch (e) {
      error = e instanceof Problem && e.status === 412 ? new Problem(412, e.title, t('stale')) : e;
    }
    busy = false;
    confirming = false;
    draw();
    focus('#message-problem');
  };

  const counts = () => {
    const r = message.receipts;
    const n = (k: number | undefined) => (k === undefined ? '—' : k === 1 ? t('member') : t('members', { n: k }));
    return html`<dt>${t('read')}</dt>
      <dd id="message-read">${n(r?.read)}</dd>
      <dt>${t('acknowledged')}</dt>
      <dd id="message-acknowledged">${message.requires_ack ? n(r?.acknowledged) : t('notAsked')}</dd>`;
  };

  const pendingView = () => {
    if (!message.requires_ack) return html`<p>${t('noAck')}</p>`;
    if (pendingError) return problemView(pendingError);
    if (pending === null) return html`<p role="status">…</p>`;
    if (pending.length === 0) return html`<p>${t('everyoneAcked')}</p>`;
    return html`<div class="scroll" role="region" aria-labelledby="pending-title" tabindex="0" id="message-pending">
      <table>
        <thead>
          <tr><th scope="col">${t('name')}</th><th scope="col">${t('email')}</th><th scope="col">${t('readAt')}</th></tr>
        </thead>
        <tbody>
          ${pending.map(
            (a) => html`<tr>
              <td><a href="/office/members/${a.member_id}" data-link>${a.first_name} ${a.last_name}</a></td>
              <td>${a.email}</td>
              <td>${a.read_at ? dateTime(a.read_at) : t('notRead')}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  };

  const actions = () =>
    confirming
      ? html`<div class="info">
          <p id="confirm-text">${t('confirm', { title: message.title })}</p>
          <div class="actions">
            <button type="button" class="primary" id="confirm-remove" aria-describedby="confirm-text" ?disabled=${busy}
              @click=${() => void remove()}>${t('confirmed')}</button>
            <button type="button" ?disabled=${busy} @click=${() => {
              confirming = false;
              draw();
              focus('#message-remove');
            }}>${t('cancel')}</button>
          </div>
        </div>`
      : html`<div class="actions">
          <button type="button" id="message-remove" ?disabled=${busy} @click=${() => {
            confirming = true;
            notice = null;
            draw();
            focus('#confirm-remove');
          }}>${t('remove')}</button>
        </div>`;

  const draw = () =>
    ctx.show(html`<p><a href="/office/messages" data-link>← ${t('back')}</a></p>
      <h1 tabindex="-1">${message.title}</h1>
      ${notice ? html`<p class="info" role="status" id="message-notice" tabindex="-1">${notice}</p>` : nothing}
      ${error
        ? html`<div id="message-problem" tabindex="-1">${problemView(error)}
            ${error instanceof Problem && error.status === 412 ? html`<button type="button" @click=${() => void ctx.reload()}>${t('reload')}</button>` : nothing}
          </div>`
        : nothing}
      <section aria-labelledby="details-title">
        <h2 id="details-title">${t('details')}</h2>
        <dl class="facts" id="message-facts">
          <dt>${t('state')}</dt>
          <dd>${stateBadge(message)}</dd>
          <dt>${t('audience')}</dt>
          <dd>${audienceText(message.audience, groups)}</dd>
          <dt>${t('window')}</dt>
          <dd>${windowText(message)}</dd>
          <dt>${t('needsAck')}</dt>
          <dd>${message.requires_ack ? t('asked') : t('notAsked')}</dd>
          ${counts()}
        </dl>
        <p class="pre" id="message-body">${message.body}</p>
        ${actions()}
      </section>
      <section>
        <h2 id="pending-title">${t('pending')}</h2>
        ${message.requires_ack ? html`<p class="hint">${t('pendingIntro')}</p>` : nothing}
        ${pendingView()}
      </section>
      <section aria-labelledby="change-title">
        <h2 id="change-title">${t('edit')}</h2>
        ${form.view((ev) => void save(ev), t('save'))}
      </section>`);

  draw();
  ctx.titled(message.title);
  await loadPending();
  draw();
}

// --- the form both pages draw --------------------------------------------------------

const FIELDS = ['title', 'body', 'audience', 'starts_at', 'ends_at'] as const;

/** The title, text, audience, window and acknowledgement of a message: empty to compose
 * one, or filled from `message` to change it (a change sends only what differs). */
class MessageForm {
  error: unknown = null;
  busy = false;
  private everyone: boolean;

  constructor(
    private readonly prefix: string,
    private readonly groups: Group[],
    private readonly redraw: () => void,
    public message?: Message,
  ) {
    this.everyone = message ? !message.audience.group_ids?.length : true;
  }

  /** What the form asks for (only what changed, with a `message`); null when it cannot
   * be sent as it is (no group chosen: said beside the groups). */
  read(form: HTMLFormElement, before?: Message): Schemas['MessagePatch'] | null {
    const value = (name: string) => ((form.elements.namedItem(name) as HTMLInputElement | null)?.value ?? '').trim();
    const ids = Array.from(form.querySelectorAll<HTMLInputElement>('input[name="group_ids"]:checked')).map((i) => i.value);
    if (!this.everyone && ids.length === 0) {
      this.error = new Problem(400, '', '', [{ field: 'audience.group_ids', message: t('pickGroup') }]);
      this.redraw();
      focus(`#${this.prefix}-audience-groups`);
      return null;
    }
    const audience: Schemas['Audience'] = this.everyone ? { all: true } : { group_ids: ids };
    const all: Schemas['MessagePatch'] = {
      title: value('title'),
      body: value('body'),
      audience,
      starts_at: fromLocal(value('starts_at')),
      ends_at: fromLocal(value('ends_at')),
      requires_ack: (form.elements.namedItem('requires_ack') as HTMLInputElement).checked,
    };
    if (!before) return all;
    const out: Schemas['MessagePatch'] = {};
    if (all.title !== before.title) out.title = all.title;
    if (all.body !== before.body) out.body = all.body;
    if (!sameAudience(audience, before.audience)) out.audience = audience;
    // The window as shown (to the minute): unchanged fields keep the stored seconds.
    if (all.starts_at !== fromLocal(toLocal(before.starts_at))) out.starts_at = all.starts_at;
    if (all.ends_at !== fromLocal(toLocal(before.ends_at))) out.ends_at = all.ends_at;
    if (all.requires_ack !== before.requires_ack) out.requires_ack = all.requires_ack;
    return out;
  }

  /** Sends it: on a problem, the API's words beside the fields they name (else above
   * the form), focus on the first; `elsewhere` may take a problem to show it itself. */
  async send(call: () => Promise<void>, elsewhere: (e: unknown) => boolean = () => false): Promise<void> {
    this.busy = true;
    this.error = null;
    this.redraw();
    let failed: unknown = null;
    try {
      await call();
    } catch (e) {
      failed = e;
      if (!elsewhere(e)) this.error = e;
    }
    this.busy = false;
    this.redraw();
    if (failed && this.error) {
      const errors = fieldErrors(this.error);
      const first = FIELDS.find((f) => errors.has(f) || (f === 'audience' && errors.has('audience.group_ids')));
      focus(first === 'audience' ? `#${this.prefix}-audience` : first ? `#${this.prefix}-${first}` : `#${this.prefix}-problem`);
    }
  }

  view(submit: (ev: SubmitEvent) => void, label: string): TemplateResult {
    const p = this.prefix;
    const m = this.message;
    const errors = fieldErrors(this.error);
    const audienceError = errors.get('audience.group_ids') ?? errors.get('audience');
    const placed = FIELDS.some((f) => errors.has(f)) || errors.has('audience.group_ids');
    const chosen = m?.audience.group_ids ?? [];
    return html`${this.error && !placed ? html`<div id="${p}-problem" tabindex="-1">${problemView(this.error)}</div>` : nothing}
      <form class="stack" @submit=${submit}>
        ${this.input('title', t('subject'), m?.title ?? '', errors.get('title'))}
        <label for="${p}-body">${t('body')}</label>
        <textarea id="${p}-body" name="body" rows="6" maxlength="4000" required .value=${m?.body ?? ''}
          aria-invalid=${errors.has('body') ? 'true' : 'false'} aria-describedby=${errors.has('body') ? `${p}-body-error` : nothing}></textarea>
        ${errors.has('body') ? html`<p class="problem" id="${p}-body-error">${errors.get('body')}</p>` : nothing}
        <fieldset id="${p}-audience" tabindex="-1" aria-describedby=${audienceError ? `${p}-audience-error` : nothing}>
          <legend>${t('audience')}</legend>
          ${audienceError ? html`<p class="problem" id="${p}-audience-error">${audienceError}</p>` : nothing}
          ${[true, false].map(
            (all) => html`<div class="switch">
              <input type="radio" id="${p}-audience-${all ? 'all' : 'groups'}" name="audience" .checked=${this.everyone === all}
                @change=${() => {
                  this.everyone = all;
                  this.redraw();
                }} />
              <label for="${p}-audience-${all ? 'all' : 'groups'}">${all ? t('everyone') : t('chosen')}</label>
            </div>`,
          )}
          ${this.everyone
            ? nothing
            : html`<fieldset id="${p}-audience-groups" tabindex="-1">
                <legend>${t('groups')}</legend>
                ${this.groups.length
                  ? this.groups.map(
                      (g) => html`<div class="switch">
                        <input type="checkbox" id="${p}-group-${g.id}" name="group_ids" value=${g.id} .checked=${chosen.includes(g.id)} />
                        <label for="${p}-group-${g.id}">${g.name}</label>
                      </div>`,
                    )
                  : html`<p>${t('noGroups')}</p>`}
              </fieldset>`}
        </fieldset>
        ${this.input('starts_at', t('starts'), toLocal(m?.starts_at), errors.get('starts_at'), t('startsHint'))}
        ${this.input('ends_at', t('ends'), toLocal(m?.ends_at), errors.get('ends_at'), t('endsHint'))}
        <div class="switch">
          <input type="checkbox" id="${p}-requires_ack" name="requires_ack" .checked=${m?.requires_ack ?? false} />
          <label for="${p}-requires_ack">${t('ack')}</label>
        </div>
        <button type="submit" class="primary" ?disabled=${this.busy}>${label}</button>
      </form>`;
  }

  /** A labelled line of text, or a local date and time for the window's fields. */
  private input(name: string, label: string, value: string, message: string | undefined, hint = ''): TemplateResult {
    const id = `${this.prefix}-${name}`;
    const described = [hint ? `${id}-hint` : '', message ? `${id}-error` : ''].filter(Boolean).join(' ');
    const when = name.endsWith('_at');
    return html`<label for=${id}>${label}</label>
      ${hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : nothing}
      <input id=${id} name=${name} type=${when ? 'datetime-local' : 'text'} .value=${value} ?required=${!when} maxlength="200"
        autocomplete="off" aria-invalid=${message ? 'true' : 'false'} aria-describedby=${described || nothing} />
      ${message ? html`<p class="problem" id="${id}-error">${message}</p>` : nothing}`;
  }
}

function sameAudience(a: Schemas['Audience'], b: Schemas['Audience']): boolean {
  const ids = (x: Schemas['Audience']) => [...(x.group_ids ?? [])].sort().join(',');
  return !!a.all === !!b.all && ids(a) === ids(b);
}

/** A `datetime-local` value (the admin's own time) as the API's timestamp; null if empty. */
function fromLocal(value: string): string | null {
  if (!value) return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? value : at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The API's timestamp as a `datetime-local` value in the admin's own time, to the minute. */
function toLocal(iso: string | null | undefined): string {
  if (!iso) return '';
  const at = new Date(iso);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}T${two(at.getHours())}:${two(at.getMinutes())}`;
}

function audienceText(audience: Schemas['Audience'], groups: Group[]): string {
  if (!audience.group_ids?.length) return t('everyone');
  return audience.group_ids.map((g) => groups.find((x) => x.id === g)?.name ?? g).join(', ');
}

function windowText(m: Message): string {
  if (m.starts_at && m.ends_at) return t('between', { from: dateTime(m.starts_at), to: dateTime(m.ends_at) });
  if (m.starts_at) return t('from', { at: dateTime(m.starts_at) });
  if (m.ends_at) return t('until', { at: dateTime(m.ends_at) });
  return t('always');
}

function stateBadge(m: Message): TemplateResult {
  const look = m.state === 'current' ? 'accepted' : m.state === 'ended' ? 'declined' : 'new';
  return html`<span class="badge badge-${look}">${t(m.state)}</span>`;
}
