// Quotes: the list by status, and one quote with approve (signer, comment, PO number)
// and reject (signer, reason).

import { html, nothing, type TemplateResult } from 'lit-html';
import { api, data, type QueryOf, type Schemas } from '../api';
import { Listing, badge, chips, columnCells, columnHeads, link, may, problemView, siteName, type Column, type Ctx } from '../app';
import { currentLocale, date, dateTime, money, t } from '../i18n';

const STATUSES: Schemas['QuoteStatus'][] = ['sent', 'approved', 'rejected', 'expired', 'withdrawn'];

/** What a quotes table and a quote's facts show (the portal's and the office's alike). */
type QuoteRow = Pick<Schemas['PortalQuoteView'], 'id' | 'title' | 'status' | 'site_id' | 'total' | 'subtotal' | 'tax' | 'currency' | 'valid_until'>;

/** Quotes as a table: the reference (`ref`, a link), title, any `extra` columns, status,
 * site, total and how long it is valid. */
export function quotesTable<Q extends QuoteRow>(items: Q[], ref: (q: Q) => TemplateResult, site: (id: string) => string, extra: Column<Q>[] = []): TemplateResult {
  return html`<div class="scroll"><table>
    <thead><tr>
      <th scope="col">${t('jobs.reference')}</th><th scope="col">${t('quotes.title')}</th>${columnHeads(extra)}
      <th scope="col">${t('jobs.status')}</th><th scope="col">${t('jobs.site')}</th>
      <th scope="col" class="num">${t('quotes.total')}</th><th scope="col">${t('quotes.valid')}</th>
    </tr></thead>
    <tbody>
      ${items.map(
        (q) => html`<tr>
          <td>${ref(q)}</td><td>${q.title}</td>${columnCells(extra, q)}<td>${badge(q.status)}</td>
          <td>${site(q.site_id)}</td><td class="num">${money(q.total, q.currency)}</td>
          <td>${date(q.valid_until)}</td>
        </tr>`,
      )}
    </tbody>
  </table></div>`;
}

/** A quote's amounts and validity (`<dt>`/`<dd>` pairs), after its site. */
export function quoteFacts(q: QuoteRow, site: string): TemplateResult {
  return html`<dt>${t('jobs.site')}</dt><dd>${site}</dd>
    <dt>${t('quotes.subtotal')}</dt><dd>${money(q.subtotal, q.currency)}</dd>
    <dt>${t('quotes.tax')}</dt><dd>${money(q.tax, q.currency)}</dd>
    <dt>${t('quotes.total')}</dt><dd><strong>${money(q.total, q.currency)}</strong></dd>
    <dt>${t('quotes.valid')}</dt><dd>${date(q.valid_until)}</dd>`;
}

/** A quote's lines as a table (nothing when it has none). */
export function quoteLines(lines: Schemas['QuoteLine'][] | null | undefined, currency: string): TemplateResult | typeof nothing {
  return lines?.length
    ? html`<h2>${t('quotes.lines')}</h2>
        <div class="scroll" tabindex="0" role="region" aria-label=${t('quotes.lines')}><table>
          <thead><tr><th scope="col">${t('quotes.description')}</th><th scope="col" class="num">${t('quotes.quantity')}</th>
            <th scope="col" class="num">${t('quotes.unit')}</th><th scope="col" class="num">${t('quotes.total')}</th></tr></thead>
          <tbody>${lines.map(
            (l) => html`<tr><td>${l.description}</td><td class="num">${l.quantity.toLocaleString(currentLocale())}</td>
              <td class="num">${money(l.unit_price, currency)}</td><td class="num">${money(l.total, currency)}</td></tr>`,
          )}</tbody>
        </table></div>`
    : nothing;
}

const getQuote = (quote_id: string) => data(api.GET('/portal/quotes/{quote_id}', { params: { path: { quote_id } } }));

export async function quotesPage(ctx: Ctx): Promise<void> {
  const sites = await ctx.sites();
  const wanted = ctx.query.get('status') ?? '';
  const query = { status: wanted } as QueryOf<'ListMyQuotes'>;
  const list = new Listing(({ limit, cursor }) => data(api.GET('/portal/quotes', { params: { query: { ...query, limit, cursor } } })), () => draw());
  const draw = () =>
    ctx.show(html`<h1 tabindex="-1">${t('quotes.title')}</h1>
      ${chips(t('quotes.title'), '/quotes', 'status', STATUSES, wanted)}
      ${list.view((items) => quotesTable(items, (q) => link(`/quotes/${q.id}`, q.reference), (id) => siteName(sites, id)))}`);
  draw();
  ctx.titled(t('quotes.title'));
  await list.load();
}

