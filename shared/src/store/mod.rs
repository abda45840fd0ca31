//! DynamoDB: typed items in one table, keyed by tenant.
//!
//! Request paths use GetItem, BatchGetItem, Query and TransactWriteItems only — never
//! Scan. Every state change is a [`Tx`], which also writes an audit event in the same
//! transaction and guards against lost updates with a `version` condition.

pub mod access;
pub mod cursor;
pub mod deliveries;
pub mod feed;
pub mod idempotency;
pub mod keys;
pub mod listing;
pub mod reports;
pub mod webhooks;

use std::collections::{BTreeMap, HashMap};

use anyhow::Context as _;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, ConditionCheck, Delete, KeysAndAttributes, Put, TransactWriteItem};
use aws_sdk_dynamodb::Client;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use self::cursor::{CursorKey, Position};
use self::idempotency::InFlight;
use self::keys::{Entity, Key, Keys, QueryKey, Stored, GSI1PK, GSI1SK, GSI2, GSI2PK, GSI2SK, PK, SK, TYPE, VERSION};
use crate::domain::ids::TenantId;
use crate::domain::tenant::now;
use crate::domain::text::Email;
use crate::error::{Error, Result};

pub type Item = HashMap<String, AttributeValue>;

/// Where a query resumes: DynamoDB's `LastEvaluatedKey`, all of whose values are strings.
pub type StartKey = BTreeMap<String, String>;

pub use crate::domain::audit::{Event, EVENT_RETENTION_DAYS};

/// Page size: `?limit=` (default 50, at most 200).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paging {
    pub limit: i32,
    pub cursor: Option<String>,
}

impl Default for Paging {
    fn default() -> Self {
        Self { limit: Self::DEFAULT_LIMIT, cursor: None }
    }
}

impl Paging {
    pub const DEFAULT_LIMIT: i32 = 50;
    pub const MAX_LIMIT: i32 = 200;
}

/// One page of a list, as every list route returns it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { items: self.items.into_iter().map(f).collect(), next_cursor: self.next_cursor }
    }
}

/// The table. Cheap to clone: the SDK client is shared.
#[derive(Clone)]
pub struct Store {
    db: Client,
    table: String,
    cursors: CursorKey,
    /// The `Idempotency-Key` of the request this store serves, if it has one
    /// ([`Store::keyed`]).
    in_flight: Option<InFlight>,
}

fn key_item(key: &Key) -> Item {
    HashMap::from([
        (PK.to_owned(), AttributeValue::S(key.pk.clone())),
        (SK.to_owned(), AttributeValue::S(key.sk.clone())),
    ])
}

fn encode<T: Serialize>(keys: &Keys, kind: &str, value: &T) -> Result<Item> {
    let mut item: Item = serde_dynamo::to_item(value).context("serializing item")?;
    item.extend(key_item(&keys.key));
    if let Some(g) = &keys.gsi1 {
        item.insert(GSI1PK.into(), AttributeValue::S(g.pk.clone()));
        item.insert(GSI1SK.into(), AttributeValue::S(g.sk.clone()));
    }
    if let Some(g) = &keys.gsi2 {
        item.insert(GSI2PK.into(), AttributeValue::S(g.pk.clone()));
        item.insert(GSI2SK.into(), AttributeValue::S(g.sk.clone()));
    }
    item.insert(TYPE.into(), AttributeValue::S(kind.to_owned()));
    Ok(item)
}

/// Decodes a stored item; the key attributes are ignored by the entity's type.
pub fn decode<T: DeserializeOwned>(item: Item) -> Result<T> {
    Ok(serde_dynamo::from_item(item).context("decoding stored item")?)
}

fn item_type(item: &Item) -> Option<&str> {
    item.get(TYPE).and_then(|v| v.as_s().ok()).map(String::as_str)
}

fn start_key(key: &BTreeMap<String, String>) -> Option<Item> {
    (!key.is_empty()).then(|| key.iter().map(|(k, v)| (k.clone(), AttributeValue::S(v.clone()))).collect())
}

