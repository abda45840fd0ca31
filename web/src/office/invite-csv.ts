// Inviting many members at once (`/office/members/import`, reached from the members
// screen): a customer, a CSV of people (first_name, last_name, email, phone, job_title,
// language), a preview of every row as checked here (`invite-rows.ts`), and nothing sent
// before "Create and invite N members". Then row by row: `POST /admin/members`, then
// `POST /admin/members/{id}/invite`, each with an Idempotency-Key derived from the
// customer and the row's address — the same file sent again (a lost answer, a second
// click, a reload halfway) is answered with what was done the first time, so nobody is
// created or invited twice. Someone already a member of the customer is not created
// again, and is invited only if they never were. A progress bar, each row's result, and
// the results as a CSV to download.

import { html, nothing, type TemplateResult } from 'lit-html';
import { api, data, Problem, saveFile, type Schemas } from '../api';
import { problemView } from '../app';
import { words } from '../i18n';
import { allCustomers, every } from './customers';
import { parseInvites, resultsCsv, rowKey, type InviteRow, type Issue, type Outcome, type ParsedFile, type RowResult } from './invite-rows';
import { focus, type ScreenCtx } from './screen';

const t = words({
  en: {
    title: 'Invite members from a file',
    intro: 'A CSV file with a header row and the columns first_name, last_name, email, phone, job_title and language (en or nl); the first three are required. Every row is checked and shown before anything is created.',
    back: 'Members',
    customer: 'Customer',
    file: 'CSV file',
    check: 'Check the file',
    groups: 'Access groups for everyone in the file',
    groupsHint: 'Their rights come from these groups; change anyone’s own rights on their page later.',
    noFile: 'Choose a CSV file.',
    unreadable: '{name} could not be read: choose a CSV file (text).',
    missing: 'The header row lacks the columns {columns}.',
    unknown: 'Columns left aside: {columns}.',
    noRows: 'The file has no rows of people.',
    preview: 'Preview',
    summary: '{rows} rows: {good} ready, {bad} with a problem (left out).',
    row: 'Row',
    first: 'First name',
    last: 'Last name',
    email: 'Email address',
    phone: 'Phone',
    jobTitle: 'Job title',
    language: 'Language',
    checked: 'Check',
    ok: 'Ready',
    member: 'Already a member',
    memberNew: 'Already a member, not invited yet: invited',
    'issue.required': '{field} is missing',
    'issue.email': 'not an email address',
    'issue.duplicate': 'this address is on an earlier row',
    'issue.phone': 'not a phone number in international form (+31 …)',
    'issue.language': 'the language is en or nl',
    'issue.long': '{field} is too long or has a line break',
    go: 'Create and invite {count} members',
    goOne: 'Create and invite 1 member',
    nothingToDo: 'No row is ready: correct the file and check it again.',
    progress: 'Progress',
    progressText: '{done} of {count} rows done',
    results: 'Results',
    result: 'Result',
    'outcome.created': 'Created and invited',
    'outcome.invited': 'Invited (was a member already)',
    'outcome.exists': 'Already exists: nothing sent',
    'outcome.problem': 'Problem',
    finished: 'Done: {created} created and invited, {invited} invited, {exists} already existed, {problems} with a problem.',
    download: 'Download results',
    another: 'Check another file',
    noAnswer: 'no answer came (the connection dropped): check the file again to see what was done',
  },
  nl: {
    title: 'Leden uitnodigen vanuit een bestand',
    intro: 'Een CSV-bestand met een kopregel en de kolommen first_name, last_name, email, phone, job_title en language (en of nl); de eerste drie zijn verplicht. Elke regel wordt gecontroleerd en getoond voordat er iets wordt aangemaakt.',
    back: 'Leden',
    customer: 'Klant',
    file: 'CSV-bestand',
    check: 'Het bestand controleren',
    groups: 'Toegangsgroepen voor iedereen in het bestand',
    groupsHint: 'De rechten komen van deze groepen; de eigen rechten van iemand wijzigt u later op diens pagina.',
    noFile: 'Kies een CSV-bestand.',
    unreadable: '{name} kon niet worden gelezen: kies een CSV-bestand (tekst).',
    missing: 'De kopregel mist de kolommen {columns}.',
    unknown: 'Kolommen die buiten beschouwing blijven: {columns}.',
    noRows: 'Het bestand bevat geen regels met personen.',
    preview: 'Voorbeeld',
    summary: '{rows} regels: {good} klaar, {bad} met een probleem (weggelaten).',
    row: 'Regel',
    first: 'Voornaam',
    last: 'Achternaam',
    email: 'E-mailadres',
    phone: 'Telefoon',
    jobTitle: 'Functie',
    language: 'Taal',
    checked: 'Controle',
    ok: 'Klaar',
    member: 'Al lid',
    memberNew: 'Al lid, nog niet uitgenodigd: wordt uitgenodigd',
    'issue.required': '{field} ontbreekt',
    'issue.email': 'geen e-mailadres',
    'issue.duplicate': 'dit adres staat al op een eerdere regel',
    'issue.phone': 'geen telefoonnummer in internationale vorm (+31 …)',
    'issue.language': 'de taal is en of nl',
    'issue.long': '{field} is te lang of bevat een regeleinde',
    go: '{count} leden aanmaken en uitnodigen',
    goOne: '1 lid aanmaken en uitnodigen',
    nothingToDo: 'Geen enkele regel is klaar: verbeter het bestand en controleer het opnieuw.',
    progress: 'Voortgang',
    progressText: '{done} van {count} regels verwerkt',
    results: 'Resultaten',
    result: 'Resultaat',
    'outcome.created': 'Aangemaakt en uitgenodigd',
    'outcome.invited': 'Uitgenodigd (was al lid)',
    'outcome.exists': 'Bestaat al: niets verstuurd',
    'outcome.problem': 'Probleem',
    finished: 'Klaar: {created} aangemaakt en uitgenodigd, {invited} uitgenodigd, {exists} bestonden al, {problems} met een probleem.',
    download: 'Resultaten downloaden',
    another: 'Een ander bestand controleren',
    noAnswer: 'er kwam geen antwoord (de verbinding viel weg): controleer het bestand opnieuw om te zien wat er is gedaan',
  },
});

