//! `/platform/...`: platform operators.

pub mod create_tenant;