fn position_key(lek: Option<&Item>) -> Option<BTreeMap<String, String>> {
    lek.map(|item| item.iter().filter_map(|(k, v)| v.as_s().ok().map(|s| (k.clone(), s.clone()))).collect())
}

impl Store {
    pub fn new(db: Client, table: impl Into<String>, cursors: CursorKey) -> Self {
        Self { db, table: table.into(), cursors, in_flight: None }
    }

    /// This store for a request holding `flight`: the first transaction it commits (or
    /// any clone of it commits) also marks the key `committed`, in the same transaction.
    /// `http::idempotency::once` hands the handler an application with this store, so no
    /// handler has to remember the key.
    pub fn keyed(&self, flight: InFlight) -> Self {
        Self { in_flight: Some(flight), ..self.clone() }
    }

    pub fn cursors(&self) -> &CursorKey {
        &self.cursors
    }

    /// GetItem of an entity of type `E`; an item of another type reads as absent.
    #[tracing::instrument(skip(self), fields(sk = %key.sk))]
    pub async fn get<E: Stored>(&self, key: Key) -> Result<Option<E>> {
        let out = self
            .db
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key_item(&key)))
            .consistent_read(true)
            .send()
            .await
            .context("GetItem")?;
        match out.item {
            Some(item) if item_type(&item) == Some(E::TYPE) => decode(item).map(Some),
            _ => Ok(None),
        }
    }

    /// BatchGetItem of up to 100 keys, in one round trip unless DynamoDB returns
    /// unprocessed keys (then retried a bounded number of times). Order is not kept.
    #[tracing::instrument(skip_all, fields(n = keys.len()))]
    pub async fn get_many(&self, keys: &[Key]) -> Result<Vec<Item>> {
        let mut found = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(100) {
            let mut request = Some(
                KeysAndAttributes::builder()
                    .set_keys(Some(chunk.iter().map(key_item).collect()))
                    .consistent_read(true)
                    .build()
                    .context("batch keys")?,
            );
            for _attempt in 0..5 {
                let Some(req) = request.take() else { break };
                let out =
                    self.db.batch_get_item().request_items(&self.table, req).send().await.context("BatchGetItem")?;
                if let Some(mut responses) = out.responses {
                    found.extend(responses.remove(&self.table).unwrap_or_default());
                }
                request = out.unprocessed_keys.and_then(|mut u| u.remove(&self.table)).filter(|k| !k.keys.is_empty());
            }
            if request.is_some() {
                return Err(anyhow::anyhow!("BatchGetItem left keys unprocessed").into());
            }
        }
        Ok(found)
    }

    /// One Query page: at most `limit` items of type `E` from `start`.
    #[tracing::instrument(skip(self, start), fields(pk = %q.pk))]
    pub async fn query<E: Stored>(
        &self,
        q: &QueryKey,
        limit: i32,
        start: &StartKey,
    ) -> Result<(Vec<E>, Option<StartKey>)> {
        let (pk_name, sk_name) = match q.index {
            None => (PK, SK),
            Some(GSI2) => (GSI2PK, GSI2SK),
            Some(_) => (GSI1PK, GSI1SK),
        };
        let mut req = self
            .db
            .query()
            .table_name(&self.table)
            .set_index_name(q.index.map(str::to_owned))
            .expression_attribute_names("#pk", pk_name)
            .expression_attribute_values(":pk", AttributeValue::S(q.pk.clone()))
            .set_exclusive_start_key(start_key(start))
            .limit(limit);
        req = match &q.sk_prefix {
            Some(prefix) => req
                .key_condition_expression("#pk = :pk AND begins_with(#sk, :sk)")
                .expression_attribute_names("#sk", sk_name)
                .expression_attribute_values(":sk", AttributeValue::S(prefix.clone())),
            None => req.key_condition_expression("#pk = :pk"),
        };
        let out = req.send().await.context("Query")?;
        let items = out
            .items
            .unwrap_or_default()
            .into_iter()
            .filter(|i| item_type(i) == Some(E::TYPE))
            .map(decode)
            .collect::<Result<Vec<E>>>()?;
        Ok((items, position_key(out.last_evaluated_key.as_ref())))
    }

    /// A page of one query, resuming from a signed cursor.
    pub async fn page<E: Stored>(&self, list: &str, q: &QueryKey, paging: &Paging) -> Result<Page<E>> {
        let list_id = format!("{list}|{}|{}", q.pk, q.sk_prefix.as_deref().unwrap_or(""));
        let at = match &paging.cursor {
            Some(c) => self.cursors.decode(&list_id, c)?,
            None => Position::default(),
        };
        let (items, next) = self.query::<E>(q, paging.limit, &at.key).await?;
        let next_cursor = next.map(|key| self.cursors.encode(&list_id, &Position { part: 0, key }));
        Ok(Page { items, next_cursor })
    }

    /// Adds the mark of this store's key to a transaction, unless another transaction
    /// carries (or carried) it: the key marked, if any.
    fn add_marker(&self, items: &mut Vec<TransactWriteItem>, failures: &mut Vec<Failure>) -> Result<Option<&InFlight>> {
        let Some(flight) = &self.in_flight else { return Ok(None) };
        let Some((write, failure)) = flight.marker()? else { return Ok(None) };
        match write.into_transact_item(&self.table) {
            Ok(item) => {
                items.push(item);
                failures.push(failure);
                Ok(Some(flight))
            }
            Err(e) => {
                flight.after_commit(false);
                Err(e)
            }
        }
    }

    /// Commits a transaction. A failed condition becomes the error its write declared.
    /// A keyed store's first committed transaction also marks its key (see [`Store::keyed`]).
    #[tracing::instrument(skip_all, fields(writes = tx.writes.len()))]
    pub async fn commit(&self, tx: Tx) -> Result<()> {
        let Tx { writes, mut failures, .. } = tx;
        let mut items = writes.into_iter().map(|w| w.into_transact_item(&self.table)).collect::<Result<Vec<_>>>()?;
        // A keyed store's first change also marks its Idempotency-Key.
        let marking = self.add_marker(&mut items, &mut failures)?;
        let result = self.db.transact_write_items().set_transact_items(Some(items)).send().await;
        if let Some(flight) = marking {
            flight.after_commit(result.is_ok());
        }
        match result {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(e)) => match e.into_err() {
                TransactWriteItemsError::TransactionCanceledException(c) => {
                    let failed =
                        c.cancellation_reasons().iter().position(|r| r.code() == Some("ConditionalCheckFailed"));
                    match failed.and_then(|i| failures.into_iter().nth(i)) {
                        Some(f) => Err(f.into_error()),
                        None => Err(Error::conflict("the change collided with another change; try again")),
                    }
                }
                other => Err(anyhow::Error::new(other).context("TransactWriteItems").into()),
            },
            Err(e) => Err(anyhow::Error::new(e).context("TransactWriteItems").into()),
        }
    }

    /// Replaces `before` by `after` — version-checked, with its audit event — when the
    /// change is the whole transaction.
    pub async fn update<E: Entity>(
        &self,
        tenant: TenantId,
        actor: Actor,
        before: &E,
        after: &E,
        version: u64,
        action: &str,
    ) -> Result<()> {
        let mut tx = Tx::new(tenant, actor);
        tx.update(before, after, version, action)?;
        self.commit(tx).await
    }

    /// Deletes `entity` — version-checked, with its audit event — when the deletion is
    /// the whole transaction.
    pub async fn delete<E: Entity>(
        &self,
        tenant: TenantId,
        actor: Actor,
        entity: &E,
        version: u64,
        action: &str,
    ) -> Result<()> {
        let mut tx = Tx::new(tenant, actor);
        tx.delete(entity, version, action)?;
        self.commit(tx).await
    }
}

