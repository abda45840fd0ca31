// The rights a member and an access group both carry — permissions, KPI reports,
// approval limits — as the console's forms ask for them and its pages show them: one
// place for the members screen and the access groups screen. Also the small form
// helpers both use.

import { html, nothing, type TemplateResult } from 'lit-html';
import { Problem, type Schemas } from '../api';
import { problemView } from '../app';
import { currentLocale, dateTime, words } from '../i18n';
import { moneyIn } from '../intl';
import { majorText, minorUnits } from './amounts';
import { fieldErrors, focus } from './screen';

const t = words({
  en: {
    none: 'None',
    limits: 'Approval limits',
    currency: 'Currency',
    amount: 'Most per quote',
    badAmount: 'Write an amount, say 5000 or 5000.00.',
    suppressed: 'Mail to this address stopped',
    bounce: 'it bounced',
    complaint: 'they marked an email as spam',
    suppressedAt: '{reason} on {at}',
    'report.total_service_repairs': 'Service repairs',
    'report.calibrations_on_time': 'Calibrations on time',
    'report.quotes_by_status': 'Quotes by status',
    'report.open_calls_contract_equipment': 'Open calls on contract equipment',
    'report.most_expensive_equipment': 'Most expensive equipment',
    'report.equipment_open_rejected_quotes': 'Equipment with open or rejected quotes',
    'report.equipment_in_service': 'Equipment in service',
    'report.completed_service_visits': 'Completed service visits',
    'report.first_time_fix': 'First-time fix',
  },
  nl: {
    none: 'Geen',
    limits: 'Goedkeuringslimieten',
    currency: 'Valuta',
    amount: 'Hoogste bedrag per offerte',
    badAmount: 'Vul een bedrag in, bijvoorbeeld 5000 of 5000,00.',
    suppressed: 'Mail naar dit adres gestopt',
    bounce: 'het adres is onbestelbaar',
    complaint: 'een e-mail is als spam gemarkeerd',
    suppressedAt: '{reason} op {at}',
    'report.total_service_repairs': 'Servicereparaties',
    'report.calibrations_on_time': 'Kalibraties op tijd',
    'report.quotes_by_status': 'Offertes per status',
    'report.open_calls_contract_equipment': 'Open meldingen op contractinstallaties',
    'report.most_expensive_equipment': 'Duurste installaties',
    'report.equipment_open_rejected_quotes': 'Installaties met open of afgewezen offertes',
    'report.equipment_in_service': 'Installaties in gebruik',
    'report.completed_service_visits': 'Afgeronde servicebezoeken',
    'report.first_time_fix': 'In één keer opgelost',
  },
});

type Permission = Schemas['Permission'];
type Report = Schemas['Report'];

export const PERMISSIONS: Permission[] = [
  'view_jobs', 'export_jobs', 'view_completed_jobs', 'create_work_requests', 'add_job_notes', 'view_quotes',
  'approve_quotes', 'view_invoices', 'pay_invoices', 'view_assets', 'view_documents', 'view_messages', 'view_reports',
];
export const REPORTS: Report[] = [
  'total_service_repairs', 'calibrations_on_time', 'quotes_by_status', 'open_calls_contract_equipment', 'most_expensive_equipment',
  'equipment_open_rejected_quotes', 'equipment_in_service', 'completed_service_visits', 'first_time_fix',
];

/** A KPI report's name in the console. */
export const report = (r: Report): string => t(`report.${r}`);

/** The words "Approval limits". */
export const limitsWord = (): string => t('limits');

/** Words as a list, or "None". */
export function list(words: string[]): string {
  return words.length ? words.join(', ') : t('none');
}

/** Approval limits as money in the reader's language, or "None". */
export function limitsText(limits: Schemas['ApprovalLimits']): string {
  const entries = Object.entries(limits) as [string, number][];
  return list(entries.map(([currency, minor]) => moneyIn(currentLocale(), minor, currency)));
}

/** A group of checkboxes named `name`, one per value, ticked where `on` has it. */
export function boxes<V extends string>(prefix: string, name: string, legend: string, values: V[], on: readonly V[], label: (v: V) => string): TemplateResult {
  return html`<fieldset>
    <legend>${legend}</legend>
    ${values.map(
      (v) => html`<div class="switch">
        <input type="checkbox" id="${prefix}-${name}-${v}" name=${name} value=${v} .checked=${on.includes(v)} />
        <label for="${prefix}-${name}-${v}">${label(v)}</label>
      </div>`,
    )}
  </fieldset>`;
}

/** The approval limits as rows of currency and amount (in the currency's units, as
 * people write them), and an empty row to add one; `hint` says whose limits they are.
 * The first amount's id is `<prefix>-limit-amount` (focused when one is not an amount). */
export function limitFields(prefix: string, limits: Schemas['ApprovalLimits'], invalid: boolean, hint: string): TemplateResult {
  const rows: [string, string][] = (Object.entries(limits) as [string, number][]).map(([c, minor]) => [c, majorText(minor, c)]);
  rows.push(['', '']);
  const described = invalid ? `${prefix}-limits-hint ${prefix}-limits-error` : `${prefix}-limits-hint`;
  return html`<fieldset>
    <legend>${t('limits')}</legend>
    <p class="hint" id="${prefix}-limits-hint">${hint}</p>
    ${invalid ? html`<p class="problem" id="${prefix}-limits-error">${t('badAmount')}</p>` : nothing}
    ${rows.map((row, i) => {
      const amountId = i === 0 ? `${prefix}-limit-amount` : `${prefix}-limit-amount-${i}`;
      return html`<div class="filters" data-limit>
        <div class="field">
          <label for="${prefix}-limit-currency-${i}">${t('currency')}</label>
          <input id="${prefix}-limit-currency-${i}" name="limit_currency" .value=${row[0]} maxlength="3" autocomplete="off"
            pattern="[A-Za-z]{3}" />
        </div>
        <div class="field">
          <label for=${amountId}>${t('amount')}</label>
          <input id=${amountId} name="limit_amount" .value=${row[1]} inputmode="decimal" autocomplete="off"
            aria-invalid=${invalid ? 'true' : 'false'} aria-describedby=${described} />
        </div>
      </div>`;
    })}
  </fieldset>`;
}

