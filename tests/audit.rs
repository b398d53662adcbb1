//! "Who did it" columns and the audit trail, written by the database on
//! each person's own login role.

mod common;

use caseload::db::{student_record, students};
use common::district::{District, INSUFFICIENT_PRIVILEGE, sqlstate};
use tokio_postgres::Client;
use uuid::Uuid;

/// (action, actor, changed columns) of a row's audit events, oldest first,
/// read as the superuser.
async fn trail(d: &District, row: Uuid) -> Vec<(String, Option<Uuid>, Option<Vec<String>>)> {
    d.admin
        .query(
            "SELECT action, actor_id, changed_columns FROM audit_events WHERE row_id = $1 ORDER BY id",
            &[&row],
        )
        .await
        .expect("audit")
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect()
}

async fn audit_count(c: &Client, student: Uuid) -> i64 {
    c.query_one(
        "SELECT count(*) FROM audit_events WHERE student_id = $1",
        &[&student],
    )
    .await
    .expect("audit count")
    .get(0)
}

#[tokio::test]
async fn spoofed_authors_are_overwritten_and_kept_on_update() {
    let d = District::new().await;
    let (a, b, coord) = (d.id("counselor_a"), d.id("counselor_b"), d.id("coord_x"));
    let a1 = &d.students["a1"];
    let counselor = d.connect_as("counselor_a").await;

    let session = Uuid::new_v4();
    counselor
        .execute(
            "INSERT INTO intervention_sessions (id, intervention_id, session_date, minutes, attendance, created_by, updated_by) \
             VALUES ($1, $2, current_date, 20, 'present', $3, $3)",
            &[&session, &a1.interventions[0], &b],
        )
        .await
        .expect("session");
    let row = counselor
        .query_one(
            "INSERT INTO communication_log (student_id, staff_id, direction, channel, purpose, occurred_at) \
             VALUES ($1, $2, 'outbound', 'phone', 'call', now()) RETURNING id, staff_id",
            &[&a1.id, &b],
        )
        .await
        .expect("communication");
    let (log, staff): (Uuid, Uuid) = (row.get(0), row.get(1));
    assert_eq!(staff, a, "staff_id is the person who logged it");
    let row = counselor
        .query_one(
            "INSERT INTO students (school_id, local_id, first_name, last_name, grade_level, counselor_id, created_by, updated_by) \
             VALUES ($1, 'S-1', 'New', 'Kid', '02', $2, $3, $3) RETURNING created_by, updated_by",
            &[&d.school_x, &a, &b],
        )
        .await
        .expect("student");
    assert_eq!((row.get::<_, Uuid>(0), row.get::<_, Uuid>(1)), (a, a));

    // Someone else edits: updated_by follows, created_by and staff_id stay.
    let coordinator = d.connect_as("coord_x").await;
    let row = coordinator
        .query_one(
            "UPDATE intervention_sessions SET note = 'late', created_by = $2, updated_by = $2 \
             WHERE id = $1 RETURNING created_by, updated_by",
            &[&session, &b],
        )
        .await
        .expect("update session");
    assert_eq!((row.get::<_, Uuid>(0), row.get::<_, Uuid>(1)), (a, coord));
    let staff: Uuid = coordinator
        .query_one(
            "UPDATE communication_log SET summary = 'rang twice', staff_id = $2 WHERE id = $1 RETURNING staff_id",
            &[&log, &coord],
        )
        .await
        .expect("update communication")
        .get(0);
    assert_eq!(staff, a);

    // The superuser doing maintenance is no caseload user: its values stand.
    let row = d
        .admin
        .query_one(
            "UPDATE intervention_sessions SET updated_by = $2 WHERE id = $1 RETURNING updated_by",
            &[&session, &b],
        )
        .await
        .expect("maintenance");
    assert_eq!(row.get::<_, Uuid>(0), b);
}

