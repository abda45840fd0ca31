//! Jobs (work orders), published by the back office, which stays their system of
//! record: Portico keeps what it is sent, plus the history of status changes it saw.

use serde::{Deserialize, Serialize};

use super::clock::TimeRange;
use super::currency::Currency;
use super::file::FileRef;
use super::hierarchy::CustomerPath;
use super::ids::{AssetId, CustomerId, FileId, JobId, SiteId, WorkRequestId};
use super::tenant::{now, utc_seconds, Timestamp};
use super::text::{Code, ExternalRef, FileName, Notes};
use crate::error::Error;

/// At most this many attachments per job, and status changes kept per job (oldest go).
pub const MAX_ATTACHMENTS: usize = 50;
pub const MAX_STATUS_HISTORY: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    Unassigned,
    Assigned,
    Scheduled,
    InProgress,
    Pending,
    Completed,
    Cancelled,
}

impl JobStatus {
    pub const ALL: [JobStatus; 7] = [
        JobStatus::Unassigned,
        JobStatus::Assigned,
        JobStatus::Scheduled,
        JobStatus::InProgress,
        JobStatus::Pending,
        JobStatus::Completed,
        JobStatus::Cancelled,
    ];

    /// The API's spelling (also the stored value).
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Unassigned => "unassigned",
            JobStatus::Assigned => "assigned",
            JobStatus::Scheduled => "scheduled",
            JobStatus::InProgress => "in_progress",
            JobStatus::Pending => "pending",
            JobStatus::Completed => "completed",
            JobStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// What kind of work (the SME "Service" and "Install" tabs are category filters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobCategory {
    Service,
    Repair,
    Install,
    Calibration,
    Inspection,
    Maintenance,
    Emergency,
    Other,
}

impl JobCategory {
    pub const ALL: [JobCategory; 8] = [
        JobCategory::Service,
        JobCategory::Repair,
        JobCategory::Install,
        JobCategory::Calibration,
        JobCategory::Inspection,
        JobCategory::Maintenance,
        JobCategory::Emergency,
        JobCategory::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobCategory::Service => "service",
            JobCategory::Repair => "repair",
            JobCategory::Install => "install",
            JobCategory::Calibration => "calibration",
            JobCategory::Inspection => "inspection",
            JobCategory::Maintenance => "maintenance",
            JobCategory::Emergency => "emergency",
            JobCategory::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    WorkflowForm,
    Quote,
    Invoice,
    ServiceRecord,
    Photo,
    Other,
}

/// An attachment as the back office sends it: a file uploaded through
/// `POST /admin/files`, with what it is.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachmentInput {
    pub kind: AttachmentKind,
    pub file_id: FileId,
    /// Shown to members; defaults to the uploaded file's name.
    pub name: Option<FileName>,
    /// Read-only (the uploaded file's): ignored.
    #[serde(default)]
    #[schema(read_only)]
    pub content_type: Option<String>,
    /// Read-only (the uploaded file's): ignored.
    #[serde(default)]
    #[schema(read_only)]
    pub size: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Attachment {
    pub kind: AttachmentKind,
    pub file_id: FileId,
    pub name: FileName,
    pub content_type: String,
    pub size: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StatusChange {
    pub status: JobStatus,
    pub at: Timestamp,
}

/// `PUT /admin/jobs/{job_id}`: the whole job as the back office has it (a PUT replaces).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JobInput {
    /// Portico's id (`cus_…`) or the back office's reference of the customer.
    #[schema(value_type = ExternalRef)]
    pub customer_id: CustomerId,
    /// Portico's id (`site_…`) or the back office's reference of the site.
    #[schema(value_type = ExternalRef)]
    pub site_id: SiteId,
    pub asset_id: Option<AssetId>,
    pub category: JobCategory,
    pub work_order_type: Option<Code>,
    pub status: JobStatus,
    pub description: Option<Notes>,
    /// When the job was raised; lists sort on it, newest first, and `from`/`to` filter
    /// on it. Defaults to when Portico first saw the job.
    #[serde(default)]
    pub reported_at: Option<Timestamp>,
    #[serde(default)]
    pub scheduled_at: Option<Timestamp>,
    #[serde(default)]
    pub due_at: Option<Timestamp>,
    /// Defaults to the time the status first became `completed`.
    #[serde(default)]
    pub completed_at: Option<Timestamp>,
    /// When the status last changed in the back office; defaults to now when it did.
    #[serde(default)]
    pub status_changed_at: Option<Timestamp>,
    #[serde(default)]
    #[schema(maximum = 10000)]
    pub visit_count: u32,
    /// In minor units of `currency` (cents); needs `currency`.
    #[schema(minimum = 0)]
    pub cost: Option<i64>,
    pub currency: Option<Currency>,
    /// At most [`MAX_ATTACHMENTS`], each file once.
    #[serde(default)]
    #[schema(max_items = 50)]
    pub attachments: Vec<AttachmentInput>,
    /// Read-only: when sent, must be this job's id.
    #[serde(default)]
    #[schema(read_only)]
    pub id: Option<JobId>,
    /// Read-only: when sent, must equal the reference in the path.
    #[serde(default)]
    #[schema(read_only)]
    pub external_ref: Option<ExternalRef>,
    /// Read-only: when sent, must be the current version (412 otherwise).
    #[serde(default)]
    #[schema(read_only)]
    pub version: Option<u64>,
    /// Read-only: ignored (Portico keeps the history of the status changes it saw).
    #[serde(default)]
    #[schema(read_only)]
    pub status_history: Option<Vec<StatusChange>>,
    /// Read-only: ignored (set when an admin accepts a work request with this job).
    #[serde(default)]
    #[schema(read_only)]
    pub work_request_id: Option<WorkRequestId>,
    /// Read-only: ignored.
    #[serde(default)]
    #[schema(read_only, value_type = Option<String>, format = DateTime)]
    pub created_at: Option<Timestamp>,
    /// Read-only: ignored.
    #[serde(default)]
    #[schema(read_only, value_type = Option<String>, format = DateTime)]
    pub updated_at: Option<Timestamp>,
}

impl JobInput {
    /// The fields Portico owns, as sent, against the job published under `reference`
    /// (`None`: not published yet).
    pub fn check_echo(&self, reference: &ExternalRef, stored: Option<&Job>) -> Result<(), Error> {
        use super::representation::{check_identity, check_version};
        check_identity("external_ref", self.external_ref.as_ref(), Some(reference))?;
        check_identity("id", self.id.as_ref(), stored.map(|j| &j.id))?;
        check_version(self.version, stored.map(|j| j.version))
    }

