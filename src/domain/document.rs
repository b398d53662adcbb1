//! Documents as every layer sees them: a row of the Documents screen, its
//! keyset page, the categories a document may have, and what a person may
//! do to one (attach, detach, delete).

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// `documents.category`'s values, in the order the form offers them.
pub const CATEGORIES: &[(&str, &str)] = &[
    ("consent", "consent"),
    ("evaluation", "evaluation"),
    ("work_sample", "work sample"),
    ("report", "report"),
    ("other", "other"),
];

/// The words for a stored category ("work sample" for `work_sample`).
pub fn category_words(key: &str) -> &str {
    CATEGORIES
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(key, |(_, w)| w)
}

/// 1.5 MB, 200 B: sizes as people read them (decimal units, as file
/// managers show them).
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "kB", "MB", "GB"];
    let mut v = bytes as f64;
    let mut unit = 0;
    while v >= 1000.0 && unit < UNITS.len() - 1 {
        v /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// One document of the Documents screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocRow {
    pub id: Uuid,
    pub student_id: Uuid,
    pub student_name: String,
    pub filename: String,
    pub title: Option<String>,
    pub category: Option<String>,
    pub content_type: String,
    pub byte_size: i64,
    pub uploaded_at: DateTime<Utc>,
    pub uploaded_by: Option<String>,
    pub is_restricted: bool,
}

/// Where a page starts: the row it continues from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocCursor {
    pub uploaded_at: DateTime<Utc>,
    pub id: Uuid,
}

impl From<&DocRow> for DocCursor {
    fn from(r: &DocRow) -> Self {
        DocCursor {
            uploaded_at: r.uploaded_at,
            id: r.id,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocPageRequest {
    Newest,
    /// The rows after this one (older).
    Older(DocCursor),
    /// The rows before this one (newer).
    Newer(DocCursor),
}

/// Rows newest first; whether rows exist on either side of the page.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DocPage {
    pub rows: Vec<DocRow>,
    pub newer: bool,
    pub older: bool,
}

/// A change to a document, done by the database's functions (0022).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocChange {
    Attach {
        document: Uuid,
        intervention: Uuid,
    },
    Detach {
        document: Uuid,
        intervention: Uuid,
    },
    /// Marked deleted at once; the object is the sweeper's.
    Delete {
        document: Uuid,
    },
}

impl DocChange {
    /// What `y` does, under the question.
    pub fn verb(&self) -> &'static str {
        match self {
            DocChange::Attach { .. } => "attach",
            DocChange::Detach { .. } => "detach",
            DocChange::Delete { .. } => "delete",
        }
    }

    /// What the status line says once it is done.
    pub fn done(&self) -> &'static str {
        match self {
            DocChange::Attach { .. } => "attached",
            DocChange::Detach { .. } => "detached (the document stays on the student's record)",
            DocChange::Delete { .. } => "document deleted",
        }
    }
}

/// What the upload form needs to know about the student.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadContext {
    pub student_name: String,
    /// May add documents to this student's file.
    pub may_write: bool,
    /// May mark a document restricted (`can_view_restricted`).
    pub may_restrict: bool,
}

/// One name in a listed folder (Tab completion).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub is_dir: bool,
}

/// A file to upload, as the form has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadJob {
    pub student_id: Uuid,
    pub intervention_id: Option<Uuid>,
    /// As typed: `~/` is the home folder, relative to where caseload runs.
    pub path: String,
    pub title: Option<String>,
    pub category: Option<String>,
    pub restricted: bool,
}

/// When the file to save already exists (with other bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnConflict {
    /// Answer `FileEvent::Exists` and wait for the person.
    Ask,
    /// Save as "name (1).pdf".
    KeepBoth,
    Replace,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadJob {
    pub document_id: Uuid,
    /// As typed; empty: the download folder (XDG).
    pub folder: String,
    pub on_conflict: OnConflict,
    /// Open it with the system opener afterwards (never over SSH).
    pub open: bool,
}

/// The worker's news of an upload, a download or a folder listing.
#[derive(Debug, Clone, PartialEq)]
pub enum FileEvent {
    /// `done` bytes of `total` moved, at `rate` bytes a second.
    Progress {
        done: u64,
        total: Option<u64>,
        rate: f64,
    },
    Uploaded {
        document_id: Uuid,
        filename: String,
        byte_size: u64,
    },
    Downloaded {
        path: String,
        bytes: u64,
        /// The same bytes were there already: nothing was written.
        already_there: bool,
        /// Opened with the system opener (`Err`: why not).
        opened: Option<Result<(), String>>,
    },
    /// The file exists with other bytes; `suggestion` is free.
    Exists {
        path: String,
        suggestion: String,
    },
    /// The folder of what was typed, listed.
    Listed {
        typed: String,
        entries: Vec<Entry>,
    },
    /// Stopped on Esc: nothing recorded, nothing left behind.
    Cancelled,
    Failed {
        why: String,
    },
}
