//! Notifications through the local stack: actions through the API write event items,
//! the table's stream carries them (read as Lambda's event source reads it, through the
//! notifier's filter), the notifier's handler mails exactly the right people through
//! SES — once, whatever is replayed or fails on the way.

use portico::domain::rights::Permission;
use portico::store::keys;
use portico_local::mailbox::{self, Mail};
use portico_local::stream::{self, Stream};
use portico_tests::faults::{Fault, Faults};
use portico_tests::{id, spawn_app, TestApp, TestTenant, PASSWORD};
use serde_json::{json, Value};

const ALL_KINDS: [&str; 7] =
    ["quotes", "invoices", "jobs_completed", "job_status", "work_requests", "messages", "payments"];

/// Subjects of the notifications sent to `address` (invitations left out), oldest first.
async fn notices(app: &TestApp, address: &str) -> Vec<String> {
    let mails: Vec<Mail> = mailbox::to(&app.aws.endpoint, address).await.unwrap();
    mails.into_iter().filter_map(|m| m.subject.strip_prefix("Acme Service: ").map(str::to_owned)).collect()
}

struct World {
    t: TestTenant,
    customer: String,
    hq: String,
    depot: String,
}

async fn world(app: &TestApp) -> World {
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let customer = app.customer(&t.admin, json!({"name": "Harbor", "allowed_work_order_types": ["repair"]})).await;
    let (hq, depot) = (app.site(&t.admin, &customer, "HQ").await, app.site(&t.admin, &customer, "Depot").await);
    World { t, customer, hq, depot }
}

impl World {
    /// An invited, signed-in member; `extra` overrides the defaults. Returns (id, token).
    async fn member(&self, app: &TestApp, name: &str, extra: Value) -> (String, String) {
        let mut body = json!({"customer_id": self.customer, "first_name": name, "last_name": "M",
            "email": app.email(name), "admin": false, "permissions": Permission::ALL, "notifications": ALL_KINDS});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        let member = app.member(&self.t.admin, body).await;
        let token = app.invited_member(&self.t.admin, &member, &app.email(name)).await;
        (member, token)
    }

    async fn contact(&self, app: &TestApp, name: &str, role: &str) -> String {
        let body = json!({"first_name": name, "last_name": "C", "email": app.email(name), "role": role});
        let path = format!("/admin/customers/{}/contacts", self.customer);
        id(&app.api.expect(201, "POST", &path, &self.t.admin, Some(&body)).await.unwrap())
    }

    async fn invoice(&self, app: &TestApp, reference: &str) -> Value {
        let body = json!({"customer_id": self.customer, "site_id": self.hq, "number": reference,
            "issued_at": "2026-11-01T00:00:00Z", "due_at": "2099-01-01T00:00:00Z", "currency": "EUR", "total": 12_100});
        self.put(app, &format!("/admin/invoices/{reference}"), body).await
    }

    /// The notifier's App with an SES client behind `faults` (which records what it passes).
    fn notifier(&self, app: &TestApp, faults: &Faults) -> &'static portico::App {
        let ses = app.aws.ses_through(Some(faults.client(portico::app::https_client(false).unwrap())));
        let config = app.app.config.clone();
        Box::leak(Box::new(portico::App::with_clients(
            config,
            app.aws.dynamodb(),
            app.aws.cognito(),
            ses,
            app.aws.s3(),
        )))
    }

    async fn put(&self, app: &TestApp, path: &str, body: Value) -> Value {
        let a = app.api.put(path, &self.t.admin, &body).await.unwrap();
        assert!([200, 201].contains(&a.status), "{path}: {}", a.text);
        a.body
    }

    async fn job(&self, app: &TestApp, status: &str) -> Value {
        let body = json!({"customer_id": self.customer, "site_id": self.hq, "category": "repair", "status": status});
        self.put(app, "/admin/jobs/WO-1", body).await
    }

    async fn quote(&self, app: &TestApp, reference: &str) -> Value {
        let body = json!({"customer_id": self.customer, "site_id": self.hq, "title": "New pump", "currency": "EUR",
            "tax_rate_bps": 2100, "status": "sent", "lines": [{"description": "Pump", "quantity": 1, "unit_price": 100_000}]});
        self.put(app, &format!("/admin/quotes/{reference}"), body).await
    }
}

