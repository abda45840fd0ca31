//! `/admin/...`: tenant admins.

pub mod customers;
pub mod members;
pub mod settings;
pub mod sites;
