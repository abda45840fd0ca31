//! KPI reports: what each of the nine counts, and the aggregates they read.
//!
//! Every job, quote and asset *contributes* counters to a few cells — one cell per
//! (customer, site, month), and one per (customer, site) for what is true now
//! ([`contributions`]). An aggregate is the sum of the contributions of the records as
//! they are. The stream keeps it so: a change adds `contributions(after) −
//! contributions(before)` ([`Cells::delta`]), once per event (the store marks each event
//! it applied). The rebuild sums the contributions of every record afresh; the two must
//! agree, which the property tests check. A report reads cells, never records: its cost
//! is O(sites × months), whatever the number of jobs.
//!
//! `docs/reports.md` says what each report counts, for a customer checking by hand.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Serialize, Serializer};

use super::asset::{Asset, AssetStatus};
use super::currency::Currency;
use super::ids::{AssetId, CustomerId, SiteId};
use super::job::{Job, JobCategory, JobStatus};
use super::money;
use super::quote::{Quote, QuoteStatus};
use super::rights::Report;
use super::tenant::Timestamp;
use super::text::Locale;
use crate::error::Error;

/// The widest period one report covers, in months.
pub const MAX_MONTHS: u32 = 36;
/// Rows of `most_expensive_equipment`, per currency.
pub const TOP: usize = 10;

impl Report {
    pub const ALL: [Report; 9] = [
        Report::TotalServiceRepairs,
        Report::CalibrationsOnTime,
        Report::QuotesByStatus,
        Report::OpenCallsContractEquipment,
        Report::MostExpensiveEquipment,
        Report::EquipmentOpenRejectedQuotes,
        Report::EquipmentInService,
        Report::CompletedServiceVisits,
        Report::FirstTimeFix,
    ];

    /// The API's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Report::TotalServiceRepairs => "total_service_repairs",
            Report::CalibrationsOnTime => "calibrations_on_time",
            Report::QuotesByStatus => "quotes_by_status",
            Report::OpenCallsContractEquipment => "open_calls_contract_equipment",
            Report::MostExpensiveEquipment => "most_expensive_equipment",
            Report::EquipmentOpenRejectedQuotes => "equipment_open_rejected_quotes",
            Report::EquipmentInService => "equipment_in_service",
            Report::CompletedServiceVisits => "completed_service_visits",
            Report::FirstTimeFix => "first_time_fix",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The report's name as the portal shows it.
    pub fn name(self, locale: Locale) -> &'static str {
        let (en, nl) = match self {
            Report::TotalServiceRepairs => ("Total service repairs", "Service- en reparatieopdrachten"),
            Report::CalibrationsOnTime => ("Service calibrations on time", "Kalibraties op tijd"),
            Report::QuotesByStatus => ("Quotes overview by status", "Offertes per status"),
            Report::OpenCallsContractEquipment => {
                ("Open calls on contract equipment", "Openstaande meldingen op contractapparatuur")
            }
            Report::MostExpensiveEquipment => ("Most expensive equipment", "Duurste apparatuur"),
            Report::EquipmentOpenRejectedQuotes => {
                ("Equipment with open or rejected quotes", "Apparatuur met open of afgewezen offertes")
            }
            Report::EquipmentInService => ("Equipment in service", "Apparatuur in bedrijf"),
            Report::CompletedServiceVisits => ("Completed service visits", "Uitgevoerde servicebezoeken"),
            Report::FirstTimeFix => ("First-time-fix calls", "Bij het eerste bezoek opgelost"),
        };
        match locale {
            Locale::Nl => nl,
            _ => en,
        }
    }

    /// What one row stands for.
    pub fn per(self) -> Per {
        match self {
            Report::OpenCallsContractEquipment | Report::EquipmentInService => Per::Site,
            Report::MostExpensiveEquipment | Report::EquipmentOpenRejectedQuotes => Per::Asset,
            _ => Per::Month,
        }
    }

    /// Whether the report reads the monthly cells (else the cells of what is true now).
    pub fn reads_months(self) -> bool {
        self.per() != Per::Site
    }
}

/// What one row of a report stands for: a month of the period, a site now, or an asset
/// over the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Per {
    Month,
    Site,
    Asset,
}

/// A calendar month (UTC), `YYYY-MM`, from 1970-01 to 9999-12 (the years of
/// [`Timestamp`](super::clock::Timestamp)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    month: u8,
}

/// What the OpenAPI document says a month is.
pub const MONTH_PATTERN: &str = "^(19[7-9][0-9]|[2-9][0-9]{3})-(0[1-9]|1[0-2])$";

impl Month {
    pub const FIRST: Month = Month { year: super::clock::FIRST_YEAR, month: 1 };
    pub const LAST: Month = Month { year: super::clock::LAST_YEAR, month: 12 };

    pub fn of(t: Timestamp) -> Self {
        let t = t.utc();
        Self { year: t.year(), month: u8::from(t.month()) }
    }

    /// `YYYY-MM`, years 1970–9999.
    pub fn parse(s: &str) -> Option<Self> {
        let (y, m) = s.split_once('-')?;
        if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let (year, month) = (y.parse().ok()?, m.parse().ok()?);
        let month = Self { year, month };
        ((1..=12).contains(&month.month) && (Self::FIRST..=Self::LAST).contains(&month)).then_some(month)
    }

    /// The month after (the last month stays the last).
    pub fn next(self) -> Self {
        self.plus(1)
    }

    /// `n` months earlier, or the first month.
    pub fn back(self, n: u32) -> Self {
        self.plus(-i64::from(n))
    }

