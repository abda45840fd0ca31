// Office staff: the tenant's admins, each with their status and whether they sign in with
// an authenticator app; inviting another, switching one off and on again, removing one,
// and switching off a lost app (`/admin/staff`). The API keeps one active admin and never
// lets an admin lock themselves out (409): its problem detail is shown as it says it.

import { html, nothing, type TemplateResult } from 'lit-html';
import { api, data, ifMatch, Problem, tagged, type Schemas } from '../api';
import { Listing, problemView } from '../app';
import { words } from '../i18n';
import { fieldErrors, focus, type ScreenCtx } from './screen';

const t = words({
  en: {
    title: 'Office staff',
    intro: "Your organisation's admins: they sign in to this console. Each signs in with an authenticator app where your organisation requires it.",
    you: '(you)',
    email: 'Email address',
    status: 'Status',
    active: 'Active',
    disabled: 'Switched off',
    twostep: 'Two-step sign-in',
    app: 'Authenticator app set up',
    noapp: 'No authenticator app',
    disable: 'Switch off access',
    enable: 'Switch access on',
    reset: 'Reset two-step sign-in',
    remove: 'Remove',
    confirm: 'Remove {name}? Their login is deleted; the audit trail keeps their record.',
    confirmed: 'Yes, remove',
    cancel: 'Cancel',
    invite: 'Invite an admin',
    inviteIntro: 'They get an email with a temporary password, choose their own at their first sign-in, and set up an authenticator app.',
    first: 'First name',
    last: 'Last name',
    send: 'Send invitation',
    invited: 'Invitation sent to {email}.',
    wasDisabled: "{name}'s access is switched off, and they are signed out everywhere.",
    wasEnabled: "{name}'s access is switched on again.",
    wasReset: "{name}'s authenticator app is switched off, and they are signed out everywhere. Where your organisation requires it, they set up a new one at their next sign-in.",
    wasRemoved: '{name} is removed.',
    stale: 'Someone changed this admin meanwhile: the list is read again. Try once more if it is still what you want.',
  },
  nl: {
    title: 'Kantoormedewerkers',
    intro: 'De beheerders van uw organisatie: zij loggen in op deze console. Waar uw organisatie het vereist, loggen zij in met een authenticator-app.',
    you: '(u)',
    email: 'E-mailadres',
    status: 'Status',
    active: 'Actief',
    disabled: 'Uitgeschakeld',
    twostep: 'Inloggen in twee stappen',
    app: 'Authenticator-app ingesteld',
    noapp: 'Geen authenticator-app',
    disable: 'Toegang uitschakelen',
    enable: 'Toegang inschakelen',
    reset: 'Inloggen in twee stappen resetten',
    remove: 'Verwijderen',
    confirm: '{name} verwijderen? De login wordt verwijderd; de audittrail bewaart de gegevens.',
    confirmed: 'Ja, verwijderen',
    cancel: 'Annuleren',
    invite: 'Een beheerder uitnodigen',
    inviteIntro: 'Die krijgt een e-mail met een tijdelijk wachtwoord, kiest bij de eerste keer inloggen een eigen wachtwoord en stelt een authenticator-app in.',
    first: 'Voornaam',
    last: 'Achternaam',
    send: 'Uitnodiging versturen',
    invited: 'Uitnodiging verstuurd naar {email}.',
    wasDisabled: 'De toegang van {name} is uitgeschakeld, en {name} is overal afgemeld.',
    wasEnabled: 'De toegang van {name} is weer ingeschakeld.',
    wasReset: 'De authenticator-app van {name} is uitgezet, en {name} is overal afgemeld. Waar uw organisatie het vereist, stelt {name} bij de volgende keer inloggen een nieuwe in.',
    wasRemoved: '{name} is verwijderd.',
    stale: 'Iemand heeft deze beheerder intussen gewijzigd: de lijst is opnieuw gelezen. Probeer het nog eens als het nog steeds is wat u wilt.',
  },
});

type Staff = Schemas['StaffDetail'];

