//! Races through the API, on a local stack that keeps DynamoDB's atomicity
//! (`local_stack.rs`): wherever the product promises "exactly one wins", exactly one does.

use portico_tests::{id, ids, spawn_app, Answer, TestApp};
use serde_json::{json, Value};

const RACERS: usize = 8;

/// Sends the same kind of request `RACERS` times at once; `nth` makes request n.
async fn race<F, Fut>(nth: F) -> Vec<Answer>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<Answer>>,
{
    let answers = futures_util::future::join_all((0..RACERS).map(nth)).await;
    answers.into_iter().map(|a| a.expect("the request reached the API")).collect()
}

fn statuses(answers: &[Answer]) -> Vec<u16> {
    answers.iter().map(|a| a.status).collect()
}

#[tokio::test]
async fn of_racing_edits_with_one_etag_exactly_one_wins() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let harbor = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let member = app
        .member(
            &t.admin,
            json!({"customer_id": harbor, "first_name": "Carla", "last_name": "C", "email": app.email("carla")}),
        )
        .await;
    let path = format!("/admin/members/{member}");

    for round in 0..3 {
        let read = app.api.get(&path, &t.admin).await.unwrap();
        let etag = read.header("etag").unwrap().to_owned();
        let answers = race(|n| {
            let (api, path, etag, admin) = (app.api.clone(), path.clone(), etag.clone(), t.admin.clone());
            async move {
                let body = json!({"job_title": format!("Title {round}.{n}")});
                api.send("PATCH", &path, Some(&admin), Some(&body), &[("if-match", &etag)]).await
            }
        })
        .await;
        let winners: Vec<usize> = (0..RACERS).filter(|n| answers[*n].status == 200).collect();
        assert_eq!(winners.len(), 1, "round {round}: {:?}", statuses(&answers));
        assert!(answers.iter().all(|a| a.status == 200 || a.status == 412), "{:?}", statuses(&answers));
        let now = app.api.get(&path, &t.admin).await.unwrap();
        assert_eq!(now.body["job_title"], format!("Title {round}.{}", winners[0]), "the winner's edit is stored");
        assert_eq!(now.body["version"], read.body["version"].as_u64().unwrap() + 1, "one write, one version");
    }

    // The portal settings: the same, with PUT.
    let read = app.api.get("/admin/settings", &t.admin).await.unwrap();
    let etag = read.header("etag").unwrap().to_owned();
    let answers = race(|n| {
        let (api, etag, admin, mut body) = (app.api.clone(), etag.clone(), t.admin.clone(), read.body.clone());
        async move {
            body["branding"]["display_name"] = json!(format!("Acme {n}"));
            api.send("PUT", "/admin/settings", Some(&admin), Some(&body), &[("if-match", &etag)]).await
        }
    })
    .await;
    assert_eq!(statuses(&answers).iter().filter(|s| **s == 200).count(), 1, "{:?}", statuses(&answers));
}

#[tokio::test]
async fn racing_creates_with_one_idempotency_key_make_one_object() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    let answers = race(|_| {
        let (api, admin) = (app.api.clone(), t.admin.clone());
        async move {
            let body = json!({"name": "Harbor"});
            api.send("POST", "/admin/customers", Some(&admin), Some(&body), &[("idempotency-key", "one")]).await
        }
    })
    .await;
    // Each racer gets the created object (first or replayed) or "still in progress".
    assert!(answers.iter().all(|a| a.status == 201 || a.status == 409), "{:?}", statuses(&answers));
    let created: Vec<&Value> = answers.iter().filter(|a| a.status == 201).map(|a| &a.body["id"]).collect();
    assert!(!created.is_empty(), "{:?}", statuses(&answers));
    assert!(created.iter().all(|c| *c == created[0]), "every 201 names the same customer: {created:?}");
    let all = app.api.expect(200, "GET", "/admin/customers", &t.admin, None).await.unwrap();
    assert_eq!(ids(&all).len(), 1, "exactly one customer");
    // Once the race is over, the key answers with the object.
    let later = app
        .api
        .send(
            "POST",
            "/admin/customers",
            Some(&t.admin),
            Some(&json!({"name": "Harbor"})),
            &[("idempotency-key", "one")],
        )
        .await
        .unwrap();
    assert_eq!((later.status, &later.body["id"]), (201, created[0]));
}

