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
page_schema!(IntegrationPage, portico::domain::integration::IntegrationView);
page_schema!(PortalSitePage, portico::domain::site::PortalSite);
page_schema!(SiteNamePage, portico::domain::site::SiteName);
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
page_schema!(WebhookPage, portico::domain::webhook::WebhookView);
page_schema!(DeliveryPage, portico::domain::webhook::DeliveryView);
page_schema!(PortalMessagePage, portico::domain::message::PortalMessageView);
page_schema!(AcknowledgementPage, portico::domain::message::AcknowledgementView);
page_schema!(AuditPage, portico::domain::audit::AuditEntry);
page_schema!(PortalAuditPage, portico::domain::audit::PortalAuditEntry);

/// `GET /portal/home`: what needs you now. Each part is its page's first items (newest
/// first; services soonest due first) with that page's cursor for more, and is null where
/// your rights or the portal's sections do not show that page.
#[derive(Serialize, ToSchema)]
pub struct Home {
    /// Quotes sent for a decision, when you may approve quotes (the quotes page with
    /// `status=sent`).
    #[schema(value_type = Option<PortalQuotePage>)]
    pub quotes_to_decide: Option<portico::store::Page<portico::domain::quote::PortalQuoteView>>,
    /// Due and overdue invoices, with what your scope owes per currency (the invoices page
    /// with `status=due,overdue`).
    pub unpaid_invoices: Option<portico::domain::invoice::PortalInvoicePage>,
    /// Messages you have not read or acknowledged.
    pub messages: Option<portico::domain::message::HomeMessages>,
    /// Work requests not yet accepted or declined (the requests page with
    /// `status=submitted`).
    #[schema(value_type = Option<WorkRequestPage>)]
    pub open_work_requests: Option<portico::store::Page<portico::domain::work_request::WorkRequestView>>,
    /// Assets with a service due within 30 days, overdue ones first (the assets page with
    /// `due_within_days=30`).
    #[schema(value_type = Option<AssetPage>)]
    pub services_due: Option<portico::store::Page<portico::domain::asset::AssetView>>,
    /// Jobs completed in the last 30 days (the jobs page with `status=completed`).
    #[schema(value_type = Option<PortalJobPage>)]
    pub completed_jobs: Option<portico::store::Page<portico::domain::job::PortalJobView>>,
}

/// The reports a member may run (at most nine: not paged).
#[derive(Serialize, ToSchema)]
pub struct ReportList {
    pub items: Vec<portico::domain::report::ReportItem>,
}

/// A string query parameter or header and the pattern of what it takes.
fn pattern_schema(pattern: String, description: &str) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .pattern(Some(pattern))
        .description(Some(description))
        .into()
}

macro_rules! pattern_type {
    ($(#[$doc:meta])* $name:ident, $pattern:expr, $description:expr) => {
        $(#[$doc])*
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                pattern_schema($pattern, $description)
            }
        }

        impl ToSchema for $name {}
    };
}

fn names<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| name(*v)).collect()
}

use portico::domain::invoice::InvoiceStatus;
use portico::domain::job::{JobCategory, JobStatus};
use portico::domain::quote::QuoteStatus;
use portico::domain::text::list_pattern;

pattern_type!(
    /// `?status=` of the job lists: some of the job statuses, comma-separated.
    JobStatuses,
    list_pattern(&names(&JobStatus::ALL, JobStatus::as_str)),
    "Comma-separated job statuses (any when empty)"
);
pattern_type!(
    /// `?category=` of the job lists.
    JobCategories,
    list_pattern(&names(&JobCategory::ALL, JobCategory::as_str)),
    "Comma-separated job categories (any when empty)"
);
pattern_type!(
    /// `?status=` of the admin's quote list: any quote status.
    QuoteStatuses,
    list_pattern(&names(&QuoteStatus::ALL, QuoteStatus::as_str)),
    "Comma-separated quote statuses (any when empty)"
);
pattern_type!(
    /// `?status=` of a member's quote list: the statuses members see (never drafts).
    PortalQuoteStatuses,
    list_pattern(&names(&QuoteStatus::VISIBLE, QuoteStatus::as_str)),
    "Comma-separated quote statuses a member sees (any of them when empty)"
);
pattern_type!(
    /// `?status=` of the invoice lists.
    InvoiceStatuses,
    list_pattern(&names(&InvoiceStatus::ALL, InvoiceStatus::as_str)),
    "Comma-separated: due, overdue, paid (any when empty)"
);
pattern_type!(
    /// `?entity=` of the audit trail: an object's id (or `settings`).
    AuditEntity,
    portico::domain::audit::ENTITY_PATTERN.to_owned(),
    "An object's id, as entries name it (`entity_id`)"
);
pattern_type!(
    /// `?actor=` of the audit trail.
    AuditActor,
    portico::domain::audit::ACTOR_PATTERN.to_owned(),
    "`admin:<sub>`, `integration:<name>`, `operator:<sub>`, `member:<member id>`, `contact:<contact id>` or `system:<name>`"
);
pattern_type!(
    /// `If-Match`: a version this API returned as an `ETag`.
    IfMatch,
    portico::http::request::IF_MATCH_PATTERN.to_owned(),
    "An `ETag` this API returned (`\"3\"`, also weak or unquoted): the version the change is based on"
);
pattern_type!(
    /// A paging cursor: what the previous page's `next_cursor` was (empty: the first page).
    Cursor,
    portico::store::cursor::CURSOR_PATTERN.to_owned(),
    "`next_cursor` of the previous page (empty: the first page)"
);
pattern_type!(
    /// The signed token of an email's unsubscribe link.
    UnsubscribeToken,
    portico::store::cursor::TOKEN_PATTERN.to_owned(),
    "The signed token of an email's unsubscribe link"
);
pattern_type!(
    /// `?after=` of the event feed: an event's id (`next_after` of the previous page).
    EventCursor,
    portico::domain::integration_event::EVENT_ID_PATTERN.to_owned(),
    "An event's id: `next_after` of the previous page"
);
