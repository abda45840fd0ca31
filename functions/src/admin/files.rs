//! `/admin/files`: uploads for the back office (job attachments, documents), and
//! download links for any file of the tenant (members' uploads included).

use std::time::Duration;

use portico::domain::file::{
    DownloadView, FileOwner, FileStatus, NewUpload, StoredFile, UploadView, DOWNLOAD_URL_SECONDS,
};
use portico::domain::ids::FileId;
use portico::domain::tenant::now;
use portico::http::{guard, Reply, Req};
use portico::store::keys;
use portico::{App, Error, Result};

use crate::schema::Problem;

#[utoipa::path(post, path = "/admin/files", tag = "admin", request_body = NewUpload,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = UploadView), (status = 400, body = Problem)),
    security(("cognito" = [])))]
pub async fn create(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let input: NewUpload = req.body()?;
    crate::files::start_upload(app, admin.tenant, admin.actor(), FileOwner::Tenant, input).await
}

#[utoipa::path(get, path = "/admin/files/{file_id}", tag = "admin",
    params(("file_id" = portico::domain::ids::FileId, Path)),
    responses((status = 200, body = DownloadView), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("cognito" = [])))]
pub async fn download(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let id = req.path_id("file_id", FileId::parse)?;
    let file = app.store.get::<StoredFile>(keys::file_key(admin.tenant, id)).await?.ok_or(Error::NotFound)?;
    if file.status != FileStatus::Ready && app.files().head(&keys::object_key(admin.tenant, id)).await?.is_none() {
        return Err(Error::conflict("the file has not been uploaded yet"));
    }
    link(app, admin.tenant, &file).await
}

/// A short-lived download link for `file`.
pub async fn link(app: &App, tenant: portico::domain::ids::TenantId, file: &StoredFile) -> Result<Reply> {
    Reply::ok(&download_view(app, tenant, &file.file_ref()).await?)
}

/// A short-lived download link for a file known by its reference.
pub async fn download_view(
    app: &App,
    tenant: portico::domain::ids::TenantId,
    file: &portico::domain::file::FileRef,
) -> Result<DownloadView> {
    let url = app
        .files()
        .download_url(
            &keys::object_key(tenant, file.file_id),
            &file.name,
            &file.content_type,
            Duration::from_secs(DOWNLOAD_URL_SECONDS),
        )
        .await?;
    Ok(DownloadView { url, expires_at: now().saturating_add(time::Duration::seconds(DOWNLOAD_URL_SECONDS as i64)) })
}
