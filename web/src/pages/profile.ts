// My profile: name, phone, language, and which emails I get. Saved with If-Match, so
// a change made meanwhile elsewhere is not overwritten.

import { html, nothing } from 'lit-html';
import { getTagged, patch } from '../api';
import { problemView, type Ctx, type Me } from '../app';
import { permission, t, type Key } from '../i18n';

const KINDS = ['quotes', 'invoices', 'jobs_completed', 'job_status', 'work_requests', 'messages'];

export async function profilePage(ctx: Ctx): Promise<void> {
  const { body: me, etag } = await getTagged<Me>('/portal/me');
  let error: unknown = null;
  let saved = ctx.query.has('saved');
  let busy = false;
  const draw = () =>
    ctx.show(html`<h1 tabindex="-1">${t('profile.title')}</h1>
      ${saved ? html`<p class="info" role="status">${t('app.saved')}</p>` : nothing}
      ${error ? problemView(error) : nothing}
      <form class="stack" @submit=${async (ev: SubmitEvent) => {
        ev.preventDefault();
        const f = ev.target as HTMLFormElement;
        const data = new FormData(f);
        busy = true;
        error = null;
        saved = false;
        draw();
        try {
          const phone = String(data.get('phone') ?? '').trim();
          await patch<Me>(
            '/portal/me',
            {
              first_name: String(data.get('first_name') ?? '').trim(),
              last_name: String(data.get('last_name') ?? '').trim(),
              phone: phone || null,
              locale: String(data.get('locale')),
              notifications: KINDS.filter((k) => data.get(`n-${k}`) === 'on'),
            },
            etag,
          );
          // In the language just chosen, saying so.
          await ctx.refreshMe('/profile?saved=1');
          return;
        } catch (e) {
          error = e;
        }
        busy = false;
        draw();
      }}>
        <label for="email">${t('profile.email')}</label>
        <input id="email" .value=${me.email} readonly />
        <label for="first_name">${t('profile.first')}</label>
        <input id="first_name" name="first_name" required maxlength="200" autocomplete="given-name" .value=${me.first_name} />
        <label for="last_name">${t('profile.last')}</label>
        <input id="last_name" name="last_name" required maxlength="200" autocomplete="family-name" .value=${me.last_name} />
        <label for="phone">${t('profile.phone')}</label>
        <input id="phone" name="phone" type="tel" autocomplete="tel" placeholder="+31612345678" .value=${me.phone ?? ''} />
        <label for="locale">${t('profile.locale')}</label>
        <select id="locale" name="locale">
          <option value="en" ?selected=${me.locale === 'en'}>English</option>
          <option value="nl" ?selected=${me.locale === 'nl'}>Nederlands</option>
        </select>
        <fieldset>
          <legend>${t('profile.notifications')}</legend>
          ${KINDS.map(
            (k) => html`<div class="switch">
              <input type="checkbox" role="switch" id="n-${k}" name="n-${k}" ?checked=${me.notifications.includes(k)} />
              <label for="n-${k}">${t(`notify.${k}` as Key)}</label>
            </div>`,
          )}
        </fieldset>
        <button type="submit" class="primary" ?disabled=${busy}>${t('app.save')}</button>
      </form>
      <h2>${t('profile.rights')}</h2>
      <ul>${me.permissions.map((p) => html`<li>${permission(p)}</li>`)}</ul>`);
  draw();
  ctx.titled(t('profile.title'));
}
