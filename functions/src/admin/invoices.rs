//! `/admin/invoices`: the back office publishes invoices. `PUT /admin/invoices/{invoice_id}`
//! is an upsert keyed by the back office's own reference, like jobs and quotes; it keeps
//! the invoice's open-invoice entries (see `portico::domain::invoice`) in the same
//! transaction.

use portico::domain::customer::Customer;
use portico::domain::ids::{CustomerId, InvoiceId, TenantId};
use portico::domain::invoice::{Invoice, InvoiceFilter, InvoiceInput, InvoiceView};
use portico::domain::principal::AdminPrincipal;
use portico::domain::site::Site;
use portico::domain::tenant::now;
use portico::domain::text::ExternalRef;
use portico::http::{guard, Reply, Req};
use portico::store::listing::{Conditions, Source};
use portico::store::{keys, Claim, Tx};
use portico::{App, Error, Result};

use super::Upserted;
use crate::schema::Problem;

/// An invoice by Portico id (`inv_…`) or by the back office's reference.
pub async fn find(app: &App, tenant: TenantId, id_or_ref: &str) -> Result<Option<Invoice>> {
    super::find_published(
        app,
        id_or_ref,
        InvoiceId::parse,
        |id| keys::invoice_key(tenant, id),
        |r| keys::invoice_ref(tenant, r),
    )
    .await
}

#[utoipa::path(put, path = "/admin/invoices/{invoice_id}", request_body(content = InvoiceInput, example = json!({"customer_id": "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D", "site_id": "site_01JD8Z6V5Q2W3E4R5T6Y7A8B9F", "job_id": "job_01JD8Z6V5Q2W3E4R5T6Y7A8B9S", "number": "2026-0042", "issued_at": "2026-11-22T09:00:00Z", "due_at": "2026-12-22T23:59:59Z", "currency": "EUR", "total": 15125, "amount_paid": 0, "file_id": "file_01JD8Z6V5Q2W3E4R5T6Y7A8B9W"})),
    params(("invoice_id" = portico::domain::text::ExternalRef, Path, description = "The back office's reference (external_ref)", example = "I-1001"), ("If-Match" = Option<crate::schema::IfMatch>, Header)),
    responses((status = 200, body = InvoiceView), (status = 201, body = InvoiceView), (status = 400, body = Problem), (status = 409, body = Problem, description = "Another request is publishing this reference at the same moment; try again"), (status = 412, body = Problem), (status = 422, body = Problem, description = "`customer_id` or `site_id` is a reference that names no record, or `portal_payments_included` names a payment this invoice does not have")))]
pub async fn upsert(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let target = req.path_param("invoice_id")?;
    let body = Box::pin(super::with_parents_by_id(app, admin.tenant, req.body()?)).await?;
    let input: InvoiceInput = super::read_body(&body)?;
    Box::pin(publish(app, &admin, &target, input, req.if_match()?)).await?.reply()
}

