// Records: what the back office published — jobs, quotes, invoices, equipment — read
// only, as the office's API gives them (`GET /admin/jobs|quotes|invoices|assets`).
// `/office/records/<kind>` lists one kind, filtered by customer and the API's own
// filters (kept in the address) and paged with its cursor; `/office/records/<kind>/<id>`
// shows one record: a job with its history and notes, a quote with its decision and the
// approvals refused over a member's limit, an invoice, an asset with its services.
// The tables, filters and facts are the member portal's (src/pages/…), given the
// office's links and a customer column.

import { html, nothing, type TemplateResult } from 'lit-html';
import { api, data, openDownload, withQuery, type QueryOf, type Schemas } from '../api';
import { Listing, badge, problemView, siteFilter, type Column, type Named } from '../app';
import { dateTime, money, status, t as appWord, words } from '../i18n';
import { assetFacts, assetServices, assetsTable, dueWithinField } from '../pages/assets';
import { INVOICE_STATUSES, invoicesTable } from '../pages/invoices';
import { JOB_FILTERS, filledIn, filterSelect, jobFacts, jobFilterFields, jobHistory, jobsTable, notesList } from '../pages/jobs';
import { quoteFacts, quoteLines, quotesTable } from '../pages/quotes';
import { allCustomers } from './customers';
import type { ScreenCtx } from './screen';

const t = words({
  en: {
    title: 'Records',
    intro: 'What your back office published to the portal, as the portal has it. Read-only: changes come from the back office.',
    kinds: 'Kind of record',
    jobs: 'Jobs',
    quotes: 'Quotes',
    invoices: 'Invoices',
    assets: 'Equipment',
    customer: 'Customer',
    site: 'Site',
    status: 'Status',
    reference: 'Back-office reference',
    workOrderType: 'Work-order type',
    due: 'Due',
    request: 'Work request',
    updated: 'Last changed',
    attachments: 'Files',
    notes: 'Notes',
    file: 'Document',
    job: 'Job',
    sent: 'Sent',
    decision: 'Decision',
    noDecision: 'No decision yet.',
    outcome: 'Outcome',
    signer: 'Signed by',
    decidedAt: 'Decided on',
    po: 'PO number',
    comment: 'Comment',
    reason: 'Reason',
    member: 'Member',
    attempts: 'Approvals refused over a limit',
    attemptsIntro: 'Members who tried to approve this quote while it was above their approval limit.',
    noAttempts: 'None.',
    at: 'When',
    limit: 'Their limit',
    number: 'Invoice number',
    issued: 'Issued',
    total: 'Total',
    paid: 'Paid',
    balance: 'Balance',
    value: 'Value',
    installed: 'Installed',
    older: 'Older jobs',
    back: 'All {kind}',
  },
  nl: {
    title: 'Gegevens',
    intro: 'Wat uw backoffice naar het portaal heeft gepubliceerd, zoals het portaal het heeft. Alleen lezen: wijzigingen komen uit de backoffice.',
    kinds: 'Soort gegevens',
    jobs: 'Werkorders',
    quotes: 'Offertes',
    invoices: 'Facturen',
    assets: 'Installaties',
    customer: 'Klant',
    site: 'Locatie',
    status: 'Status',
    reference: 'Referentie in de backoffice',
    workOrderType: 'Soort werkorder',
    due: 'Uiterlijk',
    request: 'Werkaanvraag',
    updated: 'Laatst gewijzigd',
    attachments: 'Bestanden',
    notes: 'Notities',
    file: 'Document',
    job: 'Werkorder',
    sent: 'Verstuurd',
    decision: 'Besluit',
    noDecision: 'Nog geen besluit.',
    outcome: 'Uitkomst',
    signer: 'Ondertekend door',
    decidedAt: 'Besloten op',
    po: 'Inkoopordernummer',
    comment: 'Opmerking',
    reason: 'Reden',
    member: 'Lid',
    attempts: 'Goedkeuringen geweigerd boven een limiet',
    attemptsIntro: 'Leden die deze offerte probeerden goed te keuren terwijl die boven hun goedkeuringslimiet lag.',
    noAttempts: 'Geen.',
    at: 'Wanneer',
    limit: 'Hun limiet',
    number: 'Factuurnummer',
    issued: 'Gedateerd',
    total: 'Totaal',
    paid: 'Betaald',
    balance: 'Openstaand',
    value: 'Waarde',
    installed: 'Geïnstalleerd',
    older: 'Oudere werkorders',
    back: 'Alle {kind}',
  },
});

