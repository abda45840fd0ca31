//! `/admin/quotes`: the back office publishes quotes. `PUT /admin/quotes/{quote_id}` is an
//! upsert keyed by the back office's own reference, like jobs: the first PUT creates
//! (201), later ones replace (200), a PUT that changes nothing writes nothing — and a
//! decided quote keeps its decision (see `portico::domain::quote`).

use portico::domain::customer::Customer;
use portico::domain::ids::{CustomerId, QuoteId, TenantId};
use portico::domain::principal::AdminPrincipal;
use portico::domain::quote::{Quote, QuoteFilter, QuoteInput, QuoteStatus, QuoteView};
use portico::domain::site::Site;
use portico::domain::tenant::now;
use portico::domain::text::ExternalRef;
use portico::http::{guard, Reply, Req};
use portico::store::listing::{Conditions, Source};
use portico::store::{keys, Claim, Tx};
use portico::{App, Error, Result};

use super::Upserted;
use crate::schema::Problem;

/// A quote by Portico id (`quo_…`) or by the back office's reference.
pub async fn find(app: &App, tenant: TenantId, id_or_ref: &str) -> Result<Option<Quote>> {
    super::find_published(
        app,
        id_or_ref,
        QuoteId::parse,
        |id| keys::quote_key(tenant, id),
        |r| keys::quote_ref(tenant, r),
    )
    .await
}

#[utoipa::path(put, path = "/admin/quotes/{quote_id}", request_body(content = QuoteInput, example = json!({"customer_id": "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D", "site_id": "site_01JD8Z6V5Q2W3E4R5T6Y7A8B9F", "job_id": "job_01JD8Z6V5Q2W3E4R5T6Y7A8B9S", "title": "Replace the expansion vessel", "lines": [{"description": "Expansion vessel 25 l", "quantity": 1, "unit_price": 18900}, {"description": "Labour (hours)", "quantity": 1.5, "unit_price": 7200}], "currency": "EUR", "tax_rate_bps": 2100, "valid_until": "2027-01-31T23:59:59Z", "status": "sent"})),
    params(("quote_id" = portico::domain::text::ExternalRef, Path, description = "The back office's reference (external_ref)", example = "Q-1003"), ("If-Match" = Option<crate::schema::IfMatch>, Header)),
    responses((status = 200, body = QuoteView), (status = 201, body = QuoteView), (status = 400, body = Problem),
        (status = 409, body = Problem, description = "The customer decided this quote: its offer and decision stay"),
        (status = 412, body = Problem), (status = 422, body = Problem, description = "`customer_id` or `site_id` is a reference that names no record")))]
pub async fn upsert(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let target = req.path_param("quote_id")?;
    let body = Box::pin(super::with_parents_by_id(app, admin.tenant, req.body()?)).await?;
    let input: QuoteInput = super::read_body(&body)?;
    Box::pin(publish(app, &admin, &target, input, req.if_match()?)).await?.reply()
}

