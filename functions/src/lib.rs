//! Portico's operations: one module per route, and the one table that maps API Gateway
//! route keys to them.
//!
//! Every route is deployed as its own Lambda function (own IAM policy) running the same
//! `portico` binary; the function's event carries its `routeKey`, which selects the
//! handler here. See `docs/decisions/0001-one-binary-for-all-functions.md`.

pub mod admin;
pub mod files;
pub mod openapi;
pub mod platform;
pub mod portal;
pub mod schema;
pub mod triggers;

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use portico::http::{problem, Reply, Req, Response};
use portico::{App, Error, Result};
use tracing::Instrument;

/// One route: `method path` as API Gateway writes its route key, and the operation name
/// (also the Lambda function's logical name in the template).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub operation: &'static str,
}

impl Route {
    pub fn key(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

macro_rules! routes {
    ($( $method:literal $path:literal => $operation:literal : $handler:path ),* $(,)?) => {
        /// Every route of the API.
        pub const ROUTES: &[Route] = &[ $( Route { method: $method, path: $path, operation: $operation } ),* ];

        async fn call(app: &App, route_key: &str, req: Req) -> Result<Reply> {
            match route_key {
                $( concat!($method, " ", $path) => $handler(app, req).await, )*
                _ => Err(Error::NotFound),
            }
        }
    };
}

routes! {
    "POST" "/platform/tenants" => "CreateTenant": platform::create_tenant::handle,
    "GET" "/admin/settings" => "GetSettings": admin::settings::get,
    "PUT" "/admin/settings" => "PutSettings": admin::settings::put,
    "POST" "/admin/customers" => "CreateCustomer": admin::customers::create,
    "GET" "/admin/customers" => "ListCustomers": admin::customers::list,
    "GET" "/admin/customers/{customer_id}" => "GetCustomer": admin::customers::get,
    "PATCH" "/admin/customers/{customer_id}" => "UpdateCustomer": admin::customers::update,
    "DELETE" "/admin/customers/{customer_id}" => "DeleteCustomer": admin::customers::delete,
    "POST" "/admin/customers/{customer_id}/divisions" => "CreateDivision": admin::divisions::create,
    "GET" "/admin/customers/{customer_id}/divisions" => "ListDivisions": admin::divisions::list,
    "PATCH" "/admin/divisions/{division_id}" => "UpdateDivision": admin::divisions::update,
    "DELETE" "/admin/divisions/{division_id}" => "DeleteDivision": admin::divisions::delete,
    "POST" "/admin/customers/{customer_id}/sites" => "CreateSite": admin::sites::create,
    "GET" "/admin/customers/{customer_id}/sites" => "ListSites": admin::sites::list,
    "GET" "/admin/sites/{site_id}" => "GetSite": admin::sites::get,
    "PATCH" "/admin/sites/{site_id}" => "UpdateSite": admin::sites::update,
    "DELETE" "/admin/sites/{site_id}" => "DeleteSite": admin::sites::delete,
    "POST" "/admin/access-groups" => "CreateGroup": admin::groups::create,
    "GET" "/admin/access-groups" => "ListGroups": admin::groups::list,
    "GET" "/admin/access-groups/{group_id}" => "GetGroup": admin::groups::get,
    "PATCH" "/admin/access-groups/{group_id}" => "UpdateGroup": admin::groups::update,
    "DELETE" "/admin/access-groups/{group_id}" => "DeleteGroup": admin::groups::delete,
    "POST" "/admin/members" => "CreateMember": admin::members::create,
    "GET" "/admin/members" => "ListMembers": admin::members::list,
    "GET" "/admin/members/{member_id}" => "GetMember": admin::members::get,
    "PATCH" "/admin/members/{member_id}" => "UpdateMember": admin::members::update,
    "DELETE" "/admin/members/{member_id}" => "DeleteMember": admin::members::delete,
    "POST" "/admin/members/{member_id}/invite" => "InviteMember": admin::members::invite,
    "POST" "/admin/members/{member_id}/reset-password" => "ResetMemberPassword": admin::members::reset_password,
    "POST" "/admin/members/{member_id}/disable" => "DisableMember": admin::members::disable,
    "POST" "/admin/members/{member_id}/enable" => "EnableMember": admin::members::enable,
    "PUT" "/admin/members/{member_id}/document-restrictions" => "RestrictMemberDocuments": admin::members::restrict_documents,
    "POST" "/admin/customers/{customer_id}/contacts" => "CreateContact": admin::contacts::create,
    "GET" "/admin/customers/{customer_id}/contacts" => "ListContacts": admin::contacts::list,
    "PATCH" "/admin/contacts/{contact_id}" => "UpdateContact": admin::contacts::update,
    "DELETE" "/admin/contacts/{contact_id}" => "DeleteContact": admin::contacts::delete,
    "POST" "/admin/contacts/{contact_id}/create-user" => "CreateUserFromContact": admin::contacts::create_user,
    "PUT" "/admin/jobs/{job_id}" => "UpsertJob": admin::jobs::upsert,
    "GET" "/admin/jobs/{job_id}" => "GetJob": admin::jobs::get,
    "GET" "/admin/jobs" => "ListJobs": admin::jobs::list,
    "GET" "/admin/jobs/{job_id}/notes" => "ListJobNotes": admin::jobs::notes,
    "GET" "/admin/work-requests" => "ListWorkRequests": admin::work_requests::list,
    "GET" "/admin/work-requests/{request_id}" => "GetWorkRequest": admin::work_requests::get,
    "POST" "/admin/work-requests/{request_id}/accept" => "AcceptWorkRequest": admin::work_requests::accept,
    "POST" "/admin/work-requests/{request_id}/decline" => "DeclineWorkRequest": admin::work_requests::decline,
    "POST" "/admin/files" => "CreateFile": admin::files::create,
    "GET" "/admin/files/{file_id}" => "GetFile": admin::files::download,
    "GET" "/portal/me" => "GetMe": portal::me::get,
    "PATCH" "/portal/me" => "UpdateMe": portal::me::update,
    "GET" "/portal/sites" => "ListMySites": portal::sites::list,
    "GET" "/portal/jobs" => "ListMyJobs": portal::jobs::list,
    "GET" "/portal/jobs/export" => "ExportMyJobs": portal::jobs::export,
    "GET" "/portal/jobs/{job_id}" => "GetMyJob": portal::jobs::get,
    "GET" "/portal/jobs/{job_id}/files/{file_id}" => "GetMyJobFile": portal::jobs::file,
    "POST" "/portal/jobs/{job_id}/notes" => "CreateJobNote": portal::jobs::add_note,
    "GET" "/portal/jobs/{job_id}/notes" => "ListMyJobNotes": portal::jobs::notes,
    "POST" "/portal/uploads" => "CreateUpload": portal::uploads::create,
    "POST" "/portal/work-requests" => "CreateWorkRequest": portal::work_requests::create,
    "GET" "/portal/work-requests" => "ListMyWorkRequests": portal::work_requests::list,
    "GET" "/portal/work-requests/{request_id}" => "GetMyWorkRequest": portal::work_requests::get,
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
    let span = tracing::info_span!(
        "request",
        request_id = req.request_id().as_deref().unwrap_or(""),
        route = %route_key,
        tenant = principal.as_ref().and_then(|p| p.tenant()).map(|t| t.to_string()).unwrap_or_default(),
        member = principal.as_ref().and_then(|p| p.member_id()).map(|m| m.to_string()).unwrap_or_default(),
    );
    let cold = COLD.swap(false, Ordering::Relaxed);
    async move {
        let result = call(app, &route_key, req).await;
        let response = match result {
            Ok(reply) => reply.into_response(),
            Err(e) => problem::response(&e),
        };
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
