//! Property test of visibility: random hierarchies, divisions, sites, documents, access
//! groups and members with random grants and hidden documents, made through the API; for
//! every (member, site) and (member, document) pair the API's answer equals an
//! independent reference model of the rules (`tests/src/model.rs`).
//! Seeded, so a failure repeats (`PORTICO_PROPERTY_SEED`, `PORTICO_PROPERTY_WORLDS`).
//! This is the end-to-end sample; `tests/tests/visibility.rs` checks the same rules at the
//! domain level over tens of thousands of cases.

use std::collections::BTreeSet;

use portico_tests::model::{Doc, Grant, Model, Site};
use portico_tests::{id, spawn_app, TestApp};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

async fn post(app: &TestApp, admin: &str, path: &str, body: Value) -> String {
    id(&app.api.expect(201, "POST", path, admin, Some(&body)).await.unwrap())
}

/// Every id a portal list (`/portal/sites`, `/portal/documents`) gives the member, two at
/// a time through the cursors.
async fn seen(app: &TestApp, token: &str, list: &str) -> Vec<String> {
    let mut all = Vec::new();
    let mut path = format!("{list}?limit=2");
    for _ in 0..100 {
        let page = app.api.expect(200, "GET", &path, token, None).await.unwrap();
        all.extend(portico_tests::ids(&page));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("{list}?limit=2&cursor={c}"),
            None => return all,
        }
    }
    panic!("more than 100 pages");
}

