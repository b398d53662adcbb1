//! The caseload home: what needs doing today for one person, bounded to the
//! most urgent HOME_ROWS per list, in parts (`domain::home_parts`): each
//! `load_part` is one round trip, so the open interventions at the top of
//! the screen are not kept waiting by the goals, follow-ups or totals. The
//! judging over their rows is `domain::caseload`.

use crate::db::interventions::delivery::delivered_lateral;
use crate::db::interventions::detail::student_name;
use crate::db::interventions::goals::{
    GOAL_COLUMNS, MEASUREMENT_COLUMNS, goal_row_from, measurement_row,
};
use crate::db::interventions::settings::{RULE_SETTINGS_SQL, rule_settings};
use crate::db::unnamed::{Param, Unnamed};
use crate::domain::caseload::{
    CaseloadHome, Counts, FollowUpRow, InterventionRef, NameOrder, OpenRow, REVIEW_LOOKAHEAD_DAYS,
    Scope, judge_goals, judge_open,
};
use crate::domain::fidelity::Delivery;
use crate::domain::goals::Goal;
use crate::domain::home_parts::{
    FollowUpsPart, GoalsPart, HomePart, HomeParts, HomeQuery, OpenPart,
};
use chrono::NaiveDate;
use tokio_postgres::{GenericClient, Row};
use uuid::Uuid;

/// $1 the person (NULL: the signed-in one).
pub(crate) const ME: &str =
    "WITH me AS (SELECT COALESCE($1::uuid, caseload_current_user_id()) AS id)";

/// The schools of the person's live grants as one array (every school for a
/// district-wide grant), so that `school_id = ANY (...)` can use an index.
pub(crate) const SCHOOLS: &str = "schools_in_scope AS MATERIALIZED ( \
       SELECT CASE WHEN bool_or(ur.school_id IS NULL) THEN (SELECT array_agg(id) FROM schools) \
                   ELSE array_agg(ur.school_id) END AS ids, \
              COALESCE(bool_or(ur.school_id IS NULL), false) AS wide \
       FROM user_roles ur, me WHERE ur.user_id = me.id \
         AND (ur.expires_at IS NULL OR ur.expires_at > now()))";

/// The CTEs that define the scope, and a predicate on it over the given
/// intervention id and school columns. Mine unites two index-driven
/// branches (owner, team) rather than letting a misestimate scan every
/// intervention.
fn scope_terms(scope: Scope, id: &str, school: &str) -> (String, String) {
    match scope {
        Scope::Mine => (
            format!(
                "{ME}, mine AS MATERIALIZED ( \
                   SELECT o.id FROM interventions o, me \
                   WHERE o.owner_id = me.id AND o.status IN ('active', 'review_due') \
                   UNION \
                   SELECT t.intervention_id FROM intervention_team t, me \
                   WHERE t.user_id = me.id)"
            ),
            format!("{id} IN (SELECT id FROM mine)"),
        ),
        Scope::Schools => (
            format!("{ME}, {SCHOOLS}"),
            format!("{school} = ANY ((SELECT ids FROM schools_in_scope)::uuid[])"),
        ),
    }
}

/// The `picked` branches for one urgency order: `where_` the list's rows,
/// `order` its columns. A district-wide person walks the order's index and
/// stops after $3 rows; filtering by an array of every school instead
/// would read and sort every open intervention. The two Schools branches
/// are gated on `wide`, so only one runs.
fn picked_branches(scope: Scope, where_: &str, order: &str) -> String {
    let (_, within) = scope_terms(scope, "u.intervention_id", "u.school_id");
    let branch = |filter: &str| {
        format!(
            "(SELECT u.intervention_id AS id FROM intervention_urgency u \
              WHERE {where_} AND {filter} ORDER BY {order}, u.intervention_id LIMIT $3)"
        )
    };
    match scope {
        Scope::Mine => branch(&within),
        Scope::Schools => format!(
            "{} UNION ALL {}",
            branch("(SELECT wide FROM schools_in_scope)"),
            branch(&format!(
                "NOT (SELECT wide FROM schools_in_scope) AND {within}"
            )),
        ),
    }
}

