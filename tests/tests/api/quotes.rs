//! Quotes through the local gateway: published by the back office with totals Portico
//! computes, seen by the members whose scope covers the site (never as drafts), decided
//! once — with signature, PO number and who/when/which request — and guarded by approval
//! limits.

use portico_tests::{id, ids, spawn_app, TestApp, TestTenant};
use serde_json::{json, Value};

struct World {
    t: TestTenant,
    customer: String,
    site: String,
    other_site: String,
    /// `view_quotes` + `approve_quotes` on the whole customer.
    approver: String,
    approver_id: String,
    /// `view_quotes` only.
    viewer: String,
    /// Every permission, but only `other_site`.
    elsewhere: String,
}

async fn world(app: &TestApp) -> World {
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let customer = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let site = app.site(&t.admin, &customer, "HQ").await;
    let other_site = app.site(&t.admin, &customer, "Depot").await;
    let member = |name: &'static str, extra: Value| {
        let mut body = json!({"customer_id": customer, "first_name": name, "last_name": "M", "email": app.email(name), "admin": false});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        let admin = t.admin.clone();
        async move {
            let id = app.member(&admin, body).await;
            let token = app.invited_member(&admin, &id, &app.email(name)).await;
            (id, token)
        }
    };
    let (approver_id, approver) = member("approver", json!({"permissions": ["view_quotes", "approve_quotes"]})).await;
    let (_, viewer) = member("viewer", json!({"permissions": ["view_quotes"]})).await;
    let all = portico::domain::rights::Permission::ALL;
    let (_, elsewhere) = member(
        "elsewhere",
        json!({"permissions": all, "scope": {"grants": [{"customer_id": customer, "site_ids": [other_site]}]}}),
    )
    .await;
    World { t, customer, site, other_site, approver, approver_id, viewer, elsewhere }
}

fn quote(w: &World, status: &str, extra: Value) -> Value {
    let mut body = json!({
        "customer_id": w.customer, "site_id": w.site, "title": "Replace the pump", "currency": "EUR",
        "tax_rate_bps": 2100, "status": status,
        "lines": [{"description": "Pump", "quantity": 1, "unit_price": 100_000},
                  {"description": "Labour (hours)", "quantity": 1.5, "unit_price": 8_333}]});
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    body
}

async fn publish(app: &TestApp, w: &World, reference: &str, body: &Value) -> Value {
    let path = format!("/admin/quotes/{reference}");
    let answer = app.api.put(&path, &w.t.admin, body).await.unwrap();
    assert!([200, 201].contains(&answer.status), "{}", answer.text);
    answer.body
}

