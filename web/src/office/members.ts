// Members: the people of a customer who sign in to the member portal (`/admin/members`).
// The list is per customer (picked from `GET /admin/customers`), with a form to add one
// (with their access groups, and whether they see their whole customer or only what
// their groups open);
// a member's own page (`/office/members/<id>`) shows their record, edits it (PATCH with
// `If-Match`), invites them (or again, with a personal message, to another address),
// resets their password, switches them off and on, deletes them (after asking), hides
// documents from them, sets which sites they see (their whole customer, or customers,
// divisions and sites picked in the customer tree under it: the member's `scope`), and
// shows what their portal opens to them as the API computes it
// (`GET /admin/members/{id}/access`).

import { html, nothing, type TemplateResult } from 'lit-html';
import { api, data, ifMatch, Problem, tagged, type Schemas } from '../api';
import { Listing } from '../app';
import { dateTime, permission, t as appWord, words, type Key } from '../i18n';
import { startViewing } from '../viewas';
import { pickedOf } from './customer-tree';
import { allCustomers } from './customers';
import { ScopePicker } from './scope-picker';
import { fieldErrors, focus, type ScreenCtx } from './screen';
import {
  asking, boxes, field, focusFirstError, limitFields, limitsOf, limitsText, list, pageProblem, PERMISSIONS,
  report, REPORTS, suppressionBadge, suppressionFact, textOf, ticked, unplaced,
} from './rights';
import { inviteCsvScreen } from './invite-csv';

