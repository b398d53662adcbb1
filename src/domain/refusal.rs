//! A rule a change breaks, whether the domain layer or a database
//! constraint caught it. Messages are for people.

use crate::domain::enums::InterventionStatus;

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
    #[error(
        "a name may not contain control characters (tabs, line breaks, escape codes, \
         direction overrides; shown as \u{FFFD}): retype it"
    )]
    NameNotPrintable,
    // The contact form (communication_log, issue 14).
    #[error("you may not log or change contacts for this student")]
    MayNotLogContacts,
    #[error("only someone who may see restricted records can mark a contact restricted")]
    ContactRestrictNotAllowed,
    #[error(
        "the contact this answers is gone or not visible to you (a reply or follow-up answers a \
         contact of the same student)"
    )]
    ContactParentHidden,
    #[error("a contact stays with the student it was logged for")]
    ContactStudentFixed,
    #[error("a follow-up that is done keeps its due date: turn the follow-up back on")]
    ContactDoneNeedsDue,
    #[error("the purpose is required: 1 to 200 characters")]
    ContactPurpose,
    #[error("the summary is too long: at most 20,000 characters")]
    ContactSummaryTooLong,
    #[error("the follow-up owner is no longer a caseload user: choose another")]
    ContactOwnerGone,
    #[error("that guardian is not one of this student's (or no longer visible): choose again")]
    ContactGuardianNotTheirs,
    #[error("refers to something that does not exist ({0})")]
    MissingReference(String),
    /// A constraint without a message of its own: the server's words.
    #[error("{0}")]
    Invalid(String),
}
