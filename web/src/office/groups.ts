// Access groups (`/admin/access-groups`): reusable scope, permissions, KPI reports and
// approval limits that members join (issue 26). The list, with a form to add a group;
// a group's page (`/office/groups/<id>`) shows who is in it (`GET /admin/members
// ?group_id=`), edits it (PATCH with `If-Match`) and deletes it (after asking). The
// scope is picked from the customer tree: a customer whole, or some of its divisions or
// sites (read when the customer is opened).

import { html, nothing, type TemplateResult } from 'lit-html';
import { api, data, ifMatch, Problem, tagged, type Schemas } from '../api';
import { Listing } from '../app';
import { permission, t as appWord, words } from '../i18n';
import { pickedOf } from './customer-tree';
import { allCustomers } from './customers';
import { ScopePicker } from './scope-picker';
import {
  asking, boxes, field, focusFirstError, limitFields, limitsOf, limitsText, limitsWord, list, pageProblem,
  PERMISSIONS, report, REPORTS, textOf, ticked, unplaced,
} from './rights';
import { fieldErrors, focus, type ScreenCtx } from './screen';

const t = words({
  en: {
    title: 'Access groups',
    intro: 'A group gives its members a scope (customers, divisions, sites), permissions, KPI reports and approval limits, on top of their own. A change acts on their next request.',
    none: 'There are no access groups yet.',
    add: 'Add a group',
    name: 'Name',
    scope: 'Scope',
    scopeHint: 'Tick a customer for all of it (its child customers too), or open it to tick some of its divisions or sites.',
    noScope: 'Nothing',
    divisions: '{name}: {count} division(s)',
    sites: '{name}: {count} site(s)',
    permissions: 'Permissions',
    reports: 'KPI reports',
    limitsHint: 'The most its members may approve per quote. Leave the amount empty to remove a limit.',
    create: 'Add group',
    back: 'Access groups',
    who: 'Who is in it',
    whoHint: 'Add someone to the group, or take them out, on their own page (Members).',
    nobody: 'Nobody is in this group yet.',
    customer: 'Customer',
    edit: 'Change the group',
    save: 'Save changes',
    saved: 'Changes saved.',
    stale: 'Someone else changed this group meanwhile. Reload the page to see their change, then make yours again.',
    reload: 'Reload',
    remove: 'Delete group',
    confirm: 'Delete {name}? Its members lose what it gives them at once.',
    confirmed: 'Yes, delete',
    cancel: 'Cancel',
    removed: '{name} is deleted.',
  },
  nl: {
    title: 'Toegangsgroepen',
    intro: 'Een groep geeft de leden een bereik (klanten, divisies, locaties), rechten, KPI-rapportages en goedkeuringslimieten, bovenop hun eigen. Een wijziging geldt vanaf hun volgende verzoek.',
    none: 'Er zijn nog geen toegangsgroepen.',
    add: 'Een groep toevoegen',
    name: 'Naam',
    scope: 'Bereik',
    scopeHint: 'Vink een klant aan voor alles van die klant (ook de onderliggende klanten), of open de klant om divisies of locaties aan te vinken.',
    noScope: 'Niets',
    divisions: '{name}: {count} divisie(s)',
    sites: '{name}: {count} locatie(s)',
    permissions: 'Rechten',
    reports: 'KPI-rapportages',
    limitsHint: 'Het hoogste bedrag per offerte dat de leden mogen goedkeuren. Laat het bedrag leeg om een limiet te verwijderen.',
    create: 'Groep toevoegen',
    back: 'Toegangsgroepen',
    who: 'Wie erin zit',
    whoHint: 'Iemand aan de groep toevoegen, of eruit halen, doet u op de eigen pagina van het lid (Leden).',
    nobody: 'Er zit nog niemand in deze groep.',
    customer: 'Klant',
    edit: 'De groep wijzigen',
    save: 'Wijzigingen opslaan',
    saved: 'Wijzigingen opgeslagen.',
    stale: 'Iemand anders heeft deze groep intussen gewijzigd. Laad de pagina opnieuw om die wijziging te zien, en breng de uwe daarna opnieuw aan.',
    reload: 'Opnieuw laden',
    remove: 'Groep verwijderen',
    confirm: '{name} verwijderen? De leden verliezen meteen wat de groep hun geeft.',
    confirmed: 'Ja, verwijderen',
    cancel: 'Annuleren',
    removed: '{name} is verwijderd.',
  },
});

type Group = Schemas['GroupView'];
type Customer = Schemas['CustomerView'];
type Permission = Schemas['Permission'];
type Report = Schemas['Report'];

/** The fields a problem is shown beside; any other problem goes above the form. */
const PLACED = ['name', 'scope'];

/** The menu's word for this screen. */
export const groupsLabel = (): string => t('title');

/** A notice to show on the list after leaving a group that was deleted. */
let carried: string | null = null;

/** The list, or a group's page, by the path under `/office/groups`. */
export async function groupsScreen(ctx: ScreenCtx): Promise<void> {
  const id = /^\/office\/groups\/([^/]+)$/.exec(location.pathname.replace(/\/+$/, ''))?.[1];
  if (id) await groupPage(ctx, decodeURIComponent(id));
  else await listPage(ctx);
}

