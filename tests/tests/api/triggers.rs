//! The Cognito CustomMessage trigger brands verification-code emails per tenant and
//! language (fixture: `events/cognito/CustomMessage_ForgotPassword.json`).

use portico_local::workspace_root;
use serde_json::{json, Value};

use super::fixtures::World;
use portico_tests::spawn_app;

fn fixture(world: Option<&World>) -> Value {
    let text =
        std::fs::read_to_string(workspace_root().join("events/cognito/CustomMessage_ForgotPassword.json")).unwrap();
    serde_json::from_str(&world.map_or(text.clone(), |w| w.apply(&text))).unwrap()
}

#[tokio::test]
async fn verification_codes_are_branded_in_the_members_language() {
    let app = spawn_app().await;
    let t = app.tenant("Fixture Tenant").await;
    let world = World::build(&app, &t).await;
    let member = world.id(super::fixtures::MEMBER).to_owned();
    app.api.patch(&format!("/admin/members/{member}"), &t.admin, &json!({"locale": "nl"})).await.unwrap();

    let out = portico_functions::triggers::custom_message(app.app, fixture(Some(&world))).await;
    let subject = out["response"]["emailSubject"].as_str().unwrap();
    let html = out["response"]["emailMessage"].as_str().unwrap();
    assert!(subject.contains("Acme Service"), "{subject}");
    assert!(html.contains("{####}"), "Cognito's placeholder survives");
    assert!(html.contains("Hallo Carla"), "in the member's language");

    // A user of no tenant gets the platform's brand; other messages are Cognito's own.
    let mut operator = fixture(None);
    let attrs = operator["request"]["userAttributes"].as_object_mut().unwrap();
    attrs.remove("custom:tenant_id");
    attrs.remove("custom:member_id");
    let out = portico_functions::triggers::custom_message(app.app, operator).await;
    assert!(out["response"]["emailSubject"].as_str().unwrap().contains("Portico"));
    let mut other = fixture(Some(&world));
    other["triggerSource"] = json!("CustomMessage_Authentication");
    let out = portico_functions::triggers::custom_message(app.app, other).await;
    assert!(out["response"]["emailMessage"].is_null());

    // A tenant that is gone leaves Cognito's default message rather than blocking the reset.
    let gone = portico_functions::triggers::custom_message(app.app, fixture(None)).await;
    assert!(gone["response"]["emailMessage"].is_null());
}