const t = words({
  en: {
    title: 'Members',
    intro: "The people of your customers who sign in to the portal. Pick a customer to see its members, or add one.",
    customer: 'Customer',
    show: 'Show members',
    noCustomers: 'There are no customers yet.',
    listOf: 'Members of {name}',
    email: 'Email address',
    phone: 'Phone number',
    phoneHint: 'In international form, say +31 20 123 4567.',
    jobTitle: 'Job title',
    language: 'Language',
    portalDefault: "The portal's default",
    status: 'Status',
    not_invited: 'Not invited yet',
    invited: 'Invited',
    disabled: 'Switched off',
    admin: 'Admin',
    adminBox: "Admin of their customer (every permission, and they manage their customer's members)",
    add: 'Add a member',
    addIntro: 'Adding a member sends nothing yet: invite them from their page when you are ready.',
    setupFirst: 'Members can be added once the portal set-up is complete.',
    setupLink: 'Complete the set-up',
    importCsv: 'Invite many at once from a CSV file',
    first: 'First name',
    last: 'Last name',
    permissions: 'Permissions',
    reports: 'Reports they may run',
    notifications: 'Email notifications',
    groups: 'Access groups',
    seesWhat: 'Sites they see',
    seesCustomer: "All of {name}'s sites (and its child customers')",
    seesGroups: 'Only the sites their access groups open',
    create: 'Add member',
    back: 'Members of this customer',
    details: 'Details',
    none: 'None',
    limits: 'Approval limits',
    limitsHint: 'The most they may approve per quote. Leave the amount empty to remove a limit.',
    invitedAt: 'Invited on',
    edit: 'Change details and rights',
    save: 'Save changes',
    saved: 'Changes saved.',
    stale: 'Someone else changed this member meanwhile. Reload the page to see their change, then make yours again.',
    reload: 'Reload',
    invite: 'Invite',
    resend: 'Send the invitation again',
    inviteIntro: 'They get an email with a temporary password for their first sign-in.',
    message: 'Personal message (optional)',
    otherEmail: 'Send it to another address (optional)',
    sendInvite: 'Send invitation',
    wasInvited: 'Invitation sent to {email}.',
    more: 'Access',
    viewAs: 'View as this member',
    viewAsHint: 'Opens their portal as they see it, read-only, for 30 minutes. It is recorded in the audit trail.',
    resetPassword: 'Reset password',
    wasReset: '{name} gets an email with a code to choose a new password.',
    disable: 'Switch off access',
    enable: 'Switch access on',
    wasDisabled: "{name}'s access is switched off, and they are signed out everywhere.",
    wasEnabled: "{name}'s access is switched on again.",
    remove: 'Delete member',
    confirm: 'Delete {name}? Their login is removed; the audit trail keeps their record.',
    confirmed: 'Yes, delete',
    cancel: 'Cancel',
    wasRemoved: '{name} is deleted.',
    hidden: 'Hidden documents',
    hiddenIntro: 'Documents ticked here are hidden from this member, whatever their rights.',
    saveHidden: 'Save hidden documents',
    hiddenSaved: 'Hidden documents saved.',
    noDocuments: 'This customer has no documents.',
    sees: 'What they can see',
    seesIntro: 'Their portal as the API opens it to them: their own rights and their groups\'.',
    seesOff: 'Their access is switched off: the portal refuses them whatever is below.',
    features: 'Portal sections',
    effective: 'Permissions',
    runs: 'Reports',
    sites: 'Sites',
    unlimited: 'No limit',
    scope: 'Which sites they see',
    scopeIntro: 'On top of what their access groups open.',
    scopeChoice: 'Their own sites',
    scopePicked: 'Only the customers, divisions and sites ticked below',
    picked: 'Customers, divisions and sites',
    pickedHint: 'Tick their customer or a child customer for all of it, or open it to tick some of its divisions or sites. With nothing ticked, they see only what their access groups open.',
    saveScope: 'Save which sites they see',
    scopeSaved: 'Saved which sites they see.',
  },
  nl: {
    title: 'Leden',
    intro: 'De mensen van uw klanten die inloggen op het portaal. Kies een klant om de leden te zien, of voeg er een toe.',
    customer: 'Klant',
    show: 'Leden tonen',
    noCustomers: 'Er zijn nog geen klanten.',
    listOf: 'Leden van {name}',
    email: 'E-mailadres',
    phone: 'Telefoonnummer',
    phoneHint: 'In internationale vorm, bijvoorbeeld +31 20 123 4567.',
    jobTitle: 'Functie',
    language: 'Taal',
    portalDefault: 'De standaardtaal van het portaal',
    status: 'Status',
    not_invited: 'Nog niet uitgenodigd',
    invited: 'Uitgenodigd',
    disabled: 'Uitgeschakeld',
    admin: 'Beheerder',
    adminBox: 'Beheerder van de eigen klant (alle rechten, en beheert de leden van de klant)',
    add: 'Een lid toevoegen',
    addIntro: 'Toevoegen verstuurt nog niets: nodig het lid uit vanaf de eigen pagina wanneer u zover bent.',
    setupFirst: 'Leden kunnen worden toegevoegd zodra de inrichting van het portaal voltooid is.',
    setupLink: 'De inrichting voltooien',
    importCsv: 'Meerdere tegelijk uitnodigen vanuit een CSV-bestand',
    first: 'Voornaam',
    last: 'Achternaam',
    permissions: 'Rechten',
    reports: 'Rapportages die het lid mag bekijken',
    notifications: 'E-mailmeldingen',
    groups: 'Toegangsgroepen',
    seesWhat: 'Locaties die het lid ziet',
    seesCustomer: 'Alle locaties van {name} (en van de onderliggende klanten)',
    seesGroups: 'Alleen de locaties die de toegangsgroepen openen',
    create: 'Lid toevoegen',
    back: 'Leden van deze klant',
    details: 'Gegevens',
    none: 'Geen',
    limits: 'Goedkeuringslimieten',
    limitsHint: 'Het hoogste bedrag per offerte dat het lid mag goedkeuren. Laat het bedrag leeg om een limiet te verwijderen.',
    invitedAt: 'Uitgenodigd op',
    edit: 'Gegevens en rechten wijzigen',
    save: 'Wijzigingen opslaan',
    saved: 'Wijzigingen opgeslagen.',
    stale: 'Iemand anders heeft dit lid intussen gewijzigd. Laad de pagina opnieuw om die wijziging te zien, en breng de uwe daarna opnieuw aan.',
    reload: 'Opnieuw laden',
    invite: 'Uitnodigen',
    resend: 'Uitnodiging opnieuw versturen',
    inviteIntro: 'Het lid krijgt een e-mail met een tijdelijk wachtwoord om de eerste keer mee in te loggen.',
    message: 'Persoonlijk bericht (optioneel)',
    otherEmail: 'Naar een ander adres sturen (optioneel)',
    sendInvite: 'Uitnodiging versturen',
    wasInvited: 'Uitnodiging verstuurd naar {email}.',
    more: 'Toegang',
    viewAs: 'Bekijken als dit lid',
    viewAsHint: 'Opent het portaal zoals het lid het ziet, alleen lezen, 30 minuten lang. Dit wordt vastgelegd in de audittrail.',
    resetPassword: 'Wachtwoord resetten',
    wasReset: '{name} krijgt een e-mail met een code om een nieuw wachtwoord te kiezen.',
    disable: 'Toegang uitschakelen',
    enable: 'Toegang inschakelen',
    wasDisabled: 'De toegang van {name} is uitgeschakeld, en {name} is overal afgemeld.',
    wasEnabled: 'De toegang van {name} is weer ingeschakeld.',
    remove: 'Lid verwijderen',
    confirm: '{name} verwijderen? De login wordt verwijderd; de audittrail bewaart de gegevens.',
    confirmed: 'Ja, verwijderen',
    cancel: 'Annuleren',
    wasRemoved: '{name} is verwijderd.',
    hidden: 'Verborgen documenten',
    hiddenIntro: 'De documenten die hier aangevinkt zijn, ziet dit lid niet, welke rechten het ook heeft.',
    saveHidden: 'Verborgen documenten opslaan',
    hiddenSaved: 'Verborgen documenten opgeslagen.',
    noDocuments: 'Deze klant heeft geen documenten.',
    sees: 'Wat het lid ziet',
    seesIntro: 'Het portaal zoals de API het voor het lid opent: de eigen rechten en die van de groepen.',
    seesOff: 'De toegang is uitgeschakeld: het portaal weigert het lid, wat hieronder ook staat.',
    features: 'Onderdelen van het portaal',
    effective: 'Rechten',
    runs: 'Rapportages',
    sites: 'Locaties',
    unlimited: 'Geen limiet',
    scope: 'Welke locaties het lid ziet',
    scopeIntro: 'Bovenop wat de toegangsgroepen openen.',
    scopeChoice: 'Eigen locaties',
    scopePicked: 'Alleen de klanten, divisies en locaties die hieronder aangevinkt zijn',
    picked: 'Klanten, divisies en locaties',
    pickedHint: 'Vink de eigen klant of een onderliggende klant aan voor alles van die klant, of open de klant om divisies of locaties aan te vinken. Is niets aangevinkt, dan ziet het lid alleen wat de toegangsgroepen openen.',
    saveScope: 'Opslaan welke locaties het lid ziet',
    scopeSaved: 'Opgeslagen welke locaties het lid ziet.',
  },
});

