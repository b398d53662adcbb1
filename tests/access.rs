//! Row-level security, tried with hand-written SQL on each person's own
//! login role: what PostgreSQL lets them read and change, whatever client
//! they use.

mod common;

use common::district::{District, INSUFFICIENT_PRIVILEGE, Owned, sqlstate};
use tokio_postgres::Client;
use tokio_postgres::types::{ToSql, Type};
use uuid::Uuid;

/// Every table holding student data (audit_events: see tests/audit.rs), with
/// how to address one student's rows by id and a column to touch in a no-op
/// UPDATE.
const TABLES: &[(&str, &str, &str)] = &[
    ("students", "id = $1", "first_name"),
    ("student_guardians", "student_id = $1", "first_name"),
    ("interventions", "student_id = $1", "concern"),
    ("documents", "student_id = $1", "filename"),
    ("communication_log", "student_id = $1", "purpose"),
    (
        "intervention_goals",
        "intervention_id = ANY ($2)",
        "statement",
    ),
    (
        "intervention_sessions",
        "intervention_id = ANY ($2)",
        "note",
    ),
    ("intervention_team", "intervention_id = ANY ($2)", "role"),
    (
        "intervention_attachments",
        "intervention_id = ANY ($2)",
        "caption",
    ),
    ("progress_measurements", "goal_id = ANY ($3)", "note"),
];

fn params(s: &Owned) -> [&(dyn ToSql + Sync); 3] {
    [&s.id, &s.interventions, &s.goals]
}

/// Every statement gets all three parameters whichever its filter uses, so
/// each is typed here (the server refuses a parameter it cannot type).
fn scoped(statement: &str, filter: &str) -> String {
    format!(
        "{statement} WHERE {filter} \
         AND $1::uuid IS NOT NULL AND $2::uuid[] IS NOT NULL AND $3::uuid[] IS NOT NULL"
    )
}

/// How many of the student's rows in `table` the connection sees; the SQL
/// names ids outright, so the count is RLS on that table alone.
async fn rows_of(c: &Client, table: &str, filter: &str, s: &Owned) -> i64 {
    c.query_one(
        &scoped(&format!("SELECT count(*) FROM {table}"), filter),
        &params(s),
    )
    .await
    .unwrap_or_else(|e| panic!("{table}: {e}"))
    .get(0)
}

async fn student_ids(c: &Client) -> Vec<Uuid> {
    let mut ids: Vec<Uuid> = c
        .query("SELECT id FROM students", &[])
        .await
        .expect("students")
        .iter()
        .map(|r| r.get(0))
        .collect();
    ids.sort();
    ids
}

fn ids(d: &District, keys: &[&str]) -> Vec<Uuid> {
    let mut v: Vec<Uuid> = keys.iter().map(|k| d.students[k].id).collect();
    v.sort();
    v
}

