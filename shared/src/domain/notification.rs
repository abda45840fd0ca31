//! Email notifications: which change notifies, of what kind, and who may receive it.
//!
//! The notifier reads each change's audit event (the entity before and after) from the
//! table's stream. [`About::from_change`] says whether the change is news to anyone;
//! [`member_receives`] and [`contact_receives`] say who hears of it. Nothing here reads
//! or sends anything: the notifier (`functions/src/notifier.rs`) does the I/O.

use std::collections::BTreeSet;

use super::contact::Contact;
use super::group::Rights;
use super::hierarchy::{CustomerPath, SiteRef};
use super::ids::{CustomerId, GroupId, SiteId};
use super::invoice::Invoice;
use super::job::{Job, JobStatus};
use super::mailing::NotificationKind;
use super::member::{Member, MemberStatus};
use super::message::{Message, MessageState};
use super::payment::{Payment, PaymentState};
use super::quote::{Quote, QuoteStatus};
use super::rights::Permission;
use super::settings::Feature;
use super::tenant::Timestamp;
use super::work_request::{RequestStatus, WorkRequest};

/// A change that is news to someone: what happened, with the entity as it is after it.
#[derive(Debug, Clone)]
pub enum About {
    /// A job moved to another status that is not `completed`.
    JobStatus { job: Box<Job>, from: JobStatus },
    /// A job was completed (or published already completed).
    JobCompleted { job: Box<Job> },
    /// A work request was accepted or declined.
    WorkRequest { request: Box<WorkRequest> },
    /// A quote was sent to the customer (published as sent, or moved to sent).
    Quote { quote: Box<Quote> },
    /// An invoice was published.
    Invoice { invoice: Box<Invoice> },
    /// A portal message was posted and is current.
    Message { message: Box<Message> },
    /// A member's payment succeeded: their receipt.
    Payment { payment: Box<Payment> },
}

impl About {
    /// A job's change: news when its status changed — `completed` is its own kind, and a
    /// job published already completed counts; a job published in another status is not
    /// a change of status, and a deletion is news to no one.
    pub fn of_job(before: Option<Job>, after: Option<Job>) -> Option<Self> {
        let job = after?;
        match (before.map(|b| b.status), job.status) {
            (Some(from), now) if from == now => None,
            (_, JobStatus::Completed) => Some(About::JobCompleted { job: Box::new(job) }),
            (Some(from), _) => Some(About::JobStatus { job: Box::new(job), from }),
            (None, _) => None,
        }
    }

    /// A work request's change: news to its sender when it is accepted or declined.
    pub fn of_work_request(before: Option<WorkRequest>, after: Option<WorkRequest>) -> Option<Self> {
        let (request, before) = (after?, before?);
        let decided = matches!(request.status, RequestStatus::Accepted | RequestStatus::Declined);
        (decided && before.status != request.status).then(|| About::WorkRequest { request: Box::new(request) })
    }

    /// A quote's change: news when it is sent — published as sent, moved to sent, or
    /// re-issued under a new reference.
    pub fn of_quote(before: Option<Quote>, after: Option<Quote>) -> Option<Self> {
        let quote = after?;
        let was_sent = before.is_some_and(|b| b.status == QuoteStatus::Sent && b.external_ref == quote.external_ref);
        (quote.status == QuoteStatus::Sent && !was_sent).then(|| About::Quote { quote: Box::new(quote) })
    }

    /// An invoice's change: news when it is published.
    pub fn of_invoice(before: Option<Invoice>, after: Option<Invoice>) -> Option<Self> {
        match (before, after) {
            (None, Some(invoice)) => Some(About::Invoice { invoice: Box::new(invoice) }),
            _ => None,
        }
    }

    /// A message's change: news when it is posted and current at `at`. (A message posted
    /// for later is not mailed: members see it in the portal when it starts.)
    pub fn of_message(before: Option<Message>, after: Option<Message>, at: Timestamp) -> Option<Self> {
        match (before, after) {
            (None, Some(message)) if message.state_at(at) == MessageState::Current => {
                Some(About::Message { message: Box::new(message) })
            }
            _ => None,
        }
    }

