//! Idempotency records: what a creating request sent with an `Idempotency-Key` did.
//!
//! A record is kept per tenant (or the platform), caller, operation and key, with a
//! fingerprint of the request. It goes through three states:
//!
//! - `in_progress`: claimed by one request (a conditional `PutItem`), with a lock that
//!   expires after [`IN_FLIGHT_SECONDS`] in case that request dies;
//! - `committed`: the request's state change committed — written **in the same
//!   transaction** as the change itself (see [`Store::commit`]), so the change and the
//!   record cannot disagree, and a request whose lock was taken over can no longer commit;
//! - `completed`: the response is stored, for replay, until the record expires after
//!   [`RETENTION_HOURS`].
//!
//! The flow around a handler lives in [`crate::http::idempotency`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::types::AttributeValue;
use serde::{Deserialize, Serialize};

use super::keys::{self, Key, KeySpace, Keys, Stored};
use super::{encode, key_item, Condition, Failure, Store, Write};
use crate::domain::tenant::now;
use crate::error::Result;

/// How long a key is remembered.
pub const RETENTION_HOURS: i64 = 24;
/// How long a request holds its key before another may take it over (longer than any
/// function's timeout).
pub const IN_FLIGHT_SECONDS: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    InProgress,
    Committed,
    Completed,
}

/// A response kept for replay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedResponse {
    pub status: u16,
    pub content_type: String,
    pub body: String,
    pub etag: Option<u64>,
    pub location: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    pub state: State,
    /// A hash of the request (method, route, path and query parameters, body).
    pub fingerprint: String,
    /// Which request holds the record.
    pub token: String,
    /// Until when an `in_progress` record is held (seconds since the epoch).
    pub locked_until: i64,
    /// TTL: the record is gone after this (seconds since the epoch).
    pub expires_at: i64,
    pub response: Option<SavedResponse>,
}

impl Stored for Record {
    const TYPE: &'static str = "idempotency";
}

impl Record {
    /// Whether the record still means anything at `at` (TTL deletes lazily).
    pub fn live(&self, at: i64) -> bool {
        self.expires_at > at
    }

    /// Whether an `in_progress` record's holder has run out of time at `at`.
    pub fn abandoned(&self, at: i64) -> bool {
        self.state == State::InProgress && self.locked_until <= at
    }
}

/// What [`Store::claim_key`] found.
#[derive(Debug)]
pub enum Claimed {
    /// The key is now this request's.
    Mine(InFlight),
    /// Another request holds or held the key.
    Theirs(Record),
}

/// A key held by the running request. The request's store carries it
/// ([`Store::keyed`]): the first transaction that store commits also moves the record to
/// `committed`.
#[derive(Debug, Clone)]
pub struct InFlight {
    key: Key,
    record: Record,
    /// A transaction carries (or carried) the marker: the others do not. Shared by every
    /// clone, so that a store cloned inside the request marks the key once too.
    marked: Arc<AtomicBool>,
    committed: Arc<AtomicBool>,
}

impl InFlight {
    /// Whether the request committed a state change under this key.
    pub fn committed(&self) -> bool {
        self.committed.load(Ordering::SeqCst)
    }

    fn held_by_me(&self) -> Condition {
        Condition::new("#token = :token AND #state = :in_progress")
            .name("#token", "token")
            .name("#state", "state")
            .value(":token", AttributeValue::S(self.record.token.clone()))
            .value(":in_progress", AttributeValue::S("in_progress".into()))
    }

    /// The write that marks the key `committed`, for the first transaction the request
    /// commits; `None` once another transaction carries it.
    pub(super) fn marker(&self) -> Result<Option<(Write, Failure)>> {
        let record = Record { state: State::Committed, ..self.record.clone() };
        let item = encode(&Keys { key: self.key.clone(), gsi1: None, gsi2: None }, Record::TYPE, &record)?;
        if self.marked.swap(true, Ordering::SeqCst) {
            return Ok(None);
        }
        Ok(Some((Write::Put { item, condition: Some(self.held_by_me()) }, Failure::Replayed)))
    }

