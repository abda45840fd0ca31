// Broadcast messages: read, and acknowledge those that ask for it.

import { html, nothing } from 'lit-html';
import { post } from '../api';
import { Listing, chips, type Ctx } from '../app';
import { dateTime, t } from '../i18n';

interface Message {
  id: string;
  title: string;
  body: string;
  requires_ack: boolean;
  read: boolean;
  acknowledged: boolean;
  published_at: string;
  acknowledged_at: string | null;
}

export async function messagesPage(ctx: Ctx): Promise<void> {
  const unread = ctx.query.get('unread') === 'true';
  const list = new Listing<Message>('/portal/messages', { unread: unread ? 'true' : undefined }, () => draw());
  const act = async (m: Message, action: 'read' | 'ack') => {
    try {
      await post(`/portal/messages/${m.id}/${action}`, {});
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
                ${!m.read && !m.requires_ack ? html`<button type="button" @click=${() => void act(m, 'read')}>${t('messages.read')}</button>` : nothing}
                ${m.requires_ack && !m.acknowledged
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
