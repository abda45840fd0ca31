//! Reading a request: the verified principal, path ids, a bounded JSON body that rejects
//! unknown fields, paging, `If-Match`, `Idempotency-Key` and `X-View-As`.

use lambda_http::request::RequestContext;
use lambda_http::{Body, RequestExt};
use serde::de::DeserializeOwned;

use crate::domain::ids::{IdError, ViewAsId};
use crate::domain::number::whole_number;
use crate::domain::principal::{ApiScope, Principal};
use crate::error::{Error, FieldError, Result};
use crate::store::Paging;

/// What `If-Match` takes: the `ETag` of a read or write (`"3"`), weak or not, quoted or
/// not — a version of at most 19 digits (always fits `u64`).
pub const IF_MATCH_PATTERN: &str = r#"^[ \t]*(W/)?("[0-9]{1,19}"|[0-9]{1,19})[ \t]*$"#;

/// Bodies larger than this are refused with 413 unless an operation says otherwise.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

pub struct Req(lambda_http::Request, ApiScope);

impl Req {
    /// A request to a route no integration may call, until [`Req::with_scope`] says
    /// otherwise.
    pub fn new(request: lambda_http::Request) -> Self {
        Self(request, ApiScope::NotForIntegrations)
    }

    /// The scope the route table says an integration needs for this request's route
    /// (`portico_functions::handle_event` sets it; `http::guard::admin` checks it).
    pub fn with_scope(self, scope: ApiScope) -> Self {
        Self(self.0, scope)
    }

    pub fn scope(&self) -> ApiScope {
        self.1
    }

    pub fn inner(&self) -> &lambda_http::Request {
        &self.0
    }