    fn plus(self, n: i64) -> Self {
        let index = |m: Month| i64::from(m.year) * 12 + i64::from(m.month) - 1;
        let i = (index(self) + n).clamp(index(Self::FIRST), index(Self::LAST));
        Self { year: i.div_euclid(12) as i32, month: (i.rem_euclid(12) + 1) as u8 }
    }

    /// Months from `self` to `to`, both included (0 when `to` is earlier).
    pub fn span(self, to: Month) -> u32 {
        let index = |m: Month| i64::from(m.year) * 12 + i64::from(m.month);
        u32::try_from(index(to) - index(self) + 1).unwrap_or(0)
    }
}

impl utoipa::PartialSchema for Month {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(MONTH_PATTERN))
            .description(Some("A month, YYYY-MM, 1970-01 to 9999-12"))
            .examples(["2026-11"])
            .into()
    }
}

impl utoipa::ToSchema for Month {}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A cell's period: a month, or now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    Month(Month),
    Now,
}

/// One aggregate: the counters of one site of one customer, for one month or for now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cell {
    pub customer: CustomerId,
    pub period: Period,
    pub site: SiteId,
}

impl Cell {
    /// The cell's sort key in its customer's partition: `M#<YYYY-MM>#<site>` or
    /// `N#<site>`, so that months are a key range.
    pub fn sort_key(&self) -> String {
        match self.period {
            Period::Month(m) => format!("M#{m}#{}", self.site),
            Period::Now => format!("N#{}", self.site),
        }
    }

    pub fn from_sort_key(customer: CustomerId, sk: &str) -> Option<Self> {
        let (period, site) = match sk.strip_prefix("N#") {
            Some(site) => (Period::Now, site),
            None => {
                let (month, site) = sk.strip_prefix("M#")?.split_once('#')?;
                (Period::Month(Month::parse(month)?), site)
            }
        };
        Some(Self { customer, period, site: SiteId::parse(site).ok()? })
    }

    /// The sort keys of the monthly cells from `from` to `to`, as a key range.
    pub fn month_range(from: Month, to: Month) -> (String, String) {
        (format!("M#{from}#"), format!("M#{to}#~"))
    }

    /// The sort-key prefix of the cells of now.
    pub const NOW_PREFIX: &'static str = "N#";
}

/// A time to the second, UTC, fixed width (`2026-11-24T15:00:00Z`): sorts by time.
pub fn second(t: Timestamp) -> String {
    super::tenant::rfc3339(super::tenant::utc_seconds(t))
}

/// Counter names: readable in the table, parsed back by the reports.
pub mod counter {
    use super::*;

    pub const SERVICE_REPAIRS: &str = "service_repairs";
    pub const CALIBRATIONS: &str = "calibrations";
    pub const CALIBRATIONS_ON_TIME: &str = "calibrations_on_time";
    pub const VISITS: &str = "visits";
    pub const REPAIRS: &str = "repairs";
    pub const REPAIRS_ONE_VISIT: &str = "repairs_one_visit";
    pub const ASSETS_IN_SERVICE: &str = "assets_in_service";

    /// When a sent quote stops being open: its `valid_until` (to the second) or never.
    pub fn until(valid_until: Option<Timestamp>) -> String {
        valid_until.map_or_else(|| "never".to_owned(), second)
    }

    /// Quotes sent in the month, by status; sent ones by when they expire.
    pub fn quotes(status: QuoteStatus, valid_until: Option<Timestamp>) -> String {
        match status {
            QuoteStatus::Sent | QuoteStatus::Expired => format!("quotes#sent@{}", until(valid_until)),
            other => format!("quotes#{}", other.as_str()),
        }
    }

    pub fn asset_quotes(asset: AssetId, status: QuoteStatus, valid_until: Option<Timestamp>) -> String {
        match status {
            QuoteStatus::Sent | QuoteStatus::Expired => format!("asset_quotes#{asset}#sent@{}", until(valid_until)),
            other => format!("asset_quotes#{asset}#{}", other.as_str()),
        }
    }

    pub fn cost(asset: AssetId, currency: &Currency) -> String {
        format!("cost#{asset}#{currency}")
    }

    pub fn open_jobs(asset: AssetId) -> String {
        format!("open_jobs#{asset}")
    }

    pub fn under_contract(asset: AssetId) -> String {
        format!("under_contract#{asset}")
    }
}

pub type Counters = BTreeMap<String, i64>;

/// Counters by cell; a zero is never kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cells(pub BTreeMap<Cell, Counters>);

impl Cells {
    pub fn add(&mut self, cell: Cell, counter: impl Into<String>, n: i64) {
        if n == 0 {
            return;
        }
        let counters = self.0.entry(cell).or_default();
        let counter = counter.into();
        let v = counters.entry(counter.clone()).or_insert(0);
        *v += n;
        if *v == 0 {
            counters.remove(&counter);
            if counters.is_empty() {
                self.0.remove(&cell);
            }
        }
    }

    /// Adds `sign ×` every counter of `other`.
    pub fn merge(&mut self, other: &Cells, sign: i64) {
        for (cell, counters) in &other.0 {
            for (name, n) in counters {
                self.add(*cell, name.clone(), sign * n);
            }
        }
    }