type Member = Schemas['MemberView'];
type Permission = Schemas['Permission'];
type Report = Schemas['Report'];
type Kind = Schemas['NotificationKind'];

const KINDS: Kind[] = ['quotes', 'invoices', 'jobs_completed', 'job_status', 'work_requests', 'messages', 'payments'];
/** The portal's word for each feature: its tab's. */
const FEATURE_WORD: Record<Schemas['Feature'], Key> = {
  jobs: 'nav.jobs', work_requests: 'nav.requests', quotes: 'nav.quotes', invoices: 'nav.invoices',
  assets: 'nav.assets', documents: 'nav.documents', messages: 'nav.messages', reports: 'nav.reports', payments: 'feature.payments',
};

const fullName = (m: Member) => `${m.first_name} ${m.last_name}`;

/** The menu's word for this screen. */
export const membersLabel = (): string => t('title');

/** The list, or a member's page, by the path under `/office/members`. */
export async function membersScreen(ctx: ScreenCtx): Promise<void> {
  const id = /^\/office\/members\/([^/]+)$/.exec(location.pathname.replace(/\/+$/, ''))?.[1];
  if (id === 'import') await inviteCsvScreen(ctx);
  else if (id) await memberPage(ctx, decodeURIComponent(id));
  else await listPage(ctx);
}

/** The documents of a customer and of the customers under it (a member's scope may
 * reach them): the ones one could hide from its members. */
async function documentsOf(customerId: string): Promise<Schemas['DocumentView'][]> {
  const tree = subtree(await allCustomers(), customerId);
  const pages = await Promise.all(
    tree.map(({ id }) => data(api.GET('/admin/documents', { params: { query: { customer_id: id, limit: 200 } } }))),
  );
  return pages.flatMap((p) => p.items);
}

/** The customer and the customers under it (at any depth): where a member's scope may reach. */
function subtree(customers: Schemas['CustomerView'][], customerId: string): Schemas['CustomerView'][] {
  const tree = customers.filter((c) => c.id === customerId);
  for (let i = 0; i < tree.length; i++) for (const c of customers) if (c.parent_id === tree[i].id && !tree.includes(c)) tree.push(c);
  return tree;
}

/** Whether a member's own scope is their whole customer (the API's default). */
const seesWhole = (m: Member) =>
  m.scope.grants.some((g) => g.customer_id === m.customer_id && !g.division_ids && !g.site_ids);

// --- the list of a customer's members, and adding one ----------------------------------

