//! Intervention sessions: what the session note editor needs to open
//! (offline too, so it is all in one serialisable context), the values a
//! save carries, and a session as stored.

use crate::domain::enums::{FieldType, InterventionStatus};
use crate::domain::kinds::Attendance;
use crate::domain::refusal::Refusal;
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
    /// `carry_over` in the definition: a new session opens with the last
    /// session's value (a target sound, a book), marked as carried until
    /// confirmed. Other fields open empty, so last time's answer (a mood,
    /// points) is never recorded as today's without anyone typing it.
    #[serde(default)]
    pub carry: bool,
    /// `retired` in the definition: no longer asked for in new sessions;
    /// a saved session that holds a value for it still shows it (a field
    /// is never removed from a program, 0028).
    #[serde(default)]
    pub retired: bool,
}

/// The fields a session's editor shows: the program's, less the retired
/// ones, except those `saved` (a stored session's `field_values`) holds a
/// value for, so an old value stays readable and is saved back as it was.
pub fn fields_for(fields: &[FieldDef], saved: Option<&serde_json::Value>) -> Vec<FieldDef> {
    fields
        .iter()
        .filter(|f| {
            !f.retired
                || saved
                    .and_then(|v| v.get(&f.key))
                    .is_some_and(|v| !v.is_null())
        })
        .cloned()
        .collect()
}

/// An active goal the editor offers a score for; a score becomes a
/// `progress_measurements` row tied to the session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoalToScore {
    pub id: Uuid,
    pub statement: String,
    pub measure: Option<String>,
    pub unit: Option<String>,
    /// What tells two goals on one measure apart in the editor.
    #[serde(default)]
    pub target: Option<f64>,
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
    /// prefills the program fields that carry over from it.
    pub last_field_values: serde_json::Value,
    /// That session's date, for the carried values' marker.
    #[serde(default)]
    pub last_session_date: Option<NaiveDate>,
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

/// The plan's minutes, else a usable `default_session_minutes` setting,
/// else 30.
pub fn planned_minutes(plan: Option<i16>, setting: Option<&serde_json::Value>) -> i16 {
    let from_setting = setting
        .and_then(|v| {
            v.as_f64()
                .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
        })
        .filter(|m| (1.0..=f64::from(MAX_MINUTES)).contains(m))
        .map(|m| m.round() as i16);
    plan.filter(|m| (0..=MAX_MINUTES).contains(m))
        .or(from_setting)
        .unwrap_or(DEFAULT_PLANNED_MINUTES)
}

/// Why no new session can be logged for an intervention in `status`, or
/// `None`. Completed and discontinued are final: no transition leads back,
/// so a new session would be logged against a closed record. The database
/// would still take one (`caseload_may_log_session` asks who, not when)
/// and lets saved sessions be corrected: only new ones are refused, and
/// [`SAVED_STAY_EDITABLE`] says so where there is room.
pub fn no_new_session(status: InterventionStatus) -> Option<String> {
    crate::domain::lifecycle::is_final(status)
        .then(|| format!("this intervention is {status}: sessions can no longer be logged for it"))
}

/// Follows [`no_new_session`]'s message where there is room for it.
pub const SAVED_STAY_EDITABLE: &str =
    "Its saved sessions can still be corrected: sessions tab, enter or e.";

/// The database's rules for a session, checked before sending so the
/// person reads the rule rather than a constraint name.
pub fn validate(v: &SessionValues) -> Result<(), Refusal> {
    if !(0..=MAX_MINUTES).contains(&v.minutes) {
        return Err(Refusal::SessionMinutes);
    }
    if v.attendance != Attendance::Present && v.minutes != 0 {
        return Err(Refusal::AbsentWithMinutes);
    }
    if v.fidelity.is_some_and(|f| !(0..=100).contains(&f)) {
        return Err(Refusal::SessionFidelity);
    }
    if v.note
        .as_ref()
        .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS)
    {
        return Err(Refusal::NoteTooLong);
    }
    if !v.field_values.is_object() {
        return Err(Refusal::FieldValuesNotObject);
    }
    let mut goals: Vec<Uuid> = v.scores.iter().map(|s| s.goal_id).collect();
    goals.sort();
    if goals.windows(2).any(|w| w[0] == w[1]) {
        return Err(Refusal::GoalScoredTwice);
    }
    if v.scores.iter().any(|s| !s.value.is_finite()) {
        return Err(Refusal::Invalid("a score must be a number".into()));
    }
    Ok(())
}

