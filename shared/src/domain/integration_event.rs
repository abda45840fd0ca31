//! Events for the back office: what the pull feed (`GET /admin/events`) serves and the
//! webhooks deliver, mapped from the audit events every change writes.
//!
//! The mapping is pure: an audit [`Event`] becomes zero or more [`IntegrationEvent`]s,
//! each with a stable id (the audit event's ULID, so the same change always yields the
//! same id, whichever way it is delivered and however often), its type, when it happened
//! and its data. The data names no tenant (the caller's credentials do), carries the ids
//! of the objects involved and the back office's own reference (`reference`) where the
//! object has one. A payload's fields are always present (null when they have no value):
//! a receiver may rely on the shape of each type.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::audit::Event;
use super::tenant::Timestamp;

/// The kinds of event the back office can receive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub enum EventType {
    /// A member asked for work (`data`: the request, its customer, site, asset, subject).
    #[serde(rename = "work_request.submitted")]
    WorkRequestSubmitted,
    /// Office staff accepted a request (`data.job_id`: the job it became).
    #[serde(rename = "work_request.accepted")]
    WorkRequestAccepted,
    /// Office staff declined a request (`data.reason`).
    #[serde(rename = "work_request.declined")]
    WorkRequestDeclined,
    /// A member approved a quote (`data.po_number`, `data.signed_by`).
    #[serde(rename = "quote.approved")]
    QuoteApproved,
    /// A member rejected a quote (`data.reason`, `data.signed_by`).
    #[serde(rename = "quote.rejected")]
    QuoteRejected,
    /// A member added a note to a job.
    #[serde(rename = "job.note_added")]
    JobNoteAdded,
    /// A portal member was created, changed, disabled, enabled or deleted, or their mail
    /// stopped (`data.change` says which).
    #[serde(rename = "member.changed")]
    MemberChanged,
    /// A contact switched a kind of email off through its unsubscribe link.
    #[serde(rename = "contact.unsubscribed")]
    ContactUnsubscribed,
    /// Mail to a contact stopped: its address bounced or complained.
    #[serde(rename = "contact.suppressed")]
    ContactSuppressed,
    /// A member acknowledged a message that asked for it.
    #[serde(rename = "message.acknowledged")]
    MessageAcknowledged,
    /// A member paid invoices in the portal (`data.payment_id`: list it in the invoice's
    /// `portal_payments_included` once `amount_paid` includes it).
    #[serde(rename = "invoice.payment_succeeded")]
    InvoicePaymentSucceeded,
    /// A payment attempt failed (the member may try again until the page expires).
    #[serde(rename = "invoice.payment_failed")]
    InvoicePaymentFailed,
    /// A portal payment was refunded, wholly or in part (`data.amount_refunded`, so far).
    #[serde(rename = "invoice.payment_refunded")]
    InvoicePaymentRefunded,
    /// A portal payment was disputed, or its dispute moved (`data.dispute.status`).
    #[serde(rename = "invoice.payment_disputed")]
    InvoicePaymentDisputed,
}

impl EventType {
    pub const ALL: [EventType; 14] = [
        EventType::WorkRequestSubmitted,
        EventType::WorkRequestAccepted,
        EventType::WorkRequestDeclined,
        EventType::QuoteApproved,
        EventType::QuoteRejected,
        EventType::JobNoteAdded,
        EventType::MemberChanged,
        EventType::ContactUnsubscribed,
        EventType::ContactSuppressed,
        EventType::MessageAcknowledged,
        EventType::InvoicePaymentSucceeded,
        EventType::InvoicePaymentFailed,
        EventType::InvoicePaymentRefunded,
        EventType::InvoicePaymentDisputed,
    ];

    /// Its name, as payloads and subscriptions write it (`quote.approved`).
    pub fn name(self) -> &'static str {
        match self {
            EventType::WorkRequestSubmitted => "work_request.submitted",
            EventType::WorkRequestAccepted => "work_request.accepted",
            EventType::WorkRequestDeclined => "work_request.declined",
            EventType::QuoteApproved => "quote.approved",
            EventType::QuoteRejected => "quote.rejected",
            EventType::JobNoteAdded => "job.note_added",
            EventType::MemberChanged => "member.changed",
            EventType::ContactUnsubscribed => "contact.unsubscribed",
            EventType::ContactSuppressed => "contact.suppressed",
            EventType::MessageAcknowledged => "message.acknowledged",
            EventType::InvoicePaymentSucceeded => "invoice.payment_succeeded",
            EventType::InvoicePaymentFailed => "invoice.payment_failed",
            EventType::InvoicePaymentRefunded => "invoice.payment_refunded",
            EventType::InvoicePaymentDisputed => "invoice.payment_disputed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == s)
    }
}

