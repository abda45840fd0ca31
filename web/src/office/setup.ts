/// <reference types="vite/client" />
// The portal's set-up (`GET, PUT /admin/settings`): branding with a live preview of the
// member portal's header and of an invitation email, the sections shown to members, the
// work-order types, the default language, the portal's address and the reply address
// (confirmed with a code mailed to it: `POST /admin/settings/sender-email/verification`,
// then `…/confirm`). A checklist at the top says what is still missing before members
// can be invited: the API refuses invitations until `setup_complete`, which it accepts
// only with a `portal_url` (`require_setup` in `functions/src/members.rs`). The checklist
// shows the saved settings, as the API decides on them; the preview shows the form.

import { html, nothing, type TemplateResult } from 'lit-html';
import { api, data, ifMatch, Problem, tagged, type Schemas } from '../api';
import { problemView } from '../app';
import { onColour } from '../colour';
import { currentLocale, dateTime, words, type Locale } from '../i18n';
import { fieldErrors, focus, type ScreenCtx } from './screen';
import css from './setup.css?inline';

const t = words({
  en: {
    title: 'Portal set-up',
    menu: 'Set-up',
    intro: 'How your portal looks and what it offers. Members can be invited once the set-up is complete.',
    checklist: 'Before members can be invited',
    ready: 'The set-up is complete: members can be invited.',
    missing: 'Still to do before members can be invited: {n}.',
    done: 'Done',
    todo: 'To do',
    advised: 'Advised',
    itemName: "The portal's name",
    itemUrl: "The portal's address (invitations link to it)",
    itemComplete: 'The set-up marked complete',
    itemReply: 'A confirmed reply address (until then, emails have none)',
    itemTypes: 'Work-order types (members choose one when they ask for work)',
    itemLook: 'A colour or logo of your own',
    branding: 'Branding',
    name: "Portal's name",
    colour: 'Colour',
    colourHint: 'As #rrggbb; empty for the default.',
    colourPick: 'Pick a colour',
    logo: "Logo's address",
    logoHint: 'An https:// address of an image; empty for none.',
    preview: 'Preview',
    previewHeader: "The portal's header, as members see it",
    previewMail: 'An invitation email',
    features: 'Sections shown to members',
    featuresHint: 'A section switched off disappears from every member\'s portal.',
    types: 'Work-order types',
    typesHint: 'What members may ask for on the work-request form.',
    typeCode: 'Code',
    typeName: 'Name',
    typeRemove: 'Remove',
    typeAdd: 'Add a work-order type',
    noTypes: 'No work-order types yet.',
    language: 'Default language',
    languageHint: "Members' emails and portal, unless a member has their own language.",
    en: 'English',
    nl: 'Dutch',
    address: "The portal's address",
    url: 'Portal address',
    urlHint: 'Where members sign in (https://…). Invitations link here.',
    sender: 'Reply address',
    senderHint: "Replies to the portal's emails go here once it is confirmed.",
    complete: 'The set-up is complete: members may be invited',
    completeHint: 'Needs the portal address.',
    save: 'Save the set-up',
    saved: 'The set-up is saved.',
    stale: 'Someone else changed the set-up meanwhile. Reload it to see their changes (yours are not saved).',
    reload: 'Reload',
    reply: 'Confirm the reply address',
    replyNone: 'Name a reply address above and save first.',
    replyUnsaved: 'Save the new reply address first.',
    replyConfirmed: '{email} is confirmed (since {when}): replies go there.',
    replyPending: '{email} is not confirmed yet: emails go out without a reply address.',
    sendCode: 'Email a code to {email}',
    codeSent: 'A code went to {email}. It works until {until}.',
    code: 'Code from the email',
    confirm: 'Confirm',
    confirmed: '{email} is confirmed: replies go there.',
  },
  nl: {
    title: 'Inrichting van het portaal',
    menu: 'Inrichting',
    intro: 'Hoe uw portaal eruitziet en wat het biedt. Leden kunnen worden uitgenodigd zodra de inrichting voltooid is.',
    checklist: 'Voordat leden kunnen worden uitgenodigd',
    ready: 'De inrichting is voltooid: leden kunnen worden uitgenodigd.',
    missing: 'Nog te doen voordat leden kunnen worden uitgenodigd: {n}.',
    done: 'Klaar',
    todo: 'Te doen',
    advised: 'Aangeraden',
    itemName: 'De naam van het portaal',
    itemUrl: 'Het adres van het portaal (uitnodigingen verwijzen ernaar)',
    itemComplete: 'De inrichting gemarkeerd als voltooid',
    itemReply: 'Een bevestigd antwoordadres (tot dan hebben e-mails er geen)',
    itemTypes: 'Soorten werkorders (leden kiezen er een als ze werk aanvragen)',
    itemLook: 'Een eigen kleur of logo',
    branding: 'Huisstijl',
    name: 'Naam van het portaal',
    colour: 'Kleur',
    colourHint: 'Als #rrggbb; leeg voor de standaardkleur.',
    colourPick: 'Een kleur kiezen',
    logo: 'Adres van het logo',
    logoHint: 'Een https://-adres van een afbeelding; leeg voor geen.',
    preview: 'Voorbeeld',
    previewHeader: 'De kop van het portaal, zoals leden die zien',
    previewMail: 'Een uitnodigingsmail',
    features: 'Onderdelen die leden zien',
    featuresHint: 'Een uitgeschakeld onderdeel verdwijnt uit het portaal van elk lid.',
    types: 'Soorten werkorders',
    typesHint: 'Wat leden kunnen aanvragen op het aanvraagformulier.',
    typeCode: 'Code',
    typeName: 'Naam',
    typeRemove: 'Verwijderen',
    typeAdd: 'Een soort werkorder toevoegen',
    noTypes: 'Nog geen soorten werkorders.',
    language: 'Standaardtaal',
    languageHint: 'De e-mails en het portaal van leden, tenzij een lid een eigen taal heeft.',
    en: 'Engels',
    nl: 'Nederlands',
    address: 'Het adres van het portaal',
    url: 'Adres van het portaal',
    urlHint: 'Waar leden inloggen (https://…). Uitnodigingen verwijzen hiernaar.',
    sender: 'Antwoordadres',
    senderHint: 'Antwoorden op de e-mails van het portaal gaan hierheen zodra het bevestigd is.',
    complete: 'De inrichting is voltooid: leden mogen worden uitgenodigd',
    completeHint: 'Vereist het adres van het portaal.',
    save: 'Inrichting opslaan',
    saved: 'De inrichting is opgeslagen.',
    stale: 'Iemand anders heeft de inrichting intussen gewijzigd. Laad haar opnieuw om die wijzigingen te zien (de uwe zijn niet opgeslagen).',
    reload: 'Opnieuw laden',
    reply: 'Het antwoordadres bevestigen',
    replyNone: 'Vul hierboven een antwoordadres in en sla eerst op.',
    replyUnsaved: 'Sla het nieuwe antwoordadres eerst op.',
    replyConfirmed: '{email} is bevestigd (sinds {when}): antwoorden gaan daarheen.',
    replyPending: '{email} is nog niet bevestigd: e-mails gaan zonder antwoordadres de deur uit.',
    sendCode: 'Een code mailen naar {email}',
    codeSent: 'Er is een code naar {email} gestuurd. Die werkt tot {until}.',
    code: 'Code uit de e-mail',
    confirm: 'Bevestigen',
    confirmed: '{email} is bevestigd: antwoorden gaan daarheen.',
  },
});

