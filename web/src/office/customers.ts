// Customers: the tenant's customer accounts as a tree of parents and children
// (`/office/customers`), and one customer (`/office/customers/<id>`) with its details
// and allowed work-order types, its divisions (filed under parent groups), its sites and
// its contacts (each with a notification role, and "create user" to make a member of
// one). Every create carries one Idempotency-Key per filled-in form; every change and
// removal `If-Match` with the version read (a 412 reads everything again and says so);
// a removal asks first, and the API's refusal (a customer with children, sites or
// members; a division with sites) is shown in its words. Members and documents have
// screens of their own.

import { html, nothing, type TemplateResult } from 'lit-html';
import { api, data, ifMatch, Problem, tagged, type Schemas } from '../api';
import { problemView } from '../app';
import { t as appWord, words } from '../i18n';
import { ancestors, byParentGroup, customerTree, type Branch } from './customer-tree';
import { fieldErrors, focus, type ScreenCtx } from './screen';
import { suppressionBadge, suppressionFact } from './rights';

const t = words({
  en: {
    title: 'Customers',
    intro: 'Your customers, each under its parent. Open one to manage its divisions, sites and contacts.',
    tree: 'Customer tree',
    none: 'No customers yet.',
    add: 'Add a customer',
    name: 'Name',
    code: 'Account code',
    parent: 'Parent customer',
    topLevel: 'None (a top-level customer)',
    optional: '(optional)',
    types: 'Work-order types it may request',
    typesHint: 'None ticked: a child customer takes its parent’s types; a top-level customer may request none.',
    noTypes: 'Your organisation has no work-order types yet (see set-up).',
    inherits: 'Its parent’s',
    typesNone: 'None',
    create: 'Add customer',
    created: '{name} is added.',
    back: 'All customers',
    path: 'Where it sits',
    details: 'Details',
    edit: 'Edit',
    save: 'Save',
    cancel: 'Cancel',
    saved: '{name} is saved.',
    remove: 'Remove',
    removed: '{name} is removed.',
    confirm: 'Remove {name}? This cannot be undone.',
    confirmCustomer: 'Remove {name}? The API refuses while it has child customers, sites or members.',
    confirmDivision: 'Remove the division {name}? The API refuses while sites are filed under it.',
    confirmed: 'Yes, remove',
    children: 'Child customers',
    noChildren: 'No child customers.',
    addChild: 'Add a child customer',
    divisions: 'Divisions',
    divisionsIntro: 'Divisions group a customer’s sites; a parent group gathers divisions.',
    noDivisions: 'No divisions yet.',
    noGroup: 'No parent group',
    parentGroup: 'Parent group',
    addDivision: 'Add a division',
    createDivision: 'Add division',
    sites: 'Sites',
    noSites: 'No sites yet.',
    address: 'Address',
    division: 'Division',
    noDivision: 'No division',
    addSite: 'Add a site',
    createSite: 'Add site',
    contacts: 'Contacts',
    contactsIntro: 'People on this customer who get email notifications by their role, without a login. "Create user" makes a portal member of one and invites them.',
    noContacts: 'No contacts yet.',
    first: 'First name',
    last: 'Last name',
    email: 'Email address',
    phone: 'Phone number',
    phoneHint: 'In international form, e.g. +31 6 1234 5678.',
    role: 'Notification role',
    roleHint: 'Which notifications they get: billing, site manager, purchasing… or all.',
    addContact: 'Add a contact',
    createContact: 'Add contact',
    member: 'Portal member',
    isMember: 'Yes: a member was made of this contact',
    notMember: 'No',
    muted: 'Unsubscribed from',
    mutedEdit: 'Notifications they get no more',
    mutedHint: 'Ticked: unsubscribed (an email’s unsubscribe link ticks one too). Untick a kind to send it to them again, if they asked for it.',
    createUser: 'Create user',
    createUserIntro: 'Make {name} a portal member with the same name, email address and phone number, and email them an invitation. Their permissions are set on the members screen.',
    locale: 'Language of the invitation',
    message: 'Personal message in the invitation',
    createUserGo: 'Create user and invite',
    userCreated: '{name} is now a portal member and is invited.',
    stale: 'Someone else changed this meanwhile: it has been read again. Try once more if it is still what you want.',
    'role.site_manager': 'Site manager',
    'role.operations': 'Operations',
    'role.maintenance': 'Maintenance',
    'role.billing': 'Billing',
    'role.finance': 'Finance',
    'role.accounts': 'Accounts',
    'role.purchasing': 'Purchasing',
    'role.procurement': 'Procurement',
    'role.all': 'All notifications',
  },
  nl: {
    title: 'Klanten',
    intro: 'Uw klanten, elk onder zijn bovenliggende klant. Open er een om de divisies, locaties en contactpersonen te beheren.',
    tree: 'Klantenboom',
    none: 'Nog geen klanten.',
    add: 'Een klant toevoegen',
    name: 'Naam',
    code: 'Klantcode',
    parent: 'Bovenliggende klant',
    topLevel: 'Geen (een klant op het hoogste niveau)',
    optional: '(optioneel)',
    types: 'Soorten werkorders die de klant mag aanvragen',
    typesHint: 'Niets aangevinkt: een onderliggende klant neemt de soorten van de bovenliggende over; een klant op het hoogste niveau mag er geen aanvragen.',
    noTypes: 'Uw organisatie heeft nog geen soorten werkorders (zie de instellingen).',
    inherits: 'Die van de bovenliggende klant',
    typesNone: 'Geen',
    create: 'Klant toevoegen',
    created: '{name} is toegevoegd.',
    back: 'Alle klanten',
    path: 'Plaats in de boom',
    details: 'Gegevens',
    edit: 'Wijzigen',
    save: 'Opslaan',
    cancel: 'Annuleren',
    saved: '{name} is opgeslagen.',
    remove: 'Verwijderen',
    removed: '{name} is verwijderd.',
    confirm: '{name} verwijderen? Dit kan niet ongedaan worden gemaakt.',
    confirmCustomer: '{name} verwijderen? De API weigert dat zolang de klant onderliggende klanten, locaties of leden heeft.',
    confirmDivision: 'De divisie {name} verwijderen? De API weigert dat zolang er locaties onder vallen.',
    confirmed: 'Ja, verwijderen',
    children: 'Onderliggende klanten',
    noChildren: 'Geen onderliggende klanten.',
    addChild: 'Een onderliggende klant toevoegen',
    divisions: 'Divisies',
    divisionsIntro: 'Divisies groeperen de locaties van een klant; een hoofdgroep bundelt divisies.',
    noDivisions: 'Nog geen divisies.',
    noGroup: 'Geen hoofdgroep',
    parentGroup: 'Hoofdgroep',
    addDivision: 'Een divisie toevoegen',
    createDivision: 'Divisie toevoegen',
    sites: 'Locaties',
    noSites: 'Nog geen locaties.',
    address: 'Adres',
    division: 'Divisie',
    noDivision: 'Geen divisie',
    addSite: 'Een locatie toevoegen',
    createSite: 'Locatie toevoegen',
    contacts: 'Contactpersonen',
    contactsIntro: 'Mensen bij deze klant die per rol meldingen per e-mail krijgen, zonder login. Met "Gebruiker aanmaken" wordt iemand portaallid en krijgt een uitnodiging.',
    noContacts: 'Nog geen contactpersonen.',
    first: 'Voornaam',
    last: 'Achternaam',
    email: 'E-mailadres',
    phone: 'Telefoonnummer',
    phoneHint: 'In internationale vorm, bijv. +31 6 1234 5678.',
    role: 'Meldingsrol',
    roleHint: 'Welke meldingen zij krijgen: facturatie, locatiebeheerder, inkoop… of alle.',
    addContact: 'Een contactpersoon toevoegen',
    createContact: 'Contactpersoon toevoegen',
    member: 'Portaallid',
    isMember: 'Ja: van deze contactpersoon is een lid gemaakt',
    notMember: 'Nee',
    muted: 'Afgemeld voor',
    mutedEdit: 'Meldingen die zij niet meer krijgen',
    mutedHint: 'Aangevinkt: afgemeld (de afmeldlink in een e-mail vinkt er ook een aan). Vink een soort uit om die weer te sturen, als zij daarom vroegen.',
    createUser: 'Gebruiker aanmaken',
    createUserIntro: 'Maak {name} portaallid met dezelfde naam, hetzelfde e-mailadres en telefoonnummer, en stuur een uitnodiging per e-mail. De rechten stelt u in op het scherm met leden.',
    locale: 'Taal van de uitnodiging',
    message: 'Persoonlijk bericht in de uitnodiging',
    createUserGo: 'Gebruiker aanmaken en uitnodigen',
    userCreated: '{name} is nu portaallid en is uitgenodigd.',
    stale: 'Iemand anders heeft dit intussen gewijzigd: het is opnieuw gelezen. Probeer het nog eens als het nog steeds is wat u wilt.',
    'role.site_manager': 'Locatiebeheerder',
    'role.operations': 'Operations',
    'role.maintenance': 'Onderhoud',
    'role.billing': 'Facturatie',
    'role.finance': 'Financiën',
    'role.accounts': 'Administratie',
    'role.purchasing': 'Inkoop',
    'role.procurement': 'Aanbesteding',
    'role.all': 'Alle meldingen',
  },
});

