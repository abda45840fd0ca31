//! Upserts by the back office's own references (issue 27) for customers, sites,
//! divisions and contacts: created by a new reference, replaced by a later PUT, nothing
//! written by a PUT that changes nothing, each GET by either id, parents named by id or
//! reference — through the gateway, against the local stack.

use portico_tests::{id, spawn_app, TestApp};
use serde_json::{json, Value};

struct World {
    app: TestApp,
    operator: String,
    admin: String,
}

async fn world() -> World {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let t = app.tenant_by(&operator, "Acme").await;
    app.complete_setup(&t.admin).await;
    World { app, operator, admin: t.admin }
}

impl World {
    async fn put(&self, status: u16, path: &str, body: &Value) -> Value {
        self.app.api.expect(status, "PUT", path, &self.admin, Some(body)).await.unwrap()
    }

    async fn get(&self, status: u16, path: &str) -> Value {
        self.app.api.expect(status, "GET", path, &self.admin, None).await.unwrap()
    }
}

#[tokio::test]
async fn each_kind_is_created_by_its_reference_replaced_and_read_by_either_id() {
    let w = world().await;
    let cases = [
        ("customers", "HRG", json!({"name": "Harbor"}), json!({"name": "Harbor Retail"})),
        (
            "divisions",
            "DIV-N",
            json!({"customer_id": "HRG", "name": "North"}),
            json!({"customer_id": "HRG", "name": "North", "parent_group": "Retail"}),
        ),
        (
            "sites",
            "S-1",
            json!({"customer_id": "HRG", "name": "HQ", "address": "1 Kade", "division_id": "DIV-N"}),
            json!({"customer_id": "HRG", "name": "HQ", "address": "2 Kade", "division_id": "DIV-N"}),
        ),
        (
            "contacts",
            "C-1",
            json!({"customer_id": "HRG", "first_name": "Bea", "last_name": "B", "email": "bea@harbor.test", "role": "billing"}),
            json!({"customer_id": "HRG", "first_name": "Bea", "last_name": "B", "email": "bea@harbor.test", "role": "site_manager"}),
        ),
    ];
    for (collection, reference, first, second) in cases {
        let path = format!("/admin/{collection}/{reference}");
        let created = w.put(201, &path, &first).await;
        assert_eq!(created["external_ref"], reference, "{collection}");
        assert_eq!(created["version"], 1, "{collection}");
        let portico_id = id(&created);

        // Either id reads the same record.
        let by_ref = w.get(200, &path).await;
        let by_id = w.get(200, &format!("/admin/{collection}/{portico_id}")).await;
        assert_eq!(by_ref, by_id, "{collection}");
        assert_eq!(by_id, created, "{collection}");

        // The same body again writes nothing.
        let again = w.put(200, &path, &first).await;
        assert_eq!(again, created, "{collection}: a PUT that changes nothing writes nothing");

        // Its own GET's body is accepted back, unchanged: still nothing written.
        let echoed = w.put(200, &path, &by_ref).await;
        assert_eq!(echoed["version"], 1, "{collection}: {echoed}");

        // A change replaces it (200), by reference or by Portico id.
        let replaced = w.put(200, &path, &second).await;
        assert_eq!(replaced["version"], 2, "{collection}");
        assert_eq!(id(&replaced), portico_id, "{collection}");
        let mut back = replaced.clone();
        back["version"] = json!(2);
        let by_portico_id = w.put(200, &format!("/admin/{collection}/{portico_id}"), &back).await;
        assert_eq!(by_portico_id["version"], 2, "{collection}: the echo changed nothing");

        // A stale version, in the body or If-Match, is a 412.
        let mut stale = second.clone();
        stale["version"] = json!(1);
        w.put(412, &path, &stale).await;
        let answer =
            w.app.api.send("PUT", &path, Some(&w.admin), Some(&second), &[("if-match", "\"1\"")]).await.unwrap();
        assert_eq!(answer.status, 412, "{collection}");
        // Another record's id in the body, or another reference, is a 400.
        let mut wrong = by_ref.clone();
        wrong["external_ref"] = json!("OTHER");
        let problem = w.put(400, &path, &wrong).await;
        assert_eq!(problem["errors"][0]["field"], "external_ref", "{collection}");
        // An unknown Portico id is a 404, never a creation.
        let prefix = portico_id.split('_').next().unwrap();
        w.put(404, &format!("/admin/{collection}/{prefix}_01JD8Z6V5Q2W3E4R5T6Y7A8B00"), &second).await;
        w.get(404, &format!("/admin/{collection}/NO-SUCH-REF")).await;
    }
}

