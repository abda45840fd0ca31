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
    assert_eq!(old.retires_at.map(portico::domain::tenant::rfc3339).as_deref(), Some(retires_at));

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

/// The token endpoint's answer to a form, with or without HTTP Basic client auth.
async fn token_request(
    app: &portico_tests::TestApp,
    basic: Option<(&str, &str)>,
    form: &[(&str, &str)],
) -> (u16, Value) {
    let mut request = reqwest::Client::new().post(&app.app.config.token_url).form(form);
    if let Some((id, secret)) = basic {
        request = request.basic_auth(id, Some(secret));
    }
    let answer = request.send().await.unwrap();
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_local_token_endpoint_issues_client_credentials_tokens_as_cognito_does() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    let body = json!({"name": "ERP", "scopes": ["records:write", "work:read"]});
    let created = app.api.expect(201, "POST", "/admin/integrations", &t.admin, Some(&body)).await.unwrap();
    let id = created["credentials"]["client_id"].as_str().unwrap();
    let secret = created["credentials"]["client_secret"].as_str().unwrap();
    let grant = [("grant_type", "client_credentials")];

    // By HTTP Basic, all its scopes; by form fields, the one asked for.
    let (status, answer) = token_request(&app, Some((id, secret)), &grant).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["token_type"], "Bearer");
    assert_eq!(answer["expires_in"], 3600);
    let claims = portico_tests::claims(answer["access_token"].as_str().unwrap());
    assert_eq!(claims["sub"], id);
    assert_eq!(claims["client_id"], id);
    assert_eq!(claims["token_use"], "access");
    let mut scopes: Vec<&str> = claims["scope"].as_str().unwrap().split(' ').collect();
    scopes.sort_unstable();
    assert_eq!(scopes, vec!["portico/records:write", "portico/work:read"]);
    assert_eq!(claims["iss"], app.prov.issuer());
    assert_eq!(claims["version"], 2);
    assert!(claims.get("username").is_none() && claims.get("aud").is_none(), "{claims}");
    for claim in ["exp", "iat", "auth_time", "jti"] {
        assert!(claims.get(claim).is_some(), "{claim}");
    }
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", id),
        ("client_secret", secret),
        ("scope", "portico/work:read"),
    ];
    let (status, answer) = token_request(&app, None, &form).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(portico_tests::claims(answer["access_token"].as_str().unwrap())["scope"], "portico/work:read");
    let token = portico_local::signin::client_credentials_token(&app.app.config.token_url, id, secret, None).await;
    assert!(token.is_ok());

    // Refusals: an unknown client, a wrong secret (401 invalid_client); a scope not
    // granted (invalid_scope); another grant (unsupported_grant_type).
    let (status, answer) = token_request(&app, Some(("nobody", secret)), &grant).await;
    assert_eq!((status, answer["error"].as_str()), (401, Some("invalid_client")));
    let (status, answer) = token_request(&app, Some((id, "wrong")), &grant).await;
    assert_eq!((status, answer["error"].as_str()), (401, Some("invalid_client")));
    let form = [("grant_type", "client_credentials"), ("client_id", id), ("client_secret", "wrong")];
    assert_eq!(token_request(&app, None, &form).await.0, 401);
    let form = [("grant_type", "client_credentials"), ("scope", "portico/records:read")];
    let (status, answer) = token_request(&app, Some((id, secret)), &form).await;
    assert_eq!((status, answer["error"].as_str()), (400, Some("invalid_scope")));
    let form = [("grant_type", "password"), ("username", "u"), ("password", "p")];
    let (status, answer) = token_request(&app, Some((id, secret)), &form).await;
    assert_eq!((status, answer["error"].as_str()), (400, Some("unsupported_grant_type")));

    // A client with a secret but without the client-credentials flow: unauthorized_client.
    let other = app
        .cognito()
        .create_user_pool_client()
        .user_pool_id(&app.prov.user_pool_id)
        .client_name("no-grant")
        .generate_secret(true)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let (other_id, other_secret) = (other.client_id.unwrap(), other.client_secret.unwrap());
    let (status, answer) = token_request(&app, Some((&other_id, &other_secret)), &grant).await;
    assert_eq!((status, answer["error"].as_str()), (400, Some("unauthorized_client")));
    // The web app's client has no secret: it cannot use the grant at all.
    let (status, _) = token_request(&app, Some((&app.prov.user_pool_client_id, "")), &grant).await;
    assert_eq!(status, 401);

    // As in AWS, an app client's scopes must be a resource server's, and a
    // client-credentials client needs a secret.
    let refused = app
        .cognito()
        .create_user_pool_client()
        .user_pool_id(&app.prov.user_pool_id)
        .client_name("bad-scope")
        .generate_secret(true)
        .allowed_o_auth_flows(aws_sdk_cognitoidentityprovider::types::OAuthFlowType::ClientCredentials)
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_scopes("portico/records:delete")
        .send()
        .await;
    assert!(refused.is_err_and(|e| format!("{e:?}").contains("ScopeDoesNotExist")));
    let refused = app
        .cognito()
        .create_user_pool_client()
        .user_pool_id(&app.prov.user_pool_id)
        .client_name("no-secret")
        .allowed_o_auth_flows(aws_sdk_cognitoidentityprovider::types::OAuthFlowType::ClientCredentials)
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_scopes("portico/records:read")
        .send()
        .await;
    assert!(refused.is_err_and(|e| format!("{e:?}").contains("InvalidOAuthFlow")));
}

