//! Where the progress chart draws a vertical line: the record's start and
//! end, its pauses, resumes and reviews, and its neighbours in the chain.

use crate::domain::enums::InterventionStatus;
use crate::domain::intervention::{ChainLink, InterventionHeader};
use chrono::NaiveDate;
use uuid::Uuid;

/// Where the chart draws a vertical line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Marker {
    Started,
    Ended(InterventionStatus),
    Paused,
    /// Active again after a pause.
    Resumed,
    /// Put up for review.
    ReviewDue,
    /// Active again after a review.
    Continued,
    /// This intervention escalated from another one that ended that day.
    PreviousEnded(Uuid),
    /// Another intervention that followed this one started that day.
    NextStarted(Uuid),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMarker {
    pub on: NaiveDate,
    pub marker: Marker,
}

/// One row of `intervention_status_changes` (0009_status_history.sql).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub on: NaiveDate,
    /// None when the intervention was created in `to`.
    pub from: Option<InterventionStatus>,
    pub to: InterventionStatus,
}

/// The marker a status change earns, if the record's own dates do not
/// already show it (starting and ending are `start_date` and `ended_at`).
pub fn change_marker(c: &StatusChange) -> Option<Marker> {
    use InterventionStatus as S;
    match (c.from, c.to) {
        (_, S::Paused) => Some(Marker::Paused),
        (_, S::ReviewDue) => Some(Marker::ReviewDue),
        (Some(S::Paused), S::Active) => Some(Marker::Resumed),
        (Some(S::ReviewDue), S::Active) => Some(Marker::Continued),
        _ => None,
    }
}

/// The markers of the record itself (its start, its end), of its status
/// history (pauses, resumes, reviews), and the ends and starts of its
/// neighbours in the chain; by date, stable.
pub fn markers(
    header: &InterventionHeader,
    chain: &[ChainLink],
    history: &[StatusChange],
) -> Vec<StatusMarker> {
    let mut out = Vec::new();
    if let Some(on) = header.start_date {
        out.push(StatusMarker {
            on,
            marker: Marker::Started,
        });
    }
    if let Some(at) = header.ended_at {
        out.push(StatusMarker {
            on: at.date_naive(),
            marker: Marker::Ended(header.status),
        });
    }
    for link in chain {
        let (on, marker) = if link.is_previous {
            (link.ended_on, Marker::PreviousEnded(link.id))
        } else {
            (link.start_date, Marker::NextStarted(link.id))
        };
        if let Some(on) = on {
            out.push(StatusMarker { on, marker });
        }
    }
    // After the record's own: on a shared day the start reads first.
    for c in history {
        if let Some(marker) = change_marker(c) {
            out.push(StatusMarker { on: c.on, marker });
        }
    }
    out.sort_by_key(|m| m.on);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use InterventionStatus as S;

    #[test]
    fn status_history_marks_pauses_resumes_and_reviews_only() {
        let on = |d: u32| NaiveDate::from_ymd_opt(2026, 9, d).unwrap();
        let change = |d, from, to| StatusChange {
            on: on(d),
            from,
            to,
        };
        let history = [
            change(1, None, S::Referred),
            change(2, Some(S::Referred), S::Planned),
            // Starting and ending are the record's own dates.
            change(3, Some(S::Planned), S::Active),
            change(10, Some(S::Active), S::Paused),
            change(17, Some(S::Paused), S::Active),
            change(20, Some(S::Active), S::ReviewDue),
            change(22, Some(S::ReviewDue), S::Active),
            change(28, Some(S::Active), S::Completed),
        ];
        let marks: Vec<(NaiveDate, Marker)> = history
            .iter()
            .filter_map(|c| Some((c.on, change_marker(c)?)))
            .collect();
        assert_eq!(
            marks,
            [
                (on(10), Marker::Paused),
                (on(17), Marker::Resumed),
                (on(20), Marker::ReviewDue),
                (on(22), Marker::Continued),
            ]
        );
    }
}
