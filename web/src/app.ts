// What every page shares: the member (`/portal/me`), the sections they may open, the
// page context, and small views (errors, paging, status badges).

import { html, nothing, type TemplateResult } from 'lit-html';
import { get, Problem, type Page } from './api';
import { status, t, type Key } from './i18n';

export interface Site {
  id: string;
  customer_id: string;
  name: string;
  address: string;
  division_id: string | null;
  work_order_types: { code: string; name: string }[];
}

export interface Me {
  id: string;
  customer_id: string;
  first_name: string;
  last_name: string;
  email: string;
  phone: string | null;
  job_title: string | null;
  locale: string;
  admin: boolean;
  permissions: string[];
  reports: string[];
  features: string[];
  notifications: string[];
  portal_name: string;
  branding: { display_name: string; logo_url: string | null; primary_color: string | null };
  unread_messages: number;
}

/** A section of the portal: shown when the feature is on and the member holds one of
 * the permissions: a member never sees a tab or a button they may not use. */
export interface Section {
  path: string;
  label: Key;
  feature: string | null;
  permissions: string[];
}

export const SECTIONS: Section[] = [
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

export function may(me: Me, permission: string): boolean {
  return me.permissions.includes(permission);
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

type Query = Record<string, string | number | undefined | null>;

/** One paged list of a page: its current page (or the error that came instead), the
 * paging buttons, and the loading / empty / items view every list shows. */
export class Listing<T, P extends Page<T> = Page<T>> {
  page: P | null = null;
  error: unknown = null;
  private readonly pager = new Pager();

  constructor(
    private readonly path: string,
    private readonly query: Query,
    private readonly redraw: () => void,
    private readonly limit = 25,
  ) {}

  /** Reads the current page (without drawing). */
  async fetch(): Promise<void> {
    try {
      this.page = await get<P>(this.path, { ...this.query, limit: this.limit, cursor: this.pager.current });
      this.error = null;
    } catch (e) {
      this.error = e;
    }
  }

  async load(): Promise<void> {
    await this.fetch();
    this.redraw();
  }

  view(items: (items: T[], page: P) => TemplateResult): TemplateResult {
    const page = this.page;
    return html`${this.error ? problemView(this.error) : nothing}
      ${page === null
        ? html`<p role="status">${t('app.loading')}</p>`
        : page.items.length === 0
          ? html`<p>${t('app.none')}</p>`
          : items(page.items, page)}
      ${page ? this.pager.view(page.next_cursor, () => void this.load()) : nothing}`;
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
export function siteFilter(id: string, label: string, sites: Site[], selected: string): TemplateResult {
  return html`<div class="field">
    <label for=${id}>${label}</label>
    <select id=${id} name="site_id">
      <option value="">${t('app.all')}</option>
      ${sites.map((s) => html`<option value=${s.id} ?selected=${s.id === selected}>${s.name}</option>`)}
    </select>
  </div>`;
}

export const link = (href: string, text: string | TemplateResult): TemplateResult =>
  html`<a href=${href} data-link>${text}</a>`;

/** Values of a form as strings (empty ones left out). */
export function formValues(form: HTMLFormElement): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new FormData(form).entries()) if (typeof v === 'string' && v.trim() !== '') out[k] = v.trim();
  return out;
}

export function siteName(sites: Site[], id: string | null): string {
  return sites.find((s) => s.id === id)?.name ?? id ?? '—';
}
