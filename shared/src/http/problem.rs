//! `application/problem+json` (RFC 9457): the only way errors leave a handler.

use lambda_http::Body;
use serde::Serialize;

use crate::error::{Error, FieldError};

pub const CONTENT_TYPE: &str = "application/problem+json";

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// A 500 from a handler that failed unexpectedly names the request, as the log line
    /// about it does: what to quote when reporting it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl Problem {
    pub fn of(error: &Error) -> Self {
        let status = error.status();
        let (slug, title) = match error {
            Error::BadRequest { .. } => ("bad-request", "Bad request"),
            Error::Unauthorized => ("unauthorized", "Unauthorized"),
            Error::Forbidden(_) => ("forbidden", "Forbidden"),
            Error::MfaRequired => ("mfa-required", "Second factor required"),
            Error::NotFound => ("not-found", "Not found"),
            Error::Conflict(_) => ("conflict", "Conflict"),
            Error::PreconditionFailed => ("precondition-failed", "Precondition failed"),
            Error::Changed => ("changed", "Changed meanwhile"),
            Error::PayloadTooLarge { .. } => ("payload-too-large", "Payload too large"),
            Error::UnsupportedMediaType => ("unsupported-media-type", "Unsupported media type"),
            Error::Unprocessable(_) | Error::UnprocessableFields { .. } => ("unprocessable", "Unprocessable request"),
            Error::Internal(_) => ("internal", "Internal error"),
        };
        let detail = match error {
            // The cause of an internal error goes to the log, never to the client.
            Error::Internal(_) => "something went wrong on our side; the request can be retried".to_owned(),
            other => other.to_string(),
        };
        let errors = match error {
            Error::BadRequest { errors, .. } | Error::UnprocessableFields { errors, .. } => errors.clone(),
            _ => Vec::new(),
        };
        Self {
            kind: format!("https://portico.dev/problems/{slug}"),
            title: title.to_owned(),
            status,
            detail,
            errors,
            request_id: None,
        }
    }
}

/// The response for an error. Internal errors are logged here with their cause chain.
pub fn response(error: &Error) -> lambda_http::Response<Body> {
    if let Error::Internal(cause) = error {
        tracing::error!(error = ?cause, "internal error");
    }
    reply(&Problem::of(error))
}

/// The answer to a request whose handler panicked (logged by the panic hook,
/// [`super::panics`]): an internal error naming the request.
pub fn panicked(request_id: &str) -> lambda_http::Response<Body> {
    let problem = Problem::of(&Error::Internal(anyhow::anyhow!("panicked")));
    reply(&Problem { request_id: Some(request_id.to_owned()), ..problem })
}

fn reply(problem: &Problem) -> lambda_http::Response<Body> {
    let body = serde_json::to_string(problem).unwrap_or_else(|_| String::from("{}"));
    let mut builder = lambda_http::Response::builder().status(problem.status).header("content-type", CONTENT_TYPE);
    if problem.status == 401 {
        builder = builder.header("www-authenticate", "Bearer");
    }
    let builder = super::headers::secure(builder, CONTENT_TYPE, &body);
    builder.body(Body::Text(body)).unwrap_or_else(|_| lambda_http::Response::new(Body::Empty))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_do_not_leak_their_cause() {
        let p = Problem::of(&Error::Internal(anyhow::anyhow!("table portico-secret not found")));
        assert_eq!(p.status, 500);
        assert!(!p.detail.contains("portico-secret"));
    }

    #[test]
    fn validation_errors_list_their_fields() {
        let p = Problem::of(&Error::invalid_field("name", "must not be empty"));
        assert_eq!(p.status, 400);
        assert_eq!(p.errors, vec![FieldError::new("name", "must not be empty")]);
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["type"], "https://portico.dev/problems/bad-request");
    }
}
