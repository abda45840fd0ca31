//! The OpenAPI document: generated from the handlers' annotations, then completed from
//! the route table with what every route of its kind really does (see [`complete`]).
//! `docs/openapi.json` is this document; tests keep the two — and the template, the
//! local gateway and `events/` — in step, and the fuzzer in `make test` holds the API
//! to it.

use serde_json::{json, Map, Value};
use utoipa::openapi::path::{HttpMethod, Operation};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{Modify, OpenApi};

use crate::{Audience, Route, ROUTES};

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "cognito",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("A Cognito ID token of the deployment's user pool"))
                    .build(),
            ),
        );
        components.add_security_scheme("integration", integration_scheme());
    }
}

/// Where the example deployment's token endpoint is: each deployment's is on its user
/// pool's domain (`UserPoolDomain` in the template), which an integration's credentials
/// name (`token_url`).
pub const EXAMPLE_TOKEN_URL: &str = "https://portico-example.auth.eu-west-1.amazoncognito.com/oauth2/token";

/// A back-office integration's access token: the OAuth 2.0 client-credentials grant at
/// the user pool's token endpoint, with the scopes of Portico's resource server.
fn integration_scheme() -> SecurityScheme {
    use portico::domain::principal::ApiScope;
    use utoipa::openapi::security::{ClientCredentials, Flow, OAuth2, Scopes};
    let scopes = ApiScope::GRANTABLE.iter().filter_map(|s| s.oauth().map(|name| (name, s.description().to_owned())));
    SecurityScheme::OAuth2(OAuth2::with_description(
        [Flow::ClientCredentials(ClientCredentials::new(EXAMPLE_TOKEN_URL, Scopes::from_iter(scopes)))],
        "A back-office integration's access token (client-credentials grant; the token URL is the one its credentials name). Each admin operation names the scope it needs; an operation without an `integration` requirement is for office staff only.",
    ))
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Portico", description = "The customer-portal API for field-service companies. Errors are application/problem+json (RFC 9457).", version = "0.1.0"),
    modifiers(&BearerAuth),
    // Parameters' types are not collected from the paths: named here.
    components(schemas(
        crate::schema::GatewayMessage,
        crate::schema::IfMatch,
        crate::schema::Cursor,
        crate::schema::UnsubscribeToken,
        crate::schema::JobStatuses,
        crate::schema::JobCategories,
        crate::schema::QuoteStatuses,
        crate::schema::PortalQuoteStatuses,
        crate::schema::InvoiceStatuses,
        crate::schema::AuditEntity,
        crate::schema::AuditActor,
        crate::schema::EventCursor,
        portico::domain::clock::Bound,
        portico::domain::report::Month,
    )),
    tags((name = "platform"), (name = "admin"), (name = "portal"), (name = "mail", description = "Public: the links in Portico's emails"))
)]
pub struct ApiDoc;

/// An operation as its handler's `#[utoipa::path]` annotation documents it.
pub struct Documented {
    path: String,
    methods: Vec<HttpMethod>,
    operation: Operation,
}

/// The schemas the operations name, by name.
pub type Schemas = Vec<(String, RefOr<Schema>)>;

impl Documented {
    pub fn of<P: utoipa::Path>() -> Self {
        Documented { path: P::path(), methods: P::methods(), operation: P::operation() }
    }

    /// The route's method, if the annotation documents the route's own method and path.
    fn method_of(&self, route: &Route) -> anyhow::Result<HttpMethod> {
        let method: HttpMethod = serde_json::from_value(json!(route.method.to_ascii_lowercase()))?;
        if self.path != route.path || self.methods != [method.clone()] {
            anyhow::bail!(
                "{}: its handler's #[utoipa::path] documents {} {}",
                route.key(),
                serde_json::to_string(&self.methods)?,
                self.path
            );
        }
        Ok(method)
    }
}

