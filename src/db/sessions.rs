//! Intervention sessions: what the session note editor needs to open
//! (offline too, so it is all in one serialisable context), and saves that
//! are idempotent by the client-generated id and optimistic on version.

use crate::db::enums::{FieldType, InterventionStatus};
use crate::db::interventions::{Attendance, WriteError};
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
    /// field_values of the intervention's most recent session (`{}` if
    /// none): the editor prefills the program fields from it.
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

pub type SaveError = WriteError<StoredSession>;

/// The editor's context for a new or edited session of `intervention_id`;
/// `None` when the intervention is not visible.
pub async fn context(
    _client: &tokio_postgres::Client,
    _intervention_id: Uuid,
) -> Result<Option<SessionContext>, tokio_postgres::Error> {
    todo!("helper A")
}

/// The student's interventions a session can be logged for.
pub async fn targets_for_student(
    _client: &tokio_postgres::Client,
    _student_id: Uuid,
) -> Result<Vec<LogTarget>, tokio_postgres::Error> {
    todo!("helper A")
}

/// One session with its scores; `None` when gone or not visible.
pub async fn load(
    _client: &tokio_postgres::Client,
    _id: Uuid,
) -> Result<Option<StoredSession>, tokio_postgres::Error> {
    todo!("helper A")
}

/// Inserts (base_version `None`) or updates (at base_version) the session
/// and its scores in one transaction; returns the version now stored.
/// Retrying the same write after an ambiguous failure is safe: an existing
/// row with equal values counts as saved.
pub async fn save(
    _client: &mut tokio_postgres::Client,
    _w: &SessionWrite,
) -> Result<i32, SaveError> {
    todo!("helper A")
}

/// Deletes the session if it is still at `version` (its scores go with it).
pub async fn delete(
    _client: &mut tokio_postgres::Client,
    _id: Uuid,
    _version: i32,
) -> Result<(), SaveError> {
    todo!("helper A")
}

/// The connection failed or the server went away: the same write may
/// succeed later, so an outbox retries it rather than giving it back.
pub fn is_transient(_e: &tokio_postgres::Error) -> bool {
    todo!("helper A")
}
