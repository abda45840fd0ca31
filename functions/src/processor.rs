//! `POST /webhooks/stripe`: the payment processor's events (docs/payments.md).
//!
//! Public — no Cognito token: the signature is the authority. It is checked (HMAC-SHA256
//! under the endpoint's secret, the timestamp within 5 minutes) before anything in the
//! body is read. The connected account the event names says whose it is (its binding,
//! written when the tenant connected). Each event is recorded once: its id is claimed in
//! the same transaction as what it changes, so a replay — or the same news told by two
//! events (`payment_intent.succeeded` and `checkout.session.completed`) — changes
//! nothing more. The payment, each invoice's balance, the locks and the audit event
//! move together.

use std::collections::BTreeMap;

use portico::domain::ids::{InvoiceId, PaymentId};
use portico::domain::invoice::Invoice;
use portico::domain::payment::{AccountBinding, Change, Dispute, Payment, PaymentAccount, PaymentLock, PaymentState};
use portico::domain::tenant::now;
use portico::http::{Reply, Req};
use portico::store::{keys, Actor, Claim, Tx};
use portico::{App, Error, Result};
use serde::Deserialize;
use serde_json::Value;

use crate::schema::Problem;

/// The largest event body read (as every body: Stripe's events are a few KiB).
const MAX_EVENT_BYTES: usize = portico::http::request::MAX_BODY_BYTES;
/// Who the audit trail says made the processor's changes.
const ACTOR: &str = "processor:stripe";
/// The conflict of an event recorded before.
const RECORDED: &str = "this event was recorded already";

#[derive(Deserialize)]
struct Event {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    created: i64,
    account: Option<String>,
    data: EventData,
}

#[derive(Deserialize)]
struct EventData {
    object: Value,
}

/// How an event names its payment.
enum Locator {
    /// `metadata.portico_payment` (sessions and payment intents carry it).
    Payment(PaymentId),
    /// The payment intent (charges and disputes name it).
    Intent(String),
}

fn text(v: &Value, path: &[&str]) -> Option<String> {
    path.iter().try_fold(v, |v, p| v.get(*p)).and_then(Value::as_str).map(str::to_owned)
}

/// What the event says, of which payment; `None` for events Portico does not follow.
fn read(event: &Event) -> Option<(Locator, Change)> {
    let o = &event.data.object;
    let by_metadata =
        || text(o, &["metadata", "portico_payment"]).and_then(|p| PaymentId::parse(&p).ok()).map(Locator::Payment);
    let by_intent = || text(o, &["payment_intent"]).map(Locator::Intent);
    match event.kind.as_str() {
        "checkout.session.completed" | "checkout.session.async_payment_succeeded" => {
            (text(o, &["payment_status"]).as_deref() == Some("paid")).then_some(())?;
            let change = Change::Succeeded {
                payment_intent: text(o, &["payment_intent"])?,
                method: None,
                amount: o.get("amount_total").and_then(Value::as_i64)?,
                currency: text(o, &["currency"])?,
            };
            Some((by_metadata()?, change))
        }
        "payment_intent.succeeded" => {
            let method = o
                .get("payment_method_types")
                .and_then(Value::as_array)
                .filter(|m| m.len() == 1)
                .and_then(|m| m[0].as_str())
                .map(str::to_owned);
            let amount = o.get("amount").and_then(Value::as_i64)?;
            let change = Change::Succeeded {
                payment_intent: text(o, &["id"])?,
                method,
                amount,
                currency: text(o, &["currency"])?,
            };
            Some((by_metadata()?, change))
        }
        "payment_intent.payment_failed" => {
            let message = text(o, &["last_payment_error", "message"]).unwrap_or_else(|| "the payment failed".into());
            Some((by_metadata()?, Change::Failed { payment_intent: text(o, &["id"])?, message }))
        }
        "checkout.session.expired" => Some((by_metadata()?, Change::Expired)),
        "charge.refunded" => {
            let amount_refunded = o.get("amount_refunded").and_then(Value::as_i64)?;
            Some((by_intent()?, Change::Refunded { amount_refunded }))
        }
        "charge.dispute.created" | "charge.dispute.updated" | "charge.dispute.closed" => {
            let dispute = Dispute {
                id: text(o, &["id"])?,
                status: text(o, &["status"])?,
                amount: o.get("amount").and_then(Value::as_i64)?,
            };
            Some((by_intent()?, Change::Disputed(dispute)))
        }
        _ => None,
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Received {
    /// Always true: the event was taken (recorded, or known already, or not followed).
    pub received: bool,
}

#[utoipa::path(post, path = "/webhooks/stripe",
    request_body(content = Object, description = "A Stripe event (Connect), as Stripe sends it", content_type = "application/json",
        example = json!({"id": "evt_1QfixtureEvent", "object": "event", "type": "account.updated", "created": 1795262400, "account": "acct_1Qfixture", "livemode": false, "data": {"object": {"id": "acct_1Qfixture", "object": "account", "charges_enabled": true, "details_submitted": true}}})),
    params(("Stripe-Signature" = String, Header, description = "`t=<unix>,v1=<HMAC-SHA256>`, as Stripe signs")),
    responses(
        (status = 200, body = Received, description = "Taken: recorded, known already, or not followed"),
        (status = 400, body = Problem, description = "Not signed by the processor, signed too long ago, or not an event"),
        (status = 409, body = Problem, description = "The event names a payment not yet recorded, or collided with another: the processor sends it again later"),
        (status = 413, body = Problem), (status = 415, body = Problem)))]
