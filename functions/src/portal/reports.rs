//! `/portal/reports`: the KPI reports (seed 000) a member may run, and one report over
//! the member's scope. A report reads the aggregates the stream keeps
//! (`domain::report`, `store::reports`): one Query per customer in scope, whatever the
//! number of jobs — no site is read but the one asked for; sites outside the member's
//! scope never count.

use std::collections::BTreeSet;

use portico::domain::group::{require, Report};
use portico::domain::ids::{CustomerId, SiteId, TenantId};
use portico::domain::member::Permission;
use portico::domain::report::{self, Cells, Month, ReportItem, ReportQuery, ReportView};
use portico::domain::scope::{Coverage, Partitions};
use portico::domain::settings::Feature;
use portico::domain::site::Site;
use portico::domain::tenant::now;
use portico::domain::text::Locale;
use portico::http::{guard, Reply, Req};
use portico::store::keys;
use portico::store::reports::Span;
use portico::{App, Error, Result};

use crate::schema::Problem;

/// What a report cost to read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cost {
    /// Items (cells) read.
    pub items: u32,
    /// Query pages.
    pub queries: u32,
}

/// The report `name` in the path: one of the nine, else 404.
pub fn report_of(req: &Req) -> Result<Report> {
    Report::parse(&req.path_param("report")?).ok_or(Error::NotFound)
}

/// What a report counts: the partitions in scope, and the customers whose cells hold
/// them (a site covered alone is filed in its customer's cells).
#[derive(Debug, Clone, Default)]
pub struct Reach {
    pub parts: Partitions,
    pub customers: BTreeSet<CustomerId>,
}

impl Reach {
    /// Only `site`, if it is there and `covered`; nothing otherwise.
    pub fn site(site: Option<Site>, covered: impl Fn(&Site) -> bool) -> Self {
        match site {
            Some(s) if covered(&s) => Reach {
                parts: Partitions { customers: BTreeSet::new(), sites: [s.id].into() },
                customers: [s.customer_id].into(),
            },
            _ => Reach::default(),
        }
    }
}

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

/// One report over `reach` (a member's, or a customer's tree for an admin).
pub async fn compute(
    app: &App,
    tenant: TenantId,
    report: Report,
    query: &ReportQuery,
    reach: &Reach,
    locale: Locale,
) -> Result<(ReportView, Cost)> {
    let (parts, customers) = (&reach.parts, &reach.customers);
    let span = if report.reads_months() { Span::Months(query.from, query.to) } else { Span::Now };
    let reads =
        futures_util::future::try_join_all(customers.iter().map(|c| app.store.report_cells(tenant, *c, span))).await?;
    let mut cost = Cost::default();
    let mut visible = Cells::default();
    let mut contract = BTreeSet::new();
    for read in reads {
        cost.items += read.items;
        cost.queries += read.queries;
        for (cell, counters) in read.cells.0 {
            // Which assets are under contract: wherever they stand, in scope or not (a
            // job at the member's site may be on an asset filed at another site).
            contract.extend(counters.iter().filter_map(|(name, n)| {
                let asset = name.strip_prefix("under_contract#")?;
                (*n > 0).then(|| portico::domain::ids::AssetId::parse(asset).ok()).flatten()
            }));
            if parts.hold(cell.customer, cell.site) && query.site_id.is_none_or(|s| s == cell.site) {
                for (name, n) in counters {
                    visible.add(cell, name, n);
                }
            }
        }
    }
    let rows = report::rows(report, query, &visible, &contract, now());
    let view = ReportView {
        report,
        name: report.name(locale).to_owned(),
        per: report.per(),
        from: query.from.to_string(),
        to: query.to.to_string(),
        site_id: query.site_id,
        rows,
    };
    tracing::info!(report = report.as_str(), items_read = cost.items, queries = cost.queries, "report read");
    Ok((view, cost))
}

/// The report as JSON, or as CSV when `Accept` asks for `text/csv`.
pub fn reply(req: &Req, view: &ReportView) -> Result<Reply> {
    if req.prefers("text/csv") {
        Ok(Reply::csv(report::csv(view), &format!("{}-{}-{}.csv", view.report.as_str(), view.from, view.to)))
    } else {
        Reply::ok(view)
    }
}

#[utoipa::path(get, path = "/portal/reports", tag = "portal",
    responses((status = 200, body = crate::schema::ReportList, description = "The reports granted to the member (through their groups or their own grant), in the member's language"),
        (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("cognito" = [])))]
pub async fn list(app: &App, req: Req) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    require(&portal.settings, &portal.rights, Feature::Reports, Permission::ViewReports)?;
    let locale = portal.member.locale.unwrap_or(portal.settings.default_locale);
    let items: Vec<ReportItem> = portal
        .rights
        .reports
        .iter()
        .map(|r| ReportItem { report: *r, name: r.name(locale).to_owned(), per: r.per() })
        .collect();
    Reply::ok(&crate::schema::ReportList { items })
}

#[utoipa::path(get, path = "/portal/reports/{report}", tag = "portal",
    params(
        ("report" = portico::domain::group::Report, Path, description = "total_service_repairs, calibrations_on_time, quotes_by_status, open_calls_contract_equipment, most_expensive_equipment, equipment_open_rejected_quotes, equipment_in_service, completed_service_visits or first_time_fix"),
        ("from" = Option<portico::domain::report::Month>, Query, description = "First month (YYYY-MM); by default eleven months before `to`"),
        ("to" = Option<portico::domain::report::Month>, Query, description = "Last month (YYYY-MM); by default this month. At most 36 months in all"),
        ("site_id" = Option<portico::domain::ids::SiteId>, Query, description = "One site of the member's (rows then name it)")),
    responses((status = 200, description = "The report; CSV (UTF-8 with BOM, header row) when `Accept: text/csv`",
            content((ReportView = "application/json"), (String = "text/csv"))),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem, description = "Reports are off, or the member lacks `view_reports` or this report"),
        (status = 404, body = Problem, description = "No such report")),
    security(("cognito" = [])))]
pub async fn get(app: &App, req: Req) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    require(&portal.settings, &portal.rights, Feature::Reports, Permission::ViewReports)?;
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