/// One event for the back office: the pull feed's item and a webhook's body.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct IntegrationEvent {
    /// Stable: the same change always has the same id (a webhook's `webhook-id`, the
    /// receiver's key to deduplicate). `evt_` and the audit event's ULID, which sorts by time.
    #[schema(example = "evt_01JD8Z6V5Q2W3E4R5T6Y7A8B9C")]
    pub id: String,
    #[serde(rename = "type")]
    pub kind: EventType,
    /// When the change was made.
    pub occurred_at: Timestamp,
    /// The objects involved: ids, and the back office's `reference` where the object has
    /// one. Each type's fields are listed in docs/integration.md.
    #[schema(value_type = Object)]
    pub data: Value,
}

/// The id of the integration event an audit event (by its ULID) becomes: `evt_<ulid>`.
pub fn event_id(audit_id: &str) -> String {
    format!("evt_{audit_id}")
}

/// What the OpenAPI document says an event id (and the feed's cursor) is: [`audit_id`].
pub const EVENT_ID_PATTERN: &str = "^evt_[0-7][0-9A-HJKMNP-TV-Z]{25}$";

/// The audit event's ULID an integration event's id (or a feed cursor) names, if it is
/// one: `evt_` and a ULID as Portico writes them (Crockford's base 32, capitals).
pub fn audit_id(event_id: &str) -> Option<&str> {
    let crockford = |b: u8| b.is_ascii_digit() || (b.is_ascii_uppercase() && !matches!(b, b'I' | b'L' | b'O' | b'U'));
    event_id.strip_prefix("evt_").filter(|u| {
        u.len() == 26 && u.bytes().all(crockford) && u.as_bytes().first().is_some_and(|b| (b'0'..=b'7').contains(b))
    })
}

/// The fields `names` of `value`, each present (null when `value` lacks it).
fn pick(value: Option<&Value>, names: &[(&str, &str)]) -> Map<String, Value> {
    names
        .iter()
        .map(|(to, from)| {
            let v = value.and_then(|v| v.get(*from)).cloned().unwrap_or(Value::Null);
            ((*to).to_owned(), v)
        })
        .collect()
}

fn with(mut data: Map<String, Value>, extra: Value) -> Value {
    if let Value::Object(extra) = extra {
        data.extend(extra);
    }
    Value::Object(data)
}