    /// Rules no single field can check.
    pub fn validate(&self) -> Result<(), Error> {
        match (self.cost, &self.currency) {
            (Some(c), _) if c < 0 => return Err(Error::invalid_field("cost", "must not be negative")),
            (Some(_), None) => return Err(Error::invalid_field("currency", "is required with a cost")),
            _ => {}
        }
        if self.attachments.len() > MAX_ATTACHMENTS {
            return Err(Error::invalid_field("attachments", format!("at most {MAX_ATTACHMENTS}")));
        }
        let mut ids: Vec<FileId> = self.attachments.iter().map(|a| a.file_id).collect();
        ids.sort();
        ids.dedup();
        if ids.len() != self.attachments.len() {
            return Err(Error::invalid_field("attachments", "a file is attached at most once"));
        }
        if self.visit_count > 10_000 {
            return Err(Error::invalid_field("visit_count", "must be at most 10000"));
        }
        Ok(())
    }
}

/// A job as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    pub id: JobId,
    pub external_ref: ExternalRef,
    pub customer_id: CustomerId,
    /// The customer's path (for scope checks without another read).
    pub customer_path: CustomerPath,
    pub site_id: SiteId,
    pub asset_id: Option<AssetId>,
    pub category: JobCategory,
    pub work_order_type: Option<Code>,
    pub status: JobStatus,
    pub status_history: Vec<StatusChange>,
    pub description: Option<Notes>,
    pub reported_at: Timestamp,
    #[serde(default)]
    pub scheduled_at: Option<Timestamp>,
    #[serde(default)]
    pub due_at: Option<Timestamp>,
    #[serde(default)]
    pub completed_at: Option<Timestamp>,
    pub visit_count: u32,
    pub cost: Option<i64>,
    pub currency: Option<Currency>,
    pub attachments: Vec<Attachment>,
    /// The work request this job answers, once an admin accepted it.
    pub work_request_id: Option<WorkRequestId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

/// A job as the admin API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct JobView {
    pub id: JobId,
    pub external_ref: ExternalRef,
    pub customer_id: CustomerId,
    pub site_id: SiteId,
    pub asset_id: Option<AssetId>,
    pub category: JobCategory,
    pub work_order_type: Option<Code>,
    pub status: JobStatus,
    pub status_history: Vec<StatusChange>,
    pub description: Option<Notes>,
    pub reported_at: Timestamp,
    pub scheduled_at: Option<Timestamp>,
    pub due_at: Option<Timestamp>,
    pub completed_at: Option<Timestamp>,
    pub visit_count: u32,
    pub cost: Option<i64>,
    pub currency: Option<Currency>,
    pub attachments: Vec<Attachment>,
    pub work_request_id: Option<WorkRequestId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

/// An attachment as a member sees it: downloadable only once the job is completed, and
/// only with `view_completed_jobs`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PortalAttachment {
    pub kind: AttachmentKind,
    pub file_id: FileId,
    pub name: FileName,
    pub content_type: String,
    pub size: u64,
    /// `GET` this path for a short-lived link; `null` until the job is completed or
    /// without `view_completed_jobs`.
    pub download: Option<String>,
}

