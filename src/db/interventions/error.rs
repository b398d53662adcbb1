//! What a write can come back with, in terms the screen can show: a refusal
//! names the rule (whether the domain layer or a database constraint caught
//! it), a conflict carries the row as it is now so nothing is overwritten
//! blindly.

use crate::db::enums::InterventionStatus;
use crate::db::migrate::describe_pg_error;
use tokio_postgres::error::SqlState;

/// A rule the change breaks. Messages are for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("an intervention cannot go from {from} to {to}")]
    IllegalTransition {
        from: InterventionStatus,
        to: InterventionStatus,
    },
    #[error("closing an intervention that has started requires an outcome")]
    OutcomeRequired,
    #[error("the planned end date must be on or after the start date")]
    EndBeforeStart,
    #[error("an intervention that has started needs a start date")]
    StartDateRequired,
    #[error("an intervention needs a program or a name")]
    NameRequired,
    #[error("no such student or program")]
    UnknownStudentOrProgram,
    #[error("the target date must be after the baseline date")]
    TargetNotAfterBaseline,
    #[error(
        "the target is on the wrong side of the baseline: above it for an increasing goal, \
         below it for a decreasing one"
    )]
    TargetWrongSide,
    #[error("the owner is always on the team: change the owner first")]
    OwnerKept,
    #[error("only the intervention's owner has the owner role: change the owner instead")]
    OwnerRoleTaken,
    #[error("a person outside the system needs a name and an organisation")]
    ExternalIncomplete,
    #[error("already on the team")]
    AlreadyOnTeam,
    #[error("minutes must be between 0 and 600")]
    SessionMinutes,
    #[error("a session the student did not attend (absent, staff absent, cancelled) has 0 minutes")]
    AbsentWithMinutes,
    #[error("fidelity must be between 0 and 100")]
    SessionFidelity,
    #[error("the note is too long: at most 100,000 characters")]
    NoteTooLong,
    #[error("session field values must be a JSON object")]
    FieldValuesNotObject,
    #[error("each goal can be scored once per session")]
    GoalScoredTwice,
    #[error("a score is for a goal this intervention does not have")]
    ScoreForOtherGoal,
    #[error("you may not log or change sessions of this intervention")]
    MayNotLogSessions,
    #[error("only someone who may see restricted records can mark a session restricted")]
    RestrictNotAllowed,
    #[error("refers to something that does not exist ({0})")]
    MissingReference(String),
    /// A constraint without a message of its own: the server's words.
    #[error("{0}")]
    Invalid(String),
}

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
