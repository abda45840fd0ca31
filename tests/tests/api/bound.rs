//! Every token is bound to its login's record, and a second factor is enforced where it
//! is required: the admin's staff record and the member's record are read on every
//! request, and the token's `sub` must be theirs.

use portico_local::{seed, signin};
use portico_tests::{claims, spawn_app, TestApp, TestTenant, PASSWORD};
use serde_json::{json, Value};

/// Sends `event` (an API Gateway v2 event, claims included) through the handlers, as
/// Lambda would: what a token with those verified claims would get.
async fn as_claimed(app: &TestApp, route: &str, path: &str, claims: Value) -> (u16, Value) {
    let event = json!({
        "version": "2.0", "routeKey": route, "rawPath": path, "rawQueryString": "",
        "headers": {"accept": "application/json"},
        "requestContext": {"accountId": "1", "apiId": "x", "domainName": "x", "domainPrefix": "x",
            "http": {"method": route.split(' ').next().unwrap(), "path": path, "protocol": "HTTP/1.1", "sourceIp": "192.0.2.1", "userAgent": "t"},
            "requestId": "bound", "routeKey": route, "stage": "$default", "time": "", "timeEpoch": 0,
            "authorizer": {"jwt": {"claims": claims, "scopes": null}}},
        "isBase64Encoded": false,
    });
    let request = portico_tests::through_cloudfront(app, lambda_http::request::from_str(&event.to_string()).unwrap());
    let response = portico_functions::handle_event(app.app, request).await;
    let status = response.status().as_u16();
    let body = match response.body() {
        lambda_http::Body::Text(t) => serde_json::from_str(t).unwrap_or(Value::Null),
        _ => Value::Null,
    };
    (status, body)
}

/// The claims of `token` as API Gateway hands them to a function (strings).
fn lambda_claims(token: &str) -> serde_json::Map<String, Value> {
    let claims = claims(token);
    portico_local::gateway::claims_for_lambda(claims.as_object().unwrap())
}

async fn tenant_with_member(app: &TestApp, operator: &str, name: &str) -> (TestTenant, String, String) {
    let t = app.tenant_by(operator, name).await;
    app.complete_setup(&t.admin).await;
    let c = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let email = app.email(&format!("{}-member", name.to_lowercase()));
    let m = app.member(&t.admin, json!({"customer_id": c, "first_name": "M", "last_name": "M", "email": email})).await;
    let token = app.invited_member(&t.admin, &m, &email).await;
    (t, m, token)
}