/// What a failed condition on one write means for the caller.
#[derive(Debug, Clone)]
pub enum Failure {
    Conflict(String),
    NotFound,
    Stale,
    Replayed,
}

impl Failure {
    fn into_error(self) -> Error {
        match self {
            Failure::Conflict(m) => Error::Conflict(m),
            Failure::NotFound => Error::NotFound,
            Failure::Stale => Error::Changed,
            Failure::Replayed => {
                Error::conflict("another request with this Idempotency-Key took over; this one changed nothing")
            }
        }
    }
}

/// A condition on one write: the expression and the names and values it uses.
#[derive(Debug, Clone)]
pub(crate) struct Condition {
    expr: String,
    names: Vec<(&'static str, &'static str)>,
    values: Vec<(&'static str, AttributeValue)>,
}

impl Condition {
    pub(crate) fn new(expr: impl Into<String>) -> Self {
        Self { expr: expr.into(), names: Vec::new(), values: Vec::new() }
    }

    pub(crate) fn name(mut self, placeholder: &'static str, attribute: &'static str) -> Self {
        self.names.push((placeholder, attribute));
        self
    }

    pub(crate) fn value(mut self, placeholder: &'static str, value: AttributeValue) -> Self {
        self.values.push((placeholder, value));
        self
    }