    /// A payment's change: a receipt to the member who paid, when it succeeds.
    pub fn of_payment(before: Option<Payment>, after: Option<Payment>) -> Option<Self> {
        let payment = after?;
        let was = before.is_some_and(|b| b.state == PaymentState::Succeeded);
        (payment.state == PaymentState::Succeeded && !was).then(|| About::Payment { payment: Box::new(payment) })
    }

    pub fn kind(&self) -> NotificationKind {
        match self {
            About::JobStatus { .. } => NotificationKind::JobStatus,
            About::JobCompleted { .. } => NotificationKind::JobsCompleted,
            About::WorkRequest { .. } => NotificationKind::WorkRequests,
            About::Quote { .. } => NotificationKind::Quotes,
            About::Invoice { .. } => NotificationKind::Invoices,
            About::Message { .. } => NotificationKind::Messages,
            About::Payment { .. } => NotificationKind::Payments,
        }
    }

    /// The customer whose people may hear of it (none: a message, for the whole portal).
    pub fn customer(&self) -> Option<(CustomerId, &CustomerPath)> {
        match self {
            About::JobStatus { job, .. } | About::JobCompleted { job } => Some((job.customer_id, &job.customer_path)),
            About::WorkRequest { request } => Some((request.customer_id, &request.customer_path)),
            About::Quote { quote } => Some((quote.customer_id, &quote.customer_path)),
            About::Invoice { invoice } => Some((invoice.customer_id, &invoice.customer_path)),
            About::Message { .. } | About::Payment { .. } => None,
        }
    }

    /// The site it happened at, if it has one.
    pub fn site_id(&self) -> Option<SiteId> {
        match self {
            About::JobStatus { job, .. } | About::JobCompleted { job } => Some(job.site_id),
            About::WorkRequest { request } => Some(request.site_id),
            About::Quote { quote } => Some(quote.site_id),
            About::Invoice { invoice } => invoice.site_id,
            About::Message { .. } | About::Payment { .. } => None,
        }
    }

    /// Where the object is in the member portal, relative to the portal's address.
    pub fn portal_path(&self) -> String {
        match self {
            About::JobStatus { job, .. } | About::JobCompleted { job } => format!("jobs/{}", job.id),
            About::WorkRequest { request } => format!("work-requests/{}", request.id),
            About::Quote { quote } => format!("quotes/{}", quote.id),
            About::Invoice { invoice } => format!("invoices/{}", invoice.id),
            About::Message { message } => format!("messages/{}", message.id),
            About::Payment { payment } => format!("invoices?payment={}", payment.id),
        }
    }

    /// Whether contacts (people without a login) may hear of it: their customer's work,
    /// never portal messages or a member's own work requests.
    pub fn reaches_contacts(&self) -> bool {
        !matches!(self, About::WorkRequest { .. } | About::Message { .. } | About::Payment { .. })
    }

    /// The portal feature and the permissions (any one of them) a member needs to see it.
    fn door(&self) -> (Feature, &'static [Permission]) {
        match self {
            About::JobStatus { .. } => (Feature::Jobs, &[Permission::ViewJobs]),
            About::JobCompleted { .. } => (Feature::Jobs, &[Permission::ViewJobs, Permission::ViewCompletedJobs]),
            About::WorkRequest { .. } => (Feature::WorkRequests, &[Permission::CreateWorkRequests]),
            About::Quote { .. } => (Feature::Quotes, &[Permission::ViewQuotes]),
            About::Invoice { .. } => (Feature::Invoices, &[Permission::ViewInvoices]),
            About::Message { .. } => (Feature::Messages, &[Permission::ViewMessages]),
            About::Payment { .. } => (Feature::Payments, &[Permission::PayInvoices]),
        }
    }
}

/// A member as the notifier weighs them: their record, their rights as they are now and
/// the existing groups they belong to.
pub struct Candidate<'a> {
    pub member: &'a Member,
    pub rights: &'a Rights,
    pub groups: &'a BTreeSet<GroupId>,
}