#[tokio::test]
async fn a_token_naming_a_record_that_is_not_its_logins_opens_nothing() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let (a, a_member, _) = tenant_with_member(&app, &operator, "Alpha").await;
    let (_b, _, b_token) = tenant_with_member(&app, &operator, "Beta").await;

    // A member of tenant B whose token claimed tenant A's member (had Cognito let them
    // rewrite their custom attributes): their own login, someone else's record.
    let mut forged = lambda_claims(&b_token);
    forged.insert("custom:tenant_id".into(), a.id.clone().into());
    forged.insert("custom:member_id".into(), a_member.clone().into());
    let (status, body) = as_claimed(&app, "GET /portal/me", "/portal/me", Value::Object(forged)).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["type"], "https://portico.dev/problems/unauthorized");

    // The same for an admin: tenant B's admin claiming tenant A's admin record.
    let b_admin = app.tenant_by(&operator, "Gamma").await;
    let mut forged = lambda_claims(&b_admin.admin);
    let a_staff = claims(&a.admin)["custom:staff_id"].as_str().unwrap().to_owned();
    forged.insert("custom:tenant_id".into(), a.id.clone().into());
    forged.insert("custom:staff_id".into(), a_staff.into());
    let (status, body) = as_claimed(&app, "GET /admin/members", "/admin/members", Value::Object(forged)).await;
    assert_eq!(status, 401, "{body}");

    // The genuine claims still work, through the same path.
    let (status, _) =
        as_claimed(&app, "GET /admin/members", "/admin/members", Value::Object(lambda_claims(&a.admin))).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn an_admin_login_without_a_staff_record_or_with_a_disabled_one_is_refused() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    let second = app.another_admin(&t.admin, "second").await;
    assert_eq!(app.api.get("/admin/settings", &second).await.unwrap().status, 200);
    let staff = claims(&second)["custom:staff_id"].as_str().unwrap().to_owned();

    // Disabled: refused at once, whatever the token says; enabled again, back.
    let disabled = app.api.expect(200, "POST", &format!("/admin/staff/{staff}/disable"), &t.admin, None).await.unwrap();
    assert_eq!(disabled["status"], "disabled");
    let refused = app.api.get("/admin/settings", &second).await.unwrap();
    assert_eq!(refused.status, 403, "{}", refused.text);
    app.api.expect(200, "POST", &format!("/admin/staff/{staff}/enable"), &t.admin, None).await.unwrap();
    assert_eq!(app.api.get("/admin/settings", &second).await.unwrap().status, 200);

    // Removed: the record is gone, and so is the login.
    let removed = app.api.send("DELETE", &format!("/admin/staff/{staff}"), Some(&t.admin), None, &[]).await.unwrap();
    assert_eq!(removed.status, 204, "{}", removed.text);
    assert_eq!(app.api.get("/admin/settings", &second).await.unwrap().status, 403);
    let gone = signin::sign_in(&app.cognito(), &app.prov.user_pool_client_id, &app.email("second"), PASSWORD).await;
    assert!(gone.is_err());
    let trail = app.api.expect(200, "GET", &format!("/admin/audit?entity={staff}"), &t.admin, None).await.unwrap();
    let actions: Vec<&str> = trail["items"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(actions, ["staff.deleted", "staff.enabled", "staff.disabled", "staff.created"]);
}

#[tokio::test]
async fn the_last_admin_cannot_be_disabled_or_removed_and_of_two_disabling_each_other_one_wins() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    let me = claims(&t.admin)["custom:staff_id"].as_str().unwrap().to_owned();
    let (disable, remove) = (("POST", format!("/admin/staff/{me}/disable")), ("DELETE", format!("/admin/staff/{me}")));
    // Not one's own access: another admin does that.
    for (method, path) in [&disable, &remove] {
        let refused = app.api.send(method, path, Some(&t.admin), None, &[]).await.unwrap();
        assert_eq!(refused.status, 409, "{}", refused.text);
        assert!(refused.text.contains("your own access"), "{}", refused.text);
    }
    // An integration (the back office) is no admin: it cannot touch the staff at all.
    let erp = app.integration(&t.admin, "ERP", &["access:write"]).await;
    let erp = app.integration_token(&erp).await;
    for (method, path) in [&disable, &remove] {
        let refused = app.api.send(method, path, Some(&erp), None, &[]).await.unwrap();
        assert_eq!(refused.status, 403, "{}", refused.text);
    }
    assert_eq!(app.api.get("/admin/settings", &t.admin).await.unwrap().status, 200);

    let second = app.another_admin(&t.admin, "second").await;
    let other = claims(&second)["custom:staff_id"].as_str().unwrap().to_owned();
    let (disable_other, disable_me) = (format!("/admin/staff/{other}/disable"), format!("/admin/staff/{me}/disable"));
    let (a, b) = tokio::join!(
        app.api.send("POST", &disable_other, Some(&t.admin), None, &[]),
        app.api.send("POST", &disable_me, Some(&second), None, &[]),
    );
    let statuses = [a.unwrap().status, b.unwrap().status];
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    // The loser lost the race (409), or came second and was disabled already (403).
    assert!(statuses.iter().any(|s| [403, 409].contains(s)), "{statuses:?}");
    let staff = app.api.expect(200, "GET", "/admin/staff", if statuses[0] == 200 { &t.admin } else { &second }, None);
    let active = staff.await.unwrap()["items"].as_array().unwrap().iter().filter(|s| s["status"] == "active").count();
    assert_eq!(active, 1, "one person still runs the portal");
}

