//! The scope matrix: every admin route, called with an integration's token, answers as
//! the route table's scope column says — built from the table and the `events/api`
//! fixtures, like the authorization matrix (`matrix.rs`), so a new route is covered
//! without touching this file.
//!
//! - a token lacking the route's scope: 403 (problem+json naming the scope);
//! - a token holding it: the operation succeeds, as for the tenant's own admin;
//! - a route no integration may call (`NotForIntegrations`): 403 for every integration;
//! - any portal or platform route: 401 (their JWT authorizer takes ID tokens only).

use portico::domain::principal::ApiScope;
use portico_functions::{Audience, ROUTES};
use serde_json::Value;

use super::fixtures::{self, World};
use portico_tests::spawn_app;

fn route_of(method: &str, path: &str) -> &'static portico_functions::Route {
    ROUTES.iter().find(|r| r.method == method && r.path == path).expect("a route of the table")
}

#[tokio::test]
async fn an_integration_token_opens_exactly_the_routes_its_scopes_name() {
    let app = spawn_app().await;
    let t = app.tenant("Home").await;
    let world = World::build(&app, &t).await;
    let all: Vec<&str> = ApiScope::GRANTABLE.iter().filter_map(|s| s.name()).collect();
    // For each scope, an integration holding every other one.
    let mut lacking = Vec::new();
    for scope in ApiScope::GRANTABLE {
        let others: Vec<&str> = all.iter().copied().filter(|n| Some(*n) != scope.name()).collect();
        let integration = app.integration(&t.admin, &format!("Without {scope:?}"), &others).await;
        lacking.push((scope, app.integration_token(&integration).await));
    }
    let everything = app.integration(&t.admin, "Everything", &all).await;
    let holding = app.integration_token(&everything).await;

    let calls: Vec<(String, String, String, String, Option<Value>)> = fixtures::files()
        .into_iter()
        .map(|file| {
            let event: Value = serde_json::from_str(&world.apply(&std::fs::read_to_string(&file).unwrap())).unwrap();
            let (method, route) = event["routeKey"].as_str().unwrap().split_once(' ').unwrap();
            let query = event["rawQueryString"].as_str().unwrap_or("");
            let raw = event["rawPath"].as_str().unwrap();
            let path = if query.is_empty() { raw.to_owned() } else { format!("{raw}?{query}") };
            let body = event["body"].as_str().and_then(|b| serde_json::from_str(b).ok());
            (fixtures::name(&file), method.to_owned(), route.to_owned(), path, body)
        })
        .collect();

    // First every refusal (nothing changes), then the calls that succeed, in fixture
    // order (deletions last). A token holding a route's scope is never refused (the
    // second pass): it gets what the tenant's own admin gets.
    let mut refused = 0;
    for (name, method, route, path, body) in &calls {
        let r = route_of(method, route);
        // Only the token lacking the route's scope (any, for a route no integration may
        // call): the others hold it, and would change the world.
        for (scope, token) in
            lacking.iter().filter(|(s, _)| r.scope == ApiScope::NotForIntegrations || r.scope == *s).take(1)
        {
            let answer = app.api.send(method, path, Some(token), body.as_ref(), &[]).await.unwrap();
            let at = format!("without {scope:?}: {method} {path} ({name}): {} {}", answer.status, answer.text);
            match r.audience() {
                Audience::Public => continue,
                Audience::Portal | Audience::Platform => assert_eq!(answer.status, 401, "{at}"),
                Audience::Admin => {
                    assert_eq!(answer.status, 403, "{at}");
                    assert_eq!(answer.header("content-type"), Some("application/problem+json"), "{at}");
                    if let Some(needed) = r.scope.name() {
                        assert!(answer.text.contains(needed), "{at}: names the scope");
                    }
                    refused += 1;
                }
            }
        }
    }
    let mut opened = 0;
    for (name, method, route, path, body) in &calls {
        let r = route_of(method, route);
        if r.audience() != Audience::Admin {
            continue;
        }
        let answer = app.api.send(method, path, Some(&holding), body.as_ref(), &[]).await.unwrap();
        let at = format!("{method} {path} ({name}): {} {}", answer.status, answer.text);
        if r.scope == ApiScope::NotForIntegrations {
            assert_eq!(answer.status, 403, "{at}");
        } else {
            assert_eq!(answer.status, fixtures::success(name), "{at}");
            opened += 1;
        }
    }
    let scoped = ROUTES.iter().filter(|r| r.audience() == Audience::Admin && r.scope != ApiScope::NotForIntegrations);
    assert_eq!(opened, scoped.count(), "every scoped admin route was opened");
    println!("scope matrix: {refused} refusals, {opened} routes opened");
}

#[test]
fn each_admin_operation_documents_the_scope_an_integration_needs() {
    let doc = portico_functions::openapi::api().unwrap();
    let scheme = &doc["components"]["securitySchemes"]["integration"];
    assert_eq!(scheme["type"], "oauth2");
    let flow = &scheme["flows"]["clientCredentials"];
    let documented: Vec<&String> = flow["scopes"].as_object().unwrap().keys().collect();
    let grantable: Vec<String> = ApiScope::GRANTABLE.iter().filter_map(|s| s.oauth()).collect();
    assert_eq!(documented.len(), grantable.len());
    assert!(grantable.iter().all(|s| flow["scopes"].get(s).is_some()), "{flow}");
    for route in ROUTES {
        let op = &doc["paths"][route.path][route.method.to_ascii_lowercase()];
        let security = op["security"].clone();
        let expected = match (route.audience(), route.scope.oauth()) {
            (Audience::Public, _) => Value::Null,
            (Audience::Admin, Some(scope)) => serde_json::json!([{"cognito": []}, {"integration": [scope]}]),
            _ => serde_json::json!([{"cognito": []}]),
        };
        assert_eq!(security, expected, "{}", route.key());
    }
}