    /// Called once the transaction carrying the marker ran: committed, or not (then a
    /// later transaction of the same request carries it instead).
    pub(super) fn after_commit(&self, committed: bool) {
        if committed {
            self.committed.store(true, Ordering::SeqCst);
        } else {
            self.marked.store(false, Ordering::SeqCst);
        }
    }
}

#[cfg(test)]
impl InFlight {
    /// A key held by a request that never ran (unit tests, without AWS).
    pub(crate) fn example() -> Self {
        let record = Record {
            state: State::InProgress,
            fingerprint: "f".into(),
            token: "t".into(),
            locked_until: 30,
            expires_at: 1000,
            response: None,
        };
        let key = keys::idempotency_key(KeySpace::Platform, "CreateTenant", "sub", "k");
        Self { key, record, marked: Arc::default(), committed: Arc::default() }
    }
}

fn condition_failed<E: aws_sdk_dynamodb::error::ProvideErrorMetadata>(e: &SdkError<E>) -> bool {
    matches!(e, SdkError::ServiceError(s) if s.err().code() == Some("ConditionalCheckFailedException"))
}

impl Store {
    /// Claims `key` for a request with `fingerprint`: one conditional `PutItem` that
    /// succeeds when no live record exists, or when the holder of an `in_progress` one
    /// ran out of time. Otherwise the record found.
    pub async fn claim_key(
        &self,
        space: KeySpace,
        operation: &str,
        caller: &str,
        key: &str,
        fingerprint: &str,
    ) -> Result<Claimed> {
        let key = keys::idempotency_key(space, operation, caller, key);
        for _attempt in 0..3 {
            let at = now().unix_timestamp();
            let record = Record {
                state: State::InProgress,
                fingerprint: fingerprint.to_owned(),
                token: ulid::Ulid::new().to_string(),
                locked_until: at + IN_FLIGHT_SECONDS,
                expires_at: at + RETENTION_HOURS * 3600,
                response: None,
            };
            let free = Condition::new(
                "attribute_not_exists(PK) OR #expires <= :now OR (#state = :in_progress AND #locked <= :now)",
            )
            .name("#expires", "expires_at")
            .name("#state", "state")
            .name("#locked", "locked_until")
            .value(":now", AttributeValue::N(at.to_string()))
            .value(":in_progress", AttributeValue::S("in_progress".into()));
            match self.put_record(&key, &record, &free).await? {
                Ok(_) => {
                    return Ok(Claimed::Mine(InFlight {
                        key,
                        record,
                        marked: Arc::default(),
                        committed: Arc::default(),
                    }))
                }
                Err(e) if condition_failed(&e) => {
                    // Held by another request: read what it holds. It may have been
                    // released in between; then claim again.
                    if let Some(theirs) = self.get::<Record>(key.clone()).await? {
                        return Ok(Claimed::Theirs(theirs));
                    }
                }
                Err(e) => return Err(anyhow::Error::new(e).context("PutItem (idempotency key)").into()),
            }
        }
        Err(crate::error::Error::conflict("a request with this Idempotency-Key is being processed; retry later"))
    }

    /// Stores the response of the request holding `flight`, for replay. A request that
    /// lost its key (it ran out of time and another took over) stores nothing.
    pub async fn complete_key(&self, flight: &InFlight, response: SavedResponse) -> Result<()> {
        let record = Record { state: State::Completed, response: Some(response), ..flight.record.clone() };
        let held = Condition::new("#token = :token")
            .name("#token", "token")
            .value(":token", AttributeValue::S(flight.record.token.clone()));
        match self.put_record(&flight.key, &record, &held).await? {
            Ok(_) => Ok(()),
            Err(e) if condition_failed(&e) => {
                tracing::warn!("an idempotency key was taken over before its response was stored");
                Ok(())
            }
            Err(e) => Err(anyhow::Error::new(e).context("PutItem (idempotency response)").into()),
        }
    }

    /// One conditional `PutItem` of a record.
    async fn put_record(
        &self,
        key: &Key,
        record: &Record,
        condition: &Condition,
    ) -> Result<Result<(), SdkError<aws_sdk_dynamodb::operation::put_item::PutItemError>>> {
        let item = encode(&Keys { key: key.clone(), gsi1: None, gsi2: None }, Record::TYPE, record)?;
        Ok(self
            .db
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression(&condition.expr)
            .set_expression_attribute_names(condition.names())
            .set_expression_attribute_values(condition.values())
            .send()
            .await
            .map(|_| ()))
    }

