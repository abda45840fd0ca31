//! Webhook subscriptions through the local stack: made, shown (the secret only once),
//! changed, rotated and removed by the tenant's admins; their URLs refused when they
//! would reach anything but the internet; events delivered from the table's stream to a
//! receiver on 127.0.0.1 — signed, retried on the schedule (driven by the test's clock),
//! each once, in the pull feed's order.

use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt as _, Full};
use hyper::body::{Bytes, Incoming};
use portico::domain::ids::{DeliveryId, TenantId, WebhookId};
use portico::domain::tenant::Timestamp;
use portico::domain::text::WebUrl;
use portico::domain::webhook::DeliveryState;
use portico_functions::webhooks;
use portico_local::stream::{self, Stream};
use portico_tests::{id, spawn_app};
use serde_json::{json, Value};

use crate::events;

#[tokio::test]
async fn a_subscription_shows_its_secret_once_changes_rotates_and_goes() {
    let app = &spawn_app().await;
    let t = app.tenant("Acme").await;
    let body = json!({"url": "http://127.0.0.1:9/hook", "event_types": ["quote.approved", "work_request.submitted"],
        "description": "ERP"});
    let created = app.api.expect(201, "POST", "/admin/webhooks", &t.admin, Some(&body)).await.unwrap();
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_") && secret.len() >= 6 + 32, "{secret}");
    assert_eq!(created["status"], "active");
    let path = format!("/admin/webhooks/{}", id(&created));
    let shown = app.api.expect(200, "GET", &path, &t.admin, None).await.unwrap();
    assert!(shown.get("secret").is_none(), "shown once");
    assert_eq!(shown["event_types"], json!(["work_request.submitted", "quote.approved"]));
    let listed = app.api.expect(200, "GET", "/admin/webhooks", &t.admin, None).await.unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert!(!listed.to_string().contains("whsec_"));

    // Changes: what the patch names, conditional on the version.
    let patch = json!({"event_types": ["quote.rejected"], "status": "paused", "description": null});
    let stale = app.api.send("PATCH", &path, Some(&t.admin), Some(&patch), &[("if-match", "\"7\"")]).await.unwrap();
    assert_eq!(stale.status, 412, "{}", stale.text);
    let changed = app.api.expect(200, "PATCH", &path, &t.admin, Some(&patch)).await.unwrap();
    assert_eq!((changed["status"].as_str(), changed["version"].as_u64()), (Some("paused"), Some(2)));
    assert_eq!(changed["description"], Value::Null);
    for (bad, field) in [
        (json!({"event_types": ["quote.created"]}), "event_types"),
        (json!({"event_types": []}), "event_types"),
        (json!({"event_types": ["quote.approved", "quote.approved"]}), "event_types"),
        (json!({"url": "ftp://erp.example.com/"}), "url"),
        (json!({"url": "http://erp.example.com/"}), "url"),
        (json!({"secret": "whsec_mine"}), ""),
    ] {
        let a = app.api.patch(&path, &t.admin, &bad).await.unwrap();
        assert_eq!(a.status, 400, "{bad}: {}", a.text);
        if !field.is_empty() {
            assert!(a.body["errors"][0]["field"].as_str().unwrap().starts_with(field), "{bad}: {}", a.text);
        }
    }
    let bad = json!({"url": "https://erp.example.com/", "event_types": []});
    assert_eq!(app.api.post("/admin/webhooks", &t.admin, &bad).await.unwrap().status, 400);

    // A rotation: a new secret, the old one signing alongside for a day.
    let rotated =
        app.api.expect(200, "POST", &format!("{path}/rotate-secret"), &t.admin, Some(&json!({}))).await.unwrap();
    let new_secret = rotated["secret"].as_str().unwrap();
    assert!(new_secret.starts_with("whsec_") && new_secret != secret);
    assert!(rotated["previous_secret_valid_until"].is_string());
    assert!(rotated["secret_rotated_at"].is_string());

    // The trail shows the changes, never a secret.
    let audit = format!("/admin/audit?entity={}", id(&created));
    let trail = app.api.expect(200, "GET", &audit, &t.admin, None).await.unwrap();
    let actions: Vec<&str> = trail["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["webhook.secret_rotated", "webhook.paused", "webhook.created"]);
    assert!(!trail.to_string().contains("whsec_"), "{trail}");

    app.api.expect(204, "DELETE", &path, &t.admin, None).await.unwrap();
    assert_eq!(app.api.get(&path, &t.admin).await.unwrap().status, 404);
    assert_eq!(app.api.post(&format!("{path}/rotate-secret"), &t.admin, &json!({})).await.unwrap().status, 404);
}

#[tokio::test]
async fn a_tenant_has_at_most_ten_subscriptions() {
    let app = &spawn_app().await;
    let t = app.tenant("Acme").await;
    let body = json!({"url": "http://127.0.0.1:9/hook", "event_types": ["quote.approved"]});
    for _ in 0..portico::domain::webhook::MAX_WEBHOOKS {
        app.api.expect(201, "POST", "/admin/webhooks", &t.admin, Some(&body)).await.unwrap();
    }
    let eleventh = app.api.post("/admin/webhooks", &t.admin, &body).await.unwrap();
    assert_eq!(eleventh.status, 409, "{}", eleventh.text);
}

#[tokio::test]
async fn urls_that_reach_anything_but_the_internet_are_refused_after_resolving() {
    let url = |s: &str| WebUrl::parse(s).unwrap();
    for refused in [
        "https://localhost/hook",
        "https://127.0.0.1/hook",
        "https://10.0.0.8/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://[fd00:ec2::254]/",
        "https://[::ffff:192.168.0.1]/",
        "http://127.0.0.1:8080/hook",
        "https://no-such-host.invalid/hook",
    ] {
        let refused_here = portico::webhooks::resolve(&url(refused), false).await;
        let e = refused_here.expect_err(refused);
        assert!(matches!(e, portico::Error::BadRequest { .. }), "{refused}: {e:?}");
    }
    // The local stack sends to the machine itself.
    let (host, addrs) = portico::webhooks::resolve(&url("http://127.0.0.1:8080/hook"), true).await.unwrap();
    assert_eq!((host.as_str(), addrs.len()), ("127.0.0.1", 1));
    assert_eq!(addrs[0].port(), 8080);
}

/// One request a receiver got.
#[derive(Debug, Clone)]
struct Received {
    id: String,
    timestamp: String,
    signature: String,
    body: String,
    /// What the receiver answered (`None`: it never did, and the sender gave up).
    answered: Option<u16>,
}

/// A receiver on 127.0.0.1 that fails its first request (500), lets its second time
/// out (never answers), and takes every later one (204).
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Received>>>,
}

