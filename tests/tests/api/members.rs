//! Members: defaults, scope validation, uniqueness, invitations.

use portico_local::mailbox;
use portico_tests::{ids, spawn_app, PASSWORD};
use serde_json::json;

#[tokio::test]
async fn the_first_member_of_a_customer_is_admin_unless_the_request_says_otherwise() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let c = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let member = |name: &str, extra: serde_json::Value| {
        let mut body = json!({"customer_id": c, "first_name": name, "last_name": "X", "email": app.email(name)});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };
    let first =
        app.api.expect(201, "POST", "/admin/members", &t.admin, Some(&member("first", json!({})))).await.unwrap();
    let second =
        app.api.expect(201, "POST", "/admin/members", &t.admin, Some(&member("second", json!({})))).await.unwrap();
    assert_eq!(first["admin"], true);
    assert_eq!(second["admin"], false);
    assert_eq!(second["effective_permissions"], json!([]));

    let c2 = app.customer(&t.admin, json!({"name": "Lakeside"})).await;
    let body = json!({"customer_id": c2, "first_name": "N", "last_name": "A", "email": app.email("not-admin"), "admin": false});
    let not_admin = app.api.expect(201, "POST", "/admin/members", &t.admin, Some(&body)).await.unwrap();
    assert_eq!(not_admin["admin"], false);

    let listed = app.api.expect(200, "GET", &format!("/admin/members?customer_id={c}"), &t.admin, None).await.unwrap();
    assert_eq!(ids(&listed).len(), 2);
    let all = app.api.expect(200, "GET", "/admin/members", &t.admin, None).await.unwrap();
    assert_eq!(ids(&all).len(), 3);
}

#[tokio::test]
async fn a_scope_must_stay_within_the_members_customer() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let harbor = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let outlets = app.customer(&t.admin, json!({"name": "Outlets", "parent_id": harbor})).await;
    let lakeside = app.customer(&t.admin, json!({"name": "Lakeside"})).await;
    let lake_site = app.site(&t.admin, &lakeside, "Lake").await;
    let north = app.site(&t.admin, &outlets, "North").await;
    let with_scope = |scope: serde_json::Value, name: &str| json!({"customer_id": harbor, "first_name": "S", "last_name": "S", "email": app.email(name), "scope": scope});
    for (scope, why) in [
        (json!({"grants": [{"customer_id": lakeside}]}), "another customer"),
        (json!({"grants": [{"customer_id": outlets, "site_ids": [lake_site]}]}), "a site of another customer"),
        (json!({"grants": [{"customer_id": harbor, "site_ids": [north]}]}), "a site named under the wrong customer"),
        (json!({"grants": [{"customer_id": harbor, "site_ids": []}]}), "an empty site list"),
        (json!({"grants": [{"customer_id": harbor, "color": "red"}]}), "an unknown field"),
    ] {
        let a = app.api.post("/admin/members", &t.admin, &with_scope(scope, "refused")).await.unwrap();
        assert_eq!(a.status, 400, "{why}: {}", a.text);
    }
    let ok = app
        .api
        .expect(
            201,
            "POST",
            "/admin/members",
            &t.admin,
            Some(&with_scope(json!({"grants": [{"customer_id": outlets, "site_ids": [north]}]}), "ok")),
        )
        .await
        .unwrap();
    assert_eq!(ok["scope"]["grants"][0]["site_ids"], json!([north]));
}

#[tokio::test]
async fn one_member_per_email_address_in_a_tenant() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let c = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let body = json!({"customer_id": c, "first_name": "A", "last_name": "B", "email": app.email("dup")});
    app.member(&t.admin, body.clone()).await;
    let mut upper = body.clone();
    upper["email"] = json!(app.email("dup").to_uppercase());
    let again = app.api.post("/admin/members", &t.admin, &upper).await.unwrap();
    assert_eq!(again.status, 409);
}

#[tokio::test]
async fn resending_an_invitation_issues_a_new_temporary_password() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let c = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let email = app.email("resend");
    let m = app.member(&t.admin, json!({"customer_id": c, "first_name": "R", "last_name": "S", "email": email})).await;
    let path = format!("/admin/members/{m}/invite");
    let first = app.api.expect(200, "POST", &path, &t.admin, Some(&json!({}))).await.unwrap();
    assert_eq!(first["status"], "invited");
    app.api.expect(200, "POST", &path, &t.admin, None).await.unwrap();
    let mails = mailbox::to(&app.aws.endpoint, &email).await.unwrap();
    assert_eq!(mails.len(), 2);
    let (old, new) = (mails[0].temporary_password().unwrap(), mails[1].temporary_password().unwrap());
    assert_ne!(old, new);
    assert!(portico_local::signin::sign_in(&app.cognito(), &app.prov.user_pool_client_id, &email, old).await.is_err());
    let token = app.accept_invitation(&email).await;
    let me = app.api.expect(200, "GET", "/portal/me", &token, None).await.unwrap();
    assert_eq!(me["email"], email.as_str());
    app.sign_in(&email, PASSWORD).await;
}

#[tokio::test]
async fn a_member_of_another_tenant_cannot_be_read_or_invited() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let acme = app.tenant_by(&operator, "Acme").await;
    let globex = app.tenant_by(&operator, "Globex").await;
    app.complete_setup(&globex.admin).await;
    app.complete_setup(&acme.admin).await;
    let c = app.customer(&globex.admin, json!({"name": "G"})).await;
    let email = app.email("globex-member");
    let m =
        app.member(&globex.admin, json!({"customer_id": c, "first_name": "G", "last_name": "M", "email": email})).await;
    assert_eq!(app.api.get(&format!("/admin/members/{m}"), &acme.admin).await.unwrap().status, 404);
    let invite = app.api.post(&format!("/admin/members/{m}/invite"), &acme.admin, &json!({})).await.unwrap();
    assert_eq!(invite.status, 404);
    assert!(mailbox::to(&app.aws.endpoint, &email).await.unwrap().is_empty());
    let into_theirs = app
        .api
        .post(
            "/admin/members",
            &acme.admin,
            &json!({"customer_id": c, "first_name": "X", "last_name": "Y", "email": app.email("x")}),
        )
        .await
        .unwrap();
    assert_eq!(into_theirs.status, 400);
    assert_eq!(into_theirs.body["errors"][0]["field"], "customer_id");
}
