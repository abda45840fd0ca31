//! Invoice payment through the local Stripe (`infra/local/local_stripe.py`): the same
//! client code as against Stripe, the processor's events signed and delivered to the
//! local gateway as Stripe delivers them. docs/payments.md.

use portico_local::mailbox;
use portico_local::stream::{self, Stream};
use portico_tests::{spawn_app, TestApp, TestTenant};
use serde_json::{json, Value};

/// The world of a payment: a tenant taking payments, a customer with a site, and a
/// member who may pay its invoices.
struct World {
    t: TestTenant,
    customer: String,
    site: String,
    member: String,
    account: String,
}

async fn world(app: &TestApp) -> World {
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    portico_local::seed::connect_payments(&app.api, &t.admin).await.unwrap();
    let account = app.api.expect(200, "GET", "/admin/payments/account", &t.admin, None).await.unwrap();
    let customer = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let site = app.site(&t.admin, &customer, "HQ").await;
    let member = member(app, &t, &customer, "payer", &["view_invoices", "pay_invoices"]).await;

    World { account: account["account_id"].as_str().unwrap().to_owned(), t, customer, site, member }
}

async fn member(app: &TestApp, t: &TestTenant, customer: &str, name: &str, permissions: &[&str]) -> String {
    let body = json!({"customer_id": customer, "first_name": name, "last_name": "M", "email": app.email(name),
        "admin": false, "permissions": permissions, "notifications": ["invoices", "payments"]});
    let m = app.member(&t.admin, body).await;
    app.invited_member(&t.admin, &m, &app.email(name)).await
}

fn invoice(customer: &str, site: Option<&str>, total: i64, paid: i64, currency: &str) -> Value {
    json!({"customer_id": customer, "site_id": site, "number": "2026-7", "issued_at": "2026-01-01T00:00:00Z",
        "due_at": "2026-02-01T00:00:00Z", "currency": currency, "total": total, "amount_paid": paid})
}

async fn publish(app: &TestApp, w: &World, reference: &str, body: &Value) -> Value {
    let answer = app.api.put(&format!("/admin/invoices/{reference}"), &w.t.admin, body).await.unwrap();
    assert!([200, 201].contains(&answer.status), "{}", answer.text);
    answer.body
}

fn pay_body(invoices: &[(&Value, i64)]) -> Value {
    let lines: Vec<Value> = invoices.iter().map(|(i, b)| json!({"id": i["id"], "balance": b})).collect();
    json!({"invoices": lines, "return_path": "/invoices"})
}

/// The local Stripe, called as the tenant's dashboard (or its customer's bank) would.
async fn stripe(app: &TestApp, account: &str, method: &str, path: &str, form: &[(&str, &str)]) -> Value {
    let config = app.app.config.stripe.as_ref().unwrap();
    let client = reqwest::Client::new();
    let url = format!("{}{path}", config.api);
    let req = if method == "GET" { client.get(&url).query(form) } else { client.post(&url).form(form) };
    let answer = req.bearer_auth(&config.secret_key).header("Stripe-Account", account).send().await.unwrap();
    let status = answer.status();
    let body: Value = answer.json().await.unwrap();
    assert!(status.is_success(), "{path}: {status} {body}");
    body
}

/// Pays a payment's hosted page as the member would (`outcome`: succeed or fail).
async fn pay_page(app: &TestApp, w: &World, payment: &Value, outcome: &str) -> Value {
    let url = payment["checkout_url"].as_str().expect("a page to pay on");
    let session = url.rsplit('/').next().unwrap();
    let path = format!("/_local/checkout/sessions/{session}/pay");
    stripe(app, &w.account, "POST", &path, &[("method", "ideal"), ("outcome", outcome)]).await
}

async fn portal_invoice(app: &TestApp, w: &World, id: &Value) -> Value {
    let list = app.api.expect(200, "GET", "/portal/invoices", &w.member, None).await.unwrap();
    list["items"].as_array().unwrap().iter().find(|i| i["id"] == *id).cloned().expect("the invoice")
}

