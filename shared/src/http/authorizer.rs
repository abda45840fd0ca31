//! Who may call the API at all: the one verification of bearer tokens, run by the admin
//! routes' Lambda REQUEST authorizer in AWS and by the local gateway for every route
//! (`infra/local/src/gateway.rs`), so that the same code is tested.
//!
//! A token must be signed (RS256) by a key of the user pool's JWKS, carry the pool's
//! issuer and an expiry in the future, and be one of:
//! - an **ID token** of the web app's client (`token_use` `id`, `aud` the client): a
//!   person signed in — what API Gateway's JWT authorizer accepts on the portal routes;
//! - on the admin routes only, an **access token of the client-credentials grant**
//!   (`token_use` `access`, no `username`, at least one `portico/` scope): a back-office
//!   integration (docs/decisions/0003-integration-tokens.md). Whose client it is, and
//!   whether it may still act, the handler's guard reads from its binding on every request.
//!
//! Everything else is refused (401), and nothing says why to the caller.

use std::collections::HashMap;

use anyhow::Context as _;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::domain::principal::ApiScope;

#[derive(Deserialize)]
struct Jwks {
    keys: Vec<Jwk>,
}

#[derive(Deserialize)]
struct Jwk {
    kid: String,
    n: String,
    e: String,
}

/// Which tokens a route takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accept {
    /// ID tokens of the web app's client (API Gateway's JWT authorizer).
    IdTokens,
    /// ID tokens, and client-credentials access tokens with a `portico/` scope (the admin
    /// routes' Lambda authorizer).
    IdOrClientTokens,
}

/// Verifies bearer tokens against one user pool's keys.
pub struct Verifier {
    keys: HashMap<String, DecodingKey>,
    issuer: String,
    client_id: String,
}

/// Why a token was refused (for tests and logs; clients only ever see 401).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Malformed,
    UnknownKey,
    BadSignatureOrClaims,
    Expired,
    NotAnIdToken,
}

/// The issuer Cognito writes into the tokens of a pool.
pub fn issuer(region: &str, pool_id: &str) -> String {
    format!("https://cognito-idp.{region}.amazonaws.com/{pool_id}")
}

impl Verifier {
    /// From the pool's JWKS document; `client_id` is the web app's client.
    pub fn from_jwks(jwks_json: &str, issuer: &str, client_id: &str) -> anyhow::Result<Self> {
        let jwks: Jwks = serde_json::from_str(jwks_json).context("decoding JWKS")?;
        let mut keys = HashMap::new();
        for k in jwks.keys {
            keys.insert(k.kid, DecodingKey::from_rsa_components(&k.n, &k.e).context("JWKS key")?);
        }
        Ok(Self { keys, issuer: issuer.to_owned(), client_id: client_id.to_owned() })
    }

    /// The verified claims of `token` at time `now` (seconds since the epoch), if it is
    /// a token `accept` takes.
    pub fn verify_at(&self, token: &str, now: u64, accept: Accept) -> Result<Map<String, Value>, Refusal> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| Refusal::Malformed)?;
        let key = header.kid.as_ref().and_then(|k| self.keys.get(k)).ok_or(Refusal::UnknownKey)?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[&self.issuer]);
        // An access token has no audience: checked below, by the kind of token.
        validation.validate_aud = false;
        // Expiry is checked below against `now`, without leeway, like the authorizer.
        validation.validate_exp = false;
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        let data = jsonwebtoken::decode::<Map<String, Value>>(token, key, &validation)
            .map_err(|_| Refusal::BadSignatureOrClaims)?;
        let claims = data.claims;
        let exp = claims.get("exp").and_then(Value::as_u64).ok_or(Refusal::BadSignatureOrClaims)?;
        if exp <= now {
            return Err(Refusal::Expired);
        }
        match claims.get("token_use").and_then(Value::as_str) {
            Some("id") => {
                if claims.get("aud").and_then(Value::as_str) != Some(self.client_id.as_str()) {
                    return Err(Refusal::BadSignatureOrClaims);
                }
                Ok(claims)
            }
            Some("access") if accept == Accept::IdOrClientTokens && is_client_credentials(&claims) => Ok(claims),
            _ => Err(Refusal::NotAnIdToken),
        }
    }

    pub fn verify(&self, token: &str, accept: Accept) -> Result<Map<String, Value>, Refusal> {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        self.verify_at(token, now, accept)
    }
}

