// The home page: what needs the member now, one call (`GET /portal/home`), each item one
// click from its page. A part the member's rights do not show is absent (null).

import { html, nothing, type TemplateResult } from 'lit-html';
import { api, data, type Schemas } from '../api';
import type { Ctx } from '../app';
import { date, money, t, type Key } from '../i18n';

type Home = Schemas['Home'];

/** One part: its heading, what it says about itself, its items as links, and where the
 * whole list is. */
function part(id: string, title: Key, summary: TemplateResult | typeof nothing, items: TemplateResult[], more: string | null, all: string): TemplateResult {
  return html`<section class="home-part" aria-labelledby=${id}>
    <h2 id=${id}>${t(title)}</h2>
    ${summary}
    ${items.length ? html`<ul class="home-items">${items.map((i) => html`<li>${i}</li>`)}</ul>` : html`<p class="empty">${t('home.none')}</p>`}
    ${more || items.length ? html`<p><a href=${all} data-link>${t('home.all')}<span class="visually-hidden"> (${t(title)})</span></a></p>` : nothing}
  </section>`;
}

function link(href: string, main: string, detail: string): TemplateResult {
  return html`<a href=${href} data-link>${main}</a> <span class="muted">${detail}</span>`;
}

function view(home: Home): TemplateResult[] {
  const parts: TemplateResult[] = [];
  const q = home.quotes_to_decide;
  if (q) {
    const items = q.items.map((x) => link(`/quotes/${x.id}`, `${x.reference} ${x.title}`, money(x.total, x.currency)));
    parts.push(part('home-quotes', 'home.quotes', nothing, items, q.next_cursor ?? null, '/quotes?status=sent'));
  }
  const inv = home.unpaid_invoices;
  if (inv) {
    const totals = inv.totals.length
      ? html`<ul class="totals">${inv.totals.map(
          (x) => html`<li><span>${t('invoices.outstanding')}</span> <strong>${money(x.outstanding, x.currency)}</strong></li>
            <li><span>${t('invoices.overdue')}</span> <strong>${money(x.overdue, x.currency)}</strong></li>`,
        )}</ul>`
      : nothing;
    const items = inv.items.map((x) =>
      link(`/invoices/${x.id}`, x.number, `${money(x.balance, x.currency)} · ${t(x.status === 'overdue' ? 'home.overdue_since' : 'home.due_on', { date: date(x.due_at) })}`),
    );
    parts.push(part('home-invoices', 'home.invoices', totals, items, inv.next_cursor ?? null, '/invoices?status=due,overdue'));
  }
  const m = home.messages;
  if (m) {
    const summary = html`<p>${t('home.message_counts', { unread: m.unread, ack: m.to_acknowledge })}</p>`;
    const items = m.items.map((x) =>
      link(`/messages/${x.id}`, x.title, x.requires_ack && !x.acknowledged ? t('home.to_acknowledge') : t('home.unread')),
    );
    parts.push(part('home-messages', 'home.messages', summary, items, m.more ? 'more' : null, '/messages'));
  }
  const r = home.open_work_requests;
  if (r) {
    const items = r.items.map((x) => link(`/work-requests/${x.id}`, x.subject, t('home.raised_on', { date: date(x.created_at) })));
    parts.push(part('home-requests', 'home.requests', nothing, items, r.next_cursor ?? null, '/work-requests?status=submitted'));
  }
  const s = home.services_due;
  if (s) {
    const items = s.items.map((x) => link(`/assets/${x.id}`, x.name, t('home.service_due', { date: date(x.next_service_due) })));
    parts.push(part('home-services', 'home.services', nothing, items, s.next_cursor ?? null, '/assets'));
  }
  const j = home.completed_jobs;
  if (j) {
    const items = j.items.map((x) => link(`/jobs/${x.id}`, `${x.reference} ${x.description ?? ''}`.trim(), t('home.completed_on', { date: date(x.completed_at) })));
    parts.push(part('home-jobs', 'home.completed', nothing, items, j.next_cursor ?? null, '/jobs?status=completed'));
  }
  return parts;
}

export async function homePage(ctx: Ctx): Promise<void> {
  const home = await data(api.GET('/portal/home'));
  const parts = view(home);
  ctx.show(html`<h1 tabindex="-1">${t('home.title', { name: ctx.me.first_name })}</h1>
    ${parts.length ? html`<div class="home">${parts}</div>` : html`<p>${t('home.nothing')}</p>`}`);
  ctx.titled(t('nav.home'));
}
