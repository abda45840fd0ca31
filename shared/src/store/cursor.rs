//! Opaque, tamper-proof paging cursors.
//!
//! A cursor carries where the next page starts (DynamoDB's `LastEvaluatedKey`, plus a
//! small position for lists built from several queries) and which query it belongs to.
//! It is signed with HMAC-SHA256, so a client can neither forge a start key nor reuse a
//! cursor on another list, tenant or filter.

use std::collections::BTreeMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::error::Error;

type HmacSha256 = Hmac<Sha256>;

/// What the OpenAPI document says a cursor is: empty (the first page), or two base64url
/// parts — the payload and its 32-byte tag — at most 2048 characters in all.
pub const CURSOR_PATTERN: &str = r"^([A-Za-z0-9_-]{1,2004}\.[A-Za-z0-9_-]{43})?$";
/// A signed token of another purpose (an unsubscribe link's): the same, never empty.
pub const TOKEN_PATTERN: &str = r"^[A-Za-z0-9_-]{1,2004}\.[A-Za-z0-9_-]{43}$";

/// The secret cursors are signed with (`PORTICO_CURSOR_SECRET`).
#[derive(Clone)]
pub struct CursorKey(Vec<u8>);

impl CursorKey {
    pub fn new(secret: impl Into<Vec<u8>>) -> Self {
        Self(secret.into())
    }

    fn mac(&self) -> HmacSha256 {
        HmacSha256::new_from_slice(&self.0).expect("HMAC takes keys of any length")
    }
}

impl std::fmt::Debug for CursorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CursorKey(<redacted>)")
    }
}

/// Where a list resumes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// For lists made of several queries: which one.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub part: u32,
    /// The start key within that part.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub key: BTreeMap<String, String>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

#[derive(Serialize, Deserialize)]
struct Payload {
    /// Which list (query identity), so a cursor only works where it was issued.
    q: String,
    #[serde(flatten)]
    at: Position,
}

fn invalid() -> Error {
    Error::invalid_field("cursor", "is not a cursor issued for this list")
}

impl CursorKey {
    /// Signs `at` for the list identified by `list`.
    pub fn encode(&self, list: &str, at: &Position) -> String {
        let payload =
            serde_json::to_vec(&Payload { q: list.to_owned(), at: at.clone() }).expect("cursor payload serializes");
        let mut mac = self.mac();
        mac.update(&payload);
        let tag = mac.finalize().into_bytes();
        format!("{}.{}", URL_SAFE_NO_PAD.encode(&payload), URL_SAFE_NO_PAD.encode(tag))
    }

    /// Verifies and opens a cursor for the list identified by `list`.
    pub fn decode(&self, list: &str, cursor: &str) -> Result<Position, Error> {
        if cursor.len() > 2048 {
            return Err(invalid());
        }
        let (body, tag) = cursor.split_once('.').ok_or_else(invalid)?;
        let payload = URL_SAFE_NO_PAD.decode(body).map_err(|_| invalid())?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| invalid())?;
        let mut mac = self.mac();
        mac.update(&payload);
        mac.verify_slice(&tag).map_err(|_| invalid())?;
        let payload: Payload = serde_json::from_slice(&payload).map_err(|_| invalid())?;
        if payload.q != list {
            return Err(invalid());
        }
        Ok(payload.at)
    }
}

impl CursorKey {
    /// HMAC-SHA256 of `parts` for `purpose` (each part length-prefixed, so no two lists
    /// of parts sign alike): short codes derived from the same secret, for a purpose of
    /// their own, never a cursor.
    pub fn digest(&self, purpose: &str, parts: &[&str]) -> [u8; 32] {
        let mut mac = self.mac();
        for part in std::iter::once(&purpose).chain(parts) {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part.as_bytes());
        }
        mac.finalize().into_bytes().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> Position {
        Position {
            part: 2,
            key: [("PK".to_string(), "T#ten_1".to_string()), ("SK".to_string(), "CUS#cus_9".to_string())].into(),
        }
    }

    #[test]
    fn issued_cursors_match_the_documented_pattern() {
        let k = CursorKey::new(b"secret".to_vec());
        let pattern = regex_lite::Regex::new(CURSOR_PATTERN).unwrap();
        let mut key = BTreeMap::new();
        key.insert("SK".to_owned(), "x".repeat(1400));
        let long = k.encode("jobs", &Position { part: 3, key });
        assert!(long.len() <= 2048 && pattern.is_match(&long), "{}", long.len());
        assert!(pattern.is_match(&k.encode("customers", &at())));
        assert!(pattern.is_match(""));
        assert!(regex_lite::Regex::new(TOKEN_PATTERN).unwrap().is_match(&k.encode("unsubscribe", &at())));
    }

    #[test]
    fn a_cursor_opens_on_the_list_that_issued_it() {
        let k = CursorKey::new("secret");
        let c = k.encode("customers", &at());
        assert_eq!(k.decode("customers", &c).unwrap(), at());
    }

    #[test]
    fn a_cursor_does_not_open_on_another_list_or_key() {
        let k = CursorKey::new("secret");
        let c = k.encode("customers", &at());
        assert!(k.decode("members", &c).is_err());
        assert!(CursorKey::new("other").decode("customers", &c).is_err());
    }

    #[test]
    fn a_tampered_cursor_is_refused() {
        let k = CursorKey::new("secret");
        let c = k.encode("customers", &at());
        let (body, tag) = c.split_once('.').unwrap();
        let mut payload = URL_SAFE_NO_PAD.decode(body).unwrap();
        let last = payload.len() - 3;
        payload[last] ^= 1;
        let forged = format!("{}.{}", URL_SAFE_NO_PAD.encode(payload), tag);
        assert!(k.decode("customers", &forged).is_err());
        assert!(k.decode("customers", "garbage").is_err());
        assert!(k.decode("customers", "").is_err());
    }
}
