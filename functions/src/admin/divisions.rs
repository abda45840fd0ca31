//! `/admin/customers/{customer_id}/divisions` and `/admin/divisions/{division_id}`: the
//! parent groups and divisions a customer's sites are filed under.

use portico::domain::customer::Customer;
use portico::domain::division::{Division, DivisionInput, DivisionPatch, DivisionView, NewDivision};
use portico::domain::ids::{CustomerId, DivisionId, TenantId};
use portico::domain::principal::AdminPrincipal;
use portico::domain::representation::{check_identity, check_version};
use portico::domain::site::Site;
use portico::http::{guard, Reply, Req};
use portico::store::{keys, Page, Tx};
use portico::{App, Error, Result};

use super::Upserted;
use crate::schema::Problem;

/// A division by Portico id or by the back office's reference.
pub async fn find(app: &App, tenant: TenantId, id_or_ref: &str) -> Result<Option<Division>> {
    super::find_published(
        app,
        id_or_ref,
        DivisionId::parse,
        |id| keys::division_key(tenant, id),
        |r| keys::division_ref(tenant, r),
    )
    .await
}

#[utoipa::path(get, path = "/admin/divisions/{division_id}",
    params(("division_id" = portico::domain::text::ExternalRef, Path, description = "Portico's id or the back office's reference", example = "div_01JD8Z6V5Q2W3E4R5T6Y7A8B9N")),
    responses((status = 200, body = DivisionView), (status = 404, body = Problem)))]
pub async fn get(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let found = find(app, admin.tenant, &req.path_param("division_id")?).await?.ok_or(Error::NotFound)?;
    Ok(Reply::ok(&found.view())?.etag(found.version))
}

#[utoipa::path(put, path = "/admin/divisions/{division_id}", request_body(content = DivisionInput, example = json!({"customer_id": "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D", "name": "North", "parent_group": "Retail"})),
    params(("division_id" = portico::domain::text::ExternalRef, Path, description = "The back office's reference (a new one creates the division), or Portico's id", example = "div_01JD8Z6V5Q2W3E4R5T6Y7A8B9N"), ("If-Match" = Option<crate::schema::IfMatch>, Header)),
    responses((status = 200, body = DivisionView), (status = 201, body = DivisionView), (status = 400, body = Problem), (status = 404, body = Problem, description = "no division has this Portico id"),
        (status = 409, body = Problem, description = "the customer differs from the one the division was created under, or another request is publishing this reference at the same moment"),
        (status = 412, body = Problem), (status = 422, body = Problem, description = "the customer names none")))]
pub async fn put(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let target = req.path_param("division_id")?;
    let input: DivisionInput = req.body()?;
    upsert(app, &admin, &target, input, req.if_match()?).await?.reply()
}

/// `PUT /admin/divisions/{target}` with its parsed body: the route and a batch item.
pub async fn upsert(
    app: &App,
    admin: &AdminPrincipal,
    target: &str,
    input: DivisionInput,
    if_match: Option<u64>,
) -> Result<Upserted> {
    let tenant = admin.tenant;
    let (before, reference) = super::current(
        app,
        "division_id",
        target,
        DivisionId::parse,
        |id| keys::division_key(tenant, id),
        |r| keys::division_ref(tenant, r),
        |found: &Division| found.external_ref.clone(),
    )
    .await?;
    guard::if_match_sent_or_new(if_match, before.as_ref().map(|b| b.version))?;
    super::check_reference(input.external_ref.as_ref(), reference.as_ref())?;
    check_identity("id", input.id.as_ref(), before.as_ref().map(|b| &b.id))?;
    check_version(input.version, before.as_ref().map(|b| b.version))?;
    let customer = super::customers::named(app, tenant, "customer_id", &input.customer_id).await?;
    let mut tx = Tx::new(tenant, admin.actor());
    match (before, reference) {
        (Some(before), _) => {
            if customer.id != before.customer_id {
                return Err(Error::conflict(
                    "a division's customer is fixed when it is created (`customer_id` must name the same customer)",
                ));
            }
            let mut after = before.clone();
            after.replace(input.name, input.parent_group);
            if after.same_as(&before) {
                return Upserted::new(false, before.id, before.version, &before.view(), "divisions");
            }
            tx.update(&before, &after, before.version, "division.updated")?;
            app.store.commit(tx).await?;
            Upserted::new(false, after.id, after.version, &after.view(), "divisions")
        }
        (None, Some(reference)) => {
            let created = Division::create(
                customer.id,
                NewDivision {
                    name: input.name,
                    parent_group: input.parent_group,
                    external_ref: Some(reference.clone()),
                },
            );
            tx.claim(
                keys::division_ref(tenant, &reference),
                &created.id.to_string(),
                "this reference is being published; try again",
            );
            tx.create(&created, "division.created", "the division exists")?;
            tx.require(keys::customer_key(tenant, customer.id));
            app.store.commit(tx).await?;
            Upserted::new(true, created.id, created.version, &created.view(), "divisions")
        }
        (None, None) => Err(Error::NotFound),
    }
}

