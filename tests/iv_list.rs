//! The Interventions list against seeded data on the real server, signed in
//! as the demo people so row-level security applies: keyset paging in every
//! sort, each filter against a plain query of its definition, the counts,
//! and the stored flags against the Rust verdicts the detail screen shows.

mod common;

use caseload::db::interventions::delivery::delivery_counts;
use caseload::db::interventions::goals::{
    GOAL_COLUMNS, MEASUREMENT_COLUMNS, goal_row, measurement_row,
};
use caseload::db::interventions::list::{EXACT_COUNT_LIMIT, iv_count, iv_page};
use caseload::db::interventions::load_rule_settings;
use caseload::demo::seed::{DEMO_ADMIN, DEMO_COORDINATOR, DEMO_COUNSELOR};
use caseload::domain::enums::{InterventionStatus, InterventionType};
use caseload::domain::fidelity::fidelity;
use caseload::domain::goals::GoalWithPoints;
use caseload::domain::iv_list::{IvFilters, IvPageRequest, IvQuery, IvSort, Named};
use caseload::domain::student::Progress;
use chrono::NaiveDate;
use common::{TestDb, today};
use std::collections::BTreeSet;
use tokio_postgres::Client;
use uuid::Uuid;

async fn seeded() -> (TestDb, Client) {
    TestDb::seeded(400, 7, today()).await
}

async fn login(db: &TestDb, admin: &Client, person: &str, group: &str) -> Client {
    let (conninfo, password) = db.demo_login(admin, person, group).await;
    common::connect(&format!("{conninfo} password={password}")).await
}

/// Every page forward from the first, `limit` rows at a time.
async fn forward(c: &Client, q: &IvQuery, limit: usize) -> Vec<Uuid> {
    let mut out = Vec::new();
    let mut request = IvPageRequest::First;
    loop {
        let p = iv_page(c, q, &request, limit, today()).await.expect("page");
        out.extend(p.rows.iter().map(|r| r.id));
        match p.rows.last() {
            Some(last) if p.more => request = IvPageRequest::After(last.cursor()),
            _ => return out,
        }
    }
}

/// Every page backward from the last, in list order.
async fn backward(c: &Client, q: &IvQuery, limit: usize) -> Vec<Uuid> {
    let mut out: Vec<Uuid> = Vec::new();
    let mut request = IvPageRequest::Last;
    loop {
        let p = iv_page(c, q, &request, limit, today()).await.expect("page");
        let mut rows: Vec<Uuid> = p.rows.iter().map(|r| r.id).collect();
        rows.extend(out);
        out = rows;
        match p.rows.first() {
            Some(first) if p.more => request = IvPageRequest::Before(first.cursor()),
            _ => return out,
        }
    }
}

async fn ids(c: &Client, sql: &str) -> BTreeSet<Uuid> {
    c.query(sql, &[])
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|r| r.get(0))
        .collect()
}

fn set(v: &[Uuid]) -> BTreeSet<Uuid> {
    v.iter().copied().collect()
}

fn sorted(sort: IvSort) -> IvQuery {
    IvQuery {
        sort,
        ..IvQuery::default()
    }
}

#[tokio::test]
async fn every_sort_pages_the_same_rows_both_ways_for_each_person() {
    let (db, admin) = seeded().await;
    for (person, group) in [
        (DEMO_ADMIN, "caseload_admin"),
        (DEMO_COORDINATOR, "caseload_coordinator"),
        (DEMO_COUNSELOR, "caseload_counselor"),
    ] {
        let c = login(&db, &admin, person, group).await;
        let visible = ids(&c, "SELECT id FROM interventions").await;
        assert!(visible.len() > 10, "{person} sees some: {}", visible.len());
        for sort in IvSort::ALL {
            let q = sorted(sort);
            let fwd = forward(&c, &q, 13).await;
            assert_eq!(fwd.len(), visible.len(), "{person} {sort:?}: no duplicates");
            assert_eq!(
                set(&fwd),
                visible,
                "{person} {sort:?}: exactly the visible ones"
            );
            assert_eq!(
                backward(&c, &q, 13).await,
                fwd,
                "{person} {sort:?}: backward"
            );
        }
    }
}

