//! `/admin/files`: uploads for the back office (job attachments, documents), and
//! download links for any file of the tenant (members' uploads included).

use portico::domain::file::{DownloadView, FileOwner, FileStatus, NewUpload, StoredFile, UploadView};
use portico::domain::ids::FileId;
use portico::http::{guard, Reply, Req};
use portico::store::keys;
use portico::{App, Error, Result};

use crate::files::link;
use crate::schema::Problem;

#[utoipa::path(post, path = "/admin/files", request_body(content = NewUpload, example = json!({"file_name": "Service record WO-1001.pdf", "content_type": "application/pdf", "size": 48213})),
    params(("Idempotency-Key" = Option<String>, Header, example = "fixture-create-file")),
    responses((status = 201, body = UploadView), (status = 400, body = Problem)))]
pub async fn create(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let input: NewUpload = req.body()?;
    crate::files::start_upload(app, admin.tenant, admin.actor(), FileOwner::Tenant, input).await
}

#[utoipa::path(get, path = "/admin/files/{file_id}",
    params(("file_id" = portico::domain::ids::FileId, Path, example = "file_01JD8Z6V5Q2W3E4R5T6Y7A8B9W")),
    responses((status = 200, body = DownloadView), (status = 404, body = Problem), (status = 409, body = Problem, description = "not attached to anything yet: until then its bytes are an upload, which is never downloaded")))]
pub async fn download(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let id = req.path_id("file_id", FileId::parse)?;
    let file = app.store.get::<StoredFile>(keys::file_key(admin.tenant, id)).await?.ok_or(Error::NotFound)?;
    // Downloads read the file's own key, written when it is first attached (a file
    // uploaded before uploads had a key of their own is there already).
    if file.status != FileStatus::Ready && app.files().head(&keys::object_key(admin.tenant, id)).await?.is_none() {
        return Err(Error::conflict("the file has not been attached to anything yet"));
    }
    link(app, admin.tenant, &file).await
}
