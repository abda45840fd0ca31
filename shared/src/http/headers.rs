//! The security headers of every response, set in one place for every route — success
//! and problem alike (`Reply::into_response` and `problem::response` both call
//! [`secure`]).
//!
//! - Every response: `Cache-Control: no-store` (answers name people, prices and signed
//!   links: no browser, proxy or CDN keeps them) and `X-Content-Type-Options: nosniff`
//!   (a body is only ever what its `Content-Type` says).
//! - A page (HTML, the unsubscribe link's): a `Content-Security-Policy` that allows
//!   nothing but the page's own `<style>` elements (by hash), images over HTTPS (the
//!   tenant's logo) and forms posting back to this origin; it may not be framed
//!   (`frame-ancestors 'none'`, and `X-Frame-Options: DENY` for older browsers), and its
//!   address — which carries the link's token — is never sent on as a referrer.
//!
//! CloudFront's response headers policy on the API's paths (`ApiHeaders` in
//! `infra/template.yaml`) adds the same when a response lacks them.

use base64::Engine as _;
use sha2::{Digest, Sha256};

/// What every response carries.
pub const EVERY_RESPONSE: [(&str, &str); 2] = [("cache-control", "no-store"), ("x-content-type-options", "nosniff")];

/// Adds the security headers of a response with this content type and body.
pub fn secure(mut builder: http::response::Builder, content_type: &str, body: &str) -> http::response::Builder {
    for (name, value) in EVERY_RESPONSE {
        builder = builder.header(name, value);
    }
    if content_type.starts_with("text/html") {
        builder = builder
            .header("content-security-policy", page_policy(body))
            .header("x-frame-options", "DENY")
            .header("referrer-policy", "no-referrer");
    }
    builder
}

/// The Content-Security-Policy of a page: its own `<style>` elements by their SHA-256
/// (the browser hashes an element's text exactly as it is sent), nothing else inline.
pub fn page_policy(html: &str) -> String {
    let hashes: Vec<String> = style_elements(html)
        .map(|css| format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(css))))
        .collect();
    let styles = if hashes.is_empty() { "'none'".to_owned() } else { hashes.join(" ") };
    format!(
        "default-src 'none'; style-src {styles}; img-src https:; form-action 'self'; frame-ancestors 'none'; \
         base-uri 'none'"
    )
}

/// The text of each `<style>` element (our templates write the tag bare; values
/// inserted into a page are escaped, so a page's content cannot open one).
fn style_elements(html: &str) -> impl Iterator<Item = &str> {
    html.split("<style>").skip(1).filter_map(|rest| rest.split_once("</style>").map(|(css, _)| css))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(content_type: &str, body: &str) -> http::HeaderMap {
        secure(http::Response::builder(), content_type, body).body(()).unwrap().headers().clone()
    }

    #[test]
    fn every_response_is_neither_stored_nor_sniffed() {
        for content_type in ["application/json", "application/problem+json", "text/csv; charset=utf-8", ""] {
            let h = headers(content_type, "{}");
            assert_eq!(h["cache-control"], "no-store", "{content_type}");
            assert_eq!(h["x-content-type-options"], "nosniff", "{content_type}");
            assert!(!h.contains_key("content-security-policy"), "{content_type}: not a page");
        }
    }

    #[test]
    fn a_page_allows_exactly_its_own_styles_and_cannot_be_framed() {
        let page = "<html><head><style>h1 { color: #0b5cad; }</style></head><body><h1>Hi</h1></body></html>";
        let h = headers("text/html; charset=utf-8", page);
        let csp = h["content-security-policy"].to_str().unwrap();
        let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest("h1 { color: #0b5cad; }"));
        assert!(csp.starts_with("default-src 'none'; "), "{csp}");
        assert!(csp.contains(&format!("style-src 'sha256-{hash}';")), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("form-action 'self'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(h["x-frame-options"], "DENY");
        assert_eq!(h["referrer-policy"], "no-referrer");
        assert_eq!(h["cache-control"], "no-store");
        // Another tenant's colour is another style, with another hash.
        let other = page_policy(&page.replace("#0b5cad", "#aa0000"));
        assert!(!other.contains(&hash));
        // A page without styles allows none.
        assert!(page_policy("<p>plain</p>").contains("style-src 'none';"));
    }
}
