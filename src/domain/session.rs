//! Intervention sessions: what the session note editor needs to open
//! (offline too, so it is all in one serialisable context), the values a
//! save carries, and a session as stored.

use crate::domain::enums::{FieldType, InterventionStatus};
use crate::domain::kinds::Attendance;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One of a program's session fields (`intervention_programs.session_fields`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldDef {
    pub key: String,
    pub label: String,
    pub field_type: FieldType,
    pub required: bool,
    /// For single_select and multi_select.
    #[serde(default)]
    pub options: Vec<String>,
    /// For number and rating_scale.
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
}

/// An active goal the editor offers a score for; a score becomes a
/// `progress_measurements` row tied to the session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoalToScore {
    pub id: Uuid,
    pub statement: String,
    pub measure: Option<String>,
    pub unit: Option<String>,
}

/// Everything the editor shows besides the values: kept in the draft, so a
/// recovered draft opens without the database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionContext {
    pub intervention_id: Uuid,
    pub student_id: Uuid,
    /// "Last, First".
    pub student_name: String,
    /// The program's name, or the custom plan's.
    pub intervention_name: String,
    pub status: InterventionStatus,
    /// The plan's minutes per session, else the `default_session_minutes`
    /// setting, else 30.
    pub planned_minutes: i16,
    /// The program's session fields, in order (empty for a custom plan).
    pub fields: Vec<FieldDef>,
    /// Active goals, in sort order.
    pub goals: Vec<GoalToScore>,
    /// field_values of the intervention's most recent session that has
    /// any (an absence records none; `{}` if there is none): the editor
    /// prefills the program fields from it.
    pub last_field_values: serde_json::Value,
    /// One of the person's roles has can_view_restricted.
    pub can_restrict: bool,
    /// The person may log and edit sessions of this intervention.
    pub may_write: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub goal_id: Uuid,
    pub value: f64,
}

/// A session's values as saved. Two saves with equal values are the same
/// save: that is how an ambiguous commit is settled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionValues {
    pub session_date: NaiveDate,
    pub start_time: Option<NaiveTime>,
    pub minutes: i16,
    pub attendance: Attendance,
    pub fidelity: Option<i16>,
    /// `None` for an empty note.
    pub note: Option<String>,
    /// A JSON object: session field key -> value.
    pub field_values: serde_json::Value,
    pub is_restricted: bool,
    /// One per scored goal, ordered by goal id.
    pub scores: Vec<Score>,
}

/// A save to send: a new session when `base_version` is `None`, else an
/// edit of the row at that version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionWrite {
    pub id: Uuid,
    pub intervention_id: Uuid,
    pub base_version: Option<i32>,
    pub values: SessionValues,
}

/// A session as the database has it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredSession {
    pub id: Uuid,
    pub intervention_id: Uuid,
    pub version: i32,
    pub values: SessionValues,
    pub updated_by_name: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// An active (or paused, or review-due) intervention of a student, for
/// choosing which one a session is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogTarget {
    pub intervention_id: Uuid,
    pub name: String,
    pub status: InterventionStatus,
}

/// The longest note the database takes (`intervention_sessions_note_check`).
pub const MAX_NOTE_CHARS: usize = 100_000;

/// The most minutes a session can last (`intervention_sessions_minutes_check`).
pub const MAX_MINUTES: i16 = 600;

/// Planned minutes when neither the plan nor the settings say.
pub const DEFAULT_PLANNED_MINUTES: i16 = 30;
