// KPI reports: the ones the member may run, each as a small bar chart with its table
// beside (the table is what a screen reader reads; the chart is hidden from it).

import { html, nothing, svg, type TemplateResult } from 'lit-html';
import { api, data, saveFile, withQuery, type QueryOf, type Schemas } from '../api';
import { link, may, problemView, siteFilter, siteName, type Ctx, type Named } from '../app';
import { money, month, status, t } from '../i18n';

type Row = Schemas['ReportRow'];
type View = Schemas['ReportView'];

/** A row's name: its month, site (by name from `sites`), equipment (by name from
 * `names`, else its id) or quote status. */
export function reportRowLabel(sites: Named[], names: Map<string, string>): (r: Row) => string {
  return (r: Row) =>
    [r.month && month(r.month), r.site_id && siteName(sites, r.site_id), r.asset_id && (names.get(r.asset_id) ?? r.asset_id), r.status && status(r.status)]
      .filter(Boolean)
      .join(' · ');
}

/** A row's value as the table shows it: a share as a percentage with its counts, an
 * amount as money, a count as it is. */
export function reportValue(r: Row): string {
  return r.denominator != null
    ? r.value == null
      ? '—'
      : `${Math.round(r.value * 100)}% (${t('reports.share', { num: r.numerator ?? 0, den: r.denominator })})`
    : r.currency
      ? money(r.value, r.currency)
      : String(r.value ?? '—');
}

/** The report's bar chart (hidden from screen readers) beside its captioned table;
 * "nothing to show" when it has no rows. */
export function reportFigure(view: View, label: (r: Row) => string): TemplateResult {
  if (view.rows.length === 0) return html`<p>${t('app.none')}</p>`;
  const share = view.rows.some((r) => r.denominator != null);
  const max = share ? 1 : Math.max(1, ...view.rows.map((r) => r.value ?? 0));
  const barH = 18;
  const chart = svg`${view.rows.map((r, i) => {
    const w = Math.round(((r.value ?? 0) / max) * 180);
    return svg`<g transform="translate(0 ${i * (barH + 6)})">
      <text x="0" y="13" class="chart-label">${label(r).slice(0, 22)}</text>
      <rect x="150" y="2" height=${barH - 4} width=${Math.max(w, r.value ? 2 : 0)} class="chart-bar"></rect>
    </g>`;
  })}`;
  return html`<div class="report">
    <figure class="chart" aria-hidden="true">
      <svg viewBox="0 0 340 ${view.rows.length * (barH + 6)}" width="100%" preserveAspectRatio="xMinYMin meet" focusable="false">${chart}</svg>
    </figure>
    <div class="scroll"><table>
      <caption class="visually-hidden">${view.name}</caption>
      <thead><tr><th scope="col">${view.per === 'month' ? t('reports.month') : view.per === 'site' ? t('reports.site') : t('reports.asset')}</th>
        <th scope="col" class="num">${t('reports.value')}</th></tr></thead>
      <tbody>${view.rows.map((r) => html`<tr><th scope="row">${label(r)}</th><td class="num">${reportValue(r)}</td></tr>`)}</tbody>
    </table></div>
  </div>`;
}

/** The period's fields (from and until month, as the report ran) and the site picker;
 * a month the API refused (`errors`, by field) is marked and its message put beside it. */
export function reportPeriodFields(view: Pick<View, 'from' | 'to'>, sites: Named[], siteId: string, errors = new Map<string, string>()): TemplateResult {
  const month = (name: 'from' | 'to', label: string) => {
    const message = errors.get(name);
    return html`<div class="field"><label for="r-${name}">${label}</label><input id="r-${name}" name=${name} type="month" .value=${view[name]}
      aria-invalid=${message ? 'true' : nothing} aria-describedby=${message ? `r-${name}-error` : nothing} />
      ${message ? html`<p class="problem" id="r-${name}-error">${message}</p>` : nothing}</div>`;
  };
  return html`${month('from', t('reports.from'))}
    ${month('to', t('reports.to'))}
    ${siteFilter('r-site', t('reports.site'), sites, siteId)}`;
}

export async function reportsPage(ctx: Ctx): Promise<void> {
  const { items } = await data(api.GET('/portal/reports'));
  ctx.show(html`<h1 tabindex="-1">${t('reports.title')}</h1>
    ${items.length === 0
      ? html`<p>${t('app.none')}</p>`
      : html`<ul class="cards">${items.map((r) => html`<li class="card-item"><h2>${link(`/reports/${r.report}`, r.name)}</h2></li>`)}</ul>`}`);
  ctx.titled(t('reports.title'));
}

export async function reportPage(ctx: Ctx): Promise<void> {
  // As typed in the address: the API refuses a report, month or site it does not know.
  const report = ctx.params.report as Schemas['Report'];
  const query = { from: ctx.query.get('from') ?? '', to: ctx.query.get('to') ?? '', site_id: ctx.query.get('site_id') ?? '' };
  const init = { params: { path: { report }, query: query as QueryOf<'GetMyReport'> } };
  const sites = await ctx.sites();
  const view = await data(api.GET('/portal/reports/{report}', init));
  // Equipment by name where the member may see equipment; by id otherwise.
  const names = new Map<string, string>();
  if (view.per === 'asset' && may(ctx.me, 'view_assets') && ctx.me.features.includes('assets')) {
    const assets = await data(api.GET('/portal/assets', { params: { query: { limit: 200 } } })).catch(() => null);
    for (const a of assets?.items ?? []) names.set(a.id, a.name);
  }
  let error: unknown = null;
  const label = reportRowLabel(sites, names);
  const draw = () =>
    ctx.show(html`<p>${link('/reports', `← ${t('nav.reports')}`)}</p>
      <h1 tabindex="-1">${view.name}</h1>
      <form class="filters" @submit=${(ev: SubmitEvent) => {
        ev.preventDefault();
        const f = new FormData(ev.target as HTMLFormElement);
        ctx.go(withQuery(`/reports/${report}`, { from: String(f.get('from') ?? ''), to: String(f.get('to') ?? ''), site_id: String(f.get('site_id') ?? '') }));
      }}>
        ${reportPeriodFields(view, sites, query.site_id)}
        <div class="actions">
          <button type="submit">${t('app.filter')}</button>
          <button type="button" @click=${() => saveFile(api.GET('/portal/reports/{report}', { ...init, parseAs: 'blob', headers: { accept: 'text/csv' } }), `${report}.csv`).catch((e: unknown) => ((error = e), draw()))}>${t('reports.csv')}</button>
        </div>
      </form>
      ${error ? problemView(error) : nothing}
      ${reportFigure(view, label)}`);
  draw();
  ctx.titled(view.name);
}