/// Moves a client's `retires_at` to the past through the store (its binding with it), as
/// time passing would: no sleeping.
async fn retire_now(app: &portico_tests::TestApp, client_id: &str) {
    use portico::domain::integration::Integration;
    let bound = binding(app, client_id).await.expect("a binding");
    let key = keys::integration_key(bound.tenant, bound.integration_id);
    let before = app.app.store.get::<Integration>(key).await.unwrap().unwrap();
    let mut after = before.clone();
    let past = portico::domain::tenant::now().saturating_add(time_ago());
    for c in after.clients.iter_mut().filter(|c| c.client_id == client_id) {
        c.retires_at = Some(past);
    }
    after.version += 1;
    let actor = portico::store::Actor("test:clock".into());
    app.app.store.update(bound.tenant, actor, &before, &after, before.version, "test.retired").await.unwrap();
}

fn time_ago() -> portico::domain::clock::Duration {
    portico::domain::clock::Duration::seconds(-1)
}

#[tokio::test]
async fn an_integration_acts_in_its_scopes_as_integration_name_and_loses_them_at_once() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let erp = app.integration(&t.admin, "Acme ERP", &["access:read", "access:write"]).await;
    let token = app.integration_token(&erp).await;

    // It acts, without a second factor, and the audit trail names it.
    let body = json!({"name": "Harbor"});
    let created = app.api.expect(201, "POST", "/admin/customers", &token, Some(&body)).await.unwrap();
    let customer = portico_tests::id(&created);
    let audit = app.api.expect(200, "GET", "/admin/audit", &t.admin, None).await.unwrap();
    let event = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["entity_id"] == customer.as_str())
        .expect("the customer's event")
        .clone();
    assert_eq!(
        (&event["actor"], &event["actor_name"]),
        (&json!("integration:Acme ERP"), &json!("Acme ERP")),
        "{event}"
    );
    // An Idempotency-Key of an integration works as anyone's.
    let key = [("idempotency-key", "load-1")];
    let first =
        app.api.send("POST", "/admin/customers", Some(&token), Some(&json!({"name": "Dock"})), &key).await.unwrap();
    let again =
        app.api.send("POST", "/admin/customers", Some(&token), Some(&json!({"name": "Dock"})), &key).await.unwrap();
    assert_eq!((first.status, again.status), (201, 201));
    assert_eq!(portico_tests::id(&first.body), portico_tests::id(&again.body));

    // Outside its scopes: 403 naming the scope; what only a person may do: 403.
    let answer = app.api.send("GET", "/admin/jobs", Some(&token), None, &[]).await.unwrap();
    assert_eq!(answer.status, 403, "{}", answer.text);
    assert!(answer.text.contains("work:read"), "{}", answer.text);
    for (method, path) in [("GET", "/admin/staff"), ("GET", "/admin/integrations"), ("POST", "/admin/integrations")] {
        let body = json!({"name": "Self", "scopes": ["audit:read"]});
        let answer = app.api.send(method, path, Some(&token), Some(&body), &[]).await.unwrap();
        assert_eq!(answer.status, 403, "{method} {path}: {}", answer.text);
    }
    // Never a portal route: the JWT authorizer takes ID tokens only.
    assert_eq!(app.api.send("GET", "/portal/me", Some(&token), None, &[]).await.unwrap().status, 401);

    // A narrowed scope acts on the very token already out.
    let path = format!("/admin/integrations/{}", erp.id);
    app.api.expect(200, "PATCH", &path, &t.admin, Some(&json!({"scopes": ["access:read"]}))).await.unwrap();
    let answer =
        app.api.send("POST", "/admin/customers", Some(&token), Some(&json!({"name": "Quay"})), &[]).await.unwrap();
    assert_eq!(answer.status, 403, "{}", answer.text);
    assert!(answer.text.contains("access:write"), "{}", answer.text);
    app.api.expect(200, "GET", "/admin/customers", &token, None).await.unwrap();
    // Widened again: the token still lacks what it was not issued with; a new one has it.
    app.api
        .expect(200, "PATCH", &path, &t.admin, Some(&json!({"scopes": ["access:read", "access:write", "audit:read"]})))
        .await
        .unwrap();
    assert_eq!(app.api.send("GET", "/admin/audit", Some(&token), None, &[]).await.unwrap().status, 403);
    let wider = app.integration_token(&erp).await;
    let trail = app.api.expect(200, "GET", "/admin/audit", &wider, None).await.unwrap();
    // Staff are not named to an integration (their accounts are not its to read); it
    // is named to itself.
    let items = trail["items"].as_array().unwrap();
    let by = |kind: &str| items.iter().find(|e| e["actor_type"] == kind).unwrap_or_else(|| panic!("{kind}: {trail:#}"));
    assert!(by("admin").get("actor_name").is_none(), "{trail:#}");
    assert_eq!(by("integration")["actor_name"], "Acme ERP");

    // Revoked: the token issued before is refused on its next request.
    app.api.expect(200, "POST", &format!("{path}/revoke"), &t.admin, None).await.unwrap();
    for token in [&token, &wider] {
        let answer = app.api.send("GET", "/admin/customers", Some(token), None, &[]).await.unwrap();
        assert_eq!(answer.status, 401, "{}", answer.text);
    }
    // And no new one is issued: its app client is gone.
    let refused = portico_local::signin::client_credentials_token(
        &app.app.config.token_url,
        &erp.client_id,
        &erp.client_secret,
        None,
    )
    .await;
    assert!(refused.is_err());
}

