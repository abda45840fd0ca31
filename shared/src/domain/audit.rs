//! The audit trail: the event every change writes (in the same transaction), and how
//! the trail shows it — to the tenant's admins with every field that changed, to a
//! customer's own admin member with what changed but not the values.
//!
//! Events are kept [`EVENT_RETENTION_DAYS`] (the table's TTL removes them after).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::clock::TimeRange;
use super::ids::MemberId;
use super::tenant::Timestamp;
use super::text::Email;
use crate::error::Error;

/// How long the trail keeps an event (by the table's TTL on `expires_at`).
pub const EVENT_RETENTION_DAYS: i64 = 400;

/// An audit event: who changed what, when, from what to what.
#[derive(Debug, Serialize, Deserialize)]
pub struct Event {
    pub id: String,
    pub action: String,
    pub actor: String,
    pub entity_type: String,
    pub entity_id: String,
    pub at: Timestamp,
    pub before: Option<Value>,
    pub after: Option<Value>,
    /// Where the change emailed credentials or a link, when it did: the address they
    /// went to, which need not be the one on the record (an invitation sent elsewhere).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_to: Option<Email>,
    pub expires_at: i64,
}

/// Bookkeeping every change moves: not worth a line in the trail.
const UNCHANGING: [&str; 2] = ["version", "updated_at"];

/// One field a change touched: its value before and after (null when absent), each any
/// JSON value (text, number, list, object) as the entity stores it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Change {
    pub field: String,
    #[schema(value_type = Value)]
    pub before: Value,
    #[schema(value_type = Value)]
    pub after: Value,
}

/// The top-level fields that differ between `before` and `after` (a creation changes
/// every field it sets, a deletion every field it had), by name.
pub fn changes(before: Option<&Value>, after: Option<&Value>) -> Vec<Change> {
    let field = |v: Option<&Value>, name: &str| v.and_then(|v| v.get(name)).cloned().unwrap_or(Value::Null);
    let names: BTreeSet<&String> =
        [before, after].into_iter().flatten().filter_map(Value::as_object).flat_map(|o| o.keys()).collect();
    names
        .into_iter()
        .filter(|n| !UNCHANGING.contains(&n.as_str()))
        .filter_map(|name| {
            let (b, a) = (field(before, name), field(after, name));
            (b != a).then(|| Change { field: name.clone(), before: b, after: a })
        })
        .collect()
}

/// Who acted, as recorded (`admin:<sub>`, `operator:<sub>`, `member:<member id>`,
/// `contact:<contact id>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActorType {
    /// A tenant admin (one of the office staff).
    Admin,
    /// A back-office integration, by its name (`integration:<name>`).
    Integration,
    /// Portico's platform operator.
    Operator,
    /// A portal member.
    Member,
    /// A contact, through an email's unsubscribe link.
    Contact,
    /// Portico itself, on what AWS reported (`system:ses-feedback`: a bounce or complaint).
    System,
}

impl ActorType {
    pub fn of(actor: &str) -> Option<(ActorType, &str)> {
        let (kind, id) = actor.split_once(':')?;
        let kind = match kind {
            "admin" => ActorType::Admin,
            "integration" => ActorType::Integration,
            "operator" => ActorType::Operator,
            "member" => ActorType::Member,
            "contact" => ActorType::Contact,
            "system" => ActorType::System,
            _ => return None,
        };
        Some((kind, id))
    }
}

/// One line of the admin's trail.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    /// The event's ULID (sorts by time).
    pub id: String,
    pub at: Timestamp,
    /// As `?actor=` takes it: `admin:<sub>`, `operator:<sub>`, `member:<member id>`,
    /// `contact:<contact id>` (an unsubscribe link) or `system:ses-feedback`.
    pub actor: String,
    pub actor_type: ActorType,
    /// Who that is, for people to read: an admin's name (while they are one of the
    /// tenant's office staff; shown to office staff only, not to integrations), an
    /// integration's name. Absent for other actors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor_name: Option<String>,
    /// `<entity type>.<what happened>`, e.g. `quote.approved`, `member.disabled`.
    pub action: String,
    pub entity_type: String,
    /// As `?entity=` takes it.
    pub entity_id: String,
    /// Every field that changed, by name (not `version` or `updated_at`).
    pub changes: Vec<Change>,
    /// Where the action emailed credentials (an invitation, new temporary password) or
    /// a confirmation link: the address they went to. Absent when it emailed nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Email)]
    pub sent_to: Option<Email>,
}

