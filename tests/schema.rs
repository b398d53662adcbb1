//! The schema enforces the data model: enums round-trip, bad rows are rejected.

mod common;

use caseload::domain::enums::*;
use common::{TestDb, db_message};
use postgres_types::{FromSql, ToSql};
use tokio_postgres::Client;

async fn round_trip<E>(c: &Client)
where
    E: PgEnum + ToSql + for<'a> FromSql<'a> + Sync + PartialEq + std::fmt::Debug,
{
    let sql = format!("SELECT $1::{0}, $1::{0}::text", E::TYPE_NAME);
    for &v in E::ALL {
        let row = c.query_one(sql.as_str(), &[&v]).await.expect("round trip");
        assert_eq!(row.get::<_, E>(0), v);
        assert_eq!(row.get::<_, String>(1), v.label());
    }
}

#[tokio::test]
async fn every_enum_round_trips() {
    let db = TestDb::new().await;
    let c = db.admin().await;
    round_trip::<ExecutionStatus>(&c).await;
    round_trip::<FieldType>(&c).await;
    round_trip::<GradeLevel>(&c).await;
    round_trip::<InterventionStatus>(&c).await;
    round_trip::<InterventionType>(&c).await;
    round_trip::<JobStatus>(&c).await;
    round_trip::<NavigationType>(&c).await;
    round_trip::<StudentStatus>(&c).await;
    round_trip::<ToolStatus>(&c).await;
}

#[tokio::test]
async fn grade_comparisons_follow_declaration_order() {
    let db = TestDb::new().await;
    let c = db.admin().await;
    let row = c
        .query_one(
            "SELECT '03'::grade_level BETWEEN 'KG' AND '05', 'PK'::grade_level < 'KG'",
            &[],
        )
        .await
        .expect("compare");
    assert!(row.get::<_, bool>(0));
    assert!(row.get::<_, bool>(1));
}

/// A school, a student and a program: the minimum an intervention hangs off.
async fn fixture(c: &Client) -> (uuid::Uuid, uuid::Uuid) {
    let school: uuid::Uuid = c
        .query_one(
            "INSERT INTO schools (name, local_id, low_grade, high_grade) \
             VALUES ('Test Elementary', 'T1', 'KG', '05') RETURNING id",
            &[],
        )
        .await
        .expect("school")
        .get(0);
    let student: uuid::Uuid = c
        .query_one(
            "INSERT INTO students (school_id, local_id, first_name, last_name, grade_level) \
             VALUES ($1, 'S1', 'Zoë', 'O''Brien', '03') RETURNING id",
            &[&school],
        )
        .await
        .expect("student")
        .get(0);
    (school, student)
}

async fn insert_intervention(
    c: &Client,
    school: uuid::Uuid,
    student: uuid::Uuid,
    status: InterventionStatus,
) -> Result<uuid::Uuid, tokio_postgres::Error> {
    c.query_one(
        "INSERT INTO interventions (student_id, school_id, custom_name, intervention_type, tier, \
         status, start_date, planned_end_date) \
         VALUES ($1, $2, 'Fluency group', 'reading', 2, $3, DATE '2026-09-01', DATE '2026-12-01') \
         RETURNING id",
        &[&student, &school, &status],
    )
    .await
    .map(|r| r.get(0))
}

#[tokio::test]
async fn planned_end_before_start_is_rejected() {
    let db = TestDb::new().await;
    let c = db.admin().await;
    let (school, student) = fixture(&c).await;
    let err = c
        .execute(
            "INSERT INTO interventions (student_id, school_id, custom_name, intervention_type, tier, \
             start_date, planned_end_date) \
             VALUES ($1, $2, 'x', 'math', 2, DATE '2026-10-01', DATE '2026-09-01')",
            &[&student, &school],
        )
        .await
        .expect_err("end before start");
    assert!(
        db_message(&err).contains("interventions_end_after_start"),
        "{}",
        db_message(&err)
    );
}

