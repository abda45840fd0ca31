// Invoices by status, with what is outstanding and overdue per currency, and PDFs.

import { html, nothing, type TemplateResult } from 'lit-html';
import { api, data, openDownload, type QueryOf, type Schemas } from '../api';
import { Listing, badge, chips, columnCells, columnHeads, siteName, type Column, type Ctx } from '../app';
import { date, money, t } from '../i18n';

export const INVOICE_STATUSES: Schemas['InvoiceStatus'][] = ['due', 'overdue', 'paid'];
const STATUSES = INVOICE_STATUSES;

/** What an invoices table shows (the portal's and the office's alike). */
type InvoiceRow = Pick<Schemas['PortalInvoiceView'], 'id' | 'number' | 'status' | 'site_id' | 'issued_at' | 'due_at' | 'total' | 'balance' | 'currency'>;

/** Invoices as a table: the number (`number`: text or a link), any `extra` columns,
 * status, site, dates, total and balance, and `last` columns (the PDF); the row of
 * `focusId` marked. */
export function invoicesTable<I extends InvoiceRow>(
  items: I[],
  number: (i: I) => unknown,
  site: (id: string | null | undefined) => string,
  extra: Column<I>[] = [],
  last: Column<I>[] = [],
  focusId?: string,
): TemplateResult {
  return html`<div class="scroll"><table>
    <thead><tr>
      <th scope="col">${t('invoices.number')}</th>${columnHeads(extra)}<th scope="col">${t('jobs.status')}</th>
      <th scope="col">${t('jobs.site')}</th><th scope="col">${t('invoices.issued')}</th>
      <th scope="col">${t('invoices.due')}</th><th scope="col" class="num">${t('invoices.total')}</th>
      <th scope="col" class="num">${t('invoices.balance')}</th>${columnHeads(last)}
    </tr></thead>
    <tbody>
      ${items.map(
        (i) => html`<tr class=${i.id === focusId ? 'focus' : ''}>
          <td>${number(i)}</td>${columnCells(extra, i)}<td>${badge(i.status)}</td><td>${site(i.site_id)}</td>
          <td>${date(i.issued_at)}</td><td>${date(i.due_at)}</td>
          <td class="num">${money(i.total, i.currency)}</td><td class="num">${money(i.balance, i.currency)}</td>
          ${columnCells(last, i)}
        </tr>`,
      )}
    </tbody>
  </table></div>`;
}

export async function invoicesPage(ctx: Ctx): Promise<void> {
  const sites = await ctx.sites();
  const wanted = ctx.query.get('status') ?? '';
  const focus = ctx.params.id;
  const query = { status: wanted } as QueryOf<'ListMyInvoices'>;
  const list = new Listing(({ limit, cursor }) => data(api.GET('/portal/invoices', { params: { query: { ...query, limit, cursor } } })), () => draw());
  const draw = () =>
    ctx.show(html`<h1 tabindex="-1">${t('invoices.title')}</h1>
      ${chips(t('invoices.title'), '/invoices', 'status', STATUSES, wanted)}
      ${list.page?.totals.length
        ? html`<ul class="totals">
            ${list.page.totals.map(
              (x) => html`<li><span>${t('invoices.outstanding')}</span> <strong>${money(x.outstanding, x.currency)}</strong></li>
                <li><span>${t('invoices.overdue')}</span> <strong>${money(x.overdue, x.currency)}</strong></li>`,
            )}
          </ul>`
        : nothing}
      ${list.view((items) =>
        invoicesTable(
          items,
          (i) => i.number,
          (id) => siteName(sites, id),
          [],
          [
            {
              head: t('invoices.pdf'),
              cell: (i) =>
                i.pdf
                  ? html`<button type="button" class="link" aria-label="${t('app.download')} ${t('invoices.pdf')} ${i.number}"
                      @click=${() => openDownload(i.pdf as string).catch((e: unknown) => ((list.error = e), draw()))}>${t('app.download')}</button>`
                  : '—',
            },
          ],
          focus,
        ),
      )}`);
  draw();
  ctx.titled(t('invoices.title'));
  await list.load();
}