/// An access token of the client-credentials grant: no user (`username`), its subject
/// its client, and at least one scope of Portico's resource server.
fn is_client_credentials(claims: &Map<String, Value>) -> bool {
    let client = claims.get("client_id").and_then(Value::as_str);
    claims.get("username").is_none()
        && client.is_some_and(|c| !c.is_empty() && claims.get("sub").and_then(Value::as_str) == Some(c))
        && claims
            .get("scope")
            .and_then(Value::as_str)
            .is_some_and(|s| s.split(' ').any(|scope| ApiScope::from_oauth(scope).is_some()))
}

/// Claims as API Gateway hands them to Lambda: strings, arrays as `"[a b]"`.
pub fn claims_for_lambda(claims: &Map<String, Value>) -> Map<String, Value> {
    claims
        .iter()
        .map(|(k, v)| {
            let s = match v {
                Value::String(s) => s.clone(),
                Value::Array(items) => format!(
                    "[{}]",
                    items
                        .iter()
                        .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned))
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
                other => other.to_string(),
            };
            (k.clone(), Value::String(s))
        })
        .collect()
}

/// The bearer token of an `Authorization` header's value.
pub fn bearer(value: &str) -> &str {
    value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer ")).unwrap_or(value).trim()
}

/// The Lambda REQUEST authorizer's answer to one event (HTTP API, payload format 2.0,
/// simple responses): authorized, with the verified claims as its context (which the
/// handler reads from `requestContext.authorizer.lambda`), or not.
pub fn authorize(verifier: &Verifier, event: &Value) -> Value {
    let token = event["identitySource"]
        .as_array()
        .and_then(|s| s.first())
        .and_then(Value::as_str)
        .or_else(|| event["headers"]["authorization"].as_str())
        .map(bearer);
    match token.map(|t| verifier.verify(t, Accept::IdOrClientTokens)) {
        Some(Ok(claims)) => json!({"isAuthorized": true, "context": claims_for_lambda(&claims)}),
        Some(Err(refusal)) => {
            tracing::info!(refusal = ?refusal, "a token was refused");
            json!({"isAuthorized": false})
        }
        None => json!({"isAuthorized": false}),
    }
}

/// The pool's JWKS document, over HTTPS with the SDK's client (the AWS roots).
pub async fn fetch_jwks(url: &str) -> anyhow::Result<String> {
    use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
    use aws_smithy_runtime_api::client::http::HttpConnector as _;
    let connector = aws_smithy_http_client::Connector::builder()
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .tls_context(crate::app::tls_context(false)?)
        .build();
    let mut request = aws_smithy_runtime_api::http::Request::new(aws_smithy_types::body::SdkBody::empty());
    request.set_uri(url).context("the JWKS URL")?;
    let response = connector.call(request).await.context("fetching the JWKS")?;
    if !response.status().is_success() {
        anyhow::bail!("the JWKS answered {}", response.status().as_u16());
    }
    let bytes = aws_smithy_types::byte_stream::ByteStream::new(response.into_body())
        .collect()
        .await
        .context("reading the JWKS")?
        .into_bytes();
    String::from_utf8(bytes.to_vec()).context("the JWKS is not text")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(pairs: Value) -> Map<String, Value> {
        pairs.as_object().unwrap().clone()
    }

    #[test]
    fn only_a_client_credentials_token_with_a_portico_scope_counts_as_one() {
        let ok = json!({"sub": "c1", "client_id": "c1", "token_use": "access", "scope": "portico/records:write"});
        assert!(is_client_credentials(&claims(ok.clone())));
        // A person's access token names its user.
        let mut user = ok.clone();
        user["username"] = json!("alice");
        assert!(!is_client_credentials(&claims(user)));
        // No scope of Portico's, or only the user pool's.
        for scope in ["", "aws.cognito.signin.user.admin", "other/records:write", "portico/nope"] {
            let mut c = ok.clone();
            c["scope"] = json!(scope);
            assert!(!is_client_credentials(&claims(c)), "{scope}");
        }
        // Its subject is its client.
        let mut other = ok;
        other["sub"] = json!("c2");
        assert!(!is_client_credentials(&claims(other)));
    }

    #[test]
    fn the_authorizer_refuses_without_a_token_and_with_a_malformed_one() {
        let v = Verifier { keys: HashMap::new(), issuer: "i".into(), client_id: "c".into() };
        assert_eq!(authorize(&v, &json!({"identitySource": []})), json!({"isAuthorized": false}));
        assert_eq!(authorize(&v, &json!({"identitySource": ["Bearer x.y.z"]})), json!({"isAuthorized": false}));
        assert_eq!(bearer("Bearer abc "), "abc");
    }
}
