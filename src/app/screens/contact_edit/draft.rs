//! A contact as the form had it, written to disk by the worker on every
//! change (as session notes are) and offered again when a form for the
//! same student, or the same logged contact, opens after a crash.

use super::ContactFor;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Bumped when the shape changes.
pub const FORMAT: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactDraft {
    pub format: u32,
    /// The contact's id: the form's for a new one (also the file's name).
    pub id: Uuid,
    /// The version an edit started from; `None` for a new contact.
    pub base_version: Option<i32>,
    pub of: ContactFor,
    /// The one-line fields as typed, by field name.
    pub values: BTreeMap<String, String>,
    pub guardian_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub summary: String,
    /// When the draft was last written, as the form's day ("2026-12-04").
    pub day: String,
}

impl ContactDraft {
    /// Whether the form being opened should offer this draft: an edit of
    /// the same contact, or a new contact for the same student.
    pub fn fits(&self, student_id: Uuid, editing: Option<Uuid>) -> bool {
        match editing {
            Some(id) => self.base_version.is_some() && self.id == id,
            None => self.base_version.is_none() && self.of.student_id == student_id,
        }
    }

    /// "check-in · Called about the field trip…", for the offer.
    pub fn summary_line(&self) -> String {
        let purpose = self.values.get("purpose").map_or("", String::as_str);
        let first = self
            .summary
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("(no summary yet)");
        let purpose = if purpose.trim().is_empty() {
            "(no purpose yet)"
        } else {
            purpose.trim()
        };
        format!("{purpose} · {first}")
    }
}
