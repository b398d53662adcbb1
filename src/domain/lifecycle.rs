//! The intervention lifecycle of DATA-MODEL.md. The database trigger
//! `intervention_lifecycle` enforces the same table; this copy lets the UI
//! offer only legal actions and explain a refusal before any round trip.

use crate::domain::enums::InterventionStatus::{self, *};
use crate::domain::kinds::Outcome;
use crate::domain::refusal::Refusal;

pub fn allowed(from: InterventionStatus, to: InterventionStatus) -> bool {
    matches!(
        (from, to),
        (Referred, Planned | Discontinued)
            | (Planned, Active | Discontinued)
            | (Active, Paused | ReviewDue | Completed | Discontinued)
            | (Paused, Active | Discontinued)
            | (ReviewDue, Active | Completed | Discontinued)
    )
}

pub fn next_states(from: InterventionStatus) -> Vec<InterventionStatus> {
    use crate::domain::enums::PgEnum;
    InterventionStatus::ALL
        .iter()
        .copied()
        .filter(|&to| allowed(from, to))
        .collect()
}

pub fn is_final(s: InterventionStatus) -> bool {
    matches!(s, Completed | Discontinued)
}

/// Closing an intervention that has started needs an outcome; one that never
/// started can be dropped without one. Mirrors the trigger.
pub fn outcome_required(from: InterventionStatus, to: InterventionStatus) -> bool {
    is_final(to) && matches!(from, Active | Paused | ReviewDue)
}

#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub to: InterventionStatus,
    /// Required when closing one that has started; kept only when closing.
    pub outcome: Option<Outcome>,
    /// Saved as the outcome notes when closing.
    pub notes: Option<String>,
}

impl Transition {
    pub fn to(to: InterventionStatus) -> Self {
        Transition {
            to,
            outcome: None,
            notes: None,
        }
    }

    pub fn closing(to: InterventionStatus, outcome: Outcome, notes: Option<String>) -> Self {
        Transition {
            to,
            outcome: Some(outcome),
            notes,
        }
    }
}

/// Checks the move against `from` without a round trip.
pub fn check(from: InterventionStatus, t: &Transition) -> Result<(), Refusal> {
    if !allowed(from, t.to) {
        return Err(Refusal::IllegalTransition { from, to: t.to });
    }
    if outcome_required(from, t.to) && t.outcome.is_none() {
        return Err(Refusal::OutcomeRequired);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::enums::PgEnum;

    #[test]
    fn final_states_go_nowhere() {
        for &to in InterventionStatus::ALL {
            assert!(!allowed(Completed, to));
            assert!(!allowed(Discontinued, to));
        }
    }

    #[test]
    fn the_documented_table() {
        let expected: &[(InterventionStatus, &[InterventionStatus])] = &[
            (Referred, &[Planned, Discontinued]),
            (Planned, &[Active, Discontinued]),
            (Active, &[Paused, ReviewDue, Completed, Discontinued]),
            (Paused, &[Active, Discontinued]),
            (ReviewDue, &[Active, Completed, Discontinued]),
            (Completed, &[]),
            (Discontinued, &[]),
        ];
        for (from, tos) in expected {
            assert_eq!(next_states(*from), tos.to_vec(), "from {from}");
        }
    }

    #[test]
    fn outcome_needed_only_after_start() {
        assert!(outcome_required(Active, Completed));
        assert!(outcome_required(ReviewDue, Discontinued));
        assert!(!outcome_required(Referred, Discontinued));
        assert!(!outcome_required(Active, Paused));
    }
}
