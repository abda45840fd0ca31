//! The files generated from the route table (`portico_functions::ROUTES`) and the
//! handlers' annotations: `docs/openapi.json`, each area's stack `infra/stacks/<area>.yaml`,
//! and one API Gateway event per route in `events/api/<Operation>.json`.
//!
//! `make generate` (`portico-local generate`) writes them; a test fails while any committed
//! copy differs from what would be generated, so they never drift from the table.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use portico_functions::{Area, Audience, Route, ROUTES};
use serde_json::{json, Map, Value};

use crate::template::{area_stack, stack_file};

/// The tenant the fixtures are signed in to.
pub const TENANT: &str = "ten_01JD8Z6V5Q2W3E4R5T6Y7A8B9C";
/// The admin the admin fixtures are signed in as: their staff record, and their login.
pub const ADMIN_STAFF: &str = "stf_01JD8Z6V5Q2W3E4R5T6Y7A8B9S";
pub const ADMIN_SUB: &str = "00000000-0000-4000-8000-0000000000a2";
/// The member the portal fixtures are signed in as, and their login.
pub const MEMBER: &str = "mem_01JD8Z6V5Q2W3E4R5T6Y7A8B9H";
pub const MEMBER_SUB: &str = "00000000-0000-4000-8000-0000000000a3";
/// The platform operator's login.
pub const OPERATOR_SUB: &str = "00000000-0000-4000-8000-0000000000a1";

/// The folder of the API fixtures, relative to the workspace root.
pub const EVENTS: &str = "events/api";

/// Every generated file: its path relative to the workspace root, and its content.
pub fn files() -> anyhow::Result<Vec<(PathBuf, String)>> {
    let doc = portico_functions::openapi::api()?;
    let mut files = vec![(PathBuf::from("docs/openapi.json"), serde_json::to_string_pretty(&doc)? + "\n")];
    for area in Area::ALL {
        files.push((Path::new("infra").join(stack_file(area)), area_stack(area)?));
    }
    for route in ROUTES {
        let event = fixture(route, &doc)?;
        files.push((fixture_file(route), serde_json::to_string_pretty(&event)? + "\n"));
    }
    Ok(files)
}

/// The fixture of a route, relative to the workspace root.
pub fn fixture_file(route: &Route) -> PathBuf {
    Path::new(EVENTS).join(format!("{}.json", route.operation))
}

/// Writes every generated file under `root`, and removes fixtures of routes that are gone.
pub fn write(root: &Path) -> anyhow::Result<()> {
    let files = files()?;
    for entry in std::fs::read_dir(root.join(EVENTS))? {
        let path = entry?.path();
        let relative = path.strip_prefix(root)?;
        if !files.iter().any(|(p, _)| p == relative) {
            std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
            println!("removed {}", relative.display());
        }
    }
    for (path, content) in files {
        let full = root.join(&path);
        if std::fs::read_to_string(&full).ok().as_deref() != Some(content.as_str()) {
            std::fs::create_dir_all(full.parent().context("a generated file's folder")?)?;
            std::fs::write(&full, content).with_context(|| format!("writing {}", full.display()))?;
            println!("wrote {}", path.display());
        }
    }
    Ok(())
}

