//! `GET /admin/reports/{report}?customer_id=`: a KPI report over one customer and its
//! child customers, as a member with the whole customer in scope would see it.

use portico::domain::customer::Customer;
use portico::domain::ids::CustomerId;
use portico::domain::report::{Month, ReportQuery};
use portico::domain::scope::{Coverage, Grant, Scope};
use portico::domain::settings::Settings;
use portico::domain::site::Site;
use portico::domain::tenant::now;
use portico::http::{guard, Reply, Req};
use portico::store::keys;
use portico::{App, Error, Result};

use crate::reports::{compute, reply, report_of, Reach};
use crate::schema::Problem;

#[utoipa::path(get, path = "/admin/reports/{report}",
    params(
        ("report" = portico::domain::rights::Report, Path, description = "One of the nine reports (see `GET /portal/reports/{report}`)", example = "total_service_repairs"),
        ("customer_id" = portico::domain::ids::CustomerId, Query, description = "The customer (its child customers included)", example = "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D"),
        ("from" = Option<portico::domain::report::Month>, Query, description = "First month (YYYY-MM); by default eleven months before `to`", example = "2026-01"),
        ("to" = Option<portico::domain::report::Month>, Query, description = "Last month (YYYY-MM); by default this month. At most 36 months in all", example = "2026-11"),
        ("site_id" = Option<portico::domain::ids::SiteId>, Query, description = "One site of the customer's")),
    responses((status = 200, description = "The report; CSV (UTF-8 with BOM, header row) when `Accept: text/csv`",
            content((portico::domain::report::ReportView = "application/json"), (String = "text/csv"))),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem, description = "No such report or customer")))]
pub async fn get(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let report = report_of(&req)?;
    let customer_id = req
        .query("customer_id")
        .ok_or_else(|| Error::invalid_field("customer_id", "is required"))
        .and_then(|v| CustomerId::parse(&v).map_err(|e| Error::invalid_field("customer_id", e.to_string())))?;
    let query = ReportQuery::parse(|k| req.query(k), Month::of(now()))?;
    let tenant = admin.tenant;
    let found = app.store.batch(&[keys::customer_key(tenant, customer_id), keys::settings_key(tenant)]).await?;
    let customer = found.one::<Customer>()?.ok_or(Error::NotFound)?;
    let settings: Settings = found.settings()?;
    let scope = Scope::new(vec![Grant { customer_path: customer.path.clone(), coverage: Coverage::Customer }]);
    let parts = app.store.partitions(tenant, &scope).await?;
    let reach = match query.site_id {
        // Only that site, and only if it is the customer's (or a child customer's).
        Some(site) => {
            let site = app.store.get::<Site>(keys::site_key(tenant, site)).await?;
            Reach::site(site, |s| parts.customers.contains(&s.customer_id))
        }
        None => Reach { customers: parts.customers.clone(), parts },
    };
    let (view, _) = compute(app, tenant, report, &query, &reach, settings.default_locale).await?;
    reply(&req, &view)
}
