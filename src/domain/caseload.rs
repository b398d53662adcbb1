//! The caseload home: what needs doing today for one person, as lists the
//! home screen shows, and the judging that makes them from the loaded rows
//! (next session due, reviews, decision rules, data quality), with `today`
//! passed in.

use crate::domain::enums::InterventionStatus;
use crate::domain::fidelity::{self, Delivery, Fidelity};
use crate::domain::goals::{Goal, GoalWithPoints, Measurement};
use crate::domain::intervention::RuleSettings;
use crate::domain::progress::Verdict;
use crate::domain::text;
use chrono::{DateTime, Days, NaiveDate, Utc};
use std::collections::HashMap;
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
    /// The student's or the intervention's name holds control characters
    /// (domain::text), stored before the database refused them: the screens
    /// show a marker where they are, and someone should retype the name.
    ControlCharsInName,
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

/// What the home's lists were cut from, counted in scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Open (active or review_due) interventions.
    pub open: u64,
    pub active: u64,
    /// Marked review_due, or active and planned to end within the lookahead.
    pub reviews: u64,
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

/// An open (active or review_due) intervention as loaded, before judging.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenRow {
    pub of: InterventionRef,
    pub status: InterventionStatus,
    pub tier: i16,
    pub owner_name: Option<String>,
    /// The last session held or attempted (anything but cancelled).
    pub last_session: Option<NaiveDate>,
    pub delivery: Delivery,
}

/// People's names in the district's alphabet, for the lists sorted here
/// rather than by SQL: the database orders the loaded names once through the
/// same collation as every other list (`caseload_names`, 0014), and this
/// keeps that order. A name it was not given comes after the others.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameOrder(HashMap<String, usize>);

impl NameOrder {
    /// From names already in order.
    pub fn new(sorted: impl IntoIterator<Item = String>) -> NameOrder {
        let mut ranks = HashMap::new();
        for (i, name) in sorted.into_iter().enumerate() {
            ranks.entry(name).or_insert(i);
        }
        NameOrder(ranks)
    }

    pub fn cmp(&self, a: &str, b: &str) -> std::cmp::Ordering {
        let rank = |n: &str| self.0.get(n).copied().unwrap_or(usize::MAX);
        rank(a).cmp(&rank(b)).then_with(|| a.cmp(b))
    }
}

/// Judges the loaded rows as of `today`: which interventions are due a
/// session or a review, which goals are off track, what data is missing;
/// each list in its urgency order. `totals` is left for the caller. The
/// home loads these as parts (`home_parts`); this is them all at once.
pub fn assemble(
    open: Vec<OpenRow>,
    goals: Vec<(InterventionRef, Goal)>,
    points: Vec<Measurement>,
    follow_ups: Vec<FollowUpRow>,
    settings: RuleSettings,
    today: NaiveDate,
    names: &NameOrder,
) -> CaseloadHome {
    let (active, reviews_due, mut warnings) = judge_open(open, settings, today, names);
    let (goals_off_track, goal_warnings) = judge_goals(goals, points, settings, names);
    warnings.extend(goal_warnings);
    warnings.sort_by(|a, b| names.cmp(&a.of.student_name, &b.of.student_name));
    CaseloadHome {
        active,
        reviews_due,
        goals_off_track,
        follow_ups,
        warnings,
        settings,
        totals: Totals::default(),
    }
}