#[tokio::test]
async fn counselor_cannot_read_or_change_another_counselors_students() {
    let d = District::new().await;
    let a = d.connect_as("counselor_a").await;
    let b1 = &d.students["b1"];
    let a1 = &d.students["a1"];
    for &(table, filter, column) in TABLES {
        let all = rows_of(&d.admin, table, filter, b1).await;
        assert!(all > 0, "{table}: the fixture has rows for b1");
        assert_eq!(rows_of(&a, table, filter, b1).await, 0, "{table}: read");
        assert!(rows_of(&a, table, filter, a1).await > 0, "{table}: own");
        let touched = a
            .execute(
                &scoped(&format!("UPDATE {table} SET {column} = {column}"), filter),
                &params(b1),
            )
            .await
            .unwrap_or_else(|e| panic!("{table}: {e}"));
        assert_eq!(touched, 0, "{table}: update");
        let deleted = a
            .execute(
                &scoped(&format!("DELETE FROM {table}"), filter),
                &params(b1),
            )
            .await;
        if table == "communication_log" || table == "documents" {
            // Nobody deletes a contact (0016), whoever's it is; a document
            // is marked deleted by caseload_document_delete (0022).
            assert_eq!(sqlstate(deleted), INSUFFICIENT_PRIVILEGE, "{table}: delete");
        } else {
            let deleted = deleted.unwrap_or_else(|e| panic!("{table}: {e}"));
            assert_eq!(deleted, 0, "{table}: delete");
        }
        assert_eq!(
            rows_of(&d.admin, table, filter, b1).await,
            all,
            "{table}: intact"
        );
    }

    // Writing rows onto B's student (or B's intervention, goal) is refused.
    let inserts: &[(&str, &str)] = &[
        (
            "student_guardians",
            "INSERT INTO student_guardians (student_id, first_name, last_name, relationship) \
             VALUES ($1, 'X', 'Y', 'other')",
        ),
        (
            "interventions",
            "INSERT INTO interventions (student_id, school_id, custom_name, intervention_type, tier) \
             VALUES ($1, $4, 'sneaky', 'math', 1)",
        ),
        (
            "communication_log",
            "INSERT INTO communication_log (student_id, direction, channel, purpose, occurred_at) \
             VALUES ($1, 'inbound', 'email', 'hello', now())",
        ),
        (
            "documents",
            "INSERT INTO documents (student_id, storage, object_key, filename, byte_size, sha256) \
             VALUES ($1, 'local', 'k-' || gen_random_uuid(), 'f', 1, repeat('b', 64))",
        ),
        (
            "intervention_goals",
            "INSERT INTO intervention_goals (intervention_id, statement, measure) \
             VALUES ($2, 'g', 'm')",
        ),
        (
            "intervention_sessions",
            "INSERT INTO intervention_sessions (id, intervention_id, session_date, minutes, attendance) \
             VALUES (gen_random_uuid(), $2, current_date, 0, 'cancelled')",
        ),
        (
            "intervention_team",
            "INSERT INTO intervention_team (intervention_id, user_id, role) VALUES ($2, $5, 'observer')",
        ),
        (
            "progress_measurements",
            "INSERT INTO progress_measurements (goal_id, measured_on, value) VALUES ($3, current_date, 1)",
        ),
    ];
    let me = d.id("counselor_a");
    let all: [&(dyn ToSql + Sync); 5] =
        [&b1.id, &b1.interventions[0], &b1.goals[0], &d.school_x, &me];
    for (table, sql) in inserts {
        // Typed up front: each statement uses only some of the five.
        let statement = a
            .prepare_typed(sql, &[Type::UUID; 5])
            .await
            .expect("prepare");
        let r = a.execute(&statement, &all).await;
        assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE, "{table}: insert");
    }
    // ... while the same insert onto one's own student works.
    a.execute(
        "INSERT INTO student_guardians (student_id, first_name, last_name, relationship) \
         VALUES ($1, 'X', 'Y', 'other')",
        &[&a1.id],
    )
    .await
    .expect("own student");
}

#[tokio::test]
async fn each_role_sees_exactly_its_students() {
    let d = District::new().await;
    let all = ["a1", "a2", "b1", "y1"];
    let cases: &[(&str, &[&str])] = &[
        ("counselor_a", &["a1", "a2"]),
        ("counselor_b", &["b1"]),
        // On b1's intervention team only.
        ("teacher", &["b1"]),
        ("interventionist", &["a1"]),
        ("coord_x", &["a1", "a2", "b1"]),
        ("coord_y", &["y1"]),
        ("coord_all", &all),
        ("coord_expired", &[]),
        ("admin", &all),
        ("no_row", &[]),
        // y1's counselor and intervention owner, but holding no role.
        ("no_role", &[]),
    ];
    for (person, expected) in cases {
        let c = d.connect_as(person).await;
        assert_eq!(student_ids(&c).await, ids(&d, expected), "{person}");
        // Every child row of a visible student, none of the others.
        for &(table, filter, _) in TABLES {
            for key in all {
                let s = &d.students[key];
                let sees = rows_of(&c, table, filter, s).await;
                if expected.contains(&key) {
                    let unrestricted = match (*person, table) {
                        // a1 has a restricted intervention, and a restricted
                        // session on its open one.
                        ("interventionist", "interventions") => Some(1),
                        ("interventionist", "intervention_sessions") => Some(1),
                        ("interventionist", "intervention_goals") => Some(1),
                        ("interventionist", "intervention_attachments") => Some(1),
                        ("interventionist", "progress_measurements") => Some(1),
                        // The restricted intervention's owner row is hidden with it.
                        ("interventionist", "intervention_team") => Some(2),
                        _ => None,
                    };
                    let want = match unrestricted {
                        Some(n) => n,
                        None => rows_of(&d.admin, table, filter, s).await,
                    };
                    assert_eq!(sees, want, "{person} on {table} of {key}");
                } else {
                    assert_eq!(sees, 0, "{person} on {table} of {key}");
                }
            }
        }
    }
}

