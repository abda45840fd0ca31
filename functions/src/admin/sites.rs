//! `/admin/customers/{customer_id}/sites` and `/admin/sites/{site_id}`.
//! `PUT /admin/sites/{site_id}` is an upsert by the back office's reference (or a
//! replace by Portico's id), as jobs are published.

use portico::domain::customer::Customer;
use portico::domain::division::Division;
use portico::domain::ids::{CustomerId, DivisionId, SiteId, TenantId};
use portico::domain::principal::AdminPrincipal;
use portico::domain::representation::{check_identity, check_version};
use portico::domain::site::{NewSite, Site, SiteInput, SitePatch, SiteView};
use portico::http::{guard, Reply, Req};
use portico::store::{keys, Page, Tx};
use portico::{App, Error, Result};

use super::Upserted;
use crate::schema::Problem;

/// A site by Portico id (`site_…`) or by the back office's reference.
pub async fn find(app: &App, tenant: TenantId, id_or_ref: &str) -> Result<Option<Site>> {
    super::find_published(app, id_or_ref, SiteId::parse, |id| keys::site_key(tenant, id), |r| keys::site_ref(tenant, r))
        .await
}

#[utoipa::path(put, path = "/admin/sites/{site_id}", request_body(content = SiteInput, example = json!({"customer_id": "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D", "name": "Harbor Head Office", "address": "1 Kade, Leiden", "division_id": "div_01JD8Z6V5Q2W3E4R5T6Y7A8B9N"})),
    params(("site_id" = portico::domain::text::ExternalRef, Path, description = "The back office's reference (a new one creates the site), or Portico's id (`site_…`)", example = "site_01JD8Z6V5Q2W3E4R5T6Y7A8B9F"), ("If-Match" = Option<crate::schema::IfMatch>, Header)),
    responses((status = 200, body = SiteView), (status = 201, body = SiteView), (status = 400, body = Problem), (status = 404, body = Problem, description = "no site has this Portico id"),
        (status = 409, body = Problem, description = "the customer differs from the one the site was created under, or another request is publishing this reference at the same moment"),
        (status = 412, body = Problem), (status = 422, body = Problem, description = "the customer or division names nothing")))]
pub async fn put(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let target = req.path_param("site_id")?;
    let input: SiteInput = req.body()?;
    upsert(app, &admin, &target, input, req.if_match()?).await?.reply()
}

/// `PUT /admin/sites/{target}` with its parsed body: the route and a batch item.
pub async fn upsert(
    app: &App,
    admin: &AdminPrincipal,
    target: &str,
    input: SiteInput,
    if_match: Option<u64>,
) -> Result<Upserted> {
    let tenant = admin.tenant;
    let (before, reference) = super::current(
        app,
        "site_id",
        target,
        SiteId::parse,
        |id| keys::site_key(tenant, id),
        |r| keys::site_ref(tenant, r),
        |found: &Site| found.external_ref.clone(),
    )
    .await?;
    guard::if_match_sent_or_new(if_match, before.as_ref().map(|b| b.version))?;
    super::check_reference(input.external_ref.as_ref(), reference.as_ref())?;
    check_identity("id", input.id.as_ref(), before.as_ref().map(|b| &b.id))?;
    check_version(input.version, before.as_ref().map(|b| b.version))?;
    let customer = super::customers::named(app, tenant, "customer_id", &input.customer_id).await?;
    let division = match &input.division_id {
        None => None,
        Some(d) => {
            let division: Division = super::named(
                app,
                "division_id",
                d,
                DivisionId::parse,
                |id| keys::division_key(tenant, id),
                |r| keys::division_ref(tenant, r),
            )
            .await?;
            if division.customer_id != customer.id {
                return Err(Error::invalid_field("division_id", "no such division of the site's customer"));
            }
            Some(division.id)
        }
    };
    let mut tx = Tx::new(tenant, admin.actor());
    match (before, reference) {
        (Some(before), _) => {
            if customer.id != before.customer_id {
                return Err(Error::conflict(
                    "a site's customer is fixed when it is created (`customer_id` must name the same customer)",
                ));
            }
            let mut after = before.clone();
            after.replace(input.name, input.address, division);
            if after.same_as(&before) {
                return Upserted::new(false, before.id, before.version, &before.view(), "sites");
            }
            tx.update(&before, &after, before.version, "site.updated")?;
            app.store.commit(tx).await?;
            Upserted::new(false, after.id, after.version, &after.view(), "sites")
        }
        (None, Some(reference)) => {
            let new = NewSite {
                name: input.name,
                address: input.address,
                division_id: division,
                external_ref: Some(reference.clone()),
            };
            let site = Site::create(&customer, new);
            tx.claim(
                keys::site_ref(tenant, &reference),
                &site.id.to_string(),
                "this reference is being published; try again",
            );
            tx.create(&site, "site.created", "the site exists")?;
            tx.require(keys::customer_key(tenant, customer.id));
            app.store.commit(tx).await?;
            Upserted::new(true, site.id, site.version, &site.view(), "sites")
        }
        (None, None) => Err(Error::NotFound),
    }
}

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
    super::new_reference(input.external_ref.as_ref(), SiteId::parse)?;
    let owner = customer(app, &req, admin.tenant).await?;
    if let Some(division) = input.division_id {
        check_division(app, admin.tenant, &owner.id, division).await?;
    }
    let site = Site::create(&owner, input);
    let reply = Reply::created(&site.view())?.etag(site.version).at(format!("/admin/sites/{}", site.id));
    let mut tx = Tx::new(admin.tenant, admin.actor());
    if let Some(reference) = &site.external_ref {
        tx.claim(keys::site_ref(admin.tenant, reference), &site.id.to_string(), "another site has this reference");
    }
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
    params(("site_id" = portico::domain::text::ExternalRef, Path, description = "Portico's id (`site_…`) or the back office's reference", example = "site_01JD8Z6V5Q2W3E4R5T6Y7A8B9F")),
    responses((status = 200, body = SiteView), (status = 404, body = Problem)))]
pub async fn get(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let site = find(app, admin.tenant, &req.path_param("site_id")?).await?.ok_or(Error::NotFound)?;
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
    let mut tx = Tx::new(admin.tenant, admin.actor());
    tx.delete(&site, site.version, "site.deleted")?;
    if let Some(reference) = &site.external_ref {
        tx.release(keys::site_ref(admin.tenant, reference));
    }
    app.store.commit(tx).await?;
    Ok(Reply::no_content())
}
