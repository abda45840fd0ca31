//! The local AWS endpoint (a moto server from the project's venv) and SDK clients for it.
//!
//! Clients can be pinned to a moto *account* (header `x-moto-account-id`): every test
//! gets its own account, so tests run in parallel on one moto without seeing each other.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

pub const REGION: &str = "us-east-1";
/// moto's default account, used by `make dev`.
pub const DEFAULT_ACCOUNT: &str = "123456789012";
pub const ACCOUNT_HEADER: &str = "x-moto-account-id";

/// Adds the moto account header to every request of a client.
#[derive(Debug)]
struct MotoAccount(String);

impl Intercept for MotoAccount {
    fn name(&self) -> &'static str {
        "MotoAccount"
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        context.request_mut().headers_mut().insert(ACCOUNT_HEADER, self.0.clone());
        Ok(())
    }
}

/// SDK clients for the local endpoint, optionally pinned to one moto account.
#[derive(Clone, Debug)]
pub struct Aws {
    pub endpoint: String,
    pub account: Option<String>,
    sdk: SdkConfig,
}

impl Aws {
    /// Static test credentials and a region are always set: without them the SDK would
    /// probe for instance metadata and hang. `attempts` caps retries (1 in tests).
    pub fn local(endpoint: &str, account: Option<&str>, attempts: u32) -> Self {
        let sdk = SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(endpoint)
            .region(Region::new(REGION))
            .credentials_provider(aws_sdk_dynamodb::config::SharedCredentialsProvider::new(
                aws_sdk_dynamodb::config::Credentials::new("test", "test", None, None, "portico-local"),
            ))
            .retry_config(RetryConfig::standard().with_max_attempts(attempts))
            .http_client(portico::app::https_client(false).expect("the HTTPS client builds"))
            .timeout_config(
                aws_config::timeout::TimeoutConfig::builder().operation_timeout(Duration::from_secs(30)).build(),
            )
            .behavior_version(BehaviorVersion::latest())
            .build();
        Self { endpoint: endpoint.trim_end_matches('/').to_owned(), account: account.map(str::to_owned), sdk }
    }

    fn interceptor(&self) -> Option<MotoAccount> {
        self.account.clone().map(MotoAccount)
    }

    pub fn dynamodb(&self) -> aws_sdk_dynamodb::Client {
        let mut b = aws_sdk_dynamodb::config::Builder::from(&self.sdk);
        if let Some(i) = self.interceptor() {
            b = b.interceptor(i);
        }
        aws_sdk_dynamodb::Client::from_conf(b.build())
    }

    /// The table's stream (the local notifier reads it as Lambda's event source would).
    pub fn streams(&self) -> aws_sdk_dynamodbstreams::Client {
        let mut b = aws_sdk_dynamodbstreams::config::Builder::from(&self.sdk);
        if let Some(i) = self.interceptor() {
            b = b.interceptor(i);
        }
        aws_sdk_dynamodbstreams::Client::from_conf(b.build())
    }

    pub fn cognito(&self) -> aws_sdk_cognitoidentityprovider::Client {
        let mut b = aws_sdk_cognitoidentityprovider::config::Builder::from(&self.sdk);
        if let Some(i) = self.interceptor() {
            b = b.interceptor(i);
        }
        aws_sdk_cognitoidentityprovider::Client::from_conf(b.build())
    }

    pub fn ses(&self) -> aws_sdk_sesv2::Client {
        self.ses_through(None)
    }

    /// SES through another HTTP client (tests inject SES's failures this way).
    pub fn ses_through(
        &self,
        http: Option<aws_smithy_runtime_api::client::http::SharedHttpClient>,
    ) -> aws_sdk_sesv2::Client {
        let mut b = aws_sdk_sesv2::config::Builder::from(&self.sdk);
        if let Some(http) = http {
            b = b.http_client(http);
        }
        if let Some(i) = self.interceptor() {
            b = b.interceptor(i);
        }
        aws_sdk_sesv2::Client::from_conf(b.build())
    }

    /// S3 with path-style addressing (moto serves buckets under one host).
    pub fn s3(&self) -> aws_sdk_s3::Client {
        let mut b = aws_sdk_s3::config::Builder::from(&self.sdk).force_path_style(true);
        if let Some(i) = self.interceptor() {
            b = b.interceptor(i);
        }
        aws_sdk_s3::Client::from_conf(b.build())
    }
}