pub async fn stripe(app: &App, req: Req) -> Result<Reply> {
    let body = req.body_bytes();
    if body.len() > MAX_EVENT_BYTES {
        return Err(Error::PayloadTooLarge { limit: MAX_EVENT_BYTES });
    }
    let declared = req.header("content-type")?.unwrap_or_default();
    if !portico::http::request::is_json_media_type(declared) {
        return Err(Error::UnsupportedMediaType);
    }
    let secrets = app.config.stripe.as_ref().map(|s| s.webhook_secrets.clone()).unwrap_or_default();
    let signature = req.header("stripe-signature")?.unwrap_or_default();
    if let Err(why) = portico::stripe::verify_signature(signature, body, &secrets, now().unix_timestamp()) {
        tracing::warn!(why, "a processor event refused");
        return Err(Error::bad_request("the Stripe-Signature header does not verify"));
    }
    let event: Event =
        serde_json::from_slice(body).map_err(|_| Error::bad_request("the body is not a Stripe event"))?;
    let Some(account) = event.account.clone() else { return taken() };
    let Some(binding) = app.store.get::<AccountBinding>(keys::account_binding_key(&account)).await? else {
        tracing::warn!(event = event.id.as_str(), "an event of an account no tenant has connected");
        return taken();
    };
    let tenant = binding.tenant;
    if event.kind == "account.updated" || event.kind == "account.application.deauthorized" {
        return account_updated(app, tenant, &account, &event).await.and_then(|()| taken());
    }
    let Some((locator, change)) = read(&event) else { return taken() };
    let id = match locator {
        Locator::Payment(id) => id,
        Locator::Intent(pi) => match app.store.get::<Claim>(keys::payment_intent_key(tenant, &pi)).await? {
            Some(claim) => PaymentId::parse(&claim.owner).map_err(|e| Error::Internal(anyhow::anyhow!("{e}")))?,
            // Told of a charge before its payment succeeded here: the processor retries.
            None => return Err(Error::conflict("the payment of this charge is not recorded yet")),
        },
    };
    // Two events of one payment at once: the loser reads again and applies its news.
    for _ in 0..3 {
        match apply(app, tenant, id, &account, &event, &change).await {
            Err(Error::Changed) => continue,
            Err(Error::Conflict(m)) if m == RECORDED => return taken(),
            other => {
                other?;
                return taken();
            }
        }
    }
    Err(Error::conflict("the payment changed while this event was recorded"))
}

