//! The demo tenant, created through the API the way people would: an operator creates
//! the tenant, its admin signs in with the emailed temporary password, completes set-up,
//! creates customers (one with a child customer), sites and members, and invites them;
//! the members sign in with their emailed passwords and choose the demo password.

use anyhow::{bail, Context as _};
use aws_sdk_cognitoidentityprovider::types::{AttributeType, MessageActionType};
use serde::Serialize;
use serde_json::{json, Value};

use crate::client::ApiClient;
use crate::provision::Provisioned;
use crate::signin;
use crate::stack::Aws;

/// The password every demo login ends up with.
pub const DEMO_PASSWORD: &str = "Portico-Demo-2026!";

#[derive(Debug, Clone, Serialize)]
pub struct Login {
    pub username: String,
    pub password: String,
    /// The secret of the login's authenticator app (base32), where it has one: what the
    /// app keeps, so that local tools can type its codes (`make totp EMAIL=…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub totp_secret: Option<String>,
}

impl Login {
    /// Signs in as this login (with its app's code where it has one): the ID token.
    pub async fn token(&self, aws: &Aws, prov: &Provisioned) -> anyhow::Result<String> {
        let (username, password) = (&self.username, &self.password);
        let secret = self.totp_secret.as_deref();
        Ok(signin::tokens(&aws.cognito(), &prov.user_pool_client_id, username, password, password, secret).await?.id)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Seeded {
    pub tenant_id: String,
    pub operator: Login,
    pub admin: Login,
    /// Customer-scoped: sees every site of Harbor Retail Group and its child customer.
    pub demo: Login,
    /// Site-scoped: sees only Outlet North.
    pub site_member: Login,
    /// Division-scoped: sees the Northern region's sites (Outlet North).
    pub division_member: Login,
    /// The operator's and the admin's ID tokens from the seeding: an authenticator app's
    /// code counts once, so tools that follow use these rather than sign in again.
    #[serde(skip)]
    pub operator_token: String,
    #[serde(skip)]
    pub admin_token: String,
    /// The back office: an integration with every grantable scope, and its credentials.
    pub back_office: DemoIntegration,
    /// Harbor's billing contact, whose address bounced (`bounce`): the console marks it.
    pub bounced_contact: String,
}

/// A platform operator's login with a permanent password and an authenticator app
/// (operators are made by hand in AWS, and must use a second factor; locally, here).
pub async fn operator(aws: &Aws, prov: &Provisioned, email: &str, password: &str) -> anyhow::Result<Login> {
    let idp = aws.cognito();
    let user = idp
        .admin_create_user()
        .user_pool_id(&prov.user_pool_id)
        .username(email)
        .message_action(MessageActionType::Suppress)
        .user_attributes(AttributeType::builder().name("email").value(email).build()?)
        .user_attributes(AttributeType::builder().name("email_verified").value("true").build()?)
        .send()
        .await
        .context("creating the login")?
        .user
        .context("no user")?;
    let username = user.username.context("no username")?;
    let group = portico::domain::principal::GROUP_OPERATOR;
    idp.admin_add_user_to_group().user_pool_id(&prov.user_pool_id).username(&username).group_name(group).send().await?;
    idp.admin_set_user_password()
        .user_pool_id(&prov.user_pool_id)
        .username(&username)
        .password(password)
        .permanent(true)
        .send()
        .await?;
    let tokens = signin::tokens(&idp, &prov.user_pool_client_id, email, password, password, None).await?;
    let secret = signin::set_up_totp(&idp, &tokens.access).await?;
    Ok(Login { username: email.into(), password: password.into(), totp_secret: Some(secret) })
}

/// Signs in with the newest emailed temporary password, choosing `new_password`.
pub async fn accept_invitation(
    aws: &Aws,
    prov: &Provisioned,
    email: &str,
    new_password: &str,
) -> anyhow::Result<String> {
    Ok(first_sign_in(aws, prov, email, new_password).await?.id)
}

/// An admin's first sign-in: the emailed temporary password, a new password, then an
/// authenticator app set up and a sign-in with its code (admins must use one unless
/// their tenant says otherwise). The login, and its ID token.
pub async fn accept_admin_invitation(
    aws: &Aws,
    prov: &Provisioned,
    email: &str,
    new_password: &str,
) -> anyhow::Result<(Login, String)> {
    let first = first_sign_in(aws, prov, email, new_password).await?;
    let secret = signin::set_up_totp(&aws.cognito(), &first.access).await?;
    let login = Login { username: email.into(), password: new_password.into(), totp_secret: Some(secret) };
    let token = login.token(aws, prov).await?;
    Ok((login, token))
}

async fn first_sign_in(
    aws: &Aws,
    prov: &Provisioned,
    email: &str,
    new_password: &str,
) -> anyhow::Result<signin::Tokens> {
    let mails = crate::mailbox::to(&aws.endpoint, email).await?;
    let Some(temporary) = mails.iter().rev().find_map(|m| m.temporary_password()) else {
        bail!("no invitation was sent to {email}");
    };
    signin::tokens(&aws.cognito(), &prov.user_pool_client_id, email, temporary, new_password, None).await
}

fn id(v: &Value) -> anyhow::Result<String> {
    v["id"].as_str().map(str::to_owned).context("response without id")
}

/// Connects the tenant's processor account as its admin would: `POST
/// /admin/payments/account`, then the processor's onboarding page, submitted (the local
/// Stripe's; its `account.updated` event tells Portico the account takes payments).
pub async fn connect_payments(api: &ApiClient, admin: &str) -> anyhow::Result<()> {
    let onboarding = api.expect(201, "POST", "/admin/payments/account", admin, None).await?;
    let url = onboarding["onboarding_url"].as_str().context("no onboarding_url")?;
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let done = browser.post(url).send().await.context("the onboarding page")?;
    anyhow::ensure!(done.status().as_u16() == 303, "onboarding answered {}", done.status());
    let account = api.expect(200, "GET", "/admin/payments/account", admin, None).await?;
    anyhow::ensure!(account["charges_enabled"] == true, "the account does not take payments: {account}");
    Ok(())
}

pub async fn seed(api: &ApiClient, aws: &Aws, prov: &Provisioned, portal_url: &str) -> anyhow::Result<Seeded> {
    let operator = operator(aws, prov, "operator@portico.test", DEMO_PASSWORD).await?;
    let op_token = operator.token(aws, prov).await?;

    let admin_email = "admin@northwind.test";
    let tenant = api
        .expect(
            201,
            "POST",
            "/platform/tenants",
            &op_token,
            Some(&json!({
                "name": "Northwind Facilities",
                "admin_email": admin_email,
                "admin_first_name": "Nora",
                "admin_last_name": "Admin",
            })),
        )
        .await?;
    let (admin_login, admin) = accept_admin_invitation(aws, prov, admin_email, DEMO_PASSWORD).await?;

    api.expect(
        200,
        "PUT",
        "/admin/settings",
        &admin,
        Some(&json!({
            "features": ["jobs", "work_requests", "quotes", "invoices", "assets", "documents", "messages", "reports", "payments"],
            "branding": {
                "display_name": "Northwind Facilities",
                "primary_color": "#0b5fff",
                "portal_url": portal_url,
                "sender_email": "service@northwind.test"
            },
            "default_locale": "en",
            "work_order_types": [
                {"code": "repair", "name": "Repair"},
                {"code": "service", "name": "Planned service"},
                {"code": "install", "name": "Installation"}
            ],
            "setup_complete": true
        })),
    )
    .await?;
    // The reply address, confirmed as an admin would: the code mailed to it, entered.
    api.expect(200, "POST", "/admin/settings/sender-email/verification", &admin, None).await?;
    let mails = crate::mailbox::to(&aws.endpoint, "service@northwind.test").await?;
    let code = mails.iter().rev().find_map(|m| m.reply_to_code()).context("no reply-address code was mailed")?;
    api.expect(200, "POST", "/admin/settings/sender-email/confirm", &admin, Some(&json!({"code": code}))).await?;
    connect_payments(api, &admin).await?;

    let customer = |body: Value| {
        let admin = admin.clone();
        async move { id(&api.expect(201, "POST", "/admin/customers", &admin, Some(&body)).await?) }
    };
    let harbor = customer(json!({"name": "Harbor Retail Group", "account_code": "HRG-001", "allowed_work_order_types": ["repair", "service"]})).await?;
    let outlets =
        customer(json!({"name": "Harbor Outlet Stores", "parent_id": harbor, "account_code": "HRG-OUT"})).await?;
    let lakeside = customer(
        json!({"name": "Lakeside Clinics", "account_code": "LKC-001", "allowed_work_order_types": ["service"]}),
    )
    .await?;

    let site = |customer: String, name: &'static str, address: &'static str| {
        let admin = admin.clone();
        async move {
            id(&api
                .expect(
                    201,
                    "POST",
                    &format!("/admin/customers/{customer}/sites"),
                    &admin,
                    Some(&json!({"name": name, "address": address})),
                )
                .await?)
        }
    };
    let hq = site(harbor.clone(), "Harbor HQ", "1 Quay Street, Rotterdam").await?;
    let region = id(&api
        .expect(
            201,
            "POST",
            &format!("/admin/customers/{outlets}/divisions"),
            &admin,
            Some(&json!({
                "name": "Northern region", "parent_group": "Outlets"
            })),
        )
        .await?)?;
    let north = id(&api
        .expect(
            201,
            "POST",
            &format!("/admin/customers/{outlets}/sites"),
            &admin,
            Some(&json!({
                "name": "Outlet North", "address": "12 Noordweg, Groningen", "division_id": region
            })),
        )
        .await?)?;
    let south = site(outlets.clone(), "Outlet South", "8 Zuidlaan, Maastricht").await?;
    let clinic = site(lakeside.clone(), "Lakeside Main Clinic", "3 Meerpad, Utrecht").await?;
    site(lakeside.clone(), "Lakeside East Clinic", "40 Oostkade, Utrecht").await?;

    // A contact whose address bounced once the demo data is in (`bounce`, below).
    let bounced_contact = id(&api
        .expect(
            201,
            "POST",
            &format!("/admin/customers/{harbor}/contacts"),
            &admin,
            Some(&json!({
                "first_name": "Bill", "last_name": "Ledger", "email": BOUNCED, "role": "billing"
            })),
        )
        .await?)?;

    let carla = "carla@harbor.test";
    let carla_id = id(&api
        .expect(201, "POST", "/admin/members", &admin, Some(&json!({
            "customer_id": harbor, "first_name": "Carla", "last_name": "Customer", "email": carla,
            "job_title": "Facilities manager", "phone": "+31612345001",
            "permissions": ["view_jobs", "export_jobs", "view_completed_jobs", "create_work_requests", "add_job_notes", "view_quotes", "approve_quotes", "view_invoices", "pay_invoices", "view_assets", "view_documents", "view_messages"],
            "notifications": ["quotes", "invoices", "jobs_completed", "work_requests", "messages", "payments"],
            "approval_limits": {"EUR": 1_000_000}
        })))
        .await?)?;
    let sam = "sam@harbor.test";
    let sam_id = id(&api
        .expect(
            201,
            "POST",
            "/admin/members",
            &admin,
            Some(&json!({
                "customer_id": harbor, "first_name": "Sam", "last_name": "Site", "email": sam, "locale": "nl",
                "admin": false,
                "permissions": ["view_jobs", "create_work_requests", "view_assets", "view_documents", "view_messages"],
                "notifications": ["job_status", "jobs_completed", "work_requests", "messages"],
                "scope": {"grants": [{"customer_id": outlets, "site_ids": [north]}]}
            })),
        )
        .await?)?;
    let dana = "dana@harbor.test";
    let dana_id = id(&api
        .expect(
            201,
            "POST",
            "/admin/members",
            &admin,
            Some(&json!({
                "customer_id": harbor, "first_name": "Dana", "last_name": "Division", "email": dana, "admin": false,
                "permissions": ["view_jobs"],
                "scope": {"grants": [{"customer_id": outlets, "division_ids": [region]}]}
            })),
        )
        .await?)?;
    for member in [&carla_id, &sam_id, &dana_id] {
        api.expect(
            200,
            "POST",
            &format!("/admin/members/{member}/invite"),
            &admin,
            Some(&json!({
                "message": "Welcome to the Northwind portal: your sites and jobs are all here."
            })),
        )
        .await?;
    }
    let carla_token = accept_invitation(aws, prov, carla, DEMO_PASSWORD).await?;
    // Carla's number, which the admin typed in, signs in once she has entered its code.
    signin::verify_phone(aws, &prov.user_pool_client_id, carla, DEMO_PASSWORD).await?;
    let sam_token = accept_invitation(aws, prov, sam, DEMO_PASSWORD).await?;
    accept_invitation(aws, prov, dana, DEMO_PASSWORD).await?;

    // Work published by the back office: jobs across the sites, two with documents.
    let pdf = |title: &str| format!("%PDF-1.4\n% Northwind Facilities - {title}\n%%EOF\n").into_bytes();
    let record = api
        .upload(&admin, "/admin/files", "Service record WO-24001.pdf", "application/pdf", &pdf("service record"), None)
        .await?;
    let form = api
        .upload(
            &admin,
            "/admin/files",
            "Inspection form WO-24005.pdf",
            "application/pdf",
            &pdf("inspection form"),
            None,
        )
        .await?;
    // Assets with their upcoming services (relative to today, so the dashboard has
    // something due whenever the demo runs); jobs below name them.
    let in_days = |days: i64| {
        portico::store::keys::stamp(
            portico::domain::tenant::now().saturating_add(portico::domain::clock::Duration::days(days)),
        )
    };
    let assets = [
        (
            "A-HQ-BOILER",
            &harbor,
            &hq,
            json!({"name": "Central boiler", "category": "boiler", "serial_number": "VX-200-88412",
            "location": "Basement plant room", "installed_at": "2019-05-01T00:00:00Z", "under_contract": true,
            "value": 1_250_000, "currency": "EUR",
            "upcoming_services": [{"name": "Annual service", "due_at": in_days(20)}, {"name": "Gas safety check", "due_at": in_days(120)}]}),
        ),
        (
            "A-HQ-SCALES",
            &harbor,
            &hq,
            json!({"name": "Loading-dock scales", "category": "scales", "serial_number": "LDS-7731",
            "location": "Loading dock", "upcoming_services": [{"name": "Calibration", "due_at": in_days(-5)}]}),
        ),
        (
            "A-NORTH-PUMP",
            &outlets,
            &north,
            json!({"name": "Sprinkler pump", "category": "fire safety",
            "location": "Pump room", "under_contract": true,
            "upcoming_services": [{"name": "Quarterly inspection", "due_at": in_days(45)}]}),
        ),
        (
            "A-NORTH-DOORS",
            &outlets,
            &north,
            json!({"name": "Entrance doors", "category": "doors", "status": "out_of_service"}),
        ),
    ];
    let mut asset_ids = std::collections::BTreeMap::new();
    for (reference, customer, site, mut body) in assets {
        body["customer_id"] = json!(customer);
        body["site_id"] = json!(site);
        let asset = api.expect(201, "PUT", &format!("/admin/assets/{reference}"), &admin, Some(&body)).await?;
        asset_ids.insert(reference, id(&asset)?);
    }
    let asset_of = |job: &str| match job {
        "WO-24001" | "WO-24002" => asset_ids.get("A-HQ-BOILER").cloned(),
        "WO-24003" => asset_ids.get("A-NORTH-PUMP").cloned(),
        "WO-24007" => asset_ids.get("A-HQ-SCALES").cloned(),
        "WO-24005" => asset_ids.get("A-NORTH-PUMP").cloned(),
        _ => None,
    };

    let jobs = [
        (
            "WO-24001",
            &harbor,
            &hq,
            "repair",
            "completed",
            "Boiler pressure drops overnight; expansion vessel replaced.",
            "2026-11-02T08:15:00Z",
            json!([{"kind": "service_record", "file_id": record}]),
        ),
        (
            "WO-24002",
            &harbor,
            &hq,
            "service",
            "scheduled",
            "Quarterly HVAC service.",
            "2026-11-10T09:00:00Z",
            json!([]),
        ),
        (
            "WO-24003",
            &outlets,
            &north,
            "install",
            "in_progress",
            "Install two air curtains at the entrance.",
            "2026-11-12T10:30:00Z",
            json!([]),
        ),
        (
            "WO-24004",
            &outlets,
            &south,
            "repair",
            "pending",
            "Freezer alarm; waiting for parts.",
            "2026-11-14T14:00:00Z",
            json!([]),
        ),
        (
            "WO-24005",
            &outlets,
            &north,
            "inspection",
            "completed",
            "Annual fire-safety inspection.",
            "2026-11-16T07:45:00Z",
            json!([{"kind": "workflow_form", "file_id": form}]),
        ),
        (
            "WO-24006",
            &lakeside,
            &clinic,
            "service",
            "assigned",
            "Sterilizer calibration.",
            "2026-11-18T11:00:00Z",
            json!([]),
        ),
        (
            "WO-24007",
            &harbor,
            &hq,
            "calibration",
            "unassigned",
            "Calibrate the loading-dock scales.",
            "2026-11-20T13:20:00Z",
            json!([]),
        ),
    ];
    for (reference, customer, site, category, status, description, reported, attachments) in jobs {
        // Completed days ago, whatever today is: the home page shows work done in the last 30.
        let completed = (status == "completed").then(|| in_days(-4));
        let body = json!({
            "customer_id": customer, "site_id": site, "category": category, "status": status,
            "work_order_type": if category == "repair" { "repair" } else { "service" },
            "description": description, "reported_at": reported, "completed_at": completed,
            "visit_count": 1, "cost": 18_500, "currency": "EUR", "attachments": attachments,
            "asset_id": asset_of(reference)
        });
        api.expect(201, "PUT", &format!("/admin/jobs/{reference}"), &admin, Some(&body)).await?;
    }

    // Six months of completed work before this one, so that every KPI report has a
    // history: services and calibrations at HQ (some calibrations late), repairs at the
    // outlets (some needing a second visit), with their costs on the assets.
    let this_month = portico::domain::report::Month::of(portico::domain::tenant::now());
    for k in 1..=6u32 {
        let month = this_month.back(k);
        let day = |d: u32| format!("{month}-{d:02}T10:00:00Z");
        let history = [
            ("01", &harbor, &hq, "service", 1, asset_ids.get("A-HQ-BOILER"), 12_000 + 1_500 * k, None),
            (
                "02",
                &outlets,
                &north,
                "repair",
                if k % 3 == 0 { 2 } else { 1 },
                asset_ids.get("A-NORTH-PUMP"),
                25_000 + 2_000 * k,
                None,
            ),
            (
                "03",
                &harbor,
                &hq,
                "calibration",
                1,
                asset_ids.get("A-HQ-SCALES"),
                8_000,
                Some(day(if k % 2 == 0 { 20 } else { 5 })),
            ),
            ("04", &outlets, &south, "repair", 1 + k % 2, None, 9_500, None),
        ];
        for (n, customer, site, category, visits, asset, cost, due) in history {
            let body = json!({
                "customer_id": customer, "site_id": site, "category": category, "status": "completed",
                "work_order_type": if category == "repair" { "repair" } else { "service" },
                "reported_at": day(1), "completed_at": day(10), "due_at": due, "visit_count": visits,
                "cost": cost, "currency": "EUR", "asset_id": asset,
            });
            api.expect(201, "PUT", &format!("/admin/jobs/WO-{month}-{n}"), &admin, Some(&body)).await?;
        }
    }

    // Members' work requests: Sam's was accepted and linked to the installation job.
    let body = json!({"subject": "Entrance is draughty", "site_id": north, "work_order_type": "repair",
        "notes": "Customers complain about the cold at the entrance.", "requested_at": "2026-11-11T09:00:00Z"});
    let request = id(&api.expect(201, "POST", "/portal/work-requests", &sam_token, Some(&body)).await?)?;
    api.expect(
        200,
        "POST",
        &format!("/admin/work-requests/{request}/accept"),
        &admin,
        Some(&json!({"job_id": "WO-24003"})),
    )
    .await?;
    let body = json!({"subject": "Lights flicker in the staff room", "site_id": hq, "work_order_type": "repair"});
    api.expect(201, "POST", "/portal/work-requests", &carla_token, Some(&body)).await?;

    // Quotes: one for Carla to approve (with its PDF), one she approved, one expired, one
    // above her approval limit of EUR 10,000.00, and a draft she does not see.
    let quote_pdf =
        api.upload(&admin, "/admin/files", "Quote Q-24010.pdf", "application/pdf", &pdf("quote Q-24010"), None).await?;
    let quotes = [
        ("Q-24008", &hq, "Replace the staff-room lighting", 42_000, "sent", "2027-06-30T23:59:59Z", None),
        ("Q-24009", &hq, "Repaint the loading dock", 310_000, "sent", "2026-10-31T23:59:59Z", None),
        (
            "Q-24010",
            &hq,
            "Replace the boiler's expansion vessel",
            189_000,
            "sent",
            "2027-06-30T23:59:59Z",
            Some(&quote_pdf),
        ),
        ("Q-24011", &north, "New entrance doors", 1_240_000, "sent", "2027-06-30T23:59:59Z", None),
        ("Q-24012", &hq, "Solar panels (draft)", 2_500_000, "draft", "2027-06-30T23:59:59Z", None),
        ("Q-24013", &hq, "Replace the scales' load cells", 96_000, "sent", "2027-06-30T23:59:59Z", None),
    ];
    for (reference, site, title, price, status, valid_until, file) in quotes {
        let customer = if site == &north { &outlets } else { &harbor };
        let body = json!({
            "customer_id": customer, "site_id": site, "title": title, "currency": "EUR", "tax_rate_bps": 2100,
            "lines": [{"description": title, "quantity": 1, "unit_price": price},
                      {"description": "Labour (hours)", "quantity": 2.5, "unit_price": 7_500}],
            "status": status, "valid_until": valid_until, "file_id": file,
            "asset_ids": match reference {
                "Q-24010" => asset_ids.get("A-HQ-BOILER").into_iter().collect::<Vec<_>>(),
                "Q-24013" => asset_ids.get("A-HQ-SCALES").into_iter().collect(),
                _ => Vec::new(),
            }
        });
        api.expect(201, "PUT", &format!("/admin/quotes/{reference}"), &admin, Some(&body)).await?;
    }
    let approved = api.expect(200, "GET", "/admin/quotes/Q-24008", &admin, None).await?;
    let body =
        json!({"signed_by": "Carla Customer", "comment": "Please do it on a Saturday.", "po_number": "PO-2026-0412"});
    api.expect(200, "POST", &format!("/portal/quotes/{}/approve", id(&approved)?), &carla_token, Some(&body)).await?;
    let rejected = api.expect(200, "GET", "/admin/quotes/Q-24013", &admin, None).await?;
    let body = json!({"signed_by": "Carla Customer", "reason": "We will replace the scales next year."});
    api.expect(200, "POST", &format!("/portal/quotes/{}/reject", id(&rejected)?), &carla_token, Some(&body)).await?;

    // Invoices, one of each status (the clock decides which are overdue).
    let invoice_pdf = api
        .upload(&admin, "/admin/files", "Invoice 2026-0311.pdf", "application/pdf", &pdf("invoice 2026-0311"), None)
        .await?;
    let invoices = [
        (
            "INV-2026-0301",
            &harbor,
            &hq,
            "2026-0301",
            "2026-10-01T09:00:00Z",
            "2026-10-31T23:59:59Z",
            22_385,
            22_385,
            None,
        ),
        (
            "INV-2026-0307",
            &outlets,
            &north,
            "2026-0307",
            "2026-10-20T09:00:00Z",
            "2026-11-19T23:59:59Z",
            48_400,
            0,
            None,
        ),
        (
            "INV-2026-0311",
            &harbor,
            &hq,
            "2026-0311",
            "2026-11-21T09:00:00Z",
            "2027-12-21T23:59:59Z",
            22_385,
            5_000,
            Some(&invoice_pdf),
        ),
    ];
    for (reference, customer, site, number, issued, due, total, paid, file) in invoices {
        let body = json!({"customer_id": customer, "site_id": site, "number": number, "issued_at": issued, "due_at": due,
            "currency": "EUR", "total": total, "amount_paid": paid, "file_id": file});
        api.expect(201, "PUT", &format!("/admin/invoices/{reference}"), &admin, Some(&body)).await?;
    }

    // Documents: a customer-wide agreement, two at Outlet North — the asbestos survey
    // hidden from Sam, so Carla sees it and Sam does not — and a draft nobody sees.
    let documents = [
        ("Service agreement 2026.pdf", &harbor, None, "Service agreement 2026", true),
        ("Fire safety certificate.pdf", &outlets, Some(&north), "Fire safety certificate - Outlet North", true),
        ("Asbestos survey.pdf", &outlets, Some(&north), "Asbestos survey - Outlet North", true),
        ("Price list 2027.pdf", &harbor, None, "Price list 2027 (draft)", false),
    ];
    let mut hidden_from_sam = Vec::new();
    for (file_name, customer, site, title, visible) in documents {
        let file = api.upload(&admin, "/admin/files", file_name, "application/pdf", &pdf(title), None).await?;
        let body = json!({"customer_id": customer, "site_id": site, "file_id": file, "title": title,
            "visible_in_portal": visible});
        let document = api.expect(201, "POST", "/admin/documents", &admin, Some(&body)).await?;
        if title.starts_with("Asbestos") {
            hidden_from_sam.push(id(&document)?);
        }
    }
    api.expect(
        200,
        "PUT",
        &format!("/admin/members/{sam_id}/document-restrictions"),
        &admin,
        Some(&json!({"hidden_document_ids": hidden_from_sam})),
    )
    .await?;

    // Messages: a safety notice to everyone that asks to be acknowledged (Carla has, Sam
    // has not), a note to the site managers' group (Sam is in it), and one scheduled
    // (three weeks from whenever the demo runs).
    let body = json!({"name": "Site managers", "permissions": ["view_jobs", "view_messages", "view_reports"],
        "reports": ["completed_service_visits", "first_time_fix", "equipment_in_service"]});
    let managers = id(&api.expect(201, "POST", "/admin/access-groups", &admin, Some(&body)).await?)?;
    api.expect(200, "PATCH", &format!("/admin/members/{sam_id}"), &admin, Some(&json!({"group_ids": [managers]})))
        .await?;
    // The KPI reports, all nine, through a group: Carla (an admin member has them anyway)
    // and Dana, whose own scope (the Northern region) limits what they count.
    let all_reports: Vec<&str> = portico::domain::rights::Report::ALL.iter().map(|r| r.as_str()).collect();
    let body = json!({"name": "Reporting", "permissions": ["view_reports"], "reports": all_reports});
    let reporting = id(&api.expect(201, "POST", "/admin/access-groups", &admin, Some(&body)).await?)?;
    for member in [&carla_id, &dana_id] {
        let body = json!({"group_ids": [reporting]});
        api.expect(200, "PATCH", &format!("/admin/members/{member}"), &admin, Some(&body)).await?;
    }
    let messages = [
        json!({"title": "Hard hats on every site from Monday", "body": "From Monday 1 December, hard hats are required on every site we work at, also for visitors.\nPlease confirm you have read this.",
            "audience": {"all": true}, "requires_ack": true}),
        json!({"title": "Outlet North car park resurfaced on Friday", "body": "Our crew resurfaces the car park on Friday. Please use the side entrance.",
            "audience": {"group_ids": [managers]}}),
        json!({"title": "Holiday opening hours", "body": "Our planning desk is closed from 24 December to 1 January.",
            "audience": {"all": true}, "starts_at": in_days(21), "ends_at": in_days(40)}),
    ];
    let mut notice = None;
    for body in messages {
        let message = api.expect(201, "POST", "/admin/messages", &admin, Some(&body)).await?;
        notice = notice.or(Some(id(&message)?));
    }
    if let Some(notice) = notice {
        api.expect(200, "POST", &format!("/portal/messages/{notice}/ack"), &carla_token, Some(&json!({}))).await?;
    }

    // The back office signs in as an integration with its own credentials (every scope).
    let scopes: Vec<&str> = portico::domain::principal::ApiScope::GRANTABLE.iter().filter_map(|s| s.name()).collect();
    let body = json!({"name": "Demo back office", "scopes": scopes});
    let integration = api.expect(201, "POST", "/admin/integrations", &admin, Some(&body)).await?;
    let credentials = &integration["credentials"];
    let text = |v: &Value| v.as_str().map(str::to_owned).context("the integration's credentials");
    let back_office = DemoIntegration {
        id: id(&integration)?,
        client_id: text(&credentials["client_id"])?,
        client_secret: text(&credentials["client_secret"])?,
        token_url: text(&credentials["token_url"])?,
    };

    Ok(Seeded {
        back_office,
        tenant_id: tenant["id"].as_str().unwrap_or_default().to_owned(),
        operator,
        admin: admin_login,
        operator_token: op_token,
        admin_token: admin.clone(),
        demo: Login { username: carla.into(), password: DEMO_PASSWORD.into(), totp_secret: None },
        site_member: Login { username: sam.into(), password: DEMO_PASSWORD.into(), totp_secret: None },
        division_member: Login { username: dana.into(), password: DEMO_PASSWORD.into(), totp_secret: None },
        bounced_contact,
    })
}

/// The demo back office's integration and its credentials (`make dev` prints them; they
/// are in `.local/stack.json`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct DemoIntegration {
    pub id: String,
    pub client_id: String,
    pub client_secret: String,
    pub token_url: String,
}

/// The address of Harbor's billing contact, which SES reports as bounced.
pub const BOUNCED: &str = "billing@harbor.test";

/// What SES publishes when mail to Harbor's billing contact bounces (the committed
/// fixture `events/sns/SesBounce.json`, addressed to them), handed to the same handler
/// the feedback Lambda runs: the address is suppressed, as in AWS.
pub async fn bounce(app: &portico::App, seeded: &Seeded) -> anyhow::Result<()> {
    let fixture = std::fs::read_to_string(crate::workspace_root().join("events/sns/SesBounce.json"))?;
    let event = fixture
        .replace("ten_01JD8Z6V5Q2W3E4R5T6Y7A8B9C", &seeded.tenant_id)
        .replace("mem_01JD8Z6V5Q2W3E4R5T6Y7A8B9H", &seeded.bounced_contact)
        .replace("fixture@example.com", BOUNCED);
    let tally = portico_functions::feedback::handle(app, serde_json::from_str(&event)?).await?;
    anyhow::ensure!(tally.suppressed == 1, "the demo bounce suppressed nothing");
    Ok(())
}
