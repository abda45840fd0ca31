//! `/admin/customers/{customer_id}/sites` and `/admin/sites/{site_id}`.

use portico::domain::customer::Customer;
use portico::domain::division::Division;
use portico::domain::ids::{CustomerId, DivisionId, SiteId, TenantId};
use portico::domain::site::{NewSite, Site, SitePatch, SiteView};
use portico::http::{guard, Reply, Req};
use portico::store::{keys, Page, Tx};
use portico::{App, Error, Result};

use crate::schema::Problem;

async fn customer(app: &App, req: &Req, tenant: TenantId) -> Result<Customer> {
    let id = req.path_id("customer_id", CustomerId::parse)?;
    app.store.get::<Customer>(keys::customer_key(tenant, id)).await?.ok_or(Error::NotFound)
}

/// A site can only be filed under a division of its own customer.
async fn check_division(app: &App, tenant: TenantId, customer: &CustomerId, division: DivisionId) -> Result<()> {
    match app.store.get::<Division>(keys::division_key(tenant, division)).await? {
        Some(d) if d.customer_id == *customer => Ok(()),
        _ => Err(Error::invalid_field("division_id", "no such division of the site's customer")),
    }
}

async fn load(app: &App, req: &Req, tenant: TenantId) -> Result<Site> {
    let id = req.path_id("site_id", SiteId::parse)?;
    app.store.get::<Site>(keys::site_key(tenant, id)).await?.ok_or(Error::NotFound)
}

#[utoipa::path(post, path = "/admin/customers/{customer_id}/sites", request_body(content = NewSite, example = json!({"name": "Outlet West", "address": "5 Westweg, Leiden", "division_id": "div_01JD8Z6V5Q2W3E4R5T6Y7A8B9N"})),
    params(("customer_id" = portico::domain::ids::CustomerId, Path, example = "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D"), ("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = SiteView), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn create(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let input: NewSite = req.body()?;
    let owner = customer(app, &req, admin.tenant).await?;
    if let Some(division) = input.division_id {
        check_division(app, admin.tenant, &owner.id, division).await?;
    }
    let site = Site::create(&owner, input);
    let reply = Reply::created(&site.view())?.etag(site.version).at(format!("/admin/sites/{}", site.id));
    let mut tx = Tx::new(admin.tenant, admin.actor());
    tx.create(&site, "site.created", "the site exists")?;
    tx.require(keys::customer_key(admin.tenant, owner.id));
    app.store.commit(tx).await?;
    Ok(reply)
}

#[utoipa::path(get, path = "/admin/customers/{customer_id}/sites",
    params(("customer_id" = portico::domain::ids::CustomerId, Path, example = "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D"), ("limit" = Option<i32>, Query), ("cursor" = Option<crate::schema::Cursor>, Query)),
    responses((status = 200, body = crate::schema::SitePage), (status = 404, body = Problem)))]
pub async fn list(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let paging = req.paging()?;
    let owner = customer(app, &req, admin.tenant).await?;
    let page: Page<Site> = app.store.page("sites", &keys::own_sites_of(admin.tenant, &owner.path), &paging).await?;
    Reply::ok(&page.map(|s| s.view()))
}

#[utoipa::path(get, path = "/admin/sites/{site_id}",
    params(("site_id" = portico::domain::ids::SiteId, Path, example = "site_01JD8Z6V5Q2W3E4R5T6Y7A8B9F")),
    responses((status = 200, body = SiteView), (status = 404, body = Problem)))]
pub async fn get(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let site = load(app, &req, admin.tenant).await?;
    Ok(Reply::ok(&site.view())?.etag(site.version))
}

#[utoipa::path(patch, path = "/admin/sites/{site_id}", request_body(content = SitePatch, example = json!({"name": "Harbor Head Office", "division_id": "div_01JD8Z6V5Q2W3E4R5T6Y7A8B9N"})),
    params(("site_id" = portico::domain::ids::SiteId, Path, example = "site_01JD8Z6V5Q2W3E4R5T6Y7A8B9F"), ("If-Match" = Option<crate::schema::IfMatch>, Header)),
    responses((status = 200, body = SiteView), (status = 400, body = Problem), (status = 404, body = Problem), (status = 412, body = Problem)))]
pub async fn update(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let patch: SitePatch = req.body()?;
    let before = load(app, &req, admin.tenant).await?;
    guard::if_match(&req, before.version)?;
    if let Some(Some(division)) = patch.division_id {
        check_division(app, admin.tenant, &before.customer_id, division).await?;
    }
    let mut after = before.clone();
    after.apply(patch);
    app.store.update(admin.tenant, admin.actor(), &before, &after, before.version, "site.updated").await?;
    Ok(Reply::ok(&after.view())?.etag(after.version))
}

#[utoipa::path(delete, path = "/admin/sites/{site_id}",
    params(("site_id" = portico::domain::ids::SiteId, Path, example = "site_01JD8Z6V5Q2W3E4R5T6Y7A8B9G"), ("If-Match" = Option<crate::schema::IfMatch>, Header)),
    responses((status = 204), (status = 404, body = Problem), (status = 412, body = Problem)))]
pub async fn delete(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let site = load(app, &req, admin.tenant).await?;
    guard::if_match(&req, site.version)?;
    app.store.delete(admin.tenant, admin.actor(), &site, site.version, "site.deleted").await?;
    Ok(Reply::no_content())
}
