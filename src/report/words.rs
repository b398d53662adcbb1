//! Verdicts and statuses in words: short ones for the team's reports, plain
//! ones for families.

use crate::domain::enums::InterventionStatus;
use crate::domain::goals::GoalWithPoints;
use crate::domain::progress::Verdict;

/// The team's short verdict for one goal (the TUI's words).
pub fn verdict(g: &GoalWithPoints, points: usize) -> String {
    match g.verdict(points) {
        Ok(Verdict::NotEnoughData { have, need }) => format!("not enough data ({have} of {need})"),
        Ok(Verdict::OnTrack) => "on track".into(),
        Ok(Verdict::OffTrack) => "off track".into(),
        Ok(Verdict::Exceeding) => "exceeding".into(),
        Ok(Verdict::NoRule) => "no decision rule".into(),
        Err(e) => format!("no aimline: {e}"),
    }
}

/// A goal's verdict for a family: what it means, without the jargon.
pub fn plain_verdict(g: &GoalWithPoints, points: usize) -> String {
    match g.verdict(points) {
        Ok(Verdict::OnTrack) => "Making the progress we expected.".into(),
        Ok(Verdict::Exceeding) => {
            "Making more progress than we expected: we may set a higher goal.".into()
        }
        Ok(Verdict::OffTrack) => {
            "Not yet making the progress we hoped for: the team is looking at changes to the \
             support."
                .into()
        }
        Ok(Verdict::NotEnoughData { have, need }) => {
            format!("Too early to tell: {have} of the {need} measurements we need so far.")
        }
        Ok(Verdict::NoRule) | Err(_) => "We are keeping track of progress on this goal.".into(),
    }
}

/// A status for a family.
pub fn plain_status(s: InterventionStatus) -> &'static str {
    match s {
        InterventionStatus::Referred | InterventionStatus::Planned => "being planned",
        InterventionStatus::Active | InterventionStatus::ReviewDue => "in progress",
        InterventionStatus::Paused => "paused",
        InterventionStatus::Completed => "finished",
        InterventionStatus::Discontinued => "stopped",
    }
}

/// A status as the team says it.
pub fn status(s: InterventionStatus) -> &'static str {
    match s {
        InterventionStatus::ReviewDue => "review due",
        other => crate::domain::enums::PgEnum::label(other),
    }
}
