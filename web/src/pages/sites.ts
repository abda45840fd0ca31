// The sites in the member's scope.

import { html } from 'lit-html';
import type { Ctx } from '../app';
import { t } from '../i18n';

export async function sitesPage(ctx: Ctx): Promise<void> {
  const sites = await ctx.sites();
  ctx.show(html`<h1 tabindex="-1">${t('sites.title')}</h1>
    ${sites.length === 0
      ? html`<p>${t('app.none')}</p>`
      : html`<table>
          <thead>
            <tr><th scope="col">${t('sites.name')}</th><th scope="col">${t('sites.address')}</th></tr>
          </thead>
          <tbody>
            ${sites.map((s) => html`<tr><td>${s.name}</td><td>${s.address}</td></tr>`)}
          </tbody>
        </table>`}`);
  ctx.titled(t('sites.title'));
}
