//! Documents (the `view_documents` permission): PDFs and other files the tenant uploads
//! (`POST /admin/files`) and links to a customer, optionally to one of its sites.
//!
//! A member sees a document exactly when all of these hold ([`Document::visible_to`]):
//! - it is flagged `visible_in_portal`;
//! - it is in their scope: with a site, their scope covers the site; without one (a
//!   customer-wide document: a contract, a certificate) it belongs to the member's own
//!   customer, or their scope covers that customer as a whole;
//! - it is not among the member's `hidden_document_ids` (`PUT
//!   /admin/members/{id}/document-restrictions`).
//!
//! Anything else is a 404 — a hidden document reads exactly like one that does not exist.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::file::FileRef;
use super::hierarchy::{CustomerPath, SiteRef};
use super::ids::{CustomerId, DocumentId, FileId, SiteId};
use super::scope::{Partitions, Scope};
use super::tenant::{double_option, now, Timestamp};
use super::text::{FileName, Name};

/// `POST /admin/documents`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDocument {
    pub customer_id: CustomerId,
    /// One of the customer's sites; without one, the document is customer-wide.
    pub site_id: Option<SiteId>,
    /// Uploaded through `POST /admin/files`.
    pub file_id: FileId,
    pub title: Name,
    /// Shown in the portal only when true (false when not given).
    #[serde(default)]
    pub visible_in_portal: bool,
}

/// `PATCH /admin/documents/{document_id}`: the fields given change.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentPatch {
    pub title: Option<Name>,
    /// Another site of the document's customer, or null for customer-wide.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<SiteId>)]
    pub site_id: Option<Option<SiteId>>,
    /// Replaces the file (uploaded through `POST /admin/files`).
    pub file_id: Option<FileId>,
    pub visible_in_portal: Option<bool>,
}

/// A document as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Document {
    pub id: DocumentId,
    pub customer_id: CustomerId,
    pub customer_path: CustomerPath,
    pub site_id: Option<SiteId>,
    pub file: FileRef,
    pub title: Name,
    pub visible_in_portal: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

/// A document as the admin API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DocumentView {
    pub id: DocumentId,
    pub customer_id: CustomerId,
    pub site_id: Option<SiteId>,
    pub file_id: FileId,
    pub file_name: FileName,
    pub content_type: String,
    pub size: u64,
    pub title: Name,
    pub visible_in_portal: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

/// A document as a member sees it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PortalDocumentView {
    pub id: DocumentId,
    pub title: Name,
    pub customer_id: CustomerId,
    pub site_id: Option<SiteId>,
    pub file_name: FileName,
    pub content_type: String,
    pub size: u64,
    /// When it was published or last changed.
    pub updated_at: Timestamp,
    /// `GET` this path for a short-lived download link.
    pub download: String,
}

/// Who is asking, as the document rule needs it.
pub struct Reader<'a> {
    pub customer_id: CustomerId,
    pub scope: &'a Scope,
    pub hidden: &'a BTreeSet<DocumentId>,
}

impl Document {
    pub fn create(input: NewDocument, customer_path: CustomerPath, file: FileRef) -> Self {
        let at = now();
        Self {
            id: DocumentId::generate(),
            customer_id: input.customer_id,
            customer_path,
            site_id: input.site_id,
            file,
            title: input.title,
            visible_in_portal: input.visible_in_portal,
            created_at: at,
            updated_at: at,
            version: 1,
        }
    }

    /// Applies a patch (the file already checked and resolved by the caller); the
    /// version moves only if something changed.
    pub fn apply(&mut self, patch: DocumentPatch, file: Option<FileRef>) {
        let before = self.clone();
        if let Some(title) = patch.title {
            self.title = title;
        }
        if let Some(site) = patch.site_id {
            self.site_id = site;
        }
        if let Some(file) = file {
            self.file = file;
        }
        if let Some(visible) = patch.visible_in_portal {
            self.visible_in_portal = visible;
        }
        if !super::representation::same_content(self, &before) {
            self.updated_at = now();
            self.version += 1;
        }
    }

    /// The document rule (see the module's doc). `site_division` is the document's
    /// site's current division, needed only for division grants.
    pub fn visible_to(&self, reader: &Reader<'_>, site_division: Option<super::ids::DivisionId>) -> bool {
        if !self.visible_in_portal || reader.hidden.contains(&self.id) {
            return false;
        }
        match self.site_id {
            Some(site) => reader.scope.covers(&SiteRef {
                id: site,
                customer_path: &self.customer_path,
                division_id: site_division,
            }),
            None => reader.customer_id == self.customer_id || reader.scope.covers_customer(&self.customer_path),
        }
    }

    /// The same rule as [`Document::visible_to`], for a document read from a member's
    /// list partitions (`parts`, their scope resolved): the list's defence in depth.
    pub fn listed_for(&self, reader: &Reader<'_>, parts: &Partitions) -> bool {
        if !self.visible_in_portal || reader.hidden.contains(&self.id) {
            return false;
        }
        match self.site_id {
            Some(site) => parts.hold(self.customer_id, site),
            None => reader.customer_id == self.customer_id || parts.customers.contains(&self.customer_id),
        }
    }

    pub fn view(&self) -> DocumentView {
        DocumentView {
            id: self.id,
            customer_id: self.customer_id,
            site_id: self.site_id,
            file_id: self.file.file_id,
            file_name: self.file.name.clone(),
            content_type: self.file.content_type.clone(),
            size: self.file.size,
            title: self.title.clone(),
            visible_in_portal: self.visible_in_portal,
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
        }
    }

    pub fn portal_view(&self) -> PortalDocumentView {
        PortalDocumentView {
            id: self.id,
            title: self.title.clone(),
            customer_id: self.customer_id,
            site_id: self.site_id,
            file_name: self.file.name.clone(),
            content_type: self.file.content_type.clone(),
            size: self.file.size,
            updated_at: self.updated_at,
            download: format!("/portal/documents/{}/download", self.id),
        }
    }
}