/// `PUT /admin/invoices/{ref}` with its parsed body: the route and a batch item.
pub async fn publish(
    app: &App,
    admin: &AdminPrincipal,
    target: &str,
    input: InvoiceInput,
    if_match: Option<u64>,
) -> Result<Upserted> {
    let reference = ExternalRef::parse(target).map_err(|e| Error::invalid_field("invoice_id", e.to_string()))?;
    input.validate()?;
    let tenant = admin.tenant;
    let mut wanted = vec![keys::customer_key(tenant, input.customer_id), keys::invoice_ref(tenant, &reference)];
    wanted.extend(input.site_id.map(|s| keys::site_key(tenant, s)));
    wanted.extend(input.job_id.map(|j| keys::job_key(tenant, j)));
    let found = app.store.batch(&wanted).await?;
    let customer = found.one::<Customer>()?.ok_or_else(|| {
        Error::invalid_field("customer_id", format!("customer `{}` does not exist", input.customer_id))
    })?;
    if let Some(site_id) = input.site_id {
        match found.one::<Site>()? {
            Some(site) if site.customer_id == customer.id => {}
            _ => {
                return Err(Error::invalid_field(
                    "site_id",
                    format!("site `{site_id}` is not a site of customer `{}`", customer.id),
                ))
            }
        }
    }
    if let Some(job_id) = input.job_id {
        match found.one::<portico::domain::job::Job>()? {
            Some(job) if job.customer_id == customer.id => {}
            _ => return Err(Error::invalid_field("job_id", format!("job `{job_id}` is not a job of this customer"))),
        }
    }
    let before: Option<Invoice> =
        super::claimed(app, found.one::<Claim>()?, InvoiceId::parse, |id| keys::invoice_key(tenant, id)).await?;
    guard::if_match_sent_or_new(if_match, before.as_ref().map(|b| b.version))?;
    input.check_echo(&reference, before.as_ref())?;

    let mut tx = Tx::new(tenant, admin.actor());
    let known = before.as_ref().and_then(|b| b.file.as_ref());
    let file = match input.file_id {
        Some(id) => Some(crate::files::tenant_file(app, tenant, id, known, &mut tx).await?),
        None => None,
    };
    match before {
        None => {
            let invoice = Invoice::create(reference.clone(), input, customer.path.clone(), file);
            unknown_included(&invoice)?;
            tx.claim(
                keys::invoice_ref(tenant, &reference),
                &invoice.id.to_string(),
                "this reference is being published; try again",
            );
            tx.create(&invoice, "invoice.created", "the invoice exists")?;
            app.store.commit(tx).await?;
            Upserted::new(true, invoice.id, invoice.version, &invoice.view(), "invoices")
        }
        Some(before) => {
            // Money paid in the portal stays with the invoice it paid: not moved to another
            // customer, nor counted in another currency.
            if !before.portal_payments.is_empty()
                && (input.currency != before.currency || input.customer_id != before.customer_id)
            {
                return Err(Error::unprocessable(
                    "this invoice has payments made in the portal: its customer and currency cannot change (publish a new invoice, and a credit note for this one)",
                ));
            }
            let mut after = before.clone();
            after.fill(input, customer.path.clone(), file);
            unknown_included(&after)?;
            if after.same_as(&before) {
                return Upserted::new(false, before.id, before.version, &before.view(), "invoices");
            }
            after.touch();
            tx.update(&before, &after, before.version, "invoice.updated")?;
            app.store.commit(tx).await?;
            Upserted::new(false, after.id, after.version, &after.view(), "invoices")
        }
    }
}

/// 422 if the publish lists a portal payment this invoice has no record of (the rule
/// of docs/records.md counts only this invoice's own payments).
fn unknown_included(invoice: &Invoice) -> Result<()> {
    match invoice.unknown_included() {
        None => Ok(()),
        Some(id) => Err(Error::UnprocessableFields {
            detail: "the publish names a portal payment this invoice does not have".into(),
            errors: vec![portico::error::FieldError::new(
                "portal_payments_included",
                format!("`{id}` is not a portal payment of this invoice"),
            )],
        }),
    }
}

#[utoipa::path(get, path = "/admin/invoices/{invoice_id}",
    params(("invoice_id" = portico::domain::text::ExternalRef, Path, description = "Portico's id (`inv_…`) or the back office's reference", example = "inv_01JD8Z6V5Q2W3E4R5T6Y7A8B9Z")),
    responses((status = 200, body = InvoiceView), (status = 404, body = Problem)))]
pub async fn get(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let invoice = find(app, admin.tenant, &req.path_param("invoice_id")?).await?.ok_or(Error::NotFound)?;
    Ok(Reply::ok(&invoice.view())?.etag(invoice.version))
}

#[utoipa::path(get, path = "/admin/invoices",
    params(
        ("customer_id" = Option<portico::domain::ids::CustomerId>, Query, description = "Only this customer's invoices", example = "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D"),
        ("site_id" = Option<portico::domain::ids::SiteId>, Query),
        ("status" = Option<crate::schema::InvoiceStatuses>, Query, description = "Comma-separated: due, overdue, paid", example = "due,overdue"),
        ("limit" = Option<i32>, Query), ("cursor" = Option<crate::schema::Cursor>, Query)),
    responses((status = 200, body = crate::schema::InvoicePage), (status = 400, body = Problem)))]
pub async fn list(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let paging = req.paging()?;
    let filter = InvoiceFilter::parse(|k| req.query(k))?;
    let customer = req
        .query("customer_id")
        .map(|v| CustomerId::parse(&v).map_err(|e| Error::invalid_field("customer_id", e.to_string())))
        .transpose()?;
    let tenant = admin.tenant;
    let source = match (filter.site_id, customer) {
        (Some(site), _) => Source::all(keys::invoices_at_site(tenant, site)),
        (None, Some(c)) => Source::all(keys::invoices_of_customer(tenant, c)),
        (None, None) => Source::all(keys::all_invoices(tenant)),
    };
    let list = format!("admin-invoices|{tenant}|{filter:?}|{customer:?}");
    let at = now();
    let mut page =
        app.store.newest_first::<Invoice>(&list, &[source], &Conditions::of_invoices(&filter, at), &paging).await?;
    page.items.retain(|i| customer.is_none_or(|c| i.customer_id == c) && filter.admits(i, at));
    Reply::ok(&page.map(|i| i.view()))
}