/** The limit rows as the API's map; null when an amount is not one. */
export function limitsOf(form: HTMLFormElement): Schemas['ApprovalLimits'] | null {
  const currencies = Array.from(form.querySelectorAll<HTMLInputElement>('input[name="limit_currency"]'));
  const amounts = Array.from(form.querySelectorAll<HTMLInputElement>('input[name="limit_amount"]'));
  const out: Record<string, number> = {};
  for (const [i, input] of currencies.entries()) {
    const currency = input.value.trim().toUpperCase();
    const amount = amounts[i]?.value.trim() ?? '';
    if (!currency || !amount) continue;
    const minor = minorUnits(amount, currency);
    if (minor === null) return null;
    out[currency] = minor;
  }
  return out as Schemas['ApprovalLimits'];
}

/** A labelled input (or textarea) with the API's message for it beneath. */
export function field(prefix: string, name: string, label: string, error: unknown, value: string, type = 'text', required = true, hint = ''): TemplateResult {
  const message = fieldErrors(error).get(name);
  const id = `${prefix}-${name}`;
  const described = [hint ? `${id}-hint` : '', message ? `${id}-error` : ''].filter(Boolean).join(' ');
  const common = { id, described: described || nothing, invalid: message ? 'true' : 'false' };
  return html`<label for=${id}>${label}</label>
    ${hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : nothing}
    ${type === 'textarea'
      ? html`<textarea id=${common.id} name=${name} rows="4" maxlength="2000" aria-invalid=${common.invalid}
          aria-describedby=${common.described}></textarea>`
      : html`<input id=${common.id} name=${name} type=${type} .value=${value} ?required=${required} maxlength="200" autocomplete="off"
          aria-invalid=${common.invalid} aria-describedby=${common.described} />`}
    ${message ? html`<p class="problem" id="${id}-error">${message}</p>` : nothing}`;
}

/** A form's trimmed text field by name. */
export function textOf(form: HTMLFormElement): (name: string) => string {
  return (name) => ((form.elements.namedItem(name) as HTMLInputElement | null)?.value ?? '').trim();
}

/** The values of the ticked checkboxes named `name`. */
export function ticked(form: HTMLFormElement, name: string): string[] {
  return Array.from(form.querySelectorAll<HTMLInputElement>(`input[type="checkbox"][name="${name}"]:checked`)).map((i) => i.value);
}

/** The problem, above a form, when none of its field errors has a field here to sit by. */
export function unplaced(error: unknown, fields: string[], id: string): TemplateResult | typeof nothing {
  if (!error || fields.some((f) => fieldErrors(error).has(f))) return nothing;
  return html`<div id=${id} tabindex="-1">${problemView(error)}</div>`;
}

/** Focus on the first field the API named, else on the problem above the form. */
export function focusFirstError(error: unknown, prefix: string, fields: string[]): void {
  const first = fields.find((f) => fieldErrors(error).has(f));
  focus(first ? `#${prefix}-${first}` : `#${prefix}-problem`);
}

/** Asks before deleting: the question, "yes" (`#confirm-remove`, focused by the caller
 * when it opens) and "cancel". */
export function asking(question: string, yes: string, no: string, busy: boolean, onYes: () => void, onNo: () => void): TemplateResult {
  return html`<div class="info">
    <p id="confirm-text">${question}</p>
    <div class="actions">
      <button type="button" class="primary" id="confirm-remove" aria-describedby="confirm-text" ?disabled=${busy} @click=${onYes}>${yes}</button>
      <button type="button" ?disabled=${busy} @click=${onNo}>${no}</button>
    </div>
  </div>`;
}

/** The API's problem at the top of a page (`#<id>`, focusable); a 412 with the button
 * that reads the page again. */
export function pageProblem(id: string, error: unknown, reloadWord: string, reload: () => Promise<void>): TemplateResult | typeof nothing {
  if (!error) return nothing;
  return html`<div id=${id} tabindex="-1">${problemView(error)}
    ${error instanceof Problem && error.status === 412 ? html`<button type="button" @click=${() => void reload()}>${reloadWord}</button>` : nothing}
  </div>`;
}

/** Why mail to a member's or contact's address stopped (a bounce or a complaint), as a
 * fact of their page: nothing while mail still goes. */
export function suppressionFact(s: Schemas['Suppression'] | null | undefined, id: string): TemplateResult | typeof nothing {
  if (!s) return nothing;
  return html`<dt>${t('suppressed')}</dt>
    <dd id=${id}>
      ${t('suppressedAt', { reason: t(s.reason), at: dateTime(s.at) })}${s.detail ? html` (<code>${s.detail}</code>)` : nothing}
    </dd>`;
}

/** The same as a badge beside an address in a list. */
export function suppressionBadge(s: Schemas['Suppression'] | null | undefined): TemplateResult | typeof nothing {
  return s ? html`<span class="badge badge-declined">${t('suppressed')}: ${t(s.reason)}</span>` : nothing;
}
