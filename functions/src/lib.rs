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
pub mod processor;
pub mod recipient;
pub mod reports;
pub mod schema;
pub mod staff;
pub mod triggers;
pub mod unsubscribe;
pub mod webhooks;
pub mod work_requests;

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use portico::domain::principal::ApiScope;
use portico::http::{idempotency, origin, panics, problem, Reply, Req, Response};
use portico::{App, Error, Result};
use tracing::Instrument;

/// One route: `method path` as API Gateway writes its route key, the operation name
/// (also the Lambda function's logical name in the template), the area of the product
/// it belongs to (its nested stack), the AWS its function may use — its
/// least-privilege IAM policy, written into the template from here — and the scope an
/// integration needs to call it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub operation: &'static str,
    pub area: Area,
    pub access: &'static [Access],
    /// What an integration's token must grant to call it (office staff signed in hold
    /// every scope): `NotForIntegrations` for the platform's, the portal's and the public
    /// routes, and for what only a person may do (office staff, MFA, view-as).
    pub scope: ApiScope,
}

/// The areas of the product: each is one nested stack of the deployment
/// (`infra/stacks/<area>.yaml`), so that no stack nears CloudFormation's resource limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Area {
    /// Creating tenants: the platform operator's.
    Platform,
    /// The customer tree: settings, customers, divisions, sites, contacts.
    Access,
    /// Who signs in and what they may do: access groups, members, office staff.
    Identity,
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
    pub const ALL: [Area; 7] =
        [Area::Platform, Area::Access, Area::Identity, Area::Work, Area::Records, Area::Communication, Area::Portal];

    /// Its name in the template (`infra/stacks/<name>.yaml`).
    pub fn name(self) -> &'static str {
        match self {
            Area::Platform => "platform",
            Area::Access => "access",
            Area::Identity => "identity",
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
    /// Not an AWS permission: the function holds the payment processor's secrets
    /// (`PORTICO_STRIPE_*`); no other function does.
    Processor,
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
            Area::Access | Area::Identity | Area::Work | Area::Records | Area::Communication => Audience::Admin,
        }
    }
}

