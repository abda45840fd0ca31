//! The office console's view of a member: their effective access
//! (`GET /admin/members/{id}/access`), and seeing the portal as them (a view-as session,
//! then `X-View-As` on the portal's GET routes) — read-only, audited, the admin's own.

use portico_tests::{claims, id, ids, spawn_app, TestApp};
use serde_json::{json, Value};

/// A tenant with Harbor (site HQ) and its child Outlets (sites North and South), a job at
/// HQ and one at North, and Sam: a member of Harbor who sees North only, views jobs,
/// and runs one report.
struct World {
    app: TestApp,
    operator: String,
    admin: String,
    harbor: String,
    hq: String,
    north: String,
    south: String,
    sam: String,
    sam_token: String,
}

async fn world() -> World {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let t = app.tenant_by(&operator, "Acme").await;
    app.complete_setup(&t.admin).await;
    let harbor = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let outlets = app.customer(&t.admin, json!({"name": "Outlets", "parent_id": harbor})).await;
    let hq = app.site(&t.admin, &harbor, "HQ").await;
    let north = app.site(&t.admin, &outlets, "North").await;
    let south = app.site(&t.admin, &outlets, "South").await;
    for (reference, customer, site) in [("WO-1", &harbor, &hq), ("WO-2", &outlets, &north)] {
        let body = json!({"customer_id": customer, "site_id": site, "category": "repair", "status": "scheduled"});
        app.api.expect(201, "PUT", &format!("/admin/jobs/{reference}"), &t.admin, Some(&body)).await.unwrap();
    }
    let email = app.email("sam");
    let sam = app
        .member(
            &t.admin,
            json!({"customer_id": harbor, "first_name": "Sam", "last_name": "Site", "email": email,
            "admin": false, "permissions": ["view_jobs", "create_work_requests"], "reports": ["first_time_fix"],
            "scope": {"grants": [{"customer_id": outlets, "site_ids": [north]}]}}),
        )
        .await;
    let sam_token = app.invited_member(&t.admin, &sam, &email).await;
    World { app, operator, admin: t.admin, harbor, hq, north, south, sam, sam_token }
}

impl World {
    /// Starts a view-as session on `member` as `admin`: its id.
    async fn view_as(&self, admin: &str, member: &str) -> String {
        let path = format!("/admin/members/{member}/view-as");
        id(&self.app.api.expect(201, "POST", &path, admin, Some(&json!({}))).await.unwrap())
    }

    /// `GET path` as `admin` viewing through `session`.
    async fn get_as(&self, admin: &str, session: &str, path: &str) -> portico_tests::Answer {
        self.app.api.send("GET", path, Some(admin), None, &[("x-view-as", session)]).await.unwrap()
    }
}

#[tokio::test]
async fn an_admin_viewing_as_a_member_gets_exactly_what_the_member_gets() {
    let w = world().await;
    let session = w.view_as(&w.admin, &w.sam).await;

    for path in ["/portal/sites", "/portal/jobs", "/portal/work-requests"] {
        let theirs = w.app.api.expect(200, "GET", path, &w.sam_token, None).await.unwrap();
        let viewed = w.get_as(&w.admin, &session, path).await;
        assert_eq!(viewed.status, 200, "{path}: {}", viewed.text);
        assert_eq!(viewed.body, theirs, "{path}: the member's own answer");
    }
    let sites = w.get_as(&w.admin, &session, "/portal/sites").await;
    assert_eq!(ids(&sites.body), vec![w.north.clone()], "Sam's scope, not the admin's whole tenant");
    // What the member may not open, the view may not either: the same 403.
    let theirs = w.app.api.get("/portal/quotes", &w.sam_token).await.unwrap();
    let viewed = w.get_as(&w.admin, &session, "/portal/quotes").await;
    assert_eq!((theirs.status, viewed.status), (403, 403));

    // `/portal/me` says who is looking (the web app's banner); the member's own does not.
    let mine = w.app.api.expect(200, "GET", "/portal/me", &w.sam_token, None).await.unwrap();
    assert_eq!(mine["viewed_by"], Value::Null);
    let mut viewed = w.get_as(&w.admin, &session, "/portal/me").await.body;
    let staff = claims(&w.admin)["custom:staff_id"].as_str().unwrap().to_owned();
    assert_eq!(viewed["viewed_by"]["staff_id"], staff.as_str());
    assert_eq!(viewed["viewed_by"]["view_as_id"], session.as_str());
    viewed.as_object_mut().unwrap().remove("viewed_by");
    let mut mine = mine;
    mine.as_object_mut().unwrap().remove("viewed_by");
    assert_eq!(viewed, mine, "everything else is the member's own");

    // A disabled member can still be viewed (the admin is finding out why they call),
    // while their own token opens nothing.
    w.app
        .api
        .expect(200, "POST", &format!("/admin/members/{}/disable", w.sam), &w.admin, Some(&json!({})))
        .await
        .unwrap();
    assert_eq!(w.app.api.get("/portal/sites", &w.sam_token).await.unwrap().status, 403);
    let viewed = w.get_as(&w.admin, &session, "/portal/sites").await;
    assert_eq!((viewed.status, ids(&viewed.body)), (200, vec![w.north.clone()]));
}

