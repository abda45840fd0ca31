//! Files: uploaded straight to S3 through a presigned PUT that is bound to the declared
//! content type and size, recorded here first, and usable (attachable to a note, a work
//! request or a job) only once the object is confirmed present with exactly that type and
//! size, and only by the tenant or customer that uploaded it.

use serde::{Deserialize, Serialize};

use super::ids::{CustomerId, FileId};
use super::tenant::{now, Timestamp};
use super::text::FileName;
use crate::error::Error;

/// The largest file accepted: 25 MiB.
pub const MAX_FILE_BYTES: u64 = 25 * 1024 * 1024;

/// What can be uploaded: documents, spreadsheets, photos and plain text.
pub const CONTENT_TYPES: [&str; 10] = [
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/heic",
    "text/plain",
    "text/csv",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-excel",
];

/// How long an upload URL stays valid, and how long an unconfirmed upload's record is
/// kept (TTL) before it disappears.
pub const UPLOAD_URL_SECONDS: u64 = 15 * 60;
pub const PENDING_UPLOAD_HOURS: i64 = 24;
/// How long a download link stays valid.
pub const DOWNLOAD_URL_SECONDS: u64 = 5 * 60;

/// Files attached to one note or work request, at most.
pub const MAX_FILES_PER_OBJECT: usize = 10;

/// Who may use a file: the tenant's admins (their uploads), or one customer's members
/// (and the tenant's admins, who see everything of theirs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FileOwner {
    Tenant,
    Customer { customer_id: CustomerId },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FileStatus {
    /// Upload URL handed out; the object may not be there yet.
    Pending,
    /// Confirmed present with the declared type and size.
    Ready,
}

/// A file's record. The object lives in S3 under the tenant's prefix.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredFile {
    pub id: FileId,
    pub owner: FileOwner,
    pub name: FileName,
    pub content_type: String,
    pub size: u64,
    pub uploaded_by: String,
    pub status: FileStatus,
    pub created_at: Timestamp,
    /// TTL while pending: a file never confirmed is forgotten.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    pub version: u64,
}

/// `POST /portal/uploads`, `POST /admin/files`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUpload {
    pub file_name: FileName,
    /// One of the accepted types (see `docs/files.md`).
    #[schema(schema_with = content_type_schema)]
    pub content_type: String,
    /// Exact size in bytes; the upload must send exactly this many.
    #[schema(minimum = 1, maximum = 26_214_400)]
    pub size: u64,
}

/// What `content_type` takes, as [`NewUpload::validate`] reads it: one of
/// [`CONTENT_TYPES`], in any case, with whitespace around.
fn content_type_schema() -> utoipa::openapi::schema::Object {
    let any_case = |t: &str| -> String {
        t.chars()
            .map(|c| match c {
                c if c.is_ascii_alphabetic() => format!("[{}{}]", c.to_ascii_lowercase(), c.to_ascii_uppercase()),
                '.' | '+' => format!("\\{c}"),
                c => c.to_string(),
            })
            .collect()
    };
    let types: Vec<String> = CONTENT_TYPES.iter().map(|t| any_case(t)).collect();
    let ws = super::text::WHITESPACE;
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .pattern(Some(format!("^[{ws}]*({})[{ws}]*$", types.join("|"))))
        .description(Some(format!("One of: {}", CONTENT_TYPES.join(", "))))
        .build()
}

/// What the client needs to upload: `PUT` the bytes to `upload_url` with exactly
/// `headers`, before `expires_at`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UploadView {
    pub file_id: FileId,
    pub upload_url: String,
    pub method: &'static str,
    pub headers: std::collections::BTreeMap<String, String>,
    pub expires_at: Timestamp,
}

/// A short-lived download link.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DownloadView {
    pub url: String,
    pub expires_at: Timestamp,
}

/// A file as attached to a note or work request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FileRef {
    pub file_id: FileId,
    pub name: FileName,
    pub content_type: String,
    pub size: u64,
}

impl NewUpload {
    /// Checks the declared type and size against what Portico accepts.
    pub fn validate(&self) -> Result<(), Error> {
        let content_type = self.content_type.trim().to_ascii_lowercase();
        if !CONTENT_TYPES.contains(&content_type.as_str()) {
            return Err(Error::invalid_field("content_type", format!("must be one of: {}", CONTENT_TYPES.join(", "))));
        }
        if self.size == 0 || self.size > MAX_FILE_BYTES {
            return Err(Error::invalid_field("size", format!("must be between 1 and {MAX_FILE_BYTES} bytes")));
        }
        Ok(())
    }
}

