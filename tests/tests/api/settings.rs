//! Branding as it reaches members' inboxes: the portal's and logo's addresses judged by
//! their parsed host (not their prefix), and the tenant's name in From encoded so that
//! it can never name another sender.

use portico_local::{mailbox, provision};
use portico_tests::spawn_app;
use serde_json::json;

#[tokio::test]
async fn branding_addresses_are_https_urls_by_their_host_not_their_prefix() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let settings = app.api.expect(200, "GET", "/admin/settings", &t.admin, None).await.unwrap();
    for (field, url) in [
        ("portal_url", "http://localhost.evil.example/"),
        ("portal_url", "http://localhost@evil.example/"),
        ("portal_url", "http://127.0.0.1.evil.example/"),
        ("portal_url", "https://portal.acme.test@evil.example/"),
        ("logo_url", "https://user:secret@cdn.acme.test/logo.png"),
        ("logo_url", "http://cdn.acme.test/logo.png"),
    ] {
        let mut body = settings.clone();
        body["branding"][field] = json!(url);
        let a = app.api.put("/admin/settings", &t.admin, &body).await.unwrap();
        assert_eq!(a.status, 400, "{url}: {}", a.text);
        assert_eq!(a.body["errors"][0]["field"], format!("branding.{field}"), "{url}: {}", a.text);
    }
    let unchanged = app.api.expect(200, "GET", "/admin/settings", &t.admin, None).await.unwrap();
    assert_eq!(unchanged["branding"], settings["branding"], "nothing was stored");

    // What is stored is the address as a browser reads it; the local stack's own
    // address is fine here (a deployment refuses it: `Branding::check_addresses`).
    let mut body = settings.clone();
    body["branding"]["portal_url"] = json!("http://127.0.0.1:3000");
    body["branding"]["logo_url"] = json!("https://CDN.acme.test/logo.png");
    let stored = app.api.expect(200, "PUT", "/admin/settings", &t.admin, Some(&body)).await.unwrap();
    assert_eq!(stored["branding"]["portal_url"], "http://127.0.0.1:3000/");
    assert_eq!(stored["branding"]["logo_url"], "https://cdn.acme.test/logo.png");
}

#[tokio::test]
async fn the_tenants_name_in_from_never_names_another_sender_and_may_be_unicode() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let customer = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let settings = app.api.expect(200, "GET", "/admin/settings", &t.admin, None).await.unwrap();
    for (n, name) in ["Acme\" <ceo@bank.example>, \"Other", "Installatiebedrijf Müller & Zn."].into_iter().enumerate()
    {
        let mut body = app.api.expect(200, "GET", "/admin/settings", &t.admin, None).await.unwrap();
        body["branding"] = settings["branding"].clone();
        body["branding"]["display_name"] = json!(name);
        app.api.expect(200, "PUT", "/admin/settings", &t.admin, Some(&body)).await.unwrap();
        let email = app.email(&format!("m{n}"));
        let member = app
            .member(&t.admin, json!({"customer_id": customer, "first_name": "M", "last_name": "N", "email": email}))
            .await;
        // SES (here, its local stand-in) takes the From as sent, and the mail goes out.
        app.api.expect(200, "POST", &format!("/admin/members/{member}/invite"), &t.admin, None).await.unwrap();
        let mails = mailbox::to(&app.aws.endpoint, &email).await.unwrap();
        let from = &mails.last().expect("the invitation").source;
        let (shown, address) = from.rsplit_once(" <").unwrap();
        assert_eq!(address, format!("{}>", provision::SENDER), "{from}");
        assert!(!shown.contains(['<', '>', '@']), "one mailbox, the platform's: {from}");
        assert_eq!(from, &portico::mail::from_mailbox(name, provision::SENDER).unwrap());
    }
}
