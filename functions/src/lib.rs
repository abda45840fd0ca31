//! Portico's operations: one module per route, and the one table that maps API Gateway
//! route keys to them.
//!
//! Every route is deployed as its own Lambda function (own IAM policy) running the same
//! `portico` binary; the function's event carries its `routeKey`, which selects the
//! handler here. See `docs/decisions/0001-one-binary-for-all-functions.md`.

pub mod admin;
pub mod aggregator;
pub mod assets;
pub mod feedback;
pub mod files;
pub mod members;
pub mod notifier;
pub mod openapi;
pub mod platform;
pub mod portal;
pub mod recipient;
pub mod reports;
pub mod schema;
pub mod staff;
pub mod triggers;
pub mod unsubscribe;
pub mod work_requests;

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use portico::http::{idempotency, origin, panics, problem, Reply, Req, Response};
use portico::{App, Error, Result};
use tracing::Instrument;

/// One route: `method path` as API Gateway writes its route key, the operation name
/// (also the Lambda function's logical name in the template), the area of the product
/// it belongs to (its nested stack), and the AWS its function may use — its
/// least-privilege IAM policy, written into the template from here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub operation: &'static str,
    pub area: Area,
    pub access: &'static [Access],
}

/// The areas of the product: each is one nested stack of the deployment
/// (`infra/stacks/<area>.yaml`), so that no stack nears CloudFormation's resource limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Area {
    /// Creating tenants: the platform operator's.
    Platform,
    /// Who may see what: settings, customers, divisions, sites, groups, members, staff,
    /// contacts.
    Access,
    /// Jobs, work requests, the files attached to them.
    Work,
    /// Quotes, invoices, assets, documents, reports.
    Records,
    /// Messages, the audit trail, and the links in emails.
    Communication,
    /// Everything a portal member calls.
    Portal,
}

impl Area {
    /// Every area, in the order the root template lists their stacks.
    pub const ALL: [Area; 6] =
        [Area::Platform, Area::Access, Area::Work, Area::Records, Area::Communication, Area::Portal];

    /// Its name in the template (`infra/stacks/<name>.yaml`).
    pub fn name(self) -> &'static str {
        match self {
            Area::Platform => "platform",
            Area::Access => "access",
            Area::Work => "work",
            Area::Records => "records",
            Area::Communication => "communication",
            Area::Portal => "portal",
        }
    }
}

/// Who calls a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The platform's operators.
    Platform,
    /// A tenant's office staff.
    Admin,
    /// A customer's portal members.
    Portal,
    /// Anyone, without a token (the links in emails).
    Public,
}

impl Audience {
    /// The OpenAPI tag of the audience's operations.
    pub fn tag(self) -> &'static str {
        match self {
            Audience::Platform => "platform",
            Audience::Admin => "admin",
            Audience::Portal => "portal",
            Audience::Public => "mail",
        }
    }
}

/// What an operation's function may do in AWS (see `infra/local/src/template.rs` for
/// the IAM statements each becomes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// `GetItem`, `BatchGetItem`, `Query` on the table and its indexes.
    Read,
    /// `Read`, plus the writes a transaction and an Idempotency-Key use: `PutItem`,
    /// `DeleteItem`, `ConditionCheckItem`.
    Write,
    /// These `cognito-idp:` actions on the user pool.
    Cognito(&'static [&'static str]),
    /// `ses:SendEmail` from the sender's identity.
    Mail,
    /// `s3:GetObject` on tenants' files (HeadObject, presigned downloads).
    FilesRead,
    /// `s3:PutObject` under `uploads/` only (presigned uploads): an upload URL can never
    /// write a file anyone downloads.
    FilesUpload,
    /// Attaching uploads: `s3:GetObject` under `uploads/` (HeadObject, CopyObject's
    /// source) and `s3:PutObject` on tenants' files (CopyObject's destination, written
    /// once), with `FilesRead`'s reads.
    FilesAttach,
    /// Not an AWS permission: the route has no JWT authorizer — anyone may call it, and
    /// what it does rests on a token it verifies itself (the unsubscribe link's).
    Public,
}

/// Creating a login and sending its credentials (or new ones).
const INVITE: &[&str] = &["AdminCreateUser", "AdminAddUserToGroup", "AdminGetUser", "AdminSetUserPassword"];
/// Keeping a login's profile in step with its member.
const PROFILE: &[&str] = &["AdminUpdateUserAttributes", "AdminDeleteUserAttributes", "AdminGetUser", "ListUsers"];
/// Switching a lost authenticator app off, and ending the sessions that used it.
const RESET_MFA: &[&str] = &["AdminSetUserMFAPreference", "AdminUserGlobalSignOut"];