const KINDS = ['jobs', 'quotes', 'invoices', 'assets'] as const;
type Kind = (typeof KINDS)[number];
const BASE = '/office/records';
const QUOTE_STATUSES: Schemas['QuoteStatus'][] = ['draft', 'sent', 'approved', 'rejected', 'expired', 'withdrawn'];
/** Each kind's filter, as its list's query and the address name them. */
const FILTERS: Record<Kind, readonly string[]> = {
  jobs: ['customer_id', ...JOB_FILTERS],
  quotes: ['customer_id', 'site_id', 'status'],
  invoices: ['customer_id', 'site_id', 'status'],
  assets: ['customer_id', 'site_id', 'due_within_days'],
};
const PAGE = 25;

type Customer = Schemas['CustomerView'];
type Site = Schemas['SiteView'];

/** The menu's word for this screen. */
export const recordsLabel = (): string => t('title');

/** A list, or one record, by the path under `/office/records`. */
export async function recordsScreen(ctx: ScreenCtx): Promise<void> {
  const [, kindPart, id] = location.pathname.replace(/\/+$/, '').slice(BASE.length).split('/');
  const kind = (KINDS as readonly string[]).includes(kindPart ?? '') ? (kindPart as Kind) : 'jobs';
  const names = new Names(await allCustomers());
  if (id) await recordPage(ctx, kind, decodeURIComponent(id), names);
  else await listPage(ctx, kind, names);
}

/** Customers and their sites by id, the sites read once per customer when needed. */
class Names {
  private readonly sites = new Map<string, Promise<Site[]>>();
  private readonly known = new Map<string, string>();

  constructor(readonly customers: Customer[]) {}

  customer = (id: string): string => this.customers.find((c) => c.id === id)?.name ?? id;

  customerLink = (id: string): TemplateResult => html`<a href="/office/customers/${id}" data-link>${this.customer(id)}</a>`;

  site = (id: string | null | undefined): string => (id ? (this.known.get(id) ?? id) : '—');

  /** The sites of `customerId` (every page), remembered by id for `site`. */
  sitesOf(customerId: string): Promise<Site[]> {
    let read = this.sites.get(customerId);
    if (!read) {
      read = (async () => {
        const out: Site[] = [];
        let cursor: string | undefined;
        do {
          const page = await data(api.GET('/admin/customers/{customer_id}/sites', { params: { path: { customer_id: customerId }, query: { limit: 200, cursor } } }));
          out.push(...page.items);
          cursor = page.next_cursor ?? undefined;
        } while (cursor);
        for (const s of out) this.known.set(s.id, s.name);
        return out;
      })().catch(() => []);
      this.sites.set(customerId, read);
    }
    return read;
  }

  /** Reads the sites of every customer `items` name (to show their sites by name). */
  async learn(items: { customer_id: string }[]): Promise<void> {
    await Promise.all([...new Set(items.map((i) => i.customer_id))].map((c) => this.sitesOf(c)));
  }
}

const recordLink = (kind: Kind, id: string, text: string) => html`<a href="${BASE}/${kind}/${encodeURIComponent(id)}" data-link>${text}</a>`;

/** The tabs: one per kind of record. */
function kindTabs(current: Kind): TemplateResult {
  return html`<nav class="chips" aria-label=${t('kinds')}>
    ${KINDS.map((k) => html`<a href="${BASE}/${k}" data-link aria-current=${k === current ? 'page' : 'false'}>${t(k)}</a>`)}
  </nav>`;
}

// --- the lists ---------------------------------------------------------------------------

