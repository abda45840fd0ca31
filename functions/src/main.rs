//! The `portico` Lambda binary. Every function of the template runs it: API functions
//! serve HTTP API events, whose route key selects the operation; the Cognito trigger
//! functions (`PORTICO_TRIGGER=cognito-custom-message`, `cognito-pre-token-generation`)
//! serve Cognito's events, the notifier (`PORTICO_TRIGGER=notifier`) batches of the
//! table's stream, the feedback handler (`PORTICO_TRIGGER=ses-feedback`) SES's bounces
//! and complaints through SNS, the report aggregator (`PORTICO_TRIGGER=reports`) the
//! stream again, for the KPI cells; the webhooks function (`PORTICO_TRIGGER=webhooks`)
//! the stream and the retry schedule; the admin routes' authorizer
//! (`PORTICO_TRIGGER=authorizer`) API Gateway's REQUEST authorizer events.
//! Clients are built once, here.

// Laying out `main`'s future (aws-config's loader plus either runtime) needs more than
// the default query depth of 128 on a clean build.
#![recursion_limit = "256"]

use lambda_http::lambda_runtime::{self, LambdaEvent};
use lambda_http::{service_fn, Error, Request};
use portico::App;
use serde_json::Value;

// One thread: an execution environment serves one event at a time, and at the template's
// 256 MB Lambda gives it a fraction of one vCPU, so worker threads would only add their
// start-up to every cold start (`make bench`: most of the gap to a hello world).
// Concurrent awaits within a request still overlap their I/O.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    portico::observability::init_tracing();
    // The authorizer needs no table or clients: only the pool's public keys.
    if std::env::var("PORTICO_TRIGGER").as_deref() == Ok("authorizer") {
        return authorizer().await;
    }
    let app: &'static App = Box::leak(Box::new(App::from_env().await?));
    match std::env::var("PORTICO_TRIGGER").as_deref() {
        Ok("cognito-custom-message") => cognito_trigger(app).await,
        Ok("cognito-pre-token-generation") => pre_token_trigger(app).await,
        Ok("notifier") => notifier(app).await,
        Ok("ses-feedback") => ses_feedback(app).await,
        Ok("reports") => aggregator(app).await,
        Ok("webhooks") => webhooks(app).await,
        _ => http_api(app).await,
    }
}

/// API Gateway (HTTP API) events.
async fn http_api(app: &'static App) -> Result<(), Error> {
    lambda_http::run(service_fn(move |request: Request| async move {
        Ok::<_, std::convert::Infallible>(portico_functions::handle_event(app, request).await)
    }))
    .await
}

/// The admin routes' Lambda REQUEST authorizer (`portico::http::authorizer`). The pool's
/// JWKS is fetched on the first event, not at init, and kept; a failed fetch refuses that
/// event and is tried again on the next.
async fn authorizer() -> Result<(), Error> {
    use portico::http::authorizer::{authorize, fetch_jwks, issuer, Verifier};
    let pool = std::env::var("PORTICO_USER_POOL_ID")?;
    let client = std::env::var("PORTICO_WEB_CLIENT_ID")?;
    let region = std::env::var("AWS_REGION")?;
    let issuer = issuer(&region, &pool);
    let verifier: &'static tokio::sync::OnceCell<Verifier> = Box::leak(Box::new(tokio::sync::OnceCell::new()));
    let issuer: &'static str = Box::leak(issuer.into_boxed_str());
    let client: &'static str = Box::leak(client.into_boxed_str());
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        let loaded = verifier
            .get_or_try_init(|| async {
                let jwks = fetch_jwks(&format!("{issuer}/.well-known/jwks.json")).await?;
                Verifier::from_jwks(&jwks, issuer, client)
            })
            .await;
        Ok::<_, std::convert::Infallible>(match loaded {
            Ok(v) => authorize(v, &event.payload),
            Err(e) => {
                tracing::error!(error = %e, "the pool's keys could not be loaded");
                serde_json::json!({"isAuthorized": false})
            }
        })
    }))
    .await
}

/// Cognito CustomMessage events.
async fn cognito_trigger(app: &'static App) -> Result<(), Error> {
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        Ok::<_, std::convert::Infallible>(portico_functions::triggers::custom_message(app, event.payload).await)
    }))
    .await
}

/// Cognito PreTokenGeneration events.
async fn pre_token_trigger(app: &'static App) -> Result<(), Error> {
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        Ok::<_, std::convert::Infallible>(portico_functions::triggers::pre_token_generation(app, event.payload).await)
    }))
    .await
}

/// Batches of the table's stream (DynamoDB event source, ReportBatchItemFailures).
async fn notifier(app: &'static App) -> Result<(), Error> {
    use lambda_http::aws_lambda_events::event::dynamodb::Event;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Event>| async move {
        Ok::<_, std::convert::Infallible>(portico_functions::notifier::handle(app, event.payload).await.0)
    }))
    .await
}

/// Batches of the table's stream for the KPI reports' cells.
async fn aggregator(app: &'static App) -> Result<(), Error> {
    use lambda_http::aws_lambda_events::event::dynamodb::Event;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Event>| async move {
        Ok::<_, std::convert::Infallible>(portico_functions::aggregator::handle(app, event.payload).await.0)
    }))
    .await
}

/// Batches of the table's stream for the back office's webhook subscriptions, and the
/// retry schedule's event (EventBridge Scheduler, once a minute, its input
/// `{"sweep": true}`); anything else is refused.
async fn webhooks(app: &'static App) -> Result<(), Error> {
    use lambda_http::aws_lambda_events::event::dynamodb::Event;
    use portico_functions::webhooks;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        if event.payload.get("Records").is_some() {
            let batch: Event = serde_json::from_value(event.payload)?;
            return Ok(serde_json::to_value(webhooks::handle(app, batch).await.0)?);
        }
        if event.payload != serde_json::json!({"sweep": true}) {
            return Err(Error::from("neither a stream batch nor the retry schedule's {\"sweep\": true}"));
        }
        webhooks::sweep(app, portico::domain::tenant::now()).await?;
        Ok::<_, Error>(Value::Null)
    }))
    .await
}

/// SES bounces and complaints, through SNS. An error fails the invocation: Lambda
/// retries it, then hands it to the on-failure queue.
async fn ses_feedback(app: &'static App) -> Result<(), Error> {
    use lambda_http::aws_lambda_events::event::sns::SnsEvent;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<SnsEvent>| async move {
        portico_functions::feedback::handle(app, event.payload).await.map(|_| ()).map_err(Error::from)
    }))
    .await
}