/// A tenant with a member who raised `n` work requests, and a job for each.
async fn requests(app: &TestApp, admin: &str, n: usize) -> (Vec<String>, Vec<String>) {
    app.complete_setup(admin).await;
    let harbor = app.customer(admin, json!({"name": "Harbor"})).await;
    let hq = app.site(admin, &harbor, "HQ").await;
    let email = app.email("carla");
    let member = app
        .member(
            admin,
            json!({"customer_id": harbor, "first_name": "Carla", "last_name": "C", "email": email,
            "admin": false, "permissions": ["view_jobs", "create_work_requests"]}),
        )
        .await;
    let carla = app.invited_member(admin, &member, &email).await;
    let mut requests = Vec::new();
    let mut jobs = Vec::new();
    for i in 0..n {
        let body = json!({"subject": format!("Leak {i}"), "site_id": hq});
        requests.push(id(&app.api.expect(201, "POST", "/portal/work-requests", &carla, Some(&body)).await.unwrap()));
        let job = json!({"customer_id": harbor, "site_id": hq, "category": "repair", "status": "scheduled"});
        jobs.push(id(&app.api.expect(201, "PUT", &format!("/admin/jobs/WO-{i}"), admin, Some(&job)).await.unwrap()));
    }
    (requests, jobs)
}

#[tokio::test]
async fn of_two_admins_deciding_one_work_request_one_wins() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    let other_admin = app.another_admin(&t.admin, "second-admin").await;
    let (requests, jobs) = requests(&app, &t.admin, 3).await;

    for (i, request) in requests.iter().enumerate() {
        // Both admins accept, at once; in the last round the second declines instead.
        let path = format!("/admin/work-requests/{request}");
        let (accept, decline) = (format!("{path}/accept"), format!("{path}/decline"));
        let job = json!({"job_id": jobs[i]});
        let reason = json!({"reason": "Duplicate"});
        let last = i == requests.len() - 1;
        let (a, b) = futures_util::join!(app.api.post(&accept, &t.admin, &job), async {
            if last {
                app.api.post(&decline, &other_admin, &reason).await
            } else {
                app.api.post(&accept, &other_admin, &job).await
            }
        });
        let (a, b) = (a.unwrap(), b.unwrap());
        let mut outcome = [a.status, b.status];
        outcome.sort();
        assert_eq!(
            outcome,
            [200, 422],
            "request {i}: one decision wins, the other hears it was decided ({} / {})",
            a.text,
            b.text
        );
        let loser = if a.status == 422 { &a } else { &b };
        assert_eq!(loser.header("content-type"), Some("application/problem+json"));
        let winner = if a.status == 200 { &a } else { &b };
        let stored =
            app.api.expect(200, "GET", &format!("/admin/work-requests/{request}"), &t.admin, None).await.unwrap();
        assert_eq!(stored["status"], winner.body["status"], "the stored decision is the winner's");
    }
}

#[tokio::test]
async fn of_racing_first_puts_of_one_reference_exactly_one_creates() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    app.api.expect(201, "PUT", "/admin/customers/HRG", &t.admin, Some(&json!({"name": "Harbor"}))).await.unwrap();
    for (n, path, body) in [
        (0, "/admin/customers/RACE", json!({"name": "Race", "parent_id": "HRG"})),
        (1, "/admin/sites/RACE", json!({"customer_id": "HRG", "name": "Race", "address": "1 Kade"})),
        (2, "/admin/divisions/RACE", json!({"customer_id": "HRG", "name": "Race"})),
        (
            3,
            "/admin/contacts/RACE",
            json!({"customer_id": "HRG", "first_name": "R", "last_name": "R", "email": "r@r.test", "role": "billing"}),
        ),
    ] {
        let answers = race(|_| {
            let (api, admin, body) = (app.api.clone(), t.admin.clone(), body.clone());
            async move { api.send("PUT", path, Some(&admin), Some(&body), &[]).await }
        })
        .await;
        let created: Vec<&Answer> = answers.iter().filter(|a| a.status == 201).collect();
        assert_eq!(created.len(), 1, "{n}: {:?}", statuses(&answers));
        // The others replaced it with the same body (200) or lost the race to claim (409).
        assert!(answers.iter().all(|a| [200, 201, 409].contains(&a.status)), "{n}: {:?}", statuses(&answers));
        let stored = app.api.get(path, &t.admin).await.unwrap();
        assert_eq!(id(&stored.body), id(&created[0].body), "{n}: the one created is the one stored");
        assert_eq!(stored.body["version"], 1, "{n}");
    }
}
