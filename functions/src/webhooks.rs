//! Webhook deliveries from the table's stream (`PORTICO_TRIGGER=webhooks`).
//!
//! Lambda hands the function batches of stream records, filtered to new audit events of
//! the kinds the back office hears of ([`STREAM_FILTER`], the same pattern in the
//! template and the local poller). Per record: map the event
//! (`domain::integration_event`), and deliver each integration event to every active
//! subscription of the tenant that wants its type — claimed first per (subscription,
//! event), so a replayed record sends nothing new (`store::webhooks`). Each attempt is
//! kept on the delivery (the delivery log); a failed one is due again on the schedule
//! (`domain::webhook::RETRY_AFTER_SECONDS`): the function's other event, a schedule,
//! runs [`sweep`], which attempts every delivery due. A subscription that has failed for
//! days is paused (`Webhook::note`).

use aws_lambda_events::event::dynamodb::{Event as StreamEvent, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use portico::domain::ids::{DeliveryId, TenantId, WebhookId};
use portico::domain::integration_event::integration_events;
use portico::domain::settings::Settings;
use portico::domain::staff::{Staff, StaffStatus};
use portico::domain::tenant::{now, Timestamp};
use portico::domain::text::Locale;
use portico::domain::webhook::{Delivery, DeliveryState, Webhook, WebhookSecrets, WebhookStatus, PAUSE_AFTER_DAYS};
use portico::mail::webhook_paused::Paused;
use portico::mail::Brand;
use portico::store::keys;
use portico::store::{Actor, Event, Tx};
use portico::webhooks::{send, Outgoing};
use portico::{App, Error, Result};

/// The stream records the webhooks function is given: new audit events about what the
/// back office hears of (`integration_events` decides which of them it maps).
pub const STREAM_FILTER: &str = r#"{"eventName":["INSERT"],"dynamodb":{"NewImage":{"type":{"S":["event"]},"entity_type":{"S":["work_request","quote","note","member","contact","receipt"]}}}}"#;

/// Who pauses a failing subscription, in the trail.
pub const ACTOR: &str = "system:webhooks";

/// What one batch did, for logs and tests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tally {
    /// Integration events the records mapped to.
    pub events: u32,
    /// First attempts made.
    pub attempts: u32,
    pub delivered: u32,
    /// First attempts that failed (each due again on the schedule).
    pub failed: u32,
    /// Deliveries an earlier handling of the same record had claimed: nothing sent.
    pub duplicates: u32,
}

impl Tally {
    pub fn add(&mut self, o: &Tally) {
        self.events += o.events;
        self.attempts += o.attempts;
        self.delivered += o.delivered;
        self.failed += o.failed;
        self.duplicates += o.duplicates;
    }
}

/// Handles one batch, records in order; a record that could not be handled (the table
/// failing) is reported, and Lambda retries from it — what it had delivered is claimed
/// and is not sent again.
pub async fn handle(app: &App, batch: StreamEvent) -> (DynamoDbEventResponse, Tally) {
    let mut tally = Tally::default();
    let mut response = DynamoDbEventResponse::default();
    for record in &batch.records {
        match process(app, record, now()).await {
            Ok(t) => tally.add(&t),
            Err(e) => {
                tracing::error!(error = %e, "a stream record could not be delivered");
                let mut failure = DynamoDbBatchItemFailure::default();
                failure.item_identifier = record.change.sequence_number.clone();
                response.batch_item_failures.push(failure);
                break;
            }
        }
    }
    portico::observability::metric("WebhooksDelivered", f64::from(tally.delivered), "Count");
    portico::observability::metric("WebhooksFailed", f64::from(tally.failed), "Count");
    tracing::info!(
        records = batch.records.len(),
        events = tally.events,
        delivered = tally.delivered,
        failed = tally.failed,
        duplicates = tally.duplicates,
        "webhook batch handled"
    );
    (response, tally)
}