#[tokio::test]
async fn admins_act_only_after_a_second_factor_unless_their_tenant_says_otherwise() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    // A new admin who has signed in with a password alone: refused, and told why.
    let email = app.email("nomfa");
    let body = json!({"first_name": "No", "last_name": "Factor", "email": email});
    app.api.expect(201, "POST", "/admin/staff", &t.admin, Some(&body)).await.unwrap();
    let password_only = app.accept_invitation(&email).await;
    assert!(claims(&password_only).get("portico:mfa").is_none());
    let refused = app.api.get("/admin/customers", &password_only).await.unwrap();
    assert_eq!(refused.status, 403, "{}", refused.text);
    assert_eq!(refused.body["type"], "https://portico.dev/problems/mfa-required");

    // With an authenticator app set up, the next sign-in asks for its code and its token
    // says so: served.
    let first = signin::tokens(&app.cognito(), &app.prov.user_pool_client_id, &email, PASSWORD, PASSWORD, None).await;
    let secret = signin::set_up_totp(&app.cognito(), &first.unwrap().access).await.unwrap();
    let login = seed::Login { username: email.clone(), password: PASSWORD.into(), totp_secret: Some(secret) };
    let with_code = login.token(&app.aws, &app.prov).await.unwrap();
    assert_eq!(claims(&with_code)["portico:mfa"], "totp");
    assert_eq!(app.api.get("/admin/customers", &with_code).await.unwrap().status, 200);

    // The tenant may choose not to require it: then a password is enough.
    let mut settings = app.api.expect(200, "GET", "/admin/settings", &t.admin, None).await.unwrap();
    assert_eq!(settings["require_admin_mfa"], true, "on for new tenants");
    settings["require_admin_mfa"] = json!(false);
    app.api.expect(200, "PUT", "/admin/settings", &t.admin, Some(&settings)).await.unwrap();
    assert_eq!(app.api.get("/admin/customers", &password_only).await.unwrap().status, 200);
}

#[tokio::test]
async fn no_login_is_exempt_from_the_second_factor_and_operators_always_need_one() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    // The back office's "machine user" is gone (it signs in as an integration): no staff
    // record is exempt from the tenant's second factor.
    let body = json!({"first_name": "Back", "last_name": "Office", "email": app.email("erp"), "back_office": true});
    let refused = app.api.send("POST", "/admin/staff", Some(&t.admin), Some(&body), &[]).await.unwrap();
    assert_eq!(refused.status, 400, "{}", refused.text);

    // An operator who signed in with a password alone cannot create tenants.
    let op = app.email("op-nomfa");
    let login = seed::operator(&app.aws, &app.prov, &op, PASSWORD).await.unwrap();
    app.cognito()
        .admin_set_user_mfa_preference()
        .user_pool_id(&app.prov.user_pool_id)
        .username(&op)
        .software_token_mfa_settings(
            aws_sdk_cognitoidentityprovider::types::SoftwareTokenMfaSettingsType::builder().enabled(false).build(),
        )
        .send()
        .await
        .unwrap();
    let password_only = seed::Login { totp_secret: None, ..login }.token(&app.aws, &app.prov).await.unwrap();
    let body =
        json!({"name": "X", "admin_email": app.email("x-admin"), "admin_first_name": "X", "admin_last_name": "Y"});
    let refused = app.api.post("/platform/tenants", &password_only, &body).await.unwrap();
    assert_eq!(refused.status, 403, "{}", refused.text);
    assert_eq!(refused.body["type"], "https://portico.dev/problems/mfa-required");
}