    /// What a change from `before` to `after` adds.
    pub fn delta(before: &Cells, after: &Cells) -> Cells {
        let mut d = after.clone();
        d.merge(before, -1);
        d
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A record that reports count.
#[derive(Debug, Clone)]
pub enum Record {
    Job(Box<Job>),
    Quote(Box<Quote>),
    Asset(Box<Asset>),
}

/// The counters one record adds, as it is now.
pub fn contributions(record: &Record) -> Cells {
    match record {
        Record::Job(j) => of_job(j),
        Record::Quote(q) => of_quote(q),
        Record::Asset(a) => of_asset(a),
    }
}

fn of_job(job: &Job) -> Cells {
    let mut cells = Cells::default();
    let now = Cell { customer: job.customer_id, period: Period::Now, site: job.site_id };
    if !matches!(job.status, JobStatus::Completed | JobStatus::Cancelled) {
        if let Some(asset) = job.asset_id {
            cells.add(now, counter::open_jobs(asset), 1);
        }
    }
    let (JobStatus::Completed, Some(done)) = (job.status, job.completed_at) else { return cells };
    let cell = Cell { customer: job.customer_id, period: Period::Month(Month::of(done)), site: job.site_id };
    let yes = |b: bool| i64::from(b);
    if matches!(job.category, JobCategory::Service | JobCategory::Repair) {
        cells.add(cell, counter::SERVICE_REPAIRS, 1);
    }
    if job.category == JobCategory::Calibration {
        cells.add(cell, counter::CALIBRATIONS, 1);
        cells.add(cell, counter::CALIBRATIONS_ON_TIME, yes(job.due_at.is_some_and(|due| done <= due)));
    }
    cells.add(cell, counter::VISITS, i64::from(job.visit_count));
    if job.category == JobCategory::Repair {
        cells.add(cell, counter::REPAIRS, 1);
        cells.add(cell, counter::REPAIRS_ONE_VISIT, yes(job.visit_count == 1));
    }
    if let (Some(asset), Some(cost), Some(currency)) = (job.asset_id, job.cost, job.currency.as_ref()) {
        cells.add(cell, counter::cost(asset, currency), cost);
    }
    cells
}

fn of_quote(quote: &Quote) -> Cells {
    let mut cells = Cells::default();
    let (Some(sent), false) = (quote.sent_at, quote.status == QuoteStatus::Draft) else { return cells };
    let cell = Cell { customer: quote.customer_id, period: Period::Month(Month::of(sent)), site: quote.site_id };
    cells.add(cell, counter::quotes(quote.status, quote.valid_until), 1);
    if matches!(quote.status, QuoteStatus::Sent | QuoteStatus::Expired | QuoteStatus::Rejected) {
        for asset in &quote.asset_ids {
            cells.add(cell, counter::asset_quotes(*asset, quote.status, quote.valid_until), 1);
        }
    }
    cells
}

fn of_asset(asset: &Asset) -> Cells {
    let mut cells = Cells::default();
    let now = Cell { customer: asset.customer_id, period: Period::Now, site: asset.site_id };
    if asset.status == AssetStatus::InService {
        cells.add(now, counter::ASSETS_IN_SERVICE, 1);
    }
    if asset.under_contract {
        cells.add(now, counter::under_contract(asset.id), 1);
    }
    cells
}

/// `?from=YYYY-MM&to=YYYY-MM&site_id=`: by default the twelve months to this one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportQuery {
    pub from: Month,
    pub to: Month,
    pub site_id: Option<SiteId>,
}

impl ReportQuery {
    pub fn parse(get: impl Fn(&str) -> Option<String>, today: Month) -> Result<Self, Error> {
        let month = |name: &str| -> Result<Option<Month>, Error> {
            get(name)
                .map(|v| Month::parse(&v).ok_or_else(|| Error::invalid_field(name, "must be a month like 2026-11")))
                .transpose()
        };
        let (from, to) = match (month("from")?, month("to")?) {
            (Some(f), Some(t)) => (f, t),
            (Some(f), None) => (f, today.max(f)),
            (None, Some(t)) => (t.back(11), t),
            (None, None) => (today.back(11), today),
        };
        if from > to {
            return Err(Error::invalid_field("from", "must not be after `to`"));
        }
        if from.span(to) > MAX_MONTHS {
            return Err(Error::invalid_field("to", format!("a report covers at most {MAX_MONTHS} months")));
        }
        let site_id = get("site_id")
            .map(|s| SiteId::parse(&s).map_err(|e| Error::invalid_field("site_id", e.to_string())))
            .transpose()?;
        Ok(Self { from, to, site_id })
    }
}

/// A number as JSON writes it: whole numbers without a fraction.
fn number<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(x) if x.fract() == 0.0 && x.abs() < 9e15 => s.serialize_i64(*x as i64),
        Some(x) => s.serialize_f64(*x),
        None => s.serialize_none(),
    }
}

/// One row of a report. Which fields a row has depends on the report (`per`).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ReportRow {
    /// `YYYY-MM`: the month completed (jobs) or sent (quotes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub month: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_id: Option<SiteId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asset_id: Option<AssetId>,
    /// A quote status (`quotes_by_status`: sent, approved, rejected, expired, withdrawn;
    /// `equipment_open_rejected_quotes`: sent, rejected).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `most_expensive_equipment`: the currency of `value` (minor units).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    /// The count, sum or amount; for a share, `numerator / denominator` (0–1, four
    /// decimals), `null` when the denominator is 0.
    #[serde(serialize_with = "number")]
    #[schema(value_type = Option<f64>)]
    pub value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numerator: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub denominator: Option<i64>,
}