#[tokio::test]
async fn each_kind_reaches_exactly_the_members_and_contacts_it_should() {
    let app = &spawn_app().await;
    let w = world(app).await;
    let depot_only = json!({"grants": [{"customer_id": w.customer, "site_ids": [w.depot]}]});
    let (_, _ann) = w.member(app, "ann", json!({"locale": "nl"})).await;
    let (_, bob) = w.member(app, "bob", json!({"scope": depot_only})).await;
    let (_, _cat) = w.member(app, "cat", json!({"notifications": []})).await;
    let (dan_id, _) = w.member(app, "dan", json!({})).await;
    let (_, _eve) = w.member(app, "eve", json!({"permissions": ["view_completed_jobs"]})).await;
    // Fay was never invited: no login, no mail.
    let fay = json!({"customer_id": w.customer, "first_name": "fay", "last_name": "M", "email": app.email("fay"),
        "permissions": Permission::ALL, "notifications": ALL_KINDS});
    app.member(&w.t.admin, fay).await;
    app.api
        .expect(200, "POST", &format!("/admin/members/{dan_id}/disable"), &w.t.admin, Some(&json!({})))
        .await
        .unwrap();
    w.contact(app, "gus", "site_manager").await;
    w.contact(app, "hal", "billing").await;
    let request = json!({"subject": "Broken door", "site_id": w.depot, "work_order_type": "repair"});
    let request = app.api.expect(201, "POST", "/portal/work-requests", &bob, Some(&request)).await.unwrap();

    let mut stream = Stream::open(&app.aws, &app.prov.table_name).await.unwrap();
    w.job(app, "scheduled").await; // published: not a change of status
    w.job(app, "in_progress").await;
    w.job(app, "completed").await;
    w.quote(app, "Q-1").await;
    let invoice = json!({"customer_id": w.customer, "site_id": w.hq, "number": "2026-7", "issued_at": "2026-11-01T00:00:00Z",
        "due_at": "2099-01-01T00:00:00Z", "currency": "EUR", "total": 12_100, "amount_paid": 0});
    w.put(app, "/admin/invoices/I-7", invoice).await;
    let accept = format!("/admin/work-requests/{}/accept", id(&request));
    app.api.expect(200, "POST", &accept, &w.t.admin, Some(&json!({"job_id": "WO-1"}))).await.unwrap();
    let message = json!({"title": "Hard hats on site", "body": "From Monday.", "audience": {"all": true}});
    app.api.expect(201, "POST", "/admin/messages", &w.t.admin, Some(&message)).await.unwrap();

    let batch = stream.next_batch().await.unwrap();
    let tally = stream::deliver(app.app, batch).await;
    assert_eq!((tally.notices, tally.failed, tally.retried, tally.duplicates), (6, 0, 0, 0), "{tally:?}");

    assert_eq!(
        notices(app, &app.email("ann")).await,
        [
            "Opdracht WO-1 is nu in uitvoering",
            "Opdracht WO-1 is afgerond",
            "Nieuwe offerte Q-1 ter goedkeuring: New pump",
            "Nieuwe factuur 2026-7",
            "Hard hats on site",
        ],
        "everything at HQ, in her language"
    );
    assert_eq!(
        notices(app, &app.email("bob")).await,
        ["Your work request \"Broken door\" was accepted", "Hard hats on site"],
        "only the Depot is his: his own request's decision, and the message to everyone"
    );
    assert_eq!(notices(app, &app.email("eve")).await, ["Job WO-1 has been completed"], "completed jobs only");
    for nobody in ["cat", "dan", "fay"] {
        assert_eq!(
            notices(app, &app.email(nobody)).await,
            Vec::<String>::new(),
            "{nobody}: opted out, disabled, no login"
        );
    }
    assert_eq!(
        notices(app, &app.email("gus")).await,
        ["Job WO-1 is now in progress", "Job WO-1 has been completed"],
        "a site manager contact hears of job status"
    );
    assert_eq!(notices(app, &app.email("hal")).await, ["New invoice 2026-7"], "a billing contact, of invoices");
    assert_eq!(tally.sent, 11);

    // The mail links to the object in the portal, in both parts' content.
    let mails = mailbox::to(&app.aws.endpoint, &app.email("hal")).await.unwrap();
    let mail = mails.last().unwrap();
    assert!(mail.body.contains("https://portal.acme.test/invoices/inv_"), "{}", mail.body);
    assert!(mail.body.contains("€121.00"), "{}", mail.body);
}

