//! The lifecycle actions a person is offered, named as they do the work
//! (start, pause, resume …) rather than by target status.

use crate::domain::enums::InterventionStatus::{self, *};
use crate::domain::lifecycle::allowed;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Plan,
    Start,
    Pause,
    Resume,
    Review,
    Complete,
    Discontinue,
}

impl Action {
    pub const ALL: &'static [Action] = &[
        Action::Plan,
        Action::Start,
        Action::Pause,
        Action::Resume,
        Action::Review,
        Action::Complete,
        Action::Discontinue,
    ];

    pub fn target(self) -> InterventionStatus {
        match self {
            Action::Plan => Planned,
            Action::Start | Action::Resume => Active,
            Action::Pause => Paused,
            Action::Review => ReviewDue,
            Action::Complete => Completed,
            Action::Discontinue => Discontinued,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Action::Plan => "plan",
            Action::Start => "start",
            Action::Pause => "pause",
            Action::Resume => "resume",
            Action::Review => "review",
            Action::Complete => "complete",
            Action::Discontinue => "discontinue",
        }
    }

    /// Start and Resume both lead to active: starting is for the first time
    /// (from planned), resuming is after a pause or a review.
    fn applies_from(self, from: InterventionStatus) -> bool {
        match self {
            Action::Start => from == Planned,
            Action::Resume => from != Planned,
            _ => true,
        }
    }
}

/// Only the legal ones, in a fixed order.
pub fn available_actions(status: InterventionStatus) -> Vec<Action> {
    Action::ALL
        .iter()
        .copied()
        .filter(|a| a.applies_from(status) && allowed(status, a.target()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;

    #[test]
    fn offered_per_status() {
        let cases: &[(InterventionStatus, &[Action])] = &[
            (Referred, &[Plan, Discontinue]),
            (Planned, &[Start, Discontinue]),
            (Active, &[Pause, Review, Complete, Discontinue]),
            (Paused, &[Resume, Discontinue]),
            (ReviewDue, &[Resume, Complete, Discontinue]),
            (Completed, &[]),
            (InterventionStatus::Discontinued, &[]),
        ];
        for (from, actions) in cases {
            assert_eq!(available_actions(*from), actions.to_vec(), "from {from}");
        }
    }
}
