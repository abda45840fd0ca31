//! The payment processor, Stripe: the few calls Portico makes, and the check of its
//! webhooks' signatures (docs/payments.md, decision 0004).
//!
//! Every call is made with the platform's secret key on behalf of the tenant's connected
//! account (`Stripe-Account`), so the money and the records are the tenant's; every
//! creating call carries an Idempotency-Key derived from what it creates, so a retry
//! (or a second tab) gets the same object back. A small client over `reqwest` rather
//! than a Stripe SDK crate: Portico makes four calls, and the SDK crates generate the
//! whole API (tens of thousands of lines to compile for each function).
//!
//! Locally the same code talks to `infra/local/local_stripe.py` (`PORTICO_STRIPE_API`).

use std::time::Duration;

use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::error::{Error, Result};

/// The API version every call asks for (events follow the endpoint's own version, set
/// when it is made: make it with this one).
pub const API_VERSION: &str = "2024-06-20";
/// How long one call to the processor may take.
pub const TIMEOUT: Duration = Duration::from_secs(8);
/// How old a webhook's signed timestamp may be (Stripe's libraries' default).
pub const TOLERANCE_SECONDS: i64 = 300;

/// `PORTICO_STRIPE_*`: where the processor is and the platform's secrets.
#[derive(Clone)]
pub struct StripeConfig {
    /// `PORTICO_STRIPE_API`: `https://api.stripe.com` unless the local stand-in.
    pub api: String,
    /// `PORTICO_STRIPE_SECRET_KEY`: the platform's secret key.
    pub secret_key: String,
    /// `PORTICO_STRIPE_WEBHOOK_SECRET` (and `…_PREVIOUS` while it is rolled): the Connect
    /// webhook endpoint's signing secrets.
    pub webhook_secrets: Vec<String>,
}

impl std::fmt::Debug for StripeConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeConfig").field("api", &self.api).finish_non_exhaustive()
    }
}

impl StripeConfig {
    /// `None` without a secret key: payments are not offered.
    pub fn from_env() -> Option<Self> {
        let key = std::env::var("PORTICO_STRIPE_SECRET_KEY").ok().filter(|k| !k.is_empty())?;
        Some(Self {
            api: std::env::var("PORTICO_STRIPE_API")
                .ok()
                .filter(|a| !a.is_empty())
                .unwrap_or_else(|| "https://api.stripe.com".into()),
            secret_key: key,
            webhook_secrets: ["PORTICO_STRIPE_WEBHOOK_SECRET", "PORTICO_STRIPE_WEBHOOK_SECRET_PREVIOUS"]
                .into_iter()
                .filter_map(|n| std::env::var(n).ok().filter(|s| !s.is_empty()))
                .collect(),
        })
    }
}

/// A connected account, as far as Portico reads it.
#[derive(Debug, Clone, Deserialize)]
pub struct Account {
    pub id: String,
    #[serde(default)]
    pub charges_enabled: bool,
    #[serde(default)]
    pub details_submitted: bool,
}

/// An Account Link: the processor's onboarding page for one account.
#[derive(Debug, Clone, Deserialize)]
pub struct AccountLink {
    pub url: String,
    pub expires_at: i64,
}

/// A Checkout Session: the hosted payment page.
#[derive(Debug, Clone, Deserialize)]
pub struct Session {
    pub id: String,
    pub url: Option<String>,
    pub expires_at: i64,
    /// `open`, `complete` or `expired`.
    #[serde(default)]
    pub status: Option<String>,
}

/// One line of a Checkout Session: an invoice.
pub struct SessionLine {
    pub name: String,
    pub amount: i64,
}

/// What a Checkout Session is made of.
pub struct SessionRequest<'a> {
    pub account: &'a str,
    pub idempotency_key: &'a str,
    /// Lower-case ISO 4217.
    pub currency: &'a str,
    pub lines: Vec<SessionLine>,
    pub success_url: &'a str,
    pub cancel_url: &'a str,
    pub customer_email: Option<&'a str>,
    /// `metadata[portico_payment]` on the session and on its payment intent.
    pub payment_id: &'a str,
    pub expires_at: i64,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    #[serde(default)]
    message: String,
    #[serde(default)]
    code: Option<String>,
}

