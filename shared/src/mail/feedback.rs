//! SES's feedback on sent notifications: bounces and complaints, as SES event
//! publishing writes them to the configuration set's SNS topic. A permanent bounce or a
//! complaint stops all mail to that address ([`Suppression`]); transient bounces (a full
//! mailbox, a server down) do not — SES retries those itself.
//!
//! Each notification is sent with the tags `tenant`, `party` (member or contact id) and
//! `kind`; feedback names the recipient by those, so no lookup by address is needed.
//! The topic accepts messages from SES of this account only (its policy), so the tags
//! are Portico's own.

use std::collections::HashMap;

use serde::Deserialize;

use super::unsubscribe::Party;
use crate::domain::ids::TenantId;
use crate::domain::mailing::{Suppression, SuppressionReason};
use crate::domain::text::Email;

/// One address to stop mailing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feedback {
    pub tenant: TenantId,
    pub party: Party,
    /// The address SES reported (only acted on while it is still the party's).
    pub address: Email,
    pub suppression: Suppression,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Notification {
    /// `eventType` (configuration-set event publishing) or `notificationType` (identity
    /// notifications).
    #[serde(alias = "notificationType")]
    event_type: String,
    bounce: Option<Bounce>,
    complaint: Option<Complaint>,
    mail: Mail,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bounce {
    bounce_type: String,
    #[serde(default)]
    bounce_sub_type: Option<String>,
    bounced_recipients: Vec<Recipient>,
    timestamp: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Complaint {
    complained_recipients: Vec<Recipient>,
    #[serde(default)]
    complaint_feedback_type: Option<String>,
    timestamp: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Recipient {
    email_address: String,
    #[serde(default)]
    diagnostic_code: Option<String>,
}

#[derive(Deserialize)]
struct Mail {
    #[serde(default)]
    tags: HashMap<String, Vec<String>>,
}

/// At most this much of what a server said is kept.
const DETAIL: usize = 500;

/// The addresses one SNS message (SES's JSON) says to stop mailing: none for a
/// transient bounce, a delivery, or mail Portico did not tag (say, an invitation).
pub fn parse(message: &str) -> Result<Vec<Feedback>, serde_json::Error> {
    let n: Notification = serde_json::from_str(message)?;
    let tag = |name: &str| n.mail.tags.get(name).and_then(|v| v.first()).map(String::as_str);
    let (Some(tenant), Some(party)) = (tag("tenant"), tag("party")) else { return Ok(Vec::new()) };
    let (Ok(tenant), Some(party)) = (TenantId::from_verified(tenant), Party::parse(party)) else {
        return Ok(Vec::new());
    };
    let (reason, recipients, timestamp, note) = match (n.event_type.as_str(), &n.bounce, &n.complaint) {
        ("Bounce", Some(b), _) if b.bounce_type == "Permanent" => {
            (SuppressionReason::Bounce, &b.bounced_recipients, &b.timestamp, b.bounce_sub_type.clone())
        }
        ("Complaint", _, Some(c)) => {
            (SuppressionReason::Complaint, &c.complained_recipients, &c.timestamp, c.complaint_feedback_type.clone())
        }
        _ => return Ok(Vec::new()),
    };
    let at = crate::domain::clock::Timestamp::parse(timestamp).unwrap_or_else(|_| crate::domain::clock::now());
    Ok(recipients
        .iter()
        .filter_map(|r| {
            let address = Email::parse(&r.email_address).ok()?;
            let detail = r.diagnostic_code.clone().or_else(|| note.clone()).map(|d| d.chars().take(DETAIL).collect());
            Some(Feedback { tenant, party, address, suppression: Suppression { reason, at, detail } })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn message(event: serde_json::Value) -> String {
        let mut m = json!({"mail": {"messageId": "x", "destination": ["ann@example.com"],
            "tags": {"tenant": ["ten_01JD8Z6V5Q2W3E4R5T6Y7A8B9C"], "party": ["mem_01JD8Z6V5Q2W3E4R5T6Y7A8B9H"], "kind": ["quotes"]}}});
        m.as_object_mut().unwrap().extend(event.as_object().unwrap().clone());
        m.to_string()
    }

    #[test]
    fn a_permanent_bounce_and_a_complaint_suppress_the_tagged_recipient() {
        let bounce = message(
            json!({"eventType": "Bounce", "bounce": {"bounceType": "Permanent", "bounceSubType": "General",
            "timestamp": "2026-11-24T10:00:00.000Z",
            "bouncedRecipients": [{"emailAddress": "Ann@Example.com", "diagnosticCode": "smtp; 550 5.1.1 user unknown"}]}}),
        );
        let found = parse(&bounce).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].party, Party::parse("mem_01JD8Z6V5Q2W3E4R5T6Y7A8B9H").unwrap());
        assert_eq!(found[0].address.as_str(), "ann@example.com");
        assert_eq!(found[0].suppression.reason, SuppressionReason::Bounce);
        assert_eq!(found[0].suppression.detail.as_deref(), Some("smtp; 550 5.1.1 user unknown"));

        let complaint =
            message(json!({"notificationType": "Complaint", "complaint": {"timestamp": "2026-11-24T10:00:00Z",
            "complaintFeedbackType": "abuse", "complainedRecipients": [{"emailAddress": "ann@example.com"}]}}));
        let found = parse(&complaint).unwrap();
        assert_eq!(found[0].suppression.reason, SuppressionReason::Complaint);
        assert_eq!(found[0].suppression.detail.as_deref(), Some("abuse"));
    }

    #[test]
    fn transient_bounces_deliveries_and_untagged_mail_suppress_nothing() {
        let transient = message(
            json!({"eventType": "Bounce", "bounce": {"bounceType": "Transient", "timestamp": "2026-11-24T10:00:00Z",
            "bouncedRecipients": [{"emailAddress": "ann@example.com"}]}}),
        );
        assert!(parse(&transient).unwrap().is_empty());
        assert!(parse(&message(json!({"eventType": "Delivery"}))).unwrap().is_empty());
        let untagged = json!({"eventType": "Complaint", "mail": {"tags": {}}, "complaint": {"timestamp": "x",
            "complainedRecipients": [{"emailAddress": "a@b.co"}]}});
        assert!(parse(&untagged.to_string()).unwrap().is_empty());
        assert!(parse("not json").is_err());
    }
}
