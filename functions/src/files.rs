//! Files in handlers: issuing upload URLs, and turning `file_ids` from a request into
//! files the caller may attach — theirs, and confirmed present in S3 with the declared
//! type and size, then copied from the upload to the file's own key, which nothing
//! writes again (see `portico::files`).

use std::time::Duration;

use portico::domain::file::{
    DownloadView, FileOwner, FileRef, FileStatus, NewUpload, StoredFile, UploadView, DOWNLOAD_URL_SECONDS,
    UPLOAD_URL_SECONDS,
};
use portico::domain::ids::{FileId, TenantId};
use portico::domain::tenant::now;
use portico::files::Present;
use portico::http::Reply;
use portico::store::{keys, Actor, Tx};
use portico::{App, Error, Result};

/// Records a pending upload and hands out its presigned `PUT`.
pub async fn start_upload(
    app: &App,
    tenant: TenantId,
    actor: Actor,
    owner: FileOwner,
    input: NewUpload,
) -> Result<Reply> {
    input.validate()?;
    let file = StoredFile::create(input, owner, actor.0.clone());
    let valid_for = Duration::from_secs(UPLOAD_URL_SECONDS);
    let (upload_url, headers) =
        app.files().upload_url(&keys::upload_key(tenant, file.id), &file.content_type, file.size, valid_for).await?;
    let view = UploadView {
        file_id: file.id,
        upload_url,
        method: "PUT",
        headers,
        expires_at: now().saturating_add(time::Duration::seconds(UPLOAD_URL_SECONDS as i64)),
    };
    let reply = Reply::created(&view)?;
    let mut tx = Tx::new(tenant, actor);
    tx.create(&file, "file.upload_started", "the file exists")?;
    app.store.commit(tx).await?;
    Ok(reply)
}

/// The files `ids` names, if `user` may attach every one and each is in S3 as declared.
/// Files confirmed now are written back (no longer expiring) through `tx`; the others
/// are required to still exist when `tx` commits.
pub async fn attachable(
    app: &App,
    tenant: TenantId,
    user: &FileOwner,
    ids: &[FileId],
    tx: &mut Tx,
) -> Result<Vec<StoredFile>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<_> = ids.iter().map(|id| keys::file_key(tenant, *id)).collect();
    let found = app.store.batch(&keys).await?.all::<StoredFile>()?;
    let mut files = Vec::with_capacity(ids.len());
    for id in ids {
        let file = found
            .iter()
            .find(|f| f.id == *id && f.usable_by(user))
            .ok_or_else(|| Error::invalid_field("file_ids", format!("file `{id}` does not exist")))?;
        if file.status == FileStatus::Ready {
            tx.require(keys::file_key(tenant, file.id));
            files.push(file.clone());
            continue;
        }
        keep(app, tenant, file).await?;
        let mut ready = file.clone();
        ready.confirm();
        tx.update(file, &ready, file.version, "file.confirmed")?;
        files.push(ready);
    }
    Ok(files)
}

/// Makes a pending file's bytes its own: the upload, checked against the declared size
/// and type, is copied to the file's key, which no upload URL can write and nothing
/// writes twice. A copy already there (an earlier attempt whose transaction failed, a
/// racing one, or a file uploaded before uploads had a key of their own) is what the
/// file holds, checked the same way.
async fn keep(app: &App, tenant: TenantId, file: &StoredFile) -> Result<()> {
    let (upload, kept) = (keys::upload_key(tenant, file.id), keys::object_key(tenant, file.id));
    let uploaded = app.files().head(&upload).await?;
    if let Some(present) = &uploaded {
        check(file, present)?;
        if app.files().keep(&upload, &kept, present.etag.as_deref(), &file.content_type).await? {
            return Ok(());
        }
    }
    match app.files().head(&kept).await? {
        Some(present) => check(file, &present),
        None if uploaded.is_none() => {
            Err(Error::invalid_field("file_ids", format!("file `{}` has not been uploaded yet", file.id)))
        }
        None => Err(Error::conflict(format!("file `{}` changed while it was attached; try again", file.id))),
    }
}

/// The object is the declared size and type.
fn check(file: &StoredFile, present: &Present) -> Result<()> {
    if present.size != file.size || present.content_type.as_deref().is_some_and(|t| t != file.content_type) {
        return Err(Error::invalid_field(
            "file_ids",
            format!(
                "file `{}` is not the declared {} of {} bytes; upload it again",
                file.id, file.content_type, file.size
            ),
        ));
    }
    Ok(())
}

/// The one tenant file a record names in `file_id` (a quote's or invoice's PDF, a
/// document's file): `known` when it is the file the record already has (no read),
/// else a new upload of the tenant's, checked and confirmed through `tx` like
/// [`attachable`]. Errors name the field `file_id`.
pub async fn tenant_file(
    app: &App,
    tenant: TenantId,
    id: FileId,
    known: Option<&FileRef>,
    tx: &mut Tx,
) -> Result<FileRef> {
    if let Some(known) = known.filter(|k| k.file_id == id) {
        return Ok(known.clone());
    }
    let files = attachable(app, tenant, &FileOwner::Tenant, &[id], tx)
        .await
        .map_err(|e| e.renamed_field("file_ids", "file_id"))?;
    let file = files.first().ok_or_else(|| Error::invalid_field("file_id", format!("file `{id}` does not exist")))?;
    Ok(file.file_ref())
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
