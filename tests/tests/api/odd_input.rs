//! No input a client can send ends in a 5xx. Every route of the route table — so a new
//! route is covered without anyone adding it — gets malformed bodies (not JSON, not
//! UTF-8, arrays and scalars, deep nesting, too large, not declared JSON), malformed path
//! ids and bad query values, as the kind of caller it is for, with real ids elsewhere in
//! the path so that the handler reaches the part under test. Every answer is a 4xx with a
//! problem+json body (or API Gateway's own body, for what it refuses itself), and every
//! answer carries `Cache-Control: no-store` and `X-Content-Type-Options: nosniff` (so
//! do every route's successes: `fixtures.rs`). And every clearable field of every PATCH
//! can be cleared whatever its state.

use portico_functions::ROUTES;
use portico_tests::{assert_api_headers, id, spawn_app, Answer, TestApp};
use serde_json::{json, Value};

/// A tenant with one of everything, and a token per kind of caller.
struct World {
    app: TestApp,
    operator: String,
    admin: String,
    member: String,
    ids: Vec<(&'static str, String)>,
}

async fn world() -> World {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let t = app.tenant_by(&operator, "Acme").await;
    app.complete_setup(&t.admin).await;
    let admin = t.admin.clone();
    let customer = app.customer(&admin, json!({"name": "Harbor", "account_code": "H-1"})).await;
    let site = app.site(&admin, &customer, "HQ").await;
    let post = |path: String, body: Value| {
        let (api, admin) = (app.api.clone(), admin.clone());
        async move { id(&api.expect(201, "POST", &path, &admin, Some(&body)).await.unwrap()) }
    };
    let division = post(format!("/admin/customers/{customer}/divisions"), json!({"name": "North"})).await;
    let contact = post(
        format!("/admin/customers/{customer}/contacts"),
        json!({"first_name": "Cleo", "last_name": "C", "email": app.email("cleo"), "role": "facilities"}),
    )
    .await;
    let group = post("/admin/access-groups".into(), json!({"name": "Managers"})).await;
    let email = app.email("mia");
    let member_id = app
        .member(&admin, json!({"customer_id": customer, "first_name": "Mia", "last_name": "M", "email": email}))
        .await;
    let member = app.invited_member(&admin, &member_id, &email).await;
    let file = app.upload(&admin, "/admin/files", "form.pdf", "application/pdf", b"%PDF-1.4").await;
    let job = json!({"customer_id": customer, "site_id": site, "category": "repair", "status": "completed",
        "attachments": [{"kind": "workflow_form", "file_id": file}]});
    let job = id(&app.api.expect(201, "PUT", "/admin/jobs/WO-1", &admin, Some(&job)).await.unwrap());
    let request = id(&app
        .api
        .expect(201, "POST", "/portal/work-requests", &member, Some(&json!({"subject": "Leak", "site_id": site})))
        .await
        .unwrap());
    let quote = json!({"customer_id": customer, "site_id": site, "title": "Pump", "currency": "EUR", "status": "sent",
        "lines": [{"description": "Pump", "quantity": 1, "unit_price": 100}]});
    let quote = id(&app.api.expect(201, "PUT", "/admin/quotes/Q-1", &admin, Some(&quote)).await.unwrap());
    let invoice = json!({"customer_id": customer, "site_id": site, "number": "1", "issued_at": "2026-01-01T00:00:00Z",
        "due_at": "2026-02-01T00:00:00Z", "currency": "EUR", "total": 100, "file_id": file});
    let invoice = id(&app.api.expect(201, "PUT", "/admin/invoices/I-1", &admin, Some(&invoice)).await.unwrap());
    let asset = json!({"customer_id": customer, "site_id": site, "name": "Boiler",
        "upcoming_services": [{"name": "Service", "due_at": "2027-01-01T00:00:00Z"}]});
    let asset = id(&app.api.expect(201, "PUT", "/admin/assets/A-1", &admin, Some(&asset)).await.unwrap());
    let document = json!({"customer_id": customer, "site_id": site, "file_id": file, "title": "Certificate",
        "visible_in_portal": true});
    let document = id(&app.api.expect(201, "POST", "/admin/documents", &admin, Some(&document)).await.unwrap());
    let message = json!({"title": "Notice", "body": "Read me.", "audience": {"group_ids": [group]}});
    let message = id(&app.api.expect(201, "POST", "/admin/messages", &admin, Some(&message)).await.unwrap());
    let ids = vec![
        ("message_id", message),
        ("asset_id", asset),
        ("document_id", document),
        ("quote_id", quote),
        ("invoice_id", invoice),
        ("customer_id", customer),
        ("site_id", site),
        ("division_id", division),
        ("contact_id", contact),
        ("group_id", group),
        ("member_id", member_id),
        ("file_id", file),
        ("job_id", job),
        ("request_id", request),
    ];
    World { app, operator, admin, member, ids }
}

impl World {
    fn token(&self, path: &str) -> &str {
        match path.split('/').nth(1) {
            Some("platform") => &self.operator,
            Some("portal") => &self.member,
            _ => &self.admin,
        }
    }

