//! SES feedback (`PORTICO_TRIGGER=ses-feedback`): the configuration set that every
//! notification is sent with publishes bounces and complaints to an SNS topic, which
//! invokes this handler. A permanent bounce or a complaint marks the recipient — the
//! member or contact the mail's tags name — as **suppressed**: the notifier mails that
//! address no more, and the admin sees why on the member or contact. Changing the
//! address clears it.
//!
//! Feedback for an address the party no longer has (the admin fixed it meanwhile) is
//! ignored. Replays change nothing (a suppressed party stays as it is). A message that
//! is not SES's JSON is logged and dropped — retrying would not make it parse; a failed
//! write fails the invocation, and Lambda retries it (then the on-failure queue).

use aws_lambda_events::event::sns::SnsEvent;
use portico::mail::feedback::{self, Feedback};
use portico::{App, Result};

use crate::recipient::{amend, Change};

/// Who the audit trail says made the change.
pub const ACTOR: &str = "system:ses-feedback";

/// What one invocation did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tally {
    /// Recipients newly marked as suppressed.
    pub suppressed: u32,
    /// Feedback that changed nothing: already suppressed, the address changed since, the
    /// recipient deleted, or nothing to act on (a transient bounce).
    pub ignored: u32,
    /// Messages that were not SES's JSON.
    pub unreadable: u32,
}

pub async fn handle(app: &App, event: SnsEvent) -> Result<Tally> {
    let mut tally = Tally::default();
    for record in &event.records {
        let found = match feedback::parse(&record.sns.message) {
            Ok(found) => found,
            Err(e) => {
                tracing::error!(message_id = %record.sns.message_id, error = %e, "SES feedback not understood");
                tally.unreadable += 1;
                continue;
            }
        };
        if found.is_empty() {
            tally.ignored += 1;
        }
        for f in found {
            if suppress(app, &f).await? {
                tally.suppressed += 1;
                tracing::info!(tenant = %f.tenant, party = %f.party, reason = ?f.suppression.reason, "address suppressed");
            } else {
                tally.ignored += 1;
            }
        }
    }
    portico::observability::metric("AddressesSuppressed", f64::from(tally.suppressed), "Count");
    Ok(tally)
}

async fn suppress(app: &App, f: &Feedback) -> Result<bool> {
    let why = &f.suppression;
    let change = Change {
        member: &|m| m.email == f.address && m.suppress(why.clone()),
        contact: &|c| c.email == f.address && c.suppress(why.clone()),
        action: "suppressed",
    };
    amend(app, f.tenant, f.party, ACTOR, &change).await
}