async fn receiver() -> Receiver {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/portico/events", listener.local_addr().unwrap());
    let got = Arc::new(Mutex::new(Vec::<Received>::new()));
    let seen = got.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let seen = seen.clone();
            let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
                let seen = seen.clone();
                async move {
                    let header =
                        |n: &str| request.headers().get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
                    let (id, timestamp, signature) =
                        (header("webhook-id"), header("webhook-timestamp"), header("webhook-signature"));
                    let body = request.into_body().collect().await?.to_bytes();
                    let body = String::from_utf8_lossy(&body).into_owned();
                    let n = seen.lock().unwrap().len();
                    let answer = match n {
                        0 => Some(500),
                        1 => None,
                        _ => Some(204),
                    };
                    seen.lock().unwrap().push(Received { id, timestamp, signature, body, answered: answer });
                    let Some(status) = answer else {
                        // Never answers: the sender's timeout ends it.
                        std::future::pending::<()>().await;
                        unreachable!()
                    };
                    Ok::<_, hyper::Error>(
                        hyper::Response::builder().status(status).body(Full::new(Bytes::new())).unwrap(),
                    )
                }
            });
            let io = hyper_util::rt::TokioIo::new(stream);
            tokio::spawn(hyper::server::conn::http1::Builder::new().serve_connection(io, service));
        }
    });
    Receiver { url, got }
}

/// Standard Webhooks' verification, written here apart from Portico's signer: some
/// `v1,` signature is the HMAC-SHA256 of `id.timestamp.body` under the secret's bytes,
/// and the timestamp is within five minutes of now.
fn verifies(secret: &str, r: &Received) -> bool {
    use base64::Engine as _;
    use hmac::Mac as _;
    let key = base64::engine::general_purpose::STANDARD.decode(secret.strip_prefix("whsec_").unwrap()).unwrap();
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{}.{}.{}", r.id, r.timestamp, r.body).as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    let ts: i64 = r.timestamp.parse().unwrap();
    let fresh = (ts - portico::domain::tenant::now().unix_timestamp()).abs() <= 300;
    fresh && r.signature.split(' ').any(|s| s.strip_prefix("v1,") == Some(expected.as_str()))
}