/// A job as a member sees it. Lists leave out the status history.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PortalJobView {
    pub id: JobId,
    /// The service company's reference (work order number).
    pub reference: ExternalRef,
    pub customer_id: CustomerId,
    pub site_id: SiteId,
    pub asset_id: Option<AssetId>,
    pub category: JobCategory,
    pub work_order_type: Option<Code>,
    pub status: JobStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_history: Option<Vec<StatusChange>>,
    pub description: Option<Notes>,
    pub reported_at: Timestamp,
    pub scheduled_at: Option<Timestamp>,
    pub due_at: Option<Timestamp>,
    pub completed_at: Option<Timestamp>,
    pub visit_count: u32,
    pub cost: Option<i64>,
    pub currency: Option<Currency>,
    pub attachments: Vec<PortalAttachment>,
    pub work_request_id: Option<WorkRequestId>,
    pub updated_at: Timestamp,
}

impl Job {
    /// A job the back office publishes for the first time. `attachments` are the
    /// input's, resolved against the uploaded files.
    pub fn create(
        external_ref: ExternalRef,
        input: JobInput,
        customer_path: CustomerPath,
        attachments: Vec<Attachment>,
    ) -> Self {
        let at = now();
        let changed = input.status_changed_at.map(utc_seconds).unwrap_or(at);
        let mut job = Self {
            id: JobId::generate(),
            external_ref,
            customer_id: input.customer_id,
            customer_path,
            site_id: input.site_id,
            asset_id: None,
            category: input.category,
            work_order_type: None,
            status: input.status,
            status_history: vec![StatusChange { status: input.status, at: changed }],
            description: None,
            reported_at: input.reported_at.map(utc_seconds).unwrap_or(at),
            scheduled_at: None,
            due_at: None,
            completed_at: None,
            visit_count: 0,
            cost: None,
            currency: None,
            attachments: Vec::new(),
            work_request_id: None,
            created_at: at,
            updated_at: at,
            version: 1,
        };
        job.fill(input, attachments, changed);
        job
    }

    /// The back office sent the job again: take what it says, record a status change.
    pub fn replace(&mut self, input: JobInput, customer_path: CustomerPath, attachments: Vec<Attachment>) {
        let at = now();
        let changed = input.status_changed_at.map(utc_seconds).unwrap_or(at);
        if input.status != self.status {
            self.status_history.push(StatusChange { status: input.status, at: changed });
            let excess = self.status_history.len().saturating_sub(MAX_STATUS_HISTORY);
            self.status_history.drain(..excess);
        }
        if let Some(reported) = input.reported_at {
            self.reported_at = utc_seconds(reported);
        }
        self.customer_id = input.customer_id;
        self.customer_path = customer_path;
        self.site_id = input.site_id;
        self.category = input.category;
        self.status = input.status;
        self.fill(input, attachments, changed);
        self.updated_at = at;
        self.version += 1;
    }

    fn fill(&mut self, input: JobInput, attachments: Vec<Attachment>, changed: Timestamp) {
        self.asset_id = input.asset_id;
        self.work_order_type = input.work_order_type;
        self.description = input.description;
        self.scheduled_at = input.scheduled_at.map(utc_seconds);
        self.due_at = input.due_at.map(utc_seconds);
        self.completed_at = match (input.completed_at, self.status) {
            (Some(t), _) => Some(utc_seconds(t)),
            (None, JobStatus::Completed) => self.completed_at.or(Some(changed)),
            (None, _) => None,
        };
        self.visit_count = input.visit_count;
        self.cost = input.cost;
        self.currency = input.currency;
        self.attachments = attachments;
    }