#[tokio::test]
async fn illegal_lifecycle_transitions_are_rejected_by_the_database() {
    let db = TestDb::new().await;
    let c = db.admin().await;
    let (school, student) = fixture(&c).await;
    use InterventionStatus::*;
    // Walk every (from, to) pair and compare the trigger with the domain table.
    for &from in InterventionStatus::ALL {
        for &to in InterventionStatus::ALL {
            if from == to {
                continue;
            }
            let id = insert_intervention(&c, school, student, from)
                .await
                .expect("insert");
            let result = c
                .execute(
                    "UPDATE interventions SET status = $2, outcome = 'goal_met' WHERE id = $1",
                    &[&id, &to],
                )
                .await;
            let allowed = caseload::domain::lifecycle::allowed(from, to);
            match result {
                Ok(_) => assert!(allowed, "{from} -> {to} should be refused"),
                Err(e) => {
                    assert!(!allowed, "{from} -> {to} refused: {}", db_message(&e));
                    assert!(db_message(&e).contains("illegal intervention status transition"));
                }
            }
        }
    }
    // Leaving active for a final state needs an outcome.
    let id = insert_intervention(&c, school, student, Active)
        .await
        .expect("insert");
    let err = c
        .execute(
            "UPDATE interventions SET status = 'completed' WHERE id = $1",
            &[&id],
        )
        .await
        .expect_err("outcome required");
    assert!(
        db_message(&err).contains("requires an outcome"),
        "{}",
        db_message(&err)
    );
    // A referral can be dropped without one, and gets an ended_at.
    let id = insert_intervention(&c, school, student, Referred)
        .await
        .expect("insert");
    c.execute(
        "UPDATE interventions SET status = 'discontinued' WHERE id = $1",
        &[&id],
    )
    .await
    .expect("referred -> discontinued");
    let ended: Option<chrono::DateTime<chrono::Utc>> = c
        .query_one("SELECT ended_at FROM interventions WHERE id = $1", &[&id])
        .await
        .expect("row")
        .get(0);
    assert!(ended.is_some());
}

#[tokio::test]
async fn unknown_enum_values_are_rejected() {
    let db = TestDb::new().await;
    let c = db.admin().await;
    let (school, student) = fixture(&c).await;
    let err = c
        .execute(
            "INSERT INTO interventions (student_id, school_id, custom_name, intervention_type, tier, status) \
             VALUES ($1, $2, 'x', 'math', 2, $3::text::intervention_status)",
            &[&student, &school, &"sometimes"],
        )
        .await
        .expect_err("unknown enum value");
    let msg = db_message(&err);
    assert!(
        msg.contains("invalid input value for enum intervention_status"),
        "{msg}"
    );
    assert!(msg.contains("22P02"), "{msg}");
}

#[tokio::test]
async fn check_constraints_reject_impossible_rows() {
    let db = TestDb::new().await;
    let c = db.admin().await;
    let (school, student) = fixture(&c).await;
    let id = insert_intervention(&c, school, student, InterventionStatus::Active)
        .await
        .expect("insert");
    let cases: &[(&str, &str)] = &[
        (
            "INSERT INTO intervention_sessions (id, intervention_id, session_date, minutes, attendance) \
             VALUES (gen_random_uuid(), $1, DATE '2026-10-01', -5, 'present')",
            "intervention_sessions_minutes_check",
        ),
        (
            "INSERT INTO intervention_sessions (id, intervention_id, session_date, minutes, attendance) \
             VALUES (gen_random_uuid(), $1, DATE '2026-10-01', 30, 'student_absent')",
            "intervention_sessions_absent_no_minutes",
        ),
        (
            "INSERT INTO intervention_goals (intervention_id, statement, measure, direction, \
             baseline_value, target_value) VALUES ($1, 'Read more', 'WCPM', 'increase', 60, 40)",
            "intervention_goals_direction_consistent",
        ),
        (
            "INSERT INTO intervention_team (intervention_id, role) VALUES ($1, 'observer')",
            "intervention_team_member_identified",
        ),
    ];
    for (sql, constraint) in cases {
        let err = c.execute(*sql, &[&id]).await.expect_err(constraint);
        assert!(
            db_message(&err).contains(constraint),
            "{constraint}: {}",
            db_message(&err)
        );
    }
    // Version moves on with every update, for optimistic concurrency.
    let v: i32 = c
        .query_one(
            "UPDATE interventions SET tier = 3 WHERE id = $1 RETURNING version",
            &[&id],
        )
        .await
        .expect("update")
        .get(0);
    assert_eq!(v, 2);
}
