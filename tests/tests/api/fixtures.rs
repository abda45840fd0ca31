//! Every fixture in `events/api` runs through its handler against the local stack — the
//! same events `cargo lambda invoke --data-file` sends. The world the fixtures name is
//! also the world of the authorization matrix (`matrix.rs`).

use std::path::PathBuf;

use portico::domain::ids::MemberId;
use portico::domain::mailing::NotificationKind;
use portico::domain::principal::Principal;
use portico::domain::tenant::now;
use portico::domain::text::Locale;
use portico::mail::unsubscribe::{Party, Unsubscribe};
use portico_local::workspace_root;
use portico_tests::{assert_api_headers, spawn_app, through_cloudfront, TestApp, TestTenant};
use serde_json::json;

/// The ids the fixtures use, replaced by the ids of a world made for them. Those of the
/// logins the fixtures are signed in as (`make generate` writes them into the events).
pub use portico_local::generate::{ADMIN_STAFF, ADMIN_SUB, MEMBER, MEMBER_SUB, TENANT};
pub const CUSTOMER: &str = "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D";
pub const SPARE_CUSTOMER: &str = "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9E";
pub const SITE: &str = "site_01JD8Z6V5Q2W3E4R5T6Y7A8B9F";
pub const SPARE_SITE: &str = "site_01JD8Z6V5Q2W3E4R5T6Y7A8B9G";
pub const SPARE_MEMBER: &str = "mem_01JD8Z6V5Q2W3E4R5T6Y7A8B9J";
pub const CONTACT: &str = "con_01JD8Z6V5Q2W3E4R5T6Y7A8B9K";
pub const SPARE_CONTACT: &str = "con_01JD8Z6V5Q2W3E4R5T6Y7A8B9M";
pub const DIVISION: &str = "div_01JD8Z6V5Q2W3E4R5T6Y7A8B9N";
pub const SPARE_DIVISION: &str = "div_01JD8Z6V5Q2W3E4R5T6Y7A8B9P";
pub const GROUP: &str = "grp_01JD8Z6V5Q2W3E4R5T6Y7A8B9Q";
pub const SPARE_GROUP: &str = "grp_01JD8Z6V5Q2W3E4R5T6Y7A8B9R";
/// A completed job at `SITE` (reference `WO-1001`) with `FILE` attached.
pub const JOB: &str = "job_01JD8Z6V5Q2W3E4R5T6Y7A8B9S";
pub const WORK_REQUEST: &str = "wr_01JD8Z6V5Q2W3E4R5T6Y7A8B9T";
pub const SPARE_WORK_REQUEST: &str = "wr_01JD8Z6V5Q2W3E4R5T6Y7A8B9V";
pub const FILE: &str = "file_01JD8Z6V5Q2W3E4R5T6Y7A8B9W";
/// A sent quote at `SITE` (reference `Q-1001`), approved by the fixtures' member.
pub const QUOTE: &str = "quo_01JD8Z6V5Q2W3E4R5T6Y7A8B9X";
/// A sent quote at `SITE` (reference `Q-1002`), rejected by the fixtures' member.
pub const SPARE_QUOTE: &str = "quo_01JD8Z6V5Q2W3E4R5T6Y7A8B9Y";
/// An unpaid invoice at `SITE` (reference `I-1001`) with `FILE` as its PDF.
pub const INVOICE: &str = "inv_01JD8Z6V5Q2W3E4R5T6Y7A8B9Z";
/// The fixtures' member's payment of `INVOICE` (pending: its page not yet paid).
pub const PAYMENT: &str = "pay_01JD8Z6V5Q2W3E4R5T6Y7A8BA5";
/// An asset at `SITE` (reference `A-1001`), the asset of `JOB`.
pub const ASSET: &str = "ast_01JD8Z6V5Q2W3E4R5T6Y7A8BA0";
/// A document at `SITE` (`FILE`), visible in the portal.
pub const DOCUMENT: &str = "doc_01JD8Z6V5Q2W3E4R5T6Y7A8BA1";
/// A current message to `GROUP` (which `MEMBER` joins) that asks to be acknowledged.
pub const MESSAGE: &str = "msg_01JD8Z6V5Q2W3E4R5T6Y7A8BA2";
/// A webhook subscription to quote decisions (on the local stack: to 127.0.0.1).
pub const WEBHOOK: &str = "whk_01JD8Z6V5Q2W3E4R5T6Y7A8BA3";
/// A delivery to `WEBHOOK` in its log (which the replay fixture sends again).
pub const DELIVERY: &str = "dlv_01JD8Z6V5Q2W3E4R5T6Y7A8BA4";
/// Another admin of the tenant, whom the staff fixtures disable, enable and remove.
pub const SPARE_STAFF: &str = "stf_01JD8Z6V5Q2W3E4R5T6Y7A8B9T";
/// The address `CreateStaff` invites. A login's address is one per deployment: each
/// caller of the matrix invites its own.
pub const NEW_STAFF_EMAIL: &str = "bea@acme.test";
/// An integration (scopes `access:read`, `records:write`) that the fixtures change and rotate.
pub const INTEGRATION: &str = "int_01JD8Z6V5Q2W3E4R5T6Y7A8BA3";
/// Another integration, which the fixtures revoke.
pub const SPARE_INTEGRATION: &str = "int_01JD8Z6V5Q2W3E4R5T6Y7A8BA4";