#[tokio::test]
async fn an_invoice_in_yen_is_mailed_in_whole_yen_as_each_reader_writes_them() {
    let app = &spawn_app().await;
    let w = world(app).await;
    w.member(app, "ann", json!({"notifications": ["invoices"]})).await;
    w.member(app, "bob", json!({"notifications": ["invoices"], "locale": "nl"})).await;
    let mut stream = Stream::open(&app.aws, &app.prov.table_name).await.unwrap();
    let invoice = json!({"customer_id": w.customer, "site_id": w.hq, "number": "2026-8", "issued_at": "2026-11-01T00:00:00Z",
        "due_at": "2099-01-01T00:00:00Z", "currency": "JPY", "total": 1500});
    w.put(app, "/admin/invoices/I-8", invoice).await;
    let tally = stream::deliver(app.app, stream.next_batch().await.unwrap()).await;
    assert_eq!((tally.sent, tally.failed), (2, 0), "{tally:?}");

    // JPY has no minor unit: 1500 is ¥1,500, written as the web app writes it (en-GB, nl-NL).
    let body = |name: &'static str| async move {
        let mails = mailbox::to(&app.aws.endpoint, &app.email(name)).await.unwrap();
        mails.last().unwrap().body.clone()
    };
    let (english, dutch) = (body("ann").await, body("bob").await);
    assert!(english.contains("JP¥1,500") && !english.contains("15.00"), "{english}");
    assert!(dutch.contains("JP¥\u{a0}1.500"), "{dutch}");
}

