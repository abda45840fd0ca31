//! `POST /admin/batch` (issue 27): many upserts in one request, each answered on its own
//! with what its kind's PUT would have answered; re-sending changes nothing.

use portico_tests::{id, spawn_app};
use serde_json::{json, Value};

fn statuses(answer: &Value) -> Vec<u64> {
    answer["results"].as_array().unwrap().iter().map(|r| r["status"].as_u64().unwrap()).collect()
}

#[tokio::test]
async fn a_batch_stores_the_good_items_answers_the_bad_ones_and_resending_changes_nothing() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let admin = &t.admin;
    // A job, quote, invoice and asset name their customer and site by Portico id: a
    // site put earlier gives them.
    let harbor = app.customer(admin, json!({"name": "Harbor"})).await;
    let hq = app.site(admin, &harbor, "HQ").await;
    app.api
        .expect(
            201,
            "PUT",
            "/admin/jobs/WO-STALE",
            admin,
            Some(&json!({"customer_id": harbor, "site_id": hq, "category": "repair", "status": "scheduled"})),
        )
        .await
        .unwrap();

    let items = json!([
        {"kind": "customer", "ref": "HRG", "body": {"name": "Harbor Retail"}},
        // Depends on the item before it.
        {"kind": "customer", "ref": "HRG-E", "body": {"name": "Harbor East", "parent_id": "HRG"}},
        {"kind": "division", "ref": "D-N", "body": {"customer_id": "HRG", "name": "North"}},
        {"kind": "site", "ref": "S-1", "body": {"customer_id": "HRG", "name": "Store 1", "address": "1 Kade", "division_id": "D-N"}},
        {"kind": "contact", "ref": "C-1", "body": {"customer_id": "HRG-E", "first_name": "Bea", "last_name": "B", "email": "bea@harbor.test", "role": "billing"}},
        {"kind": "job", "ref": "WO-1", "body": {"customer_id": harbor, "site_id": hq, "category": "repair", "status": "scheduled"}},
        {"kind": "quote", "ref": "Q-1", "body": {"customer_id": harbor, "site_id": hq, "title": "Pump", "currency": "EUR", "status": "sent",
            "lines": [{"description": "Pump", "quantity": 1, "unit_price": 100_000}]}},
        {"kind": "invoice", "ref": "I-1", "body": {"customer_id": harbor, "site_id": hq, "number": "2026-1", "issued_at": "2026-01-01T00:00:00Z",
            "due_at": "2026-02-01T00:00:00Z", "currency": "EUR", "total": 1000, "amount_paid": 0}},
        {"kind": "asset", "ref": "A-1", "body": {"customer_id": harbor, "site_id": hq, "name": "Boiler"}},
        // Bad: an unknown field; a parent that does not exist; a reference that is not
        // one; a stale If-Match.
        {"kind": "site", "ref": "S-2", "body": {"customer_id": "HRG", "name": "Store 2", "address": "2 Kade", "colour": "red"}},
        {"kind": "site", "ref": "S-3", "body": {"customer_id": "NOPE", "name": "Store 3", "address": "3 Kade"}},
        {"kind": "job", "ref": "WO 4/5", "body": {"customer_id": harbor, "site_id": hq, "category": "repair", "status": "scheduled"}},
        {"kind": "job", "ref": "WO-STALE", "if_match": "\"7\"", "body": {"customer_id": harbor, "site_id": hq, "category": "repair", "status": "completed"}},
    ]);
    let batch = json!({ "items": items });
    let first = app.api.expect(200, "POST", "/admin/batch", admin, Some(&batch)).await.unwrap();
    assert_eq!(statuses(&first), [201, 201, 201, 201, 201, 201, 201, 201, 201, 400, 422, 400, 412], "{first}");
    let results = first["results"].as_array().unwrap();
    for (i, r) in results.iter().enumerate() {
        assert_eq!(r["index"], i);
    }
    // Each bad item carries its PUT's problem+json, naming the field.
    let field = |i: usize| results[i]["problem"]["errors"][0]["field"].as_str().unwrap_or_default().to_owned();
    assert_eq!(field(9), "colour");
    assert_eq!(field(10), "customer_id");
    assert_eq!(field(11), "ref");
    assert_eq!(results[12]["problem"]["status"], 412);
    assert!(results[9]["id"].is_null() && results[12]["id"].is_null());
    // The good ones are stored: read back by their references.
    let site = app.api.expect(200, "GET", "/admin/sites/S-1", admin, None).await.unwrap();
    assert_eq!(id(&site), results[3]["id"].as_str().unwrap());
    assert_eq!(site["division_id"], results[2]["id"]);
    let east = app.api.expect(200, "GET", "/admin/customers/HRG-E", admin, None).await.unwrap();
    assert_eq!(east["parent_id"], results[0]["id"]);
    for path in
        ["/admin/contacts/C-1", "/admin/jobs/WO-1", "/admin/quotes/Q-1", "/admin/invoices/I-1", "/admin/assets/A-1"]
    {
        app.api.expect(200, "GET", path, admin, None).await.unwrap();
    }
    app.api.expect(404, "GET", "/admin/sites/S-2", admin, None).await.unwrap();
    let stale = app.api.expect(200, "GET", "/admin/jobs/WO-STALE", admin, None).await.unwrap();
    assert_eq!(stale["status"], "scheduled", "the stale item changed nothing");

    // Re-sending the same batch changes nothing: the good items answer 200 at the same
    // version, the bad ones the same problem.
    let again = app.api.expect(200, "POST", "/admin/batch", admin, Some(&batch)).await.unwrap();
    assert_eq!(statuses(&again), [200, 200, 200, 200, 200, 200, 200, 200, 200, 400, 422, 400, 412], "{again}");
    for (a, b) in results.iter().zip(again["results"].as_array().unwrap()) {
        assert_eq!((&a["id"], &a["version"]), (&b["id"], &b["version"]), "{b}");
    }
}

