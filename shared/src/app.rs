//! The application context: configuration and the AWS clients, built once at init and
//! shared by every request.

use std::sync::{Arc, OnceLock};

use anyhow::Context as _;
use aws_config::SdkConfig;
use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{HttpClient, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;

use crate::files::Files;
use crate::identity::Identity;
use crate::mail::Mailer;
use crate::store::cursor::CursorKey;
use crate::store::idempotency::InFlight;
use crate::store::Store;

/// Settings read from the environment (the template sets them per function).
#[derive(Clone)]
pub struct Config {
    /// `PORTICO_TABLE`
    pub table: String,
    /// `PORTICO_USER_POOL_ID` (empty for the Cognito trigger, which never calls Cognito)
    pub user_pool_id: String,
    /// `PORTICO_SENDER`: the verified SES address mail is sent from.
    pub sender: String,
    /// `PORTICO_ADMIN_URL`: where tenant admins sign in (linked from their invitation).
    pub admin_url: String,
    /// `PORTICO_CURSOR_SECRET`: signs paging cursors.
    pub cursor_secret: String,
    /// `PORTICO_BUCKET`: the S3 bucket of uploaded files.
    pub bucket: String,
    /// `PORTICO_API_URL` (the notifier): the API's public address, for one-click
    /// unsubscribe links. Without it, notifications go out without them.
    pub api_url: Option<String>,
    /// `PORTICO_CONFIGURATION_SET` (the notifier): the SES configuration set whose event
    /// destination reports bounces and complaints back (`PORTICO_TRIGGER=ses-feedback`).
    pub configuration_set: Option<String>,
    /// `PORTICO_ORIGIN_SECRET` and, while it is being replaced, `PORTICO_ORIGIN_SECRET_PREVIOUS`:
    /// what CloudFront adds to every request it sends to the API (`http::origin`). Empty:
    /// no check (local tools).
    pub origin_secrets: Vec<String>,
    /// `PORTICO_LOCAL=1`: running on the local stack (`portico-local` sets it; the
    /// template never does). Only then may the portal live at `http://localhost` or
    /// `http://127.0.0.1` (branding URLs).
    pub local: bool,
    /// `PORTICO_TOKEN_URL` (the integrations' routes): the user pool domain's OAuth 2.0
    /// token endpoint, which integrations' credentials are used at.
    pub token_url: String,
    /// The payment processor (`PORTICO_STRIPE_*`, `crate::stripe`); without it, members
    /// cannot pay online.
    pub stripe: Option<crate::stripe::StripeConfig>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("table", &self.table)
            .field("user_pool_id", &self.user_pool_id)
            .field("sender", &self.sender)
            .field("admin_url", &self.admin_url)
            .field("cursor_secret", &"<redacted>")
            .field("bucket", &self.bucket)
            .field("api_url", &self.api_url)
            .field("configuration_set", &self.configuration_set)
            .field("origin_secrets", &"<redacted>")
            .field("local", &self.local)
            .field("token_url", &self.token_url)
            .field("stripe", &self.stripe)
            .finish()
    }
}

impl Config {
    pub fn from_env() -> anyhow::Result<Self> {
        let var = |name: &str| std::env::var(name).with_context(|| format!("environment variable {name} is not set"));
        Ok(Self {
            table: var("PORTICO_TABLE")?,
            // Optional: the Cognito trigger cannot name the pool that invokes it (that
            // would be a circular reference in the template), and never calls Cognito.
            user_pool_id: std::env::var("PORTICO_USER_POOL_ID").unwrap_or_default(),
            sender: var("PORTICO_SENDER")?,
            admin_url: var("PORTICO_ADMIN_URL")?,
            cursor_secret: var("PORTICO_CURSOR_SECRET")?,
            bucket: var("PORTICO_BUCKET")?,
            api_url: std::env::var("PORTICO_API_URL").ok().filter(|u| !u.is_empty()),
            configuration_set: std::env::var("PORTICO_CONFIGURATION_SET").ok().filter(|c| !c.is_empty()),
            origin_secrets: ["PORTICO_ORIGIN_SECRET", "PORTICO_ORIGIN_SECRET_PREVIOUS"]
                .into_iter()
                .filter_map(|name| std::env::var(name).ok().filter(|s| !s.is_empty()))
                .collect(),
            local: std::env::var("PORTICO_LOCAL").is_ok_and(|v| v == "1"),
            token_url: std::env::var("PORTICO_TOKEN_URL").unwrap_or_default(),
            stripe: crate::stripe::StripeConfig::from_env(),
        })
    }
}

