//! `/portal/reports`: the KPI reports a member may run, and one report over
//! the member's scope. A report reads the aggregates the stream keeps
//! (`domain::report`, `store::reports`): one Query per customer in scope, whatever the
//! number of jobs — no site is read but the one asked for; sites outside the member's
//! scope never count.

use portico::domain::group::require_open;
use portico::domain::ids::SiteId;
use portico::domain::report::{Month, ReportItem, ReportQuery, ReportView};
use portico::domain::scope::Coverage;
use portico::domain::settings::Feature;
use portico::domain::site::Site;
use portico::domain::tenant::now;
use portico::http::{guard, Reply, Req};
use portico::store::keys;
use portico::{App, Error, Result};

use crate::reports::{compute, reply, report_of, Reach};
use crate::schema::Problem;

/// A member's reach, without reading a site beyond the one asked for: a customer covered
/// whole holds its own cells; a site covered through a division or by name belongs to
/// its grant's customer (a grant covers sites of its own customer only).
async fn member_reach(app: &App, portal: &guard::Portal, site: Option<SiteId>) -> Result<Reach> {
    let tenant = portal.principal.tenant;
    let scope = &portal.rights.scope;
    if let Some(id) = site {
        let site = app.store.get::<Site>(keys::site_key(tenant, id)).await?;
        return Ok(Reach::site(site, |s| scope.covers(&s.as_ref())));
    }
    let parts = app.store.partitions(tenant, scope).await?;
    let mut customers = parts.customers.clone();
    for grant in scope.grants() {
        let alone = match &grant.coverage {
            Coverage::Customer => false,
            Coverage::Divisions { .. } => !parts.sites.is_empty(),
            Coverage::Sites { site_ids } => site_ids.iter().any(|s| parts.sites.contains(s)),
        };
        if alone {
            customers.insert(grant.customer_id());
        }
    }
    Ok(Reach { parts, customers })
}

#[utoipa::path(get, path = "/portal/reports",
    responses((status = 200, body = crate::schema::ReportList, description = "The reports granted to the member (through their groups or their own grant), in the member's language"),
        (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list(app: &App, req: Req) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    require_open(&portal.settings, &portal.rights, Feature::Reports)?;
    let locale = portal.member.locale.unwrap_or(portal.settings.default_locale);
    let items: Vec<ReportItem> = portal
        .rights
        .reports
        .iter()
        .map(|r| ReportItem { report: *r, name: r.name(locale).to_owned(), per: r.per() })
        .collect();
    Reply::ok(&crate::schema::ReportList { items })
}

#[utoipa::path(get, path = "/portal/reports/{report}",
    params(
        ("report" = portico::domain::rights::Report, Path, description = "total_service_repairs, calibrations_on_time, quotes_by_status, open_calls_contract_equipment, most_expensive_equipment, equipment_open_rejected_quotes, equipment_in_service, completed_service_visits or first_time_fix", example = "first_time_fix"),
        ("from" = Option<portico::domain::report::Month>, Query, description = "First month (YYYY-MM); by default eleven months before `to`", example = "2026-01"),
        ("to" = Option<portico::domain::report::Month>, Query, description = "Last month (YYYY-MM); by default this month. At most 36 months in all", example = "2026-11"),
        ("site_id" = Option<portico::domain::ids::SiteId>, Query, description = "One site of the member's (rows then name it)")),
    responses((status = 200, description = "The report; CSV (UTF-8 with BOM, header row) when `Accept: text/csv`",
            content((ReportView = "application/json"), (String = "text/csv"))),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem, description = "Reports are off, or the member lacks `view_reports` or this report"),
        (status = 404, body = Problem, description = "No such report")))]
pub async fn get(app: &App, req: Req) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    require_open(&portal.settings, &portal.rights, Feature::Reports)?;
    let report = report_of(&req)?;
    if !portal.rights.reports.contains(&report) {
        return Err(Error::forbidden("this report is not granted to you"));
    }
    let query = ReportQuery::parse(|k| req.query(k), Month::of(now()))?;
    let reach = member_reach(app, &portal, query.site_id).await?;
    let locale = portal.member.locale.unwrap_or(portal.settings.default_locale);
    let (view, _) = compute(app, portal.principal.tenant, report, &query, &reach, locale).await?;
    reply(&req, &view)
}
