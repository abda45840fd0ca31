// What every page shares: the member (`/portal/me`), the sections they may open, the
// page context, and small views (errors, paging, status badges).

import { html, nothing, type TemplateResult } from 'lit-html';
import { Problem, type Paged, type Schemas } from './api';
import { status, t, type Key } from './i18n';

export type Site = Schemas['PortalSite'];
/** Anything with an id and a name to pick or show it by (a portal site, an office one). */
export interface Named {
  id: string;
  name: string;
}
export type Me = Schemas['Me'];
type Permission = Schemas['Permission'];

/** A section of the portal: shown when the feature is on and the member holds one of
 * the permissions: a member never sees a tab or a button they may not use. */
export interface Section {
  path: string;
  label: Key;
  feature: Schemas['Feature'] | null;
  permissions: Permission[];
}

export const SECTIONS: Section[] = [
  { path: '/', label: 'nav.home', feature: null, permissions: [] },
  { path: '/jobs', label: 'nav.jobs', feature: 'jobs', permissions: ['view_jobs', 'view_completed_jobs'] },
  { path: '/work-requests', label: 'nav.requests', feature: 'work_requests', permissions: ['create_work_requests'] },
  { path: '/quotes', label: 'nav.quotes', feature: 'quotes', permissions: ['view_quotes'] },
  { path: '/invoices', label: 'nav.invoices', feature: 'invoices', permissions: ['view_invoices'] },
  { path: '/assets', label: 'nav.assets', feature: 'assets', permissions: ['view_assets'] },
  { path: '/documents', label: 'nav.documents', feature: 'documents', permissions: ['view_documents'] },
  { path: '/messages', label: 'nav.messages', feature: 'messages', permissions: ['view_messages'] },
  { path: '/reports', label: 'nav.reports', feature: 'reports', permissions: ['view_reports'] },
  { path: '/sites', label: 'nav.sites', feature: null, permissions: [] },
];

export function opens(me: Me, section: Section): boolean {
  return (
    (section.feature === null || me.features.includes(section.feature)) &&
    (section.permissions.length === 0 || section.permissions.some((p) => me.permissions.includes(p)))
  );
}

/** The permissions whose buttons write: an admin viewing as the member gets none. */
const WRITES: Permission[] = ['add_job_notes', 'approve_quotes', 'create_work_requests', 'pay_invoices'];

export function may(me: Me, permission: Permission): boolean {
  return me.permissions.includes(permission) && !(me.viewed_by && WRITES.includes(permission));
}

/** What a page gets: its route, the member, and `show` to (re)draw itself. A page
 * left behind draws nothing any more. */
export interface Ctx {
  params: Record<string, string>;
  query: URLSearchParams;
  me: Me;
  sites: () => Promise<Site[]>;
  show: (view: TemplateResult) => void;
  go: (path: string) => void;
  /** Sets the document title and moves focus to the page's heading (or to `focus`, a
   * selector, when a step within the page is what the member came for). */
  titled: (title: string, focus?: string) => void;
  /** Reads `/portal/me` again (language, unread count) and redraws, at `path` if given. */
  refreshMe: (path?: string) => Promise<void>;
}

export function problemView(error: unknown): TemplateResult {
  if (error instanceof Problem) {
    return html`<div class="problem" role="alert">
      <p><strong>${error.title}</strong>${error.detail ? html` — ${error.detail}` : nothing}</p>
      ${error.errors.length
        ? html`<ul>
            ${error.errors.map((e) => html`<li><code>${e.field}</code>: ${e.message}</li>`)}
          </ul>`
        : nothing}
    </div>`;
  }
  return html`<div class="problem" role="alert"><p><strong>${t('app.error')}</strong> — ${String(error)}</p></div>`;
}

export function badge(value: string): TemplateResult {
  return html`<span class="badge badge-${value}">${status(value)}</span>`;
}

/** Previous / next for cursor paging: `cursors` holds the cursors of the pages before. */
export class Pager {
  cursors: (string | null)[] = [];
  current: string | null = null;