type Customer = Schemas['CustomerView'];
type Division = Schemas['DivisionView'];
type Site = Schemas['SiteView'];
type Contact = Schemas['ContactView'];
type Kind = Schemas['NotificationKind'];

/** Every kind of notification, in the API's order (a contact's `muted` is in it too). */
const KINDS: Kind[] = ['quotes', 'invoices', 'jobs_completed', 'job_status', 'work_requests', 'messages'];

/** The roles Portico's notifications know (docs/communication.md); any other code is
 * taken too, and notified as `job_status`'s roles are. */
const ROLES = ['site_manager', 'operations', 'maintenance', 'billing', 'finance', 'accounts', 'purchasing', 'procurement', 'all'] as const;

const roleWord = (code: string) => ((ROLES as readonly string[]).includes(code) ? t(`role.${code}` as `role.${(typeof ROLES)[number]}`) : code);

/** `If-Match` for what a list gave: its `version` is what the record's ETag names. */
const versionOf = (v: { version: number }) => ifMatch(`"${v.version}"`);

/** Every page of a list the API pages (at most 200 an answer). */
export async function every<T>(read: (query: { limit: number; cursor?: string }) => Promise<{ items: T[]; next_cursor?: string | null }>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await read({ limit: 200, cursor });
    out.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return out;
}

/** Every customer, by name (a tenant has hundreds at most). */
export const allCustomers = async (): Promise<Customer[]> =>
  (await every((query) => data(api.GET('/admin/customers', { params: { query } })))).sort((a, b) => a.name.localeCompare(b.name));

/** A notice to show on the list after leaving a customer that was removed. */
let carried: string | null = null;

