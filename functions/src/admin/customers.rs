//! `/admin/customers`: customer accounts, optionally nested under a parent.

use portico::domain::customer::{Customer, CustomerPatch, CustomerView, NewCustomer};
use portico::domain::ids::CustomerId;
use portico::domain::member::Member;
use portico::domain::site::Site;
use portico::http::{guard, Reply, Req};
use portico::store::{keys, Page, Tx};
use portico::{App, Error, Result};

use crate::schema::Problem;

#[utoipa::path(post, path = "/admin/customers", request_body(content = NewCustomer, example = json!({"name": "Harbor Outlets", "parent_id": "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D", "account_code": "HRG-OUT", "allowed_work_order_types": ["repair"]})),
    params(("Idempotency-Key" = Option<String>, Header, description = "a retry with the same key returns the first response")),
    responses((status = 201, body = CustomerView), (status = 400, body = Problem), (status = 422, body = Problem)))]
pub async fn create(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let input: NewCustomer = req.body()?;
    let mut wanted = vec![keys::settings_key(admin.tenant)];
    wanted.extend(input.parent_id.map(|p| keys::customer_key(admin.tenant, p)));
    let found = app.store.batch(&wanted).await?;
    let settings = found.settings()?;
    let parent = match input.parent_id {
        None => None,
        Some(_) => Some(found.one::<Customer>()?.ok_or_else(|| Error::invalid_field("parent_id", "no such customer"))?),
    };
    let customer = Customer::create(input, parent.as_ref(), &settings.work_order_codes())?;

    let reply =
        Reply::created(&customer.view())?.etag(customer.version).at(format!("/admin/customers/{}", customer.id));
    let mut tx = Tx::new(admin.tenant, admin.actor());
    tx.create(&customer, "customer.created", "the customer exists")?;
    if let Some(p) = &parent {
        tx.require(keys::customer_key(admin.tenant, p.id));
    }
    app.store.commit(tx).await?;
    Ok(reply)
}

#[utoipa::path(get, path = "/admin/customers",
    params(("parent_id" = Option<portico::domain::ids::CustomerId>, Query, description = "only the children of this customer"),
        ("limit" = Option<i32>, Query, example = 50), ("cursor" = Option<crate::schema::Cursor>, Query)),
    responses((status = 200, body = crate::schema::CustomerPage), (status = 400, body = Problem)))]
pub async fn list(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let paging = req.paging()?;
    let query = match req.query("parent_id") {
        None => keys::all_customers(admin.tenant),
        Some(p) => {
            let parent = CustomerId::parse(&p).map_err(|e| Error::invalid_field("parent_id", e.to_string()))?;
            keys::children_of(admin.tenant, parent)
        }
    };
    let page: Page<Customer> = app.store.page("customers", &query, &paging).await?;
    Reply::ok(&page.map(|c| c.view()))
}

async fn load(app: &App, req: &Req, tenant: portico::domain::TenantId) -> Result<Customer> {
    let id = req.path_id("customer_id", CustomerId::parse)?;
    app.store.get::<Customer>(keys::customer_key(tenant, id)).await?.ok_or(Error::NotFound)
}

#[utoipa::path(get, path = "/admin/customers/{customer_id}",
    params(("customer_id" = portico::domain::ids::CustomerId, Path, example = "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D")),
    responses((status = 200, body = CustomerView), (status = 404, body = Problem)))]
pub async fn get(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let customer = load(app, &req, admin.tenant).await?;
    Ok(Reply::ok(&customer.view())?.etag(customer.version))
}

#[utoipa::path(patch, path = "/admin/customers/{customer_id}", request_body(content = CustomerPatch, example = json!({"name": "Harbor Retail Group", "account_code": null})),
    params(("customer_id" = portico::domain::ids::CustomerId, Path, example = "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D"), ("If-Match" = Option<crate::schema::IfMatch>, Header)),
    responses((status = 200, body = CustomerView), (status = 400, body = Problem), (status = 404, body = Problem), (status = 412, body = Problem)))]
pub async fn update(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let id = req.path_id("customer_id", CustomerId::parse)?;
    let patch: CustomerPatch = req.body()?;
    let found = app.store.batch(&[keys::customer_key(admin.tenant, id), keys::settings_key(admin.tenant)]).await?;
    let before = found.one::<Customer>()?.ok_or(Error::NotFound)?;
    let settings = found.settings()?;
    guard::if_match(&req, before.version)?;
    let mut after = before.clone();
    after.apply(patch, &settings.work_order_codes())?;
    app.store.update(admin.tenant, admin.actor(), &before, &after, before.version, "customer.updated").await?;
    Ok(Reply::ok(&after.view())?.etag(after.version))
}

#[utoipa::path(delete, path = "/admin/customers/{customer_id}",
    params(("customer_id" = portico::domain::ids::CustomerId, Path, example = "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9E"), ("If-Match" = Option<crate::schema::IfMatch>, Header)),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem, description = "the customer still has child customers, sites or members")))]
pub async fn delete(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let customer = load(app, &req, admin.tenant).await?;
    guard::if_match(&req, customer.version)?;
    let none = std::collections::BTreeMap::new();
    let (children_q, sites_q, members_q) = (
        keys::children_of(admin.tenant, customer.id),
        keys::own_sites_of(admin.tenant, &customer.path),
        keys::members_of_customer(admin.tenant, customer.id),
    );
    // Three independent one-item queries, in parallel: one round trip of latency.
    let (children, sites, members) = tokio::try_join!(
        app.store.query::<Customer>(&children_q, 1, &none),
        app.store.query::<Site>(&sites_q, 1, &none),
        app.store.query::<Member>(&members_q, 1, &none),
    )?;
    if !children.0.is_empty() || !sites.0.is_empty() || !members.0.is_empty() {
        return Err(Error::conflict("the customer still has child customers, sites or members; remove them first"));
    }
    app.store.delete(admin.tenant, admin.actor(), &customer, customer.version, "customer.deleted").await?;
    Ok(Reply::no_content())
}
