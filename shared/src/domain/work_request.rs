//! Work requests (elsewhere "issues"): a member asks for work at one of their
//! sites; an admin accepts it (linking the job that answers it) or declines it with a
//! reason. The requested date is the member's wish, confirmed only by a scheduled job.

use serde::{Deserialize, Serialize};

use super::file::{FileRef, MAX_FILES_PER_OBJECT};
use super::hierarchy::CustomerPath;
use super::ids::{AssetId, CustomerId, FileId, JobId, MemberId, SiteId, WorkRequestId};
use super::job::JobStatus;
use super::tenant::{now, Timestamp};
use super::text::{Code, ExternalRef, Name, Notes, Reason, Subject};
use crate::error::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Submitted,
    Accepted,
    Declined,
}

impl RequestStatus {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "submitted" => Some(Self::Submitted),
            "accepted" => Some(Self::Accepted),
            "declined" => Some(Self::Declined),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
        }
    }
}

/// `POST /portal/work-requests`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWorkRequest {
    pub subject: Subject,
    /// One of the member's sites; may be left out with an `asset_id` (the asset's site).
    pub site_id: Option<SiteId>,
    /// The asset the work is for (say, scanned from its QR label): one at the member's
    /// sites; the request is for the asset's site.
    pub asset_id: Option<AssetId>,
    /// One of the site's customer's allowed work-order types.
    pub work_order_type: Option<Code>,
    /// Up to 4000 characters.
    pub notes: Option<Notes>,
    /// When the member would like the work done: a wish, not an appointment.
    #[serde(default)]
    pub requested_at: Option<Timestamp>,
    /// Files uploaded through `POST /portal/uploads`.
    #[serde(default)]
    pub file_ids: Vec<FileId>,
}

impl NewWorkRequest {
    pub fn validate(&self) -> Result<(), Error> {
        check_file_ids(&self.file_ids)
    }
}

/// At most [`MAX_FILES_PER_OBJECT`] distinct files.
pub fn check_file_ids(ids: &[FileId]) -> Result<(), Error> {
    if ids.len() > MAX_FILES_PER_OBJECT {
        return Err(Error::invalid_field("file_ids", format!("at most {MAX_FILES_PER_OBJECT} files")));
    }
    let mut sorted = ids.to_vec();
    sorted.sort();
    sorted.dedup();
    if sorted.len() != ids.len() {
        return Err(Error::invalid_field("file_ids", "a file is named at most once"));
    }
    Ok(())
}

/// `POST /admin/work-requests/{request_id}/accept`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptRequest {
    /// The job that answers the request: its Portico id (`job_…`) or the back office's
    /// reference, as published with `PUT /admin/jobs/{job_id}`.
    #[schema(value_type = ExternalRef)]
    pub job_id: String,
}

/// `POST /admin/work-requests/{request_id}/decline`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclineRequest {
    pub reason: Reason,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WorkRequest {
    pub id: WorkRequestId,
    pub customer_id: CustomerId,
    pub customer_path: CustomerPath,
    pub site_id: SiteId,
    #[serde(default)]
    pub asset_id: Option<AssetId>,
    pub member_id: MemberId,
    pub requested_by: Name,
    pub subject: Subject,
    pub work_order_type: Option<Code>,
    pub notes: Option<Notes>,
    #[serde(default)]
    pub requested_at: Option<Timestamp>,
    pub files: Vec<FileRef>,
    pub status: RequestStatus,
    pub job_id: Option<JobId>,
    pub decline_reason: Option<Reason>,
    #[serde(default)]
    pub decided_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

/// The job linked to an accepted request, as it is now.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LinkedJob {
    pub id: JobId,
    pub reference: ExternalRef,
    pub status: JobStatus,
}

/// A work request as members and admins see it: where it is in the pipeline.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WorkRequestView {
    pub id: WorkRequestId,
    pub customer_id: CustomerId,
    pub site_id: SiteId,
    /// The asset the request is for, if one was named.
    pub asset_id: Option<AssetId>,
    pub member_id: MemberId,
    pub requested_by: Name,
    pub subject: Subject,
    pub work_order_type: Option<Code>,
    pub notes: Option<Notes>,
    pub requested_at: Option<Timestamp>,
    pub files: Vec<FileRef>,
    pub status: RequestStatus,
    /// Once accepted: the job, with its current status.
    pub job: Option<LinkedJob>,
    pub decline_reason: Option<Reason>,
    pub decided_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub version: u64,
}