/** The customer's id in the path (`/office/customers/<id>`), if one is open. */
function openId(): string | null {
  const m = /^\/office\/customers\/([^/]+)\/?$/.exec(location.pathname);
  return m ? decodeURIComponent(m[1]) : null;
}

/** The screen's name in the console's menu. */
export const customersTitle = (): string => t('title');

export async function customersScreen(ctx: ScreenCtx): Promise<void> {
  const id = openId();
  await (id ? customerScreen(ctx, id) : treeScreen(ctx));
}

/** The state every form of a screen shares: what the API said to each, its
 * Idempotency-Key (kept while the same form is retried), the busy flag. */
class Forms {
  errors = new Map<string, unknown>();
  private keys = new Map<string, string>();
  busy = false;
  notice: string | null = null;
  /** What the API said to the last action that is not a form (a removal). */
  problem: unknown = null;

  key(form: string): string {
    const k = this.keys.get(form) ?? crypto.randomUUID();
    this.keys.set(form, k);
    return k;
  }

  done(form: string): void {
    this.errors.delete(form);
    this.keys.delete(form);
  }

  fieldErrors(form: string): Map<string, string> {
    return fieldErrors(this.errors.get(form));
  }

  /** Submits a form: the notice and everything read again, or the API's problem next to
   * the field it names (the form's own problem otherwise), focus moved to it. */
  submit(form: string, fields: readonly string[], draw: () => void, reload: () => Promise<void>, action: (values: FormData) => Promise<string>) {
    return async (ev: SubmitEvent) => {
      ev.preventDefault();
      const el = ev.target as HTMLFormElement;
      const values = new FormData(el);
      this.busy = true;
      this.notice = null;
      this.problem = null;
      this.errors.delete(form);
      draw();
      let error: unknown = null;
      try {
        this.notice = await action(values);
        this.done(form);
        el.reset();
      } catch (e) {
        error = e instanceof Problem && e.status === 412 ? new Problem(412, e.title, t('stale')) : e;
      }
      if (!error || (error instanceof Problem && error.status === 412)) await reload().catch((e: unknown) => (this.problem = e));
      if (error) this.errors.set(form, error);
      this.busy = false;
      draw();
      const first = fields.find((f) => this.fieldErrors(form).has(f));
      focus(!error ? '#customers-notice' : first ? `#${form}-${first}` : `#${form}-problem`);
    };
  }

  /** Runs an action that is not a form (a removal, after asking). */
  async act(draw: () => void, reload: () => Promise<void>, action: () => Promise<string | null>, settle: () => void): Promise<void> {
    this.busy = true;
    this.notice = null;
    this.problem = null;
    draw();
    try {
      this.notice = await action();
      // `null`: the action left the page (a removed customer's).
      if (this.notice === null) return;
    } catch (e) {
      this.problem = e instanceof Problem && e.status === 412 ? new Problem(412, e.title, t('stale')) : e;
    }
    await reload().catch((e: unknown) => (this.problem = e));
    settle();
    this.busy = false;
    draw();
    focus(this.problem ? '#customers-problem' : '#customers-notice');
  }

  /** The notice and the last action's problem, at the top of the screen. */
  banner(): TemplateResult {
    return html`${this.notice ? html`<p class="info" role="status" id="customers-notice" tabindex="-1">${this.notice}</p>` : nothing}
    ${this.problem ? html`<div id="customers-problem" tabindex="-1">${problemView(this.problem)}</div>` : nothing}`;
  }

  /** A form's problem that names none of its fields. */
  formProblem(form: string, fields: readonly string[]): TemplateResult | typeof nothing {
    const e = this.errors.get(form);
    if (!e) return nothing;
    const named = this.fieldErrors(form);
    return fields.some((f) => named.has(f)) ? nothing : html`<div id="${form}-problem" tabindex="-1">${problemView(e)}</div>`;
  }

  /** A labelled input (or textarea) with the API's message for it below. */
  field(form: string, name: string, label: string, o: FieldOptions = {}): TemplateResult {
    const id = `${form}-${name}`;
    const message = this.fieldErrors(form).get(name);
    const described = [message ? `${id}-error` : '', o.hint ? `${id}-hint` : ''].filter(Boolean).join(' ');
    const attrs = { invalid: message ? 'true' : 'false', described: described || nothing };
    return html`<label for=${id}>${label}${o.required ? nothing : html` <span class="hint">${t('optional')}</span>`}</label>
      ${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : nothing}
      ${o.multiline
        ? html`<textarea id=${id} name=${name} rows="3" ?required=${o.required} maxlength=${o.max ?? 500}
            aria-invalid=${attrs.invalid} aria-describedby=${attrs.described} .value=${o.value ?? ''}></textarea>`
        : html`<input id=${id} name=${name} type=${o.type ?? 'text'} ?required=${o.required} maxlength=${o.max ?? 200}
            autocomplete=${o.autocomplete ?? 'off'} list=${o.list ?? nothing} aria-invalid=${attrs.invalid}
            aria-describedby=${attrs.described} .value=${o.value ?? ''} />`}
      ${message ? html`<p class="problem" id="${id}-error">${message}</p>` : nothing}`;
  }
}

interface FieldOptions {
  value?: string | null;
  type?: string;
  required?: boolean;
  max?: number;
  multiline?: boolean;
  list?: string;
  hint?: string;
  autocomplete?: string;
}

/** A form's text: trimmed, or `null` when left empty (an optional field cleared). */
const text = (values: FormData, name: string): string | null => {
  const v = String(values.get(name) ?? '').trim();
  return v === '' ? null : v;
};
const required = (values: FormData, name: string): string => text(values, name) ?? '';

