//! One route set, everywhere: the handler table, the OpenAPI document, the template the
//! local gateway serves, and the `events/` fixtures all list the same (method, path)s.

use std::collections::BTreeSet;
use std::path::PathBuf;

use portico_functions::ROUTES;
use portico_local::gateway::template_routes;
use portico_local::workspace_root;

type RouteSet = BTreeSet<(String, String)>;

fn handler_routes() -> RouteSet {
    ROUTES.iter().map(|r| (r.method.to_owned(), r.path.to_owned())).collect()
}

fn openapi_routes() -> RouteSet {
    let doc = portico_functions::openapi::api().unwrap();
    let mut set = RouteSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["get", "put", "post", "delete", "patch", "head", "options"] {
            if item.get(method).is_some() {
                set.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    set
}

fn events_dir() -> PathBuf {
    workspace_root().join("events/api")
}

#[test]
fn the_openapi_document_template_gateway_and_fixtures_list_the_same_routes() {
    let handlers = handler_routes();
    assert_eq!(handlers.len(), ROUTES.len(), "a route is listed twice in the handler table");
    assert_eq!(openapi_routes(), handlers, "OpenAPI document vs handler table");

    // The local gateway serves exactly the template's routes (it reads them from there).
    let template = template_routes(&workspace_root().join("infra/template.yaml")).unwrap();
    let template_set: RouteSet = template.iter().map(|r| (r.method.clone(), r.path.clone())).collect();
    assert_eq!(template_set.len(), template.len(), "a route is declared twice in the template");
    assert_eq!(template_set, handlers, "template vs handler table");
    for r in &template {
        let op = ROUTES.iter().find(|h| h.method == r.method && h.path == r.path).unwrap().operation;
        assert_eq!(r.function, format!("{op}Function"), "{} {} is served by the wrong function", r.method, r.path);
    }

    let mut fixtures = RouteSet::new();
    for entry in std::fs::read_dir(events_dir()).unwrap() {
        let path = entry.unwrap().path();
        let event: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let key = event["routeKey"].as_str().unwrap();
        let (method, route) = key.split_once(' ').unwrap();
        let op = ROUTES.iter().find(|h| h.method == method && h.path == route).map(|h| h.operation);
        assert_eq!(
            op.map(|o| format!("{o}.json")),
            path.file_name().map(|f| f.to_string_lossy().into_owned()),
            "fixture file name"
        );
        assert_eq!(event["requestContext"]["http"]["method"], method);
        assert!(fixtures.insert((method.to_owned(), route.to_owned())), "two fixtures for {key}");
    }
    assert_eq!(fixtures, handlers, "events/ vs handler table");
}

#[test]
fn the_generated_files_are_current() {
    let root = workspace_root();
    let files = portico_local::generate::files().unwrap();
    for (path, generated) in &files {
        let committed = std::fs::read_to_string(root.join(path)).unwrap_or_default();
        assert!(&committed == generated, "{} is stale: run `make generate`", path.display());
    }
    // No fixture of a route that is gone.
    for entry in std::fs::read_dir(events_dir()).unwrap() {
        let path = entry.unwrap().path();
        let relative = path.strip_prefix(&root).unwrap();
        assert!(files.iter().any(|(p, _)| p == relative), "{} is no route's: run `make generate`", relative.display());
    }
}

#[test]
fn every_area_stack_is_in_the_root_template() {
    use portico_functions::Area;
    use portico_local::template::{stack_file, templates, STACK_PARAMETERS};
    let infra = workspace_root().join("infra");
    // The root names each area's stack once, passing every parameter it declares.
    let all = templates(&infra.join("template.yaml")).unwrap();
    let nested: Vec<String> =
        all.iter().skip(1).map(|(p, _)| p.strip_prefix(&infra).unwrap().display().to_string()).collect();
    let expected: Vec<String> = Area::ALL.iter().map(|a| stack_file(*a)).collect();
    assert_eq!(nested, expected);
    let root = &all[0].1;
    for (name, resource) in root["Resources"].as_mapping().unwrap() {
        if resource["Type"].as_str() == Some("AWS::Serverless::Application") {
            let given: BTreeSet<&str> =
                resource["Properties"]["Parameters"].as_mapping().unwrap().keys().filter_map(|k| k.as_str()).collect();
            let declared: BTreeSet<&str> = STACK_PARAMETERS.iter().map(|(n, _)| *n).collect();
            assert_eq!(given, declared, "{name:?}");
        }
    }
}

#[test]
fn every_response_documents_the_headers_it_carries() {
    let doc = portico_functions::openapi::api().unwrap();
    let headers = &doc["components"]["headers"];
    assert_eq!(headers["Cache-Control"]["schema"]["enum"], serde_json::json!(["no-store"]));
    assert_eq!(headers["X-Content-Type-Options"]["schema"]["enum"], serde_json::json!(["nosniff"]));
    for (method, path, op) in operations() {
        let mut pages = 0;
        for (status, response) in op["responses"].as_object().unwrap() {
            let what = format!("{method} {path} {status}");
            for name in ["Cache-Control", "X-Content-Type-Options"] {
                assert_eq!(response["headers"][name]["$ref"], format!("#/components/headers/{name}"), "{what}");
            }
            let page = response["content"].get("text/html").is_some();
            pages += usize::from(page);
            for name in ["Content-Security-Policy", "X-Frame-Options", "Referrer-Policy"] {
                assert_eq!(response["headers"].get(name).is_some(), page, "{what} {name}");
            }
        }
        assert_eq!(pages > 0, path.starts_with("/mail/"), "{method} {path}: the pages are the links in emails");
        // A 429 is the web ACL's problem (with Retry-After) or API Gateway's own body.
        let too_many = &op["responses"]["429"];
        let shapes = &too_many["content"]["application/json"]["schema"]["oneOf"];
        assert_eq!(
            shapes,
            &serde_json::json!([{"$ref": "#/components/schemas/Problem"}, {"$ref": "#/components/schemas/GatewayMessage"}]),
            "{method} {path}"
        );
        assert_eq!(too_many["headers"]["Retry-After"]["$ref"], "#/components/headers/Retry-After", "{method} {path}");
    }
}

/// Every operation of the document, with its method and path.
fn operations() -> Vec<(String, String, serde_json::Value)> {
    let doc = portico_functions::openapi::api().unwrap();
    let mut all = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            all.push((method.to_uppercase(), path.clone(), op.clone()));
        }
    }
    all
}

