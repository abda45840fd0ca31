//! Types and rules of the portal. Nothing here performs I/O or imports the AWS SDK.

pub mod asset;
pub mod audit;
pub mod clock;
pub mod contact;
pub mod currency;
pub mod customer;
pub mod division;
pub mod document;
pub mod file;
pub mod group;
pub mod hierarchy;
pub mod ids;
pub mod invoice;
pub mod job;
pub mod mailing;
pub mod member;
pub mod message;
pub mod money;
pub mod note;
pub mod notification;
pub mod number;
pub mod principal;
pub mod quote;
pub mod report;
pub mod representation;
pub mod rights;
pub mod scope;
pub mod settings;
pub mod site;
pub mod staff;
pub mod tenant;
pub mod text;
pub mod view_as;
pub mod work_request;

pub use ids::{ContactId, CustomerId, DivisionId, MemberId, SiteId, TenantId};
pub use principal::{AdminPrincipal, MemberPrincipal, OperatorPrincipal, Principal};