async function listPage(ctx: ScreenCtx, kind: Kind, names: Names): Promise<void> {
  const query = new URLSearchParams(location.search);
  const given: Record<string, string> = {};
  for (const k of FILTERS[kind]) {
    const v = query.get(k);
    if (v) given[k] = v;
  }
  // The sites to filter by: the chosen customer's.
  const sites: Named[] = given.customer_id ? await names.sitesOf(given.customer_id) : [];
  const customerColumn: Column<{ customer_id: string }> = { head: t('customer'), cell: (r) => names.customerLink(r.customer_id) };
  // As typed in the address: the API refuses (400) a status, date or number it does not know.
  const filter = given as Record<string, string>;
  const load = async <P extends { items: { customer_id: string }[] }>(read: Promise<P>): Promise<P> => {
    const page = await read;
    await names.learn(page.items);
    return page;
  };
  const paging = (p: { limit: number; cursor?: string }) => ({ ...filter, ...p });
  const lists = {
    jobs: () => new Listing((p) => load(data(api.GET('/admin/jobs', { params: { query: paging(p) as QueryOf<'ListJobs'> } }))), () => draw(), PAGE),
    quotes: () => new Listing((p) => load(data(api.GET('/admin/quotes', { params: { query: paging(p) as QueryOf<'ListQuotes'> } }))), () => draw(), PAGE),
    invoices: () => new Listing((p) => load(data(api.GET('/admin/invoices', { params: { query: paging(p) as QueryOf<'ListInvoices'> } }))), () => draw(), PAGE),
    assets: () => new Listing((p) => load(data(api.GET('/admin/assets', { params: { query: paging(p) as unknown as QueryOf<'ListAssets'> } }))), () => draw(), PAGE),
  };
  const jobs = kind === 'jobs' ? lists.jobs() : null;
  const quotes = kind === 'quotes' ? lists.quotes() : null;
  const invoices = kind === 'invoices' ? lists.invoices() : null;
  const assets = kind === 'assets' ? lists.assets() : null;

  const fields = (): TemplateResult => {
    switch (kind) {
      case 'jobs':
        return jobFilterFields(given, sites);
      case 'quotes':
        return html`${siteFilter('f-site_id', t('site'), sites, given.site_id ?? '')}
          ${filterSelect('status', t('status'), QUOTE_STATUSES.map((s) => [s, status(s)]), given)}`;
      case 'invoices':
        return html`${siteFilter('f-site_id', t('site'), sites, given.site_id ?? '')}
          ${filterSelect('status', t('status'), INVOICE_STATUSES.map((s) => [s, status(s)]), given)}`;
      case 'assets':
        return html`${siteFilter('f-site_id', t('site'), sites, given.site_id ?? '')} ${dueWithinField(given.due_within_days ?? '')}`;
    }
  };

  const table = (): TemplateResult => {
    if (jobs) return jobs.view((items) => jobsTable(items, (j) => recordLink('jobs', j.id, j.external_ref), names.site, [customerColumn]));
    if (quotes) return quotes.view((items) => quotesTable(items, (q) => recordLink('quotes', q.id, q.external_ref), names.site, [customerColumn]));
    if (invoices) return invoices.view((items) => invoicesTable(items, (i) => recordLink('invoices', i.id, i.number), names.site, [customerColumn]));
    return (assets as NonNullable<typeof assets>).view((items) => assetsTable(items, (a) => recordLink('assets', a.id, a.name), names.site, [customerColumn]));
  };

  const draw = () =>
    ctx.show(html`<h1 tabindex="-1">${t('title')}</h1>
      <p>${t('intro')}</p>
      ${kindTabs(kind)}
      <h2>${t(kind)}</h2>
      <form
        class="filters"
        @submit=${(ev: SubmitEvent) => {
          ev.preventDefault();
          const q = filledIn(ev.target as HTMLFormElement, FILTERS[kind]);
          // The sites offered were the customer's before: another customer starts with all.
          if (q.customer_id !== given.customer_id) delete q.site_id;
          ctx.go(withQuery(`${BASE}/${kind}`, q));
        }}
      >
        <div class="field">
          <label for="f-customer_id">${t('customer')}</label>
          <select id="f-customer_id" name="customer_id">
            <option value="">${appWord('app.all')}</option>
            ${names.customers.map((c) => html`<option value=${c.id} ?selected=${c.id === given.customer_id}>${c.name}</option>`)}
          </select>
        </div>
        ${fields()}
        <div class="actions">
          <button type="submit">${appWord('app.filter')}</button>
          <a href="${BASE}/${kind}" data-link class="button">${appWord('app.clear')}</a>
        </div>
      </form>
      ${table()}`);
  draw();
  ctx.titled(`${t(kind)} · ${t('title')}`);
  await (jobs ?? quotes ?? invoices ?? assets)?.load();
}

// --- one record ----------------------------------------------------------------------------