/// Amazon Trust Services roots: every AWS service endpoint Portico calls chains to one
/// of these (Starfield Services G2 cross-signs them for older clients).
const AWS_ROOTS: [&[u8]; 5] = [
    include_bytes!("../certs/Amazon_Root_CA_1.pem"),
    include_bytes!("../certs/Amazon_Root_CA_2.pem"),
    include_bytes!("../certs/Amazon_Root_CA_3.pem"),
    include_bytes!("../certs/Amazon_Root_CA_4.pem"),
    include_bytes!("../certs/Starfield_Services_Root_Certificate_Authority_-_G2.pem"),
];

/// The SDK's HTTPS client. By default it trusts only [`AWS_ROOTS`]: loading the
/// platform's whole trust store (a bundle plus a directory of ~150 files) was most of
/// the cold start (`make bench`, docs/decisions/0001). `PORTICO_TLS_ROOTS=system` uses
/// the platform store instead (e.g. behind a TLS-intercepting proxy).
pub fn https_client(system_roots: bool) -> anyhow::Result<SharedHttpClient> {
    use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
    let context = tls_context(system_roots)?;
    let client = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .tls_context(context)
        .build_https();
    Ok(if system_roots { client } else { SharedHttpClient::new(EmbeddedRoots(client)) })
}

/// What [`https_client`] trusts: [`AWS_ROOTS`], or the platform's store.
pub fn tls_context(system_roots: bool) -> anyhow::Result<aws_smithy_http_client::tls::TlsContext> {
    use aws_smithy_http_client::tls::{TlsContext, TrustStore};
    let trust = if system_roots {
        TrustStore::default()
    } else {
        AWS_ROOTS.iter().fold(TrustStore::empty(), |store, pem| store.with_pem_certificate(*pem))
    };
    TlsContext::builder().with_trust_store(trust).build().context("TLS context")
}

/// The HTTPS client with embedded roots, minus one wasted step. When a client is built
/// the SDK asks its HTTP client to validate the base config, and the hyper client answers
/// by building a TLS connector and dropping it: that warms the cache of the *platform's*
/// roots, so that they load at init rather than on the first request. With embedded
/// roots there is no such cache, so that connector (every root parsed, a rustls config
/// built: about a fifth of Portico's init, `make bench`) was thrown away and built again
/// on the first request. This wrapper skips the throw-away build; the first request
/// builds the connector once, as it did before.
#[derive(Debug)]
struct EmbeddedRoots(SharedHttpClient);

impl HttpClient for EmbeddedRoots {
    fn http_connector(&self, settings: &HttpConnectorSettings, components: &RuntimeComponents) -> SharedHttpConnector {
        self.0.http_connector(settings, components)
    }

    fn connector_metadata(&self) -> Option<ConnectorMetadata> {
        self.0.connector_metadata()
    }
}

/// The application: configuration and clients. The DynamoDB store is built at init
/// (every operation uses it); Cognito, SES and S3 clients are built on first use, so the
/// functions that never call them never pay for them (see `make bench`).
pub struct App {
    pub config: Arc<Config>,
    pub store: Store,
    clients: Arc<Clients>,
}

/// The clients built on first use, shared by the application and its keyed copies
/// ([`App::keyed`]): each is built once per process, whichever request needs it first.
struct Clients {
    sdk: SdkConfig,
    identity: OnceLock<Identity>,
    mailer: OnceLock<Mailer>,
    files: OnceLock<Files>,
    stripe: OnceLock<Option<crate::stripe::Stripe>>,
}

impl App {
    /// Builds the application from an SDK configuration. No network call happens here.
    pub fn new(sdk: &SdkConfig, config: Config) -> Self {
        let store = Store::new(
            aws_sdk_dynamodb::Client::new(sdk),
            config.table.clone(),
            CursorKey::new(config.cursor_secret.as_bytes().to_vec()),
        );
        let clients = Clients {
            sdk: sdk.clone(),
            identity: OnceLock::new(),
            mailer: OnceLock::new(),
            files: OnceLock::new(),
            stripe: OnceLock::new(),
        };
        Self { config: Arc::new(config), store, clients: Arc::new(clients) }
    }

    /// The application as a request holding an `Idempotency-Key` sees it: the same
    /// configuration and clients, and a store whose first transaction marks the key
    /// ([`Store::keyed`]). Cheap: nothing is built.
    pub fn keyed(&self, flight: InFlight) -> Self {
        Self { config: Arc::clone(&self.config), store: self.store.keyed(flight), clients: Arc::clone(&self.clients) }
    }

