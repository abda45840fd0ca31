//! The foundation's story, end to end through the gateway with real Cognito sign-in.

use portico_local::{mailbox, seed, signin};
use portico_tests::{ids, spawn_app, PASSWORD};
use serde_json::json;

#[tokio::test]
async fn an_operator_creates_a_tenant_whose_admin_sets_up_and_invites_a_member_who_sees_exactly_their_sites() {
    let app = spawn_app().await;

    // The operator creates the tenant; its first admin is invited by email.
    let operator = app.operator().await;
    let admin_email = app.email("admin");
    let tenant = app
        .api
        .expect(201, "POST", "/platform/tenants", &operator, Some(&json!({
            "name": "Acme Service", "admin_email": admin_email, "admin_first_name": "Ada", "admin_last_name": "Admin"
        })))
        .await
        .unwrap();
    assert!(tenant["id"].as_str().unwrap().starts_with("ten_"));
    assert_eq!(tenant["admin_invited"], true);
    let invitation = mailbox::to(&app.aws.endpoint, &admin_email).await.unwrap();
    assert_eq!(invitation.len(), 1);
    assert!(invitation[0].body.contains("https://admin.portico.test"));

    // The admin's first sign-in: temporary password, then a new password; alone, that
    // opens nothing (the tenant requires a second factor of its admins) until the admin
    // has set up an authenticator app and signed in with its code.
    let password_only = app.accept_invitation(&admin_email).await;
    assert_eq!(app.api.get("/admin/settings", &password_only).await.unwrap().status, 403);
    let client = &app.prov.user_pool_client_id;
    let first = signin::tokens(&app.cognito(), client, &admin_email, PASSWORD, PASSWORD, None).await.unwrap();
    let secret = signin::set_up_totp(&app.cognito(), &first.access).await.unwrap();
    let login = seed::Login { username: admin_email.clone(), password: PASSWORD.into(), totp_secret: Some(secret) };
    let admin = login.token(&app.aws, &app.prov).await.unwrap();

    // Set-up, customers (one with a child customer) and sites.
    app.complete_setup(&admin).await;
    let parent = app.customer(&admin, json!({"name": "Harbor Retail", "allowed_work_order_types": ["repair"]})).await;
    let child = app.customer(&admin, json!({"name": "Harbor Outlets", "parent_id": parent})).await;
    let other = app.customer(&admin, json!({"name": "Lakeside"})).await;
    let hq = app.site(&admin, &parent, "HQ").await;
    let north = app.site(&admin, &child, "Outlet North").await;
    let south = app.site(&admin, &child, "Outlet South").await;
    let lakeside = app.site(&admin, &other, "Lakeside Main").await;

    // A member granted the customer, invited with a personal message at another address.
    let member_email = app.email("carla");
    let inbox = app.email("carla-private");
    let member = app.member(&admin, json!({
        "customer_id": parent, "first_name": "Carla", "last_name": "Customer", "email": member_email, "locale": "nl"
    })).await;
    app.api
        .expect(
            200,
            "POST",
            &format!("/admin/members/{member}/invite"),
            &admin,
            Some(&json!({
                "message": "Tot maandag!", "email": inbox
            })),
        )
        .await
        .unwrap();
    let mails = mailbox::to(&app.aws.endpoint, &inbox).await.unwrap();
    assert_eq!(mails.len(), 1, "the invitation goes to the chosen address");
    assert!(mails[0].body.contains("Tot maandag!"), "the admin's message is in the email");
    assert!(mails[0].body.contains("Welkom"), "the email is in the member's language");
    assert!(mails[0].body.contains(&member_email), "the email names the login");
    assert!(mails[0].source.contains("Acme Service"), "the email is branded");
    assert!(mailbox::to(&app.aws.endpoint, &member_email).await.unwrap().is_empty());

    // The member signs in from the email and sees the customer's and child customer's sites.
    let temporary = mails[0].temporary_password().unwrap().to_owned();
    let token = portico_local::signin::id_token(
        &app.cognito(),
        &app.prov.user_pool_client_id,
        &member_email,
        &temporary,
        PASSWORD,
    )
    .await
    .unwrap();
    let sites = app.api.expect(200, "GET", "/portal/sites", &token, None).await.unwrap();
    let mut seen = ids(&sites);
    seen.sort();
    let mut expected = vec![hq, north, south];
    expected.sort();
    assert_eq!(seen, expected);
    assert!(!seen.contains(&lakeside));
    // The work-request form's picker: the customer's allowed types, with the portal's
    // names; the child customer (no list of its own) has its parent's.
    for site in sites["items"].as_array().unwrap() {
        assert_eq!(site["work_order_types"], json!([{"code": "repair", "name": "Repair"}]), "{site}");
    }

    let me = app.api.expect(200, "GET", "/portal/me", &token, None).await.unwrap();
    assert_eq!(me["branding"], json!({"display_name": "Acme Service", "logo_url": null, "primary_color": null}));
    assert_eq!(me["id"], member.as_str());
    assert_eq!(me["locale"], "nl");
    assert_eq!(me["admin"], true, "the first member of a customer is admin by default");
    assert_eq!(me["permissions"].as_array().unwrap().len(), portico::domain::rights::Permission::ALL.len());
}

