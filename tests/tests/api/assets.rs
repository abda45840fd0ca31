//! Assets through the local gateway: published by reference, listed soonest service due
//! first (`?due_within_days=` a range of the key), a job's asset checked, the history
//! (the asset's jobs) as each member may see jobs, and the QR link's prefilled work
//! request.

use portico::domain::tenant::now;
use portico::store::keys::stamp;
use portico_tests::{id, ids, spawn_app, TestApp};
use serde_json::{json, Value};

/// A time `days` from now (negative: ago), as the API writes times.
fn in_days(days: i64) -> String {
    stamp(now().saturating_add(portico::domain::clock::Duration::days(days)))
}

fn asset(customer: &str, site: &str, services: &[(&str, i64)]) -> Value {
    let services: Vec<Value> = services.iter().map(|(n, d)| json!({"name": n, "due_at": in_days(*d)})).collect();
    json!({"customer_id": customer, "site_id": site, "name": "Boiler", "upcoming_services": services})
}

async fn put(app: &TestApp, admin: &str, path: &str, body: &Value) -> Value {
    let answer = app.api.put(path, admin, body).await.unwrap();
    assert!([200, 201].contains(&answer.status), "{path}: {}", answer.text);
    answer.body
}

/// A member of `customer` with `permissions`, limited to `sites`, signed in.
async fn member(app: &TestApp, admin: &str, customer: &str, name: &str, permissions: Value, sites: &[&str]) -> String {
    let body = json!({"customer_id": customer, "first_name": name, "last_name": "M", "email": app.email(name),
        "admin": false, "permissions": permissions,
        "scope": {"grants": [{"customer_id": customer, "site_ids": sites}]}});
    let m = app.member(admin, body).await;
    app.invited_member(admin, &m, &app.email(name)).await
}