/// A free TCP port on loopback.
pub fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// How moto is started: the project venv's Python running `infra/local/moto_server.py`,
/// moto's server with DynamoDB requests serialised per account (see that file).
/// `PORTICO_MOTO_SERVER` names another program taking moto_server's `-H`/`-p` instead
/// (say, `.venv/bin/moto_server`, to see what plain moto does).
fn moto_command() -> (PathBuf, Vec<String>) {
    match std::env::var_os("PORTICO_MOTO_SERVER") {
        Some(program) => (PathBuf::from(program), Vec::new()),
        None => {
            let root = crate::workspace_root();
            let script = root.join("infra/local/moto_server.py").to_string_lossy().into_owned();
            (root.join(".venv/bin/python"), vec![script])
        }
    }
}

/// A moto server this process started. It is stopped when dropped, and — through
/// `PR_SET_PDEATHSIG` — when the thread that started it ends.
pub struct Moto {
    child: Child,
    pub endpoint: String,
}

impl Moto {
    /// Starts moto on `port` and waits until it answers.
    pub fn start(port: u16) -> anyhow::Result<Self> {
        Self::start_with(port, Stdio::null())
    }

    /// Starts moto with its stderr on this process's: the codes Cognito would email or
    /// text (verification, password reset) are printed there (`make dev`).
    pub fn start_on_console(port: u16) -> anyhow::Result<Self> {
        Self::start_with(port, Stdio::inherit())
    }

    fn start_with(port: u16, stderr: Stdio) -> anyhow::Result<Self> {
        let (path, args) = moto_command();
        if !path.exists() {
            bail!("{} not found: run `make venv` (or `make dev` / `make test`, which do)", path.display());
        }
        let mut cmd = Command::new(&path);
        cmd.args(&args)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr);
        #[cfg(target_os = "linux")]
        {
            use std::os::unix::process::CommandExt;
            // SAFETY: prctl is async-signal-safe; nothing else runs between fork and exec.
            unsafe {
                cmd.pre_exec(|| {
                    libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
                    Ok(())
                });
            }
        }
        let child = cmd.spawn().with_context(|| format!("starting {}", path.display()))?;
        let moto = Self { child, endpoint: format!("http://127.0.0.1:{port}") };
        moto.wait_ready(Duration::from_secs(60))?;
        Ok(moto)
    }

    fn wait_ready(&self, within: Duration) -> anyhow::Result<()> {
        let deadline = Instant::now() + within;
        let addr = self.endpoint.trim_start_matches("http://").to_owned();
        while Instant::now() < deadline {
            if let Ok(mut s) = std::net::TcpStream::connect(&addr) {
                use std::io::{Read, Write};
                let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
                let req = format!("GET /moto-api/ HTTP/1.0\r\nHost: {addr}\r\n\r\n");
                let mut head = [0u8; 12];
                if s.write_all(req.as_bytes()).is_ok() && s.read_exact(&mut head).is_ok() && head.ends_with(b"200") {
                    return Ok(());
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        bail!("moto did not answer on {} within {:?}", self.endpoint, within)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Registers `url` as the pool's pre-token-generation trigger on the local endpoint: from
/// then on, every ID token of the pool is shaped by what `url` answers to the event
/// Cognito sends its PreTokenGeneration Lambda (`infra/local/local_cognito.py`). In AWS
/// the template's `LambdaConfig` does this; moto has no Lambda to invoke.
pub async fn register_pre_token_trigger(aws: &Aws, pool_id: &str, url: &str) -> anyhow::Result<()> {
    let mut request = reqwest::Client::new()
        .post(format!("{}/_portico/triggers", aws.endpoint))
        .json(&serde_json::json!({ "user_pool_id": pool_id, "pre_token_generation": url }));
    if let Some(account) = &aws.account {
        request = request.header(ACCOUNT_HEADER, account);
    }
    let answer = request.send().await.context("registering the pre-token-generation trigger")?;
    if !answer.status().is_success() {
        bail!("registering the pre-token-generation trigger: {} {}", answer.status(), answer.text().await?);
    }
    Ok(())
}