/** A PATCH body of only what the form changed (an address left as it was is not sent
 * again: the API treats a sent email address as the contact's new one). */
function changes<T extends object>(before: object, after: T): Partial<T> {
  const was = before as Record<string, unknown>;
  const same = (k: string, v: unknown) => JSON.stringify(v ?? null) === JSON.stringify(was[k] ?? null);
  return Object.fromEntries(Object.entries(after).filter(([k, v]) => !same(k, v))) as Partial<T>;
}

/** The work-order types ticked, as codes. */
const ticked = (values: FormData): string[] => values.getAll('allowed_work_order_types').map(String);

const CUSTOMER_FIELDS = ['name', 'account_code', 'parent_id', 'allowed_work_order_types'] as const;

/** The organisation's work-order types as boxes, those of `chosen` ticked. */
function typeBoxes(form: string, forms: Forms, types: Schemas['WorkOrderType'][], chosen: string[]): TemplateResult {
  const message = forms.fieldErrors(form).get('allowed_work_order_types');
  return html`<fieldset aria-describedby="${form}-types-hint">
    <legend>${t('types')}</legend>
    <p class="hint" id="${form}-types-hint">${types.length ? t('typesHint') : t('noTypes')}</p>
    ${types.map(
      (w) => html`<div class="switch">
        <input type="checkbox" id="${form}-type-${w.code}" name="allowed_work_order_types" value=${w.code} .checked=${chosen.includes(w.code)} />
        <label for="${form}-type-${w.code}">${w.name}</label>
      </div>`,
    )}
    ${message ? html`<p class="problem" id="${form}-allowed_work_order_types" tabindex="-1">${message}</p>` : nothing}
  </fieldset>`;
}

/** The form that adds a customer, under `parent` when given (else chosen in the form). */
function newCustomerForm(
  forms: Forms,
  ctx: ScreenCtx,
  customers: Customer[],
  parent: Customer | null,
  draw: () => void,
  reload: () => Promise<void>,
): TemplateResult {
  const form = 'new-customer';
  const submit = forms.submit(form, CUSTOMER_FIELDS, draw, reload, async (v) => {
    const body: Schemas['NewCustomer'] = {
      name: required(v, 'name'),
      parent_id: parent?.id ?? text(v, 'parent_id'),
      account_code: text(v, 'account_code'),
      allowed_work_order_types: ticked(v),
    };
    const made = await data(api.POST('/admin/customers', { body, params: { header: { 'Idempotency-Key': forms.key(form) } } }));
    return t('created', { name: made.name });
  });
  const tops = customerTree(customers);
  const options = (branches: Branch<Customer>[], depth: number): TemplateResult[] =>
    branches.flatMap((b) => [
      html`<option value=${b.customer.id}>${'\u2003'.repeat(depth)}${b.customer.name}</option>`,
      ...options(b.children, depth + 1),
    ]);
  return html`<section aria-labelledby="${form}-title">
    <h2 id="${form}-title">${parent ? t('addChild') : t('add')}</h2>
    ${forms.formProblem(form, CUSTOMER_FIELDS)}
    <form class="stack" @submit=${(ev: SubmitEvent) => void submit(ev)}>
      ${forms.field(form, 'name', t('name'), { required: true })}
      ${forms.field(form, 'account_code', t('code'), { max: 64 })}
      ${parent
        ? nothing
        : html`<label for="${form}-parent_id">${t('parent')}</label>
            <select id="${form}-parent_id" name="parent_id">
              <option value="">${t('topLevel')}</option>
              ${options(tops, 0)}
            </select>
            ${forms.fieldErrors(form).get('parent_id')
              ? html`<p class="problem" id="${form}-parent_id-error">${forms.fieldErrors(form).get('parent_id')}</p>`
              : nothing}`}
      ${typeBoxes(form, forms, ctx.session.settings.work_order_types, [])}
      <button type="submit" class="primary" ?disabled=${forms.busy}>${t('create')}</button>
    </form>
  </section>`;
}

/** `/office/customers`: the tree, and the form that adds a customer. */
async function treeScreen(ctx: ScreenCtx): Promise<void> {
  const forms = new Forms();
  forms.notice = carried;
  carried = null;
  let customers: Customer[] | null = null;
  let error: unknown = null;
  const reload = async () => {
    try {
      customers = await allCustomers();
      error = null;
    } catch (e) {
      error = e;
    }
  };
  const branch = (b: Branch<Customer>): TemplateResult => html`<li>
    <a href="/office/customers/${b.customer.id}" data-link>${b.customer.name}</a>
    ${b.customer.account_code ? html` <span class="hint">${b.customer.account_code}</span>` : nothing}
    ${b.children.length ? html`<ul>${b.children.map(branch)}</ul>` : nothing}
  </li>`;
  const draw = (): void =>
    ctx.show(html`<h1 tabindex="-1">${t('title')}</h1>
      <p>${t('intro')}</p>
      ${forms.banner()}
      <section aria-labelledby="tree-title" class="customer-tree">
        <h2 id="tree-title">${t('tree')}</h2>
        ${error ? problemView(error) : nothing}
        ${customers === null
          ? html`<p role="status">${appWord('app.loading')}</p>`
          : customers.length === 0
            ? html`<p>${t('none')}</p>`
            : html`<ul id="customer-tree">${customerTree(customers).map(branch)}</ul>`}
      </section>
      ${newCustomerForm(forms, ctx, customers ?? [], null, draw, reload)}`);
  draw();
  ctx.titled(t('title'));
  await reload();
  draw();
}