#[tokio::test]
async fn parents_are_named_by_id_or_reference_and_are_fixed() {
    let w = world().await;
    let harbor = id(&w.put(201, "/admin/customers/HRG", &json!({"name": "Harbor"})).await);
    let lake = id(&w.put(201, "/admin/customers/LAKE", &json!({"name": "Lakeside"})).await);
    // A child customer names its parent by reference; its view carries the parent's id.
    let east = w.put(201, "/admin/customers/HRG-E", &json!({"name": "Harbor East", "parent_id": "HRG"})).await;
    assert_eq!(east["parent_id"], harbor);
    // Its GET body, parent by Portico id, is accepted back.
    w.put(200, "/admin/customers/HRG-E", &east).await;
    // An unknown parent is a 422 naming the field.
    for (path, body, field) in [
        ("/admin/customers/X1", json!({"name": "X", "parent_id": "NOPE"}), "parent_id"),
        ("/admin/sites/X1", json!({"customer_id": "NOPE", "name": "X", "address": "A"}), "customer_id"),
        ("/admin/divisions/X1", json!({"customer_id": "NOPE", "name": "X"}), "customer_id"),
        (
            "/admin/contacts/X1",
            json!({"customer_id": "NOPE", "first_name": "X", "last_name": "Y", "email": "x@y.test", "role": "billing"}),
            "customer_id",
        ),
        (
            "/admin/sites/X1",
            json!({"customer_id": "HRG", "name": "X", "address": "A", "division_id": "NOPE"}),
            "division_id",
        ),
    ] {
        let problem = w.put(422, path, &body).await;
        assert_eq!(problem["errors"][0]["field"], field, "{path}: {problem}");
        w.get(404, path).await;
    }
    // The parent is fixed: naming another is a 409 saying so.
    let problem = w.put(409, "/admin/customers/HRG-E", &json!({"name": "Harbor East", "parent_id": "LAKE"})).await;
    assert!(problem["detail"].as_str().unwrap().contains("parent"), "{problem}");
    w.put(409, "/admin/customers/HRG-E", &json!({"name": "Harbor East"})).await;
    w.put(201, "/admin/sites/S-1", &json!({"customer_id": harbor, "name": "HQ", "address": "1 Kade"})).await;
    w.put(409, "/admin/sites/S-1", &json!({"customer_id": lake, "name": "HQ", "address": "1 Kade"})).await;
    // A division of another customer is refused.
    w.put(201, "/admin/divisions/D-L", &json!({"customer_id": "LAKE", "name": "Lake North"})).await;
    let problem = w
        .put(
            400,
            "/admin/sites/S-1",
            &json!({"customer_id": "HRG", "name": "HQ", "address": "1 Kade", "division_id": "D-L"}),
        )
        .await;
    assert_eq!(problem["errors"][0]["field"], "division_id");
}

#[tokio::test]
async fn a_reference_given_on_post_is_kept_immutable_and_freed_by_delete() {
    let w = world().await;
    let api = &w.app.api;
    let harbor = id(&api
        .expect(201, "POST", "/admin/customers", &w.admin, Some(&json!({"name": "Harbor", "external_ref": "HRG"})))
        .await
        .unwrap());
    assert_eq!(id(&w.get(200, "/admin/customers/HRG").await), harbor);
    // Another customer cannot take it; a reference shaped like an id is refused.
    api.expect(409, "POST", "/admin/customers", &w.admin, Some(&json!({"name": "B", "external_ref": "HRG"})))
        .await
        .unwrap();
    let problem = api
        .expect(
            400,
            "POST",
            "/admin/customers",
            &w.admin,
            Some(&json!({"name": "C", "external_ref": "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D"})),
        )
        .await
        .unwrap();
    assert_eq!(problem["errors"][0]["field"], "external_ref");
    // A customer created without one cannot be given one by PUT.
    let plain = app_customer(&w, "Plain").await;
    let problem =
        w.put(400, &format!("/admin/customers/{plain}"), &json!({"name": "Plain", "external_ref": "PLAIN"})).await;
    assert_eq!(problem["errors"][0]["field"], "external_ref");
    // A site created by POST with a reference is found by it.
    let site = id(&api
        .expect(
            201,
            "POST",
            &format!("/admin/customers/{harbor}/sites"),
            &w.admin,
            Some(&json!({"name": "HQ", "address": "1 Kade", "external_ref": "S-HQ"})),
        )
        .await
        .unwrap());
    assert_eq!(id(&w.get(200, "/admin/sites/S-HQ").await), site);
    // Deleting frees the reference: the next PUT of it creates anew.
    api.expect(204, "DELETE", &format!("/admin/sites/{site}"), &w.admin, None).await.unwrap();
    w.get(404, "/admin/sites/S-HQ").await;
    let again =
        w.put(201, "/admin/sites/S-HQ", &json!({"customer_id": "HRG", "name": "HQ", "address": "1 Kade"})).await;
    assert_ne!(id(&again), site);
}