/// Whether a member hears of it: invited (never a disabled member, nor one who has no
/// login yet), the kind switched on, the portal feature
/// on, the permission held, and — for anything at a site — the site in their scope as it
/// is now (a customer-wide invoice: the whole customer in scope). A work request's
/// decision goes to the member who sent it; a message to the members it addresses.
/// `site` is the site as it is now (`None` when it has none, or is gone).
pub fn member_receives(
    about: &About,
    who: &Candidate<'_>,
    features: &BTreeSet<Feature>,
    site: Option<&SiteRef<'_>>,
) -> bool {
    let member = who.member;
    let (feature, permissions) = about.door();
    if !wants(member, about.kind())
        || !features.contains(&feature)
        || !permissions.iter().any(|p| who.rights.permissions.contains(p))
    {
        return false;
    }
    if let About::WorkRequest { request } = about {
        if request.member_id != member.id {
            return false;
        }
    }
    if let About::Message { message } = about {
        return message.audience.addresses(who.groups);
    }
    if let About::Payment { payment } = about {
        return payment.member_id == member.id;
    }
    match (about.site_id(), site) {
        (Some(_), Some(site)) => who.rights.scope.covers(site),
        (Some(_), None) => false,
        (None, None) => about.customer().is_some_and(|(_, path)| who.rights.scope.covers_customer(path)),
        (None, Some(_)) => false,
    }
}

/// Whether a member may be mailed news of `kind` at all, before their rights are
/// weighed: invited (a login, not disabled) and the kind switched on.
pub fn wants(member: &Member, kind: NotificationKind) -> bool {
    member.status == MemberStatus::Invited && member.notifications.contains(&kind) && member.suppressed.is_none()
}

/// The kinds a contact's notification role brings. Contacts have no login:
/// they hear of their customer's work, never of portal messages or of a member's own
/// work requests. A role Portico does not know brings job status changes: every contact
/// is told when the status of their customer's work changes.
pub fn contact_kinds(role: &str) -> &'static [NotificationKind] {
    use NotificationKind::{Invoices, JobStatus, JobsCompleted, Quotes};
    match role.to_ascii_lowercase().as_str() {
        "all" => &[JobStatus, JobsCompleted, Quotes, Invoices],
        "billing" | "finance" | "accounts" => &[Invoices],
        "purchasing" | "procurement" => &[Quotes],
        "site_manager" | "operations" | "maintenance" => &[JobStatus, JobsCompleted],
        _ => &[JobStatus, JobsCompleted],
    }
}