/** `/office/customers/<id>`: one customer and what is filed under it. */
async function customerScreen(ctx: ScreenCtx, id: string): Promise<void> {
  const forms = new Forms();
  const path = { params: { path: { customer_id: id } } };
  let customer!: { body: Customer; etag: string | null };
  let customers: Customer[] = [];
  let divisions: Division[] = [];
  let sites: Site[] = [];
  let contacts: Contact[] = [];
  // What is open: the customer's or a record's edit form, a removal being asked, a
  // contact's "create user".
  let editing: string | null = null;
  let confirming: string | null = null;
  let making: string | null = null;

  const reload = async () => {
    [customer, customers, divisions, sites, contacts] = await Promise.all([
      tagged(api.GET('/admin/customers/{customer_id}', path)),
      allCustomers(),
      every((query) => data(api.GET('/admin/customers/{customer_id}/divisions', { params: { path: path.params.path, query } }))),
      every((query) => data(api.GET('/admin/customers/{customer_id}/sites', { params: { path: path.params.path, query } }))),
      every((query) => data(api.GET('/admin/customers/{customer_id}/contacts', { params: { path: path.params.path, query } }))),
    ]);
  };
  await reload();

  const settings = ctx.session.settings;
  const typeName = (code: string) => settings.work_order_types.find((w) => w.code === code)?.name ?? code;
  const hidden = (name: string) => html`<span class="visually-hidden"> ${name}</span>`;
  const open = (what: { editing?: string | null; confirming?: string | null; making?: string | null }, focusOn: string) => {
    editing = what.editing ?? null;
    confirming = what.confirming ?? null;
    making = what.making ?? null;
    forms.notice = null;
    forms.problem = null;
    draw();
    focus(focusOn);
  };
  const close = (focusOn: string) => open({}, focusOn);
  /** Asks before removing; `remove` returns the notice. */
  const asking = (key: string, question: string, remove: () => Promise<string | null>, back: string): TemplateResult => html`<div class="info">
    <p id="confirm-${key}">${question}</p>
    <div class="actions">
      <button type="button" class="primary" id="confirm-${key}-yes" aria-describedby="confirm-${key}" ?disabled=${forms.busy}
        @click=${() => void forms.act(draw, reload, remove, () => (confirming = null))}>${t('confirmed')}</button>
      <button type="button" ?disabled=${forms.busy} @click=${() => close(back)}>${t('cancel')}</button>
    </div>
  </div>`;
  const buttons = (key: string, name: string, focusEdit: string) => html`<div class="actions">
    <button type="button" class="edit-${key}" ?disabled=${forms.busy} @click=${() => open({ editing: key }, focusEdit)}>${t('edit')}${hidden(name)}</button>
    <button type="button" class="remove-${key}" ?disabled=${forms.busy} @click=${() => open({ confirming: key }, `#confirm-${key}-yes`)}
      >${t('remove')}${hidden(name)}</button>
  </div>`;
  const saveOrCancel = (back: string) => html`<div class="actions">
    <button type="submit" class="primary" ?disabled=${forms.busy}>${t('save')}</button>
    <button type="button" ?disabled=${forms.busy} @click=${() => close(back)}>${t('cancel')}</button>
  </div>`;
  /** After a form that edits: closed once it saved. */
  const saving = (form: string, fields: readonly string[], action: (v: FormData) => Promise<string>) =>
    forms.submit(form, fields, draw, reload, async (v) => {
      const notice = await action(v);
      editing = null;
      return notice;
    });

  // --- the customer itself -------------------------------------------------------------
  const details = (): TemplateResult => {
    const c = customer.body;
    const form = 'customer';
    if (editing === form) {
      const submit = saving(form, CUSTOMER_FIELDS, async (v) => {
        const body: Schemas['CustomerPatch'] = changes(c, { name: required(v, 'name'), account_code: text(v, 'account_code'), allowed_work_order_types: ticked(v) });
        const saved = await data(api.PATCH('/admin/customers/{customer_id}', { ...path, body, headers: ifMatch(customer.etag) }));
        return t('saved', { name: saved.name });
      });
      return html`${forms.formProblem(form, CUSTOMER_FIELDS)}
        <form class="stack" @submit=${(ev: SubmitEvent) => void submit(ev)}>
          ${forms.field(form, 'name', t('name'), { required: true, value: c.name })}
          ${forms.field(form, 'account_code', t('code'), { max: 64, value: c.account_code })}
          ${typeBoxes(form, forms, settings.work_order_types, c.allowed_work_order_types)}
          ${saveOrCancel('.edit-customer')}
        </form>`;
    }
    const types = c.allowed_work_order_types;
    return html`<dl class="facts">
        <dt>${t('name')}</dt>
        <dd>${c.name}</dd>
        <dt>${t('code')}</dt>
        <dd>${c.account_code ?? '—'}</dd>
        <dt>${t('types')}</dt>
        <dd>${types.length ? types.map(typeName).join(', ') : c.parent_id ? t('inherits') : t('typesNone')}</dd>
      </dl>
      ${confirming === form
        ? asking(form, t('confirmCustomer', { name: c.name }), async () => {
            await api.DELETE('/admin/customers/{customer_id}', { ...path, headers: ifMatch(customer.etag) });
            carried = t('removed', { name: c.name });
            ctx.go('/office/customers');
            return null;
          }, '.remove-customer')
        : buttons(form, c.name, '#customer-name')}`;
  };

  // --- divisions -----------------------------------------------------------------------
  const DIVISION_FIELDS = ['name', 'parent_group'] as const;
  const groups = () => [...new Set(divisions.map((d) => d.parent_group).filter((g): g is string => !!g))].sort();
  const division = (d: Division): TemplateResult => {
    const form = `division-${d.id}`;
    if (editing === d.id) {
      const submit = saving(form, DIVISION_FIELDS, async (v) => {
        const body: Schemas['DivisionPatch'] = changes(d, { name: required(v, 'name'), parent_group: text(v, 'parent_group') });
        const saved = await data(api.PATCH('/admin/divisions/{division_id}', { params: { path: { division_id: d.id } }, body, headers: versionOf(d) }));
        return t('saved', { name: saved.name });
      });
      return html`<li class="card-item" data-division=${d.id}>
        ${forms.formProblem(form, DIVISION_FIELDS)}
        <form class="stack" @submit=${(ev: SubmitEvent) => void submit(ev)}>
          ${forms.field(form, 'name', t('name'), { required: true, value: d.name })}
          ${forms.field(form, 'parent_group', t('parentGroup'), { value: d.parent_group, list: 'parent-groups' })}
          ${saveOrCancel(`[data-division="${d.id}"] .edit-${d.id}`)}
        </form>
      </li>`;
    }
    return html`<li class="card-item" data-division=${d.id}>
      <h4>${d.name}</h4>
      ${confirming === d.id
        ? asking(d.id, t('confirmDivision', { name: d.name }), async () => {
            await api.DELETE('/admin/divisions/{division_id}', { params: { path: { division_id: d.id } }, headers: versionOf(d) });
            return t('removed', { name: d.name });
          }, `.remove-${d.id}`)
        : buttons(d.id, d.name, `#${form}-name`)}
    </li>`;
  };
  const divisionSection = (): TemplateResult => {
    const form = 'new-division';
    const submit = forms.submit(form, DIVISION_FIELDS, draw, reload, async (v) => {
      const body: Schemas['NewDivision'] = { name: required(v, 'name'), parent_group: text(v, 'parent_group') };
      const made = await data(
        api.POST('/admin/customers/{customer_id}/divisions', { params: { path: path.params.path, header: { 'Idempotency-Key': forms.key(form) } }, body }),
      );
      return t('created', { name: made.name });
    });
    return html`<section aria-labelledby="divisions-title">
      <h2 id="divisions-title">${t('divisions')}</h2>
      <p class="hint">${t('divisionsIntro')}</p>
      <datalist id="parent-groups">${groups().map((g) => html`<option value=${g}></option>`)}</datalist>
      ${divisions.length === 0
        ? html`<p>${t('noDivisions')}</p>`
        : byParentGroup(divisions).map(
            ([group, list]) => html`<h3>${group || t('noGroup')}</h3>
              <ul class="cards">${list.map(division)}</ul>`,
          )}
      <h3 id="${form}-title">${t('addDivision')}</h3>
      ${forms.formProblem(form, DIVISION_FIELDS)}
      <form class="stack" aria-labelledby="${form}-title" @submit=${(ev: SubmitEvent) => void submit(ev)}>
        ${forms.field(form, 'name', t('name'), { required: true })}
        ${forms.field(form, 'parent_group', t('parentGroup'), { list: 'parent-groups' })}
        <button type="submit" class="primary" ?disabled=${forms.busy}>${t('createDivision')}</button>
      </form>
    </section>`;
  };

  // --- sites ---------------------------------------------------------------------------
  const SITE_FIELDS = ['name', 'address', 'division_id'] as const;
  const divisionName = (id: string | null | undefined) => divisions.find((d) => d.id === id)?.name ?? t('noDivision');
  const divisionPicker = (form: string, chosen: string | null | undefined) => {
    const message = forms.fieldErrors(form).get('division_id');
    return html`<label for="${form}-division_id">${t('division')}</label>
      <select id="${form}-division_id" name="division_id" aria-invalid=${message ? 'true' : 'false'}
        aria-describedby=${message ? `${form}-division_id-error` : nothing}>
        <option value="" ?selected=${!chosen}>${t('noDivision')}</option>
        ${divisions.map((d) => html`<option value=${d.id} ?selected=${d.id === chosen}>${d.parent_group ? `${d.parent_group} › ` : ''}${d.name}</option>`)}
      </select>
      ${message ? html`<p class="problem" id="${form}-division_id-error">${message}</p>` : nothing}`;
  };
  const site = (s: Site): TemplateResult => {
    const form = `site-${s.id}`;
    if (editing === s.id) {
      const submit = saving(form, SITE_FIELDS, async (v) => {
        const body: Schemas['SitePatch'] = changes(s, { name: required(v, 'name'), address: required(v, 'address'), division_id: text(v, 'division_id') });
        const saved = await data(api.PATCH('/admin/sites/{site_id}', { params: { path: { site_id: s.id } }, body, headers: versionOf(s) }));
        return t('saved', { name: saved.name });
      });
      return html`<li class="card-item" data-site=${s.id}>
        ${forms.formProblem(form, SITE_FIELDS)}
        <form class="stack" @submit=${(ev: SubmitEvent) => void submit(ev)}>
          ${forms.field(form, 'name', t('name'), { required: true, value: s.name })}
          ${forms.field(form, 'address', t('address'), { required: true, multiline: true, value: s.address })}
          ${divisionPicker(form, s.division_id)} ${saveOrCancel(`.edit-${s.id}`)}
        </form>
      </li>`;
    }
    return html`<li class="card-item" data-site=${s.id}>
      <h3>${s.name}</h3>
      <dl class="facts">
        <dt>${t('address')}</dt>
        <dd>${lines(s.address)}</dd>
        <dt>${t('division')}</dt>
        <dd>${divisionName(s.division_id)}</dd>
      </dl>
      ${confirming === s.id
        ? asking(s.id, t('confirm', { name: s.name }), async () => {
            await api.DELETE('/admin/sites/{site_id}', { params: { path: { site_id: s.id } }, headers: versionOf(s) });
            return t('removed', { name: s.name });
          }, `.remove-${s.id}`)
        : buttons(s.id, s.name, `#${form}-name`)}
    </li>`;
  };
  const siteSection = (): TemplateResult => {
    const form = 'new-site';
    const submit = forms.submit(form, SITE_FIELDS, draw, reload, async (v) => {
      const body: Schemas['NewSite'] = { name: required(v, 'name'), address: required(v, 'address'), division_id: text(v, 'division_id') };
      const made = await data(
        api.POST('/admin/customers/{customer_id}/sites', { params: { path: path.params.path, header: { 'Idempotency-Key': forms.key(form) } }, body }),
      );
      return t('created', { name: made.name });
    });
    return html`<section aria-labelledby="sites-title">
      <h2 id="sites-title">${t('sites')}</h2>
      ${sites.length === 0 ? html`<p>${t('noSites')}</p>` : html`<ul class="cards">${sites.map(site)}</ul>`}
      <h3 id="${form}-title">${t('addSite')}</h3>
      ${forms.formProblem(form, SITE_FIELDS)}
      <form class="stack" aria-labelledby="${form}-title" @submit=${(ev: SubmitEvent) => void submit(ev)}>
        ${forms.field(form, 'name', t('name'), { required: true })}
        ${forms.field(form, 'address', t('address'), { required: true, multiline: true })}
        ${divisionPicker(form, null)}
        <button type="submit" class="primary" ?disabled=${forms.busy}>${t('createSite')}</button>
      </form>
    </section>`;
  };

  // --- contacts ------------------------------------------------------------------------
  const CONTACT_FIELDS = ['first_name', 'last_name', 'email', 'phone', 'role', 'muted'] as const;
  /** The kinds a contact has switched off (or an office for them), as boxes to edit. */
  const mutedBoxes = (form: string, c: Contact) => {
    const message = forms.fieldErrors(form).get('muted');
    return html`<fieldset aria-describedby="${form}-muted-hint">
      <legend>${t('mutedEdit')}</legend>
      <p class="hint" id="${form}-muted-hint">${t('mutedHint')}</p>
      ${KINDS.map(
        (k) => html`<div class="switch">
          <input type="checkbox" id="${form}-muted-${k}" name="muted" value=${k} .checked=${c.muted.includes(k)} />
          <label for="${form}-muted-${k}">${appWord(`notify.${k}`)}</label>
        </div>`,
      )}
      ${message ? html`<p class="problem" id="${form}-muted" tabindex="-1">${message}</p>` : nothing}
    </fieldset>`;
  };
  const contactFields = (form: string, c: Contact | null) =>
    html`${forms.field(form, 'first_name', t('first'), { required: true, value: c?.first_name })}
    ${forms.field(form, 'last_name', t('last'), { required: true, value: c?.last_name })}
    ${forms.field(form, 'email', t('email'), { required: true, type: 'email', max: 254, value: c?.email })}
    ${forms.field(form, 'phone', t('phone'), { type: 'tel', max: 32, value: c?.phone, hint: t('phoneHint') })}
    ${forms.field(form, 'role', t('role'), { required: true, max: 64, value: c?.role, list: 'contact-roles', hint: t('roleHint') })}`;
  const contactBody = (v: FormData) => ({
    first_name: required(v, 'first_name'),
    last_name: required(v, 'last_name'),
    email: required(v, 'email'),
    phone: text(v, 'phone'),
    role: required(v, 'role'),
  });
  const fullName = (c: Contact) => `${c.first_name} ${c.last_name}`;
  const USER_FIELDS = ['locale', 'message'] as const;
  const createUser = (c: Contact): TemplateResult => {
    const form = `user-${c.id}`;
    const submit = forms.submit(form, USER_FIELDS, draw, reload, async (v) => {
      const body: Schemas['CreateUser'] = { locale: (text(v, 'locale') ?? undefined) as Schemas['Locale'] | undefined, message: text(v, 'message') };
      await data(api.POST('/admin/contacts/{contact_id}/create-user', { params: { path: { contact_id: c.id } }, body }));
      making = null;
      return t('userCreated', { name: fullName(c) });
    });
    return html`<div class="info">
      <p id="${form}-intro">${t('createUserIntro', { name: fullName(c) })}</p>
      ${forms.formProblem(form, USER_FIELDS)}
      <form class="stack" aria-describedby="${form}-intro" @submit=${(ev: SubmitEvent) => void submit(ev)}>
        <label for="${form}-locale">${t('locale')}</label>
        <select id="${form}-locale" name="locale">
          <option value="en" ?selected=${settings.default_locale === 'en'}>English</option>
          <option value="nl" ?selected=${settings.default_locale === 'nl'}>Nederlands</option>
        </select>
        ${forms.field(form, 'message', t('message'), { multiline: true, max: 2000 })}
        <div class="actions">
          <button type="submit" class="primary" ?disabled=${forms.busy}>${t('createUserGo')}</button>
          <button type="button" ?disabled=${forms.busy} @click=${() => close(`.user-${c.id}`)}>${t('cancel')}</button>
        </div>
      </form>
    </div>`;
  };
  const contact = (c: Contact): TemplateResult => {
    const form = `contact-${c.id}`;
    if (editing === c.id) {
      const submit = saving(form, CONTACT_FIELDS, async (v) => {
        const saved = await data(
          api.PATCH('/admin/contacts/{contact_id}', {
            params: { path: { contact_id: c.id } },
            body: changes(c, { ...contactBody(v), muted: v.getAll('muted').map(String) as Kind[] }),
            headers: versionOf(c),
          }),
        );
        return t('saved', { name: fullName(saved) });
      });
      return html`<li class="card-item" data-contact=${c.id}>
        ${forms.formProblem(form, CONTACT_FIELDS)}
        <form class="stack" @submit=${(ev: SubmitEvent) => void submit(ev)}>
          ${contactFields(form, c)} ${mutedBoxes(form, c)} ${saveOrCancel(`.edit-${c.id}`)}
        </form>
      </li>`;
    }
    return html`<li class="card-item" data-contact=${c.id}>
      <h3>${fullName(c)}</h3>
      <dl class="facts">
        <dt>${t('role')}</dt>
        <dd>${roleWord(c.role)}</dd>
        <dt>${t('email')}</dt>
        <dd>${c.email}${c.suppressed ? html` ${suppressionBadge(c.suppressed)}` : nothing}</dd>
        ${suppressionFact(c.suppressed, `contact-${c.id}-suppressed`)}
        <dt>${t('phone')}</dt>
        <dd>${c.phone ?? '—'}</dd>
        ${c.muted.length
          ? html`<dt>${t('muted')}</dt>
              <dd>${c.muted.map((k) => appWord(`notify.${k}`)).join(', ')}</dd>`
          : nothing}
        <dt>${t('member')}</dt>
        <dd>${c.member_id ? t('isMember') : t('notMember')}</dd>
      </dl>
      ${confirming === c.id
        ? asking(c.id, t('confirm', { name: fullName(c) }), async () => {
            await api.DELETE('/admin/contacts/{contact_id}', { params: { path: { contact_id: c.id } }, headers: versionOf(c) });
            return t('removed', { name: fullName(c) });
          }, `.remove-${c.id}`)
        : making === c.id
          ? createUser(c)
          : html`${buttons(c.id, fullName(c), `#${form}-first_name`)}
            ${c.member_id
              ? nothing
              : html`<div class="actions">
                  <button type="button" class="user-${c.id}" ?disabled=${forms.busy} @click=${() => open({ making: c.id }, `#user-${c.id}-locale`)}
                    >${t('createUser')}${hidden(fullName(c))}</button>
                </div>`}`}
    </li>`;
  };
  const contactSection = (): TemplateResult => {
    const form = 'new-contact';
    const submit = forms.submit(form, CONTACT_FIELDS, draw, reload, async (v) => {
      const made = await data(
        api.POST('/admin/customers/{customer_id}/contacts', {
          params: { path: path.params.path, header: { 'Idempotency-Key': forms.key(form) } },
          body: contactBody(v) as Schemas['NewContact'],
        }),
      );
      return t('created', { name: fullName(made) });
    });
    return html`<section aria-labelledby="contacts-title">
      <h2 id="contacts-title">${t('contacts')}</h2>
      <p class="hint">${t('contactsIntro')}</p>
      <datalist id="contact-roles">${ROLES.map((r) => html`<option value=${r}>${roleWord(r)}</option>`)}</datalist>
      ${contacts.length === 0 ? html`<p>${t('noContacts')}</p>` : html`<ul class="cards">${contacts.map(contact)}</ul>`}
      <h3 id="${form}-title">${t('addContact')}</h3>
      ${forms.formProblem(form, CONTACT_FIELDS)}
      <form class="stack" aria-labelledby="${form}-title" @submit=${(ev: SubmitEvent) => void submit(ev)}>
        ${contactFields(form, null)}
        <button type="submit" class="primary" ?disabled=${forms.busy}>${t('createContact')}</button>
      </form>
    </section>`;
  };

  // --- the page ------------------------------------------------------------------------
  const draw = (): void => {
    const c = customer.body;
    const above = ancestors(customers, c.id);
    const children = customers.filter((x) => x.parent_id === c.id).sort((a, b) => a.name.localeCompare(b.name));
    ctx.show(html`<p><a href="/office/customers" data-link>← ${t('back')}</a></p>
      <h1 tabindex="-1">${c.name}</h1>
      ${above.length
        ? html`<nav aria-label=${t('path')} id="customer-path">
            <p>${above.map((a) => html`<a href="/office/customers/${a.id}" data-link>${a.name}</a> › `)}<span aria-current="page">${c.name}</span></p>
          </nav>`
        : nothing}
      ${forms.banner()}
      <section aria-labelledby="details-title">
        <h2 id="details-title">${t('details')}</h2>
        ${details()}
      </section>
      ${divisionSection()} ${siteSection()} ${contactSection()}
      <section aria-labelledby="children-title">
        <h2 id="children-title">${t('children')}</h2>
        ${children.length
          ? html`<ul id="children">
              ${children.map((x) => html`<li><a href="/office/customers/${x.id}" data-link>${x.name}</a></li>`)}
            </ul>`
          : html`<p>${t('noChildren')}</p>`}
      </section>
      ${newCustomerForm(forms, ctx, customers, c, draw, reload)}`);
  };
  draw();
  ctx.titled(customer.body.name);
}

/** An address as typed, its lines kept. */
const lines = (address: string): TemplateResult[] =>
  address.split('\n').map((line, i) => html`${i ? html`<br />` : nothing}${line}`);

