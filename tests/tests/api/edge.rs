//! What stands in front of the API in AWS, as the local gateway plays it: the secret
//! header CloudFront adds, without which no handler runs.

use portico::http::origin;
use portico_local::workspace_root;
use portico_tests::{assert_api_headers, spawn_app};

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