#[tokio::test]
async fn a_payment_is_recorded_once_however_often_its_events_are_sent() {
    let app = &spawn_app().await;
    let w = world(app).await;
    let inv = publish(app, &w, "I-1", &invoice(&w.customer, Some(&w.site), 12_100, 2_100, "EUR")).await;
    let payment = app
        .api
        .expect(201, "POST", "/portal/invoices/pay", &w.member, Some(&pay_body(&[(&inv, 10_000)])))
        .await
        .unwrap();
    assert_eq!((payment["state"].as_str(), payment["amount"].as_i64()), (Some("pending"), Some(10_000)));
    let opened = portal_invoice(app, &w, &inv["id"]).await;
    assert_eq!(opened["balance"], 10_000, "opening the page pays nothing");

    let mut stream = Stream::open(&app.aws, &app.prov.table_name).await.unwrap();
    let paid = pay_page(app, &w, &payment, "succeed").await;
    assert_eq!(paid["payment_status"], "paid");
    // The member's receipt (and nothing to anyone else: the invoice is not new).
    let tally = stream::deliver(app.app, stream.next_batch().await.unwrap()).await;
    assert_eq!((tally.sent, tally.failed), (1, 0), "{tally:?}");
    let mails = mailbox::to(&app.aws.endpoint, &app.email("payer")).await.unwrap();
    let receipt = mails.last().unwrap();
    assert!(receipt.subject.contains("Payment received: €100.00"), "{}", receipt.subject);
    assert!(receipt.body.contains("2026-7"), "{}", receipt.body);
    let after = portal_invoice(app, &w, &inv["id"]).await;
    assert_eq!(
        (after["status"].as_str(), after["balance"].as_i64(), after["amount_paid"].as_i64()),
        (Some("paid"), Some(0), Some(12_100))
    );

    // Stripe's dashboard resends each of the payment's events, twice.
    for kind in ["payment_intent.succeeded", "checkout.session.completed", "charge.succeeded"] {
        let events = stripe(app, &w.account, "GET", "/v1/events", &[("type", kind)]).await;
        let event = events["data"][0]["id"].as_str().unwrap().to_owned();
        for _ in 0..2 {
            let resent = stripe(app, &w.account, "POST", &format!("/_local/events/{event}/resend"), &[]).await;
            assert_eq!(resent["delivered"], json!([200]), "{kind}");
        }
    }
    let path = format!("/portal/payments/{}", payment["id"].as_str().unwrap());
    let read = app.api.expect(200, "GET", &path, &w.member, None).await.unwrap();
    assert_eq!((read["state"].as_str(), read["net"].as_i64()), (Some("succeeded"), Some(10_000)));
    let admin = app.api.expect(200, "GET", "/admin/invoices/I-1", &w.t.admin, None).await.unwrap();
    assert_eq!(admin["portal_payments"], json!({payment["id"].as_str().unwrap(): 10_000}), "one ledger entry");
    assert_eq!(
        (admin["amount_paid"].as_i64(), admin["portal_paid"].as_i64(), admin["balance"].as_i64()),
        (Some(2_100), Some(10_000), Some(0))
    );

    // The back office hears of it once; the audit trail records it.
    let (feed, _) = super::events::whole_feed(app, &w.t.id, 200).await;
    let succeeded: Vec<&Value> = feed.iter().filter(|e| e["type"] == "invoice.payment_succeeded").collect();
    assert_eq!(succeeded.len(), 1, "{feed:?}");
    assert_eq!(succeeded[0]["data"]["payment_id"], payment["id"]);
    assert_eq!(succeeded[0]["data"]["invoices"][0]["reference"], "I-1");
    // Paid: it cannot be paid again.
    let again = app.api.post("/portal/invoices/pay", &w.member, &pay_body(&[(&inv, 10_000)])).await.unwrap();
    assert_eq!(again.status, 409, "{}", again.text);
}

