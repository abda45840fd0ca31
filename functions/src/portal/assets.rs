//! `/portal/assets`: the assets at the member's sites, soonest service due first, with
//! their upcoming services and history (their jobs, newest first, as the member may see
//! jobs: none without a job permission, only completed ones with `view_completed_jobs`
//! alone). `GET /portal/assets/{asset_id}/work-request` is where an asset's QR label
//! leads: the work-request form, prefilled with the asset and its site.

use portico::domain::asset::{Asset, AssetFilter, AssetView, FormPrefill, FormSite, WorkRequestForm};
use portico::domain::group::require_open;
use portico::domain::ids::AssetId;
use portico::domain::settings::Feature;
use portico::domain::site::Site;
use portico::domain::tenant::now;
use portico::http::guard::Portal;
use portico::http::{guard, Reply, Req};
use portico::store::access::Partitions;
use portico::store::keys;
use portico::store::listing::Conditions;
use portico::store::{Page, Paging};
use portico::{App, Error, Result};

use crate::assets::{due_source, history};
use crate::schema::Problem;

/// The asset `id`, if it is at a site of the member's; anything else is a 404.
async fn visible_asset(app: &App, portal: &Portal, id: AssetId) -> Result<Asset> {
    let tenant = portal.principal.tenant;
    let asset = app.store.get::<Asset>(keys::asset_key(tenant, id)).await?.ok_or(Error::NotFound)?;
    if !super::jobs::covers_site(app, portal, asset.site_id, &asset.customer_path).await? {
        return Err(Error::NotFound);
    }
    Ok(asset)
}

#[utoipa::path(get, path = "/portal/assets",
    params(
        ("site_id" = Option<portico::domain::ids::SiteId>, Query),
        ("due_within_days" = Option<i32>, Query, minimum = 0, maximum = 3650, description = "Only assets with a service due within this many days (overdue ones included); 0–3650", example = 90),
        ("limit" = Option<i32>, Query), ("cursor" = Option<crate::schema::Cursor>, Query)),
    responses((status = 200, body = crate::schema::AssetPage, description = "Soonest service due first; assets with nothing due last"), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn list(app: &App, req: Req) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    require_open(&portal.settings, &portal.rights, Feature::Assets)?;
    let paging = req.paging()?;
    let filter = AssetFilter::parse(|k| req.query(k))?;
    let parts = super::jobs::partitions(app, &portal, filter.site_id).await?;
    Reply::ok(&page(app, &portal, &parts, &filter, &paging).await?)
}

/// One page of the assets in `parts`, soonest service due first (the list's, and the
/// home page's).
async fn page(
    app: &App,
    portal: &Portal,
    parts: &Partitions,
    filter: &AssetFilter,
    paging: &Paging,
) -> Result<Page<AssetView>> {
    let tenant = portal.principal.tenant;
    let at = now();
    let by = filter.due_by(at);
    let customers = parts.customers.iter().map(|c| due_source(keys::assets_of_customer(tenant, *c), by));
    let sources: Vec<_> =
        customers.chain(parts.sites.iter().map(|s| due_source(keys::assets_at_site(tenant, *s), by))).collect();
    let list = format!("portal-assets|{tenant}|{}|{filter:?}", portal.rights_version());
    let mut page = app.store.newest_first::<Asset>(&list, &sources, &Conditions::default(), paging).await?;
    // Defence in depth: whatever the keys returned, only the member's assets leave here.
    page.items.retain(|a| parts.hold(a.customer_id, a.site_id) && filter.admits(a, at));
    let portal_url = portal.settings.branding.portal_url.clone();
    Ok(page.map(|a| a.view(portal_url.as_ref())))
}

/// The home page's assets: those with a service due within [`super::home::WINDOW_DAYS`]
/// days (overdue ones included), soonest first; `None` without the assets section. Their
/// cursor is the assets page's for `due_within_days=30`.
pub async fn services_due(app: &App, portal: &Portal, parts: &Partitions) -> Result<Option<Page<AssetView>>> {
    if require_open(&portal.settings, &portal.rights, Feature::Assets).is_err() {
        return Ok(None);
    }
    let filter = AssetFilter { site_id: None, due_within_days: Some(super::home::WINDOW_DAYS) };
    page(app, portal, parts, &filter, &super::home::paging()).await.map(Some)
}

#[utoipa::path(get, path = "/portal/assets/{asset_id}",
    params(("asset_id" = portico::domain::ids::AssetId, Path, example = "ast_01JD8Z6V5Q2W3E4R5T6Y7A8BA0"),
        ("history_cursor" = Option<crate::schema::Cursor>, Query, description = "`history_next_cursor` of the previous answer: older jobs")),
    responses((status = 200, body = AssetView, description = "With upcoming services and history: the asset's jobs you may see, newest first"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get(app: &App, req: Req) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    require_open(&portal.settings, &portal.rights, Feature::Assets)?;
    let id = req.path_id("asset_id", AssetId::parse)?;
    let tenant = portal.principal.tenant;
    // The asset and its history at once: the history's key needs only the id.
    let statuses = super::jobs::visible_statuses(&portal);
    let list = format!("portal-asset-history|{tenant}|{}|{id}", portal.rights_version());
    let jobs = async {
        match &statuses {
            Some(statuses) => history(app, tenant, id, &list, statuses, req.query("history_cursor")).await.map(Some),
            None => Ok(None),
        }
    };
    let (asset, jobs) = futures_util::future::try_join(visible_asset(app, &portal, id), jobs).await?;
    let mut view = asset.view(portal.settings.branding.portal_url.as_ref());
    view.history = Some(Vec::new());
    if let Some(page) = jobs {
        let mut shown = Vec::with_capacity(page.items.len());
        for job in &page.items {
            // A job filed before the asset moved may be at a site the member does not see.
            if job.site_id == asset.site_id
                || super::jobs::covers_site(app, &portal, job.site_id, &job.customer_path).await?
            {
                shown.push(job.view());
            }
        }
        view.history = Some(shown);
        view.history_next_cursor = page.next_cursor;
    }
    Reply::ok(&view)
}

#[utoipa::path(get, path = "/portal/assets/{asset_id}/work-request",
    params(("asset_id" = portico::domain::ids::AssetId, Path, example = "ast_01JD8Z6V5Q2W3E4R5T6Y7A8BA0")),
    responses((status = 200, body = WorkRequestForm, description = "The form an asset's QR label opens: POST `request` with a subject to /portal/work-requests"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn work_request_form(app: &App, req: Req) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    require_open(&portal.settings, &portal.rights, Feature::WorkRequests)?;
    let asset = visible_asset(app, &portal, req.path_id("asset_id", AssetId::parse)?).await?;
    let tenant = portal.principal.tenant;
    let site = app.store.get::<Site>(keys::site_key(tenant, asset.site_id)).await?.ok_or(Error::NotFound)?;
    let work_order_types = super::work_requests::allowed_types(app, tenant, &site).await?;
    Reply::ok(&WorkRequestForm {
        asset: asset.summary(),
        site: FormSite { id: site.id, name: site.name.clone() },
        work_order_types,
        request: FormPrefill { asset_id: asset.id, site_id: site.id },
    })
}
