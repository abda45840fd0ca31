//! Portico's domain crate.
//!
//! Layered, and the folders say so:
//! - [`domain`]: types and rules. No I/O, no AWS SDK.
//! - [`store`], [`identity`], [`mail`], [`files`]: the AWS edges (DynamoDB, Cognito, SES,
//!   S3).
//! - [`http`]: events in, responses out (principal extraction, body parsing, problem+json).
//!
//! [`App`] holds the clients, built once at init and shared by every request.

pub mod app;
pub mod domain;
pub mod error;
pub mod files;
pub mod http;
pub mod identity;
pub mod mail;
pub mod observability;
pub mod store;
pub mod stripe;
pub mod webhooks;

pub use app::{App, Config};
pub use error::{Error, FieldError, Result};
