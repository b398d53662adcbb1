//! The Interventions list's query: filters and sorts over
//! `intervention_list` (0019), keyset-paged in both directions, and its
//! (possibly estimated) count.
//!
//! Which interventions exist is row-level security's business alone (the
//! join to `interventions` applies its policies). As for the roster
//! (`db::roster`), the page of someone who sees only some schools is split
//! into one branch per school of the students policy's terms, purely so each
//! branch seeks in an index; together they cover what the policy admits.

use crate::db::roster::{Params, Reach, reach};
use crate::db::unnamed::Unnamed;
use crate::domain::fidelity::session_gap;
use crate::domain::iv_list::{IvCursor, IvFilters, IvPage, IvPageRequest, IvQuery, IvRow, IvSort};
use chrono::NaiveDate;
use tokio_postgres::{GenericClient, Row};

/// Up to this many matches are counted exactly; beyond, the planner's
/// estimate is shown.
pub const EXACT_COUNT_LIMIT: i64 = 10_000;

/// The sort's keys in front of the id, as `intervention_list`'s indexes
/// spell them (0019): ascending, never NULL, so a row comparison seeks.
fn sort_keys(sort: IvSort) -> &'static [&'static str] {
    match sort {
        IvSort::NextDue => &["COALESCE(l.next_session_due, 'infinity'::date)"],
        IvSort::Review => &["COALESCE(l.review_on, 'infinity'::date)"],
        IvSort::Student => &[
            "l.last_name COLLATE caseload_names",
            "l.first_name COLLATE caseload_names",
        ],
        IvSort::Start => &["COALESCE(DATE '9999-12-31' - l.start_date, 2147483647)"],
    }
}

/// The same keys over a merged page's output columns (k1, k2).
fn output_keys(sort: IvSort) -> &'static [&'static str] {
    match sort {
        IvSort::Student => &["k1 COLLATE caseload_names", "k2 COLLATE caseload_names"],
        _ => &["k1"],
    }
}

/// A cursor's values for the sort's keys, bound.
fn cursor_values(sort: IvSort, c: &IvCursor, p: &mut Params) -> Vec<String> {
    match sort {
        IvSort::NextDue => vec![format!(
            "COALESCE({}::date, 'infinity'::date)",
            p.bind(c.next_session_due)
        )],
        IvSort::Review => vec![format!(
            "COALESCE({}::date, 'infinity'::date)",
            p.bind(c.review_on)
        )],
        IvSort::Student => vec![p.bind(c.last_name.clone()), p.bind(c.first_name.clone())],
        IvSort::Start => vec![format!(
            "COALESCE(DATE '9999-12-31' - {}::date, 2147483647)",
            p.bind(c.start_date)
        )],
    }
}

/// The district's fidelity threshold as `db::interventions::settings` reads
/// it (a number from 0 to 1, else 0.8).
const THRESHOLD: &str = "COALESCE((SELECT CASE WHEN jsonb_typeof(st.value) = 'number' \
       AND (st.value #>> '{}')::float8 BETWEEN 0 AND 1 THEN (st.value #>> '{}')::float8 END \
     FROM settings st WHERE st.scope = 'system' AND st.key = 'fidelity_threshold' LIMIT 1), 0.8)";

/// Fidelity under the threshold, as `domain::fidelity::fidelity` judges it:
/// over the days from the start to the earliest of today (`{t}`), the end and
/// the planned end, once a whole session was due. `{t}` is a bound date.
fn fidelity_low(t: &str) -> String {
    let end = format!("LEAST({t}::date, i.ended_at::date, i.planned_end_date)");
    let planned = format!("(({end} - l.start_date + 1)::float8 / 7.0 * i.sessions_per_week)");
    format!(
        "(l.start_date IS NOT NULL AND i.sessions_per_week > 0 AND {end} >= l.start_date \
          AND {planned} >= 1 \
          AND (COALESCE(lr.sessions_delivered, l.sessions_delivered)::float8 / {planned} \
                 < {THRESHOLD} \
               OR (i.minutes_per_session > 0 \
                   AND COALESCE(lr.minutes_delivered, l.minutes_delivered)::float8 \
                       / ({planned} * i.minutes_per_session) < {THRESHOLD})))"
    )
}

