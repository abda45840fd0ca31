//! `/admin/integrations`: the back office's machine credentials. An admin (a person,
//! with a second factor where the tenant requires one: no integration may call these
//! routes) creates an integration with scopes and gets its credentials once; rotating
//! issues new ones while the old keep working for an overlap; revoking refuses every
//! token at once. See docs/integration.md.

use portico::domain::ids::IntegrationId;
use portico::domain::integration::{
    Credentials, Integration, IntegrationPatch, IntegrationView, IntegrationWithCredentials, NewIntegration, Rotation,
};
use portico::domain::principal::AdminPrincipal;
use portico::domain::tenant::now;
use portico::http::{guard, Reply, Req};
use portico::store::{keys, Page, Tx};
use portico::{App, Error, Result};

use crate::schema::Problem;

async fn load(app: &App, req: &Req, admin: &AdminPrincipal) -> Result<Integration> {
    let id = req.path_id("integration_id", IntegrationId::parse)?;
    app.store.get::<Integration>(keys::integration_key(admin.tenant, id)).await?.ok_or(Error::NotFound)
}

fn credentials(app: &App, integration: &Integration, client_id: String, secret: String) -> Credentials {
    Credentials {
        client_id,
        client_secret: secret,
        token_url: app.config.token_url.clone(),
        scopes: integration.oauth_scopes(),
    }
}

#[utoipa::path(post, path = "/admin/integrations", request_body(content = NewIntegration, example = json!({"name": "ERP", "scopes": ["access:write", "work:write", "records:write"]})),
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = IntegrationWithCredentials, description = "the integration and its credentials: the secret is shown only here"), (status = 400, body = Problem)))]
pub async fn create(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let input: NewIntegration = req.body()?;
    let scopes = portico::domain::integration::check_scopes(&input.scopes)?;
    let oauth: Vec<String> = scopes.iter().filter_map(|s| s.oauth()).collect();
    let (client_id, secret) = app.identity().create_app_client(input.name.as_str(), &oauth).await?;
    let integration = Integration::create(IntegrationId::generate(), input, client_id.clone())?;
    let mut tx = Tx::new(admin.tenant, admin.actor());
    tx.create(&integration, "integration.created", "the integration exists")?;
    if let Err(e) = app.store.commit(tx).await {
        app.identity().delete_app_clients([client_id]).await;
        return Err(e);
    }
    let body = IntegrationWithCredentials {
        integration: integration.view(),
        credentials: credentials(app, &integration, client_id, secret.expose()),
    };
    Ok(Reply::created(&body)?.etag(integration.version).at(format!("/admin/integrations/{}", integration.id)))
}

#[utoipa::path(get, path = "/admin/integrations",
    params(("limit" = Option<i32>, Query), ("cursor" = Option<crate::schema::Cursor>, Query)),
    responses((status = 200, body = crate::schema::IntegrationPage), (status = 400, body = Problem)))]
pub async fn list(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let page: Page<Integration> =
        app.store.page("integrations", &keys::all_integrations(admin.tenant), &req.paging()?).await?;
    Reply::ok(&page.map(|i| i.view()))
}

#[utoipa::path(get, path = "/admin/integrations/{integration_id}",
    params(("integration_id" = portico::domain::ids::IntegrationId, Path, example = "int_01JD8Z6V5Q2W3E4R5T6Y7A8BA3")),
    responses((status = 200, body = IntegrationView), (status = 404, body = Problem)))]
pub async fn get(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let integration = load(app, &req, &admin).await?;
    Ok(Reply::ok(&integration.view())?.etag(integration.version))
}

#[utoipa::path(patch, path = "/admin/integrations/{integration_id}", request_body(content = IntegrationPatch, example = json!({"scopes": ["records:read", "records:write"]})),
    params(("integration_id" = portico::domain::ids::IntegrationId, Path, example = "int_01JD8Z6V5Q2W3E4R5T6Y7A8BA3"), ("If-Match" = Option<crate::schema::IfMatch>, Header)),
    responses((status = 200, body = IntegrationView, description = "changed: a narrowed scope is refused on the next request, whatever tokens are out"), (status = 400, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem, description = "the integration is revoked"), (status = 412, body = Problem)))]
pub async fn update(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let patch: IntegrationPatch = req.body()?;
    let before = load(app, &req, &admin).await?;
    guard::if_match(&req, before.version)?;
    if !before.is_active() {
        return Err(Error::conflict("the integration is revoked"));
    }
    let mut after = before.clone();
    after.apply(patch)?;
    // The record (and so the bindings the guard reads) first: a narrowed scope acts at
    // once. Then the app clients, so that their next tokens carry the scopes granted.
    app.store.update(admin.tenant, admin.actor(), &before, &after, before.version, "integration.updated").await?;
    if after.scopes != before.scopes || after.name != before.name {
        for client in &after.clients {
            app.identity().update_app_client(&client.client_id, after.name.as_str(), &after.oauth_scopes()).await?;
        }
    }
    Ok(Reply::ok(&after.view())?.etag(after.version))
}

#[utoipa::path(post, path = "/admin/integrations/{integration_id}/rotate", request_body(content = Option<Rotation>, description = "optional: the overlap (default 24 hours)", example = json!({"overlap_hours": 24})),
    params(("integration_id" = portico::domain::ids::IntegrationId, Path, example = "int_01JD8Z6V5Q2W3E4R5T6Y7A8BA3"), ("Idempotency-Key" = Option<String>, Header)),
    responses((status = 200, body = IntegrationWithCredentials, description = "new credentials, shown only here; the old secret works until the overlap ends"), (status = 400, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem, description = "the integration is revoked")))]
pub async fn rotate(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let rotation: Rotation = req.body_or_default()?;
    let overlap = rotation.overlap()?;
    let before = load(app, &req, &admin).await?;
    if !before.is_active() {
        return Err(Error::conflict("the integration is revoked"));
    }
    let (client_id, secret) = app.identity().create_app_client(before.name.as_str(), &before.oauth_scopes()).await?;
    let mut after = before.clone();
    let retired = after.rotate(client_id.clone(), overlap, now());
    if let Err(e) =
        app.store.update(admin.tenant, admin.actor(), &before, &after, before.version, "integration.rotated").await
    {
        app.identity().delete_app_clients([client_id]).await;
        return Err(e);
    }
    // Their bindings are gone with the record: deleting the app clients only tidies up.
    app.identity().delete_app_clients(retired.into_iter().map(|c| c.client_id)).await;
    let body = IntegrationWithCredentials {
        integration: after.view(),
        credentials: credentials(app, &after, client_id, secret.expose()),
    };
    Ok(Reply::ok(&body)?.etag(after.version))
}

#[utoipa::path(post, path = "/admin/integrations/{integration_id}/revoke",
    params(("integration_id" = portico::domain::ids::IntegrationId, Path, example = "int_01JD8Z6V5Q2W3E4R5T6Y7A8BA4"), ("Idempotency-Key" = Option<String>, Header)),
    responses((status = 200, body = IntegrationView, description = "revoked: every token of the integration is refused from the next request, and its app clients are deleted"), (status = 404, body = Problem)))]
pub async fn revoke(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let before = load(app, &req, &admin).await?;
    if !before.is_active() {
        return Ok(Reply::ok(&before.view())?.etag(before.version));
    }
    let mut after = before.clone();
    let clients = after.revoke();
    app.store.update(admin.tenant, admin.actor(), &before, &after, before.version, "integration.revoked").await?;
    app.identity().delete_app_clients(clients.into_iter().map(|c| c.client_id)).await;
    Ok(Reply::ok(&after.view())?.etag(after.version))
}
