//! The network edge of webhooks: resolving a subscription's host and checking every
//! address it resolves to (`domain::webhook::check_target`). Deliveries connect to the
//! addresses checked here, never resolving again (no DNS rebinding between the check and
//! the connection).

use std::net::SocketAddr;
use std::time::Duration;

use crate::domain::tenant::{now, Timestamp};
use crate::domain::text::WebUrl;
use crate::domain::webhook::{check_target, signature, Attempt};
use crate::error::{Error, Result};

/// How long resolving a host may take.
pub const RESOLVE_TIMEOUT: Duration = Duration::from_secs(3);

/// `url`'s host and the addresses it may be sent to now: all of those it resolves to,
/// each checked ([`check_target`]; on the local stack, `local`, any).
pub async fn resolve(url: &WebUrl, local: bool) -> Result<(String, Vec<SocketAddr>)> {
    let parsed = url::Url::parse(url.as_str()).map_err(|_| Error::invalid_field("url", "must be an https:// URL"))?;
    let host = parsed.host_str().ok_or_else(|| Error::invalid_field("url", "must name a host"))?.to_owned();
    let port = parsed.port_or_known_default().unwrap_or(443);
    // `[::1]` as the URL writes it; lookup_host takes the bare address.
    let bare = host.trim_start_matches('[').trim_end_matches(']').to_owned();
    let found = tokio::time::timeout(RESOLVE_TIMEOUT, tokio::net::lookup_host((bare.as_str(), port))).await;
    let addresses: Vec<SocketAddr> = match found {
        Ok(Ok(addrs)) => addrs.collect(),
        Ok(Err(_)) | Err(_) => Vec::new(),
    };
    let ips: Vec<_> = addresses.iter().map(SocketAddr::ip).collect();
    check_target(url, &ips, local)?;
    Ok((host, addresses))
}

/// How long connecting to a receiver may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// How long a whole delivery may take, answer included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// The same for a replay, which an API request waits for (within its function's 10 s).
pub const REPLAY_TIMEOUT: Duration = Duration::from_secs(5);

/// One request to a receiver: an event's body, signed.
pub struct Outgoing<'a> {
    pub url: &'a WebUrl,
    /// `webhook-id`: the event's id, the same on every attempt and replay.
    pub event_id: &'a str,
    pub body: &'a str,
    /// The secrets that sign it now (`WebhookSecrets::signing`).
    pub secrets: Vec<&'a str>,
}

/// Sends `out` once: resolves and checks the host, connects only to the addresses
/// checked, POSTs the body with Standard Webhooks' headers (`webhook-timestamp` is the
/// moment of sending), follows no redirect. The attempt is recorded as made `at` (the
/// schedule's clock). Never fails: a failure is an attempt that did not succeed.
pub async fn send(out: &Outgoing<'_>, local: bool, at: Timestamp, replay: bool) -> Attempt {
    let started = std::time::Instant::now();
    let attempt = |ok: bool, code: Option<u16>, error: Option<String>| Attempt {
        at,
        ok,
        response_code: code,
        latency_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        error,
        replay,
    };
    let (host, addresses) = match resolve(out.url, local).await {
        Ok(found) => found,
        Err(e) => return attempt(false, None, Some(format!("refused: {e}"))),
    };
    if addresses.is_empty() {
        return attempt(false, None, Some("the host does not resolve".into()));
    }
    let sent_at = now().unix_timestamp();
    let signature = match signature(&out.secrets, out.event_id, sent_at, out.body.as_bytes()) {
        Ok(s) => s,
        Err(e) => return attempt(false, None, Some(format!("not signed: {e}"))),
    };
    let client = reqwest::Client::builder()
        .resolve_to_addrs(host.trim_start_matches('[').trim_end_matches(']'), &addresses)
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(if replay { REPLAY_TIMEOUT } else { REQUEST_TIMEOUT })
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("Portico-Webhooks/1")
        .build();
    let client = match client {
        Ok(c) => c,
        Err(e) => return attempt(false, None, Some(format!("no HTTP client: {e}"))),
    };
    let sent = client
        .post(out.url.as_str())
        .header("content-type", "application/json")
        .header("webhook-id", out.event_id)
        .header("webhook-timestamp", sent_at.to_string())
        .header("webhook-signature", signature)
        .body(out.body.to_owned())
        .send()
        .await;
    match sent {
        Ok(response) => {
            let code = response.status().as_u16();
            attempt(response.status().is_success(), Some(code), None)
        }
        Err(e) if e.is_timeout() => attempt(false, None, Some("timed out".into())),
        Err(e) if e.is_connect() => attempt(false, None, Some("could not connect".into())),
        Err(_) => attempt(false, None, Some("the request failed".into())),
    }
}