/// `PUT /admin/quotes/{ref}` with its parsed body: the route and a batch item.
pub async fn publish(
    app: &App,
    admin: &AdminPrincipal,
    target: &str,
    input: QuoteInput,
    if_match: Option<u64>,
) -> Result<Upserted> {
    let reference = ExternalRef::parse(target).map_err(|e| Error::invalid_field("quote_id", e.to_string()))?;
    input.validate()?;
    let tenant = admin.tenant;
    let mut wanted = vec![
        keys::customer_key(tenant, input.customer_id),
        keys::site_key(tenant, input.site_id),
        keys::quote_ref(tenant, &reference),
    ];
    wanted.extend(input.job_id.map(|j| keys::job_key(tenant, j)));
    wanted.extend(input.asset_ids.iter().map(|a| keys::asset_key(tenant, *a)));
    let found = app.store.batch(&wanted).await?;
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
    if let Some(job_id) = input.job_id {
        match found.one::<portico::domain::job::Job>()? {
            Some(job) if job.customer_id == customer.id => {}
            _ => return Err(Error::invalid_field("job_id", format!("job `{job_id}` is not a job of this customer"))),
        }
    }
    let assets = found.all::<portico::domain::asset::Asset>()?;
    for asset_id in &input.asset_ids {
        if !assets.iter().any(|a| a.id == *asset_id && a.site_id == input.site_id) {
            return Err(Error::invalid_field(
                "asset_ids",
                format!("asset `{asset_id}` is not an asset at the quote's site"),
            ));
        }
    }
    let before: Option<Quote> =
        super::claimed(app, found.one::<Claim>()?, QuoteId::parse, |id| keys::quote_key(tenant, id)).await?;
    guard::if_match_sent_or_new(if_match, before.as_ref().map(|b| b.version))?;
    input.check_echo(&reference, before.as_ref())?;

    let mut tx = Tx::new(tenant, admin.actor());
    // The PDF: the one attached before, or a new upload of the tenant's.
    let known = before.as_ref().and_then(|b| b.file.as_ref());
    let file = match input.file_id {
        Some(id) => Some(crate::files::tenant_file(app, tenant, id, known, &mut tx).await?),
        None => None,
    };

    match before {
        None => {
            let quote = Quote::create(reference.clone(), input, customer.path.clone(), file)?;
            tx.claim(
                keys::quote_ref(tenant, &reference),
                &quote.id.to_string(),
                "this reference is being published; try again",
            );
            tx.create(&quote, "quote.created", "the quote exists")?;
            app.store.commit(tx).await?;
            Upserted::new(true, quote.id, quote.version, &quote.view(), "quotes")
        }
        Some(before) => {
            let mut after = before.clone();
            after.replace(input, customer.path.clone(), file)?;
            if after.same_as(&before) {
                return Upserted::new(false, before.id, before.version, &before.view(), "quotes");
            }
            after.touch();
            tx.update(&before, &after, before.version, "quote.updated")?;
            app.store.commit(tx).await?;
            Upserted::new(false, after.id, after.version, &after.view(), "quotes")
        }
    }
}

#[utoipa::path(get, path = "/admin/quotes/{quote_id}",
    params(("quote_id" = portico::domain::text::ExternalRef, Path, description = "Portico's id (`quo_…`) or the back office's reference", example = "quo_01JD8Z6V5Q2W3E4R5T6Y7A8B9X")),
    responses((status = 200, body = QuoteView), (status = 404, body = Problem)))]
pub async fn get(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let quote = find(app, admin.tenant, &req.path_param("quote_id")?).await?.ok_or(Error::NotFound)?;
    Ok(Reply::ok(&quote.view())?.etag(quote.version))
}

#[utoipa::path(get, path = "/admin/quotes",
    params(
        ("customer_id" = Option<portico::domain::ids::CustomerId>, Query, description = "Only this customer's quotes", example = "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D"),
        ("site_id" = Option<portico::domain::ids::SiteId>, Query),
        ("status" = Option<crate::schema::QuoteStatuses>, Query, description = "Comma-separated: draft, sent, approved, rejected, expired, withdrawn", example = "sent,approved"),
        ("limit" = Option<i32>, Query), ("cursor" = Option<crate::schema::Cursor>, Query)),
    responses((status = 200, body = crate::schema::QuotePage), (status = 400, body = Problem)))]
pub async fn list(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let paging = req.paging()?;
    let filter = QuoteFilter::parse(|k| req.query(k), &QuoteStatus::ALL)?;
    let customer = req
        .query("customer_id")
        .map(|v| CustomerId::parse(&v).map_err(|e| Error::invalid_field("customer_id", e.to_string())))
        .transpose()?;
    let tenant = admin.tenant;
    let source = match (filter.site_id, customer) {
        (Some(site), _) => Source::all(keys::quotes_at_site(tenant, site)),
        (None, Some(c)) => Source::all(keys::quotes_of_customer(tenant, c)),
        (None, None) => Source::all(keys::all_quotes(tenant)),
    };
    let list = format!("admin-quotes|{tenant}|{filter:?}|{customer:?}");
    let mut page = app.store.newest_first::<Quote>(&list, &[source], &Conditions::of_quotes(&filter), &paging).await?;
    let at = now();
    page.items.retain(|q| customer.is_none_or(|c| q.customer_id == c) && filter.admits(q, at));
    Reply::ok(&page.map(|q| q.view()))
}
