//! A PUT takes the body its GET returned: read-only fields that agree with the resource
//! are accepted and ignored, one that contradicts it is refused (400 / 412), and a field
//! that is not part of the representation stays a 400.

use portico_tests::{id, spawn_app};
use serde_json::json;

#[tokio::test]
async fn settings_read_can_be_changed_and_put_back() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    let read = app.api.get("/admin/settings", &t.admin).await.unwrap();
    assert_eq!(read.status, 200);
    let mut body = read.body.clone();
    assert!(body.get("version").is_some() && body.get("updated_at").is_some(), "{body}");
    body["default_locale"] = json!("nl");
    body["branding"]["portal_url"] = json!("https://portal.acme.test");

    let put = app.api.send("PUT", "/admin/settings", Some(&t.admin), Some(&body), &[]).await.unwrap();
    assert_eq!(put.status, 200, "{}", put.text);
    assert_eq!(put.body["default_locale"], "nl");
    assert_eq!(put.body["version"], read.body["version"].as_u64().unwrap() + 1);

    // The same body again names the version it was read at, which is gone: 412.
    let stale = app.api.send("PUT", "/admin/settings", Some(&t.admin), Some(&body), &[]).await.unwrap();
    assert_eq!(stale.status, 412, "{}", stale.text);
    assert_eq!(stale.header("content-type"), Some("application/problem+json"));

    // The new representation goes back as it came.
    let again = app.api.send("PUT", "/admin/settings", Some(&t.admin), Some(&put.body), &[]).await.unwrap();
    assert_eq!(again.status, 200, "{}", again.text);

    // Not part of the representation: still a 400 naming the field.
    let mut extra = again.body.clone();
    extra["tenant_id"] = json!("ten_x");
    let refused = app.api.send("PUT", "/admin/settings", Some(&t.admin), Some(&extra), &[]).await.unwrap();
    assert_eq!(refused.status, 400);
    assert!(refused.text.contains("tenant_id"), "{}", refused.text);
}

#[tokio::test]
async fn a_job_read_can_be_changed_and_put_back_by_its_reference() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    let harbor = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let hq = app.site(&t.admin, &harbor, "HQ").await;
    let pdf = app.upload(&t.admin, "/admin/files", "form.pdf", "application/pdf", b"%PDF-1.4 form").await;
    let job = json!({"customer_id": harbor, "site_id": hq, "category": "repair", "status": "scheduled",
        "attachments": [{"kind": "workflow_form", "file_id": pdf}]});
    let created = app.api.expect(201, "PUT", "/admin/jobs/WO-1", &t.admin, Some(&job)).await.unwrap();

    let mut read = app.api.expect(200, "GET", "/admin/jobs/WO-1", &t.admin, None).await.unwrap();
    assert_eq!(read["id"], created["id"]);
    assert!(read["attachments"][0]["content_type"].is_string(), "{read}");
    read["status"] = json!("in_progress");
    let put = app.api.send("PUT", "/admin/jobs/WO-1", Some(&t.admin), Some(&read), &[]).await.unwrap();
    assert_eq!(put.status, 200, "{}", put.text);
    assert_eq!(put.body["status"], "in_progress");
    assert_eq!(put.body["id"], created["id"]);
    assert_eq!(put.body["status_history"].as_array().unwrap().len(), 2, "history is Portico's: {}", put.text);
    assert_eq!(put.body["attachments"][0]["file_id"], pdf);

    // Contradictions are refused, clearly.
    let mut other_ref = put.body.clone();
    other_ref["external_ref"] = json!("WO-2");
    let a = app.api.send("PUT", "/admin/jobs/WO-1", Some(&t.admin), Some(&other_ref), &[]).await.unwrap();
    assert_eq!(a.status, 400);
    assert_eq!(a.body["errors"][0]["field"], "external_ref", "{}", a.text);
    // …including the body of WO-1 sent to publish another job.
    let a = app.api.send("PUT", "/admin/jobs/WO-2", Some(&t.admin), Some(&put.body), &[]).await.unwrap();
    assert_eq!(a.status, 400, "{}", a.text);
    let missing = app.api.get("/admin/jobs/WO-2", &t.admin).await.unwrap();
    assert_eq!(missing.status, 404, "nothing was published");

    let mut other_id = put.body.clone();
    other_id["id"] = json!("job_01JD8Z6V5Q2W3E4R5T6Y7A8B9C");
    let a = app.api.send("PUT", "/admin/jobs/WO-1", Some(&t.admin), Some(&other_id), &[]).await.unwrap();
    assert_eq!((a.status, &a.body["errors"][0]["field"]), (400, &json!("id")), "{}", a.text);

    let stale = app.api.send("PUT", "/admin/jobs/WO-1", Some(&t.admin), Some(&read), &[]).await.unwrap();
    assert_eq!(stale.status, 412, "the body read before the last change: {}", stale.text);

    let mut unknown = put.body.clone();
    unknown["priority"] = json!("high");
    let a = app.api.send("PUT", "/admin/jobs/WO-1", Some(&t.admin), Some(&unknown), &[]).await.unwrap();
    assert_eq!(a.status, 400);
    assert!(a.text.contains("priority"));

    let now = app.api.expect(200, "GET", "/admin/jobs/WO-1", &t.admin, None).await.unwrap();
    assert_eq!(now["version"], put.body["version"], "no refused PUT changed the job");
    assert_eq!(id(&now), id(&created));
}