#[tokio::test]
async fn every_event_reaches_a_failing_then_slow_receiver_once_signed_and_in_the_feeds_order() {
    let app = &spawn_app().await;
    let operator = app.operator().await;
    let a = events::acme(app, &operator).await;
    let tenant = TenantId::for_operations(&a.t.id).unwrap();
    let receiver = receiver().await;
    let types =
        ["quote.approved", "quote.rejected", "work_request.submitted", "work_request.accepted", "job.note_added"];
    let body = json!({"url": receiver.url, "event_types": types});
    let hook = app.api.expect(201, "POST", "/admin/webhooks", &a.t.admin, Some(&body)).await.unwrap();
    let secret = hook["secret"].as_str().unwrap().to_owned();
    let webhook = WebhookId::parse(&id(&hook)).unwrap();
    // A second subscription, paused: it is sent nothing.
    let paused = json!({"url": receiver.url, "event_types": types});
    let paused = app.api.expect(201, "POST", "/admin/webhooks", &a.t.admin, Some(&paused)).await.unwrap();
    let path = format!("/admin/webhooks/{}", id(&paused));
    app.api.expect(200, "PATCH", &path, &a.t.admin, Some(&json!({"status": "paused"}))).await.unwrap();

    let mut stream = Stream::open(&app.aws, &app.prov.table_name).await.unwrap();
    events::activity(app, &a).await;
    let batch = stream.next_batch_for(portico_functions::webhooks::STREAM_FILTER).await.unwrap();
    let tally = stream::deliver_webhooks(app.app, batch.clone()).await;
    assert_eq!((tally.events, tally.attempts, tally.delivered, tally.failed), (5, 5, 3, 2), "{tally:?}");

    // The two that failed (500, then a timeout) are due again in a minute: not before.
    let log_path = format!("/admin/webhooks/{webhook}/deliveries");
    let log = app.api.expect(200, "GET", &log_path, &a.t.admin, None).await.unwrap();
    let retrying: Vec<&Value> = log["items"].as_array().unwrap().iter().filter(|d| d["state"] == "retrying").collect();
    assert_eq!(retrying.len(), 2, "{log:#}");
    let errors: Vec<(Value, Value)> = retrying
        .iter()
        .map(|d| (d["attempts"][0]["response_code"].clone(), d["attempts"][0]["error"].clone()))
        .collect();
    assert!(errors.contains(&(json!(500), Value::Null)), "{errors:?}");
    assert!(errors.contains(&(Value::Null, json!("timed out"))), "{errors:?}");
    let second = portico::domain::clock::Duration::seconds(1);
    let dues: Vec<Timestamp> =
        retrying.iter().map(|d| Timestamp::parse(d["next_attempt_at"].as_str().unwrap()).unwrap()).collect();
    for (d, due) in retrying.iter().zip(&dues) {
        let delivery = DeliveryId::parse(d["id"].as_str().unwrap()).unwrap();
        let early = due.saturating_add(-second);
        let not_yet = webhooks::retry(app.app, tenant, webhook, delivery, early).await.unwrap();
        assert!(matches!(not_yet, webhooks::Retried::NotDue(Some(t)) if t == *due), "{not_yet:?}");
    }
    let first_due = *dues.iter().min().unwrap();
    let swept = webhooks::sweep(app.app, first_due.saturating_add(-second)).await.unwrap();
    assert_eq!(swept.attempts, 0, "the schedule's run a second early attempts nothing: {swept:?}");
    // A copy read before a run took it (a stale read of the due index, another run) is
    // refused when taken again: nothing is sent twice.
    let key = |d: &Value| {
        portico::store::keys::webhook_delivery_key(
            tenant,
            webhook,
            DeliveryId::parse(d["id"].as_str().unwrap()).unwrap(),
        )
    };
    let stale = app.app.store.get::<portico::domain::webhook::Delivery>(key(retrying[0])).await.unwrap().unwrap();
    // The schedule's run once both are due: each attempted once, and delivered; then
    // they have left the schedule, however late it runs again.
    let due = *dues.iter().max().unwrap();
    let sent_before = receiver.got.lock().unwrap().len();
    let swept = webhooks::sweep(app.app, due).await.unwrap();
    assert_eq!((swept.attempts, swept.delivered), (2, 2), "{swept:?}");
    assert_eq!(receiver.got.lock().unwrap().len(), sent_before + 2);
    let mut taken_again = stale.clone();
    taken_again.take(due);
    let refused = app.app.store.record_webhook_delivery(tenant, &taken_again, stale.version).await;
    assert!(matches!(refused, Err(portico::Error::Changed)), "{refused:?}");
    let much_later = due.saturating_add(portico::domain::clock::Duration::days(2));
    assert_eq!(webhooks::sweep(app.app, much_later).await.unwrap(), webhooks::Swept::default());
    for d in &retrying {
        let delivery = DeliveryId::parse(d["id"].as_str().unwrap()).unwrap();
        let again = webhooks::retry(app.app, tenant, webhook, delivery, much_later).await.unwrap();
        assert!(matches!(again, webhooks::Retried::Nothing), "delivered: nothing more");
    }

    // A replayed stream batch sends nothing new.
    let sent = receiver.got.lock().unwrap().len();
    let replayed = stream::deliver_webhooks(app.app, batch).await;
    assert_eq!((replayed.attempts, replayed.duplicates), (0, 5), "{replayed:?}");
    assert_eq!(receiver.got.lock().unwrap().len(), sent);

    // Every event delivered, none twice; every request signed; the body's id is the
    // webhook-id.
    let got = receiver.got.lock().unwrap().clone();
    assert_eq!(got.len(), 7, "five events, two of them twice");
    let mut delivered: Vec<&str> = got.iter().filter(|r| r.answered == Some(204)).map(|r| r.id.as_str()).collect();
    let all = delivered.len();
    delivered.sort();
    delivered.dedup();
    assert_eq!((all, delivered.len()), (5, 5), "each delivered once: {got:#?}");
    for r in &got {
        assert!(verifies(&secret, r), "{r:?}");
        assert!(!verifies("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", r));
        let body: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body["id"], r.id.as_str());
    }

    // The order of first attempts is the pull feed's.
    let mut first_seen: Vec<String> = Vec::new();
    for r in &got {
        if !first_seen.contains(&r.id) {
            first_seen.push(r.id.clone());
        }
    }
    let (feed, _) = events::whole_feed(app, &a.t.id, 50).await;
    let feed: Vec<String> = feed
        .iter()
        .filter(|e| types.contains(&e["type"].as_str().unwrap()))
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(first_seen, feed);
    let first: Value = serde_json::from_str(&got[0].body).unwrap();
    assert_eq!((first["type"].as_str(), first["data"]["po_number"].as_str()), (Some("quote.approved"), Some("PO-77")));

    // A replay sends the same event again, with the same webhook-id, and logs it.
    let replay = format!("/admin/webhooks/{webhook}/deliveries/{}/replay", retrying[0]["id"].as_str().unwrap());
    let replayed = app.api.expect(200, "POST", &replay, &a.t.admin, Some(&json!({}))).await.unwrap();
    let attempts = replayed["attempts"].as_array().unwrap();
    assert_eq!((attempts.len(), &attempts[2]["replay"], &attempts[2]["response_code"]), (3, &json!(true), &json!(204)));
    let last = receiver.got.lock().unwrap().last().cloned().unwrap();
    assert_eq!(last.id, replayed["event_id"].as_str().unwrap());
    assert!(verifies(&secret, &last));
}

