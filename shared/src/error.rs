//! The one error type. Every failure a handler can meet is one of these; the mapping to
//! an `application/problem+json` response lives in [`crate::http::problem`].

/// A validation problem with one field of the input.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// 400: the input is malformed or invalid.
    #[error("{detail}")]
    BadRequest { detail: String, errors: Vec<FieldError> },
    /// 401: no or invalid credentials.
    #[error("authentication required")]
    Unauthorized,
    /// 403: authenticated, but not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// 403: allowed only after signing in with a second factor, and this token was
    /// issued without one (sign in again with the authenticator app, after setting it up).
    #[error("sign in with your authenticator app to do this (set one up first if you have none)")]
    MfaRequired,
    /// 404: absent, or not visible to the caller (the two are never told apart).
    #[error("not found")]
    NotFound,
    /// 409: conflicts with the current state.
    #[error("{0}")]
    Conflict(String),
    /// 412: `If-Match` (or a `version` in the body) did not match the current version.
    #[error("the resource has changed since it was read")]
    PreconditionFailed,
    /// The resource changed between this request's read and its write (another request
    /// won the race): 412 if the request sent `If-Match`, else 409 — see
    /// [`Error::for_request`].
    #[error("the resource changed while this request was handled; read it again and retry")]
    Changed,
    /// 413: the body is larger than the operation accepts.
    #[error("the request body must be at most {limit} bytes")]
    PayloadTooLarge { limit: usize },
    /// 415: the body is not JSON (`Content-Type: application/json`).
    #[error("send the body as application/json (Content-Type: application/json)")]
    UnsupportedMediaType,
    /// 422: well-formed, but impossible in the current state.
    #[error("{0}")]
    Unprocessable(String),
    /// 422 naming the fields: well-formed, but what they name does not exist (a parent
    /// given by a reference the back office has not published).
    #[error("{detail}")]
    UnprocessableFields { detail: String, errors: Vec<FieldError> },
    /// 500: anything unexpected. The cause goes to the log, never to the client.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl Error {
    /// The same error, naming `to` where it named the field `from` (a helper that checks
    /// `file_ids` used for a single `file_id`).
    pub fn renamed_field(self, from: &str, to: &str) -> Self {
        match self {
            Error::BadRequest { detail, errors } => Error::BadRequest {
                detail,
                errors: errors
                    .into_iter()
                    .map(|e| if e.field == from { FieldError { field: to.to_owned(), ..e } } else { e })
                    .collect(),
            },
            other => other,
        }
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Error::BadRequest { detail: detail.into(), errors: Vec::new() }
    }

    pub fn invalid_field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::BadRequest {
            detail: "the request has invalid fields".into(),
            errors: vec![FieldError::new(field, message)],
        }
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Error::Forbidden(detail.into())
    }

    pub fn conflict(detail: impl Into<String>) -> Self {
        Error::Conflict(detail.into())
    }

    pub fn unprocessable(detail: impl Into<String>) -> Self {
        Error::Unprocessable(detail.into())
    }

    /// 422 naming `field`: it names something that does not exist.
    pub fn unresolved_field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::UnprocessableFields {
            detail: "the request names records that do not exist".into(),
            errors: vec![FieldError::new(field, message)],
        }
    }

    /// What a lost race means to the caller: a failed precondition if they stated one
    /// (`If-Match`), otherwise a conflict to retry.
    pub fn for_request(self, sent_if_match: bool) -> Self {
        match self {
            Error::Changed if sent_if_match => Error::PreconditionFailed,
            other => other,
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            Error::BadRequest { .. } => 400,
            Error::Unauthorized => 401,
            Error::Forbidden(_) | Error::MfaRequired => 403,
            Error::NotFound => 404,
            Error::Conflict(_) => 409,
            Error::PreconditionFailed => 412,
            Error::Changed => 409,
            Error::PayloadTooLarge { .. } => 413,
            Error::UnsupportedMediaType => 415,
            Error::Unprocessable(_) | Error::UnprocessableFields { .. } => 422,
            Error::Internal(_) => 500,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
