// Work requests: the pipeline (submitted → accepted with its job, or declined), the form
// (site and work-order-type pickers from the allowed sets, a live 4000-character counter,
// wished date, attachments), and the QR label's prefilled form for one asset.

import { html, nothing } from 'lit-html';
import { api, data, uploadAll, type QueryOf, type Schemas } from '../api';
import { Listing, badge, chips, link, may, problemView, siteName, type Ctx, type Site } from '../app';
import { dateTime, status, t } from '../i18n';

const MAX_NOTES = 4000;

function typeName(sites: Site[], siteId: string, code: string | null | undefined): string {
  if (!code) return '—';
  return sites.find((s) => s.id === siteId)?.work_order_types.find((w) => w.code === code)?.name ?? code;
}
const STATUSES: Schemas['RequestStatus'][] = ['submitted', 'accepted', 'declined'];

export async function requestsPage(ctx: Ctx): Promise<void> {
  const sites = await ctx.sites();
  const wanted = ctx.query.get('status') ?? '';
  const query = { status: wanted } as QueryOf<'ListMyWorkRequests'>;
  const list = new Listing(({ limit, cursor }) => data(api.GET('/portal/work-requests', { params: { query: { ...query, limit, cursor } } })), () => draw());
  const draw = () =>
    ctx.show(html`<h1 tabindex="-1">${t('requests.title')}</h1>
      ${may(ctx.me, 'create_work_requests') ? html`<p>${link('/work-requests/new', html`<span class="button primary">+ ${t('requests.new')}</span>`)}</p>` : nothing}
      ${chips(t('requests.pipeline'), '/work-requests', 'status', STATUSES, wanted)}
      ${list.view(
        (items) => html`<ul class="cards">
          ${items.map(
            (r) => html`<li class="card-item">
              <h2>${link(`/work-requests/${r.id}`, r.subject)}</h2>
              <p>${badge(r.status)} ${siteName(sites, r.site_id)} · ${dateTime(r.created_at)} · ${r.requested_by}</p>
              ${r.job ? html`<p>${t('requests.job')}: ${link(`/jobs/${r.job.id}`, r.job.reference)} ${badge(r.job.status)}</p>` : nothing}
              ${r.status === 'declined' && r.decline_reason ? html`<p>${t('requests.declined', { reason: r.decline_reason })}</p>` : nothing}
            </li>`,
          )}
        </ul>`,
      )}`);
  draw();
  ctx.titled(t('requests.title'));
  await list.load();
}

export async function requestPage(ctx: Ctx): Promise<void> {
  const [r, sites] = await Promise.all([
    data(api.GET('/portal/work-requests/{request_id}', { params: { path: { request_id: ctx.params.id } } })),
    ctx.sites(),
  ]);
  ctx.show(html`<p>${link('/work-requests', `← ${t('nav.requests')}`)}</p>
    <h1 tabindex="-1">${r.subject}</h1>
    <dl class="facts">
      <dt>${t('requests.status')}</dt><dd>${badge(r.status)}</dd>
      <dt>${t('requests.site')}</dt><dd>${siteName(sites, r.site_id)}</dd>
      <dt>${t('requests.type')}</dt><dd>${typeName(sites, r.site_id, r.work_order_type)}</dd>
      <dt>${t('requests.by')}</dt><dd>${r.requested_by}</dd>
      <dt>${t('requests.created')}</dt><dd>${dateTime(r.created_at)}</dd>
      <dt>${t('requests.wished')}</dt><dd>${dateTime(r.requested_at)}</dd>
      ${r.job ? html`<dt>${t('requests.job')}</dt><dd>${link(`/jobs/${r.job.id}`, r.job.reference)} ${badge(r.job.status)}</dd>` : nothing}
      ${r.decline_reason ? html`<dt>${status('declined')}</dt><dd>${r.decline_reason}</dd>` : nothing}
    </dl>
    ${r.notes ? html`<p class="pre">${r.notes}</p>` : nothing}
    ${r.files.length ? html`<ul>${r.files.map((f) => html`<li>${f.name}</li>`)}</ul>` : nothing}`);
  ctx.titled(r.subject);
}

