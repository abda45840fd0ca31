//! The shapes the API's documentation names that are not the domain's own: errors,
//! the gateway's own answers, and one page type per list. A leaf: it imports the domain
//! crate only, so handlers and `openapi` both depend on it and never on each other.

use serde::Serialize;
use utoipa::ToSchema;

pub use portico::http::problem::Problem;

/// What API Gateway itself answers — before any function runs — for a missing or invalid
/// token (401), a path no route matches (404) and throttling (429):
/// `{"message": "Unauthorized"}`, as `application/json`.
#[derive(Serialize, ToSchema)]
pub struct GatewayMessage {
    pub message: String,
}

macro_rules! page_schema {
    ($name:ident, $item:ty) => {
        /// One page of a list.
        #[derive(Serialize, ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            /// Pass as `?cursor=` for the next page; null on the last page.
            pub next_cursor: Option<String>,
        }
    };
}

page_schema!(CustomerPage, portico::domain::customer::CustomerView);
page_schema!(SitePage, portico::domain::site::SiteView);
page_schema!(MemberPage, portico::domain::member::MemberView);
page_schema!(StaffPage, portico::domain::staff::StaffView);
page_schema!(ContactPage, portico::domain::contact::ContactView);
page_schema!(DivisionPage, portico::domain::division::DivisionView);
page_schema!(GroupPage, portico::domain::group::GroupView);
page_schema!(PortalSitePage, portico::domain::site::PortalSite);
page_schema!(JobPage, portico::domain::job::JobView);
page_schema!(PortalJobPage, portico::domain::job::PortalJobView);
page_schema!(NotePage, portico::domain::note::NoteView);
page_schema!(WorkRequestPage, portico::domain::work_request::WorkRequestView);
page_schema!(QuotePage, portico::domain::quote::QuoteView);
page_schema!(PortalQuotePage, portico::domain::quote::PortalQuoteView);
page_schema!(InvoicePage, portico::domain::invoice::InvoiceView);
page_schema!(AssetPage, portico::domain::asset::AssetView);
page_schema!(DocumentPage, portico::domain::document::DocumentView);
page_schema!(PortalDocumentPage, portico::domain::document::PortalDocumentView);
page_schema!(MessagePage, portico::domain::message::MessageView);
page_schema!(PortalMessagePage, portico::domain::message::PortalMessageView);
page_schema!(AcknowledgementPage, portico::domain::message::AcknowledgementView);
page_schema!(AuditPage, portico::domain::audit::AuditEntry);
page_schema!(PortalAuditPage, portico::domain::audit::PortalAuditEntry);

/// The reports a member may run (at most nine: not paged).
#[derive(Serialize, ToSchema)]
pub struct ReportList {
    pub items: Vec<portico::domain::report::ReportItem>,
}
