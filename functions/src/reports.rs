//! KPI reports over a reach: what a member's scope covers (`/portal/reports`) or a
//! customer's tree (`/admin/reports`), computed from the cells the stream keeps
//! (`domain::report`, `store::reports`), as JSON or CSV.

use std::collections::BTreeSet;

use portico::domain::ids::{CustomerId, TenantId};
use portico::domain::report::{self, Cells, ReportQuery, ReportView};
use portico::domain::rights::Report;
use portico::domain::scope::Partitions;
use portico::domain::site::Site;
use portico::domain::tenant::now;
use portico::domain::text::Locale;
use portico::http::{Reply, Req};
use portico::store::reports::Span;
use portico::{App, Error, Result};

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
