//! Round 4 (issue 14): the communication log as a counselor with psql.
//! Contacts are a record of what was said to a family: nobody deletes
//! them, the server says who closed a follow-up and when, a contact stays
//! with its student, and a reply's parent id says nothing about contacts
//! one may not see.

mod common;

use common::district::{District, INSUFFICIENT_PRIVILEGE, sqlstate};
use tokio_postgres::Client;
use uuid::Uuid;

/// A contact with an open follow-up due yesterday, logged by the superuser
/// (so the guard keeps what is written).
async fn contact(d: &District, student: &str, owner: &str, restricted: bool) -> Uuid {
    d.admin
        .query_one(
            "INSERT INTO communication_log (student_id, direction, channel, purpose, occurred_at, \
                                            result, follow_up_due, follow_up_owner, is_restricted) \
             VALUES ($1, 'outbound', 'phone', 'reading plan', now() - interval '3 days', \
                     'left_message', current_date - 1, $2, $3) RETURNING id",
            &[&d.students[student].id, &d.id(owner), &restricted],
        )
        .await
        .expect("contact")
        .get(0)
}

async fn seen(c: &Client, id: Uuid) -> i64 {
    c.query_one(
        "SELECT count(*) FROM communication_log WHERE id = $1",
        &[&id],
    )
    .await
    .expect("count")
    .get(0)
}

/// (follow_up_done_at is within the last minute, follow_up_done_by, version)
async fn closed(d: &District, id: Uuid) -> (Option<bool>, Option<Uuid>, i32) {
    let r = d
        .admin
        .query_one(
            "SELECT follow_up_done_at > now() - interval '1 minute', follow_up_done_by, version \
             FROM communication_log WHERE id = $1",
            &[&id],
        )
        .await
        .expect("row");
    (r.get(0), r.get(1), r.get(2))
}

#[tokio::test]
async fn round_4_the_server_says_who_closed_a_follow_up_and_nothing_is_deleted() {
    let d = District::new().await;
    let mine = contact(&d, "a1", "counselor_a", false).await;
    let a = d.connect_as("counselor_a").await;

    let r = a
        .execute("DELETE FROM communication_log WHERE id = $1", &[&mine])
        .await;
    assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE, "deleting a contact");
    let r = a
        .batch_execute("ALTER TABLE communication_log DISABLE TRIGGER communication_log_guard")
        .await;
    assert_eq!(
        sqlstate(r),
        INSUFFICIENT_PRIVILEGE,
        "switching the guard off"
    );

    // Closing with a forged time and closer: the server writes its own.
    let n = a
        .execute(
            "UPDATE communication_log SET follow_up_done_at = '2000-01-01', follow_up_done_by = $2 \
             WHERE id = $1",
            &[&mine, &d.id("counselor_b")],
        )
        .await
        .expect("closing my follow-up");
    assert_eq!(n, 1);
    assert_eq!(
        closed(&d, mine).await,
        (Some(true), Some(d.id("counselor_a")), 2)
    );
    // Rewriting the stamp of a closed one changes nothing of it.
    a.execute(
        "UPDATE communication_log SET summary = 'called back', follow_up_done_at = '2000-01-01', \
                follow_up_done_by = NULL WHERE id = $1",
        &[&mine],
    )
    .await
    .expect("editing the summary");
    assert_eq!(
        closed(&d, mine).await,
        (Some(true), Some(d.id("counselor_a")), 3)
    );
    // Reopening clears the closer; the trail keeps who did what.
    a.execute(
        "UPDATE communication_log SET follow_up_done_at = NULL WHERE id = $1",
        &[&mine],
    )
    .await
    .expect("reopening");
    assert_eq!(closed(&d, mine).await, (None, None, 4));
    let trail: i64 = d
        .admin
        .query_one(
            "SELECT count(*) FROM audit_events WHERE row_id = $1 AND action = 'update'",
            &[&mine],
        )
        .await
        .expect("audit")
        .get(0);
    assert_eq!(trail, 3, "every close, edit and reopen is in the trail");
}

#[tokio::test]
async fn round_4_a_contact_stays_with_its_student_and_other_caseloads_stay_out() {
    let d = District::new().await;
    let mine = contact(&d, "a1", "counselor_a", false).await;
    let theirs = contact(&d, "b1", "counselor_b", false).await;
    let hidden = contact(&d, "y1", "no_role", false).await;
    let a = d.connect_as("counselor_a").await;

    let r = a
        .execute(
            "UPDATE communication_log SET student_id = $2 WHERE id = $1",
            &[&mine, &d.students["a2"].id],
        )
        .await;
    assert!(
        format!("{r:?}").contains("stays with the student"),
        "moving a contact to another student: {r:?}"
    );

    // Another caseload's contact: not seen, not closed, no error to learn from.
    assert_eq!(seen(&a, theirs).await, 0);
    let n = a
        .execute(
            "UPDATE communication_log SET follow_up_done_at = now() WHERE id = $1",
            &[&theirs],
        )
        .await
        .expect("an update that finds nothing");
    assert_eq!(n, 0);
    assert_eq!(closed(&d, theirs).await, (None, None, 1));

    // A reply to a hidden contact and a reply to no contact at all are
    // refused in the same words.
    let reply = |parent: Uuid| {
        let a = &a;
        let student = d.students["a1"].id;
        async move {
            let r = a
                .execute(
                    "INSERT INTO communication_log (student_id, direction, channel, purpose, \
                                                    occurred_at, parent_id) \
                     VALUES ($1, 'outbound', 'phone', 'reply', now(), $2)",
                    &[&student, &parent],
                )
                .await;
            match r {
                Ok(n) => panic!("a reply to {parent} was written ({n})"),
                Err(e) => e.as_db_error().map(|e| e.message().to_string()),
            }
        }
    };
    let to_hidden = reply(hidden).await;
    let to_nothing = reply(Uuid::new_v4()).await;
    let to_other_student = reply(theirs).await;
    assert_eq!(to_hidden, to_nothing);
    assert_eq!(to_hidden, to_other_student);
    assert!(
        to_hidden
            .as_deref()
            .is_some_and(|m| m.contains("contact of the same student")),
        "{to_hidden:?}"
    );
    // And one's own contact can be answered.
    a.execute(
        "INSERT INTO communication_log (student_id, direction, channel, purpose, occurred_at, \
                                        parent_id) \
         VALUES ($1, 'inbound', 'phone', 'mother called back', now(), $2)",
        &[&d.students["a1"].id, &mine],
    )
    .await
    .expect("a reply to my own contact");
}

#[tokio::test]
async fn round_4_a_restricted_contact_is_hidden_from_those_without_the_right() {
    let d = District::new().await;
    let secret = contact(&d, "a1", "counselor_a", true).await;
    // The interventionist works with a1 (team member who may edit) but holds
    // no right to restricted rows.
    let i = d.connect_as("interventionist").await;
    assert_eq!(seen(&i, secret).await, 0);
    let n = i
        .execute(
            "UPDATE communication_log SET follow_up_done_at = now() WHERE id = $1",
            &[&secret],
        )
        .await
        .expect("an update that finds nothing");
    assert_eq!(n, 0);
    let r = i
        .execute(
            "INSERT INTO communication_log (student_id, direction, channel, purpose, occurred_at, \
                                            is_restricted) \
             VALUES ($1, 'outbound', 'phone', 'private', now(), true)",
            &[&d.students["a1"].id],
        )
        .await;
    assert_eq!(
        sqlstate(r),
        INSUFFICIENT_PRIVILEGE,
        "writing a restricted contact"
    );
}