async function listPage(ctx: ScreenCtx): Promise<void> {
  const customers = await allCustomers();
  const wanted = new URLSearchParams(location.search).get('customer');
  const customer = customers.find((c) => c.id === wanted) ?? customers[0];
  if (!customer) {
    ctx.show(html`<h1 tabindex="-1">${t('title')}</h1><p>${t('noCustomers')}</p>`);
    ctx.titled(t('title'));
    return;
  }
  const groups = (await data(api.GET('/admin/access-groups', { params: { query: { limit: 200 } } }))).items;
  const members = new Listing(
    (paging) => data(api.GET('/admin/members', { params: { query: { customer_id: customer.id, ...paging } } })),
    () => draw(),
    50,
  );
  // One Idempotency-Key per filled-in form: a retry adds the member once.
  const createKey = crypto.randomUUID();
  let busy = false;
  let error: unknown = null;

  const create = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const form = ev.target as HTMLFormElement;
    const text = textOf(form);
    const body: Schemas['NewMember'] = {
      customer_id: customer.id,
      first_name: text('first_name'),
      last_name: text('last_name'),
      email: text('email'),
      phone: text('phone') || null,
      job_title: text('job_title') || null,
      locale: (text('locale') || null) as Schemas['Locale'] | null,
      admin: checked(form, 'admin'),
      permissions: ticked(form, 'permissions') as Permission[],
      notifications: ticked(form, 'notifications') as Kind[],
      group_ids: ticked(form, 'groups'),
      // Their whole customer (the API's default), or nothing of their own: their groups'.
      scope: (form.elements.namedItem('sees') as RadioNodeList | null)?.value === 'groups' ? { grants: [] } : null,
    };
    busy = true;
    error = null;
    draw();
    try {
      const created = await data(api.POST('/admin/members', { body, params: { header: { 'Idempotency-Key': createKey } } }));
      ctx.go(`/office/members/${created.id}`);
      return;
    } catch (e) {
      error = e;
    }
    busy = false;
    draw();
    focusFirstError(error, 'new', ['first_name', 'last_name', 'email', 'phone', 'job_title', 'locale']);
  };

  const card = (m: Member): TemplateResult => html`<li class="card-item" data-member=${m.id}>
    <h3><a href="/office/members/${m.id}" data-link>${fullName(m)}</a></h3>
    <dl class="facts">
      <dt>${t('email')}</dt>
      <dd>${m.email} ${suppressionBadge(m.suppressed)}</dd>
      ${m.hidden_document_ids.length
        ? html`<dt>${KEY} ${t('hidden')}</dt>
            <dd>${m.hidden_document_ids.length}</dd>`
        : nothing}
      <dt>${t('status')}</dt>
      <dd>${statusBadge(m)} ${m.admin ? html`<span class="badge">${t('admin')}</span>` : nothing}</dd>
    </dl>
  </li>`;

  const draw = () =>
    ctx.show(html`<h1 tabindex="-1">${t('title')}</h1>
      <p>${t('intro')}</p>
      <form class="filters" @submit=${(ev: SubmitEvent) => {
        ev.preventDefault();
        const picked = (ev.target as HTMLFormElement).elements.namedItem('customer') as HTMLSelectElement;
        ctx.go(`/office/members?customer=${encodeURIComponent(picked.value)}`);
      }}>
        <div class="field">
          <label for="members-customer">${t('customer')}</label>
          <select id="members-customer" name="customer">
            ${customers.map((c) => html`<option value=${c.id} ?selected=${c.id === customer.id}>${c.name}</option>`)}
          </select>
        </div>
        <button type="submit">${t('show')}</button>
      </form>
      <section aria-labelledby="members-title">
        <h2 id="members-title">${t('listOf', { name: customer.name })}</h2>
        ${members.view((items) => html`<ul class="cards">${items.map(card)}</ul>`)}
      </section>
      <section aria-labelledby="new-title">
        <h2 id="new-title">${t('add')}</h2>
        <p class="hint">${t('addIntro')}</p>
        ${ctx.session.settings.setup_complete
          ? nothing
          : html`<p class="info" id="members-setup">${t('setupFirst')} <a href="/office/setup" data-link>${t('setupLink')}</a></p>`}
        <p><a href="/office/members/import?customer=${encodeURIComponent(customer.id)}" data-link>${t('importCsv')}</a></p>
        ${unplaced(error, PERSON_FIELDS, 'new-problem')}
        <form class="stack" @submit=${(ev: SubmitEvent) => void create(ev)}>
          ${personFields('new', error)}
          <div class="switch"><input type="checkbox" id="new-admin" name="admin" /><label for="new-admin">${t('adminBox')}</label></div>
          ${boxes('new', 'permissions', t('permissions'), PERMISSIONS, [], permission)}
          ${boxes('new', 'notifications', t('notifications'), KINDS, [], (k) => appWord(`notify.${k}` as Key))}
          ${groups.length
            ? html`${boxes('new', 'groups', t('groups'), groups.map((g) => g.id), [], (g) => groups.find((x) => x.id === g)?.name ?? g)}
                <fieldset>
                  <legend>${t('seesWhat')}</legend>
                  <div class="switch"><input type="radio" id="new-sees-customer" name="sees" value="customer" checked />
                    <label for="new-sees-customer">${t('seesCustomer', { name: customer.name })}</label></div>
                  <div class="switch"><input type="radio" id="new-sees-groups" name="sees" value="groups" />
                    <label for="new-sees-groups">${t('seesGroups')}</label></div>
                </fieldset>`
            : nothing}
          <button type="submit" class="primary" ?disabled=${busy}>${t('create')}</button>
        </form>
      </section>`);

  draw();
  ctx.titled(t('title'));
  await members.load();
}