#[tokio::test]
async fn two_tabs_paying_one_invoice_get_one_payment_and_a_different_attempt_waits() {
    let app = &spawn_app().await;
    let w = world(app).await;
    let inv = publish(app, &w, "I-2", &invoice(&w.customer, Some(&w.site), 5_000, 0, "EUR")).await;
    let body = pay_body(&[(&inv, 5_000)]);
    let (a, b) = tokio::join!(
        app.api.post("/portal/invoices/pay", &w.member, &body),
        app.api.post("/portal/invoices/pay", &w.member, &body)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let mut statuses = [a.status, b.status];
    statuses.sort_unstable();
    // The second tab gets the first one's payment (or, while it is being prepared, a 409
    // to try again): never a second payment.
    assert!(statuses == [200, 201] || statuses == [201, 409], "{} {} / {} {}", a.status, a.text, b.status, b.text);
    let first = if a.status == 201 { &a.body } else { &b.body };
    let second = app.api.expect(200, "POST", "/portal/invoices/pay", &w.member, Some(&body)).await.unwrap();
    assert_eq!((&second["id"], &second["checkout_url"]), (&first["id"], &first["checkout_url"]), "the same page");

    // Another member paying the same invoice meanwhile is told to wait.
    let other = member(app, &w.t, &w.customer, "other", &["view_invoices", "pay_invoices"]).await;
    let busy = app.api.post("/portal/invoices/pay", &other, &body).await.unwrap();
    assert_eq!(busy.status, 409, "{}", busy.text);
    assert!(busy.text.contains("under way"), "{}", busy.text);

    // A failed attempt on the page, then a paid one: one charge, the invoice paid.
    pay_page(app, &w, first, "fail").await;
    let failed = app
        .api
        .expect(200, "GET", &format!("/portal/payments/{}", first["id"].as_str().unwrap()), &w.member, None)
        .await
        .unwrap();
    assert_eq!(failed["state"], "failed");
    assert_eq!(portal_invoice(app, &w, &inv["id"]).await["balance"], 5_000);
    pay_page(app, &w, first, "succeed").await;
    assert_eq!(portal_invoice(app, &w, &inv["id"]).await["status"], "paid");
    let charges = stripe(app, &w.account, "GET", "/v1/events", &[("type", "charge.succeeded")]).await;
    assert_eq!(charges["data"].as_array().unwrap().len(), 1, "one charge");
}

#[tokio::test]
async fn refunds_and_a_lost_dispute_give_the_balance_back() {
    let app = &spawn_app().await;
    let w = world(app).await;
    let one = publish(app, &w, "I-3", &invoice(&w.customer, Some(&w.site), 3_000, 0, "EUR")).await;
    let two = publish(app, &w, "I-4", &invoice(&w.customer, None, 2_000, 0, "EUR")).await;
    let both = pay_body(&[(&one, 3_000), (&two, 2_000)]);
    let payment = app.api.expect(201, "POST", "/portal/invoices/pay", &w.member, Some(&both)).await.unwrap();
    let paid = pay_page(app, &w, &payment, "succeed").await;
    let intent = paid["payment_intent"].as_str().unwrap().to_owned();
    assert_eq!(portal_invoice(app, &w, &two["id"]).await["status"], "paid");

    // The tenant refunds part in its dashboard: it comes off the last invoice first.
    stripe(app, &w.account, "POST", "/v1/refunds", &[("payment_intent", &intent), ("amount", "1500")]).await;
    assert_eq!(portal_invoice(app, &w, &two["id"]).await["balance"], 1_500);
    assert_eq!(portal_invoice(app, &w, &one["id"]).await["balance"], 0);
    let (feed, _) = super::events::whole_feed(app, &w.t.id, 200).await;
    let refunded = feed.iter().find(|e| e["type"] == "invoice.payment_refunded").cloned();
    assert_eq!(refunded.expect("a refund event")["data"]["amount_refunded"], 1_500);

    // The customer's bank disputes the rest, and wins: the money is gone.
    let charge = stripe(app, &w.account, "GET", &format!("/v1/payment_intents/{intent}"), &[]).await;
    let charge = charge["latest_charge"].as_str().unwrap().to_owned();
    let dispute = stripe(app, &w.account, "POST", "/_local/disputes", &[("charge", &charge)]).await;
    assert_eq!(portal_invoice(app, &w, &one["id"]).await["balance"], 0, "an open dispute is not lost yet");
    let id = dispute["id"].as_str().unwrap();
    stripe(app, &w.account, "POST", &format!("/_local/disputes/{id}/close"), &[("status", "lost")]).await;
    assert_eq!(portal_invoice(app, &w, &one["id"]).await["balance"], 3_000);
    assert_eq!(portal_invoice(app, &w, &two["id"]).await["balance"], 2_000);
}

#[tokio::test]
async fn the_back_office_publishing_before_and_after_the_payment_keeps_the_balance_right() {
    let app = &spawn_app().await;
    let w = world(app).await;
    let inv = publish(app, &w, "I-5", &invoice(&w.customer, Some(&w.site), 10_000, 0, "EUR")).await;
    let payment = app
        .api
        .expect(201, "POST", "/portal/invoices/pay", &w.member, Some(&pay_body(&[(&inv, 10_000)])))
        .await
        .unwrap();
    let pay_id = payment["id"].as_str().unwrap().to_owned();
    // Before the payment's events: the back office publishes (a new total); after: the
    // payment counts against the new figure.
    publish(app, &w, "I-5", &invoice(&w.customer, Some(&w.site), 12_000, 0, "EUR")).await;
    pay_page(app, &w, &payment, "succeed").await;
    assert_eq!(portal_invoice(app, &w, &inv["id"]).await["balance"], 2_000, "publish, then payment");

    // After: a publish that does not know of it keeps it; one that includes it in its
    // figure and says so does not count it twice; the GET's body goes back as it was.
    publish(app, &w, "I-5", &invoice(&w.customer, Some(&w.site), 12_000, 0, "EUR")).await;
    assert_eq!(portal_invoice(app, &w, &inv["id"]).await["balance"], 2_000, "not known yet: kept");
    let mut known = invoice(&w.customer, Some(&w.site), 12_000, 10_000, "EUR");
    known["portal_payments_included"] = json!([pay_id]);
    let view = publish(app, &w, "I-5", &known).await;
    assert_eq!((view["balance"].as_i64(), view["portal_paid"].as_i64()), (Some(2_000), Some(0)), "included: once");
    let read = app.api.expect(200, "GET", "/admin/invoices/I-5", &w.t.admin, None).await.unwrap();
    app.api.expect(200, "PUT", "/admin/invoices/I-5", &w.t.admin, Some(&read)).await.unwrap();

    // Money paid here stays with this invoice: no other currency, no other customer.
    let mut dollars = known.clone();
    dollars["currency"] = json!("USD");
    assert_eq!(app.api.put("/admin/invoices/I-5", &w.t.admin, &dollars).await.unwrap().status, 422);

    // A payment this invoice does not have: named.
    let mut wrong = known.clone();
    wrong["portal_payments_included"] = json!(["pay_01JD8Z6V5Q2W3E4R5T6Y7A8B9Z"]);
    let refused = app.api.put("/admin/invoices/I-5", &w.t.admin, &wrong).await.unwrap();
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert!(refused.text.contains("portal_payments_included"), "{}", refused.text);
}

#[tokio::test]
async fn paying_needs_the_permission_the_feature_and_an_invoice_in_scope_at_the_balance_shown() {
    let app = &spawn_app().await;
    let w = world(app).await;
    let inv = publish(app, &w, "I-6", &invoice(&w.customer, Some(&w.site), 4_000, 0, "EUR")).await;
    let usd = publish(app, &w, "I-7", &invoice(&w.customer, Some(&w.site), 1_000, 0, "USD")).await;
    let body = pay_body(&[(&inv, 4_000)]);

    let viewer = member(app, &w.t, &w.customer, "viewer", &["view_invoices"]).await;
    assert_eq!(app.api.post("/portal/invoices/pay", &viewer, &body).await.unwrap().status, 403, "without pay_invoices");
    let elsewhere = app.customer(&w.t.admin, json!({"name": "Lakeside"})).await;
    let stranger = member(app, &w.t, &elsewhere, "stranger", &["view_invoices", "pay_invoices"]).await;
    assert_eq!(app.api.post("/portal/invoices/pay", &stranger, &body).await.unwrap().status, 404, "out of scope");

    let changed = app.api.post("/portal/invoices/pay", &w.member, &pay_body(&[(&inv, 3_999)])).await.unwrap();
    assert_eq!(changed.status, 409, "{}", changed.text);
    assert!(changed.text.contains("changed"), "{}", changed.text);
    let mixed =
        app.api.post("/portal/invoices/pay", &w.member, &pay_body(&[(&inv, 4_000), (&usd, 1_000)])).await.unwrap();
    assert_eq!(mixed.status, 422, "{}", mixed.text);
    for bad in [
        json!({"invoices": []}),
        json!({"invoices": [{"id": inv["id"], "balance": 4_000}], "return_path": "//evil.test"}),
        json!({"invoices": [{"id": inv["id"], "balance": 4_000}], "amount": 1}),
    ] {
        assert_eq!(app.api.post("/portal/invoices/pay", &w.member, &bad).await.unwrap().status, 400, "{bad}");
    }

    // The feature switched off: no one pays.
    let mut settings = app.api.expect(200, "GET", "/admin/settings", &w.t.admin, None).await.unwrap();
    settings["features"] = json!(["invoices"]);
    app.api.expect(200, "PUT", "/admin/settings", &w.t.admin, Some(&settings)).await.unwrap();
    assert_eq!(app.api.post("/portal/invoices/pay", &w.member, &body).await.unwrap().status, 403, "feature off");
}

#[tokio::test]
async fn the_most_invoices_one_payment_may_pay_are_recorded_at_once() {
    let app = &spawn_app().await;
    let w = world(app).await;
    let mut invoices = Vec::new();
    for n in 0..16 {
        invoices.push(
            publish(app, &w, &format!("I-M{n}"), &invoice(&w.customer, Some(&w.site), 1_000 + n, 0, "EUR")).await,
        );
    }
    let lines = |n: usize| -> Vec<(&Value, i64)> {
        invoices.iter().take(n).map(|i| (i, i["balance"].as_i64().unwrap())).collect()
    };
    let too_many = app.api.post("/portal/invoices/pay", &w.member, &pay_body(&lines(16))).await.unwrap();
    assert_eq!(too_many.status, 400, "{}", too_many.text);
    // Fifteen, each with a site (two open-invoice entries each): one transaction records
    // the success — the local DynamoDB refuses more than 100 writes in one, as DynamoDB does.
    let payment =
        app.api.expect(201, "POST", "/portal/invoices/pay", &w.member, Some(&pay_body(&lines(15)))).await.unwrap();
    pay_page(app, &w, &payment, "succeed").await;
    let paid = app.api.expect(200, "GET", "/portal/invoices?status=paid", &w.member, None).await.unwrap();
    assert_eq!(paid["items"].as_array().unwrap().len(), 15, "{paid}");
}

#[tokio::test]
async fn an_attempt_whose_time_ran_out_is_closed_at_the_processor_before_the_invoice_is_paid_again() {
    let app = &spawn_app().await;
    let w = world(app).await;
    let inv = publish(app, &w, "I-8", &invoice(&w.customer, Some(&w.site), 2_500, 0, "EUR")).await;
    let body = pay_body(&[(&inv, 2_500)]);
    let first = app.api.expect(201, "POST", "/portal/invoices/pay", &w.member, Some(&body)).await.unwrap();
    // Its time runs out (the lock's end moved into the past, as the clock would).
    let tenant = portico::domain::TenantId::for_operations(&w.t.id).unwrap();
    let id = portico::domain::ids::InvoiceId::parse(inv["id"].as_str().unwrap()).unwrap();
    let key = portico::store::keys::payment_lock_key(tenant, id);
    let lock: portico::domain::payment::PaymentLock = app.app.store.get(key).await.unwrap().unwrap();
    let past = lock.released();
    let mut tx = portico::store::Tx::new(tenant, portico::store::Actor("test:clock".into()));
    tx.put_if(&past, Some(lock.version), "changed").unwrap();
    app.app.store.commit(tx).await.unwrap();

    let other = member(app, &w.t, &w.customer, "other", &["view_invoices", "pay_invoices"]).await;
    let second = app.api.expect(201, "POST", "/portal/invoices/pay", &other, Some(&body)).await.unwrap();
    assert_ne!(second["id"], first["id"]);
    // The first page can no longer be paid: one invoice, one charge.
    let url = first["checkout_url"].as_str().unwrap();
    let session = url.rsplit('/').next().unwrap();
    let config = app.app.config.stripe.as_ref().unwrap();
    let late = reqwest::Client::new()
        .post(format!("{}/_local/checkout/sessions/{session}/pay", config.api))
        .bearer_auth(&config.secret_key)
        .header("Stripe-Account", &w.account)
        .form(&[("method", "card"), ("outcome", "succeed")])
        .send()
        .await
        .unwrap();
    assert!(late.status().is_client_error(), "the expired page took a payment: {}", late.status());
    pay_page(app, &w, &second, "succeed").await;
    assert_eq!(portal_invoice(app, &w, &inv["id"]).await["status"], "paid");
}

/// Seconds since the epoch, as a signature's `t` and an event's `created` are written.
fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// Posts an event body to the processor's route, as Stripe does, with `signature`.
async fn post_event(app: &TestApp, body: &str, signature: &str) -> u16 {
    let headers = [("stripe-signature", signature), ("content-type", "application/json")];
    app.api.raw("POST", "/webhooks/stripe", None, body.to_owned(), &headers).await.unwrap().status
}

#[tokio::test]
async fn an_event_not_signed_by_the_processor_or_signed_too_long_ago_is_refused() {
    let app = &spawn_app().await;
    let secret = app.app.config.stripe.as_ref().unwrap().webhook_secrets[0].clone();
    let sign = |body: &str, secret: &str, t: i64| portico::stripe::sign(body.as_bytes(), secret, t);
    let body = json!({"id": "evt_forged", "type": "payment_intent.succeeded", "created": 1, "account": "acct_x",
        "data": {"object": {"id": "pi_x", "metadata": {"portico_payment": "pay_01JD8Z6V5Q2W3E4R5T6Y7A8B9Z"}}}})
    .to_string();
    let now = unix_now();
    assert_eq!(post_event(app, &body, &sign(&body, "whsec_guess", now)).await, 400, "another secret");
    assert_eq!(post_event(app, &body, &sign(&body, &secret, now - 301)).await, 400, "too old");
    assert_eq!(post_event(app, &body, "").await, 400, "unsigned");
    // Signed rightly, of an account no tenant connected: taken, and nothing recorded.
    assert_eq!(post_event(app, &body, &sign(&body, &secret, now)).await, 200);

    // A refund of a payment not recorded as paid yet: 409, so that Stripe sends it again.
    let w = world(app).await;
    let refund = json!({"id": "evt_early", "type": "charge.refunded", "created": now, "account": w.account,
        "data": {"object": {"id": "ch_x", "payment_intent": "pi_not_yet", "amount_refunded": 100}}})
    .to_string();
    assert_eq!(post_event(app, &refund, &sign(&refund, &secret, now)).await, 409);

    // The tenant disconnects its account from the platform: it takes no payments here
    // (told after its onboarding: an event older than the last one applied is old news).
    let now = unix_now();
    let left = json!({"id": "evt_left", "type": "account.application.deauthorized", "created": now,
        "account": w.account, "data": {"object": {"id": "ca_x", "object": "application"}}})
    .to_string();
    assert_eq!(post_event(app, &left, &sign(&left, &secret, now)).await, 200);
    let account = app.api.expect(200, "GET", "/admin/payments/account", &w.t.admin, None).await.unwrap();
    assert_eq!(account["charges_enabled"], false, "{account}");
    let inv = publish(app, &w, "I-9", &invoice(&w.customer, Some(&w.site), 700, 0, "EUR")).await;
    let refused = app.api.post("/portal/invoices/pay", &w.member, &pay_body(&[(&inv, 700)])).await.unwrap();
    assert_eq!(refused.status, 409, "{}", refused.text);
}
