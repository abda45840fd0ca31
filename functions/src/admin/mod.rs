//! `/admin/...`: tenant admins.

pub mod contacts;
pub mod customers;
pub mod divisions;
pub mod groups;
pub mod members;
pub mod settings;
pub mod sites;
