// Invoices by status, with what is outstanding and overdue per currency, and PDFs.

import { html, nothing } from 'lit-html';
import { get, openDownload, type Page } from '../api';
import { Pager, badge, problemView, siteName, type Ctx } from '../app';
import { date, money, status, t } from '../i18n';

interface Invoice {
  id: string;
  number: string;
  site_id: string | null;
  issued_at: string;
  due_at: string | null;
  currency: string;
  total: number;
  balance: number;
  status: string;
  pdf: string | null;
}

type InvoicePage = Page<Invoice> & { totals: { currency: string; outstanding: number; overdue: number }[] };

const STATUSES = ['due', 'overdue', 'paid'];

export async function invoicesPage(ctx: Ctx): Promise<void> {
  const sites = await ctx.sites();
  const wanted = ctx.query.get('status') ?? '';
  const focus = ctx.params.id;
  const pager = new Pager();
  let page: InvoicePage | null = null;
  let error: unknown = null;
  const load = async () => {
    try {
      page = await get<InvoicePage>('/portal/invoices', { status: wanted, limit: 25, cursor: pager.current });
    } catch (e) {
      error = e;
    }
    draw();
  };
  const draw = () =>
    ctx.show(html`<h1 tabindex="-1">${t('invoices.title')}</h1>
      <nav class="chips" aria-label=${t('invoices.title')}>
        ${['', ...STATUSES].map(
          (s) => html`<a href=${s ? `/invoices?status=${s}` : '/invoices'} data-link aria-current=${wanted === s ? 'page' : 'false'}
            >${s ? status(s) : t('app.all')}</a>`,
        )}
      </nav>
      ${page?.totals.length
        ? html`<ul class="totals">
            ${page.totals.map(
              (x) => html`<li><span>${t('invoices.outstanding')}</span> <strong>${money(x.outstanding, x.currency)}</strong></li>
                <li><span>${t('invoices.overdue')}</span> <strong>${money(x.overdue, x.currency)}</strong></li>`,
            )}
          </ul>`
        : nothing}
      ${error ? problemView(error) : nothing}
      ${page === null
        ? html`<p role="status">${t('app.loading')}</p>`
        : page.items.length === 0
          ? html`<p>${t('app.none')}</p>`
          : html`<div class="scroll"><table>
              <thead><tr>
                <th scope="col">${t('invoices.number')}</th><th scope="col">${t('jobs.status')}</th>
                <th scope="col">${t('jobs.site')}</th><th scope="col">${t('invoices.issued')}</th>
                <th scope="col">${t('invoices.due')}</th><th scope="col" class="num">${t('invoices.total')}</th>
                <th scope="col" class="num">${t('invoices.balance')}</th><th scope="col">${t('invoices.pdf')}</th>
              </tr></thead>
              <tbody>
                ${page.items.map(
                  (i) => html`<tr class=${i.id === focus ? 'focus' : ''}>
                    <td>${i.number}</td><td>${badge(i.status)}</td><td>${siteName(sites, i.site_id)}</td>
                    <td>${date(i.issued_at)}</td><td>${date(i.due_at)}</td>
                    <td class="num">${money(i.total, i.currency)}</td><td class="num">${money(i.balance, i.currency)}</td>
                    <td>${i.pdf
                      ? html`<button type="button" class="link" aria-label="${t('app.download')} ${t('invoices.pdf')} ${i.number}"
                          @click=${() => openDownload(i.pdf as string).catch((e: unknown) => ((error = e), draw()))}>${t('app.download')}</button>`
                      : '—'}</td>
                  </tr>`,
                )}
              </tbody>
            </table></div>`}
      ${page ? pager.view(page.next_cursor, () => void load()) : nothing}`);
  draw();
  ctx.titled(t('invoices.title'));
  await load();
}