fn problem_detail(v: &Value) -> String {
    v["detail"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn the_back_office_publishes_quotes_with_computed_totals_and_puts_back_what_it_read() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let created =
        app.api.expect(201, "PUT", "/admin/quotes/Q-1", &w.t.admin, Some(&quote(&w, "draft", json!({})))).await;
    let created = created.unwrap();
    // 100000 + round(1.5 × 8333 = 12499.5) = 112500; 21% tax = 23625.
    assert_eq!(created["lines"][1]["total"], 12_500);
    assert_eq!(
        (created["subtotal"].as_i64(), created["tax"].as_i64(), created["total"].as_i64()),
        (Some(112_500), Some(23_625), Some(136_125))
    );
    assert_eq!(created["status"], "draft");
    assert_eq!(created["sent_at"], Value::Null);

    // The same PUT again changes nothing; GET by reference and by id agree.
    let again = app.api.put("/admin/quotes/Q-1", &w.t.admin, &quote(&w, "draft", json!({}))).await.unwrap();
    assert_eq!((again.status, again.body["version"].as_u64()), (200, Some(1)));
    let by_ref = app.api.expect(200, "GET", "/admin/quotes/Q-1", &w.t.admin, None).await.unwrap();
    let by_id = app.api.expect(200, "GET", &format!("/admin/quotes/{}", id(&created)), &w.t.admin, None).await.unwrap();
    assert_eq!(by_ref, by_id);

    // What GET returned goes back with a change: sent.
    let mut read = by_ref.clone();
    read["status"] = json!("sent");
    let sent = app.api.expect(200, "PUT", "/admin/quotes/Q-1", &w.t.admin, Some(&read)).await.unwrap();
    assert_eq!((sent["status"].as_str(), sent["version"].as_u64()), (Some("sent"), Some(2)));
    assert!(sent["sent_at"].is_string());
    // A stale version, or another reference, is refused.
    let stale = app.api.put("/admin/quotes/Q-1", &w.t.admin, &read).await.unwrap();
    assert_eq!(stale.status, 412, "{}", stale.text);
    let mut other = sent.clone();
    other["external_ref"] = json!("Q-2");
    assert_eq!(app.api.put("/admin/quotes/Q-1", &w.t.admin, &other).await.unwrap().status, 400);
    // Only the customer sets approved.
    let mut approved = sent.clone();
    approved["status"] = json!("approved");
    assert_eq!(app.api.put("/admin/quotes/Q-1", &w.t.admin, &approved).await.unwrap().status, 400);
    // Bad lines, another customer's site: 400.
    for bad in [
        quote(&w, "sent", json!({"lines": []})),
        quote(&w, "sent", json!({"lines": [{"description": "x", "quantity": 0.0001, "unit_price": 1}]})),
        quote(&w, "sent", json!({"lines": [{"description": "x", "quantity": 1, "unit_price": -5}]})),
        quote(&w, "sent", json!({"tax_rate_bps": 10_001})),
        quote(
            &w,
            "sent",
            json!({"site_id": app.site(&w.t.admin, &app.customer(&w.t.admin, json!({"name": "Other"})).await, "X").await}),
        ),
    ] {
        let answer = app.api.put("/admin/quotes/Q-9", &w.t.admin, &bad).await.unwrap();
        assert_eq!(answer.status, 400, "{bad}: {}", answer.text);
    }

    // The admin list filters by status and customer.
    publish(&app, &w, "Q-2", &quote(&w, "draft", json!({}))).await;
    let path = format!("/admin/quotes?customer_id={}&status=sent", w.customer);
    let sent_only = app.api.expect(200, "GET", &path, &w.t.admin, None).await.unwrap();
    assert_eq!(ids(&sent_only), [id(&created)]);
    let all = app.api.expect(200, "GET", "/admin/quotes?limit=1", &w.t.admin, None).await.unwrap();
    assert_eq!(all["items"].as_array().unwrap().len(), 1);
    assert!(all["next_cursor"].is_string(), "newest first, paged");
}

#[tokio::test]
async fn members_see_the_quotes_of_their_sites_never_drafts_and_only_with_the_permission() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let draft = publish(&app, &w, "Q-D", &quote(&w, "draft", json!({}))).await;
    let sent = publish(&app, &w, "Q-S", &quote(&w, "sent", json!({}))).await;
    let elsewhere = publish(&app, &w, "Q-E", &quote(&w, "sent", json!({"site_id": w.other_site}))).await;

    let list = app.api.expect(200, "GET", "/portal/quotes", &w.viewer, None).await.unwrap();
    assert_eq!(ids(&list), [id(&elsewhere), id(&sent)], "newest first, no draft");
    assert!(list["items"][0].get("lines").is_none(), "lists leave the lines out");
    assert_eq!(list["items"][0]["decidable"], false, "a viewer cannot decide");
    let detail = app.api.expect(200, "GET", &format!("/portal/quotes/{}", id(&sent)), &w.approver, None).await.unwrap();
    assert_eq!(detail["lines"].as_array().unwrap().len(), 2);
    assert_eq!((detail["reference"].as_str(), detail["decidable"].as_bool()), (Some("Q-S"), Some(true)));
    for (token, quote) in [(&w.viewer, &draft), (&w.elsewhere, &sent)] {
        let answer = app.api.get(&format!("/portal/quotes/{}", id(quote)), token).await.unwrap();
        assert_eq!(answer.status, 404, "{}", answer.text);
    }
    let theirs = app.api.expect(200, "GET", "/portal/quotes", &w.elsewhere, None).await.unwrap();
    assert_eq!(ids(&theirs), [id(&elsewhere)]);
    let filtered = app.api.expect(200, "GET", &format!("/portal/quotes?site_id={}", w.site), &w.viewer, None).await;
    assert_eq!(ids(&filtered.unwrap()), [id(&sent)]);
    assert_eq!(app.api.get("/portal/quotes?status=draft", &w.viewer).await.unwrap().status, 400);

    // Without view_quotes, or with the feature off: 403.
    let body = json!({"customer_id": w.customer, "first_name": "N", "last_name": "P", "email": app.email("none"), "admin": false, "permissions": ["view_jobs"]});
    let none = app.member(&w.t.admin, body).await;
    let none = app.invited_member(&w.t.admin, &none, &app.email("none")).await;
    assert_eq!(app.api.get("/portal/quotes", &none).await.unwrap().status, 403);
    let settings = app.api.expect(200, "GET", "/admin/settings", &w.t.admin, None).await.unwrap();
    let mut off = settings.clone();
    off["features"] =
        json!(settings["features"].as_array().unwrap().iter().filter(|f| *f != "quotes").collect::<Vec<_>>());
    app.api.expect(200, "PUT", "/admin/settings", &w.t.admin, Some(&off)).await.unwrap();
    let answer = app.api.get("/portal/quotes", &w.viewer).await.unwrap();
    assert_eq!(answer.status, 403);
    assert!(problem_detail(&answer.body).contains("switched off"), "{}", answer.text);
}

