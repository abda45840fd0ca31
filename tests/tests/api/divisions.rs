//! Divisions: sites filed under a customer's divisions, and grants to
//! divisions that cover the sites filed there — including those filed later.

use portico_tests::{id, ids, spawn_app};
use serde_json::json;

#[tokio::test]
async fn a_division_grant_covers_the_divisions_sites_now_and_later() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let c = app.customer(&t.admin, json!({"name": "Nando's"})).await;
    let divisions = format!("/admin/customers/{c}/divisions");
    let north = id(&app
        .api
        .expect(201, "POST", &divisions, &t.admin, Some(&json!({"name": "North", "parent_group": "UK"})))
        .await
        .unwrap());
    let south = id(&app
        .api
        .expect(201, "POST", &divisions, &t.admin, Some(&json!({"name": "South", "parent_group": "UK"})))
        .await
        .unwrap());
    let listed = app.api.expect(200, "GET", &divisions, &t.admin, None).await.unwrap();
    assert_eq!(ids(&listed).len(), 2);
    assert_eq!(listed["items"][0]["parent_group"], "UK");

    let site = |name: &'static str, division: Option<&str>| {
        let (app, admin, c) = (&app, t.admin.clone(), c.clone());
        let body = json!({"name": name, "address": "1 High Street", "division_id": division});
        async move {
            id(&app.api.expect(201, "POST", &format!("/admin/customers/{c}/sites"), &admin, Some(&body)).await.unwrap())
        }
    };
    let leeds = site("Leeds", Some(&north)).await;
    let bristol = site("Bristol", Some(&south)).await;
    let loose = site("Depot", None).await;

    let email = app.email("nora");
    let body = json!({"customer_id": c, "first_name": "Nora", "last_name": "North", "email": email, "admin": false,
        "scope": {"grants": [{"customer_id": c, "division_ids": [north]}]}});
    let m = app.member(&t.admin, body).await;
    let token = app.invited_member(&t.admin, &m, &email).await;
    let seen = app.api.expect(200, "GET", "/portal/sites", &token, None).await.unwrap();
    assert_eq!(ids(&seen), vec![leeds.clone()]);

    // A site filed under North later is covered at once; one moved out is not.
    let york = site("York", Some(&north)).await;
    app.api.patch(&format!("/admin/sites/{bristol}"), &t.admin, &json!({"division_id": north})).await.unwrap();
    app.api.patch(&format!("/admin/sites/{leeds}"), &t.admin, &json!({"division_id": null})).await.unwrap();
    let mut now: Vec<String> = ids(&app.api.expect(200, "GET", "/portal/sites", &token, None).await.unwrap());
    now.sort();
    let mut expected = vec![york, bristol];
    expected.sort();
    assert_eq!(now, expected);
    assert!(!now.contains(&leeds) && !now.contains(&loose));
}

#[tokio::test]
async fn divisions_belong_to_one_customer_and_keep_their_sites() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let c = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let other = app.customer(&t.admin, json!({"name": "Lakeside"})).await;
    let theirs = id(&app
        .api
        .expect(201, "POST", &format!("/admin/customers/{other}/divisions"), &t.admin, Some(&json!({"name": "X"})))
        .await
        .unwrap());
    let mine = id(&app
        .api
        .expect(201, "POST", &format!("/admin/customers/{c}/divisions"), &t.admin, Some(&json!({"name": "Y"})))
        .await
        .unwrap());

    let wrong_site = app
        .api
        .post(
            &format!("/admin/customers/{c}/sites"),
            &t.admin,
            &json!({"name": "S", "address": "A", "division_id": theirs}),
        )
        .await
        .unwrap();
    assert_eq!(wrong_site.status, 400);
    assert_eq!(wrong_site.body["errors"][0]["field"], "division_id");
    let wrong_grant = json!({"customer_id": c, "first_name": "W", "last_name": "G", "email": app.email("w"),
        "scope": {"grants": [{"customer_id": c, "division_ids": [theirs]}]}});
    assert_eq!(app.api.post("/admin/members", &t.admin, &wrong_grant).await.unwrap().status, 400);
    let both = json!({"customer_id": c, "first_name": "W", "last_name": "G", "email": app.email("w2"),
        "scope": {"grants": [{"customer_id": c, "division_ids": [mine], "site_ids": []}]}});
    assert_eq!(app.api.post("/admin/members", &t.admin, &both).await.unwrap().status, 400);

    let site = id(&app
        .api
        .expect(
            201,
            "POST",
            &format!("/admin/customers/{c}/sites"),
            &t.admin,
            Some(&json!({"name": "S", "address": "A", "division_id": mine})),
        )
        .await
        .unwrap());
    let del = |path: String| {
        let (app, admin) = (&app, t.admin.clone());
        async move { app.api.send("DELETE", &path, Some(&admin), None, &[]).await.unwrap().status }
    };
    assert_eq!(del(format!("/admin/divisions/{mine}")).await, 409, "sites are filed under it");
    let renamed = app
        .api
        .patch(&format!("/admin/divisions/{mine}"), &t.admin, &json!({"name": "Yorkshire", "parent_group": null}))
        .await
        .unwrap();
    assert_eq!(renamed.body["name"], "Yorkshire");
    app.api.patch(&format!("/admin/sites/{site}"), &t.admin, &json!({"division_id": null})).await.unwrap();
    assert_eq!(del(format!("/admin/divisions/{mine}")).await, 204);
}
