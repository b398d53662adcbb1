//! Missed sessions on the real server, as real login roles: hand-made
//! interventions with hand-computed periods (twice weekly with absences of
//! every reason and a week that touches the month only on its Sunday;
//! three a week with a pause), partial weeks pro-rated by school days
//! (Monday to Friday, ÷ 5), and a counselor sees only what row-level
//! security lets them.

mod common;

use caseload::db::missed::worst_in;
use caseload::domain::missed::{Absences, MISSED_ROWS, MissedRow, Period};
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

/// The list of `period` as of `today`, as `c` sees it.
async fn list(c: &Client, period: Period, today: NaiveDate, limit: usize) -> Vec<MissedRow> {
    worst_in(c, period.span(today), today, limit)
        .await
        .expect("list")
}

/// This month's list as of `today`.
async fn month(c: &Client, today: NaiveDate) -> Vec<MissedRow> {
    list(c, Period::ThisMonth, today, MISSED_ROWS).await
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
    let rows = month(&c, today()).await;
    assert_eq!(
        ids(&rows),
        BTreeSet::from([fx.twice, fx.paused, fx.restricted]),
        "A's running plans (a counselor may see restricted ones), not B's"
    );
    // Worst first: 5 + 5 + 3 missed, then 3.2, then 1.2.
    let order: Vec<Uuid> = rows.iter().map(|r| r.of.intervention_id).collect();
    assert_eq!(order, [fx.restricted, fx.twice, fx.paused]);
    assert!(close(rows[0].tally.missed, 13.0), "{rows:?}");

    // Twice weekly, 1–18 Nov: Sun 1 Nov alone has no school day (no week),
    // a whole week (2), a whole week (2), Mon–Wed 16–18 Nov (2 × 3 ÷ 5 =
    // 1.2): 5.2 expected. Delivered 3 Nov and 17 Nov. Missed per week:
    // 2 − 1 = 1, 2 − 0 = 2, 1.2 − 1 = 0.2: 3.2, read as 3 of 5.
    let t = row(&rows, fx.twice);
    assert!(close(t.tally.expected, 5.2), "{t:?}");
    assert_eq!(t.tally.delivered, 2);
    assert!(close(t.tally.missed, 3.2), "{t:?}");
    assert_eq!(
        (t.tally.missed_sessions(), t.tally.expected_sessions()),
        (3, 5)
    );
    assert_eq!(
        t.tally.absences,
        Absences {
            student: 1,
            staff: 1,
            cancelled: 1
        }
    );
    assert_eq!(t.sessions_per_week, 2);
    assert_eq!(t.of.name, "Plan 2");

    // Three a week from Mon 2 Nov, paused from Fri 6 to Mon 16 Nov: Mon–Thu
    // 2–5 Nov (3 × 4 ÷ 5 = 2.4) with two delivered, 9–15 Nov not expected
    // at all, Mon–Wed 16–18 Nov (1.8) with one delivered. Missed 0.4 + 0.8
    // = 1.2, read as 1 of 4.
    let p = row(&rows, fx.paused);
    assert!(close(p.tally.expected, 4.2), "{p:?}");
    assert_eq!(p.tally.delivered, 3);
    assert!(close(p.tally.missed, 1.2), "{p:?}");
    assert_eq!(
        (p.tally.missed_sessions(), p.tally.expected_sessions()),
        (1, 4)
    );
    assert_eq!(p.tally.absences, Absences::default());

    // On Mon 16 Nov the paused plan had missed 0.4 (Mon 16 Nov's 0.6 is
    // covered by that day's session): no whole session, not listed.
    let rows = month(&c, day(11, 16)).await;
    assert_eq!(ids(&rows), BTreeSet::from([fx.twice, fx.restricted]));
}