/// The document's paths: one operation per route of the table, as its handler's annotation
/// documents it, tagged by its audience and secured unless it is public. An annotation that
/// names another method or path than its route's row is an error.
fn paths(doc: &mut utoipa::openapi::OpenApi) -> anyhow::Result<()> {
    let (operations, schemas) = crate::documented();
    for (route, documented) in ROUTES.iter().zip(operations) {
        let method = documented.method_of(route)?;
        let mut operation = documented.operation;
        operation.tags = Some(vec![route.audience().tag().to_owned()]);
        if !route.is_public() {
            let mut security = vec![SecurityRequirement::new::<&str, [&str; 0], &str>("cognito", [])];
            // An admin route an integration may call: its token with the route's scope.
            if let (Audience::Admin, Some(scope)) = (route.audience(), route.scope.oauth()) {
                security.push(SecurityRequirement::new("integration", [scope]));
            }
            operation.security = Some(security);
        }
        doc.paths.add_path_operation(route.path, vec![method], operation);
    }
    doc.components.get_or_insert_with(Default::default).schemas.extend(schemas);
    Ok(())
}

/// The complete document.
pub fn api() -> anyhow::Result<Value> {
    let mut openapi = ApiDoc::openapi();
    paths(&mut openapi)?;
    let mut doc = serde_json::to_value(openapi)?;
    complete(&mut doc);
    doc["components"]["headers"] = headers();
    Ok(doc)
}

/// The response headers the document names (`portico::http::headers` sets them; the
/// web ACL's 429 carries `Retry-After`).
fn headers() -> Value {
    let fixed = |value: &str, description: &str| json!({"description": description, "required": true, "schema": {"type": "string", "enum": [value]}});
    json!({
        "Cache-Control": fixed("no-store", "On every response: nothing stores it."),
        "X-Content-Type-Options": fixed("nosniff", "On every response: the body is what its Content-Type says."),
        "Content-Security-Policy": {
            "description": "A page allows only its own styles (by hash) and images over HTTPS, and may not be framed.",
            "required": true,
            "schema": {"type": "string", "pattern": "^default-src 'none'; .*frame-ancestors 'none'"}
        },
        "X-Frame-Options": fixed("DENY", "A page may not be framed."),
        "Referrer-Policy": fixed("no-referrer", "A page's address (it holds the link's token) is not sent on."),
        "Retry-After": {
            "description": "Seconds to wait before retrying (the web ACL's limits per caller; API Gateway's throttling sends none).",
            "required": false,
            "schema": {"type": "string", "pattern": "^[0-9]+$"}
        }
    })
}

fn header_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/headers/{name}")})
}

/// The document as pretty JSON (what `docs/openapi.json` holds).
pub fn document() -> anyhow::Result<String> {
    Ok(serde_json::to_string_pretty(&api()?)?)
}

const PROBLEM: &str = "application/problem+json";

fn problem_ref() -> Value {
    json!({"$ref": "#/components/schemas/Problem"})
}

fn gateway_ref() -> Value {
    json!({"$ref": "#/components/schemas/GatewayMessage"})
}

/// Completes each operation from what its route is:
///
/// - `operationId` is the route's operation name (unique: it also names the function);
/// - every error body is `application/problem+json` (utoipa writes `application/json`);
/// - the statuses every route of a kind can answer are listed, with what sends them:
///   401 from API Gateway itself (its own `{"message"}` body), 429 from the web ACL's
///   limits per caller (a problem document, sent as `application/json`: WAF's only JSON
///   type) or API Gateway's throttling (its own body), 403 from every
///   handler's guard, 400 wherever the request has parameters or a body, 404 wherever
///   the path names something (from the handler, or from API Gateway when a segment is
///   empty), 413 and 415 wherever there is a body, 412 with `If-Match`, and for every
///   POST the `Idempotency-Key` header with its 409 and 422;
/// - `limit` is 1–200;
/// - every response carries `Cache-Control: no-store` and `X-Content-Type-Options:
///   nosniff`, a page (HTML) its security headers, and a 429 may say `Retry-After`.
///
/// and every date-time anywhere in the document is a [`Timestamp`](portico::domain::clock::Timestamp):
/// its pattern says so (years 1970–9999, `T`, an offset).
///
/// Statuses an annotation lists itself keep their description.
fn complete(doc: &mut Value) {
    bound_times(doc);
    state_rules_across_fields(doc);
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for (method, op) in item.iter_mut() {
            let Some(route) = ROUTES.iter().find(|r| r.path == path && r.method.eq_ignore_ascii_case(method)) else {
                continue;
            };
            if let Some(op) = op.as_object_mut() {
                complete_operation(route, op);
            }
        }
    }
}

