//! What stands in front of the API in AWS, as the local gateway plays it: the web ACL's
//! limits per caller (per token and per client IP address, a 429 problem with
//! `Retry-After`), and the secret header CloudFront adds, without which no handler runs.
//! Each test's gateway has limits of its own, low enough to reach in a few requests.

use portico::http::origin;
use portico_local::client::{Answer, ApiClient};
use portico_local::limits::Limits;
use portico_local::workspace_root;
use portico_tests::{assert_api_headers, spawn_app, spawn_app_limited};

fn limits(per_token: Option<u32>, per_ip: Option<u32>) -> Limits {
    Limits { per_token, per_ip, ..Limits::template().unwrap() }
}

/// The web ACL's refusal: 429, a problem document, `Retry-After` within the window.
fn too_many(what: &str, a: &Answer) {
    assert_eq!(a.status, 429, "{what}: {}", a.text);
    assert_eq!(a.header("content-type"), Some("application/json"), "{what}: WAF's JSON type");
    assert_eq!(a.body["type"], "https://portico.dev/problems/too-many-requests", "{what}");
    assert_eq!(a.body["status"], 429, "{what}");
    assert!(a.body["title"].is_string() && a.body["detail"].is_string(), "{what}: {}", a.text);
    let wait: u64 =
        a.header("retry-after").and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("{what}: Retry-After"));
    assert!((1..=300).contains(&wait), "{what}: Retry-After {wait}");
    assert_api_headers(what, &a.headers);
}

#[tokio::test]
async fn a_token_over_its_limit_gets_429_while_another_token_is_served() {
    let app = spawn_app_limited(limits(Some(5), Some(1000))).await;
    let t = app.tenant("Busy").await;
    // Inviting the other admin is the admin token's first request.
    let other = app.another_admin(&t.admin, "other-admin").await;
    for n in 2..=5 {
        let a = app.api.get("/admin/settings", &t.admin).await.unwrap();
        assert_eq!(a.status, 200, "request {n}: {}", a.text);
    }
    too_many("the sixth request with one token", &app.api.get("/admin/settings", &t.admin).await.unwrap());
    too_many("and the seventh", &app.api.get("/admin/settings", &t.admin).await.unwrap());
    // Another token, from the same address, is still served.
    let a = app.api.get("/admin/settings", &other).await.unwrap();
    assert_eq!(a.status, 200, "another token: {}", a.text);
}

#[tokio::test]
async fn an_address_over_its_limit_gets_429_while_another_address_is_served() {
    let app = spawn_app_limited(limits(None, Some(5))).await;
    // Two more callers: requests from other loopback addresses.
    let from = |ip: &str| ApiClient::from_address(&app.api.base, ip.parse().unwrap()).unwrap();
    let (second, third) = (from("127.0.0.2"), from("127.0.0.3"));
    // Without a token a request is counted per address only; served, API Gateway's 401.
    for n in 1..=5 {
        let a = second.send("GET", "/portal/me", None, None, &[]).await.unwrap();
        assert_eq!(a.status, 401, "request {n}: {}", a.text);
    }
    too_many("the sixth request from one address", &second.send("GET", "/portal/me", None, None, &[]).await.unwrap());
    let a = third.send("GET", "/portal/me", None, None, &[]).await.unwrap();
    assert_eq!(a.status, 401, "another address is served: {}", a.text);
}

#[tokio::test]
async fn a_request_around_cloudfront_is_refused_before_its_handler_runs() {
    let app = spawn_app().await;
    // The unsubscribe page's fixture: its handler refuses the fixture's token with 400.
    let fixture = std::fs::read_to_string(workspace_root().join("events/api/ShowUnsubscribe.json")).unwrap();
    let send = |header: Option<&str>| {
        let mut request = lambda_http::request::from_str(&fixture).unwrap();
        if let Some(value) = header {
            request.headers_mut().insert(origin::HEADER, value.parse().unwrap());
        }
        portico_functions::handle_event(app.app, request)
    };
    for header in [None, Some(""), Some("a-guessed-secret")] {
        let response = send(header).await;
        assert_eq!(response.status(), 403, "{header:?}");
        assert_eq!(response.headers()["content-type"], "application/problem+json");
        assert_api_headers("the refusal", response.headers());
    }
    let secret = app.app.config.origin_secrets.first().expect("the local stack sets one").clone();
    assert_eq!(send(Some(&secret)).await.status(), 400, "through CloudFront, the handler runs");
    // Through the gateway (CloudFront, locally): the header a client sends is replaced.
    let path = "/mail/unsubscribe?token=x";
    let a = app.api.send("GET", path, None, None, &[(origin::HEADER, "a-guessed-secret")]).await.unwrap();
    assert_eq!(a.status, 400, "{}", a.text);
}