async function recordPage(ctx: ScreenCtx, kind: Kind, id: string, names: Names): Promise<void> {
  let error: unknown = null;
  const download = (fileId: string, name: string) =>
    html`<button type="button" class="link" @click=${() => openDownload(`/admin/files/${encodeURIComponent(fileId)}`).catch((e: unknown) => ((error = e), redraw()))}>${name}</button>`;
  let redraw = () => {};
  const page = (heading: TemplateResult | string, title: string, body: () => TemplateResult) => {
    redraw = () =>
      ctx.show(html`<p><a href="${BASE}/${kind}" data-link>← ${t('back', { kind: t(kind).toLowerCase() })}</a></p>
        <h1 tabindex="-1">${heading}</h1>
        ${error ? problemView(error) : nothing}
        ${body()}`);
    redraw();
    ctx.titled(title);
  };
  const common = (r: { customer_id: string; external_ref: string; updated_at: string }) => html`<dt>${t('customer')}</dt><dd>${names.customerLink(r.customer_id)}</dd>
    <dt>${t('reference')}</dt><dd>${r.external_ref}</dd>`;
  const updated = (r: { updated_at: string }) => html`<dt>${t('updated')}</dt><dd>${dateTime(r.updated_at)}</dd>`;

  switch (kind) {
    case 'jobs': {
      const job = await data(api.GET('/admin/jobs/{job_id}', { params: { path: { job_id: id } } }));
      await names.learn([job]);
      const notes = new Listing((p) => data(api.GET('/admin/jobs/{job_id}/notes', { params: { path: { job_id: job.id }, query: p } })), () => redraw(), 50);
      page(html`${job.external_ref} ${badge(job.status)}`, job.external_ref, () => html`<dl class="facts">
          ${common(job)}
          ${jobFacts(
            job,
            names.site(job.site_id),
            job.asset_id ? html`<dt>${appWord('jobs.asset')}</dt><dd>${recordLink('assets', job.asset_id, job.asset_id)}</dd>` : nothing,
            html`<dt>${t('workOrderType')}</dt><dd>${job.work_order_type ?? '—'}</dd>
              <dt>${t('due')}</dt><dd>${dateTime(job.due_at)}</dd>
              ${job.work_request_id ? html`<dt>${t('request')}</dt><dd>${job.work_request_id}</dd>` : nothing}
              ${updated(job)}`,
          )}
        </dl>
        ${job.description ? html`<h2>${appWord('jobs.description')}</h2><p class="pre">${job.description}</p>` : nothing}
        ${jobHistory(job.status_history)}
        <h2>${t('attachments')}</h2>
        ${job.attachments.length
          ? html`<ul>${job.attachments.map((a) => html`<li>${download(a.file_id, a.name)}</li>`)}</ul>`
          : html`<p class="hint">${appWord('app.none')}</p>`}
        <h2>${t('notes')}</h2>
        ${notes.view((items) => notesList(items, download))}`);
      await notes.load();
      return;
    }
    case 'quotes': {
      const q = await data(api.GET('/admin/quotes/{quote_id}', { params: { path: { quote_id: id } } }));
      await names.learn([q]);
      // The members who decided or tried to, by name (their id if they are gone).
      const who = new Map<string, string>();
      await Promise.all(
        [...new Set([q.decision?.member_id, ...q.approval_attempts.map((a) => a.member_id)].filter((m): m is string => !!m))].map(async (m) => {
          const member = await data(api.GET('/admin/members/{member_id}', { params: { path: { member_id: m } } })).catch(() => null);
          who.set(m, member ? `${member.first_name} ${member.last_name}` : m);
        }),
      );
      const member = (m: string) => html`<a href="/office/members/${m}" data-link>${who.get(m) ?? m}</a>`;
      const d = q.decision;
      page(html`${q.external_ref} — ${q.title} ${badge(q.status)}`, q.external_ref, () => html`<dl class="facts">
          ${common(q)}
          ${quoteFacts(q, names.site(q.site_id))}
          <dt>${t('sent')}</dt><dd>${dateTime(q.sent_at)}</dd>
          ${q.job_id ? html`<dt>${t('job')}</dt><dd>${recordLink('jobs', q.job_id, q.job_id)}</dd>` : nothing}
          ${q.file_id ? html`<dt>${t('file')}</dt><dd>${download(q.file_id, appWord('quotes.pdf'))}</dd>` : nothing}
          ${updated(q)}
        </dl>
        ${quoteLines(q.lines, q.currency)}
        <h2 id="quote-decision">${t('decision')}</h2>
        ${d
          ? html`<dl class="facts" aria-labelledby="quote-decision">
              <dt>${t('outcome')}</dt><dd>${badge(d.outcome)}</dd>
              <dt>${t('signer')}</dt><dd>${d.signed_by}</dd>
              <dt>${t('member')}</dt><dd>${member(d.member_id)}</dd>
              <dt>${t('decidedAt')}</dt><dd>${dateTime(d.decided_at)}</dd>
              <dt>${t('po')}</dt><dd>${d.po_number ?? '—'}</dd>
              ${d.comment ? html`<dt>${t('comment')}</dt><dd class="pre">${d.comment}</dd>` : nothing}
              ${d.reason ? html`<dt>${t('reason')}</dt><dd class="pre">${d.reason}</dd>` : nothing}
            </dl>`
          : html`<p class="hint">${t('noDecision')}</p>`}
        <h2>${t('attempts')}</h2>
        <p class="hint">${t('attemptsIntro')}</p>
        ${q.approval_attempts.length
          ? html`<div class="scroll" tabindex="0" role="region" aria-label=${t('attempts')}><table id="approval-attempts">
              <thead><tr><th scope="col">${t('member')}</th><th scope="col">${t('at')}</th><th scope="col" class="num">${t('limit')}</th></tr></thead>
              <tbody>${q.approval_attempts.map(
                (a) => html`<tr><td>${member(a.member_id)}</td><td>${dateTime(a.at)}</td><td class="num">${money(a.limit, q.currency)}</td></tr>`,
              )}</tbody>
            </table></div>`
          : html`<p>${t('noAttempts')}</p>`}`);
      return;
    }
    case 'invoices': {
      const i = await data(api.GET('/admin/invoices/{invoice_id}', { params: { path: { invoice_id: id } } }));
      await names.learn([i]);
      page(html`${t('number')} ${i.number} ${badge(i.status)}`, i.number, () => html`<dl class="facts">
        ${common(i)}
        <dt>${t('site')}</dt><dd>${names.site(i.site_id)}</dd>
        <dt>${t('issued')}</dt><dd>${dateTime(i.issued_at)}</dd>
        <dt>${t('due')}</dt><dd>${dateTime(i.due_at)}</dd>
        <dt>${t('total')}</dt><dd>${money(i.total, i.currency)}</dd>
        <dt>${t('paid')}</dt><dd>${money(i.amount_paid, i.currency)}</dd>
        <dt>${t('balance')}</dt><dd><strong>${money(i.balance, i.currency)}</strong></dd>
        ${i.job_id ? html`<dt>${t('job')}</dt><dd>${recordLink('jobs', i.job_id, i.job_id)}</dd>` : nothing}
        ${i.file_id ? html`<dt>${t('file')}</dt><dd>${download(i.file_id, appWord('invoices.pdf'))}</dd>` : nothing}
        ${updated(i)}
      </dl>`);
      return;
    }
    case 'assets': {
      let a = await data(api.GET('/admin/assets/{asset_id}', { params: { path: { asset_id: id } } }));
      await names.learn([a]);
      const older = async (cursor: string) => {
        try {
          const next = await data(api.GET('/admin/assets/{asset_id}', { params: { path: { asset_id: a.id }, query: { history_cursor: cursor } } }));
          a = { ...next, history: [...(a.history ?? []), ...(next.history ?? [])] };
        } catch (e) {
          error = e;
        }
        redraw();
      };
      page(html`${a.name} ${badge(a.status)}`, a.name, () => html`<dl class="facts">
          ${common(a)}
          ${assetFacts(a, names.site(a.site_id))}
          <dt>${t('installed')}</dt><dd>${dateTime(a.installed_at)}</dd>
          ${a.value != null ? html`<dt>${t('value')}</dt><dd>${money(a.value, a.currency)}</dd>` : nothing}
          ${updated(a)}
        </dl>
        ${assetServices(a, (j) => recordLink('jobs', j.id, j.reference))}
        ${a.history_next_cursor
          ? html`<p><button type="button" @click=${() => void older(a.history_next_cursor as string)}>${t('older')}</button></p>`
          : nothing}`);
      return;
    }
  }
}