#[tokio::test]
async fn an_admin_resets_a_lost_authenticator_app_and_the_trail_says_so() {
    let app = spawn_app().await;
    let (t, m, _token) = tenant_with_member(&app, &app.operator().await, "Acme").await;
    let email = app.email("acme-member");
    // The member set up an app of their own (optional for members): sign-in asks for it.
    let tokens =
        signin::tokens(&app.cognito(), &app.prov.user_pool_client_id, &email, PASSWORD, PASSWORD, None).await.unwrap();
    signin::set_up_totp(&app.cognito(), &tokens.access).await.unwrap();
    let asks = signin::sign_in(&app.cognito(), &app.prov.user_pool_client_id, &email, PASSWORD).await.unwrap();
    assert!(matches!(asks, signin::SignIn::CodeRequired { .. }));

    // Lost: the admin switches it off; the next sign-in needs the password alone.
    app.api.expect(200, "POST", &format!("/admin/members/{m}/reset-mfa"), &t.admin, None).await.unwrap();
    let plain = signin::sign_in(&app.cognito(), &app.prov.user_pool_client_id, &email, PASSWORD).await.unwrap();
    assert!(matches!(plain, signin::SignIn::Signed(_)));
    let trail = app.api.expect(200, "GET", &format!("/admin/audit?entity={m}"), &t.admin, None).await.unwrap();
    assert_eq!(trail["items"][0]["action"], "member.mfa_reset");
    let admin_sub = claims(&t.admin)["sub"].as_str().unwrap().to_owned();
    assert_eq!(trail["items"][0]["actor"], format!("admin:{admin_sub}"));

    // A member who never got a login has no app to reset.
    let c = app.api.expect(200, "GET", &format!("/admin/members/{m}"), &t.admin, None).await.unwrap()["customer_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = json!({"customer_id": c, "first_name": "N", "last_name": "L", "email": app.email("nologin")});
    let fresh = app.member(&t.admin, body).await;
    let refused = app.api.post(&format!("/admin/members/{fresh}/reset-mfa"), &t.admin, &json!({})).await.unwrap();
    assert_eq!(refused.status, 409);
}

#[tokio::test]
async fn a_phone_number_signs_in_only_after_its_owner_enters_the_code_sent_to_it() {
    let app = spawn_app().await;
    let (t, _m, token) = tenant_with_member(&app, &app.operator().await, "Acme").await;
    let email = app.email("acme-member");
    let colleague_email = app.email("colleague");
    let c = app.api.expect(200, "GET", "/portal/me", &token, None).await.unwrap()["customer_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = json!({"customer_id": c, "first_name": "C", "last_name": "L", "email": colleague_email});
    let colleague = app.member(&t.admin, body).await;
    app.invited_member(&t.admin, &colleague, &colleague_email).await;
    // The admin types the colleague's number in: it is not theirs to vouch for, so it
    // signs in only once the colleague has entered the code sent to it.
    let path = format!("/admin/members/{colleague}");
    app.api.expect(200, "PATCH", &path, &t.admin, Some(&json!({"phone": "+31612340001"}))).await.unwrap();
    assert!(signin::sign_in(&app.cognito(), &app.prov.user_pool_client_id, "+31612340001", PASSWORD).await.is_err());
    app.verify_phone(&colleague_email, PASSWORD).await;

    // The colleague's number, verified and signing in: not the member's to take (409).
    let taken = app.api.patch("/portal/me", &token, &json!({"phone": "+31612340001"})).await.unwrap();
    assert_eq!(taken.status, 409, "{}", taken.text);
    let by_phone = app.sign_in("+31612340001", PASSWORD).await;
    assert_eq!(claims(&by_phone)["email"], colleague_email.as_str(), "the number still reaches its owner");

    // A new number of the member's own: kept, but no sign-in with it until its code is in.
    let mine = app.api.patch("/portal/me", &token, &json!({"phone": "+31612340002"})).await.unwrap();
    assert_eq!(mine.status, 200, "{}", mine.text);
    assert!(signin::sign_in(&app.cognito(), &app.prov.user_pool_client_id, "+31612340002", PASSWORD).await.is_err());
    app.verify_phone(&email, PASSWORD).await;
    assert_eq!(claims(&app.sign_in("+31612340002", PASSWORD).await)["email"], email.as_str());
}