async fn process(app: &App, record: &EventRecord, at: Timestamp) -> Result<Tally> {
    let mut tally = Tally::default();
    let image = &record.change.new_image;
    let pk = match image.get(keys::PK) {
        Some(serde_dynamo::AttributeValue::S(pk)) => pk.clone(),
        _ => return Ok(tally),
    };
    let Some(tenant) = keys::event_tenant(&pk) else { return Ok(tally) };
    let event: Event = serde_dynamo::from_item(image.clone()).map_err(anyhow::Error::from)?;
    let events = integration_events(&event);
    if events.is_empty() {
        return Ok(tally);
    }
    let webhooks = app.store.query_all::<Webhook>(keys::all_webhooks(tenant)).await?;
    for ie in &events {
        tally.events += 1;
        let body = serde_json::to_string(ie).map_err(anyhow::Error::from)?;
        for webhook in webhooks.iter().filter(|w| w.wants(ie.kind)) {
            let delivery = Delivery::new(webhook.id, &ie.id, ie.kind, body.clone(), at);
            if !app.store.claim_webhook_delivery(tenant, &delivery).await? {
                tally.duplicates += 1;
                continue;
            }
            tally.attempts += 1;
            let done = attempt(app, tenant, webhook, delivery, at, false).await?;
            if done.attempts.last().is_some_and(|a| a.ok) {
                tally.delivered += 1;
            } else {
                tally.failed += 1;
            }
        }
    }
    Ok(tally)
}

/// Makes one attempt of `delivery` to `webhook` at `at` and records it (retry or replay
/// alike): the delivery's new state, the subscription's failing streak, and — after
/// days of failures — its pause.
pub async fn attempt(
    app: &App,
    tenant: TenantId,
    webhook: &Webhook,
    mut delivery: Delivery,
    at: Timestamp,
    replay: bool,
) -> Result<Delivery> {
    let secrets = app
        .store
        .get::<WebhookSecrets>(keys::webhook_secrets_key(tenant, webhook.id))
        .await?
        .ok_or_else(|| anyhow::anyhow!("a webhook without its secrets"))?;
    let signing_at = now();
    let out = Outgoing {
        url: &webhook.url,
        event_id: &delivery.event_id,
        body: &delivery.body,
        secrets: secrets.signing(signing_at),
    };
    let result = send(&out, app.config.local, at, replay).await;
    let ok = result.ok;
    let version = delivery.version;
    delivery.record(result);
    app.store.record_webhook_delivery(tenant, &delivery, version).await?;
    // A replay is an admin's test of the receiver: the schedule's streak is its own.
    if replay {
        return Ok(delivery);
    }
    if ok && webhook.failing_since.is_some() {
        app.store.note_webhook_streak(tenant, webhook.id, None).await?;
    } else if !ok {
        app.store.note_webhook_streak(tenant, webhook.id, Some(at)).await?;
        pause_if_failing_for_days(app, tenant, webhook.id, at).await?;
    }
    Ok(delivery)
}

/// Pauses the subscription if it has now failed for `PAUSE_AFTER_DAYS`; the trail
/// shows it (`webhook.paused` by `system:webhooks`).
async fn pause_if_failing_for_days(app: &App, tenant: TenantId, id: WebhookId, at: Timestamp) -> Result<()> {
    let Some(before) = app.store.get::<Webhook>(keys::webhook_key(tenant, id)).await? else { return Ok(()) };
    let mut after = before.clone();
    if !after.note(false, at) {
        return Ok(());
    }
    after.updated_at = at;
    after.version += 1;
    let mut tx = Tx::new(tenant, Actor(ACTOR.to_owned()));
    tx.update(&before, &after, before.version, "webhook.paused")?;
    match app.store.commit(tx).await {
        Ok(()) => {}
        // Changed meanwhile (an admin's edit): the next failure looks again.
        Err(Error::Changed) => return Ok(()),
        Err(e) => return Err(e),
    }
    tracing::warn!(webhook = %id, "a webhook subscription failing for days was paused");
    tell_the_admins(app, tenant, &after).await;
    Ok(())
}

