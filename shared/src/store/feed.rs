//! The pull feed of integration events (`GET /admin/events`): the tenant's audit events,
//! oldest first by their ULIDs, mapped to what the back office receives
//! ([`crate::domain::integration_event`]), after a cursor the client keeps.
//!
//! **Ordering.** An event's ULID is made (from its writer's clock) when its transaction
//! is built, and the event becomes readable when the transaction commits. Every function
//! that writes audit events runs for at most 10 seconds (the template's timeout), so an
//! event with an earlier id can still appear up to that long after a later one was read.
//! The feed serves only events whose id is older than [`SETTLE_SECONDS`] (three times
//! that bound, for a transaction in flight when its function ends and for clock
//! differences between hosts): what it has served never gains an earlier event, so a
//! cursor never skips one.

use aws_sdk_dynamodb::types::AttributeValue;

use super::keys::{self, PK, SK};
use super::{decode, position_key, start_key, Event, StartKey, Store};
use crate::domain::ids::TenantId;
use crate::domain::integration_event::{event_id, integration_events, IntegrationEvent};
use crate::error::Result;
use anyhow::Context as _;

/// How old an event's id must be before the feed serves it (see the module's note).
pub const SETTLE_SECONDS: u64 = 30;

/// The most audit events one request reads (most changes are not for the back office):
/// a page may come back short, or empty, with `has_more`.
pub const MAX_READ: usize = 1000;

/// One page of the feed.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct FeedPage {
    /// Oldest first.
    pub items: Vec<IntegrationEvent>,
    /// The cursor to send as `?after=` next: the last event this page read (which may be
    /// one not for the back office). The same as the request's `after` when nothing new
    /// has settled; absent only when the tenant has no settled event at all.
    #[schema(example = "evt_01JD8Z6V5Q2W3E4R5T6Y7A8B9C")]
    pub next_after: Option<String>,
    /// Whether more settled events may follow right away (ask again with `next_after`);
    /// when false, poll again later.
    pub has_more: bool,
}

/// The newest ULID the feed may serve at `now_ms` (Unix milliseconds).
pub fn settled_until(now_ms: u64) -> String {
    let ms = now_ms.saturating_sub(SETTLE_SECONDS * 1000);
    ulid::Ulid::from_parts(ms, u128::MAX).to_string()
}

impl Store {
    /// Up to `limit` integration events of `tenant` after the audit event `after` (a
    /// ULID), oldest first, among those settled at `now_ms`.
    pub async fn feed(&self, tenant: TenantId, after: Option<&str>, limit: usize, now_ms: u64) -> Result<FeedPage> {
        let mut page = FeedPage { items: Vec::new(), next_after: after.map(event_id), has_more: false };
        let Some(range) = keys::events_after(tenant, after, &settled_until(now_ms)) else { return Ok(page) };
        let mut start = StartKey::new();
        let mut read = 0;
        loop {
            let out = self
                .db
                .query()
                .table_name(&self.table)
                .key_condition_expression("#pk = :pk AND #sk BETWEEN :from AND :to")
                .expression_attribute_names("#pk", PK)
                .expression_attribute_names("#sk", SK)
                .expression_attribute_values(":pk", AttributeValue::S(range.pk.clone()))
                .expression_attribute_values(":from", AttributeValue::S(range.from.clone()))
                .expression_attribute_values(":to", AttributeValue::S(range.to.clone()))
                .set_exclusive_start_key(start_key(&start))
                .limit(100)
                .send()
                .await
                .context("Query")?;
            for item in out.items.unwrap_or_default() {
                let event: Event = decode(item)?;
                read += 1;
                page.next_after = Some(event_id(&event.id));
                page.items.extend(integration_events(&event));
                if page.items.len() >= limit || read >= MAX_READ {
                    // Perhaps the last: the next request finds out.
                    page.has_more = true;
                    return Ok(page);
                }
            }
            match position_key(out.last_evaluated_key.as_ref()) {
                Some(next) => start = next,
                None => return Ok(page),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_settled_bound_is_the_settle_window_before_now() {
        let now = 1_800_000_000_000;
        let bound = ulid::Ulid::from_string(&settled_until(now)).unwrap();
        assert_eq!(bound.timestamp_ms(), now - SETTLE_SECONDS * 1000);
        let just_before = ulid::Ulid::from_parts(now - SETTLE_SECONDS * 1000, 0).to_string();
        let just_after = ulid::Ulid::from_parts(now - SETTLE_SECONDS * 1000 + 1, 0).to_string();
        assert!(just_before <= settled_until(now) && just_after > settled_until(now));
    }

    #[test]
    fn the_range_starts_strictly_after_the_cursor() {
        let tenant = TenantId::generate();
        let a = ulid::Ulid::from_parts(1000, 5).to_string();
        let next = ulid::Ulid::from_parts(1000, 6).to_string();
        let r = keys::events_after(tenant, Some(&a), &settled_until(10_000_000)).unwrap();
        let sk = |u: &str| format!("EVT#{u}");
        assert!(sk(&a) < r.from && r.from <= sk(&next) && sk(&next) <= r.to);
        assert!(r.pk.starts_with(&format!("T#{tenant}")));
        // A cursor newer than what has settled: nothing to read (and no invalid range).
        let later = ulid::Ulid::from_parts(20_000_000, 0).to_string();
        assert_eq!(keys::events_after(tenant, Some(&later), &settled_until(10_000_000)), None);
        assert!(keys::events_after(tenant, None, &settled_until(10_000_000)).is_some());
    }
}