    /// No item exists at the key.
    fn absent() -> Self {
        Self::new("attribute_not_exists(PK)")
    }

    /// The stored item is still at `version`.
    fn version(version: u64) -> Self {
        Self::new("#v = :v").name("#v", VERSION).value(":v", AttributeValue::N(version.to_string()))
    }

    fn names(&self) -> Option<HashMap<String, String>> {
        (!self.names.is_empty()).then(|| self.names.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
    }

    fn values(&self) -> Option<HashMap<String, AttributeValue>> {
        (!self.values.is_empty()).then(|| self.values.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect())
    }
}

enum Write {
    Put { item: Item, condition: Option<Condition> },
    Delete { key: Key, version: Option<u64> },
    Check { key: Key, exists: bool },
    CheckVersion { key: Key, version: u64 },
    Release { key: Key },
}

impl Write {
    fn into_transact_item(self, table: &str) -> Result<TransactWriteItem> {
        let b = TransactWriteItem::builder();
        let item = match self {
            Write::Put { item, condition } => {
                let mut put = Put::builder().table_name(table).set_item(Some(item));
                if let Some(c) = condition {
                    put = put
                        .condition_expression(&c.expr)
                        .set_expression_attribute_names(c.names())
                        .set_expression_attribute_values(c.values());
                }
                b.put(put.build().context("put")?)
            }
            Write::Delete { key, version } => {
                let mut del = Delete::builder().table_name(table).set_key(Some(key_item(&key)));
                del = match version {
                    Some(v) => del
                        .condition_expression("#v = :v")
                        .expression_attribute_names("#v", VERSION)
                        .expression_attribute_values(":v", AttributeValue::N(v.to_string())),
                    None => del.condition_expression("attribute_exists(PK)"),
                };
                b.delete(del.build().context("delete")?)
            }
            Write::Release { key } => {
                b.delete(Delete::builder().table_name(table).set_key(Some(key_item(&key))).build().context("release")?)
            }
            Write::CheckVersion { key, version } => b.condition_check(
                ConditionCheck::builder()
                    .table_name(table)
                    .set_key(Some(key_item(&key)))
                    .condition_expression("#v = :v")
                    .expression_attribute_names("#v", VERSION)
                    .expression_attribute_values(":v", AttributeValue::N(version.to_string()))
                    .build()
                    .context("version check")?,
            ),
            Write::Check { key, exists } => b.condition_check(
                ConditionCheck::builder()
                    .table_name(table)
                    .set_key(Some(key_item(&key)))
                    .condition_expression(if exists { "attribute_exists(PK)" } else { "attribute_not_exists(PK)" })
                    .build()
                    .context("condition check")?,
            ),
        };
        Ok(item.build())
    }
}

impl Stored for Event {
    const TYPE: &'static str = "event";
}

/// A unique value claimed with [`Tx::claim`], and who holds it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claim {
    pub owner: String,
}

impl Stored for Claim {
    const TYPE: &'static str = "claim";
}

/// An item derived from an entity ([`Entity::derived`]), encoded for writing.
pub struct Derived {
    key: Key,
    item: Item,
}

impl Derived {
    pub fn of<E: Entity>(tenant: TenantId, value: &E) -> Result<Self> {
        let keys = value.keys(tenant);
        Ok(Self { key: keys.key.clone(), item: encode(&keys, E::TYPE, value)? })
    }
}

/// Who made a change, for the audit trail: an operator, admin (Cognito `sub`) or member.
#[derive(Debug, Clone)]
pub struct Actor(pub String);

/// One transaction: the writes, each with what its failed condition means, plus an audit
/// event per change.
pub struct Tx {
    tenant: TenantId,
    actor: Actor,
    sent_to: Option<Email>,
    writes: Vec<Write>,
    failures: Vec<Failure>,
}

impl Tx {
    pub fn new(tenant: TenantId, actor: Actor) -> Self {
        Self { tenant, actor, sent_to: None, writes: Vec::new(), failures: Vec::new() }
    }