/// What `event` tells the back office: nothing for most changes (its own writes, office
/// staff's bookkeeping), one event for those in [`EventType`].
pub fn integration_events(event: &Event) -> Vec<IntegrationEvent> {
    let after = event.after.as_ref();
    let before = event.before.as_ref();
    let now = after.or(before);
    let get = |v: Option<&Value>, path: &[&str]| -> Value {
        let mut v = v.cloned().unwrap_or(Value::Null);
        for p in path {
            v = v.get(*p).cloned().unwrap_or(Value::Null);
        }
        v
    };
    let mapped: Option<(EventType, Value)> = match (event.entity_type.as_str(), event.action.as_str()) {
        ("work_request", "work_request.created") => Some((
            EventType::WorkRequestSubmitted,
            with(
                pick(
                    after,
                    &[
                        ("work_request_id", "id"),
                        ("customer_id", "customer_id"),
                        ("site_id", "site_id"),
                        ("asset_id", "asset_id"),
                        ("member_id", "member_id"),
                        ("requested_by", "requested_by"),
                        ("subject", "subject"),
                        ("work_order_type", "work_order_type"),
                        ("notes", "notes"),
                        ("requested_at", "requested_at"),
                    ],
                ),
                json!({ "file_ids": file_ids(after) }),
            ),
        )),
        ("work_request", "work_request.accepted") => Some((
            EventType::WorkRequestAccepted,
            Value::Object(pick(
                after,
                &[
                    ("work_request_id", "id"),
                    ("customer_id", "customer_id"),
                    ("site_id", "site_id"),
                    ("job_id", "job_id"),
                ],
            )),
        )),
        ("work_request", "work_request.declined") => Some((
            EventType::WorkRequestDeclined,
            Value::Object(pick(
                after,
                &[
                    ("work_request_id", "id"),
                    ("customer_id", "customer_id"),
                    ("site_id", "site_id"),
                    ("reason", "decline_reason"),
                ],
            )),
        )),
        ("quote", action @ ("quote.approved" | "quote.rejected")) => {
            let decision = get(after, &["decision"]);
            let d = |name: &str| decision.get(name).cloned().unwrap_or(Value::Null);
            let kind = if action == "quote.approved" { EventType::QuoteApproved } else { EventType::QuoteRejected };
            let mut data = pick(
                after,
                &[
                    ("quote_id", "id"),
                    ("reference", "external_ref"),
                    ("customer_id", "customer_id"),
                    ("site_id", "site_id"),
                    ("job_id", "job_id"),
                    ("currency", "currency"),
                    ("total", "total"),
                ],
            );
            data.insert("signed_by".into(), d("signed_by"));
            data.insert("member_id".into(), d("member_id"));
            data.insert("decided_at".into(), d("decided_at"));
            if kind == EventType::QuoteApproved {
                data.insert("po_number".into(), d("po_number"));
                data.insert("comment".into(), d("comment"));
            } else {
                data.insert("reason".into(), d("reason"));
            }
            Some((kind, Value::Object(data)))
        }
        ("note", "note.created") => Some((
            EventType::JobNoteAdded,
            with(
                pick(
                    after,
                    &[
                        ("note_id", "id"),
                        ("job_id", "job_id"),
                        ("job_ref", "job_ref"),
                        ("author", "author"),
                        ("author_name", "author_name"),
                        ("text", "text"),
                        ("created_at", "created_at"),
                    ],
                ),
                json!({ "file_ids": file_ids(after) }),
            ),
        )),
        ("member", action) => member_change(action).map(|change| {
            let data = pick(
                now,
                &[
                    ("member_id", "id"),
                    ("customer_id", "customer_id"),
                    ("first_name", "first_name"),
                    ("last_name", "last_name"),
                    ("email", "email"),
                    ("phone", "phone"),
                    ("admin", "admin"),
                    ("status", "status"),
                ],
            );
            (EventType::MemberChanged, with(data, json!({ "change": change, "deleted": after.is_none() })))
        }),
        ("contact", "contact.unsubscribed") => {
            let was: Vec<Value> = get(before, &["muted"]).as_array().cloned().unwrap_or_default();
            let muted = get(after, &["muted"]);
            let newly: Vec<Value> =
                muted.as_array().into_iter().flatten().filter(|k| !was.contains(k)).cloned().collect();
            Some((
                EventType::ContactUnsubscribed,
                with(
                    pick(after, &[("contact_id", "id"), ("customer_id", "customer_id"), ("email", "email")]),
                    json!({ "kinds": newly, "muted": muted }),
                ),
            ))
        }
        ("contact", "contact.suppressed") => Some((
            EventType::ContactSuppressed,
            with(
                pick(after, &[("contact_id", "id"), ("customer_id", "customer_id"), ("email", "email")]),
                json!({
                    "reason": get(after, &["suppressed", "reason"]),
                    "detail": get(after, &["suppressed", "detail"]),
                }),
            ),
        )),
        ("receipt", "message.acknowledged") if !get(after, &["acknowledged_at"]).is_null() => Some((
            EventType::MessageAcknowledged,
            Value::Object(pick(
                after,
                &[("message_id", "message_id"), ("member_id", "member_id"), ("acknowledged_at", "acknowledged_at")],
            )),
        )),
        ("payment", action) => payment_event(action).map(|kind| {
            let data = pick(
                after,
                &[
                    ("payment_id", "id"),
                    ("customer_id", "customer_id"),
                    ("member_id", "member_id"),
                    ("currency", "currency"),
                    ("amount", "amount"),
                    ("amount_refunded", "amount_refunded"),
                    ("state", "state"),
                    ("method", "method"),
                    ("failure", "failure"),
                    ("dispute", "dispute"),
                    ("payment_intent", "payment_intent"),
                ],
            );
            let invoices: Vec<Value> = get(after, &["lines"])
                .as_array()
                .into_iter()
                .flatten()
                .map(|l| {
                    Value::Object(pick(
                        Some(l),
                        &[
                            ("invoice_id", "invoice_id"),
                            ("reference", "reference"),
                            ("number", "number"),
                            ("amount", "amount"),
                        ],
                    ))
                })
                .collect();
            (kind, with(data, json!({ "invoices": invoices })))
        }),
        _ => None,
    };
    mapped
        .map(|(kind, data)| IntegrationEvent { id: event_id(&event.id), kind, occurred_at: event.at, data })
        .into_iter()
        .collect()
}

