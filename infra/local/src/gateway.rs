//! The local HTTP API: what API Gateway (HTTP API) and its Cognito JWT authorizer do in
//! AWS, done on `127.0.0.1` — and what CloudFront does in front of them: the web ACL's
//! limits per caller ([`crate::limits`]), and the secret header that tells the functions
//! a request came through CloudFront (`portico::http::origin`).
//!
//! Routes come from `infra/template.yaml` and its nested stacks (their
//! `AWS::ApiGatewayV2::Route`s, see [`crate::template`]), so the local API serves exactly
//! what the deployment serves. Tokens are verified by `portico::http::authorizer`, the
//! code the admin routes' Lambda authorizer runs in AWS: on a JWT-authorizer route a
//! Cognito ID token of the pool and the web app's client; on an admin route
//! (`AuthorizationType: CUSTOM`) that, or an integration's client-credentials access
//! token; otherwise 401, as the authorizers answer. The verified claims go into a v2
//! event (`requestContext.authorizer.jwt.claims`, or `.lambda` for the Lambda
//! authorizer; arrays as API Gateway writes them) and the handler is invoked in-process.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context as _};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper_util::rt::TokioIo;
use portico::http::origin;
use portico::App;
use serde_json::{json, Map, Value};

use crate::limits::{Limiter, Limits};

/// API Gateway's payload limit for HTTP APIs.
const MAX_PAYLOAD: usize = 10 * 1024 * 1024;

pub use crate::template::{
    template_routes, template_user_pool, template_user_pool_client, Authorization, TemplateRoute,
};

impl TemplateRoute {
    /// Path parameters if `path` matches, with the number of literal segments (API
    /// Gateway prefers the most specific route).
    fn matches(&self, method: &str, path: &str) -> Option<(usize, HashMap<String, String>)> {
        if !self.method.eq_ignore_ascii_case(method) {
            return None;
        }
        // Segment by segment, as API Gateway matches: no trailing-slash folding, and a
        // path variable never matches an empty segment.
        let want: Vec<&str> = self.path.split('/').collect();
        let got: Vec<&str> = path.split('/').collect();
        if want.len() != got.len() {
            return None;
        }
        let mut params = HashMap::new();
        let mut literal = 0;
        for (w, g) in want.iter().zip(&got) {
            match w.strip_prefix('{').and_then(|n| n.strip_suffix('}')) {
                Some(name) if !g.is_empty() => {
                    let value = percent_decode(g)?;
                    params.insert(name.to_owned(), value);
                }
                Some(_) => return None,
                None if w == g => literal += 1,
                None => return None,
            }
        }
        Some((literal, params))
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes: Vec<u8> = form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned().into_bytes())?;
    String::from_utf8(bytes).ok()
}

pub use portico::http::authorizer::{claims_for_lambda, Accept, Refusal, Verifier};

/// The pool's verifier, its JWKS fetched once from the local endpoint.
pub async fn fetch_verifier(endpoint: &str, pool_id: &str, issuer: &str, client_id: &str) -> anyhow::Result<Verifier> {
    let jwks = reqwest::get(format!("{endpoint}/{pool_id}/.well-known/jwks.json"))
        .await
        .context("fetching JWKS")?
        .error_for_status()?
        .text()
        .await?;
    Verifier::from_jwks(&jwks, issuer, client_id)
}

/// The local API.
pub struct Gateway {
    routes: Vec<TemplateRoute>,
    verifier: Verifier,
    app: &'static App,
    web: Option<Web>,
    limiter: Limiter,
}

/// Where the local Cognito invokes the pool's pre-token-generation trigger, as Cognito
/// invokes the trigger's Lambda function in AWS (provisioning registers this URL with the
/// local endpoint: `stack::register_pre_token_trigger`).
pub const PRE_TOKEN_TRIGGER_PATH: &str = "/_local/cognito/pre-token-generation";

/// Path prefixes that belong to the API: never answered with the web app's files, as
/// CloudFront sends them to the API origin (docs/web.md).
pub const API_PREFIXES: [&str; 4] = ["/portal/", "/admin/", "/platform/", "/mail/"];