impl ReportRow {
    fn count(n: i64) -> Self {
        Self {
            month: None,
            site_id: None,
            asset_id: None,
            status: None,
            currency: None,
            value: Some(n as f64),
            numerator: None,
            denominator: None,
        }
    }

    fn share(numerator: i64, denominator: i64) -> Self {
        let value = (denominator > 0).then(|| (numerator as f64 / denominator as f64 * 10_000.0).round() / 10_000.0);
        Self { value, numerator: Some(numerator), denominator: Some(denominator), ..Self::count(0) }
    }
}

/// A report as the API returns it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportView {
    pub report: Report,
    pub name: String,
    pub per: Per,
    /// The period (`YYYY-MM`); reports of what is true now (`per: site`) ignore it.
    pub from: String,
    pub to: String,
    pub site_id: Option<SiteId>,
    pub rows: Vec<ReportRow>,
}

/// `GET /portal/reports`: one report a member may run.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportItem {
    pub report: Report,
    pub name: String,
    pub per: Per,
}

/// A report's rows from the cells it may count (`visible`: the member's sites only) and,
/// for `open_calls_contract_equipment`, which assets are under contract (`contract`: from
/// every cell of now of the customers read, whichever site the asset stands at).
pub fn rows(
    report: Report,
    query: &ReportQuery,
    visible: &Cells,
    contract: &BTreeSet<AssetId>,
    at: Timestamp,
) -> Vec<ReportRow> {
    let sum = |month: Month, name: &str| -> i64 {
        visible.0.iter().filter(|(c, _)| c.period == Period::Month(month)).filter_map(|(_, k)| k.get(name)).sum()
    };
    let months = || {
        let mut m = query.from;
        let mut all = vec![m];
        while m < query.to {
            m = m.next();
            all.push(m);
        }
        all
    };
    let in_month =
        |month: Month, row: ReportRow| ReportRow { month: Some(month.to_string()), site_id: query.site_id, ..row };
    match report {
        Report::TotalServiceRepairs => {
            months().into_iter().map(|m| in_month(m, ReportRow::count(sum(m, counter::SERVICE_REPAIRS)))).collect()
        }
        Report::CompletedServiceVisits => {
            months().into_iter().map(|m| in_month(m, ReportRow::count(sum(m, counter::VISITS)))).collect()
        }
        Report::CalibrationsOnTime => months()
            .into_iter()
            .map(|m| {
                in_month(m, ReportRow::share(sum(m, counter::CALIBRATIONS_ON_TIME), sum(m, counter::CALIBRATIONS)))
            })
            .collect(),
        Report::FirstTimeFix => months()
            .into_iter()
            .map(|m| in_month(m, ReportRow::share(sum(m, counter::REPAIRS_ONE_VISIT), sum(m, counter::REPAIRS))))
            .collect(),
        Report::QuotesByStatus => {
            let now = second(at);
            let mut rows = Vec::new();
            for m in months() {
                let mut by: BTreeMap<QuoteStatus, i64> = BTreeMap::new();
                for (_, counters) in visible.0.iter().filter(|(c, _)| c.period == Period::Month(m)) {
                    for (name, n) in counters {
                        if let Some(status) = name.strip_prefix("quotes#").and_then(|s| quote_status(s, &now)) {
                            *by.entry(status).or_default() += n;
                        }
                    }
                }
                for status in [
                    QuoteStatus::Sent,
                    QuoteStatus::Approved,
                    QuoteStatus::Rejected,
                    QuoteStatus::Expired,
                    QuoteStatus::Withdrawn,
                ] {
                    let row = ReportRow {
                        status: Some(status.as_str().to_owned()),
                        ..ReportRow::count(by.get(&status).copied().unwrap_or(0))
                    };
                    rows.push(in_month(m, row));
                }
            }
            rows
        }
        Report::EquipmentInService | Report::OpenCallsContractEquipment => {
            let mut by_site: BTreeMap<SiteId, i64> = BTreeMap::new();
            if let Some(site) = query.site_id {
                by_site.insert(site, 0);
            }
            for (cell, counters) in visible.0.iter().filter(|(c, _)| c.period == Period::Now) {
                let n: i64 = if report == Report::EquipmentInService {
                    counters.get(counter::ASSETS_IN_SERVICE).copied().unwrap_or(0)
                } else {
                    counters
                        .iter()
                        .filter_map(|(name, n)| {
                            let asset = AssetId::parse(name.strip_prefix("open_jobs#")?).ok()?;
                            contract.contains(&asset).then_some(*n)
                        })
                        .sum()
                };
                *by_site.entry(cell.site).or_default() += n;
            }
            // Sites with nothing to count are left out (a site asked for is always there).
            by_site
                .into_iter()
                .filter(|(site, n)| *n != 0 || query.site_id == Some(*site))
                .map(|(site, n)| ReportRow { site_id: Some(site), ..ReportRow::count(n) })
                .collect()
        }
        Report::MostExpensiveEquipment => {
            let mut by: BTreeMap<(Currency, AssetId), i64> = BTreeMap::new();
            for (_, counters) in monthly(visible, query) {
                for (name, n) in counters {
                    let mut parts = name.split('#');
                    if let (Some("cost"), Some(asset), Some(currency), None) =
                        (parts.next(), parts.next(), parts.next(), parts.next())
                    {
                        if let (Ok(asset), Ok(currency)) = (AssetId::parse(asset), Currency::parse(currency)) {
                            *by.entry((currency, asset)).or_default() += n;
                        }
                    }
                }
            }
            let mut ranked: Vec<_> = by.into_iter().filter(|(_, n)| *n != 0).collect();
            // Per currency, highest first (ties by asset id, so the order is stable).
            ranked.sort_by(|((c1, a1), n1), ((c2, a2), n2)| c1.cmp(c2).then(n2.cmp(n1)).then(a1.cmp(a2)));
            let mut rows = Vec::new();
            let mut taken: BTreeMap<Currency, usize> = BTreeMap::new();
            for ((currency, asset), n) in ranked {
                let k = taken.entry(currency.clone()).or_default();
                if *k < TOP {
                    *k += 1;
                    rows.push(ReportRow { asset_id: Some(asset), currency: Some(currency), ..ReportRow::count(n) });
                }
            }
            rows
        }
        Report::EquipmentOpenRejectedQuotes => {
            let now = second(at);
            let mut by: BTreeMap<(AssetId, QuoteStatus), i64> = BTreeMap::new();
            for (_, counters) in monthly(visible, query) {
                for (name, n) in counters {
                    let mut parts = name.splitn(3, '#');
                    if let (Some("asset_quotes"), Some(asset), Some(status)) =
                        (parts.next(), parts.next(), parts.next())
                    {
                        let status = quote_status(status, &now);
                        if let (Ok(asset), Some(s @ (QuoteStatus::Sent | QuoteStatus::Rejected))) =
                            (AssetId::parse(asset), status)
                        {
                            *by.entry((asset, s)).or_default() += n;
                        }
                    }
                }
            }
            by.into_iter()
                .filter(|(_, n)| *n != 0)
                .map(|((asset, status), n)| ReportRow {
                    asset_id: Some(asset),
                    status: Some(status.as_str().to_owned()),
                    ..ReportRow::count(n)
                })
                .collect()
        }
    }
}

