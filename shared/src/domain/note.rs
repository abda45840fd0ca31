//! Notes on jobs: members add a note, optionally with files.

use serde::{Deserialize, Serialize};

use super::file::FileRef;
use super::ids::{FileId, JobId, NoteId};
use super::job::Job;
use super::tenant::{now, Timestamp};
use super::text::{ExternalRef, Name, Notes};
use crate::error::Error;

/// `POST /portal/jobs/{job_id}/notes`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewNote {
    /// Up to 4000 characters.
    pub text: Notes,
    /// Files uploaded through `POST /portal/uploads`.
    #[serde(default)]
    pub file_ids: Vec<FileId>,
}

impl NewNote {
    pub fn validate(&self) -> Result<(), Error> {
        super::work_request::check_file_ids(&self.file_ids)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Note {
    pub id: NoteId,
    pub job_id: JobId,
    /// The job's reference in the back office, as it stood when the note was written:
    /// what `job.note_added` tells the back office the note is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_ref: Option<ExternalRef>,
    /// Who wrote it (`member:mem_…`).
    pub author: String,
    pub author_name: Name,
    pub text: Notes,
    pub files: Vec<FileRef>,
    pub created_at: Timestamp,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NoteView {
    pub id: NoteId,
    pub job_id: JobId,
    pub author_name: Name,
    pub text: Notes,
    pub files: Vec<FileRef>,
    pub created_at: Timestamp,
}

impl Note {
    pub fn create(job: &Job, author: String, author_name: Name, input: NewNote, files: Vec<FileRef>) -> Self {
        Self {
            id: NoteId::generate(),
            job_id: job.id,
            job_ref: Some(job.external_ref.clone()),
            author,
            author_name,
            text: input.text,
            files,
            created_at: now(),
        }
    }

    pub fn view(&self) -> NoteView {
        NoteView {
            id: self.id,
            job_id: self.job_id,
            author_name: self.author_name.clone(),
            text: self.text.clone(),
            files: self.files.clone(),
            created_at: self.created_at,
        }
    }
}
