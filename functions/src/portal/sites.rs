//! `GET /portal/sites`: the sites in the member's scope. A grant on a customer covers
//! its child customers' sites; a grant on sites covers exactly those. Each site names the
//! work-order types a member may request there (the work-request form's picker).

use portico::http::{guard, Reply, Req};
use portico::{App, Result};

use crate::schema::Problem;

#[utoipa::path(get, path = "/portal/sites",
    params(("limit" = Option<i32>, Query, example = 20), ("cursor" = Option<crate::schema::Cursor>, Query)),
    responses((status = 200, body = crate::schema::PortalSitePage), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list(app: &App, req: Req) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    let paging = req.paging()?;
    let page = app
        .store
        .visible_sites(portal.principal.tenant, &portal.rights.scope, &portal.rights_version(), &paging)
        .await?;
    let customers = super::work_requests::path_customers(app, portal.principal.tenant, &page.items).await?;
    let catalogue = &portal.settings.work_order_types;
    Reply::ok(&page.map(|site| {
        let allowed = super::work_requests::allowed_at(&site, &customers);
        let types = catalogue.iter().filter(|t| allowed.contains(&t.code)).cloned().collect();
        site.portal_view(types)
    }))
}
