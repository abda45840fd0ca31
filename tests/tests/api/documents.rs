//! Documents through the local gateway: a member sees exactly the documents that are
//! visible in the portal, in their scope, and not hidden from them — anything else is a
//! 404, never a 403 — and downloads them by short-lived link.

use portico_tests::{id, ids, spawn_app, TestApp};
use serde_json::{json, Value};

async fn publish(app: &TestApp, admin: &str, body: Value) -> Value {
    app.api.expect(201, "POST", "/admin/documents", admin, Some(&body)).await.unwrap()
}

/// A member of `customer` with `view_documents`, with `grants` (none: the whole customer).
async fn member(app: &TestApp, admin: &str, customer: &str, name: &str, grants: Value) -> (String, String) {
    let mut body = json!({"customer_id": customer, "first_name": name, "last_name": "M", "email": app.email(name),
        "admin": false, "permissions": ["view_documents"]});
    if !grants.is_null() {
        body["scope"] = json!({"grants": grants});
    }
    let m = app.member(admin, body).await;
    let token = app.invited_member(admin, &m, &app.email(name)).await;
    (m, token)
}

#[tokio::test]
async fn members_see_the_visible_documents_of_their_scope_that_are_not_hidden_from_them() {
    let app = &spawn_app().await;
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let customer = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let other = app.customer(&t.admin, json!({"name": "Other"})).await;
    let (hq, depot) = (app.site(&t.admin, &customer, "HQ").await, app.site(&t.admin, &customer, "Depot").await);
    let file = app.upload(&t.admin, "/admin/files", "Certificate.pdf", "application/pdf", b"%PDF-1.4 cert").await;
    let doc = |site: Option<&str>, title: &str, visible: bool| json!({"customer_id": customer, "site_id": site, "file_id": file, "title": title, "visible_in_portal": visible});
    let contract = publish(app, &t.admin, doc(None, "Service contract", true)).await;
    let hq_cert = publish(app, &t.admin, doc(Some(&hq), "HQ gas certificate", true)).await;
    let depot_cert = publish(app, &t.admin, doc(Some(&depot), "Depot certificate", true)).await;
    let draft = publish(app, &t.admin, doc(Some(&hq), "Draft report", false)).await;
    let other_doc = publish(
        app,
        &t.admin,
        json!({"customer_id": other, "file_id": file, "title": "Theirs", "visible_in_portal": true}),
    )
    .await;
    assert_eq!(hq_cert["file_name"], "Certificate.pdf");
    for (bad, why) in [
        (
            json!({"customer_id": customer, "site_id": app.site(&t.admin, &other, "X").await, "file_id": file, "title": "T"}),
            "another customer's site",
        ),
        (json!({"customer_id": customer, "file_id": "file_01JD8Z6V5Q2W3E4R5T6Y7A8B00", "title": "T"}), "no such file"),
        (json!({"customer_id": customer, "file_id": file, "title": ""}), "an empty title"),
        (json!({"customer_id": customer, "file_id": file, "title": "T", "hidden": true}), "an unknown field"),
    ] {
        assert_eq!(app.api.post("/admin/documents", &t.admin, &bad).await.unwrap().status, 400, "{why}");
    }
    let listed =
        app.api.expect(200, "GET", &format!("/admin/documents?customer_id={customer}"), &t.admin, None).await.unwrap();
    assert_eq!(ids(&listed), [id(&draft), id(&depot_cert), id(&hq_cert), id(&contract)]);
    let at_hq = app.api.expect(200, "GET", &format!("/admin/documents?site_id={hq}"), &t.admin, None).await.unwrap();
    assert_eq!(ids(&at_hq), [id(&draft), id(&hq_cert)]);

    // Two colleagues at HQ; the certificate is hidden from one of them only.
    let hq_grant = json!([{"customer_id": customer, "site_ids": [hq]}]);
    let (ann_id, ann) = member(app, &t.admin, &customer, "ann", hq_grant.clone()).await;
    let (_, bob) = member(app, &t.admin, &customer, "bob", hq_grant).await;
    let (_, whole) = member(app, &t.admin, &customer, "whole", Value::Null).await;
    let restrict = json!({"hidden_document_ids": [id(&hq_cert)]});
    app.api
        .expect(200, "PUT", &format!("/admin/members/{ann_id}/document-restrictions"), &t.admin, Some(&restrict))
        .await
        .unwrap();
    let seen = |who: &str| {
        let who = who.to_owned();
        async move { ids(&app.api.expect(200, "GET", "/portal/documents", &who, None).await.unwrap()) }
    };
    assert_eq!(seen(&ann).await, [id(&contract)], "hidden from Ann");
    assert_eq!(seen(&bob).await, [id(&hq_cert), id(&contract)], "not hidden from Bob");
    assert_eq!(seen(&whole).await, [id(&depot_cert), id(&hq_cert), id(&contract)]);
    let download = |doc: &Value| format!("/portal/documents/{}/download", id(doc));
    let link = app.api.expect(200, "GET", &download(&hq_cert), &bob, None).await.unwrap();
    assert!(link["url"].as_str().is_some_and(|u| u.starts_with("http")), "{link}");
    let bytes = reqwest::get(link["url"].as_str().unwrap()).await.unwrap().bytes().await.unwrap();
    assert_eq!(&bytes[..], b"%PDF-1.4 cert");
    // Hidden, invisible, out of scope, another customer's, absent: all the same 404.
    for (who, doc, why) in [
        (&ann, &hq_cert, "hidden from her"),
        (&bob, &draft, "not visible in the portal"),
        (&bob, &depot_cert, "out of his scope"),
        (&whole, &other_doc, "another customer's"),
    ] {
        let answer = app.api.get(&download(doc), who).await.unwrap();
        assert_eq!(answer.status, 404, "{why}: {}", answer.text);
    }
    assert_eq!(
        app.api.get("/portal/documents/doc_01JD8Z6V5Q2W3E4R5T6Y7A8B00/download", &bob).await.unwrap().status,
        404
    );

    // Made visible, it appears; moved to the depot, it leaves Bob; deleted, it is gone.
    let path = format!("/admin/documents/{}", id(&draft));
    let shown = app.api.expect(200, "PATCH", &path, &t.admin, Some(&json!({"visible_in_portal": true}))).await.unwrap();
    assert_eq!(shown["version"], 2);
    assert_eq!(seen(&bob).await, [id(&draft), id(&hq_cert), id(&contract)]);
    app.api.expect(200, "PATCH", &path, &t.admin, Some(&json!({"site_id": depot}))).await.unwrap();
    assert_eq!(seen(&bob).await, [id(&hq_cert), id(&contract)]);
    let stale = app
        .api
        .send("PATCH", &path, Some(&t.admin), Some(&json!({"title": "Late"})), &[("if-match", "\"1\"")])
        .await
        .unwrap();
    assert_eq!(stale.status, 412);
    let answer = app.api.send("DELETE", &path, Some(&t.admin), None, &[]).await.unwrap();
    assert_eq!(answer.status, 204);
    assert_eq!(seen(&whole).await, [id(&depot_cert), id(&hq_cert), id(&contract)]);
    assert_eq!(app.api.get(&path, &t.admin).await.unwrap().status, 404);

    // Without the permission: 403, whatever the document.
    let body = json!({"customer_id": customer, "first_name": "N", "last_name": "P", "email": app.email("nope"),
        "admin": false, "permissions": ["view_jobs"]});
    let nope_id = app.member(&t.admin, body).await;
    let nope = app.invited_member(&t.admin, &nope_id, &app.email("nope")).await;
    assert_eq!(app.api.get("/portal/documents", &nope).await.unwrap().status, 403);
    assert_eq!(app.api.get(&download(&contract), &nope).await.unwrap().status, 403);
}
