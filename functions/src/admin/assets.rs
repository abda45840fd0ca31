//! `/admin/assets`: the back office publishes assets (equipment) with their upcoming
//! services. `PUT /admin/assets/{asset_id}` is an upsert keyed by the back office's own
//! reference, like jobs, quotes and invoices. The detail adds the asset's history: its
//! jobs, newest first, read from the links the job upsert keeps (see
//! `portico::domain::asset::AssetJobLink`).

use portico::domain::asset::{Asset, AssetFilter, AssetInput, AssetJobLink, AssetView};
use portico::domain::customer::Customer;
use portico::domain::ids::{AssetId, CustomerId, TenantId};
use portico::domain::principal::AdminPrincipal;
use portico::domain::site::Site;
use portico::domain::tenant::now;
use portico::domain::text::ExternalRef;
use portico::http::{guard, Reply, Req};
use portico::store::listing::{Conditions, Source};
use portico::store::{keys, Claim, Tx};
use portico::{App, Error, Result};

use super::Upserted;
use crate::assets::{due_source, history};
use crate::schema::Problem;

/// An asset by Portico id (`ast_…`) or by the back office's reference.
pub async fn find(app: &App, tenant: TenantId, id_or_ref: &str) -> Result<Option<Asset>> {
    super::find_published(
        app,
        id_or_ref,
        AssetId::parse,
        |id| keys::asset_key(tenant, id),
        |r| keys::asset_ref(tenant, r),
    )
    .await
}

#[utoipa::path(put, path = "/admin/assets/{asset_id}", request_body(content = AssetInput, example = json!({"customer_id": "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D", "site_id": "site_01JD8Z6V5Q2W3E4R5T6Y7A8B9F", "name": "Boiler 1", "category": "boiler", "serial_number": "SN-88412", "location": "Basement", "installed_at": "2019-05-01T00:00:00Z", "under_contract": true, "status": "in_service", "value": 1250000, "currency": "EUR", "upcoming_services": [{"name": "Annual service", "due_at": "2027-01-15T09:00:00Z"}]})),
    params(("asset_id" = portico::domain::text::ExternalRef, Path, description = "The back office's reference (external_ref)", example = "A-1001"), ("If-Match" = Option<crate::schema::IfMatch>, Header)),
    responses((status = 200, body = AssetView), (status = 201, body = AssetView), (status = 400, body = Problem), (status = 409, body = Problem, description = "Another request is publishing this reference at the same moment; try again"), (status = 412, body = Problem), (status = 422, body = Problem, description = "`customer_id` or `site_id` is a reference that names no record")))]
pub async fn upsert(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let target = req.path_param("asset_id")?;
    let body = Box::pin(super::with_parents_by_id(app, admin.tenant, req.body()?)).await?;
    let input: AssetInput = super::read_body(&body)?;
    Box::pin(publish(app, &admin, &target, input, req.if_match()?)).await?.reply()
}

/// `PUT /admin/assets/{ref}` with its parsed body: the route and a batch item.
pub async fn publish(
    app: &App,
    admin: &AdminPrincipal,
    target: &str,
    input: AssetInput,
    if_match: Option<u64>,
) -> Result<Upserted> {
    let reference = ExternalRef::parse(target).map_err(|e| Error::invalid_field("asset_id", e.to_string()))?;
    input.validate()?;
    let tenant = admin.tenant;
    let found = app
        .store
        .batch(&[
            keys::customer_key(tenant, input.customer_id),
            keys::site_key(tenant, input.site_id),
            keys::asset_ref(tenant, &reference),
            keys::settings_key(tenant),
        ])
        .await?;
    let customer = found.one::<Customer>()?.ok_or_else(|| {
        Error::invalid_field("customer_id", format!("customer `{}` does not exist", input.customer_id))
    })?;
    match found.one::<Site>()? {
        Some(site) if site.customer_id == customer.id => {}
        _ => {
            return Err(Error::invalid_field(
                "site_id",
                format!("site `{}` is not a site of customer `{}`", input.site_id, customer.id),
            ))
        }
    }
    let portal_url = found.settings()?.branding.portal_url;
    let before: Option<Asset> =
        super::claimed(app, found.one::<Claim>()?, AssetId::parse, |id| keys::asset_key(tenant, id)).await?;
    guard::if_match_sent_or_new(if_match, before.as_ref().map(|b| b.version))?;
    input.check_echo(&reference, before.as_ref())?;

    let mut tx = Tx::new(tenant, admin.actor());
    tx.require(keys::site_key(tenant, input.site_id));
    match before {
        None => {
            let asset = Asset::create(reference.clone(), input, customer.path.clone());
            tx.claim(
                keys::asset_ref(tenant, &reference),
                &asset.id.to_string(),
                "this reference is being published; try again",
            );
            tx.create(&asset, "asset.created", "the asset exists")?;
            app.store.commit(tx).await?;
            let view = asset.view(portal_url.as_ref());
            Upserted::new(true, asset.id, asset.version, &view, "assets")
        }
        Some(before) => {
            let mut after = before.clone();
            after.fill(input, customer.path.clone());
            if after.same_as(&before) {
                return Upserted::new(false, before.id, before.version, &before.view(portal_url.as_ref()), "assets");
            }
            after.touch();
            tx.update(&before, &after, before.version, "asset.updated")?;
            app.store.commit(tx).await?;
            Upserted::new(false, after.id, after.version, &after.view(portal_url.as_ref()), "assets")
        }
    }
}