impl AuditEntry {
    /// The line of `event`; `staff_name` names an admin by their login (`admin:<sub>`).
    pub fn of(event: &Event, staff_name: impl Fn(&str) -> Option<String>) -> Self {
        let actor = ActorType::of(&event.actor);
        let actor_name = match actor {
            Some((ActorType::Admin, sub)) => staff_name(sub),
            Some((ActorType::Integration, name)) => Some(name.to_owned()),
            _ => None,
        };
        Self {
            id: event.id.clone(),
            at: event.at,
            actor: event.actor.clone(),
            actor_type: actor.map_or(ActorType::Admin, |(t, _)| t),
            actor_name,
            action: event.action.clone(),
            entity_type: event.entity_type.clone(),
            entity_id: event.entity_id.clone(),
            changes: changes(event.before.as_ref(), event.after.as_ref()),
            sent_to: event.sent_to.clone(),
        }
    }
}

/// Who acted, as a customer's admin member sees it: one of their customer's members by
/// name, or the service provider (whose staff and systems are not named to customers).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PortalActor {
    /// `member` or `provider`.
    #[serde(rename = "type")]
    pub kind: PortalActorType,
    /// For a member of the caller's own customer; other members are not named.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_id: Option<MemberId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PortalActorType {
    Member,
    Provider,
}

/// One line of a customer's own trail (`GET /portal/audit`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PortalAuditEntry {
    pub id: String,
    pub at: Timestamp,
    pub actor: PortalActor,
    /// `quote.approved`, `work_request.accepted`, `member.disabled`, …
    pub action: String,
    /// `quote`, `work_request` or `member`.
    pub entity_type: String,
    pub entity_id: String,
    /// The names of the fields that changed (their values are on the object itself).
    pub fields: Vec<String>,
}

impl PortalAuditEntry {
    pub fn of(event: &Event, actor: PortalActor) -> Self {
        Self {
            id: event.id.clone(),
            at: event.at,
            actor,
            action: event.action.clone(),
            entity_type: event.entity_type.clone(),
            entity_id: event.entity_id.clone(),
            fields: changes(event.before.as_ref(), event.after.as_ref()).into_iter().map(|c| c.field).collect(),
        }
    }
}

/// `?entity=&actor=&from=&to=` (admin) or `?from=&to=` (portal).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub actor: Option<String>,
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
}

/// What the OpenAPI document says `?entity=` and `?actor=` take ([`is_token`]).
pub const ENTITY_PATTERN: &str = "^[A-Za-z0-9_-]{1,128}$";
pub const ACTOR_PATTERN: &str =
    "^((admin|operator|member|contact|system):[A-Za-z0-9_-]{1,128}|integration:[A-Za-z0-9 ._-]{1,128})$";

/// An integration's name as its actor text writes it: letters, digits, space, `.`, `_`
/// and `-` as they are, anything else `-`; at most 128 characters.
pub fn integration_actor(name: &str) -> String {
    let name: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || " ._-".contains(c) { c } else { '-' }).take(128).collect();
    format!("integration:{name}")
}

/// What an integration's actor text takes after `integration:`.
fn is_integration_name(s: &str) -> bool {
    !s.is_empty() && s.len() <= 128 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b" ._-".contains(&b))
}

