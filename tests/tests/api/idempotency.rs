//! `Idempotency-Key` on every POST: bound to its tenant, caller, operation and request.
//! The same request again gets the first response (status, body, `ETag`, `Location`);
//! another request with the key is a 422; a request that failed lets go of its key.
//! Racing requests with one key are in `races.rs`.

use portico_tests::{id, ids, spawn_app, Answer, TestApp};
use serde_json::{json, Value};

async fn post(app: &TestApp, token: &str, path: &str, key: &str, body: &Value) -> Answer {
    app.api.send("POST", path, Some(token), Some(body), &[("idempotency-key", key)]).await.unwrap()
}

fn problem_type(a: &Answer) -> &str {
    a.header("content-type").unwrap_or_default()
}

#[tokio::test]
async fn the_same_request_again_gets_the_first_response_and_creates_nothing() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    let body = json!({"name": "Harbor Retail", "account_code": "HR-1"});

    let first = post(&app, &t.admin, "/admin/customers", "key-1", &body).await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(first.header("idempotent-replayed"), None);
    let customer = id(&first.body);
    assert_eq!(first.header("location"), Some(format!("/admin/customers/{customer}").as_str()));

    // The same request, serialised differently (key order, whitespace): the same request.
    let again = app
        .api
        .raw(
            "POST",
            "/admin/customers",
            Some(&t.admin),
            r#"{ "account_code" : "HR-1",   "name":"Harbor Retail" }"#,
            &[("content-type", "application/json"), ("idempotency-key", "key-1")],
        )
        .await
        .unwrap();
    assert_eq!(again.status, 201);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.text, first.text, "the first response's body, byte for byte");
    assert_eq!(again.header("etag"), first.header("etag"));
    assert_eq!(again.header("location"), first.header("location"));

    let all = app.api.expect(200, "GET", "/admin/customers", &t.admin, None).await.unwrap();
    assert_eq!(ids(&all), vec![customer.clone()], "one customer, whatever the retries");

    // Another request with the key: refused, and still nothing new.
    let other = post(&app, &t.admin, "/admin/customers", "key-1", &json!({"name": "Lakeside"})).await;
    assert_eq!(other.status, 422, "{}", other.text);
    assert_eq!(problem_type(&other), "application/problem+json");
    assert!(other.body["detail"].as_str().unwrap().contains("different request"));
    let all = app.api.expect(200, "GET", "/admin/customers", &t.admin, None).await.unwrap();
    assert_eq!(ids(&all).len(), 1);
}

#[tokio::test]
async fn a_key_belongs_to_one_operation_and_one_target() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let harbor = id(&post(&app, &t.admin, "/admin/customers", "k", &json!({"name": "Harbor"})).await.body);

    // The same key on other operations: each does its own work, nothing is replayed across.
    let site = post(
        &app,
        &t.admin,
        &format!("/admin/customers/{harbor}/sites"),
        "k",
        &json!({"name": "HQ", "address": "1 Quay"}),
    )
    .await;
    assert_eq!(site.status, 201, "{}", site.text);
    assert!(site.body["id"].as_str().unwrap().starts_with("site_"), "a site, not the customer: {}", site.text);
    let division =
        post(&app, &t.admin, &format!("/admin/customers/{harbor}/divisions"), "k", &json!({"name": "North"})).await;
    assert!(division.body["id"].as_str().unwrap().starts_with("div_"), "{}", division.text);
    let contact_body =
        json!({"first_name": "Cleo", "last_name": "C", "email": app.email("cleo"), "role": "facilities"});
    let contact = post(&app, &t.admin, &format!("/admin/customers/{harbor}/contacts"), "k", &contact_body).await;
    assert!(contact.body["id"].as_str().unwrap().starts_with("con_"), "{}", contact.text);
    assert_eq!(contact.header("location"), Some(format!("/admin/contacts/{}", id(&contact.body)).as_str()));

    // The same operation and body for another path target is another request: 422.
    let lakeside = id(&post(&app, &t.admin, "/admin/customers", "k2", &json!({"name": "Lakeside"})).await.body);
    let elsewhere = post(
        &app,
        &t.admin,
        &format!("/admin/customers/{lakeside}/sites"),
        "k",
        &json!({"name": "HQ", "address": "1 Quay"}),
    )
    .await;
    assert_eq!(elsewhere.status, 422, "{}", elsewhere.text);
    let lake_sites =
        app.api.expect(200, "GET", &format!("/admin/customers/{lakeside}/sites"), &t.admin, None).await.unwrap();
    assert!(ids(&lake_sites).is_empty());
}