/// The processor, as the platform calls it.
#[derive(Debug, Clone)]
pub struct Stripe {
    http: reqwest::Client,
    config: StripeConfig,
}

impl Stripe {
    pub fn new(config: StripeConfig) -> Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Internal(anyhow::anyhow!("building the processor's client: {e}")))?;
        Ok(Self { http, config })
    }

    pub fn config(&self) -> &StripeConfig {
        &self.config
    }

    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        account: Option<&str>,
        idempotency_key: Option<&str>,
        form: &[(String, String)],
    ) -> Result<T> {
        let url = format!("{}{path}", self.config.api.trim_end_matches('/'));
        let mut req = self
            .http
            .request(method.clone(), &url)
            .bearer_auth(&self.config.secret_key)
            .header("Stripe-Version", API_VERSION);
        if let Some(account) = account {
            req = req.header("Stripe-Account", account);
        }
        if let Some(key) = idempotency_key {
            req = req.header("Idempotency-Key", key);
        }
        if method == reqwest::Method::POST {
            req = req.form(form);
        }
        let response =
            req.send().await.map_err(|e| Error::Internal(anyhow::anyhow!("the processor did not answer: {e}")))?;
        let status = response.status();
        let body =
            response.bytes().await.map_err(|e| Error::Internal(anyhow::anyhow!("reading the processor: {e}")))?;
        if status.is_success() {
            return serde_json::from_slice(&body)
                .map_err(|e| Error::Internal(anyhow::anyhow!("the processor's answer to {path}: {e}")));
        }
        let detail = serde_json::from_slice::<ErrorBody>(&body).ok().map(|b| b.error);
        let message = detail.as_ref().map_or_else(String::new, |d| d.message.clone());
        let code = detail.and_then(|d| d.code).unwrap_or_default();
        tracing::warn!(status = status.as_u16(), code = code.as_str(), path, "the processor refused a call");
        match status.as_u16() {
            // Another request with the same key is in flight (the other tab): try again.
            409 => Err(Error::conflict("this payment is being prepared by another request; try again")),
            400 | 402 | 403 | 404 => Err(Error::unprocessable(format!("the payment processor refused: {message}"))),
            _ => Err(Error::Internal(anyhow::anyhow!("the processor answered {status} to {path}: {message}"))),
        }
    }

    /// Makes the tenant's connected account (Standard: the tenant's own dashboard).
    pub async fn create_account(&self, idempotency_key: &str, email: Option<&str>) -> Result<Account> {
        let mut form = vec![("type".to_owned(), "standard".to_owned())];
        form.extend(email.map(|e| ("email".to_owned(), e.to_owned())));
        self.call(reqwest::Method::POST, "/v1/accounts", None, Some(idempotency_key), &form).await
    }

    pub async fn account(&self, id: &str) -> Result<Account> {
        self.call(reqwest::Method::GET, &format!("/v1/accounts/{id}"), None, None, &[]).await
    }

    /// The onboarding page of `account`, returning to `return_url`.
    pub async fn account_link(&self, account: &str, refresh_url: &str, return_url: &str) -> Result<AccountLink> {
        let form = [
            ("account", account),
            ("refresh_url", refresh_url),
            ("return_url", return_url),
            ("type", "account_onboarding"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()));
        self.call(reqwest::Method::POST, "/v1/account_links", None, None, &form).await
    }

    /// A session of the connected account, as it is now.
    pub async fn session(&self, account: &str, id: &str) -> Result<Session> {
        self.call(reqwest::Method::GET, &format!("/v1/checkout/sessions/{id}"), Some(account), None, &[]).await
    }

    /// Closes an open session's page, so that it can no longer be paid.
    pub async fn expire_session(&self, account: &str, id: &str) -> Result<Session> {
        let path = format!("/v1/checkout/sessions/{id}/expire");
        self.call(reqwest::Method::POST, &path, Some(account), None, &[]).await
    }

    /// A hosted payment page on the connected account.
    pub async fn create_session(&self, r: &SessionRequest<'_>) -> Result<Session> {
        let mut form: Vec<(String, String)> = vec![
            ("mode".into(), "payment".into()),
            ("success_url".into(), r.success_url.into()),
            ("cancel_url".into(), r.cancel_url.into()),
            ("client_reference_id".into(), r.payment_id.into()),
            ("metadata[portico_payment]".into(), r.payment_id.into()),
            ("payment_intent_data[metadata][portico_payment]".into(), r.payment_id.into()),
            ("expires_at".into(), r.expires_at.to_string()),
        ];
        form.extend(r.customer_email.map(|e| ("customer_email".into(), e.into())));
        // No `payment_method_types`: the methods the tenant enabled in its own dashboard
        // (card, iDEAL, …) that suit the currency — Stripe's dynamic payment methods.
        for (i, line) in r.lines.iter().enumerate() {
            form.push((format!("line_items[{i}][quantity]"), "1".into()));
            form.push((format!("line_items[{i}][price_data][currency]"), r.currency.into()));
            form.push((format!("line_items[{i}][price_data][unit_amount]"), line.amount.to_string()));
            form.push((format!("line_items[{i}][price_data][product_data][name]"), line.name.clone()));
        }
        self.call(reqwest::Method::POST, "/v1/checkout/sessions", Some(r.account), Some(r.idempotency_key), &form).await
    }
}

