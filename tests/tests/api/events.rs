//! The pull feed of integration events (`GET /admin/events`) through the local stack:
//! what members do in the portal reaches the back office oldest first, with stable ids
//! and its own references, after a cursor it keeps; what has not settled is not served.

use portico::domain::ids::TenantId;
use portico::store::feed::SETTLE_SECONDS;
use portico_tests::{id, spawn_app, TestApp, TestTenant};
use serde_json::{json, Value};

/// A tenant whose customer's member Ann may decide quotes, raise work requests and add
/// notes, and a job WO-1 at its HQ.
pub struct Acme {
    pub t: TestTenant,
    pub ann: String,
    pub customer: String,
    pub hq: String,
}

pub async fn acme(app: &TestApp, operator: &str) -> Acme {
    let t = app.tenant_by(operator, "Acme").await;
    app.complete_setup(&t.admin).await;
    let customer = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let hq = app.site(&t.admin, &customer, "HQ").await;
    let permissions = ["view_quotes", "approve_quotes", "create_work_requests", "view_jobs", "add_job_notes"];
    let body = json!({"customer_id": customer, "first_name": "Ann", "last_name": "Harbor", "email": app.email("ann"),
        "admin": false, "permissions": permissions});
    let ann_id = app.member(&t.admin, body).await;
    let ann = app.invited_member(&t.admin, &ann_id, &app.email("ann")).await;
    let job = json!({"customer_id": customer, "site_id": hq, "category": "repair", "status": "scheduled"});
    app.api.expect(201, "PUT", "/admin/jobs/WO-1", &t.admin, Some(&job)).await.unwrap();
    Acme { t, ann, customer, hq }
}

/// What members do: a quote approved (with a PO number), one rejected, a work request
/// submitted and accepted, a note on a job.
pub async fn activity(app: &TestApp, a: &Acme) {
    let (t, ann, customer, hq) = (&a.t, &a.ann, &a.customer, &a.hq);
    for q in ["Q-1", "Q-2"] {
        let quote = json!({"customer_id": customer, "site_id": hq, "title": "New pump", "currency": "EUR",
            "tax_rate_bps": 2100, "status": "sent", "lines": [{"description": "Pump", "quantity": 1, "unit_price": 100_000}]});
        let quote = app.api.expect(201, "PUT", &format!("/admin/quotes/{q}"), &t.admin, Some(&quote)).await.unwrap();
        let (verb, decision) = if q == "Q-1" {
            ("approve", json!({"signed_by": "Ann Harbor", "po_number": "PO-77"}))
        } else {
            ("reject", json!({"signed_by": "Ann Harbor", "reason": "Too dear"}))
        };
        let path = format!("/portal/quotes/{}/{verb}", id(&quote));
        app.api.expect(200, "POST", &path, ann, Some(&decision)).await.unwrap();
    }
    let request = json!({"subject": "Leak", "site_id": hq});
    let request = app.api.expect(201, "POST", "/portal/work-requests", ann, Some(&request)).await.unwrap();
    let accept = format!("/admin/work-requests/{}/accept", id(&request));
    app.api.expect(200, "POST", &accept, &t.admin, Some(&json!({"job_id": "WO-1"}))).await.unwrap();
    let jobs = app.api.expect(200, "GET", "/portal/jobs", ann, None).await.unwrap();
    let job = id(&jobs["items"][0]);
    let note = json!({"text": "Gate code 1234"});
    app.api.expect(201, "POST", &format!("/portal/jobs/{job}/notes"), ann, Some(&note)).await.unwrap();
}

/// [`acme`] and its [`activity`].
pub async fn portal_activity(app: &TestApp, operator: &str) -> TestTenant {
    let a = acme(app, operator).await;
    activity(app, &a).await;
    a.t
}

/// Every event of the tenant's feed as it will be once all has settled, by pages of
/// `limit`, and the cursor after the last.
pub async fn whole_feed(app: &TestApp, tenant: &str, limit: usize) -> (Vec<Value>, Option<String>) {
    let tenant = TenantId::for_operations(tenant).unwrap();
    let later = portico::domain::tenant::now().unix_millis() + (SETTLE_SECONDS + 2) * 1000;
    let mut after: Option<String> = None;
    let mut all = Vec::new();
    for _ in 0..50 {
        let cursor = after.as_deref().map(|a| a.strip_prefix("evt_").unwrap().to_owned());
        let page = app.app.store.feed(tenant, cursor.as_deref(), limit, later).await.unwrap();
        assert!(page.items.len() <= limit);
        all.extend(page.items.iter().map(|e| serde_json::to_value(e).unwrap()));
        after = page.next_after;
        if !page.has_more {
            return (all, after);
        }
    }
    panic!("the feed did not end");
}

