//! The table's stream, read locally as Lambda's event sources read it in AWS: records in
//! Lambda's event shape, filtered by a consumer's pattern (the one in the template),
//! handed to its handler — the notifier's, the report aggregator's — a failed record
//! retried a bounded number of times.

use std::time::Duration;

use anyhow::Context as _;
use aws_lambda_events::event::dynamodb::Event as StreamEvent;
use aws_lambda_events::event::streams::DynamoDbEventResponse;
use aws_sdk_dynamodbstreams::types::{Record, ShardIteratorType};
use portico_functions::aggregator;
use portico_functions::notifier::{self, Tally};
use portico_functions::webhooks;
use serde_json::{json, Value};

use crate::stack::Aws;

/// How often a failed record is retried before it would go to the on-failure queue
/// (the template's `MaximumRetryAttempts`).
pub const MAX_RETRIES: u32 = 5;

/// Reads new records of the table's stream.
///
/// Each read asks for a fresh iterator after the last sequence number seen, rather than
/// following `NextShardIterator`: moto answers a failed transaction by restoring a copy
/// of the table, and an iterator taken before that would read a stream that no longer
/// grows (a 409 in `make dev` would silence the notifier for good).
pub struct Stream {
    client: aws_sdk_dynamodbstreams::Client,
    arn: String,
    /// Per shard (moto keeps one per table): the last sequence number read, if any.
    shards: Vec<(String, Option<String>)>,
}

impl Stream {
    /// Opens the table's stream at its end: what happens from now on.
    pub async fn open(aws: &Aws, table: &str) -> anyhow::Result<Self> {
        let described = aws.dynamodb().describe_table().table_name(table).send().await.context("DescribeTable")?;
        let arn = described.table().and_then(|t| t.latest_stream_arn()).context("the table has no stream")?.to_owned();
        let client = aws.streams();
        let stream = client.describe_stream().stream_arn(&arn).send().await.context("DescribeStream")?;
        let ids: Vec<String> = stream
            .stream_description()
            .map(|d| d.shards())
            .unwrap_or_default()
            .iter()
            .filter_map(|s| s.shard_id().map(str::to_owned))
            .collect();
        let mut opened = Self { client, arn, shards: ids.into_iter().map(|id| (id, None)).collect() };
        // Skip what is there already: read to the end, keeping only the position.
        opened.read().await?;
        Ok(opened)
    }

    /// Every record after the last one read, in Lambda's event shape.
    async fn read(&mut self) -> anyhow::Result<Vec<Value>> {
        let mut records = Vec::new();
        for (shard, last) in &mut self.shards {
            loop {
                let request = self.client.get_shard_iterator().stream_arn(&self.arn).shard_id(shard.as_str());
                let request = match last.as_deref() {
                    Some(seq) => {
                        request.shard_iterator_type(ShardIteratorType::AfterSequenceNumber).sequence_number(seq)
                    }
                    None => request.shard_iterator_type(ShardIteratorType::TrimHorizon),
                };
                let it = request.send().await.context("GetShardIterator")?;
                let Some(it) = it.shard_iterator() else { break };
                let out = self.client.get_records().shard_iterator(it).send().await.context("GetRecords")?;
                if out.records().is_empty() {
                    break;
                }
                if let Some(seq) = out.records().last().and_then(|r| r.dynamodb()).and_then(|d| d.sequence_number()) {
                    *last = Some(seq.to_owned());
                }
                records.extend(out.records().iter().map(|r| lambda_record(r, &self.arn)));
            }
        }
        Ok(records)
    }

    /// The records written since the last call, in Lambda's event shape, that the
    /// notifier's filter lets through.
    pub async fn next_batch(&mut self) -> anyhow::Result<StreamEvent> {
        self.next_batch_for(notifier::STREAM_FILTER).await
    }

    /// The records written since the last call that `filter` (an event source's
    /// pattern) lets through.
    pub async fn next_batch_for(&mut self, filter: &str) -> anyhow::Result<StreamEvent> {
        let records = self.read().await?;
        let filter: Value = serde_json::from_str(filter).context("the filter is JSON")?;
        let records: Vec<Value> = records.into_iter().filter(|r| matches(&filter, r)).collect();
        serde_json::from_value(json!({ "Records": records })).context("the stream batch as Lambda gives it")
    }
}