#[tokio::test]
async fn restricted_rows_need_can_view_restricted() {
    let d = District::new().await;
    let a1 = &d.students["a1"];
    let restricted = |table: &str| format!("SELECT count(*) FROM {table} WHERE is_restricted");
    let counselor = d.connect_as("counselor_a").await;
    let interventionist = d.connect_as("interventionist").await;
    for table in ["interventions", "intervention_sessions"] {
        let n: i64 = counselor
            .query_one(&restricted(table), &[])
            .await
            .unwrap()
            .get(0);
        assert_eq!(n, 1, "counselor sees the restricted {table}");
        let n: i64 = interventionist
            .query_one(&restricted(table), &[])
            .await
            .unwrap()
            .get(0);
        assert_eq!(n, 0, "interventionist does not see the restricted {table}");
    }
    // Nor can the interventionist write one, on the student they work with.
    let r = interventionist
        .execute(
            "INSERT INTO intervention_sessions (id, intervention_id, session_date, minutes, attendance, is_restricted) \
             VALUES (gen_random_uuid(), $1, current_date, 20, 'present', true)",
            &[&a1.interventions[0]],
        )
        .await;
    assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE);
    interventionist
        .execute(
            "INSERT INTO intervention_sessions (id, intervention_id, session_date, minutes, attendance) \
             VALUES (gen_random_uuid(), $1, current_date, 20, 'present')",
            &[&a1.interventions[0]],
        )
        .await
        .expect("an ordinary session");
    // Marking a visible session restricted would hide it from its author:
    // refused as well.
    let r = interventionist
        .execute(
            "UPDATE intervention_sessions SET is_restricted = true WHERE id = $1",
            &[&a1.sessions[0]],
        )
        .await;
    assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE);
}

#[tokio::test]
async fn writes_must_stay_inside_what_one_may_see() {
    let d = District::new().await;
    let insert_student = "INSERT INTO students (school_id, local_id, first_name, last_name, grade_level) \
                          VALUES ($1, $2, 'New', 'Kid', '01')";
    let coord = d.connect_as("coord_x").await;
    let r = coord.execute(insert_student, &[&d.school_y, &"N-Y"]).await;
    assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE, "into another school");
    coord
        .execute(insert_student, &[&d.school_x, &"N-X"])
        .await
        .expect("into their own school");
    let r = coord
        .execute(
            "UPDATE students SET school_id = $2 WHERE id = $1",
            &[&d.students["b1"].id, &d.school_y],
        )
        .await;
    assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE, "moving out of scope");

    // A counselor may not hand a student (they only counsel) to a colleague,
    // nor take on a student of another school's counselor...
    let a = d.connect_as("counselor_a").await;
    let r = a
        .execute(
            "UPDATE students SET counselor_id = $2 WHERE id = $1",
            &[&d.students["a2"].id, &d.id("counselor_b")],
        )
        .await;
    assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE, "handing a2 to b");
    let r = a
        .execute(
            "INSERT INTO students (school_id, local_id, first_name, last_name, grade_level, counselor_id) \
             VALUES ($1, 'N-B', 'New', 'Kid', '01', $2)",
            &[&d.school_x, &d.id("counselor_b")],
        )
        .await;
    assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE, "a student for b");
    // ...but may enrol one of their own.
    a.execute(
        "INSERT INTO students (school_id, local_id, first_name, last_name, grade_level, counselor_id) \
         VALUES ($1, 'N-A', 'New', 'Kid', '01', $2)",
        &[&d.school_x, &d.id("counselor_a")],
    )
    .await
    .expect("own student");
}

/// The roster's school picker lists every active school to everyone (schools
/// are not secret), the person's own first: a coordinator's schools, and the
/// schools any of their roles is granted at (a counselor at X: X).
#[tokio::test]
async fn the_school_picker_puts_a_coordinators_schools_first() {
    use caseload::db::schools::active_schools;
    let d = District::new().await;
    let names = |v: Vec<caseload::domain::school::SchoolChoice>| -> Vec<(String, bool)> {
        v.into_iter().map(|s| (s.name, s.mine)).collect()
    };
    let y = active_schools(&d.connect_as("coord_y").await)
        .await
        .expect("list");
    assert_eq!(names(y), [("Y".into(), true), ("X".into(), false)]);
    let counselor = active_schools(&d.connect_as("counselor_a").await)
        .await
        .expect("list");
    assert_eq!(names(counselor), [("X".into(), true), ("Y".into(), false)]);
    d.admin
        .execute(
            "UPDATE schools SET is_active = false WHERE id = $1",
            &[&d.school_x],
        )
        .await
        .expect("close X");
    let after = active_schools(&d.connect_as("coord_y").await)
        .await
        .expect("list");
    assert_eq!(
        names(after),
        [("Y".into(), true)],
        "closed schools are not offered"
    );
}