/// The last session and the next one due as the person sees them: with
/// restricted sessions for those who may see them (their side table's row,
/// which row-level security shows nobody else), as the home screen counts.
const LAST_SESSION: &str = "COALESCE(lr.last_session, l.last_session)";
const NEXT_DUE: &str = "COALESCE(lr.next_session_due, l.next_session_due)";

/// Open: running or due for review.
const OPEN: &str = "l.status IN ('active', 'review_due')";

/// The WHERE conditions of the filters (without the keyset).
fn conditions(f: &IvFilters, today: NaiveDate, p: &mut Params) -> Vec<String> {
    // Today is bound only where used: an unused parameter has no type.
    let mut w = Vec::new();
    if let Some(s) = f.status {
        w.push(format!("l.status = {}", p.bind(s)));
    }
    if let Some(tier) = f.tier {
        w.push(format!("l.tier = {}", p.bind(tier)));
    }
    if let Some(k) = f.kind {
        w.push(format!("l.intervention_type = {}", p.bind(k)));
    }
    for (v, col) in [
        (&f.program, "l.program_id"),
        (&f.school, "l.school_id"),
        (&f.owner, "l.owner_id"),
    ] {
        if let Some(n) = v {
            w.push(format!("{col} = {}", p.bind(n.id)));
        }
    }
    if let Some(n) = f.review_within {
        let (t, n) = (p.bind(today), p.bind(i32::from(n)));
        w.push(format!(
            "{OPEN} AND (l.status = 'review_due' OR l.review_on <= {t}::date + {n}::int)"
        ));
    }
    if f.off_track {
        w.push("l.off_track".into());
    }
    if f.fidelity_low {
        w.push(fidelity_low(&p.bind(today)));
    }
    if let Some(n) = f.no_session_days {
        let (t, n) = (p.bind(today), p.bind(i32::from(n)));
        w.push(format!(
            "{OPEN} AND COALESCE({LAST_SESSION}, l.start_date) < {t}::date - {n}::int"
        ));
    }
    w
}

fn where_clause(w: &[String]) -> String {
    if w.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", w.join(" AND "))
    }
}

/// Past this many schools one index walk beats one branch per school.
const MAX_SCHOOL_BRANCHES: usize = 40;

/// The students policy's terms over the list's student columns: one branch
/// per school, one for counselees and team students outside those schools.
/// `None` for people who see everyone or span too many schools.
fn branches(r: &Reach, p: &mut Params) -> Option<Vec<String>> {
    if r.all || r.schools.len() > MAX_SCHOOL_BRANCHES {
        return None;
    }
    let mut out: Vec<String> = r
        .schools
        .iter()
        .map(|id| format!("l.student_school_id = {}", p.bind(*id)))
        .collect();
    if let Some(own) = own_students(r, p) {
        out.push(format!(
            "{own} AND l.student_school_id <> ALL ({})",
            p.bind(r.schools.clone())
        ));
    }
    Some(out)
}

/// Counselees and the students of the person's interventions. Each term is
/// `= ANY (array)` so the planner can OR index scans together: an
/// `IN (subquery)` inside the OR made a coordinator's count walk the whole
/// table (1.7 s at 500k students; 57 ms so).
fn own_students(r: &Reach, p: &mut Params) -> Option<String> {
    let mut own = Vec::new();
    if let Some(me) = r.me {
        own.push(format!(
            "l.student_id = ANY (ARRAY(SELECT s.id FROM students s WHERE s.counselor_id = {}))",
            p.bind(me)
        ));
    }
    if !r.team.is_empty() {
        own.push(format!("l.student_id = ANY ({})", p.bind(r.team.clone())));
    }
    (!own.is_empty()).then(|| format!("({})", own.join(" OR ")))
}

/// The policy's terms as one condition the planner can use, for counting.
fn reach_condition(r: &Reach, p: &mut Params) -> Option<String> {
    if r.all {
        return None;
    }
    let mut terms = vec![format!(
        "l.student_school_id = ANY ({})",
        p.bind(r.schools.clone())
    )];
    terms.extend(own_students(r, p));
    Some(format!("({})", terms.join(" OR ")))
}

