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
    d.admin
        .execute(
            "INSERT INTO intervention_sessions (id, intervention_id, session_date, minutes, \
               attendance, is_restricted) \
             VALUES (gen_random_uuid(), $1, current_date + 1, 45, 'present', true)",
            &[&iv],
        )
        .await
        .expect("restricted session");
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