    /// Lets go of a key whose request changed nothing (it failed before committing), so
    /// that a retry with the same key runs again.
    pub async fn release_key(&self, flight: &InFlight) -> Result<()> {
        let held = flight.held_by_me();
        let delete = self
            .db
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key_item(&flight.key)))
            .condition_expression(&held.expr)
            .set_expression_attribute_names(held.names())
            .set_expression_attribute_values(held.values())
            .send()
            .await;
        match delete {
            Ok(_) => Ok(()),
            Err(e) if condition_failed(&e) => Ok(()),
            Err(e) => Err(anyhow::Error::new(e).context("DeleteItem (idempotency key)").into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_dynamodb::types::TransactWriteItem;

    use super::*;
    use crate::store::cursor::CursorKey;

    fn record(state: State, locked_until: i64, expires_at: i64) -> Record {
        Record { state, fingerprint: "f".into(), token: "t".into(), locked_until, expires_at, response: None }
    }

    #[test]
    fn a_holder_that_ran_out_of_time_has_abandoned_its_key() {
        assert!(record(State::InProgress, 100, 1000).abandoned(100));
        assert!(!record(State::InProgress, 101, 1000).abandoned(100));
        // A committed or completed record is never taken over: its change happened.
        assert!(!record(State::Committed, 100, 1000).abandoned(200));
        assert!(!record(State::Completed, 100, 1000).abandoned(200));
    }

    #[test]
    fn an_expired_record_means_nothing() {
        assert!(record(State::Completed, 0, 1000).live(999));
        assert!(!record(State::Completed, 0, 1000).live(1000));
    }

    /// A store that never calls AWS here: only the transactions it would send are read.
    fn store() -> Store {
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
            .build();
        Store::new(aws_sdk_dynamodb::Client::from_conf(config), "portico", CursorKey::new(vec![0; 32]))
    }

    /// What a transaction of `store` would carry besides its own writes: the key's mark, as
    /// a write to the key's record moving it to `committed` while the request holds it.
    fn mark_of(store: &Store) -> Option<TransactWriteItem> {
        let (mut items, mut failures) = (Vec::new(), Vec::new());
        let marked = store.add_marker(&mut items, &mut failures).unwrap().is_some();
        assert_eq!((items.len(), failures.len()), if marked { (1, 1) } else { (0, 0) });
        items.pop()
    }

    #[test]
    fn a_keyed_store_marks_its_key_with_its_first_transaction_only() {
        let plain = store();
        assert!(mark_of(&plain).is_none(), "a store without a key marks nothing");

        let flight = InFlight::example();
        let keyed = plain.keyed(flight.clone());
        let put = mark_of(&keyed).and_then(|item| item.put).expect("the first transaction carries the mark");
        assert_eq!(put.item["state"], AttributeValue::S("committed".into()));
        assert_eq!(put.item["SK"], AttributeValue::S("IDEM#CreateTenant#sub#k".into()));
        assert_eq!(put.condition_expression.as_deref(), Some("#token = :token AND #state = :in_progress"));
        assert_eq!(put.expression_attribute_values.unwrap()[":token"], AttributeValue::S("t".into()));

        // The second transaction, and any clone of the store (a spawned task's), carry none.
        assert!(mark_of(&keyed).is_none());
        assert!(mark_of(&keyed.clone()).is_none());
        assert!(mark_of(&plain).is_none(), "the store it was keyed from stays unkeyed");
        assert!(!flight.committed());
    }

    #[test]
    fn a_failed_transaction_leaves_the_mark_to_the_next_one() {
        let flight = InFlight::example();
        let keyed = store().keyed(flight.clone());
        assert!(mark_of(&keyed).is_some());
        flight.after_commit(false);
        assert!(!flight.committed());
        assert!(mark_of(&keyed.clone()).is_some(), "the next transaction carries it");
        flight.after_commit(true);
        assert!(flight.committed(), "the request's change committed under its key");
        assert!(mark_of(&keyed).is_none());
    }
}