#[tokio::test]
async fn assets_list_by_the_next_service_due_and_show_their_history_as_each_member_may_see_jobs() {
    let app = &spawn_app().await;
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let customer = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let other = app.customer(&t.admin, json!({"name": "Other"})).await;
    let (hq, depot) = (app.site(&t.admin, &customer, "HQ").await, app.site(&t.admin, &customer, "Depot").await);
    let elsewhere = app.site(&t.admin, &other, "Elsewhere").await;

    let soon =
        put(app, &t.admin, "/admin/assets/A-SOON", &asset(&customer, &hq, &[("Inspection", 200), ("Service", 10)]))
            .await;
    let later = put(app, &t.admin, "/admin/assets/A-LATER", &asset(&customer, &hq, &[("Service", 200)])).await;
    let idle = put(app, &t.admin, "/admin/assets/A-IDLE", &asset(&customer, &hq, &[])).await;
    let late = put(app, &t.admin, "/admin/assets/A-LATE", &asset(&customer, &hq, &[("Service", -3)])).await;
    let at_depot = put(app, &t.admin, "/admin/assets/A-DEPOT", &asset(&customer, &depot, &[("Service", 5)])).await;
    // Services are kept soonest first; the next one is derived.
    assert_eq!(soon["upcoming_services"][0]["name"], "Service");
    assert_eq!(soon["next_service_due"], soon["upcoming_services"][0]["due_at"]);
    assert_eq!(soon["request_link"], format!("https://portal.acme.test/assets/{}/request", id(&soon)));

    // Soonest (or most overdue) service first, nothing due last; a window is a range.
    let by_customer = format!("/admin/assets?customer_id={customer}");
    let all = app.api.expect(200, "GET", &by_customer, &t.admin, None).await.unwrap();
    assert_eq!(ids(&all), [id(&late), id(&at_depot), id(&soon), id(&later), id(&idle)]);
    let window =
        app.api.expect(200, "GET", &format!("{by_customer}&due_within_days=30"), &t.admin, None).await.unwrap();
    assert_eq!(ids(&window), [id(&late), id(&at_depot), id(&soon)]);
    let tenant_wide = app.api.expect(200, "GET", "/admin/assets?due_within_days=7", &t.admin, None).await.unwrap();
    assert_eq!(ids(&tenant_wide), [id(&at_depot), id(&late)], "tenant-wide: newest first");
    let paged = app.api.expect(200, "GET", &format!("{by_customer}&limit=2"), &t.admin, None).await.unwrap();
    let cursor = paged["next_cursor"].as_str().expect("a next page").to_owned();
    let next =
        app.api.expect(200, "GET", &format!("{by_customer}&limit=2&cursor={cursor}"), &t.admin, None).await.unwrap();
    assert_eq!(ids(&next), [id(&soon), id(&later)]);

    // A GET is put back as it was read; a changed service moves the asset in the list.
    let read = app.api.expect(200, "GET", "/admin/assets/A-LATER", &t.admin, None).await.unwrap();
    assert_eq!(read["history"], json!([]));
    let same = app.api.expect(200, "PUT", "/admin/assets/A-LATER", &t.admin, Some(&read)).await.unwrap();
    assert_eq!(same["version"], 1);
    let mut moved = read.clone();
    moved["upcoming_services"] = json!([{"name": "Service", "due_at": in_days(1)}]);
    app.api.expect(200, "PUT", "/admin/assets/A-LATER", &t.admin, Some(&moved)).await.unwrap();
    let window = app.api.expect(200, "GET", &format!("{by_customer}&due_within_days=2"), &t.admin, None).await.unwrap();
    assert_eq!(ids(&window), [id(&late), id(&later)]);
    for (bad, why) in [
        (json!({"value": 100}), "a value without a currency"),
        (json!({"site_id": elsewhere}), "another customer's site"),
        (json!({"status": "scrapped"}), "an unknown status"),
        (json!({"upcoming_services": [{"name": "S", "due_at": "soon"}]}), "a bad time"),
    ] {
        let mut body = asset(&customer, &hq, &[]);
        body.as_object_mut().unwrap().extend(bad.as_object().unwrap().clone());
        assert_eq!(app.api.put("/admin/assets/A-BAD", &t.admin, &body).await.unwrap().status, 400, "{why}");
    }
    for query in ["due_within_days=-1", "due_within_days=x", "due_within_days=3651", "site_id=nope"] {
        assert_eq!(app.api.get(&format!("/admin/assets?{query}"), &t.admin).await.unwrap().status, 400, "{query}");
    }

    // A job's asset must exist, at the job's site.
    let job = |reference: &str, site: &str, asset: &str, status: &str, reported: &str| {
        let body = json!({"customer_id": customer, "site_id": site, "asset_id": asset, "category": "service",
            "status": status, "reported_at": reported});
        (format!("/admin/jobs/{reference}"), body)
    };
    let (path, body) = job("WO-1", &hq, &id(&soon), "completed", "2026-01-01T08:00:00Z");
    let done = put(app, &t.admin, &path, &body).await;
    let (path, body) = job("WO-2", &hq, &id(&soon), "in_progress", "2026-02-01T08:00:00Z");
    let open = put(app, &t.admin, &path, &body).await;
    let (path, body) = job("WO-3", &depot, &id(&soon), "assigned", "2026-02-01T08:00:00Z");
    assert_eq!(app.api.put(&path, &t.admin, &body).await.unwrap().status, 400, "the asset is at another site");
    let (path, body) = job("WO-3", &hq, "ast_01JD8Z6V5Q2W3E4R5T6Y7A8B00", "assigned", "2026-02-01T08:00:00Z");
    assert_eq!(app.api.put(&path, &t.admin, &body).await.unwrap().status, 400, "no such asset");
    let detail = app.api.expect(200, "GET", "/admin/assets/A-SOON", &t.admin, None).await.unwrap();
    let history: Vec<String> = detail["history"].as_array().unwrap().iter().map(id).collect();
    assert_eq!(history, [id(&open), id(&done)], "newest first");

    // Members: the assets at their sites; the history as they may see jobs.
    let everything = json!(["view_assets", "view_jobs"]);
    let viewer = member(app, &t.admin, &customer, "viewer", everything, &[&hq]).await;
    let completed =
        member(app, &t.admin, &customer, "completed", json!(["view_assets", "view_completed_jobs"]), &[&hq]).await;
    let assets_only = member(app, &t.admin, &customer, "assets", json!(["view_assets"]), &[&hq]).await;
    let no_assets = member(app, &t.admin, &customer, "jobs", json!(["view_jobs"]), &[&hq]).await;
    let list = app.api.expect(200, "GET", "/portal/assets", &viewer, None).await.unwrap();
    assert_eq!(ids(&list), [id(&late), id(&later), id(&soon), id(&idle)], "not the depot's");
    let window = app.api.expect(200, "GET", "/portal/assets?due_within_days=30", &viewer, None).await.unwrap();
    assert_eq!(ids(&window), [id(&late), id(&later), id(&soon)]);
    let depot_only =
        app.api.expect(200, "GET", &format!("/portal/assets?site_id={depot}"), &viewer, None).await.unwrap();
    assert_eq!(ids(&depot_only), Vec::<String>::new());
    let history = |who: &str| {
        let who = who.to_owned();
        let path = format!("/portal/assets/{}", id(&soon));
        async move {
            let a = app.api.expect(200, "GET", &path, &who, None).await.unwrap();
            a["history"].as_array().unwrap().iter().map(id).collect::<Vec<_>>()
        }
    };
    assert_eq!(history(&viewer).await, [id(&open), id(&done)]);
    assert_eq!(history(&completed).await, [id(&done)]);
    assert_eq!(history(&assets_only).await, Vec::<String>::new());
    assert_eq!(app.api.get(&format!("/portal/assets/{}", id(&at_depot)), &viewer).await.unwrap().status, 404);
    assert_eq!(app.api.get("/portal/assets", &no_assets).await.unwrap().status, 403);
    assert_eq!(app.api.get(&format!("/portal/assets/{}", id(&soon)), &no_assets).await.unwrap().status, 403);

    // A job that no longer names the asset leaves its history.
    let (path, mut body) = job("WO-2", &hq, &id(&soon), "in_progress", "2026-02-01T08:00:00Z");
    body["asset_id"] = Value::Null;
    put(app, &t.admin, &path, &body).await;
    assert_eq!(history(&viewer).await, [id(&done)]);
}

