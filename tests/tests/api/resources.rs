//! Customers and sites: validation, isolation between tenants, concurrency, idempotency,
//! paging.

use portico_tests::{id, ids, spawn_app};
use serde_json::json;

#[tokio::test]
async fn unknown_fields_are_rejected_with_a_problem_naming_them() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    let a = app.api.post("/admin/customers", &t.admin, &json!({"name": "Harbor", "tenant_id": "ten_x"})).await.unwrap();
    assert_eq!(a.status, 400);
    assert_eq!(a.header("content-type"), Some("application/problem+json"));
    assert_eq!(a.body["status"], 400);
    assert!(a.body["errors"][0]["message"].as_str().unwrap().contains("unknown field `tenant_id`"));

    let bad = app.api.post("/admin/customers", &t.admin, &json!({"name": ""})).await.unwrap();
    assert_eq!(bad.status, 400);
    assert_eq!(bad.body["errors"][0]["field"], "name");

    let not_json = app.api.send("POST", "/admin/customers", Some(&t.admin), None, &[]).await.unwrap();
    assert_eq!(not_json.status, 400);

    let huge = json!({"name": "x".repeat(70 * 1024)});
    assert_eq!(app.api.post("/admin/customers", &t.admin, &huge).await.unwrap().status, 413);

    let listed = app.api.expect(200, "GET", "/admin/customers", &t.admin, None).await.unwrap();
    assert!(ids(&listed).is_empty(), "nothing was created by the refused requests");
}

#[tokio::test]
async fn another_tenants_customer_is_not_found() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let acme = app.tenant_by(&operator, "Acme").await;
    let globex = app.tenant_by(&operator, "Globex").await;
    let theirs = app.customer(&globex.admin, json!({"name": "Globex Customer"})).await;
    let their_site = app.site(&globex.admin, &theirs, "Globex Site").await;

    for path in [
        format!("/admin/customers/{theirs}"),
        format!("/admin/sites/{their_site}"),
        format!("/admin/customers/{theirs}/sites"),
    ] {
        let a = app.api.get(&path, &acme.admin).await.unwrap();
        assert_eq!(a.status, 404, "{path}");
        assert!(!a.text.contains("Globex"), "{path} leaks: {}", a.text);
    }
    let patch =
        app.api.patch(&format!("/admin/customers/{theirs}"), &acme.admin, &json!({"name": "Hijacked"})).await.unwrap();
    assert_eq!(patch.status, 404);
    let delete =
        app.api.send("DELETE", &format!("/admin/sites/{their_site}"), Some(&acme.admin), None, &[]).await.unwrap();
    assert_eq!(delete.status, 404);
    let site_in_theirs = app
        .api
        .post(&format!("/admin/customers/{theirs}/sites"), &acme.admin, &json!({"name": "x", "address": "y"}))
        .await
        .unwrap();
    assert_eq!(site_in_theirs.status, 404);
    let child_of_theirs =
        app.api.post("/admin/customers", &acme.admin, &json!({"name": "x", "parent_id": theirs})).await.unwrap();
    assert_eq!(child_of_theirs.status, 400);

    let mine = app.api.expect(200, "GET", "/admin/customers", &acme.admin, None).await.unwrap();
    assert!(ids(&mine).is_empty());
    let still = app.api.expect(200, "GET", &format!("/admin/customers/{theirs}"), &globex.admin, None).await.unwrap();
    assert_eq!(still["name"], "Globex Customer");
}

#[tokio::test]
async fn a_stale_if_match_is_refused_with_412() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    let c = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let read = app.api.get(&format!("/admin/customers/{c}"), &t.admin).await.unwrap();
    let etag = read.header("etag").unwrap().to_owned();
    assert_eq!(etag, "\"1\"");
    let first = app
        .api
        .send(
            "PATCH",
            &format!("/admin/customers/{c}"),
            Some(&t.admin),
            Some(&json!({"name": "Harbor Group"})),
            &[("if-match", &etag)],
        )
        .await
        .unwrap();
    assert_eq!(first.status, 200);
    assert_eq!(first.header("etag"), Some("\"2\""));
    let stale = app
        .api
        .send(
            "PATCH",
            &format!("/admin/customers/{c}"),
            Some(&t.admin),
            Some(&json!({"name": "Lost update"})),
            &[("if-match", &etag)],
        )
        .await
        .unwrap();
    assert_eq!(stale.status, 412);
    let now = app.api.expect(200, "GET", &format!("/admin/customers/{c}"), &t.admin, None).await.unwrap();
    assert_eq!(now["name"], "Harbor Group");
}