macro_rules! routes {
    ($( $area:ident { $( $method:literal $path:literal => $operation:literal : $($handler:ident)::+ [$($access:expr),*] $scope:ident ),* $(,)? } )*) => {
        /// Every route of the API.
        pub const ROUTES: &[Route] = &[ $( $( Route {
            method: $method, path: $path, operation: $operation, area: Area::$area, access: &[$($access),*],
            scope: ApiScope::$scope,
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

use Access::{Cognito, FilesAttach, FilesRead, FilesUpload, Mail, Processor, Public, Read, Write};

routes! {
    Platform {
        "POST" "/platform/tenants" => "CreateTenant": platform::create_tenant::handle [Write, Cognito(&["AdminCreateUser", "AdminAddUserToGroup", "AdminDeleteUser"]), Mail] NotForIntegrations,
    }
    Access {
        "GET" "/admin/settings" => "GetSettings": admin::settings::get [Read] AccessRead,
        "PUT" "/admin/settings" => "PutSettings": admin::settings::put [Write] AccessWrite,
        "POST" "/admin/settings/sender-email/verification" => "VerifySenderEmail": admin::settings::verify_sender_email [Write, Mail] NotForIntegrations,
        "POST" "/admin/settings/sender-email/confirm" => "ConfirmSenderEmail": admin::settings::confirm_sender_email [Write] NotForIntegrations,
        "POST" "/admin/customers" => "CreateCustomer": admin::customers::create [Write] AccessWrite,
        "GET" "/admin/customers" => "ListCustomers": admin::customers::list [Read] AccessRead,
        "GET" "/admin/customers/{customer_id}" => "GetCustomer": admin::customers::get [Read] AccessRead,
        "PUT" "/admin/customers/{customer_id}" => "UpsertCustomer": admin::customers::put [Write] AccessWrite,
        "PATCH" "/admin/customers/{customer_id}" => "UpdateCustomer": admin::customers::update [Write] AccessWrite,
        "DELETE" "/admin/customers/{customer_id}" => "DeleteCustomer": admin::customers::delete [Write] AccessWrite,
        "POST" "/admin/customers/{customer_id}/divisions" => "CreateDivision": admin::divisions::create [Write] AccessWrite,
        "GET" "/admin/customers/{customer_id}/divisions" => "ListDivisions": admin::divisions::list [Read] AccessRead,
        "GET" "/admin/divisions/{division_id}" => "GetDivision": admin::divisions::get [Read] AccessRead,
        "PUT" "/admin/divisions/{division_id}" => "UpsertDivision": admin::divisions::put [Write] AccessWrite,
        "PATCH" "/admin/divisions/{division_id}" => "UpdateDivision": admin::divisions::update [Write] AccessWrite,
        "DELETE" "/admin/divisions/{division_id}" => "DeleteDivision": admin::divisions::delete [Write] AccessWrite,
        "POST" "/admin/customers/{customer_id}/sites" => "CreateSite": admin::sites::create [Write] AccessWrite,
        "GET" "/admin/customers/{customer_id}/sites" => "ListSites": admin::sites::list [Read] AccessRead,
        "GET" "/admin/sites/{site_id}" => "GetSite": admin::sites::get [Read] AccessRead,
        "PUT" "/admin/sites/{site_id}" => "UpsertSite": admin::sites::put [Write] AccessWrite,
        "PATCH" "/admin/sites/{site_id}" => "UpdateSite": admin::sites::update [Write] AccessWrite,
        "DELETE" "/admin/sites/{site_id}" => "DeleteSite": admin::sites::delete [Write] AccessWrite,
        "POST" "/admin/customers/{customer_id}/contacts" => "CreateContact": admin::contacts::create [Write] AccessWrite,
        "GET" "/admin/customers/{customer_id}/contacts" => "ListContacts": admin::contacts::list [Read] AccessRead,
        "GET" "/admin/contacts/{contact_id}" => "GetContact": admin::contacts::get [Read] AccessRead,
        "PUT" "/admin/contacts/{contact_id}" => "UpsertContact": admin::contacts::put [Write] AccessWrite,
        "PATCH" "/admin/contacts/{contact_id}" => "UpdateContact": admin::contacts::update [Write] AccessWrite,
        "DELETE" "/admin/contacts/{contact_id}" => "DeleteContact": admin::contacts::delete [Write] AccessWrite,
        "POST" "/admin/contacts/{contact_id}/create-user" => "CreateUserFromContact": admin::contacts::create_user [Write, Cognito(INVITE), Mail] AccessWrite,
    }
    Identity {
        "POST" "/admin/access-groups" => "CreateGroup": admin::groups::create [Write] AccessWrite,
        "GET" "/admin/access-groups" => "ListGroups": admin::groups::list [Read] AccessRead,
        "GET" "/admin/access-groups/{group_id}" => "GetGroup": admin::groups::get [Read] AccessRead,
        "PATCH" "/admin/access-groups/{group_id}" => "UpdateGroup": admin::groups::update [Write] AccessWrite,
        "DELETE" "/admin/access-groups/{group_id}" => "DeleteGroup": admin::groups::delete [Write] AccessWrite,
        "POST" "/admin/members" => "CreateMember": admin::members::create [Write] AccessWrite,
        "GET" "/admin/members" => "ListMembers": admin::members::list [Read] AccessRead,
        "GET" "/admin/members/{member_id}" => "GetMember": admin::members::get [Read] AccessRead,
        "PATCH" "/admin/members/{member_id}" => "UpdateMember": admin::members::update [Write, Cognito(PROFILE)] AccessWrite,
        "DELETE" "/admin/members/{member_id}" => "DeleteMember": admin::members::delete [Write, Cognito(&["AdminDeleteUser"])] AccessWrite,
        "POST" "/admin/members/{member_id}/invite" => "InviteMember": admin::members::invite [Write, Cognito(INVITE), Mail] AccessWrite,
        "POST" "/admin/members/{member_id}/reset-password" => "ResetMemberPassword": admin::members::reset_password [Write, Cognito(&["AdminGetUser", "AdminResetUserPassword", "AdminSetUserPassword"]), Mail] AccessWrite,
        "POST" "/admin/members/{member_id}/disable" => "DisableMember": admin::members::disable [Write, Cognito(&["AdminDisableUser", "AdminUserGlobalSignOut"])] AccessWrite,
        "POST" "/admin/members/{member_id}/enable" => "EnableMember": admin::members::enable [Write, Cognito(&["AdminEnableUser"])] AccessWrite,
        "POST" "/admin/members/{member_id}/reset-mfa" => "ResetMemberMfa": admin::members::reset_mfa [Write, Cognito(RESET_MFA)] NotForIntegrations,
        "PUT" "/admin/members/{member_id}/document-restrictions" => "RestrictMemberDocuments": admin::members::restrict_documents [Write] AccessWrite,
        "GET" "/admin/members/{member_id}/access" => "GetMemberAccess": admin::members::access [Read] AccessRead,
        "POST" "/admin/members/{member_id}/view-as" => "CreateViewAsSession": admin::members::view_as [Write] NotForIntegrations,
        "POST" "/admin/staff" => "CreateStaff": admin::staff::create [Write, Cognito(&["AdminCreateUser", "AdminAddUserToGroup", "AdminDeleteUser"]), Mail] NotForIntegrations,
        "GET" "/admin/staff" => "ListStaff": admin::staff::list [Read] NotForIntegrations,
        "GET" "/admin/staff/{staff_id}" => "GetStaff": admin::staff::get [Read, Cognito(&["AdminGetUser"])] NotForIntegrations,
        "POST" "/admin/staff/{staff_id}/disable" => "DisableStaff": admin::staff::disable [Write, Cognito(&["AdminDisableUser", "AdminUserGlobalSignOut"])] NotForIntegrations,
        "POST" "/admin/staff/{staff_id}/enable" => "EnableStaff": admin::staff::enable [Write, Cognito(&["AdminEnableUser"])] NotForIntegrations,
        "DELETE" "/admin/staff/{staff_id}" => "DeleteStaff": admin::staff::delete [Write, Cognito(&["AdminDeleteUser"])] NotForIntegrations,
        "POST" "/admin/staff/{staff_id}/reset-mfa" => "ResetStaffMfa": admin::staff::reset_mfa [Write, Cognito(RESET_MFA)] NotForIntegrations,
        "POST" "/admin/integrations" => "CreateIntegration": admin::integrations::create [Write, Cognito(&["CreateUserPoolClient", "DeleteUserPoolClient"])] NotForIntegrations,
        "GET" "/admin/integrations" => "ListIntegrations": admin::integrations::list [Read] NotForIntegrations,
        "GET" "/admin/integrations/{integration_id}" => "GetIntegration": admin::integrations::get [Read] NotForIntegrations,
        "PATCH" "/admin/integrations/{integration_id}" => "UpdateIntegration": admin::integrations::update [Write, Cognito(&["UpdateUserPoolClient"])] NotForIntegrations,
        "POST" "/admin/integrations/{integration_id}/rotate" => "RotateIntegration": admin::integrations::rotate [Write, Cognito(&["CreateUserPoolClient", "DeleteUserPoolClient"])] NotForIntegrations,
        "POST" "/admin/integrations/{integration_id}/revoke" => "RevokeIntegration": admin::integrations::revoke [Write, Cognito(&["DeleteUserPoolClient"])] NotForIntegrations,
        "GET" "/admin/payments/account" => "GetPaymentAccount": admin::payments::get [Read] NotForIntegrations,
        "POST" "/admin/payments/account" => "ConnectPaymentAccount": admin::payments::connect [Write, Processor] NotForIntegrations,
    }
    Work {
        "PUT" "/admin/jobs/{job_id}" => "UpsertJob": admin::jobs::upsert [Write, FilesAttach] WorkWrite,
        "GET" "/admin/jobs/{job_id}" => "GetJob": admin::jobs::get [Read] WorkRead,
        "GET" "/admin/jobs" => "ListJobs": admin::jobs::list [Read] WorkRead,
        "GET" "/admin/jobs/{job_id}/notes" => "ListJobNotes": admin::jobs::notes [Read] WorkRead,
        "GET" "/admin/work-requests" => "ListWorkRequests": admin::work_requests::list [Read] WorkRead,
        "GET" "/admin/work-requests/{request_id}" => "GetWorkRequest": admin::work_requests::get [Read] WorkRead,
        "POST" "/admin/work-requests/{request_id}/accept" => "AcceptWorkRequest": admin::work_requests::accept [Write] WorkWrite,
        "POST" "/admin/work-requests/{request_id}/decline" => "DeclineWorkRequest": admin::work_requests::decline [Write] WorkWrite,
        "POST" "/admin/files" => "CreateFile": admin::files::create [Write, FilesUpload] FilesWrite,
        "GET" "/admin/files/{file_id}" => "GetFile": admin::files::download [Read, FilesRead] FilesRead,
    }
    Records {
        "POST" "/admin/batch" => "LoadBatch": admin::batch::load [Write, FilesAttach] RecordsWrite,
        "PUT" "/admin/quotes/{quote_id}" => "UpsertQuote": admin::quotes::upsert [Write, FilesAttach] RecordsWrite,
        "GET" "/admin/quotes/{quote_id}" => "GetQuote": admin::quotes::get [Read] RecordsRead,
        "GET" "/admin/quotes" => "ListQuotes": admin::quotes::list [Read] RecordsRead,
        "PUT" "/admin/invoices/{invoice_id}" => "UpsertInvoice": admin::invoices::upsert [Write, FilesAttach] RecordsWrite,
        "GET" "/admin/invoices/{invoice_id}" => "GetInvoice": admin::invoices::get [Read] RecordsRead,
        "GET" "/admin/invoices" => "ListInvoices": admin::invoices::list [Read] RecordsRead,
        "PUT" "/admin/assets/{asset_id}" => "UpsertAsset": admin::assets::upsert [Write] RecordsWrite,
        "GET" "/admin/assets/{asset_id}" => "GetAsset": admin::assets::get [Read] RecordsRead,
        "GET" "/admin/assets" => "ListAssets": admin::assets::list [Read] RecordsRead,
        "POST" "/admin/documents" => "CreateDocument": admin::documents::create [Write, FilesAttach] RecordsWrite,
        "GET" "/admin/documents" => "ListDocuments": admin::documents::list [Read] RecordsRead,
        "GET" "/admin/documents/{document_id}" => "GetDocument": admin::documents::get [Read] RecordsRead,
        "PATCH" "/admin/documents/{document_id}" => "UpdateDocument": admin::documents::update [Write, FilesAttach] RecordsWrite,
        "DELETE" "/admin/documents/{document_id}" => "DeleteDocument": admin::documents::delete [Write] RecordsWrite,
        "GET" "/admin/reports/{report}" => "GetReport": admin::reports::get [Read] RecordsRead,
    }
    Communication {
        "POST" "/admin/messages" => "CreateMessage": admin::messages::create [Write] MessagesWrite,
        "GET" "/admin/messages" => "ListMessages": admin::messages::list [Read] MessagesRead,
        "GET" "/admin/messages/{message_id}" => "GetMessage": admin::messages::get [Read] MessagesRead,
        "PATCH" "/admin/messages/{message_id}" => "UpdateMessage": admin::messages::update [Write] MessagesWrite,
        "DELETE" "/admin/messages/{message_id}" => "DeleteMessage": admin::messages::delete [Write] MessagesWrite,
        "GET" "/admin/messages/{message_id}/acknowledgements" => "ListMessageAcknowledgements": admin::messages::acknowledgements [Read] MessagesRead,
        "GET" "/admin/audit" => "ListAuditEvents": admin::audit::list [Read] AuditRead,
        "GET" "/admin/events" => "ListEvents": admin::events::list [Read] EventsRead,
        "POST" "/admin/webhooks" => "CreateWebhook": admin::webhooks::create [Write] WebhooksWrite,
        "GET" "/admin/webhooks" => "ListWebhooks": admin::webhooks::list [Read] WebhooksRead,
        "GET" "/admin/webhooks/{webhook_id}" => "GetWebhook": admin::webhooks::get [Read] WebhooksRead,
        "PATCH" "/admin/webhooks/{webhook_id}" => "UpdateWebhook": admin::webhooks::update [Write] WebhooksWrite,
        "DELETE" "/admin/webhooks/{webhook_id}" => "DeleteWebhook": admin::webhooks::delete [Write] WebhooksWrite,
        "POST" "/admin/webhooks/{webhook_id}/rotate-secret" => "RotateWebhookSecret": admin::webhooks::rotate_secret [Write] WebhooksWrite,
        "GET" "/admin/webhooks/{webhook_id}/deliveries" => "ListWebhookDeliveries": admin::webhooks::deliveries [Read] WebhooksRead,
        "POST" "/admin/webhooks/{webhook_id}/deliveries/{delivery_id}/replay" => "ReplayWebhookDelivery": admin::webhooks::replay [Write] WebhooksWrite,
        "GET" "/mail/unsubscribe" => "ShowUnsubscribe": unsubscribe::show [Public, Read] NotForIntegrations,
        "POST" "/mail/unsubscribe" => "Unsubscribe": unsubscribe::confirm [Public, Write] NotForIntegrations,
        "POST" "/webhooks/stripe" => "ReceiveStripeEvent": processor::stripe [Public, Write, Processor] NotForIntegrations,
    }
    Portal {
        "GET" "/portal/me" => "GetMe": portal::me::get [Read] NotForIntegrations,
        "GET" "/portal/home" => "GetMyHome": portal::home::get [Read] NotForIntegrations,
        "PATCH" "/portal/me" => "UpdateMe": portal::me::update [Write, Cognito(PROFILE)] NotForIntegrations,
        "GET" "/portal/sites" => "ListMySites": portal::sites::list [Read] NotForIntegrations,
        "GET" "/portal/jobs" => "ListMyJobs": portal::jobs::list [Read] NotForIntegrations,
        "GET" "/portal/jobs/export" => "ExportMyJobs": portal::jobs::export [Read] NotForIntegrations,
        "GET" "/portal/jobs/{job_id}" => "GetMyJob": portal::jobs::get [Read] NotForIntegrations,
        "GET" "/portal/jobs/{job_id}/files/{file_id}" => "GetMyJobFile": portal::jobs::file [Read, FilesRead] NotForIntegrations,
        "POST" "/portal/jobs/{job_id}/notes" => "CreateJobNote": portal::jobs::add_note [Write, FilesAttach] NotForIntegrations,
        "GET" "/portal/jobs/{job_id}/notes" => "ListMyJobNotes": portal::jobs::notes [Read] NotForIntegrations,
        "POST" "/portal/uploads" => "CreateUpload": portal::uploads::create [Write, FilesUpload] NotForIntegrations,
        "POST" "/portal/work-requests" => "CreateWorkRequest": portal::work_requests::create [Write, FilesAttach] NotForIntegrations,
        "GET" "/portal/work-requests" => "ListMyWorkRequests": portal::work_requests::list [Read] NotForIntegrations,
        "GET" "/portal/work-requests/{request_id}" => "GetMyWorkRequest": portal::work_requests::get [Read] NotForIntegrations,
        "GET" "/portal/quotes" => "ListMyQuotes": portal::quotes::list [Read] NotForIntegrations,
        "GET" "/portal/quotes/{quote_id}" => "GetMyQuote": portal::quotes::get [Read, FilesRead] NotForIntegrations,
        "POST" "/portal/quotes/{quote_id}/approve" => "ApproveQuote": portal::quotes::approve [Write] NotForIntegrations,
        "POST" "/portal/quotes/{quote_id}/reject" => "RejectQuote": portal::quotes::reject [Write] NotForIntegrations,
        "GET" "/portal/invoices" => "ListMyInvoices": portal::invoices::list [Read] NotForIntegrations,
        "GET" "/portal/invoices/{invoice_id}/pdf" => "GetMyInvoicePdf": portal::invoices::pdf [Read, FilesRead] NotForIntegrations,
        "POST" "/portal/invoices/pay" => "PayMyInvoices": portal::payments::pay [Write, Processor] NotForIntegrations,
        "GET" "/portal/payments/{payment_id}" => "GetMyPayment": portal::payments::get [Read] NotForIntegrations,
        "GET" "/portal/assets" => "ListMyAssets": portal::assets::list [Read] NotForIntegrations,
        "GET" "/portal/assets/{asset_id}" => "GetMyAsset": portal::assets::get [Read] NotForIntegrations,
        "GET" "/portal/assets/{asset_id}/work-request" => "GetAssetWorkRequestForm": portal::assets::work_request_form [Read] NotForIntegrations,
        "GET" "/portal/documents" => "ListMyDocuments": portal::documents::list [Read] NotForIntegrations,
        "GET" "/portal/documents/{document_id}/download" => "GetMyDocumentDownload": portal::documents::download [Read, FilesRead] NotForIntegrations,
        "GET" "/portal/messages" => "ListMyMessages": portal::messages::list [Read] NotForIntegrations,
        "POST" "/portal/messages/{message_id}/read" => "ReadMyMessage": portal::messages::read [Write] NotForIntegrations,
        "POST" "/portal/messages/{message_id}/ack" => "AcknowledgeMyMessage": portal::messages::ack [Write] NotForIntegrations,
        "GET" "/portal/audit" => "ListMyAuditEvents": portal::audit::list [Read] NotForIntegrations,
        "GET" "/portal/reports" => "ListMyReports": portal::reports::list [Read] NotForIntegrations,
        "GET" "/portal/reports/{report}" => "GetMyReport": portal::reports::get [Read] NotForIntegrations,
    }
}

static COLD: AtomicBool = AtomicBool::new(true);

/// Handles one API Gateway (HTTP API, v2) request: route, run, map errors to
/// problem+json, log one line and emit latency metrics.
pub async fn handle_event(app: &App, request: lambda_http::Request) -> Response {
    let started = Instant::now();
    let req = Req::new(request);
    let route_key = req.route_key().unwrap_or_default();
    let route = ROUTES.iter().find(|r| r.key() == route_key);
    let operation = route.map_or("unknown", |r| r.operation);
    // What an integration's token must grant here (the guard checks it).
    let req = req.with_scope(route.map_or(ApiScope::NotForIntegrations, |r| r.scope));
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