#[tokio::test]
async fn an_assets_qr_link_opens_a_work_request_for_the_asset_at_its_site() {
    let app = &spawn_app().await;
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let customer = app.customer(&t.admin, json!({"name": "Harbor", "allowed_work_order_types": ["repair"]})).await;
    let (hq, depot) = (app.site(&t.admin, &customer, "HQ").await, app.site(&t.admin, &customer, "Depot").await);
    let boiler = put(app, &t.admin, "/admin/assets/A-1", &asset(&customer, &hq, &[])).await;
    let pump = put(app, &t.admin, "/admin/assets/A-2", &asset(&customer, &depot, &[])).await;
    let requester = member(app, &t.admin, &customer, "requester", json!(["create_work_requests"]), &[&hq]).await;
    let viewer = member(app, &t.admin, &customer, "viewer", json!(["view_assets"]), &[&hq]).await;

    // The label's link leads here: the form, prefilled with the asset and its site.
    let form_path = format!("/portal/assets/{}/work-request", id(&boiler));
    let form = app.api.expect(200, "GET", &form_path, &requester, None).await.unwrap();
    assert_eq!(
        (form["asset"]["id"].as_str(), form["site"]["id"].as_str()),
        (Some(id(&boiler).as_str()), Some(hq.as_str()))
    );
    assert_eq!(form["work_order_types"], json!(["repair"]));
    assert_eq!(form["request"], json!({"asset_id": id(&boiler), "site_id": hq}));
    let mut request = form["request"].clone();
    request["subject"] = json!("Boiler makes a noise");
    let raised = app.api.expect(201, "POST", "/portal/work-requests", &requester, Some(&request)).await.unwrap();
    assert_eq!(
        (raised["site_id"].as_str(), raised["asset_id"].as_str()),
        (Some(hq.as_str()), Some(id(&boiler).as_str()))
    );
    // The asset names the site: without a site_id, the asset's; another site is refused.
    let bare = json!({"subject": "Again", "asset_id": id(&boiler)});
    let raised = app.api.expect(201, "POST", "/portal/work-requests", &requester, Some(&bare)).await.unwrap();
    assert_eq!(raised["site_id"], json!(hq));
    let wrong = json!({"subject": "Again", "asset_id": id(&boiler), "site_id": depot});
    assert_eq!(app.api.post("/portal/work-requests", &requester, &wrong).await.unwrap().status, 400);
    assert_eq!(
        app.api.post("/portal/work-requests", &requester, &json!({"subject": "Nothing"})).await.unwrap().status,
        400
    );

    // An asset at a site the member does not have: 404 for the form, 400 for the request.
    let pump_form = format!("/portal/assets/{}/work-request", id(&pump));
    assert_eq!(app.api.get(&pump_form, &requester).await.unwrap().status, 404);
    let at_pump = json!({"subject": "Leak", "asset_id": id(&pump)});
    assert_eq!(app.api.post("/portal/work-requests", &requester, &at_pump).await.unwrap().status, 400);
    // Without create_work_requests, no form.
    assert_eq!(app.api.get(&form_path, &viewer).await.unwrap().status, 403);
}