#[tokio::test]
async fn an_upload_key_reused_for_a_work_request_makes_a_work_request() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let harbor = app.customer(&t.admin, json!({"name": "Harbor", "allowed_work_order_types": ["repair"]})).await;
    let hq = app.site(&t.admin, &harbor, "HQ").await;
    let email = app.email("carla");
    let member = app
        .member(
            &t.admin,
            json!({"customer_id": harbor, "first_name": "Carla", "last_name": "C", "email": email,
            "admin": false, "permissions": ["view_jobs", "create_work_requests"]}),
        )
        .await;
    let carla = app.invited_member(&t.admin, &member, &email).await;

    let upload = post(
        &app,
        &carla,
        "/portal/uploads",
        "K",
        &json!({"file_name": "leak.jpg", "content_type": "image/jpeg", "size": 5}),
    )
    .await;
    assert_eq!(upload.status, 201, "{}", upload.text);
    assert!(upload.body["file_id"].is_string());

    let request = post(&app, &carla, "/portal/work-requests", "K", &json!({"subject": "Leak", "site_id": hq})).await;
    assert_eq!(request.status, 201, "{}", request.text);
    assert_eq!(request.body["subject"], "Leak", "the work request, not the upload: {}", request.text);
    let wr = id(&request.body);
    assert_eq!(request.header("location"), Some(format!("/portal/work-requests/{wr}").as_str()));
    let mine = app.api.expect(200, "GET", "/portal/work-requests", &carla, None).await.unwrap();
    assert_eq!(ids(&mine), vec![wr]);

    // Another member's key of the same name is theirs alone.
    let email = app.email("dan");
    let dan_id = app
        .member(
            &t.admin,
            json!({"customer_id": harbor, "first_name": "Dan", "last_name": "D", "email": email,
            "admin": false, "permissions": ["create_work_requests"]}),
        )
        .await;
    let dan = app.invited_member(&t.admin, &dan_id, &email).await;
    let theirs = post(
        &app,
        &dan,
        "/portal/uploads",
        "K",
        &json!({"file_name": "leak.jpg", "content_type": "image/jpeg", "size": 5}),
    )
    .await;
    assert_eq!(theirs.status, 201);
    assert_eq!(theirs.header("idempotent-replayed"), None);
    assert_ne!(theirs.body["file_id"], upload.body["file_id"]);
}

#[tokio::test]
async fn a_request_that_failed_lets_go_of_its_key() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    let bad = post(&app, &t.admin, "/admin/customers", "retry-me", &json!({"name": ""})).await;
    assert_eq!(bad.status, 400);
    // Fixed and sent again with the same key: it runs (the failed request changed nothing).
    let good = post(&app, &t.admin, "/admin/customers", "retry-me", &json!({"name": "Harbor"})).await;
    assert_eq!(good.status, 201, "{}", good.text);
    assert_eq!(good.header("idempotent-replayed"), None);
    let replay = post(&app, &t.admin, "/admin/customers", "retry-me", &json!({"name": "Harbor"})).await;
    assert_eq!((replay.status, replay.header("idempotent-replayed")), (201, Some("true")));

    // A key that is not 1–100 visible ASCII characters is a 400, before anything runs.
    let long = "k".repeat(101);
    let refused = post(&app, &t.admin, "/admin/customers", &long, &json!({"name": "Lakeside"})).await;
    assert_eq!(refused.status, 400);
    assert_eq!(problem_type(&refused), "application/problem+json");
}

#[tokio::test]
async fn a_retried_tenant_creation_makes_one_tenant_and_sends_one_invitation() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let admin_email = app.email("first-admin");
    let body = json!({"name": "Acme", "admin_email": admin_email, "admin_first_name": "Ada", "admin_last_name": "A"});
    let first = post(&app, &operator, "/platform/tenants", "tenant-1", &body).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let again = post(&app, &operator, "/platform/tenants", "tenant-1", &body).await;
    assert_eq!((again.status, again.header("idempotent-replayed")), (201, Some("true")));
    assert_eq!(again.body["id"], first.body["id"]);
    let mails = portico_local::mailbox::to(&app.aws.endpoint, &admin_email).await.unwrap();
    assert_eq!(mails.len(), 1, "one invitation");
}

