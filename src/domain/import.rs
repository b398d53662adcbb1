//! A OneRoster import job's result as the Import screen reads it back:
//! counts per file and the lines worth reading (refused first), capped so
//! `jobs.result` stays small whatever the export holds.

use serde::{Deserialize, Serialize};

/// The kind (job_kinds, migration 0031): runs as its author.
pub const KIND: &str = "oneroster.import";

/// The most report lines a job's result keeps; the rest are counted.
pub const MAX_LINES: usize = 500;

/// The job's payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportPayload {
    /// A folder or .zip this machine can read.
    pub path: String,
    #[serde(default)]
    pub dry_run: bool,
    /// Give each staff member the import adds a login role.
    #[serde(default)]
    pub logins: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileCounts {
    pub name: String,
    /// Why it was not read (absent, or nothing caseload keeps).
    pub not_read: Option<String>,
    pub added: usize,
    pub changed: usize,
    /// Unchanged, or read but not for caseload.
    pub left_alone: usize,
    pub refused: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportLine {
    pub file: String,
    pub line: u64,
    /// "refused", "added", "changed" or "left alone".
    pub outcome: String,
    pub detail: String,
}

/// `jobs.result` of an `oneroster.import` job.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub dry_run: bool,
    /// Written and committed.
    pub committed: bool,
    /// Lines refused in all files: a real run imports nothing while > 0
    /// (what `caseload import oneroster --dry-run` exits non-zero for).
    pub refused: usize,
    pub files: Vec<FileCounts>,
    /// Refused lines first, then added, changed and left alone (not the
    /// unchanged ones), at most [`MAX_LINES`].
    pub lines: Vec<ReportLine>,
    /// Lines not kept past the cap.
    pub more_lines: usize,
    /// The report's last line: what happened, or would.
    pub summary: String,
}

impl ImportSummary {
    pub fn added(&self) -> usize {
        self.files.iter().map(|f| f.added).sum()
    }

    pub fn changed(&self) -> usize {
        self.files.iter().map(|f| f.changed).sum()
    }
}
