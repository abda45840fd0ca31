// What every screen of the office console gets from its shell (`office.ts`).

import { html, nothing, type TemplateResult } from 'lit-html';
import { Problem, type Schemas } from '../api';

/** The name office staff's authenticator apps list their account under. Before the
 * second factor the API tells an admin nothing about their organisation (not even its
 * name), so it is the console's own. */
export const ISSUER = 'Portico';

/** The organisation and the signed-in admin's own record. */
export interface OfficeSession {
  settings: Schemas['Settings'];
  me: Schemas['StaffDetail'];
}

export interface ScreenCtx {
  session: OfficeSession;
  /** Draws the screen inside the console's shell (while it is still the one shown). */
  show: (content: TemplateResult) => void;
  /** Sets the document title and moves focus to the heading (or to `selector`). */
  titled: (title: string, selector?: string) => void;
  go: (path: string) => void;
  /** Draws the current screen again from the start. */
  reload: () => Promise<void>;
  /** Keeps the admin's own record as it now is (after they changed it). */
  setMe: (me: Schemas['StaffDetail']) => void;
}

/** The API's messages by the field they name (a 400's `errors`), the first for each. */
export function fieldErrors(error: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (error instanceof Problem) for (const e of error.errors) if (!out.has(e.field)) out.set(e.field, e.message);
  return out;
}

/** Moves focus to `selector` once the page has been drawn. */
export function focus(selector: string): void {
  requestAnimationFrame(() => (document.querySelector(selector) as HTMLElement | null)?.focus());
}

/**
 * A group of checkboxes of `name`, one per value (shown as code, then its words), under
 * a legend; focusable as a whole and described by `error` (the API's words) when set.
 * The ids are `<id>-<value>` with punctuation as dashes.
 */
export function checkGroup(
  id: string,
  legend: string,
  name: string,
  values: readonly string[],
  words: (value: string) => string,
  error: string | undefined,
): TemplateResult {
  const boxId = (v: string) => `${name}-${v.replace(/[.:_]/g, '-')}`;
  return html`<fieldset id=${id} tabindex="-1" aria-describedby=${error ? `${id}-error` : nothing}>
      <legend>${legend}</legend>
      ${values.map(
        (v) => html`<div class="switch">
          <input type="checkbox" id=${boxId(v)} name=${name} value=${v} />
          <label for=${boxId(v)}><code>${v}</code> — ${words(v)}</label>
        </div>`,
      )}
    </fieldset>
    ${error ? html`<p class="problem" id="${id}-error">${error}</p>` : nothing}`;
}