    /// The change emailed credentials or a link to `to`: its events say so (the trail
    /// shows where credentials went, whatever address the record holds).
    pub fn mailed_to(mut self, to: &Email) -> Self {
        self.sent_to = Some(to.clone());
        self
    }

    fn push(&mut self, write: Write, failure: Failure) {
        self.writes.push(write);
        self.failures.push(failure);
    }

    fn event<E: Entity>(
        &mut self,
        action: &str,
        entity_id: String,
        before: Option<&E>,
        after: Option<&E>,
    ) -> Result<()> {
        let id = ulid::Ulid::new().to_string();
        let at = now();
        let event = Event {
            id: id.clone(),
            action: action.to_owned(),
            actor: self.actor.0.clone(),
            entity_type: E::TYPE.to_owned(),
            entity_id: entity_id.clone(),
            at,
            before: before.map(serde_json::to_value).transpose().context("event before")?,
            after: after.map(serde_json::to_value).transpose().context("event after")?,
            sent_to: self.sent_to.clone(),
            expires_at: at.saturating_add(time::Duration::days(EVENT_RETENTION_DAYS)).unix_timestamp(),
        };
        let mut item = encode(&keys::event_keys(self.tenant, &id, &entity_id, &self.actor.0), Event::TYPE, &event)?;
        if let Some(customer) = after.or(before).and_then(Entity::trail) {
            let trail = keys::event_trail_key(self.tenant, customer, &id);
            item.insert(keys::GSI3PK.into(), AttributeValue::S(trail.pk));
            item.insert(keys::GSI3SK.into(), AttributeValue::S(trail.sk));
        }
        self.push(Write::Put { item, condition: None }, Failure::Conflict("duplicate event".into()));
        Ok(())
    }

    /// Creates `value`; fails with `conflict` if an item with its key exists.
    pub fn create<E: Entity>(&mut self, value: &E, action: &str, conflict: &str) -> Result<()> {
        let item = encode(&value.keys(self.tenant), E::TYPE, value)?;
        self.push(Write::Put { item, condition: Some(Condition::absent()) }, Failure::Conflict(conflict.to_owned()));
        self.keep_derived(None, Some(value))?;
        self.event(action, value.entity_id(), None, Some(value))
    }

    /// Replaces `before` by `after`, only if the stored version is still `version`.
    pub fn update<E: Entity>(&mut self, before: &E, after: &E, version: u64, action: &str) -> Result<()> {
        let item = encode(&after.keys(self.tenant), E::TYPE, after)?;
        self.push(Write::Put { item, condition: Some(Condition::version(version)) }, Failure::Stale);
        self.keep_derived(Some(before), Some(after))?;
        self.event(action, after.entity_id(), Some(before), Some(after))
    }

