//! The integration-test harness. `spawn_app()` gives each test its own isolated world on
//! one of a few shared motos: its own account (so its own table, pool and bucket), provisioned as
//! the template declares, and its own local gateway on a free port, running the real
//! handlers with the real SDK clients.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

pub mod faults;
pub mod model;

use portico_local::client::ApiClient;
use portico_local::limits::Limits;
use portico_local::provision::{provision, Provisioned};
use portico_local::stack::{free_port, Aws, Moto};
use portico_local::{seed, signin, start_api};
use rand::Rng;
use serde_json::{json, Value};

pub use portico_local::client::Answer;

/// The password tests give their users.
pub const PASSWORD: &str = "Test-Pass-2026!x";

static MOTOS: OnceLock<Vec<String>> = OnceLock::new();
static NEXT: AtomicUsize = AtomicUsize::new(0);

/// How many moto servers a test binary starts: moto answers on one core (Python's GIL),
/// so one server per core lets parallel tests use the machine.
fn moto_servers() -> usize {
    std::env::var("PORTICO_TEST_MOTO_SERVERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
        .clamp(1, 8)
}

/// The moto servers of this test binary, each on a free port, started together on first
/// use; tests take them in turn. Each runs on a thread that lives as long as the process,
/// and dies with it.
fn moto_endpoint() -> &'static str {
    let motos = MOTOS.get_or_init(|| {
        if let Ok(endpoint) = std::env::var("PORTICO_TEST_AWS_ENDPOINT") {
            return vec![endpoint];
        }
        let started: Vec<_> = (0..moto_servers())
            .map(|_| {
                let (tx, rx) = std::sync::mpsc::channel();
                std::thread::spawn(move || match free_port().and_then(Moto::start) {
                    Ok(moto) => {
                        let _ = tx.send(Ok(moto.endpoint.clone()));
                        loop {
                            std::thread::park();
                        }
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e.to_string()));
                    }
                });
                rx
            })
            .collect();
        started
            .into_iter()
            .map(|rx| match rx.recv() {
                Ok(Ok(endpoint)) => endpoint,
                Ok(Err(e)) => panic!("could not start moto: {e}"),
                Err(_) => panic!("could not start moto"),
            })
            .collect()
    });
    &motos[NEXT.fetch_add(1, Ordering::Relaxed) % motos.len()]
}

pub struct TestApp {
    pub api: ApiClient,
    pub aws: Aws,
    pub prov: Provisioned,
    pub app: &'static portico::App,
    /// Unique per test: used in email addresses.
    pub tag: String,
}

/// A tenant made through the API, with its admin signed in (with their authenticator
/// app, as the tenant requires).
pub struct TestTenant {
    pub id: String,
    pub admin_email: String,
    pub admin: String,
    /// The admin's login, with their authenticator app's secret.
    pub admin_login: seed::Login,
}

/// A world of its own, its gateway without limits per caller (tests send many requests
/// with one token).
pub async fn spawn_app() -> TestApp {
    spawn_app_limited(Limits::off()).await
}

/// A world of its own, its gateway counting requests per caller against `limits`.
pub async fn spawn_app_limited(limits: Limits) -> TestApp {
    let account: String = format!("{:012}", rand::thread_rng().gen_range(100_000_000_000u64..999_999_999_999));
    let aws = Aws::local(moto_endpoint(), Some(&account), 1);
    let prov = provision(&aws).await.expect("provisioning the test account");
    let (addr, app) = start_api(&aws, &prov, ([127, 0, 0, 1], 0).into(), "https://admin.portico.test", limits)
        .await
        .expect("starting the local gateway");
    TestApp { api: ApiClient::new(&format!("http://{addr}")), aws, prov, app, tag: account }
}

impl TestApp {
    pub fn email(&self, name: &str) -> String {
        format!("{name}.{}@example.com", self.tag)
    }

    pub fn cognito(&self) -> aws_sdk_cognitoidentityprovider::Client {
        self.aws.cognito()
    }

    /// A platform operator's ID token (signed in with their authenticator app).
    pub async fn operator(&self) -> String {
        let login = seed::operator(&self.aws, &self.prov, &self.email("operator"), PASSWORD).await.expect("operator");
        login.token(&self.aws, &self.prov).await.expect("operator sign-in")
    }

    /// Another admin of the tenant of `admin` (a token), invited through the API and
    /// signed in with their new authenticator app: their ID token.
    pub async fn another_admin(&self, admin: &str, name: &str) -> String {
        let email = self.email(name);
        let body = json!({"first_name": name, "last_name": "Admin", "email": email});
        self.api.expect(201, "POST", "/admin/staff", admin, Some(&body)).await.expect("another admin");
        seed::accept_admin_invitation(&self.aws, &self.prov, &email, PASSWORD).await.expect("admin's first sign-in").1
    }

    /// Signs in with a permanent password (a login without an authenticator app).
    pub async fn sign_in(&self, username: &str, password: &str) -> String {
        match signin::sign_in(&self.cognito(), &self.prov.user_pool_client_id, username, password)
            .await
            .expect("sign-in")
        {
            signin::SignIn::Signed(t) => t.id,
            signin::SignIn::NewPasswordRequired { .. } => panic!("{username} still has a temporary password"),
            signin::SignIn::CodeRequired { .. } => panic!("{username} signs in with a code: use their Login"),
        }
    }

    /// Proves the login's new phone number as its owner does (`signin::verify_phone`).
    pub async fn verify_phone(&self, username: &str, password: &str) {
        signin::verify_phone(&self.aws, &self.prov.user_pool_client_id, username, password).await.expect("verifying");
    }