/// The member portal's static files on the API's own origin, as CloudFront serves them
/// in AWS: `web/dist`, `/config.json` naming the user pool, `index.html` for the app's
/// own paths (`/jobs/…`, the deep links in emails), and `POST /cognito/` passed to the
/// local endpoint (in AWS the browser calls `cognito-idp.<region>.amazonaws.com`).
pub struct Web {
    pub dist: std::path::PathBuf,
    /// `/config.json`.
    pub config: String,
    /// The local AWS endpoint Cognito calls go to, and the client (one connection pool)
    /// they go with.
    pub cognito_endpoint: String,
    pub client: reqwest::Client,
    /// The Content-Security-Policy header of the pages.
    pub csp: String,
}

impl Web {
    fn file(&self, path: &str) -> Option<(std::path::PathBuf, &'static str)> {
        let relative = path.trim_start_matches('/');
        let safe = std::path::Path::new(relative).components().all(|c| matches!(c, std::path::Component::Normal(_)));
        let candidate = self.dist.join(relative);
        let file = if safe && !relative.is_empty() && candidate.is_file() {
            candidate
        } else if !relative.rsplit('/').next().unwrap_or("").contains('.') {
            // An app path (no file extension): the app routes it.
            self.dist.join("index.html")
        } else {
            return None;
        };
        let kind = match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
            "html" => "text/html; charset=utf-8",
            "js" => "text/javascript; charset=utf-8",
            "css" => "text/css; charset=utf-8",
            "svg" => "image/svg+xml",
            "png" => "image/png",
            "ico" => "image/x-icon",
            "json" => "application/json",
            "webmanifest" => "application/manifest+json",
            _ => "application/octet-stream",
        };
        Some((file, kind))
    }

    async fn serve(&self, parts: &http::request::Parts) -> hyper::Response<Full<Bytes>> {
        let path = parts.uri.path();
        if path == "/config.json" {
            return hyper::Response::builder()
                .header("content-type", "application/json")
                .header("cache-control", "no-cache")
                .body(Full::new(Bytes::from(self.config.clone())))
                .unwrap_or_else(|_| plain(500, "Internal Server Error"));
        }
        let Some((file, kind)) = self.file(path) else { return plain(404, "Not Found") };
        // Vite names built files by their content: cache those for good, never the page.
        let immutable = path.starts_with("/static/") && file.file_name() != Some("index.html".as_ref());
        let Ok(bytes) = tokio::fs::read(&file).await else {
            return plain(404, "Not Found: build the web app (make web)");
        };
        let cache = if immutable { "public, max-age=31536000, immutable" } else { "no-cache" };
        let body = if parts.method == http::Method::HEAD { Bytes::new() } else { Bytes::from(bytes) };
        hyper::Response::builder()
            .header("content-type", kind)
            .header("cache-control", cache)
            .header("content-security-policy", &self.csp)
            .header("x-content-type-options", "nosniff")
            .header("referrer-policy", "no-referrer")
            .body(Full::new(body))
            .unwrap_or_else(|_| plain(500, "Internal Server Error"))
    }

    /// `POST /cognito/`: the Cognito user pool's JSON API, passed through — only the calls
    /// a browser makes ([`BROWSER_COGNITO_CALLS`]).
    async fn cognito(&self, parts: &http::request::Parts, body: Bytes) -> hyper::Response<Full<Bytes>> {
        let target = parts.headers.get("x-amz-target").and_then(|v| v.to_str().ok()).unwrap_or("");
        let Some(operation) = target.strip_prefix("AWSCognitoIdentityProviderService.") else {
            return plain(400, "not a Cognito call");
        };
        if !BROWSER_COGNITO_CALLS.contains(&operation) {
            return unsigned_cognito_call();
        }
        let sent = self
            .client
            .post(format!("{}/", self.cognito_endpoint))
            .header("x-amz-target", target)
            .header("content-type", "application/x-amz-json-1.1")
            .body(body)
            .send()
            .await;
        let Ok(answer) = sent else { return plain(502, "Bad Gateway") };
        let status = answer.status().as_u16();
        let mut response =
            hyper::Response::builder().status(status).header("content-type", "application/x-amz-json-1.1");
        // Locally the codes Cognito emails or texts come back in these headers (moto's way
        // for a forgotten password's): the dev console prints them, the browser tests read them.
        for (header, what) in CODE_HEADERS {
            if let Some(code) = answer.headers().get(header) {
                eprintln!("{what}: {}", code.to_str().unwrap_or(""));
                response = response.header(header, code.clone());
            }
        }
        let bytes = answer.bytes().await.unwrap_or_default();
        response.body(Full::new(bytes)).unwrap_or_else(|_| plain(500, "Internal Server Error"))
    }
}

