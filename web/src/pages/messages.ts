// Broadcast messages: read, and acknowledge those that ask for it.

import { html, nothing } from 'lit-html';
import { api, data, type Schemas } from '../api';
import { Listing, chips, type Ctx } from '../app';
import { dateTime, t } from '../i18n';

type Message = Schemas['PortalMessageView'];

export async function messagesPage(ctx: Ctx): Promise<void> {
  const unread = ctx.query.get('unread') === 'true';
  const list = new Listing(
    ({ limit, cursor }) => data(api.GET('/portal/messages', { params: { query: { unread: unread || undefined, limit, cursor } } })),
    () => draw(),
  );
  const act = async (m: Message, action: 'read' | 'ack') => {
    try {
      const path = { params: { path: { message_id: m.id } } };
      await data(action === 'read' ? api.POST('/portal/messages/{message_id}/read', path) : api.POST('/portal/messages/{message_id}/ack', path));
      // Redraws the page with the new unread count in the menu.
      await ctx.refreshMe();
    } catch (e) {
      list.error = e;
      draw();
    }
  };
  const draw = () =>
    ctx.show(html`<h1 tabindex="-1">${t('messages.title')}</h1>
      ${chips(t('messages.title'), '/messages', 'unread', ['true'], unread ? 'true' : '', () => t('messages.unread'))}
      ${list.view(
        (items) => html`<ul class="cards">
          ${items.map(
            (m) => html`<li class="card-item ${m.id === ctx.params.id ? 'focus' : ''} ${m.read ? '' : 'unread'}">
              <h2>${m.read ? nothing : html`<span class="badge badge-new">${t('messages.new')}</span> `}${m.title}</h2>
              <p class="hint">${dateTime(m.published_at)}</p>
              <p class="pre">${m.body}</p>
              <div class="actions">
                ${ctx.me.viewed_by ? nothing : !m.read && !m.requires_ack ? html`<button type="button" @click=${() => void act(m, 'read')}>${t('messages.read')}</button>` : nothing}
                ${m.requires_ack && !m.acknowledged && !ctx.me.viewed_by
                  ? html`<button type="button" class="primary" @click=${() => void act(m, 'ack')}>${t('messages.ack')}</button>`
                  : nothing}
                ${m.acknowledged ? html`<p class="hint">${t('messages.acked', { when: dateTime(m.acknowledged_at) })}</p>` : nothing}
              </div>
            </li>`,
          )}
        </ul>`,
      )}`);
  draw();
  ctx.titled(t('messages.title'));
  await list.load();
}
