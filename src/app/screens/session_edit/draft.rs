//! A session note as the editor had it, written to disk by the worker on
//! every change and read back after a crash. It carries the context too,
//! so a recovered draft opens (and can be queued) without the database.

use crate::domain::session::SessionContext;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Bumped when the shape changes; older drafts are still read where they can be.
pub const FORMAT: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionDraft {
    pub format: u32,
    /// The session's client-generated id (also the file's name).
    pub id: Uuid,
    /// The version the edit started from; `None` for a new session.
    pub base_version: Option<i32>,
    pub context: SessionContext,
    pub today: NaiveDate,
    /// The one-line fields as typed, in the editor's order.
    pub values: Vec<String>,
    /// What they were when editing started.
    pub original: Vec<String>,
    pub note: String,
    pub original_note: String,
}

impl SessionDraft {
    /// One line for the drafts list: who, what, when, how the note starts.
    pub fn summary(&self) -> String {
        let first = self
            .note
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("(no note yet)");
        let date = self.values.first().map_or("", String::as_str);
        let kind = if self.base_version.is_some() {
            "edit"
        } else {
            "new"
        };
        format!(
            "{} · {} · {date} · {kind} · {first}",
            self.context.student_name, self.context.intervention_name
        )
    }
}
