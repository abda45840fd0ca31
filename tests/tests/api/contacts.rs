//! Contacts: people with a notification role and no login, and "create user".

use portico_local::mailbox;
use portico_tests::{id, ids, spawn_app};
use serde_json::json;

#[tokio::test]
async fn a_contact_becomes_a_member_once_and_is_invited() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    let c = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let site = app.site(&t.admin, &c, "HQ").await;
    let email = app.email("bea");
    let contacts = format!("/admin/customers/{c}/contacts");
    let bad = app
        .api
        .post(
            &contacts,
            &t.admin,
            &json!({"first_name": "B", "last_name": "B", "email": email, "role": "billing", "admin": true}),
        )
        .await
        .unwrap();
    assert_eq!(bad.status, 400);
    let contact = app
        .api
        .expect(
            201,
            "POST",
            &contacts,
            &t.admin,
            Some(&json!({"first_name": "Bea", "last_name": "Billing", "email": email, "role": "billing"})),
        )
        .await
        .unwrap();
    let k = id(&contact);
    assert!(k.starts_with("con_"));
    assert_eq!(contact["member_id"], serde_json::Value::Null);
    assert!(
        mailbox::to(&app.aws.endpoint, &email).await.unwrap().is_empty(),
        "contacts get no login and no invitation"
    );

    let create_user = format!("/admin/contacts/{k}/create-user");
    let early = app.api.post(&create_user, &t.admin, &json!({})).await.unwrap();
    assert_eq!(early.status, 409, "set-up comes first");

    app.complete_setup(&t.admin).await;
    let member = app
        .api
        .expect(
            201,
            "POST",
            &create_user,
            &t.admin,
            Some(&json!({"permissions": ["view_jobs"], "message": "Welcome, Bea!"})),
        )
        .await
        .unwrap();
    assert_eq!(member["email"], email.as_str());
    assert_eq!(member["contact_id"], k.as_str());
    assert_eq!(member["status"], "invited");
    let mails = mailbox::to(&app.aws.endpoint, &email).await.unwrap();
    assert_eq!(mails.len(), 1);
    assert!(mails[0].body.contains("Welcome, Bea!"));

    let again = app.api.post(&create_user, &t.admin, &json!({})).await.unwrap();
    assert_eq!(again.status, 409, "the same person is never made twice");
    let listed = app.api.expect(200, "GET", &contacts, &t.admin, None).await.unwrap();
    assert_eq!(listed["items"][0]["member_id"], member["id"]);
    let members = app.api.expect(200, "GET", &format!("/admin/members?customer_id={c}"), &t.admin, None).await.unwrap();
    assert_eq!(ids(&members), vec![id(&member)]);

    let token = app.accept_invitation(&email).await;
    let sites = app.api.expect(200, "GET", "/portal/sites", &token, None).await.unwrap();
    assert_eq!(ids(&sites), vec![site]);
}

#[tokio::test]
async fn contacts_are_edited_and_deleted_within_their_tenant_only() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let acme = app.tenant_by(&operator, "Acme").await;
    let globex = app.tenant_by(&operator, "Globex").await;
    let c = app.customer(&globex.admin, json!({"name": "G"})).await;
    let body = json!({"first_name": "G", "last_name": "C", "email": app.email("gc"), "role": "site_manager"});
    let k = id(&app
        .api
        .expect(201, "POST", &format!("/admin/customers/{c}/contacts"), &globex.admin, Some(&body))
        .await
        .unwrap());
    let path = format!("/admin/contacts/{k}");

    assert_eq!(app.api.patch(&path, &acme.admin, &json!({"role": "x"})).await.unwrap().status, 404);
    assert_eq!(app.api.send("DELETE", &path, Some(&acme.admin), None, &[]).await.unwrap().status, 404);
    assert_eq!(app.api.post(&format!("{path}/create-user"), &acme.admin, &json!({})).await.unwrap().status, 404);
    assert_eq!(app.api.get(&format!("/admin/customers/{c}/contacts"), &acme.admin).await.unwrap().status, 404);

    let edited =
        app.api.patch(&path, &globex.admin, &json!({"role": "billing", "phone": "+31612345003"})).await.unwrap();
    assert_eq!(edited.status, 200);
    assert_eq!(edited.body["role"], "billing");
    assert_eq!(edited.body["version"], 2);
    assert_eq!(app.api.send("DELETE", &path, Some(&globex.admin), None, &[]).await.unwrap().status, 204);
    let listed =
        app.api.expect(200, "GET", &format!("/admin/customers/{c}/contacts"), &globex.admin, None).await.unwrap();
    assert!(ids(&listed).is_empty());
}

#[tokio::test]
async fn an_office_sets_which_kinds_a_contact_gets_no_more() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    let c = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let body = json!({"first_name": "Bea", "last_name": "Billing", "email": app.email("bea"), "role": "billing"});
    let k = id(&app
        .api
        .expect(201, "POST", &format!("/admin/customers/{c}/contacts"), &t.admin, Some(&body))
        .await
        .unwrap());
    let path = format!("/admin/contacts/{k}");

    let muted = app.api.patch(&path, &t.admin, &json!({"muted": ["invoices", "quotes"]})).await.unwrap();
    assert_eq!(muted.status, 200);
    assert_eq!(muted.body["muted"], json!(["quotes", "invoices"]));
    assert_eq!(muted.body["role"], "billing", "what is not sent stays");
    let twice = app.api.patch(&path, &t.admin, &json!({"muted": ["quotes", "quotes"]})).await.unwrap();
    assert_eq!(twice.status, 400, "a kind is named once");
    let unknown = app.api.patch(&path, &t.admin, &json!({"muted": ["newsletters"]})).await.unwrap();
    assert_eq!(unknown.status, 400);

    let some = app.api.patch(&path, &t.admin, &json!({"muted": ["invoices"]})).await.unwrap();
    assert_eq!(some.body["muted"], json!(["invoices"]));
    let listed = app.api.expect(200, "GET", &format!("/admin/customers/{c}/contacts"), &t.admin, None).await.unwrap();
    assert_eq!(listed["items"][0]["muted"], json!(["invoices"]), "stored");
    let none = app.api.patch(&path, &t.admin, &json!({"muted": []})).await.unwrap();
    assert_eq!(none.body["muted"], json!([]));
}