async fn all_rows(c: &Client, sort: IvSort) -> Vec<caseload::domain::iv_list::IvRow> {
    let mut out = Vec::new();
    let mut request = IvPageRequest::First;
    loop {
        let p = iv_page(c, &sorted(sort), &request, 50, today())
            .await
            .expect("page");
        out.extend(p.rows.clone());
        match p.rows.last() {
            Some(last) if p.more => request = IvPageRequest::After(last.cursor()),
            _ => return out,
        }
    }
}

#[tokio::test]
async fn each_sort_orders_by_what_its_header_says() {
    let (db, admin) = seeded().await;
    let c = login(&db, &admin, DEMO_COORDINATOR, "caseload_coordinator").await;
    let c = &c;
    let rows = |sort| async move { all_rows(c, sort).await };
    let far = NaiveDate::MAX;
    let due: Vec<NaiveDate> = rows(IvSort::NextDue)
        .await
        .iter()
        .map(|r| r.next_session_due.unwrap_or(far))
        .collect();
    assert!(due.is_sorted(), "soonest due first, none last");
    assert!(due.first() < due.last());
    let review: Vec<NaiveDate> = rows(IvSort::Review)
        .await
        .iter()
        .map(|r| r.review_on.unwrap_or(far))
        .collect();
    assert!(review.is_sorted());
    let start: Vec<std::cmp::Reverse<NaiveDate>> = rows(IvSort::Start)
        .await
        .iter()
        .map(|r| std::cmp::Reverse(r.start_date.unwrap_or(NaiveDate::MIN)))
        .collect();
    assert!(start.is_sorted(), "newest start first, none last");
    let by_student = rows(IvSort::Student).await;
    let expected: Vec<Uuid> = c
        .query(
            "SELECT i.id FROM interventions i JOIN students s ON s.id = i.student_id \
             ORDER BY s.last_name COLLATE caseload_names, s.first_name COLLATE caseload_names, \
               i.id",
            &[],
        )
        .await
        .expect("by name")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        by_student.iter().map(|r| r.id).collect::<Vec<_>>(),
        expected
    );
}

#[tokio::test]
async fn each_filter_returns_what_a_plain_query_as_that_person_returns() {
    let (db, admin) = seeded().await;
    let c = login(&db, &admin, DEMO_COORDINATOR, "caseload_coordinator").await;
    // A row to take a school, owner and program from.
    let any = iv_page(&c, &IvQuery::default(), &IvPageRequest::First, 1, today())
        .await
        .expect("page")
        .rows
        .remove(0);
    let program: Uuid = c
        .query_one(
            "SELECT program_id FROM interventions WHERE program_id IS NOT NULL \
             GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
            &[],
        )
        .await
        .expect("program")
        .get(0);
    let owner = any.owner_id.expect("seeded interventions have owners");
    let named = |id| {
        Some(Named {
            id,
            name: "x".into(),
        })
    };
    let cases: Vec<(IvFilters, String)> = vec![
        (
            IvFilters {
                status: Some(InterventionStatus::Active),
                ..Default::default()
            },
            "SELECT id FROM interventions WHERE status = 'active'".into(),
        ),
        (
            IvFilters {
                tier: Some(3),
                ..Default::default()
            },
            "SELECT id FROM interventions WHERE tier = 3".into(),
        ),
        (
            IvFilters {
                kind: Some(InterventionType::Reading),
                ..Default::default()
            },
            "SELECT id FROM interventions WHERE intervention_type = 'reading'".into(),
        ),
        (
            IvFilters {
                program: named(program),
                ..Default::default()
            },
            format!("SELECT id FROM interventions WHERE program_id = '{program}'"),
        ),
        (
            IvFilters {
                school: named(any.school_id),
                ..Default::default()
            },
            format!(
                "SELECT id FROM interventions WHERE school_id = '{}'",
                any.school_id
            ),
        ),
        (
            IvFilters {
                owner: named(owner),
                ..Default::default()
            },
            format!("SELECT id FROM interventions WHERE owner_id = '{owner}'"),
        ),
        (
            IvFilters {
                review_within: Some(14),
                ..Default::default()
            },
            format!(
                "SELECT id FROM interventions WHERE status = 'review_due' \
                 OR (status = 'active' AND planned_end_date <= DATE '{}' + 14)",
                today()
            ),
        ),
        (
            IvFilters {
                no_session_days: Some(7),
                ..Default::default()
            },
            format!(
                "SELECT i.id FROM interventions i WHERE i.status IN ('active', 'review_due') \
                 AND COALESCE((SELECT max(se.session_date) FROM intervention_sessions se \
                   WHERE se.intervention_id = i.id AND se.attendance <> 'cancelled'), \
                   i.start_date) < DATE '{}' - 7",
                today()
            ),
        ),
        (
            IvFilters {
                status: Some(InterventionStatus::Active),
                tier: Some(2),
                school: named(any.school_id),
                ..Default::default()
            },
            format!(
                "SELECT id FROM interventions WHERE status = 'active' AND tier = 2 \
                 AND school_id = '{}'",
                any.school_id
            ),
        ),
    ];
    for (filters, sql) in cases {
        let want = ids(&c, &sql).await;
        assert!(!want.is_empty(), "the seed has rows for {sql}");
        for sort in [IvSort::NextDue, IvSort::Student] {
            let q = IvQuery {
                filters: filters.clone(),
                sort,
            };
            let got = forward(&c, &q, 40).await;
            assert_eq!(got.len(), want.len(), "{filters:?}: no duplicates");
            assert_eq!(set(&got), want, "{filters:?} {sort:?}");
        }
        let (n, estimated) = iv_count(
            &c,
            &IvQuery {
                filters: filters.clone(),
                ..Default::default()
            },
            today(),
            EXACT_COUNT_LIMIT,
        )
        .await
        .expect("count");
        assert_eq!((n, estimated), (want.len() as u64, false), "{filters:?}");
    }
}

