// Work requests: the inbox of what members ask for through the portal
// (`/admin/work-requests`), submitted ones first, filtered by status. A request's page
// (`/office/requests/<id>`) shows what the member wrote, for which site and asset, and
// their photos and files; the office accepts it by linking the job that answers it (one
// of the site's jobs, or another of its customer's, as the back office published them) or
// declines it with a reason the member reads. Both send `If-Match` with the version read
// (a 412 says someone else decided or changed it meanwhile) and one Idempotency-Key per
// filled-in form; the API's refusals are shown in its words.

import { html, nothing, type TemplateResult } from 'lit-html';
import { api, data, ifMatch, openDownload, Problem, tagged, type Schemas } from '../api';
import { badge, Listing, problemView } from '../app';
import { category, date, dateTime, status, words } from '../i18n';
import { fieldErrors, focus, type ScreenCtx } from './screen';

const t = words({
  en: {
    title: 'Work requests',
    intro: 'What members ask for through the portal. Accept a request by linking the job that answers it, or decline it with a reason: the member sees either in the portal.',
    filter: 'Show requests',
    all: 'All',
    customer: 'Customer',
    site: 'Site',
    asset: 'Equipment',
    type: 'Type of work',
    by: 'Requested by',
    sent: 'Sent',
    wished: 'Wished date',
    job: 'Job',
    reason: 'Reason',
    status: 'Status',
    notes: 'What they wrote',
    noNotes: 'They wrote nothing more than the subject.',
    files: 'Photos and files',
    open: 'Open {name}',
    back: 'Work requests',
    details: 'Details',
    accept: 'Accept',
    acceptIntro: 'Link the job your back office published for this request. The member sees the job and its progress.',
    pickJob: 'Job',
    atSite: 'At {site}',
    elsewhere: 'Elsewhere for {customer}',
    noJobs: '{customer} has no jobs that could answer this request yet. Publish the job from your back office, then reload this page.',
    acceptButton: 'Accept and link the job',
    accepted: 'Accepted, linked to job {job}.',
    decline: 'Decline',
    declineIntro: 'The member reads your reason in the portal, and by email if they chose to.',
    declineButton: 'Decline the request',
    declined: 'Declined. The member is told why.',
    stale: 'Someone else changed this request meanwhile. Reload the page to see it as it is now.',
    reload: 'Reload',
    decidedMeanwhile: 'Someone else has {status} this request meanwhile. Reload the page to see their decision.',
  },
  nl: {
    title: 'Werkaanvragen',
    intro: 'Wat leden via het portaal aanvragen. Accepteer een aanvraag door de werkorder te koppelen die eraan voldoet, of wijs haar af met een reden: het lid ziet beide in het portaal.',
    filter: 'Aanvragen tonen',
    all: 'Alle',
    customer: 'Klant',
    site: 'Locatie',
    asset: 'Installatie',
    type: 'Soort werk',
    by: 'Aangevraagd door',
    sent: 'Verstuurd',
    wished: 'Gewenste datum',
    job: 'Werkorder',
    reason: 'Reden',
    status: 'Status',
    notes: 'Wat het lid schreef',
    noNotes: 'Het lid schreef niets meer dan het onderwerp.',
    files: "Foto's en bestanden",
    open: '{name} openen',
    back: 'Werkaanvragen',
    details: 'Gegevens',
    accept: 'Accepteren',
    acceptIntro: 'Koppel de werkorder die uw backoffice voor deze aanvraag heeft gepubliceerd. Het lid ziet de werkorder en de voortgang ervan.',
    pickJob: 'Werkorder',
    atSite: 'Op {site}',
    elsewhere: 'Elders voor {customer}',
    noJobs: '{customer} heeft nog geen werkorders die aan deze aanvraag kunnen voldoen. Publiceer de werkorder vanuit uw backoffice en laad deze pagina daarna opnieuw.',
    acceptButton: 'Accepteren en de werkorder koppelen',
    accepted: 'Geaccepteerd, gekoppeld aan werkorder {job}.',
    decline: 'Afwijzen',
    declineIntro: 'Het lid leest uw reden in het portaal, en per e-mail als het daarvoor gekozen heeft.',
    declineButton: 'De aanvraag afwijzen',
    declined: 'Afgewezen. Het lid krijgt de reden te zien.',
    stale: 'Iemand anders heeft deze aanvraag intussen gewijzigd. Laad de pagina opnieuw om haar te zien zoals ze nu is.',
    reload: 'Opnieuw laden',
    decidedMeanwhile: 'Iemand anders heeft deze aanvraag intussen {status}. Laad de pagina opnieuw om dat besluit te zien.',
  },
});

