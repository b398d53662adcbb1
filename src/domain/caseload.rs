//! The caseload home: what needs doing today for one person, as lists the
//! home screen shows.

use crate::domain::enums::InterventionStatus;
use crate::domain::fidelity::Fidelity;
use crate::domain::intervention::RuleSettings;
use crate::domain::progress::Verdict;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// Whose work the home screen lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Interventions the person owns or is on the team of; their follow-ups.
    Mine,
    /// Everything in the schools of their role grants (all schools for a
    /// district-wide grant): the coordinator's view.
    Schools,
}

/// Reviews are listed this many days before the planned end.
pub const REVIEW_LOOKAHEAD_DAYS: u64 = 14;

/// What every row needs to open its record and say whose it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterventionRef {
    pub intervention_id: Uuid,
    pub student_id: Uuid,
    pub student_name: String,
    /// Program name, else the custom name.
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ActiveRow {
    pub of: InterventionRef,
    pub tier: i16,
    pub owner_name: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub planned_end_date: Option<NaiveDate>,
    pub sessions_per_week: Option<i16>,
    /// The last session held or attempted (anything but cancelled).
    pub last_session: Option<NaiveDate>,
    pub next_session_due: Option<NaiveDate>,
    pub overdue: bool,
    pub fidelity: Option<Fidelity>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewReason {
    /// Someone set it to review_due.
    StatusReviewDue,
    /// Active, planned to end within REVIEW_LOOKAHEAD_DAYS.
    EndsSoon(NaiveDate),
    /// Active past its planned end.
    PastPlannedEnd(NaiveDate),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRow {
    pub of: InterventionRef,
    pub status: InterventionStatus,
    pub reason: ReviewReason,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GoalFlag {
    pub of: InterventionRef,
    pub goal_id: Uuid,
    pub statement: String,
    pub verdict: Verdict,
    /// The last data point.
    pub last_value: Option<(NaiveDate, f64)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpRow {
    pub communication_id: Uuid,
    pub student_id: Uuid,
    pub student_name: String,
    pub intervention_id: Option<Uuid>,
    pub purpose: String,
    pub channel: String,
    pub occurred_at: DateTime<Utc>,
    pub follow_up_due: NaiveDate,
    pub days_overdue: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Active with no planned end date: it will never come up for review.
    NoPlannedEnd,
    /// An active goal with no baseline value or date: no aimline.
    MissingBaseline { goal_id: Uuid },
    /// A baseline of zero: usually "not measured" typed as 0.
    ZeroBaseline { goal_id: Uuid },
    /// No session for more than twice the planned interval.
    NoRecentSession { days: i64 },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub of: InterventionRef,
    pub problem: Problem,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct CaseloadHome {
    /// Soonest next session first (overdue at the top).
    pub active: Vec<ActiveRow>,
    pub reviews_due: Vec<ReviewRow>,
    pub goals_off_track: Vec<GoalFlag>,
    /// Oldest first.
    pub follow_ups: Vec<FollowUpRow>,
    pub warnings: Vec<Warning>,
    pub settings: RuleSettings,
    /// What the lists were cut from (see HOME_ROWS).
    pub totals: Totals,
}

/// How many rows the home's bounded lists were taken from. Equal to the
/// rows loaded when nothing was left out. Goals off track and warnings are
/// judged only among the loaded interventions and have no total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    /// Open interventions loaded (the union of the bounded lists).
    pub loaded: u64,
    /// Open interventions in scope.
    pub open: u64,
    /// Active ones in scope.
    pub active: u64,
    /// Marked review_due, or active and planned to end within the lookahead.
    pub reviews: u64,
    /// More overdue follow-ups are in scope than were loaded (not counted:
    /// that took half a second for a district administrator).
    pub more_follow_ups: bool,
}

impl Totals {
    /// Some open interventions or follow-ups in scope were not loaded.
    pub fn cut(&self) -> bool {
        self.loaded < self.open || self.more_follow_ups
    }
}

/// The home loads at most this many rows per list: the most urgent active
/// interventions, the most urgent reviews and the oldest follow-ups. A
/// district administrator sees ~100,000 open interventions at 500,000
/// students; loading them all with their goals and measurements took half a
/// gigabyte and many seconds before the first screen. 300 is more than
/// anyone works through in a day, and the screen says how many were left
/// out (narrowing goes through the roster's filters).
pub const HOME_ROWS: i64 = 300;