/// The off-track and fidelity flags the list filters by are the verdicts the
/// detail screen computes in Rust (domain::progress, domain::fidelity) from
/// what the person sees.
async fn assert_flags_match_the_rust_verdicts(c: &Client) -> (usize, usize) {
    let settings = load_rule_settings(c).await.expect("settings");
    let goals = c
        .query(
            &format!(
                "SELECT {GOAL_COLUMNS} FROM intervention_goals g WHERE g.status = 'active' \
                 ORDER BY g.sort_order, g.created_at, g.id"
            ),
            &[],
        )
        .await
        .expect("goals");
    let points = c
        .query(
            &format!(
                "SELECT {MEASUREMENT_COLUMNS} FROM progress_measurements m \
                 ORDER BY m.goal_id, m.measured_on, m.created_at, m.id"
            ),
            &[],
        )
        .await
        .expect("points");
    let grouped = GoalWithPoints::group(
        goals.iter().map(goal_row).collect(),
        points.iter().map(measurement_row).collect(),
    );
    let off_rust: BTreeSet<Uuid> =
        Progress::by_intervention(grouped, settings.decision_rule_points)
            .into_iter()
            .filter(|(_, p)| *p == Progress::OffTrack)
            .map(|(id, _)| id)
            .collect();
    let all: Vec<Uuid> = ids(c, "SELECT id FROM interventions")
        .await
        .into_iter()
        .collect();
    let low_rust: BTreeSet<Uuid> = delivery_counts(c, &all, today())
        .await
        .expect("delivery")
        .into_iter()
        .filter(|d| {
            fidelity(&d.delivery, today(), settings.fidelity_threshold)
                .is_some_and(|f| f.below_threshold)
        })
        .map(|d| d.intervention_id)
        .collect();
    let flagged = |filters: IvFilters| async move {
        set(&forward(
            c,
            &IvQuery {
                filters,
                ..Default::default()
            },
            200,
        )
        .await)
    };
    let off_db = flagged(IvFilters {
        off_track: true,
        ..Default::default()
    })
    .await;
    let low_db = flagged(IvFilters {
        fidelity_low: true,
        ..Default::default()
    })
    .await;
    assert_eq!(
        off_db, off_rust,
        "off track: the list and the decision rules agree"
    );
    assert_eq!(
        low_db, low_rust,
        "fidelity low: the list and domain::fidelity agree"
    );
    (off_db.len(), low_db.len())
}

