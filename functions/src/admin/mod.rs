//! `/admin/...`: tenant admins.

pub mod contacts;
pub mod customers;
pub mod divisions;
pub mod files;
pub mod groups;
pub mod invoices;
pub mod jobs;
pub mod members;
pub mod quotes;
pub mod settings;
pub mod sites;
pub mod work_requests;
