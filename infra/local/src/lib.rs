//! Portico's local stack, used by `make dev` and by the integration tests alike:
//!
//! - [`stack`]: the local AWS endpoint (moto) and SDK clients for it;
//! - [`provision`]: the table, user pool, groups, client, bucket and sender identity, as
//!   the template declares them;
//! - [`gateway`]: a local HTTP API that matches the template's routes, verifies Cognito
//!   JWTs as API Gateway's JWT authorizer does, and invokes the handlers with v2 events;
//!   in front of it, [`limits`]: the web ACL's limits per caller;
//! - [`signin`], [`mailbox`]: Cognito sign-in and the emails sent locally;
//! - [`seed`]: the demo tenant, created through the API itself;
//! - [`stream`]: the table's stream handed to the notifier, as Lambda's event source does;
//! - [`template`], [`generate`]: the areas' stacks, the OpenAPI document and the API
//!   fixtures, generated from the route table (`make generate`).

pub mod bench;
pub mod client;
pub mod fuzz;
pub mod gateway;
pub mod generate;
pub mod limits;
pub mod mailbox;
pub mod provision;
pub mod seed;
pub mod signin;
pub mod stack;
pub mod stream;
pub mod template;

/// The workspace root (for the template and the project-local venv).
pub fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap_or_else(|_| ".".into())
}

use std::net::SocketAddr;

use anyhow::Context as _;

/// Starts the handlers behind the local gateway on `addr`, against the provisioned stack,
/// with `limits` per caller. Returns the bound address and the application (built once,
/// as at Lambda init).
/// Registers `url` as the local Stripe's Connect webhook endpoint of `app`'s platform key,
/// signing with `app`'s secret (the stand-in's local extension: Stripe makes the secret).
async fn stripe_endpoint(app: &portico::App, url: &str) -> anyhow::Result<()> {
    let stripe = app.config.stripe.as_ref().context("no processor configured")?;
    let secret = stripe.webhook_secrets.first().context("no webhook secret")?;
    let response = reqwest::Client::new()
        .post(format!("{}/v1/webhook_endpoints", stripe.api))
        .bearer_auth(&stripe.secret_key)
        .form(&[("url", url), ("enabled_events[0]", "*"), ("connect", "true"), ("secret", secret)])
        .send()
        .await
        .context("registering the local Stripe's webhook endpoint")?;
    anyhow::ensure!(
        response.status().is_success(),
        "the local Stripe refused the webhook endpoint: {}",
        response.status()
    );
    Ok(())
}

pub async fn start_api(
    aws: &stack::Aws,
    prov: &provision::Provisioned,
    addr: SocketAddr,
    admin_url: &str,
    limits: limits::Limits,
) -> anyhow::Result<(SocketAddr, &'static portico::App)> {
    // The address is known before the gateway binds it: unsubscribe links name it.
    let addr = if addr.port() == 0 { SocketAddr::new(addr.ip(), stack::free_port()?) } else { addr };
    let config = portico::Config {
        table: prov.table_name.clone(),
        user_pool_id: prov.user_pool_id.clone(),
        sender: prov.sender.clone(),
        admin_url: admin_url.to_owned(),
        cursor_secret: ulid::Ulid::new().to_string(),
        bucket: prov.bucket.clone(),
        api_url: Some(format!("http://{addr}")),
        configuration_set: Some(prov.configuration_set.clone()).filter(|c| !c.is_empty()),
        // What the gateway, playing CloudFront, adds to every request it passes on.
        origin_secrets: vec![ulid::Ulid::new().to_string()],
        local: true,
        token_url: prov.token_url(&aws.endpoint),
        // The local Stripe (`infra/local/local_stripe.py`, served by the local endpoint):
        // a platform key of this gateway's own, so that parallel tests share nothing.
        stripe: Some(portico::stripe::StripeConfig {
            api: format!("{}/stripe", aws.endpoint),
            secret_key: format!("sk_test_{}", ulid::Ulid::new()),
            webhook_secrets: vec![format!("whsec_{}", ulid::Ulid::new())],
        }),
    };
    let app: &'static portico::App =
        Box::leak(Box::new(portico::App::with_clients(config, aws.dynamodb(), aws.cognito(), aws.ses(), aws.s3())));
    let routes = gateway::template_routes(&workspace_root().join("infra/template.yaml"))?;
    let verifier =
        gateway::fetch_verifier(&aws.endpoint, &prov.user_pool_id, &prov.issuer(), &prov.user_pool_client_id)
            .await
            .context("loading the pool's JWKS")?;
    let web = gateway::Web {
        dist: workspace_root().join("web/dist"),
        config: serde_json::json!({
            "cognito_url": "/cognito/",
            "client_id": prov.user_pool_client_id,
            "region": stack::REGION,
        })
        .to_string(),
        cognito_endpoint: aws.endpoint.clone(),
        client: reqwest::Client::new(),
        // As the CloudFront response headers policy sets it, with the local endpoint
        // (uploads and downloads are presigned S3 URLs) in place of S3.
        csp: format!(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob: https: {e}; \
             connect-src 'self' {e}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
            e = aws.endpoint
        ),
    };
    let bound = gateway::start(addr, gateway::Gateway::new(routes, verifier, app, Some(web), limits)).await?;
    // The processor's events come to this gateway, as Stripe's come through CloudFront.
    stripe_endpoint(app, &format!("http://{bound}/webhooks/stripe")).await?;
    // The pool calls the trigger for every token it issues, as it calls the Lambda in AWS.
    let trigger = format!("http://{bound}{}", gateway::PRE_TOKEN_TRIGGER_PATH);
    stack::register_pre_token_trigger(aws, &prov.user_pool_id, &trigger).await?;
    Ok((bound, app))
}
