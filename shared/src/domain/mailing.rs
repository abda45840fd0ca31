//! What a person's mail is made of: the kinds of notification one may choose, and why
//! mail to an address stopped. A leaf, shared by members, contacts and the rule of who
//! hears of what (`notification`).

use serde::{Deserialize, Serialize};

use super::tenant::Timestamp;

/// Email notification kinds a member can opt into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    Quotes,
    Invoices,
    JobsCompleted,
    JobStatus,
    WorkRequests,
    Messages,
    /// A receipt for a payment the member made in the portal.
    Payments,
}

impl NotificationKind {
    /// The API's spelling (also the stored value).
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::Quotes => "quotes",
            NotificationKind::Invoices => "invoices",
            NotificationKind::JobsCompleted => "jobs_completed",
            NotificationKind::JobStatus => "job_status",
            NotificationKind::WorkRequests => "work_requests",
            NotificationKind::Messages => "messages",
            NotificationKind::Payments => "payments",
        }
    }
}

/// Why Portico stopped mailing an address: SES reported a permanent bounce, or the
/// recipient marked an email as spam. Set on the member or contact with that address;
/// changing the address clears it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Suppression {
    pub reason: SuppressionReason,
    /// When SES saw it.
    pub at: Timestamp,
    /// What the receiving server or SES said (e.g. `smtp; 550 5.1.1 user unknown`).
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SuppressionReason {
    /// A permanent bounce: the address does not exist or refuses mail.
    Bounce,
    /// The recipient reported an email as spam.
    Complaint,
}