    /// Whether `other` says the same as `self` (a repeated PUT changes nothing).
    pub fn same_as(&self, other: &Job) -> bool {
        super::representation::same_content(self, other)
    }

    /// Whether the job's attachments may be downloaded (members download them only once it is completed).
    pub fn is_completed(&self) -> bool {
        self.status == JobStatus::Completed
    }

    pub fn view(&self) -> JobView {
        JobView {
            id: self.id,
            external_ref: self.external_ref.clone(),
            customer_id: self.customer_id,
            site_id: self.site_id,
            asset_id: self.asset_id,
            category: self.category,
            work_order_type: self.work_order_type.clone(),
            status: self.status,
            status_history: self.status_history.clone(),
            description: self.description.clone(),
            reported_at: self.reported_at,
            scheduled_at: self.scheduled_at,
            due_at: self.due_at,
            completed_at: self.completed_at,
            visit_count: self.visit_count,
            cost: self.cost,
            currency: self.currency.clone(),
            attachments: self.attachments.clone(),
            work_request_id: self.work_request_id,
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
        }
    }

    /// The member's view; `may_download` is whether they hold `view_completed_jobs`.
    pub fn portal_view(&self, may_download: bool, with_history: bool) -> PortalJobView {
        let downloadable = may_download && self.is_completed();
        PortalJobView {
            id: self.id,
            reference: self.external_ref.clone(),
            customer_id: self.customer_id,
            site_id: self.site_id,
            asset_id: self.asset_id,
            category: self.category,
            work_order_type: self.work_order_type.clone(),
            status: self.status,
            status_history: with_history.then(|| self.status_history.clone()),
            description: self.description.clone(),
            reported_at: self.reported_at,
            scheduled_at: self.scheduled_at,
            due_at: self.due_at,
            completed_at: self.completed_at,
            visit_count: self.visit_count,
            cost: self.cost,
            currency: self.currency.clone(),
            attachments: self
                .attachments
                .iter()
                .map(|a| PortalAttachment {
                    kind: a.kind,
                    file_id: a.file_id,
                    name: a.name.clone(),
                    content_type: a.content_type.clone(),
                    size: a.size,
                    download: downloadable.then(|| format!("/portal/jobs/{}/files/{}", self.id, a.file_id)),
                })
                .collect(),
            work_request_id: self.work_request_id,
            updated_at: self.updated_at,
        }
    }
}

impl Attachment {
    pub fn of(input: &AttachmentInput, file: &FileRef) -> Self {
        Self {
            kind: input.kind,
            file_id: file.file_id,
            name: input.name.clone().unwrap_or_else(|| file.name.clone()),
            content_type: file.content_type.clone(),
            size: file.size,
        }
    }
}

/// The portal's job filters (`?status=&site_id=&category=&from=&to=`); `status` and
/// `category` take comma-separated lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobFilter {
    pub statuses: Vec<JobStatus>,
    pub categories: Vec<JobCategory>,
    pub site_id: Option<SiteId>,
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
}