/// The back office's event of a payment's audit action, if it has one.
fn payment_event(action: &str) -> Option<EventType> {
    match action {
        "payment.succeeded" => Some(EventType::InvoicePaymentSucceeded),
        "payment.failed" => Some(EventType::InvoicePaymentFailed),
        "payment.refunded" => Some(EventType::InvoicePaymentRefunded),
        "payment.disputed" => Some(EventType::InvoicePaymentDisputed),
        _ => None,
    }
}

/// What a member's action (`member.<what>`) tells the back office as `member.changed`'s
/// `change`, if anything: their record changed. Sign-in chores (invitations, passwords,
/// MFA, view-as) change nothing the office keeps.
fn member_change(action: &str) -> Option<&'static str> {
    Some(match action.strip_prefix("member.")? {
        "created" => "created",
        "updated" | "updated_self" | "update_undone" => "updated",
        "deleted" => "deleted",
        "disabled" => "disabled",
        "enabled" => "enabled",
        "unsubscribed" => "unsubscribed",
        "suppressed" => "suppressed",
        _ => return None,
    })
}

/// The ids of the files an object carries (`files: [{id, …}]`).
fn file_ids(value: Option<&Value>) -> Vec<Value> {
    value
        .and_then(|v| v.get("files"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|f| f.get("id").cloned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(entity_type: &str, action: &str, before: Option<Value>, after: Option<Value>) -> Event {
        Event {
            id: "01JD8Z6V5Q2W3E4R5T6Y7A8B9C".into(),
            action: action.into(),
            actor: "member:mem_1".into(),
            entity_type: entity_type.into(),
            entity_id: "x".into(),
            at: Timestamp::parse("2026-11-01T10:00:00Z").unwrap(),
            before,
            after,
            sent_to: None,
            expires_at: 0,
        }
    }

    fn one(e: &Event) -> IntegrationEvent {
        let mut all = integration_events(e);
        assert_eq!(all.len(), 1, "{e:?}");
        all.remove(0)
    }

    #[test]
    fn an_approved_quote_carries_its_reference_po_number_and_signer() {
        let quote = json!({
            "id": "quo_1", "external_ref": "Q-1001", "customer_id": "cus_1", "site_id": "sit_1", "job_id": null,
            "currency": "EUR", "total": 12100, "status": "approved",
            "decision": {"outcome": "approved", "signed_by": "Ann Smit", "po_number": "PO-77", "comment": null,
                         "member_id": "mem_1", "decided_at": "2026-11-01T10:00:00Z", "request_id": "r"}
        });
        let e = one(&event("quote", "quote.approved", None, Some(quote.clone())));
        assert_eq!(e.id, "evt_01JD8Z6V5Q2W3E4R5T6Y7A8B9C");
        assert_eq!(e.kind, EventType::QuoteApproved);
        assert_eq!(e.data["reference"], "Q-1001");
        assert_eq!(e.data["po_number"], "PO-77");
        assert_eq!(e.data["signed_by"], "Ann Smit");
        assert_eq!(e.data["quote_id"], "quo_1");
        assert!(e.data.get("reason").is_none());
        let body = serde_json::to_value(&e).unwrap();
        assert_eq!(body["type"], "quote.approved");
        assert_eq!(body["occurred_at"], "2026-11-01T10:00:00Z");

        let mut rejected = quote;
        rejected["decision"] =
            json!({"outcome": "rejected", "signed_by": "Bo", "reason": "Too dear", "member_id": "mem_2"});
        let e = one(&event("quote", "quote.rejected", None, Some(rejected)));
        assert_eq!(e.kind, EventType::QuoteRejected);
        assert_eq!((e.data["reason"].as_str(), e.data["signed_by"].as_str()), (Some("Too dear"), Some("Bo")));
        assert!(e.data.get("po_number").is_none());
    }

    #[test]
    fn the_same_audit_event_always_maps_to_the_same_event() {
        let e = event(
            "note",
            "note.created",
            None,
            Some(json!({"id": "not_1", "job_id": "job_1", "job_ref": "WO-1042", "text": "Hi",
            "author": "member:mem_1", "author_name": "Ann", "files": [{"id": "fil_1", "name": "a.jpg"}],
            "created_at": "2026-11-01T10:00:00Z"})),
        );
        assert_eq!(integration_events(&e), integration_events(&e));
        let n = one(&e);
        assert_eq!(n.kind, EventType::JobNoteAdded);
        assert_eq!(n.data["file_ids"], json!(["fil_1"]));
        assert_eq!((&n.data["job_id"], &n.data["job_ref"]), (&json!("job_1"), &json!("WO-1042")));
        assert_eq!(audit_id(&n.id), Some(e.id.as_str()));
    }

    #[test]
    fn a_submitted_request_has_every_field_even_when_empty() {
        let e = one(&event(
            "work_request",
            "work_request.created",
            None,
            Some(json!({"id": "wrq_1", "customer_id": "cus_1", "site_id": "sit_1", "member_id": "mem_1",
                "requested_by": "Ann", "subject": "Leak", "files": []})),
        ));
        assert_eq!(e.kind, EventType::WorkRequestSubmitted);
        for field in ["work_request_id", "asset_id", "notes", "work_order_type", "requested_at", "file_ids"] {
            assert!(e.data.get(field).is_some(), "{field}");
        }
        assert_eq!(e.data["asset_id"], Value::Null);
    }

    #[test]
    fn members_contacts_and_acknowledgements_are_mapped_and_chores_are_not() {
        let member = json!({"id": "mem_1", "customer_id": "cus_1", "email": "a@b.nl", "admin": false});
        let changed = one(&event("member", "member.updated_self", Some(member.clone()), Some(member.clone())));
        assert_eq!((changed.kind, changed.data["change"].as_str()), (EventType::MemberChanged, Some("updated")));
        let deleted = one(&event("member", "member.deleted", Some(member.clone()), None));
        assert_eq!(deleted.data["deleted"], true);
        assert_eq!(deleted.data["member_id"], "mem_1");
        for chore in ["member.invited", "member.password_reset", "member.mfa_reset", "member.viewed_as"] {
            assert!(integration_events(&event("member", chore, Some(member.clone()), Some(member.clone()))).is_empty());
        }

        let before = json!({"id": "con_1", "customer_id": "cus_1", "email": "c@d.nl", "muted": ["billing"]});
        let after = json!({"id": "con_1", "customer_id": "cus_1", "email": "c@d.nl", "muted": ["billing", "quotes"]});
        let u = one(&event("contact", "contact.unsubscribed", Some(before), Some(after)));
        assert_eq!((u.kind, &u.data["kinds"]), (EventType::ContactUnsubscribed, &json!(["quotes"])));

        let read = json!({"message_id": "msg_1", "member_id": "mem_1", "read_at": "2026-11-01T10:00:00Z"});
        assert!(integration_events(&event("receipt", "message.read", None, Some(read.clone()))).is_empty());
        let mut acked = read;
        acked["acknowledged_at"] = json!("2026-11-01T10:00:00Z");
        assert_eq!(
            one(&event("receipt", "message.acknowledged", None, Some(acked))).kind,
            EventType::MessageAcknowledged
        );
    }

    #[test]
    fn the_back_offices_own_writes_are_not_echoed() {
        for (t, a) in [
            ("job", "job.created"),
            ("job", "job.updated"),
            ("quote", "quote.created"),
            ("customer", "customer.updated"),
            ("settings", "settings.updated"),
        ] {
            assert!(integration_events(&event(t, a, None, Some(json!({"id": "x"})))).is_empty(), "{a}");
        }
    }

    #[test]
    fn types_parse_from_their_names_and_ids_from_their_form() {
        for t in EventType::ALL {
            assert_eq!(EventType::parse(t.name()), Some(t));
            assert_eq!(serde_json::to_value(t).unwrap(), t.name());
        }
        assert_eq!(EventType::parse("quote.created"), None);
        assert_eq!(audit_id("evt_nope"), None);
        assert_eq!(audit_id("01JD8Z6V5Q2W3E4R5T6Y7A8B9C"), None);
        assert_eq!(audit_id("evt_01jd8z6v5q2w3e4r5t6y7a8b9c"), None, "as Portico writes them");
        let re = regex_lite::Regex::new(EVENT_ID_PATTERN).unwrap();
        for s in [
            "evt_01JD8Z6V5Q2W3E4R5T6Y7A8B9C",
            "evt_81JD8Z6V5Q2W3E4R5T6Y7A8B9C",
            "evt_01JD8Z6V5Q2W3E4R5T6Y7A8B9",
            "evt_01JD8Z6V5Q2W3E4R5T6Y7A8BIC",
        ] {
            assert_eq!(audit_id(s).is_some(), re.is_match(s), "{s}");
        }
        let u = ulid::Ulid::new().to_string();
        assert_eq!(audit_id(&event_id(&u)), Some(u.as_str()));
    }
}
