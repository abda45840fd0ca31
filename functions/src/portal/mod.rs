//! `/portal/...`: portal members. Every handler starts from the member's current record.

pub mod assets;
pub mod audit;
pub mod documents;
pub mod home;
pub mod invoices;
pub mod jobs;
pub mod me;
pub mod messages;
pub mod payments;
pub mod quotes;
pub mod reports;
pub mod sites;
pub mod uploads;
pub mod work_requests;