type Member = Schemas['MemberView'];

/** The column names as the preview's headings. */
const FIELD_WORD = { first_name: 'first', last_name: 'last', email: 'email', phone: 'phone', job_title: 'jobTitle', language: 'language' } as const;

const issueText = (row: InviteRow): string =>
  row.issues.map((i) => t(`issue.${i.issue}` as `issue.${Issue}`, { field: t(FIELD_WORD[i.field]) })).join('; ');

const outcomeWord = (o: Outcome): string => t(`outcome.${o}` as `outcome.${Outcome}`);

export async function inviteCsvScreen(ctx: ScreenCtx): Promise<void> {
  const [customers, groups] = await Promise.all([
    allCustomers().then((list) => list.sort((a, b) => a.name.localeCompare(b.name))),
    every((query) => data(api.GET('/admin/access-groups', { params: { query } }))),
  ]);
  let customerId = new URLSearchParams(location.search).get('customer') ?? customers[0]?.id ?? '';
  let groupIds: string[] = [];
  let parsed: ParsedFile | null = null;
  let fileProblem: string | null = null;
  /** The customer's members by address, read when the file is checked and again when sent. */
  let existing = new Map<string, Member>();
  let error: unknown = null;
  let running = false;
  let results: RowResult[] | null = null;
  let done = 0;

  const customerName = () => customers.find((c) => c.id === customerId)?.name ?? '';
  const good = () => (parsed?.rows ?? []).filter((r) => r.issues.length === 0);
  const readMembers = async () => {
    const members = await every((query) => data(api.GET('/admin/members', { params: { query: { customer_id: customerId, ...query } } })));
    existing = new Map(members.map((m) => [m.email.toLowerCase(), m]));
  };

  const check = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const form = ev.target as HTMLFormElement;
    const values = new FormData(form);
    customerId = String(values.get('customer') ?? customerId);
    groupIds = values.getAll('group_ids').map(String);
    const file = (form.elements.namedItem('file') as HTMLInputElement).files?.[0];
    parsed = null;
    results = null;
    error = null;
    fileProblem = file ? null : t('noFile');
    if (file) {
      try {
        const text = await file.text();
        if (text.includes('\u0000')) throw new Error('binary');
        parsed = parseInvites(text);
        if (parsed.missing.length) fileProblem = t('missing', { columns: parsed.missing.join(', ') });
        else if (!parsed.rows.length) fileProblem = t('noRows');
        await readMembers();
      } catch (e) {
        if (e instanceof Problem) error = e;
        else fileProblem = t('unreadable', { name: file.name });
      }
    }
    draw();
    focus(fileProblem ? '#invite-file' : error ? '#invite-problem' : '#preview-title');
  };

  /** One row: created and invited, invited, left as it was, or the API's problem. */
  const send = async (row: InviteRow): Promise<RowResult> => {
    if (row.issues.length) return { row, outcome: 'problem', detail: issueText(row) };
    try {
      let member = existing.get(row.email);
      let outcome: Outcome = 'invited';
      if (member && member.status !== 'not_invited') return { row, outcome: 'exists', detail: '' };
      if (!member) {
        const body: Schemas['NewMember'] = {
          customer_id: customerId,
          first_name: row.first_name,
          last_name: row.last_name,
          email: row.email,
          phone: row.phone,
          job_title: row.job_title,
          locale: row.language,
          // Never the customer's admin by default (the API makes the first member one).
          admin: false,
          group_ids: groupIds,
        };
        const key = await rowKey('create', customerId, row.email);
        member = await data(api.POST('/admin/members', { body, params: { header: { 'Idempotency-Key': key } } }));
        outcome = 'created';
      }
      const key = await rowKey('invite', customerId, row.email);
      await data(api.POST('/admin/members/{member_id}/invite', { params: { path: { member_id: member.id }, header: { 'Idempotency-Key': key } }, body: {} }));
      return { row, outcome, detail: '' };
    } catch (e) {
      // The address belongs to someone else already (a member of another customer).
      if (e instanceof Problem && e.status === 409 && /email/i.test(`${e.detail} ${e.errors.map((x) => x.field).join(' ')}`)) {
        return { row, outcome: 'exists', detail: e.detail };
      }
      // A Problem is the API's answer; anything else is a request that got none.
      const detail = e instanceof Problem ? [e.title, e.detail, ...e.errors.map((x) => `${x.field}: ${x.message}`)].filter(Boolean).join(' — ') : t('noAnswer');
      return { row, outcome: 'problem', detail };
    }
  };

  const run = async () => {
    if (!parsed) return;
    running = true;
    error = null;
    done = 0;
    results = [];
    draw();
    focus('#invite-progress');
    try {
      await readMembers();
    } catch (e) {
      error = e;
    }
    if (!error) {
      for (const row of parsed.rows) {
        results.push(await send(row));
        done += 1;
        draw();
      }
    }
    running = false;
    draw();
    focus(error ? '#invite-problem' : '#invite-finished');
  };

  const download = () =>
    saveFile(
      Promise.resolve({ data: new Blob([`\uFEFF${resultsCsv(results ?? [], outcomeWord)}\r\n`], { type: 'text/csv' }), response: new Response() }),
      `invite-results-${customerName().replace(/[^\p{L}\p{N}]+/gu, '-')}.csv`,
    );

  const previewRow = (r: InviteRow) => {
    const member = existing.get(r.email);
    const state = r.issues.length
      ? html`<span class="badge badge-declined">${t('outcome.problem')}</span> ${issueText(r)}`
      : member
        ? member.status === 'not_invited'
          ? t('memberNew')
          : t('member')
        : t('ok');
    return html`<tr data-row=${r.line} class=${r.issues.length ? 'row-problem' : ''}>
      <th scope="row">${r.line}</th><td>${state}</td><td>${r.first_name}</td><td>${r.last_name}</td><td>${r.email}</td>
      <td>${r.phone ?? ''}</td><td>${r.job_title ?? ''}</td><td>${r.language ?? ''}</td>
    </tr>`;
  };

  const preview = (p: ParsedFile): TemplateResult => {
    const count = good().length;
    return html`<section aria-labelledby="preview-title">
      <h2 id="preview-title" tabindex="-1">${t('preview')}</h2>
      <p id="preview-summary">${t('summary', { rows: String(p.rows.length), good: String(count), bad: String(p.rows.length - count) })}</p>
      ${p.unknown.length ? html`<p class="hint">${t('unknown', { columns: p.unknown.join(', ') })}</p>` : nothing}
      <div class="scroll" tabindex="0" role="region" aria-labelledby="preview-title">
        <table id="preview">
          <thead><tr><th scope="col">${t('row')}</th><th scope="col">${t('checked')}</th><th scope="col">${t('first')}</th>
            <th scope="col">${t('last')}</th><th scope="col">${t('email')}</th><th scope="col">${t('phone')}</th>
            <th scope="col">${t('jobTitle')}</th><th scope="col">${t('language')}</th></tr></thead>
          <tbody>${p.rows.map(previewRow)}</tbody>
        </table>
      </div>
      ${count
        ? html`<div class="actions">
            <button type="button" class="primary" id="invite-go" ?disabled=${running || results !== null} @click=${() => void run()}
              >${count === 1 ? t('goOne') : t('go', { count: String(count) })}</button>
          </div>`
        : html`<p class="problem">${t('nothingToDo')}</p>`}
    </section>`;
  };

  const resultSection = (list: RowResult[]): TemplateResult => {
    const count = parsed?.rows.length ?? 0;
    const tally = (o: Outcome) => String(list.filter((r) => r.outcome === o).length);
    return html`<section aria-labelledby="results-title">
      <h2 id="results-title">${t('results')}</h2>
      <label for="invite-progress">${t('progress')}</label>
      <progress id="invite-progress" tabindex="-1" max=${count} value=${done} aria-describedby="invite-progress-text"></progress>
      <p class="hint" id="invite-progress-text">${t('progressText', { done: String(done), count: String(count) })}</p>
      ${!running && list.length === count
        ? html`<p class="info" role="status" id="invite-finished" tabindex="-1">
              ${t('finished', { created: tally('created'), invited: tally('invited'), exists: tally('exists'), problems: tally('problem') })}
            </p>
            <div class="actions"><button type="button" id="invite-download" @click=${() => void download()}>${t('download')}</button></div>`
        : nothing}
      <div class="scroll" tabindex="0" role="region" aria-labelledby="results-title">
        <table id="results">
          <thead><tr><th scope="col">${t('row')}</th><th scope="col">${t('email')}</th><th scope="col">${t('result')}</th></tr></thead>
          <tbody>
            ${list.map(
              (r) => html`<tr data-row=${r.row.line}><th scope="row">${r.row.line}</th><td>${r.row.email}</td>
                <td>${outcomeWord(r.outcome)}${r.detail ? html`: ${r.detail}` : nothing}</td></tr>`,
            )}
          </tbody>
        </table>
      </div>
    </section>`;
  };

  const draw = () =>
    ctx.show(html`<p><a href="/office/members?customer=${encodeURIComponent(customerId)}" data-link>← ${t('back')}</a></p>
      <h1 tabindex="-1">${t('title')}</h1>
      <p id="invite-intro">${t('intro')}</p>
      ${error ? html`<div id="invite-problem" tabindex="-1">${problemView(error)}</div>` : nothing}
      <form class="stack" aria-describedby="invite-intro" @submit=${(ev: SubmitEvent) => void check(ev)}>
        <label for="invite-customer">${t('customer')}</label>
        <select id="invite-customer" name="customer" ?disabled=${running}>
          ${customers.map((c) => html`<option value=${c.id} ?selected=${c.id === customerId}>${c.name}</option>`)}
        </select>
        <label for="invite-file">${t('file')}</label>
        <input id="invite-file" name="file" type="file" accept=".csv,text/csv" ?disabled=${running}
          aria-invalid=${fileProblem ? 'true' : 'false'} aria-describedby=${fileProblem ? 'invite-file-error' : nothing} />
        ${fileProblem ? html`<p class="problem" id="invite-file-error">${fileProblem}</p>` : nothing}
        ${groups.length
          ? html`<fieldset aria-describedby="invite-groups-hint">
              <legend>${t('groups')}</legend>
              <p class="hint" id="invite-groups-hint">${t('groupsHint')}</p>
              ${groups.map(
                (g) => html`<div class="switch">
                  <input type="checkbox" id="invite-group-${g.id}" name="group_ids" value=${g.id} .checked=${groupIds.includes(g.id)} />
                  <label for="invite-group-${g.id}">${g.name}</label>
                </div>`,
              )}
            </fieldset>`
          : nothing}
        <button type="submit" ?disabled=${running}>${results ? t('another') : t('check')}</button>
      </form>
      ${parsed && !fileProblem ? preview(parsed) : nothing} ${results ? resultSection(results) : nothing}`);

  draw();
  ctx.titled(t('title'));
}