#[tokio::test]
async fn a_view_writes_nothing_is_audited_and_is_its_admins_alone() {
    let w = world().await;
    let session = w.view_as(&w.admin, &w.sam).await;
    let api = &w.app.api;

    // No write passes, whatever the route.
    let request = json!({"subject": "Leak", "site_id": w.north});
    let refused = api
        .send("POST", "/portal/work-requests", Some(&w.admin), Some(&request), &[("x-view-as", &session)])
        .await
        .unwrap();
    assert_eq!(refused.status, 403, "{}", refused.text);
    assert!(refused.body["detail"].as_str().unwrap().contains("read-only"), "{}", refused.text);
    let patch = api
        .send("PATCH", "/portal/me", Some(&w.admin), Some(&json!({"locale": "nl"})), &[("x-view-as", &session)])
        .await
        .unwrap();
    assert_eq!(patch.status, 403, "{}", patch.text);
    let requests = api.expect(200, "GET", "/portal/work-requests", &w.sam_token, None).await.unwrap();
    assert!(ids(&requests).is_empty(), "no work request was made");
    assert_eq!(api.expect(200, "GET", "/portal/me", &w.sam_token, None).await.unwrap()["locale"], "en");

    // The header is an admin's: a member sending it is refused, not quietly shown their own.
    let member = w.get_as(&w.sam_token, &session, "/portal/sites").await;
    assert_eq!(member.status, 403, "{}", member.text);
    // A session is its admin's alone, even within the tenant.
    let other = w.app.another_admin(&w.admin, "olga").await;
    assert_eq!(w.get_as(&other, &session, "/portal/sites").await.status, 403);
    // Not a session id at all: a 400 naming the header.
    let malformed = w.get_as(&w.admin, "mem_01JD8Z6V5Q2W3E4R5T6Y7A8B9H", "/portal/sites").await;
    assert_eq!(malformed.status, 400, "{}", malformed.text);
    assert_eq!(malformed.body["errors"][0]["field"], "X-View-As");

    // Starting the session is in the member's trail: admin X viewed as member Y.
    let trail = api.expect(200, "GET", &format!("/admin/audit?entity={}", w.sam), &w.admin, None).await.unwrap();
    let viewed: Vec<&Value> =
        trail["items"].as_array().unwrap().iter().filter(|e| e["action"] == "member.viewed_as").collect();
    assert_eq!(viewed.len(), 1, "one event per session, not per request: {trail}");
    assert_eq!(viewed[0]["actor"], format!("admin:{}", claims(&w.admin)["sub"].as_str().unwrap()));
    assert_eq!(viewed[0]["entity_id"], w.sam.as_str());
}

#[tokio::test]
async fn another_tenants_member_is_not_found() {
    let w = world().await;
    let globex = w.app.tenant_by(&w.operator, "Globex").await;
    for (method, path) in
        [("POST", format!("/admin/members/{}/view-as", w.sam)), ("GET", format!("/admin/members/{}/access", w.sam))]
    {
        let body = (method == "POST").then(|| json!({}));
        let answer = w.app.api.send(method, &path, Some(&globex.admin), body.as_ref(), &[]).await.unwrap();
        assert_eq!(answer.status, 404, "{method} {path}: {}", answer.text);
    }
    // Nor does another tenant's admin get anywhere with a session of this one's.
    let session = w.view_as(&w.admin, &w.sam).await;
    assert_eq!(w.get_as(&globex.admin, &session, "/portal/sites").await.status, 403);
}

