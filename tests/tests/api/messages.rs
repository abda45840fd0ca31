//! Portal messages through the local gateway: a member sees exactly the current messages
//! addressed to them (everyone, or a group they belong to now), marks them read and
//! acknowledges those that ask for it; the admin sees who has acknowledged and who has not.

use portico_tests::{id, ids, spawn_app, TestApp};
use serde_json::{json, Value};

async fn post(app: &TestApp, admin: &str, body: Value) -> Value {
    app.api.expect(201, "POST", "/admin/messages", admin, Some(&body)).await.unwrap()
}

async fn unread(app: &TestApp, token: &str) -> u64 {
    app.api.expect(200, "GET", "/portal/me", token, None).await.unwrap()["unread_messages"].as_u64().unwrap()
}

async fn inbox(app: &TestApp, token: &str) -> Vec<String> {
    ids(&app.api.expect(200, "GET", "/portal/messages", token, None).await.unwrap())
}

fn action(message: &Value, what: &str) -> String {
    format!("/portal/messages/{}/{what}", id(message))
}

#[tokio::test]
async fn members_see_the_current_messages_addressed_to_them_and_the_admin_sees_who_acknowledged() {
    let app = &spawn_app().await;
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let customer = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let admin = &t.admin;
    let group = |name: &'static str| async move {
        let body = json!({"name": name, "permissions": ["view_messages"]});
        id(&app.api.expect(201, "POST", "/admin/access-groups", admin, Some(&body)).await.unwrap())
    };
    let (managers, drivers) = (group("Managers").await, group("Drivers").await);
    let member = |name: &'static str, groups: Vec<&str>, permissions: Value| {
        let body = json!({"customer_id": customer, "first_name": name, "last_name": "M", "email": app.email(name),
            "permissions": permissions, "group_ids": groups});
        async move {
            let m = app.member(admin, body).await;
            let token = app.invited_member(admin, &m, &app.email(name)).await;
            (m, token)
        }
    };
    let (ann_id, ann) = member("ann", vec![&managers], json!([])).await;
    let (bob_id, bob) = member("bob", vec![], json!(["view_messages"])).await;
    let (_, carl) = member("carl", vec![], json!(["view_jobs"])).await;

    let notice = post(
        app,
        &t.admin,
        json!({"title": "Hard hats on site", "body": "From Monday, everywhere.\nThank you.",
        "audience": {"all": true}, "requires_ack": true}),
    )
    .await;
    assert_eq!(notice["state"], "current");
    assert_eq!(notice["receipts"], json!({"read": 0, "acknowledged": 0}));
    let to_managers = post(
        app,
        &t.admin,
        json!({"title": "Budget review", "body": "Friday 10:00.", "audience": {"group_ids": [managers]}}),
    )
    .await;
    let later = post(
        app,
        &t.admin,
        json!({"title": "Next year", "body": "Holidays.", "audience": {"all": true},
        "starts_at": "2099-01-01T00:00:00Z"}),
    )
    .await;
    assert_eq!(later["state"], "scheduled");
    for (bad, field) in [
        (json!({"title": "T", "body": "B", "audience": {"all": true, "group_ids": [managers]}}), "audience"),
        (json!({"title": "T", "body": "B", "audience": {}}), "audience"),
        (
            json!({"title": "T", "body": "B", "audience": {"group_ids": ["grp_01JD8Z6V5Q2W3E4R5T6Y7A8B00"]}}),
            "audience.group_ids",
        ),
        (json!({"title": "T", "body": "B", "audience": {"all": true}, "ends_at": "2020-01-01T00:00:00Z"}), "ends_at"),
        (
            json!({"title": "T", "body": "B", "audience": {"all": true}, "starts_at": "2099-02-01T00:00:00Z",
                "ends_at": "2099-01-01T00:00:00Z"}),
            "ends_at",
        ),
        (json!({"title": "", "body": "B", "audience": {"all": true}}), "title"),
    ] {
        let refused = app.api.post("/admin/messages", &t.admin, &bad).await.unwrap();
        assert_eq!(refused.status, 400, "{bad}");
        assert_eq!(refused.body["errors"][0]["field"], field, "{bad}");
    }
    let unknown = json!({"title": "T", "body": "B", "audience": {"all": true}, "pinned": true});
    assert_eq!(app.api.post("/admin/messages", &t.admin, &unknown).await.unwrap().status, 400);
    let all = app.api.expect(200, "GET", "/admin/messages", &t.admin, None).await.unwrap();
    assert_eq!(ids(&all), [id(&later), id(&to_managers), id(&notice)], "newest first, whatever the window");

    // What each member sees: the group's message only in the group; nothing scheduled.
    assert_eq!(inbox(app, &ann).await, [id(&to_managers), id(&notice)]);
    assert_eq!(inbox(app, &bob).await, [id(&notice)]);
    assert_eq!(app.api.get("/portal/messages", &carl).await.unwrap().status, 403, "no view_messages");
    assert_eq!((unread(app, &ann).await, unread(app, &bob).await, unread(app, &carl).await), (2, 1, 0));
    for (who, message) in [(&bob, &to_managers), (&ann, &later)] {
        assert_eq!(app.api.post(&action(message, "read"), who, &json!({})).await.unwrap().status, 404);
    }

    // Reading is recorded once; acknowledging only what asks for it.
    let read = app.api.expect(200, "POST", &action(&to_managers, "read"), &ann, Some(&json!({}))).await.unwrap();
    assert_eq!((read["read"].clone(), read["acknowledged"].clone()), (json!(true), json!(false)));
    let again = app.api.expect(200, "POST", &action(&to_managers, "read"), &ann, Some(&json!({}))).await.unwrap();
    assert_eq!(again["read_at"], read["read_at"], "the first read stands");
    assert_eq!(unread(app, &ann).await, 1);
    let refused = app.api.post(&action(&to_managers, "ack"), &ann, &json!({})).await.unwrap();
    assert_eq!(refused.status, 422, "{:?}", refused.body);
    let acked = app.api.expect(200, "POST", &action(&notice, "ack"), &ann, Some(&json!({}))).await.unwrap();
    assert_eq!((acked["read"].clone(), acked["acknowledged"].clone()), (json!(true), json!(true)));
    assert_eq!(unread(app, &ann).await, 0);
    let listed = app.api.expect(200, "GET", "/portal/messages", &ann, None).await.unwrap();
    assert_eq!(listed["items"][1]["acknowledged"], true);
    let only_unread = app.api.expect(200, "GET", "/portal/messages?unread=true", &bob, None).await.unwrap();
    assert_eq!(ids(&only_unread), [id(&notice)]);

    // The admin: counts on the message, and who has (not) acknowledged it.
    let path = format!("/admin/messages/{}", id(&notice));
    let seen = app.api.expect(200, "GET", &path, &t.admin, None).await.unwrap();
    assert_eq!(seen["receipts"], json!({"read": 1, "acknowledged": 1}));
    // The list answers the same counts for each message (the console shows them).
    let listed = app.api.expect(200, "GET", "/admin/messages", &t.admin, None).await.unwrap();
    let counts: Vec<&Value> = listed["items"].as_array().unwrap().iter().map(|m| &m["receipts"]).collect();
    assert_eq!(
        counts,
        [
            &json!({"read": 0, "acknowledged": 0}),
            &json!({"read": 1, "acknowledged": 0}),
            &json!({"read": 1, "acknowledged": 1})
        ],
        "newest first: {listed:#}"
    );
    let acks = app.api.expect(200, "GET", &format!("{path}/acknowledgements"), &t.admin, None).await.unwrap();
    let by_member = |v: &Value, m: &str| v["items"].as_array().unwrap().iter().find(|a| a["member_id"] == m).cloned();
    assert!(by_member(&acks, &ann_id).unwrap()["acknowledged_at"].is_string());
    assert!(by_member(&acks, &bob_id).unwrap()["acknowledged_at"].is_null());
    assert_eq!(acks["items"].as_array().unwrap().len(), 3, "everyone: Ann, Bob and Carl");
    let missing = app
        .api
        .expect(200, "GET", &format!("{path}/acknowledgements?acknowledged=false"), &t.admin, None)
        .await
        .unwrap();
    assert!(by_member(&missing, &ann_id).is_none() && by_member(&missing, &bob_id).is_some());
    let group_path = format!("/admin/messages/{}/acknowledgements", id(&to_managers));
    let group_acks = app.api.expect(200, "GET", &group_path, &t.admin, None).await.unwrap();
    assert_eq!(group_acks["items"].as_array().unwrap().len(), 1, "the managers: Ann only");

    // Membership counts as it is now: Bob joins the managers, then the message moves to the drivers.
    let bob_path = format!("/admin/members/{bob_id}");
    app.api.expect(200, "PATCH", &bob_path, &t.admin, Some(&json!({"group_ids": [managers]}))).await.unwrap();
    assert_eq!(inbox(app, &bob).await, [id(&to_managers), id(&notice)]);
    let message_path = format!("/admin/messages/{}", id(&to_managers));
    let moved = json!({"audience": {"group_ids": [drivers]}});
    app.api.expect(200, "PATCH", &message_path, &t.admin, Some(&moved)).await.unwrap();
    assert_eq!(inbox(app, &bob).await, [id(&notice)]);
    assert_eq!(inbox(app, &ann).await, [id(&notice)]);

    // Ending a message now takes it down; deleting one too.
    let stale =
        app.api.send("PATCH", &path, Some(&t.admin), Some(&json!({"title": "X"})), &[("if-match", "\"0\"")]).await;
    assert_eq!(stale.unwrap().status, 412);
    let ended = json!({"ends_at": "2020-01-01T00:00:00Z"});
    let ended = app.api.expect(200, "PATCH", &path, &t.admin, Some(&ended)).await.unwrap();
    assert_eq!(ended["state"], "ended");
    assert_eq!(inbox(app, &bob).await, Vec::<String>::new());
    assert_eq!(app.api.post(&action(&notice, "ack"), &bob, &json!({})).await.unwrap().status, 404);
    app.api.expect(200, "PATCH", &message_path, &t.admin, Some(&json!({"audience": {"all": true}}))).await.unwrap();
    assert_eq!(app.api.get("/portal/messages", &carl).await.unwrap().status, 403, "Carl still may not read messages");
    assert_eq!(inbox(app, &ann).await, [id(&to_managers)]);
    // A group deleted since does not stop edits of the text; adding a missing one does.
    let temps = group("Temps").await;
    let to_temps = post(app, &t.admin, json!({"title": "T", "body": "B", "audience": {"group_ids": [temps]}})).await;
    app.api.expect(204, "DELETE", &format!("/admin/access-groups/{temps}"), &t.admin, None).await.unwrap();
    let temps_path = format!("/admin/messages/{}", id(&to_temps));
    app.api.expect(200, "PATCH", &temps_path, &t.admin, Some(&json!({"title": "Typo fixed"}))).await.unwrap();
    let missing = json!({"audience": {"group_ids": [temps, "grp_01JD8Z6V5Q2W3E4R5T6Y7A8B00"]}});
    let refused = app.api.patch(&temps_path, &t.admin, &missing).await.unwrap();
    assert_eq!((refused.status, refused.body["errors"][0]["field"].clone()), (400, json!("audience.group_ids")));
    app.api.expect(204, "DELETE", &message_path, &t.admin, None).await.unwrap();
    assert_eq!(inbox(app, &ann).await, Vec::<String>::new());
    assert_eq!(app.api.get(&message_path, &t.admin).await.unwrap().status, 404);
}

