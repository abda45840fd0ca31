//! `/admin/customers/{customer_id}/divisions` and `/admin/divisions/{division_id}`: the
//! parent groups and divisions a customer's sites are filed under.

use portico::domain::customer::Customer;
use portico::domain::division::{Division, DivisionPatch, DivisionView, NewDivision};
use portico::domain::ids::{CustomerId, DivisionId};
use portico::domain::principal::AdminPrincipal;
use portico::domain::site::Site;
use portico::http::{guard, Reply, Req};
use portico::store::{keys, Page, Tx};
use portico::{App, Error, Result};

use crate::schema::Problem;

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
    let customer = owner(app, &req, &admin).await?;
    let division = Division::create(customer.id, input);
    let reply =
        Reply::created(&division.view())?.etag(division.version).at(format!("/admin/divisions/{}", division.id));
    let mut tx = Tx::new(admin.tenant, admin.actor());
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
    app.store.delete(admin.tenant, admin.actor(), &division, division.version, "division.deleted").await?;
    Ok(Reply::no_content())
}
