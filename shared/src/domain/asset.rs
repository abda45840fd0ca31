//! Assets (equipment) at a customer's site, published by the back office
//! (`PUT /admin/assets/{ref}`), read by members with `view_assets` (a dashboard of their
//! assets and upcoming services).
//!
//! An asset carries its **upcoming services** (name and due time, as the back office plans
//! them) and, read from the jobs that name it, its **history**. Lists by customer or site
//! are ordered by the next service due, soonest (or most overdue) first, so
//! `?due_within_days=` is a range of the sort key, not a filter over every asset.
//!
//! Every asset has a **stable link** a QR label can encode: the portal's
//! `/assets/{asset_id}/request`, where a signed-in member gets a work-request form
//! prefilled with the asset and its site (`GET /portal/assets/{asset_id}/work-request`).

use serde::{Deserialize, Serialize};

use super::currency::Currency;
use super::hierarchy::CustomerPath;
use super::ids::{AssetId, CustomerId, JobId, SiteId};
use super::job::{Job, JobCategory, JobStatus};
use super::money::MAX_AMOUNT;
use super::tenant::{now, utc_seconds, Timestamp};
use super::text::{Code, ExternalRef, Name, WebUrl};
use crate::error::Error;

/// Upcoming services one asset may carry.
pub const MAX_SERVICES: usize = 50;
/// Jobs an asset's detail shows (newest first); `history_cursor` pages on.
pub const HISTORY_PAGE: i32 = 20;
/// `?due_within_days=` at most (ten years).
pub const MAX_DUE_WITHIN_DAYS: i64 = 3_650;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssetStatus {
    #[default]
    InService,
    OutOfService,
    Retired,
}

/// A service the back office plans for the asset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpcomingService {
    /// What is due (`Annual calibration`).
    pub name: Name,
    pub due_at: Timestamp,
}

/// `PUT /admin/assets/{asset_id}`: the whole asset as the back office has it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssetInput {
    /// Portico's id (`cus_…`) or the back office's reference of the customer.
    #[schema(value_type = ExternalRef)]
    pub customer_id: CustomerId,
    /// The site the asset is at (a site of `customer_id`).
    /// Portico's id (`site_…`) or the back office's reference of the site.
    #[schema(value_type = ExternalRef)]
    pub site_id: SiteId,
    pub name: Name,
    /// The back office's own category (`boiler`, `chiller`).
    pub category: Option<Code>,
    pub serial_number: Option<Code>,
    /// Where at the site (`Roof, north side`).
    pub location: Option<Name>,
    #[serde(default)]
    pub installed_at: Option<Timestamp>,
    /// Covered by a service contract.
    #[serde(default)]
    pub under_contract: bool,
    /// `in_service` when not given.
    #[serde(default)]
    pub status: AssetStatus,
    /// Replacement value in minor units of `currency` (both or neither).
    #[schema(minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub value: Option<i64>,
    pub currency: Option<Currency>,
    /// Up to 50; stored soonest first.
    #[serde(default)]
    pub upcoming_services: Vec<UpcomingService>,
    /// Read-only: when sent, must be this asset's id.
    #[serde(default)]
    #[schema(read_only)]
    pub id: Option<AssetId>,
    /// Read-only: when sent, must equal the reference in the path.
    #[serde(default)]
    #[schema(read_only)]
    pub external_ref: Option<ExternalRef>,
    /// Read-only: when sent, must be the current version (412 otherwise).
    #[serde(default)]
    #[schema(read_only)]
    pub version: Option<u64>,
    /// Read-only (derived): ignored.
    #[serde(default)]
    #[schema(read_only, value_type = Option<String>, format = DateTime)]
    pub next_service_due: Option<Timestamp>,
    /// Read-only (derived): ignored.
    #[serde(default)]
    #[schema(read_only)]
    pub request_link: Option<String>,
    /// Read-only (the asset's jobs): ignored.
    #[serde(default)]
    #[schema(read_only)]
    pub history: Option<serde_json::Value>,
    /// Read-only: ignored.
    #[serde(default)]
    #[schema(read_only)]
    pub history_next_cursor: Option<String>,
    /// Read-only: ignored.
    #[serde(default)]
    #[schema(read_only, value_type = Option<String>, format = DateTime)]
    pub created_at: Option<Timestamp>,
    /// Read-only: ignored.
    #[serde(default)]
    #[schema(read_only, value_type = Option<String>, format = DateTime)]
    pub updated_at: Option<Timestamp>,
}

