// Jobs: filtered list with paging and CSV export; one job with its history, downloads
// (once completed) and notes.

import { html, nothing, type TemplateResult } from 'lit-html';
import { api, data, openDownload, saveFile, uploadAll, withQuery, type QueryOf, type Schemas } from '../api';
import { Listing, SECTIONS, siteFilter, badge, columnCells, columnHeads, link, may, opens, problemView, siteName, type Column, type Ctx, type Named, type Site } from '../app';
import { category, date, dateTime, money, status, t } from '../i18n';

type Note = Schemas['NoteView'];

export const JOB_STATUSES: Schemas['JobStatus'][] = ['unassigned', 'assigned', 'scheduled', 'in_progress', 'pending', 'completed', 'cancelled'];
const CATEGORIES: Schemas['JobCategory'][] = ['service', 'repair', 'install', 'calibration', 'inspection', 'maintenance', 'emergency', 'other'];
/** The jobs filter's fields, as the list's query and the address name them. */
export const JOB_FILTERS = ['status', 'site_id', 'category', 'from', 'to'] as const;
const FILTERS = JOB_FILTERS;

/** What a jobs table shows of a job (the portal's and the office's have it alike). */
type JobRow = Pick<Schemas['PortalJobView'], 'id' | 'status' | 'site_id' | 'category' | 'reported_at' | 'completed_at'>;
/** What a job's facts show of it. */
type JobFacts = JobRow & Pick<Schemas['PortalJobView'], 'scheduled_at' | 'visit_count' | 'cost' | 'currency'>;

/** A filter's picker (`All` first), set to its value in `given`. */
export function filterSelect(name: string, label: string, options: [string, string][], given: Record<string, string | undefined>): TemplateResult {
  return html`<div class="field">
    <label for="f-${name}">${label}</label>
    <select id="f-${name}" name=${name}>
      <option value="">${t('app.all')}</option>
      ${options.map(([v, text]) => html`<option value=${v} ?selected=${given[name] === v}>${text}</option>`)}
    </select>
  </div>`;
}

/** The jobs filter's fields (status, site, category, reported from and to), each set to
 * its value in `given`; a form of the caller's own around them. */
export function jobFilterFields(given: Record<string, string>, sites: Named[]): TemplateResult {
  return html`${filterSelect('status', t('jobs.status'), JOB_STATUSES.map((s) => [s, status(s)]), given)}
    ${siteFilter('f-site_id', t('jobs.site'), sites, given.site_id ?? '')}
    ${filterSelect('category', t('jobs.category'), CATEGORIES.map((c) => [c, category(c)]), given)}
    <div class="field">
      <label for="f-from">${t('jobs.from')}</label>
      <input id="f-from" name="from" type="date" .value=${given.from ?? ''} />
    </div>
    <div class="field">
      <label for="f-to">${t('jobs.to')}</label>
      <input id="f-to" name="to" type="date" .value=${given.to ?? ''} />
    </div>`;
}

/** The filter's fields of a submitted form, the empty ones left out. */
export function filledIn<K extends string>(form: HTMLFormElement, names: readonly K[]): Partial<Record<K, string>> {
  const data = new FormData(form);
  const q: Partial<Record<K, string>> = {};
  for (const k of names) {
    const v = String(data.get(k) ?? '');
    if (v) q[k] = v;
  }
  return q;
}

/** Jobs as a table: the reference (`ref`, a link), any `extra` columns, then status,
 * site, category, reported and completed. */
export function jobsTable<J extends JobRow>(items: J[], ref: (j: J) => TemplateResult, site: (id: string) => string, extra: Column<J>[] = []): TemplateResult {
  return html`<div class="scroll"><table>
    <thead>
      <tr>
        <th scope="col">${t('jobs.reference')}</th>
        ${columnHeads(extra)}
        <th scope="col">${t('jobs.status')}</th>
        <th scope="col">${t('jobs.site')}</th>
        <th scope="col">${t('jobs.category')}</th>
        <th scope="col">${t('jobs.reported')}</th>
        <th scope="col">${t('jobs.completed')}</th>
      </tr>
    </thead>
    <tbody>
      ${items.map(
        (j) => html`<tr>
          <td>${ref(j)}</td>
          ${columnCells(extra, j)}
          <td>${badge(j.status)}</td>
          <td>${site(j.site_id)}</td>
          <td>${category(j.category)}</td>
          <td>${date(j.reported_at)}</td>
          <td>${date(j.completed_at)}</td>
        </tr>`,
      )}
    </tbody>
  </table></div>`;
}

