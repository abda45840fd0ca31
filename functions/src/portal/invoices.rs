//! `/portal/invoices`: the member's invoices by status (`due`, `overdue`, `paid`, derived
//! when read) and site, with what their scope owes per currency, and the PDF.
//!
//! An invoice for a site is seen by members whose scope covers the site; one without a
//! site only by members who see its customer as a whole. Totals read the open-invoice
//! entries of the same partitions, so they cost what the unpaid invoices cost, never the
//! paid history.

use portico::domain::group::require_open;
use portico::domain::ids::InvoiceId;
use portico::domain::invoice::{totals, Invoice, InvoiceFilter, InvoiceStatus, OpenInvoice, PortalInvoicePage};
use portico::domain::settings::Feature;
use portico::domain::tenant::now;
use portico::http::guard::Portal;
use portico::http::{guard, Reply, Req};
use portico::store::access::Partitions;
use portico::store::keys;
use portico::store::listing::Conditions;
use portico::store::Paging;
use portico::{App, Error, Result};

use crate::schema::Problem;

/// Whether the member may see `invoice`.
pub(crate) async fn may_see(app: &App, portal: &Portal, invoice: &Invoice) -> Result<bool> {
    match invoice.site_id {
        Some(site) => super::jobs::covers_site(app, portal, site, &invoice.customer_path).await,
        None => Ok(portal.rights.scope.covers_customer(&invoice.customer_path)),
    }
}

/// Whether an invoice read from `parts` is the member's (defence in depth).
fn held(parts: &Partitions, invoice: &Invoice) -> bool {
    parts.customers.contains(&invoice.customer_id) || invoice.site_id.is_some_and(|s| parts.sites.contains(&s))
}

#[utoipa::path(get, path = "/portal/invoices",
    params(
        ("status" = Option<crate::schema::InvoiceStatuses>, Query, description = "Comma-separated: due, overdue, paid", example = "due,overdue"),
        ("site_id" = Option<portico::domain::ids::SiteId>, Query),
        ("limit" = Option<i32>, Query), ("cursor" = Option<crate::schema::Cursor>, Query)),
    responses((status = 200, body = PortalInvoicePage), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn list(app: &App, req: Req) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    require_open(&portal.settings, &portal.rights, Feature::Invoices)?;
    let paging = req.paging()?;
    let filter = InvoiceFilter::parse(|k| req.query(k))?;
    let parts = super::jobs::partitions(app, &portal, filter.site_id).await?;
    Reply::ok(&page(app, &portal, &parts, &filter, &paging).await?)
}

/// One page of the member's invoices in `parts`, with the totals of those partitions (the
/// list's, and the home page's).
async fn page(
    app: &App,
    portal: &Portal,
    parts: &Partitions,
    filter: &InvoiceFilter,
    paging: &Paging,
) -> Result<PortalInvoicePage> {
    let tenant = portal.principal.tenant;
    let sources = portico::store::access::sources(
        parts,
        |c| keys::invoices_of_customer(tenant, c),
        |s| keys::invoices_at_site(tenant, s),
        None,
        None,
    );
    let at = now();
    let list = format!("portal-invoices|{tenant}|{}|{filter:?}", portal.rights_version());
    let conditions = Conditions::of_invoices(filter, at);
    let (page, open) = futures_util::future::try_join(
        app.store.newest_first::<Invoice>(&list, &sources, &conditions, paging),
        open_invoices(app, tenant, parts),
    )
    .await?;
    let items =
        page.items.into_iter().filter(|i| held(parts, i) && filter.admits(i, at)).map(|i| i.portal_view()).collect();
    Ok(PortalInvoicePage { items, next_cursor: page.next_cursor, totals: totals(&open, at) })
}

/// The home page's invoices: the unpaid ones (due and overdue), newest first, with what
/// the member's scope owes; `None` without the invoices section. Their cursor is the
/// invoices page's for `status=due,overdue`.
pub async fn unpaid(app: &App, portal: &Portal, parts: &Partitions) -> Result<Option<PortalInvoicePage>> {
    if require_open(&portal.settings, &portal.rights, Feature::Invoices).is_err() {
        return Ok(None);
    }
    let filter = InvoiceFilter { statuses: vec![InvoiceStatus::Due, InvoiceStatus::Overdue], site_id: None };
    page(app, portal, parts, &filter, &super::home::paging()).await.map(Some)
}

/// The open-invoice entries of the partitions: one Query each, in parallel.
async fn open_invoices(
    app: &App,
    tenant: portico::domain::ids::TenantId,
    parts: &Partitions,
) -> Result<Vec<OpenInvoice>> {
    let queries = parts
        .customers
        .iter()
        .map(|c| keys::open_invoices_of_customer(tenant, *c))
        .chain(parts.sites.iter().map(|s| keys::open_invoices_at_site(tenant, *s)));
    let found = futures_util::future::try_join_all(queries.map(|q| app.store.query_all::<OpenInvoice>(q))).await?;
    Ok(found.into_iter().flatten().collect())
}

#[utoipa::path(get, path = "/portal/invoices/{invoice_id}/pdf",
    params(("invoice_id" = portico::domain::ids::InvoiceId, Path, example = "inv_01JD8Z6V5Q2W3E4R5T6Y7A8B9Z")),
    responses((status = 200, body = portico::domain::file::DownloadView), (status = 403, body = Problem), (status = 404, body = Problem, description = "No such invoice for you, or it has no PDF")))]
pub async fn pdf(app: &App, req: Req) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    require_open(&portal.settings, &portal.rights, Feature::Invoices)?;
    let id = req.path_id("invoice_id", InvoiceId::parse)?;
    let tenant = portal.principal.tenant;
    let invoice = app.store.get::<Invoice>(keys::invoice_key(tenant, id)).await?.ok_or(Error::NotFound)?;
    if !may_see(app, &portal, &invoice).await? {
        return Err(Error::NotFound);
    }
    let file = invoice.file.as_ref().ok_or(Error::NotFound)?;
    Reply::ok(&crate::files::download_view(app, tenant, file).await?)
}
