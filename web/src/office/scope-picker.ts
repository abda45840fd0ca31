// The scope picker over the customer tree: a box for each customer (all of it) and, once
// a customer is opened, one for each of its divisions and sites (read then). Access
// groups (groups.ts) pick their scope with it, and a member's page (members.ts) the
// member's own within their customer; customer-tree.ts holds the ticks' model.

import { html, nothing, type TemplateResult } from 'lit-html';
import { api, data, type Schemas } from '../api';
import { problemView } from '../app';
import { t as appWord, words } from '../i18n';
import { customerTree, grantsOf, pickedOf, type Branch, type Picked } from './customer-tree';
import { every } from './customers';
import { fieldErrors } from './screen';

const t = words({
  en: {
    whole: 'All of {name}',
    parts: 'Divisions and sites of {name}',
    wholeTicked: 'All of this customer is ticked.',
    division: 'Division: {name}',
    site: 'Site: {name}',
    noParts: 'This customer has no divisions or sites.',
  },
  nl: {
    whole: 'Alles van {name}',
    parts: 'Divisies en locaties van {name}',
    wholeTicked: 'Deze hele klant is aangevinkt.',
    division: 'Divisie: {name}',
    site: 'Locatie: {name}',
    noParts: 'Deze klant heeft geen divisies of locaties.',
  },
});

type Customer = Schemas['CustomerView'];
type Division = Schemas['DivisionView'];
type Site = Schemas['SiteView'];

/** The customer tree with a box for each customer (all of it) and, once a customer is
 * opened, one for each of its divisions and sites. The ticks live here (not only in the
 * page), so that opening or closing a customer keeps them. */
export class ScopePicker {
  private open = new Set<string>();
  /** A customer's divisions and sites once read (null while they are read). */
  private parts = new Map<string, { divisions: Division[]; sites: Site[] } | null>();
  private error: unknown = null;
  picked: Picked;

  constructor(
    private readonly prefix: string,
    private readonly customers: Customer[],
    grants: readonly Schemas['GrantInput'][],
    private readonly redraw: () => void,
  ) {
    this.picked = pickedOf(grants);
  }

  /** Opens the customers whose divisions or sites are ticked (so that one sees them). */
  async start(): Promise<void> {
    const named = new Set([...this.picked.divisions.keys(), ...this.picked.sites.keys()]);
    await Promise.all([...named].map((id) => this.expand(id)));
  }

  grants(): Schemas['GrantInput'][] {
    return grantsOf(this.picked);
  }

  private async toggle(id: string): Promise<void> {
    if (this.open.delete(id)) this.redraw();
    else await this.expand(id);
  }

  private async expand(id: string): Promise<void> {
    this.open.add(id);
    if (!this.parts.has(id)) {
      this.parts.set(id, null);
      this.redraw();
      const path = { customer_id: id };
      try {
        const [divisions, sites] = await Promise.all([
          every((query) => data(api.GET('/admin/customers/{customer_id}/divisions', { params: { path, query } }))),
          every((query) => data(api.GET('/admin/customers/{customer_id}/sites', { params: { path, query } }))),
        ]);
        this.parts.set(id, { divisions: divisions.sort((a, b) => a.name.localeCompare(b.name)), sites: sites.sort((a, b) => a.name.localeCompare(b.name)) });
        this.error = null;
      } catch (e) {
        this.parts.delete(id);
        this.open.delete(id);
        this.error = e;
      }
    }
    this.redraw();
  }

  private tick(into: Map<string, Set<string>>, customer: string, id: string, on: boolean): void {
    const set = into.get(customer) ?? new Set<string>();
    if (on) set.add(id);
    else set.delete(id);
    into.set(customer, set);
  }

  private box(id: string, label: string, on: boolean, change: (on: boolean) => void, disabled = false): TemplateResult {
    return html`<div class="switch">
      <input type="checkbox" id=${id} .checked=${on} ?disabled=${disabled}
        @change=${(ev: Event) => change((ev.target as HTMLInputElement).checked)} />
      <label for=${id}>${label}</label>
    </div>`;
  }

  private partsView(c: Customer): TemplateResult {
    const parts = this.parts.get(c.id);
    if (!parts) return html`<p role="status">${appWord('app.loading')}</p>`;
    const whole = this.picked.whole.has(c.id);
    const divisionBox = (d: Division) =>
      this.box(`${this.prefix}-d-${d.id}`, t('division', { name: d.name }), this.picked.divisions.get(c.id)?.has(d.id) ?? false,
        (on) => this.tick(this.picked.divisions, c.id, d.id, on), whole);
    const siteItem = (s: Site) => html`<li>${this.box(`${this.prefix}-s-${s.id}`, t('site', { name: s.name }),
      this.picked.sites.get(c.id)?.has(s.id) ?? false, (on) => this.tick(this.picked.sites, c.id, s.id, on), whole)}</li>`;
    const loose = parts.sites.filter((s) => !parts.divisions.some((d) => d.id === s.division_id));
    if (!parts.divisions.length && !parts.sites.length) return html`<p class="hint">${t('noParts')}</p>`;
    return html`${whole ? html`<p class="hint">${t('wholeTicked')}</p>` : nothing}
      <ul>
        ${parts.divisions.map((d) => {
          const inside = parts.sites.filter((s) => s.division_id === d.id);
          return html`<li>${divisionBox(d)}${inside.length ? html`<ul>${inside.map(siteItem)}</ul>` : nothing}</li>`;
        })}
        ${loose.map(siteItem)}
      </ul>`;
  }

  private branch(b: Branch<Customer>): TemplateResult {
    const c = b.customer;
    const open = this.open.has(c.id);
    return html`<li>
      ${this.box(`${this.prefix}-c-${c.id}`, t('whole', { name: c.name }), this.picked.whole.has(c.id), (on) => {
        if (on) this.picked.whole.add(c.id);
        else this.picked.whole.delete(c.id);
        this.redraw();
      })}
      <button type="button" class="link" aria-expanded=${open ? 'true' : 'false'} @click=${() => void this.toggle(c.id)}
        >${t('parts', { name: c.name })}</button>
      ${open ? this.partsView(c) : nothing}
      ${b.children.length ? html`<ul>${b.children.map((child) => this.branch(child))}</ul>` : nothing}
    </li>`;
  }

  /** The fieldset under `legend` (with `hint`), with the API's message about the scope
   * (if any) beneath them. */
  view(error: unknown, legend: string, hint: string): TemplateResult {
    const message = fieldErrors(error).get('scope');
    return html`<fieldset id="${this.prefix}-scope" tabindex="-1" aria-describedby="${this.prefix}-scope-hint">
      <legend>${legend}</legend>
      <p class="hint" id="${this.prefix}-scope-hint">${hint}</p>
      ${message ? html`<p class="problem" role="alert">${message}</p>` : nothing}
      ${this.error ? problemView(this.error) : nothing}
      <ul class="scope-tree">${customerTree(this.customers).map((b) => this.branch(b))}</ul>
    </fieldset>`;
  }
}