    /// The `routeKey` API Gateway matched (`"GET /admin/customers"`).
    pub fn route_key(&self) -> Option<String> {
        match self.0.request_context_ref()? {
            RequestContext::ApiGatewayV2(ctx) => ctx.route_key.clone(),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }

    /// API Gateway's request id (for the logs).
    pub fn request_id(&self) -> Option<String> {
        match self.0.request_context_ref()? {
            RequestContext::ApiGatewayV2(ctx) => ctx.request_id.clone(),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }

    /// The principal from the claims an authorizer verified: the JWT authorizer's
    /// (`requestContext.authorizer.jwt.claims`) or the admin routes' Lambda authorizer's
    /// (`requestContext.authorizer.lambda`, `portico::http::authorizer`). No claims: 401.
    pub fn principal(&self) -> Result<Principal> {
        let authorizer = match self.0.request_context_ref() {
            Some(RequestContext::ApiGatewayV2(ctx)) => ctx.authorizer.as_ref(),
            #[allow(unreachable_patterns)]
            _ => None,
        };
        let authorizer = authorizer.ok_or(Error::Unauthorized)?;
        if let Some(jwt) = &authorizer.jwt {
            return Principal::from_claims(&jwt.claims);
        }
        if authorizer.fields.is_empty() {
            return Err(Error::Unauthorized);
        }
        // The Lambda authorizer's context: every value a string (`claims_for_lambda`).
        let claims: std::collections::HashMap<String, String> =
            authorizer.fields.iter().filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_owned()))).collect();
        Principal::from_claims(&claims)
    }

    /// A path id. One that does not parse cannot exist: 404, like any unknown id.
    pub fn path_id<T>(&self, name: &str, parse: fn(&str) -> Result<T, IdError>) -> Result<T> {
        let params = self.0.path_parameters();
        let raw = params.first(name).ok_or(Error::NotFound)?;
        parse(raw).map_err(|_| Error::NotFound)
    }

    /// A path parameter as sent (for ids that are not Portico's, like a back-office
    /// reference). Absent: 404.
    pub fn path_param(&self, name: &str) -> Result<String> {
        self.0.path_parameters().first(name).map(str::to_owned).ok_or(Error::NotFound)
    }

    pub fn query(&self, name: &str) -> Option<String> {
        self.0.query_string_parameters_ref().and_then(|q| q.first(name)).map(str::to_owned)
    }

    /// `?limit=` (1–200, default 50) and `?cursor=`.
    pub fn paging(&self) -> Result<Paging> {
        let limit = match self.query("limit") {
            None => Paging::DEFAULT_LIMIT,
            Some(raw) => {
                whole_number(&raw, 1..=i64::from(Paging::MAX_LIMIT)).and_then(|n| i32::try_from(n).ok()).ok_or_else(
                    || Error::invalid_field("limit", format!("must be a whole number from 1 to {}", Paging::MAX_LIMIT)),
                )?
            }
        };
        Ok(Paging { limit, cursor: self.query("cursor").filter(|c| !c.is_empty()) })
    }

    pub fn header(&self, name: &str) -> Result<Option<&str>> {
        match self.0.headers().get(name) {
            None => Ok(None),
            Some(v) => {
                v.to_str().map(Some).map_err(|_| Error::bad_request(format!("the {name} header is not valid text")))
            }
        }
    }

    /// Whether `Accept` asks for `media` (say `text/csv`) rather than JSON: it is named
    /// and JSON is not, or comes first.
    pub fn prefers(&self, media: &str) -> bool {
        let Ok(Some(accept)) = self.header("accept") else { return false };
        let types: Vec<String> =
            accept.split(',').map(|t| t.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()).collect();
        let at = |m: &str| types.iter().position(|t| t == m);
        match (at(media), at("application/json")) {
            (Some(i), Some(j)) => i < j,
            (Some(_), None) => true,
            _ => false,
        }
    }

    /// `If-Match: "<version>"`, if sent (see [`IF_MATCH_PATTERN`]).
    pub fn if_match(&self) -> Result<Option<u64>> {
        match self.header("if-match")? {
            None => Ok(None),
            Some(v) => etag_version(v)
                .map(Some)
                .ok_or_else(|| Error::bad_request("If-Match must be an ETag this API returned")),
        }
    }

    /// `X-View-As: <view-as session id>`, if sent: an admin viewing the portal as a member
    /// (`http::guard::member`).
    pub fn view_as(&self) -> Result<Option<ViewAsId>> {
        match self.header(crate::domain::view_as::HEADER)? {
            None => Ok(None),
            Some(v) => {
                ViewAsId::parse(v.trim()).map(Some).map_err(|e| Error::invalid_field("X-View-As", e.to_string()))
            }
        }
    }

    /// `Idempotency-Key`, if sent: 1–100 visible ASCII characters.
    pub fn idempotency_key(&self) -> Result<Option<String>> {
        match self.header("idempotency-key")? {
            None => Ok(None),
            Some(k) if !k.is_empty() && k.len() <= 100 && k.bytes().all(|b| b.is_ascii_graphic()) => {
                Ok(Some(k.to_owned()))
            }
            Some(_) => Err(Error::bad_request("Idempotency-Key must be 1 to 100 visible ASCII characters")),
        }
    }

    /// A hash of what this request asks for: method, route, path and query parameters,
    /// and body. A JSON body counts by meaning (key order and whitespace do not matter);
    /// any other body byte for byte.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        let mut field = |bytes: &[u8]| {
            h.update((bytes.len() as u64).to_be_bytes());
            h.update(bytes);
        };
        field(self.0.method().as_str().as_bytes());
        field(self.route_key().unwrap_or_default().as_bytes());
        for params in [self.0.path_parameters(), self.0.query_string_parameters()] {
            let mut pairs: Vec<(&str, &str)> = params.iter().collect();
            pairs.sort_unstable();
            for (k, v) in pairs {
                field(k.as_bytes());
                field(v.as_bytes());
            }
            field(b"|");
        }
        let body = self.body_bytes();
        match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(value) => {
                let mut canonical = String::new();
                canonical_json(&value, &mut canonical);
                field(b"json");
                field(canonical.as_bytes());
            }
            Err(_) => {
                field(b"raw");
                field(body);
            }
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The body as sent (a signed webhook's, checked byte for byte).
    pub fn body_bytes(&self) -> &[u8] {
        match self.0.body() {
            Body::Empty => &[],
            Body::Text(t) => t.as_bytes(),
            Body::Binary(b) => b,
            #[allow(unreachable_patterns)]
            _ => &[],
        }
    }

    /// The JSON body as `T`. Unknown fields, wrong types and invalid values are a 400
    /// naming the field; a body over [`MAX_BODY_BYTES`] is a 413, one that is not sent as
    /// JSON a 415.
    pub fn body<T: DeserializeOwned>(&self) -> Result<T> {
        let bytes = self.body_bytes();
        if bytes.len() > MAX_BODY_BYTES {
            return Err(Error::PayloadTooLarge { limit: MAX_BODY_BYTES });
        }
        if bytes.is_empty() {
            return Err(Error::bad_request("a JSON body is required"));
        }
        self.require_json()?;
        parse_object(bytes)
    }

    /// Like [`Req::body`], but an empty body means `T::default()`.
    pub fn body_or_default<T: DeserializeOwned + Default>(&self) -> Result<T> {
        let bytes = self.body_bytes();
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(T::default());
        }
        if bytes.len() > MAX_BODY_BYTES {
            return Err(Error::PayloadTooLarge { limit: MAX_BODY_BYTES });
        }
        self.require_json()?;
        parse_object(bytes)
    }

    /// A body must be declared JSON: `application/json` or any `application/…+json`
    /// (such as `application/merge-patch+json`, which is what a PATCH here is), with any
    /// parameters (`; charset=utf-8`).
    fn require_json(&self) -> Result<()> {
        let declared = self.header("content-type")?.unwrap_or_default();
        if is_json_media_type(declared) {
            Ok(())
        } else {
            Err(Error::UnsupportedMediaType)
        }
    }
}