/// The monthly cells within the query's period.
fn monthly<'a>(cells: &'a Cells, q: &'a ReportQuery) -> impl Iterator<Item = (&'a Cell, &'a Counters)> {
    cells.0.iter().filter(move |(c, _)| matches!(c.period, Period::Month(m) if m >= q.from && m <= q.to))
}

/// A quote counter's status: `sent@<until>` is sent until then and expired after
/// (`now` and `until` are both [`second`]s, which sort by time).
fn quote_status(s: &str, now: &str) -> Option<QuoteStatus> {
    match s.strip_prefix("sent@") {
        Some("never") => Some(QuoteStatus::Sent),
        Some(until) if until < now => Some(QuoteStatus::Expired),
        Some(_) => Some(QuoteStatus::Sent),
        None => QuoteStatus::parse(s),
    }
}

/// The CSV of a report's rows (UTF-8 with BOM, header row): every column a row may have;
/// amounts in their currency's units ([`money::decimal`]).
pub fn csv(view: &ReportView) -> String {
    let mut out = String::from("\u{feff}month,site_id,asset_id,status,currency,value,numerator,denominator\r\n");
    let opt = |v: Option<String>| v.unwrap_or_default();
    for r in &view.rows {
        let value = r.value.map(|v| match &r.currency {
            // An amount reads as one, as in the jobs export: 1234.50 EUR, not 123450.
            Some(currency) => money::decimal(v as i64, currency),
            None if v.fract() == 0.0 => format!("{}", v as i64),
            None => v.to_string(),
        });
        let line = [
            opt(r.month.clone()),
            opt(r.site_id.map(|s| s.to_string())),
            opt(r.asset_id.map(|a| a.to_string())),
            opt(r.status.clone()),
            opt(r.currency.as_ref().map(|c| c.to_string())),
            opt(value),
            opt(r.numerator.map(|n| n.to_string())),
            opt(r.denominator.map(|n| n.to_string())),
        ];
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::hierarchy::CustomerPath;
    use crate::domain::text::ExternalRef;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};
    use serde_json::json;
    use std::collections::HashSet;

    fn at(s: &str) -> Timestamp {
        crate::domain::clock::Bound::parse(s).unwrap().start()
    }

    fn job(customer: CustomerId, site: SiteId) -> Job {
        let input = serde_json::from_value(
            json!({"customer_id": customer, "site_id": site, "category": "repair", "status": "unassigned"}),
        )
        .unwrap();
        Job::create(ExternalRef::parse("WO-1").unwrap(), input, CustomerPath::root(customer), vec![])
    }

    fn quote(customer: CustomerId, site: SiteId) -> Quote {
        let input = serde_json::from_value(json!({"customer_id": customer, "site_id": site, "title": "Pump",
            "lines": [{"description": "Pump", "quantity": 1, "unit_price": 1000}], "currency": "EUR", "status": "sent"}))
        .unwrap();
        Quote::create(ExternalRef::parse("Q-1").unwrap(), input, CustomerPath::root(customer), None).unwrap()
    }

    fn asset(customer: CustomerId, site: SiteId) -> Asset {
        let input =
            serde_json::from_value(json!({"customer_id": customer, "site_id": site, "name": "Boiler"})).unwrap();
        Asset::create(ExternalRef::parse("A-1").unwrap(), input, CustomerPath::root(customer))
    }

    fn completed(mut j: Job, category: JobCategory, when: &str, visits: u32) -> Job {
        j.status = JobStatus::Completed;
        j.category = category;
        j.completed_at = Some(at(when));
        j.visit_count = visits;
        j
    }

    fn query(from: &str, to: &str) -> ReportQuery {
        ReportQuery { from: Month::parse(from).unwrap(), to: Month::parse(to).unwrap(), site_id: None }
    }

    fn values(rows: &[ReportRow]) -> Vec<Option<f64>> {
        rows.iter().map(|r| r.value).collect()
    }

    #[test]
    fn months_parse_step_and_count() {
        let m = Month::parse("2026-11").unwrap();
        assert_eq!(m.to_string(), "2026-11");
        assert_eq!(m.next().next().to_string(), "2027-01");
        assert_eq!(m.back(11).to_string(), "2025-12");
        assert_eq!(m.back(11).span(m), 12);
        assert_eq!(Month::parse("1970-05").unwrap().back(11), Month::FIRST, "never before 1970");
        assert_eq!(Month::LAST.next(), Month::LAST, "never after 9999");
        assert_eq!(Month::parse("10000-01"), None);
        assert_eq!(Month::parse("1969-12"), None);
        assert_eq!(m.span(m.back(1)), 0);
        for bad in ["2026-13", "2026-00", "26-11", "2026-1", "2026/11", "20261-1", "abcd-ef", "1969-12", "2026-11-01"] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
        assert_eq!(Month::of(at("2026-01-31T23:59:59Z")).to_string(), "2026-01");
    }

    #[test]
    fn the_period_defaults_to_twelve_months_and_is_bounded() {
        let today = Month::parse("2026-11").unwrap();
        let q = |pairs: &[(&str, &str)]| {
            let map: BTreeMap<String, String> = pairs.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect();
            ReportQuery::parse(|k| map.get(k).cloned(), today)
        };
        let d = q(&[]).unwrap();
        assert_eq!((d.from.to_string(), d.to.to_string()), ("2025-12".into(), "2026-11".into()));
        let t = q(&[("to", "2026-03")]).unwrap();
        assert_eq!(t.from.to_string(), "2025-04");
        assert!(q(&[("from", "2026-05"), ("to", "2026-04")]).is_err());
        assert!(q(&[("from", "2020-01"), ("to", "2026-04")]).is_err(), "more than 36 months");
        assert!(q(&[("from", "2026-5")]).is_err());
        assert!(q(&[("site_id", "nope")]).is_err());
        assert_eq!(
            q(&[("from", "2024-01"), ("to", "2026-12")]).unwrap().from.span(Month::parse("2026-12").unwrap()),
            36
        );
    }

    #[test]
    fn a_completed_repair_counts_in_its_month_and_site() {
        let (c, s, a) = (CustomerId::generate(), SiteId::generate(), AssetId::generate());
        let mut j = completed(job(c, s), JobCategory::Repair, "2026-10-31T23:00:00Z", 1);
        j.asset_id = Some(a);
        j.cost = Some(12_500);
        j.currency = Some(Currency::parse("EUR").unwrap());
        let cells = contributions(&Record::Job(Box::new(j.clone())));
        let cell = Cell { customer: c, period: Period::Month(Month::parse("2026-10").unwrap()), site: s };
        let want: Counters = [
            (counter::SERVICE_REPAIRS.to_owned(), 1),
            (counter::VISITS.to_owned(), 1),
            (counter::REPAIRS.to_owned(), 1),
            (counter::REPAIRS_ONE_VISIT.to_owned(), 1),
            (counter::cost(a, &Currency::parse("EUR").unwrap()), 12_500),
        ]
        .into();
        assert_eq!(cells.0, BTreeMap::from([(cell, want)]));
        // Reopened: its month loses it, and it is an open call on its asset now.
        let mut open = j.clone();
        open.status = JobStatus::InProgress;
        let d = Cells::delta(&cells, &contributions(&Record::Job(Box::new(open))));
        assert_eq!(d.0[&cell][counter::SERVICE_REPAIRS], -1);
        let now = Cell { customer: c, period: Period::Now, site: s };
        assert_eq!(d.0[&now][&counter::open_jobs(a)], 1);
    }

    #[test]
    fn a_quote_counts_by_the_month_sent_and_expires_by_the_clock() {
        let (c, s, a) = (CustomerId::generate(), SiteId::generate(), AssetId::generate());
        let mut q = quote(c, s);
        q.sent_at = Some(at("2026-09-10T10:00:00Z"));
        q.valid_until = Some(at("2026-10-01T00:00:00Z"));
        q.asset_ids = [a].into();
        let mut visible = contributions(&Record::Quote(Box::new(q.clone())));
        let mut rejected = q.clone();
        rejected.status = QuoteStatus::Rejected;
        visible.merge(&contributions(&Record::Quote(Box::new(rejected))), 1);
        let mut draft = q.clone();
        draft.status = QuoteStatus::Draft;
        assert!(contributions(&Record::Quote(Box::new(draft))).is_empty(), "drafts never count");
        let count = |rows: &[ReportRow], status: &str| {
            rows.iter()
                .find(|r| r.month.as_deref() == Some("2026-09") && r.status.as_deref() == Some(status))
                .unwrap()
                .value
        };
        let before = rows(
            Report::QuotesByStatus,
            &query("2026-09", "2026-09"),
            &visible,
            &BTreeSet::new(),
            at("2026-09-30T23:59:59Z"),
        );
        assert_eq!(
            (count(&before, "sent"), count(&before, "expired"), count(&before, "rejected")),
            (Some(1.0), Some(0.0), Some(1.0))
        );
        let after = rows(
            Report::QuotesByStatus,
            &query("2026-09", "2026-09"),
            &visible,
            &BTreeSet::new(),
            at("2026-10-01T00:00:01Z"),
        );
        assert_eq!((count(&after, "sent"), count(&after, "expired")), (Some(0.0), Some(1.0)));
        assert_eq!(after.len(), 5, "every status, zeros too");
        let eq = rows(
            Report::EquipmentOpenRejectedQuotes,
            &query("2026-01", "2026-12"),
            &visible,
            &BTreeSet::new(),
            at("2026-09-30T00:00:00Z"),
        );
        let got: Vec<_> = eq.iter().map(|r| (r.asset_id, r.status.clone(), r.value)).collect();
        assert_eq!(got, [(Some(a), Some("sent".into()), Some(1.0)), (Some(a), Some("rejected".into()), Some(1.0))]);
        let expired = rows(
            Report::EquipmentOpenRejectedQuotes,
            &query("2026-01", "2026-12"),
            &visible,
            &BTreeSet::new(),
            at("2026-12-01T00:00:00Z"),
        );
        assert_eq!(expired.len(), 1, "an expired quote is no longer open");
    }

    #[test]
    fn shares_have_numerator_denominator_and_no_value_when_empty() {
        let (c, s) = (CustomerId::generate(), SiteId::generate());
        let mut visible = Cells::default();
        for (visits, due) in [(1, Some("2026-03-20T00:00:00Z")), (2, Some("2026-03-01T00:00:00Z")), (1, None)] {
            visible.merge(
                &contributions(&Record::Job(Box::new(completed(
                    job(c, s),
                    JobCategory::Repair,
                    "2026-03-10T00:00:00Z",
                    visits,
                )))),
                1,
            );
            let mut cal = completed(job(c, s), JobCategory::Calibration, "2026-03-10T00:00:00Z", visits);
            cal.due_at = due.map(at);
            visible.merge(&contributions(&Record::Job(Box::new(cal))), 1);
        }
        let q = query("2026-03", "2026-04");
        let ftf = rows(Report::FirstTimeFix, &q, &visible, &BTreeSet::new(), at("2026-05-01T00:00:00Z"));
        assert_eq!((ftf[0].numerator, ftf[0].denominator, ftf[0].value), (Some(2), Some(3), Some(0.6667)));
        assert_eq!((ftf[1].denominator, ftf[1].value), (Some(0), None), "April: nothing to divide");
        let cal = rows(Report::CalibrationsOnTime, &q, &visible, &BTreeSet::new(), at("2026-05-01T00:00:00Z"));
        assert_eq!(
            (cal[0].numerator, cal[0].denominator),
            (Some(1), Some(3)),
            "late and undated calibrations are not on time"
        );
        assert_eq!(
            values(&rows(Report::TotalServiceRepairs, &q, &visible, &BTreeSet::new(), at("2026-05-01T00:00:00Z"))),
            [Some(3.0), Some(0.0)]
        );
        assert_eq!(
            values(&rows(Report::CompletedServiceVisits, &q, &visible, &BTreeSet::new(), at("2026-05-01T00:00:00Z"))),
            [Some(8.0), Some(0.0)]
        );
        let json = serde_json::to_value(&ftf[1]).unwrap();
        assert_eq!(json, json!({"month": "2026-04", "value": null, "numerator": 0, "denominator": 0}));
    }

    #[test]
    fn open_calls_count_only_assets_under_contract_and_the_top_ten_rank_by_cost() {
        let (c, s) = (CustomerId::generate(), SiteId::generate());
        let assets: Vec<AssetId> = (0..12).map(|_| AssetId::generate()).collect();
        let mut visible = Cells::default();
        for (i, a) in assets.iter().enumerate() {
            let mut open = job(c, s);
            open.asset_id = Some(*a);
            visible.merge(&contributions(&Record::Job(Box::new(open))), 1);
            let mut done = completed(job(c, s), JobCategory::Service, "2026-06-01T00:00:00Z", 1);
            done.asset_id = Some(*a);
            done.cost = Some(100 * (i as i64 + 1));
            done.currency = Some(Currency::parse("EUR").unwrap());
            visible.merge(&contributions(&Record::Job(Box::new(done))), 1);
        }
        let contract: BTreeSet<AssetId> = assets[..3].iter().copied().collect();
        let q = query("2026-01", "2026-12");
        let open = rows(Report::OpenCallsContractEquipment, &q, &visible, &contract, at("2026-07-01T00:00:00Z"));
        assert_eq!(open.iter().map(|r| (r.site_id, r.value)).collect::<Vec<_>>(), [(Some(s), Some(3.0))]);
        let top = rows(Report::MostExpensiveEquipment, &q, &visible, &contract, at("2026-07-01T00:00:00Z"));
        assert_eq!(top.len(), TOP);
        assert_eq!(top[0].asset_id, Some(assets[11]));
        assert_eq!(top[0].value, Some(1200.0));
        assert_eq!(top[9].value, Some(300.0));
        let outside = rows(
            Report::MostExpensiveEquipment,
            &query("2026-07", "2026-12"),
            &visible,
            &contract,
            at("2026-07-01T00:00:00Z"),
        );
        assert!(outside.is_empty(), "costs count in the month the job was completed");
    }

    #[test]
    fn the_csv_has_every_column_and_no_formula() {
        let view = ReportView {
            report: Report::FirstTimeFix,
            name: "First-time-fix calls".into(),
            per: Per::Month,
            from: "2026-03".into(),
            to: "2026-03".into(),
            site_id: None,
            rows: vec![ReportRow { month: Some("2026-03".into()), ..ReportRow::share(1, 3) }],
        };
        assert_eq!(
            csv(&view),
            "\u{feff}month,site_id,asset_id,status,currency,value,numerator,denominator\r\n2026-03,,,,,0.3333,1,3\r\n"
        );
    }

    #[test]
    fn the_csv_gives_amounts_in_their_currency_units() {
        let asset = AssetId::parse("ast_01JD8Z6V5Q2W3E4R5T6Y7A8B9C").unwrap();
        let cost = |code: &str, minor: i64| ReportRow {
            asset_id: Some(asset),
            currency: Some(Currency::parse(code).unwrap()),
            ..ReportRow::count(minor)
        };
        let view = ReportView {
            report: Report::MostExpensiveEquipment,
            name: "Most expensive equipment".into(),
            per: Per::Asset,
            from: "2026-03".into(),
            to: "2026-03".into(),
            site_id: None,
            rows: vec![cost("EUR", 123_450), cost("JPY", 1500), cost("KWD", 1234)],
        };
        let lines: Vec<String> = csv(&view).lines().skip(1).map(str::to_owned).collect();
        assert_eq!(
            lines,
            [format!(",,{asset},,EUR,1234.50,,"), format!(",,{asset},,JPY,1500,,"), format!(",,{asset},,KWD,1.234,,")]
        );
    }

    /// A random state of one of a few records over a small world (two customers, three
    /// sites, three assets, three months), or `None` (deleted).
    fn random_record(
        rng: &mut StdRng,
        kind: u8,
        world: &(Vec<CustomerId>, Vec<SiteId>, Vec<AssetId>),
    ) -> Option<Record> {
        if rng.gen_bool(0.2) {
            return None;
        }
        let (customers, sites, assets) = world;
        let c = customers[rng.gen_range(0..customers.len())];
        let s = sites[rng.gen_range(0..sites.len())];
        let a = assets[rng.gen_range(0..assets.len())];
        let month = ["2026-01-15T00:00:00Z", "2026-02-15T00:00:00Z", "2026-03-15T00:00:00Z"][rng.gen_range(0..3)];
        Some(match kind {
            0 => {
                let mut j = job(c, s);
                j.status = JobStatus::ALL[rng.gen_range(0..JobStatus::ALL.len())];
                j.category = JobCategory::ALL[rng.gen_range(0..JobCategory::ALL.len())];
                j.completed_at = (j.status == JobStatus::Completed).then(|| at(month));
                j.due_at = rng.gen_bool(0.5).then(|| at("2026-02-01T00:00:00Z"));
                j.visit_count = rng.gen_range(0..4);
                j.asset_id = rng.gen_bool(0.7).then_some(a);
                j.cost = rng.gen_bool(0.7).then(|| rng.gen_range(0..100_000));
                j.currency = Some(Currency::parse(["EUR", "USD"][rng.gen_range(0..2)]).unwrap());
                Record::Job(Box::new(j))
            }
            1 => {
                let mut q = quote(c, s);
                q.status = QuoteStatus::ALL[rng.gen_range(0..QuoteStatus::ALL.len())].stored();
                q.sent_at = rng.gen_bool(0.9).then(|| at(month));
                q.valid_until = rng.gen_bool(0.5).then(|| at("2026-02-01T00:00:00Z"));
                q.asset_ids = assets.iter().filter(|_| rng.gen_bool(0.4)).copied().collect();
                Record::Quote(Box::new(q))
            }
            _ => {
                let mut x = asset(c, s);
                x.id = a;
                x.status =
                    [AssetStatus::InService, AssetStatus::OutOfService, AssetStatus::Retired][rng.gen_range(0..3)];
                x.under_contract = rng.gen_bool(0.5);
                Record::Asset(Box::new(x))
            }
        })
    }

    /// The property, on the pure model: after random upserts, status changes, deletions
    /// and asset moves, with events replayed at random, the cells kept by adding each
    /// event's change once equal the sum of the records' contributions as they are.
    #[test]
    fn cells_kept_from_changes_equal_a_recomputation() {
        let mut rng = StdRng::seed_from_u64(2026);
        for _case in 0..300 {
            let world = (
                (0..2).map(|_| CustomerId::generate()).collect::<Vec<_>>(),
                (0..3).map(|_| SiteId::generate()).collect::<Vec<_>>(),
                (0..3).map(|_| AssetId::generate()).collect::<Vec<_>>(),
            );
            // Six records: two of each kind; each event is (id, before, after).
            let mut records: Vec<Option<Record>> = vec![None; 6];
            let mut events: Vec<(usize, Cells)> = Vec::new();
            let mut applied = HashSet::new();
            let mut kept = Cells::default();
            for _op in 0..rng.gen_range(1..40) {
                let slot = rng.gen_range(0..6);
                let next = random_record(&mut rng, (slot % 3) as u8, &world);
                let of = |r: &Option<Record>| r.as_ref().map(contributions).unwrap_or_default();
                let change = Cells::delta(&of(&records[slot]), &of(&next));
                records[slot] = next;
                events.push((events.len(), change));
                // Deliver this event, and now and then replay an earlier one.
                let mut deliveries = vec![events.len() - 1];
                if rng.gen_bool(0.3) {
                    deliveries.push(rng.gen_range(0..events.len()));
                }
                for i in deliveries {
                    if applied.insert(events[i].0) {
                        kept.merge(&events[i].1, 1);
                    }
                }
            }
            let mut fresh = Cells::default();
            for r in records.iter().flatten() {
                fresh.merge(&contributions(r), 1);
            }
            assert_eq!(kept, fresh);
        }
    }
}
