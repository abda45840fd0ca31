//! Report cells: the aggregates the nine KPI reports read (`domain::report`).
//!
//! - The stream adds each event's change once: one transaction puts the event's
//!   *applied* mark (only if absent) and `ADD`s the change to each cell it touches; a
//!   replayed event finds its mark and adds nothing. `ADD` commutes, so events applied
//!   out of order, or by two consumers at once, still sum to the same cells.
//! - A report reads one customer's cells with one paged Query per customer: the months
//!   of its period (a key range) or the cells of now.
//! - The rebuild sums every record's contributions afresh, customer by customer (paged
//!   Queries of the customer's jobs, quotes and assets — never a Scan), and compares
//!   them with what is stored; with `write` it replaces what differs.

use std::collections::HashMap;

use anyhow::Context as _;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};

use super::keys::{self, Key, EXPIRES_AT, PK, SK, TYPE};
use super::{StartKey, Store};
use crate::domain::asset::Asset;
use crate::domain::customer::Customer;
use crate::domain::ids::{CustomerId, TenantId};
use crate::domain::job::Job;
use crate::domain::quote::Quote;
use crate::domain::report::{contributions, Cell, Cells, Counters, Month, Record};
use crate::domain::tenant::now;
use crate::error::Result;

/// The item type of a report cell.
pub const CELL: &str = "report_cell";
/// How long an event's applied mark is kept: far longer than the stream keeps records
/// (24 hours) plus its retries, so a replay always finds it.
pub const APPLIED_RETENTION_DAYS: i64 = 7;
/// Records asked for per Query page by the rebuild: more than fit in DynamoDB's 1 MB
/// page, so each page is as full as DynamoDB makes it.
const PAGE: i32 = 5_000;

/// What applying an event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// The change was added to its cells.
    Added,
    /// The event changed no counter (nothing written).
    Nothing,
    /// Added before: a replay.
    Replayed,
}

/// Which of a customer's cells to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// The monthly cells from one month to another (both included).
    Months(Month, Month),
    /// The cells of now.
    Now,
    /// Every cell (the rebuild's comparison).
    All,
}

/// Cells read, and how many items that took (the report's cost).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Read {
    pub cells: Cells,
    pub items: u32,
    pub queries: u32,
}

/// What a rebuild found (and, with `write`, mended).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Rebuild {
    pub customers: u32,
    pub records: u64,
    /// Cells the records call for.
    pub cells: u32,
    /// Cells stored differently from what the records call for (missing, extra, or
    /// with other counts).
    pub drifted: u32,
    pub written: bool,
}

fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

fn key_item(key: &Key) -> HashMap<String, AttributeValue> {
    HashMap::from([(PK.to_owned(), s(&key.pk)), (SK.to_owned(), s(&key.sk))])
}

/// The counters of a stored cell: its number attributes, zeros left out.
fn counters_of(item: &HashMap<String, AttributeValue>) -> Counters {
    item.iter()
        .filter(|(k, _)| !matches!(k.as_str(), PK | SK | TYPE))
        .filter_map(|(k, v)| Some((k.clone(), v.as_n().ok()?.parse::<i64>().ok()?)))
        .filter(|(_, n)| *n != 0)
        .collect()
}

impl Store {
    /// Adds one event's change to the report cells, once.
    #[tracing::instrument(skip(self, delta), fields(cells = delta.0.len()))]
    pub async fn apply_report_change(&self, tenant: TenantId, event_id: &str, delta: &Cells) -> Result<Applied> {
        if delta.is_empty() {
            return Ok(Applied::Nothing);
        }
        let mut mark = key_item(&keys::report_applied_key(tenant, event_id));
        mark.insert(TYPE.into(), s("report_applied"));
        let expires = now().saturating_add(time::Duration::days(APPLIED_RETENTION_DAYS)).unix_timestamp();
        mark.insert(EXPIRES_AT.into(), AttributeValue::N(expires.to_string()));
        let mut items = vec![TransactWriteItem::builder()
            .put(
                Put::builder()
                    .table_name(&self.table)
                    .set_item(Some(mark))
                    .condition_expression("attribute_not_exists(PK)")
                    .build()
                    .context("applied mark")?,
            )
            .build()];
        for (cell, counters) in &delta.0 {
            let mut update = Update::builder()
                .table_name(&self.table)
                .set_key(Some(key_item(&keys::report_cell_key(tenant, cell))))
                .expression_attribute_names("#type", TYPE)
                .expression_attribute_values(":type", s(CELL));
            let mut adds = Vec::new();
            for (i, (name, n)) in counters.iter().enumerate() {
                adds.push(format!("#c{i} :n{i}"));
                update = update
                    .expression_attribute_names(format!("#c{i}"), name)
                    .expression_attribute_values(format!(":n{i}"), AttributeValue::N(n.to_string()));
            }
            let update = update.update_expression(format!("SET #type = :type ADD {}", adds.join(", ")));
            items.push(TransactWriteItem::builder().update(update.build().context("cell update")?).build());
        }
        match self.db.transact_write_items().set_transact_items(Some(items)).send().await {
            Ok(_) => Ok(Applied::Added),
            Err(SdkError::ServiceError(e)) => match e.into_err() {
                TransactWriteItemsError::TransactionCanceledException(c)
                    if c.cancellation_reasons().first().and_then(|r| r.code()) == Some("ConditionalCheckFailed") =>
                {
                    Ok(Applied::Replayed)
                }
                other => Err(anyhow::Error::new(other).context("TransactWriteItems (report cells)").into()),
            },
            Err(e) => Err(anyhow::Error::new(e).context("TransactWriteItems (report cells)").into()),
        }
    }

