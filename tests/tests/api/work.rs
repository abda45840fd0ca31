//! Work (issue 5): jobs from the back office, the member's job list, CSV export and
//! downloads, work requests through the admin inbox, notes with files — through the
//! gateway, against the local stack, with real uploads to the presigned URLs.

use portico_tests::{id, ids, spawn_app, TestApp};
use serde_json::{json, Value};

/// A tenant with Harbor (sites HQ and Annex, Annex in division North), its child
/// Harbor East (site East), and Lakeside (site Lake).
struct World {
    app: TestApp,
    operator: String,
    admin: String,
    harbor: String,
    lakeside: String,
    hq: String,
    annex: String,
    east: String,
    lake: String,
    north: String,
}

const ALL: [&str; 5] = ["view_jobs", "export_jobs", "view_completed_jobs", "create_work_requests", "add_job_notes"];

async fn world() -> World {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let t = app.tenant_by(&operator, "Acme").await;
    app.complete_setup(&t.admin).await;
    let admin = t.admin;
    let harbor = app.customer(&admin, json!({"name": "Harbor", "allowed_work_order_types": ["repair"]})).await;
    let east_customer = app.customer(&admin, json!({"name": "Harbor East", "parent_id": harbor})).await;
    let lakeside = app.customer(&admin, json!({"name": "Lakeside"})).await;
    let north = id(&app
        .api
        .expect(201, "POST", &format!("/admin/customers/{harbor}/divisions"), &admin, Some(&json!({"name": "North"})))
        .await
        .unwrap());
    let hq = app.site(&admin, &harbor, "HQ").await;
    let annex = id(&app
        .api
        .expect(
            201,
            "POST",
            &format!("/admin/customers/{harbor}/sites"),
            &admin,
            Some(&json!({"name": "Annex", "address": "2 Side Street", "division_id": north})),
        )
        .await
        .unwrap());
    let east = app.site(&admin, &east_customer, "East").await;
    let lake = app.site(&admin, &lakeside, "Lake").await;
    World { app, operator, admin, harbor, lakeside, hq, annex, east, lake, north }
}

impl World {
    /// Publishes a job; `extra` overrides the defaults. Returns the job.
    async fn job(&self, reference: &str, customer: &str, site: &str, extra: Value) -> Value {
        let mut body = json!({"customer_id": customer, "site_id": site, "category": "repair", "status": "scheduled"});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        let a = self.app.api.put(&format!("/admin/jobs/{reference}"), &self.admin, &body).await.unwrap();
        assert!(a.status == 201 || a.status == 200, "{}", a.text);
        a.body
    }

    /// A signed-in member of `customer` with `permissions` and `scope` (null: whole customer).
    async fn member(&self, name: &str, customer: &str, permissions: &[&str], scope: Value) -> String {
        let email = self.app.email(name);
        let mut body = json!({"customer_id": customer, "first_name": name, "last_name": "M", "email": email,
            "admin": false, "permissions": permissions});
        if !scope.is_null() {
            body["scope"] = scope;
        }
        let member = self.app.member(&self.admin, body).await;
        self.app.invited_member(&self.admin, &member, &email).await
    }

    async fn site_member(&self, name: &str, site: &str) -> String {
        self.member(
            name,
            &self.harbor.clone(),
            &ALL,
            json!({"grants": [{"customer_id": self.harbor, "site_ids": [site]}]}),
        )
        .await
    }
}

/// Every item of a list, following the cursors; the pages' sizes too.
async fn all_pages(app: &TestApp, token: &str, path: &str) -> (Vec<Value>, Vec<usize>) {
    let mut items = Vec::new();
    let mut sizes = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let sep = if path.contains('?') { '&' } else { '?' };
        let url = match &cursor {
            Some(c) => format!("{path}{sep}cursor={c}"),
            None => path.to_owned(),
        };
        let page = app.api.expect(200, "GET", &url, token, None).await.unwrap();
        let got = page["items"].as_array().unwrap().clone();
        sizes.push(got.len());
        items.extend(got);
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return (items, sizes),
        }
        assert!(sizes.len() < 100, "the cursor never ends");
    }
}

