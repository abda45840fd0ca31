//! Events in, responses out: the one principal extractor, the one body parser, the one
//! error-to-problem mapping, and the one way to read paging parameters.

pub mod guard;
pub mod idempotency;
pub mod panics;
pub mod problem;
pub mod request;
pub mod response;

pub use request::Req;
pub use response::{Reply, Response};