/// The store a request holding a key runs with commits its change and the key's
/// `committed` mark in one transaction: a request that lost its key (released, then taken
/// by another) changes nothing; the holder's change commits, marked.
#[tokio::test]
async fn a_keyed_store_commits_its_change_only_with_its_key() {
    use portico::domain::text::Email;
    use portico::store::idempotency::{Claimed, Record, State};
    use portico::store::keys::{self, KeySpace};
    use portico::store::{Actor, Claim, Tx};

    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    let tenant = portico::domain::Principal::from_claims(
        &[("sub", "t"), ("custom:tenant_id", t.id.as_str())].map(|(k, v)| (k.to_owned(), v.to_owned())).into(),
    )
    .unwrap()
    .tenant()
    .unwrap();
    let store = &app.app.store;
    let claim = async || match store.claim_key(KeySpace::Tenant(tenant), "Test", "sub", "k", "f").await.unwrap() {
        Claimed::Mine(flight) => flight,
        Claimed::Theirs(record) => panic!("the key is free, yet held: {record:?}"),
    };
    let change = |who: &str| {
        let mut tx = Tx::new(tenant, Actor(format!("test:{who}")));
        tx.claim(keys::member_email(tenant, &Email::parse(&format!("{who}@example.com")).unwrap()), who, "taken");
        tx
    };
    let changed = async |who: &str| {
        let key = keys::member_email(tenant, &Email::parse(&format!("{who}@example.com")).unwrap());
        store.get::<Claim>(key).await.unwrap().is_some()
    };
    let state = async || store.get::<Record>(keys::idempotency_key(KeySpace::Tenant(tenant), "Test", "sub", "k")).await;

    // The first holder's lock ends (here: released) and another request takes the key.
    let lost = claim().await;
    store.release_key(&lost).await.unwrap();
    let holder = claim().await;

    let refused = store.keyed(lost.clone()).commit(change("late")).await;
    assert!(refused.is_err_and(|e| e.to_string().contains("took over")), "the late request's change is refused");
    assert!(!changed("late").await, "and nothing of it was written");
    assert!(!lost.committed());

    store.keyed(holder.clone()).commit(change("holder")).await.unwrap();
    assert!(changed("holder").await);
    assert!(holder.committed());
    assert_eq!(state().await.unwrap().map(|r| r.state), Some(State::Committed), "marked with the change");
}

/// A keyed request's handler runs with the store that carries its key: once it has
/// changed something, a failure after that is kept and replayed, and a retry with the key
/// does not run the handler again (it would change things twice). Were the handler given
/// the unkeyed store, its change would not mark the key, the failure would let go of it,
/// and the retry would run the handler a second time.
#[tokio::test]
async fn a_request_that_failed_after_its_change_is_replayed_not_run_again() {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use portico::domain::text::Email;
    use portico::http::{idempotency, Req};
    use portico::store::{keys, Actor, Tx};
    use portico::{App, Error};

    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    let fixture =
        std::fs::read_to_string(portico_local::workspace_root().join("events/api/CreateCustomer.json")).unwrap();
    let request = || {
        let mut event: Value = serde_json::from_str(&fixture.replace(portico_local::generate::TENANT, &t.id)).unwrap();
        event["headers"]["idempotency-key"] = json!("changed-then-failed");
        Req::new(lambda_http::request::from_str(&event.to_string()).unwrap())
    };
    let runs = AtomicUsize::new(0);
    let handler = async |app: &App, req: Req| {
        runs.fetch_add(1, Ordering::SeqCst);
        let tenant = req.principal()?.tenant().ok_or_else(|| Error::conflict("no tenant"))?;
        let mut tx = Tx::new(tenant, Actor("test".into()));
        let email = Email::parse("once@example.com").map_err(|_| Error::conflict("no email"))?;
        tx.claim(keys::member_email(tenant, &email), "once", "taken");
        app.store.commit(tx).await?;
        Err::<portico::http::Reply, _>(Error::conflict("failed after its change"))
    };

    let first = idempotency::once(app.app, "Test", request(), handler).await;
    assert!(first.is_err_and(|e| e.to_string().contains("failed after its change")));
    let retried = idempotency::once(app.app, "Test", request(), handler).await;
    let replayed = retried.expect("the kept failure, replayed");
    assert_eq!((replayed.status, replayed.replayed), (409, true));
    assert_eq!(runs.load(Ordering::SeqCst), 1, "the handler ran once");
}