/// `open`: the open (active or review_due) interventions in scope, whole
/// rows, bounded ($3 rows per list, $2 today): the soonest next sessions
/// (overdue first) and the most pressing reviews (marked review_due, then
/// by planned end), picked by walking `intervention_urgency` (0010), a
/// proxy kept by triggers; every picked row is then judged exactly.
fn open_cte(scope: Scope) -> String {
    let (cte, _) = scope_terms(scope, "", "");
    format!(
        "{cte}, picked AS (({active}) UNION ({reviews})), \
         open AS ( \
           SELECT i.* FROM picked p CROSS JOIN LATERAL ( \
             SELECT * FROM interventions i \
             WHERE i.id = p.id AND i.status IN ('active', 'review_due') OFFSET 0) i) ",
        active = picked_branches(scope, "u.status = 'active'", "u.next_session_due"),
        reviews = picked_branches(
            scope,
            &format!("u.review_on <= $2::date + {REVIEW_LOOKAHEAD_DAYS}"),
            "u.review_on"
        ),
    )
}

/// How many open interventions, active ones and reviews are in scope ($1
/// person, $2 today), counted only when a list was cut: ~70 ms for a
/// district administrator at 500,000 students (a bitmap scan of the
/// schools' index; without the school filter it was a slower full scan).
fn counts_sql(scope: Scope) -> String {
    let (cte, within) = scope_terms(scope, "i.id", "i.school_id");
    format!(
        "{cte} SELECT count(*), count(*) FILTER (WHERE i.status = 'active'), \
           count(*) FILTER (WHERE i.status = 'review_due' \
                            OR i.planned_end_date <= $2::date + {REVIEW_LOOKAHEAD_DAYS}) \
         FROM interventions i WHERE i.status IN ('active', 'review_due') AND {within}"
    )
}

/// Names come from per-row lookups rather than joins: a scope's size is
/// hard to estimate (an array of schools, a CTE's person), and a misjudged
/// join reads all students where a few index probes would do.
const REF_COLUMNS: &str = concat!(
    "i.id, i.student_id, (SELECT ",
    student_name!(),
    " FROM students s WHERE s.id = i.student_id) AS student_name, \
     COALESCE((SELECT p.name FROM intervention_programs p WHERE p.id = i.program_id), \
              i.custom_name, '')"
);

/// The active goals of each open intervention. LATERAL with OFFSET 0 keeps
/// it a per-intervention index probe whatever the estimate.
const OPEN_GOALS: &str = "FROM open i CROSS JOIN LATERAL ( \
       SELECT * FROM intervention_goals g \
       WHERE g.intervention_id = i.id AND g.status = 'active' OFFSET 0) g";

/// Shown for the student of an intervention one may see but whose student
/// one may not (its owner, say, once the student moved to a school outside
/// their reach): row-level security makes the name lookup come back empty.
pub const STUDENT_NOT_VISIBLE: &str = "(a student not visible to you)";

fn ref_row(r: &Row, at: usize) -> InterventionRef {
    InterventionRef {
        intervention_id: r.get(at),
        student_id: r.get(at + 1),
        student_name: r
            .try_get::<_, Option<String>>(at + 2)
            .ok()
            .flatten()
            .unwrap_or_else(|| STUDENT_NOT_VISIBLE.to_string()),
        name: r.get(at + 3),
    }
}

/// In the district's alphabet by student (`NameOrder` is made from the
/// order they come in), so no round trip is spent ordering the names.
fn by_name(select: &str) -> String {
    format!("SELECT * FROM ({select}) q ORDER BY q.student_name COLLATE caseload_names")
}