/// The rules a body's fields obey together, which no field's own schema can say — each
/// exactly as its domain check reads it (a `null` counts as absent there, so it does here).
fn state_rules_across_fields(doc: &mut Value) {
    use portico::domain::scope::{MAX_GRANTS, MAX_IDS_PER_GRANT};
    let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) else { return };
    let is = |field: &str, kind: &str| json!({"required": [field], "properties": {field: {"type": kind}}});
    let both_or_neither = |a: &str, ka: &str, b: &str, kb: &str| json!([{"if": is(a, ka), "then": is(b, kb)}, {"if": is(b, kb), "then": is(a, ka)}]);
    let rules: [(&str, &str, Value); 8] = [
        // `JobInput::validate`: a cost needs its currency.
        ("JobInput", "allOf", json!([{"if": is("cost", "integer"), "then": is("currency", "string")}])),
        // `AssetInput::validate`: a value and its currency, both or neither.
        ("AssetInput", "allOf", both_or_neither("value", "integer", "currency", "string")),
        // `Audience::check`: everyone, or some groups — not both, not neither.
        (
            "Audience",
            "oneOf",
            json!([
                {"required": ["all"], "properties": {"all": {"const": true}, "group_ids": {"maxItems": 0}}},
                {"required": ["group_ids"], "properties": {"all": {"const": false}, "group_ids": {"minItems": 1}}}
            ]),
        ),
        // The work request's site, given or the asset's.
        ("NewWorkRequest", "anyOf", json!([is("site_id", "string"), is("asset_id", "string")])),
        // `Store::resolve_scope`: a grant narrows to divisions or to sites, not both.
        (
            "GrantInput",
            "not",
            json!({"required": ["division_ids", "site_ids"], "properties": {
                "division_ids": {"type": "array"}, "site_ids": {"type": "array"}}}),
        ),
        ("ScopeInput", "properties", json!({"grants": {"maxItems": MAX_GRANTS}})),
        // `quote::check_limits`: at most 20 currencies, each 0 to the largest amount.
        (
            "ApprovalLimits",
            "additionalProperties",
            json!({"minimum": 0, "maximum": portico::domain::money::MAX_AMOUNT}),
        ),
        ("ApprovalLimits", "maxProperties", json!(20)),
    ];
    for (name, keyword, rule) in rules {
        let Some(schema) = schemas.get_mut(name).and_then(Value::as_object_mut) else { continue };
        match (schema.get_mut(keyword), rule) {
            (Some(existing @ Value::Object(_)), more @ Value::Object(_)) => merge(existing, more),
            (_, rule) => {
                schema.insert(keyword.to_owned(), rule);
            }
        }
    }
    for list in ["division_ids", "site_ids"] {
        if let Some(p) = schemas.get_mut("GrantInput").and_then(|g| g.pointer_mut(&format!("/properties/{list}"))) {
            merge(p, json!({"minItems": 1, "maxItems": MAX_IDS_PER_GRANT}));
        }
    }
}

/// `more`'s keywords into the schema `into` (into its `oneOf`'s array branch, if it has
/// one), object into object.
fn merge(into: &mut Value, more: Value) {
    let Value::Object(more) = more else { return };
    let array_branch = into["oneOf"].as_array().and_then(|b| b.iter().position(|b| b["type"] == "array"));
    let target = match array_branch {
        Some(i) => &mut into["oneOf"][i],
        None => into,
    };
    let Some(o) = target.as_object_mut() else { return };
    for (k, v) in more {
        match o.get_mut(&k) {
            Some(existing @ Value::Object(_)) if v.is_object() => merge(existing, v),
            _ => {
                o.insert(k, v);
            }
        }
    }
}