/// The unsubscribe link's token in the public fixtures: the world's is signed for
/// `MEMBER` and quotes (a token names its tenant, so a fixture cannot carry a real one).
pub const UNSUBSCRIBE_TOKEN: &str = "UNSUBSCRIBE-TOKEN-OF-THE-FIXTURE-MEMBER-FOR-QUOTES";

/// The reply-address code in `ConfirmSenderEmail`: the world's is the one mailed today
/// for its tenant's `sender_email` (a code names its tenant and day).
pub const REPLY_TO_CODE: &str = "REPLY-TO-CODE-OF-THE-FIXTURE-TENANT";

/// The fixture ids, each with the real id it stands for.
pub struct World {
    pub ids: Vec<(&'static str, String)>,
}

impl World {
    /// Builds, in `t`'s tenant (set-up complete), everything the fixtures name.
    pub async fn build(app: &TestApp, t: &TestTenant) -> Self {
        app.complete_setup(&t.admin).await;
        let customer =
            app.customer(&t.admin, json!({"name": "Harbor", "allowed_work_order_types": ["repair", "service"]})).await;
        let spare_customer = app.customer(&t.admin, json!({"name": "Spare"})).await;
        let site = app.site(&t.admin, &customer, "HQ").await;
        let spare_site = app.site(&t.admin, &customer, "Spare").await;
        let member = |name: &'static str| {
            let body = json!({"customer_id": customer, "first_name": "F", "last_name": "M", "email": app.email(name)});
            app.member(&t.admin, body)
        };
        let (member, spare_member) = (member("fixture").await, member("spare").await);
        // The fixtures' member has signed in: the portal fixtures carry their login.
        let member_token = app.invited_member(&t.admin, &member, &app.email("fixture")).await;
        let member_sub = portico_tests::claims(&member_token)["sub"].as_str().unwrap().to_owned();
        let admin_claims = portico_tests::claims(&t.admin);
        let admin_staff = admin_claims["custom:staff_id"].as_str().unwrap().to_owned();
        let admin_sub = admin_claims["sub"].as_str().unwrap().to_owned();
        let body = json!({"first_name": "Spare", "last_name": "Admin", "email": app.email("spare-admin")});
        let spare_staff =
            portico_tests::id(&app.api.expect(201, "POST", "/admin/staff", &t.admin, Some(&body)).await.unwrap());
        let contact = |name: &'static str| {
            let body = json!({"first_name": name, "last_name": "C", "email": app.email(name), "role": "billing"});
            let path = format!("/admin/customers/{customer}/contacts");
            async move { portico_tests::id(&app.api.expect(201, "POST", &path, &t.admin, Some(&body)).await.unwrap()) }
        };
        let (contact, spare_contact) = (contact("contact").await, contact("spare-contact").await);
        let division = |name: &'static str| {
            let path = format!("/admin/customers/{customer}/divisions");
            async move {
                let body = json!({"name": name});
                portico_tests::id(&app.api.expect(201, "POST", &path, &t.admin, Some(&body)).await.unwrap())
            }
        };
        let (division, spare_division) = (division("North").await, division("Spare").await);
        let group = |name: &'static str| async move {
            let body = json!({"name": name, "permissions": ["view_jobs"]});
            portico_tests::id(
                &app.api.expect(201, "POST", "/admin/access-groups", &t.admin, Some(&body)).await.unwrap(),
            )
        };
        let (group, spare_group) = (group("Managers").await, group("Spare").await);
        // A completed job with a service record, and two work requests raised by a member
        // the fixtures do not otherwise name.
        let file =
            app.upload(&t.admin, "/admin/files", "Service record.pdf", "application/pdf", b"%PDF-1.4 fixture").await;
        let body = json!({"customer_id": customer, "site_id": site, "name": "Boiler 1",
            "upcoming_services": [{"name": "Annual service", "due_at": "2027-01-15T09:00:00Z"}]});
        let asset = portico_tests::id(
            &app.api.expect(201, "PUT", "/admin/assets/A-1001", &t.admin, Some(&body)).await.unwrap(),
        );
        let body = json!({"customer_id": customer, "site_id": site, "category": "repair", "status": "completed",
            "asset_id": asset, "attachments": [{"kind": "service_record", "file_id": file}]});
        let job =
            portico_tests::id(&app.api.expect(201, "PUT", "/admin/jobs/WO-1001", &t.admin, Some(&body)).await.unwrap());
        let body = json!({"customer_id": customer, "first_name": "R", "last_name": "Q", "email": app.email("requester"),
            "permissions": ["create_work_requests"]});
        let requester = app.member(&t.admin, body).await;
        let requester = app.invited_member(&t.admin, &requester, &app.email("requester")).await;
        let request = |subject: &'static str| {
            let body = json!({"subject": subject, "site_id": site});
            let requester = &requester;
            async move {
                let path = "/portal/work-requests";
                portico_tests::id(&app.api.expect(201, "POST", path, requester, Some(&body)).await.unwrap())
            }
        };
        let (work_request, spare_work_request) = (request("Leak").await, request("Noise").await);
        // Quotes: two sent ones to decide, and a draft the upsert fixture publishes.
        let publish = |reference: &'static str, status: &'static str| {
            let body = json!({"customer_id": customer, "site_id": site, "title": "Repair", "currency": "EUR",
                "lines": [{"description": "Work", "quantity": 2, "unit_price": 5000}], "status": status});
            let path = format!("/admin/quotes/{reference}");
            async move { portico_tests::id(&app.api.expect(201, "PUT", &path, &t.admin, Some(&body)).await.unwrap()) }
        };
        let (quote, spare_quote) = (publish("Q-1001", "sent").await, publish("Q-1002", "sent").await);
        publish("Q-1003", "draft").await;
        let body = json!({"customer_id": customer, "site_id": site, "number": "1001", "issued_at": "2026-11-01T00:00:00Z",
            "due_at": "2099-12-31T00:00:00Z", "currency": "EUR", "total": 10_000, "file_id": file});
        let invoice = portico_tests::id(
            &app.api.expect(201, "PUT", "/admin/invoices/I-1001", &t.admin, Some(&body)).await.unwrap(),
        );
        // The tenant takes payments; the fixtures' member (all permissions) has opened one.
        portico_local::seed::connect_payments(&app.api, &t.admin).await.unwrap();
        let pay = json!({"invoices": [{"id": invoice, "balance": 10_000}], "return_path": "/invoices"});
        let payment = portico_tests::id(
            &app.api.expect(201, "POST", "/portal/invoices/pay", &member_token, Some(&pay)).await.unwrap(),
        );
        let body = json!({"customer_id": customer, "site_id": site, "file_id": file, "title": "Certificate",
            "visible_in_portal": true});
        let document =
            portico_tests::id(&app.api.expect(201, "POST", "/admin/documents", &t.admin, Some(&body)).await.unwrap());
        // A message to the group, which the fixtures' member joins (a member outside it
        // does not see it: the matrix expects a 404 from them).
        let path = format!("/admin/members/{member}");
        app.api.expect(200, "PATCH", &path, &t.admin, Some(&json!({"group_ids": [group]}))).await.unwrap();
        let body = json!({"title": "Safety notice", "body": "Hard hats on site.", "audience": {"group_ids": [group]},
            "requires_ack": true});
        let message =
            portico_tests::id(&app.api.expect(201, "POST", "/admin/messages", &t.admin, Some(&body)).await.unwrap());
        let integration = |name: &'static str| async move {
            let body = json!({"name": name, "scopes": ["access:read", "records:write"]});
            portico_tests::id(&app.api.expect(201, "POST", "/admin/integrations", &t.admin, Some(&body)).await.unwrap())
        };
        let (integration, spare_integration) = (integration("ERP").await, integration("Spare ERP").await);
        let body = json!({"url": "http://127.0.0.1:9/hook", "event_types": ["quote.approved"]});
        let webhook =
            portico_tests::id(&app.api.expect(201, "POST", "/admin/webhooks", &t.admin, Some(&body)).await.unwrap());
        // The tenant as the admin's verified token names it.
        let tenant = Principal::from_claims(
            &[("sub", "fixture"), ("custom:tenant_id", t.id.as_str())]
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .into(),
        )
        .unwrap()
        .tenant()
        .unwrap();
        let unsubscribe = Unsubscribe {
            tenant,
            party: Party::Member(MemberId::parse(&member).unwrap()),
            kind: NotificationKind::Quotes,
            locale: Locale::En,
        }
        .token(app.app.store.cursors());
        let settings = app.api.expect(200, "GET", "/admin/settings", &t.admin, None).await.unwrap();
        let settings: portico::domain::settings::Settings = serde_json::from_value(settings).unwrap();
        let sender = settings.branding.sender_email.expect("set-up names a reply address");
        let (reply_to_code, _) = portico::mail::reply_to::issue(app.app.store.cursors(), tenant, &sender, now());
        // A delivery in the webhook's log, as the stream's consumer claims one.
        let event_id = format!("evt_{}", portico::domain::ids::DeliveryId::generate().ulid());
        let hook = portico::domain::ids::WebhookId::parse(&webhook).unwrap();
        let kind = portico::domain::integration_event::EventType::QuoteApproved;
        let delivery = portico::domain::webhook::Delivery::new(hook, &event_id, kind, "{}".into(), now());
        assert!(app.app.store.claim_webhook_delivery(tenant, &delivery).await.unwrap());
        Self {
            ids: vec![
                (UNSUBSCRIBE_TOKEN, unsubscribe),
                (REPLY_TO_CODE, reply_to_code),
                (TENANT, t.id.clone()),
                (CUSTOMER, customer),
                (SPARE_CUSTOMER, spare_customer),
                (SITE, site),
                (SPARE_SITE, spare_site),
                (MEMBER, member),
                (SPARE_MEMBER, spare_member),
                (CONTACT, contact),
                (SPARE_CONTACT, spare_contact),
                (DIVISION, division),
                (SPARE_DIVISION, spare_division),
                (GROUP, group),
                (SPARE_GROUP, spare_group),
                (JOB, job),
                (WORK_REQUEST, work_request),
                (SPARE_WORK_REQUEST, spare_work_request),
                (FILE, file),
                (QUOTE, quote),
                (SPARE_QUOTE, spare_quote),
                (INVOICE, invoice),
                (PAYMENT, payment),
                (ASSET, asset),
                (DOCUMENT, document),
                (MESSAGE, message),
                (WEBHOOK, webhook),
                (DELIVERY, delivery.id.to_string()),
                (ADMIN_STAFF, admin_staff),
                (ADMIN_SUB, admin_sub),
                (MEMBER_SUB, member_sub),
                (SPARE_STAFF, spare_staff),
                (NEW_STAFF_EMAIL, app.email("new-staff")),
                (INTEGRATION, integration),
                (SPARE_INTEGRATION, spare_integration),
            ],
        }
    }

    pub fn id(&self, fixture_id: &str) -> &str {
        &self.ids.iter().find(|(f, _)| *f == fixture_id).expect("a fixture id").1
    }

    /// A fixture's text with the world's ids in place of the fixture ids.
    pub fn apply(&self, text: &str) -> String {
        self.ids.iter().fold(text.to_owned(), |t, (fixture_id, real)| t.replace(fixture_id, real))
    }
}