// --- one member's page ---------------------------------------------------------------

async function memberPage(ctx: ScreenCtx, id: string): Promise<void> {
  const path = { params: { path: { member_id: id } } };
  let { body: member, etag } = await tagged(api.GET('/admin/members/{member_id}', path));
  const [groups, documents, customers] = await Promise.all([
    data(api.GET('/admin/access-groups', { params: { query: { limit: 200 } } })),
    documentsOf(member.customer_id),
    allCustomers(),
  ]);
  // Their own scope: the whole customer, or what is ticked in the tree under it.
  let whole = seesWhole(member);
  const picker = new ScopePicker('scope', subtree(customers, member.customer_id), whole ? [] : member.scope.grants, () => draw());
  const docTitle = (id: string) => documents.find((d) => d.id === id)?.title ?? id;
  // What they can see: everything but the sites comes with each page of sites.
  let access: Schemas['MemberAccess'] | null = null;
  const sites = new Listing(
    async (paging) => {
      access = await data(api.GET('/admin/members/{member_id}/access', { params: { path: { member_id: id }, query: paging } }));
      return access.sites;
    },
    () => draw(),
    50,
  );
  let notice: string | null = null;
  let error: unknown = null;
  let editError: unknown = null;
  let inviteError: unknown = null;
  let scopeError: unknown = null;
  let busy = false;
  let confirming = false;
  let limitError = false;
  let inviteKey = crypto.randomUUID();

  /** Reads the member (and what they can see) again, after a change. */
  const reread = async () => {
    ({ body: member, etag } = await tagged(api.GET('/admin/members/{member_id}', path)));
    whole = seesWhole(member);
    picker.picked = pickedOf(whole ? [] : member.scope.grants);
    await sites.fetch();
  };
  /** Runs one change: its notice, or the API's problem (a 412 as "changed meanwhile"). */
  const act = async (change: () => Promise<unknown>, message: () => string, where: 'error' | 'edit' | 'invite' | 'scope' = 'error') => {
    busy = true;
    notice = null;
    error = editError = inviteError = scopeError = null;
    draw();
    let failed: unknown = null;
    try {
      await change();
      await reread();
      notice = message();
    } catch (e) {
      failed = e instanceof Problem && e.status === 412 ? new Problem(412, e.title, t('stale')) : e;
      // A 412 goes on top, with the button that reads the member again.
      if (failed instanceof Problem && failed.status === 412) where = 'error';
      if (where === 'edit') editError = failed;
      else if (where === 'invite') inviteError = failed;
      else if (where === 'scope') scopeError = failed;
      else error = failed;
    }
    busy = false;
    draw();
    if (!failed) focus('#member-notice');
    else if (where === 'edit') focusFirstError(failed, 'edit', PERSON_FIELDS);
    else if (where === 'invite') focusFirstError(failed, 'invite', ['message', 'email']);
    else if (where === 'scope') focusFirstError(failed, 'scope', whole ? [] : ['scope']);
    else focus('#member-problem');
  };

  const post = (route: '/admin/members/{member_id}/disable' | '/admin/members/{member_id}/enable' | '/admin/members/{member_id}/reset-password') =>
    data(api.POST(route, path));

  const save = (ev: SubmitEvent) => {
    ev.preventDefault();
    const form = ev.target as HTMLFormElement;
    const text = textOf(form);
    const limits = limitsOf(form);
    limitError = limits === null;
    if (limits === null) {
      draw();
      focus('#edit-limit-amount');
      return;
    }
    const email = text('email');
    const body: Schemas['MemberPatch'] = {
      first_name: text('first_name'),
      last_name: text('last_name'),
      // A new address is the login's too: send it only when it changes.
      ...(email !== member.email ? { email } : {}),
      phone: text('phone') || null,
      job_title: text('job_title') || null,
      locale: (text('locale') || null) as Schemas['Locale'] | null,
      admin: checked(form, 'admin'),
      permissions: ticked(form, 'permissions') as Permission[],
      reports: ticked(form, 'reports') as Report[],
      notifications: ticked(form, 'notifications') as Kind[],
      group_ids: ticked(form, 'groups'),
      approval_limits: limits,
    };
    void act(
      () => data(api.PATCH('/admin/members/{member_id}', { ...path, body, headers: ifMatch(etag) })),
      () => t('saved'),
      'edit',
    );
  };

  const saveScope = (ev: SubmitEvent) => {
    ev.preventDefault();
    const body: Schemas['MemberPatch'] = {
      scope: { grants: whole ? [{ customer_id: member.customer_id }] : picker.grants() },
    };
    void act(
      () => data(api.PATCH('/admin/members/{member_id}', { ...path, body, headers: ifMatch(etag) })),
      () => t('scopeSaved'),
      'scope',
    );
  };

  const invite = (ev: SubmitEvent) => {
    ev.preventDefault();
    const form = ev.target as HTMLFormElement;
    const text = textOf(form);
    const body: Schemas['InviteInput'] = { message: text('message') || null, email: text('email') || null };
    const to = body.email ?? member.email;
    void act(
      async () => {
        await data(api.POST('/admin/members/{member_id}/invite', { ...path, body, params: { ...path.params, header: { 'Idempotency-Key': inviteKey } } }));
        form.reset();
        inviteKey = crypto.randomUUID();
      },
      () => t('wasInvited', { email: to }),
      'invite',
    );
  };

  const saveHidden = (ev: SubmitEvent) => {
    ev.preventDefault();
    // The whole hidden set: what is ticked here, and what is hidden that is not listed.
    const listed = new Set(documents.map((d) => d.id));
    const elsewhere = member.hidden_document_ids.filter((d) => !listed.has(d));
    const body: Schemas['DocumentRestrictions'] = { hidden_document_ids: [...ticked(ev.target as HTMLFormElement, 'hidden'), ...elsewhere] };
    void act(
      () => data(api.PUT('/admin/members/{member_id}/document-restrictions', { ...path, body, headers: ifMatch(etag) })),
      () => t('hiddenSaved'),
    );
  };

  /** Opens the member portal as this member, read-only (the shell sends `X-View-As`). */
  const viewAs = async () => {
    busy = true;
    error = null;
    draw();
    try {
      startViewing(await data(api.POST('/admin/members/{member_id}/view-as', path)));
      ctx.go('/');
      return;
    } catch (e) {
      error = e;
    }
    busy = false;
    draw();
    focus('#member-problem');
  };

  const remove = async () => {
    busy = true;
    error = null;
    draw();
    try {
      await api.DELETE('/admin/members/{member_id}', { ...path, headers: ifMatch(etag) });
      ctx.go(`/office/members?customer=${encodeURIComponent(member.customer_id)}`);
      return;
    } catch (e) {
      error = e instanceof Problem && e.status === 412 ? new Problem(412, e.title, t('stale')) : e;
    }
    busy = false;
    confirming = false;
    draw();
    focus('#member-problem');
  };

  const facts = () => html`<dl class="facts">
    <dt>${t('email')}</dt>
    <dd>${member.email}</dd>
    ${suppressionFact(member.suppressed, 'member-suppressed')}
    <dt>${t('phone')}</dt>
    <dd>${member.phone ?? '—'}</dd>
    <dt>${t('jobTitle')}</dt>
    <dd>${member.job_title ?? '—'}</dd>
    <dt>${t('language')}</dt>
    <dd>${member.locale ? LANGUAGES[member.locale] : t('portalDefault')}</dd>
    <dt>${t('status')}</dt>
    <dd>${statusBadge(member)} ${member.admin ? html`<span class="badge">${t('admin')}</span>` : nothing}</dd>
    ${member.invited_at ? html`<dt>${t('invitedAt')}</dt><dd>${dateTime(member.invited_at)}</dd>` : nothing}
    <dt>${t('groups')}</dt>
    <dd>${member.group_ids.length ? member.group_ids.map((g) => groups.items.find((x) => x.id === g)?.name ?? g).join(', ') : t('none')}</dd>
    <dt>${t('limits')}</dt>
    <dd>${limitsText(member.approval_limits)}</dd>
  </dl>`;

  const actions = () => {
    const who = html`<span class="visually-hidden"> ${fullName(member)}</span>`;
    return confirming
      ? asking(t('confirm', { name: fullName(member) }), t('confirmed'), t('cancel'), busy, () => void remove(), () => {
          confirming = false;
          draw();
          focus('#member-remove');
        })
      : html`<div class="actions">
          ${member.status === 'invited'
            ? html`<button type="button" ?disabled=${busy}
                @click=${() => void act(() => post('/admin/members/{member_id}/reset-password'), () => t('wasReset', { name: fullName(member) }))}
                >${t('resetPassword')}${who}</button>`
            : nothing}
          ${member.status === 'disabled'
            ? html`<button type="button" ?disabled=${busy}
                @click=${() => void act(() => post('/admin/members/{member_id}/enable'), () => t('wasEnabled', { name: fullName(member) }))}
                >${t('enable')}${who}</button>`
            : html`<button type="button" ?disabled=${busy}
                @click=${() => void act(() => post('/admin/members/{member_id}/disable'), () => t('wasDisabled', { name: fullName(member) }))}
                >${t('disable')}${who}</button>`}
          <button type="button" ?disabled=${busy} aria-describedby="view-as-hint" @click=${() => void viewAs()}>${t('viewAs')}${who}</button>
          <button type="button" id="member-remove" ?disabled=${busy} @click=${() => {
            confirming = true;
            notice = null;
            draw();
            focus('#confirm-remove');
          }}>${t('remove')}${who}</button>
        </div>`;
  };

  const seen = () => {
    const a = access as Schemas['MemberAccess'] | null;
    return html`<section aria-labelledby="sees-title" id="member-access">
      <h2 id="sees-title">${t('sees')}</h2>
      <p class="hint">${t('seesIntro')}</p>
      ${a?.status === 'disabled' ? html`<p class="problem">${t('seesOff')}</p>` : nothing}
      ${a
        ? html`<dl class="facts">
            <dt>${t('features')}</dt>
            <dd>${list(a.features.map((f) => appWord(FEATURE_WORD[f])))}</dd>
            <dt>${t('effective')}</dt>
            <dd>${list(a.permissions.map(permission))}</dd>
            <dt>${t('runs')}</dt>
            <dd>${list(a.reports.map(report))}</dd>
            <dt>${t('limits')}</dt>
            <dd>${limitsText(a.approval_limits)}</dd>
          </dl>`
        : nothing}
      <h3 id="sites-title">${t('sites')}</h3>
      <div>${sites.view((items) => html`<ul>${items.map((s) => html`<li>${s.name}</li>`)}</ul>`)}</div>
    </section>`;
  };

  const editForm = () => html`<section aria-labelledby="edit-title">
    <h2 id="edit-title">${t('edit')}</h2>
    ${unplaced(editError, PERSON_FIELDS, 'edit-problem')}
    <form class="stack" @submit=${save}>
      ${personFields('edit', editError, member)}
      <div class="switch">
        <input type="checkbox" id="edit-admin" name="admin" ?checked=${member.admin} /><label for="edit-admin">${t('adminBox')}</label>
      </div>
      ${boxes('edit', 'permissions', t('permissions'), PERMISSIONS, member.permissions, permission)}
      ${boxes('edit', 'reports', t('reports'), REPORTS, member.reports, report)}
      ${boxes('edit', 'notifications', t('notifications'), KINDS, member.notifications, (k) => appWord(`notify.${k}` as Key))}
      ${groups.items.length
        ? boxes('edit', 'groups', t('groups'), groups.items.map((g) => g.id), member.group_ids, (g) => groups.items.find((x) => x.id === g)?.name ?? g)
        : nothing}
      ${limitFields('edit', member.approval_limits, limitError, t('limitsHint'))}
      <button type="submit" class="primary" ?disabled=${busy}>${t('save')}</button>
    </form>
  </section>`;

  const choice = (value: 'whole' | 'picked', label: string) => html`<div class="switch">
    <input type="radio" id="scope-${value}" name="sees" value=${value} .checked=${(value === 'whole') === whole}
      @change=${() => {
        whole = value === 'whole';
        draw();
      }} />
    <label for="scope-${value}">${label}</label>
  </div>`;

  const scopeForm = () => {
    const own = customers.find((c) => c.id === member.customer_id)?.name ?? member.customer_id;
    return html`<section aria-labelledby="scope-title" id="member-scope">
      <h2 id="scope-title">${t('scope')}</h2>
      <p class="hint">${t('scopeIntro')}</p>
      ${unplaced(scopeError, whole ? [] : ['scope'], 'scope-problem')}
      <form class="stack" @submit=${saveScope}>
        <fieldset>
          <legend>${t('scopeChoice')}</legend>
          ${choice('whole', t('seesCustomer', { name: own }))}
          ${choice('picked', t('scopePicked'))}
        </fieldset>
        ${whole ? nothing : picker.view(scopeError, t('picked'), t('pickedHint'))}
        <button type="submit" class="primary" ?disabled=${busy}>${t('saveScope')}</button>
      </form>
    </section>`;
  };

  const inviteForm = () => html`<section aria-labelledby="invite-title">
    <h2 id="invite-title">${member.invited_at ? t('resend') : t('invite')}</h2>
    <p class="hint">${t('inviteIntro')}</p>
    ${unplaced(inviteError, ['message', 'email'], 'invite-problem')}
    <form class="stack" @submit=${invite}>
      ${field('invite', 'message', t('message'), inviteError, '', 'textarea')}
      ${field('invite', 'email', t('otherEmail'), inviteError, '', 'email', false)}
      <button type="submit" class="primary" ?disabled=${busy}>${t('sendInvite')}</button>
    </form>
  </section>`;

  const hiddenForm = () => html`<section aria-labelledby="hidden-title">
    <h2 id="hidden-title">${KEY} ${t('hidden')}</h2>
    <p class="hint">${t('hiddenIntro')}</p>
    ${documents.length
      ? html`<form class="stack" @submit=${saveHidden}>
          ${boxes('hidden', 'hidden', t('hidden'), documents.map((d) => d.id), member.hidden_document_ids, docTitle)}
          <button type="submit" ?disabled=${busy}>${t('saveHidden')}</button>
        </form>`
      : html`<p>${t('noDocuments')}</p>`}
  </section>`;

  const draw = () =>
    ctx.show(html`<p><a href="/office/members?customer=${encodeURIComponent(member.customer_id)}" data-link>← ${t('back')}</a></p>
      <h1 tabindex="-1">${fullName(member)}</h1>
      ${notice ? html`<p class="info" role="status" id="member-notice" tabindex="-1">${notice}</p>` : nothing}
      ${pageProblem('member-problem', error, t('reload'), ctx.reload)}
      <section aria-labelledby="details-title">
        <h2 id="details-title">${t('details')}</h2>
        ${facts()}
        <h3>${t('more')}</h3>
        ${actions()}
        <p class="hint" id="view-as-hint">${t('viewAsHint')}</p>
      </section>
      ${inviteForm()} ${seen()} ${scopeForm()} ${editForm()} ${hiddenForm()}`);

  draw();
  ctx.titled(fullName(member));
  await Promise.all([sites.load(), picker.start()]);
}