/** A scope as words: each customer whole, or how many of its divisions and sites. */
function scopeText(grants: readonly Schemas['GrantInput'][], customers: Customer[]): string {
  const name = (id: string) => customers.find((c) => c.id === id)?.name ?? id;
  if (!grants.length) return t('noScope');
  return grants
    .map((g) =>
      g.division_ids
        ? t('divisions', { name: name(g.customer_id), count: g.division_ids.length })
        : g.site_ids
          ? t('sites', { name: name(g.customer_id), count: g.site_ids.length })
          : name(g.customer_id),
    )
    .join('; ');
}

/** The group's fields: name, scope, permissions, reports and limits (filled from `g`). */
function groupFields(prefix: string, picker: ScopePicker, error: unknown, limitError: boolean, g?: Group): TemplateResult {
  return html`${field(prefix, 'name', t('name'), error, g?.name ?? '')}
    ${picker.view(error, t('scope'), t('scopeHint'))}
    ${boxes(prefix, 'permissions', t('permissions'), PERMISSIONS, g?.permissions ?? [], permission)}
    ${boxes(prefix, 'reports', t('reports'), REPORTS, g?.reports ?? [], report)}
    ${limitFields(prefix, g?.approval_limits ?? {}, limitError, t('limitsHint'))}`;
}

/** The form's group as the API takes it; null when an approval limit is not an amount. */
function groupOf(form: HTMLFormElement, picker: ScopePicker): Schemas['NewGroup'] | null {
  const approval_limits = limitsOf(form);
  if (approval_limits === null) return null;
  return {
    name: textOf(form)('name'),
    scope: { grants: picker.grants() },
    permissions: ticked(form, 'permissions') as Permission[],
    reports: ticked(form, 'reports') as Report[],
    approval_limits,
  };
}

/** After a failed save: focus on the field named, the scope, or the problem above. */
function focusProblem(error: unknown, prefix: string): void {
  if (fieldErrors(error).has('scope') && !fieldErrors(error).has('name')) focus(`#${prefix}-scope`);
  else focusFirstError(error, prefix, PLACED);
}

// --- the list, and adding a group ----------------------------------------------------

async function listPage(ctx: ScreenCtx): Promise<void> {
  const customers = await allCustomers();
  const groups = new Listing((paging) => data(api.GET('/admin/access-groups', { params: { query: paging } })), () => draw(), 50);
  const notice = carried;
  carried = null;
  // One Idempotency-Key per filled-in form: a retry adds the group once.
  const createKey = crypto.randomUUID();
  let busy = false;
  let error: unknown = null;
  let limitError = false;
  const picker = new ScopePicker('new', customers, [], () => draw());

  const create = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const body = groupOf(ev.target as HTMLFormElement, picker);
    limitError = body === null;
    if (body === null) {
      draw();
      focus('#new-limit-amount');
      return;
    }
    busy = true;
    error = null;
    draw();
    try {
      const made = await data(api.POST('/admin/access-groups', { body, params: { header: { 'Idempotency-Key': createKey } } }));
      ctx.go(`/office/groups/${made.id}`);
      return;
    } catch (e) {
      error = e;
    }
    busy = false;
    draw();
    focusProblem(error, 'new');
  };

  const card = (g: Group): TemplateResult => html`<li class="card-item" data-group=${g.id}>
    <h3><a href="/office/groups/${g.id}" data-link>${g.name}</a></h3>
    <dl class="facts">
      <dt>${t('scope')}</dt>
      <dd>${scopeText(g.scope.grants, customers)}</dd>
      <dt>${t('permissions')}</dt>
      <dd>${list(g.permissions.map(permission))}</dd>
      <dt>${t('reports')}</dt>
      <dd>${list(g.reports.map(report))}</dd>
    </dl>
  </li>`;

  const draw = () =>
    ctx.show(html`<h1 tabindex="-1">${t('title')}</h1>
      <p>${t('intro')}</p>
      ${notice ? html`<p class="info" role="status">${notice}</p>` : nothing}
      <section aria-labelledby="groups-title">
        <h2 id="groups-title" class="visually-hidden">${t('title')}</h2>
        ${groups.page?.items.length === 0 && !groups.page.next_cursor
          ? html`<p>${t('none')}</p>`
          : groups.view((items) => html`<ul class="cards">${items.map(card)}</ul>`)}
      </section>
      <section aria-labelledby="new-title">
        <h2 id="new-title">${t('add')}</h2>
        ${unplaced(error, PLACED, 'new-problem')}
        <form class="stack" @submit=${(ev: SubmitEvent) => void create(ev)}>
          ${groupFields('new', picker, error, limitError)}
          <button type="submit" class="primary" ?disabled=${busy}>${t('create')}</button>
        </form>
      </section>`);

  draw();
  ctx.titled(t('title'));
  await groups.load();
}

// --- one group's page ----------------------------------------------------------------

