//! The caseload home: what needs doing today for one person. Five queries
//! pipelined on one connection; the judging (next session due, reviews,
//! decision rules, data quality) is pure code over their rows, with `today`
//! passed in by the caller.

use crate::db::enums::InterventionStatus;
use crate::db::interventions::delivery::delivered_lateral;
use crate::db::interventions::detail::student_name;
use crate::db::interventions::goals::{
    GOAL_COLUMNS, Goal, GoalWithPoints, MEASUREMENT_COLUMNS, Measurement, goal_row_from,
    measurement_row,
};
use crate::db::interventions::settings::{RULE_SETTINGS_SQL, RuleSettings, rule_settings};
use crate::domain::fidelity::{self, Delivery, Fidelity};
use crate::domain::progress::Verdict;
use chrono::{DateTime, Days, NaiveDate, Utc};
use std::collections::HashMap;
use tokio_postgres::types::ToSql;
use tokio_postgres::{GenericClient, Row};
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
}

/// $1 the person (NULL: the signed-in one).
const ME: &str = "WITH me AS (SELECT COALESCE($1::uuid, caseload_current_user_id()) AS id)";

/// The schools of the person's live grants as one array (every school for a
/// district-wide grant), so that `school_id = ANY (...)` can use an index.
const SCHOOLS: &str = "schools_in_scope AS MATERIALIZED ( \
       SELECT CASE WHEN bool_or(ur.school_id IS NULL) THEN (SELECT array_agg(id) FROM schools) \
                   ELSE array_agg(ur.school_id) END AS ids \
       FROM user_roles ur, me WHERE ur.user_id = me.id \
         AND (ur.expires_at IS NULL OR ur.expires_at > now()))";

/// `open`: the open (active or review_due) interventions in scope, whole
/// rows. Mine unites two index-driven branches (owner, team) and then
/// probes by id, rather than letting a misestimate scan every intervention.
fn open_cte(scope: Scope) -> String {
    match scope {
        Scope::Mine => format!(
            "{ME}, open AS ( \
               SELECT i.* FROM ( \
                 SELECT o.id FROM interventions o, me \
                 WHERE o.owner_id = me.id AND o.status IN ('active', 'review_due') \
                 UNION \
                 SELECT t.intervention_id FROM intervention_team t, me \
                 WHERE t.user_id = me.id) x \
               CROSS JOIN LATERAL ( \
                 SELECT * FROM interventions i \
                 WHERE i.id = x.id AND i.status IN ('active', 'review_due') OFFSET 0) i) "
        ),
        Scope::Schools => format!(
            "{ME}, {SCHOOLS}, open AS ( \
               SELECT i.* FROM interventions i \
               WHERE i.status IN ('active', 'review_due') \
                 AND i.school_id = ANY ((SELECT ids FROM schools_in_scope)::uuid[])) "
        ),
    }
}

/// Names come from per-row lookups rather than joins: a scope's size is
/// hard to estimate (an array of schools, a CTE's person), and a misjudged
/// join reads all students where a few index probes would do.
const REF_COLUMNS: &str = concat!(
    "i.id, i.student_id, (SELECT ",
    student_name!(),
    " FROM students s WHERE s.id = i.student_id), \
     COALESCE((SELECT p.name FROM intervention_programs p WHERE p.id = i.program_id), \
              i.custom_name, '')"
);

/// The active goals of each open intervention. LATERAL with OFFSET 0 keeps
/// it a per-intervention index probe whatever the estimate.
const OPEN_GOALS: &str = "FROM open i CROSS JOIN LATERAL ( \
       SELECT * FROM intervention_goals g \
       WHERE g.intervention_id = i.id AND g.status = 'active' OFFSET 0) g";

fn ref_row(r: &Row, at: usize) -> InterventionRef {
    InterventionRef {
        intervention_id: r.get(at),
        student_id: r.get(at + 1),
        student_name: r.get(at + 2),
        name: r.get(at + 3),
    }
}

