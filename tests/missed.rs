//! Missed sessions on the real server, as real login roles: hand-made
//! interventions with hand-computed months (twice weekly with absences of
//! every reason and a first week that only touches the month; three a week
//! with a pause), and a counselor sees only what row-level security lets
//! them.

mod common;

use caseload::db::missed::worst_this_month;
use caseload::domain::missed::{Absences, MISSED_ROWS, MissedRow};
use chrono::NaiveDate;
use common::district::District;
use std::collections::BTreeSet;
use tokio_postgres::Client;
use uuid::Uuid;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

/// Wed 18 Nov 2026: the month is 1–18 Nov.
fn today() -> NaiveDate {
    day(11, 18)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// An active intervention of `student`, owned by `owner`, `per_week`
/// sessions a week from `start`, with its own status history (the
/// trigger's row, stamped with the real clock, replaced).
async fn plan(
    admin: &Client,
    student: Uuid,
    owner: Uuid,
    per_week: i16,
    start: NaiveDate,
    restricted: bool,
    history: &[(NaiveDate, Option<&str>, &str)],
) -> Uuid {
    let id: Uuid = admin
        .query_one(
            "INSERT INTO interventions (student_id, school_id, custom_name, intervention_type, \
               tier, owner_id, status, start_date, planned_end_date, sessions_per_week, \
               is_restricted) \
             SELECT id, school_id, 'Plan ' || $3::smallint, 'reading', 2, $2, 'active', $4, \
               DATE '2027-01-29', $3::smallint, $5 FROM students WHERE id = $1 RETURNING id",
            &[&student, &owner, &per_week, &start, &restricted],
        )
        .await
        .expect("intervention")
        .get(0);
    admin
        .execute(
            "DELETE FROM intervention_status_changes WHERE intervention_id = $1",
            &[&id],
        )
        .await
        .expect("history cleared");
    for (on, from, to) in history {
        admin
            .execute(
                "INSERT INTO intervention_status_changes (intervention_id, changed_at, \
                   from_status, to_status) \
                 VALUES ($1, $2::date + time '09:00', $3::text::intervention_status, \
                   $4::text::intervention_status)",
                &[&id, on, from, to],
            )
            .await
            .expect("history");
    }
    id
}

async fn sessions(admin: &Client, iv: Uuid, logged: &[(NaiveDate, &str)]) {
    for (on, attendance) in logged {
        let minutes: i16 = if *attendance == "present" { 30 } else { 0 };
        admin
            .execute(
                "INSERT INTO intervention_sessions (id, intervention_id, session_date, minutes, \
                   attendance) VALUES ($1, $2, $3, $4, $5)",
                &[&Uuid::new_v4(), &iv, on, &minutes, attendance],
            )
            .await
            .expect("session");
    }
}

struct Fx {
    d: District,
    /// Counselor A's student A2, twice weekly from Mon 26 Oct.
    twice: Uuid,
    /// Counselor A's student A1, three a week from Mon 2 Nov, paused
    /// Fri 6 Nov to Mon 16 Nov.
    paused: Uuid,
    /// Counselor B's student B1, once a week from Mon 2 Nov, nothing logged.
    theirs: Uuid,
    /// Counselor A's student A1, five a week from Mon 2 Nov, nothing
    /// logged, restricted: the interventionist is on its team and on
    /// `paused`'s, and may see only `paused`.
    restricted: Uuid,
}

async fn fixture() -> Fx {
    let d = District::new().await;
    let (a, b) = (d.id("counselor_a"), d.id("counselor_b"));
    let admin = &d.admin;
    let twice = plan(admin, d.students["a2"].id, a, 2, day(10, 26), false, &[]).await;
    sessions(
        admin,
        twice,
        &[
            // Before the month: not counted in it.
            (day(10, 29), "present"),
            (day(11, 3), "present"),
            (day(11, 5), "student_absent"),
            (day(11, 10), "staff_absent"),
            (day(11, 12), "cancelled"),
            (day(11, 17), "present"),
        ],
    )
    .await;
    let paused = plan(
        admin,
        d.students["a1"].id,
        a,
        3,
        day(11, 2),
        false,
        &[
            (day(10, 20), None, "referred"),
            (day(11, 2), Some("referred"), "active"),
            (day(11, 6), Some("active"), "paused"),
            (day(11, 16), Some("paused"), "active"),
        ],
    )
    .await;
    sessions(
        admin,
        paused,
        &[
            (day(11, 3), "present"),
            (day(11, 4), "present"),
            (day(11, 16), "present"),
        ],
    )
    .await;
    let theirs = plan(admin, d.students["b1"].id, b, 1, day(11, 2), false, &[]).await;
    let restricted = plan(admin, d.students["a1"].id, a, 5, day(11, 2), true, &[]).await;
    for iv in [paused, restricted] {
        admin
            .execute(
                "INSERT INTO intervention_team (intervention_id, user_id, role) \
                 VALUES ($1, $2, 'interventionist')",
                &[&iv, &d.id("interventionist")],
            )
            .await
            .expect("team");
    }
    Fx {
        d,
        twice,
        paused,
        theirs,
        restricted,
    }
}

fn row(rows: &[MissedRow], id: Uuid) -> &MissedRow {
    rows.iter()
        .find(|r| r.of.intervention_id == id)
        .unwrap_or_else(|| panic!("{id} not listed: {rows:?}"))
}

fn ids(rows: &[MissedRow]) -> BTreeSet<Uuid> {
    rows.iter().map(|r| r.of.intervention_id).collect()
}

#[tokio::test]
async fn the_month_as_counselor_a_sees_it() {
    let fx = fixture().await;
    let c = fx.d.connect_as("counselor_a").await;
    let rows = worst_this_month(&c, today(), MISSED_ROWS)
        .await
        .expect("list");
    assert_eq!(
        ids(&rows),
        BTreeSet::from([fx.twice, fx.paused, fx.restricted]),
        "A's running plans (a counselor may see restricted ones), not B's"
    );
    // Worst first: 5 + 5 + 15/7 missed, then 3 + 2/7, then 2/7.
    let order: Vec<Uuid> = rows.iter().map(|r| r.of.intervention_id).collect();
    assert_eq!(order, [fx.restricted, fx.twice, fx.paused]);
    assert!(close(rows[0].month.missed, 10.0 + 15.0 / 7.0), "{rows:?}");

    // Twice weekly, 1–18 Nov: Sun 1 Nov alone (2/7), two whole weeks (2, 2),
    // Mon–Wed 16–18 Nov (6/7): 4 + 8/7 expected. Delivered 3 Nov and 17 Nov.
    // Missed per week: 2/7, 2 − 1 = 1, 2 − 0 = 2, and 6/7 − 1 < 0 → 0.
    let t = row(&rows, fx.twice);
    assert!(close(t.month.expected, 4.0 + 8.0 / 7.0), "{t:?}");
    assert_eq!(t.month.delivered, 2);
    assert!(close(t.month.missed, 3.0 + 2.0 / 7.0), "{t:?}");
    assert_eq!(
        t.month.absences,
        Absences {
            student: 1,
            staff: 1,
            cancelled: 1
        }
    );
    assert_eq!(t.sessions_per_week, 2);
    assert_eq!(t.of.name, "Plan 2");

    // Three a week from Mon 2 Nov, paused from Fri 6 to Mon 16 Nov: Mon–Thu
    // 2–5 Nov (12/7) with two delivered, 9–15 Nov not expected at all,
    // Mon–Wed 16–18 Nov (9/7) with one delivered. Missed 0 + 2/7.
    let p = row(&rows, fx.paused);
    assert!(close(p.month.expected, 3.0), "{p:?}");
    assert_eq!(p.month.delivered, 3);
    assert!(close(p.month.missed, 2.0 / 7.0), "{p:?}");
    assert_eq!(p.month.absences, Absences::default());
}

#[tokio::test]
async fn another_counselor_and_a_coordinator_see_theirs() {
    let fx = fixture().await;
    let b = fx.d.connect_as("counselor_b").await;
    let rows = worst_this_month(&b, today(), MISSED_ROWS)
        .await
        .expect("list");
    assert_eq!(ids(&rows), BTreeSet::from([fx.theirs]));
    // Once a week, 1–18 Nov from Mon 2 Nov: 7/7 + 7/7 + 3/7, none delivered.
    assert!(close(rows[0].month.missed, 2.0 + 3.0 / 7.0), "{rows:?}");

    // The interventionist works on two, but may not see restricted rows.
    let i = fx.d.connect_as("interventionist").await;
    let rows = worst_this_month(&i, today(), MISSED_ROWS)
        .await
        .expect("list");
    assert_eq!(ids(&rows), BTreeSet::from([fx.paused]));

    // The coordinator of school X sees all four; the limit keeps the worst.
    let x = fx.d.connect_as("coord_x").await;
    let rows = worst_this_month(&x, today(), MISSED_ROWS)
        .await
        .expect("list");
    assert_eq!(
        ids(&rows),
        BTreeSet::from([fx.twice, fx.paused, fx.theirs, fx.restricted])
    );
    let top = worst_this_month(&x, today(), 2).await.expect("list");
    let order: Vec<Uuid> = top.iter().map(|r| r.of.intervention_id).collect();
    assert_eq!(
        order,
        [fx.restricted, fx.twice],
        "12.1 and 3.3 missed beat 2.4"
    );
}

#[tokio::test]
async fn nothing_is_missed_before_a_plan_starts_or_after_it_ends() {
    let fx = fixture().await;
    let c = fx.d.connect_as("counselor_a").await;
    // On 1 Nov only the twice-weekly plan had begun: Sunday alone, 2/7.
    let rows = worst_this_month(&c, day(11, 1), MISSED_ROWS)
        .await
        .expect("list");
    assert_eq!(ids(&rows), BTreeSet::from([fx.twice]));
    assert!(close(rows[0].month.missed, 2.0 / 7.0));
    // On 31 Oct, the month of October: 26–31 Oct, one delivered of 12/7.
    let rows = worst_this_month(&c, day(10, 31), MISSED_ROWS)
        .await
        .expect("list");
    assert!(close(rows[0].month.expected, 12.0 / 7.0), "{rows:?}");
    assert!(close(rows[0].month.missed, 5.0 / 7.0), "{rows:?}");
    // Completed on 9 Nov: no longer running, off the list.
    fx.d.admin
        .execute(
            "UPDATE interventions SET status = 'completed', ended_at = '2026-11-09 15:00', \
               outcome = 'goal_met' WHERE id = $1",
            &[&fx.twice],
        )
        .await
        .expect("completed");
    let rows = worst_this_month(&c, today(), MISSED_ROWS)
        .await
        .expect("list");
    assert_eq!(ids(&rows), BTreeSet::from([fx.paused, fx.restricted]));
}
