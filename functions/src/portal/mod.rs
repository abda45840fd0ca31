//! `/portal/...`: portal members. Every handler starts from the member's current record.

pub mod me;
pub mod sites;
