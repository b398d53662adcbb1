//! The follow-up queue on the real server, each person on their own login
//! role: a counselor's follow-up is in "mine" and, once due, on the home's
//! overdue list; done takes it off both (recording who and when) and undo
//! brings it back; another counselor neither sees nor closes it;
//! restricted ones stay hidden without the right; a coordinator sees their
//! school's; the team scope is what the screen says it is.

mod common;

use caseload::db::caseload::load_home;
use caseload::db::follow_ups::{change, queue};
use caseload::domain::caseload::Scope;
use caseload::domain::contact_log::{FollowUpChange, FollowUpScope};
use caseload::domain::outcome::Written;
use chrono::{Days, NaiveDate};
use common::district::District;
use std::collections::BTreeSet;
use tokio_postgres::Client;
use uuid::Uuid;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 11).expect("date")
}

/// An open follow-up on `student`, logged by and owned by `owner`, due
/// `due`, written as the superuser (so it is there whoever may see it).
async fn follow_up(
    d: &District,
    student: Uuid,
    owner: Uuid,
    due: NaiveDate,
    restricted: bool,
) -> Uuid {
    d.admin
        .query_one(
            "INSERT INTO communication_log (student_id, staff_id, direction, channel, purpose, \
               occurred_at, follow_up_due, follow_up_owner, is_restricted) \
             VALUES ($1, $2, 'outbound', 'phone', 'call back', now(), $3, $2, $4) RETURNING id",
            &[&student, &owner, &due, &restricted],
        )
        .await
        .expect("follow-up")
        .get(0)
}

async fn in_queue(c: &Client, scope: FollowUpScope) -> BTreeSet<Uuid> {
    queue(c, None, scope, 1000)
        .await
        .expect("queue")
        .rows
        .iter()
        .map(|r| r.id)
        .collect()
}

async fn overdue_on_home(c: &Client, on: NaiveDate) -> BTreeSet<Uuid> {
    load_home(c, None, Scope::Mine, on, 300)
        .await
        .expect("home")
        .follow_ups
        .iter()
        .map(|f| f.communication_id)
        .collect()
}

async fn version(d: &District, id: Uuid) -> i32 {
    d.admin
        .query_one("SELECT version FROM communication_log WHERE id = $1", &[&id])
        .await
        .expect("version")
        .get(0)
}

#[tokio::test]
async fn done_takes_a_follow_up_off_mine_and_the_home_records_who_and_undo_returns_it() {
    let d = District::new().await;
    let a = d.id("counselor_a");
    let due = today() + Days::new(3);
    let id = follow_up(&d, d.students["a1"].id, a, due, false).await;
    let ca = d.connect_as("counselor_a").await;

    assert!(in_queue(&ca, FollowUpScope::Mine).await.contains(&id));
    assert!(
        !overdue_on_home(&ca, today()).await.contains(&id),
        "not overdue before it is due"
    );
    let later = due + Days::new(1);
    assert!(overdue_on_home(&ca, later).await.contains(&id), "overdue the day after");

    let v = version(&d, id).await;
    let Written::Saved(now) = change(&ca, id, v, FollowUpChange::Done).await else {
        panic!("not saved")
    };
    assert!(now.done && now.version == v + 1, "{now:?}");
    assert_eq!(now.done_by.as_deref(), Some("counselor_a"));
    let row = d
        .admin
        .query_one(
            "SELECT follow_up_done_by, follow_up_done_at > now() - interval '1 minute' \
             FROM communication_log WHERE id = $1",
            &[&id],
        )
        .await
        .expect("row");
    assert_eq!(row.get::<_, Option<Uuid>>(0), Some(a), "the closer recorded");
    assert!(row.get::<_, bool>(1), "the time recorded (the server's now)");
    assert!(!in_queue(&ca, FollowUpScope::Mine).await.contains(&id));
    assert!(!overdue_on_home(&ca, later).await.contains(&id));

    // The old version no longer writes: someone (here, oneself) moved it on.
    let Written::Conflict(theirs) = change(&ca, id, v, FollowUpChange::Reopen).await else {
        panic!("a stale version must not write")
    };
    assert!(theirs.done);

    let Written::Saved(open) = change(&ca, id, v + 1, FollowUpChange::Reopen).await else {
        panic!("undo not saved")
    };
    assert!(!open.done && open.done_by.is_none());
    assert!(in_queue(&ca, FollowUpScope::Mine).await.contains(&id));
    assert!(overdue_on_home(&ca, later).await.contains(&id), "back on the home");
    let closer: Option<Uuid> = d
        .admin
        .query_one("SELECT follow_up_done_by FROM communication_log WHERE id = $1", &[&id])
        .await
        .expect("row")
        .get(0);
    assert_eq!(closer, None, "reopening clears the closer");
}