/// The Cognito calls a browser makes on Cognito's public endpoint: sign-in, a new or
/// forgotten password, refresh and sign-out (`web/src/auth.ts`), TOTP set-up, and
/// verifying a new phone number or email address. Everything else (the administrators'
/// `Admin*` calls, `ListUsers`, `SignUp`, `UpdateUserAttributes`, …) is refused at
/// `/cognito/` before it reaches the local endpoint: there, unlike in AWS, it would run
/// without AWS credentials.
pub const BROWSER_COGNITO_CALLS: [&str; 13] = [
    "InitiateAuth",
    "RespondToAuthChallenge",
    "ForgotPassword",
    "ConfirmForgotPassword",
    "ChangePassword",
    "GetUser",
    "RevokeToken",
    "GlobalSignOut",
    "AssociateSoftwareToken",
    "VerifySoftwareToken",
    "SetUserMFAPreference",
    "GetUserAttributeVerificationCode",
    "VerifyUserAttribute",
];

/// The response headers that carry a code Cognito would email or text, and what the
/// console calls it.
const CODE_HEADERS: [(&str, &str); 2] = [
    ("x-moto-forgot-password-confirmation-code", "forgot-password code (Cognito emails it in AWS)"),
    ("x-portico-local-verification-code", "verification code (Cognito emails or texts it in AWS)"),
];

/// What Cognito answers a call that needs AWS credentials and carries none.
fn unsigned_cognito_call() -> hyper::Response<Full<Bytes>> {
    let body = json!({ "__type": "MissingAuthenticationTokenException", "message": "Missing Authentication Token" });
    hyper::Response::builder()
        .status(400)
        .header("content-type", "application/x-amz-json-1.1")
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap_or_else(|_| plain(500, "Internal Server Error"))
}

/// The gateway's own answers, API Gateway's `{"message"}`, with the headers CloudFront's
/// response headers policy adds to them in AWS.
fn plain(status: u16, message: &str) -> hyper::Response<Full<Bytes>> {
    hyper::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .header("cache-control", "no-store")
        .header("x-content-type-options", "nosniff")
        .body(Full::new(Bytes::from(json!({ "message": message }).to_string())))
        .unwrap_or_else(|_| hyper::Response::new(Full::new(Bytes::new())))
}

