//! Every fixture in `events/api` runs through its handler against the local stack — the
//! same events `cargo lambda invoke --data-file` sends.

use std::path::PathBuf;

use portico_local::workspace_root;
use portico_tests::spawn_app;
use serde_json::json;

/// The ids the fixtures use, replaced by the ids of a world made for them.
const TENANT: &str = "ten_01JD8Z6V5Q2W3E4R5T6Y7A8B9C";
const CUSTOMER: &str = "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D";
const SPARE_CUSTOMER: &str = "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9E";
const SITE: &str = "site_01JD8Z6V5Q2W3E4R5T6Y7A8B9F";
const SPARE_SITE: &str = "site_01JD8Z6V5Q2W3E4R5T6Y7A8B9G";
const MEMBER: &str = "mem_01JD8Z6V5Q2W3E4R5T6Y7A8B9H";
const SPARE_MEMBER: &str = "mem_01JD8Z6V5Q2W3E4R5T6Y7A8B9J";
const CONTACT: &str = "con_01JD8Z6V5Q2W3E4R5T6Y7A8B9K";
const SPARE_CONTACT: &str = "con_01JD8Z6V5Q2W3E4R5T6Y7A8B9M";

#[tokio::test]
async fn every_fixture_runs_through_its_handler() {
    let app = spawn_app().await;
    let t = app.tenant("Fixture Tenant").await;
    app.complete_setup(&t.admin).await;
    let customer = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let spare_customer = app.customer(&t.admin, json!({"name": "Spare"})).await;
    let site = app.site(&t.admin, &customer, "HQ").await;
    let spare_site = app.site(&t.admin, &customer, "Spare").await;
    let member = app
        .member(
            &t.admin,
            json!({"customer_id": customer, "first_name": "F", "last_name": "M", "email": app.email("fixture")}),
        )
        .await;
    let spare_member = app
        .member(
            &t.admin,
            json!({"customer_id": customer, "first_name": "S", "last_name": "M", "email": app.email("spare")}),
        )
        .await;
    let contact = |name: &'static str| {
        let (app, admin, customer) = (&app, t.admin.clone(), customer.clone());
        async move {
            let body = json!({"first_name": name, "last_name": "C", "email": app.email(name), "role": "billing"});
            let path = format!("/admin/customers/{customer}/contacts");
            portico_tests::id(&app.api.expect(201, "POST", &path, &admin, Some(&body)).await.unwrap())
        }
    };
    let (contact, spare_contact) = (contact("contact").await, contact("spare-contact").await);
    let world = [
        (TENANT, t.id.as_str()),
        (CUSTOMER, &customer),
        (SPARE_CUSTOMER, &spare_customer),
        (SITE, &site),
        (SPARE_SITE, &spare_site),
        (MEMBER, &member),
        (SPARE_MEMBER, &spare_member),
        (CONTACT, &contact),
        (SPARE_CONTACT, &spare_contact),
    ];

    let mut files: Vec<PathBuf> =
        std::fs::read_dir(workspace_root().join("events/api")).unwrap().map(|e| e.unwrap().path()).collect();
    // Deletions last, so the other fixtures still find what they name.
    files.sort_by_key(|p| (p.file_name().unwrap().to_string_lossy().starts_with("Delete"), p.clone()));
    assert!(files.len() >= 19);
    for path in files {
        let mut text = std::fs::read_to_string(&path).unwrap();
        for (fixture_id, real) in world {
            text = text.replace(fixture_id, real);
        }
        let request = lambda_http::request::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let response = portico_functions::handle_event(app.app, request).await;
        let status = response.status().as_u16();
        let body = match response.body() {
            lambda_http::Body::Text(t) => t.clone(),
            _ => String::new(),
        };
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let expected = match &name {
            n if n.starts_with("Create") => 201,
            n if n.starts_with("Delete") => 204,
            _ => 200,
        };
        assert_eq!(status, expected, "{name}: {body}");
        if status != 204 {
            let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok());
            assert_eq!(content_type, Some("application/json"), "{name}");
            serde_json::from_str::<serde_json::Value>(&body).unwrap_or_else(|_| panic!("{name}: not JSON"));
        }
    }
}

#[tokio::test]
async fn a_verified_admin_of_a_tenant_that_does_not_exist_is_refused() {
    let app = spawn_app().await;
    let text = std::fs::read_to_string(workspace_root().join("events/api/GetSettings.json")).unwrap();
    let request = lambda_http::request::from_str(&text).unwrap();
    let response = portico_functions::handle_event(app.app, request).await;
    assert_eq!(response.status().as_u16(), 403);
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok());
    assert_eq!(content_type, Some("application/problem+json"));
}