async fn owner(app: &App, req: &Req, admin: &AdminPrincipal) -> Result<Customer> {
    let id = req.path_id("customer_id", CustomerId::parse)?;
    app.store.get::<Customer>(keys::customer_key(admin.tenant, id)).await?.ok_or(Error::NotFound)
}

async fn load(app: &App, req: &Req, admin: &AdminPrincipal) -> Result<Division> {
    let id = req.path_id("division_id", DivisionId::parse)?;
    app.store.get::<Division>(keys::division_key(admin.tenant, id)).await?.ok_or(Error::NotFound)
}

#[utoipa::path(post, path = "/admin/customers/{customer_id}/divisions", request_body(content = NewDivision, example = json!({"name": "North", "parent_group": "Retail"})),
    params(("customer_id" = portico::domain::ids::CustomerId, Path, example = "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D"), ("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = DivisionView), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn create(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let input: NewDivision = req.body()?;
    super::new_reference(input.external_ref.as_ref(), DivisionId::parse)?;
    let customer = owner(app, &req, &admin).await?;
    let division = Division::create(customer.id, input);
    let reply =
        Reply::created(&division.view())?.etag(division.version).at(format!("/admin/divisions/{}", division.id));
    let mut tx = Tx::new(admin.tenant, admin.actor());
    if let Some(reference) = &division.external_ref {
        tx.claim(
            keys::division_ref(admin.tenant, reference),
            &division.id.to_string(),
            "another division has this reference",
        );
    }
    tx.create(&division, "division.created", "the division exists")?;
    tx.require(keys::customer_key(admin.tenant, customer.id));
    app.store.commit(tx).await?;
    Ok(reply)
}

#[utoipa::path(get, path = "/admin/customers/{customer_id}/divisions",
    params(("customer_id" = portico::domain::ids::CustomerId, Path, example = "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D"), ("limit" = Option<i32>, Query), ("cursor" = Option<crate::schema::Cursor>, Query)),
    responses((status = 200, body = crate::schema::DivisionPage), (status = 404, body = Problem)))]
pub async fn list(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let paging = req.paging()?;
    let customer = owner(app, &req, &admin).await?;
    let page: Page<Division> =
        app.store.page("divisions", &keys::divisions_of_customer(admin.tenant, customer.id), &paging).await?;
    Reply::ok(&page.map(|d| d.view()))
}

#[utoipa::path(patch, path = "/admin/divisions/{division_id}", request_body(content = DivisionPatch, example = json!({"name": "North & East"})),
    params(("division_id" = portico::domain::ids::DivisionId, Path, example = "div_01JD8Z6V5Q2W3E4R5T6Y7A8B9N"), ("If-Match" = Option<crate::schema::IfMatch>, Header)),
    responses((status = 200, body = DivisionView), (status = 400, body = Problem), (status = 404, body = Problem), (status = 412, body = Problem)))]
pub async fn update(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let patch: DivisionPatch = req.body()?;
    let before = load(app, &req, &admin).await?;
    guard::if_match(&req, before.version)?;
    let mut after = before.clone();
    after.apply(patch);
    app.store.update(admin.tenant, admin.actor(), &before, &after, before.version, "division.updated").await?;
    Ok(Reply::ok(&after.view())?.etag(after.version))
}

#[utoipa::path(delete, path = "/admin/divisions/{division_id}",
    params(("division_id" = portico::domain::ids::DivisionId, Path, example = "div_01JD8Z6V5Q2W3E4R5T6Y7A8B9P"), ("If-Match" = Option<crate::schema::IfMatch>, Header)),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem, description = "sites are still filed under the division")))]
pub async fn delete(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let division = load(app, &req, &admin).await?;
    guard::if_match(&req, division.version)?;
    let none = std::collections::BTreeMap::new();
    let (sites, _) = app.store.query::<Site>(&keys::sites_in_division(admin.tenant, division.id), 1, &none).await?;
    if !sites.is_empty() {
        return Err(Error::conflict("sites are still filed under this division; move them first"));
    }
    let mut tx = Tx::new(admin.tenant, admin.actor());
    tx.delete(&division, division.version, "division.deleted")?;
    if let Some(reference) = &division.external_ref {
        tx.release(keys::division_ref(admin.tenant, reference));
    }
    app.store.commit(tx).await?;
    Ok(Reply::no_content())
}
