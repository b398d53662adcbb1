//! Missed sessions: week by week (ISO weeks, Monday to Sunday), the sessions
//! the plan's frequency promised against those delivered, and the absences
//! logged with their reason. Pure: `today` comes in.
//!
//! How a week is counted, consistent with `domain::fidelity`:
//! - Only days inside the delivery window count (`fidelity::window`: from
//!   the start to the earliest of today, the end and the planned end), and
//!   inside the span asked for (a month, the recent weeks).
//! - Days the intervention was paused do not count: from the day it was
//!   paused (not counted) to the day it was resumed (counted), as
//!   `intervention_status_changes` (0009) records them.
//! - A week's expected sessions are pro-rated by its counted school days,
//!   Monday to Friday: sessions per week × counted school days ÷ 5. A whole
//!   week expects the plan's sessions per week; a plan starting on a
//!   Tuesday expects 4⁄5 of them in its first week (a five-a-week plan: 4);
//!   a pause from Wednesday leaves Monday and Tuesday, 2⁄5; a plan starting
//!   on a Saturday expects nothing that weekend. Fidelity pro-rates by
//!   calendar days (÷ 7) instead, so the two agree over whole weeks and
//!   differ for a partial first or last week.
//! - What a person reads is whole sessions (`whole`): the exact sums of the
//!   weeks, rounded half up, never a sum of rounded weeks. A figure that
//!   rounds to 0 missed is nothing missed (`worst_first` leaves it out).
//! - Delivered: sessions with the student present in the week's span days
//!   (a session logged on a paused day or a weekend of a week that has
//!   counted school days still counts; a week with no counted school days
//!   is not listed at all).
//! - Missed = expected − delivered, never below zero in a week: a week
//!   with extra sessions does not make up for an earlier one.
//! - A logged absence (student absent, staff absent, cancelled) is still a
//!   missed session, one whose reason is known; absences are counted by
//!   reason beside the missed figure, which they do not change.

use crate::domain::enums::InterventionStatus;
use crate::domain::fidelity::{self, Delivery};
use crate::domain::kinds::Attendance;
use crate::domain::markers::StatusChange;
use chrono::{Datelike, Days, NaiveDate};

/// One logged session, as far as missed sessions care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Logged {
    pub on: NaiveDate,
    pub attendance: Attendance,
}

/// Sessions logged as not held, by reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Absences {
    pub student: u32,
    pub staff: u32,
    pub cancelled: u32,
}

impl Absences {
    pub fn total(&self) -> u32 {
        self.student + self.staff + self.cancelled
    }

    fn add(&mut self, a: Attendance) {
        match a {
            Attendance::StudentAbsent => self.student += 1,
            Attendance::StaffAbsent => self.staff += 1,
            Attendance::Cancelled => self.cancelled += 1,
            Attendance::Present => {}
        }
    }

    fn plus(self, o: Absences) -> Absences {
        Absences {
            student: self.student + o.student,
            staff: self.staff + o.staff,
            cancelled: self.cancelled + o.cancelled,
        }
    }
}

/// One ISO week of an intervention.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Week {
    pub monday: NaiveDate,
    /// School days (Monday to Friday) counted: in the window and the
    /// span, not paused (1..=5).
    pub days: u8,
    pub expected: f64,
    pub delivered: u32,
    pub absences: Absences,
}

impl Week {
    /// Expected − delivered, never negative.
    pub fn missed(&self) -> f64 {
        (self.expected - f64::from(self.delivered)).max(0.0)
    }
}

/// The weeks of a span added up: missed is the sum of each week's missed.
/// The sums are exact; `whole` rounds them for reading.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    pub expected: f64,
    pub delivered: u32,
    pub missed: f64,
    pub absences: Absences,
}

impl Tally {
    /// Missed, in whole sessions.
    pub fn missed_sessions(&self) -> u32 {
        whole(self.missed)
    }

    /// Expected, in whole sessions.
    pub fn expected_sessions(&self) -> u32 {
        whole(self.expected)
    }
}

pub fn tally(weeks: &[Week]) -> Tally {
    weeks.iter().fold(Tally::default(), |t, w| Tally {
        expected: t.expected + w.expected,
        delivered: t.delivered + w.delivered,
        missed: t.missed + w.missed(),
        absences: t.absences.plus(w.absences),
    })
}