type Request = Schemas['WorkRequestView'];
type Job = Schemas['JobView'];
type Filter = Schemas['RequestStatus'] | 'all';

const FILTERS: Filter[] = ['submitted', 'accepted', 'declined', 'all'];

/** The menu's word for this screen. */
export const requestsLabel = (): string => t('title');

/** The inbox, or a request's page, by the path under `/office/requests`. */
export async function requestsScreen(ctx: ScreenCtx): Promise<void> {
  const id = /^\/office\/requests\/([^/]+)$/.exec(location.pathname.replace(/\/+$/, ''))?.[1];
  if (id) await requestPage(ctx, decodeURIComponent(id));
  else await inboxPage(ctx);
}

/** Customers' and sites' names, each read once per page view. */
class Names {
  private readonly customers = new Map<string, Promise<string>>();
  private readonly sites = new Map<string, Promise<Schemas['SiteView'] | null>>();

  customer(id: string): Promise<string> {
    if (!this.customers.has(id)) {
      const read = data(api.GET('/admin/customers/{customer_id}', { params: { path: { customer_id: id } } }));
      this.customers.set(id, read.then((c) => c.name).catch(() => id));
    }
    return this.customers.get(id) as Promise<string>;
  }

  site(id: string): Promise<Schemas['SiteView'] | null> {
    if (!this.sites.has(id)) {
      const read = data(api.GET('/admin/sites/{site_id}', { params: { path: { site_id: id } } }));
      this.sites.set(id, read.catch(() => null));
    }
    return this.sites.get(id) as Promise<Schemas['SiteView'] | null>;
  }
}

function filterWord(f: Filter): string {
  return f === 'all' ? t('all') : status(f);
}

// --- the inbox -----------------------------------------------------------------------

async function inboxPage(ctx: ScreenCtx): Promise<void> {
  const asked = new URLSearchParams(location.search).get('status');
  const filter: Filter = FILTERS.find((f) => f === asked) ?? 'submitted';
  const names = new Names();
  const shown = new Map<string, { customer: string; site: string }>();
  const list = new Listing(
    async (paging) => {
      const query = filter === 'all' ? paging : { ...paging, status: filter };
      const page = await data(api.GET('/admin/work-requests', { params: { query } }));
      await Promise.all(
        page.items.map(async (r) => {
          const [customer, site] = await Promise.all([names.customer(r.customer_id), names.site(r.site_id)]);
          shown.set(r.id, { customer, site: site?.name ?? r.site_id });
        }),
      );
      return page;
    },
    () => draw(),
    25,
  );

  const card = (r: Request): TemplateResult => {
    const where = shown.get(r.id);
    return html`<li class="card-item" data-request=${r.id}>
      <h3><a href="/office/requests/${r.id}" data-link>${r.subject}</a></h3>
      <dl class="facts">
        <dt>${t('sent')}</dt>
        <dd>${dateTime(r.created_at)} · ${r.requested_by}</dd>
        <dt>${t('customer')}</dt>
        <dd>${where?.customer ?? r.customer_id}</dd>
        <dt>${t('site')}</dt>
        <dd>${where?.site ?? r.site_id}</dd>
        <dt>${t('status')}</dt>
        <dd>${badge(r.status)}${r.job ? html` · ${t('job')} ${r.job.reference}` : nothing}</dd>
        ${r.decline_reason ? html`<dt>${t('reason')}</dt><dd>${r.decline_reason}</dd>` : nothing}
      </dl>
    </li>`;
  };

  const draw = () =>
    ctx.show(html`<h1 tabindex="-1">${t('title')}</h1>
      <p>${t('intro')}</p>
      <nav class="chips" aria-label=${t('filter')}>
        ${FILTERS.map(
          (f) => html`<a href=${f === 'submitted' ? '/office/requests' : `/office/requests?status=${f}`} data-link
            aria-current=${f === filter ? 'page' : 'false'}>${filterWord(f)}</a>`,
        )}
      </nav>
      <section aria-labelledby="inbox-title">
        <h2 id="inbox-title">${filterWord(filter)}</h2>
        ${list.view((items) => html`<ul class="cards">${items.map(card)}</ul>`)}
      </section>`);

  draw();
  ctx.titled(t('title'));
  await list.load();
}

