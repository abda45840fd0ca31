//! Nothing secret is ever logged. Every log line the handlers, the store, identity, mail
//! and the local gateway write — as JSON, exactly as in production, and at `debug` for
//! Portico's own code — is captured while a tenant is created, its admin and a member
//! sign in from their emailed temporary passwords, an invitation carries a personal
//! message, passwords are reset (new credentials, and Cognito's code), and requests
//! arrive with good, forged and expired tokens. Then the capture is searched for every
//! token, every password and every email body.
//!
//! Its own test binary: the capture is the process's one log subscriber.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use portico_local::mailbox;
use portico_tests::{spawn_app, PASSWORD};
use serde_json::json;

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture() -> &'static Capture {
    static CAPTURE: OnceLock<Capture> = OnceLock::new();
    CAPTURE.get_or_init(|| {
        let capture = Capture::default();
        let writer = capture.clone();
        // Production's level for everything, and more for Portico's own crates.
        portico::observability::init_tracing_to(
            move || writer.clone(),
            "info,portico=debug,portico_functions=debug,portico_local=debug",
        );
        capture
    })
}

/// The visible text of an HTML email, line by line.
fn text_lines(html: &str) -> Vec<String> {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push('\n');
            }
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

#[tokio::test]
async fn no_log_line_holds_a_token_a_password_or_an_email_body() {
    let logs = capture();
    let app = spawn_app().await;

    // A tenant; its admin signs in with the emailed temporary password.
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let harbor = app.customer(&t.admin, json!({"name": "Harbor"})).await;

    // A member invited with a personal message; they sign in and use the portal.
    let note = "Welcome aboard Carla, the portal has your sites: ask Ada for anything";
    let carla_email = app.email("carla");
    let carla_id = app
        .member(&t.admin, json!({"customer_id": harbor, "first_name": "Carla", "last_name": "C", "email": carla_email, "admin": false}))
        .await;
    app.api
        .expect(200, "POST", &format!("/admin/members/{carla_id}/invite"), &t.admin, Some(&json!({"message": note})))
        .await
        .unwrap();
    let carla = app.accept_invitation(&carla_email).await;
    app.api.expect(200, "GET", "/portal/me", &carla, None).await.unwrap();
    app.api.expect(200, "PATCH", "/portal/me", &carla, Some(&json!({"phone": "+31612349876"}))).await.unwrap();

    // Resets: Cognito's code for one who signed in; new credentials for one who never did.
    app.api.expect(200, "POST", &format!("/admin/members/{carla_id}/reset-password"), &t.admin, None).await.unwrap();
    let dan_email = app.email("dan");
    let dan_id = app
        .member(&t.admin, json!({"customer_id": harbor, "first_name": "Dan", "last_name": "D", "email": dan_email}))
        .await;
    app.api.expect(200, "POST", &format!("/admin/members/{dan_id}/invite"), &t.admin, None).await.unwrap();
    app.api.expect(200, "POST", &format!("/admin/members/{dan_id}/reset-password"), &t.admin, None).await.unwrap();

    // Tokens the gateway refuses, and requests that fail in the handlers.
    let forged = format!("{}x", &carla[..carla.len() - 1]);
    for token in [forged.as_str(), "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", "not-a-token"] {
        assert_eq!(app.api.get("/portal/me", token).await.unwrap().status, 401);
    }
    assert_eq!(app.api.get("/admin/members/mem_01JD8Z6V5Q2W3E4R5T6Y7A8B9C", &t.admin).await.unwrap().status, 404);
    let bad =
        app.api.post("/admin/customers", &t.admin, &json!({"name": "", "admin_password": PASSWORD})).await.unwrap();
    assert_eq!(bad.status, 400);
    // A client's mistakes that fail deeper down (a stale version at the store's commit,
    // an address another member holds) are theirs: logged, but never at ERROR.
    let stale = [("if-match", "\"999\"")];
    let change = json!({"first_name": "Carla"});
    let refused = app.api.send("PATCH", "/portal/me", Some(&carla), Some(&change), &stale).await.unwrap();
    assert_eq!(refused.status, 412, "{}", refused.text);
    let taken = json!({"customer_id": harbor, "first_name": "Carla", "last_name": "Again", "email": carla_email});
    let again = app.api.post("/admin/members", &t.admin, &taken).await.unwrap();
    assert_eq!(again.status, 409, "{}", again.text);

    // What was sent, and what must therefore never have been logged.
    let mut secrets: Vec<String> = vec![t.admin.clone(), carla.clone(), forged, PASSWORD.to_owned(), note.to_owned()];
    let mut mails = Vec::new();
    for address in [&t.admin_email, &carla_email, &dan_email] {
        mails.extend(mailbox::to(&app.aws.endpoint, address).await.unwrap());
    }
    assert!(mails.len() >= 4, "the invitations and new credentials were sent: {}", mails.len());
    for mail in &mails {
        secrets.extend(mail.temporary_password().map(str::to_owned));
        secrets.push(mail.body.clone());
        // Any line of the body long enough to be the body's own words.
        secrets.extend(text_lines(&mail.body).into_iter().filter(|l| l.chars().count() >= 24));
    }
    let temporary = mails.iter().filter(|m| m.temporary_password().is_some()).count();
    assert!(temporary >= 3, "three temporary passwords to look for, found {temporary}");

    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let lines = logged.lines().count();
    assert!(
        lines > 10 && logged.contains("\"handled\""),
        "the capture holds the request log: {lines} lines:\n{logged}"
    );
    let errors: Vec<&str> = logged.lines().filter(|l| l.contains("\"level\":\"ERROR\"")).collect();
    assert!(errors.is_empty(), "a client's request logged at ERROR (an alarm would page someone): {errors:#?}");
    for secret in &secrets {
        assert!(!logged.contains(secret.as_str()), "logged: {}…", secret.chars().take(40).collect::<String>());
    }
    // No JWT at all (a token's header always starts so), nor an Authorization header.
    assert!(!logged.contains("eyJ"), "a JWT-shaped string was logged");
    assert!(!logged.to_ascii_lowercase().contains("bearer "), "an Authorization header was logged");
    println!("logs: {lines} lines captured, {} secrets looked for, none found", secrets.len());
}