#[tokio::test]
async fn last_month_and_the_last_four_weeks() {
    let fx = fixture().await;
    let c = fx.d.connect_as("counselor_a").await;
    // October, as of 18 Nov: only the twice-weekly plan had begun. Its
    // week of Mon 26 Oct is whole (Mon–Fri; 1 Nov is November's): 2
    // expected, 29 Oct delivered, 1 missed. 3 Nov is not October's.
    let rows = list(&c, Period::LastMonth, today(), MISSED_ROWS).await;
    assert_eq!(ids(&rows), BTreeSet::from([fx.twice]));
    let t = &rows[0].tally;
    assert!(close(t.expected, 2.0) && close(t.missed, 1.0), "{t:?}");
    assert_eq!(t.delivered, 1);

    // The last 4 weeks as of Wed 18 Nov: Mon 26 Oct to today. Twice
    // weekly: 2 + 2 + 2 + 1.2 = 7.2 expected, 29 Oct, 3 Nov and 17 Nov
    // delivered; missed 1 + 1 + 2 + 0.2 = 4.2, read as 4 of 7.
    assert_eq!(Period::Last4Weeks.span(today()).0, day(10, 26));
    let rows = list(&c, Period::Last4Weeks, today(), MISSED_ROWS).await;
    let t = &row(&rows, fx.twice).tally;
    assert!(close(t.expected, 7.2) && close(t.missed, 4.2), "{t:?}");
    assert_eq!(t.delivered, 3);
    assert_eq!((t.missed_sessions(), t.expected_sessions()), (4, 7));
    // Five a week from Mon 2 Nov, nothing logged: 5 + 5 + 3.
    assert!(close(row(&rows, fx.restricted).tally.missed, 13.0));
}

#[tokio::test]
async fn another_counselor_and_a_coordinator_see_theirs() {
    let fx = fixture().await;
    let b = fx.d.connect_as("counselor_b").await;
    let rows = month(&b, today()).await;
    assert_eq!(ids(&rows), BTreeSet::from([fx.theirs]));
    // Once a week, 1–18 Nov from Mon 2 Nov: 1 + 1 + 3⁄5, none delivered.
    assert!(close(rows[0].tally.missed, 2.6), "{rows:?}");
    assert_eq!(rows[0].tally.missed_sessions(), 3);

    // The interventionist works on two, but may not see restricted rows.
    let i = fx.d.connect_as("interventionist").await;
    let rows = month(&i, today()).await;
    assert_eq!(ids(&rows), BTreeSet::from([fx.paused]));

    // The coordinator of school X sees all four; the limit keeps the worst.
    let x = fx.d.connect_as("coord_x").await;
    let rows = month(&x, today()).await;
    assert_eq!(
        ids(&rows),
        BTreeSet::from([fx.twice, fx.paused, fx.theirs, fx.restricted])
    );
    let top = list(&x, Period::ThisMonth, today(), 2).await;
    let order: Vec<Uuid> = top.iter().map(|r| r.of.intervention_id).collect();
    assert_eq!(
        order,
        [fx.restricted, fx.twice],
        "13 and 3.2 missed beat 2.6 (both read 3: the exact figures decide)"
    );
}

#[tokio::test]
async fn nothing_is_missed_before_a_plan_starts_or_after_it_ends() {
    let fx = fixture().await;
    let c = fx.d.connect_as("counselor_a").await;
    // On Sun 1 Nov only the twice-weekly plan had begun, and the month so
    // far is a Sunday: no school day, nothing expected.
    assert!(month(&c, day(11, 1)).await.is_empty());
    // On Sat 31 Oct, the month of October: Mon–Fri 26–30 Oct, one
    // delivered of 2.
    let rows = month(&c, day(10, 31)).await;
    assert!(close(rows[0].tally.expected, 2.0), "{rows:?}");
    assert!(close(rows[0].tally.missed, 1.0), "{rows:?}");
    // Completed on 9 Nov: no longer running, off the list.
    fx.d.admin
        .execute(
            "UPDATE interventions SET status = 'completed', ended_at = '2026-11-09 15:00', \
               outcome = 'goal_met' WHERE id = $1",
            &[&fx.twice],
        )
        .await
        .expect("completed");
    let rows = month(&c, today()).await;
    assert_eq!(ids(&rows), BTreeSet::from([fx.paused, fx.restricted]));
}