    /// `path` with every parameter a real id, or `bad` for the parameter `replace`.
    fn fill(&self, path: &str, replace: Option<(&str, &str)>) -> String {
        let mut out = path.to_owned();
        for (name, value) in &self.ids {
            let value = match replace {
                Some((n, bad)) if n == *name => bad.to_owned(),
                _ => value.clone(),
            };
            out = out.replace(&format!("{{{name}}}"), &value);
        }
        out
    }
}

/// A malformed body: what it is, its bytes, its headers, and the status it must get.
type Malformed<'a> = (&'a str, Vec<u8>, &'a [(&'a str, &'a str)], Option<u16>);

/// The answer is a client error, in one of the two documented shapes, with the headers
/// of every response.
fn refused(what: &str, a: &Answer) {
    assert!((400..500).contains(&a.status), "{what}: {} {}", a.status, a.text);
    assert_api_headers(what, &a.headers);
    match a.header("content-type") {
        Some("application/problem+json") => {
            assert_eq!(a.body["status"], a.status, "{what}: {}", a.text);
            assert!(a.body["type"].is_string() && a.body["detail"].is_string(), "{what}: {}", a.text);
        }
        Some("application/json") => {
            assert!(a.body["message"].is_string(), "{what}: API Gateway's own body: {}", a.text)
        }
        other => panic!("{what}: content type {other:?}"),
    }
}

#[tokio::test]
async fn no_malformed_body_path_or_query_reaches_a_5xx() {
    let w = world().await;
    let api = &w.app.api;
    let json_type = [("content-type", "application/json")];
    let deep = format!("{}{}", "[".repeat(20_000), "]".repeat(20_000));
    let large = format!(r#"{{"name":"{}"}}"#, "x".repeat(70 * 1024));
    let bodies: Vec<Malformed> = vec![
        ("invalid JSON", b"{\"name\":".to_vec(), &json_type, Some(400)),
        ("invalid UTF-8", b"{\"name\":\"\xff\xfe\"}".to_vec(), &json_type, Some(400)),
        ("an array", b"[null, null]".to_vec(), &json_type, Some(400)),
        ("a scalar", b"\"x\"".to_vec(), &json_type, Some(400)),
        ("null", b"null".to_vec(), &json_type, Some(400)),
        ("deep nesting", deep.into_bytes(), &json_type, Some(400)),
        ("70 KiB", large.into_bytes(), &json_type, Some(413)),
        ("text/plain", b"{}".to_vec(), &[("content-type", "text/plain")], Some(415)),
        ("form-encoded", b"name=x".to_vec(), &[("content-type", "application/x-www-form-urlencoded")], Some(415)),
        ("no content type", b"{}".to_vec(), &[], Some(415)),
    ];
    let mut cases = 0;
    let doc = portico_functions::openapi::api().unwrap();
    let takes_body = |method: &str, path: &str| doc["paths"][path][method.to_lowercase()].get("requestBody").is_some();
    for route in ROUTES.iter().filter(|r| takes_body(r.method, r.path)) {
        let path = w.fill(route.path, None);
        for (what, body, headers, expected) in &bodies {
            let a = api.raw(route.method, &path, Some(w.token(route.path)), body.clone(), headers).await.unwrap();
            let what = format!("{} with {what}", route.key());
            refused(&what, &a);
            if let Some(e) = expected {
                assert_eq!(a.status, *e, "{what}: {}", a.text);
            }
            cases += 1;
        }
    }
    // More than API Gateway takes (10 MiB): its own 413.
    let huge = vec![b' '; 10 * 1024 * 1024 + 1];
    let a = api.raw("POST", "/admin/customers", Some(&w.admin), huge, &json_type).await.unwrap();
    assert_eq!(a.status, 413);
    refused("11 MiB", &a);

    // Malformed ids in every path parameter: not found (a bad back-office reference in a
    // PUT is a 400 naming it).
    let long = "x".repeat(2000);
    for route in ROUTES.iter().filter(|r| r.path.contains('{')) {
        for name in route.path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))) {
            for bad in ["x", "cus_", "job_01JD8Z6V5Q2W3E4R5T6Y7A8B9C", "%00", "%E2%82%AC", "..", long.as_str()] {
                let path = w.fill(route.path, Some((name, bad)));
                let body = (route.method != "GET" && route.method != "DELETE").then(|| json!({}));
                let a = api.send(route.method, &path, Some(w.token(route.path)), body.as_ref(), &[]).await.unwrap();
                refused(&format!("{} with {name} = {bad:.20}", route.key()), &a);
                cases += 1;
            }
        }
    }

    // Bad query values on every list.
    let queries = [
        "limit=abc",
        "limit=0",
        "limit=201",
        "limit=-1",
        "limit=1.5",
        "cursor=garbage",
        "cursor=%00",
        "status=bogus",
        "category=bogus",
        "from=notadate",
        "to=2026-13-45",
        "site_id=bad",
        "customer_id=bad",
        "parent_id=bad",
    ];
    for route in ROUTES.iter().filter(|r| r.method == "GET") {
        for q in queries {
            let path = format!("{}?{q}", w.fill(route.path, None));
            let a = api.get(&path, w.token(route.path)).await.unwrap();
            assert!(a.status < 500, "{path}: {} {}", a.status, a.text);
            assert_api_headers(&path, &a.headers);
            if a.status >= 400 {
                refused(&path, &a);
            }
            cases += 1;
        }
    }
    for path in [
        "/admin/customers?limit=abc",
        "/admin/customers?limit=0",
        "/admin/customers?cursor=garbage",
        "/admin/jobs?status=bogus",
        "/admin/jobs?from=notadate",
    ] {
        assert_eq!(api.get(path, &w.admin).await.unwrap().status, 400, "{path}");
    }
    println!("odd input: {cases} malformed requests, every one a 4xx problem");
}