#[tokio::test]
async fn the_store_keeps_a_jobs_line_in_its_assets_history_whoever_writes_the_job() {
    use portico::domain::job::{Job, JobStatus};
    use portico::store::{keys, Actor, Tx};
    let app = &spawn_app().await;
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let customer = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let hq = app.site(&t.admin, &customer, "HQ").await;
    let boiler = put(app, &t.admin, "/admin/assets/A-1", &asset(&customer, &hq, &[])).await;
    let body = json!({"customer_id": customer, "site_id": hq, "asset_id": id(&boiler), "category": "repair",
        "status": "in_progress", "reported_at": "2026-02-01T08:00:00Z"});
    let job = put(app, &t.admin, "/admin/jobs/WO-1", &body).await;
    let line = || async {
        let detail = app.api.expect(200, "GET", "/admin/assets/A-1", &t.admin, None).await.unwrap();
        detail["history"].as_array().unwrap().iter().map(|j| j["status"].clone()).collect::<Vec<_>>()
    };
    assert_eq!(line().await, [json!("in_progress")]);

    // Another writer than the back office's upsert changes the job through the store:
    // the asset's history follows.
    let tenant = portico::domain::Principal::from_claims(
        &[("sub", "t"), ("custom:tenant_id", t.id.as_str())].map(|(k, v)| (k.to_owned(), v.to_owned())).into(),
    )
    .unwrap()
    .tenant()
    .unwrap();
    let key = keys::job_key(tenant, serde_json::from_value(job["id"].clone()).unwrap());
    let before: Job = app.app.store.get(key).await.unwrap().unwrap();
    let mut after = before.clone();
    after.status = JobStatus::Completed;
    after.version += 1;
    let mut tx = Tx::new(tenant, Actor("test:other-writer".into()));
    tx.update(&before, &after, before.version, "job.completed").unwrap();
    app.app.store.commit(tx).await.unwrap();
    assert_eq!(line().await, [json!("completed")]);

    // Without its asset, the job leaves the history.
    let mut detached = after.clone();
    detached.asset_id = None;
    detached.version += 1;
    let mut tx = Tx::new(tenant, Actor("test:other-writer".into()));
    tx.update(&after, &detached, after.version, "job.updated").unwrap();
    app.app.store.commit(tx).await.unwrap();
    assert!(line().await.is_empty());
}
