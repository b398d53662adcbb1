//! The export audit function (0026) as a counselor with plain psql would
//! attack it: forging rows for others, writing the trail directly, probing
//! for students through it, hijacking its names with temp objects, and
//! filling the trail with junk.

mod common;

use common::district::{District, INSUFFICIENT_PRIVILEGE, sqlstate};
use tokio_postgres::Client;
use uuid::Uuid;

async fn record(
    c: &Client,
    kind: &str,
    students: &[Uuid],
    detail: &str,
) -> Result<i32, tokio_postgres::Error> {
    c.query_one(
        "SELECT caseload_record_export($1, $2, $3::text::jsonb)",
        &[&kind, &students, &detail],
    )
    .await
    .map(|r| r.get(0))
}

/// (actor, student) of every export row, as the superuser sees them.
async fn trail(d: &District) -> Vec<(Option<Uuid>, Option<Uuid>)> {
    d.admin
        .query(
            "SELECT actor_id, student_id FROM audit_events WHERE action = 'export' ORDER BY id",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

#[tokio::test]
async fn students_one_cannot_see_are_not_recorded_and_not_revealed() {
    let d = District::new().await;
    let c = d.connect_as("counselor_a").await;
    let me = d.id("counselor_a");
    let hidden = [d.students["b1"].id, d.students["y1"].id, Uuid::new_v4()];
    // A hidden student, one in another school and one that does not exist
    // all answer the same: nothing recorded, no error to tell them apart.
    assert_eq!(record(&c, "roster", &hidden, "{}").await.unwrap(), 0);
    assert_eq!(
        record(&c, "roster", &[d.students["a1"].id, hidden[0]], "{}")
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        trail(&d).await,
        vec![
            (Some(me), None),
            (Some(me), Some(d.students["a1"].id)),
            (Some(me), None)
        ]
    );
}

#[tokio::test]
async fn the_actor_is_always_the_caller() {
    let d = District::new().await;
    let c = d.connect_as("counselor_a").await;
    let other = d.id("counselor_b");
    // A detail claiming another actor is kept as text; the row's actor is
    // the caller's.
    record(
        &c,
        "roster",
        &[d.students["a1"].id],
        &format!("{{\"actor_id\": \"{other}\"}}"),
    )
    .await
    .unwrap();
    let actors: Vec<Option<Uuid>> = trail(&d).await.into_iter().map(|(a, _)| a).collect();
    assert!(
        actors.iter().all(|a| *a == Some(d.id("counselor_a"))),
        "{actors:?}"
    );
    // Nor can the trail be written or changed directly.
    assert_eq!(
        sqlstate(
            c.execute(
                "INSERT INTO audit_events (actor_id, action, table_name, student_id) \
                 VALUES ($1, 'export', 'roster', $2)",
                &[&other, &d.students["a1"].id],
            )
            .await
        ),
        INSUFFICIENT_PRIVILEGE
    );
    assert_eq!(
        sqlstate(
            c.execute("UPDATE audit_events SET actor_id = NULL", &[])
                .await
        ),
        INSUFFICIENT_PRIVILEGE
    );
    assert_eq!(
        sqlstate(c.execute("DELETE FROM audit_events", &[]).await),
        INSUFFICIENT_PRIVILEGE
    );
}

#[tokio::test]
async fn junk_is_refused() {
    let d = District::new().await;
    let c = d.connect_as("counselor_a").await;
    let a1 = [d.students["a1"].id];
    for (kind, detail) in [
        ("anything", "{}"),
        ("roster", "[1, 2]"),
        ("roster", "\"text\""),
    ] {
        assert_eq!(
            sqlstate(record(&c, kind, &a1, detail).await),
            "23514",
            "{kind} {detail}"
        );
    }
    let big = format!("{{\"x\": \"{}\"}}", "y".repeat(5000));
    assert_eq!(sqlstate(record(&c, "roster", &a1, &big).await), "23514");
    assert_eq!(
        sqlstate(
            c.query_one("SELECT caseload_record_export(NULL, NULL, NULL)", &[])
                .await
        ),
        "23514"
    );
    assert!(trail(&d).await.is_empty());
}

#[tokio::test]
async fn people_without_a_role_or_a_users_row_cannot_record() {
    let d = District::new().await;
    for person in ["no_role", "coord_expired"] {
        let c = d.connect_as(person).await;
        assert_eq!(
            sqlstate(record(&c, "roster", &[d.students["a1"].id], "{}").await),
            INSUFFICIENT_PRIVILEGE,
            "{person}"
        );
    }
    // A login role without a users row is refused the same way.
    let c = d.connect_as("no_row").await;
    assert_eq!(
        sqlstate(record(&c, "roster", &[d.students["a1"].id], "{}").await),
        INSUFFICIENT_PRIVILEGE
    );
    assert!(trail(&d).await.is_empty());
}

#[tokio::test]
async fn temp_objects_cannot_hijack_the_function() {
    let d = District::new().await;
    // TEMP is revoked from PUBLIC; granted here so the shadows below are
    // really made and the function's own search_path is what stops them.
    let c = d.connect_with_temp("counselor_a").await;
    let me = d.id("counselor_a");
    let b1 = d.students["b1"].id;
    // A temp `students` that says B1 is mine, and a temp function
    // shadowing the helper: the function names public's, and pg_temp
    // comes last.
    c.batch_execute(
        "CREATE TEMP TABLE students (id uuid, school_id uuid, counselor_id uuid); \
         CREATE FUNCTION pg_temp.caseload_sees_all_students() RETURNS boolean \
         LANGUAGE sql AS 'SELECT true'",
    )
    .await
    .expect("the shadows are made");
    c.execute(
        "INSERT INTO pg_temp.students VALUES ($1, NULL, $2)",
        &[&b1, &me],
    )
    .await
    .expect("the shadow says B1 is mine");
    assert_eq!(record(&c, "roster", &[b1], "{}").await.unwrap(), 0);
    assert_eq!(trail(&d).await, vec![(Some(me), None)]);
}
