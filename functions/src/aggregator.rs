//! The report aggregator: keeps the KPI reports' cells current from the table's stream.
//!
//! Lambda hands it batches of new event items about jobs, quotes and assets
//! ([`STREAM_FILTER`], the same pattern in the template and the local poller). Each
//! event carries the record before and after the change; the aggregator adds
//! `contributions(after) − contributions(before)` to the cells they touch
//! (`domain::report`) — a job moving to completed, a quote decided or re-issued, an asset
//! moved to another site, a deletion — in one transaction with the event's *applied*
//! mark, so a replayed record adds nothing (`store::reports`). A record that fails is
//! reported as the batch's item failure: Lambda retries from it (bounded, bisected, then
//! the on-failure queue), and `portico-local reports-rebuild` recomputes from the records.

use aws_lambda_events::event::dynamodb::{Event as StreamEvent, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use portico::domain::asset::Asset;
use portico::domain::job::Job;
use portico::domain::quote::Quote;
use portico::domain::report::{contributions, Cells, Record};
use portico::store::keys::{self, Stored};
use portico::store::reports::Applied;
use portico::store::Event;
use portico::{App, Result};
use serde_json::Value;

/// The stream records the aggregator is given: new event items about what reports
/// count. The template's event source filter and the local poller use this pattern.
pub const STREAM_FILTER: &str = r#"{"eventName":["INSERT"],"dynamodb":{"NewImage":{"type":{"S":["event"]},"entity_type":{"S":["job","quote","asset"]}}}}"#;

/// What one batch did, for logs, metrics and tests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tally {
    /// Events whose change was added to the cells.
    pub added: u32,
    /// Events that changed no counter (say, a job's description).
    pub unchanged: u32,
    /// Events added before: replays.
    pub replayed: u32,
}

impl Tally {
    pub fn add(&mut self, other: &Tally) {
        self.added += other.added;
        self.unchanged += other.unchanged;
        self.replayed += other.replayed;
    }
}

/// Handles one batch, records in order; the first record that fails is reported (Lambda
/// retries from it; the records before it are applied and marked).
pub async fn handle(app: &App, batch: StreamEvent) -> (DynamoDbEventResponse, Tally) {
    let mut tally = Tally::default();
    let mut response = DynamoDbEventResponse::default();
    for record in &batch.records {
        match process(app, record).await {
            Ok(Some(Applied::Added)) => tally.added += 1,
            Ok(Some(Applied::Replayed)) => tally.replayed += 1,
            Ok(Some(Applied::Nothing) | None) => tally.unchanged += 1,
            Err(e) => {
                tracing::error!(error = %e, "a stream record could not be added to the reports");
                let mut failure = DynamoDbBatchItemFailure::default();
                failure.item_identifier = record.change.sequence_number.clone();
                response.batch_item_failures.push(failure);
                break;
            }
        }
    }
    portico::observability::metric("ReportChangesAdded", f64::from(tally.added), "Count");
    tracing::info!(
        records = batch.records.len(),
        added = tally.added,
        unchanged = tally.unchanged,
        replayed = tally.replayed,
        "report batch handled"
    );
    (response, tally)
}

/// One state of a record, from an event's `before` or `after`.
fn record(entity_type: &str, value: Option<&Value>) -> Result<Option<Record>> {
    let Some(v) = value else { return Ok(None) };
    let parse = |v: &Value| -> Result<Record> {
        Ok(match entity_type {
            t if t == Job::TYPE => {
                Record::Job(Box::new(serde_json::from_value(v.clone()).map_err(anyhow::Error::from)?))
            }
            t if t == Quote::TYPE => {
                Record::Quote(Box::new(serde_json::from_value(v.clone()).map_err(anyhow::Error::from)?))
            }
            _ => Record::Asset(Box::new(serde_json::from_value::<Asset>(v.clone()).map_err(anyhow::Error::from)?)),
        })
    };
    Ok(Some(parse(v)?))
}

/// What an event changes in the cells: the after state's contributions less the before's.
pub fn change(event: &Event) -> Result<Option<Cells>> {
    if ![Job::TYPE, Quote::TYPE, Asset::TYPE].contains(&event.entity_type.as_str()) {
        return Ok(None);
    }
    let of = |r: Option<Record>| r.as_ref().map(contributions).unwrap_or_default();
    let before = of(record(&event.entity_type, event.before.as_ref())?);
    let after = of(record(&event.entity_type, event.after.as_ref())?);
    Ok(Some(Cells::delta(&before, &after)))
}

async fn process(app: &App, record: &EventRecord) -> Result<Option<Applied>> {
    let image = &record.change.new_image;
    let Some(serde_dynamo::AttributeValue::S(pk)) = image.get(keys::PK) else { return Ok(None) };
    let Some(tenant) = keys::event_tenant(pk) else { return Ok(None) };
    let event: Event = serde_dynamo::from_item(image.clone()).map_err(anyhow::Error::from)?;
    let Some(delta) = change(&event)? else { return Ok(None) };
    Ok(Some(app.store.apply_report_change(tenant, &event.id, &delta).await?))
}