impl AssetInput {
    pub fn check_echo(&self, reference: &ExternalRef, stored: Option<&Asset>) -> Result<(), Error> {
        use super::representation::{check_identity, check_version};
        check_identity("external_ref", self.external_ref.as_ref(), Some(reference))?;
        check_identity("id", self.id.as_ref(), stored.map(|a| &a.id))?;
        check_version(self.version, stored.map(|a| a.version))
    }

    pub fn validate(&self) -> Result<(), Error> {
        if self.upcoming_services.len() > MAX_SERVICES {
            return Err(Error::invalid_field("upcoming_services", format!("at most {MAX_SERVICES}")));
        }
        match (self.value, &self.currency) {
            (Some(v), Some(_)) if !(0..=MAX_AMOUNT).contains(&v) => {
                Err(Error::invalid_field("value", format!("must be between 0 and {MAX_AMOUNT} (minor units)")))
            }
            (Some(_), None) => Err(Error::invalid_field("currency", "is required with a value")),
            (None, Some(_)) => Err(Error::invalid_field("value", "is required with a currency")),
            _ => Ok(()),
        }
    }
}

/// An asset as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Asset {
    pub id: AssetId,
    pub external_ref: ExternalRef,
    pub customer_id: CustomerId,
    pub customer_path: CustomerPath,
    pub site_id: SiteId,
    pub name: Name,
    pub category: Option<Code>,
    pub serial_number: Option<Code>,
    pub location: Option<Name>,
    #[serde(default)]
    pub installed_at: Option<Timestamp>,
    pub under_contract: bool,
    pub status: AssetStatus,
    pub value: Option<i64>,
    pub currency: Option<Currency>,
    pub upcoming_services: Vec<UpcomingService>,
    /// The soonest upcoming service (kept with the services; lists filter on it).
    #[serde(default)]
    pub next_service_due: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

/// A job in an asset's history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssetJob {
    pub id: JobId,
    pub reference: ExternalRef,
    pub status: JobStatus,
    pub category: JobCategory,
    pub work_order_type: Option<Code>,
    pub site_id: SiteId,
    pub reported_at: Timestamp,
    pub scheduled_at: Option<Timestamp>,
    pub completed_at: Option<Timestamp>,
}

/// An asset as the admin API and the portal show it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AssetView {
    pub id: AssetId,
    pub external_ref: ExternalRef,
    pub customer_id: CustomerId,
    pub site_id: SiteId,
    pub name: Name,
    pub category: Option<Code>,
    pub serial_number: Option<Code>,
    pub location: Option<Name>,
    pub installed_at: Option<Timestamp>,
    pub under_contract: bool,
    pub status: AssetStatus,
    pub value: Option<i64>,
    pub currency: Option<Currency>,
    /// Soonest first.
    pub upcoming_services: Vec<UpcomingService>,
    pub next_service_due: Option<Timestamp>,
    /// The stable link for a QR label: the portal's work-request form for this asset
    /// (null until the tenant's branding has a `portal_url`).
    pub request_link: Option<String>,
    /// Detail only: the asset's jobs, newest first (in the portal, those the member may
    /// see); absent in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<AssetJob>>,
    /// Detail only: pass as `?history_cursor=` for older jobs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history_next_cursor: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

