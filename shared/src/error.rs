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
    /// 404: absent, or not visible to the caller (the two are never told apart).
    #[error("not found")]
    NotFound,
    /// 409: conflicts with the current state.
    #[error("{0}")]
    Conflict(String),
    /// 412: `If-Match` did not match the current version.
    #[error("the resource has changed since it was read")]
    PreconditionFailed,
    /// 413: the body is larger than the operation accepts.
    #[error("the request body must be at most {limit} bytes")]
    PayloadTooLarge { limit: usize },
    /// 422: well-formed, but impossible in the current state.
    #[error("{0}")]
    Unprocessable(String),
    /// 500: anything unexpected. The cause goes to the log, never to the client.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl Error {
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

    pub fn status(&self) -> u16 {
        match self {
            Error::BadRequest { .. } => 400,
            Error::Unauthorized => 401,
            Error::Forbidden(_) => 403,
            Error::NotFound => 404,
            Error::Conflict(_) => 409,
            Error::PreconditionFailed => 412,
            Error::PayloadTooLarge { .. } => 413,
            Error::Unprocessable(_) => 422,
            Error::Internal(_) => 500,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