pub fn types(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["type"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn the_feed_serves_portal_activity_in_order_with_references_after_a_durable_cursor() {
    let app = &spawn_app().await;
    let operator = app.operator().await;
    let t = portal_activity(app, &operator).await;

    // Nothing has settled yet: the feed serves no event younger than its settle window.
    let now = app.api.expect(200, "GET", "/admin/events", &t.admin, None).await.unwrap();
    assert_eq!(now, json!({"items": [], "next_after": null, "has_more": false}));

    let (events, last) = whole_feed(app, &t.id, 50).await;
    assert_eq!(
        types(&events),
        [
            "member.changed",
            "quote.approved",
            "quote.rejected",
            "work_request.submitted",
            "work_request.accepted",
            "job.note_added"
        ],
        "{events:#?}"
    );
    let approved = &events[1]["data"];
    assert_eq!((approved["reference"].as_str(), approved["po_number"].as_str()), (Some("Q-1"), Some("PO-77")));
    assert_eq!(approved["signed_by"], "Ann Harbor");
    assert_eq!(events[2]["data"]["reason"], "Too dear");
    assert_eq!(events[5]["data"]["text"], "Gate code 1234");
    assert_eq!(events[5]["data"]["job_ref"], "WO-1", "the note names its job by the back office's reference");
    assert!(
        events.iter().all(|e| e["data"].get("tenant_id").is_none() && !e.to_string().contains(&t.id)),
        "tenant-less"
    );
    let ids: Vec<&str> = events.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "oldest first by id: {ids:?}");

    // Page by page, the same events in the same order; the cursor after the last gives
    // nothing more; ids are stable between reads.
    let (paged, last_paged) = whole_feed(app, &t.id, 1).await;
    assert_eq!(paged, events);
    assert_eq!(last_paged, last);
    let tenant = TenantId::for_operations(&t.id).unwrap();
    let later = portico::domain::tenant::now().unix_millis() + (SETTLE_SECONDS + 2) * 1000;
    let cursor = last.as_deref().unwrap().strip_prefix("evt_").unwrap();
    let rest = app.app.store.feed(tenant, Some(cursor), 50, later).await.unwrap();
    assert!(rest.items.is_empty() && !rest.has_more);
    assert_eq!(rest.next_after, last, "the cursor stays where it was");
    // After the third event: the fourth onwards.
    let third = ids[2].strip_prefix("evt_").unwrap();
    let from_third = app.app.store.feed(tenant, Some(third), 50, later).await.unwrap();
    assert_eq!(from_third.items.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), ids[3..]);

    // Another tenant's feed holds none of it.
    let other = app.tenant_by(&operator, "Other").await;
    let (theirs, _) = whole_feed(app, &other.id, 50).await;
    assert!(theirs.iter().all(|e| !ids.contains(&e["id"].as_str().unwrap())));
}

#[tokio::test]
async fn the_feed_refuses_a_cursor_it_did_not_make_and_a_limit_out_of_bounds() {
    let app = &spawn_app().await;
    let t = app.tenant("Acme").await;
    for bad in [
        "after=01JD8Z6V5Q2W3E4R5T6Y7A8B9C",
        "after=evt_01jd8z6v5q2w3e4r5t6y7a8b9c",
        "after=evt_%23",
        "limit=0",
        "limit=201",
    ] {
        let a = app.api.get(&format!("/admin/events?{bad}"), &t.admin).await.unwrap();
        assert_eq!(a.status, 400, "{bad}: {}", a.text);
        let field = if bad.starts_with("after") { "after" } else { "limit" };
        assert_eq!(a.body["errors"][0]["field"], field, "{bad}");
    }
    let ok = app.api.expect(200, "GET", "/admin/events?after=evt_01JD8Z6V5Q2W3E4R5T6Y7A8B9C&limit=200", &t.admin, None);
    assert_eq!(ok.await.unwrap()["next_after"], "evt_01JD8Z6V5Q2W3E4R5T6Y7A8B9C", "where it was: nothing since");
}
