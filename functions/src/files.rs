//! Files in handlers: issuing upload URLs, and turning `file_ids` from a request into
//! files the caller may attach — theirs, and confirmed present in S3 with the declared
//! type and size.

use std::time::Duration;

use portico::domain::file::{FileOwner, FileRef, FileStatus, NewUpload, StoredFile, UploadView, UPLOAD_URL_SECONDS};
use portico::domain::ids::{FileId, TenantId};
use portico::domain::tenant::now;
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
        app.files().upload_url(&keys::object_key(tenant, file.id), &file.content_type, file.size, valid_for).await?;
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
        let present = app.files().head(&keys::object_key(tenant, file.id)).await?;
        match present {
            None => {
                return Err(Error::invalid_field("file_ids", format!("file `{id}` has not been uploaded yet")));
            }
            Some(p) if p.size != file.size || p.content_type.as_deref().is_some_and(|t| t != file.content_type) => {
                return Err(Error::invalid_field(
                    "file_ids",
                    format!(
                        "file `{id}` is not the declared {} of {} bytes; upload it again",
                        file.content_type, file.size
                    ),
                ));
            }
            Some(_) => {
                let mut ready = file.clone();
                ready.confirm();
                tx.update(file, &ready, file.version, "file.confirmed")?;
                files.push(ready);
            }
        }
    }
    Ok(files)
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