export async function quotePage(ctx: Ctx): Promise<void> {
  const sites = await ctx.sites();
  let q = await getQuote(ctx.params.id);
  let error: unknown = null;
  let busy = false;
  let mode: 'approve' | 'reject' | null = null;
  const signer = `${ctx.me.first_name} ${ctx.me.last_name}`;
  // One key per decision form: a retried click decides once.
  let key = crypto.randomUUID();

  const decide = async (decision: { approve: Schemas['Approval'] } | { reject: Schemas['Rejection'] }) => {
    busy = true;
    error = null;
    draw();
    try {
      // The decision's answer is the quote without its lines and PDF link: keep those.
      const init = { params: { path: { quote_id: q.id }, header: { 'Idempotency-Key': key } } };
      const answer = await data(
        'approve' in decision
          ? api.POST('/portal/quotes/{quote_id}/approve', { ...init, body: decision.approve })
          : api.POST('/portal/quotes/{quote_id}/reject', { ...init, body: decision.reject }),
      );
      q = { ...q, ...answer, lines: answer.lines ?? q.lines, pdf: answer.pdf ?? q.pdf };
      mode = null;
      key = crypto.randomUUID();
    } catch (e) {
      error = e;
    }
    busy = false;
    draw();
  };

  const draw = () =>
    ctx.show(html`<p>${link('/quotes', `← ${t('nav.quotes')}`)}</p>
      <h1 tabindex="-1">${q.reference} — ${q.title} ${badge(q.status)}</h1>
      <dl class="facts">
        ${quoteFacts(q, siteName(sites, q.site_id))}
        ${q.job_id ? html`<dt>${t('requests.job')}</dt><dd>${link(`/jobs/${q.job_id}`, q.job_id)}</dd>` : nothing}
      </dl>
      ${quoteLines(q.lines, q.currency)}
      ${q.pdf
        ? html`<p><button type="button" class="link" @click=${async () => {
            // The link in the answer lives five minutes: ask for a fresh one.
            try {
              const fresh = await getQuote(q.id);
              if (fresh.pdf) window.location.assign(fresh.pdf.url);
            } catch (e) {
              error = e;
              draw();
            }
          }}>${t('quotes.pdf')}</button></p>`
        : nothing}
      ${q.decision
        ? html`<p class="info" role="status">
            ${q.decision.outcome === 'approved'
              ? t('quotes.approved', { who: q.decision.signed_by, when: dateTime(q.decision.decided_at) })
              : t('quotes.rejected', { who: q.decision.signed_by, when: dateTime(q.decision.decided_at), reason: q.decision.reason ?? '' })}
            ${q.decision.po_number ? html`<br />PO: ${q.decision.po_number}` : nothing}
            ${q.decision.comment ? html`<br />${q.decision.comment}` : nothing}
          </p>`
        : nothing}
      ${error ? problemView(error) : nothing}
      ${q.decidable && may(ctx.me, 'approve_quotes')
        ? html`${q.approvable ? nothing : html`<p class="hint">${t('quotes.limit')}</p>`}
            <div class="actions">
              ${q.approvable
                ? html`<button type="button" class="primary" aria-expanded=${mode === 'approve'} @click=${() => ((mode = 'approve'), draw())}>${t('quotes.approve')}</button>`
                : nothing}
              <button type="button" aria-expanded=${mode === 'reject'} @click=${() => ((mode = 'reject'), draw())}>${t('quotes.reject')}</button>
            </div>
            ${mode === 'approve'
              ? html`<form class="stack" @submit=${(ev: SubmitEvent) => {
                  ev.preventDefault();
                  const f = ev.target as HTMLFormElement;
                  void decide({
                    approve: {
                      signed_by: f.signer.value.trim(),
                      comment: f.comment.value.trim() || null,
                      po_number: f.po.value.trim() || null,
                    },
                  });
                }}>
                  <label for="signer">${t('quotes.signer')}</label>
                  <input id="signer" name="signer" required maxlength="200" .value=${signer} autocomplete="name" />
                  <label for="comment">${t('quotes.comment')}</label>
                  <textarea id="comment" name="comment" maxlength="4000" rows="3"></textarea>
                  <label for="po">${t('quotes.po')}</label>
                  <input id="po" name="po" maxlength="64" />
                  <button type="submit" class="primary" ?disabled=${busy}>${t('quotes.approve')}</button>
                </form>`
              : nothing}
            ${mode === 'reject'
              ? html`<form class="stack" @submit=${(ev: SubmitEvent) => {
                  ev.preventDefault();
                  const f = ev.target as HTMLFormElement;
                  void decide({ reject: { signed_by: f.signer.value.trim(), reason: f.reason.value.trim() } });
                }}>
                  <label for="signer">${t('quotes.signer')}</label>
                  <input id="signer" name="signer" required maxlength="200" .value=${signer} autocomplete="name" />
                  <label for="reason">${t('quotes.reason')}</label>
                  <textarea id="reason" name="reason" required maxlength="2000" rows="3"></textarea>
                  <button type="submit" ?disabled=${busy}>${t('quotes.reject')}</button>
                </form>`
              : nothing}`
        : nothing}`);
  draw();
  ctx.titled(q.reference);
}
