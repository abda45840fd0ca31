// Documents the member may download.

import { html, nothing } from 'lit-html';
import { get, openDownload, type Page } from '../api';
import { Pager, problemView, siteName, type Ctx } from '../app';
import { date, t } from '../i18n';

interface Document {
  id: string;
  title: string;
  site_id: string | null;
  file_name: string;
  updated_at: string;
  download: string;
}

export async function documentsPage(ctx: Ctx): Promise<void> {
  const sites = await ctx.sites();
  const pager = new Pager();
  let page: Page<Document> | null = null;
  let error: unknown = null;
  const load = async () => {
    try {
      page = await get<Page<Document>>('/portal/documents', { limit: 50, cursor: pager.current });
    } catch (e) {
      error = e;
    }
    draw();
  };
  const draw = () =>
    ctx.show(html`<h1 tabindex="-1">${t('documents.title')}</h1>
      ${error ? problemView(error) : nothing}
      ${page === null
        ? html`<p role="status">${t('app.loading')}</p>`
        : page.items.length === 0
          ? html`<p>${t('app.none')}</p>`
          : html`<div class="scroll"><table>
              <thead><tr><th scope="col">${t('documents.name')}</th><th scope="col">${t('jobs.site')}</th>
                <th scope="col">${t('documents.updated')}</th><th scope="col">${t('app.download')}</th></tr></thead>
              <tbody>
                ${page.items.map(
                  (d) => html`<tr><td>${d.title}</td><td>${d.site_id ? siteName(sites, d.site_id) : '—'}</td>
                    <td>${date(d.updated_at)}</td>
                    <td><button type="button" class="link"
                      @click=${() => openDownload(d.download).catch((e: unknown) => ((error = e), draw()))}>${d.file_name}</button></td></tr>`,
                )}
              </tbody>
            </table></div>`}
      ${page ? pager.view(page.next_cursor, () => void load()) : nothing}`);
  draw();
  ctx.titled(t('documents.title'));
  await load();
}
