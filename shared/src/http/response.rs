//! Successful responses: JSON with the right status, `ETag` for versioned objects,
//! `Location` for created ones.

use std::borrow::Cow;

use lambda_http::Body;
use serde::Serialize;

use crate::error::Result;

pub type Response = lambda_http::Response<Body>;

/// A successful reply, before it becomes a response.
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub etag: Option<u64>,
    pub content_type: Cow<'static, str>,
    /// `Content-Disposition`, for downloads.
    pub disposition: Option<String>,
    /// `Location`: where a created object lives.
    pub location: Option<String>,
    /// Sent as `Idempotent-Replayed: true`: this is the first response to an earlier
    /// request with the same `Idempotency-Key`.
    pub replayed: bool,
}

impl Reply {
    pub fn json<T: Serialize>(status: u16, value: &T) -> Result<Self> {
        Ok(Self {
            status,
            body: serde_json::to_string(value).map_err(anyhow::Error::from)?,
            etag: None,
            content_type: Cow::Borrowed("application/json"),
            disposition: None,
            location: None,
            replayed: false,
        })
    }

    /// A CSV document (UTF-8) offered for download as `file_name`.
    pub fn csv(body: String, file_name: &str) -> Self {
        Self {
            status: 200,
            body,
            etag: None,
            content_type: Cow::Borrowed("text/csv; charset=utf-8"),
            disposition: Some(format!("attachment; filename=\"{file_name}\"")),
            location: None,
            replayed: false,
        }
    }

    /// A page for people (the unsubscribe link's), not for API clients.
    pub fn html(body: String) -> Self {
        Self {
            status: 200,
            body,
            etag: None,
            content_type: Cow::Borrowed("text/html; charset=utf-8"),
            disposition: None,
            location: None,
            replayed: false,
        }
    }

    pub fn ok<T: Serialize>(value: &T) -> Result<Self> {
        Self::json(200, value)
    }

    pub fn created<T: Serialize>(value: &T) -> Result<Self> {
        Self::json(201, value)
    }

    pub fn no_content() -> Self {
        Self {
            status: 204,
            body: String::new(),
            etag: None,
            content_type: Cow::Borrowed("application/json"),
            disposition: None,
            location: None,
            replayed: false,
        }
    }

    /// Adds `ETag: "<version>"` (used with `If-Match` on PATCH).
    pub fn etag(mut self, version: u64) -> Self {
        self.etag = Some(version);
        self
    }

    /// Adds `Location: <path>` (the created object's own route).
    pub fn at(mut self, path: impl Into<String>) -> Self {
        self.location = Some(path.into());
        self
    }

    pub fn into_response(self) -> Response {
        let mut b = lambda_http::Response::builder().status(self.status);
        if self.status != 204 {
            b = b.header("content-type", self.content_type.as_ref());
        }
        if let Some(v) = self.etag {
            b = b.header("etag", format!("\"{v}\""));
        }
        if let Some(d) = self.disposition {
            b = b.header("content-disposition", d);
        }
        if let Some(l) = self.location {
            b = b.header("location", l);
        }
        if self.replayed {
            b = b.header("idempotent-replayed", "true");
        }
        b = super::headers::secure(b, &self.content_type, &self.body);
        let body = if self.body.is_empty() { Body::Empty } else { Body::Text(self.body) };
        b.body(body).unwrap_or_else(|_| lambda_http::Response::new(Body::Empty))
    }
}