/// `GET /portal/assets/{asset_id}/work-request`: what the form opened from an asset's
/// QR label starts with. `request` is a body `POST /portal/work-requests` accepts once a
/// subject is added.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WorkRequestForm {
    pub asset: AssetSummary,
    pub site: FormSite,
    /// The work-order types the member may choose (empty: any or none).
    pub work_order_types: Vec<Code>,
    pub request: FormPrefill,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AssetSummary {
    pub id: AssetId,
    pub name: Name,
    pub serial_number: Option<Code>,
    pub location: Option<Name>,
    pub status: AssetStatus,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FormSite {
    pub id: SiteId,
    pub name: Name,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FormPrefill {
    pub asset_id: AssetId,
    pub site_id: SiteId,
}

/// The link from an asset to one of its jobs: one small item per (asset, job) with the
/// job's summary, rewritten by every change of the job (its upsert, in the same
/// transaction), so an asset's history is one Query of a page — not a read of the
/// site's jobs, nor of the jobs themselves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetJobLink {
    pub asset_id: AssetId,
    pub job_id: JobId,
    pub reference: ExternalRef,
    /// Members without `view_jobs` see only completed jobs: a filter on this.
    pub status: JobStatus,
    pub category: JobCategory,
    pub work_order_type: Option<Code>,
    pub site_id: SiteId,
    pub customer_path: CustomerPath,
    pub reported_at: Timestamp,
    #[serde(default)]
    pub scheduled_at: Option<Timestamp>,
    #[serde(default)]
    pub completed_at: Option<Timestamp>,
}

impl AssetJobLink {
    pub fn of(job: &Job) -> Option<Self> {
        job.asset_id.map(|asset_id| Self {
            asset_id,
            job_id: job.id,
            reference: job.external_ref.clone(),
            status: job.status,
            category: job.category,
            work_order_type: job.work_order_type.clone(),
            site_id: job.site_id,
            customer_path: job.customer_path.clone(),
            reported_at: job.reported_at,
            scheduled_at: job.scheduled_at,
            completed_at: job.completed_at,
        })
    }

    pub fn view(&self) -> AssetJob {
        AssetJob {
            id: self.job_id,
            reference: self.reference.clone(),
            status: self.status,
            category: self.category,
            work_order_type: self.work_order_type.clone(),
            site_id: self.site_id,
            reported_at: self.reported_at,
            scheduled_at: self.scheduled_at,
            completed_at: self.completed_at,
        }
    }
}

/// The largest inverted time; see [`due_sort`].
const INVERTED: i64 = 99_999_999_999;

/// An asset's sort key in the customer and site lists: the soonest service due,
/// inverted, so that newest-first order is soonest-due first (assets with nothing due
/// last, at `00000000000`).
pub fn due_sort(next: Option<Timestamp>) -> String {
    match next {
        None => format!("{:011}", 0),
        Some(t) => format!("{:011}", (INVERTED - t.unix_timestamp()).clamp(1, INVERTED)),
    }
}

impl Asset {
    pub fn create(external_ref: ExternalRef, input: AssetInput, customer_path: CustomerPath) -> Self {
        let at = now();
        let mut asset = Self {
            id: AssetId::generate(),
            external_ref,
            customer_id: input.customer_id,
            customer_path: customer_path.clone(),
            site_id: input.site_id,
            name: input.name.clone(),
            category: None,
            serial_number: None,
            location: None,
            installed_at: None,
            under_contract: false,
            status: AssetStatus::InService,
            value: None,
            currency: None,
            upcoming_services: Vec::new(),
            next_service_due: None,
            created_at: at,
            updated_at: at,
            version: 1,
        };
        asset.fill(input, customer_path);
        asset
    }

    /// Takes what the back office sent (the caller bumps the version if it changed).
    pub fn fill(&mut self, input: AssetInput, customer_path: CustomerPath) {
        let mut services: Vec<UpcomingService> = input
            .upcoming_services
            .into_iter()
            .map(|s| UpcomingService { name: s.name, due_at: utc_seconds(s.due_at) })
            .collect();
        services.sort_by(|a, b| a.due_at.cmp(&b.due_at).then_with(|| a.name.cmp(&b.name)));
        self.customer_id = input.customer_id;
        self.customer_path = customer_path;
        self.site_id = input.site_id;
        self.name = input.name;
        self.category = input.category;
        self.serial_number = input.serial_number;
        self.location = input.location;
        self.installed_at = input.installed_at.map(utc_seconds);
        self.under_contract = input.under_contract;
        self.status = input.status;
        self.value = input.value;
        self.currency = input.currency;
        self.next_service_due = services.first().map(|s| s.due_at);
        self.upcoming_services = services;
    }

    pub fn touch(&mut self) {
        self.updated_at = now();
        self.version += 1;
    }

    /// Whether `other` says the same as `self` (a repeated PUT changes nothing).
    pub fn same_as(&self, other: &Asset) -> bool {
        super::representation::same_content(self, other)
    }

    /// Whether a service is due by `by` (overdue ones included).
    pub fn due_by(&self, by: Timestamp) -> bool {
        self.next_service_due.is_some_and(|d| d <= by)
    }

    /// The link a QR label encodes, under the tenant's portal URL.
    pub fn request_link(&self, portal_url: Option<&WebUrl>) -> Option<String> {
        portal_url.map(|u| format!("{}/assets/{}/request", u.as_str().trim_end_matches('/'), self.id))
    }

    pub fn view(&self, portal_url: Option<&WebUrl>) -> AssetView {
        AssetView {
            id: self.id,
            external_ref: self.external_ref.clone(),
            customer_id: self.customer_id,
            site_id: self.site_id,
            name: self.name.clone(),
            category: self.category.clone(),
            serial_number: self.serial_number.clone(),
            location: self.location.clone(),
            installed_at: self.installed_at,
            under_contract: self.under_contract,
            status: self.status,
            value: self.value,
            currency: self.currency.clone(),
            upcoming_services: self.upcoming_services.clone(),
            next_service_due: self.next_service_due,
            request_link: self.request_link(portal_url),
            history: None,
            history_next_cursor: None,
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
        }
    }

    pub fn summary(&self) -> AssetSummary {
        AssetSummary {
            id: self.id,
            name: self.name.clone(),
            serial_number: self.serial_number.clone(),
            location: self.location.clone(),
            status: self.status,
        }
    }
}

/// `?site_id=&due_within_days=` (and, for admins, `customer_id`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssetFilter {
    pub site_id: Option<SiteId>,
    pub due_within_days: Option<i64>,
}

