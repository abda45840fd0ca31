// KPI reports per customer (`GET /admin/reports/{report}?customer_id=`): the nine
// reports the member portal runs, for any customer (its child customers included), over
// a period of months and optionally one site — drawn as the portal draws them, a bar
// chart beside its table (src/pages/reports.ts), with the CSV the API gives.

import { html, nothing } from 'lit-html';
import { api, data, saveFile, withQuery, type QueryOf, type Schemas } from '../api';
import { problemView } from '../app';
import { t as appWord, words } from '../i18n';
import { reportFigure, reportPeriodFields, reportRowLabel } from '../pages/reports';
import { allCustomers } from './customers';
import { REPORTS, report as reportName } from './rights';
import { fieldErrors, focus, type ScreenCtx } from './screen';

const t = words({
  en: {
    title: 'KPI reports',
    intro: "A customer's reports as its members see them in the portal, over the customer and the customers under it.",
    customer: 'Customer',
    report: 'Report',
    show: 'Show report',
    noCustomers: 'There are no customers yet.',
    of: '{report} for {customer}',
  },
  nl: {
    title: 'KPI-rapporten',
    intro: 'De rapportages van een klant zoals de leden ze in het portaal zien, over de klant en de klanten eronder.',
    customer: 'Klant',
    report: 'Rapport',
    show: 'Rapport tonen',
    noCustomers: 'Er zijn nog geen klanten.',
    of: '{report} voor {customer}',
  },
});

type Report = Schemas['Report'];

/** The menu's word for this screen. */
export const reportsLabel = (): string => t('title');

export async function reportsScreen(ctx: ScreenCtx): Promise<void> {
  const customers = await allCustomers();
  const query = new URLSearchParams(location.search);
  const customer = customers.find((c) => c.id === query.get('customer')) ?? customers[0];
  if (!customer) {
    ctx.show(html`<h1 tabindex="-1">${t('title')}</h1><p>${t('noCustomers')}</p>`);
    ctx.titled(t('title'));
    return;
  }
  const wanted = query.get('report') as Report | null;
  const report: Report = wanted && REPORTS.includes(wanted) ? wanted : REPORTS[0];
  const siteId = query.get('site_id') ?? '';
  // The customer and those under it: the report counts them all.
  const tree = [customer.id];
  for (let i = 0; i < tree.length; i++) for (const c of customers) if (c.parent_id === tree[i]) tree.push(c.id);
  const [view, sites, assets] = await Promise.all([
    // As typed in the address: the API refuses a month or site it does not know (shown below).
    data(
      api.GET('/admin/reports/{report}', {
        params: {
          path: { report },
          query: { customer_id: customer.id, from: query.get('from') ?? '', to: query.get('to') ?? '', site_id: siteId } as QueryOf<'GetReport'>,
        },
      }),
    ).catch((e: unknown) => e),
    everyOf(tree, (customer_id, cursor) => data(api.GET('/admin/customers/{customer_id}/sites', { params: { path: { customer_id }, query: { limit: 200, cursor } } }))),
    everyOf(tree, (customer_id, cursor) => data(api.GET('/admin/assets', { params: { query: { customer_id, limit: 200, cursor } } }))),
  ]);
  const names = new Map(assets.map((a) => [a.id, a.name]));
  let error: unknown = view instanceof Error ? view : null;
  const shown = view instanceof Error ? null : (view as Schemas['ReportView']);
  const period = { from: query.get('from') ?? '', to: query.get('to') ?? '' };
  // The month the API named, if it refused the period.
  const named = () => (['from', 'to'] as const).find((k) => fieldErrors(error).has(k));
  const title = t('of', { report: reportName(report), customer: customer.name });

  const draw = () =>
    ctx.show(html`<h1 tabindex="-1">${t('title')}</h1>
      <p>${t('intro')}</p>
      <form class="filters" @submit=${(ev: SubmitEvent) => {
        ev.preventDefault();
        const f = new FormData(ev.target as HTMLFormElement);
        const value = (k: string) => String(f.get(k) ?? '');
        // Another customer's sites are not this one's: a new customer starts with all.
        const sameCustomer = value('customer') === customer.id;
        ctx.go(withQuery('/office/reports', { customer: value('customer'), report: value('report'), from: value('from'), to: value('to'), site_id: sameCustomer ? value('site_id') : '' }));
      }}>
        <div class="field">
          <label for="r-customer">${t('customer')}</label>
          <select id="r-customer" name="customer">
            ${customers.map((c) => html`<option value=${c.id} ?selected=${c.id === customer.id}>${c.name}</option>`)}
          </select>
        </div>
        <div class="field">
          <label for="r-report">${t('report')}</label>
          <select id="r-report" name="report">
            ${REPORTS.map((r) => html`<option value=${r} ?selected=${r === report}>${reportName(r)}</option>`)}
          </select>
        </div>
        ${reportPeriodFields(shown ?? period, sites, siteId, fieldErrors(error))}
        <div class="actions">
          <button type="submit">${t('show')}</button>
          ${shown
            ? html`<button type="button" @click=${() =>
                saveFile(
                  api.GET('/admin/reports/{report}', {
                    params: { path: { report }, query: { customer_id: customer.id, from: shown.from, to: shown.to, site_id: siteId || undefined } as QueryOf<'GetReport'> },
                    parseAs: 'blob',
                    headers: { accept: 'text/csv' },
                  }),
                  `${report}.csv`,
                ).catch((e: unknown) => ((error = e), draw()))}>${appWord('reports.csv')}</button>`
            : nothing}
        </div>
      </form>
      ${error && !named() ? html`<div id="report-problem" tabindex="-1">${problemView(error)}</div>` : nothing}
      ${shown ? html`<section aria-labelledby="report-title">
            <h2 id="report-title">${title}</h2>
            ${reportFigure(shown, reportRowLabel(sites, names))}
          </section>` : nothing}`);
  draw();
  ctx.titled(t('title'));
  // A period the API refused: focus goes to the month it names (or to its problem).
  const at = named();
  if (at) focus(`#r-${at}`);
  else if (error) focus('#report-problem');
}

/** Every page of a list the API pages, for each of `ids`. */
async function everyOf<T>(ids: string[], read: (id: string, cursor?: string) => Promise<{ items: T[]; next_cursor?: string | null }>): Promise<T[]> {
  const lists = await Promise.all(
    ids.map(async (id) => {
      const out: T[] = [];
      let cursor: string | undefined;
      do {
        const page = await read(id, cursor);
        out.push(...page.items);
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      return out;
    }),
  );
  return lists.flat();
}

