//! A member's login and record stay together: clients write only the names on their own
//! login; email and phone change through the API, which changes both (or neither); every
//! optional field can be set, changed and cleared whatever its state, with or without a
//! login, and nothing of it ends in a 5xx.

use portico_local::gateway::template_user_pool_client;
use portico_local::provision::CLIENT_WRITE_ATTRIBUTES;
use portico_local::workspace_root;
use portico_tests::{spawn_app, TestApp, PASSWORD};
use serde_json::{json, Value};

/// The login's attributes, by name.
async fn login_attributes(app: &TestApp, username: &str) -> Vec<(String, String)> {
    let user = app
        .cognito()
        .admin_get_user()
        .user_pool_id(&app.prov.user_pool_id)
        .username(username)
        .send()
        .await
        .expect("the login");
    user.user_attributes().iter().map(|a| (a.name().to_owned(), a.value().unwrap_or_default().to_owned())).collect()
}

fn attribute<'a>(attributes: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attributes.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

#[tokio::test]
async fn clients_may_write_only_the_names_of_their_own_login() {
    let template = template_user_pool_client(&workspace_root().join("infra/template.yaml")).unwrap();
    let declared: Vec<String> = template["WriteAttributes"]
        .as_sequence()
        .expect("WriteAttributes")
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(declared, CLIENT_WRITE_ATTRIBUTES, "the template and the local stack agree");
    for sign_in_attribute in ["email", "phone_number", "custom:tenant_id", "custom:member_id"] {
        assert!(!declared.iter().any(|a| a == sign_in_attribute), "{sign_in_attribute} must not be client-writable");
    }

    let app = spawn_app().await;
    let client = app
        .cognito()
        .describe_user_pool_client()
        .user_pool_id(&app.prov.user_pool_id)
        .client_id(&app.prov.user_pool_client_id)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    assert_eq!(client.write_attributes(), CLIENT_WRITE_ATTRIBUTES, "as provisioned");
}

/// A tenant, a customer, and a member with a login (signed in) and one without.
async fn members(app: &TestApp, operator: &str) -> (String, String, String, String, String) {
    let t = app.tenant_by(operator, "Acme").await;
    app.complete_setup(&t.admin).await;
    let harbor = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let email = app.email("mia");
    let with_login = app
        .member(
            &t.admin,
            json!({"customer_id": harbor, "first_name": "Mia", "last_name": "M", "email": email, "admin": false}),
        )
        .await;
    let token = app.invited_member(&t.admin, &with_login, &email).await;
    let without = app
        .member(
            &t.admin,
            json!({"customer_id": harbor, "first_name": "Noa", "last_name": "N", "email": app.email("noa")}),
        )
        .await;
    (t.admin, with_login, without, token, email)
}

#[tokio::test]
async fn every_optional_field_can_be_set_changed_and_cleared_whatever_its_state() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let (admin, with_login, without, token, email) = members(&app, &operator).await;

    // Each step from each state: clear while empty, set, change, clear, clear again.
    let steps: [(&str, Value); 5] = [
        ("phone", Value::Null),
        ("phone", json!("+31612340001")),
        ("phone", json!("+31612340002")),
        ("phone", Value::Null),
        ("phone", Value::Null),
    ];
    for member in [&with_login, &without] {
        let path = format!("/admin/members/{member}");
        for field in ["phone", "job_title", "locale"] {
            for (_, value) in &steps {
                let value = match (field, value) {
                    (_, Value::Null) => Value::Null,
                    ("phone", v) => v.clone(),
                    ("job_title", _) => json!("Facilities lead"),
                    _ => json!("nl"),
                };
                let a = app.api.patch(&path, &admin, &json!({ field: value })).await.unwrap();
                assert_eq!(a.status, 200, "{member}: {field} = {value}: {}", a.text);
                assert_eq!(a.body[field], value);
            }
        }
    }
    // The member's own route, with a login: the same; the login's number follows once
    // its code is entered (till then the login keeps the number it had), and clearing
    // the number clears the login's.
    let steps = [
        (Value::Null, false, None),
        (json!("+31612340003"), false, None),
        (json!("+31612340003"), true, Some("+31612340003")),
        (json!("+31612340004"), false, Some("+31612340003")),
        (Value::Null, false, None),
        (Value::Null, false, None),
    ];
    for (value, verify, signs_in_with) in steps {
        let a = app
            .api
            .patch("/portal/me", &token, &json!({"phone": value, "locale": value.as_str().map(|_| "en")}))
            .await
            .unwrap();
        assert_eq!(a.status, 200, "phone = {value}: {}", a.text);
        assert_eq!(a.body["phone"], value);
        if verify {
            app.verify_phone(&email, PASSWORD).await;
        }
        let attributes = login_attributes(&app, &email).await;
        assert_eq!(attribute(&attributes, "phone_number"), signs_in_with, "phone = {value}, verified: {verify}");
    }
}

#[tokio::test]
async fn an_admin_changes_a_members_email_and_the_login_follows() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let (admin, mia, noa, _token, old_email) = members(&app, &operator).await;
    let new_email = app.email("mia.new");
    let changed = app.api.patch(&format!("/admin/members/{mia}"), &admin, &json!({"email": new_email})).await.unwrap();
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(changed.body["email"], new_email.as_str());
    let attributes = login_attributes(&app, &new_email).await;
    assert_eq!(attribute(&attributes, "email"), Some(new_email.as_str()));
    let token = app.sign_in(&new_email, PASSWORD).await;
    assert_eq!(app.api.get("/portal/me", &token).await.unwrap().body["email"], new_email.as_str());

    // The address is one member's in the tenant: taken is 409; the old one is free again.
    let taken = app.api.patch(&format!("/admin/members/{noa}"), &admin, &json!({"email": new_email})).await.unwrap();
    assert_eq!(taken.status, 409, "{}", taken.text);
    let harbor = changed.body["customer_id"].as_str().unwrap();
    app.member(&admin, json!({"customer_id": harbor, "first_name": "Old", "last_name": "O", "email": old_email})).await;

    // Another tenant's login has this address: the login refuses, and the record is put
    // back as it was — the two never disagree.
    let other = app.tenant_by(&operator, "Other").await;
    app.complete_setup(&other.admin).await;
    let theirs = app.customer(&other.admin, json!({"name": "Theirs"})).await;
    let their_email = app.email("theirs");
    let their_member = app
        .member(&other.admin, json!({"customer_id": theirs, "first_name": "T", "last_name": "T", "email": their_email}))
        .await;
    app.invited_member(&other.admin, &their_member, &their_email).await;
    let refused =
        app.api.patch(&format!("/admin/members/{mia}"), &admin, &json!({"email": their_email})).await.unwrap();
    assert_eq!(refused.status, 409, "{}", refused.text);
    let record = app.api.expect(200, "GET", &format!("/admin/members/{mia}"), &admin, None).await.unwrap();
    assert_eq!(record["email"], new_email.as_str(), "the record kept the address its login has");
    let attributes = login_attributes(&app, &new_email).await;
    assert_eq!(attribute(&attributes, "email"), Some(new_email.as_str()));
    // And that address is still free in this tenant: the claim was put back too.
    app.member(&admin, json!({"customer_id": harbor, "first_name": "T", "last_name": "T", "email": their_email})).await;
}