#[tokio::test]
async fn a_replayed_batch_sends_nothing_twice_and_ses_failures_are_retried_or_recorded() {
    let app = &spawn_app().await;
    let w = world(app).await;
    for name in ["ann", "bob", "cat"] {
        w.member(app, name, json!({"permissions": ["view_quotes"]})).await;
    }
    let mut stream = Stream::open(&app.aws, &app.prov.table_name).await.unwrap();
    w.quote(app, "Q-1").await;
    let batch = stream.next_batch().await.unwrap();
    assert_eq!(batch.records.len(), 1);

    // The notifier with an SES that throttles the first call and refuses the second.
    let faults = Faults::default();
    let notifier = w.notifier(app, &faults);
    faults.push(&[Fault::Throttled, Fault::Rejected]);
    let (response, first) = portico_functions::notifier::handle(notifier, batch.clone()).await;
    assert_eq!((first.sent, first.failed, first.retried), (1, 1, 1), "{first:?}");
    assert_eq!(response.batch_item_failures.len(), 1, "the record still owes an email: Lambda retries it");
    assert_eq!(faults.left(), 0);

    // Lambda's retry, then two replays of the same batch: only what was owed is sent.
    let (response, retry) = portico_functions::notifier::handle(notifier, batch.clone()).await;
    assert_eq!((retry.sent, retry.failed, retry.duplicates), (1, 0, 2), "{retry:?}");
    assert!(response.batch_item_failures.is_empty());
    for _ in 0..2 {
        let (response, replay) = portico_functions::notifier::handle(notifier, batch.clone()).await;
        assert_eq!((replay.sent, replay.duplicates), (0, 3), "{replay:?}");
        assert!(response.batch_item_failures.is_empty());
    }

    // 0 lost, 0 duplicates: each member has one email or a recorded failure, never both.
    let record = serde_json::to_value(&batch.records[0].change.new_image).unwrap();
    let text = |k: &str| record[k]["S"].as_str().unwrap().to_owned();
    let tenant = keys::event_tenant(&text("PK")).unwrap();
    let mut got = Vec::new();
    for name in ["ann", "bob", "cat"] {
        let address = app.email(name);
        let mails = notices(app, &address).await.len();
        let email = portico::domain::text::Email::parse(&address).unwrap();
        let state = app.app.store.delivery(tenant, &text("id"), &email).await.unwrap();
        assert!(
            matches!((mails, state.as_deref()), (1, Some("sent")) | (0, Some("failed"))),
            "{name}: {mails} email(s), delivery {state:?}"
        );
        got.push(mails);
    }
    got.sort();
    assert_eq!(got, [0, 1, 1], "one refused for good, two sent once each");

    // Two notifiers on one batch at once (a retry racing a slow first attempt): each
    // email is claimed by one of them; the other waits for it, and nothing goes twice.
    let mut stream = Stream::open(&app.aws, &app.prov.table_name).await.unwrap();
    w.quote(app, "Q-3").await;
    let batch = stream.next_batch().await.unwrap();
    let (a, b) = tokio::join!(stream::deliver(app.app, batch.clone()), stream::deliver(app.app, batch.clone()));
    assert_eq!(a.sent + b.sent, 3, "{a:?} {b:?}");
    for name in ["ann", "bob", "cat"] {
        assert_eq!(notices(app, &app.email(name)).await.iter().filter(|s| s.contains("Q-3")).count(), 1, "{name}");
    }

    // A transient failure that outlasts a few tries is retried until it passes.
    let mut stream = Stream::open(&app.aws, &app.prov.table_name).await.unwrap();
    w.quote(app, "Q-2").await;
    let batch = stream.next_batch().await.unwrap();
    faults.push(&[Fault::Internal, Fault::Throttled, Fault::Internal]);
    let tally = stream::deliver(notifier, batch).await;
    assert_eq!((tally.sent, tally.failed, tally.retried), (3, 0, 3), "{tally:?}");
    for name in ["ann", "bob", "cat"] {
        assert_eq!(notices(app, &app.email(name)).await.iter().filter(|s| s.contains("Q-2")).count(), 1, "{name}");
    }
}

/// `events/stream/QuoteSent.json`: a stream batch as Lambda hands it to the notifier (a
/// quote published as sent to the fixtures' customer). `PORTICO_WRITE_FIXTURES=1`
/// captures it again from the local stream.
#[tokio::test]
async fn the_stream_fixture_runs_through_the_notifier() {
    use super::fixtures::{World as Fixtures, CUSTOMER, SITE};
    let app = &spawn_app().await;
    let t = app.tenant("Fixture Tenant").await;
    let world = Fixtures::build(app, &t).await;
    let path = portico_local::workspace_root().join("events/stream/QuoteSent.json");
    if std::env::var("PORTICO_WRITE_FIXTURES").is_ok() {
        let mut stream = Stream::open(&app.aws, &app.prov.table_name).await.unwrap();
        let body = json!({"customer_id": world.id(CUSTOMER), "site_id": world.id(SITE), "title": "New pump",
            "currency": "EUR", "tax_rate_bps": 2100, "status": "sent",
            "lines": [{"description": "Pump", "quantity": 1, "unit_price": 100_000}]});
        app.api.expect(201, "PUT", "/admin/quotes/Q-FIX", &t.admin, Some(&body)).await.unwrap();
        let batch = stream.next_batch().await.unwrap();
        let mut text = serde_json::to_string_pretty(&batch).unwrap();
        for placeholder in [super::fixtures::TENANT, CUSTOMER, SITE, super::fixtures::MEMBER] {
            text = text.replace(world.id(placeholder), placeholder);
        }
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text + "\n").unwrap();
    }
    let text = std::fs::read_to_string(&path).unwrap();
    let record: Value = serde_json::from_str::<Value>(&text).unwrap()["Records"][0].clone();
    let filter: Value = serde_json::from_str(portico_functions::notifier::STREAM_FILTER).unwrap();
    assert!(stream::matches(&filter, &record), "the fixture passes the event source's filter");
    let batch = serde_json::from_str(&world.apply(&text)).unwrap();
    let (response, tally) = portico_functions::notifier::handle(app.app, batch).await;
    assert!(response.batch_item_failures.is_empty());
    assert_eq!(tally.notices, 1, "{tally:?}");
}