impl Route {
    pub fn key(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// Whether the route is called without a Cognito token.
    pub fn is_public(&self) -> bool {
        self.access.contains(&Access::Public)
    }

    /// Who calls it: anyone, if it is public; else the platform's operators, portal
    /// members, or office staff, by its area.
    pub fn audience(&self) -> Audience {
        match self.area {
            _ if self.is_public() => Audience::Public,
            Area::Platform => Audience::Platform,
            Area::Portal => Audience::Portal,
            Area::Access | Area::Work | Area::Records | Area::Communication => Audience::Admin,
        }
    }
}

macro_rules! routes {
    ($( $area:ident { $( $method:literal $path:literal => $operation:literal : $($handler:ident)::+ [$($access:expr),*] ),* $(,)? } )*) => {
        /// Every route of the API.
        pub const ROUTES: &[Route] = &[ $( $( Route {
            method: $method, path: $path, operation: $operation, area: Area::$area, access: &[$($access),*],
        }, )* )* ];

        async fn call(app: &App, route_key: &str, req: Req) -> Result<Reply> {
            match route_key {
                // Boxed: one handler's future on the heap, not the largest of them all
                // inline in every request's future (debug builds overflow a thread's stack).
                $( $( concat!($method, " ", $path) => Box::pin($($handler)::+(app, req)).await, )* )*
                _ => Err(Error::NotFound),
            }
        }

        /// Each route's operation as its handler's `#[utoipa::path]` documents it (in the
        /// order of [`ROUTES`]), and the schemas those operations name.
        pub fn documented() -> (Vec<openapi::Documented>, openapi::Schemas) {
            let mut schemas = Vec::new();
            let operations = vec![ $( $( {
                type Annotation = doc_path!([] $($handler)::+);
                <Annotation as utoipa::__dev::SchemaReferences>::schemas(&mut schemas);
                openapi::Documented::of::<Annotation>()
            }, )* )* ];
            (operations, schemas)
        }
    };
}

/// The type `#[utoipa::path]` generates for a handler `a::b::f`: `a::b::__path_f`.
macro_rules! doc_path {
    ([$($module:ident)*] $handler:ident) => { pastey::paste! { $($module::)* [<__path_ $handler>] } };
    ([$($module:ident)*] $next:ident :: $($rest:tt)+) => { doc_path!([$($module)* $next] $($rest)+) };
}

use Access::{Cognito, FilesAttach, FilesRead, FilesUpload, Mail, Public, Read, Write};

routes! {
    Platform {
        "POST" "/platform/tenants" => "CreateTenant": platform::create_tenant::handle [Write, Cognito(&["AdminCreateUser", "AdminAddUserToGroup", "AdminDeleteUser"]), Mail],
    }
    Access {
        "GET" "/admin/settings" => "GetSettings": admin::settings::get [Read],
        "PUT" "/admin/settings" => "PutSettings": admin::settings::put [Write],
        "POST" "/admin/settings/sender-email/verification" => "VerifySenderEmail": admin::settings::verify_sender_email [Write, Mail],
        "POST" "/admin/settings/sender-email/confirm" => "ConfirmSenderEmail": admin::settings::confirm_sender_email [Write],
        "POST" "/admin/customers" => "CreateCustomer": admin::customers::create [Write],
        "GET" "/admin/customers" => "ListCustomers": admin::customers::list [Read],
        "GET" "/admin/customers/{customer_id}" => "GetCustomer": admin::customers::get [Read],
        "PATCH" "/admin/customers/{customer_id}" => "UpdateCustomer": admin::customers::update [Write],
        "DELETE" "/admin/customers/{customer_id}" => "DeleteCustomer": admin::customers::delete [Write],
        "POST" "/admin/customers/{customer_id}/divisions" => "CreateDivision": admin::divisions::create [Write],
        "GET" "/admin/customers/{customer_id}/divisions" => "ListDivisions": admin::divisions::list [Read],
        "PATCH" "/admin/divisions/{division_id}" => "UpdateDivision": admin::divisions::update [Write],
        "DELETE" "/admin/divisions/{division_id}" => "DeleteDivision": admin::divisions::delete [Write],
        "POST" "/admin/customers/{customer_id}/sites" => "CreateSite": admin::sites::create [Write],
        "GET" "/admin/customers/{customer_id}/sites" => "ListSites": admin::sites::list [Read],
        "GET" "/admin/sites/{site_id}" => "GetSite": admin::sites::get [Read],
        "PATCH" "/admin/sites/{site_id}" => "UpdateSite": admin::sites::update [Write],
        "DELETE" "/admin/sites/{site_id}" => "DeleteSite": admin::sites::delete [Write],
        "POST" "/admin/access-groups" => "CreateGroup": admin::groups::create [Write],
        "GET" "/admin/access-groups" => "ListGroups": admin::groups::list [Read],
        "GET" "/admin/access-groups/{group_id}" => "GetGroup": admin::groups::get [Read],
        "PATCH" "/admin/access-groups/{group_id}" => "UpdateGroup": admin::groups::update [Write],
        "DELETE" "/admin/access-groups/{group_id}" => "DeleteGroup": admin::groups::delete [Write],
        "POST" "/admin/members" => "CreateMember": admin::members::create [Write],
        "GET" "/admin/members" => "ListMembers": admin::members::list [Read],
        "GET" "/admin/members/{member_id}" => "GetMember": admin::members::get [Read],
        "PATCH" "/admin/members/{member_id}" => "UpdateMember": admin::members::update [Write, Cognito(PROFILE)],
        "DELETE" "/admin/members/{member_id}" => "DeleteMember": admin::members::delete [Write, Cognito(&["AdminDeleteUser"])],
        "POST" "/admin/members/{member_id}/invite" => "InviteMember": admin::members::invite [Write, Cognito(INVITE), Mail],
        "POST" "/admin/members/{member_id}/reset-password" => "ResetMemberPassword": admin::members::reset_password [Write, Cognito(&["AdminGetUser", "AdminResetUserPassword", "AdminSetUserPassword"]), Mail],
        "POST" "/admin/members/{member_id}/disable" => "DisableMember": admin::members::disable [Write, Cognito(&["AdminDisableUser", "AdminUserGlobalSignOut"])],
        "POST" "/admin/members/{member_id}/enable" => "EnableMember": admin::members::enable [Write, Cognito(&["AdminEnableUser"])],
        "POST" "/admin/members/{member_id}/reset-mfa" => "ResetMemberMfa": admin::members::reset_mfa [Write, Cognito(RESET_MFA)],
        "PUT" "/admin/members/{member_id}/document-restrictions" => "RestrictMemberDocuments": admin::members::restrict_documents [Write],
        "GET" "/admin/members/{member_id}/access" => "GetMemberAccess": admin::members::access [Read],
        "POST" "/admin/members/{member_id}/view-as" => "CreateViewAsSession": admin::members::view_as [Write],
        "POST" "/admin/staff" => "CreateStaff": admin::staff::create [Write, Cognito(&["AdminCreateUser", "AdminAddUserToGroup", "AdminDeleteUser"]), Mail],
        "GET" "/admin/staff" => "ListStaff": admin::staff::list [Read],
        "GET" "/admin/staff/{staff_id}" => "GetStaff": admin::staff::get [Read, Cognito(&["AdminGetUser"])],
        "POST" "/admin/staff/{staff_id}/disable" => "DisableStaff": admin::staff::disable [Write, Cognito(&["AdminDisableUser", "AdminUserGlobalSignOut"])],
        "POST" "/admin/staff/{staff_id}/enable" => "EnableStaff": admin::staff::enable [Write, Cognito(&["AdminEnableUser"])],
        "DELETE" "/admin/staff/{staff_id}" => "DeleteStaff": admin::staff::delete [Write, Cognito(&["AdminDeleteUser"])],
        "POST" "/admin/staff/{staff_id}/reset-mfa" => "ResetStaffMfa": admin::staff::reset_mfa [Write, Cognito(RESET_MFA)],
        "POST" "/admin/customers/{customer_id}/contacts" => "CreateContact": admin::contacts::create [Write],
        "GET" "/admin/customers/{customer_id}/contacts" => "ListContacts": admin::contacts::list [Read],
        "PATCH" "/admin/contacts/{contact_id}" => "UpdateContact": admin::contacts::update [Write],
        "DELETE" "/admin/contacts/{contact_id}" => "DeleteContact": admin::contacts::delete [Write],
        "POST" "/admin/contacts/{contact_id}/create-user" => "CreateUserFromContact": admin::contacts::create_user [Write, Cognito(INVITE), Mail],
    }
    Work {
        "PUT" "/admin/jobs/{job_id}" => "UpsertJob": admin::jobs::upsert [Write, FilesAttach],
        "GET" "/admin/jobs/{job_id}" => "GetJob": admin::jobs::get [Read],
        "GET" "/admin/jobs" => "ListJobs": admin::jobs::list [Read],
        "GET" "/admin/jobs/{job_id}/notes" => "ListJobNotes": admin::jobs::notes [Read],
        "GET" "/admin/work-requests" => "ListWorkRequests": admin::work_requests::list [Read],
        "GET" "/admin/work-requests/{request_id}" => "GetWorkRequest": admin::work_requests::get [Read],
        "POST" "/admin/work-requests/{request_id}/accept" => "AcceptWorkRequest": admin::work_requests::accept [Write],
        "POST" "/admin/work-requests/{request_id}/decline" => "DeclineWorkRequest": admin::work_requests::decline [Write],
        "POST" "/admin/files" => "CreateFile": admin::files::create [Write, FilesUpload],
        "GET" "/admin/files/{file_id}" => "GetFile": admin::files::download [Read, FilesRead],
    }
    Records {
        "PUT" "/admin/quotes/{quote_id}" => "UpsertQuote": admin::quotes::upsert [Write, FilesAttach],
        "GET" "/admin/quotes/{quote_id}" => "GetQuote": admin::quotes::get [Read],
        "GET" "/admin/quotes" => "ListQuotes": admin::quotes::list [Read],
        "PUT" "/admin/invoices/{invoice_id}" => "UpsertInvoice": admin::invoices::upsert [Write, FilesAttach],
        "GET" "/admin/invoices/{invoice_id}" => "GetInvoice": admin::invoices::get [Read],
        "GET" "/admin/invoices" => "ListInvoices": admin::invoices::list [Read],
        "PUT" "/admin/assets/{asset_id}" => "UpsertAsset": admin::assets::upsert [Write],
        "GET" "/admin/assets/{asset_id}" => "GetAsset": admin::assets::get [Read],
        "GET" "/admin/assets" => "ListAssets": admin::assets::list [Read],
        "POST" "/admin/documents" => "CreateDocument": admin::documents::create [Write, FilesAttach],
        "GET" "/admin/documents" => "ListDocuments": admin::documents::list [Read],
        "GET" "/admin/documents/{document_id}" => "GetDocument": admin::documents::get [Read],
        "PATCH" "/admin/documents/{document_id}" => "UpdateDocument": admin::documents::update [Write, FilesAttach],
        "DELETE" "/admin/documents/{document_id}" => "DeleteDocument": admin::documents::delete [Write],
        "GET" "/admin/reports/{report}" => "GetReport": admin::reports::get [Read],
    }
    Communication {
        "POST" "/admin/messages" => "CreateMessage": admin::messages::create [Write],
        "GET" "/admin/messages" => "ListMessages": admin::messages::list [Read],
        "GET" "/admin/messages/{message_id}" => "GetMessage": admin::messages::get [Read],
        "PATCH" "/admin/messages/{message_id}" => "UpdateMessage": admin::messages::update [Write],
        "DELETE" "/admin/messages/{message_id}" => "DeleteMessage": admin::messages::delete [Write],
        "GET" "/admin/messages/{message_id}/acknowledgements" => "ListMessageAcknowledgements": admin::messages::acknowledgements [Read],
        "GET" "/admin/audit" => "ListAuditEvents": admin::audit::list [Read],
        "GET" "/mail/unsubscribe" => "ShowUnsubscribe": unsubscribe::show [Public, Read],
        "POST" "/mail/unsubscribe" => "Unsubscribe": unsubscribe::confirm [Public, Write],
    }
    Portal {
        "GET" "/portal/me" => "GetMe": portal::me::get [Read],
        "PATCH" "/portal/me" => "UpdateMe": portal::me::update [Write, Cognito(PROFILE)],
        "GET" "/portal/sites" => "ListMySites": portal::sites::list [Read],
        "GET" "/portal/jobs" => "ListMyJobs": portal::jobs::list [Read],
        "GET" "/portal/jobs/export" => "ExportMyJobs": portal::jobs::export [Read],
        "GET" "/portal/jobs/{job_id}" => "GetMyJob": portal::jobs::get [Read],
        "GET" "/portal/jobs/{job_id}/files/{file_id}" => "GetMyJobFile": portal::jobs::file [Read, FilesRead],
        "POST" "/portal/jobs/{job_id}/notes" => "CreateJobNote": portal::jobs::add_note [Write, FilesAttach],
        "GET" "/portal/jobs/{job_id}/notes" => "ListMyJobNotes": portal::jobs::notes [Read],
        "POST" "/portal/uploads" => "CreateUpload": portal::uploads::create [Write, FilesUpload],
        "POST" "/portal/work-requests" => "CreateWorkRequest": portal::work_requests::create [Write, FilesAttach],
        "GET" "/portal/work-requests" => "ListMyWorkRequests": portal::work_requests::list [Read],
        "GET" "/portal/work-requests/{request_id}" => "GetMyWorkRequest": portal::work_requests::get [Read],
        "GET" "/portal/quotes" => "ListMyQuotes": portal::quotes::list [Read],
        "GET" "/portal/quotes/{quote_id}" => "GetMyQuote": portal::quotes::get [Read, FilesRead],
        "POST" "/portal/quotes/{quote_id}/approve" => "ApproveQuote": portal::quotes::approve [Write],
        "POST" "/portal/quotes/{quote_id}/reject" => "RejectQuote": portal::quotes::reject [Write],
        "GET" "/portal/invoices" => "ListMyInvoices": portal::invoices::list [Read],
        "GET" "/portal/invoices/{invoice_id}/pdf" => "GetMyInvoicePdf": portal::invoices::pdf [Read, FilesRead],
        "GET" "/portal/assets" => "ListMyAssets": portal::assets::list [Read],
        "GET" "/portal/assets/{asset_id}" => "GetMyAsset": portal::assets::get [Read],
        "GET" "/portal/assets/{asset_id}/work-request" => "GetAssetWorkRequestForm": portal::assets::work_request_form [Read],
        "GET" "/portal/documents" => "ListMyDocuments": portal::documents::list [Read],
        "GET" "/portal/documents/{document_id}/download" => "GetMyDocumentDownload": portal::documents::download [Read, FilesRead],
        "GET" "/portal/messages" => "ListMyMessages": portal::messages::list [Read],
        "POST" "/portal/messages/{message_id}/read" => "ReadMyMessage": portal::messages::read [Write],
        "POST" "/portal/messages/{message_id}/ack" => "AcknowledgeMyMessage": portal::messages::ack [Write],
        "GET" "/portal/audit" => "ListMyAuditEvents": portal::audit::list [Read],
        "GET" "/portal/reports" => "ListMyReports": portal::reports::list [Read],
        "GET" "/portal/reports/{report}" => "GetMyReport": portal::reports::get [Read],
    }
}

static COLD: AtomicBool = AtomicBool::new(true);

/// Handles one API Gateway (HTTP API, v2) request: route, run, map errors to
/// problem+json, log one line and emit latency metrics.
pub async fn handle_event(app: &App, request: lambda_http::Request) -> Response {
    let started = Instant::now();
    let req = Req::new(request);
    let route_key = req.route_key().unwrap_or_default();
    let operation = ROUTES.iter().find(|r| r.key() == route_key).map_or("unknown", |r| r.operation);
    let principal = req.principal().ok();
    let request_id = req.request_id().unwrap_or_default();
    let span = tracing::info_span!(
        "request",
        request_id = request_id.as_str(),
        route = %route_key,
        tenant = principal.as_ref().and_then(|p| p.tenant()).map(|t| t.to_string()).unwrap_or_default(),
        member = principal.as_ref().and_then(|p| p.member_id()).map(|m| m.to_string()).unwrap_or_default(),
    );
    let cold = COLD.swap(false, Ordering::Relaxed);
    let sent_if_match = req.inner().headers().contains_key("if-match");
    async move {
        // A panic anywhere below still answers (500, naming the request) and is logged.
        let response = panics::answer_even_if_panicking(&request_id, async {
            // Only what came through CloudFront reaches a handler (`http::origin`).
            // Every POST creates or acts: each honours an Idempotency-Key.
            // The handlers' futures are large: on the heap, not the runtime thread's stack.
            let result = if let Err(refused) = origin::verify(&app.config.origin_secrets, &req) {
                Err(refused)
            } else if route_key.starts_with("POST ") {
                Box::pin(idempotency::once(app, operation, req, async |app, req| call(app, &route_key, req).await))
                    .await
            } else {
                Box::pin(call(app, &route_key, req)).await
            };
            match result {
                Ok(reply) => reply.into_response(),
                Err(e) => problem::response(&e.for_request(sent_if_match)),
            }
        })
        .await;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        tracing::info!(status = response.status().as_u16(), latency_ms = ms, cold_start = cold, "handled");
        portico::observability::metric_for(Some(operation), "Latency", ms, "Milliseconds");
        if cold {
            portico::observability::metric_for(Some(operation), "ColdStart", 1.0, "Count");
        }
        response
    }
    .instrument(span)
    .await
}