/// The fixture files, deletions last (so the others still find what they name).
pub fn files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(workspace_root().join("events/api")).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort_by_key(|p| (name(p).starts_with("Delete"), p.clone()));
    files
}

pub fn name(path: &std::path::Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

/// What the fixture's operation answers when it succeeds.
/// The processor's signature of a fixture's body, for the processor's route (a signature
/// names its moment, so no fixture can carry one): signed with the local gateway's
/// endpoint secret, now.
pub fn stripe_signature(app: &TestApp, name: &str, body: &[u8]) -> Option<String> {
    (name == "ReceiveStripeEvent.json").then(|| {
        let secret = &app.app.config.stripe.as_ref().expect("a processor").webhook_secrets[0];
        portico::stripe::sign(body, secret, now().unix_timestamp())
    })
}

pub fn success(name: &str) -> u16 {
    match name {
        n if n.starts_with("Create") => 201,
        n if n.starts_with("Delete") => 204,
        _ => 200,
    }
}

#[tokio::test]
async fn every_fixture_runs_through_its_handler() {
    let app = spawn_app().await;
    let t = app.tenant("Fixture Tenant").await;
    let world = World::build(&app, &t).await;
    let files = files();
    assert_eq!(files.len(), portico_functions::ROUTES.len());
    for path in files {
        let text = world.apply(&std::fs::read_to_string(&path).unwrap());
        let mut request = lambda_http::request::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if let Some(signature) = stripe_signature(&app, &name(&path), request.body().as_ref()) {
            request.headers_mut().insert("stripe-signature", signature.parse().unwrap());
        }
        let response = portico_functions::handle_event(app.app, through_cloudfront(&app, request)).await;
        let status = response.status().as_u16();
        let body = match response.body() {
            lambda_http::Body::Text(t) => t.clone(),
            _ => String::new(),
        };
        let name = name(&path);
        assert_eq!(status, success(&name), "{name}: {body}");
        assert_api_headers(&name, response.headers());
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok());
        let content_type = header("content-type");
        if name == "ExportMyJobs.json" {
            assert_eq!(content_type, Some("text/csv; charset=utf-8"), "{name}");
            assert!(body.contains("WO-1001"), "{name}: {body}");
        } else if name.ends_with("Unsubscribe.json") {
            assert_eq!(content_type, Some("text/html; charset=utf-8"), "{name}");
            assert!(body.contains("new quotes"), "{name}: {body}");
            // A page: its styles allowed by hash only (there are no inline style
            // attributes to allow), never framed, its address (the token) never a referrer.
            let csp = header("content-security-policy").unwrap_or_default();
            assert!(csp.starts_with("default-src 'none'; style-src 'sha256-"), "{name}: {csp}");
            assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe"), "{name}: {csp}");
            assert_eq!(csp, portico::http::headers::page_policy(&body), "{name}: the page's own styles");
            assert!(body.contains("<style>") && !body.contains(" style="), "{name}: {body}");
            assert_eq!(header("x-frame-options"), Some("DENY"), "{name}");
            assert_eq!(header("referrer-policy"), Some("no-referrer"), "{name}");
        } else if status != 204 {
            assert_eq!(content_type, Some("application/json"), "{name}");
            serde_json::from_str::<serde_json::Value>(&body).unwrap_or_else(|_| panic!("{name}: not JSON"));
        }
    }
}

#[tokio::test]
async fn a_verified_admin_of_a_tenant_that_does_not_exist_is_refused() {
    let app = spawn_app().await;
    let text = std::fs::read_to_string(workspace_root().join("events/api/GetSettings.json")).unwrap();
    let request = lambda_http::request::from_str(&text).unwrap();
    let response = portico_functions::handle_event(app.app, through_cloudfront(&app, request)).await;
    assert_eq!(response.status().as_u16(), 403);
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok());
    assert_eq!(content_type, Some("application/problem+json"));
}