// --- one request ---------------------------------------------------------------------

/** Every job of `query` (a site's or a customer's), newest first, a few pages at most. */
async function jobsOf(query: { site_id?: string; customer_id?: string }): Promise<Job[]> {
  const out: Job[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 5; pages++) {
    const page = await data(api.GET('/admin/jobs', { params: { query: { ...query, limit: 200, cursor } } }));
    out.push(...page.items);
    cursor = page.next_cursor ?? undefined;
    if (!cursor) break;
  }
  return out;
}

async function requestPage(ctx: ScreenCtx, id: string): Promise<void> {
  const path = { params: { path: { request_id: id } } };
  let { body: request, etag } = await tagged(api.GET('/admin/work-requests/{request_id}', path));
  const names = new Names();
  const [customer, site, asset, siteJobs, customerJobs] = await Promise.all([
    names.customer(request.customer_id),
    names.site(request.site_id),
    request.asset_id
      ? data(api.GET('/admin/assets/{asset_id}', { params: { path: { asset_id: request.asset_id } } })).catch(() => null)
      : Promise.resolve(null),
    request.status === 'submitted' ? jobsOf({ site_id: request.site_id }) : Promise.resolve([]),
    request.status === 'submitted' ? jobsOf({ customer_id: request.customer_id }) : Promise.resolve([]),
  ]);
  // Jobs answering another request would be refused: they are not offered.
  const free = (j: Job) => !j.work_request_id || j.work_request_id === request.id;
  const here = siteJobs.filter(free);
  const elsewhere = customerJobs.filter((j) => free(j) && j.site_id !== request.site_id);
  const siteName = site?.name ?? request.site_id;
  const typeName = (code: string) => ctx.session.settings.work_order_types.find((w) => w.code === code)?.name ?? code;

  let notice: string | null = null;
  let error: unknown = null;
  let acceptError: unknown = null;
  let declineError: unknown = null;
  let busy = false;
  let acceptKey = crypto.randomUUID();
  let declineKey = crypto.randomUUID();

  /** Runs a decision: its notice, or the API's problem beside its form (a 412 on top,
   * with the button that reads the request again). */
  const decide = async (which: 'accept' | 'decline', call: () => Promise<{ body: Request; etag: string | null }>, said: () => string) => {
    busy = true;
    notice = error = acceptError = declineError = null;
    draw();
    let failed: unknown = null;
    try {
      ({ body: request, etag } = await call());
      notice = said();
      acceptKey = crypto.randomUUID();
      declineKey = crypto.randomUUID();
    } catch (e) {
      failed = e;
      if (e instanceof Problem && e.status === 412) error = new Problem(412, e.title, await staleWords());
      else if (which === 'accept') acceptError = e;
      else declineError = e;
    }
    busy = false;
    draw();
    if (!failed) focus('#request-notice');
    else if (error) focus('#request-problem');
    else {
      const field = which === 'accept' ? 'job_id' : 'reason';
      focus(fieldErrors(failed).has(field) ? `#request-${field}` : `#${which}-problem`);
    }
  };

  /** What a 412 means here: decided by someone else meanwhile (and how), or changed. */
  const staleWords = async (): Promise<string> => {
    const now = await data(api.GET('/admin/work-requests/{request_id}', path)).catch(() => null);
    return now && now.status !== 'submitted' ? t('decidedMeanwhile', { status: status(now.status).toLowerCase() }) : t('stale');
  };

  const accept = (ev: SubmitEvent) => {
    ev.preventDefault();
    const job = ((ev.target as HTMLFormElement).elements.namedItem('job_id') as HTMLSelectElement).value;
    const reference = [...here, ...elsewhere].find((j) => j.id === job)?.external_ref ?? job;
    void decide(
      'accept',
      () =>
        tagged(
          api.POST('/admin/work-requests/{request_id}/accept', {
            params: { path: { request_id: id }, header: { 'Idempotency-Key': acceptKey } },
            headers: ifMatch(etag),
            body: { job_id: job },
          }),
        ),
      () => t('accepted', { job: reference }),
    );
  };

  const decline = (ev: SubmitEvent) => {
    ev.preventDefault();
    const reason = ((ev.target as HTMLFormElement).elements.namedItem('reason') as HTMLTextAreaElement).value.trim();
    void decide(
      'decline',
      () =>
        tagged(
          api.POST('/admin/work-requests/{request_id}/decline', {
            params: { path: { request_id: id }, header: { 'Idempotency-Key': declineKey } },
            headers: ifMatch(etag),
            body: { reason },
          }),
        ),
      () => t('declined'),
    );
  };

  const open = async (fileId: string) => {
    try {
      await openDownload(`/admin/files/${encodeURIComponent(fileId)}`);
    } catch (e) {
      error = e;
      draw();
      focus('#request-problem');
    }
  };

  const jobLabel = (j: Job) =>
    `${j.external_ref} · ${category(j.category)} · ${status(j.status)} · ${date(j.reported_at)}${j.description ? ` · ${short(j.description)}` : ''}`;

  const facts = () => html`<dl class="facts" id="request-facts">
    <dt>${t('status')}</dt>
    <dd>${badge(request.status)}${request.decided_at ? html` · ${dateTime(request.decided_at)}` : nothing}</dd>
    ${request.job ? html`<dt>${t('job')}</dt><dd>${request.job.reference} ${badge(request.job.status)}</dd>` : nothing}
    ${request.decline_reason ? html`<dt>${t('reason')}</dt><dd class="pre">${request.decline_reason}</dd>` : nothing}
    <dt>${t('customer')}</dt>
    <dd>${customer}</dd>
    <dt>${t('site')}</dt>
    <dd>${siteName}${site?.address ? html`<br /><span class="hint">${site.address}</span>` : nothing}</dd>
    ${request.asset_id
      ? html`<dt>${t('asset')}</dt>
          <dd>${asset ? `${asset.name}${asset.serial_number ? ` (${asset.serial_number})` : ''}` : request.asset_id}</dd>`
      : nothing}
    <dt>${t('type')}</dt>
    <dd>${request.work_order_type ? typeName(request.work_order_type) : '—'}</dd>
    <dt>${t('by')}</dt>
    <dd><a href="/office/members/${request.member_id}" data-link>${request.requested_by}</a></dd>
    <dt>${t('sent')}</dt>
    <dd>${dateTime(request.created_at)}</dd>
    <dt>${t('wished')}</dt>
    <dd>${request.requested_at ? date(request.requested_at) : '—'}</dd>
  </dl>`;

  const files = () =>
    request.files.length
      ? html`<h3>${t('files')}</h3>
          <ul class="actions" id="request-files">
            ${request.files.map(
              (f) => html`<li><button type="button" @click=${() => void open(f.file_id)}>${t('open', { name: f.name })}</button>
                <span class="hint">${size(f.size)}</span></li>`,
            )}
          </ul>`
      : nothing;

  const acceptForm = () => {
    const errors = fieldErrors(acceptError);
    const message = errors.get('job_id');
    return html`<section aria-labelledby="accept-title">
      <h2 id="accept-title">${t('accept')}</h2>
      <p class="hint" id="accept-intro">${t('acceptIntro')}</p>
      ${acceptError && !message ? html`<div id="accept-problem" tabindex="-1">${problemView(acceptError)}</div>` : nothing}
      ${here.length || elsewhere.length
        ? html`<form class="stack" @submit=${accept}>
            <label for="request-job_id">${t('pickJob')}</label>
            <select id="request-job_id" name="job_id" required aria-invalid=${message ? 'true' : 'false'}
              aria-describedby=${message ? 'accept-intro request-job_id-error' : 'accept-intro'}>
              ${here.length
                ? html`<optgroup label=${t('atSite', { site: siteName })}>${here.map((j) => html`<option value=${j.id}>${jobLabel(j)}</option>`)}</optgroup>`
                : nothing}
              ${elsewhere.length
                ? html`<optgroup label=${t('elsewhere', { customer })}>${elsewhere.map((j) => html`<option value=${j.id}>${jobLabel(j)}</option>`)}</optgroup>`
                : nothing}
            </select>
            ${message ? html`<p class="problem" id="request-job_id-error">${message}</p>` : nothing}
            <button type="submit" class="primary" ?disabled=${busy}>${t('acceptButton')}</button>
          </form>`
        : html`<p>${t('noJobs', { customer })}</p>`}
    </section>`;
  };

  const declineForm = () => {
    const errors = fieldErrors(declineError);
    const message = errors.get('reason');
    return html`<section aria-labelledby="decline-title">
      <h2 id="decline-title">${t('decline')}</h2>
      ${declineError && !message ? html`<div id="decline-problem" tabindex="-1">${problemView(declineError)}</div>` : nothing}
      <form class="stack" @submit=${decline}>
        <label for="request-reason">${t('reason')}</label>
        <p class="hint" id="request-reason-hint">${t('declineIntro')}</p>
        <textarea id="request-reason" name="reason" rows="4" maxlength="2000" required aria-invalid=${message ? 'true' : 'false'}
          aria-describedby=${message ? 'request-reason-hint request-reason-error' : 'request-reason-hint'}></textarea>
        ${message ? html`<p class="problem" id="request-reason-error">${message}</p>` : nothing}
        <button type="submit" ?disabled=${busy}>${t('declineButton')}</button>
      </form>
    </section>`;
  };

  const draw = () =>
    ctx.show(html`<p><a href="/office/requests" data-link>← ${t('back')}</a></p>
      <h1 tabindex="-1">${request.subject}</h1>
      ${notice ? html`<p class="info" role="status" id="request-notice" tabindex="-1">${notice}</p>` : nothing}
      ${error
        ? html`<div id="request-problem" tabindex="-1">${problemView(error)}
            ${error instanceof Problem && error.status === 412 ? html`<button type="button" @click=${() => void ctx.reload()}>${t('reload')}</button>` : nothing}
          </div>`
        : nothing}
      <section aria-labelledby="details-title">
        <h2 id="details-title">${t('details')}</h2>
        ${facts()}
        <h3>${t('notes')}</h3>
        ${request.notes ? html`<p class="pre" id="request-notes">${request.notes}</p>` : html`<p>${t('noNotes')}</p>`}
        ${files()}
      </section>
      ${request.status === 'submitted' ? html`${acceptForm()} ${declineForm()}` : nothing}`);

  draw();
  ctx.titled(request.subject);
}

function short(text: string): string {
  const line = text.split('\n')[0];
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} kB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