/** What members see, in the portal's default language (not the console's): the
 * preview's words. The sections' names are the member portal's (`nav.*` in
 * `src/i18n.ts`); the email's are `shared/src/mail/strings.rs`'s. */
const MEMBER_WORDS: Record<Locale, Record<Schemas['Feature'] | 'sites' | 'greeting' | 'intro' | 'portal' | 'username' | 'password' | 'button' | 'subject' | 'signout', string>> = {
  en: {
    sites: 'Sites',
    jobs: 'Jobs',
    work_requests: 'Work requests',
    quotes: 'Quotes',
    invoices: 'Invoices',
    assets: 'Equipment',
    documents: 'Documents',
    messages: 'Messages',
    reports: 'Reports',
    payments: 'Online payments',
    signout: 'Sign out',
    subject: 'Your access to the {portal} portal',
    greeting: 'Welcome Anna,',
    intro: 'You have been given access to the customer portal, where you can follow your sites and the work we do for you.',
    portal: 'Portal',
    username: 'Sign in with',
    password: 'Temporary password',
    button: 'Open the portal',
  },
  nl: {
    sites: 'Locaties',
    jobs: 'Werkorders',
    work_requests: 'Aanvragen',
    quotes: 'Offertes',
    invoices: 'Facturen',
    assets: 'Installaties',
    documents: 'Documenten',
    messages: 'Berichten',
    reports: 'Rapportages',
    payments: 'Online betalen',
    signout: 'Afmelden',
    subject: 'Uw toegang tot het {portal}-portaal',
    greeting: 'Welkom Anna,',
    intro: 'U heeft toegang gekregen tot het klantportaal, waar u uw locaties en het werk dat wij voor u doen kunt volgen.',
    portal: 'Portaal',
    username: 'Inloggen met',
    password: 'Tijdelijk wachtwoord',
    button: 'Open het portaal',
  },
};

