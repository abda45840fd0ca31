//! Webhook subscriptions through the local stack: made, shown (the secret only once),
//! changed, rotated and removed by the tenant's admins; their URLs refused when they
//! would reach anything but the internet.

use portico::domain::text::WebUrl;
use portico_tests::{id, spawn_app};
use serde_json::{json, Value};

#[tokio::test]
async fn a_subscription_shows_its_secret_once_changes_rotates_and_goes() {
    let app = &spawn_app().await;
    let t = app.tenant("Acme").await;
    let body = json!({"url": "http://127.0.0.1:9/hook", "event_types": ["quote.approved", "work_request.submitted"],
        "description": "ERP"});
    let created = app.api.expect(201, "POST", "/admin/webhooks", &t.admin, Some(&body)).await.unwrap();
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_") && secret.len() >= 6 + 32, "{secret}");
    assert_eq!(created["status"], "active");
    let path = format!("/admin/webhooks/{}", id(&created));
    let shown = app.api.expect(200, "GET", &path, &t.admin, None).await.unwrap();
    assert!(shown.get("secret").is_none(), "shown once");
    assert_eq!(shown["event_types"], json!(["work_request.submitted", "quote.approved"]));
    let listed = app.api.expect(200, "GET", "/admin/webhooks", &t.admin, None).await.unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert!(!listed.to_string().contains("whsec_"));

    // Changes: what the patch names, conditional on the version.
    let patch = json!({"event_types": ["quote.rejected"], "status": "paused", "description": null});
    let stale = app.api.send("PATCH", &path, Some(&t.admin), Some(&patch), &[("if-match", "\"7\"")]).await.unwrap();
    assert_eq!(stale.status, 412, "{}", stale.text);
    let changed = app.api.expect(200, "PATCH", &path, &t.admin, Some(&patch)).await.unwrap();
    assert_eq!((changed["status"].as_str(), changed["version"].as_u64()), (Some("paused"), Some(2)));
    assert_eq!(changed["description"], Value::Null);
    for (bad, field) in [
        (json!({"event_types": ["quote.created"]}), "event_types"),
        (json!({"event_types": []}), "event_types"),
        (json!({"event_types": ["quote.approved", "quote.approved"]}), "event_types"),
        (json!({"url": "ftp://erp.example.com/"}), "url"),
        (json!({"url": "http://erp.example.com/"}), "url"),
        (json!({"secret": "whsec_mine"}), ""),
    ] {
        let a = app.api.patch(&path, &t.admin, &bad).await.unwrap();
        assert_eq!(a.status, 400, "{bad}: {}", a.text);
        if !field.is_empty() {
            assert!(a.body["errors"][0]["field"].as_str().unwrap().starts_with(field), "{bad}: {}", a.text);
        }
    }
    let bad = json!({"url": "https://erp.example.com/", "event_types": []});
    assert_eq!(app.api.post("/admin/webhooks", &t.admin, &bad).await.unwrap().status, 400);

    // A rotation: a new secret, the old one signing alongside for a day.
    let rotated =
        app.api.expect(200, "POST", &format!("{path}/rotate-secret"), &t.admin, Some(&json!({}))).await.unwrap();
    let new_secret = rotated["secret"].as_str().unwrap();
    assert!(new_secret.starts_with("whsec_") && new_secret != secret);
    assert!(rotated["previous_secret_valid_until"].is_string());
    assert!(rotated["secret_rotated_at"].is_string());

    // The trail shows the changes, never a secret.
    let audit = format!("/admin/audit?entity={}", id(&created));
    let trail = app.api.expect(200, "GET", &audit, &t.admin, None).await.unwrap();
    let actions: Vec<&str> = trail["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["webhook.secret_rotated", "webhook.paused", "webhook.created"]);
    assert!(!trail.to_string().contains("whsec_"), "{trail}");

    app.api.expect(204, "DELETE", &path, &t.admin, None).await.unwrap();
    assert_eq!(app.api.get(&path, &t.admin).await.unwrap().status, 404);
    assert_eq!(app.api.post(&format!("{path}/rotate-secret"), &t.admin, &json!({})).await.unwrap().status, 404);
}

#[tokio::test]
async fn a_tenant_has_at_most_ten_subscriptions() {
    let app = &spawn_app().await;
    let t = app.tenant("Acme").await;
    let body = json!({"url": "http://127.0.0.1:9/hook", "event_types": ["quote.approved"]});
    for _ in 0..portico::domain::webhook::MAX_WEBHOOKS {
        app.api.expect(201, "POST", "/admin/webhooks", &t.admin, Some(&body)).await.unwrap();
    }
    let eleventh = app.api.post("/admin/webhooks", &t.admin, &body).await.unwrap();
    assert_eq!(eleventh.status, 409, "{}", eleventh.text);
}

#[tokio::test]
async fn urls_that_reach_anything_but_the_internet_are_refused_after_resolving() {
    let url = |s: &str| WebUrl::parse(s).unwrap();
    for refused in [
        "https://localhost/hook",
        "https://127.0.0.1/hook",
        "https://10.0.0.8/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://[fd00:ec2::254]/",
        "https://[::ffff:192.168.0.1]/",
        "http://127.0.0.1:8080/hook",
        "https://no-such-host.invalid/hook",
    ] {
        let refused_here = portico::webhooks::resolve(&url(refused), false).await;
        let e = refused_here.expect_err(refused);
        assert!(matches!(e, portico::Error::BadRequest { .. }), "{refused}: {e:?}");
    }
    // The local stack sends to the machine itself.
    let (host, addrs) = portico::webhooks::resolve(&url("http://127.0.0.1:8080/hook"), true).await.unwrap();
    assert_eq!((host.as_str(), addrs.len()), ("127.0.0.1", 1));
    assert_eq!(addrs[0].port(), 8080);
}
