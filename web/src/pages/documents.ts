// Documents the member may download.

import { html } from 'lit-html';
import { api, data, openDownload } from '../api';
import { Listing, siteName, type Ctx } from '../app';
import { date, t } from '../i18n';

export async function documentsPage(ctx: Ctx): Promise<void> {
  const sites = await ctx.sites();
  const list = new Listing(({ limit, cursor }) => data(api.GET('/portal/documents', { params: { query: { limit, cursor } } })), () => draw(), 50);
  const draw = () =>
    ctx.show(html`<h1 tabindex="-1">${t('documents.title')}</h1>
      ${list.view(
        (items) => html`<div class="scroll"><table>
          <thead><tr><th scope="col">${t('documents.name')}</th><th scope="col">${t('jobs.site')}</th>
            <th scope="col">${t('documents.updated')}</th><th scope="col">${t('app.download')}</th></tr></thead>
          <tbody>
            ${items.map(
              (d) => html`<tr><td>${d.title}</td><td>${d.site_id ? siteName(sites, d.site_id) : '—'}</td>
                <td>${date(d.updated_at)}</td>
                <td><button type="button" class="link"
                  @click=${() => openDownload(d.download).catch((e: unknown) => ((list.error = e), draw()))}>${d.file_name}</button></td></tr>`,
            )}
          </tbody>
        </table></div>`,
      )}`);
  draw();
  ctx.titled(t('documents.title'));
  await list.load();
}
