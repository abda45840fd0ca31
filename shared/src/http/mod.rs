//! Events in, responses out: the one principal extractor, the one body parser, the one
//! error-to-problem mapping, the one way to read paging parameters, the security headers
//! of every response, and the check that a request came through CloudFront.

pub mod authorizer;
pub mod guard;
pub mod headers;
pub mod idempotency;
pub mod origin;
pub mod panics;
pub mod problem;
pub mod request;
pub mod response;

pub use request::Req;
pub use response::{Reply, Response};
