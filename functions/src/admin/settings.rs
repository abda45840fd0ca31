//! `GET, PUT /admin/settings`: the tenant's portal settings.

use portico::domain::settings::{Settings, SettingsInput};
use portico::http::{guard, Reply, Req};

use portico::{App, Result};

use crate::schema::Problem;

#[utoipa::path(get, path = "/admin/settings", tag = "admin",
    responses((status = 200, body = Settings, headers(("etag" = String))), (status = 403, body = Problem)),
    security(("cognito" = [])))]
pub async fn get(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let settings = app.store.settings(admin.tenant).await?;
    Ok(Reply::ok(&settings)?.etag(settings.version))
}

#[utoipa::path(put, path = "/admin/settings", tag = "admin", request_body = SettingsInput,
    params(("If-Match" = Option<crate::schema::IfMatch>, Header, description = "ETag from a previous read; 412 when stale")),
    responses((status = 200, body = Settings), (status = 400, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)),
    security(("cognito" = [])))]
pub async fn put(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let input: SettingsInput = req.body()?;
    let before = app.store.settings(admin.tenant).await?;
    guard::if_match(&req, before.version)?;
    let mut after = before.clone();
    after.replace(input)?;
    app.store.update(admin.tenant, admin.actor(), &before, &after, before.version, "settings.updated").await?;
    Ok(Reply::ok(&after)?.etag(after.version))
}