impl WorkRequest {
    pub fn create(
        input: NewWorkRequest,
        site_id: SiteId,
        customer_path: CustomerPath,
        member_id: MemberId,
        requested_by: Name,
        files: Vec<FileRef>,
    ) -> Self {
        let at = now();
        Self {
            id: WorkRequestId::generate(),
            customer_id: customer_path.customer_id(),
            customer_path,
            site_id,
            asset_id: input.asset_id,
            member_id,
            requested_by,
            subject: input.subject,
            work_order_type: input.work_order_type,
            notes: input.notes,
            requested_at: input.requested_at,
            files,
            status: RequestStatus::Submitted,
            job_id: None,
            decline_reason: None,
            decided_at: None,
            created_at: at,
            updated_at: at,
            version: 1,
        }
    }

    fn decide(&mut self) -> Result<(), Error> {
        if self.status != RequestStatus::Submitted {
            return Err(Error::unprocessable(format!("the request is already {}", self.status.as_str())));
        }
        let at = now();
        self.decided_at = Some(at);
        self.updated_at = at;
        self.version += 1;
        Ok(())
    }

    /// Accepted: the job answers it. Only a submitted request can be accepted.
    pub fn accept(&mut self, job: JobId) -> Result<(), Error> {
        self.decide()?;
        self.status = RequestStatus::Accepted;
        self.job_id = Some(job);
        Ok(())
    }

    /// Declined, with the reason the member will read.
    pub fn decline(&mut self, reason: Reason) -> Result<(), Error> {
        self.decide()?;
        self.status = RequestStatus::Declined;
        self.decline_reason = Some(reason);
        Ok(())
    }

    pub fn view(&self, job: Option<LinkedJob>) -> WorkRequestView {
        WorkRequestView {
            id: self.id,
            customer_id: self.customer_id,
            site_id: self.site_id,
            asset_id: self.asset_id,
            member_id: self.member_id,
            requested_by: self.requested_by.clone(),
            subject: self.subject.clone(),
            work_order_type: self.work_order_type.clone(),
            notes: self.notes.clone(),
            requested_at: self.requested_at,
            files: self.files.clone(),
            status: self.status,
            job,
            decline_reason: self.decline_reason.clone(),
            decided_at: self.decided_at,
            created_at: self.created_at,
            version: self.version,
        }
    }
}

/// Whether `wanted` may be requested by a customer allowing `allowed` (each customer may
/// request only the work-order types the tenant allows it; none allowed, none named).
pub fn check_work_order_type(wanted: Option<&Code>, allowed: &[Code]) -> Result<(), Error> {
    match wanted {
        Some(code) if !allowed.contains(code) => Err(Error::invalid_field(
            "work_order_type",
            if allowed.is_empty() {
                "this site's customer has no work-order types to choose from".to_owned()
            } else {
                format!("must be one of: {}", allowed.iter().map(Code::as_str).collect::<Vec<_>>().join(", "))
            },
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> WorkRequest {
        let input: NewWorkRequest = serde_json::from_value(serde_json::json!({
            "subject": "Leaking tap", "site_id": SiteId::generate(), "notes": "x".repeat(4000)
        }))
        .unwrap();
        let site = input.site_id.unwrap();
        WorkRequest::create(
            input,
            site,
            CustomerPath::root(CustomerId::generate()),
            MemberId::generate(),
            Name::parse("Carla").unwrap(),
            vec![],
        )
    }

    #[test]
    fn notes_take_4000_characters_and_no_more() {
        assert_eq!(request().notes.unwrap().as_str().chars().count(), 4000);
        let too_long = serde_json::json!({"subject": "s", "site_id": SiteId::generate(), "notes": "é".repeat(4001)});
        assert!(serde_json::from_value::<NewWorkRequest>(too_long).is_err());
        let long_subject = serde_json::json!({"subject": "s".repeat(201), "site_id": SiteId::generate()});
        assert!(serde_json::from_value::<NewWorkRequest>(long_subject).is_err());
    }

    #[test]
    fn a_request_is_decided_once() {
        let mut r = request();
        r.accept(JobId::generate()).unwrap();
        assert_eq!(r.status, RequestStatus::Accepted);
        assert!(matches!(r.decline(Reason::parse("no").unwrap()), Err(Error::Unprocessable(_))));
        let mut r = request();
        r.decline(Reason::parse("Out of contract").unwrap()).unwrap();
        assert!(matches!(r.accept(JobId::generate()), Err(Error::Unprocessable(_))));
    }

    #[test]
    fn only_the_customers_allowed_types_may_be_requested() {
        let allowed = vec![Code::parse("repair").unwrap()];
        assert!(check_work_order_type(None, &allowed).is_ok());
        assert!(check_work_order_type(Some(&Code::parse("repair").unwrap()), &allowed).is_ok());
        assert!(check_work_order_type(Some(&Code::parse("install").unwrap()), &allowed).is_err());
        assert!(check_work_order_type(Some(&Code::parse("repair").unwrap()), &[]).is_err());
    }
}