impl Gateway {
    /// The pre-token-generation trigger, run as its Lambda function runs it.
    async fn pre_token_generation(&self, body: &Bytes) -> hyper::Response<Full<Bytes>> {
        let Ok(event) = serde_json::from_slice::<Value>(body) else { return plain(400, "not a Cognito event") };
        let answer = portico_functions::triggers::pre_token_generation(self.app, event).await;
        hyper::Response::builder()
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(answer.to_string())))
            .unwrap_or_else(|_| plain(500, "Internal Server Error"))
    }

    pub fn new(
        routes: Vec<TemplateRoute>,
        verifier: Verifier,
        app: &'static App,
        web: Option<Web>,
        limits: Limits,
    ) -> Self {
        Self { routes, verifier, app, web, limiter: Limiter::new(limits) }
    }

    pub fn routes(&self) -> &[TemplateRoute] {
        &self.routes
    }

    /// Handles one HTTP request from `client` the way CloudFront's web ACL, then API
    /// Gateway would.
    pub async fn handle(&self, req: hyper::Request<Incoming>, client: IpAddr) -> hyper::Response<Full<Bytes>> {
        let (parts, body) = req.into_parts();
        if let Some(too_many) = self.limiter.refuse(client, &parts) {
            return too_many;
        }
        let body = match Limited::new(body, MAX_PAYLOAD).collect().await {
            Ok(b) => b.to_bytes(),
            Err(_) => return plain(413, "Request Entity Too Large"),
        };
        self.handle_parts(parts, body).await
    }

    async fn handle_parts(&self, parts: http::request::Parts, body: Bytes) -> hyper::Response<Full<Bytes>> {
        let method = parts.method.as_str().to_owned();
        let path = parts.uri.path().to_owned();
        if method == "POST" && path == PRE_TOKEN_TRIGGER_PATH {
            return self.pre_token_generation(&body).await;
        }
        let Some((route, params)) = self
            .routes
            .iter()
            .filter_map(|r| r.matches(&method, &path).map(|(score, p)| (score, r, p)))
            .max_by_key(|(score, _, _)| *score)
            .map(|(_, r, p)| (r, p))
        else {
            return match &self.web {
                Some(web) if method == "POST" && path == "/cognito/" => web.cognito(&parts, body).await,
                Some(web)
                    if (method == "GET" || method == "HEAD") && !API_PREFIXES.iter().any(|p| path.starts_with(p)) =>
                {
                    web.serve(&parts).await
                }
                _ => plain(404, "Not Found"),
            };
        };

        // The JWT authorizer takes ID tokens; the admin routes' Lambda authorizer
        // (`AuthorizationType: CUSTOM`) runs the same verification as in AWS, which also
        // takes integrations' client-credentials tokens.
        let claims = match route.authorization {
            Authorization::None => None,
            Authorization::Jwt | Authorization::Custom => {
                let token = parts
                    .headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .map(portico::http::authorizer::bearer);
                let accept = if route.authorization == Authorization::Custom {
                    Accept::IdOrClientTokens
                } else {
                    Accept::IdTokens
                };
                match token.map(|t| self.verifier.verify(t, accept)) {
                    Some(Ok(claims)) => Some((route.authorization, claims_for_lambda(&claims))),
                    _ => return plain(401, "Unauthorized"),
                }
            }
        };

        let mut event = v2_event(route, &params, &parts, &body, claims);
        // CloudFront's origin header, replacing any the client sent.
        if let Some(secret) = self.app.config.origin_secrets.first() {
            event["headers"][origin::HEADER] = json!(secret);
        }
        let request = match lambda_http::request::from_str(&event.to_string()) {
            Ok(r) => r,
            Err(e) => {
                tracing::error!(error = %e, "could not build the Lambda event");
                return plain(500, "Internal Server Error");
            }
        };
        let response = portico_functions::handle_event(self.app, request).await;
        let (parts, body) = response.into_parts();
        let bytes = match body {
            lambda_http::Body::Empty => Bytes::new(),
            lambda_http::Body::Text(t) => Bytes::from(t),
            lambda_http::Body::Binary(b) => Bytes::from(b),
            #[allow(unreachable_patterns)]
            _ => Bytes::new(),
        };
        hyper::Response::from_parts(parts, Full::new(bytes))
    }
}