/// Every `format: date-time` string takes what `Timestamp` takes. A time field refers to
/// the `Timestamp` schema, which says so itself; this is for the few a field writes out
/// (a read-only one: utoipa drops `readOnly` beside a reference) and any path parameter.
fn bound_times(v: &mut Value) {
    match v {
        Value::Object(o) => {
            if o.get("format").and_then(Value::as_str) == Some("date-time") && !o.contains_key("pattern") {
                o.insert("pattern".into(), json!(portico::domain::clock::TIMESTAMP_PATTERN));
            }
            o.values_mut().for_each(bound_times);
        }
        Value::Array(items) => items.iter_mut().for_each(bound_times),
        _ => {}
    }
}

fn complete_operation(route: &Route, op: &mut Map<String, Value>) {
    op.insert("operationId".into(), json!(route.operation));
    // A public route (no Cognito token) acts on the token it is given, once, whatever
    // the retries: no Idempotency-Key, no 401 or 403, nothing to conflict with.
    let public = route.is_public();
    let post = route.method == "POST" && !public;
    let params = op.entry("parameters").or_insert_with(|| json!([]));
    if let Some(params) = params.as_array_mut() {
        if post {
            // One description of the key for every POST, whatever an annotation said.
            params.retain(|p| p["name"] != "Idempotency-Key");
            params.push(json!({
                "name": "Idempotency-Key", "in": "header", "required": false,
                "description": "1–100 visible ASCII characters (whitespace around a header value is not part of it). A retry with the same key gets the first response (with `Idempotent-Replayed: true`) and creates nothing new; the same key with a different request is a 422, while the first is still running a 409. Kept for 24 hours, per caller and operation.",
                "schema": {"type": "string", "pattern": "^[ \t]*[!-~]{1,100}[ \t]*$"}
            }));
        }
        if route.audience() == Audience::Portal && route.method == "GET" {
            params.push(view_as_header());
        }
        for p in params.iter_mut() {
            // A parameter is absent or a string, never JSON's null: an `Option` is `required: false`.
            let alternatives = p["schema"]["oneOf"].as_array().cloned().unwrap_or_default();
            if let [a, b] = alternatives.as_slice() {
                let not_null = |s: &Value| s["type"] != "null";
                if !not_null(a) || !not_null(b) {
                    p["schema"] = if not_null(a) { a.clone() } else { b.clone() };
                }
            }
            if p["name"] == "limit" && p["in"] == "query" {
                p["schema"] =
                    json!({"type": "integer", "format": "int32", "minimum": 1, "maximum": 200, "default": 50});
                p["description"] = json!("Items per page (default 50).");
            }
            if p["name"] == "cursor" && p["in"] == "query" && p.get("description").is_none() {
                p["description"] = json!("`next_cursor` of the previous page.");
            }
        }
        if params.is_empty() {
            op.remove("parameters");
        }
    }
    let has = |op: &Map<String, Value>, place: &str, name: Option<&str>| {
        op.get("parameters").and_then(Value::as_array).is_some_and(|ps| {
            ps.iter().any(|p| {
                p["in"] == place && name.is_none_or(|n| p["name"].as_str().is_some_and(|pn| pn.eq_ignore_ascii_case(n)))
            })
        })
    };
    // An optional body is left out, never sent as JSON's `null` (a 400, like any body that
    // is not an object).
    if let Some(schema) = op.get_mut("requestBody").and_then(|b| b.pointer_mut("/content/application~1json/schema")) {
        if let Some([a, b]) = schema["oneOf"].as_array().map(Vec::as_slice) {
            if a["type"] == "null" || b["type"] == "null" {
                *schema = if a["type"] == "null" { b.clone() } else { a.clone() };
            }
        }
    }
    let has_body = op.contains_key("requestBody");
    let has_path = has(op, "path", None);
    let has_input = has_body || has(op, "query", None) || has(op, "header", None) || has_path;
    let if_match = has(op, "header", Some("If-Match"));

    let responses = op.entry("responses").or_insert_with(|| json!({}));
    let Some(responses) = responses.as_object_mut() else { return };
    // Errors are problem+json, whatever the annotation said.
    for (status, response) in responses.iter_mut() {
        if status.as_str() >= "400" {
            if let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) {
                if let Some(body) = content.remove("application/json") {
                    content.insert(PROBLEM.into(), body);
                }
            }
        }
    }
    // API Gateway's own answers: whatever an annotation said, this is what clients get.
    for status in ["401", "429"] {
        responses.remove(status);
    }
    // What successful answers may carry besides their body.
    for (status, response) in responses.iter_mut() {
        if !status.starts_with('2') {
            continue;
        }
        let Some(response) = response.as_object_mut() else { continue };
        let headers = response.entry("headers").or_insert_with(|| json!({}));
        let Some(headers) = headers.as_object_mut() else { continue };
        if status != "204" && !public {
            headers.entry("ETag").or_insert_with(|| {
                json!({
                    "description": "The object's version, for `If-Match` (objects that have one).",
                    "schema": {"type": "string"}
                })
            });
        }
        if post {
            if status == "201" {
                headers.entry("Location").or_insert_with(|| {
                    json!({
                        "description": "The created object's own route, when it has one.",
                        "schema": {"type": "string"}
                    })
                });
            }
            headers.entry("Idempotent-Replayed").or_insert_with(|| json!({
                "description": "`true` when this is the first response to an earlier request with the same `Idempotency-Key`.",
                "schema": {"type": "string", "enum": ["true"]}
            }));
        }
        if headers.is_empty() {
            response.remove("headers");
        }
    }
    // A handler's own 404 (an object named in the body) can meet API Gateway's too.
    let documents_404 = responses.contains_key("404");
    let mut add = |status: &str, description: &str, content: Value| {
        let entry = responses.entry(status).or_insert_with(|| json!({"description": description}));
        if entry["description"].as_str().is_none_or(str::is_empty) {
            entry["description"] = json!(description);
        }
        let merged = entry.as_object_mut().and_then(|e| {
            e.entry("content").or_insert_with(|| json!({})).as_object_mut().map(|c| {
                for (k, v) in content.as_object().into_iter().flatten() {
                    c.entry(k.clone()).or_insert_with(|| v.clone());
                }
            })
        });
        debug_assert!(merged.is_some());
    };
    let problem = || json!({ PROBLEM: {"schema": problem_ref()} });
    let gateway = || json!({"application/json": {"schema": gateway_ref()}});
    let either = || json!({ PROBLEM: {"schema": problem_ref()}, "application/json": {"schema": gateway_ref()} });

    if has_input {
        add("400", "The request is malformed or invalid: `errors` names each field.", problem());
    }
    if !public {
        add("401", "No token, or not a valid ID token of this deployment's user pool: API Gateway's JWT authorizer answers, before any function runs.", gateway());
        add("403", "Authenticated, but not allowed: another group's route, a disabled or removed member, a feature switched off, or a permission the member lacks.", problem());
    }
    if has_path || documents_404 {
        add("404", "Not found, or not visible to the caller (never told apart). An empty path segment matches no route: API Gateway answers with its own body.", either());
    }
    if post {
        add("409", "A request with this Idempotency-Key is still being processed, the resource changed while the request was handled (retry), or the state does not allow this.", problem());
    } else if route.method != "GET" && !public {
        add("409", "The resource changed while the request was handled (another request won the race): read it again and retry. With `If-Match`, that is a 412.", problem());
    }
    if if_match {
        add("412", "`If-Match` names a version that is no longer current.", problem());
    }
    if has_body {
        add(
            "413",
            "The body is larger than the operation accepts (64 KiB; API Gateway's own limit is 10 MiB).",
            either(),
        );
        add("415", "The body is not sent as `application/json`.", problem());
    }
    if post {
        add(
            "422",
            "The Idempotency-Key was used for a different request (or the request is impossible in the current state).",
            problem(),
        );
    }
    add(
        "429",
        "Too many requests: more than the limit per token or per IP address in five minutes (the web ACL's problem document, with `Retry-After`), or more than a route takes from all callers together (API Gateway's throttling, its own body).",
        json!({"application/json": {"schema": {"oneOf": [problem_ref(), gateway_ref()]}}}),
    );
    document_headers(responses);
}

