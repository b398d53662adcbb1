//! The communication log on the real server, as the demo counselor and
//! coordinator on their own login roles: keyset pages forward and backward
//! give the same rows, none twice and none missing, even while contacts
//! are logged between pages; each filter returns exactly what hand-written
//! SQL as that person returns.

mod common;

use caseload::db::communications::page;
use caseload::demo::seed::{DEMO_COORDINATOR, DEMO_COUNSELOR};
use caseload::domain::contact_log::{
    ContactCursor, ContactFilters, ContactPageRequest, ContactRow,
};
use caseload::domain::kinds::{Channel, ContactResult};
use chrono::NaiveDate;
use common::TestDb;
use std::collections::HashSet;
use tokio_postgres::Client;
use tokio_postgres::types::ToSql;
use uuid::Uuid;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 11).expect("date")
}

static DEMO_LOGIN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn fixture() -> (TestDb, Client, Client, Client) {
    let (db, admin) = TestDb::seeded(200, 7, today()).await;
    let _one = DEMO_LOGIN.lock().await;
    let (counselor, _) = db
        .demo_login(&admin, DEMO_COUNSELOR, "caseload_counselor")
        .await;
    let (coordinator, _) = db
        .demo_login(&admin, DEMO_COORDINATOR, "caseload_coordinator")
        .await;
    let (counselor, coordinator) = (
        common::connect(&counselor).await,
        common::connect(&coordinator).await,
    );
    (db, admin, counselor, coordinator)
}

/// Every row, walking pages of `n` from the newest to the oldest; `between`
/// runs after each page that has one after it.
async fn forward(
    c: &Client,
    f: &ContactFilters,
    n: i64,
    mut between: impl AsyncFnMut(&ContactRow),
) -> Vec<Uuid> {
    let mut out = Vec::new();
    let mut at = ContactPageRequest::Newest;
    loop {
        let p = page(c, f, at, n).await.expect("page");
        out.extend(p.rows.iter().map(|r| r.id));
        let Some(last) = p.rows.last() else { break };
        if !p.older {
            break;
        }
        between(last).await;
        at = ContactPageRequest::Older(ContactCursor::from(last));
    }
    out
}

/// The same, from the oldest page up, turned back to newest first.
async fn backward(c: &Client, f: &ContactFilters, n: i64) -> Vec<Uuid> {
    let mut pages = Vec::new();
    let mut at = ContactPageRequest::Oldest;
    loop {
        let p = page(c, f, at, n).await.expect("page");
        let Some(first) = p.rows.first() else { break };
        let next = ContactPageRequest::Newer(ContactCursor::from(first));
        let newer = p.newer;
        pages.push(p.rows.iter().map(|r| r.id).collect::<Vec<_>>());
        if !newer {
            break;
        }
        at = next;
    }
    pages.into_iter().rev().flatten().collect()
}

/// What psql as this person returns for `filter` (a WHERE term over `c`
/// and `s`), newest first.
async fn by_hand(c: &Client, filter: &str, params: &[&(dyn ToSql + Sync)]) -> Vec<Uuid> {
    let sql = format!(
        "SELECT c.id FROM communication_log c JOIN students s ON s.id = c.student_id \
         WHERE {filter} ORDER BY c.occurred_at DESC, c.id DESC"
    );
    c.query(&sql, params)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|r| r.get(0))
        .collect()
}

fn no_repeats(ids: &[Uuid]) {
    let set: HashSet<&Uuid> = ids.iter().collect();
    assert_eq!(set.len(), ids.len(), "a row came twice");
}

#[tokio::test]
async fn forward_equals_backward_equals_psql_for_each_person() {
    let (_db, _admin, counselor, coordinator) = fixture().await;
    for c in [&counselor, &coordinator] {
        let all = ContactFilters::default();
        let fwd = forward(c, &all, 17, async |_| {}).await;
        let back = backward(c, &all, 17).await;
        let psql = by_hand(c, "true", &[]).await;
        assert!(psql.len() > 17 * 2, "several pages: {}", psql.len());
        no_repeats(&fwd);
        assert_eq!(fwd, psql);
        assert_eq!(back, psql);
    }
    let mine = by_hand(&counselor, "true", &[]).await;
    let theirs = by_hand(&coordinator, "true", &[]).await;
    assert_ne!(mine, theirs, "each sees what RLS lets them");
}