#[tokio::test]
async fn stored_flags_equal_the_rust_verdicts_and_follow_writes() {
    let (db, admin) = seeded().await;
    let c = login(&db, &admin, DEMO_COUNSELOR, "caseload_counselor").await;
    let (off, low) = assert_flags_match_the_rust_verdicts(&c).await;
    assert!(
        off > 0 && low > 0,
        "the seed has both: {off} off track, {low} fidelity low"
    );
    // The admin sees every intervention (restricted sessions are not in
    // the seed's delivery counts differently: see the report).
    let a = login(&db, &admin, DEMO_ADMIN, "caseload_admin").await;
    assert_flags_match_the_rust_verdicts(&a).await;

    // Four points under the aimline make an on-track goal off track; the
    // list follows at once.
    let goal: (Uuid, Uuid) = {
        let r = admin
            .query_one(
                "SELECT g.id, g.intervention_id FROM intervention_goals g \
                 JOIN intervention_list l ON l.intervention_id = g.intervention_id \
                 WHERE g.status = 'active' AND g.decision_rule = 'four_point' \
                   AND g.direction = 'increase' AND g.baseline_date IS NOT NULL \
                   AND g.target_date IS NOT NULL AND NOT l.off_track \
                   AND g.baseline_value IS NOT NULL AND g.target_value IS NOT NULL \
                   AND NOT EXISTS (SELECT 1 FROM intervention_goals o \
                     WHERE o.intervention_id = g.intervention_id AND o.id <> g.id) LIMIT 1",
                &[],
            )
            .await
            .expect("an on-track goal");
        (r.get(0), r.get(1))
    };
    admin
        .execute(
            "INSERT INTO progress_measurements (goal_id, measured_on, value) \
             SELECT $1, target_date + d, baseline_value - 1000 FROM intervention_goals, \
               generate_series(1, 4) d WHERE id = $1",
            &[&goal.0],
        )
        .await
        .expect("points");
    let off: bool = admin
        .query_one(
            "SELECT off_track FROM intervention_list WHERE intervention_id = $1",
            &[&goal.1],
        )
        .await
        .expect("row")
        .get(0);
    assert!(off, "four points under the aimline");
    assert_flags_match_the_rust_verdicts(&a).await;
    // The rule's points setting changes every verdict.
    admin
        .batch_execute(
            "DELETE FROM settings WHERE scope = 'system' AND key = 'decision_rule_points'; \
             INSERT INTO settings (scope, key, value, value_type) \
             VALUES ('system', 'decision_rule_points', '6', 'number')",
        )
        .await
        .expect("setting");
    assert_flags_match_the_rust_verdicts(&a).await;
}

#[tokio::test]
async fn counts_are_exact_up_to_the_limit_then_estimated() {
    let (db, admin) = seeded().await;
    let c = login(&db, &admin, DEMO_ADMIN, "caseload_admin").await;
    let all = ids(&c, "SELECT id FROM interventions").await.len() as u64;
    let q = IvQuery::default();
    assert_eq!(
        iv_count(&c, &q, today(), EXACT_COUNT_LIMIT)
            .await
            .expect("count"),
        (all, false)
    );
    let (n, estimated) = iv_count(&c, &q, today(), 50).await.expect("count");
    assert!(estimated, "past the limit the count is the planner's");
    assert!(n > 50, "never below what was counted: {n}");
    assert!(n.abs_diff(all) * 2 < all, "a fair estimate: {n} for {all}");
}

#[tokio::test]
async fn a_school_limited_coordinator_sees_only_their_schools_and_own_students() {
    let (db, admin) = seeded().await;
    let c = login(&db, &admin, DEMO_COORDINATOR, "caseload_coordinator").await;
    let rows = forward(&c, &IvQuery::default(), 100).await;
    let everyone = ids(&admin, "SELECT id FROM interventions").await;
    assert!(rows.len() < everyone.len(), "not the whole district");
    let outside: i64 = admin
        .query_one(
            "SELECT count(*) FROM interventions i JOIN students s ON s.id = i.student_id \
             JOIN users u ON u.username = $1 \
             WHERE i.id = ANY ($2) \
               AND s.school_id NOT IN (SELECT school_id FROM user_roles ur \
                 WHERE ur.user_id = u.id AND ur.school_id IS NOT NULL) \
               AND s.counselor_id IS DISTINCT FROM u.id \
               AND NOT EXISTS (SELECT 1 FROM interventions o WHERE o.student_id = s.id \
                 AND (o.owner_id = u.id OR EXISTS (SELECT 1 FROM intervention_team t \
                   WHERE t.intervention_id = o.id AND t.user_id = u.id)))",
            &[&DEMO_COORDINATOR, &rows],
        )
        .await
        .expect("outside")
        .get(0);
    assert_eq!(
        outside, 0,
        "every row is of their schools or their own students"
    );
    // What the list's summary table shows psql is what the list shows.
    assert_eq!(
        ids(&c, "SELECT intervention_id FROM intervention_list").await,
        set(&rows)
    );
}