/// A stream record as Lambda's DynamoDB event carries it.
fn lambda_record(r: &Record, arn: &str) -> Value {
    let image = |i: Option<&std::collections::HashMap<String, aws_sdk_dynamodbstreams::types::AttributeValue>>| {
        i.map(|m| serde_json::to_value(serde_dynamo::Item::from(m.clone())).unwrap_or(Value::Null))
    };
    let d = r.dynamodb();
    json!({
        "eventID": r.event_id(),
        "eventName": r.event_name().map(|n| n.as_str()),
        "eventVersion": r.event_version(),
        "eventSource": r.event_source(),
        "awsRegion": r.aws_region(),
        "eventSourceARN": arn,
        "dynamodb": {
            "ApproximateCreationDateTime": d.and_then(|d| d.approximate_creation_date_time()).map(|t| t.secs()),
            "Keys": image(d.and_then(|d| d.keys.as_ref())),
            "NewImage": image(d.and_then(|d| d.new_image.as_ref())),
            "OldImage": image(d.and_then(|d| d.old_image.as_ref())),
            "SequenceNumber": d.and_then(|d| d.sequence_number()),
            "SizeBytes": d.and_then(|d| d.size_bytes()).unwrap_or(0),
            "StreamViewType": d.and_then(|d| d.stream_view_type()).map(|v| v.as_str()),
        },
    })
}

/// Whether `record` matches an event filter pattern of the kind the notifier uses:
/// objects nest, and a list names the values a field may have (exact matches).
pub fn matches(pattern: &Value, record: &Value) -> bool {
    match pattern {
        Value::Object(fields) => fields.iter().all(|(k, p)| record.get(k).is_some_and(|v| matches(p, v))),
        Value::Array(allowed) => allowed.contains(record),
        other => other == record,
    }
}

/// Hands a batch to a handler as Lambda would: a reported failure is retried from that
/// record, at most [`MAX_RETRIES`] times (in AWS the record then goes to the on-failure
/// queue; locally it is logged). Returns each attempt's tally.
async fn retrying<T, F, Fut>(mut batch: StreamEvent, mut handle: F) -> Vec<T>
where
    F: FnMut(StreamEvent) -> Fut,
    Fut: std::future::Future<Output = (DynamoDbEventResponse, T)>,
{
    let mut tallies = Vec::new();
    for attempt in 0..=MAX_RETRIES {
        if batch.records.is_empty() {
            break;
        }
        let (response, tally) = handle(batch.clone()).await;
        tallies.push(tally);
        let Some(failed) = response.batch_item_failures.first().and_then(|f| f.item_identifier.clone()) else {
            break;
        };
        let from = batch.records.iter().position(|r| r.change.sequence_number.as_deref() == Some(failed.as_str()));
        batch.records = batch.records.split_off(from.unwrap_or(0));
        if attempt == MAX_RETRIES {
            tracing::error!(
                sequence_number = failed,
                "retries exhausted: in AWS this record goes to the on-failure queue"
            );
        }
    }
    tallies
}

/// Hands a batch to the notifier as Lambda would (see [`retrying`]).
pub async fn deliver(app: &portico::App, batch: StreamEvent) -> Tally {
    let mut total = Tally::default();
    for t in retrying(batch, |b| notifier::handle(app, b)).await {
        total.add(&t);
    }
    total
}

/// Hands a batch to the report aggregator as Lambda would (see [`retrying`]).
pub async fn aggregate(app: &portico::App, batch: StreamEvent) -> aggregator::Tally {
    let mut total = aggregator::Tally::default();
    for t in retrying(batch, |b| aggregator::handle(app, b)).await {
        total.add(&t);
    }
    total
}

/// Hands a batch to the webhooks function as Lambda would (see [`retrying`]).
pub async fn deliver_webhooks(app: &portico::App, batch: StreamEvent) -> webhooks::Tally {
    let mut total = webhooks::Tally::default();
    for t in retrying(batch, |b| webhooks::handle(app, b)).await {
        total.add(&t);
    }
    total
}

/// How often `make dev` runs the webhook retry sweep (a minute in AWS): the back-off's
/// first step is a minute, so a retry is at most this late.
const SWEEP_EVERY: Duration = Duration::from_secs(10);