/// Whether a contact hears of it: a contact of the object's own customer, whose role
/// brings the kind, who has not switched it off and is not also a member (members
/// choose for themselves).
pub fn contact_receives(about: &About, contact: &Contact) -> bool {
    let kind = about.kind();
    about.customer().is_some_and(|(customer, _)| customer == contact.customer_id)
        && about.reaches_contacts()
        && contact.member_id.is_none()
        && contact_kinds(contact.role.as_str()).contains(&kind)
        && !contact.muted.contains(&kind)
        && contact.suppressed.is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::CustomerId;
    use crate::domain::scope::Scope;
    use crate::domain::settings::Feature;
    use serde_json::{json, Value};

    fn job(status: &str) -> Value {
        let c = CustomerId::generate();
        json!({
            "id": crate::domain::ids::JobId::generate(), "external_ref": "J-1", "customer_id": c,
            "customer_path": [c], "site_id": SiteId::generate(), "asset_id": null, "category": "repair",
            "work_order_type": null, "status": status, "status_history": [], "description": null,
            "reported_at": "2026-11-01T10:00:00Z", "scheduled_at": null, "due_at": null, "completed_at": null,
            "status_changed_at": "2026-11-01T10:00:00Z", "visit_count": 1, "cost": null, "currency": null,
            "attachments": [], "work_request_id": null,
            "created_at": "2026-11-01T10:00:00Z", "updated_at": "2026-11-01T10:00:00Z", "version": 1
        })
    }

    fn about(before: Option<Value>, after: Option<Value>) -> Option<About> {
        let job = |v: Option<Value>| v.map(|v| serde_json::from_value::<Job>(v).unwrap());
        About::of_job(job(before), job(after))
    }

    #[test]
    fn a_job_notifies_when_its_status_changes_and_completion_is_its_own_kind() {
        let scheduled = job("scheduled");
        let mut in_progress = scheduled.clone();
        in_progress["status"] = json!("in_progress");
        let mut done = scheduled.clone();
        done["status"] = json!("completed");
        let kind = |a: Option<About>| a.map(|a| a.kind());
        assert_eq!(kind(about(Some(scheduled.clone()), Some(in_progress.clone()))), Some(NotificationKind::JobStatus));
        assert_eq!(kind(about(Some(in_progress.clone()), Some(done.clone()))), Some(NotificationKind::JobsCompleted));
        assert_eq!(kind(about(None, Some(done.clone()))), Some(NotificationKind::JobsCompleted));
        assert_eq!(kind(about(None, Some(scheduled.clone()))), None, "publishing a new job is no change");
        assert_eq!(kind(about(Some(done.clone()), Some(done))), None, "same status, other fields");
        assert_eq!(kind(about(Some(scheduled), None)), None, "a deletion");
    }

    #[test]
    fn contact_roles_bring_their_kinds() {
        assert_eq!(contact_kinds("billing"), &[NotificationKind::Invoices]);
        assert!(contact_kinds("Site_Manager").contains(&NotificationKind::JobsCompleted));
        assert!(contact_kinds("whatever").contains(&NotificationKind::JobStatus));
        assert!(!contact_kinds("whatever").contains(&NotificationKind::Invoices));
    }

    #[test]
    fn a_member_hears_only_within_scope_permission_feature_and_choice() {
        let value = job("completed");
        let about = about(None, Some(value.clone())).unwrap();
        let j: Job = serde_json::from_value(value).unwrap();
        let input = serde_json::from_value(json!({
            "customer_id": j.customer_id, "first_name": "A", "last_name": "B", "email": "a@example.com",
            "permissions": ["view_completed_jobs"], "notifications": ["jobs_completed"],
        }))
        .unwrap();
        let mut member = Member::create(input, j.customer_path.clone(), Scope::default(), false);
        let site_ref = SiteRef { id: j.site_id, customer_path: &j.customer_path, division_id: None };
        let r = Rights::of(&member, &[]);
        let no_groups = BTreeSet::new();
        let all: BTreeSet<Feature> = Feature::ALL.into_iter().collect();
        let who = Candidate { member: &member, rights: &r, groups: &no_groups };
        assert!(!member_receives(&about, &who, &all, Some(&site_ref)), "not invited yet: no login");
        member.mark_invited("sub".into());
        let site = SiteRef { id: j.site_id, customer_path: &j.customer_path, division_id: None };
        let everything: BTreeSet<Feature> = Feature::ALL.into_iter().collect();
        let grant = crate::domain::scope::Grant {
            customer_path: j.customer_path.clone(),
            coverage: crate::domain::scope::Coverage::Customer,
        };
        let rights = |m: &Member, scope: Scope| Rights { scope, ..Rights::of(m, &[]) };
        let groups = BTreeSet::new();
        let hears = |m: &Member, scope: Scope, features: &BTreeSet<Feature>| {
            let r = rights(m, scope);
            member_receives(&about, &Candidate { member: m, rights: &r, groups: &groups }, features, Some(&site))
        };
        let in_scope = Scope::new(vec![grant]);
        assert!(hears(&member, in_scope.clone(), &everything));
        assert!(!hears(&member, Scope::default(), &everything), "outside scope");
        assert!(!hears(&member, in_scope.clone(), &BTreeSet::new()), "feature off");
        member.notifications.clear();
        assert!(!hears(&member, in_scope.clone(), &everything), "switched off");
        member.notifications.insert(NotificationKind::JobsCompleted);
        member.disable();
        assert!(!hears(&member, in_scope.clone(), &everything), "disabled");
        member.enable();
        member.permissions.clear();
        assert!(!hears(&member, in_scope, &everything), "no permission");
    }
}
