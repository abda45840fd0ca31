// Equipment: soonest service due first; one asset with its upcoming services, history
// and the QR label's link (the prefilled work-request form).

import { html, nothing, type TemplateResult } from 'lit-html';
import { api, data, withQuery, type QueryOf, type Schemas } from '../api';
import { Listing, SECTIONS, badge, columnCells, columnHeads, link, may, opens, siteFilter, siteName, type Column, type Ctx } from '../app';
import { category, date, t } from '../i18n';

type Asset = Schemas['AssetView'];

/** The "service due within" filter's field (`due_within_days`: 30, 90 or 365 days). */
export function dueWithinField(within: string): TemplateResult {
  return html`<div class="field">
    <label for="f-due">${t('assets.due')}</label>
    <select id="f-due" name="due_within_days">
      <option value="">${t('app.all')}</option>
      ${[30, 90, 365].map((n) => html`<option value=${n} ?selected=${String(n) === within}>${t('assets.days', { n })}</option>`)}
    </select>
  </div>`;
}

/** Equipment as a table: the name (`name`, a link), any `extra` columns, status, site,
 * serial number and next service. */
export function assetsTable(items: Asset[], name: (a: Asset) => TemplateResult, site: (id: string) => string, extra: Column<Asset>[] = []): TemplateResult {
  return html`<div class="scroll"><table>
    <thead><tr><th scope="col">${t('assets.name')}</th>${columnHeads(extra)}<th scope="col">${t('jobs.status')}</th>
      <th scope="col">${t('jobs.site')}</th><th scope="col">${t('assets.serial')}</th><th scope="col">${t('assets.next')}</th></tr></thead>
    <tbody>
      ${items.map(
        (a) => html`<tr><td>${name(a)}</td>${columnCells(extra, a)}<td>${badge(a.status)}</td>
          <td>${site(a.site_id)}</td><td>${a.serial_number ?? '—'}</td><td>${date(a.next_service_due)}</td></tr>`,
      )}
    </tbody>
  </table></div>`;
}

/** An asset's facts (`<dt>`/`<dd>` pairs) after its site. */
export function assetFacts(a: Asset, site: string): TemplateResult {
  return html`<dt>${t('jobs.site')}</dt><dd>${site}</dd>
    <dt>${t('assets.location')}</dt><dd>${a.location ?? '—'}</dd>
    <dt>${t('assets.serial')}</dt><dd>${a.serial_number ?? '—'}</dd>
    <dt>${t('jobs.category')}</dt><dd>${a.category ?? '—'}</dd>
    <dt>${t('assets.contract')}</dt><dd>${a.under_contract ? '✓' : '—'}</dd>
    ${a.request_link ? html`<dt>${t('assets.link')}</dt><dd><code>${a.request_link}</code></dd>` : nothing}`;
}

/** An asset's upcoming services, and its jobs (each reference by `ref`), newest first. */
export function assetServices(a: Asset, ref: (j: Schemas['AssetJob']) => unknown): TemplateResult {
  return html`<h2>${t('assets.upcoming')}</h2>
    ${a.upcoming_services.length
      ? html`<ul>${a.upcoming_services.map((s) => html`<li>${s.name} — ${date(s.due_at)}</li>`)}</ul>`
      : html`<p class="hint">${t('app.none')}</p>`}
    <h2>${t('assets.history')}</h2>
    ${a.history?.length
      ? html`<div class="scroll"><table>
          <thead><tr><th scope="col">${t('jobs.reference')}</th><th scope="col">${t('jobs.status')}</th>
            <th scope="col">${t('jobs.category')}</th><th scope="col">${t('jobs.reported')}</th><th scope="col">${t('jobs.completed')}</th></tr></thead>
          <tbody>
            ${a.history.map(
              (j) => html`<tr><td>${ref(j)}</td><td>${badge(j.status)}</td>
                <td>${category(j.category)}</td><td>${date(j.reported_at)}</td><td>${date(j.completed_at)}</td></tr>`,
            )}
          </tbody>
        </table></div>`
      : html`<p class="hint">${t('app.none')}</p>`}`;
}

export async function assetsPage(ctx: Ctx): Promise<void> {
  const sites = await ctx.sites();
  const siteId = ctx.query.get('site_id') ?? '';
  const within = ctx.query.get('due_within_days') ?? '';
  // As typed in the address: the API refuses (400) a number of days it does not take.
  const filter = { site_id: siteId, due_within_days: within } as unknown as QueryOf<'ListMyAssets'>;
  const list = new Listing(({ limit, cursor }) => data(api.GET('/portal/assets', { params: { query: { ...filter, limit, cursor } } })), () => draw());
  const draw = () =>
    ctx.show(html`<h1 tabindex="-1">${t('assets.title')}</h1>
      <form class="filters" @submit=${(ev: SubmitEvent) => {
        ev.preventDefault();
        const f = new FormData(ev.target as HTMLFormElement);
        ctx.go(withQuery('/assets', { site_id: String(f.get('site_id') ?? ''), due_within_days: String(f.get('due_within_days') ?? '') }));
      }}>
        ${siteFilter('f-site', t('jobs.site'), sites, siteId)}
        ${dueWithinField(within)}
        <div class="actions"><button type="submit">${t('app.filter')}</button></div>
      </form>
      ${list.view((items) => assetsTable(items, (a) => link(`/assets/${a.id}`, a.name), (id) => siteName(sites, id)))}`);
  draw();
  ctx.titled(t('assets.title'));
  await list.load();
}

export async function assetPage(ctx: Ctx): Promise<void> {
  const [a, sites] = await Promise.all([data(api.GET('/portal/assets/{asset_id}', { params: { path: { asset_id: ctx.params.id } } })), ctx.sites()]);
  const canRequest = opens(ctx.me, SECTIONS.find((s) => s.path === '/work-requests') ?? SECTIONS[0]) && may(ctx.me, 'create_work_requests');
  const canJobs = opens(ctx.me, SECTIONS[0]);
  ctx.show(html`<p>${link('/assets', `← ${t('nav.assets')}`)}</p>
    <h1 tabindex="-1">${a.name} ${badge(a.status)}</h1>
    <dl class="facts">
      ${assetFacts(a, siteName(sites, a.site_id))}
    </dl>
    ${canRequest ? html`<p>${link(`/assets/${a.id}/request`, html`<span class="button primary">${t('assets.request')}</span>`)}</p>` : nothing}
    ${assetServices(a, (j) => (canJobs ? link(`/jobs/${j.id}`, j.reference) : j.reference))}`);
  ctx.titled(a.name);
}
