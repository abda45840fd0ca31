// Invoices by status, with what is outstanding and overdue per currency, and PDFs; and,
// for a member who may pay (the `payments` feature and `pay_invoices`), a Pay button on
// each unpaid invoice and "Pay all overdue": the invoices with the balances shown are
// sent to `POST /portal/invoices/pay`, and the browser to the processor's page it
// answers with. Back from there (`?payment=pay_…`), the payment's state is told in the
// page's status region (docs/decisions/0004-payments.md).

import { html, nothing, type TemplateResult } from 'lit-html';
import { Problem, api, data, openDownload, type QueryOf, type Schemas } from '../api';
import { Listing, badge, chips, columnCells, columnHeads, may, siteName, type Column, type Ctx, type Me } from '../app';
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

type Invoice = Schemas['PortalInvoiceView'];
type Payment = Schemas['PaymentView'];

/** Whether the member may pay invoices here (never while an admin views as them). */
export const mayPay = (me: Me): boolean => me.features.includes('payments') && may(me, 'pay_invoices');

/** An invoice one can pay now: due or overdue, with something left to pay. */
const payable = (i: Invoice): boolean => (i.status === 'due' || i.status === 'overdue') && i.balance > 0;

/** The overdue invoices of the page that "Pay all overdue" pays: only when they are
 * all in one currency (one payment is one currency), else none. */
export function overdueToPay(items: Invoice[]): Invoice[] {
  const overdue = items.filter((i) => i.status === 'overdue' && payable(i));
  return new Set(overdue.map((i) => i.currency)).size === 1 ? overdue : [];
}

/** What the member is told on coming back from the payment page. */
function outcome(p: Payment): string {
  if (p.state === 'succeeded') return t('invoices.received', { amount: money(p.amount, p.currency) });
  const why = p.state === 'expired' ? t('invoices.expired') : (p.failure ?? '');
  return why ? `${t('invoices.not_completed')} ${why}` : t('invoices.not_completed');
}

export async function invoicesPage(ctx: Ctx): Promise<void> {
  const sites = await ctx.sites();
  const wanted = ctx.query.get('status') ?? '';
  const focus = ctx.params.id;
  const returned = ctx.query.get('payment');
  const paying = mayPay(ctx.me);
  const query = { status: wanted } as QueryOf<'ListMyInvoices'>;
  const list = new Listing(({ limit, cursor }) => data(api.GET('/portal/invoices', { params: { query: { ...query, limit, cursor } } })), () => draw());
  // The status region's words: the payment's outcome, or why paying was refused.
  let told: string | null = null;
  let failed = false;
  let busy = false;

  const say = (text: string | null, problem = false) => {
    told = text;
    failed = problem;
    draw();
  };
  const why = (e: unknown) => (e instanceof Problem ? (e.detail ? `${e.title} — ${e.detail}` : e.title) : `${t('app.error')} — ${String(e)}`);

  /** Opens a payment of `invoices` (with the balances the page shows) and goes to its page. */
  const pay = async (invoices: Invoice[]) => {
    busy = true;
    say(t('invoices.opening'));
    try {
      const p = await data(
        api.POST('/portal/invoices/pay', {
          body: { invoices: invoices.map((i) => ({ id: i.id, balance: i.balance })), return_path: '/invoices' },
        }),
      );
      if (p.checkout_url) {
        window.location.assign(p.checkout_url);
        return;
      }
      busy = false;
      say(outcome(p), p.state !== 'succeeded');
    } catch (e) {
      busy = false;
      say(why(e), true);
    }
    (document.getElementById('payment-status') as HTMLElement | null)?.focus();
  };

  const payColumn: Column<Invoice> = {
    head: t('invoices.pay_head'),
    cell: (i) =>
      payable(i)
        ? html`<button type="button" class="pay" aria-label="${t('invoices.pay')} ${i.number}" ?disabled=${busy}
            @click=${() => void pay([i])}>${t('invoices.pay')}</button>`
        : '—',
  };

  const payAll = (items: Invoice[]) => {
    const overdue = overdueToPay(items);
    if (!paying || overdue.length === 0) return nothing;
    const total = overdue.reduce((sum, i) => sum + i.balance, 0);
    return html`<p class="actions"><button type="button" class="primary" id="pay-overdue" ?disabled=${busy} @click=${() => void pay(overdue)}>
      ${t('invoices.pay_all', { amount: money(total, overdue[0].currency) })}</button></p>`;
  };

  const draw = () =>
    ctx.show(html`<h1 tabindex="-1">${t('invoices.title')}</h1>
      ${chips(t('invoices.title'), '/invoices', 'status', STATUSES, wanted)}
      <div id="payment-status" role="status" tabindex="-1" class=${told ? (failed ? 'problem' : 'info') : ''}>${told ?? nothing}</div>
      ${list.page?.totals.length
        ? html`<ul class="totals">
            ${list.page.totals.map(
              (x) => html`<li><span>${t('invoices.outstanding')}</span> <strong>${money(x.outstanding, x.currency)}</strong></li>
                <li><span>${t('invoices.overdue')}</span> <strong>${money(x.overdue, x.currency)}</strong></li>`,
            )}
          </ul>`
        : nothing}
      ${list.page ? payAll(list.page.items) : nothing}
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
            ...(paying ? [payColumn] : []),
          ],
          focus,
        ),
      )}`);
  draw();
  ctx.titled(t('invoices.title'));
  // Back from the payment page: its outcome. Stripe may send the member back before its
  // news of the payment arrives: while the payment is still pending, the page says it is
  // being confirmed and asks again a few times (then reads the list anew).
  const read = () => data(api.GET('/portal/payments/{payment_id}', { params: { path: { payment_id: returned as string } } }));
  const cancelled = ctx.query.get('cancelled') !== null;
  const settle = async (): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      const p = await read();
      if (cancelled && p.state === 'pending') return say(outcome(p), true);
      if (p.state !== 'pending' || attempt >= 5) {
        say(p.state === 'pending' ? t('invoices.confirming') : outcome(p), p.state !== 'succeeded' && p.state !== 'pending');
        if (attempt > 0) await list.load();
        return;
      }
      say(t('invoices.confirming'));
      await new Promise((done) => setTimeout(done, 2000));
    }
  };
  const outcomeRead = returned ? settle().catch((e: unknown) => say(why(e), true)) : Promise.resolve();
  await Promise.all([list.load(), outcomeRead]);
}