/** The sections in the member portal's menu order (`SECTIONS` in `src/app.ts`), then
 * paying invoices online (no tab of its own: a Pay button on the invoices). A feature
 * without its switch here would be dropped from the settings at the next save. */
const FEATURES: Schemas['Feature'][] = ['jobs', 'work_requests', 'quotes', 'invoices', 'assets', 'documents', 'messages', 'reports', 'payments'];
/** The features that are tabs of the portal (the preview's). */
const TABS = FEATURES.filter((f) => f !== 'payments');

/** The member portal's colour when a tenant has none (`--brand` in `style.css`). */
const PORTAL_COLOUR = '#1d4e89';
/** The emails' colour when a tenant has none (`Brand::DEFAULT_COLOR`). */
const MAIL_COLOUR = '#0b5fff';

type Settings = Schemas['Settings'];

/** A colour the API would take (`#rrggbb`), or null. */
const colourOf = (value: string | null | undefined): string | null => (value && /^#[0-9a-f]{6}$/i.test(value.trim()) ? value.trim().toLowerCase() : null);

/** A line of the checklist: `required` ones gate inviting, the others are advised. */
interface Item {
  label: string;
  done: boolean;
  required: boolean;
}

/** What the saved settings still lack, in the order to do it. The API decides inviting
 * on `setup_complete` alone, and takes it only with a `portal_url`. */
export function checklist(s: Settings): Item[] {
  const b = s.branding;
  return [
    { label: t('itemName'), done: b.display_name.trim() !== '', required: true },
    { label: t('itemUrl'), done: !!b.portal_url, required: true },
    { label: t('itemComplete'), done: s.setup_complete, required: true },
    { label: t('itemReply'), done: !!b.sender_email && !!b.sender_email_confirmed_at, required: false },
    { label: t('itemTypes'), done: s.work_order_types.length > 0, required: false },
    { label: t('itemLook'), done: !!b.primary_color || !!b.logo_url, required: false },
  ];
}

// The screen's own rules, adopted by the document when the screen is first drawn: a
// constructed style sheet (CSSOM, which the page's `style-src 'self'` allows) rather than
// a CSS file, whose loader Vite would put into every member's first load.
let styled = false;
function adoptStyles(): void {
  if (styled) return;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  styled = true;
}

export async function setupScreen(ctx: ScreenCtx): Promise<void> {
  adoptStyles();
  const read = await tagged(api.GET('/admin/settings'));
  let saved: Settings = read.body;
  let etag = read.etag;
  // The form as filled in (the preview follows it), from the saved settings.
  let draft: Settings = structuredClone(saved);
  let colourText = draft.branding.primary_color ?? '';
  let busy = false;
  let notice: string | null = null;
  let error: unknown = null;
  let stale = false;
  let sent: Schemas['SenderEmailVerification'] | null = null;
  let replyError: unknown = null;
  let replyNotice: string | null = null;

  const keep = (s: Settings, tag: string | null) => {
    saved = s;
    etag = tag;
    draft = structuredClone(s);
    colourText = s.branding.primary_color ?? '';
    // The console's header shows the organisation's name from its session: the same
    // object the shell draws from, kept current.
    ctx.session.settings = s;
  };

  const branding = (patch: Partial<Settings['branding']>) => {
    draft = { ...draft, branding: { ...draft.branding, ...patch } };
    draw();
  };
  const text = (ev: Event) => (ev.target as HTMLInputElement).value;
  const orNull = (value: string) => (value.trim() === '' ? null : value.trim());

  const save = async (ev: SubmitEvent) => {
    ev.preventDefault();
    busy = true;
    error = null;
    notice = null;
    stale = false;
    draw();
    const body: Schemas['SettingsInput'] = {
      ...draft,
      branding: { ...draft.branding, primary_color: orNull(colourText) },
    };
    try {
      const { response, data: out } = await api.PUT('/admin/settings', { body, headers: ifMatch(etag) });
      keep(out as Settings, response.headers.get('etag'));
      notice = t('saved');
      sent = null;
    } catch (e) {
      error = e;
      stale = e instanceof Problem && e.status === 412;
    }
    busy = false;
    draw();
    const first = firstField(error);
    focus(error ? (first ? `[data-field="${first}"]` : '#setup-problem') : '#setup-notice');
  };

  const reload = async () => {
    const again = await tagged(api.GET('/admin/settings'));
    keep(again.body, again.etag);
    error = null;
    stale = false;
    notice = null;
    draw();
    ctx.titled(t('title'));
  };

  const sendCode = async () => {
    busy = true;
    replyError = null;
    replyNotice = null;
    draw();
    try {
      sent = await data(api.POST('/admin/settings/sender-email/verification'));
    } catch (e) {
      replyError = e;
    }
    busy = false;
    draw();
    focus(replyError ? '#reply-problem' : '#reply-code');
  };

  const confirmCode = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const code = (ev.target as HTMLFormElement).querySelector('input')?.value.trim() ?? '';
    busy = true;
    replyError = null;
    draw();
    try {
      const { response, data: out } = await api.POST('/admin/settings/sender-email/confirm', { body: { code } });
      keep(out as Settings, response.headers.get('etag'));
      replyNotice = t('confirmed', { email: saved.branding.sender_email ?? '' });
      sent = null;
    } catch (e) {
      replyError = e;
    }
    busy = false;
    draw();
    focus(replyError ? (fieldErrors(replyError).has('code') ? '#reply-code' : '#reply-problem') : '#reply-notice');
  };

  /** A text field of the form, with the API's message for `field` beside it. */
  const input = (id: string, field: string, label: string, value: string, onInput: (v: string) => void, opts: { type?: string; hint?: string; required?: boolean; max?: number } = {}) => {
    const message = fieldErrors(error).get(field);
    const described = [opts.hint ? `${id}-hint` : '', message ? `${id}-error` : ''].filter(Boolean).join(' ');
    return html`<label for=${id}>${label}</label>
      ${opts.hint ? html`<p class="hint" id="${id}-hint">${opts.hint}</p>` : nothing}
      <input id=${id} data-field=${field} type=${opts.type ?? 'text'} .value=${value} ?required=${opts.required ?? false}
        maxlength=${opts.max ?? 2048} autocomplete="off" aria-invalid=${message ? 'true' : 'false'}
        aria-describedby=${described || nothing} @input=${(ev: Event) => onInput(text(ev))} />
      ${message ? html`<p class="problem" id="${id}-error">${message}</p>` : nothing}`;
  };

  const checklistView = () => {
    const items = checklist(saved);
    const missing = items.filter((i) => i.required && !i.done).length;
    return html`<section class="checklist" aria-labelledby="checklist-title">
      <h2 id="checklist-title">${t('checklist')}</h2>
      <p class=${missing ? 'problem' : 'info'} id="setup-state">${missing ? t('missing', { n: missing }) : t('ready')}</p>
      <ul class="cards">
        ${items.map(
          (i) => html`<li class="check ${i.done ? 'check-done' : ''}">
            <span class="badge badge-${i.done ? 'accepted' : i.required ? 'declined' : 'sent'}"
              >${i.done ? t('done') : i.required ? t('todo') : t('advised')}</span
            >
            ${i.label}
          </li>`,
        )}
      </ul>
    </section>`;
  };

  const typesView = () => {
    const message = [...fieldErrors(error)].find(([f]) => f.startsWith('work_order_types'))?.[1];
    const setType = (i: number, patch: Partial<Schemas['WorkOrderType']>) => {
      draft = { ...draft, work_order_types: draft.work_order_types.map((w, j) => (i === j ? { ...w, ...patch } : w)) };
    };
    return html`<fieldset>
      <legend>${t('types')}</legend>
      <p class="hint">${t('typesHint')}</p>
      ${message ? html`<p class="problem" id="types-error" data-field="work_order_types" tabindex="-1">${message}</p>` : nothing}
      ${draft.work_order_types.length === 0 ? html`<p>${t('noTypes')}</p>` : nothing}
      <ol class="types">
        ${draft.work_order_types.map(
          (w, i) => html`<li class="type-row">
            <div>
              <label for="type-code-${i}">${t('typeCode')}</label>
              <input id="type-code-${i}" required maxlength="64" .value=${w.code} @input=${(ev: Event) => setType(i, { code: text(ev) })} />
            </div>
            <div>
              <label for="type-name-${i}">${t('typeName')}</label>
              <input id="type-name-${i}" required maxlength="200" .value=${w.name} @input=${(ev: Event) => setType(i, { name: text(ev) })} />
            </div>
            <button type="button" @click=${() => {
              draft = { ...draft, work_order_types: draft.work_order_types.filter((_, j) => j !== i) };
              draw();
              focus('#type-add');
            }}>${t('typeRemove')}<span class="visually-hidden"> ${w.name || w.code}</span></button>
          </li>`,
        )}
      </ol>
      <button type="button" id="type-add" @click=${() => {
        draft = { ...draft, work_order_types: [...draft.work_order_types, { code: '', name: '' }] };
        draw();
        focus(`#type-code-${draft.work_order_types.length - 1}`);
      }}>${t('typeAdd')}</button>
    </fieldset>`;
  };

  const replyView = () => {
    const email = saved.branding.sender_email;
    const unsaved = (orNull(draft.branding.sender_email ?? '') ?? null) !== (email ?? null);
    let body: TemplateResult;
    if (!email) body = html`<p>${t('replyNone')}</p>`;
    else if (saved.branding.sender_email_confirmed_at)
      body = html`<p>${t('replyConfirmed', { email, when: dateTime(saved.branding.sender_email_confirmed_at) })}</p>`;
    else if (unsaved) body = html`<p>${t('replyUnsaved')}</p>`;
    else {
      const codeError = fieldErrors(replyError).get('code');
      body = html`<p>${t('replyPending', { email })}</p>
        ${sent
          ? html`<p class="info" role="status">${t('codeSent', { email: sent.sent_to, until: dateTime(sent.expires_at) })}</p>
              <form class="stack" @submit=${(ev: SubmitEvent) => void confirmCode(ev)}>
                <label for="reply-code">${t('code')}</label>
                <input id="reply-code" class="code" required maxlength="32" autocomplete="one-time-code"
                  aria-invalid=${codeError ? 'true' : 'false'} aria-describedby=${codeError ? 'reply-code-error' : nothing} />
                ${codeError ? html`<p class="problem" id="reply-code-error" role="alert">${codeError}</p>` : nothing}
                <button type="submit" class="primary" ?disabled=${busy}>${t('confirm')}</button>
              </form>`
          : nothing}
        <p class="actions">
          <button type="button" ?disabled=${busy} @click=${() => void sendCode()}>${t('sendCode', { email })}</button>
        </p>`;
    }
    const shown = replyError && !fieldErrors(replyError).has('code');
    return html`<section aria-labelledby="reply-title">
      <h2 id="reply-title">${t('reply')}</h2>
      ${replyNotice ? html`<p class="info" role="status" id="reply-notice" tabindex="-1">${replyNotice}</p>` : nothing}
      ${shown ? html`<div id="reply-problem" tabindex="-1">${problemView(replyError)}</div>` : nothing}
      ${body}
    </section>`;
  };

  const draw = () => {
    const b = draft.branding;
    const pickable = colourOf(colourText) ?? PORTAL_COLOUR;
    const errors = fieldErrors(error);
    const unplaced = error && !stale && ![...errors.keys()].some(placed);
    ctx.show(html`<h1 tabindex="-1">${t('title')}</h1>
      <p>${t('intro')}</p>
      ${checklistView()}
      ${notice ? html`<p class="info" role="status" id="setup-notice" tabindex="-1">${notice}</p>` : nothing}
      ${stale
        ? html`<div class="problem" role="alert" id="setup-problem" tabindex="-1">
            <p>${t('stale')}</p>
            <button type="button" @click=${() => void reload()}>${t('reload')}</button>
          </div>`
        : nothing}
      ${unplaced ? html`<div id="setup-problem" tabindex="-1">${problemView(error)}</div>` : nothing}
      <div class="setup-layout">
        <form class="stack setup-form" novalidate @submit=${(ev: SubmitEvent) => void save(ev)}>
          <fieldset>
            <legend>${t('branding')}</legend>
            ${input('set-name', 'branding.display_name', t('name'), b.display_name, (v) => branding({ display_name: v }), { required: true, max: 200 })}
            ${input('set-colour', 'branding.primary_color', t('colour'), colourText, (v) => {
              colourText = v;
              draw();
            }, { hint: t('colourHint'), max: 7 })}
            <label for="set-colour-pick">${t('colourPick')}</label>
            <input id="set-colour-pick" type="color" class="colour-pick" .value=${pickable} @input=${(ev: Event) => {
              colourText = text(ev);
              draw();
            }} />
            ${input('set-logo', 'branding.logo_url', t('logo'), b.logo_url ?? '', (v) => branding({ logo_url: orNull(v) }), { type: 'url', hint: t('logoHint') })}
          </fieldset>
          <fieldset>
            <legend>${t('features')}</legend>
            <p class="hint">${t('featuresHint')}</p>
            ${FEATURES.map(
              (f) => html`<div class="switch">
                <input type="checkbox" role="switch" id="feature-${f}" .checked=${draft.features.includes(f)} @change=${(ev: Event) => {
                  const on = (ev.target as HTMLInputElement).checked;
                  draft = { ...draft, features: on ? FEATURES.filter((x) => x === f || draft.features.includes(x)) : draft.features.filter((x) => x !== f) };
                  draw();
                }} />
                <label for="feature-${f}">${MEMBER_WORDS[currentLocale()][f]}</label>
              </div>`,
            )}
          </fieldset>
          ${typesView()}
          <fieldset>
            <legend>${t('address')}</legend>
            ${input('set-url', 'branding.portal_url', t('url'), b.portal_url ?? '', (v) => branding({ portal_url: orNull(v) }), { type: 'url', hint: t('urlHint') })}
            ${input('set-sender', 'branding.sender_email', t('sender'), b.sender_email ?? '', (v) => branding({ sender_email: orNull(v) }), { type: 'email', hint: t('senderHint'), max: 254 })}
            <label for="set-language">${t('language')}</label>
            <p class="hint" id="set-language-hint">${t('languageHint')}</p>
            <select id="set-language" aria-describedby="set-language-hint" @change=${(ev: Event) => {
              draft = { ...draft, default_locale: (ev.target as HTMLSelectElement).value as Locale };
              draw();
            }}>
              ${(['en', 'nl'] as const).map((l) => html`<option value=${l} ?selected=${draft.default_locale === l}>${t(l)}</option>`)}
            </select>
          </fieldset>
          <div class="switch">
            <input type="checkbox" role="switch" id="set-complete" aria-describedby="set-complete-hint" .checked=${draft.setup_complete}
              @change=${(ev: Event) => {
                draft = { ...draft, setup_complete: (ev.target as HTMLInputElement).checked };
                draw();
              }} />
            <label for="set-complete">${t('complete')}</label>
          </div>
          <p class="hint" id="set-complete-hint">${t('completeHint')}</p>
          <button type="submit" class="primary" ?disabled=${busy}>${t('save')}</button>
        </form>
        ${preview(draft)}
      </div>
      ${replyView()}`);
    paint(colourOf(colourText));
  };

  draw();
  ctx.titled(t('title'));
}

/** Whether the form shows the API's message for `field` beside a field of its own. */
function placed(field: string): boolean {
  return field.startsWith('branding.') || field.startsWith('work_order_types');
}

/** The first field the API named that the form shows its message beside. */
function firstField(error: unknown): string | undefined {
  const field = [...fieldErrors(error).keys()].find(placed);
  return field?.startsWith('work_order_types') ? 'work_order_types' : field;
}

/** The member portal's header and an invitation email, as the form now describes them:
 * in the portal's default language, in its colour (or each one's default). Neither is a
 * landmark nor has links: a picture of what members will see. */
function preview(s: Settings): TemplateResult {
  const w = MEMBER_WORDS[s.default_locale];
  const b = s.branding;
  const sections = [...TABS.filter((f) => s.features.includes(f)).map((f) => w[f]), w.sites];
  const name = b.display_name.trim() || '—';
  const url = b.portal_url ?? 'https://…';
  return html`<section class="preview" aria-labelledby="preview-title">
    <h2 id="preview-title">${t('preview')}</h2>
    <figure class="preview-portal" lang=${s.default_locale}>
      <figcaption>${t('previewHeader')}</figcaption>
      <div class="preview-top" id="preview-top">
        <span class="brand">
          ${b.logo_url ? html`<img src=${b.logo_url} alt="" class="logo" />` : nothing}
          <span class="portal-name">${name}</span>
        </span>
        <span>Anna de Vries · ${w.signout}</span>
      </div>
      <ul class="preview-tabs" id="preview-tabs" aria-label=${t('previewHeader')}>
        ${sections.map((label, i) => html`<li class=${i === 0 ? 'current' : ''}>${label}</li>`)}
      </ul>
    </figure>
    <figure class="preview-mail" lang=${s.default_locale}>
      <figcaption>${t('previewMail')}: “${w.subject.replace('{portal}', name)}”</figcaption>
      <div class="mail" id="preview-mail">
        ${b.logo_url ? html`<img src=${b.logo_url} alt=${name} class="mail-logo" />` : html`<p class="mail-name">${name}</p>`}
        <p>${w.greeting}</p>
        <p>${w.intro}</p>
        <dl class="facts">
          <dt>${w.portal}</dt>
          <dd>${url}</dd>
          <dt>${w.username}</dt>
          <dd>anna@example.com</dd>
          <dt>${w.password}</dt>
          <dd><code>••••••••</code></dd>
        </dl>
        <p><span class="mail-button">${w.button}</span></p>
      </div>
    </figure>
  </section>`;
}

/** Puts the colour on the preview (or each one's default): set through the CSSOM, which
 * the page's `style-src 'self'` allows where a `style` attribute would be refused. */
function paint(colour: string | null): void {
  const put = (id: string, brand: string) => {
    const el = document.getElementById(id);
    el?.style.setProperty('--brand', brand);
    el?.style.setProperty('--on-brand', onColour(brand));
  };
  put('preview-top', colour ?? PORTAL_COLOUR);
  put('preview-tabs', colour ?? PORTAL_COLOUR);
  put('preview-mail', colour ?? MAIL_COLOUR);
}



/** The screen's name in the console's menu. */
export const setupLabel = (): string => t('menu');