/// The paused spans in a status history (oldest first): from the day it was
/// paused, up to but not including the day it left `paused` (`None`: still
/// paused).
pub fn pauses(history: &[StatusChange]) -> Vec<(NaiveDate, Option<NaiveDate>)> {
    let mut out = Vec::new();
    let mut since: Option<NaiveDate> = None;
    for c in history {
        let paused = c.to == InterventionStatus::Paused;
        match (since, paused) {
            (None, true) => since = Some(c.on),
            (Some(s), false) => {
                out.push((s, Some(c.on)));
                since = None;
            }
            _ => {}
        }
    }
    if let Some(s) = since {
        out.push((s, None));
    }
    out
}

fn is_paused(day: NaiveDate, pauses: &[(NaiveDate, Option<NaiveDate>)]) -> bool {
    pauses
        .iter()
        .any(|&(from, until)| day >= from && until.is_none_or(|u| day < u))
}

/// The days of a school week a plan's frequency is spread over.
const SCHOOL_DAYS: f64 = 5.0;

fn is_school_day(day: NaiveDate) -> bool {
    day.weekday().num_days_from_monday() < 5
}

/// A count of sessions as a person reads it: the nearest whole session,
/// half up. Expected sessions are multiples of 1⁄5 (`weeks`), so a sum
/// that should be exactly ½ may come out a hair below it in floating
/// point; the tolerance is far below the 1⁄10 that separates ½ from its
/// neighbours.
pub fn whole(sessions: f64) -> u32 {
    let rounded = (sessions + 0.5 + 1e-6).floor();
    if rounded <= 0.0 { 0 } else { rounded as u32 }
}

/// The Monday of `day`'s ISO week.
pub fn monday_of(day: NaiveDate) -> NaiveDate {
    day - Days::new(u64::from(day.weekday().num_days_from_monday()))
}

/// The weeks of `plan` inside `span` (both ends included), oldest first;
/// empty when nothing was planned (no start, no frequency or 0 a week, or
/// `today` before the start). `history` is the intervention's status
/// changes oldest first; `logged` its sessions in any order.
pub fn weeks(
    plan: &Delivery,
    history: &[StatusChange],
    logged: &[Logged],
    span: (NaiveDate, NaiveDate),
    today: NaiveDate,
) -> Vec<Week> {
    let Some(per_week) = plan.sessions_per_week.filter(|&n| n > 0) else {
        return vec![];
    };
    let Some((start, end)) = fidelity::window(plan, today) else {
        return vec![];
    };
    let (from, to) = (start.max(span.0), end.min(span.1));
    if from > to {
        return vec![];
    }
    let pauses = pauses(history);
    let mut out = Vec::new();
    let mut monday = monday_of(from);
    while monday <= to {
        let sunday = monday + Days::new(6);
        let (first, last) = (monday.max(from), sunday.min(to));
        let days = first
            .iter_days()
            .take_while(|d| *d <= last)
            .filter(|d| is_school_day(*d) && !is_paused(*d, &pauses))
            .count();
        if days > 0 {
            let mut week = Week {
                monday,
                days: days as u8,
                expected: f64::from(per_week) * days as f64 / SCHOOL_DAYS,
                delivered: 0,
                absences: Absences::default(),
            };
            for s in logged.iter().filter(|s| s.on >= first && s.on <= last) {
                match s.attendance {
                    Attendance::Present => week.delivered += 1,
                    other => week.absences.add(other),
                }
            }
            out.push(week);
        }
        monday = monday + Days::new(7);
    }
    out
}

mod period;
pub use period::{Period, dates, month_start, recent_weeks_from};

#[cfg(test)]
mod tests;

/// The missed-sessions list shows at most this many interventions.
pub const MISSED_ROWS: usize = 100;

/// One intervention on the missed-sessions list: its period (`Period`).
#[derive(Debug, Clone, PartialEq)]
pub struct MissedRow {
    pub of: crate::domain::caseload::InterventionRef,
    pub status: InterventionStatus,
    pub sessions_per_week: i16,
    pub tally: Tally,
}

/// Rows with at least one whole session missed, the most missed first
/// (exactly: then the most expected, then by student), at most `limit`.
pub fn worst_first(mut rows: Vec<MissedRow>, limit: usize) -> Vec<MissedRow> {
    rows.retain(|r| r.tally.missed_sessions() > 0);
    rows.sort_by(|a, b| {
        b.tally
            .missed
            .total_cmp(&a.tally.missed)
            .then(b.tally.expected.total_cmp(&a.tally.expected))
            .then_with(|| a.of.student_name.cmp(&b.of.student_name))
            .then(a.of.intervention_id.cmp(&b.of.intervention_id))
    });
    rows.truncate(limit);
    rows
}