/// The tenant's account changed (onboarding finished, charges switched off) or left the
/// platform (`account.application.deauthorized`: it takes no payments through Portico
/// any more): keep whether it takes payments. An older event than the last one applied
/// changes nothing.
async fn account_updated(
    app: &App,
    tenant: portico::domain::ids::TenantId,
    account: &str,
    event: &Event,
) -> Result<()> {
    let o = &event.data.object;
    let left = event.kind == "account.application.deauthorized";
    let flag = |name: &str| !left && o.get(name).and_then(Value::as_bool).unwrap_or(false);
    for _ in 0..3 {
        let Some(before) = app.store.get::<PaymentAccount>(keys::payment_account_key(tenant)).await? else {
            return Ok(());
        };
        if before.account_id != account || event.created < before.processor_at {
            return Ok(());
        }
        let after = PaymentAccount {
            charges_enabled: flag("charges_enabled"),
            details_submitted: if left { before.details_submitted } else { flag("details_submitted") },
            processor_at: event.created,
            updated_at: now(),
            version: before.version + 1,
            ..before.clone()
        };
        if (after.charges_enabled, after.details_submitted) == (before.charges_enabled, before.details_submitted) {
            return Ok(());
        }
        match app
            .store
            .update(tenant, Actor(ACTOR.into()), &before, &after, before.version, "payment_account.updated")
            .await
        {
            Err(Error::Changed) => continue,
            other => return other,
        }
    }
    Err(Error::conflict("the account changed while this event was recorded"))
}

fn taken() -> Result<Reply> {
    Reply::ok(&Received { received: true })
}

/// Applies one event's `change` to payment `id`, with everything that follows from it.
async fn apply(
    app: &App,
    tenant: portico::domain::ids::TenantId,
    id: PaymentId,
    account: &str,
    event: &Event,
    change: &Change,
) -> Result<()> {
    let Some(before) = app.store.get::<Payment>(keys::payment_key(tenant, id)).await? else {
        tracing::warn!(event = event.id.as_str(), "an event of a payment Portico did not open");
        return Ok(());
    };
    if before.account != account {
        tracing::warn!(event = event.id.as_str(), "an event whose account is not its payment's");
        return Ok(());
    }
    let mut after = before.clone();
    let Some(action) = after.apply(change, event.created) else { return Ok(()) };
    let mut tx = Tx::new(tenant, Actor(ACTOR.into()));
    tx.claim(keys::processor_event_key(tenant, &event.id), &id.to_string(), RECORDED);
    tx.update(&before, &after, before.version, action)?;
    // Charges and disputes find their payment by its intent once it is paid (so that a
    // refund told before the success waits for it: 409, and Stripe sends it again).
    if let (true, Some(pi)) =
        (after.state == PaymentState::Succeeded && before.state != PaymentState::Succeeded, &after.payment_intent)
    {
        tx.claim(keys::payment_intent_key(tenant, pi), &id.to_string(), "this payment intent is another payment's");
    }

    // The invoices' balances, where the payment's net for them moved.
    let was: BTreeMap<InvoiceId, i64> = before.net_per_invoice().into_iter().collect();
    let moved: Vec<(InvoiceId, i64)> =
        after.net_per_invoice().into_iter().filter(|(i, net)| was.get(i) != Some(net)).collect();
    let ended = after.state != before.state && matches!(after.state, PaymentState::Succeeded | PaymentState::Expired);
    let mut wanted: Vec<_> = moved.iter().map(|(i, _)| keys::invoice_key(tenant, *i)).collect();
    if ended {
        wanted.extend(after.lines.iter().map(|l| keys::payment_lock_key(tenant, l.invoice_id)));
    }
    if !wanted.is_empty() {
        let found = app.store.batch(&wanted).await?;
        let invoices = found.all::<Invoice>()?;
        for (gone, _) in moved.iter().filter(|(i, _)| !invoices.iter().any(|v| v.id == *i)) {
            // Deleted since it was paid: the payment stays in the ledger, unattributed.
            tracing::warn!(payment = %id, invoice = %gone, "a payment's invoice is gone: its figure is not recorded on it");
        }
        for invoice in invoices {
            let Some((_, net)) = moved.iter().find(|(i, _)| *i == invoice.id) else { continue };
            let mut updated = invoice.clone();
            updated.record_payment(id, *net);
            updated.touch();
            tx.update(&invoice, &updated, invoice.version, "invoice.payment_recorded")?;
        }
        // The invoices are free for the next attempt (the lock stays: its owner is the
        // next attempt's epoch).
        for lock in found.all::<PaymentLock>()?.into_iter().filter(|l| l.payment_id == id && l.holds_at(now())) {
            tx.put_if(&lock.released(), Some(lock.version), "the lock changed")?;
        }
    }
    match app.store.commit(tx).await {
        // A lock or an invoice that changed meanwhile: read again.
        Err(Error::Conflict(m)) if m == "the lock changed" => Err(Error::Changed),
        other => other,
    }
}
