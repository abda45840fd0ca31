//! `/portal/work-requests`: members raise work requests for their sites and follow them
//! through the pipeline (submitted → accepted, with the linked job's status, or
//! declined with the reason). A member sees every request for the sites in their scope.

use portico::domain::asset::Asset;
use portico::domain::customer::Customer;
use portico::domain::file::FileOwner;
use portico::domain::group;
use portico::domain::ids::{TenantId, WorkRequestId};
use portico::domain::rights::Permission;
use portico::domain::settings::Feature;
use portico::domain::site::Site;
use portico::domain::text::{Code, Name};
use portico::domain::work_request::{
    check_work_order_type, NewWorkRequest, RequestStatus, WorkRequest, WorkRequestView,
};
use portico::http::guard::Portal;
use portico::http::{guard, Reply, Req};
use portico::store::access::Partitions;
use portico::store::listing::Conditions;
use portico::store::{keys, Page, Paging, Tx};
use portico::{App, Error, Result};

use crate::schema::Problem;
use crate::work_requests::{status_filter, views};

fn not_yours() -> Error {
    Error::invalid_field("site_id", "is not one of your sites")
}

#[utoipa::path(post, path = "/portal/work-requests", request_body(content = NewWorkRequest, example = json!({"subject": "Water leaking under the kitchen sink", "site_id": "site_01JD8Z6V5Q2W3E4R5T6Y7A8B9F", "work_order_type": "repair", "notes": "Started this morning; the cabinet floor is wet.", "requested_at": "2026-11-25T09:00:00Z"})),
    params(("Idempotency-Key" = Option<String>, Header, example = "fixture-create-work-request")),
    responses((status = 201, body = WorkRequestView), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn create(app: &App, req: Req) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    group::require(&portal.settings, &portal.rights, Feature::WorkRequests, Permission::CreateWorkRequests)?;
    let tenant = portal.principal.tenant;
    let input: NewWorkRequest = req.body()?;
    input.validate()?;
    // An asset (say, from its QR label) names the site; an asset or site outside the
    // member's scope reads exactly like one that does not exist.
    let asset = match input.asset_id {
        None => None,
        Some(id) => Some(
            app.store
                .get::<Asset>(keys::asset_key(tenant, id))
                .await?
                .ok_or_else(|| Error::invalid_field("asset_id", "is not an asset at one of your sites"))?,
        ),
    };
    let site_id = match (&asset, input.site_id) {
        (Some(a), Some(s)) if a.site_id != s => {
            return Err(Error::invalid_field("site_id", "is not the asset's site (leave it out to use the asset's)"))
        }
        (Some(a), _) => a.site_id,
        (None, Some(s)) => s,
        (None, None) => return Err(Error::invalid_field("site_id", "is required (or an asset_id)")),
    };
    let site = app.store.get::<Site>(keys::site_key(tenant, site_id)).await?;
    let site = match (site, &asset) {
        (Some(site), _) if portal.rights.scope.covers(&site.as_ref()) => site,
        (_, Some(_)) => return Err(Error::invalid_field("asset_id", "is not an asset at one of your sites")),
        _ => return Err(not_yours()),
    };
    let allowed = allowed_types(app, tenant, &site).await?;
    check_work_order_type(input.work_order_type.as_ref(), &allowed)?;
    let mut tx = Tx::new(tenant, portal.actor());
    let owner = FileOwner::Customer { customer_id: portal.member.customer_id };
    let files = crate::files::attachable(app, tenant, &owner, &input.file_ids, &mut tx).await?;
    let requested_by = Name::parse(&portal.member.full_name()).map_err(|e| anyhow::anyhow!("member name: {e}"))?;
    let request = WorkRequest::create(
        input,
        site.id,
        site.customer_path.clone(),
        portal.member.id,
        requested_by,
        files.iter().map(|f| f.file_ref()).collect(),
    );
    let reply =
        Reply::created(&request.view(None))?.etag(request.version).at(format!("/portal/work-requests/{}", request.id));
    tx.create(&request, "work_request.created", "the work request exists")?;
    tx.require(keys::site_key(tenant, site.id));
    if let Some(asset) = &asset {
        tx.require(keys::asset_key(tenant, asset.id));
    }
    app.store.commit(tx).await?;
    Ok(reply)
}

/// The work-order types a member may request at `site`: its customer's list; a child
/// customer without a list of its own has its nearest ancestor's (one BatchGetItem for
/// the whole path).
pub async fn allowed_types(app: &App, tenant: TenantId, site: &Site) -> Result<Vec<Code>> {
    let customers = path_customers(app, tenant, std::slice::from_ref(site)).await?;
    Ok(allowed_at(site, &customers))
}

