//! The Interventions list's summary (0019) as psql sees it: as a counselor
//! or teacher typing SQL, it shows exactly the interventions they may see,
//! nothing about restricted sessions they may not, and none of its
//! functions or writes are theirs.

mod common;

use common::district::{District, INSUFFICIENT_PRIVILEGE, sqlstate};
use std::collections::BTreeSet;
use tokio_postgres::Client;
use uuid::Uuid;

async fn ids(c: &Client, sql: &str) -> BTreeSet<Uuid> {
    c.query(sql, &[])
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|r| r.get(0))
        .collect()
}

#[tokio::test]
async fn the_summary_shows_each_person_only_what_they_may_see() {
    let d = District::new().await;
    for person in [
        "counselor_a",
        "counselor_b",
        "teacher",
        "interventionist",
        "coord_y",
        "no_role",
    ] {
        let c = d.connect_as(person).await;
        let theirs = ids(&c, "SELECT id FROM interventions").await;
        let summary = ids(&c, "SELECT intervention_id FROM intervention_list").await;
        assert_eq!(summary, theirs, "{person}: the summary follows the policy");
    }
    // counselor_b does not see A1's two interventions (one restricted).
    let c = d.connect_as("counselor_b").await;
    for id in &d.students["a1"].interventions {
        let n: i64 = c
            .query_one(
                "SELECT count(*) FROM intervention_list WHERE intervention_id = $1",
                &[id],
            )
            .await
            .expect("count")
            .get(0);
        assert_eq!(n, 0, "nothing of a hidden intervention");
    }
}

#[tokio::test]
async fn restricted_sessions_leave_no_trace_for_those_who_may_not_see_them() {
    let d = District::new().await;
    let iv = d.students["b1"].interventions[0];
    d.admin
        .execute(
            "UPDATE interventions SET start_date = current_date - 30 WHERE id = $1",
            &[&iv],
        )
        .await
        .expect("start");
    let before: (i32, Option<chrono::NaiveDate>) = {
        let r = d
            .admin
            .query_one(
                "SELECT sessions_delivered, last_session FROM intervention_list \
                 WHERE intervention_id = $1",
                &[&iv],
            )
            .await
            .expect("row");
        (r.get(0), r.get(1))
    };
    assert_eq!(before.0, 1, "the open session counts");
    add_restricted_session(&d.admin, iv).await;
    // The teacher on B1's team sees the intervention, not restricted rows.
    let t = d.connect_as("teacher").await;
    let r = t
        .query_one(
            "SELECT sessions_delivered, last_session FROM intervention_list \
             WHERE intervention_id = $1",
            &[&iv],
        )
        .await
        .expect("the teacher's row");
    assert_eq!(
        (r.get::<_, i32>(0), r.get::<_, Option<chrono::NaiveDate>>(1)),
        before,
        "a restricted session changes nothing the teacher can read"
    );
    let n: i64 = t
        .query_one("SELECT count(*) FROM intervention_list_restricted", &[])
        .await
        .expect("restricted counts")
        .get(0);
    assert_eq!(n, 0, "the counts with restricted sessions are not theirs");
    // The counselor, who may see restricted rows, reads the full count.
    let c = d.connect_as("counselor_b").await;
    let n: i32 = c
        .query_one(
            "SELECT sessions_delivered FROM intervention_list_restricted \
             WHERE intervention_id = $1",
            &[&iv],
        )
        .await
        .expect("counselor's restricted count")
        .get(0);
    assert_eq!(n, 2);
}

#[tokio::test]
async fn nobody_writes_the_summary_or_runs_its_functions() {
    let d = District::new().await;
    let iv = d.students["b1"].interventions[0];
    let c = d.connect_as("counselor_b").await;
    for sql in [
        "UPDATE intervention_list SET off_track = true",
        "DELETE FROM intervention_list",
        "INSERT INTO intervention_list_restricted VALUES (gen_random_uuid(), 1, 1)",
        "DELETE FROM intervention_list_restricted",
        "SELECT caseload_refresh_iv_list(NULL)",
        "SELECT caseload_rule_points()",
        "SELECT caseload_goal_off_track(gen_random_uuid(), 4)",
        "SELECT caseload_iv_list_changed()",
    ] {
        assert_eq!(
            sqlstate(c.execute(sql, &[]).await),
            INSUFFICIENT_PRIVILEGE,
            "{sql}"
        );
    }
    // The refresh, run by the owner, still writes only what the tables say:
    // an off-track flag typed by hand would not survive it anyway.
    let off: bool = d
        .admin
        .query_one(
            "SELECT off_track FROM intervention_list WHERE intervention_id = $1",
            &[&iv],
        )
        .await
        .expect("row")
        .get(0);
    assert!(!off);
}