#[tokio::test]
async fn a_subscription_failing_for_days_is_paused_and_the_admins_are_told() {
    let app = &spawn_app().await;
    let t = app.tenant("Acme").await;
    let tenant = TenantId::for_operations(&t.id).unwrap();
    // Nothing listens on the discard port: every attempt fails to connect.
    let body = json!({"url": "http://127.0.0.1:9/hook", "event_types": ["quote.approved"]});
    let hook = app.api.expect(201, "POST", "/admin/webhooks", &t.admin, Some(&body)).await.unwrap();
    let webhook = WebhookId::parse(&id(&hook)).unwrap();
    let path = format!("/admin/webhooks/{webhook}");
    let load = || async {
        let key = portico::store::keys::webhook_key(tenant, webhook);
        app.app.store.get::<portico::domain::webhook::Webhook>(key).await.unwrap().unwrap()
    };
    let start = portico::domain::tenant::now();
    let attempt_at = |at: Timestamp| async move {
        let event = format!("evt_{}", DeliveryId::generate().ulid());
        let kind = portico::domain::integration_event::EventType::QuoteApproved;
        let delivery = portico::domain::webhook::Delivery::new(webhook, &event, kind, "{}".into(), at);
        assert!(app.app.store.claim_webhook_delivery(tenant, &delivery).await.unwrap());
        let hook = load().await;
        webhooks::attempt(app.app, tenant, &hook, delivery, at, false).await.unwrap()
    };
    let first = attempt_at(start).await;
    assert_eq!(first.attempts[0].error.as_deref(), Some("could not connect"));
    let shown = app.api.expect(200, "GET", &path, &t.admin, None).await.unwrap();
    assert_eq!((shown["status"].as_str(), shown["failing_since"].is_string()), (Some("active"), true));

    // Still failing three days later: paused, in the trail, and the admins emailed.
    let later = start.saturating_add(portico::domain::clock::Duration::days(3));
    attempt_at(later).await;
    let shown = app.api.expect(200, "GET", &path, &t.admin, None).await.unwrap();
    assert_eq!(shown["status"], "paused", "{shown}");
    assert!(shown["paused_reason"].as_str().unwrap().contains("3 days"));
    let audit = format!("/admin/audit?entity={webhook}");
    let trail = app.api.expect(200, "GET", &audit, &t.admin, None).await.unwrap();
    assert_eq!(
        (&trail["items"][0]["action"], &trail["items"][0]["actor"]),
        (&json!("webhook.paused"), &json!("system:webhooks"))
    );
    let mails = portico_local::mailbox::to(&app.aws.endpoint, &t.admin_email).await.unwrap();
    let told: Vec<_> = mails.iter().filter(|m| m.subject.contains("webhook")).collect();
    assert_eq!(told.len(), 1, "{:?}", mails.iter().map(|m| &m.subject).collect::<Vec<_>>());
    assert!(told[0].subject.contains("paused"));

    // The schedule's next run gives up what was retrying for the paused subscription:
    // failed for good (an admin can replay them), off the schedule.
    let day = portico::domain::clock::Duration::days(1);
    let swept = webhooks::sweep(app.app, later.saturating_add(day)).await.unwrap();
    assert_eq!((swept.attempts, swept.given_up), (0, 2), "{swept:?}");
    assert_eq!(webhooks::sweep(app.app, later.saturating_add(day)).await.unwrap(), webhooks::Swept::default());
    let log = app.api.expect(200, "GET", &format!("{path}/deliveries"), &t.admin, None).await.unwrap();
    let states: Vec<&Value> = log["items"].as_array().unwrap().iter().map(|d| &d["state"]).collect();
    assert_eq!(states, [&json!("failed"), &json!("failed")], "{log:#}");

    // Resumed by an admin: the streak is forgotten.
    let resumed = app.api.expect(200, "PATCH", &path, &t.admin, Some(&json!({"status": "active"}))).await.unwrap();
    assert_eq!((resumed["status"].as_str(), &resumed["failing_since"]), (Some("active"), &Value::Null));

    // A first attempt claimed and never recorded (its function stopped between the two)
    // is made by the schedule once its lease has run out, not before.
    let claimed_at = later.saturating_add(day).saturating_add(day);
    let event = format!("evt_{}", DeliveryId::generate().ulid());
    let kind = portico::domain::integration_event::EventType::QuoteApproved;
    let delivery = portico::domain::webhook::Delivery::new(webhook, &event, kind, "{}".into(), claimed_at);
    assert!(app.app.store.claim_webhook_delivery(tenant, &delivery).await.unwrap());
    let lease = portico::domain::clock::Duration::seconds(portico::domain::webhook::LEASE_SECONDS);
    let in_lease = claimed_at.saturating_add(lease).saturating_add(portico::domain::clock::Duration::seconds(-1));
    assert_eq!(webhooks::sweep(app.app, in_lease).await.unwrap(), webhooks::Swept::default());
    let swept = webhooks::sweep(app.app, claimed_at.saturating_add(lease)).await.unwrap();
    assert_eq!((swept.attempts, swept.delivered), (1, 0), "{swept:?}");
    let key = portico::store::keys::webhook_delivery_key(tenant, webhook, delivery.id);
    let made = app.app.store.get::<portico::domain::webhook::Delivery>(key).await.unwrap().unwrap();
    assert_eq!((made.state, made.attempts.len()), (DeliveryState::Retrying, 1));
}