/// The customers on the paths of `sites` (one BatchGetItem for them all).
pub async fn path_customers(app: &App, tenant: TenantId, sites: &[Site]) -> Result<Vec<Customer>> {
    let ids: std::collections::BTreeSet<_> = sites.iter().flat_map(|s| s.customer_path.ids().iter().copied()).collect();
    let keys: Vec<_> = ids.into_iter().map(|c| keys::customer_key(tenant, c)).collect();
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    app.store.batch(&keys).await?.all::<Customer>()
}

/// The nearest list on `site`'s customer path among `customers`.
pub fn allowed_at(site: &Site, customers: &[Customer]) -> Vec<Code> {
    site.customer_path
        .ids()
        .iter()
        .rev()
        .filter_map(|id| customers.iter().find(|c| c.id == *id))
        .map(|c| c.allowed_work_order_types.clone())
        .find(|types| !types.is_empty())
        .unwrap_or_default()
}

#[utoipa::path(get, path = "/portal/work-requests",
    params(("status" = Option<portico::domain::work_request::RequestStatus>, Query, description = "submitted, accepted or declined", example = "submitted"), ("site_id" = Option<portico::domain::ids::SiteId>, Query), ("limit" = Option<i32>, Query), ("cursor" = Option<crate::schema::Cursor>, Query)),
    responses((status = 200, body = crate::schema::WorkRequestPage), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn list(app: &App, req: Req) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    group::require_open(&portal.settings, &portal.rights, Feature::WorkRequests)?;
    let paging = req.paging()?;
    let status = status_filter(&req)?;
    let site = req
        .query("site_id")
        .map(|v| portico::domain::ids::SiteId::parse(&v).map_err(|e| Error::invalid_field("site_id", e.to_string())))
        .transpose()?;
    let parts = super::jobs::partitions(app, &portal, site).await?;
    Reply::ok(&page(app, &portal, &parts, status, site, &paging).await?)
}

/// One page of the work requests in `parts` (the list's, and the home page's).
async fn page(
    app: &App,
    portal: &Portal,
    parts: &Partitions,
    status: Option<RequestStatus>,
    site: Option<portico::domain::ids::SiteId>,
    paging: &Paging,
) -> Result<Page<WorkRequestView>> {
    let tenant = portal.principal.tenant;
    let sources = portico::store::access::sources(
        parts,
        |c| keys::requests_of_customer(tenant, c),
        |s| keys::requests_at_site(tenant, s),
        None,
        None,
    );
    let conditions = Conditions::default().any_of("status", &status.iter().map(|s| s.as_str()).collect::<Vec<_>>());
    let list = format!("portal-requests|{tenant}|{}|{status:?}|{site:?}", portal.rights_version());
    let page = app.store.newest_first::<WorkRequest>(&list, &sources, &conditions, paging).await?;
    let items: Vec<WorkRequest> = page
        .items
        .into_iter()
        .filter(|r| parts.hold(r.customer_id, r.site_id) && status.is_none_or(|s| r.status == s))
        .collect();
    Ok(Page { items: views(app, tenant, items).await?, next_cursor: page.next_cursor })
}

/// The home page's work requests: those still open (submitted, not yet accepted or
/// declined), newest first; `None` without the section. Their cursor is the requests
/// page's for `status=submitted`.
pub async fn open(app: &App, portal: &Portal, parts: &Partitions) -> Result<Option<Page<WorkRequestView>>> {
    if group::require_open(&portal.settings, &portal.rights, Feature::WorkRequests).is_err() {
        return Ok(None);
    }
    page(app, portal, parts, Some(RequestStatus::Submitted), None, &super::home::paging()).await.map(Some)
}

#[utoipa::path(get, path = "/portal/work-requests/{request_id}",
    params(("request_id" = portico::domain::ids::WorkRequestId, Path, example = "wr_01JD8Z6V5Q2W3E4R5T6Y7A8B9T")),
    responses((status = 200, body = WorkRequestView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get(app: &App, req: Req) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    group::require_open(&portal.settings, &portal.rights, Feature::WorkRequests)?;
    let tenant = portal.principal.tenant;
    let id = req.path_id("request_id", WorkRequestId::parse)?;
    let request = app.store.get::<WorkRequest>(keys::work_request_key(tenant, id)).await?.ok_or(Error::NotFound)?;
    if !super::jobs::covers_site(app, &portal, request.site_id, &request.customer_path).await? {
        return Err(Error::NotFound);
    }
    let view = views(app, tenant, vec![request]).await?.pop().ok_or(Error::NotFound)?;
    Reply::ok(&view)
}
