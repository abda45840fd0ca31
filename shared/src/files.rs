//! S3: the tenant's files, moved only through short-lived presigned URLs. An upload URL
//! is bound to the object's key, content type and exact size (all signed), and writes
//! under `uploads/`; a file attached is copied from there to its own key, once, and
//! only that copy is ever downloaded — so the upload URL, used again within its life,
//! changes nothing anyone can read. A download URL is issued per request, after the
//! caller's right to the file was checked.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::Context as _;
use aws_sdk_s3::presigning::PresigningConfig;

use crate::domain::text::FileName;
use crate::error::Result;

#[derive(Clone)]
pub struct Files {
    client: aws_sdk_s3::Client,
    bucket: String,
}

/// What S3 holds at a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Present {
    pub size: u64,
    pub content_type: Option<String>,
    /// The object's entity tag: which bytes these are.
    pub etag: Option<String>,
}

/// `Content-Disposition: attachment` with the file's name, ASCII fallback plus the
/// UTF-8 form (RFC 6266 / RFC 5987).
pub fn content_disposition(name: &FileName) -> String {
    let ascii: String = name.as_str().chars().map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '_' }).collect();
    let mut encoded = String::new();
    for b in name.as_str().bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

impl Files {
    pub fn new(client: aws_sdk_s3::Client, bucket: impl Into<String>) -> Self {
        Self { client, bucket: bucket.into() }
    }

    /// A presigned `PUT` for exactly `size` bytes of `content_type` at `key`; returns the
    /// URL and the headers the upload must send.
    pub async fn upload_url(
        &self,
        key: &str,
        content_type: &str,
        size: u64,
        valid_for: Duration,
    ) -> Result<(String, BTreeMap<String, String>)> {
        let signed = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .content_length(i64::try_from(size).context("size")?)
            .presigned(PresigningConfig::expires_in(valid_for).context("presigning config")?)
            .await
            .context("presigning PutObject")?;
        let headers = signed.headers().map(|(k, v)| (k.to_ascii_lowercase(), v.to_owned())).collect();
        Ok((signed.uri().to_owned(), headers))
    }

    /// A presigned `GET` that downloads the object as `name`.
    pub async fn download_url(
        &self,
        key: &str,
        name: &FileName,
        content_type: &str,
        valid_for: Duration,
    ) -> Result<String> {
        let signed = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .response_content_disposition(content_disposition(name))
            .response_content_type(content_type)
            .presigned(PresigningConfig::expires_in(valid_for).context("presigning config")?)
            .await
            .context("presigning GetObject")?;
        Ok(signed.uri().to_owned())
    }

    /// What is stored at `key`, if anything.
    #[tracing::instrument(skip(self))]
    pub async fn head(&self, key: &str) -> Result<Option<Present>> {
        match self.client.head_object().bucket(&self.bucket).key(key).send().await {
            Ok(out) => Ok(Some(Present {
                size: out.content_length().and_then(|n| u64::try_from(n).ok()).unwrap_or(0),
                content_type: out.content_type().map(str::to_owned),
                etag: out.e_tag().map(str::to_owned),
            })),
            Err(e) => {
                let e = e.into_service_error();
                if e.is_not_found() {
                    Ok(None)
                } else {
                    Err(anyhow::Error::new(e).context("HeadObject").into())
                }
            }
        }
    }
}

impl Files {
    /// Copies the upload at `from` to `to` as `content_type` — only if `from` still holds
    /// the bytes that were checked (`etag`) and nothing is at `to` yet, both conditions
    /// S3's own. `false` when either failed: the upload changed meanwhile, or `to` was
    /// written before (and stays as it is).
    #[tracing::instrument(skip(self))]
    pub async fn keep(&self, from: &str, to: &str, etag: Option<&str>, content_type: &str) -> Result<bool> {
        let copied = self
            .client
            .copy_object()
            .bucket(&self.bucket)
            .copy_source(format!("{}/{from}", self.bucket))
            .set_copy_source_if_match(etag.map(str::to_owned))
            .key(to)
            .if_none_match("*")
            .metadata_directive(aws_sdk_s3::types::MetadataDirective::Replace)
            .content_type(content_type)
            .send()
            .await;
        match copied {
            Ok(_) => Ok(true),
            Err(e) => match e.raw_response().map(|r| r.status().as_u16()) {
                Some(412) => Ok(false),
                // Another copy to `to` at this very moment (S3's ConditionalRequestConflict).
                Some(409) => Err(crate::error::Error::conflict("the file is being attached by another request")),
                _ => Err(anyhow::Error::new(e.into_service_error()).context("CopyObject").into()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Files {
        let config = aws_sdk_s3::Config::builder()
            .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
            .region(aws_sdk_s3::config::Region::new("eu-west-1"))
            .credentials_provider(aws_sdk_s3::config::Credentials::new("AKIDEXAMPLE", "secret", None, None, "test"))
            .build();
        Files::new(aws_sdk_s3::Client::from_conf(config), "portico-files")
    }

    #[tokio::test]
    async fn an_upload_url_signs_the_key_type_and_exact_size_and_expires() {
        let (url, headers) = files()
            .upload_url("tenants/ten_x/files/file_y", "application/pdf", 1234, Duration::from_secs(900))
            .await
            .unwrap();
        assert!(url.contains("tenants/ten_x/files/file_y"), "{url}");
        assert!(url.contains("X-Amz-Expires=900"), "{url}");
        let signed = url.split("X-Amz-SignedHeaders=").nth(1).unwrap().split('&').next().unwrap();
        let signed = signed.replace("%3B", ";");
        assert!(signed.split(';').any(|h| h == "content-length"), "{signed}");
        assert!(signed.split(';').any(|h| h == "content-type"), "{signed}");
        assert_eq!(headers.get("content-type").map(String::as_str), Some("application/pdf"));
        assert_eq!(headers.get("content-length").map(String::as_str), Some("1234"));
    }

    #[tokio::test]
    async fn a_download_url_names_the_file_and_is_short_lived() {
        let name = FileName::parse("Service record – März.pdf").unwrap();
        let url = files().download_url("k", &name, "application/pdf", Duration::from_secs(300)).await.unwrap();
        assert!(url.contains("X-Amz-Expires=300"), "{url}");
        assert!(url.contains("response-content-disposition=attachment"), "{url}");
    }

    #[test]
    fn the_disposition_keeps_unicode_names_safe() {
        let name = FileName::parse("Offerte é 1.pdf").unwrap();
        assert_eq!(
            content_disposition(&name),
            "attachment; filename=\"Offerte _ 1.pdf\"; filename*=UTF-8''Offerte%20%C3%A9%201.pdf"
        );
    }
}