/// `X-View-As` on every portal `GET` (`guard::member`): the route table says which those
/// are, so no annotation names it.
fn view_as_header() -> Value {
    let schema = serde_json::to_value(<portico::domain::ids::ViewAsId as utoipa::PartialSchema>::schema())
        .unwrap_or_else(|_| json!({"type": "string"}));
    json!({
        "name": "X-View-As", "in": "header", "required": false,
        "description": "A tenant admin viewing the portal as a member: the `id` of a view-as session the admin started (`POST /admin/members/{member_id}/view-as`), sent with the admin's own token. The answer is exactly the member's, and nothing is written. Refused (403) to anyone but that admin, after the session ends, and on every portal route but a GET.",
        "schema": schema
    })
}

/// The headers of each response: those of every response, a page's, and `Retry-After`.
fn document_headers(responses: &mut Map<String, Value>) {
    for (status, response) in responses.iter_mut() {
        let page = response["content"].as_object().is_some_and(|c| c.keys().any(|t| t.starts_with("text/html")));
        let Some(response) = response.as_object_mut() else { continue };
        let Some(headers) = response.entry("headers").or_insert_with(|| json!({})).as_object_mut() else { continue };
        let mut names = vec!["Cache-Control", "X-Content-Type-Options"];
        if page {
            names.extend(["Content-Security-Policy", "X-Frame-Options", "Referrer-Policy"]);
        }
        if status == "429" {
            names.push("Retry-After");
        }
        for name in names {
            headers.entry(name).or_insert_with(|| header_ref(name));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[utoipa::path(get, path = "/admin/sites/{site_id}", responses((status = 200)))]
    #[allow(dead_code)]
    fn documents_get_site() {}

    #[test]
    fn an_annotation_that_names_another_route_than_its_row_is_refused() {
        let get_site = ROUTES.iter().find(|r| r.operation == "GetSite").unwrap();
        let delete_site = ROUTES.iter().find(|r| r.operation == "DeleteSite").unwrap();
        let list_sites = ROUTES.iter().find(|r| r.operation == "ListSites").unwrap();
        let documented = Documented::of::<__path_documents_get_site>();
        assert!(documented.method_of(get_site).is_ok());
        let wrong_method = documented.method_of(delete_site).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(wrong_method.contains("DELETE /admin/sites/{site_id}: its handler's"), "{wrong_method}");
        assert!(documented.method_of(list_sites).is_err());
    }

    /// Every `$ref` of the document names a schema it holds (a parameter's type is not
    /// collected from the paths by itself: a missing one leaves the fuzzer blind there).
    #[test]
    fn every_reference_resolves() {
        fn refs(v: &Value, out: &mut Vec<String>) {
            match v {
                Value::Object(o) => {
                    if let Some(r) = o.get("$ref").and_then(Value::as_str) {
                        out.push(r.to_owned());
                    }
                    o.values().for_each(|v| refs(v, out));
                }
                Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
                _ => {}
            }
        }
        let doc = api().unwrap();
        let mut all = Vec::new();
        refs(&doc, &mut all);
        assert!(!all.is_empty());
        for r in all {
            // A JSON pointer into this document (`#/components/schemas/…`, `…/headers/…`).
            let pointer = r.strip_prefix('#').unwrap_or_else(|| panic!("{r} is not within the document"));
            assert!(doc.pointer(pointer).is_some(), "{r} does not resolve");
        }
    }
}