/// The open interventions judged as of `today`: the active ones (soonest
/// next session first), the reviews due (most pressing first) and the
/// warnings about the interventions themselves (by name).
pub fn judge_open(
    open: Vec<OpenRow>,
    settings: RuleSettings,
    today: NaiveDate,
    names: &NameOrder,
) -> (Vec<ActiveRow>, Vec<ReviewRow>, Vec<Warning>) {
    let mut active = Vec::new();
    let mut reviews_due = Vec::new();
    let mut warnings = Vec::new();
    let soon = today
        .checked_add_days(Days::new(REVIEW_LOOKAHEAD_DAYS))
        .unwrap_or(today);
    for o in open {
        let d = &o.delivery;
        if text::has_control(&o.of.student_name) || text::has_control(&o.of.name) {
            warnings.push(Warning {
                of: o.of.clone(),
                problem: Problem::ControlCharsInName,
            });
        }
        if o.status == InterventionStatus::ReviewDue {
            reviews_due.push(ReviewRow {
                of: o.of.clone(),
                status: o.status,
                reason: ReviewReason::StatusReviewDue,
            });
            continue;
        }
        match d.planned_end_date {
            None => warnings.push(Warning {
                of: o.of.clone(),
                problem: Problem::NoPlannedEnd,
            }),
            Some(end) if end < today => reviews_due.push(ReviewRow {
                of: o.of.clone(),
                status: o.status,
                reason: ReviewReason::PastPlannedEnd(end),
            }),
            Some(end) if end <= soon => reviews_due.push(ReviewRow {
                of: o.of.clone(),
                status: o.status,
                reason: ReviewReason::EndsSoon(end),
            }),
            Some(_) => {}
        }
        if let Some(days) =
            fidelity::session_gap(d.start_date, o.last_session, d.sessions_per_week, today)
        {
            warnings.push(Warning {
                of: o.of.clone(),
                problem: Problem::NoRecentSession { days },
            });
        }
        let next = fidelity::next_session_due(d.start_date, o.last_session, d.sessions_per_week);
        active.push(ActiveRow {
            tier: o.tier,
            owner_name: o.owner_name,
            start_date: d.start_date,
            planned_end_date: d.planned_end_date,
            sessions_per_week: d.sessions_per_week,
            last_session: o.last_session,
            next_session_due: next,
            overdue: next.is_some_and(|n| n < today),
            fidelity: fidelity::fidelity(d, today, settings.fidelity_threshold),
            of: o.of,
        });
    }
    // Unknown due dates (no frequency planned) after all known ones.
    let by_name =
        |a: &InterventionRef, b: &InterventionRef| names.cmp(&a.student_name, &b.student_name);
    active.sort_by(|a, b| {
        let due = |r: &ActiveRow| (r.next_session_due.is_none(), r.next_session_due);
        due(a).cmp(&due(b)).then_with(|| by_name(&a.of, &b.of))
    });
    reviews_due.sort_by(|a, b| {
        review_day(a.reason)
            .cmp(&review_day(b.reason))
            .then_with(|| by_name(&a.of, &b.of))
    });
    warnings.sort_by(|a, b| by_name(&a.of, &b.of));
    (active, reviews_due, warnings)
}

/// The loaded interventions' active goals judged by the decision rule: the
/// goals off track and the warnings about baselines, each by name.
pub fn judge_goals(
    goals: Vec<(InterventionRef, Goal)>,
    points: Vec<Measurement>,
    settings: RuleSettings,
    names: &NameOrder,
) -> (Vec<GoalFlag>, Vec<Warning>) {
    let mut off_track = Vec::new();
    let mut warnings = Vec::new();
    let mut refs: HashMap<Uuid, InterventionRef> = HashMap::new();
    let goals: Vec<Goal> = goals
        .into_iter()
        .map(|(of, g)| {
            refs.insert(g.id, of);
            g
        })
        .collect();
    for gp in GoalWithPoints::group(goals, points) {
        let Some(of) = refs.remove(&gp.goal.id) else {
            continue;
        };
        let f = &gp.goal.fields;
        let problem = match (f.baseline_value, f.baseline_date) {
            (None, _) | (_, None) => Some(Problem::MissingBaseline {
                goal_id: gp.goal.id,
            }),
            (Some(0.0), _) => Some(Problem::ZeroBaseline {
                goal_id: gp.goal.id,
            }),
            _ => None,
        };
        if let Some(problem) = problem {
            warnings.push(Warning {
                of: of.clone(),
                problem,
            });
        }
        if let Ok(Verdict::OffTrack) = gp.verdict(settings.decision_rule_points) {
            off_track.push(GoalFlag {
                goal_id: gp.goal.id,
                statement: gp.goal.fields.statement.clone(),
                verdict: Verdict::OffTrack,
                last_value: gp.points.last().map(|p| (p.measured_on, p.value)),
                of,
            });
        }
    }
    let by_name =
        |a: &InterventionRef, b: &InterventionRef| names.cmp(&a.student_name, &b.student_name);
    off_track.sort_by(|a, b| by_name(&a.of, &b.of));
    warnings.sort_by(|a, b| by_name(&a.of, &b.of));
    (off_track, warnings)
}

/// Reviews by urgency: status review_due first, then by planned end.
fn review_day(r: ReviewReason) -> Option<NaiveDate> {
    match r {
        ReviewReason::StatusReviewDue => None,
        ReviewReason::EndsSoon(d) | ReviewReason::PastPlannedEnd(d) => Some(d),
    }
}

#[cfg(test)]
mod tests {
    use super::NameOrder;
    use std::cmp::Ordering;

    #[test]
    fn names_keep_the_order_the_database_gave_and_others_come_last() {
        let order = NameOrder::new(["Ólafsdóttir", "Olsen", "Zeta", "Þórsson"].map(String::from));
        // By code point Ó and Þ come after Z.
        assert_eq!(order.cmp("Ólafsdóttir", "Olsen"), Ordering::Less);
        assert_eq!(order.cmp("Zeta", "Þórsson"), Ordering::Less);
        assert_eq!(order.cmp("Olsen", "Olsen"), Ordering::Equal);
        assert_eq!(order.cmp("Þórsson", "Anna"), Ordering::Less);
        assert_eq!(order.cmp("Bo", "Anna"), Ordering::Greater);
    }
}
