//! `GET /portal/sites`: the sites in the member's scope. A grant on a customer covers
//! its child customers' sites; a grant on sites covers exactly those.

use portico::domain::ids::{CustomerId, DivisionId, SiteId};
use portico::domain::text::{Address, Name};
use portico::http::{guard, Reply, Req};
use portico::{App, Result};
use serde::Serialize;

use crate::openapi::Problem;

/// A site as a member sees it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PortalSite {
    pub id: SiteId,
    pub customer_id: CustomerId,
    pub name: Name,
    pub address: Address,
    pub division_id: Option<DivisionId>,
}

#[utoipa::path(get, path = "/portal/sites", tag = "portal",
    params(("limit" = Option<i32>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = crate::openapi::PortalSitePage), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("cognito" = [])))]
pub async fn list(app: &App, req: Req) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    let paging = req.paging()?;
    let page = app
        .store
        .visible_sites(portal.principal.tenant, &portal.rights.scope, &portal.rights_version(), &paging)
        .await?;
    Reply::ok(&page.map(|s| PortalSite {
        id: s.id,
        customer_id: s.customer_id,
        name: s.name,
        address: s.address,
        division_id: s.division_id,
    }))
}
