//! What a write can come back with, in terms the screen can show: a refusal
//! names the rule (whether the domain layer or a database constraint caught
//! it), a conflict carries the row as it is now so nothing is overwritten
//! blindly.

use crate::db::migrate::describe_pg_error;
use crate::domain::enums::InterventionStatus;
use crate::domain::refusal::Refusal;
use tokio_postgres::error::SqlState;

#[derive(Debug, thiserror::Error)]
pub enum WriteError<C: std::fmt::Debug> {
    #[error("not found (deleted, or not visible to you)")]
    NotFound,
    #[error("changed by someone else in the meantime")]
    Conflict { current: Box<C> },
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error("database error: {}", describe_pg_error(.0))]
    Db(tokio_postgres::Error),
}

impl<C: std::fmt::Debug> WriteError<C> {
    /// Zero rows matched `WHERE id = $1 AND version = $2`: the row moved on,
    /// or is gone.
    pub fn stale(current: Option<C>) -> Self {
        match current {
            Some(c) => WriteError::Conflict {
                current: Box::new(c),
            },
            None => WriteError::NotFound,
        }
    }

    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            WriteError::Refused(r) => Some(r),
            _ => None,
        }
    }
}

impl<C: std::fmt::Debug> From<tokio_postgres::Error> for WriteError<C> {
    fn from(e: tokio_postgres::Error) -> Self {
        match refusal_of(&e) {
            Some(r) => WriteError::Refused(r),
            None => WriteError::Db(e),
        }
    }
}

/// The ending of the constraint names 0015_printable_names.sql raises.
pub const NAMES_PRINTABLE: &str = "_names_printable";

/// The refusal behind a constraint or trigger error, by constraint name.
pub fn refusal_of(e: &tokio_postgres::Error) -> Option<Refusal> {
    let db = e.as_db_error()?;
    let constraint = db.constraint().unwrap_or_default();
    let code = db.code();
    // Row-level security and table grants name no constraint; only the
    // sessions' write rules (0011_sessions.sql) have words of their own.
    if *code == SqlState::INSUFFICIENT_PRIVILEGE {
        let m = db.message();
        // "new row violates row-level security policy [\"name\"] for table
        // \"intervention_sessions\"" (a restrictive policy is named), or
        // "permission denied for table intervention_sessions".
        if m.contains("\"intervention_sessions_restricted\"") {
            return Some(Refusal::RestrictNotAllowed);
        }
        let sessions =
            m.contains("\"intervention_sessions\"") || m.ends_with("table intervention_sessions");
        return sessions.then_some(Refusal::MayNotLogSessions);
    }
    if *code == SqlState::FOREIGN_KEY_VIOLATION {
        return Some(Refusal::MissingReference(constraint.to_string()));
    }
    if *code != SqlState::CHECK_VIOLATION && *code != SqlState::UNIQUE_VIOLATION {
        return None;
    }
    Some(match constraint {
        "interventions_lifecycle" => transition_of(db.message())
            .map(|(from, to)| Refusal::IllegalTransition { from, to })
            .unwrap_or_else(|| Refusal::Invalid(db.message().to_string())),
        "interventions_outcome_required" => Refusal::OutcomeRequired,
        "interventions_end_after_start" => Refusal::EndBeforeStart,
        "interventions_started_has_start_date" => Refusal::StartDateRequired,
        "interventions_named" => Refusal::NameRequired,
        "intervention_goals_target_after_baseline" => Refusal::TargetNotAfterBaseline,
        "intervention_goals_direction_consistent" => Refusal::TargetWrongSide,
        "intervention_team_owner_kept" => Refusal::OwnerKept,
        "intervention_team_owner_role" => Refusal::OwnerRoleTaken,
        "intervention_team_member_identified" => Refusal::ExternalIncomplete,
        "intervention_team_intervention_id_user_id_key" => Refusal::AlreadyOnTeam,
        "intervention_sessions_minutes_check" => Refusal::SessionMinutes,
        "intervention_sessions_absent_no_minutes" => Refusal::AbsentWithMinutes,
        "intervention_sessions_fidelity_check" => Refusal::SessionFidelity,
        "intervention_sessions_note_check" => Refusal::NoteTooLong,
        "intervention_sessions_field_values_check" => Refusal::FieldValuesNotObject,
        "progress_measurements_session_goal_key" => Refusal::GoalScoredTwice,
        c if c.ends_with(NAMES_PRINTABLE) => Refusal::NameNotPrintable,
        _ => Refusal::Invalid(db.message().to_string()),
    })
}

/// "illegal intervention status transition: active -> planned"
fn transition_of(message: &str) -> Option<(InterventionStatus, InterventionStatus)> {
    let (_, pair) = message.rsplit_once(": ")?;
    let (from, to) = pair.split_once(" -> ")?;
    Some((from.parse().ok()?, to.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_trigger_message() {
        assert_eq!(
            transition_of("illegal intervention status transition: active -> planned"),
            Some((InterventionStatus::Active, InterventionStatus::Planned))
        );
        assert_eq!(transition_of("something else"), None);
    }
}