/// The API Gateway HTTP API (payload format 2.0) event for a request.
fn v2_event(
    route: &TemplateRoute,
    params: &HashMap<String, String>,
    parts: &http::request::Parts,
    body: &Bytes,
    claims: Option<(Authorization, Map<String, Value>)>,
) -> Value {
    let mut headers = Map::new();
    for (name, value) in &parts.headers {
        if let Ok(v) = value.to_str() {
            let entry = headers.entry(name.as_str().to_owned()).or_insert_with(|| Value::String(String::new()));
            let joined = match entry.as_str() {
                Some("") => v.to_owned(),
                Some(prev) => format!("{prev},{v}"),
                None => v.to_owned(),
            };
            *entry = Value::String(joined);
        }
    }
    let raw_query = parts.uri.query().unwrap_or("").to_owned();
    let mut query = Map::new();
    for (k, v) in form_urlencoded::parse(raw_query.as_bytes()) {
        let entry = query.entry(k.into_owned()).or_insert_with(|| Value::String(String::new()));
        let joined = match entry.as_str() {
            Some("") => v.into_owned(),
            Some(prev) => format!("{prev},{v}"),
            None => v.into_owned(),
        };
        *entry = Value::String(joined);
    }
    let (body_value, base64) = match std::str::from_utf8(body) {
        _ if body.is_empty() => (Value::Null, false),
        Ok(text) => (Value::String(text.to_owned()), false),
        Err(_) => {
            use base64::Engine as _;
            (Value::String(base64::engine::general_purpose::STANDARD.encode(body)), true)
        }
    };
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0);
    let mut context = json!({
        "accountId": "000000000000",
        "apiId": "local",
        "domainName": "127.0.0.1",
        "domainPrefix": "local",
        "http": {
            "method": parts.method.as_str(),
            "path": parts.uri.path(),
            "protocol": "HTTP/1.1",
            "sourceIp": "127.0.0.1",
            "userAgent": parts.headers.get("user-agent").and_then(|v| v.to_str().ok()).unwrap_or(""),
        },
        "requestId": ulid::Ulid::new().to_string(),
        "routeKey": route.key(),
        "stage": "$default",
        "time": "",
        "timeEpoch": now,
    });
    match claims {
        Some((Authorization::Custom, claims)) => context["authorizer"] = json!({ "lambda": claims }),
        Some((_, claims)) => context["authorizer"] = json!({ "jwt": { "claims": claims, "scopes": null } }),
        None => {}
    }
    json!({
        "version": "2.0",
        "routeKey": route.key(),
        "rawPath": parts.uri.path(),
        "rawQueryString": raw_query,
        "headers": headers,
        "queryStringParameters": if query.is_empty() { Value::Null } else { Value::Object(query) },
        "pathParameters": if params.is_empty() { Value::Null } else { json!(params) },
        "requestContext": context,
        "body": body_value,
        "isBase64Encoded": base64,
    })
}