async function groupPage(ctx: ScreenCtx, id: string): Promise<void> {
  const path = { params: { path: { group_id: id } } };
  let [{ body: group, etag }, customers] = await Promise.all([tagged(api.GET('/admin/access-groups/{group_id}', path)), allCustomers()]);
  const customerName = (cid: string) => customers.find((c) => c.id === cid)?.name ?? cid;
  const members = new Listing(
    (paging) => data(api.GET('/admin/members', { params: { query: { group_id: id, ...paging } } })),
    () => draw(),
    50,
  );
  const picker = new ScopePicker('edit', customers, group.scope.grants, () => draw());
  let notice: string | null = null;
  let error: unknown = null;
  let editError: unknown = null;
  let limitError = false;
  let busy = false;
  let confirming = false;

  const stale = (e: unknown) => (e instanceof Problem && e.status === 412 ? new Problem(412, e.title, t('stale')) : e);

  const save = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const body = groupOf(ev.target as HTMLFormElement, picker);
    limitError = body === null;
    notice = null;
    error = editError = null;
    if (body === null) {
      draw();
      focus('#edit-limit-amount');
      return;
    }
    busy = true;
    draw();
    try {
      ({ body: group, etag } = await tagged(api.PATCH('/admin/access-groups/{group_id}', { ...path, body, headers: ifMatch(etag) })));
      // The ticks as stored (the customers opened stay open).
      picker.picked = pickedOf(group.scope.grants);
      notice = t('saved');
    } catch (e) {
      // A 412 goes on top, with the button that reads the group again.
      if (e instanceof Problem && e.status === 412) error = stale(e);
      else editError = e;
    }
    busy = false;
    draw();
    if (notice) focus('#group-notice');
    else if (error) focus('#group-problem');
    else focusProblem(editError, 'edit');
  };

  const remove = async () => {
    busy = true;
    error = null;
    notice = null;
    draw();
    try {
      await api.DELETE('/admin/access-groups/{group_id}', { ...path, headers: ifMatch(etag) });
      carried = t('removed', { name: group.name });
      ctx.go('/office/groups');
      return;
    } catch (e) {
      error = stale(e);
    }
    busy = false;
    confirming = false;
    draw();
    focus('#group-problem');
  };

  const who = () => html`<section aria-labelledby="who-title" id="group-members">
    <h2 id="who-title">${t('who')}</h2>
    <p class="hint">${t('whoHint')}</p>
    ${members.page?.items.length === 0 && !members.page.next_cursor
      ? html`<p>${t('nobody')}</p>`
      : members.view(
          (items) => html`<ul class="cards">
            ${items.map(
              (m) => html`<li class="card-item" data-member=${m.id}>
                <h3><a href="/office/members/${m.id}" data-link>${m.first_name} ${m.last_name}</a></h3>
                <dl class="facts">
                  <dt>${t('customer')}</dt>
                  <dd>${customerName(m.customer_id)}</dd>
                  <dt>${appWord('profile.email')}</dt>
                  <dd>${m.email}</dd>
                </dl>
              </li>`,
            )}
          </ul>`,
        )}
  </section>`;

  const actions = () =>
    confirming
      ? asking(t('confirm', { name: group.name }), t('confirmed'), t('cancel'), busy, () => void remove(), () => {
          confirming = false;
          draw();
          focus('#group-remove');
        })
      : html`<div class="actions">
          <button type="button" id="group-remove" ?disabled=${busy} @click=${() => {
            confirming = true;
            notice = null;
            draw();
            focus('#confirm-remove');
          }}>${t('remove')}<span class="visually-hidden"> ${group.name}</span></button>
        </div>`;

  const draw = () =>
    ctx.show(html`<p><a href="/office/groups" data-link>← ${t('back')}</a></p>
      <h1 tabindex="-1">${group.name}</h1>
      ${notice ? html`<p class="info" role="status" id="group-notice" tabindex="-1">${notice}</p>` : nothing}
      ${pageProblem('group-problem', error, t('reload'), ctx.reload)}
      <dl class="facts">
        <dt>${t('scope')}</dt>
        <dd>${scopeText(group.scope.grants, customers)}</dd>
        <dt>${t('permissions')}</dt>
        <dd>${list(group.permissions.map(permission))}</dd>
        <dt>${t('reports')}</dt>
        <dd>${list(group.reports.map(report))}</dd>
        <dt>${limitsWord()}</dt>
        <dd>${limitsText(group.approval_limits)}</dd>
      </dl>
      ${actions()}
      ${who()}
      <section aria-labelledby="edit-title">
        <h2 id="edit-title">${t('edit')}</h2>
        ${unplaced(editError, PLACED, 'edit-problem')}
        <form class="stack" @submit=${(ev: SubmitEvent) => void save(ev)}>
          ${groupFields('edit', picker, editError, limitError, group)}
          <button type="submit" class="primary" ?disabled=${busy}>${t('save')}</button>
        </form>
      </section>`);

  draw();
  ctx.titled(group.name);
  await Promise.all([members.load(), picker.start()]);
}
