//! The gateway authorizes like API Gateway's JWT authorizer; handlers check groups.

use portico_functions::ROUTES;
use portico_local::gateway::{fetch_verifier, Accept, Refusal, Verifier};
use portico_tests::{spawn_app, TestApp};
use serde_json::json;

/// A concrete path for a route template.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|seg| match seg {
            "{customer_id}" => "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D",
            "{site_id}" => "site_01JD8Z6V5Q2W3E4R5T6Y7A8B9F",
            "{member_id}" => "mem_01JD8Z6V5Q2W3E4R5T6Y7A8B9H",
            s if s.starts_with('{') => "x",
            s => s,
        })
        .collect::<Vec<_>>()
        .join("/")
}

async fn verifier(app: &TestApp, issuer: &str, client: &str) -> Verifier {
    fetch_verifier(&app.aws.endpoint, &app.prov.user_pool_id, issuer, client).await.unwrap()
}

#[tokio::test]
async fn every_route_answers_401_without_a_valid_token() {
    let app = spawn_app().await;
    for route in ROUTES {
        let path = concrete(route.path);
        for token in [None, Some("not-a-jwt"), Some("eyJhbGciOiJSUzI1NiIsImtpZCI6ImR1bW15In0.e30.c2ln")] {
            let a = app.api.send(route.method, &path, token, Some(&json!({})), &[]).await.unwrap();
            // The public routes (the links in emails) take no token: without their own
            // signed one, they refuse the request as malformed instead.
            let expected = if route.is_public() { 400 } else { 401 };
            assert_eq!(a.status, expected, "{} {path} with {token:?}: {}", route.method, a.text);
        }
    }
}

#[tokio::test]
async fn only_unexpired_id_tokens_of_this_pool_and_client_are_accepted() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    let issuer = app.prov.issuer();
    let client = app.prov.user_pool_client_id.clone();
    let v = verifier(&app, &issuer, &client).await;

    let claims = v.verify(&t.admin, Accept::IdTokens).expect("a fresh ID token is accepted");
    let exp = claims["exp"].as_u64().unwrap();
    assert_eq!(v.verify_at(&t.admin, exp, Accept::IdTokens), Err(Refusal::Expired));
    assert_eq!(v.verify_at(&t.admin, exp + 3600, Accept::IdTokens), Err(Refusal::Expired));

    let wrong_issuer = verifier(&app, "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other", &client).await;
    assert_eq!(wrong_issuer.verify(&t.admin, Accept::IdTokens), Err(Refusal::BadSignatureOrClaims));
    let wrong_client = verifier(&app, &issuer, "another-client").await;
    assert_eq!(wrong_client.verify(&t.admin, Accept::IdTokens), Err(Refusal::BadSignatureOrClaims));

    let mut parts: Vec<String> = t.admin.split('.').map(str::to_owned).collect();
    let sig = parts[2].clone();
    parts[2] = format!("{}{}", if sig.starts_with('A') { "B" } else { "A" }, &sig[1..]);
    assert_eq!(v.verify(&parts.join("."), Accept::IdTokens), Err(Refusal::BadSignatureOrClaims));

    // Access tokens carry neither the audience nor the custom claims the API needs.
    let login = &t.admin_login;
    let (username, password, secret) = (&login.username, &login.password, login.totp_secret.as_deref());
    let auth = portico_local::signin::tokens(&app.cognito(), &client, username, password, password, secret).await;
    let access = auth.unwrap().access;
    // Nor does a person's access token count as an integration's (it names its user).
    assert!(v.verify(&access, Accept::IdTokens).is_err());
    assert!(v.verify(&access, Accept::IdOrClientTokens).is_err());
    assert_eq!(app.api.get("/admin/settings", &access).await.unwrap().status, 401);
}

#[tokio::test]
async fn each_group_is_refused_the_other_groups_routes() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let t = app.tenant_by(&operator, "Acme").await;
    app.complete_setup(&t.admin).await;
    let c = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let email = app.email("m");
    let m = app.member(&t.admin, json!({"customer_id": c, "first_name": "M", "last_name": "M", "email": email})).await;
    let member = app.invited_member(&t.admin, &m, &email).await;

    let forbidden = [
        (&operator, "GET", "/admin/settings"),
        (&operator, "GET", "/portal/me"),
        (&t.admin, "GET", "/portal/sites"),
        (&t.admin, "POST", "/platform/tenants"),
        (&member, "GET", "/admin/customers"),
        (&member, "POST", "/platform/tenants"),
    ];
    for (token, method, path) in forbidden {
        let a = app.api.send(method, path, Some(token), Some(&json!({})), &[]).await.unwrap();
        assert_eq!(a.status, 403, "{method} {path}");
        assert_eq!(a.header("content-type"), Some("application/problem+json"));
    }
}
