//! Access groups: members' effective rights are their own and their groups',
//! as the groups are now.

use portico_tests::{id, ids, spawn_app};
use serde_json::json;

#[tokio::test]
async fn group_rights_add_to_a_members_own_and_follow_every_change() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let harbor = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let outlets = app.customer(&t.admin, json!({"name": "Outlets", "parent_id": harbor})).await;
    let lakeside = app.customer(&t.admin, json!({"name": "Lakeside"})).await;
    let hq = app.site(&t.admin, &harbor, "HQ").await;
    let north = app.site(&t.admin, &outlets, "North").await;
    let lake = app.site(&t.admin, &lakeside, "Lake").await;

    // The group grants Outlets and Lakeside, view_invoices and a report.
    let body = json!({"name": "Managers", "permissions": ["view_invoices"], "reports": ["first_time_fix"],
        "scope": {"grants": [{"customer_id": outlets}, {"customer_id": lakeside}]}});
    let group = id(&app.api.expect(201, "POST", "/admin/access-groups", &t.admin, Some(&body)).await.unwrap());
    let listed = app.api.expect(200, "GET", "/admin/access-groups", &t.admin, None).await.unwrap();
    assert_eq!(ids(&listed), vec![group.clone()]);

    let email = app.email("gina");
    let m = app
        .member(&t.admin, json!({"customer_id": harbor, "first_name": "Gina", "last_name": "G", "email": email, "admin": false,
            "permissions": ["view_jobs"], "scope": {"grants": [{"customer_id": harbor, "site_ids": [hq]}]}, "group_ids": [group]}))
        .await;
    let token = app.invited_member(&t.admin, &m, &email).await;

    let me = app.api.expect(200, "GET", "/portal/me", &token, None).await.unwrap();
    assert_eq!(me["permissions"], json!(["view_jobs", "view_invoices"]));
    assert_eq!(me["reports"], json!(["first_time_fix"]));
    assert_eq!(me["groups"][0]["name"], "Managers");
    let mut seen = ids(&app.api.expect(200, "GET", "/portal/sites", &token, None).await.unwrap());
    seen.sort();
    let mut expected = vec![hq.clone(), north.clone()];
    expected.sort();
    assert_eq!(seen, expected, "Lakeside is outside Gina's customer: the group's grant there does not count");
    assert!(!seen.contains(&lake));

    // A change to the group acts on the next request.
    app.api
        .patch(&format!("/admin/access-groups/{group}"), &t.admin, &json!({"permissions": [], "scope": {"grants": []}}))
        .await
        .unwrap();
    let me = app.api.expect(200, "GET", "/portal/me", &token, None).await.unwrap();
    assert_eq!(me["permissions"], json!(["view_jobs"]));
    assert_eq!(ids(&app.api.expect(200, "GET", "/portal/sites", &token, None).await.unwrap()), vec![hq.clone()]);

    // So does deleting it.
    app.api
        .patch(&format!("/admin/access-groups/{group}"), &t.admin, &json!({"permissions": ["view_assets"]}))
        .await
        .unwrap();
    assert_eq!(
        app.api.expect(200, "GET", "/portal/me", &token, None).await.unwrap()["permissions"],
        json!(["view_jobs", "view_assets"])
    );
    let deleted =
        app.api.send("DELETE", &format!("/admin/access-groups/{group}"), Some(&t.admin), None, &[]).await.unwrap();
    assert_eq!(deleted.status, 204);
    let me = app.api.expect(200, "GET", "/portal/me", &token, None).await.unwrap();
    assert_eq!(me["permissions"], json!(["view_jobs"]));
    assert_eq!(me["groups"], json!([]));
}

#[tokio::test]
async fn groups_are_validated_and_stay_in_their_tenant() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let acme = app.tenant_by(&operator, "Acme").await;
    let globex = app.tenant_by(&operator, "Globex").await;
    app.complete_setup(&acme.admin).await;
    let theirs = id(&app
        .api
        .expect(201, "POST", "/admin/access-groups", &globex.admin, Some(&json!({"name": "G"})))
        .await
        .unwrap());
    let c = app.customer(&acme.admin, json!({"name": "Harbor"})).await;

    assert_eq!(app.api.get(&format!("/admin/access-groups/{theirs}"), &acme.admin).await.unwrap().status, 404);
    let with_theirs =
        json!({"customer_id": c, "first_name": "A", "last_name": "B", "email": app.email("a"), "group_ids": [theirs]});
    let refused = app.api.post("/admin/members", &acme.admin, &with_theirs).await.unwrap();
    assert_eq!(refused.status, 400);
    assert_eq!(refused.body["errors"][0]["field"], "group_ids");
    let bad_scope = json!({"name": "X", "scope": {"grants": [{"customer_id": "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D"}]}});
    assert_eq!(app.api.post("/admin/access-groups", &acme.admin, &bad_scope).await.unwrap().status, 400);
    let bad_report = json!({"name": "X", "reports": ["everything"]});
    assert_eq!(app.api.post("/admin/access-groups", &acme.admin, &bad_report).await.unwrap().status, 400);
}

#[tokio::test]
async fn who_is_in_a_group_is_listed_without_reading_every_member() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let harbor = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let lakeside = app.customer(&t.admin, json!({"name": "Lakeside"})).await;
    let group = id(&app
        .api
        .expect(201, "POST", "/admin/access-groups", &t.admin, Some(&json!({"name": "Managers"})))
        .await
        .unwrap());
    let other = id(&app
        .api
        .expect(201, "POST", "/admin/access-groups", &t.admin, Some(&json!({"name": "Others"})))
        .await
        .unwrap());
    let member = |customer: &String, name: &str, groups: Vec<&String>| json!({"customer_id": customer, "first_name": name, "last_name": "M", "email": app.email(name), "group_ids": groups});
    let gina = app.member(&t.admin, member(&harbor, "gina", vec![&group])).await;
    let lars = app.member(&t.admin, member(&lakeside, "lars", vec![&other, &group])).await;
    let olga = app.member(&t.admin, member(&harbor, "olga", vec![&other])).await;
    app.member(&t.admin, member(&harbor, "nils", vec![])).await;

    // Newest member first; a page at a time, every one of them across the pages.
    let url = format!("/admin/members?group_id={group}");
    let listed = app.api.expect(200, "GET", &url, &t.admin, None).await.unwrap();
    assert_eq!(ids(&listed), vec![lars.clone(), gina.clone()]);
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page_url = match &cursor {
            None => format!("{url}&limit=1"),
            Some(c) => format!("{url}&limit=1&cursor={c}"),
        };
        let page = app.api.expect(200, "GET", &page_url, &t.admin, None).await.unwrap();
        seen.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, vec![lars.clone(), gina.clone()]);

    // With a customer too: that customer's members in the group.
    let of_harbor = format!("/admin/members?group_id={other}&customer_id={harbor}");
    assert_eq!(ids(&app.api.expect(200, "GET", &of_harbor, &t.admin, None).await.unwrap()), vec![olga]);

    // Leaving the group leaves the list; a malformed id is the field's error.
    app.api.patch(&format!("/admin/members/{gina}"), &t.admin, &json!({"group_ids": []})).await.unwrap();
    assert_eq!(ids(&app.api.expect(200, "GET", &url, &t.admin, None).await.unwrap()), vec![lars]);
    let bad = app.api.get("/admin/members?group_id=nope", &t.admin).await.unwrap();
    assert_eq!(bad.status, 400);
    assert_eq!(bad.body["errors"][0]["field"], "group_id");
}