/** A job's facts (`<dt>`/`<dd>` pairs): site, category, `asset` after it if given, the
 * dates, visits, cost, then `more`. */
export function jobFacts(job: JobFacts, site: string, asset: unknown = nothing, more: unknown = nothing): TemplateResult {
  return html`<dt>${t('jobs.site')}</dt><dd>${site}</dd>
    <dt>${t('jobs.category')}</dt><dd>${category(job.category)}</dd>
    ${asset}
    <dt>${t('jobs.reported')}</dt><dd>${dateTime(job.reported_at)}</dd>
    <dt>${t('jobs.scheduled')}</dt><dd>${dateTime(job.scheduled_at)}</dd>
    <dt>${t('jobs.completed')}</dt><dd>${dateTime(job.completed_at)}</dd>
    <dt>${t('jobs.visits')}</dt><dd>${job.visit_count}</dd>
    ${job.cost != null ? html`<dt>${t('jobs.cost')}</dt><dd>${money(job.cost, job.currency)}</dd>` : nothing}
    ${more}`;
}

/** A job's status history, oldest first. */
export function jobHistory(history: Schemas['StatusChange'][] | null | undefined): TemplateResult {
  return html`<h2>${t('jobs.history')}</h2>
    <ol class="timeline">
      ${(history ?? []).map((h) => html`<li>${badge(h.status)} <time datetime=${h.at}>${dateTime(h.at)}</time></li>`)}
    </ol>`;
}

/** A job's notes (each with its files, by `file`), or "nothing to show". */
export function notesList(notes: Note[], file: (fileId: string, name: string) => unknown): TemplateResult {
  return notes.length
    ? html`<ul class="notes">
        ${notes.map(
          (n) => html`<li>
            <p class="pre">${n.text}</p>
            ${n.files.map((f) => html`<p>${file(f.file_id, f.name)}</p>`)}
            <p class="hint">${t('jobs.note.by', { who: n.author_name, when: dateTime(n.created_at) })}</p>
          </li>`,
        )}
      </ul>`
    : html`<p class="hint">${t('app.none')}</p>`;
}

/** The CSV of the jobs the filter selects (the list's filter, every page). */
function exportJobs(filter: QueryOf<'ExportMyJobs'>) {
  return api.GET('/portal/jobs/export', { params: { query: filter }, parseAs: 'blob', headers: { accept: 'text/csv' } });
}

export async function jobsPage(ctx: Ctx): Promise<void> {
  const given: Record<string, string> = {};
  for (const k of FILTERS) {
    const v = ctx.query.get(k);
    if (v) given[k] = v;
  }
  // As typed in the address: the API refuses (400) a status or category it does not know.
  const filter = given as QueryOf<'ExportMyJobs'>;
  let sites: Site[] = [];
  const list = new Listing(({ limit, cursor }) => data(api.GET('/portal/jobs', { params: { query: { ...filter, limit, cursor } } })), () => draw());

  const draw = () =>
    ctx.show(html`<h1 tabindex="-1">${t('jobs.title')}</h1>
      <form
        class="filters"
        @submit=${(ev: SubmitEvent) => {
          ev.preventDefault();
          ctx.go(withQuery('/jobs', filledIn(ev.target as HTMLFormElement, FILTERS)));
        }}
      >
        ${jobFilterFields(given, sites)}
        <div class="actions">
          <button type="submit">${t('app.filter')}</button>
          <a href="/jobs" data-link class="button">${t('app.clear')}</a>
          ${may(ctx.me, 'export_jobs')
            ? html`<button type="button" @click=${() => saveFile(exportJobs(filter), 'jobs.csv').catch((e: unknown) => {
                list.error = e;
                draw();
              })}>${t('jobs.export')}</button>`
            : nothing}
        </div>
      </form>
      ${list.view((items) => jobsTable(items, (j) => link(`/jobs/${j.id}`, j.reference), (id) => siteName(sites, id)))}`);
  // The first page and the sites (for the filter and the names) at once.
  [sites] = await Promise.all([ctx.sites(), list.fetch()]);
  draw();
  ctx.titled(t('jobs.title'));
}

