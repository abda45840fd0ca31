//! One route set, everywhere: the handler table, the OpenAPI document, the template the
//! local gateway serves, and the `events/` fixtures all list the same (method, path)s.

use std::collections::BTreeSet;
use std::path::PathBuf;

use portico_functions::ROUTES;
use portico_local::gateway::template_routes;
use portico_local::workspace_root;
use utoipa::OpenApi;

type RouteSet = BTreeSet<(String, String)>;

fn handler_routes() -> RouteSet {
    ROUTES.iter().map(|r| (r.method.to_owned(), r.path.to_owned())).collect()
}

fn openapi_routes() -> RouteSet {
    let doc = serde_json::to_value(portico_functions::openapi::ApiDoc::openapi()).unwrap();
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
fn the_openapi_document_is_current() {
    let generated = portico_functions::openapi::document().unwrap() + "\n";
    let path = workspace_root().join("docs/openapi.json");
    if std::env::var_os("PORTICO_WRITE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == generated, "docs/openapi.json is stale: run `make openapi`");
}