#[tokio::test]
async fn a_members_access_is_what_their_own_portal_answers() {
    let w = world().await;
    let api = &w.app.api;
    // A group adds invoices, a report and Harbor's HQ; the tenant switches assets off.
    let body = json!({"name": "Finance", "permissions": ["view_invoices", "view_assets"], "reports": ["quotes_by_status"],
        "approval_limits": {"EUR": 500000}, "scope": {"grants": [{"customer_id": w.harbor, "site_ids": [w.hq]}]}});
    let group = id(&api.expect(201, "POST", "/admin/access-groups", &w.admin, Some(&body)).await.unwrap());
    api.patch(&format!("/admin/members/{}", w.sam), &w.admin, &json!({"group_ids": [group]})).await.unwrap();
    let settings = json!({
        "features": ["jobs", "work_requests", "quotes", "invoices", "documents", "messages", "reports"],
        "branding": {"display_name": "Acme Service", "portal_url": "https://portal.acme.test", "sender_email": "office@acme.test"},
        "default_locale": "en",
        "work_order_types": [{"code": "repair", "name": "Repair"}, {"code": "service", "name": "Service"}],
        "setup_complete": true
    });
    let changed = api.put("/admin/settings", &w.admin, &settings).await.unwrap();
    assert_eq!(changed.status, 200, "{}", changed.text);

    let access = api.expect(200, "GET", &format!("/admin/members/{}/access", w.sam), &w.admin, None).await.unwrap();
    let me = api.expect(200, "GET", "/portal/me", &w.sam_token, None).await.unwrap();
    assert_eq!(access["permissions"], me["permissions"]);
    assert_eq!(access["reports"], me["reports"]);
    assert_eq!(access["reports"], json!(["quotes_by_status", "first_time_fix"]));
    assert_eq!(access["scope"], me["scope"]);
    assert_eq!(access["approval_limits"], json!({"EUR": 500000}));
    assert_eq!(access["status"], "invited");

    // Each feature is listed exactly when its pages answer the member.
    let pages = [
        ("jobs", "/portal/jobs"),
        ("work_requests", "/portal/work-requests"),
        ("quotes", "/portal/quotes"),
        ("invoices", "/portal/invoices"),
        ("assets", "/portal/assets"),
        ("documents", "/portal/documents"),
        ("messages", "/portal/messages"),
        ("reports", "/portal/reports"),
    ];
    let features: Vec<&str> = access["features"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    assert_eq!(
        features,
        ["jobs", "work_requests", "invoices"],
        "assets is off for the tenant; the rest lack a permission"
    );
    for (feature, path) in pages {
        let status = api.get(path, &w.sam_token).await.unwrap().status;
        assert_eq!(status == 200, features.contains(&feature), "{feature}: {path} answered {status}");
    }

    // The sites, paged as the portal pages them, are the member's own.
    let mut theirs = ids(&api.expect(200, "GET", "/portal/sites", &w.sam_token, None).await.unwrap());
    let path = format!("/admin/members/{}/access?limit=1", w.sam);
    let first = api.expect(200, "GET", &path, &w.admin, None).await.unwrap();
    let cursor = first["sites"]["next_cursor"].as_str().expect("a second page").to_owned();
    let second = api.expect(200, "GET", &format!("{path}&cursor={cursor}"), &w.admin, None).await.unwrap();
    assert_eq!(second["sites"]["next_cursor"], Value::Null);
    let mut listed: Vec<String> = [&first, &second].iter().flat_map(|a| ids(&a["sites"])).collect();
    assert!(first["sites"]["items"][0]["name"].is_string());
    listed.sort();
    theirs.sort();
    let mut expected = vec![w.hq.clone(), w.north.clone()];
    expected.sort();
    assert_eq!(listed, theirs);
    assert_eq!(listed, expected, "not South");
    assert!(!listed.contains(&w.south));
}
