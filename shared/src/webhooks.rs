//! The network edge of webhooks: resolving a subscription's host and checking every
//! address it resolves to (`domain::webhook::check_target`). Deliveries connect to the
//! addresses checked here, never resolving again (no DNS rebinding between the check and
//! the connection).

use std::net::SocketAddr;
use std::time::Duration;

use crate::domain::text::WebUrl;
use crate::domain::webhook::check_target;
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