impl JobFilter {
    /// Parses the query parameters; `get` returns a parameter's value.
    pub fn parse(get: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        fn list<T>(
            raw: Option<String>,
            field: &str,
            parse: fn(&str) -> Option<T>,
            all: &[&str],
        ) -> Result<Vec<T>, Error> {
            let Some(raw) = raw else { return Ok(Vec::new()) };
            raw.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    parse(s).ok_or_else(|| Error::invalid_field(field, format!("must be one of: {}", all.join(", "))))
                })
                .collect()
        }
        let statuses: Vec<&str> = JobStatus::ALL.iter().map(|s| s.as_str()).collect();
        let categories: Vec<&str> = JobCategory::ALL.iter().map(|s| s.as_str()).collect();
        let statuses = list(get("status"), "status", JobStatus::parse, &statuses)?;
        let categories = list(get("category"), "category", JobCategory::parse, &categories)?;
        let site_id = get("site_id")
            .map(|v| SiteId::parse(&v).map_err(|e| Error::invalid_field("site_id", e.to_string())))
            .transpose()?;
        let TimeRange { from, to } = TimeRange::parse(&get)?;
        Ok(Self { statuses, categories, site_id, from, to })
    }

    /// Whether a job passes (the store applies the same rules in its queries; this is the
    /// reference, and the defence in depth).
    pub fn admits(&self, job: &Job) -> bool {
        (self.statuses.is_empty() || self.statuses.contains(&job.status))
            && (self.categories.is_empty() || self.categories.contains(&job.category))
            && self.site_id.is_none_or(|s| s == job.site_id)
            && self.from.is_none_or(|f| job.reported_at >= f)
            && self.to.is_none_or(|t| job.reported_at <= t)
    }

    /// A stable text form, so that a cursor only resumes the same filter.
    pub fn fingerprint(&self) -> String {
        format!("{self:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn input(status: JobStatus) -> JobInput {
        serde_json::from_value(serde_json::json!({
            "customer_id": CustomerId::generate(),
            "site_id": SiteId::generate(),
            "category": "repair",
            "status": status,
        }))
        .unwrap()
    }

    #[test]
    fn status_changes_are_kept_in_order_and_completion_is_stamped() {
        let path = CustomerPath::root(CustomerId::generate());
        let mut job =
            Job::create(ExternalRef::parse("WO-1").unwrap(), input(JobStatus::Unassigned), path.clone(), vec![]);
        assert_eq!(job.status_history.len(), 1);
        assert_eq!(job.completed_at, None);
        job.replace(input(JobStatus::Unassigned), path.clone(), vec![]);
        assert_eq!(job.status_history.len(), 1, "no change, no entry");
        job.replace(input(JobStatus::InProgress), path.clone(), vec![]);
        job.replace(input(JobStatus::Completed), path.clone(), vec![]);
        let statuses: Vec<_> = job.status_history.iter().map(|c| c.status).collect();
        assert_eq!(statuses, [JobStatus::Unassigned, JobStatus::InProgress, JobStatus::Completed]);
        assert!(job.completed_at.is_some());
        assert_eq!(job.version, 4);
    }

    #[test]
    fn attachments_are_offered_for_download_only_once_completed_and_permitted() {
        let path = CustomerPath::root(CustomerId::generate());
        let file = FileRef {
            file_id: FileId::generate(),
            name: FileName::parse("form.pdf").unwrap(),
            content_type: "application/pdf".into(),
            size: 3,
        };
        let a = AttachmentInput {
            kind: AttachmentKind::ServiceRecord,
            file_id: file.file_id,
            name: None,
            content_type: None,
            size: None,
        };
        let mut job = Job::create(
            ExternalRef::parse("WO-2").unwrap(),
            input(JobStatus::Scheduled),
            path.clone(),
            vec![Attachment::of(&a, &file)],
        );
        assert_eq!(job.portal_view(true, false).attachments[0].download, None);
        job.replace(input(JobStatus::Completed), path, vec![Attachment::of(&a, &file)]);
        assert!(job.portal_view(true, false).attachments[0].download.is_some());
        assert_eq!(job.portal_view(false, false).attachments[0].download, None);
    }

    #[test]
    fn filters_parse_lists_dates_and_refuse_unknown_values() {
        let q = HashMap::from([
            ("status", "in_progress,completed"),
            ("category", "install"),
            ("from", "2026-01-01"),
            ("to", "2026-01-31"),
        ]);
        let f = JobFilter::parse(|k| q.get(k).map(|v| v.to_string())).unwrap();
        assert_eq!(f.statuses, [JobStatus::InProgress, JobStatus::Completed]);
        assert_eq!(f.categories, [JobCategory::Install]);
        assert_eq!(f.to.unwrap().to_string(), "2026-01-31T23:59:59.999999999Z");
        for (k, v) in [("status", "done"), ("category", "x"), ("from", "yesterday"), ("site_id", "cus_x")] {
            let q = HashMap::from([(k, v)]);
            assert!(JobFilter::parse(|key| q.get(key).map(|v| v.to_string())).is_err(), "{k}={v}");
        }
        let q = HashMap::from([("from", "2026-02-01"), ("to", "2026-01-01")]);
        assert!(JobFilter::parse(|key| q.get(key).map(|v| v.to_string())).is_err());
    }

    #[test]
    fn cost_needs_a_currency_and_is_never_negative() {
        let mut i = input(JobStatus::Assigned);
        i.cost = Some(100);
        assert!(i.validate().is_err());
        i.currency = Some(Currency::parse("EUR").unwrap());
        assert!(i.validate().is_ok());
        i.cost = Some(-1);
        assert!(i.validate().is_err());
    }
}