fn open_sql(scope: Scope) -> String {
    let select = format!(
        "SELECT {REF_COLUMNS}, i.status, i.tier, o.display_name, ls.last_session, \
           i.start_date, i.planned_end_date, i.ended_at::date, i.sessions_per_week, \
           i.minutes_per_session, d.sessions, d.minutes \
         FROM open i \
         LEFT JOIN users o ON o.id = i.owner_id \
         CROSS JOIN LATERAL (SELECT max(se.session_date) AS last_session \
           FROM intervention_sessions se \
           WHERE se.intervention_id = i.id AND se.attendance <> 'cancelled') ls \
         {lateral}",
        lateral = delivered_lateral!(),
    );
    format!(
        "{cte} {sorted}",
        cte = open_cte(scope),
        sorted = by_name(&select)
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

/// The active goals of the interventions `open_cte` picks: picked again
/// rather than passed the open part's ids, so that this part need not wait
/// for that one.
fn goals_sql(scope: Scope) -> String {
    format!(
        "{cte} {sorted}",
        cte = open_cte(scope),
        sorted = by_name(&format!(
            "SELECT {REF_COLUMNS}, {GOAL_COLUMNS} {OPEN_GOALS}"
        )),
    )
}

/// Their goals' measurements up to $2 (today).
fn points_sql(scope: Scope) -> String {
    format!(
        "{cte} SELECT {MEASUREMENT_COLUMNS} {OPEN_GOALS} \
         JOIN progress_measurements m ON m.goal_id = g.id \
         WHERE m.measured_on <= $2",
        cte = open_cte(scope),
    )
}

/// The oldest $3 overdue follow-ups in scope ($2 today). As for `picked`,
/// a district-wide person's branch has no school filter (it walks the open
/// follow-ups' due-date index), the other's filters by school; gated on
/// `wide`, only one runs.
fn follow_ups_sql(scope: Scope) -> String {
    let (cte, branches) = match scope {
        Scope::Mine => (
            format!("{ME} "),
            vec!["c.follow_up_owner = (SELECT id FROM me)".to_string()],
        ),
        Scope::Schools => (
            format!("{ME}, {SCHOOLS} "),
            vec![
                "(SELECT wide FROM schools_in_scope)".to_string(),
                "NOT (SELECT wide FROM schools_in_scope) \
                 AND s.school_id = ANY ((SELECT ids FROM schools_in_scope)::uuid[])"
                    .to_string(),
            ],
        ),
    };
    let from = |whose: &String| {
        format!(
            "FROM communication_log c JOIN students s ON s.id = c.student_id \
             WHERE {whose} AND c.follow_up_due < $2 AND c.follow_up_done_at IS NULL"
        )
    };
    let order = "ORDER BY follow_up_due, occurred_at, id";
    let rows: Vec<String> = branches
        .iter()
        .map(|w| {
            format!(
                "(SELECT c.id, c.student_id, {name} AS student_name, c.intervention_id, \
                   c.purpose, c.channel, c.occurred_at, c.follow_up_due {from} {order} LIMIT $3)",
                name = student_name!(),
                from = from(w),
            )
        })
        .collect();
    format!(
        "{cte} SELECT * FROM ({}) f {order}",
        rows.join(" UNION ALL ")
    )
}

/// The home screen's scope-bound queries for `scope`, with $1 the person,
/// $2 today and $3 the row bound (the counts use only the first two): for
/// EXPLAIN when tuning.
pub fn home_queries(scope: Scope) -> Vec<(&'static str, String)> {
    vec![
        ("open interventions", open_sql(scope)),
        ("goals", goals_sql(scope)),
        ("measurements", points_sql(scope)),
        ("follow-ups", follow_ups_sql(scope)),
        ("open counts", counts_sql(scope)),
    ]
}

/// One part of the home for `who` (None: the signed-in person) as of
/// `today`, at most `limit` rows per list (the app passes HOME_ROWS). Each
/// is a round trip of its own (its statements pipelined), on whatever
/// connection it is given.
pub async fn load_part(
    client: &(impl GenericClient + Sync),
    who: Option<Uuid>,
    scope: Scope,
    today: NaiveDate,
    limit: i64,
    part: HomeQuery,
) -> Result<HomePart, tokio_postgres::Error> {
    let params: [&dyn Param; 3] = [&who, &today, &limit];
    Ok(match part {
        HomeQuery::Open => {
            let sql = open_sql(scope);
            let (open, settings) = futures::try_join!(
                client.fetch(&sql, &params),
                client.fetch(RULE_SETTINGS_SQL, &[]),
            )?;
            let open: Vec<OpenRow> = open.iter().map(open_row).collect();
            let names = NameOrder::new(open.iter().map(|o| o.of.student_name.clone()));
            let loaded = u64::try_from(open.len()).unwrap_or(u64::MAX);
            let full = i64::try_from(open.len()).unwrap_or(i64::MAX) >= limit;
            let settings = rule_settings(&settings);
            let (active, reviews_due, warnings) = judge_open(open, settings, today, &names);
            HomePart::Open(OpenPart {
                active,
                reviews_due,
                warnings,
                settings,
                names,
                loaded,
                full,
            })
        }
        HomeQuery::Goals => {
            let (goals_sql, points_sql) = (goals_sql(scope), points_sql(scope));
            let (goals, points, settings) = futures::try_join!(
                client.fetch(&goals_sql, &params),
                client.fetch(&points_sql, &params),
                client.fetch(RULE_SETTINGS_SQL, &[]),
            )?;
            let goals: Vec<(InterventionRef, Goal)> = goals
                .iter()
                .map(|r| (ref_row(r, 0), goal_row_from(r, 4)))
                .collect();
            let names = NameOrder::new(goals.iter().map(|(of, _)| of.student_name.clone()));
            let points = points.iter().map(measurement_row).collect();
            let (off_track, warnings) =
                judge_goals(goals, points, rule_settings(&settings), &names);
            HomePart::Goals(GoalsPart {
                off_track,
                warnings,
            })
        }
        HomeQuery::FollowUps => {
            // One past the bound says whether there are more: counting them
            // took half a second for a district administrator.
            let follow_limit = limit.saturating_add(1);
            let params: [&dyn Param; 3] = [&who, &today, &follow_limit];
            // Row-level security's per-row policy calls put the estimate
            // past `jit_above_cost` (~176,000 for a district administrator
            // at 50,000 students), and compiling took 150–200 ms of a query
            // that runs in 5–25 ms: JIT is off for its own transaction
            // (`export::without_jit`), so this part needs a connection to
            // itself.
            client
                .batch_execute("BEGIN READ ONLY; SET LOCAL jit = off")
                .await?;
            let rows = client.fetch(&follow_ups_sql(scope), &params).await;
            // On an error too: the connection goes back to the pool.
            client.batch_execute("COMMIT").await?;
            let mut rows = rows?;
            let more = i64::try_from(rows.len()).unwrap_or(i64::MAX) > limit;
            rows.truncate(usize::try_from(limit).unwrap_or(0));
            HomePart::FollowUps(FollowUpsPart {
                rows: rows.iter().map(|r| follow_up_row(r, today)).collect(),
                more,
            })
        }
        HomeQuery::Counts => {
            let r = client.fetch_one(&counts_sql(scope), &params[..2]).await?;
            let n = |at: usize| u64::try_from(r.get::<_, i64>(at)).unwrap_or(0);
            HomePart::Counts(Counts {
                open: n(0),
                active: n(1),
                reviews: n(2),
            })
        }
    })
}

fn follow_up_row(r: &Row, today: NaiveDate) -> FollowUpRow {
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
}

/// The whole home, as the screen has it once every part is in: the parts
/// one after another on one connection.
pub async fn load_home(
    client: &(impl GenericClient + Sync),
    who: Option<Uuid>,
    scope: Scope,
    today: NaiveDate,
    limit: i64,
) -> Result<CaseloadHome, tokio_postgres::Error> {
    let part = |q| load_part(client, who, scope, today, limit, q);
    let mut parts = HomeParts::default();
    for q in HomeQuery::AT_ONCE {
        parts.put(part(q).await?);
    }
    let then = parts
        .open
        .as_ref()
        .map(HomeQuery::after)
        .unwrap_or_default();
    for q in then {
        parts.put(part(q).await?);
    }
    Ok(parts.compose().unwrap_or_default())
}