export async function jobPage(ctx: Ctx): Promise<void> {
  const id = ctx.params.id;
  const [job, sites] = await Promise.all([data(api.GET('/portal/jobs/{job_id}', { params: { path: { job_id: id } } })), ctx.sites()]);
  let notes: Note[] = [];
  let error: unknown = null;
  let busy = false;
  const loadNotes = async () => {
    notes = (await data(api.GET('/portal/jobs/{job_id}/notes', { params: { path: { job_id: job.id }, query: { limit: 200 } } }))).items;
  };
  await loadNotes().catch((e: unknown) => (error = e));
  const fileLink = (fileId: string, name: string, path = `/portal/jobs/${job.id}/files/${fileId}`) =>
    html`<button type="button" class="link" @click=${() => openDownload(path).catch((e: unknown) => ((error = e), draw()))}>${name}</button>`;

  const draw = () =>
    ctx.show(html`<p>${link('/jobs', `← ${t('nav.jobs')}`)}</p>
      <h1 tabindex="-1">${job.reference} ${badge(job.status)}</h1>
      <dl class="facts">
        ${jobFacts(
          job,
          siteName(sites, job.site_id),
          job.asset_id && opens(ctx.me, SECTIONS.find((s) => s.path === '/assets') ?? SECTIONS[0])
            ? html`<dt>${t('jobs.asset')}</dt><dd>${link(`/assets/${job.asset_id}`, t('jobs.asset'))}</dd>`
            : nothing,
          job.work_request_id
            ? html`<dt>${t('jobs.request')}</dt><dd>${link(`/work-requests/${job.work_request_id}`, job.work_request_id)}</dd>`
            : nothing,
        )}
      </dl>
      ${job.description ? html`<h2>${t('jobs.description')}</h2><p class="pre">${job.description}</p>` : nothing}
      ${jobHistory(job.status_history)}
      <h2>${t('jobs.files')}</h2>
      ${job.attachments.length
        ? html`<ul>${job.attachments.map((a) => html`<li>${a.download ? fileLink(a.file_id, a.name, a.download) : a.name}</li>`)}</ul>`
        : html`<p class="hint">${job.status === 'completed' ? t('app.none') : t('jobs.files.later')}</p>`}
      <h2>${t('jobs.notes')}</h2>
      ${error ? problemView(error) : nothing}
      ${notesList(notes, fileLink)}
      ${may(ctx.me, 'add_job_notes')
        ? html`<form
            class="stack"
            @submit=${async (ev: SubmitEvent) => {
              ev.preventDefault();
              const form = ev.target as HTMLFormElement;
              busy = true;
              error = null;
              draw();
              try {
                const file_ids = await uploadAll(form.photo as HTMLInputElement);
                await data(api.POST('/portal/jobs/{job_id}/notes', { params: { path: { job_id: job.id } }, body: { text: form.text.value, file_ids } }));
                form.reset();
                await loadNotes();
              } catch (e) {
                error = e;
              }
              busy = false;
              draw();
            }}
          >
            <h3>${t('jobs.note.add')}</h3>
            <label for="note-text">${t('jobs.note.text')}</label>
            <textarea id="note-text" name="text" required maxlength="4000" rows="3"></textarea>
            <label for="note-photo">${t('jobs.note.photo')}</label>
            <input id="note-photo" name="photo" type="file" accept="image/*,application/pdf" />
            <button type="submit" class="primary" ?disabled=${busy}>${t('jobs.note.submit')}</button>
          </form>`
        : nothing}`);
  draw();
  ctx.titled(job.reference);
}