    /// Builds the application from clients configured elsewhere (the local stack adds an
    /// account header for moto; tests cap retries). `config` may be another
    /// application's, shared.
    pub fn with_clients(
        config: impl Into<Arc<Config>>,
        dynamodb: aws_sdk_dynamodb::Client,
        cognito: aws_sdk_cognitoidentityprovider::Client,
        ses: aws_sdk_sesv2::Client,
        s3: aws_sdk_s3::Client,
    ) -> Self {
        let config = config.into();
        let store =
            Store::new(dynamodb, config.table.clone(), CursorKey::new(config.cursor_secret.as_bytes().to_vec()));
        let identity = OnceLock::from(Identity::new(cognito, config.user_pool_id.clone()));
        let mailer = OnceLock::from(Mailer::new(ses, config.sender.clone()));
        let files = OnceLock::from(Files::new(s3, config.bucket.clone()));
        let clients = Clients { sdk: SdkConfig::builder().build(), identity, mailer, files, stripe: OnceLock::new() };
        Self { config, store, clients: Arc::new(clients) }
    }

    /// The Lambda way: configuration, credentials and region from the environment (as
    /// Lambda provides them; no provider chain is built), and an HTTPS client that trusts
    /// the roots AWS endpoints chain to (see [`https_client`]).
    pub async fn from_env() -> anyhow::Result<Self> {
        let config = Config::from_env()?;
        let system_roots = std::env::var("PORTICO_TLS_ROOTS").is_ok_and(|v| v == "system");
        let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .credentials_provider(aws_config::environment::EnvironmentVariableCredentialsProvider::new())
            .region(aws_config::environment::EnvironmentVariableRegionProvider::new())
            .http_client(https_client(system_roots)?)
            .load()
            .await;
        Ok(Self::new(&sdk, config))
    }

    /// Cognito, built on first use.
    pub fn identity(&self) -> &Identity {
        self.clients.identity.get_or_init(|| {
            Identity::new(
                aws_sdk_cognitoidentityprovider::Client::new(&self.clients.sdk),
                self.config.user_pool_id.clone(),
            )
        })
    }

    /// S3, built on first use.
    pub fn files(&self) -> &Files {
        self.clients.files.get_or_init(|| {
            // A local S3 endpoint (`make env`) serves buckets by path, not by host name.
            let path_style = std::env::var_os("PORTICO_S3_PATH_STYLE").is_some();
            let config = aws_sdk_s3::config::Builder::from(&self.clients.sdk).force_path_style(path_style).build();
            Files::new(aws_sdk_s3::Client::from_conf(config), self.config.bucket.clone())
        })
    }

    /// The payment processor, built on first use; 409 when this deployment has none.
    pub fn stripe(&self) -> crate::Result<&crate::stripe::Stripe> {
        self.clients
            .stripe
            .get_or_init(|| {
                let config = self.config.stripe.clone()?;
                crate::stripe::Stripe::new(config)
                    .inspect_err(|e| tracing::error!(error = %e, "the processor's client"))
                    .ok()
            })
            .as_ref()
            .ok_or_else(|| crate::Error::conflict("online payment is not available on this deployment"))
    }

    /// SES, built on first use.
    pub fn mailer(&self) -> &Mailer {
        let clients = &self.clients;
        clients.mailer.get_or_init(|| Mailer::new(aws_sdk_sesv2::Client::new(&clients.sdk), self.config.sender.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_keyed_application_shares_the_clients_built_on_first_use() {
        let sdk = SdkConfig::builder().behavior_version(aws_config::BehaviorVersion::latest()).build();
        let config = Config {
            table: "portico".into(),
            user_pool_id: "pool".into(),
            sender: "portal@example.com".into(),
            admin_url: "https://admin.example.com".into(),
            cursor_secret: "secret".into(),
            bucket: "files".into(),
            api_url: None,
            configuration_set: None,
            origin_secrets: Vec::new(),
            local: false,
            token_url: String::new(),
            stripe: None,
        };
        let app = App::new(&sdk, config);
        let keyed = app.keyed(InFlight::example());
        // Built through the keyed copy, used by the application: one client, built once.
        assert!(std::ptr::eq(keyed.mailer(), app.mailer()));
        assert!(std::ptr::eq(app.files(), keyed.files()));
        assert!(std::ptr::eq(keyed.identity(), app.identity()));
        assert!(Arc::ptr_eq(&app.config, &keyed.config));
    }

    #[test]
    fn the_embedded_roots_are_certificates() {
        for pem in super::AWS_ROOTS {
            let text = std::str::from_utf8(pem).unwrap();
            assert_eq!(text.matches("-----BEGIN CERTIFICATE-----").count(), 1);
            // Parsed only when the first request builds the connector: check here that
            // each is base64 of a DER SEQUENCE, as rustls will expect.
            let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
            let der = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, body).unwrap();
            assert_eq!(der[0], 0x30, "a DER certificate starts with a SEQUENCE");
            assert!(der.len() > 400);
        }
        super::https_client(false).unwrap();
        super::https_client(true).unwrap();
    }
}