async fn app_customer(w: &World, name: &str) -> String {
    w.app.customer(&w.admin, json!({ "name": name })).await
}

#[tokio::test]
async fn a_reference_is_the_tenants_own() {
    let w = world().await;
    let other = w.app.tenant_by(&w.operator, "Other").await;
    w.app.complete_setup(&other.admin).await;
    let mine = id(&w.put(201, "/admin/customers/HRG", &json!({"name": "Harbor"})).await);
    // The other tenant cannot read or replace mine, by id; by reference it makes its own.
    w.app.api.expect(404, "GET", &format!("/admin/customers/{mine}"), &other.admin, None).await.unwrap();
    w.app.api.expect(404, "GET", "/admin/customers/HRG", &other.admin, None).await.unwrap();
    w.app
        .api
        .expect(404, "PUT", &format!("/admin/customers/{mine}"), &other.admin, Some(&json!({"name": "Mine now"})))
        .await
        .unwrap();
    let theirs = w
        .app
        .api
        .expect(201, "PUT", "/admin/customers/HRG", &other.admin, Some(&json!({"name": "Theirs"})))
        .await
        .unwrap();
    assert_ne!(id(&theirs), mine);
    // Naming my customer as a parent is as if it did not exist.
    w.app
        .api
        .expect(
            422,
            "PUT",
            "/admin/sites/S-1",
            &other.admin,
            Some(&json!({"customer_id": mine, "name": "X", "address": "A"})),
        )
        .await
        .unwrap();
    assert_eq!(w.get(200, "/admin/customers/HRG").await["name"], "Harbor");
}

#[tokio::test]
async fn records_name_their_customer_and_site_by_reference_as_by_id() {
    let w = world().await;
    let customer = w.put(201, "/admin/customers/HRG", &json!({"name": "Harbor"})).await;
    let site =
        w.put(201, "/admin/sites/HRG-HQ", &json!({"customer_id": "HRG", "name": "HQ", "address": "1 Kade"})).await;
    let bodies = [
        ("jobs", json!({"customer_id": "HRG", "site_id": "HRG-HQ", "category": "repair", "status": "scheduled"})),
        (
            "quotes",
            json!({"customer_id": "HRG", "site_id": "HRG-HQ", "title": "Pump", "currency": "EUR", "tax_rate_bps": 0,
            "status": "sent", "lines": [{"description": "Pump", "quantity": 1, "unit_price": 1_000}]}),
        ),
        (
            "invoices",
            json!({"customer_id": "HRG", "site_id": "HRG-HQ", "number": "1", "issued_at": "2026-01-01T00:00:00Z",
            "due_at": "2026-02-01T00:00:00Z", "currency": "EUR", "total": 1_000, "amount_paid": 0}),
        ),
        ("assets", json!({"customer_id": "HRG", "site_id": "HRG-HQ", "name": "Boiler"})),
    ];
    for (kind, body) in bodies {
        let path = format!("/admin/{kind}/R-1");
        let stored = w.put(201, &path, &body).await;
        // Stored with Portico's ids, which its GET shows and a PUT of that body accepts.
        assert_eq!(
            (stored["customer_id"].as_str(), stored["site_id"].as_str()),
            (Some(id(&customer).as_str()), Some(id(&site).as_str())),
            "{kind}"
        );
        let mut same = body.clone();
        same["customer_id"] = json!(id(&customer));
        same["site_id"] = json!(id(&site));
        let again = w.put(200, &path, &same).await;
        assert_eq!(again["version"], stored["version"], "{kind}: naming them by id changes nothing");
        // A reference that names nothing is a 422 naming the field; nothing is stored.
        let mut unknown = body.clone();
        unknown["site_id"] = json!("NO-SUCH-SITE");
        let refused = w.put(422, &format!("/admin/{kind}/R-2"), &unknown).await;
        assert_eq!(refused["errors"][0]["field"], "site_id", "{kind}: {refused}");
        w.get(404, &format!("/admin/{kind}/R-2")).await;
    }
    // Through the batch the same.
    let batch = json!({"items": [{"kind": "job", "ref": "R-3", "body": {"customer_id": "HRG", "site_id": "HRG-HQ", "category": "repair", "status": "scheduled"}},
        {"kind": "job", "ref": "R-4", "body": {"customer_id": "NOPE", "site_id": "HRG-HQ", "category": "repair", "status": "scheduled"}}]});
    let answer = w.app.api.expect(200, "POST", "/admin/batch", &w.admin, Some(&batch)).await.unwrap();
    assert_eq!(answer["results"][0]["status"], 201);
    assert_eq!(
        (answer["results"][1]["status"].as_u64(), answer["results"][1]["problem"]["errors"][0]["field"].as_str()),
        (Some(422), Some("customer_id"))
    );
}