/// Whether `stored` is what saving `ours` leaves in the database: equal
/// values, scores in any order, each score as `numeric` gives it back.
pub fn same_values(ours: &SessionValues, stored: &SessionValues) -> bool {
    let by_goal = |v: &SessionValues| {
        let mut s: Vec<(Uuid, f64)> = v.scores.iter().map(|s| (s.goal_id, s.value)).collect();
        s.sort_by_key(|&(g, _)| g);
        s
    };
    let (a, b) = (by_goal(ours), by_goal(stored));
    // float8 -> numeric keeps 15 significant digits.
    let close = |x: f64, y: f64| x == y || (x - y).abs() <= 1e-12 * x.abs().max(y.abs());
    ours.session_date == stored.session_date
        && ours.start_time == stored.start_time
        && ours.minutes == stored.minutes
        && ours.attendance == stored.attendance
        && ours.fidelity == stored.fidelity
        && ours.note == stored.note
        && ours.field_values == stored.field_values
        && ours.is_restricted == stored.is_restricted
        && a.len() == b.len()
        && a.iter().zip(&b).all(|(x, y)| x.0 == y.0 && close(x.1, y.1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn planned_minutes_prefer_the_plan_then_the_setting_then_30() {
        assert_eq!(planned_minutes(Some(25), Some(&json!(45))), 25);
        assert_eq!(planned_minutes(None, Some(&json!(45))), 45);
        assert_eq!(planned_minutes(None, Some(&json!("40"))), 40);
        assert_eq!(planned_minutes(None, Some(&json!("lots"))), 30);
        assert_eq!(planned_minutes(None, Some(&json!(9000))), 30);
        assert_eq!(planned_minutes(None, None), 30);
    }

    fn values() -> SessionValues {
        SessionValues {
            session_date: NaiveDate::from_ymd_opt(2026, 3, 9).unwrap(),
            start_time: None,
            minutes: 30,
            attendance: Attendance::Present,
            fidelity: Some(80),
            note: None,
            field_values: json!({}),
            is_restricted: false,
            scores: vec![
                Score {
                    goal_id: Uuid::from_u128(2),
                    value: 0.1 + 0.2,
                },
                Score {
                    goal_id: Uuid::from_u128(1),
                    value: 7.0,
                },
            ],
        }
    }

    #[test]
    fn stored_values_compare_as_numeric_gives_them_back() {
        let ours = values();
        let mut stored = ours.clone();
        stored.scores.reverse();
        stored.scores[1].value = 0.3;
        assert!(same_values(&ours, &stored));
        stored.scores[1].value = 0.31;
        assert!(!same_values(&ours, &stored));
        let mut stored = ours.clone();
        stored.scores.pop();
        assert!(!same_values(&ours, &stored));
        let mut stored = ours.clone();
        stored.note = Some(String::new());
        assert!(!same_values(&ours, &stored));
    }

    #[test]
    fn validation_mirrors_the_constraints() {
        assert_eq!(validate(&values()), Ok(()));
        let with = |f: fn(&mut SessionValues)| {
            let mut v = values();
            f(&mut v);
            validate(&v)
        };
        assert_eq!(with(|v| v.minutes = 601), Err(Refusal::SessionMinutes));
        assert_eq!(with(|v| v.minutes = -1), Err(Refusal::SessionMinutes));
        assert_eq!(with(|v| v.minutes = 600), Ok(()));
        assert_eq!(
            with(|v| v.attendance = Attendance::Cancelled),
            Err(Refusal::AbsentWithMinutes)
        );
        assert_eq!(
            with(|v| {
                v.attendance = Attendance::Cancelled;
                v.minutes = 0;
            }),
            Ok(())
        );
        assert_eq!(
            with(|v| v.fidelity = Some(101)),
            Err(Refusal::SessionFidelity)
        );
        assert_eq!(
            with(|v| v.field_values = json!("x")),
            Err(Refusal::FieldValuesNotObject)
        );
        assert_eq!(
            with(|v| v.scores[1].goal_id = v.scores[0].goal_id),
            Err(Refusal::GoalScoredTwice)
        );
        assert!(with(|v| v.scores[0].value = f64::NAN).is_err());
    }
}