    /// One customer's cells of `span`, in one paged Query.
    #[tracing::instrument(skip(self))]
    pub async fn report_cells(&self, tenant: TenantId, customer: CustomerId, span: Span) -> Result<Read> {
        let pk = keys::report_cells(tenant, customer).pk;
        let mut read = Read::default();
        let mut start: Option<HashMap<String, AttributeValue>> = None;
        loop {
            let mut q = self
                .db
                .query()
                .table_name(&self.table)
                .expression_attribute_values(":pk", s(&pk))
                .set_exclusive_start_key(start.take());
            q = match span {
                Span::Months(from, to) => {
                    let (lo, hi) = Cell::month_range(from, to);
                    q.key_condition_expression("PK = :pk AND SK BETWEEN :lo AND :hi")
                        .expression_attribute_values(":lo", s(lo))
                        .expression_attribute_values(":hi", s(hi))
                }
                Span::Now => q
                    .key_condition_expression("PK = :pk AND begins_with(SK, :now)")
                    .expression_attribute_values(":now", s(Cell::NOW_PREFIX)),
                Span::All => q.key_condition_expression("PK = :pk"),
            };
            let out = q.send().await.context("Query (report cells)")?;
            read.queries += 1;
            for item in out.items() {
                read.items += 1;
                let Some(cell) =
                    item.get(SK).and_then(|v| v.as_s().ok()).and_then(|sk| Cell::from_sort_key(customer, sk))
                else {
                    continue;
                };
                for (name, n) in counters_of(item) {
                    read.cells.add(cell, name, n);
                }
            }
            match out.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => return Ok(read),
            }
        }
    }

    /// Every record of type `E` in one partition, page by page, into `into`.
    async fn sum_records<E: keys::Stored>(
        &self,
        q: &keys::QueryKey,
        wrap: fn(E) -> Record,
        into: &mut Cells,
    ) -> Result<u64> {
        let mut start = StartKey::new();
        let mut n = 0;
        loop {
            let (items, next) = self.query::<E>(q, PAGE, &start).await?;
            n += items.len() as u64;
            for item in items {
                into.merge(&contributions(&wrap(item)), 1);
            }
            match next {
                Some(k) if !k.is_empty() => start = k,
                _ => return Ok(n),
            }
        }
    }

    /// What one customer's records call for: the sum of their contributions.
    pub async fn recompute_cells(&self, tenant: TenantId, customer: CustomerId) -> Result<(Cells, u64)> {
        let mut cells = Cells::default();
        let mut n = self
            .sum_records::<Job>(&keys::jobs_of_customer(tenant, customer), |j| Record::Job(Box::new(j)), &mut cells)
            .await?;
        n += self
            .sum_records::<Quote>(
                &keys::quotes_of_customer(tenant, customer),
                |q| Record::Quote(Box::new(q)),
                &mut cells,
            )
            .await?;
        n += self
            .sum_records::<Asset>(
                &keys::assets_of_customer(tenant, customer),
                |a| Record::Asset(Box::new(a)),
                &mut cells,
            )
            .await?;
        Ok((cells, n))
    }

    /// Recomputes every report cell of the tenant from its records and compares them
    /// with the stored ones; with `write`, stores what the records call for (cells that
    /// differ are replaced whole, cells no record calls for are deleted).
    #[tracing::instrument(skip(self))]
    pub async fn rebuild_reports(&self, tenant: TenantId, write: bool) -> Result<Rebuild> {
        let mut summary = Rebuild { written: write, ..Rebuild::default() };
        let mut start = StartKey::new();
        loop {
            let (customers, next) = self.query::<Customer>(&keys::all_customers(tenant), PAGE, &start).await?;
            for customer in customers {
                summary.customers += 1;
                let (expected, records) = self.recompute_cells(tenant, customer.id).await?;
                summary.records += records;
                summary.cells += expected.0.len() as u32;
                let stored = self.report_cells(tenant, customer.id, Span::All).await?.cells;
                let mut cells: Vec<&Cell> = expected.0.keys().chain(stored.0.keys()).collect();
                cells.sort();
                cells.dedup();
                for cell in cells {
                    let want = expected.0.get(cell);
                    if want == stored.0.get(cell) {
                        continue;
                    }
                    summary.drifted += 1;
                    if write {
                        self.store_cell(tenant, cell, want).await?;
                    }
                }
            }
            match next {
                Some(k) if !k.is_empty() => start = k,
                _ => return Ok(summary),
            }
        }
    }

    /// Stores `cells` whole, each replacing what is stored (a back-fill computed
    /// elsewhere from the same contributions; the rebuild stores cell by cell).
    pub async fn put_cells(&self, tenant: TenantId, cells: &Cells) -> Result<()> {
        for (cell, counters) in &cells.0 {
            self.store_cell(tenant, cell, Some(counters)).await?;
        }
        Ok(())
    }

    /// Replaces one cell whole (or deletes it when nothing calls for it).
    async fn store_cell(&self, tenant: TenantId, cell: &Cell, counters: Option<&Counters>) -> Result<()> {
        let key = key_item(&keys::report_cell_key(tenant, cell));
        match counters {
            Some(counters) => {
                let mut item = key;
                item.insert(TYPE.into(), s(CELL));
                item.extend(counters.iter().map(|(k, n)| (k.clone(), AttributeValue::N(n.to_string()))));
                self.db
                    .put_item()
                    .table_name(&self.table)
                    .set_item(Some(item))
                    .send()
                    .await
                    .context("PutItem (cell)")?;
            }
            None => {
                self.db
                    .delete_item()
                    .table_name(&self.table)
                    .set_key(Some(key))
                    .send()
                    .await
                    .context("DeleteItem (cell)")?;
            }
        }
        Ok(())
    }
}