/// Ids and subs: letters, digits, `_` and `-`, as Portico and Cognito write them.
fn is_token(s: &str) -> bool {
    !s.is_empty() && s.len() <= 128 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

impl AuditFilter {
    pub fn parse(get: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let entity = get("entity")
            .map(|e| {
                is_token(&e)
                    .then_some(e)
                    .ok_or_else(|| Error::invalid_field("entity", "must be an id, e.g. job_01J… or settings"))
            })
            .transpose()?;
        let actor = get("actor")
            .map(|a| match ActorType::of(&a) {
                Some((ActorType::Integration, name)) if is_integration_name(name) => Ok(a),
                Some((ActorType::Integration, _)) => Err(Error::invalid_field(
                    "actor",
                    "must be integration:<name> (letters, digits, space, '.', '_' and '-')",
                )),
                Some((_, id)) if is_token(id) => Ok(a),
                _ => Err(Error::invalid_field(
                    "actor",
                    "must be admin:<sub>, integration:<name>, operator:<sub>, member:<member id>, contact:<contact id> or system:<name>",
                )),
            })
            .transpose()?;
        let TimeRange { from, to } = TimeRange::parse(&get)?;
        Ok(Self { entity, actor, from, to })
    }

    /// The event-id (ULID) range `from`..=`to` covers, as sort keys: a ULID starts with
    /// its millisecond, so a time range is a key range. Entries show `at` to the second,
    /// so a `to` in whole seconds takes in the rest of that second.
    pub fn id_range(&self) -> (Option<String>, Option<String>) {
        // Within the years 1970–9999, a time's millisecond always fits a ULID's 48 bits.
        let ms = |t: Timestamp| t.unix_millis();
        let until = |t: Timestamp| if t.nanosecond() == 0 { ms(t) + 999 } else { ms(t) };
        (
            self.from.map(|t| format!("EVT#{}", ulid::Ulid::from_parts(ms(t), 0))),
            self.to.map(|t| format!("EVT#{}", ulid::Ulid::from_parts(until(t), u128::MAX))),
        )
    }

    pub fn fingerprint(&self) -> String {
        format!("{self:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::HashMap;

    #[test]
    fn changes_name_each_field_that_differs_and_skip_bookkeeping() {
        let before = json!({"status": "sent", "total": 10, "version": 3, "updated_at": "x", "po": null});
        let after = json!({"status": "approved", "total": 10, "version": 4, "updated_at": "y", "signer": "Ann"});
        let c = changes(Some(&before), Some(&after));
        assert_eq!(
            c,
            vec![
                Change { field: "signer".into(), before: Value::Null, after: json!("Ann") },
                Change { field: "status".into(), before: json!("sent"), after: json!("approved") },
            ]
        );
        // A creation sets every field; a deletion clears every field.
        assert_eq!(changes(None, Some(&after)).len(), 3);
        assert_eq!(
            changes(Some(&before), None).iter().map(|c| c.field.as_str()).collect::<Vec<_>>(),
            ["status", "total"]
        );
    }

    fn parse(pairs: &[(&str, &str)]) -> Result<AuditFilter, Error> {
        let m: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        AuditFilter::parse(|k| m.get(k).cloned())
    }

    #[test]
    fn the_filter_takes_ids_actors_and_times_and_refuses_anything_else() {
        let f = parse(&[("entity", "job_01"), ("actor", "member:mem_1"), ("from", "2026-11-01"), ("to", "2026-11-01")])
            .unwrap();
        assert_eq!(f.entity.as_deref(), Some("job_01"));
        let (lo, hi) = f.id_range();
        assert!(lo.unwrap() < hi.unwrap());
        for bad in [
            ("entity", "job#01"),
            ("entity", ""),
            ("actor", "mem_1"),
            ("actor", "robot:x"),
            ("actor", "admin:a#b"),
            ("from", "yesterday"),
        ] {
            assert!(parse(&[bad]).is_err(), "{bad:?}");
        }
        assert!(parse(&[("from", "2026-11-02"), ("to", "2026-11-01")]).is_err());
    }

    #[test]
    fn a_time_range_is_the_range_of_event_ids_made_in_it() {
        let f = parse(&[("from", "2026-11-01T10:00:00Z"), ("to", "2026-11-01T10:00:00Z")]).unwrap();
        let (lo, hi) = f.id_range();
        let at = time::macros::datetime!(2026-11-01 10:00 UTC);
        let id = ulid::Ulid::from_parts((at.unix_timestamp_nanos() / 1_000_000) as u64, 12345).to_string();
        let sk = format!("EVT#{id}");
        assert!(lo.as_deref().unwrap() <= sk.as_str() && sk.as_str() <= hi.as_deref().unwrap());
        let within = ulid::Ulid::from_parts((at.unix_timestamp_nanos() / 1_000_000) as u64 + 999, 0).to_string();
        assert!(format!("EVT#{within}").as_str() < hi.as_deref().unwrap(), "the rest of the second");
        let later = ulid::Ulid::from_parts((at.unix_timestamp_nanos() / 1_000_000) as u64 + 1000, 0).to_string();
        assert!(format!("EVT#{later}").as_str() > hi.as_deref().unwrap());
    }

    proptest::proptest! {
        // `?entity=` and `?actor=` take exactly what the document's patterns say.
        #[test]
        fn the_patterns_say_what_the_filter_takes(s in "((admin|member|system|robot)?:?)?[A-Za-z0-9_#: é-]{0,3}|[a-z_]{120,130}") {
            let takes = |field: &str| parse(&[(field, s.as_str())]).is_ok();
            let matches = |p: &str| regex_lite::Regex::new(p).unwrap().is_match(&s);
            proptest::prop_assert_eq!(takes("entity"), matches(ENTITY_PATTERN), "entity={:?}", s);
            proptest::prop_assert_eq!(takes("actor"), matches(ACTOR_PATTERN), "actor={:?}", s);
        }
    }

    #[test]
    fn actors_are_typed_by_their_prefix() {
        assert_eq!(ActorType::of("member:mem_1"), Some((ActorType::Member, "mem_1")));
        assert_eq!(ActorType::of("admin:abc"), Some((ActorType::Admin, "abc")));
        assert_eq!(ActorType::of("nobody"), None);
        assert_eq!(integration_actor("Acme ERP #2 (prod)"), "integration:Acme ERP -2 -prod-");
        assert_eq!(ActorType::of("integration:Acme ERP"), Some((ActorType::Integration, "Acme ERP")));
    }
}