/// Emails the tenant's active office staff that `webhook` was paused, in the portal's
/// language. A failure to mail is logged: the pause stands, and shows in the console.
async fn tell_the_admins(app: &App, tenant: TenantId, webhook: &Webhook) {
    let told = async {
        let settings = app.store.get::<Settings>(keys::settings_key(tenant)).await?;
        let brand = settings.as_ref().map_or_else(Brand::platform, Brand::of);
        let locale = settings.as_ref().map_or(Locale::En, |s| s.default_locale);
        let mail = Paused {
            locale,
            brand: &brand,
            url: webhook.url.as_str(),
            webhook_id: &webhook.id.to_string(),
            days: PAUSE_AFTER_DAYS,
        };
        let staff = app.store.query_all::<Staff>(keys::all_staff(tenant)).await?;
        let mut sent = 0;
        for person in staff.iter().filter(|s| s.status == StaffStatus::Active) {
            app.mailer().send(&brand, &person.email, mail.render()?).await?;
            sent += 1;
        }
        Ok::<_, Error>(sent)
    };
    match told.await {
        Ok(sent) => tracing::info!(webhook = %webhook.id, sent, "admins told of the paused webhook"),
        Err(e) => tracing::error!(webhook = %webhook.id, error = %e, "could not tell the admins of a paused webhook"),
    }
}

/// What [`retry`] did.
#[derive(Debug)]
pub enum Retried {
    /// Attempted: the delivery as it now stands.
    Attempted(Box<Delivery>),
    /// Not due yet: when it is.
    NotDue(Option<Timestamp>),
    /// Delivered, failed for good, or its subscription gone or paused: nothing to do.
    Nothing,
}

/// The scheduled attempt of one delivery, if it is due at `now`: what tests drive with a
/// `now` of their own (the schedule's runs go through [`sweep`]).
pub async fn retry(app: &App, tenant: TenantId, webhook: WebhookId, id: DeliveryId, now: Timestamp) -> Result<Retried> {
    let Some(delivery) = app.store.get::<Delivery>(keys::webhook_delivery_key(tenant, webhook, id)).await? else {
        return Ok(Retried::Nothing);
    };
    if !delivery.is_due(now) {
        return Ok(match delivery.due_at() {
            Some(at) => Retried::NotDue(Some(at)),
            None => Retried::Nothing,
        });
    }
    take_and_retry(app, tenant, delivery, now).await
}

/// The attempt of a delivery found due: first taken (stored with a lease, conditional on
/// the version read — a stale read of the due index, or another run, finds
/// `Error::Changed` and sends nothing), then made. One whose subscription is gone or
/// paused fails for good (it leaves the schedule; an admin can still replay it).
async fn take_and_retry(app: &App, tenant: TenantId, mut delivery: Delivery, now: Timestamp) -> Result<Retried> {
    let read_at = delivery.version;
    delivery.take(now);
    app.store.record_webhook_delivery(tenant, &delivery, read_at).await?;
    let hook = app.store.get::<Webhook>(keys::webhook_key(tenant, delivery.webhook_id)).await?;
    match hook {
        Some(hook) if hook.status == WebhookStatus::Active => {
            Ok(Retried::Attempted(Box::new(attempt(app, tenant, &hook, delivery, now, false).await?)))
        }
        _ => {
            let version = delivery.version;
            delivery.give_up();
            app.store.record_webhook_delivery(tenant, &delivery, version).await?;
            Ok(Retried::Nothing)
        }
    }
}

/// What one run of [`sweep`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Swept {
    /// Attempts made (retries, and first attempts whose lease had run out).
    pub attempts: u32,
    pub delivered: u32,
    /// Deliveries that were due but whose subscription is gone or paused: failed for good.
    pub given_up: u32,
    /// Deliveries another run took first, or that could not be attempted (logged; due
    /// again when their lease ends).
    pub skipped: u32,
    /// Due deliveries left for the next run: their subscription had had its share of
    /// this one ([`PER_SUBSCRIPTION_PER_RUN`]).
    pub deferred: u32,
    /// The run's time was up with more of the index to read.
    pub out_of_time: bool,
}