struct OpenRow {
    of: InterventionRef,
    status: InterventionStatus,
    tier: i16,
    owner_name: Option<String>,
    last_session: Option<NaiveDate>,
    delivery: Delivery,
}

fn open_sql(scope: Scope) -> String {
    format!(
        "{cte} SELECT {REF_COLUMNS}, i.status, i.tier, o.display_name, ls.last_session, \
           i.start_date, i.planned_end_date, i.ended_at::date, i.sessions_per_week, \
           i.minutes_per_session, d.sessions, d.minutes \
         FROM open i \
         LEFT JOIN users o ON o.id = i.owner_id \
         CROSS JOIN LATERAL (SELECT max(se.session_date) AS last_session \
           FROM intervention_sessions se \
           WHERE se.intervention_id = i.id AND se.attendance <> 'cancelled') ls \
         {lateral}",
        cte = open_cte(scope),
        lateral = delivered_lateral!(),
    )
}

fn open_row(r: &Row) -> OpenRow {
    OpenRow {
        of: ref_row(r, 0),
        status: r.get(4),
        tier: r.get(5),
        owner_name: r.get(6),
        last_session: r.get(7),
        delivery: Delivery {
            start_date: r.get(8),
            planned_end_date: r.get(9),
            ended_on: r.get(10),
            sessions_per_week: r.get(11),
            minutes_per_session: r.get(12),
            sessions_delivered: r.get(13),
            minutes_delivered: r.get(14),
        },
    }
}

fn goals_sql(scope: Scope) -> String {
    format!(
        "{cte} SELECT {REF_COLUMNS}, {GOAL_COLUMNS} {OPEN_GOALS}",
        cte = open_cte(scope),
    )
}

fn points_sql(scope: Scope) -> String {
    format!(
        "{cte} SELECT {MEASUREMENT_COLUMNS} {OPEN_GOALS} \
         JOIN progress_measurements m ON m.goal_id = g.id \
         WHERE m.measured_on <= $2",
        cte = open_cte(scope),
    )
}

fn follow_ups_sql(scope: Scope) -> String {
    let (cte, whose) = match scope {
        Scope::Mine => (format!("{ME} "), "c.follow_up_owner = (SELECT id FROM me)"),
        Scope::Schools => (
            format!("{ME}, {SCHOOLS} "),
            "s.school_id = ANY ((SELECT ids FROM schools_in_scope)::uuid[])",
        ),
    };
    format!(
        "{cte} SELECT c.id, c.student_id, {name}, c.intervention_id, c.purpose, c.channel, c.occurred_at, c.follow_up_due \
         FROM communication_log c JOIN students s ON s.id = c.student_id \
         WHERE {whose} AND c.follow_up_due < $2 AND c.follow_up_done_at IS NULL \
         ORDER BY c.follow_up_due, c.occurred_at, c.id",
        name = student_name!(),
    )
}

/// The home screen's queries for `scope`, with $1 the person and $2 today
/// (the settings query takes none): for EXPLAIN when tuning.
pub fn home_queries(scope: Scope) -> Vec<(&'static str, String)> {
    vec![
        ("open interventions", open_sql(scope)),
        ("goals", goals_sql(scope)),
        ("data points", points_sql(scope)),
        ("follow-ups", follow_ups_sql(scope)),
    ]
}