#[tokio::test]
async fn a_batch_has_limits_and_its_key_replays_it() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let admin = &t.admin;
    let item =
        |n: usize| json!({"kind": "customer", "ref": format!("C-{n}"), "body": {"name": format!("Customer {n}")}});
    let too_many = json!({"items": (0..101).map(item).collect::<Vec<_>>()});
    app.api.expect(422, "POST", "/admin/batch", admin, Some(&too_many)).await.unwrap();
    app.api.expect(400, "POST", "/admin/batch", admin, Some(&json!({"items": []}))).await.unwrap();
    // An item that is not one is the whole request's problem: nothing of it runs.
    let bad_envelope = json!({"items": [item(0), {"kind": "planet", "ref": "P-1", "body": {}}]});
    let problem = app.api.expect(400, "POST", "/admin/batch", admin, Some(&bad_envelope)).await.unwrap();
    assert!(problem["errors"][0]["field"].as_str().unwrap().starts_with("items[1].kind"), "{problem}");
    let not_object = json!({"items": [item(0), {"kind": "site", "ref": "S-1", "body": [1]}]});
    app.api.expect(400, "POST", "/admin/batch", admin, Some(&not_object)).await.unwrap();
    app.api.expect(404, "GET", "/admin/customers/C-0", admin, None).await.unwrap();
    let full = json!({"items": (0..100).map(item).collect::<Vec<_>>()});
    let key = [("idempotency-key", "load-1")];
    let first = app.api.send("POST", "/admin/batch", Some(admin), Some(&full), &key).await.unwrap();
    assert_eq!(first.status, 200);
    assert!(statuses(&first.body).iter().all(|s| *s == 201), "{}", first.body);
    // The same key answers the first response again (201s), not a second run (200s).
    let replay = app.api.send("POST", "/admin/batch", Some(admin), Some(&full), &key).await.unwrap();
    assert_eq!(replay.body, first.body);
}

#[tokio::test]
async fn each_item_needs_its_own_puts_scope_and_the_others_are_stored() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let customer = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let site = app.site(&t.admin, &customer, "HQ").await;
    // An integration that publishes records, but may not touch the customer tree.
    let erp = app.integration(&t.admin, "Records only", &["records:write", "records:read"]).await;
    let token = app.integration_token(&erp).await;
    let items = json!({"items": [
        {"kind": "customer", "ref": "HRG", "body": {"name": "Harbor Retail"}},
        {"kind": "asset", "ref": "A-1", "body": {"customer_id": customer, "site_id": site, "name": "Boiler"}},
        {"kind": "job", "ref": "WO-1", "body": {"customer_id": customer, "site_id": site, "category": "repair", "status": "scheduled"}},
    ]});
    let answer = app.api.expect(200, "POST", "/admin/batch", &token, Some(&items)).await.unwrap();
    let statuses: Vec<u64> =
        answer["results"].as_array().unwrap().iter().map(|r| r["status"].as_u64().unwrap()).collect();
    // access:write and work:write are not its: those items alone are refused.
    assert_eq!(statuses, [403, 201, 403], "{answer}");
    assert!(
        answer["results"][0]["problem"]["detail"].as_str().unwrap_or_default().contains("access:write"),
        "{answer}"
    );
    app.api.expect(404, "GET", "/admin/customers/HRG", &t.admin, None).await.unwrap();
    app.api.expect(200, "GET", "/admin/assets/A-1", &t.admin, None).await.unwrap();
    app.api.expect(404, "GET", "/admin/jobs/WO-1", &t.admin, None).await.unwrap();
    // Without records:write it may not call the batch at all.
    let reader = app.integration(&t.admin, "Reader", &["access:write"]).await;
    let token = app.integration_token(&reader).await;
    assert_eq!(app.api.post("/admin/batch", &token, &items).await.unwrap().status, 403);
}