#[tokio::test]
async fn of_racing_acknowledgements_exactly_one_is_recorded() {
    let app = &spawn_app().await;
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let customer = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let body = json!({"customer_id": customer, "first_name": "Ann", "last_name": "M", "email": app.email("ann"),
        "permissions": ["view_messages"]});
    let ann_id = app.member(&t.admin, body).await;
    let ann = app.invited_member(&t.admin, &ann_id, &app.email("ann")).await;
    let notice = post(
        app,
        &t.admin,
        json!({"title": "Safety", "body": "Read me.", "audience": {"all": true}, "requires_ack": true}),
    )
    .await;
    let path = action(&notice, "ack");
    let answers = futures_util::future::join_all((0..6).map(|n| {
        let (path, ann) = (path.clone(), ann.clone());
        let what = if n % 2 == 0 { path } else { path.replace("/ack", "/read") };
        async move { app.api.post(&what, &ann, &json!({})).await.unwrap() }
    }))
    .await;
    assert!(answers.iter().all(|a| a.status == 200), "{:?}", answers.iter().map(|a| a.status).collect::<Vec<_>>());
    let acks: Vec<&Value> = answers.iter().step_by(2).map(|a| &a.body["acknowledged_at"]).collect();
    assert!(acks.iter().all(|a| a.is_string() && *a == acks[0]), "one acknowledgement, the same for all: {acks:?}");
    let seen = app.api.expect(200, "GET", &format!("/admin/messages/{}", id(&notice)), &t.admin, None).await.unwrap();
    assert_eq!(seen["receipts"], json!({"read": 1, "acknowledged": 1}));
}