/// `make dev`: delivers the back office's events to its webhook subscriptions, polling
/// the stream every half second, and runs the retry sweep as the schedule does in AWS.
pub async fn run_webhooks(mut stream: Stream, app: &'static portico::App) {
    let mut swept_at = std::time::Instant::now();
    loop {
        if swept_at.elapsed() >= SWEEP_EVERY {
            swept_at = std::time::Instant::now();
            match webhooks::sweep(app, portico::domain::tenant::now()).await {
                Ok(s) if s.attempts > 0 => println!("webhooks: {} retried, {} delivered", s.attempts, s.delivered),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "the webhook retry sweep"),
            }
        }
        match stream.next_batch_for(webhooks::STREAM_FILTER).await {
            Ok(batch) if !batch.records.is_empty() => {
                let tally = deliver_webhooks(app, batch).await;
                if tally.attempts > 0 {
                    println!(
                        "webhooks: {} delivered, {} failed (retried on the schedule)",
                        tally.delivered, tally.failed
                    );
                }
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %format!("{e:#}"), "reading the table's stream for the webhooks"),
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// `make dev`: keeps the report cells current — from before the demo data is seeded, so
/// its history counts too — polling the stream every half second.
pub async fn run_reports(mut stream: Stream, app: &'static portico::App) {
    loop {
        match stream.next_batch_for(aggregator::STREAM_FILTER).await {
            Ok(batch) if !batch.records.is_empty() => {
                aggregate(app, batch).await;
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %format!("{e:#}"), "reading the table's stream for the reports"),
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// `make dev`: polls the stream every half second and hands what it finds to the
/// notifier, so an action in the portal shows its emails in `make mail` within seconds.
pub async fn run(aws: Aws, table: String, app: &'static portico::App) {
    let mut stream = match Stream::open(&aws, &table).await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "the local notifier could not open the table's stream");
            return;
        }
    };
    loop {
        match stream.next_batch().await {
            Ok(batch) if !batch.records.is_empty() => {
                let tally = deliver(app, batch).await;
                if tally.notices > 0 {
                    println!(
                        "notifier: {} notice(s), {} email(s) sent, {} refused (make mail shows them)",
                        tally.notices, tally.sent, tally.failed
                    );
                }
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %format!("{e:#}"), "reading the table's stream"),
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_lets_through_new_event_items_about_what_notifies() {
        let filter: Value = serde_json::from_str(notifier::STREAM_FILTER).unwrap();
        let record = |name: &str, kind: &str, entity: &str| json!({"eventName": name, "dynamodb": {"NewImage": {"type": {"S": kind}, "entity_type": {"S": entity}}}});
        assert!(matches(&filter, &record("INSERT", "event", "job")));
        assert!(matches(&filter, &record("INSERT", "event", "message")));
        assert!(!matches(&filter, &record("MODIFY", "event", "job")));
        assert!(!matches(&filter, &record("INSERT", "job", "job")));
        assert!(!matches(&filter, &record("INSERT", "event", "site")));
        assert!(!matches(&filter, &json!({"eventName": "INSERT"})));
    }

    #[test]
    fn the_template_filters_the_stream_with_the_notifiers_pattern() {
        let template = std::fs::read_to_string(crate::workspace_root().join("infra/template.yaml")).unwrap();
        let compact = serde_json::to_string(&serde_json::from_str::<Value>(notifier::STREAM_FILTER).unwrap()).unwrap();
        assert_eq!(compact, notifier::STREAM_FILTER, "written compact, as in the template");
        assert!(template.contains(&format!("- Pattern: '{compact}'")), "the template's FilterCriteria differ");
    }

    #[test]
    fn the_template_filters_the_stream_with_the_webhooks_pattern() {
        let template = std::fs::read_to_string(crate::workspace_root().join("infra/template.yaml")).unwrap();
        let compact = serde_json::to_string(&serde_json::from_str::<Value>(webhooks::STREAM_FILTER).unwrap()).unwrap();
        assert_eq!(compact, webhooks::STREAM_FILTER, "written compact, as in the template");
        assert!(template.contains(&format!("- Pattern: '{compact}'")), "the template's FilterCriteria differ");
        let filter: Value = serde_json::from_str(webhooks::STREAM_FILTER).unwrap();
        let record = |kind: &str, entity: &str| json!({"eventName": "INSERT", "dynamodb": {"NewImage": {"type": {"S": kind}, "entity_type": {"S": entity}}}});
        for entity in ["work_request", "quote", "note", "member", "contact", "receipt"] {
            assert!(matches(&filter, &record("event", entity)), "{entity}");
        }
        assert!(!matches(&filter, &record("event", "job")));
        assert!(!matches(&filter, &record("webhook_delivery", "quote")));
    }

    #[test]
    fn the_template_filters_the_stream_with_the_aggregators_pattern() {
        let template = std::fs::read_to_string(crate::workspace_root().join("infra/template.yaml")).unwrap();
        let compact =
            serde_json::to_string(&serde_json::from_str::<Value>(aggregator::STREAM_FILTER).unwrap()).unwrap();
        assert_eq!(compact, aggregator::STREAM_FILTER, "written compact, as in the template");
        assert!(template.contains(&format!("- Pattern: '{compact}'")), "the template's FilterCriteria differ");
        let filter: Value = serde_json::from_str(aggregator::STREAM_FILTER).unwrap();
        let record = |kind: &str, entity: &str| json!({"eventName": "INSERT", "dynamodb": {"NewImage": {"type": {"S": kind}, "entity_type": {"S": entity}}}});
        assert!(matches(&filter, &record("event", "asset")));
        assert!(!matches(&filter, &record("event", "invoice")));
        assert!(!matches(&filter, &record("report_cell", "job")));
    }
}