/** `/work-requests/new`, or `/assets/{asset}/request` (the QR label) prefilled. */
export async function requestFormPage(ctx: Ctx): Promise<void> {
  const assetId = ctx.params.asset;
  const [sites, assetForm] = await Promise.all([
    ctx.sites(),
    assetId ? data(api.GET('/portal/assets/{asset_id}/work-request', { params: { path: { asset_id: assetId } } })) : Promise.resolve(null),
  ]);
  let siteId = assetForm?.site.id ?? (sites.length === 1 ? sites[0].id : (ctx.query.get('site_id') ?? ''));
  let count = 0;
  let busy = false;
  let error: unknown = null;
  // One key per filled-in form: sending it again (a retry, a double click) creates one request.
  const key = crypto.randomUUID();
  const types = (): { code: string; name: string }[] => {
    const site: Site | undefined = sites.find((s) => s.id === siteId);
    const named = site?.work_order_types ?? [];
    if (!assetForm) return named;
    return assetForm.work_order_types.map((code) => named.find((n) => n.code === code) ?? { code, name: code });
  };

  const draw = () => {
    const choices = types();
    ctx.show(html`<p>${link('/work-requests', `← ${t('nav.requests')}`)}</p>
      <h1 tabindex="-1">${t('requests.new')}</h1>
      ${error ? problemView(error) : nothing}
      <form
        class="stack"
        @submit=${async (ev: SubmitEvent) => {
          ev.preventDefault();
          const form = ev.target as HTMLFormElement;
          busy = true;
          error = null;
          draw();
          try {
            const file_ids = await uploadAll(form.files as unknown as HTMLInputElement);
            const wished = (form.wished as HTMLInputElement).value;
            const body: Schemas['NewWorkRequest'] = {
              subject: (form.subject as HTMLInputElement).value.trim(),
              site_id: siteId || null,
              notes: (form.notes as HTMLTextAreaElement).value.trim() || null,
              requested_at: wished ? new Date(`${wished}T09:00:00`).toISOString().replace(/\.\d{3}Z$/, 'Z') : null,
              file_ids,
            };
            if (assetForm) body.asset_id = assetForm.request.asset_id;
            const type = (form.type as HTMLSelectElement | undefined)?.value;
            if (type) body.work_order_type = type;
            const created = await data(api.POST('/portal/work-requests', { body, params: { header: { 'Idempotency-Key': key } } }));
            ctx.go(`/work-requests/${created.id}`);
            return;
          } catch (e) {
            error = e;
          }
          busy = false;
          draw();
        }}
      >
        ${assetForm
          ? html`<p class="info">${t('requests.asset')}: <strong>${assetForm.asset.name}</strong>
              ${assetForm.asset.serial_number ? html`(${assetForm.asset.serial_number})` : nothing} —
              ${assetForm.site.name}</p>`
          : html`<label for="site">${t('requests.site')}</label>
              <select id="site" name="site" required @change=${(ev: Event) => {
                siteId = (ev.target as HTMLSelectElement).value;
                draw();
              }}>
                <option value="" ?selected=${!siteId}>—</option>
                ${sites.map((s) => html`<option value=${s.id} ?selected=${s.id === siteId}>${s.name}</option>`)}
              </select>`}
        <label for="type">${t('requests.type')}</label>
        ${choices.length
          ? html`<select id="type" name="type" required>
              ${choices.map((c) => html`<option value=${c.code}>${c.name}</option>`)}
            </select>`
          : html`<p id="type" class="hint">${siteId ? t('requests.type.none') : '—'}</p>`}
        <label for="subject">${t('requests.subject')}</label>
        <input id="subject" name="subject" required maxlength="200" />
        <label for="notes">${t('requests.notes')}</label>
        <textarea id="notes" name="notes" rows="6" maxlength=${MAX_NOTES} aria-describedby="notes-count"
          @input=${(ev: Event) => {
            count = (ev.target as HTMLTextAreaElement).value.length;
            draw();
          }}></textarea>
        <p id="notes-count" class="hint counter" aria-live="polite">${t('requests.counter', { n: count, max: MAX_NOTES })}</p>
        <label for="wished">${t('requests.wished')}</label>
        <input id="wished" name="wished" type="date" />
        <label for="files">${t('requests.files')}</label>
        <input id="files" name="files" type="file" multiple accept="image/*,application/pdf" />
        <button type="submit" class="primary" ?disabled=${busy}>${t('requests.submit')}</button>
      </form>`);
  };
  draw();
  ctx.titled(t('requests.new'));
}
