//! Nothing reaches a handler around CloudFront.
//!
//! The HTTP API has a public address of its own (`execute-api`), which would let a
//! client skip the web ACL's limits per caller and the response headers policy that
//! CloudFront applies. So CloudFront adds a secret header to every request it sends to
//! the API (an origin custom header, replacing any the viewer sent), and every function
//! checks it before its handler runs ([`verify`], called from `handle_event`): without
//! it, 403. The template gives CloudFront and the functions the same secret
//! (`OriginSecret`), and while it is being replaced the previous one is accepted too
//! (`PreviousOriginSecret`; docs/deploy.md). The local gateway plays CloudFront and adds
//! it the same way.

use subtle::ConstantTimeEq;

use crate::error::{Error, Result};
use crate::http::Req;

/// The header CloudFront adds (never logged, never echoed).
pub const HEADER: &str = "x-origin-verify";

/// Whether `req` came through CloudFront: it carries one of `secrets` in [`HEADER`].
/// No secrets configured — `cargo lambda invoke` on a fixture, a tool against the local
/// stack — checks nothing; the template always configures one.
pub fn verify(secrets: &[String], req: &Req) -> Result<()> {
    if secrets.is_empty() {
        return Ok(());
    }
    let sent = req.inner().headers().get(HEADER).map_or(&[][..], |v| v.as_bytes());
    // Compared in constant time: the answer's timing tells nothing about the secret.
    if secrets.iter().any(|s| bool::from(s.as_bytes().ct_eq(sent))) {
        return Ok(());
    }
    tracing::warn!("refused: the request did not come through CloudFront");
    Err(Error::Forbidden("call the API at the portal's address, not the API Gateway's own".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(header: Option<&str>) -> Req {
        let mut b = http::Request::builder().uri("/admin/settings");
        if let Some(v) = header {
            b = b.header(HEADER, v);
        }
        Req::new(b.body(lambda_http::Body::Empty).unwrap())
    }

    fn secrets(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn only_a_request_carrying_the_secret_passes() {
        let current = secrets(&["s3cret-of-at-least-thirty-two-chars!"]);
        assert!(verify(&current, &req(Some("s3cret-of-at-least-thirty-two-chars!"))).is_ok());
        for sent in [None, Some(""), Some("s3cret"), Some("s3cret-of-at-least-thirty-two-chars!x")] {
            let refused = verify(&current, &req(sent));
            assert!(matches!(refused, Err(Error::Forbidden(_))), "{sent:?}");
        }
    }

    #[test]
    fn while_the_secret_is_replaced_both_pass() {
        let both = secrets(&["the-new-secret", "the-old-secret"]);
        assert!(verify(&both, &req(Some("the-new-secret"))).is_ok());
        assert!(verify(&both, &req(Some("the-old-secret"))).is_ok());
        assert!(verify(&both, &req(Some("another"))).is_err());
    }

    #[test]
    fn without_a_configured_secret_nothing_is_checked() {
        assert!(verify(&[], &req(None)).is_ok());
    }
}