/// Checks a webhook's `Stripe-Signature` (`t=<unix>,v1=<hex>,…`) against `secrets` at
/// `now` (unix seconds): one `v1` must be HMAC-SHA256 of `"<t>.<body>"` under one
/// secret, and `t` within [`TOLERANCE_SECONDS`] of now.
pub fn verify_signature(
    header: &str,
    body: &[u8],
    secrets: &[String],
    now: i64,
) -> std::result::Result<(), &'static str> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", s)) => signatures.push(s),
            _ => {}
        }
    }
    let t = timestamp.ok_or("no timestamp")?;
    if now.abs_diff(t) > TOLERANCE_SECONDS.unsigned_abs() {
        return Err("the timestamp is outside the tolerance");
    }
    for secret in secrets {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else { continue };
        mac.update(t.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        let expected: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
        if signatures.iter().any(|s| bool::from(s.as_bytes().ct_eq(expected.as_bytes()))) {
            return Ok(());
        }
    }
    Err("no signature matches")
}

/// Signs `body` as the processor does, at `t` (the local stack's and tests' side).
pub fn sign(body: &[u8], secret: &str, t: i64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    format!("t={t},v1={hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_holds_only_for_its_body_secret_and_time() {
        let secrets = vec!["whsec_old".to_owned(), "whsec_new".to_owned()];
        let body = br#"{"id":"evt_1"}"#;
        let header = sign(body, "whsec_new", 1_000);
        assert_eq!(verify_signature(&header, body, &secrets, 1_000), Ok(()));
        assert_eq!(verify_signature(&header, body, &secrets, 1_000 + TOLERANCE_SECONDS), Ok(()), "at the edge");
        assert!(verify_signature(&header, body, &secrets, 1_001 + TOLERANCE_SECONDS).is_err(), "too old: a replay");
        assert!(verify_signature(&header, br#"{"id":"evt_2"}"#, &secrets, 1_000).is_err(), "another body");
        assert!(verify_signature(&header, body, &["whsec_other".to_owned()], 1_000).is_err(), "another secret");
        assert!(verify_signature("v1=abc", body, &secrets, 1_000).is_err(), "no timestamp");
        let two = format!("{},v1=00", sign(body, "whsec_old", 1_000));
        assert_eq!(verify_signature(&two, body, &secrets, 1_000), Ok(()), "any v1 may match, under any secret");
    }
}