#[tokio::test]
async fn an_approval_is_signed_final_and_kept_against_later_puts() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let q = publish(&app, &w, "Q-1", &quote(&w, "sent", json!({}))).await;
    let approve = format!("/portal/quotes/{}/approve", id(&q));
    let reject = format!("/portal/quotes/{}/reject", id(&q));
    let signed = json!({"signed_by": "Ann Approver", "comment": "Go ahead", "po_number": "PO-77"});

    // A viewer may not decide; bodies are checked.
    assert_eq!(app.api.post(&approve, &w.viewer, &signed).await.unwrap().status, 403);
    assert_eq!(app.api.post(&approve, &w.approver, &json!({"signed_by": ""})).await.unwrap().status, 400);
    assert_eq!(app.api.post(&reject, &w.approver, &json!({"signed_by": "Ann"})).await.unwrap().status, 400);

    let decided = app.api.post(&approve, &w.approver, &signed).await.unwrap();
    assert_eq!(decided.status, 200, "{}", decided.text);
    assert_eq!(decided.body["status"], "approved");
    let d = &decided.body["decision"];
    assert_eq!(
        (d["signed_by"].as_str(), d["po_number"].as_str(), d["comment"].as_str()),
        (Some("Ann Approver"), Some("PO-77"), Some("Go ahead"))
    );
    assert_eq!(d["member_id"].as_str(), Some(w.approver_id.as_str()));
    assert!(d["decided_at"].is_string() && !d["request_id"].as_str().unwrap().is_empty());

    // Final: a second decision is a 422 that says so.
    for (path, body) in [(&approve, &signed), (&reject, &json!({"signed_by": "Ann", "reason": "Too dear"}))] {
        let again = app.api.post(path, &w.approver, body).await.unwrap();
        assert_eq!(again.status, 422, "{}", again.text);
        assert!(problem_detail(&again.body).contains("already approved"), "{}", again.text);
    }

    // The back office cannot overwrite it: other lines, or sent again, are 409; the echo of
    // what it is, with the job that carries it out, is taken.
    let mut read = app.api.expect(200, "GET", "/admin/quotes/Q-1", &w.t.admin, None).await.unwrap();
    assert_eq!(read["decision"]["po_number"], "PO-77");
    let mut changed = read.clone();
    changed["lines"][0]["unit_price"] = json!(1);
    let answer = app.api.put("/admin/quotes/Q-1", &w.t.admin, &changed).await.unwrap();
    assert_eq!(answer.status, 409, "{}", answer.text);
    assert!(problem_detail(&answer.body).contains("re-issue"), "{}", answer.text);
    let mut resent = read.clone();
    resent["status"] = json!("sent");
    assert_eq!(app.api.put("/admin/quotes/Q-1", &w.t.admin, &resent).await.unwrap().status, 409);
    let job = json!({"customer_id": w.customer, "site_id": w.site, "category": "repair", "status": "scheduled"});
    let job = app.api.expect(201, "PUT", "/admin/jobs/WO-1", &w.t.admin, Some(&job)).await.unwrap();
    read["job_id"] = job["id"].clone();
    let linked = app.api.expect(200, "PUT", "/admin/quotes/Q-1", &w.t.admin, Some(&read)).await.unwrap();
    assert_eq!((linked["status"].as_str(), linked["job_id"].clone()), (Some("approved"), job["id"].clone()));
    assert_eq!(linked["decision"], read["decision"]);

    // A re-issued quote is a new reference naming the one it replaces.
    let reissued = publish(&app, &w, "Q-1-2", &quote(&w, "sent", json!({"replaces": "Q-1"}))).await;
    assert_eq!((reissued["status"].as_str(), reissued["replaces"].as_str()), (Some("sent"), Some("Q-1")));
}