  reset(): void {
    this.cursors = [];
    this.current = null;
  }

  view(next: string | null, load: () => void): TemplateResult {
    if (!next && this.cursors.length === 0) return html``;
    return html`<nav class="pager" aria-label="${t('app.pages')}">
      <button
        type="button"
        ?disabled=${this.cursors.length === 0}
        @click=${() => {
          this.current = this.cursors.pop() ?? null;
          load();
        }}
      >
        ← ${t('app.prev')}
      </button>
      <button
        type="button"
        ?disabled=${!next}
        @click=${() => {
          this.cursors.push(this.current);
          this.current = next;
          load();
        }}
      >
        ${t('app.next')} →
      </button>
    </nav>`;
  }
}

/** Asks for one page: the paging parameters to add to the list's own query. */
type PageLoader<P> = (paging: { limit: number; cursor?: string }) => Promise<P>;

/** One paged list of a page: its current page (or the error that came instead), the
 * paging buttons, and the loading / empty / items view every list shows. */
export class Listing<P extends Paged<unknown>> {
  page: P | null = null;
  error: unknown = null;
  private readonly pager = new Pager();

  constructor(
    private readonly loader: PageLoader<P>,
    private readonly redraw: () => void,
    private readonly limit = 25,
  ) {}

  /** Reads the current page (without drawing). */
  async fetch(): Promise<void> {
    try {
      this.page = await this.loader({ limit: this.limit, cursor: this.pager.current ?? undefined });
      this.error = null;
    } catch (e) {
      this.error = e;
    }
  }

  async load(): Promise<void> {
    await this.fetch();
    this.redraw();
  }

  view(items: (items: P['items'], page: P) => TemplateResult): TemplateResult {
    const page = this.page;
    return html`${this.error ? problemView(this.error) : nothing}
      ${page === null
        ? html`<p role="status" class="loading">${t('app.loading')}</p>`
        : page.items.length === 0
          ? html`<p>${t('app.none')}</p>`
          : items(page.items, page)}
      ${page ? this.pager.view(page.next_cursor ?? null, () => void this.load()) : nothing}`;
  }
}

/** Filter chips: `All` and one per value, each a link to `base?param=value`. */
export function chips(label: string, base: string, param: string, values: string[], current: string, word = status): TemplateResult {
  return html`<nav class="chips" aria-label=${label}>
    ${['', ...values].map(
      (v) => html`<a href=${v ? `${base}?${param}=${v}` : base} data-link aria-current=${current === v ? 'page' : 'false'}
        >${v ? word(v) : t('app.all')}</a>`,
    )}
  </nav>`;
}

/** A site picker for a filter form (`All` first). */
export function siteFilter(id: string, label: string, sites: Named[], selected: string): TemplateResult {
  return html`<div class="field">
    <label for=${id}>${label}</label>
    <select id=${id} name="site_id">
      <option value="">${t('app.all')}</option>
      ${sites.map((s) => html`<option value=${s.id} ?selected=${s.id === selected}>${s.name}</option>`)}
    </select>
  </div>`;
}

/** A table's column beyond a list's own (the office adds the customer's). */
export interface Column<R> {
  head: string;
  cell: (row: R) => unknown;
}

export const columnHeads = <R>(columns: Column<R>[]): TemplateResult[] => columns.map((c) => html`<th scope="col">${c.head}</th>`);
export const columnCells = <R>(columns: Column<R>[], row: R): TemplateResult[] => columns.map((c) => html`<td>${c.cell(row)}</td>`);

export const link = (href: string, text: string | TemplateResult): TemplateResult =>
  html`<a href=${href} data-link>${text}</a>`;

/** Values of a form as strings (empty ones left out). */
export function formValues(form: HTMLFormElement): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new FormData(form).entries()) if (typeof v === 'string' && v.trim() !== '') out[k] = v.trim();
  return out;
}

export function siteName(sites: Named[], id: string | null | undefined): string {
  return sites.find((s) => s.id === id)?.name ?? id ?? '—';
}