#[tokio::test]
async fn the_old_secret_works_during_the_overlap_and_is_refused_after_it() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    let erp = app.integration(&t.admin, "ERP", &["access:read"]).await;
    let old_token = app.integration_token(&erp).await;
    let rotated = app
        .api
        .expect(
            200,
            "POST",
            &format!("/admin/integrations/{}/rotate", erp.id),
            &t.admin,
            Some(&json!({"overlap_hours": 24})),
        )
        .await
        .unwrap();
    let new = portico_tests::TestIntegration {
        id: erp.id.clone(),
        client_id: rotated["credentials"]["client_id"].as_str().unwrap().to_owned(),
        client_secret: rotated["credentials"]["client_secret"].as_str().unwrap().to_owned(),
    };
    let new_token = app.integration_token(&new).await;
    // During the overlap both secrets issue tokens, and both tokens act.
    let fresh_old = app.integration_token(&erp).await;
    for token in [&old_token, &fresh_old, &new_token] {
        app.api.expect(200, "GET", "/admin/customers", token, None).await.unwrap();
    }
    // The overlap ends: the old client's tokens are refused, the new one's act.
    retire_now(&app, &erp.client_id).await;
    for token in [&old_token, &fresh_old] {
        let answer = app.api.send("GET", "/admin/customers", Some(token), None, &[]).await.unwrap();
        assert_eq!(answer.status, 401, "{}", answer.text);
    }
    app.api.expect(200, "GET", "/admin/customers", &new_token, None).await.unwrap();
    // The next rotation deletes the retired app client.
    app.api.expect(200, "POST", &format!("/admin/integrations/{}/rotate", erp.id), &t.admin, None).await.unwrap();
    assert!(app_client(&app, &erp.client_id).await.is_none());
    assert!(binding(&app, &erp.client_id).await.is_none());
}

#[tokio::test]
async fn tokens_of_no_integration_are_refused() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    // A genuine client-credentials token of an app client no integration binds (made in
    // the pool by other means): 401.
    let stray = app
        .cognito()
        .create_user_pool_client()
        .user_pool_id(&app.prov.user_pool_id)
        .client_name("stray")
        .generate_secret(true)
        .allowed_o_auth_flows(aws_sdk_cognitoidentityprovider::types::OAuthFlowType::ClientCredentials)
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_scopes("portico/access:read")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let stray = portico_tests::TestIntegration {
        id: String::new(),
        client_id: stray.client_id.unwrap(),
        client_secret: stray.client_secret.unwrap(),
    };
    let token = app.integration_token(&stray).await;
    let answer = app.api.send("GET", "/admin/customers", Some(&token), None, &[]).await.unwrap();
    assert_eq!(answer.status, 401, "{}", answer.text);

    // A forged one (an integration's token with another client id, re-signed by no one):
    // the signature fails.
    let erp = app.integration(&t.admin, "ERP", &["access:read"]).await;
    let genuine = app.integration_token(&erp).await;
    let parts: Vec<&str> = genuine.split('.').collect();
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut claims: Value = serde_json::from_slice(&b64.decode(parts[1]).unwrap()).unwrap();
    claims["client_id"] = json!(stray.client_id);
    claims["sub"] = json!(stray.client_id);
    let forged = format!("{}.{}.{}", parts[0], b64.encode(claims.to_string()), parts[2]);
    assert_eq!(app.api.send("GET", "/admin/customers", Some(&forged), None, &[]).await.unwrap().status, 401);

    // Expired: the authorizer refuses it.
    let verifier = portico_local::gateway::fetch_verifier(
        &app.aws.endpoint,
        &app.prov.user_pool_id,
        &app.prov.issuer(),
        &app.prov.user_pool_client_id,
    )
    .await
    .unwrap();
    use portico_local::gateway::{Accept, Refusal};
    let exp = portico_tests::claims(&genuine)["exp"].as_u64().unwrap();
    assert!(verifier.verify_at(&genuine, exp - 1, Accept::IdOrClientTokens).is_ok());
    assert_eq!(verifier.verify_at(&genuine, exp, Accept::IdOrClientTokens), Err(Refusal::Expired));
    // Only the admin routes take it at all.
    assert_eq!(verifier.verify(&genuine, Accept::IdTokens), Err(Refusal::NotAnIdToken));
}