#[tokio::test]
async fn another_counselor_neither_sees_nor_closes_it() {
    let d = District::new().await;
    let id = follow_up(&d, d.students["a1"].id, d.id("counselor_a"), today(), false).await;
    let cb = d.connect_as("counselor_b").await;
    for scope in [FollowUpScope::Mine, FollowUpScope::Team, FollowUpScope::School] {
        assert!(!in_queue(&cb, scope).await.contains(&id), "{scope:?}");
    }
    let v = version(&d, id).await;
    assert_eq!(
        change(&cb, id, v, FollowUpChange::Done).await,
        Written::Gone,
        "refused as if it did not exist"
    );
    // With psql: UPDATE 0.
    let n = cb
        .execute(
            "UPDATE communication_log SET follow_up_done_at = now() WHERE id = $1",
            &[&id],
        )
        .await
        .expect("update");
    assert_eq!(n, 0);
    let done: bool = d
        .admin
        .query_one("SELECT follow_up_done_at IS NOT NULL FROM communication_log WHERE id = $1", &[&id])
        .await
        .expect("row")
        .get(0);
    assert!(!done);
}

#[tokio::test]
async fn restricted_follow_ups_stay_hidden_without_the_right_and_the_team_scope_is_as_said() {
    let d = District::new().await;
    let (a, i) = (d.id("counselor_a"), d.id("interventionist"));
    let a1 = d.students["a1"].id;
    let open = follow_up(&d, a1, a, today(), false).await;
    let restricted = follow_up(&d, a1, a, today(), true).await;
    // The interventionist is on a team for a1: a1's follow-ups are their
    // team's, the restricted one excepted (interventionists lack the right).
    let iv = d.connect_as("interventionist").await;
    let team = in_queue(&iv, FollowUpScope::Team).await;
    assert!(team.contains(&open), "a teammate's student's follow-up");
    assert!(!team.contains(&restricted), "restricted: hidden");
    assert!(in_queue(&iv, FollowUpScope::Mine).await.is_empty(), "owns none");
    let ca = d.connect_as("counselor_a").await;
    let mine = in_queue(&ca, FollowUpScope::Mine).await;
    assert!(mine.contains(&open) && mine.contains(&restricted), "counselors have the right");

    // Owned by a teammate, on a student of no shared team: still my team's.
    let a2 = d.students["a2"].id;
    let mates = follow_up(&d, a2, a, today(), false).await;
    assert!(
        !in_queue(&iv, FollowUpScope::Team).await.contains(&mates),
        "a2 is not visible to the interventionist at all (RLS)"
    );
    let by_mate = follow_up(&d, a1, i, today(), false).await;
    assert!(in_queue(&ca, FollowUpScope::Team).await.contains(&by_mate));
    assert!(!in_queue(&ca, FollowUpScope::Mine).await.contains(&by_mate));
}

#[tokio::test]
async fn a_coordinator_sees_their_schools_and_not_the_others() {
    let d = District::new().await;
    let x = follow_up(&d, d.students["a1"].id, d.id("counselor_a"), today(), false).await;
    let y = follow_up(&d, d.students["y1"].id, d.id("counselor_a"), today(), false).await;
    let cx = d.connect_as("coord_x").await;
    let got = in_queue(&cx, FollowUpScope::School).await;
    assert!(got.contains(&x) && !got.contains(&y), "{got:?}");
    let all = d.connect_as("coord_all").await;
    let got = in_queue(&all, FollowUpScope::School).await;
    assert!(got.contains(&x) && got.contains(&y));

    // Reassigned and snoozed by the coordinator, at the version read.
    let v = version(&d, x).await;
    let b = d.id("counselor_b");
    let Written::Saved(r) = change(&cx, x, v, FollowUpChange::Reassign { owner: b }).await else {
        panic!("reassign")
    };
    assert_eq!(r.owner.as_deref(), Some("counselor_b"));
    let later = today() + Days::new(30);
    let Written::Saved(r) = change(&cx, x, v + 1, FollowUpChange::Snooze { to: later }).await
    else {
        panic!("snooze")
    };
    assert_eq!(r.due, later);
    // Overdue first, then by due date.
    let rows = queue(&all, None, FollowUpScope::School, 1000).await.expect("q").rows;
    let dues: Vec<NaiveDate> = rows.iter().map(|r| r.due).collect();
    let mut sorted = dues.clone();
    sorted.sort();
    assert_eq!(dues, sorted);
    assert_eq!(rows.last().map(|r| r.id), Some(x), "the snoozed one last");
}