/** An admin as listed: with their MFA state (which only their own record has) and the
 * ETag to remove them with. */
interface Row {
  staff: Staff;
  etag: string | null;
}

const FIELDS = ['first_name', 'last_name', 'email'] as const;

const fullName = (s: Staff) => `${s.first_name} ${s.last_name}`;

/** A page of admins, each with their own record: the list's items say nothing of MFA. */
async function staffPage(paging: { limit: number; cursor?: string }): Promise<{ items: Row[]; next_cursor?: string | null }> {
  const page = await data(api.GET('/admin/staff', { params: { query: paging } }));
  const items = await Promise.all(
    page.items.map(async (view) => {
      const { body, etag } = await tagged(api.GET('/admin/staff/{staff_id}', { params: { path: { staff_id: view.id } } }));
      return { staff: body, etag };
    }),
  );
  return { items, next_cursor: page.next_cursor };
}

export async function staffScreen(ctx: ScreenCtx): Promise<void> {
  const myId = ctx.session.me.id;
  const list = new Listing(staffPage, () => draw(), 50);
  let notice: string | null = null;
  let busy = false;
  let confirming: string | null = null;
  // The invitation form: one Idempotency-Key per filled-in form (a retry invites once).
  let inviteKey = crypto.randomUUID();
  let inviteError: unknown = null;
  // What the API said to the last action on an admin (a 409's refusal, in its words).
  let actionError: unknown = null;

  const done = async (message: string) => {
    notice = message;
    await list.fetch();
  };
  /** Runs one action on an admin: its notice, or the API's problem, and the list again. */
  const act = async (row: Row, action: () => Promise<unknown>, message: (name: string) => string) => {
    busy = true;
    notice = null;
    actionError = null;
    draw();
    try {
      await action();
      await done(message(fullName(row.staff)));
    } catch (e) {
      actionError = e;
      if (e instanceof Problem && e.status === 412) {
        await list.fetch();
        actionError = new Problem(412, e.title, t('stale'));
      }
    }
    confirming = null;
    busy = false;
    draw();
    // Focus moves to what the action came to (the button pressed may be gone).
    focus(actionError ? '#staff-problem' : '#staff-notice');
  };
  const path = (row: Row) => ({ params: { path: { staff_id: row.staff.id } } });
  const disable = (row: Row) => act(row, () => data(api.POST('/admin/staff/{staff_id}/disable', path(row))), (name) => t('wasDisabled', { name }));
  const enable = (row: Row) => act(row, () => data(api.POST('/admin/staff/{staff_id}/enable', path(row))), (name) => t('wasEnabled', { name }));
  const reset = (row: Row) => act(row, () => data(api.POST('/admin/staff/{staff_id}/reset-mfa', path(row))), (name) => t('wasReset', { name }));
  const remove = (row: Row) =>
    act(row, () => api.DELETE('/admin/staff/{staff_id}', { ...path(row), headers: ifMatch(row.etag) }), (name) => t('wasRemoved', { name }));

  const invite = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const form = ev.target as HTMLFormElement;
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value.trim();
    const body: Schemas['NewStaff'] = { first_name: value('first_name'), last_name: value('last_name'), email: value('email') };
    busy = true;
    inviteError = null;
    notice = null;
    draw();
    try {
      const created = await data(api.POST('/admin/staff', { body, params: { header: { 'Idempotency-Key': inviteKey } } }));
      form.reset();
      inviteKey = crypto.randomUUID();
      await done(t('invited', { email: created.email }));
      busy = false;
      draw();
      focus('#staff-notice');
      return;
    } catch (e) {
      inviteError = e;
    }
    busy = false;
    draw();
    const first = FIELDS.find((f) => fieldErrors(inviteError).has(f));
    focus(first ? `#invite-${first}` : '#invite-problem');
  };

  const card = (row: Row): TemplateResult => {
    const s = row.staff;
    const mine = s.id === myId;
    const who = html`<span class="visually-hidden"> ${fullName(s)}</span>`;
    return html`<li class="card-item" data-staff=${s.id}>
      <h3>${fullName(s)} ${mine ? t('you') : nothing}</h3>
      <dl class="facts">
        <dt>${t('email')}</dt>
        <dd>${s.email}</dd>
        <dt>${t('status')}</dt>
        <dd><span class="badge badge-${s.status === 'active' ? 'accepted' : 'declined'}">${t(s.status)}</span></dd>
        <dt>${t('twostep')}</dt>
        <dd>${s.mfa_enabled ? t('app') : t('noapp')}</dd>
      </dl>
      ${confirming === s.id
        ? html`<div class="info">
            <p id="confirm-${s.id}">${t('confirm', { name: fullName(s) })}</p>
            <div class="actions">
              <button type="button" class="primary" id="confirm-remove" aria-describedby="confirm-${s.id}" ?disabled=${busy}
                @click=${() => void remove(row)}>${t('confirmed')}</button>
              <button type="button" ?disabled=${busy} @click=${() => {
                confirming = null;
                draw();
                focus(`[data-staff="${s.id}"] .remove`);
              }}>${t('cancel')}</button>
            </div>
          </div>`
        : html`<div class="actions">
            ${s.status === 'active'
              ? html`<button type="button" ?disabled=${busy} @click=${() => void disable(row)}>${t('disable')}${who}</button>`
              : html`<button type="button" ?disabled=${busy} @click=${() => void enable(row)}>${t('enable')}${who}</button>`}
            ${s.mfa_enabled && !mine
              ? html`<button type="button" ?disabled=${busy} @click=${() => void reset(row)}>${t('reset')}${who}</button>`
              : nothing}
            <button type="button" class="remove" ?disabled=${busy} @click=${() => {
              confirming = s.id;
              notice = null;
              actionError = null;
              draw();
              focus('#confirm-remove');
            }}>${t('remove')}${who}</button>
          </div>`}
    </li>`;
  };

  const field = (name: (typeof FIELDS)[number], label: string, type = 'text', autocomplete = 'off') => {
    const message = fieldErrors(inviteError).get(name);
    return html`<label for="invite-${name}">${label}</label>
      <input id="invite-${name}" name=${name} type=${type} required maxlength="200" autocomplete=${autocomplete}
        aria-invalid=${message ? 'true' : 'false'} aria-describedby=${message ? `invite-${name}-error` : nothing} />
      ${message ? html`<p class="problem" id="invite-${name}-error">${message}</p>` : nothing}`;
  };

  const draw = () =>
    ctx.show(html`<h1 tabindex="-1">${t('title')}</h1>
      <p>${t('intro')}</p>
      ${notice ? html`<p class="info" role="status" id="staff-notice" tabindex="-1">${notice}</p>` : nothing}
      ${actionError ? html`<div id="staff-problem" tabindex="-1">${problemView(actionError)}</div>` : nothing}
      <section id="staff-list" aria-labelledby="staff-title">
        <h2 id="staff-title" class="visually-hidden">${t('title')}</h2>
        ${list.view((items) => html`<ul class="cards">${items.map(card)}</ul>`)}
      </section>
      <section aria-labelledby="invite-title">
        <h2 id="invite-title">${t('invite')}</h2>
        <p class="hint">${t('inviteIntro')}</p>
        ${inviteError && !FIELDS.some((f) => fieldErrors(inviteError).has(f))
          ? html`<div id="invite-problem" tabindex="-1">${problemView(inviteError)}</div>`
          : nothing}
        <form class="stack" @submit=${(ev: SubmitEvent) => void invite(ev)}>
          ${field('first_name', t('first'), 'text', 'off')} ${field('last_name', t('last'), 'text', 'off')}
          ${field('email', t('email'), 'email', 'off')}
          <button type="submit" class="primary" ?disabled=${busy}>${t('send')}</button>
        </form>
      </section>`);

  draw();
  ctx.titled(t('title'));
  await list.load();
}