fn refs(items: &[Value]) -> Vec<String> {
    items.iter().map(|j| j["reference"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn a_job_upsert_by_reference_is_idempotent_and_keeps_its_status_history() {
    let w = world().await;
    let app = &w.app;
    let first = w.job("WO-7", &w.harbor, &w.hq, json!({"status": "unassigned", "cost": 9900, "currency": "EUR"})).await;
    let job_id = id(&first);
    assert!(job_id.starts_with("job_"));
    assert_eq!(first["external_ref"], "WO-7");
    assert_eq!(first["currency"], "EUR");

    // The same PUT again: the same job, unchanged, not even a new version.
    let body = json!({"customer_id": w.harbor, "site_id": w.hq, "category": "repair", "status": "unassigned", "cost": 9900, "currency": "EUR"});
    let again = app.api.put("/admin/jobs/WO-7", &w.admin, &body).await.unwrap();
    assert_eq!(again.status, 200);
    assert_eq!(again.body["id"], job_id.as_str());
    assert_eq!(again.body["version"], first["version"]);

    // Status changes are recorded in order; completion is stamped.
    for status in ["assigned", "in_progress", "completed"] {
        let mut b = body.clone();
        b["status"] = json!(status);
        app.api.expect(200, "PUT", "/admin/jobs/WO-7", &w.admin, Some(&b)).await.unwrap();
    }
    let by_ref = app.api.expect(200, "GET", "/admin/jobs/WO-7", &w.admin, None).await.unwrap();
    let by_id = app.api.expect(200, "GET", &format!("/admin/jobs/{job_id}"), &w.admin, None).await.unwrap();
    assert_eq!(by_ref, by_id);
    let history: Vec<&str> =
        by_id["status_history"].as_array().unwrap().iter().map(|c| c["status"].as_str().unwrap()).collect();
    assert_eq!(history, ["unassigned", "assigned", "in_progress", "completed"]);
    assert!(by_id["completed_at"].is_string());

    // One job, however often it was sent.
    let list = app.api.expect(200, "GET", "/admin/jobs", &w.admin, None).await.unwrap();
    assert_eq!(ids(&list), [job_id.as_str()]);

    // Bad input is refused, naming the field; a site of another customer too.
    let mut b = body.clone();
    b["site_id"] = json!(w.lake);
    let a = app.api.put("/admin/jobs/WO-8", &w.admin, &b).await.unwrap();
    assert_eq!((a.status, a.body["errors"][0]["field"].as_str()), (400, Some("site_id")), "{}", a.text);
    let mut b = body.clone();
    b["status"] = json!("done");
    assert_eq!(app.api.put("/admin/jobs/WO-8", &w.admin, &b).await.unwrap().status, 400);
    let mut b = body.clone();
    b["priority"] = json!("high");
    assert_eq!(app.api.put("/admin/jobs/WO-8", &w.admin, &b).await.unwrap().status, 400, "unknown fields");
    assert_eq!(app.api.put("/admin/jobs/WO%208", &w.admin, &body).await.unwrap().status, 400, "a bad reference");
    let stale =
        app.api.send("PUT", "/admin/jobs/WO-7", Some(&w.admin), Some(&body), &[("if-match", "\"1\"")]).await.unwrap();
    assert_eq!(stale.status, 412);

    // Another tenant's admin finds nothing.
    let other = app.tenant_by(&w.operator, "Other").await;
    assert_eq!(app.api.get("/admin/jobs/WO-7", &other.admin).await.unwrap().status, 404);
    assert_eq!(app.api.get(&format!("/admin/jobs/{job_id}"), &other.admin).await.unwrap().status, 404);
}

#[tokio::test]
async fn members_list_their_jobs_newest_first_filtered_and_paged_and_never_another_sites() {
    let w = world().await;
    let app = &w.app;
    // Ten jobs across four sites of three customers, reported a day apart.
    let plan = [
        ("J1", &w.hq, "repair", "completed"),
        ("J2", &w.annex, "install", "scheduled"),
        ("J3", &w.east, "repair", "in_progress"),
        ("J4", &w.lake, "repair", "completed"),
        ("J5", &w.hq, "install", "pending"),
        ("J6", &w.hq, "service", "completed"),
        ("J7", &w.annex, "repair", "completed"),
        ("J8", &w.east, "install", "cancelled"),
        ("J9", &w.hq, "repair", "scheduled"),
        ("J10", &w.lake, "install", "scheduled"),
    ];
    for (i, (reference, site, category, status)) in plan.iter().enumerate() {
        let customer = if *site == &w.lake {
            w.lakeside.clone()
        } else if *site == &w.east {
            app.api.expect(200, "GET", &format!("/admin/sites/{site}"), &w.admin, None).await.unwrap()["customer_id"]
                .as_str()
                .unwrap()
                .to_owned()
        } else {
            w.harbor.clone()
        };
        let reported = format!("2026-03-{:02}T08:00:00Z", i + 1);
        w.job(reference, &customer, site, json!({"category": category, "status": status, "reported_at": reported}))
            .await;
    }

    // The customer's member (child customer included), one job per page, newest first.
    let whole = w.member("whole", &w.harbor, &ALL, Value::Null).await;
    let (items, sizes) = all_pages(app, &whole, "/portal/jobs?limit=1").await;
    assert_eq!(refs(&items), ["J9", "J8", "J7", "J6", "J5", "J3", "J2", "J1"]);
    assert!(sizes.iter().all(|n| *n <= 1));
    assert!(items[0].get("status_history").is_none(), "lists leave the history out");

    // Filters: status (a list), category, site, dates (a date means the whole day).
    let (items, _) = all_pages(app, &whole, "/portal/jobs?status=completed,cancelled&limit=2").await;
    assert_eq!(refs(&items), ["J8", "J7", "J6", "J1"]);
    let (items, _) = all_pages(app, &whole, "/portal/jobs?category=install").await;
    assert_eq!(refs(&items), ["J8", "J5", "J2"]);
    let (items, _) = all_pages(app, &whole, &format!("/portal/jobs?site_id={}", w.hq)).await;
    assert_eq!(refs(&items), ["J9", "J6", "J5", "J1"]);
    let (items, _) = all_pages(app, &whole, "/portal/jobs?from=2026-03-03&to=2026-03-07").await;
    assert_eq!(refs(&items), ["J7", "J6", "J5", "J3"]);
    let (items, _) = all_pages(app, &whole, "/portal/jobs?category=repair&status=completed&limit=1").await;
    assert_eq!(refs(&items), ["J7", "J1"]);
    for bad in ["status=done", "category=x", "from=yesterday", "limit=201", "site_id=cus_x", "cursor=forged"] {
        assert_eq!(app.api.get(&format!("/portal/jobs?{bad}"), &whole).await.unwrap().status, 400, "{bad}");
    }

    // A site-scoped member sees only that site's jobs — not even by filtering for another.
    let annex = w.site_member("annex", &w.annex).await;
    let (items, _) = all_pages(app, &annex, "/portal/jobs?limit=1").await;
    assert_eq!(refs(&items), ["J7", "J2"]);
    let (items, _) = all_pages(app, &annex, &format!("/portal/jobs?site_id={}", w.hq)).await;
    assert!(items.is_empty());
    // A division-scoped member: the division's sites.
    let division = w
        .member("division", &w.harbor, &ALL, json!({"grants": [{"customer_id": w.harbor, "division_ids": [w.north]}]}))
        .await;
    let (items, _) = all_pages(app, &division, "/portal/jobs").await;
    assert_eq!(refs(&items), ["J7", "J2"]);

    // Details: another site's job is a 404, exactly like a job that does not exist.
    let j1 = app.api.expect(200, "GET", "/admin/jobs/J1", &w.admin, None).await.unwrap();
    let j1 = id(&j1);
    let detail = app.api.expect(200, "GET", &format!("/portal/jobs/{j1}"), &whole, None).await.unwrap();
    assert_eq!(detail["status_history"].as_array().unwrap().len(), 1);
    let hidden = app.api.get(&format!("/portal/jobs/{j1}"), &annex).await.unwrap();
    let missing = app.api.get("/portal/jobs/job_01JD8Z6V5Q2W3E4R5T6Y7A8B9Z", &annex).await.unwrap();
    assert_eq!((hidden.status, &hidden.body), (404, &missing.body));

    // Lakeside's jobs never reach Harbor's members.
    let (items, _) = all_pages(app, &whole, &format!("/portal/jobs?site_id={}", w.lake)).await;
    assert!(items.is_empty());
}

#[tokio::test]
async fn the_csv_export_holds_every_matching_job_quoted_in_utf8_and_only_the_members() {
    let w = world().await;
    let app = &w.app;
    // More than one export page (200 jobs).
    for i in 1..=205 {
        let site = if i % 2 == 0 { &w.hq } else { &w.annex };
        let reported = format!("2026-01-01T00:{:02}:{:02}Z", i / 60, i % 60);
        w.job(&format!("WO-{i}"), &w.harbor, site, json!({"reported_at": reported})).await;
    }
    w.job("WO-Q", &w.harbor, &w.hq, json!({"description": "Leak, \"urgent\"\nkitchen – café", "reported_at": "2026-02-01T00:00:00Z", "cost": 12345, "currency": "EUR"})).await;
    w.job("WO-L", &w.lakeside, &w.lake, json!({})).await;

    let whole = w.member("exporter", &w.harbor, &ALL, Value::Null).await;
    let a = app.api.get("/portal/jobs/export", &whole).await.unwrap();
    assert_eq!(a.status, 200);
    assert_eq!(a.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(a.header("content-disposition"), Some("attachment; filename=\"jobs.csv\""));
    let text = a.text.strip_prefix('\u{feff}').expect("a UTF-8 byte-order mark");
    let mut lines = text.split("\r\n");
    assert!(lines.next().unwrap().starts_with("reference,job_id,status,category,"), "a header row");
    // Every page's jobs (more than one page of 200), and the quoted one intact.
    assert!(text.contains("WO-1,") && text.contains("WO-205,"));
    assert!(text.contains("\"Leak, \"\"urgent\"\"\nkitchen – café\""), "{text:.300}");
    assert!(text.contains(",123.45,EUR"));
    assert!(!text.contains("WO-L"), "another customer's job");
    let rows = text.matches("\r\nWO-").count();
    assert_eq!(rows, 206, "every matching job, once");

    // The same filter as the list; a site-scoped member exports their site only.
    let annex = w.site_member("annex-export", &w.annex).await;
    let a = app.api.get("/portal/jobs/export", &annex).await.unwrap();
    assert!(a.text.contains("WO-1,") && !a.text.contains("WO-2,") && !a.text.contains("WO-Q"));
    let a = app.api.get("/portal/jobs/export?from=2026-02-01", &whole).await.unwrap();
    assert_eq!(a.text.matches("WO-").count(), 1);

    // Without export_jobs: 403.
    let viewer = w.member("viewer", &w.harbor, &["view_jobs"], Value::Null).await;
    assert_eq!(app.api.get("/portal/jobs/export", &viewer).await.unwrap().status, 403);
}

#[tokio::test]
async fn attachments_download_only_once_completed_and_only_with_the_permission_and_scope() {
    let w = world().await;
    let app = &w.app;
    let bytes = b"%PDF-1.4 service record".to_vec();
    let file = app.upload(&w.admin, "/admin/files", "Service record WO-9.pdf", "application/pdf", &bytes).await;
    let attach = json!({"attachments": [{"kind": "service_record", "file_id": file}], "status": "in_progress"});
    let job = id(&w.job("WO-9", &w.harbor, &w.hq, attach.clone()).await);

    let hq = w.site_member("hq", &w.hq).await;
    let detail = app.api.expect(200, "GET", &format!("/portal/jobs/{job}"), &hq, None).await.unwrap();
    assert_eq!(detail["attachments"][0]["name"], "Service record WO-9.pdf");
    assert!(detail["attachments"][0]["download"].is_null(), "no link before completion");
    let path = format!("/portal/jobs/{job}/files/{file}");
    assert_eq!(app.api.get(&path, &hq).await.unwrap().status, 403, "refused before completion");

    let mut done = attach.clone();
    done["status"] = json!("completed");
    w.job("WO-9", &w.harbor, &w.hq, done).await;
    let detail = app.api.expect(200, "GET", &format!("/portal/jobs/{job}"), &hq, None).await.unwrap();
    assert_eq!(detail["attachments"][0]["download"], path.as_str());
    let link = app.api.expect(200, "GET", &path, &hq, None).await.unwrap();
    let url = link["url"].as_str().unwrap();
    assert!(link["expires_at"].is_string());
    let got = reqwest::Client::new()
        .get(url)
        .header("x-moto-account-id", app.aws.account.as_deref().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(got.bytes().await.unwrap().to_vec(), bytes, "the stored file");

    // Another site's member, or one without view_completed_jobs, gets nothing.
    let annex = w.site_member("annex-dl", &w.annex).await;
    assert_eq!(app.api.get(&path, &annex).await.unwrap().status, 404);
    let viewer = w.member("viewer-dl", &w.harbor, &["view_jobs"], Value::Null).await;
    assert_eq!(app.api.get(&path, &viewer).await.unwrap().status, 403);
    let detail = app.api.expect(200, "GET", &format!("/portal/jobs/{job}"), &viewer, None).await.unwrap();
    assert!(detail["attachments"][0]["download"].is_null());
    // A file that is not this job's attachment is a 404.
    let stray = app.upload(&w.admin, "/admin/files", "other.pdf", "application/pdf", b"x").await;
    assert_eq!(app.api.get(&format!("/portal/jobs/{job}/files/{stray}"), &hq).await.unwrap().status, 404);
    // Members with only view_completed_jobs see completed jobs only.
    let completed_only = w.member("completed-only", &w.harbor, &["view_completed_jobs"], Value::Null).await;
    w.job("WO-10", &w.harbor, &w.hq, json!({"status": "scheduled"})).await;
    let (items, _) = all_pages(app, &completed_only, "/portal/jobs").await;
    assert_eq!(refs(&items), ["WO-9"]);
}

/// PUTs `bytes` to a presigned upload as its headers say (the moto account added).
async fn put_upload(app: &TestApp, started: &Value, bytes: &[u8]) {
    let mut put = reqwest::Client::new().put(started["upload_url"].as_str().unwrap()).body(bytes.to_vec());
    for (k, v) in started["headers"].as_object().unwrap() {
        put = put.header(k.as_str(), v.as_str().unwrap());
    }
    let res = put.header("x-moto-account-id", app.aws.account.as_deref().unwrap()).send().await.unwrap();
    assert!(res.status().is_success(), "{}", res.status());
}

/// The bytes behind a download link.
async fn downloaded(app: &TestApp, link: &Value) -> Vec<u8> {
    let got = reqwest::Client::new()
        .get(link["url"].as_str().unwrap())
        .header("x-moto-account-id", app.aws.account.as_deref().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    got.bytes().await.unwrap().to_vec()
}

#[tokio::test]
async fn an_upload_url_used_again_after_attaching_cannot_change_what_is_downloaded() {
    let w = world().await;
    let app = &w.app;
    let job = id(&w.job("WO-1", &w.harbor, &w.hq, json!({})).await);
    let carla = w.member("carla", &w.harbor, &ALL, Value::Null).await;
    let photo = b"\xff\xd8\xff\xe0 a real photo, honest";
    let html = b"<script>alert(1)</script>";
    assert_eq!(photo.len(), html.len(), "the same size, as the URL is signed for");
    let declared = json!({"file_name": "leak.jpg", "content_type": "image/jpeg", "size": photo.len()});
    let started = app.api.expect(201, "POST", "/portal/uploads", &carla, Some(&declared)).await.unwrap();
    let file = started["file_id"].as_str().unwrap();
    let url = started["upload_url"].as_str().unwrap();
    assert!(url.contains("/uploads/tenants/ten_"), "uploads go to their own prefix: {url}");
    put_upload(app, &started, photo).await;
    let note = json!({"text": "See photo", "file_ids": [file]});
    app.api.expect(201, "POST", &format!("/portal/jobs/{job}/notes"), &carla, Some(&note)).await.unwrap();

    // Within the URL's 15 minutes, the same URL again, with other bytes: S3 takes them…
    put_upload(app, &started, html).await;
    // …and nothing anyone downloads changes: the file attached is a copy made then.
    let link = app.api.expect(200, "GET", &format!("/admin/files/{file}"), &w.admin, None).await.unwrap();
    assert!(!link["url"].as_str().unwrap().contains("/uploads/"), "downloads read the attached copy");
    assert_eq!(downloaded(app, &link).await, photo);
    // Attaching the file elsewhere later keeps the same bytes too.
    let again = json!({"text": "Same photo", "file_ids": [file]});
    app.api.expect(201, "POST", &format!("/portal/jobs/{job}/notes"), &carla, Some(&again)).await.unwrap();
    let link = app.api.expect(200, "GET", &format!("/admin/files/{file}"), &w.admin, None).await.unwrap();
    assert_eq!(downloaded(app, &link).await, photo);

    // An upload not attached yet is not downloadable: its bytes may still change.
    let pending = app.api.expect(201, "POST", "/portal/uploads", &carla, Some(&declared)).await.unwrap();
    put_upload(app, &pending, photo).await;
    let a = app.api.get(&format!("/admin/files/{}", pending["file_id"].as_str().unwrap()), &w.admin).await.unwrap();
    assert_eq!(a.status, 409, "{}", a.text);
}

#[tokio::test]
async fn files_are_bound_to_their_owner_type_and_size_and_must_be_uploaded_before_use() {
    let w = world().await;
    let app = &w.app;
    let job = id(&w.job("WO-1", &w.harbor, &w.hq, json!({})).await);
    let carla = w.member("carla", &w.harbor, &ALL, Value::Null).await;

    // Limits are checked when the upload is asked for.
    for (body, field) in [
        (json!({"file_name": "a.exe", "content_type": "application/x-msdownload", "size": 10}), "content_type"),
        (json!({"file_name": "a.pdf", "content_type": "application/pdf", "size": 26_214_401}), "size"),
        (json!({"file_name": "a.pdf", "content_type": "application/pdf", "size": 0}), "size"),
        (json!({"file_name": "../a.pdf", "content_type": "application/pdf", "size": 1}), "file_name"),
    ] {
        let a = app.api.post("/portal/uploads", &carla, &body).await.unwrap();
        assert_eq!((a.status, a.body["errors"][0]["field"].as_str()), (400, Some(field)), "{}", a.text);
    }
    let started = app
        .api
        .expect(
            201,
            "POST",
            "/portal/uploads",
            &carla,
            Some(&json!({"file_name": "leak.jpg", "content_type": "image/jpeg", "size": 4})),
        )
        .await
        .unwrap();
    assert_eq!(started["method"], "PUT");
    assert_eq!(started["headers"]["content-length"], "4");
    assert!(started["upload_url"].as_str().unwrap().contains("/tenants/ten_"), "keys under the tenant");

    // Not uploaded yet: cannot be attached.
    let pending = started["file_id"].as_str().unwrap();
    let note = json!({"text": "photo", "file_ids": [pending]});
    let a = app.api.post(&format!("/portal/jobs/{job}/notes"), &carla, &note).await.unwrap();
    assert_eq!(a.status, 400, "{}", a.text);
    assert!(a.text.contains("has not been uploaded"), "{}", a.text);

    // Uploaded with another size than declared: refused too.
    let wrong = started.clone();
    let res = reqwest::Client::new()
        .put(wrong["upload_url"].as_str().unwrap())
        .header("content-type", "image/jpeg")
        .header("x-moto-account-id", app.aws.account.as_deref().unwrap())
        .body(b"toolong".to_vec())
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    let a = app.api.post(&format!("/portal/jobs/{job}/notes"), &carla, &note).await.unwrap();
    assert_eq!(a.status, 400, "{}", a.text);

    // Uploaded as declared: attached, and listed with the note.
    let photo = app.upload(&carla, "/portal/uploads", "leak.jpg", "image/jpeg", b"\xff\xd8\xff\xe0").await;
    let note = json!({"text": "Still dripping.\nSee photo.", "file_ids": [photo]});
    let created = app.api.expect(201, "POST", &format!("/portal/jobs/{job}/notes"), &carla, Some(&note)).await.unwrap();
    assert_eq!(created["files"][0]["name"], "leak.jpg");
    let notes = app.api.expect(200, "GET", &format!("/portal/jobs/{job}/notes"), &carla, None).await.unwrap();
    assert_eq!(notes["items"][0]["text"], "Still dripping.\nSee photo.");
    let admin_notes = app.api.expect(200, "GET", "/admin/jobs/WO-1/notes", &w.admin, None).await.unwrap();
    assert_eq!(ids(&admin_notes), ids(&notes));
    // The admin can read the member's file.
    let link = app.api.expect(200, "GET", &format!("/admin/files/{photo}"), &w.admin, None).await.unwrap();
    assert!(link["url"].as_str().unwrap().contains(&photo));

    // Another customer's member cannot use Harbor's file, nor note on Harbor's job.
    let lake_job = id(&w.job("WO-L", &w.lakeside, &w.lake, json!({})).await);
    let lena = w.member("lena", &w.lakeside, &ALL, Value::Null).await;
    let a = app
        .api
        .post(&format!("/portal/jobs/{lake_job}/notes"), &lena, &json!({"text": "x", "file_ids": [photo]}))
        .await
        .unwrap();
    assert_eq!(a.status, 400);
    assert!(a.text.contains("does not exist"), "{}", a.text);
    assert_eq!(
        app.api.post(&format!("/portal/jobs/{job}/notes"), &lena, &json!({"text": "x"})).await.unwrap().status,
        404
    );

    // Notes: 4000 characters, no more; without add_job_notes, 403.
    let long = "n".repeat(4000);
    app.api
        .expect(201, "POST", &format!("/portal/jobs/{job}/notes"), &carla, Some(&json!({"text": long})))
        .await
        .unwrap();
    let a =
        app.api.post(&format!("/portal/jobs/{job}/notes"), &carla, &json!({"text": "n".repeat(4001)})).await.unwrap();
    assert_eq!(a.status, 400);
    let viewer = w.member("viewer-notes", &w.harbor, &["view_jobs"], Value::Null).await;
    assert_eq!(
        app.api.post(&format!("/portal/jobs/{job}/notes"), &viewer, &json!({"text": "x"})).await.unwrap().status,
        403
    );
}

#[tokio::test]
async fn a_work_request_is_raised_for_the_members_site_answered_in_the_inbox_and_followed_to_its_job() {
    let w = world().await;
    let app = &w.app;
    let hq = w.site_member("hq-requester", &w.hq).await;
    let photo = app.upload(&hq, "/portal/uploads", "leak.jpg", "image/jpeg", b"\xff\xd8\xff").await;
    let body = json!({"subject": "Water leaking under the sink", "site_id": w.hq, "work_order_type": "repair",
        "notes": "n".repeat(4000), "requested_at": "2026-12-01T09:00:00+01:00", "file_ids": [photo]});

    // Idempotent: a retry with the same key answers the first response, creates nothing.
    let key = [("idempotency-key", "req-1")];
    let first = app.api.send("POST", "/portal/work-requests", Some(&hq), Some(&body), &key).await.unwrap();
    assert_eq!(first.status, 201, "{}", first.text);
    let retry = app.api.send("POST", "/portal/work-requests", Some(&hq), Some(&body), &key).await.unwrap();
    assert_eq!((retry.status, &retry.body), (201, &first.body));
    let request = id(&first.body);
    let mine = app.api.expect(200, "GET", "/portal/work-requests", &hq, None).await.unwrap();
    assert_eq!(ids(&mine), [request.as_str()]);
    assert_eq!(first.body["status"], "submitted");
    assert_eq!(first.body["files"][0]["name"], "leak.jpg");
    // The member's wish, the same moment, kept (as every time) in UTC.
    assert_eq!(first.body["requested_at"], "2026-12-01T08:00:00Z", "the member's wish, in UTC");

    // The limits and the rules, each a 400 naming the field.
    let cases = [
        (json!({"notes": "n".repeat(4001)}), "notes"),
        (json!({"subject": "s".repeat(201)}), "subject"),
        (json!({"subject": ""}), "subject"),
        (json!({"work_order_type": "install"}), "work_order_type"),
        (json!({"site_id": w.annex}), "site_id"),
        (json!({"site_id": w.lake}), "site_id"),
        (json!({"site_id": "site_01JD8Z6V5Q2W3E4R5T6Y7A8B9Z"}), "site_id"),
    ];
    let mut site_errors = Vec::new();
    for (change, field) in cases {
        let mut b = json!({"subject": "Broken door", "site_id": w.hq});
        b.as_object_mut().unwrap().extend(change.as_object().unwrap().clone());
        let a = app.api.post("/portal/work-requests", &hq, &b).await.unwrap();
        assert_eq!((a.status, a.body["errors"][0]["field"].as_str()), (400, Some(field)), "{change}: {}", a.text);
        if field == "site_id" {
            site_errors.push(a.body["errors"].clone());
        }
    }
    // Another customer's site, a sibling site and a made-up one read exactly the same.
    assert!(site_errors.windows(2).all(|p| p[0] == p[1]), "{site_errors:?}");
    assert!(!site_errors[0].to_string().contains(&w.lake));

    // Another site's member does not see it.
    let annex = w.site_member("annex-requester", &w.annex).await;
    assert!(ids(&app.api.expect(200, "GET", "/portal/work-requests", &annex, None).await.unwrap()).is_empty());
    assert_eq!(app.api.get(&format!("/portal/work-requests/{request}"), &annex).await.unwrap().status, 404);

    // The inbox: accept, linking a job; the member follows the job's status.
    let inbox = app.api.expect(200, "GET", "/admin/work-requests?status=submitted", &w.admin, None).await.unwrap();
    assert_eq!(ids(&inbox), [request.as_str()]);
    let job = w.job("WO-77", &w.harbor, &w.hq, json!({"status": "scheduled"})).await;
    let accepted = app
        .api
        .expect(
            200,
            "POST",
            &format!("/admin/work-requests/{request}/accept"),
            &w.admin,
            Some(&json!({"job_id": "WO-77"})),
        )
        .await
        .unwrap();
    assert_eq!(accepted["status"], "accepted");
    assert_eq!(accepted["job"]["id"], job["id"]);
    let again = app
        .api
        .post(&format!("/admin/work-requests/{request}/decline"), &w.admin, &json!({"reason": "no"}))
        .await
        .unwrap();
    assert_eq!(again.status, 422, "decided once");
    w.job("WO-77", &w.harbor, &w.hq, json!({"status": "in_progress"})).await;
    let seen = app.api.expect(200, "GET", &format!("/portal/work-requests/{request}"), &hq, None).await.unwrap();
    assert_eq!(seen["job"]["status"], "in_progress");
    assert_eq!(seen["job"]["reference"], "WO-77");
    let linked = app.api.expect(200, "GET", "/admin/jobs/WO-77", &w.admin, None).await.unwrap();
    assert_eq!(linked["work_request_id"], request.as_str());

    // Decline with a reason the member reads; the inbox filters by status.
    let second = app
        .api
        .expect(201, "POST", "/portal/work-requests", &hq, Some(&json!({"subject": "Squeaky door", "site_id": w.hq})))
        .await
        .unwrap();
    let declined = app
        .api
        .expect(
            200,
            "POST",
            &format!("/admin/work-requests/{}/decline", id(&second)),
            &w.admin,
            Some(&json!({"reason": "Covered by next week's visit."})),
        )
        .await
        .unwrap();
    assert_eq!(declined["status"], "declined");
    let seen = app.api.expect(200, "GET", "/portal/work-requests?status=declined", &hq, None).await.unwrap();
    assert_eq!(seen["items"][0]["decline_reason"], "Covered by next week's visit.");
    let inbox = app.api.expect(200, "GET", "/admin/work-requests?status=submitted", &w.admin, None).await.unwrap();
    assert!(ids(&inbox).is_empty());
    let a = app.api.get("/admin/work-requests?status=open", &w.admin).await.unwrap();
    assert_eq!(a.status, 400);

    // A job of another customer cannot answer it.
    let third = app
        .api
        .expect(201, "POST", "/portal/work-requests", &hq, Some(&json!({"subject": "Light out", "site_id": w.hq})))
        .await
        .unwrap();
    w.job("WO-L", &w.lakeside, &w.lake, json!({})).await;
    let a = app
        .api
        .post(&format!("/admin/work-requests/{}/accept", id(&third)), &w.admin, &json!({"job_id": "WO-L"}))
        .await
        .unwrap();
    assert_eq!(a.status, 422);
}