#[tokio::test]
async fn what_members_see_equals_the_reference_model() {
    let seed: u64 = std::env::var("PORTICO_PROPERTY_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(2026);
    let worlds: u64 = std::env::var("PORTICO_PROPERTY_WORLDS").ok().and_then(|s| s.parse().ok()).unwrap_or(3);
    let app = spawn_app().await;
    let operator = app.operator().await;
    let mut cases = 0;
    for world in 0..worlds {
        let mut rng = StdRng::seed_from_u64(seed + world);
        let t = app.tenant_by(&operator, &format!("World {world}")).await;
        app.complete_setup(&t.admin).await;
        let admin = t.admin.clone();
        let mut model = Model::default();

        // Customers: two roots, children, grandchildren.
        let mut frontier: Vec<Option<String>> = vec![None, None];
        let mut depth = 0;
        while !frontier.is_empty() && depth < 3 {
            let mut next = Vec::new();
            for parent in frontier {
                let c = post(&app, &admin, "/admin/customers", json!({"name": "C", "parent_id": parent})).await;
                model.add_customer(&c, parent);
                for _ in 0..rng.gen_range(0..=if depth < 2 { 2 } else { 0 }) {
                    next.push(Some(c.clone()));
                }
            }
            frontier = next;
            depth += 1;
        }
        let customers: Vec<String> = model.order.clone();
        for c in &customers {
            for _ in 0..rng.gen_range(0..=2) {
                let d = post(&app, &admin, &format!("/admin/customers/{c}/divisions"), json!({"name": "D"})).await;
                model.divisions.entry(c.clone()).or_default().push(d);
            }
            for _ in 0..rng.gen_range(1..=3) {
                let division =
                    model.divisions.get(c).and_then(|ds| ds.choose(&mut rng).cloned()).filter(|_| rng.gen_bool(0.6));
                let s = post(
                    &app,
                    &admin,
                    &format!("/admin/customers/{c}/sites"),
                    json!({"name": "S", "address": "A", "division_id": division}),
                )
                .await;
                model.sites.push(Site { id: s, customer: c.clone(), division });
            }
        }

        // A document per site and a customer-wide one per customer, a third not visible.
        let file = app.upload(&admin, "/admin/files", "d.pdf", "application/pdf", b"%PDF-1.4").await;
        let places: Vec<(String, Option<String>)> = customers
            .iter()
            .map(|c| (c.clone(), None))
            .chain(model.sites.iter().map(|s| (s.customer.clone(), Some(s.id.clone()))))
            .collect();
        let mut docs: Vec<Doc> = Vec::new();
        for (customer, site) in places {
            let visible = rng.gen_bool(0.67);
            let body = json!({"customer_id": customer, "site_id": site, "file_id": file, "title": "D", "visible_in_portal": visible});
            let d = post(&app, &admin, "/admin/documents", body).await;
            docs.push(Doc { id: d, customer, site, visible });
        }

        // Two access groups, granting anywhere in the tenant.
        let mut groups: Vec<(String, Vec<Grant>)> = Vec::new();
        for _ in 0..2 {
            let grants: Vec<Grant> = (0..rng.gen_range(0..=2))
                .map(|_| {
                    let on = customers.choose(&mut rng).unwrap().clone();
                    model.grant(&mut rng, &on)
                })
                .collect();
            let g = post(
                &app,
                &admin,
                "/admin/access-groups",
                json!({"name": "G", "scope": {"grants": grants.iter().map(Grant::json).collect::<Vec<_>>()}}),
            )
            .await;
            groups.push((g, grants));
        }

        // Members with random own grants (inside their customer tree) and groups.
        for n in 0..4 {
            let customer = customers.choose(&mut rng).unwrap().clone();
            let tree = model.subtree(&customer);
            let own: Option<Vec<Grant>> = rng.gen_bool(0.75).then(|| {
                (0..rng.gen_range(1..=2))
                    .map(|_| {
                        let on = tree.choose(&mut rng).unwrap().clone();
                        model.grant(&mut rng, &on)
                    })
                    .collect()
            });
            let member_groups: Vec<&(String, Vec<Grant>)> = groups.iter().filter(|_| rng.gen_bool(0.5)).collect();
            let email = app.email(&format!("w{world}-m{n}"));
            let mut body = json!({"customer_id": customer, "first_name": "M", "last_name": "N", "email": email, "admin": false,
                "permissions": ["view_documents"], "group_ids": member_groups.iter().map(|(g, _)| g.clone()).collect::<Vec<_>>()});
            if let Some(own) = &own {
                body["scope"] = json!({"grants": own.iter().map(Grant::json).collect::<Vec<_>>()});
            }
            let m = post(&app, &admin, "/admin/members", body).await;
            let hidden: BTreeSet<String> = docs.iter().filter(|_| rng.gen_bool(0.2)).map(|d| d.id.clone()).collect();
            let restrictions = json!({"hidden_document_ids": hidden});
            let path = format!("/admin/members/{m}/document-restrictions");
            app.api.expect(200, "PUT", &path, &admin, Some(&restrictions)).await.unwrap();
            let token = app.invited_member(&admin, &m, &email).await;

            // The reference: own grants (or the whole customer), plus group grants that
            // lie inside the member's customer tree.
            let mut effective = own.unwrap_or_else(|| vec![Grant::Customer(customer.clone())]);
            for (_, grants) in &member_groups {
                effective.extend(grants.iter().filter_map(|g| model.clip(&customer, g)));
            }
            let got = seen(&app, &token, "/portal/sites").await;
            let unique: BTreeSet<&String> = got.iter().collect();
            assert_eq!(unique.len(), got.len(), "a site listed twice: {got:?}");
            for site in &model.sites {
                let expected = model.sees(&effective, site);
                assert_eq!(unique.contains(&site.id), expected, "world {world} (seed {}), member {n} on {customer}, site {} of {}: expected {expected}; grants {effective:?}", seed + world, site.id, site.customer);
                cases += 1;
            }
            // Documents: the list, and the download of a sample (200 exactly when listed).
            let got = seen(&app, &token, "/portal/documents").await;
            let listed: BTreeSet<&String> = got.iter().collect();
            assert_eq!(listed.len(), got.len(), "a document listed twice: {got:?}");
            for doc in &docs {
                let expected = model.sees_document(&effective, &customer, &hidden, doc);
                let at = format!(
                    "world {world} (seed {}), member {n} on {customer}, {doc:?}: hidden {}, grants {effective:?}",
                    seed + world,
                    hidden.contains(&doc.id)
                );
                assert_eq!(listed.contains(&doc.id), expected, "list: {at}");
                if rng.gen_bool(0.25) {
                    let answer = app.api.get(&format!("/portal/documents/{}/download", doc.id), &token).await.unwrap();
                    assert_eq!(answer.status, if expected { 200 } else { 404 }, "download: {at}");
                }
                cases += 1;
            }
        }
    }
    println!("visibility property: {cases} (member, site) and (member, document) cases over {worlds} random worlds (seed {seed})");
    assert!(cases > 0);
}