#[tokio::test]
async fn rows_logged_between_pages_neither_repeat_nor_hide_a_row() {
    let (_db, admin, counselor, _) = fixture().await;
    let before = by_hand(&counselor, "true", &[]).await;
    let student: Uuid = admin
        .query_one(
            "SELECT s.id FROM students s JOIN users u ON u.id = s.counselor_id \
             WHERE u.username = $1 LIMIT 1",
            &[&DEMO_COUNSELOR],
        )
        .await
        .expect("a student")
        .get(0);
    let mut behind = Vec::new();
    let fwd = forward(&counselor, &ContactFilters::default(), 13, async |last| {
        // One newer than everything (above the pages read), one just older
        // than the page's last row (still to come).
        for offset in ["interval '1 day'", "interval '-1 second'"] {
            let at = if offset.contains('-') {
                last.occurred_at
            } else {
                chrono::Utc::now()
            };
            let id: Uuid = admin
                .query_one(
                    &format!(
                        "INSERT INTO communication_log (student_id, direction, channel, purpose, \
                           occurred_at) VALUES ($1, 'inbound', 'email', 'meanwhile', $2::timestamptz + {offset}) \
                         RETURNING id"
                    ),
                    &[&student, &at],
                )
                .await
                .expect("insert")
                .get(0);
            if offset.contains('-') {
                behind.push(id);
            }
        }
    })
    .await;
    no_repeats(&fwd);
    let seen: HashSet<&Uuid> = fwd.iter().collect();
    for id in &before {
        assert!(seen.contains(id), "a row there all along was skipped");
    }
    for id in &behind {
        assert!(seen.contains(id), "a row logged ahead of the reader was missed");
    }
}

#[tokio::test]
async fn each_filter_returns_what_psql_as_that_person_returns() {
    let (_db, admin, counselor, coordinator) = fixture().await;
    let me: Uuid = admin
        .query_one("SELECT id FROM users WHERE username = $1", &[&DEMO_COUNSELOR])
        .await
        .expect("me")
        .get(0);
    // A last name of a student with contacts, as a search word.
    let name: String = counselor
        .query_one(
            "SELECT s.last_name FROM communication_log c JOIN students s ON s.id = c.student_id \
             WHERE s.last_name ~ '^[A-Za-z]+$' ORDER BY c.occurred_at DESC LIMIT 1",
            &[],
        )
        .await
        .expect("a name")
        .get(0);
    let (from, to) = (today() - chrono::Days::new(60), today() - chrono::Days::new(20));
    let student = ContactFilters {
        student: Some(name.to_lowercase()),
        ..Default::default()
    };
    let channel = ContactFilters {
        channel: Some(Channel::Phone),
        ..Default::default()
    };
    let result = ContactFilters {
        result: Some(ContactResult::Reached),
        ..Default::default()
    };
    let dates = ContactFilters {
        from: Some(from),
        to: Some(to),
        ..Default::default()
    };
    let open = ContactFilters {
        open_follow_up: true,
        ..Default::default()
    };
    let mine = ContactFilters {
        mine: true,
        ..Default::default()
    };
    let all_at_once = ContactFilters {
        channel: Some(Channel::Phone),
        from: Some(from),
        mine: true,
        ..Default::default()
    };
    let fold = "caseload_fold(s.first_name || ' ' || s.last_name || ' ' || \
                coalesce(s.preferred_name, '') || ' ' || s.local_id) \
                LIKE '%' || caseload_fold($1) || '%'";
    let cases: Vec<(&str, &ContactFilters, String, Vec<Box<dyn ToSql + Sync>>)> = vec![
        ("student", &student, fold.into(), vec![Box::new(name.clone())]),
        ("channel", &channel, "c.channel = 'phone'".into(), vec![]),
        ("result", &result, "c.result = 'reached'".into(), vec![]),
        (
            "dates",
            &dates,
            "c.occurred_at::date BETWEEN $1 AND $2".into(),
            vec![Box::new(from), Box::new(to)],
        ),
        (
            "open follow-up",
            &open,
            "c.follow_up_due IS NOT NULL AND c.follow_up_done_at IS NULL".into(),
            vec![],
        ),
        (
            "mine",
            &mine,
            "(c.staff_id = $1 OR c.follow_up_owner = $1)".into(),
            vec![Box::new(me)],
        ),
        (
            "phone, from, mine",
            &all_at_once,
            "c.channel = 'phone' AND c.occurred_at::date >= $2 \
             AND (c.staff_id = $1 OR c.follow_up_owner = $1)"
                .into(),
            vec![Box::new(me), Box::new(from)],
        ),
    ];
    for (what, f, term, params) in &cases {
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p.as_ref()).collect();
        for (who, c) in [("counselor", &counselor), ("coordinator", &coordinator)] {
            if f.mine && who == "coordinator" {
                continue; // the hand-written "mine" names the counselor
            }
            let expected = by_hand(c, term, &refs).await;
            let got = forward(c, f, 1000, async |_| {}).await;
            assert_eq!(got, expected, "{what} as the {who}");
            if who == "counselor" && *what != "dates" {
                assert!(!expected.is_empty(), "{what}: the filter is tried on some rows");
            }
        }
    }
}