/// The API Gateway (HTTP API, payload 2.0) event of one call of `route`, as its caller
/// would send it: the path, query, `Idempotency-Key` and body are the examples its
/// handler's annotation documents (`example = …`); the caller is the fixture login of the
/// route's audience.
pub fn fixture(route: &Route, doc: &Value) -> anyhow::Result<Value> {
    let key = route.key();
    let operation = doc["paths"][route.path][route.method.to_ascii_lowercase()].as_object().context(key.clone())?;
    let parameters = operation.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default();
    let example = |p: &Value| p.get("example").map(|e| e.as_str().map_or_else(|| e.to_string(), str::to_owned));
    let mut raw_path = route.path.to_owned();
    let mut path_parameters = Map::new();
    let mut query = form_urlencoded::Serializer::new(String::new());
    let mut query_parameters = Map::new();
    let mut headers = Map::new();
    headers.insert("accept".into(), json!("application/json"));
    if route.audience() != Audience::Public {
        headers.insert("authorization".into(), json!("Bearer <id token>"));
    }
    headers.insert("content-type".into(), json!("application/json"));
    headers.insert("host".into(), json!("api.portico.example"));
    headers.insert("user-agent".into(), json!("curl/8.5.0"));
    for p in &parameters {
        let name = p["name"].as_str().unwrap_or_default();
        match (p["in"].as_str(), example(p)) {
            (Some("path"), Some(value)) => {
                raw_path = raw_path.replace(&format!("{{{name}}}"), &value);
                path_parameters.insert(name.to_owned(), json!(value));
            }
            (Some("path"), None) => bail!("{key}: the path parameter {name} has no example"),
            (Some("query"), Some(value)) => {
                query.append_pair(name, &value);
                query_parameters.insert(name.to_owned(), json!(value));
            }
            (Some("header"), Some(value)) => {
                headers.insert(name.to_ascii_lowercase(), json!(value));
            }
            _ => {}
        }
    }
    let raw_query = query.finish();
    let body = operation
        .get("requestBody")
        .and_then(|b| b.pointer("/content/application~1json/example"))
        .map(serde_json::to_string)
        .transpose()?;
    let mut context = json!({
        "accountId": "123456789012",
        "apiId": "example",
        "domainName": "api.portico.example",
        "domainPrefix": "api",
        "http": {
            "method": route.method,
            "path": raw_path,
            "protocol": "HTTP/1.1",
            "sourceIp": "192.0.2.10",
            "userAgent": "curl/8.5.0"
        },
        "requestId": format!("fixture-{}", route.operation),
        "routeKey": key,
        "stage": "$default",
        "time": "22/Nov/2026:12:00:00 +0000",
        "timeEpoch": 1795262400000u64
    });
    if let Some(claims) = claims(route.audience()) {
        context["authorizer"] = json!({"jwt": {"claims": claims, "scopes": null}});
    }
    let mut event = json!({
        "version": "2.0",
        "routeKey": key,
        "rawPath": raw_path,
        "rawQueryString": raw_query,
        "headers": headers,
        "requestContext": context,
        "isBase64Encoded": false,
    });
    if !path_parameters.is_empty() {
        event["pathParameters"] = Value::Object(path_parameters);
    }
    if !query_parameters.is_empty() {
        event["queryStringParameters"] = Value::Object(query_parameters);
    }
    if let Some(body) = body {
        event["body"] = json!(body);
    }
    Ok(event)
}

/// The verified claims API Gateway's JWT authorizer passes on for the fixture login of an
/// audience (none for a public route).
fn claims(audience: Audience) -> Option<Value> {
    let mut claims = json!({
        "iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_example",
        "aud": "exampleclientid0000000000",
        "token_use": "id",
        "exp": "4102444800",
        "iat": "1767225600",
    });
    let own = match audience {
        Audience::Public => return None,
        Audience::Platform => json!({
            "sub": OPERATOR_SUB,
            "cognito:groups": "[platform-operator]",
            "portico:mfa": "totp",
            "email": "operator@portico.test"
        }),
        Audience::Admin => json!({
            "sub": ADMIN_SUB,
            "cognito:groups": "[tenant-admin]",
            "custom:tenant_id": TENANT,
            "custom:staff_id": ADMIN_STAFF,
            "portico:mfa": "totp",
            "email": "admin@acme.test"
        }),
        Audience::Portal => json!({
            "sub": MEMBER_SUB,
            "cognito:groups": "[portal-member]",
            "custom:tenant_id": TENANT,
            "custom:member_id": MEMBER,
            "email": "carla@harbor.test"
        }),
    };
    if let (Some(claims), Value::Object(own)) = (claims.as_object_mut(), own) {
        claims.extend(own);
    }
    Some(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_has_a_fixture_whose_path_is_filled_in() {
        let doc = portico_functions::openapi::api().unwrap();
        for route in ROUTES {
            let event = fixture(route, &doc).unwrap();
            let path = event["rawPath"].as_str().unwrap();
            assert!(!path.contains('{'), "{}: {path}", route.key());
            assert_eq!(event["routeKey"], route.key());
            let signed_in = event["requestContext"].get("authorizer").is_some();
            assert_eq!(signed_in, !route.is_public(), "{}", route.key());
        }
    }

    #[test]
    fn a_body_is_sent_where_the_route_documents_one() {
        let doc = portico_functions::openapi::api().unwrap();
        let create = ROUTES.iter().find(|r| r.operation == "CreateSite").unwrap();
        let event = fixture(create, &doc).unwrap();
        let body: Value = serde_json::from_str(event["body"].as_str().unwrap()).unwrap();
        assert!(body["name"].is_string());
        assert_eq!(event["pathParameters"]["customer_id"].as_str().map(|c| c.starts_with("cus_")), Some(true));
    }
}