/// How many due deliveries one query of the due index reads.
pub const SWEEP_PAGE: i32 = 50;
/// How many attempts a run makes at once (each bounded by 13 s).
pub const SWEEP_PARALLEL: usize = 8;
/// The most attempts one subscription gets in one run: a tenant whose receiver is down
/// cannot hold up everyone else's retries.
pub const PER_SUBSCRIPTION_PER_RUN: u32 = 25;
/// A run starts no new page after this long (the function's timeout is 300 s; a page's
/// attempts end within 13 s × `SWEEP_PAGE` / `SWEEP_PARALLEL`).
pub const SWEEP_BUDGET: std::time::Duration = std::time::Duration::from_secs(180);

/// The retry schedule's run (`rate(1 minute)` in AWS, every few seconds locally): the
/// deliveries due at `now`, the longest due first, page by page of the due index
/// (`keys::WEBHOOKS_DUE`, across tenants, each under its own tenant's keys), each taken
/// before it is attempted, [`SWEEP_PARALLEL`] at a time, at most
/// [`PER_SUBSCRIPTION_PER_RUN`] per subscription, until the index has no more due or
/// [`SWEEP_BUDGET`] is spent.
pub async fn sweep(app: &App, now: Timestamp) -> Result<Swept> {
    use futures_util::stream::{self, StreamExt as _};
    let started = std::time::Instant::now();
    let mut swept = Swept::default();
    let mut per_subscription: std::collections::HashMap<WebhookId, u32> = std::collections::HashMap::new();
    let mut start = portico::store::StartKey::new();
    loop {
        let (due, next) = app.store.due_webhook_deliveries(now, SWEEP_PAGE, &start).await?;
        let mut chosen = Vec::new();
        for (tenant, delivery) in due {
            let share = per_subscription.entry(delivery.webhook_id).or_default();
            if *share >= PER_SUBSCRIPTION_PER_RUN {
                swept.deferred += 1;
                continue;
            }
            *share += 1;
            chosen.push((tenant, delivery));
        }
        // The futures made first, as the messages list does (`Send` for every lifetime).
        let attempts: Vec<_> = chosen
            .into_iter()
            .map(|(tenant, delivery)| async move { (delivery.id, take_and_retry(app, tenant, delivery, now).await) })
            .collect();
        let results: Vec<(DeliveryId, Result<Retried>)> =
            stream::iter(attempts).buffer_unordered(SWEEP_PARALLEL).collect().await;
        for (id, result) in results {
            match result {
                Ok(Retried::Attempted(d)) => {
                    swept.attempts += 1;
                    if d.state == DeliveryState::Delivered {
                        swept.delivered += 1;
                    }
                }
                Ok(_) => swept.given_up += 1,
                Err(Error::Changed) => swept.skipped += 1,
                Err(e) => {
                    tracing::error!(delivery = %id, error = %e, "a due webhook delivery could not be attempted");
                    swept.skipped += 1;
                }
            }
        }
        match next {
            Some(next) if started.elapsed() < SWEEP_BUDGET => start = next,
            Some(_) => {
                swept.out_of_time = true;
                break;
            }
            None => break,
        }
    }
    portico::observability::metric("WebhookRetriesAttempted", f64::from(swept.attempts), "Count");
    portico::observability::metric("WebhookRetriesDeferred", f64::from(swept.deferred), "Count");
    if swept != Swept::default() {
        tracing::info!(
            attempts = swept.attempts,
            delivered = swept.delivered,
            given_up = swept.given_up,
            skipped = swept.skipped,
            deferred = swept.deferred,
            "webhook retries swept"
        );
    }
    Ok(swept)
}