    /// Deletes `before`, only if the stored version is still `version`.
    pub fn delete<E: Entity>(&mut self, before: &E, version: u64, action: &str) -> Result<()> {
        self.push(Write::Delete { key: before.keys(self.tenant).key, version: Some(version) }, Failure::Stale);
        self.keep_derived(Some(before), None)?;
        self.event(action, before.entity_id(), Some(before), None)
    }

    /// Writes what `after` derives and removes what only `before` derived.
    fn keep_derived<E: Entity>(&mut self, before: Option<&E>, after: Option<&E>) -> Result<()> {
        let now = after.map(|a| a.derived(self.tenant)).transpose()?.unwrap_or_default();
        let then = before.map(|b| b.derived(self.tenant)).transpose()?.unwrap_or_default();
        for gone in then.into_iter().filter(|t| !now.iter().any(|n| n.key == t.key)) {
            self.remove(gone.key);
        }
        for item in now {
            self.push(Write::Put { item: item.item, condition: None }, Failure::Conflict("the change collided".into()));
        }
        Ok(())
    }

    /// Writes `value` whatever is there (derived items kept with their entity, say an
    /// unpaid invoice's open-invoice entry); no audit event of its own.
    pub fn put<E: Entity>(&mut self, value: &E) -> Result<()> {
        let item = encode(&value.keys(self.tenant), E::TYPE, value)?;
        self.push(Write::Put { item, condition: None }, Failure::Conflict("the change collided".into()));
        Ok(())
    }

    /// Writes `value` only if the stored one is still at `version` (`None`: only if there
    /// is none); fails with `conflict` otherwise. No audit event of its own (a lock kept
    /// with the change it guards, say).
    pub fn put_if<E: Entity>(&mut self, value: &E, version: Option<u64>, conflict: &str) -> Result<()> {
        let item = encode(&value.keys(self.tenant), E::TYPE, value)?;
        let condition = version.map_or_else(Condition::absent, Condition::version);
        self.push(Write::Put { item, condition: Some(condition) }, Failure::Conflict(conflict.to_owned()));
        Ok(())
    }

    /// Deletes the item at `key` if there is one (a derived item kept with its entity,
    /// say a message's post to a group no longer addressed); no audit event of its own.
    pub fn remove(&mut self, key: Key) {
        self.push(Write::Release { key }, Failure::Conflict("the change collided".into()));
    }

    /// Fails with `NotFound` unless the item at `key` exists when the transaction runs.
    pub fn require(&mut self, key: Key) {
        self.push(Write::Check { key, exists: true }, Failure::NotFound);
    }

    /// Fails with `conflict` unless `entity` is still at `version` when the transaction
    /// runs: a decision that rests on another record (say, "someone else stays admin")
    /// holds only if that record did not change meanwhile.
    pub fn require_unchanged<E: Entity>(&mut self, entity: &E, version: u64, conflict: &str) {
        let key = entity.keys(self.tenant).key;
        self.push(Write::CheckVersion { key, version }, Failure::Conflict(conflict.to_owned()));
    }

    /// Fails with `conflict` if the item at `key` exists when the transaction runs.
    pub fn require_absent(&mut self, key: Key, conflict: &str) {
        self.push(Write::Check { key, exists: false }, Failure::Conflict(conflict.to_owned()));
    }

    /// Claims a unique value (say, an email address within a tenant) for `owner`; fails
    /// with `conflict` if another owner holds it.
    pub fn claim(&mut self, key: Key, owner: &str, conflict: &str) {
        let mut item = key_item(&key);
        item.insert(TYPE.into(), AttributeValue::S("claim".into()));
        item.insert("owner".into(), AttributeValue::S(owner.to_owned()));
        self.push(Write::Put { item, condition: Some(Condition::absent()) }, Failure::Conflict(conflict.to_owned()));
    }

    /// Releases a claim made with [`Tx::claim`].
    pub fn release(&mut self, key: Key) {
        self.push(Write::Release { key }, Failure::Conflict("the claim changed".into()));
    }
}
