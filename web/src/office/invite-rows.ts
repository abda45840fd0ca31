// The CSV of people to invite (the console's `/office/members/import`), read and checked
// row by row before anything is sent: no DOM and no API here, so the journeys' unit
// tests run it in Node. Parsing is papaparse's (quoted fields, commas and line breaks
// inside quotes, a byte-order mark, CRLF): the checks are ours, and mirror the API's
// (docs/openapi.json: `Name`, `Email`, `Phone`, `Locale`), so a row the preview passes
// is one the API takes.

import Papa from 'papaparse';

/** The file's columns, in the order the results file writes them. */
export const COLUMNS = ['first_name', 'last_name', 'email', 'phone', 'job_title', 'language'] as const;
export type Column = (typeof COLUMNS)[number];
const REQUIRED: Column[] = ['first_name', 'last_name', 'email'];

/** Why a row cannot be sent as it is. */
export type Issue =
  | 'required' // a required field is empty
  | 'email' // not an email address as the API takes one
  | 'duplicate' // the same address on an earlier row
  | 'phone' // not a phone number in international form
  | 'language' // neither en nor nl
  | 'long'; // over the API's length, or with a line break (control characters)

export interface RowIssue {
  field: Column;
  issue: Issue;
}

export interface InviteRow {
  /** The row's number as a spreadsheet shows it (the header is row 1). */
  line: number;
  first_name: string;
  last_name: string;
  /** As the API keeps it: lower-cased. */
  email: string;
  phone: string | null;
  job_title: string | null;
  language: 'en' | 'nl' | null;
  issues: RowIssue[];
}

export interface ParsedFile {
  rows: InviteRow[];
  /** Required columns the header lacks (then no row is checked). */
  missing: Column[];
  /** Header columns Portico does not know (ignored). */
  unknown: string[];
}

// The API's own shapes (docs/openapi.json), without the surrounding whitespace it trims.
const EMAIL = /^[A-Za-z0-9._%+'-]+@([A-Za-z0-9-]+\.)+[A-Za-z]{2,}$/;
const PHONE = /^[ ()-]*\+([ ()-]*[0-9]){8,15}[ ()-]*$/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LANGUAGES: Record<string, 'en' | 'nl'> = { en: 'en', english: 'en', nl: 'nl', nederlands: 'nl', dutch: 'nl' };

/** A header's name as a column: case, spaces and dashes aside (`First name` is `first_name`). */
function columnOf(header: string): string {
  return header.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

/** Reads the CSV (comma or semicolon, as spreadsheets write it) and checks each row. */
export function parseInvites(text: string): ParsedFile {
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), {
    header: true,
    skipEmptyLines: 'greedy',
    transformHeader: columnOf,
  });
  const fields = (parsed.meta.fields ?? []).filter((f) => f !== '');
  const missing = REQUIRED.filter((c) => !fields.includes(c));
  const unknown = fields.filter((f) => !(COLUMNS as readonly string[]).includes(f));
  if (missing.length) return { rows: [], missing, unknown };
  const seen = new Set<string>();
  const rows = parsed.data.map((record, i) => {
    const cell = (c: Column) => String(record[c] ?? '').trim();
    const issues: RowIssue[] = [];
    for (const c of REQUIRED) if (!cell(c)) issues.push({ field: c, issue: 'required' });
    for (const c of ['first_name', 'last_name', 'job_title'] as const) {
      if (cell(c).length > 200 || CONTROL.test(cell(c))) issues.push({ field: c, issue: 'long' });
    }
    const email = cell('email').toLowerCase();
    if (email && (!EMAIL.test(email) || email.length > 254)) issues.push({ field: 'email', issue: 'email' });
    else if (email && seen.has(email)) issues.push({ field: 'email', issue: 'duplicate' });
    if (email) seen.add(email);
    const phone = cell('phone');
    if (phone && (!PHONE.test(phone) || phone.length > 32)) issues.push({ field: 'phone', issue: 'phone' });
    const lang = cell('language').toLowerCase();
    const language = lang ? (LANGUAGES[lang] ?? null) : null;
    if (lang && !language) issues.push({ field: 'language', issue: 'language' });
    return {
      // The row a spreadsheet shows it on (the header is row 1; empty rows are dropped).
      line: i + 2,
      first_name: cell('first_name'),
      last_name: cell('last_name'),
      email,
      phone: phone || null,
      job_title: cell('job_title') || null,
      language,
      issues,
    };
  });
  return { rows, missing, unknown };
}

/** What became of a row when it was sent. */
export type Outcome = 'created' | 'invited' | 'exists' | 'problem';

export interface RowResult {
  row: InviteRow;
  outcome: Outcome;
  /** The API's words, or the row's issues, for a problem. */
  detail: string;
}

/** The results as a CSV to download: the row as read, its outcome and any detail.
 * A cell that a spreadsheet would run as a formula is written as text. */
export function resultsCsv(results: RowResult[], outcomeWord: (o: Outcome) => string): string {
  const safe = (v: string | null) => (v && /^[=+\-@\t\r]/.test(v) ? `'${v}` : (v ?? ''));
  return Papa.unparse({
    fields: ['line', ...COLUMNS, 'result', 'detail'],
    data: results.map(({ row, outcome, detail }) => [
      String(row.line),
      safe(row.first_name),
      safe(row.last_name),
      safe(row.email),
      safe(row.phone),
      safe(row.job_title),
      row.language ?? '',
      outcomeWord(outcome),
      safe(detail),
    ]),
  });
}

/** The Idempotency-Key of one step (`create`, `invite`) for one address of one
 * customer: the same file sent again — after a lost answer, a closed tab, a second
 * click — asks the API for what it did the first time, so nobody is created or invited
 * twice. A digest, so that any address fits the header's 100 visible characters. */
export async function rowKey(step: 'create' | 'invite', customerId: string, email: string): Promise<string> {
  const bytes = new TextEncoder().encode(`${customerId}\n${email.toLowerCase()}`);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  const b64 = btoa(String.fromCharCode(...digest)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `csv-${step}-${b64}`;
}