/// The home screen for `who` (None: the signed-in person) as of `today`.
pub async fn load_home(
    client: &impl GenericClient,
    who: Option<Uuid>,
    scope: Scope,
    today: NaiveDate,
) -> Result<CaseloadHome, tokio_postgres::Error> {
    let params: [&(dyn ToSql + Sync); 2] = [&who, &today];
    let (open_sql, goals_sql, points_sql, follow_sql) = (
        open_sql(scope),
        goals_sql(scope),
        points_sql(scope),
        follow_ups_sql(scope),
    );
    let (open, goals, points, follow, settings) = futures::try_join!(
        client.query(&open_sql, &params),
        client.query(&goals_sql, &params[..1]),
        client.query(&points_sql, &params),
        client.query(&follow_sql, &params),
        client.query(RULE_SETTINGS_SQL, &[]),
    )?;
    let open: Vec<OpenRow> = open.iter().map(open_row).collect();
    let goals: Vec<(InterventionRef, Goal)> = goals
        .iter()
        .map(|r| (ref_row(r, 0), goal_row_from(r, 4)))
        .collect();
    let follow_ups = follow
        .iter()
        .map(|r| {
            let due: NaiveDate = r.get(7);
            FollowUpRow {
                communication_id: r.get(0),
                student_id: r.get(1),
                student_name: r.get(2),
                intervention_id: r.get(3),
                purpose: r.get(4),
                channel: r.get(5),
                occurred_at: r.get(6),
                follow_up_due: due,
                days_overdue: (today - due).num_days(),
            }
        })
        .collect();
    let settings = rule_settings(&settings);
    let points = points.iter().map(measurement_row).collect();
    Ok(assemble(open, goals, points, follow_ups, settings, today))
}

fn assemble(
    open: Vec<OpenRow>,
    goals: Vec<(InterventionRef, Goal)>,
    points: Vec<Measurement>,
    follow_ups: Vec<FollowUpRow>,
    settings: RuleSettings,
    today: NaiveDate,
) -> CaseloadHome {
    let mut home = CaseloadHome {
        follow_ups,
        settings,
        ..CaseloadHome::default()
    };
    let soon = today
        .checked_add_days(Days::new(REVIEW_LOOKAHEAD_DAYS))
        .unwrap_or(today);
    for o in open {
        let d = &o.delivery;
        if o.status == InterventionStatus::ReviewDue {
            home.reviews_due.push(ReviewRow {
                of: o.of.clone(),
                status: o.status,
                reason: ReviewReason::StatusReviewDue,
            });
            continue;
        }
        match d.planned_end_date {
            None => home.warnings.push(Warning {
                of: o.of.clone(),
                problem: Problem::NoPlannedEnd,
            }),
            Some(end) if end < today => home.reviews_due.push(ReviewRow {
                of: o.of.clone(),
                status: o.status,
                reason: ReviewReason::PastPlannedEnd(end),
            }),
            Some(end) if end <= soon => home.reviews_due.push(ReviewRow {
                of: o.of.clone(),
                status: o.status,
                reason: ReviewReason::EndsSoon(end),
            }),
            Some(_) => {}
        }
        if let Some(days) =
            fidelity::session_gap(d.start_date, o.last_session, d.sessions_per_week, today)
        {
            home.warnings.push(Warning {
                of: o.of.clone(),
                problem: Problem::NoRecentSession { days },
            });
        }
        let next = fidelity::next_session_due(d.start_date, o.last_session, d.sessions_per_week);
        home.active.push(ActiveRow {
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
            home.warnings.push(Warning {
                of: of.clone(),
                problem,
            });
        }
        if let Ok(Verdict::OffTrack) = gp.verdict(settings.decision_rule_points) {
            home.goals_off_track.push(GoalFlag {
                goal_id: gp.goal.id,
                statement: gp.goal.fields.statement.clone(),
                verdict: Verdict::OffTrack,
                last_value: gp.points.last().map(|p| (p.measured_on, p.value)),
                of,
            });
        }
    }
    // Unknown due dates (no frequency planned) after all known ones.
    home.active.sort_by_key(|a| {
        let due = a.next_session_due;
        (due.is_none(), due, a.of.student_name.clone())
    });
    home.reviews_due
        .sort_by_key(|r| (review_day(r.reason), r.of.student_name.clone()));
    home.goals_off_track
        .sort_by(|a, b| a.of.student_name.cmp(&b.of.student_name));
    home.warnings
        .sort_by(|a, b| a.of.student_name.cmp(&b.of.student_name));
    home
}

/// Reviews by urgency: status review_due first, then by planned end.
fn review_day(r: ReviewReason) -> Option<NaiveDate> {
    match r {
        ReviewReason::StatusReviewDue => None,
        ReviewReason::EndsSoon(d) | ReviewReason::PastPlannedEnd(d) => Some(d),
    }
}