/// A request body: a JSON object. (serde would read a struct from an array too, field
/// by field in order; no client means that.)
fn parse_object<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first.is_some_and(|b| *b != b'{') {
        return Err(Error::bad_request("the body must be a JSON object"));
    }
    parse_json(bytes, MAX_BODY_BYTES)
}

/// The version an `ETag` names: `"3"`, `W/"3"` or `3` (spaces and tabs around ignored).
pub fn etag_version(value: &str) -> Option<u64> {
    let v = value.trim_matches([' ', '\t']);
    let v = v.strip_prefix("W/").unwrap_or(v);
    let digits = v.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(v);
    let ok = (1..=19).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| digits.parse().ok()).flatten()
}

/// Whether a `Content-Type` value names JSON.
pub fn is_json_media_type(value: &str) -> bool {
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// `value` with object keys sorted, at every depth.
fn canonical_json(value: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                canonical_json(v, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical_json(v, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// Parses a JSON document of at most `limit` bytes, reporting the failing field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8], limit: usize) -> Result<T> {
    if bytes.len() > limit {
        return Err(Error::PayloadTooLarge { limit });
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize::<_, T>(&mut de).map_err(|e| {
        let inner = e.inner();
        if inner.is_syntax() || inner.is_eof() {
            return Error::bad_request("the body is not valid JSON");
        }
        let path = e.path().to_string();
        let field = if path == "." { String::new() } else { path };
        // serde's message carries a position suffix that means nothing to a client.
        let message = inner.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
        Error::BadRequest {
            detail: "the request has invalid fields".into(),
            errors: vec![FieldError::new(field, message)],
        }
    })?;
    de.end().map_err(|_| Error::bad_request("the body is not valid JSON"))?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Input {
        #[allow(dead_code)]
        name: crate::domain::text::Name,
    }

    #[test]
    fn if_match_takes_what_its_pattern_says() {
        let pattern = regex_lite::Regex::new(IF_MATCH_PATTERN).unwrap();
        for v in ["\"3\"", "W/\"3\"", "3", " \"12\"\t", "\"9999999999999999999\""] {
            assert!(etag_version(v).is_some() && pattern.is_match(v), "{v}");
        }
        assert_eq!(etag_version("W/\"42\""), Some(42));
        for v in [
            "",
            "*",
            "\"3",
            "3\"",
            "\"\"3\"\"",
            "W/W/\"3\"",
            "+3",
            "\"-3\"",
            "\"99999999999999999999\"",
            "\"3\", \"4\"",
        ] {
            assert!(etag_version(v).is_none() && !pattern.is_match(v), "{v}");
        }
    }

    #[test]
    fn accept_chooses_csv_only_when_asked_before_json() {
        let with = |accept: Option<&str>| {
            let mut b = http::Request::builder();
            if let Some(a) = accept {
                b = b.header("accept", a);
            }
            Req::new(b.body(lambda_http::Body::Empty).unwrap())
        };
        assert!(with(Some("text/csv")).prefers("text/csv"));
        assert!(with(Some("Text/CSV; charset=utf-8, application/json;q=0.5")).prefers("text/csv"));
        assert!(!with(Some("application/json, text/csv")).prefers("text/csv"));
        assert!(!with(Some("*/*")).prefers("text/csv"));
        assert!(!with(None).prefers("text/csv"));
    }

    #[test]
    fn unknown_fields_are_a_400_naming_the_field() {
        match parse_json::<Input>(br#"{"name":"a","admin":true}"#, 1024) {
            Err(Error::BadRequest { errors, .. }) => assert!(errors[0].message.contains("unknown field `admin`")),
            other => panic!("expected 400, got {other:?}"),
        }
    }

    #[test]
    fn invalid_values_name_their_path() {
        match parse_json::<Input>(br#"{"name":"   "}"#, 1024) {
            Err(Error::BadRequest { errors, .. }) => {
                assert_eq!(errors[0].field, "name");
                assert_eq!(errors[0].message, "name must not be empty");
            }
            other => panic!("expected 400, got {other:?}"),
        }
    }

    #[test]
    fn json_is_json_whatever_its_parameters() {
        for yes in [
            "application/json",
            "Application/JSON; charset=utf-8",
            "application/merge-patch+json",
            "application/problem+json ",
        ] {
            assert!(is_json_media_type(yes), "{yes}");
        }
        for no in [
            "",
            "text/plain",
            "application/x-www-form-urlencoded",
            "application/jsonx",
            "text/json",
            "multipart/form-data",
        ] {
            assert!(!is_json_media_type(no), "{no}");
        }
    }

    #[test]
    fn deep_nesting_is_a_400_not_a_crash() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(matches!(parse_json::<Input>(deep.as_bytes(), usize::MAX), Err(Error::BadRequest { .. })));
        let deep_object = format!("{}1{}", r#"{"a":"#.repeat(10_000), "}".repeat(10_000));
        assert!(matches!(
            parse_json::<serde_json::Value>(deep_object.as_bytes(), usize::MAX),
            Err(Error::BadRequest { .. })
        ));
    }

    #[test]
    fn bodies_that_are_not_objects_or_not_utf8_are_a_400() {
        for body in [&b"[]"[..], b"\"x\"", b"null", b"42", b"{\"name\": \"\xff\"}", b"\xef\xbb\xbf{}"] {
            assert!(matches!(parse_json::<Input>(body, 1024), Err(Error::BadRequest { .. })), "{body:?}");
        }
    }

    #[test]
    fn a_body_is_an_object_never_an_array_read_field_by_field() {
        assert!(parse_json::<Input>(br#"["a"]"#, 1024).is_ok(), "what serde alone would accept");
        assert!(matches!(parse_object::<Input>(br#"["a"]"#), Err(Error::BadRequest { .. })));
        assert!(matches!(parse_object::<Input>(b"  [null]"), Err(Error::BadRequest { .. })));
        assert!(parse_object::<Input>(br#" {"name":"a"}"#).is_ok());
    }

    #[test]
    fn oversized_and_malformed_bodies_are_refused() {
        assert!(matches!(parse_json::<Input>(&[b' '; 2048], 1024), Err(Error::PayloadTooLarge { limit: 1024 })));
        assert!(matches!(parse_json::<Input>(b"{\"name\":", 1024), Err(Error::BadRequest { .. })));
        assert!(matches!(parse_json::<Input>(br#"{"name":"a"} trailing"#, 1024), Err(Error::BadRequest { .. })));
    }
}