#[utoipa::path(get, path = "/admin/assets/{asset_id}",
    params(("asset_id" = portico::domain::text::ExternalRef, Path, description = "Portico's id (`ast_…`) or the back office's reference", example = "ast_01JD8Z6V5Q2W3E4R5T6Y7A8BA0"),
        ("history_cursor" = Option<crate::schema::Cursor>, Query, description = "`history_next_cursor` of the previous answer: older jobs")),
    responses((status = 200, body = AssetView, description = "The asset with its upcoming services and history (its jobs, newest first)"), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn get(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let tenant = admin.tenant;
    let (asset, settings) =
        futures_util::future::try_join(find(app, tenant, &req.path_param("asset_id")?), app.store.settings(tenant))
            .await?;
    let asset = asset.ok_or(Error::NotFound)?;
    let list = format!("admin-asset-history|{tenant}|{}", asset.id);
    let jobs = history(app, tenant, asset.id, &list, &[], req.query("history_cursor")).await?;
    let mut view = asset.view(settings.branding.portal_url.as_ref());
    view.history = Some(jobs.items.iter().map(AssetJobLink::view).collect());
    view.history_next_cursor = jobs.next_cursor;
    Ok(Reply::ok(&view)?.etag(asset.version))
}

#[utoipa::path(get, path = "/admin/assets",
    params(
        ("customer_id" = Option<portico::domain::ids::CustomerId>, Query, description = "Only the assets at this customer's own sites", example = "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D"),
        ("site_id" = Option<portico::domain::ids::SiteId>, Query),
        ("due_within_days" = Option<i32>, Query, minimum = 0, maximum = 3650, description = "Only assets with a service due within this many days (overdue ones included); 0–3650", example = 365),
        ("limit" = Option<i32>, Query), ("cursor" = Option<crate::schema::Cursor>, Query)),
    responses((status = 200, body = crate::schema::AssetPage, description = "By customer or site: soonest service due first; otherwise newest first"), (status = 400, body = Problem)))]
pub async fn list(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let paging = req.paging()?;
    let filter = AssetFilter::parse(|k| req.query(k))?;
    let customer = req
        .query("customer_id")
        .map(|v| CustomerId::parse(&v).map_err(|e| Error::invalid_field("customer_id", e.to_string())))
        .transpose()?;
    let tenant = admin.tenant;
    let at = now();
    let by = filter.due_by(at);
    let (source, conditions) = match (filter.site_id, customer) {
        (Some(site), _) => (due_source(keys::assets_at_site(tenant, site), by), Conditions::default()),
        (None, Some(c)) => (due_source(keys::assets_of_customer(tenant, c), by), Conditions::default()),
        (None, None) => (
            Source::all(keys::all_assets(tenant)),
            Conditions::default().within("next_service_due", None, by.map(keys::stamp)),
        ),
    };
    let list = format!("admin-assets|{tenant}|{filter:?}|{customer:?}");
    let (mut page, settings) = futures_util::future::try_join(
        app.store.newest_first::<Asset>(&list, &[source], &conditions, &paging),
        app.store.settings(tenant),
    )
    .await?;
    page.items.retain(|a| customer.is_none_or(|c| a.customer_id == c) && filter.admits(a, at));
    let portal_url = settings.branding.portal_url;
    Reply::ok(&page.map(|a| a.view(portal_url.as_ref())))
}