/// Issue 24: `to=9999-12-31` closed the connection with no answer (the end of that day
/// overflowed the date type and the handler panicked). The last day a date may name now
/// answers like any other; a year before 1970 or after 9999 — as a day, or as a time in
/// UTC — and a number past any integer are a 400 naming the parameter.
#[tokio::test]
async fn dates_at_and_past_the_ends_of_the_years_and_huge_numbers_answer_and_never_panic() {
    let app = &spawn_app().await;
    let operator = app.operator().await;
    let t = app.tenant_by(&operator, "Acme").await;
    app.complete_setup(&t.admin).await;
    let customer = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let email = app.email("bea");
    let body = json!({"customer_id": customer, "first_name": "Bea", "last_name": "B", "email": email,
        "admin": true, "permissions": ["view_jobs", "export_jobs"]});
    let member_id = app.member(&t.admin, body).await;
    let member = app.invited_member(&t.admin, &member_id, &email).await;
    let routes = [
        ("/portal/jobs", &member),
        ("/portal/jobs/export", &member),
        ("/portal/audit", &member),
        ("/admin/jobs", &t.admin),
        ("/admin/audit", &t.admin),
    ];
    for (route, token) in routes {
        for query in ["to=9999-12-31", "to=9999-12-31T23:59:59Z", "from=1970-01-01&to=9999-12-31"] {
            let a = app.api.get(&format!("{route}?{query}"), token).await.unwrap();
            assert_eq!(a.status, 200, "{route}?{query}: {}", a.text);
        }
        for (query, field) in [
            ("from=0001-01-01", "from"),
            ("to=0001-01-01", "to"),
            ("from=1969-12-31", "from"),
            ("to=10000-01-01", "to"),
            ("to=10000-01-01T00:00:00Z", "to"),
            ("to=9999-12-31T23:59:59-01:00", "to"),
            ("from=1970-01-01T00:30:00%2B01:00", "from"),
            ("limit=99999999999999999999", "limit"),
            ("limit=-99999999999999999999", "limit"),
        ] {
            if route.ends_with("/export") && field == "limit" {
                continue; // the export takes no `limit`
            }
            let a = app.api.get(&format!("{route}?{query}"), token).await.unwrap();
            assert_eq!(a.status, 400, "{route}?{query}: {}", a.text);
            assert_eq!(a.header("content-type"), Some("application/problem+json"), "{route}?{query}");
            assert_eq!(a.body["errors"][0]["field"], field, "{route}?{query}: {}", a.text);
        }
    }
}

