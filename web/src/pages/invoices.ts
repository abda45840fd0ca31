// Invoices by status, with what is outstanding and overdue per currency, and PDFs.

import { html, nothing } from 'lit-html';
import { api, data, openDownload, type QueryOf, type Schemas } from '../api';
import { Listing, badge, chips, siteName, type Ctx } from '../app';
import { date, money, t } from '../i18n';

const STATUSES: Schemas['InvoiceStatus'][] = ['due', 'overdue', 'paid'];

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
      ${list.view(
        (items) => html`<div class="scroll"><table>
          <thead><tr>
            <th scope="col">${t('invoices.number')}</th><th scope="col">${t('jobs.status')}</th>
            <th scope="col">${t('jobs.site')}</th><th scope="col">${t('invoices.issued')}</th>
            <th scope="col">${t('invoices.due')}</th><th scope="col" class="num">${t('invoices.total')}</th>
            <th scope="col" class="num">${t('invoices.balance')}</th><th scope="col">${t('invoices.pdf')}</th>
          </tr></thead>
          <tbody>
            ${items.map(
              (i) => html`<tr class=${i.id === focus ? 'focus' : ''}>
                <td>${i.number}</td><td>${badge(i.status)}</td><td>${siteName(sites, i.site_id)}</td>
                <td>${date(i.issued_at)}</td><td>${date(i.due_at)}</td>
                <td class="num">${money(i.total, i.currency)}</td><td class="num">${money(i.balance, i.currency)}</td>
                <td>${i.pdf
                  ? html`<button type="button" class="link" aria-label="${t('app.download')} ${t('invoices.pdf')} ${i.number}"
                      @click=${() => openDownload(i.pdf as string).catch((e: unknown) => ((list.error = e), draw()))}>${t('app.download')}</button>`
                  : '—'}</td>
              </tr>`,
            )}
          </tbody>
        </table></div>`,
      )}`);
  draw();
  ctx.titled(t('invoices.title'));
  await list.load();
}
