//! The OpenAPI document, generated from the handlers' annotations. `docs/openapi.json`
//! is this document; a test keeps the two — and the template, the local gateway and
//! `events/` — in step.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "cognito",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("A Cognito ID token of the deployment's user pool"))
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Portico", description = "The customer-portal API for field-service companies. Errors are application/problem+json (RFC 9457).", version = "0.1.0"),
    modifiers(&BearerAuth),
    paths(
        crate::platform::create_tenant::handle,
        crate::admin::settings::get,
        crate::admin::settings::put,
        crate::admin::customers::create,
        crate::admin::customers::list,
        crate::admin::customers::get,
        crate::admin::customers::update,
        crate::admin::customers::delete,
        crate::admin::divisions::create,
        crate::admin::divisions::list,
        crate::admin::divisions::update,
        crate::admin::divisions::delete,
        crate::admin::sites::create,
        crate::admin::sites::list,
        crate::admin::sites::get,
        crate::admin::sites::update,
        crate::admin::sites::delete,
        crate::admin::groups::create,
        crate::admin::groups::list,
        crate::admin::groups::get,
        crate::admin::groups::update,
        crate::admin::groups::delete,
        crate::admin::members::create,
        crate::admin::members::list,
        crate::admin::members::get,
        crate::admin::members::update,
        crate::admin::members::delete,
        crate::admin::members::invite,
        crate::admin::members::reset_password,
        crate::admin::members::disable,
        crate::admin::members::enable,
        crate::admin::members::restrict_documents,
        crate::admin::contacts::create,
        crate::admin::contacts::list,
        crate::admin::contacts::update,
        crate::admin::contacts::delete,
        crate::admin::contacts::create_user,
        crate::admin::jobs::upsert,
        crate::admin::jobs::get,
        crate::admin::jobs::list,
        crate::admin::jobs::notes,
        crate::admin::work_requests::list,
        crate::admin::work_requests::get,
        crate::admin::work_requests::accept,
        crate::admin::work_requests::decline,
        crate::admin::files::create,
        crate::admin::files::download,
        crate::portal::me::get,
        crate::portal::me::update,
        crate::portal::sites::list,
        crate::portal::jobs::list,
        crate::portal::jobs::export,
        crate::portal::jobs::get,
        crate::portal::jobs::file,
        crate::portal::jobs::add_note,
        crate::portal::jobs::notes,
        crate::portal::uploads::create,
        crate::portal::work_requests::create,
        crate::portal::work_requests::list,
        crate::portal::work_requests::get,
    ),
    tags((name = "platform"), (name = "admin"), (name = "portal"))
)]
pub struct ApiDoc;

/// The document as pretty JSON (what `docs/openapi.json` holds).
pub fn document() -> Result<String, serde_json::Error> {
    ApiDoc::openapi().to_pretty_json()
}