#[tokio::test]
async fn every_clearable_field_of_every_patch_can_be_cleared_whatever_its_state() {
    let w = world().await;
    let id_of = |name: &str| w.ids.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone()).unwrap();
    let second_division = id(&w
        .app
        .api
        .expect(
            201,
            "POST",
            &format!("/admin/customers/{}/divisions", id_of("customer_id")),
            &w.admin,
            Some(&json!({"name": "South"})),
        )
        .await
        .unwrap());
    let second_site = w.app.site(&w.admin, &id_of("customer_id"), "Annex").await;
    let message = format!("/admin/messages/{}", id_of("message_id"));
    let (soon, later) = (json!("2099-01-01T00:00:00Z"), json!("2099-06-01T00:00:00Z"));
    let cases: [(String, &str, [Value; 2]); 7] = [
        (format!("/admin/customers/{}", id_of("customer_id")), "account_code", [json!("H-2"), json!("H-3")]),
        (format!("/admin/divisions/{}", id_of("division_id")), "parent_group", [json!("Retail"), json!("Outlets")]),
        (
            format!("/admin/sites/{}", id_of("site_id")),
            "division_id",
            [json!(id_of("division_id")), json!(second_division)],
        ),
        (format!("/admin/contacts/{}", id_of("contact_id")), "phone", [json!("+31612345670"), json!("+31612345671")]),
        (
            format!("/admin/documents/{}", id_of("document_id")),
            "site_id",
            [json!(id_of("site_id")), json!(second_site)],
        ),
        (message.clone(), "starts_at", [soon.clone(), later.clone()]),
        (message, "ends_at", [soon, later]),
    ];
    for (path, field, [set, change]) in cases {
        for value in [Value::Null, set, change, Value::Null, Value::Null] {
            let a = w.app.api.patch(&path, &w.admin, &json!({ field: value })).await.unwrap();
            assert_eq!(a.status, 200, "{path} {field} = {value}: {}", a.text);
            assert_eq!(a.body[field], value, "{path}");
        }
    }
}

#[tokio::test]
async fn an_if_match_on_a_put_that_would_create_is_refused_and_an_empty_one_is_no_etag() {
    let app = &spawn_app().await;
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let customer = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let site = app.site(&t.admin, &customer, "HQ").await;
    let asset = json!({"customer_id": customer, "site_id": site, "name": "Boiler"});
    // Nothing to match yet: no version is current (the fuzzer found an empty one taken).
    for (value, status) in [("\"1\"", 412), ("", 400), ("W/\"x\"", 400)] {
        let sent = app.api.send("PUT", "/admin/assets/A-1", Some(&t.admin), Some(&asset), &[("if-match", value)]).await;
        let sent = sent.unwrap();
        assert_eq!(sent.status, status, "If-Match: {value:?}: {}", sent.text);
    }
    let created = app.api.expect(201, "PUT", "/admin/assets/A-1", &t.admin, Some(&asset)).await.unwrap();
    // Then the version it answered matches, and an empty history cursor is the first page.
    let version = format!("\"{}\"", created["version"]);
    let etag = [("if-match", version.as_str())];
    let replaced = app.api.send("PUT", "/admin/assets/A-1", Some(&t.admin), Some(&asset), &etag).await.unwrap();
    assert_eq!(replaced.status, 200, "{}", replaced.text);
    let id = created["id"].as_str().unwrap();
    let first = app.api.expect(200, "GET", &format!("/admin/assets/{id}?history_cursor="), &t.admin, None).await;
    assert!(first.unwrap()["history"].is_array());
}
