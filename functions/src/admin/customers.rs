//! `/admin/customers`: customer accounts, optionally nested under a parent.
//! `PUT /admin/customers/{customer_id}` is an upsert by the back office's reference (or
//! a replace by Portico's id), as jobs are published.

use portico::domain::customer::{Customer, CustomerInput, CustomerPatch, CustomerView, NewCustomer};
use portico::domain::ids::{CustomerId, TenantId};
use portico::domain::member::Member;
use portico::domain::principal::AdminPrincipal;
use portico::domain::representation::{check_identity, check_version};
use portico::domain::site::Site;
use portico::domain::text::ExternalRef;
use portico::http::{guard, Reply, Req};
use portico::store::{keys, Page, Tx};
use portico::{App, Error, Result};

use super::Upserted;
use crate::schema::Problem;

/// A customer by Portico id (`cus_…`) or by the back office's reference.
pub async fn find(app: &App, tenant: TenantId, id_or_ref: &str) -> Result<Option<Customer>> {
    super::find_published(
        app,
        id_or_ref,
        CustomerId::parse,
        |id| keys::customer_key(tenant, id),
        |r| keys::customer_ref(tenant, r),
    )
    .await
}

/// A customer a body names (`field`) by id or reference; 422 naming the field if none.
pub async fn named(app: &App, tenant: TenantId, field: &str, id_or_ref: &ExternalRef) -> Result<Customer> {
    super::named(
        app,
        field,
        id_or_ref,
        CustomerId::parse,
        |id| keys::customer_key(tenant, id),
        |r| keys::customer_ref(tenant, r),
    )
    .await
}

#[utoipa::path(put, path = "/admin/customers/{customer_id}", request_body(content = CustomerInput, example = json!({"name": "Harbor Retail Group", "account_code": "HRG", "allowed_work_order_types": ["repair", "service"]})),
    params(("customer_id" = portico::domain::text::ExternalRef, Path, description = "The back office's reference (a new one creates the customer), or Portico's id (`cus_…`)", example = "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D"), ("If-Match" = Option<crate::schema::IfMatch>, Header)),
    responses((status = 200, body = CustomerView), (status = 201, body = CustomerView), (status = 400, body = Problem), (status = 404, body = Problem, description = "no customer has this Portico id"),
        (status = 409, body = Problem, description = "the parent differs from the one the customer was created under, or another request is publishing this reference at the same moment"),
        (status = 412, body = Problem), (status = 422, body = Problem, description = "the parent names no customer")))]
pub async fn put(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let target = req.path_param("customer_id")?;
    let input: CustomerInput = req.body()?;
    upsert(app, &admin, &target, input, req.if_match()?).await?.reply()
}

/// `PUT /admin/customers/{target}` with its parsed body: the route and a batch item.
pub async fn upsert(
    app: &App,
    admin: &AdminPrincipal,
    target: &str,
    input: CustomerInput,
    if_match: Option<u64>,
) -> Result<Upserted> {
    let tenant = admin.tenant;
    let (before, reference) = super::current(
        app,
        "customer_id",
        target,
        CustomerId::parse,
        |id| keys::customer_key(tenant, id),
        |r| keys::customer_ref(tenant, r),
        |found: &Customer| found.external_ref.clone(),
    )
    .await?;
    guard::if_match_sent_or_new(if_match, before.as_ref().map(|b| b.version))?;
    super::check_reference(input.external_ref.as_ref(), reference.as_ref())?;
    check_identity("id", input.id.as_ref(), before.as_ref().map(|b| &b.id))?;
    check_version(input.version, before.as_ref().map(|b| b.version))?;
    let parent = match &input.parent_id {
        Some(p) => Some(named(app, tenant, "parent_id", p).await?),
        None => None,
    };
    let settings = app.store.settings(tenant).await?;
    let catalogue = settings.work_order_codes();
    let mut tx = Tx::new(tenant, admin.actor());
    match (before, reference) {
        (Some(before), _) => {
            if parent.as_ref().map(|p| p.id) != before.parent_id {
                return Err(Error::conflict(
                    "a customer's parent is fixed when it is created (`parent_id` must name the same customer)",
                ));
            }
            let mut after = before.clone();
            after.replace(input, &catalogue)?;
            if after.same_as(&before) {
                return Upserted::new(false, before.id, before.version, &before.view(), "customers");
            }
            tx.update(&before, &after, before.version, "customer.updated")?;
            app.store.commit(tx).await?;
            Upserted::new(false, after.id, after.version, &after.view(), "customers")
        }
        (None, Some(reference)) => {
            let customer = Customer::create_from(reference.clone(), input, parent.as_ref(), &catalogue)?;
            tx.claim(
                keys::customer_ref(tenant, &reference),
                &customer.id.to_string(),
                "this reference is being published; try again",
            );
            tx.create(&customer, "customer.created", "the customer exists")?;
            if let Some(p) = &parent {
                tx.require(keys::customer_key(tenant, p.id));
            }
            app.store.commit(tx).await?;
            Upserted::new(true, customer.id, customer.version, &customer.view(), "customers")
        }
        (None, None) => Err(Error::NotFound),
    }
}

#[utoipa::path(post, path = "/admin/customers", request_body(content = NewCustomer, example = json!({"name": "Harbor Outlets", "parent_id": "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D", "account_code": "HRG-OUT", "allowed_work_order_types": ["repair"]})),
    params(("Idempotency-Key" = Option<String>, Header, description = "a retry with the same key returns the first response")),
    responses((status = 201, body = CustomerView), (status = 400, body = Problem), (status = 422, body = Problem)))]
pub async fn create(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let input: NewCustomer = req.body()?;
    super::new_reference(input.external_ref.as_ref(), CustomerId::parse)?;
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
    if let Some(reference) = &customer.external_ref {
        tx.claim(
            keys::customer_ref(admin.tenant, reference),
            &customer.id.to_string(),
            "another customer has this reference",
        );
    }
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

async fn load(app: &App, req: &Req, tenant: TenantId) -> Result<Customer> {
    let id = req.path_id("customer_id", CustomerId::parse)?;
    app.store.get::<Customer>(keys::customer_key(tenant, id)).await?.ok_or(Error::NotFound)
}

#[utoipa::path(get, path = "/admin/customers/{customer_id}",
    params(("customer_id" = portico::domain::text::ExternalRef, Path, description = "Portico's id (`cus_…`) or the back office's reference", example = "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D")),
    responses((status = 200, body = CustomerView), (status = 404, body = Problem)))]
pub async fn get(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let customer = find(app, admin.tenant, &req.path_param("customer_id")?).await?.ok_or(Error::NotFound)?;
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
    let mut tx = Tx::new(admin.tenant, admin.actor());
    tx.delete(&customer, customer.version, "customer.deleted")?;
    if let Some(reference) = &customer.external_ref {
        // The reference is free again: a later PUT of it creates a new customer.
        tx.release(keys::customer_ref(admin.tenant, reference));
    }
    app.store.commit(tx).await?;
    Ok(Reply::no_content())
}