/// The list's next session due and last session, as `person` sees the row
/// through the list's own query (0037: restricted sessions count for those
/// who may see them), or `None` when the row is not theirs.
async fn listed(c: &Client, iv: Uuid) -> Option<(Option<chrono::NaiveDate>, Option<i64>)> {
    use caseload::db::interventions::list::iv_page;
    use caseload::domain::iv_list::{IvPageRequest, IvQuery};
    let page = iv_page(
        c,
        &IvQuery::default(),
        &IvPageRequest::First,
        500,
        common::today(),
    )
    .await
    .expect("page");
    page.rows
        .iter()
        .find(|r| r.id == iv)
        .map(|r| (r.next_session_due, r.gap_days))
}

/// What the home screen computes from the sessions `c` sees: the next
/// session due after the last one that was not cancelled.
async fn due_from_visible_sessions(c: &Client, iv: Uuid) -> Option<chrono::NaiveDate> {
    let r = c
        .query_one(
            "SELECT i.start_date, i.sessions_per_week, \
                    (SELECT max(se.session_date) FROM intervention_sessions se \
                     WHERE se.intervention_id = i.id AND se.attendance <> 'cancelled') \
             FROM interventions i WHERE i.id = $1",
            &[&iv],
        )
        .await
        .expect("intervention");
    caseload::domain::fidelity::next_session_due(r.get(0), r.get(2), r.get(1))
}

/// Home and the Interventions list named different next-due dates for a
/// counselor who may see restricted sessions: the list counted only the
/// others. Now both count what the person sees. The attack: a counselor who
/// may see restricted sessions, but not this student, reads the side table
/// and the list for the dates; a teacher on the student's team, who sees
/// the intervention but not restricted rows, reads them too. Neither
/// learns the restricted session's date.
#[tokio::test]
async fn restricted_session_dates_reach_only_those_who_may_see_them() {
    let d = District::new().await;
    let iv = d.students["b1"].interventions[0];
    // Running (through the lifecycle's steps), weekly, started a month ago.
    for sql in [
        "UPDATE interventions SET status = 'planned' WHERE id = $1 AND status = 'referred'",
        "UPDATE interventions SET start_date = current_date - 30, status = 'active', \
           sessions_per_week = 1 WHERE id = $1",
    ] {
        d.admin.execute(sql, &[&iv]).await.expect(sql);
    }
    let teacher = d.connect_as("teacher").await;
    let before = listed(&teacher, iv).await.expect("the teacher's row");
    add_restricted_session(&d.admin, iv).await;

    // counselor_b sees B1 and restricted rows: the list agrees with home.
    let b = d.connect_as("counselor_b").await;
    let (due, _) = listed(&b, iv).await.expect("counselor_b's row");
    let home = due_from_visible_sessions(&b, iv).await;
    assert!(home.is_some());
    assert_eq!(due, home, "the list's next due is the home's");
    assert_ne!(due, before.0, "the restricted session moved it");

    // The teacher: the row as before, no side-table row, and the home's
    // figure from what they see is the list's.
    assert_eq!(listed(&teacher, iv).await, Some(before));
    assert_eq!(due_from_visible_sessions(&teacher, iv).await, before.0);
    for sql in [
        "SELECT count(*) FROM intervention_list_restricted",
        "SELECT count(*) FROM intervention_list_restricted WHERE last_session IS NOT NULL",
    ] {
        let n: i64 = teacher.query_one(sql, &[]).await.expect(sql).get(0);
        assert_eq!(n, 0, "teacher: {sql}");
    }

    // counselor_a may see restricted rows, but not B1: nothing of it.
    let a = d.connect_as("counselor_a").await;
    assert_eq!(listed(&a, iv).await, None);
    let n: i64 = a
        .query_one(
            "SELECT count(*) FROM intervention_list_restricted WHERE intervention_id = $1",
            &[&iv],
        )
        .await
        .expect("side table")
        .get(0);
    assert_eq!(n, 0, "counselor_a reads no date of B1's restricted session");
}

/// A restricted session of `iv` tomorrow, present, 45 minutes.
async fn add_restricted_session(admin: &Client, iv: Uuid) {
    admin
        .execute(
            "INSERT INTO intervention_sessions (id, intervention_id, session_date, minutes, \
               attendance, is_restricted) \
             VALUES (gen_random_uuid(), $1, current_date + 1, 45, 'present', true)",
            &[&iv],
        )
        .await
        .expect("restricted session");
}