impl StoredFile {
    pub fn create(input: NewUpload, owner: FileOwner, uploaded_by: String) -> Self {
        let at = now();
        Self {
            id: FileId::generate(),
            owner,
            name: input.file_name,
            content_type: input.content_type.trim().to_ascii_lowercase(),
            size: input.size,
            uploaded_by,
            status: FileStatus::Pending,
            created_at: at,
            expires_at: Some(at.saturating_add(time::Duration::hours(PENDING_UPLOAD_HOURS)).unix_timestamp()),
            version: 1,
        }
    }

    /// Whether `user` may attach or read this file: the tenant's admins may use every
    /// file of the tenant; a customer's members only their customer's uploads.
    pub fn usable_by(&self, user: &FileOwner) -> bool {
        match user {
            FileOwner::Tenant => true,
            FileOwner::Customer { .. } => &self.owner == user,
        }
    }

    /// Confirmed present: no longer expires.
    pub fn confirm(&mut self) {
        self.status = FileStatus::Ready;
        self.expires_at = None;
        self.version += 1;
    }

    pub fn file_ref(&self) -> FileRef {
        FileRef { file_id: self.id, name: self.name.clone(), content_type: self.content_type.clone(), size: self.size }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(content_type: &str, size: u64) -> NewUpload {
        NewUpload { file_name: FileName::parse("report.pdf").unwrap(), content_type: content_type.into(), size }
    }

    #[test]
    fn the_content_type_schema_takes_what_validate_takes() {
        let schema = serde_json::to_value(content_type_schema()).unwrap();
        let pattern = regex_lite::Regex::new(schema["pattern"].as_str().unwrap()).unwrap();
        for t in [
            "application/pdf",
            " IMAGE/Jpeg\t",
            "text/csv",
            "application/vnd.ms-excel",
            "text/plain ",
            "image/png",
            "x/y",
            "application/pdfx",
            "application/pdf;",
            "image/jpegg",
            "application/vnd-ms-excel",
            "\u{1c}text/csv",
        ] {
            let upload = NewUpload { file_name: FileName::parse("a.pdf").unwrap(), content_type: t.into(), size: 1 };
            assert_eq!(upload.validate().is_ok(), pattern.is_match(t), "{t:?}");
        }
    }

    #[test]
    fn only_accepted_types_and_sizes_pass() {
        assert!(upload("application/pdf", 1).validate().is_ok());
        assert!(upload("Image/JPEG", MAX_FILE_BYTES).validate().is_ok());
        assert!(upload("application/pdf", 0).validate().is_err());
        assert!(upload("application/pdf", MAX_FILE_BYTES + 1).validate().is_err());
        assert!(upload("text/html", 10).validate().is_err());
        assert!(upload("application/x-msdownload", 10).validate().is_err());
    }

    #[test]
    fn a_customers_file_is_usable_by_that_customer_and_the_tenant_only() {
        let mine = CustomerId::generate();
        let file = StoredFile::create(
            upload("application/pdf", 5),
            FileOwner::Customer { customer_id: mine },
            "member:x".into(),
        );
        assert!(file.usable_by(&FileOwner::Customer { customer_id: mine }));
        assert!(file.usable_by(&FileOwner::Tenant));
        assert!(!file.usable_by(&FileOwner::Customer { customer_id: CustomerId::generate() }));
        let admins = StoredFile::create(upload("application/pdf", 5), FileOwner::Tenant, "admin:x".into());
        assert!(!admins.usable_by(&FileOwner::Customer { customer_id: mine }));
    }

    #[test]
    fn a_pending_upload_expires_and_a_confirmed_one_does_not() {
        let mut file = StoredFile::create(upload("application/pdf", 5), FileOwner::Tenant, "admin:x".into());
        assert_eq!(file.status, FileStatus::Pending);
        assert!(file.expires_at.is_some());
        file.confirm();
        assert_eq!(file.status, FileStatus::Ready);
        assert_eq!(file.expires_at, None);
    }
}
