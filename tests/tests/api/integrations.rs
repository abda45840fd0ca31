//! Integrations: the back office's machine credentials (`/admin/integrations`), their
//! Cognito app clients and the bindings the guard reads.

use portico::domain::integration::Binding;
use portico::store::keys;
use portico_tests::spawn_app;
use serde_json::{json, Value};

/// The app client as the user pool has it.
async fn app_client(
    app: &portico_tests::TestApp,
    client_id: &str,
) -> Option<aws_sdk_cognitoidentityprovider::types::UserPoolClientType> {
    app.cognito()
        .describe_user_pool_client()
        .user_pool_id(&app.prov.user_pool_id)
        .client_id(client_id)
        .send()
        .await
        .ok()
        .and_then(|o| o.user_pool_client)
}

async fn binding(app: &portico_tests::TestApp, client_id: &str) -> Option<Binding> {
    app.app.store.get::<Binding>(keys::binding_key(client_id)).await.unwrap()
}

fn client_ids(integration: &Value) -> Vec<String> {
    integration["clients"].as_array().unwrap().iter().map(|c| c["client_id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn an_integration_gets_a_client_credentials_app_client_and_its_secret_once() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    let body = json!({"name": "ERP", "scopes": ["records:write", "access:read", "records:write"]});
    let created = app.api.expect(201, "POST", "/admin/integrations", &t.admin, Some(&body)).await.unwrap();
    let id = portico_tests::id(&created);
    assert_eq!(created["scopes"], json!(["access:read", "records:write"]));
    assert_eq!(created["status"], "active");
    let credentials = &created["credentials"];
    let client_id = credentials["client_id"].as_str().unwrap();
    assert!(credentials["client_secret"].as_str().is_some_and(|s| s.len() >= 20));
    assert!(credentials["token_url"].as_str().unwrap().ends_with("/oauth2/token"));
    assert_eq!(credentials["scopes"], json!(["portico/access:read", "portico/records:write"]));
    assert_eq!(client_ids(&created), vec![client_id.to_owned()]);

    // The app client: the client-credentials grant only, with exactly these scopes.
    let client = app_client(&app, client_id).await.expect("the app client exists");
    assert_eq!(client.client_secret(), credentials["client_secret"].as_str());
    assert!(client.allowed_o_auth_flows_user_pool_client() == Some(true));
    assert_eq!(
        client.allowed_o_auth_flows().iter().map(|f| f.as_str()).collect::<Vec<_>>(),
        vec!["client_credentials"]
    );
    let mut scopes = client.allowed_o_auth_scopes().to_vec();
    scopes.sort();
    assert_eq!(scopes, vec!["portico/access:read", "portico/records:write"]);

    // The binding the guard reads, under the client id.
    let bound = binding(&app, client_id).await.expect("a binding");
    assert_eq!(bound.integration_id.to_string(), id);
    assert_eq!(bound.tenant.to_string(), t.id);
    assert_eq!(bound.retires_at, None);

    // Never the secret again.
    let got = app.api.expect(200, "GET", &format!("/admin/integrations/{id}"), &t.admin, None).await.unwrap();
    let listed = app.api.expect(200, "GET", "/admin/integrations", &t.admin, None).await.unwrap();
    for answer in [&got, &listed] {
        let text = answer.to_string();
        assert!(!text.contains(credentials["client_secret"].as_str().unwrap()), "{text}");
        assert!(!text.contains("client_secret"), "{text}");
    }
    assert_eq!(portico_tests::ids(&listed), vec![id.clone()]);

    // Audited with the admin as the actor.
    let audit = app.api.expect(200, "GET", "/admin/audit", &t.admin, None).await.unwrap().to_string();
    assert!(audit.contains("integration.created"), "{audit}");
    assert!(!audit.contains(credentials["client_secret"].as_str().unwrap()));

    // No scope, an unknown one or one no integration may hold: 400 naming the field.
    for scopes in [json!([]), json!(["records:delete"]), json!(["not_for_integrations"])] {
        let body = json!({"name": "Bad", "scopes": scopes});
        let answer = app.api.send("POST", "/admin/integrations", Some(&t.admin), Some(&body), &[]).await.unwrap();
        assert_eq!(answer.status, 400, "{scopes}: {}", answer.text);
        assert!(answer.text.contains("scopes"), "{}", answer.text);
    }
}

#[tokio::test]
async fn rotating_keeps_the_old_client_for_the_overlap_and_revoking_removes_every_client() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let t = app.tenant_by(&operator, "Acme").await;
    let body = json!({"name": "ERP", "scopes": ["work:write"]});
    let created = app.api.expect(201, "POST", "/admin/integrations", &t.admin, Some(&body)).await.unwrap();
    let id = portico_tests::id(&created);
    let first = created["credentials"]["client_id"].as_str().unwrap().to_owned();

    let path = format!("/admin/integrations/{id}/rotate");
    let answer = app.api.send("POST", &path, Some(&t.admin), Some(&json!({"overlap_hours": 169})), &[]).await.unwrap();
    assert_eq!(answer.status, 400, "{}", answer.text);
    let rotated = app.api.expect(200, "POST", &path, &t.admin, Some(&json!({"overlap_hours": 2}))).await.unwrap();
    let second = rotated["credentials"]["client_id"].as_str().unwrap().to_owned();
    assert_ne!(first, second);
    assert_ne!(rotated["credentials"]["client_secret"], created["credentials"]["client_secret"]);
    assert_eq!(client_ids(&rotated), vec![first.clone(), second.clone()]);
    let retires_at = rotated["clients"][0]["retires_at"].as_str().unwrap();
    assert!(rotated["clients"][1]["retires_at"].is_null());
    // Both app clients exist; the old one's binding says when it retires.
    assert!(app_client(&app, &first).await.is_some() && app_client(&app, &second).await.is_some());
    let old = binding(&app, &first).await.unwrap();
    assert_eq!(old.retires_at.map(|r| portico::domain::tenant::rfc3339(r)).as_deref(), Some(retires_at));

    // A rotation with no overlap: the second retires at once, the first stays until its
    // own end (it has not passed).
    let third = app.api.expect(200, "POST", &path, &t.admin, Some(&json!({"overlap_hours": 0}))).await.unwrap();
    assert_eq!(client_ids(&third).len(), 3);

    // Narrowing the scopes reaches every binding at once, and the app clients.
    let patch = json!({"scopes": ["work:read"]});
    let version = third["version"].as_u64().unwrap();
    let patched = app
        .api
        .send(
            "PATCH",
            &format!("/admin/integrations/{id}"),
            Some(&t.admin),
            Some(&patch),
            &[("if-match", &format!("\"{version}\""))],
        )
        .await
        .unwrap();
    assert_eq!(patched.status, 200, "{}", patched.text);
    for client in client_ids(&third) {
        assert_eq!(binding(&app, &client).await.unwrap().scopes, vec![portico::domain::principal::ApiScope::WorkRead]);
        let scopes = app_client(&app, &client).await.unwrap().allowed_o_auth_scopes().to_vec();
        assert_eq!(scopes, vec!["portico/work:read"]);
    }

    let revoked =
        app.api.expect(200, "POST", &format!("/admin/integrations/{id}/revoke"), &t.admin, None).await.unwrap();
    assert_eq!(revoked["status"], "revoked");
    assert!(client_ids(&revoked).is_empty());
    for client in client_ids(&third) {
        assert!(binding(&app, &client).await.is_none(), "{client}: binding removed");
        assert!(app_client(&app, &client).await.is_none(), "{client}: app client deleted");
    }
    // Revoked is for good.
    let answer = app.api.send("POST", &path, Some(&t.admin), None, &[]).await.unwrap();
    assert_eq!(answer.status, 409, "{}", answer.text);
    let audit = app.api.expect(200, "GET", "/admin/audit", &t.admin, None).await.unwrap().to_string();
    for action in ["integration.rotated", "integration.updated", "integration.revoked"] {
        assert!(audit.contains(action), "{action}");
    }

    // Another tenant's admin sees none of it.
    let other = app.tenant_by(&operator, "Other").await;
    let answer =
        app.api.send("GET", &format!("/admin/integrations/{id}"), Some(&other.admin), None, &[]).await.unwrap();
    assert_eq!(answer.status, 404);
}