#[tokio::test]
async fn paging_stays_stable_while_interventions_are_added() {
    let (db, admin) = seeded().await;
    let c = login(&db, &admin, DEMO_ADMIN, "caseload_admin").await;
    for sort in IvSort::ALL {
        let before = ids(&c, "SELECT id FROM interventions").await;
        let q = sorted(sort);
        let mut seen = Vec::new();
        let mut request = IvPageRequest::First;
        let mut added = 0;
        loop {
            let p = iv_page(&c, &q, &request, 25, today()).await.expect("page");
            seen.extend(p.rows.iter().map(|r| r.id));
            // Another person adds interventions all over the order.
            admin
                .execute(
                    "INSERT INTO interventions (student_id, school_id, intervention_type, tier, \
                       custom_name, status, start_date, sessions_per_week, planned_end_date) \
                     SELECT s.id, s.school_id, 'math', 2, 'Added while paging', 'active', \
                       $1::date - (random() * 60)::int, 2, $1::date + (random() * 60)::int \
                     FROM students s ORDER BY random() LIMIT 3",
                    &[&today()],
                )
                .await
                .expect("add");
            added += 3;
            match p.rows.last() {
                Some(last) if p.more => request = IvPageRequest::After(last.cursor()),
                _ => break,
            }
        }
        assert!(added > 10);
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), seen.len(), "{sort:?}: no duplicates");
        for id in &before {
            assert!(seen.contains(id), "{sort:?}: no gaps, {id} missing");
        }
    }
}

/// The next-due sort reads the rows with restricted sessions (a half of
/// their own, ordered by their own date) in that order and stops with the
/// page: without an index in that order every page read them all and sorted
/// them, 1.3 s for a district administrator at 500,000 students (0040).
/// Sorting, sequential scans and hash and merge joins are switched off for
/// the transaction, which a small district would otherwise prefer; the
/// transaction's own counters of that index say it was read, and how far.
#[tokio::test]
async fn a_next_due_page_reads_only_as_many_restricted_rows_as_it_needs() {
    let (db, admin) = seeded().await;
    // Many more interventions with restricted sessions than the seed has,
    // so a page that reads the whole half cannot pass for one that stops;
    // those due last, so the other half's walk (which looks each row up in
    // the side table) meets none of them before its page is full.
    admin
        .batch_execute(
            "UPDATE intervention_sessions SET is_restricted = true WHERE intervention_id IN \
               (SELECT intervention_id FROM intervention_list \
                ORDER BY next_session_due DESC NULLS FIRST LIMIT 200)",
        )
        .await
        .expect("restrict");
    let total: i64 = admin
        .query_one("SELECT count(*) FROM intervention_list_restricted", &[])
        .await
        .expect("count")
        .get(0);
    assert!(
        total >= 100,
        "the seed has rows with restricted sessions: {total}"
    );
    let c = login(&db, &admin, DEMO_ADMIN, "caseload_admin").await;
    c.batch_execute(
        "BEGIN; SET LOCAL enable_sort = off; SET LOCAL enable_seqscan = off; \
         SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off",
    )
    .await
    .expect("begin");
    let page = iv_page(
        &c,
        &sorted(IvSort::NextDue),
        &IvPageRequest::First,
        3,
        today(),
    )
    .await
    .expect("page");
    assert_eq!(page.rows.len(), 3);
    // This transaction's own counters of the half's index: scanned, and no
    // further than the page needed.
    let (scans, read): (Option<i64>, Option<i64>) = c
        .query_one(
            "SELECT pg_stat_get_xact_numscans(i), pg_stat_get_xact_tuples_returned(i) \
             FROM (SELECT to_regclass('intervention_list_restricted_due_idx') AS i) x",
            &[],
        )
        .await
        .map(|r| (r.get(0), r.get(1)))
        .expect("counters");
    c.batch_execute("ROLLBACK").await.expect("rollback");
    assert!(
        scans.unwrap_or(0) >= 1,
        "the half with restricted sessions was not read in its own order \
         (scans of its index: {scans:?})"
    );
    let read = read.unwrap_or(0);
    assert!(
        read * 4 < total,
        "a page of 3 read {read} of the {total} rows with restricted sessions"
    );
}