impl AssetFilter {
    pub fn parse(get: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let site_id = get("site_id")
            .map(|v| SiteId::parse(&v).map_err(|e| Error::invalid_field("site_id", e.to_string())))
            .transpose()?;
        let due_within_days = get("due_within_days")
            .map(|v| match super::number::whole_number(&v, 0..=MAX_DUE_WITHIN_DAYS) {
                Some(n) => Ok(n),
                None => Err(Error::invalid_field(
                    "due_within_days",
                    format!("must be a whole number of days from 0 to {MAX_DUE_WITHIN_DAYS}"),
                )),
            })
            .transpose()?;
        Ok(Self { site_id, due_within_days })
    }

    /// The latest due time `due_within_days` admits, from `at`.
    pub fn due_by(&self, at: Timestamp) -> Option<Timestamp> {
        self.due_within_days.map(|d| at.saturating_add(time::Duration::days(d)))
    }

    pub fn admits(&self, asset: &Asset, at: Timestamp) -> bool {
        self.site_id.is_none_or(|s| asset.site_id == s) && self.due_by(at).is_none_or(|by| asset.due_by(by))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(services: serde_json::Value) -> AssetInput {
        serde_json::from_value(serde_json::json!({
            "customer_id": CustomerId::generate(), "site_id": SiteId::generate(), "name": "Boiler 1",
            "upcoming_services": services,
        }))
        .unwrap()
    }

    #[test]
    fn services_are_kept_soonest_first_and_the_next_one_is_derived() {
        let a = Asset::create(
            ExternalRef::parse("A-1").unwrap(),
            input(serde_json::json!([
                {"name": "Inspection", "due_at": "2027-03-01T00:00:00Z"},
                {"name": "Calibration", "due_at": "2026-12-01T09:30:00.5+01:00"},
            ])),
            CustomerPath::root(CustomerId::generate()),
        );
        assert_eq!(a.upcoming_services[0].name.as_str(), "Calibration");
        assert_eq!(a.next_service_due.map(super::super::tenant::utc_seconds), a.next_service_due);
        assert_eq!(a.next_service_due.unwrap().unix_timestamp(), a.upcoming_services[0].due_at.unix_timestamp());
        assert!(a.due_by(a.upcoming_services[0].due_at));
        assert!(!a.due_by(a.upcoming_services[0].due_at.saturating_sub(time::Duration::seconds(1))));
        let none = Asset::create(
            ExternalRef::parse("A-2").unwrap(),
            input(serde_json::json!([])),
            CustomerPath::root(CustomerId::generate()),
        );
        assert_eq!(none.next_service_due, None);
        assert!(!none.due_by(now().saturating_add(time::Duration::days(10_000))));
    }

    #[test]
    fn the_due_sort_puts_the_soonest_first_and_nothing_due_last() {
        let t = now();
        let soon = due_sort(Some(t));
        let later = due_sort(Some(t.saturating_add(time::Duration::days(3))));
        let overdue = due_sort(Some(t.saturating_sub(time::Duration::days(3))));
        let never = due_sort(None);
        let mut keys = vec![later.clone(), never.clone(), soon.clone(), overdue.clone()];
        keys.sort_by(|a, b| b.cmp(a));
        assert_eq!(keys, vec![overdue, soon, later, never]);
        assert!(due_sort(Some(t)).len() == 11 && due_sort(None).as_str() >= "0");
    }

    #[test]
    fn value_and_currency_come_together() {
        let mut i = input(serde_json::json!([]));
        i.value = Some(100);
        assert!(i.validate().is_err());
        i.currency = Some(Currency::parse("EUR").unwrap());
        assert!(i.validate().is_ok());
        i.value = None;
        assert!(i.validate().is_err());
        let mut many = input(serde_json::json!([]));
        many.upcoming_services =
            (0..=MAX_SERVICES).map(|_| UpcomingService { name: Name::parse("S").unwrap(), due_at: now() }).collect();
        assert!(many.validate().is_err());
    }

    #[test]
    fn due_within_days_is_bounded() {
        let q = |v: &str| AssetFilter::parse(|k| (k == "due_within_days").then(|| v.to_owned()));
        assert_eq!(q("30").unwrap().due_within_days, Some(30));
        for bad in ["-1", "x", "3651", "1.5"] {
            assert!(q(bad).is_err(), "{bad}");
        }
    }
}