#[tokio::test]
async fn a_retried_create_with_the_same_idempotency_key_creates_one_customer() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    let body = json!({"name": "Harbor"});
    let key = [("idempotency-key", "create-harbor-1")];
    let first = app.api.send("POST", "/admin/customers", Some(&t.admin), Some(&body), &key).await.unwrap();
    let again = app.api.send("POST", "/admin/customers", Some(&t.admin), Some(&body), &key).await.unwrap();
    assert_eq!(first.status, 201);
    assert_eq!(again.status, 201);
    assert_eq!(id(&first.body), id(&again.body));
    let other = app
        .api
        .send("POST", "/admin/customers", Some(&t.admin), Some(&body), &[("idempotency-key", "create-harbor-2")])
        .await
        .unwrap();
    assert_ne!(id(&first.body), id(&other.body));
    let listed = app.api.expect(200, "GET", "/admin/customers", &t.admin, None).await.unwrap();
    assert_eq!(ids(&listed).len(), 2);
}

#[tokio::test]
async fn lists_page_with_signed_cursors() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    let mut created = Vec::new();
    for i in 0..5 {
        created.push(app.customer(&t.admin, json!({"name": format!("Customer {i}")})).await);
    }
    let mut seen = Vec::new();
    let mut path = "/admin/customers?limit=2".to_owned();
    for _ in 0..5 {
        let page = app.api.expect(200, "GET", &path, &t.admin, None).await.unwrap();
        assert!(ids(&page).len() <= 2);
        seen.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/admin/customers?limit=2&cursor={c}"),
            None => break,
        }
    }
    created.sort();
    assert_eq!(seen, created, "every customer exactly once, in id order");

    let first = app.api.expect(200, "GET", "/admin/customers?limit=2", &t.admin, None).await.unwrap();
    let cursor = first["next_cursor"].as_str().unwrap();
    let tampered = format!("{}x{}", &cursor[..10], &cursor[11..]);
    for bad in [
        format!("/admin/customers?cursor={tampered}"),
        format!("/admin/members?cursor={cursor}"),
        "/admin/customers?limit=201".into(),
        "/admin/customers?limit=0".into(),
    ] {
        let a = app.api.get(&bad, &t.admin).await.unwrap();
        assert_eq!(a.status, 400, "{bad}");
    }
}

#[tokio::test]
async fn a_customer_with_sites_or_children_cannot_be_deleted() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    let parent = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let child = app.customer(&t.admin, json!({"name": "Outlets", "parent_id": parent})).await;
    let site = app.site(&t.admin, &child, "North").await;
    let del = |path: String| {
        let app = &app;
        let admin = t.admin.clone();
        async move { app.api.send("DELETE", &path, Some(&admin), None, &[]).await.unwrap().status }
    };
    assert_eq!(del(format!("/admin/customers/{parent}")).await, 409);
    assert_eq!(del(format!("/admin/customers/{child}")).await, 409);
    assert_eq!(del(format!("/admin/sites/{site}")).await, 204);
    assert_eq!(del(format!("/admin/customers/{child}")).await, 204);
    assert_eq!(del(format!("/admin/customers/{parent}")).await, 204);
    assert_eq!(app.api.get(&format!("/admin/customers/{parent}"), &t.admin).await.unwrap().status, 404);
}

#[tokio::test]
async fn children_and_work_order_types_follow_the_rules() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let parent = app.customer(&t.admin, json!({"name": "Harbor", "allowed_work_order_types": ["repair"]})).await;
    let child = app.customer(&t.admin, json!({"name": "Outlets", "parent_id": parent})).await;
    let children =
        app.api.expect(200, "GET", &format!("/admin/customers?parent_id={parent}"), &t.admin, None).await.unwrap();
    assert_eq!(ids(&children), vec![child.clone()]);
    let unknown_type = app
        .api
        .post("/admin/customers", &t.admin, &json!({"name": "X", "allowed_work_order_types": ["teleport"]}))
        .await
        .unwrap();
    assert_eq!(unknown_type.status, 400);
    assert_eq!(unknown_type.body["errors"][0]["field"], "allowed_work_order_types");
    let cleared = app
        .api
        .patch(&format!("/admin/customers/{parent}"), &t.admin, &json!({"allowed_work_order_types": []}))
        .await
        .unwrap();
    assert_eq!(cleared.status, 200);
    assert_eq!(cleared.body["allowed_work_order_types"], json!([]));
    let site = app.site(&t.admin, &parent, "HQ").await;
    let renamed =
        app.api.patch(&format!("/admin/sites/{site}"), &t.admin, &json!({"name": "Head office"})).await.unwrap();
    assert_eq!(renamed.body["name"], "Head office");
    let moved = app.api.patch(&format!("/admin/sites/{site}"), &t.admin, &json!({"customer_id": child})).await.unwrap();
    assert_eq!(moved.status, 400, "a site cannot be moved by PATCH");
}