#[tokio::test]
async fn an_expired_or_withdrawn_quote_cannot_be_decided() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let expired = publish(&app, &w, "Q-OLD", &quote(&w, "sent", json!({"valid_until": "2026-01-31T23:59:59Z"}))).await;
    assert_eq!(expired["status"], "expired");
    let withdrawn = publish(&app, &w, "Q-W", &quote(&w, "withdrawn", json!({}))).await;
    let signed = json!({"signed_by": "Ann"});
    for (q, why) in [(&expired, "expired"), (&withdrawn, "withdrawn")] {
        let answer = app.api.post(&format!("/portal/quotes/{}/approve", id(q)), &w.approver, &signed).await.unwrap();
        assert_eq!(answer.status, 422, "{}", answer.text);
        assert!(problem_detail(&answer.body).contains(why), "{}", answer.text);
    }
    let listed = app.api.expect(200, "GET", "/portal/quotes?status=expired", &w.viewer, None).await.unwrap();
    assert_eq!(ids(&listed), [id(&expired)]);
    let open = app.api.expect(200, "GET", "/portal/quotes?status=sent", &w.viewer, None).await.unwrap();
    assert!(ids(&open).is_empty(), "an expired quote is not open: {open}");
    // The admin may put back what it read (status `expired`), say to extend it.
    let mut read = app.api.expect(200, "GET", "/admin/quotes/Q-OLD", &w.t.admin, None).await.unwrap();
    read["valid_until"] = json!("2099-12-31T23:59:59Z");
    let extended = app.api.expect(200, "PUT", "/admin/quotes/Q-OLD", &w.t.admin, Some(&read)).await.unwrap();
    assert_eq!(extended["status"], "sent");
}