/// The SendEmail calls a recording SES passed on, as JSON.
fn sent_to(faults: &Faults, address: &str) -> Vec<Value> {
    faults
        .passed()
        .iter()
        .filter_map(|b| serde_json::from_str::<Value>(b).ok())
        .filter(|c| c["Destination"]["ToAddresses"][0].as_str().is_some_and(|a| a.eq_ignore_ascii_case(address)))
        .collect()
}

/// The one-click link of a sent email (its `List-Unsubscribe` header), as a path.
fn unsubscribe_link(call: &Value) -> String {
    let headers = call["Content"]["Simple"]["Headers"].as_array().unwrap();
    let header =
        |name: &str| headers.iter().find(|h| h["Name"] == name).map(|h| h["Value"].as_str().unwrap().to_owned());
    assert_eq!(header("List-Unsubscribe-Post").as_deref(), Some("List-Unsubscribe=One-Click"));
    let link = header("List-Unsubscribe").unwrap();
    let url = link.strip_prefix('<').and_then(|l| l.strip_suffix('>')).unwrap();
    assert!(url.starts_with("http://127.0.0.1:"), "the API's own address: {url}");
    url[url.find("/mail/unsubscribe?token=").unwrap()..].to_owned()
}

#[tokio::test]
async fn an_unsubscribe_link_switches_that_kind_off_in_one_click() {
    let app = &spawn_app().await;
    let w = world(app).await;
    let (ann_id, _) = w.member(app, "ann", json!({"locale": "nl"})).await;
    let hal_id = w.contact(app, "hal", "billing").await;
    let mut stream = Stream::open(&app.aws, &app.prov.table_name).await.unwrap();
    w.quote(app, "Q-1").await;
    w.invoice(app, "I-1").await;
    let faults = Faults::default();
    let (_, tally) =
        portico_functions::notifier::handle(w.notifier(app, &faults), stream.next_batch().await.unwrap()).await;
    assert_eq!(tally.sent, 3, "{tally:?}"); // Ann: quote, invoice; Hal: invoice

    // Every notification names its configuration set (bounces come back through it),
    // its recipient in tags, and a one-click link in its headers and its footer.
    let to_ann = sent_to(&faults, &app.email("ann"));
    assert_eq!(to_ann.len(), 2);
    let quote_mail = &to_ann[0];
    assert_eq!(quote_mail["ConfigurationSetName"], "portico-notifications");
    assert!(quote_mail["EmailTags"].as_array().unwrap().contains(&json!({"Name": "party", "Value": ann_id})));
    let link = unsubscribe_link(quote_mail);
    assert!(quote_mail["Content"]["Simple"]["Body"]["Text"]["Data"].as_str().unwrap().contains(&link));

    // Opening the link (or a mail scanner fetching it) asks, and changes nothing.
    let page = app.api.send("GET", &link, None, None, &[]).await.unwrap();
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(page.text.contains("Geen e-mails meer over nieuwe offertes?"), "in Ann's language: {}", page.text);
    let member_path = format!("/admin/members/{ann_id}");
    let before = app.api.expect(200, "GET", &member_path, &w.t.admin, None).await.unwrap();
    assert!(before["notifications"].as_array().unwrap().contains(&json!("quotes")));

    // One click, as a mail client sends it (RFC 8058): no sign-in; twice is once.
    let client = reqwest::Client::new();
    let base = &app.api.base;
    for _ in 0..2 {
        let done = client
            .post(format!("{base}{link}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("List-Unsubscribe=One-Click")
            .send()
            .await
            .unwrap();
        assert_eq!(done.status().as_u16(), 200);
        assert!(done.text().await.unwrap().contains("U ontvangt geen e-mails meer over nieuwe offertes."));
    }
    let after = app.api.expect(200, "GET", &member_path, &w.t.admin, None).await.unwrap();
    let kinds = after["notifications"].as_array().unwrap();
    assert!(!kinds.contains(&json!("quotes")) && kinds.contains(&json!("invoices")), "only that kind: {after}");
    assert_eq!(after["version"].as_u64(), Some(before["version"].as_u64().unwrap() + 1), "one change");

    // A contact's link mutes that kind for the contact.
    let to_hal = sent_to(&faults, &app.email("hal"));
    let hal_link = unsubscribe_link(&to_hal[0]);
    assert_eq!(app.api.send("POST", &hal_link, None, None, &[]).await.unwrap().status, 200);
    let contacts_path = format!("/admin/customers/{}/contacts", w.customer);
    let contacts = app.api.expect(200, "GET", &contacts_path, &w.t.admin, None).await.unwrap();
    let hal = contacts["items"].as_array().unwrap().iter().find(|c| c["id"] == hal_id.as_str()).unwrap();
    assert_eq!(hal["muted"], json!(["invoices"]));

    // The trail says who did it.
    let trail = app.api.expect(200, "GET", &format!("/admin/audit?entity={ann_id}"), &w.t.admin, None).await.unwrap();
    let latest = &trail["items"][0];
    assert_eq!(
        (latest["action"].as_str(), latest["actor"].as_str()),
        (Some("member.unsubscribed"), Some(format!("member:{ann_id}").as_str()))
    );

    // The next quote does not reach Ann, the next invoice reaches her but not Hal.
    w.quote(app, "Q-2").await;
    w.invoice(app, "I-2").await;
    stream::deliver(app.app, stream.next_batch().await.unwrap()).await;
    let ann_subjects = notices(app, &app.email("ann")).await;
    assert!(ann_subjects.iter().any(|s| s.contains("I-2")), "{ann_subjects:?}");
    assert!(!ann_subjects.iter().any(|s| s.contains("Q-2")), "{ann_subjects:?}");
    assert!(!notices(app, &app.email("hal")).await.iter().any(|s| s.contains("I-2")));

    // A link cut short or forged is a 400 and changes nothing.
    let cut = &link[..link.len() - 3];
    for bad in [cut.to_owned(), "/mail/unsubscribe?token=x.y".to_owned(), "/mail/unsubscribe".to_owned()] {
        let answer = app.api.send("POST", &bad, None, None, &[]).await.unwrap();
        assert_eq!(answer.status, 400, "{bad}: {}", answer.text);
        assert_eq!(answer.header("content-type"), Some("application/problem+json"));
    }
}

/// An SNS fixture (`events/sns`) with the world's tenant, party and address in place of
/// the fixture's.
fn feedback_event(name: &str, swaps: &[(&str, &str)]) -> lambda_http::aws_lambda_events::event::sns::SnsEvent {
    let path = portico_local::workspace_root().join(format!("events/sns/{name}.json"));
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str(&swaps.iter().fold(text, |t, (from, to)| t.replace(from, to))).unwrap()
}

#[tokio::test]
async fn a_bounce_or_a_complaint_stops_mail_to_that_address_and_the_admin_sees_why() {
    use portico_functions::feedback;
    let app = &spawn_app().await;
    let w = world(app).await;
    let (ann_id, _) = w.member(app, "ann", json!({})).await;
    let (bob_id, _) = w.member(app, "bob", json!({})).await;
    let hal_id = w.contact(app, "hal", "all").await;
    let (ann_mail, hal_mail) = (app.email("ann"), app.email("hal"));
    let tenant = ("ten_01JD8Z6V5Q2W3E4R5T6Y7A8B9C", w.t.id.as_str());
    let ann = [tenant, ("mem_01JD8Z6V5Q2W3E4R5T6Y7A8B9H", &ann_id), ("fixture@example.com", &ann_mail)];
    let hal = [tenant, ("con_01JD8Z6V5Q2W3E4R5T6Y7A8B9K", &hal_id), ("contact@example.com", &hal_mail)];

    // A full mailbox (a transient bounce) changes nothing: SES retries those itself.
    let t = feedback::handle(app.app, feedback_event("SesTransientBounce", &ann)).await.unwrap();
    assert_eq!((t.suppressed, t.ignored), (0, 1));
    // A permanent bounce suppresses Ann's address; SNS delivering it again changes nothing.
    let t = feedback::handle(app.app, feedback_event("SesBounce", &ann)).await.unwrap();
    assert_eq!(t.suppressed, 1);
    let t = feedback::handle(app.app, feedback_event("SesBounce", &ann)).await.unwrap();
    assert_eq!((t.suppressed, t.ignored), (0, 1));
    // A complaint suppresses the contact Hal.
    assert_eq!(feedback::handle(app.app, feedback_event("SesComplaint", &hal)).await.unwrap().suppressed, 1);
    // Feedback about an address a party does not have (any more) is ignored.
    let stale = [tenant, ("mem_01JD8Z6V5Q2W3E4R5T6Y7A8B9H", &bob_id), ("fixture@example.com", &ann_mail)];
    assert_eq!(feedback::handle(app.app, feedback_event("SesBounce", &stale)).await.unwrap().suppressed, 0);

    // The admin sees why, on the member and on the contact.
    let ann_path = format!("/admin/members/{ann_id}");
    let seen = app.api.expect(200, "GET", &ann_path, &w.t.admin, None).await.unwrap();
    assert_eq!(seen["suppressed"]["reason"], "bounce");
    assert_eq!(seen["suppressed"]["detail"], "smtp; 550 5.1.1 user unknown");
    let bob = app.api.expect(200, "GET", &format!("/admin/members/{bob_id}"), &w.t.admin, None).await.unwrap();
    assert!(bob["suppressed"].is_null());
    let contacts_path = format!("/admin/customers/{}/contacts", w.customer);
    let contacts = app.api.expect(200, "GET", &contacts_path, &w.t.admin, None).await.unwrap();
    let hal_seen = contacts["items"].as_array().unwrap().iter().find(|c| c["id"] == hal_id.as_str()).unwrap();
    assert_eq!(hal_seen["suppressed"]["reason"], "complaint");
    let trail = app.api.expect(200, "GET", &format!("/admin/audit?entity={ann_id}"), &w.t.admin, None).await.unwrap();
    assert_eq!(trail["items"][0]["action"], "member.suppressed");
    assert_eq!(trail["items"][0]["actor"], "system:ses-feedback");

    // No more mail to either address; Bob still hears.
    let mut stream = Stream::open(&app.aws, &app.prov.table_name).await.unwrap();
    w.quote(app, "Q-1").await;
    stream::deliver(app.app, stream.next_batch().await.unwrap()).await;
    assert!(notices(app, &ann_mail).await.is_empty());
    assert!(notices(app, &hal_mail).await.is_empty());
    assert_eq!(notices(app, &app.email("bob")).await.len(), 1);

    // A new address has not bounced: the admin's fix clears the mark.
    let fixed = json!({"email": app.email("ann-new")});
    let after = app.api.expect(200, "PATCH", &ann_path, &w.t.admin, Some(&fixed)).await.unwrap();
    assert!(after["suppressed"].is_null(), "{after}");
}

/// The reply-address code in the newest email to `address` (`ABCDE-FGHIJ`).
async fn mailed_code(app: &TestApp, address: &str) -> String {
    let mails = mailbox::to(&app.aws.endpoint, address).await.unwrap();
    let mail = mails.last().expect("a code was mailed");
    mail.reply_to_code().unwrap_or_else(|| panic!("no code in {}", mail.body)).to_owned()
}

#[tokio::test]
async fn replies_go_to_the_tenants_address_only_once_it_is_confirmed() {
    let app = &spawn_app().await;
    let w = world(app).await; // set-up names office@acme.test as the reply address
    w.member(app, "ann", json!({})).await;
    let faults = Faults::default();
    let mut stream = Stream::open(&app.aws, &app.prov.table_name).await.unwrap();
    let reply_to = |faults: &Faults| -> Vec<Value> {
        let calls = sent_to(faults, &app.email("ann"));
        calls.last().expect("a notification").get("ReplyToAddresses").cloned().into_iter().collect()
    };

    // Not confirmed: no Reply-To — an admin's word is not enough.
    let settings = app.api.expect(200, "GET", "/admin/settings", &w.t.admin, None).await.unwrap();
    assert_eq!(settings["branding"]["sender_email_confirmed_at"], Value::Null);
    w.quote(app, "Q-1").await;
    portico_functions::notifier::handle(w.notifier(app, &faults), stream.next_batch().await.unwrap()).await;
    assert_eq!(reply_to(&faults), Vec::<Value>::new(), "no Reply-To before the address is confirmed");

    // A code goes to the address; a wrong or foreign code confirms nothing.
    let office = "office@acme.test";
    let sent =
        app.api.expect(200, "POST", "/admin/settings/sender-email/verification", &w.t.admin, None).await.unwrap();
    assert_eq!(sent["sent_to"], office);
    let code = mailed_code(app, office).await;
    let confirm = "/admin/settings/sender-email/confirm";
    for wrong in ["AAAAA-AAAAA", "", &code[..10]] {
        let a = app.api.post(confirm, &w.t.admin, &json!({"code": wrong})).await.unwrap();
        assert_eq!((a.status, a.body["errors"][0]["field"].as_str()), (400, Some("code")), "{wrong:?}: {}", a.text);
    }
    let operator = portico_local::seed::operator(&app.aws, &app.prov, &app.email("operator-2"), PASSWORD).await;
    let operator = operator.unwrap().token(&app.aws, &app.prov).await.unwrap();
    let other = app.tenant_by(&operator, "Other").await;
    app.complete_setup(&other.admin).await;
    let foreign = app.api.post(confirm, &other.admin, &json!({"code": code})).await.unwrap();
    assert_eq!(foreign.status, 400, "a code is its tenant's: {}", foreign.text);

    // The right code, as typed by a person: confirmed, and replies go there.
    let typed = code.to_lowercase().replace('-', " ");
    let confirmed = app.api.expect(200, "POST", confirm, &w.t.admin, Some(&json!({"code": typed}))).await.unwrap();
    assert!(confirmed["branding"]["sender_email_confirmed_at"].is_string(), "{confirmed}");
    w.quote(app, "Q-2").await;
    portico_functions::notifier::handle(w.notifier(app, &faults), stream.next_batch().await.unwrap()).await;
    assert_eq!(reply_to(&faults), [json!([office])]);
    let trail = app.api.expect(200, "GET", "/admin/audit?entity=settings", &w.t.admin, None).await.unwrap();
    assert_eq!(trail["items"][0]["action"], "settings.sender_email_confirmed");

    // Another address is unconfirmed again: no Reply-To until it is confirmed in turn.
    let mut body = confirmed.clone();
    body["branding"]["sender_email"] = json!("elsewhere@acme.test");
    let changed = app.api.expect(200, "PUT", "/admin/settings", &w.t.admin, Some(&body)).await.unwrap();
    assert_eq!(changed["branding"]["sender_email_confirmed_at"], Value::Null);
    let stale = app.api.post(confirm, &w.t.admin, &json!({"code": code})).await.unwrap();
    assert_eq!(stale.status, 400, "the old address's code: {}", stale.text);
    w.quote(app, "Q-3").await;
    portico_functions::notifier::handle(w.notifier(app, &faults), stream.next_batch().await.unwrap()).await;
    assert_eq!(reply_to(&faults), Vec::<Value>::new());
}