#[test]
fn every_operation_has_its_own_meaningful_operation_id() {
    let mut seen = BTreeSet::new();
    for (method, path, op) in operations() {
        let id = op["operationId"].as_str().unwrap_or_default().to_owned();
        let route = ROUTES.iter().find(|r| r.method == method && r.path == path).unwrap();
        assert_eq!(id, route.operation, "{method} {path}");
        assert!(seen.insert(id.clone()), "operationId {id} appears twice");
    }
    assert_eq!(seen.len(), ROUTES.len());
}

#[test]
fn errors_are_documented_as_problems_and_the_gateways_own_answers_as_they_are() {
    let doc = portico_functions::openapi::api().unwrap();
    assert_eq!(doc["components"]["schemas"]["GatewayMessage"]["required"], serde_json::json!(["message"]));
    for (method, path, op) in operations() {
        let responses = op["responses"].as_object().unwrap();
        for (status, response) in responses {
            let content = response["content"].as_object();
            if status.as_str() >= "400" {
                let types: BTreeSet<&str> = content.map(|c| c.keys().map(String::as_str).collect()).unwrap_or_default();
                // API Gateway's own 401; a 429 from the web ACL (a problem, which WAF sends
                // as application/json) or API Gateway's throttling.
                let json_only = ["401", "429"].contains(&status.as_str());
                let expected: BTreeSet<&str> = match status.as_str() {
                    _ if json_only => ["application/json"].into(),
                    "404" | "413" => ["application/problem+json", "application/json"].into(),
                    _ => ["application/problem+json"].into(),
                };
                assert_eq!(types, expected, "{method} {path} {status}");
            }
        }
        // What every route can answer, whatever its annotation says; a public route (no
        // token) answers neither 401 nor 403, and takes no Idempotency-Key.
        let public = path.starts_with("/mail/") || path.starts_with("/webhooks/");
        let always: &[&str] = if public { &["429"] } else { &["401", "403", "429"] };
        for status in always {
            assert!(responses.contains_key(*status), "{method} {path} lacks {status}");
        }
        if public {
            // The processor's events may meet a payment not recorded yet (409: Stripe
            // sends the event again later); the email links meet no such state.
            let never: &[&str] =
                if path.starts_with("/webhooks/") { &["401", "403", "422"] } else { &["401", "403", "409", "422"] };
            for status in never {
                assert!(!responses.contains_key(*status), "{method} {path} cannot answer {status}");
            }
        }
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        if params.iter().any(|p| p["in"] == "path") {
            assert!(responses.contains_key("404"), "{method} {path} lacks 404");
        }
        if op.get("requestBody").is_some() {
            for status in ["400", "413", "415"] {
                assert!(responses.contains_key(status), "{method} {path} lacks {status}");
            }
        }
        if method == "POST" && !public {
            assert!(params.iter().any(|p| p["name"] == "Idempotency-Key"), "{method} {path} lacks Idempotency-Key");
            for status in ["409", "422"] {
                assert!(responses.contains_key(status), "{method} {path} lacks {status}");
            }
        }
        if params.iter().any(|p| p["name"] == "If-Match") {
            assert!(responses.contains_key("412"), "{method} {path} lacks 412");
        }
    }
}

/// The routes a markdown line names (`` `GET /admin/x` ``), as a set.
fn named_routes(line: &str) -> RouteSet {
    line.split('`')
        .skip(1)
        .step_by(2)
        .filter_map(|code| code.split_once(' '))
        .filter(|(method, path)| ["GET", "PUT", "POST", "PATCH", "DELETE"].contains(method) && path.starts_with('/'))
        .map(|(method, path)| (method.to_owned(), path.to_owned()))
        .collect()
}

/// docs/integration.md's table of scopes, and its list of what no integration may call,
/// say what the route table says.
#[test]
fn the_integration_guide_lists_each_scopes_routes_as_the_table_does() {
    use portico::domain::principal::ApiScope;
    let guide = std::fs::read_to_string(workspace_root().join("docs/integration.md")).unwrap();
    let admin = |scope: ApiScope| -> RouteSet {
        ROUTES
            .iter()
            .filter(|r| r.path.starts_with("/admin/") && r.scope == scope)
            .map(|r| (r.method.to_owned(), r.path.to_owned()))
            .collect()
    };
    for scope in ApiScope::GRANTABLE {
        let name = scope.name().unwrap();
        let row = guide
            .lines()
            .find(|l| l.starts_with(&format!("| `{name}` |")))
            .unwrap_or_else(|| panic!("docs/integration.md has no row for {name}"));
        assert_eq!(named_routes(row), admin(scope), "docs/integration.md's row for {name}");
    }
    let none =
        guide.lines().find(|l| l.starts_with("No integration may call")).expect("the list of what none may call");
    assert_eq!(
        named_routes(none),
        admin(ApiScope::NotForIntegrations),
        "docs/integration.md: what no integration may call"
    );
}