#[tokio::test]
async fn of_racing_decisions_exactly_one_wins() {
    let app = spawn_app().await;
    let w = world(&app).await;
    for round in 0..3 {
        let q = publish(&app, &w, &format!("Q-R{round}"), &quote(&w, "sent", json!({}))).await;
        let (approve, reject) =
            (format!("/portal/quotes/{}/approve", id(&q)), format!("/portal/quotes/{}/reject", id(&q)));
        let answers = futures_util::future::join_all((0..6).map(|i| {
            let (approve, reject, token) = (approve.clone(), reject.clone(), w.approver.clone());
            let app = &app;
            async move {
                if i % 2 == 0 {
                    app.api.post(&approve, &token, &json!({"signed_by": format!("Racer {i}")})).await.unwrap()
                } else {
                    app.api
                        .post(&reject, &token, &json!({"signed_by": format!("Racer {i}"), "reason": "No"}))
                        .await
                        .unwrap()
                }
            }
        }))
        .await;
        let winners: Vec<_> = answers.iter().filter(|a| a.status == 200).collect();
        assert_eq!(
            winners.len(),
            1,
            "round {round}: {:?}",
            answers.iter().map(|a| (a.status, &a.text)).collect::<Vec<_>>()
        );
        assert!(answers.iter().all(|a| a.status == 200 || a.status == 422), "losers hear it was decided");
        let stored = app.api.expect(200, "GET", &format!("/admin/quotes/{}", id(&q)), &w.t.admin, None).await.unwrap();
        assert_eq!(stored["decision"], winners[0].body["decision"], "the stored decision is the winner's");
    }
}

#[tokio::test]
async fn an_approval_above_the_limit_is_refused_with_the_limit_and_shown_to_the_admin() {
    let app = spawn_app().await;
    let w = world(&app).await;
    // 136,125 cents with tax; the approver may approve EUR 1,000.00.
    let q = publish(&app, &w, "Q-BIG", &quote(&w, "sent", json!({}))).await;
    let member = format!("/admin/members/{}", w.approver_id);
    app.api
        .expect(200, "PATCH", &member, &w.t.admin, Some(&json!({"approval_limits": {"EUR": 100_000}})))
        .await
        .unwrap();
    let approve = format!("/portal/quotes/{}/approve", id(&q));
    let shown = app.api.expect(200, "GET", &format!("/portal/quotes/{}", id(&q)), &w.approver, None).await.unwrap();
    assert_eq!((shown["decidable"].as_bool(), shown["approvable"].as_bool()), (Some(true), Some(false)));
    let refused = app.api.post(&approve, &w.approver, &json!({"signed_by": "Ann"})).await.unwrap();
    assert_eq!(refused.status, 403, "{}", refused.text);
    let detail = problem_detail(&refused.body);
    assert!(detail.contains("€1,000.00") && detail.contains("€1,361.25"), "{detail}");
    let seen = app.api.expect(200, "GET", "/admin/quotes/Q-BIG", &w.t.admin, None).await.unwrap();
    assert_eq!(seen["status"], "sent", "nothing was decided");
    let attempts = seen["approval_attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 1);
    assert_eq!(
        (attempts[0]["member_id"].as_str(), attempts[0]["limit"].as_i64()),
        (Some(w.approver_id.as_str()), Some(100_000))
    );
    // A limit in another currency does not apply; a group's higher limit does.
    let group =
        json!({"name": "Buyers", "permissions": ["approve_quotes"], "approval_limits": {"EUR": 500_000, "USD": 10}});
    let group = app.api.expect(201, "POST", "/admin/access-groups", &w.t.admin, Some(&group)).await.unwrap();
    app.api.expect(200, "PATCH", &member, &w.t.admin, Some(&json!({"group_ids": [id(&group)]}))).await.unwrap();
    let approved = app.api.post(&approve, &w.approver, &json!({"signed_by": "Ann"})).await.unwrap();
    assert_eq!(approved.status, 200, "{}", approved.text);
    // Limits are checked when set, and cleared with null.
    let bad = app.api.patch(&member, &w.t.admin, &json!({"approval_limits": {"EUR": -1}})).await.unwrap();
    assert_eq!(bad.status, 400, "{}", bad.text);
    let cleared =
        app.api.expect(200, "PATCH", &member, &w.t.admin, Some(&json!({"approval_limits": null}))).await.unwrap();
    assert_eq!(cleared["approval_limits"], json!({}));
}