    /// Signs in with the newest emailed temporary password, choosing [`PASSWORD`].
    pub async fn accept_invitation(&self, email: &str) -> String {
        seed::accept_invitation(&self.aws, &self.prov, email, PASSWORD).await.expect("accepting the invitation")
    }

    /// A tenant whose admin has signed in; set-up not yet complete.
    pub async fn tenant(&self, name: &str) -> TestTenant {
        let operator = self.operator().await;
        self.tenant_by(&operator, name).await
    }

    pub async fn tenant_by(&self, operator: &str, name: &str) -> TestTenant {
        let admin_email = self.email(&format!("admin-{}", name.to_lowercase().replace(' ', "-")));
        let body =
            json!({"name": name, "admin_email": admin_email, "admin_first_name": "Ada", "admin_last_name": "Admin"});
        let tenant = self.api.expect(201, "POST", "/platform/tenants", operator, Some(&body)).await.expect("tenant");
        let (admin_login, admin) = seed::accept_admin_invitation(&self.aws, &self.prov, &admin_email, PASSWORD)
            .await
            .expect("the admin's first sign-in");
        TestTenant { id: tenant["id"].as_str().expect("tenant id").to_owned(), admin_email, admin, admin_login }
    }

    /// Completes portal set-up for the admin's tenant.
    pub async fn complete_setup(&self, admin: &str) {
        let body = json!({
            "features": ["jobs", "work_requests", "quotes", "invoices", "assets", "documents", "messages", "reports", "payments"],
            "branding": {"display_name": "Acme Service", "portal_url": "https://portal.acme.test", "sender_email": "office@acme.test"},
            "default_locale": "en",
            "work_order_types": [{"code": "repair", "name": "Repair"}, {"code": "service", "name": "Service"}],
            "setup_complete": true
        });
        self.api.expect(200, "PUT", "/admin/settings", admin, Some(&body)).await.expect("set-up");
    }

    pub async fn customer(&self, admin: &str, body: Value) -> String {
        id(&self.api.expect(201, "POST", "/admin/customers", admin, Some(&body)).await.expect("customer"))
    }

    pub async fn site(&self, admin: &str, customer: &str, name: &str) -> String {
        let body = json!({"name": name, "address": "1 Main Street"});
        id(&self
            .api
            .expect(201, "POST", &format!("/admin/customers/{customer}/sites"), admin, Some(&body))
            .await
            .expect("site"))
    }

    pub async fn member(&self, admin: &str, body: Value) -> String {
        id(&self.api.expect(201, "POST", "/admin/members", admin, Some(&body)).await.expect("member"))
    }

    /// Uploads `bytes` through `route` (`/portal/uploads` or `/admin/files`); the file id.
    pub async fn upload(&self, token: &str, route: &str, name: &str, content_type: &str, bytes: &[u8]) -> String {
        self.api.upload(token, route, name, content_type, bytes, self.aws.account.as_deref()).await.expect("upload")
    }

    /// Invites a member and signs them in as they would from the email.
    pub async fn invited_member(&self, admin: &str, member: &str, email: &str) -> String {
        self.api
            .expect(200, "POST", &format!("/admin/members/{member}/invite"), admin, Some(&json!({})))
            .await
            .expect("invite");
        self.accept_invitation(email).await
    }
}

/// The claims of a token (its payload, unverified: the gateway verifies tokens; tests
/// read what they were given).
/// An integration made through the API, with its credentials.
pub struct TestIntegration {
    pub id: String,
    pub client_id: String,
    pub client_secret: String,
}

impl TestApp {
    /// An integration of the tenant of `admin` (a token) with `scopes` (`records:write`…).
    pub async fn integration(&self, admin: &str, name: &str, scopes: &[&str]) -> TestIntegration {
        let body = json!({"name": name, "scopes": scopes});
        let created =
            self.api.expect(201, "POST", "/admin/integrations", admin, Some(&body)).await.expect("integration");
        TestIntegration {
            id: id(&created),
            client_id: created["credentials"]["client_id"].as_str().expect("client_id").to_owned(),
            client_secret: created["credentials"]["client_secret"].as_str().expect("client_secret").to_owned(),
        }
    }

    /// An access token for `integration`'s credentials (all its scopes), from the token
    /// endpoint, as a back office gets one.
    pub async fn integration_token(&self, integration: &TestIntegration) -> String {
        portico_local::signin::client_credentials_token(
            &self.app.config.token_url,
            &integration.client_id,
            &integration.client_secret,
            None,
        )
        .await
        .expect("an integration's token")
    }
}

pub fn claims(token: &str) -> Value {
    use base64::Engine as _;
    let payload = token.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON claims")
}

/// Every API response, success or problem, and the gateway's own: never stored, never
/// sniffed (`portico::http::headers`).
pub fn assert_api_headers(what: &str, headers: &reqwest::header::HeaderMap) {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    assert_eq!(get("cache-control"), Some("no-store"), "{what}: Cache-Control");
    assert_eq!(get("x-content-type-options"), Some("nosniff"), "{what}: X-Content-Type-Options");
}

/// `request` as CloudFront passes it on: with the origin header the functions check.
pub fn through_cloudfront(app: &TestApp, mut request: lambda_http::Request) -> lambda_http::Request {
    if let Some(secret) = app.app.config.origin_secrets.first() {
        request.headers_mut().insert(portico::http::origin::HEADER, secret.parse().expect("a header value"));
    }
    request
}

pub fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_else(|| panic!("no id in {v}")).to_owned()
}

/// The ids in a list response.
pub fn ids(v: &Value) -> Vec<String> {
    v["items"].as_array().map(|items| items.iter().map(id).collect()).unwrap_or_default()
}