// --- the pieces both pages draw ------------------------------------------------------

/** The key icon documents hidden from a member go by (drawn, not a font's emoji). */
const KEY = html`<svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
  <path fill="currentColor"
    d="M12.65 10A6 6 0 0 0 7 6a6 6 0 0 0 0 12 6 6 0 0 0 5.65-4H17v4h4v-4h2v-4zM7 14a2 2 0 1 1 0-4 2 2 0 0 1 0 4z" />
</svg>`;

const PERSON_FIELDS = ['first_name', 'last_name', 'email', 'phone', 'job_title', 'locale'];
const LANGUAGES: Record<Schemas['Locale'], string> = { en: 'English', nl: 'Nederlands' };

function statusBadge(m: Member): TemplateResult {
  const look = m.status === 'invited' ? 'accepted' : m.status === 'disabled' ? 'declined' : 'new';
  return html`<span class="badge badge-${look}">${t(m.status)}</span>`;
}

/** The suppressed-address mark: mail to this member stopped (why, in the title). */
/** First and last name, email, phone, job title and language, filled from `m` if given. */
function personFields(prefix: string, error: unknown, m?: Member): TemplateResult {
  const lang = m?.locale ?? '';
  const errors = fieldErrors(error);
  return html`${field(prefix, 'first_name', t('first'), error, m?.first_name ?? '')}
    ${field(prefix, 'last_name', t('last'), error, m?.last_name ?? '')}
    ${field(prefix, 'email', t('email'), error, m?.email ?? '', 'email')}
    ${field(prefix, 'phone', t('phone'), error, m?.phone ?? '', 'tel', false, t('phoneHint'))}
    ${field(prefix, 'job_title', t('jobTitle'), error, m?.job_title ?? '', 'text', false)}
    <label for="${prefix}-locale">${t('language')}</label>
    <select id="${prefix}-locale" name="locale" aria-invalid=${errors.has('locale') ? 'true' : 'false'}
      aria-describedby=${errors.has('locale') ? `${prefix}-locale-error` : nothing}>
      <option value="" ?selected=${lang === ''}>${t('portalDefault')}</option>
      ${(['en', 'nl'] as const).map((l) => html`<option value=${l} ?selected=${lang === l} lang=${l}>${LANGUAGES[l]}</option>`)}
    </select>
    ${errors.has('locale') ? html`<p class="problem" id="${prefix}-locale-error">${errors.get('locale')}</p>` : nothing}`;
}

function checked(form: HTMLFormElement, name: string): boolean {
  return (form.elements.namedItem(name) as HTMLInputElement | null)?.checked ?? false;
}
