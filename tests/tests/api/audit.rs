//! The audit trail through the local gateway: an approval, a work-request decision and
//! member changes, as the tenant's admin sees them (who, when, every field that changed;
//! by entity, by actor, by time; newest first, paged) and as the customer's own admin
//! member sees them (names of their own people, "the provider" for everyone else, which
//! fields changed but not their values, only what their scope would show).

use portico_tests::{id, spawn_app, TestApp};
use serde_json::{json, Value};

fn actions(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap().to_owned()).collect()
}

fn change<'a>(entry: &'a Value, field: &str) -> Option<&'a Value> {
    entry["changes"].as_array().unwrap().iter().find(|c| c["field"] == field)
}

async fn trail(app: &TestApp, token: &str, path: &str) -> Value {
    app.api.expect(200, "GET", path, token, None).await.unwrap()
}

#[tokio::test]
async fn the_trail_shows_an_approval_a_member_change_and_a_work_request_decision() {
    let app = &spawn_app().await;
    let operator = app.operator().await;
    let t = app.tenant_by(&operator, "Acme").await;
    app.complete_setup(&t.admin).await;
    let customer = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let hq = app.site(&t.admin, &customer, "HQ").await;
    let depot = app.site(&t.admin, &customer, "Depot").await;
    let member = |name: &'static str, extra: Value| {
        let mut body = json!({"customer_id": customer, "first_name": name, "last_name": "Harbor", "email": app.email(&name.to_lowercase())});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        let admin = t.admin.clone();
        async move {
            let id = app.member(&admin, body).await;
            let token = app.invited_member(&admin, &id, &app.email(&name.to_lowercase())).await;
            (id, token)
        }
    };
    // The customer's admin member (its first member), an approver, a colleague whose
    // record changes, and an admin member who sees only the depot.
    let (_, boss) = member("Bea", json!({"admin": true})).await;
    let (approver_id, approver) = member(
        "Ann",
        json!({"admin": false, "permissions": ["view_quotes", "approve_quotes", "create_work_requests", "view_jobs"]}),
    )
    .await;
    let (colleague_id, _) = member("Cas", json!({"admin": false})).await;
    let (_, depot_boss) =
        member("Dirk", json!({"admin": true, "scope": {"grants": [{"customer_id": customer, "site_ids": [depot]}]}}))
            .await;

    // An approval.
    let quote = json!({"customer_id": customer, "site_id": hq, "title": "New pump", "currency": "EUR",
        "tax_rate_bps": 2100, "status": "sent", "lines": [{"description": "Pump", "quantity": 1, "unit_price": 100_000}]});
    let q = app.api.expect(201, "PUT", "/admin/quotes/Q-1", &t.admin, Some(&quote)).await.unwrap();
    let signed = json!({"signed_by": "Ann Harbor", "po_number": "PO-77"});
    app.api.expect(200, "POST", &format!("/portal/quotes/{}/approve", id(&q)), &approver, Some(&signed)).await.unwrap();
    // A draft the members never see.
    let mut draft = quote.clone();
    draft["status"] = json!("draft");
    let d = app.api.expect(201, "PUT", "/admin/quotes/Q-2", &t.admin, Some(&draft)).await.unwrap();
    // A work request, declined.
    let wr = app
        .api
        .expect(201, "POST", "/portal/work-requests", &approver, Some(&json!({"subject": "Leak", "site_id": hq})))
        .await
        .unwrap();
    let decline = json!({"reason": "Covered by the pump quote"});
    app.api
        .expect(200, "POST", &format!("/admin/work-requests/{}/decline", id(&wr)), &t.admin, Some(&decline))
        .await
        .unwrap();
    // A member change, then the member disabled.
    app.api
        .expect(200, "PATCH", &format!("/admin/members/{colleague_id}"), &t.admin, Some(&json!({"last_name": "Haven"})))
        .await
        .unwrap();
    app.api.expect(200, "POST", &format!("/admin/members/{colleague_id}/disable"), &t.admin, None).await.unwrap();

    // The admin: the quote's trail, newest first, with the fields that changed.
    let quote_trail = trail(app, &t.admin, &format!("/admin/audit?entity={}", id(&q))).await;
    assert_eq!(actions(&quote_trail), ["quote.approved", "quote.created"]);
    let approved = &quote_trail["items"][0];
    assert_eq!(approved["actor"], format!("member:{approver_id}"));
    assert_eq!(approved["actor_type"], "member");
    assert_eq!(approved["entity_type"], "quote");
    let status = change(approved, "status").unwrap();
    assert_eq!((&status["before"], &status["after"]), (&json!("sent"), &json!("approved")));
    assert_eq!(change(approved, "decision").unwrap()["after"]["po_number"], "PO-77");
    assert!(change(approved, "version").is_none(), "bookkeeping is not a change");
    assert!(approved["at"].as_str().unwrap().ends_with('Z'));

    // The decision on the work request: by an admin, from submitted to declined.
    let wr_trail = trail(app, &t.admin, &format!("/admin/audit?entity={}", id(&wr))).await;
    assert_eq!(actions(&wr_trail), ["work_request.declined", "work_request.created"]);
    assert_eq!(wr_trail["items"][0]["actor_type"], "admin");
    assert_eq!(wr_trail["items"][0]["actor_name"], "Ada Admin", "an admin is named for people to read");
    assert!(approved.get("actor_name").is_none(), "members are named by their id alone");
    assert_eq!(change(&wr_trail["items"][0], "status").unwrap()["after"], "declined");

    // The member change and the disabling.
    let member_trail = trail(app, &t.admin, &format!("/admin/audit?entity={colleague_id}")).await;
    let member_actions = actions(&member_trail);
    assert_eq!(&member_actions[..2], ["member.disabled", "member.updated"], "{member_trail}");
    let renamed = change(&member_trail["items"][1], "last_name").unwrap();
    assert_eq!((&renamed["before"], &renamed["after"]), (&json!("Harbor"), &json!("Haven")));

    // What one actor did; combined with an entity.
    let by_ann = trail(app, &t.admin, &format!("/admin/audit?actor=member:{approver_id}")).await;
    let mut theirs = actions(&by_ann);
    theirs.sort();
    assert_eq!(theirs, ["quote.approved", "work_request.created"], "{by_ann}");
    let both = trail(app, &t.admin, &format!("/admin/audit?entity={}&actor=member:{approver_id}", id(&q))).await;
    assert_eq!(actions(&both), ["quote.approved"]);

    // The whole trail, a page at a time: newest first, nothing twice, nothing lost.
    let everything = trail(app, &t.admin, "/admin/audit?limit=200").await;
    let all_ids: Vec<String> =
        everything["items"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_owned()).collect();
    assert!(all_ids.windows(2).all(|w| w[0] > w[1]), "newest first");
    let mut paged = Vec::new();
    let mut path = "/admin/audit?limit=3".to_owned();
    loop {
        let page = trail(app, &t.admin, &path).await;
        paged.extend(page["items"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/admin/audit?limit=3&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(paged, all_ids);

    // A time range is exact to the event.
    let approved_at = approved["at"].as_str().unwrap();
    let at_that_time = trail(app, &t.admin, &format!("/admin/audit?from={approved_at}&to={approved_at}")).await;
    assert!(actions(&at_that_time).contains(&"quote.approved".to_owned()), "{at_that_time}");
    assert!(actions(&at_that_time).len() < all_ids.len());
    let before_all = trail(app, &t.admin, "/admin/audit?to=2020-01-01").await;
    assert!(before_all["items"].as_array().unwrap().is_empty());

    // Bad filters are 400s; another tenant's admin sees none of it.
    for bad in ["actor=robot:1", "actor=mem_1", "entity=a%23b", "from=yesterday", "from=2026-02-02&to=2026-01-01"] {
        assert_eq!(app.api.get(&format!("/admin/audit?{bad}"), &t.admin).await.unwrap().status, 400, "{bad}");
    }
    let other = app.tenant_by(&operator, "Other").await;
    let theirs = trail(app, &other.admin, &format!("/admin/audit?entity={}", id(&q))).await;
    assert!(theirs["items"].as_array().unwrap().is_empty());

    // The customer's admin member: their customer's approvals, work requests and
    // members; their own people by name, the provider unnamed; which fields, not values.
    let own = trail(app, &boss, "/portal/audit").await;
    let own_actions = actions(&own);
    for expected in
        ["quote.approved", "work_request.declined", "work_request.created", "member.updated", "member.disabled"]
    {
        assert!(own_actions.contains(&expected.to_owned()), "{expected}: {own}");
    }
    let items = own["items"].as_array().unwrap();
    let approval = items.iter().find(|e| e["action"] == "quote.approved").unwrap();
    assert_eq!(approval["actor"], json!({"type": "member", "member_id": approver_id, "name": "Ann Harbor"}));
    assert!(approval["fields"].as_array().unwrap().contains(&json!("status")));
    let declined = items.iter().find(|e| e["action"] == "work_request.declined").unwrap();
    assert_eq!(declined["actor"], json!({"type": "provider"}));
    assert!(!own.to_string().contains("PO-77") && !own.to_string().contains("Haven"), "no values: {own}");
    assert!(!own.to_string().contains(&id(&d)), "never a draft");
    assert!(items.iter().all(|e| ["quote", "work_request", "member"].contains(&e["entity_type"].as_str().unwrap())));

    // An admin member who sees only the depot sees the member changes, not the HQ's.
    let depot_view = actions(&trail(app, &depot_boss, "/portal/audit").await);
    assert!(depot_view.contains(&"member.disabled".to_owned()));
    assert!(!depot_view.iter().any(|a| a.starts_with("quote.") || a.starts_with("work_request.")), "{depot_view:?}");
    // A member who is not an admin may not read it.
    assert_eq!(app.api.get("/portal/audit", &approver).await.unwrap().status, 403);
}

#[tokio::test]
async fn the_trail_shows_where_credentials_were_sent() {
    let app = &spawn_app().await;
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let customer = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let (own, elsewhere) = (app.email("ann"), app.email("someone-else"));
    let ann = app
        .member(&t.admin, json!({"customer_id": customer, "first_name": "Ann", "last_name": "H", "email": own}))
        .await;
    let invite = format!("/admin/members/{ann}/invite");
    let admin = t.admin.as_str();
    let latest = |entity: String| async move {
        let page = trail(app, admin, &format!("/admin/audit?entity={entity}")).await;
        page["items"][0].clone()
    };

    // To the member's own address, then — a resend with a new temporary password — to
    // another one: each event names where the credentials went.
    app.api.expect(200, "POST", &invite, &t.admin, None).await.unwrap();
    let first = latest(ann.clone()).await;
    assert_eq!((first["action"].as_str(), first["sent_to"].as_str()), (Some("member.invited"), Some(own.as_str())));
    app.api.expect(200, "POST", &invite, &t.admin, Some(&json!({"email": elsewhere}))).await.unwrap();
    let resent = latest(ann.clone()).await;
    assert_eq!(resent["action"], "member.invited");
    assert_eq!(resent["sent_to"], elsewhere.as_str(), "the address the password went to: {resent}");
    // A never-used login's reset sends new credentials too.
    app.api.expect(200, "POST", &format!("/admin/members/{ann}/reset-password"), &t.admin, None).await.unwrap();
    let reset = latest(ann.clone()).await;
    assert_eq!(
        (reset["action"].as_str(), reset["sent_to"].as_str()),
        (Some("member.password_reset"), Some(own.as_str()))
    );

    // A contact made a member is invited at the contact's address.
    let cas = app.email("cas");
    let body = json!({"first_name": "Cas", "last_name": "C", "email": cas, "role": "billing"});
    let contact = id(&app
        .api
        .expect(201, "POST", &format!("/admin/customers/{customer}/contacts"), &t.admin, Some(&body))
        .await
        .unwrap());
    let member =
        app.api.expect(201, "POST", &format!("/admin/contacts/{contact}/create-user"), &t.admin, None).await.unwrap();
    let invited = latest(id(&member)).await;
    assert_eq!((invited["action"].as_str(), invited["sent_to"].as_str()), (Some("member.invited"), Some(cas.as_str())));

    // Changes that send nothing say nothing of it.
    app.api
        .expect(200, "PATCH", &format!("/admin/members/{ann}"), &t.admin, Some(&json!({"last_name": "Haven"})))
        .await
        .unwrap();
    let edit = latest(ann.clone()).await;
    assert_eq!(edit["action"], "member.updated");
    assert!(edit.get("sent_to").is_none(), "{edit}");
}