#[tokio::test]
async fn a_site_scoped_member_never_sees_the_other_sites() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let parent = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let child = app.customer(&t.admin, json!({"name": "Outlets", "parent_id": parent})).await;
    let north = app.site(&t.admin, &child, "North").await;
    let south = app.site(&t.admin, &child, "South").await;
    let hq = app.site(&t.admin, &parent, "HQ").await;
    let email = app.email("sam");
    let sam = app
        .member(
            &t.admin,
            json!({
                "customer_id": parent, "first_name": "Sam", "last_name": "Site", "email": email, "admin": false,
                "permissions": ["view_jobs"],
                "scope": {"grants": [{"customer_id": child, "site_ids": [north]}]}
            }),
        )
        .await;
    let token = app.invited_member(&t.admin, &sam, &email).await;

    let sites = app.api.expect(200, "GET", "/portal/sites", &token, None).await.unwrap();
    assert_eq!(ids(&sites), vec![north.clone()]);
    let text = sites.to_string();
    assert!(!text.contains(&south) && !text.contains(&hq));

    // Paging one at a time still yields only that site.
    let page = app.api.expect(200, "GET", "/portal/sites?limit=1", &token, None).await.unwrap();
    assert_eq!(ids(&page), vec![north]);
    assert!(page["next_cursor"].is_null());

    // And the admin routes are closed to members.
    let other = app.api.get(&format!("/admin/sites/{south}"), &token).await.unwrap();
    assert_eq!(other.status, 403);
}

#[tokio::test]
async fn a_disabled_cognito_user_cannot_sign_in() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    let username = app
        .cognito()
        .admin_get_user()
        .user_pool_id(&app.prov.user_pool_id)
        .username(&t.admin_email)
        .send()
        .await
        .unwrap()
        .username;
    app.app.identity().disable(&username).await.unwrap();
    let refused =
        portico_local::signin::sign_in(&app.cognito(), &app.prov.user_pool_client_id, &t.admin_email, PASSWORD).await;
    let message = refused.err().expect("a disabled user must not sign in").to_string();
    assert!(message.contains("User is disabled"), "{message}");

    app.app.identity().enable(&username).await.unwrap();
    t.admin_login.token(&app.aws, &app.prov).await.unwrap();
}

#[tokio::test]
async fn members_cannot_be_created_or_invited_before_set_up() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    let customer = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let body = json!({"customer_id": customer, "first_name": "A", "last_name": "B", "email": app.email("early")});
    let early = app.api.post("/admin/members", &t.admin, &body).await.unwrap();
    assert_eq!(early.status, 409);
    assert_eq!(early.header("content-type"), Some("application/problem+json"));
    assert!(early.body["detail"].as_str().unwrap().contains("set-up"));

    // Set-up first, then create; then un-complete set-up: the invitation is refused.
    app.complete_setup(&t.admin).await;
    let member = app.member(&t.admin, body).await;
    let mut settings = app.api.expect(200, "GET", "/admin/settings", &t.admin, None).await.unwrap();
    let obj = settings.as_object_mut().unwrap();
    obj.remove("updated_at");
    obj.remove("version");
    obj.insert("setup_complete".into(), json!(false));
    app.api.expect(200, "PUT", "/admin/settings", &t.admin, Some(&settings)).await.unwrap();
    let invite = app.api.post(&format!("/admin/members/{member}/invite"), &t.admin, &json!({})).await.unwrap();
    assert_eq!(invite.status, 409);
    assert!(mailbox::to(&app.aws.endpoint, &app.email("early")).await.unwrap().is_empty(), "no email was sent");
}