/// Serves the gateway on `listener` until the task is dropped.
pub async fn serve(listener: tokio::net::TcpListener, gateway: Arc<Gateway>) {
    loop {
        let Ok((stream, peer)) = listener.accept().await else { continue };
        let gateway = gateway.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let gateway = gateway.clone();
                async move { Ok::<_, Infallible>(gateway.handle(req, peer.ip()).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

/// Binds `addr` and serves in a background task; returns the bound address.
pub async fn start(addr: SocketAddr, gateway: Gateway) -> anyhow::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("binding {addr}"))?;
    let bound = listener.local_addr()?;
    if gateway.routes.is_empty() {
        bail!("the template declares no routes");
    }
    tokio::spawn(serve(listener, Arc::new(gateway)));
    Ok(bound)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(method: &str, path: &str) -> TemplateRoute {
        TemplateRoute {
            method: method.into(),
            path: path.into(),
            function: "F".into(),
            authorization: Authorization::Jwt,
        }
    }

    #[test]
    fn routes_match_with_parameters() {
        let r = route("GET", "/admin/customers/{customer_id}");
        let (_, p) = r.matches("GET", "/admin/customers/cus_1").unwrap();
        assert_eq!(p["customer_id"], "cus_1");
        assert!(r.matches("POST", "/admin/customers/cus_1").is_none());
        assert!(r.matches("GET", "/admin/customers").is_none());
        assert!(r.matches("GET", "/admin/customers/cus_1/sites").is_none());
        assert!(r.matches("GET", "/admin/customers/").is_none(), "an empty segment is no id");
        assert!(route("GET", "/admin/customers").matches("GET", "/admin/customers/").is_none());
        assert!(r.matches("GET", "/admin/customers//").is_none());
    }

    #[test]
    fn literal_segments_score_higher() {
        let literal = route("GET", "/portal/jobs/export").matches("GET", "/portal/jobs/export").unwrap().0;
        let param = route("GET", "/portal/jobs/{job_id}").matches("GET", "/portal/jobs/export").unwrap().0;
        assert!(literal > param);
    }

    #[test]
    fn array_claims_reach_lambda_as_api_gateway_writes_them() {
        let claims: Map<String, Value> =
            serde_json::from_str(r#"{"cognito:groups":["tenant-admin","portal-member"],"exp":12,"sub":"x"}"#).unwrap();
        let out = claims_for_lambda(&claims);
        assert_eq!(out["cognito:groups"], "[tenant-admin portal-member]");
        assert_eq!(out["exp"], "12");
        assert_eq!(out["sub"], "x");
    }

    #[test]
    fn the_web_app_serves_its_files_and_index_html_for_its_own_paths_only() {
        let dist = std::env::temp_dir().join(format!("portico-web-{}", ulid::Ulid::new()));
        std::fs::create_dir_all(dist.join("static")).unwrap();
        std::fs::write(dist.join("index.html"), "<!doctype html>").unwrap();
        std::fs::write(dist.join("static/app-1.js"), "x").unwrap();
        let web = Web {
            dist: dist.clone(),
            config: "{}".into(),
            cognito_endpoint: String::new(),
            client: reqwest::Client::new(),
            csp: String::new(),
        };
        let (file, kind) = web.file("/static/app-1.js").unwrap();
        assert_eq!((file, kind), (dist.join("static/app-1.js"), "text/javascript; charset=utf-8"));
        // The app's paths (deep links in emails, QR labels) are the page.
        for path in ["/", "/jobs", "/jobs/job_1", "/assets/ast_1/request", "/quotes/quo_1"] {
            assert_eq!(web.file(path).unwrap().0, dist.join("index.html"), "{path}");
        }
        // A missing file is no page; nothing outside dist is read.
        assert!(web.file("/static/missing.js").is_none());
        assert!(web.file("/../Cargo.toml").is_none());
        assert!(web.file("/static/../../Cargo.toml").is_none());
        std::fs::remove_dir_all(dist).unwrap();
        // The API's paths never reach the web app.
        for path in ["/portal/nope", "/admin/x", "/platform/y", "/mail/z"] {
            assert!(API_PREFIXES.iter().any(|p| path.starts_with(p)), "{path}");
        }
    }

    #[test]
    fn every_cognito_call_of_the_web_app_passes_the_gateway() {
        let auth = std::fs::read_to_string(crate::workspace_root().join("web/src/auth.ts")).unwrap();
        // `call('InitiateAuth', …)`, `call<InitiateAuthResponse>('InitiateAuth', …)`.
        let called: Vec<&str> = auth
            .match_indices("call")
            .filter_map(|(at, _)| {
                let rest = &auth[at..];
                let open = rest.find("('").filter(|&open| open < 40)?;
                let name = rest[open + 2..].split('\'').next()?;
                name.chars().all(|c| c.is_ascii_alphabetic()).then_some(name)
            })
            .collect();
        assert!(called.len() >= 5, "{called:?}");
        for name in called {
            assert!(BROWSER_COGNITO_CALLS.contains(&name), "{name} is called by the web app");
        }
        for refused in ["AdminAddUserToGroup", "ListUsers", "SignUp", "ConfirmSignUp", "UpdateUserAttributes"] {
            assert!(!BROWSER_COGNITO_CALLS.contains(&refused), "{refused}");
        }
    }

    #[test]
    fn the_template_declares_routes_with_functions() {
        let routes = template_routes(&crate::workspace_root().join("infra/template.yaml")).unwrap();
        assert!(routes.iter().any(|r| r.key() == "POST /platform/tenants" && r.function == "CreateTenantFunction"));
        // The admin routes have the Lambda authorizer (integrations' tokens too), the
        // public ones (the links in emails, the processor's events) none, the others the
        // JWT authorizer.
        for r in &routes {
            let expected = if r.path.starts_with("/mail/") || r.path.starts_with("/webhooks/") {
                Authorization::None
            } else if r.path.starts_with("/admin/") {
                Authorization::Custom
            } else {
                Authorization::Jwt
            };
            assert_eq!(r.authorization, expected, "{}", r.key());
        }
    }
}
