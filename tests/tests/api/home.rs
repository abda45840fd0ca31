//! The member's home page (`GET /portal/home`): each part holds what needs them and
//! nothing else — the quote awaiting their decision, the unpaid invoices with what their
//! scope owes, the messages unread or unacknowledged, the open work request, the service
//! due within 30 days, the job completed in the last 30 days — and a part is null where
//! their rights do not show its page.

use portico::domain::clock::Duration;
use portico::domain::tenant::now;
use portico::store::keys::stamp;
use portico_tests::{id, ids, spawn_app};
use serde_json::{json, Value};

fn in_days(days: i64) -> String {
    stamp(now().saturating_add(Duration::days(days)))
}

/// The back office's references of a part's items (`reference` on quotes, invoices and
/// jobs; `external_ref` on assets).
fn refs(part: &Value) -> Vec<&str> {
    let items = part["items"].as_array().unwrap();
    items.iter().map(|i| i["reference"].as_str().or(i["external_ref"].as_str()).unwrap_or_default()).collect()
}

#[tokio::test]
async fn home_shows_what_needs_the_member_within_their_rights() {
    let app = &spawn_app().await;
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let admin = &t.admin;
    let customer = app.customer(admin, json!({"name": "Harbor"})).await;
    let other = app.customer(admin, json!({"name": "Elsewhere"})).await;
    let hq = app.site(admin, &customer, "HQ").await;
    let away = app.site(admin, &other, "Away").await;
    let put = |path: String, body: Value| async move {
        let answer = app.api.put(&path, admin, &body).await.unwrap();
        assert!([200, 201].contains(&answer.status), "{path}: {}", answer.text);
        answer.body
    };
    let quote = |site: &str, customer: &str, status: &str| {
        json!({"customer_id": customer, "site_id": site, "title": "New pump", "currency": "EUR",
            "tax_rate_bps": 2100, "status": status, "lines": [{"description": "Pump", "quantity": 1, "unit_price": 100_000}]})
    };
    put("/admin/quotes/Q-SENT".into(), quote(&hq, &customer, "sent")).await;
    put("/admin/quotes/Q-DONE".into(), quote(&hq, &customer, "draft")).await;
    put("/admin/quotes/Q-AWAY".into(), quote(&away, &other, "sent")).await;
    let invoice = |due: i64, total: i64, paid: i64| {
        json!({"customer_id": customer, "site_id": hq, "number": "2026-1", "issued_at": in_days(-60),
            "due_at": in_days(due), "currency": "EUR", "total": total, "amount_paid": paid})
    };
    put("/admin/invoices/I-LATE".into(), invoice(-5, 50_000, 10_000)).await;
    put("/admin/invoices/I-DUE".into(), invoice(10, 20_000, 0)).await;
    put("/admin/invoices/I-PAID".into(), invoice(-30, 9_000, 9_000)).await;
    let asset = |due: i64| json!({"customer_id": customer, "site_id": hq, "name": "Boiler", "upcoming_services": [{"name": "Service", "due_at": in_days(due)}]});
    put("/admin/assets/A-SOON".into(), asset(10)).await;
    put("/admin/assets/A-LATER".into(), asset(60)).await;
    let job = |status: &str, completed: Option<i64>| {
        let mut body = json!({"customer_id": customer, "site_id": hq, "category": "repair", "status": status});
        if let Some(days) = completed {
            body["completed_at"] = json!(in_days(days));
        }
        body
    };
    put("/admin/jobs/J-RECENT".into(), job("completed", Some(-3))).await;
    put("/admin/jobs/J-OLD".into(), job("completed", Some(-40))).await;
    put("/admin/jobs/J-OPEN".into(), job("scheduled", None)).await;

    let everything = [
        "view_jobs",
        "create_work_requests",
        "view_quotes",
        "approve_quotes",
        "view_invoices",
        "view_assets",
        "view_messages",
    ];
    let body = json!({"customer_id": customer, "first_name": "Ann", "last_name": "M", "email": app.email("ann"), "permissions": everything});
    let ann_id = app.member(admin, body).await;
    let ann = app.invited_member(admin, &ann_id, &app.email("ann")).await;
    let body = json!({"customer_id": customer, "first_name": "Bob", "last_name": "M", "email": app.email("bob"), "permissions": ["view_quotes"]});
    let bob_id = app.member(admin, body).await;
    let bob = app.invited_member(admin, &bob_id, &app.email("bob")).await;

    let request = json!({"site_id": hq, "subject": "Door sticks"});
    let raised = app.api.expect(201, "POST", "/portal/work-requests", &ann, Some(&request)).await.unwrap();
    let message = |title: &str, ack: bool| json!({"title": title, "body": "Read me", "audience": {"all": true}, "requires_ack": ack});
    let hats = app.api.expect(201, "POST", "/admin/messages", admin, Some(&message("Hard hats", true))).await.unwrap();
    let news = app.api.expect(201, "POST", "/admin/messages", admin, Some(&message("News", false))).await.unwrap();
    let seen = app.api.expect(201, "POST", "/admin/messages", admin, Some(&message("Seen", false))).await.unwrap();
    app.api.expect(200, "POST", &format!("/portal/messages/{}/read", id(&seen)), &ann, None).await.unwrap();
    // Read but not acknowledged: still waiting for her.
    app.api.expect(200, "POST", &format!("/portal/messages/{}/read", id(&hats)), &ann, None).await.unwrap();

    let home = app.api.expect(200, "GET", "/portal/home", &ann, None).await.unwrap();
    assert_eq!(refs(&home["quotes_to_decide"]), ["Q-SENT"], "sent, in her scope; never a draft or another customer's");
    assert_eq!(home["quotes_to_decide"]["items"][0]["decidable"], true);
    let mut unpaid = refs(&home["unpaid_invoices"]);
    unpaid.sort();
    assert_eq!(unpaid, ["I-DUE", "I-LATE"]);
    assert_eq!(
        home["unpaid_invoices"]["totals"],
        json!([{"currency": "EUR", "outstanding": 60_000, "overdue": 40_000}])
    );
    assert_eq!((home["messages"]["unread"].as_u64(), home["messages"]["to_acknowledge"].as_u64()), (Some(1), Some(1)));
    let mut waiting = ids(&home["messages"]);
    waiting.sort();
    let mut expected = vec![id(&hats), id(&news)];
    expected.sort();
    assert_eq!(waiting, expected, "unread or unacknowledged; not the one she has read");
    assert_eq!(ids(&home["open_work_requests"]), [id(&raised)]);
    assert_eq!(refs(&home["services_due"]), ["A-SOON"], "due within 30 days");
    assert_eq!(refs(&home["completed_jobs"]), ["J-RECENT"], "completed in the last 30 days");

    // Once decided, acknowledged and accepted, they no longer need her.
    let decision = json!({"signed_by": "Ann M", "po_number": "PO-1"});
    let sent = app.api.expect(200, "GET", "/admin/quotes/Q-SENT", admin, None).await.unwrap();
    app.api.expect(200, "POST", &format!("/portal/quotes/{}/approve", id(&sent)), &ann, Some(&decision)).await.unwrap();
    app.api.expect(200, "POST", &format!("/portal/messages/{}/ack", id(&hats)), &ann, None).await.unwrap();
    let home = app.api.expect(200, "GET", "/portal/home", &ann, None).await.unwrap();
    assert!(refs(&home["quotes_to_decide"]).is_empty());
    assert_eq!(home["messages"]["to_acknowledge"], 0);
    assert_eq!(ids(&home["messages"]), [id(&news)]);

    // Bob sees quotes but may not decide them, and nothing else: every part is null.
    let home = app.api.expect(200, "GET", "/portal/home", &bob, None).await.unwrap();
    for part in
        ["quotes_to_decide", "unpaid_invoices", "messages", "open_work_requests", "services_due", "completed_jobs"]
    {
        assert!(home[part].is_null(), "{part}: {}", home[part]);
    }
}