#[tokio::test]
async fn writes_leave_audit_rows_with_changed_columns() {
    let d = District::new().await;
    let a = d.id("counselor_a");
    let a1 = &d.students["a1"];
    let counselor = d.connect_as("counselor_a").await;
    let id: Uuid = counselor
        .query_one(
            "INSERT INTO student_guardians (student_id, first_name, last_name, relationship) \
             VALUES ($1, 'Ana', 'Li', 'mother') RETURNING id",
            &[&a1.id],
        )
        .await
        .expect("insert")
        .get(0);
    counselor
        .execute(
            "UPDATE student_guardians SET phone = '555 0101', notes = 'evenings' WHERE id = $1",
            &[&id],
        )
        .await
        .expect("update");
    counselor
        .execute("DELETE FROM student_guardians WHERE id = $1", &[&id])
        .await
        .expect("delete");

    let t = trail(&d, id).await;
    assert_eq!(
        t.iter()
            .map(|(action, actor, _)| (action.as_str(), *actor))
            .collect::<Vec<_>>(),
        vec![
            ("insert", Some(a)),
            ("update", Some(a)),
            ("delete", Some(a))
        ]
    );
    let inserted = t[0].2.clone().expect("inserted columns");
    assert!(inserted.contains(&"first_name".to_string()), "{inserted:?}");
    assert!(
        !inserted.contains(&"updated_at".to_string()),
        "{inserted:?}"
    );
    // The version and updated_at triggers' changes are not news.
    assert_eq!(t[1].2, Some(vec!["notes".to_string(), "phone".to_string()]));
    let meta = d
        .admin
        .query_one(
            "SELECT table_name, student_id, actor_role FROM audit_events WHERE row_id = $1 LIMIT 1",
            &[&id],
        )
        .await
        .unwrap();
    assert_eq!(meta.get::<_, String>(0), "student_guardians");
    assert_eq!(meta.get::<_, Uuid>(1), a1.id);
    assert_eq!(meta.get::<_, String>(2), d.login("counselor_a"));

    // Rows below an intervention find their student through it.
    counselor
        .execute(
            "UPDATE intervention_goals SET statement = 'Read faster' WHERE id = $1",
            &[&a1.goals[0]],
        )
        .await
        .unwrap();
    let student: Option<Uuid> = d
        .admin
        .query_one(
            "SELECT student_id FROM audit_events WHERE row_id = $1 AND action = 'update'",
            &[&a1.goals[0]],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(student, Some(a1.id));
}

#[tokio::test]
async fn opening_a_record_is_recorded_and_refused_for_invisible_students() {
    let d = District::new().await;
    let counselor = d.connect_as("counselor_a").await;
    let (a1, b1) = (d.students["a1"].id, d.students["b1"].id);
    let view = |id: Uuid| {
        let c = &counselor;
        async move {
            c.query_one("SELECT caseload_record_student_view($1)", &[&id])
                .await
                .expect("record view")
                .get::<_, bool>(0)
        }
    };
    assert!(view(a1).await);
    assert!(!view(b1).await, "b1 is not counselor A's");
    let reads = |id: Uuid| {
        let admin = &d.admin;
        async move {
            admin
                .query(
                    "SELECT actor_id FROM audit_events WHERE student_id = $1 AND action = 'read'",
                    &[&id],
                )
                .await
                .unwrap()
                .iter()
                .map(|r| r.get::<_, Option<Uuid>>(0))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(reads(a1).await, vec![Some(d.id("counselor_a"))]);
    assert!(reads(b1).await.is_empty());
}

#[tokio::test]
async fn nobody_but_the_database_writes_the_trail() {
    let d = District::new().await;
    // Something to tamper with.
    let a1 = d.students["a1"].id;
    let admin = d.connect_as("admin").await;
    assert!(
        admin
            .query_one("SELECT caseload_record_student_view($1)", &[&a1])
            .await
            .unwrap()
            .get::<_, bool>(0)
    );
    for person in ["admin", "coord_x", "counselor_a"] {
        let c = d.connect_as(person).await;
        for sql in [
            "UPDATE audit_events SET actor_id = NULL",
            "DELETE FROM audit_events",
            "INSERT INTO audit_events (action, table_name) VALUES ('read', 'students')",
            "TRUNCATE audit_events",
        ] {
            assert_eq!(
                sqlstate(c.execute(sql, &[]).await),
                INSUFFICIENT_PRIVILEGE,
                "{person}: {sql}"
            );
        }
    }
    let total: i64 = d
        .admin
        .query_one(
            "SELECT count(*) FROM audit_events WHERE actor_id IS NOT NULL",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(total, 1);
}

#[tokio::test]
async fn coordinators_and_admins_read_the_trail_of_students_they_see() {
    let d = District::new().await;
    // The fixture's own inserts are in the trail already (as the superuser).
    let students = ["a1", "b1", "y1"].map(|k| d.students[k].id);
    for s in students {
        assert!(audit_count(&d.admin, s).await > 0);
    }
    let cases: &[(&str, [bool; 3])] = &[
        ("admin", [true, true, true]),
        ("coord_all", [true, true, true]),
        ("coord_x", [true, true, false]),
        ("coord_y", [false, false, true]),
        ("counselor_a", [false, false, false]),
        ("teacher", [false, false, false]),
    ];
    for (person, sees) in cases {
        let c = d.connect_as(person).await;
        for (s, sees) in students.iter().zip(sees) {
            let n = audit_count(&c, *s).await;
            if *sees {
                assert_eq!(n, audit_count(&d.admin, *s).await, "{person}");
            } else {
                assert_eq!(n, 0, "{person}");
            }
        }
    }
}

#[tokio::test]
async fn the_student_screen_records_the_read_and_shows_activity_to_coordinators_only() {
    let d = District::new().await;
    let a1 = d.students["a1"].id;
    let counselor = d.connect_as("counselor_a").await;
    let seen = student_record::load(&counselor, a1)
        .await
        .expect("load")
        .expect("a1 is counselor A's");
    assert!(seen.activity.is_empty(), "{:?}", seen.activity);

    let coordinator = d.connect_as("coord_x").await;
    let seen = student_record::load(&coordinator, a1)
        .await
        .expect("load")
        .expect("a1 is in school X");
    // Pipelined after the read it records, so that read comes first.
    let first = &seen.activity[0];
    assert_eq!(
        (
            first.who.as_str(),
            first.action.as_str(),
            first.table.as_str()
        ),
        ("coord_x", "read", "students")
    );
    assert!(
        seen.activity
            .iter()
            .any(|e| e.who == "counselor_a" && e.action == "read"),
        "{:?}",
        seen.activity
    );
    assert!(seen.activity.len() as i64 <= students::ACTIVITY_LIMIT);

    // An invisible student: no record, and no read recorded.
    let b1 = d.students["b1"].id;
    assert!(
        student_record::load(&counselor, b1)
            .await
            .expect("load")
            .is_none()
    );
    let reads: i64 = d
        .admin
        .query_one(
            "SELECT count(*) FROM audit_events WHERE student_id = $1 AND action = 'read'",
            &[&b1],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(reads, 0);
}