/// The joins every condition may use: the intervention itself (its
/// policies decide what is seen) and the counts with restricted sessions
/// (only for those who may see them).
const BASE: &str = "FROM intervention_list l \
     JOIN interventions i ON i.id = l.intervention_id \
     LEFT JOIN intervention_list_restricted lr ON lr.intervention_id = l.intervention_id";

/// What a page shows besides.
const NAMES: &str = "JOIN schools sc ON sc.id = l.school_id \
     LEFT JOIN intervention_programs pr ON pr.id = l.program_id \
     LEFT JOIN users o ON o.id = l.owner_id";

/// The sort's halves: a condition and the keys it seeks by. The next-due
/// sort orders by the date the person sees (`NEXT_DUE`), which for a row
/// with restricted sessions they may see is its side table's: those rows
/// (few) are one half, sorted on their own, and the rest walk 0019's index
/// of the shared date. Other sorts are one half.
fn halves(sort: IvSort) -> Vec<(Option<&'static str>, &'static [&'static str])> {
    match sort {
        IvSort::NextDue => vec![
            (Some("lr.intervention_id IS NULL"), sort_keys(sort)),
            (
                Some("lr.intervention_id IS NOT NULL"),
                &["COALESCE(lr.next_session_due, 'infinity'::date)"],
            ),
        ],
        _ => vec![(None, sort_keys(sort))],
    }
}

fn columns(keys: &[&str], t: &str) -> String {
    let k2 = keys.get(1).copied().unwrap_or("NULL::text");
    format!(
        "l.intervention_id, l.student_id, l.last_name, l.first_name, \
         COALESCE(pr.name, i.custom_name, ''), l.tier, l.status, l.intervention_type, \
         l.program_id, l.owner_id, o.display_name, l.school_id, COALESCE(sc.short_name, sc.name), \
         l.start_date, {NEXT_DUE}, l.review_on, l.off_track, {fid}, {LAST_SESSION}, \
         i.sessions_per_week, {k1} AS k1, {k2} AS k2",
        fid = fidelity_low(t),
        k1 = keys[0],
    )
}

fn iv_row(r: &Row, today: NaiveDate) -> IvRow {
    let status: crate::domain::enums::InterventionStatus = r.get(6);
    let start_date = r.get(13);
    let open = matches!(
        status,
        crate::domain::enums::InterventionStatus::Active
            | crate::domain::enums::InterventionStatus::ReviewDue
    );
    IvRow {
        id: r.get(0),
        student_id: r.get(1),
        last_name: r.get(2),
        first_name: r.get(3),
        name: r.get(4),
        tier: r.get(5),
        status,
        kind: r.get(7),
        program_id: r.get(8),
        owner_id: r.get(9),
        owner: r.get(10),
        school_id: r.get(11),
        school: r.get(12),
        start_date,
        next_session_due: r.get(14),
        review_on: r.get(15),
        off_track: r.get(16),
        fidelity_low: r.get(17),
        gap_days: open
            .then(|| session_gap(start_date, r.get(18), r.get(19), today))
            .flatten(),
    }
}

/// One page by keyset on (sort keys, id): the row comparison seeks straight
/// to the cursor in the sort's index, so a late page costs what the first
/// one costs. Backward pages are read descending and reversed.
pub async fn iv_page(
    client: &(impl GenericClient + Sync),
    query: &IvQuery,
    request: &IvPageRequest,
    limit: usize,
    today: NaiveDate,
) -> Result<IvPage, tokio_postgres::Error> {
    let reach = reach(client).await?;
    let mut p = Params::default();
    let t = p.bind(today);
    let w = conditions(&query.filters, today, &mut p);
    let (cursor, descending) = match request {
        IvPageRequest::First => (None, false),
        IvPageRequest::Last => (None, true),
        IvPageRequest::After(c) => (Some((c, ">")), false),
        IvPageRequest::Before(c) => (Some((c, "<")), true),
        IvPageRequest::From(c) => (Some((c, ">=")), false),
    };
    let cursor = cursor.map(|(c, op)| {
        let mut values = cursor_values(query.sort, c, &mut p);
        values.push(p.bind(c.id));
        (values.join(", "), op)
    });
    let dir = if descending { " DESC" } else { "" };
    let order = |keys: &[&str]| {
        keys.iter()
            .map(|k| format!("{k}{dir}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let fetch = p.bind(i64::try_from(limit).unwrap_or(i64::MAX - 1) + 1);
    // One part per (school branch, half of the sort): each seeks in an
    // index on its own; together they are every row the person may see.
    let schools = match branches(&reach, &mut p) {
        None => vec![None],
        Some(b) if b.is_empty() => return Ok(IvPage::default()),
        Some(b) => b.into_iter().map(Some).collect(),
    };
    let mut parts = Vec::new();
    for school in &schools {
        for (half, keys) in halves(query.sort) {
            let mut key: Vec<&str> = keys.to_vec();
            key.push("l.intervention_id");
            let mut pw = w.clone();
            pw.extend(school.iter().cloned());
            pw.extend(half.map(str::to_string));
            if let Some((values, op)) = &cursor {
                pw.push(format!("({}) {op} ({values})", key.join(", ")));
            }
            parts.push(format!(
                "SELECT {} {BASE} {NAMES} {} ORDER BY {} LIMIT {fetch}",
                columns(keys, &t),
                where_clause(&pw),
                order(&key)
            ));
        }
    }
    let sql = match parts.as_slice() {
        [one] => one.clone(),
        _ => {
            let mut outer: Vec<&str> = output_keys(query.sort).to_vec();
            outer.push("intervention_id");
            let parts: Vec<String> = parts.iter().map(|q| format!("({q})")).collect();
            format!(
                "SELECT * FROM ({}) page ORDER BY {} LIMIT {fetch}",
                parts.join(" UNION ALL "),
                order(&outer)
            )
        }
    };
    let found = client.fetch(&sql, &p.refs()).await?;
    let more = found.len() > limit;
    let mut rows: Vec<IvRow> = found.iter().take(limit).map(|r| iv_row(r, today)).collect();
    if descending {
        rows.reverse();
    }
    Ok(IvPage { rows, more })
}

/// Rows the estimate samples: enough that a count past the exact limit
/// (at least 10,001 matches) is found in ~100+ sampled rows.
const SAMPLE_ROWS: f64 = 20_000.0;

/// How many interventions match: exact up to `exact_limit`, else estimated
/// (`true`) from a row sample taken as the person, so row-level security
/// and every filter apply to it. The planner's own estimate cannot be used:
/// it guesses each policy's subquery at half the rows, compounding into a
/// figure off by several times.
pub async fn iv_count(
    client: &(impl GenericClient + Sync),
    query: &IvQuery,
    today: NaiveDate,
    exact_limit: i64,
) -> Result<(u64, bool), tokio_postgres::Error> {
    let reach = reach(client).await?;
    let sql = |p: &mut Params, sample: Option<String>| {
        let mut w = conditions(&query.filters, today, p);
        w.extend(reach_condition(&reach, p));
        let base = match sample {
            Some(pct) => BASE.replacen(
                "intervention_list l",
                &format!("intervention_list l TABLESAMPLE BERNOULLI ({pct}) REPEATABLE (0)"),
                1,
            ),
            None => BASE.to_string(),
        };
        format!("SELECT 1 {base} {}", where_clause(&w))
    };
    let mut p = Params::default();
    let inner = sql(&mut p, None);
    let capped = format!(
        "SELECT count(*) FROM ({inner} LIMIT {}) x",
        p.bind(exact_limit + 1)
    );
    let n: i64 = client.fetch_one(&capped, &p.refs()).await?.get(0);
    let counted = u64::try_from(n).unwrap_or(0);
    if n <= exact_limit {
        return Ok((counted, false));
    }
    let rows: f32 = client
        .fetch_one(
            "SELECT reltuples FROM pg_class WHERE oid = 'intervention_list'::regclass",
            &[],
        )
        .await?
        .get(0);
    let pct = (SAMPLE_ROWS * 100.0 / f64::from(rows).max(1.0)).clamp(0.01, 100.0);
    let mut p = Params::default();
    let pct_param = p.bind(pct);
    let sampled = format!(
        "SELECT count(*) FROM ({}) x",
        sql(&mut p, Some(format!("{pct_param}::float8")))
    );
    let hits: i64 = client.fetch_one(&sampled, &p.refs()).await?.get(0);
    let estimate = (hits as f64 * 100.0 / pct).round() as u64;
    Ok((estimate.max(counted), true))
}
